/* paths.h - where the agent reads and writes; every path can be overridden */
#pragma once

struct paths {
	const char *config;        /* /etc/proxmesh/proxmesh.conf */
	const char *state_dir;     /* /var/lib/proxmesh */
	const char *run_dir;       /* /run/proxmesh */
	const char *frr_dir;       /* /etc/frr */
	const char *ifupdown_file; /* /etc/network/interfaces.d/proxmesh */
	const char *ifupdown_main; /* /etc/network/interfaces */
	const char *sysctl_file;   /* /etc/sysctl.d/90-proxmesh.conf */
	const char *sdn_marker;    /* /etc/pve/sdn/.running-config */
	const char *sdn_fabrics;   /* /etc/pve/sdn/fabrics.cfg */
	/* what `proxmesh doctor` reads besides */
	const char *corosync_conf;  /* /etc/pve/corosync.conf */
	const char *ceph_conf;      /* /etc/pve/ceph.conf, else /etc/ceph/ceph.conf */
	const char *datacenter_cfg; /* /etc/pve/datacenter.cfg */
};

/* The package defaults, overridden by PROXMESH_CONFIG, PROXMESH_STATE_DIR,
 * PROXMESH_RUN_DIR, PROXMESH_FRR_DIR, PROXMESH_IFUPDOWN_FILE,
 * PROXMESH_IFUPDOWN_MAIN, PROXMESH_SYSCTL_FILE, PROXMESH_SDN_MARKER, PROXMESH_SDN_FABRICS,
 * PROXMESH_COROSYNC_CONF, PROXMESH_CEPH_CONF and PROXMESH_DATACENTER_CFG. */
void paths_init(struct paths *p);
