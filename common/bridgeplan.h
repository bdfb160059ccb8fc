/* bridgeplan.h - make-before-break while OSPF is being changed: which
 * neighbours' loopbacks to route over the direct links while an adjacency
 * re-forms, and when OSPF has settled enough to carry them again */
#pragma once

#include <net/if.h>
#include <stdbool.h>

#include "addrplan.h"
#include "frrjson.h"
#include "util.h"

/* A host route to a neighbour's loopback over the link to it. */
struct bridge {
	char ifname[IFNAMSIZ];
	struct in_addr gateway; /* the neighbour's address on the link */
	struct prefix4 dst;     /* its loopback */
	/* The source the host's own traffic takes, 0: the kernel's choice,
	 * the link's address. A bridge to a loopback farther than the
	 * neighbour takes our loopback, as OSPF's routes set it: a link's
	 * subnet leaves OSPF for a moment while the link re-forms
	 * point-to-point, and answers to that address were lost for 0.86 s
	 * (lab 26, the PBS pinging pve-3 over a bridge). A bridge to the
	 * neighbour's own loopback keeps the link's address, which the
	 * neighbour reaches over the link whatever OSPF does (lab 22). */
	struct in_addr src;
};

struct bridges {
	struct bridge *v;
	size_t n;
};

/* One bridge per link whose peer has a loopback and whose neighbour is
 * there now (2-Way or later: hellos both ways, Full or not): the
 * adjacencies a disruptive change may reset, and one a neighbour is
 * changing at the same time. On a link in switching (turned
 * point-to-point by this change: its neighbour runs proxmesh) Init is
 * enough: the neighbour may have turned its end first, and then its
 * hellos do not name us until it hears us again (lab 22: no bridge, 1 s
 * lost). Links without a neighbour carry nothing a bridge could keep. */
void bridgeplan_build(const struct link_plan *links, size_t n_links, const struct frr_neighbor *nb,
                      size_t n_nb, const struct strv *switching, struct bridges *out);

/* The interfaces that commands (frrdiff's) turn point-to-point. */
void bridgeplan_switching(const struct strv *cmds, struct strv *out);

/* Append to out a bridge for each loopback of a node that is not a
 * neighbour (bridged by bridgeplan_build already) which OSPF routes now
 * (routes: show ip route ospf json) through one of our links: over that
 * link, to the next hop OSPF uses, if its neighbour is Full there and
 * forwards (not an endpoint). A reset of all our adjacencies (a take-over
 * of a mesh that is not full) then keeps what we send to hosts farther
 * than one hop, as the neighbours route it on. */
void bridgeplan_far(const struct config *c, const struct node_conf *self,
                    const struct link_plan *links, size_t n_links, const struct frr_neighbor *nb,
                    size_t n_nb, const struct frr_route *routes, size_t n_routes,
                    struct bridges *out);

/* OSPF has settled for these bridges: a Full neighbour on each bridge's
 * link, and every neighbour has acknowledged what it was sent (an empty
 * retransmission list: it holds our loopback's LSA, so it routes back). */
bool bridgeplan_settled(const struct bridges *b, const struct frr_neighbor *nb, size_t n_nb);

void bridges_push(struct bridges *b, const struct bridge *add);
void bridges_free(struct bridges *b);
