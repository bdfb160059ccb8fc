/* sdnfabric.h - Proxmox VE 9 SDN fabrics that claim a part of the mesh on
 * this host (/etc/pve/sdn/fabrics.cfg, DESIGN §13; pure) */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "util.h"

#define SDN_FABRIC_ID_MAX 31
#define SDN_PROTOCOL_MAX 15

/* One conflict: a fabric's node section for this host names a mesh
 * interface, or (ifname "") runs OSPF here, a second owner of `router ospf`. */
struct sdn_claim {
	char fabric[SDN_FABRIC_ID_MAX + 1];
	char protocol[SDN_PROTOCOL_MAX + 1]; /* "ospf", "openfabric", ... */
	char ifname[IFNAMSIZ];
	unsigned line; /* of the interfaces line, or of the node section */
};

struct sdn_conflicts {
	struct sdn_claim *v;
	size_t n;
	bool whole_host; /* an OSPF fabric on this host: every link is claimed */
};

/* The conflicts in the text of fabrics.cfg (Proxmox's section config:
 * "TYPE: ID" headers, indented "key value" properties) for the host named
 * node whose mesh interfaces are ifnames. Node sections are
 * "PROTOCOL_node: FABRIC_NODE"; their "interfaces name=IF[,...]" lines
 * claim IF. Lines it does not understand are skipped, as are section types
 * it does not know: only Proxmox writes the file. Always succeeds. */
void sdnfabric_conflicts(const char *text, const char *node, const struct strv *ifnames,
                         struct sdn_conflicts *out);

/* Is the mesh link on ifname claimed (whole_host claims every one)? */
bool sdnfabric_claims(const struct sdn_conflicts *c, const char *ifname);

/* One sentence naming both files, e.g.
 * "/etc/pve/sdn/fabrics.cfg:6: Proxmox SDN's openfabric fabric \"mesh\"
 * claims nic3, nic4 of the mesh in /etc/proxmesh/proxmesh.conf: proxmesh
 * leaves those links as they are" (owned; NULL when there is no conflict). */
char *sdnfabric_describe(const struct sdn_conflicts *c, const char *fabrics_path,
                         const char *config_path);

void sdnfabric_free(struct sdn_conflicts *c);
