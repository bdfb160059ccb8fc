/* addrplan.h - the deterministic address plan of DESIGN §4 */
#pragma once

#include "config.h"

/* One link of a node, with both ends resolved and addressed. */
struct link_plan {
	const struct node_conf *node;
	const struct node_conf *peer;
	const struct link_conf *link;      /* node's side */
	const struct link_conf *peer_link; /* peer's side */
	struct prefix4 subnet;
	struct prefix4 local; /* node's address and prefix length */
	struct in_addr remote;
	/* IPv6 link addresses from [mesh] prefix6; without it (or without
	 * ipv6 = yes) has6 is false and the link has link-local ones only. */
	bool has6;
	struct prefix6 subnet6;
	struct prefix6 local6;
	struct in6_addr remote6;
	/* Kept broadcast for a neighbour not run by proxmesh yet (dialect.h);
	 * set by the pass, not by the plan. */
	bool compat;
};

/* The subnet number k of the link between ids i and j (any order, i != j). */
unsigned addrplan_index(unsigned i, unsigned j);

/* The k-th link subnet of the pool; -ENOSPC when the pool is too small. */
int addrplan_subnet(const struct config *c, unsigned k, struct prefix4 *out);

/* The k-th link subnet of prefix6 (a /64 or a /127); -ENOSPC when the
 * pool is too small. */
int addrplan_subnet6(const struct config *c, unsigned k, struct prefix6 *out);

/* Plan all links of node n. *out is an array of n->n_links entries (free()).
 * Errors (pool exhausted, peer missing) are negative errno with *err set. */
int addrplan_node(const struct config *c, const struct node_conf *n, struct link_plan **out,
                  char **err);
