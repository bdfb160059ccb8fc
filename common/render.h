/* render.h - the desired FRR configuration of one node, in FRR's own form */
#pragma once

#include "addrplan.h"
#include "config.h"
#include "frrconf.h"

struct frr_version {
	unsigned major, minor;
};

#define RENDER_BFD_PROFILE "proxmesh"
#define RENDER_ROUTE_MAP "proxmesh-src"
#define RENDER_ROUTE_MAP6 "proxmesh-src6"
/* The cost of every link of an endpoint node (the OSPF maximum). */
#define RENDER_ENDPOINT_COST 65535
/* OSPF throttling for a mesh of a few nodes (ms). */
#define RENDER_SPF_DELAY 0
#define RENDER_SPF_HOLD 50
#define RENDER_SPF_MAX_HOLD 1000
#define RENDER_LSA_INTERVAL 100
#define RENDER_LSA_MIN_ARRIVAL 50
#define RENDER_RETRANSMIT_INTERVAL 1 /* seconds, on every link */

/* Parse "8.4.4", "10.3" or "FRRouting 10.3 (host) on Linux …"-free forms. */
int frr_version_parse(const char *s, struct frr_version *out);

/* The desired configuration of node n as a tree, exactly as FRR of version v
 * prints it in `show running-config` (only the parts proxmesh owns). */
void render_frr(const struct config *c, const struct node_conf *n, const struct link_plan *links,
                struct frr_version v, struct frrconf *out);

/* The same as running-config text (owned string). */
char *render_frr_text(const struct config *c, const struct node_conf *n,
                      const struct link_plan *links, struct frr_version v);
