/* paths.c - where the agent reads and writes; every path can be overridden */
#include "paths.h"

#include <stdlib.h>
#include <unistd.h>

static const char *
env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

void
paths_init(struct paths *p)
{
	p->config = env_or("PROXMESH_CONFIG", "/etc/proxmesh/proxmesh.conf");
	p->state_dir = env_or("PROXMESH_STATE_DIR", "/var/lib/proxmesh");
	p->run_dir = env_or("PROXMESH_RUN_DIR", "/run/proxmesh");
	p->frr_dir = env_or("PROXMESH_FRR_DIR", "/etc/frr");
	p->ifupdown_file = env_or("PROXMESH_IFUPDOWN_FILE", "/etc/network/interfaces.d/proxmesh");
	p->ifupdown_main = env_or("PROXMESH_IFUPDOWN_MAIN", "/etc/network/interfaces");
	p->sysctl_file = env_or("PROXMESH_SYSCTL_FILE", "/etc/sysctl.d/90-proxmesh.conf");
	p->sdn_marker = env_or("PROXMESH_SDN_MARKER", "/etc/pve/sdn/.running-config");
	p->sdn_fabrics = env_or("PROXMESH_SDN_FABRICS", "/etc/pve/sdn/fabrics.cfg");
	p->corosync_conf = env_or("PROXMESH_COROSYNC_CONF", "/etc/pve/corosync.conf");
	/* a PVE host's /etc/ceph/ceph.conf links to it; a plain Ceph host has
	 * only that one */
	p->ceph_conf = env_or("PROXMESH_CEPH_CONF", access("/etc/pve/ceph.conf", F_OK) == 0
	                                                ? "/etc/pve/ceph.conf"
	                                                : "/etc/ceph/ceph.conf");
	p->datacenter_cfg = env_or("PROXMESH_DATACENTER_CFG", "/etc/pve/datacenter.cfg");
}
