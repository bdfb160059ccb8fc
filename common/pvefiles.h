/* pvefiles.h - what `proxmesh doctor` reads in Proxmox's cluster files:
 * corosync.conf, ceph.conf and datacenter.cfg (pure; DESIGN §13) */
#pragma once

#include <stddef.h>

#define PVEFILES_NAME_MAX 63
#define PVEFILES_ADDR_MAX 63 /* an IPv4 or IPv6 address, a CIDR or a host name */

/* corosync.conf: each node's address on each corosync link. */
struct corosync_addr {
	char node[PVEFILES_NAME_MAX + 1]; /* nodelist.node.name, "" when the node has none */
	unsigned link;                    /* N of ringN_addr (or linkN_addr) */
	char addr[PVEFILES_ADDR_MAX + 1]; /* as written: an address or a host name */
	unsigned line;
};

struct corosync_conf {
	struct corosync_addr *addrs;
	size_t n_addrs;
};

/* Parse the text of corosync.conf: 0, or -EINVAL with *line the line at
 * fault (a `}` without a block, a block left open at the end, a line that is
 * neither `key: value`, `NAME {` nor `}`). Only nodelist { node { ... } }
 * is kept; values too long for the fields are -EINVAL too, and so is an
 * empty ringN_addr (corosync refuses it). A block left open is at fault at
 * its `NAME {` line; a link a node gives twice keeps its last address, as
 * corosync and PVE read it. */
int corosync_conf_parse(const char *text, struct corosync_conf *out, unsigned *line);
void corosync_conf_free(struct corosync_conf *c);

/* ceph.conf: a value of a list, as written (trimmed), and its line. */
struct ceph_item {
	char text[PVEFILES_ADDR_MAX + 1];
	unsigned line;
};

struct ceph_conf {
	/* [global] public_network / cluster_network ("public network" too),
	 * split at commas, spaces and semicolons */
	struct ceph_item *public_networks;
	size_t n_public_networks;
	struct ceph_item *cluster_networks;
	size_t n_cluster_networks;
	/* every monitor address: [global] mon_host entries and [mon.NAME]
	 * public_addr / mon_addr, reduced to the bare address (brackets,
	 * v1:/v2: prefixes, :PORT and /NONCE taken off:
	 * "[v2:192.168.102.1:3300/0,v1:192.168.102.1:6789/0]" gives
	 * 192.168.102.1 once, "192.168.102.1:6789" gives 192.168.102.1,
	 * "[fd00::1]:6789" gives fd00::1); each address once */
	struct ceph_item *mons;
	size_t n_mons;
};

/* Parse the text of ceph.conf (INI, with libinih): 0, or -EINVAL with
 * *line the line inih refused, or the line of an item longer than
 * PVEFILES_ADDR_MAX. Each list holds an item once, at its first line. */
int ceph_conf_parse(const char *text, struct ceph_conf *out, unsigned *line);
void ceph_conf_free(struct ceph_conf *c);

/* datacenter.cfg: the network of the `migration:` line
 * ("type=secure,network=CIDR", "secure,network=CIDR" or "network=CIDR"),
 * "" when it has none or there is no such line; *line its line (0 when
 * none). 0, or -EINVAL when a migration line's network is too long. Of
 * several migration lines the last counts, as in PVE's parser. */
int datacenter_migration_network(const char *text, char net[static PVEFILES_ADDR_MAX + 1],
                                 unsigned *line);
