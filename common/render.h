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

/* How OSPF's links and loopback join the area. proxmesh's own form is an
 * "ip ospf area" line in each interface. A host set up by hand as in §1
 * has "network SUBNET area A" statements in router ospf instead, and FRR
 * takes one form at a time: changing forms takes every interface out of
 * OSPF and back, which resets the adjacency of a hand-made neighbour too,
 * and that neighbour has no bridge (its traffic through us stopped for
 * 1.2-1.7 s in the lab), or, once all run proxmesh, every adjacency of
 * every host at once. So a host keeps the form it has: the network form
 * is one statement per link subnet and one for the loopback. */
enum render_area {
	RENDER_AREA_INTERFACE,
	RENDER_AREA_NETWORK,
};

/* A network statement of the network form, "network PREFIX area A"
 * (owned string). */
char *render_network(const struct config *c, const struct prefix4 *net);

/* Parse "8.4.4", "10.3" or "FRRouting 10.3 (host) on Linux …"-free forms. */
int frr_version_parse(const char *s, struct frr_version *out);

/* The desired configuration of node n as a tree, exactly as FRR of version v
 * prints it in `show running-config` (only the parts proxmesh owns), its
 * links joining the area in the given form. */
void render_frr(const struct config *c, const struct node_conf *n, const struct link_plan *links,
                struct frr_version v, enum render_area form, struct frrconf *out);

/* The same as running-config text (owned string), in proxmesh's own form. */
char *render_frr_text(const struct config *c, const struct node_conf *n,
                      const struct link_plan *links, struct frr_version v);
