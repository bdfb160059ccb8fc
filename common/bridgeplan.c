/* bridgeplan.c - which loopbacks to bridge during a disruptive change, and
 * when OSPF carries them again (pure; the routes are agent/bridge.c's) */
#include "bridgeplan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const struct frr_neighbor *
full_on(const struct frr_neighbor *nb, size_t n_nb, const char *ifname)
{
	for (size_t i = 0; i < n_nb; i++)
		if (nb[i].state == NSM_FULL && !strcmp(nb[i].ifname, ifname))
			return &nb[i];
	return NULL;
}

void
bridges_push(struct bridges *b, const struct bridge *add)
{
	b->v = xreallocarray(b->v, b->n + 1, sizeof(*b->v));
	b->v[b->n++] = *add;
}

/* A neighbour that hears us and we it on ifname (2-Way or later):
 * reachable over the link whatever OSPF makes of it, e.g. one turning the
 * link point-to-point before us (dialect.h). (Init is not enough: our
 * packets may not reach it, a one-way link.) */
static const struct frr_neighbor *
alive_on(const struct frr_neighbor *nb, size_t n_nb, const char *ifname, enum ospf_nsm least)
{
	const struct frr_neighbor *best = NULL;

	for (size_t i = 0; i < n_nb; i++)
		if (nb[i].state >= least && !strcmp(nb[i].ifname, ifname) &&
		    (best == NULL || nb[i].state > best->state))
			best = &nb[i];
	return best;
}

void
bridgeplan_switching(const struct strv *cmds, struct strv *out)
{
	const char *in = NULL;

	for (size_t i = 0; i < cmds->n; i++) {
		const char *c = cmds->v[i];

		if (!strncmp(c, "interface ", 10))
			in = c + 10;
		else if (!strcmp(c, "exit"))
			in = NULL;
		else if (in && !strcmp(c, "ip ospf network point-to-point") &&
		         !strv_contains(out, in))
			strv_push_dup(out, in);
	}
}

void
bridgeplan_build(const struct link_plan *links, size_t n_links, const struct frr_neighbor *nb,
                 size_t n_nb, const struct strv *switching, struct bridges *out)
{
	*out = (struct bridges){0};
	for (size_t i = 0; i < n_links; i++) {
		const struct link_plan *l = &links[i];
		bool turning = switching && strv_contains(switching, l->link->ifname);
		const struct frr_neighbor *f =
		    alive_on(nb, n_nb, l->link->ifname, turning ? NSM_INIT : NSM_2WAY);
		struct bridge b = {.gateway = l->remote};

		if (!l->peer->has_loopback || f == NULL || f->address.s_addr != l->remote.s_addr)
			continue;
		snprintf(b.ifname, sizeof(b.ifname), "%s", l->link->ifname);
		b.dst = l->peer->loopback;
		bridges_push(out, &b);
	}
}

static bool
bridged(const struct bridges *b, const struct prefix4 *dst)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].dst.addr.s_addr == dst->addr.s_addr && b->v[i].dst.len == dst->len)
			return true;
	return false;
}

/* Our link to a next hop of OSPF's, if its neighbour is Full there and
 * forwards (an endpoint does not). */
static const struct link_plan *
link_of_hop(const struct link_plan *links, size_t n_links, const struct frr_neighbor *nb,
            size_t n_nb, const struct frr_nexthop *hop)
{
	for (size_t i = 0; i < n_links; i++) {
		const struct link_plan *l = &links[i];
		const struct frr_neighbor *f;

		if (!hop->has_ip || hop->ip.s_addr != l->remote.s_addr ||
		    strcmp(hop->ifname, l->link->ifname) != 0 || l->peer->role == ROLE_ENDPOINT)
			continue;
		f = full_on(nb, n_nb, l->link->ifname);
		if (f != NULL && f->address.s_addr == l->remote.s_addr)
			return l;
	}
	return NULL;
}

void
bridgeplan_far(const struct config *c, const struct node_conf *self,
               const struct link_plan *links, size_t n_links, const struct frr_neighbor *nb,
               size_t n_nb, const struct frr_route *routes, size_t n_routes, struct bridges *out)
{
	for (size_t k = 0; k < c->n_nodes; k++) {
		const struct node_conf *far = &c->nodes[k];
		const struct link_plan *via = NULL;
		size_t n_entries = 0;
		ssize_t first;

		if (far == self || !far->has_loopback || bridged(out, &far->loopback))
			continue;
		first = frr_routes_find(routes, n_routes, &far->loopback, &n_entries);
		for (size_t e = 0; first >= 0 && e < n_entries && via == NULL; e++) {
			const struct frr_route *rt = &routes[(size_t)first + e];

			for (size_t h = 0; rt->selected && h < rt->n_nexthops && via == NULL; h++)
				via = link_of_hop(links, n_links, nb, n_nb, &rt->nexthops[h]);
		}
		if (via != NULL) {
			struct bridge b = {.gateway = via->remote, .dst = far->loopback};

			snprintf(b.ifname, sizeof(b.ifname), "%s", via->link->ifname);
			bridges_push(out, &b);
		}
	}
}

bool
bridgeplan_settled(const struct bridges *b, const struct frr_neighbor *nb, size_t n_nb)
{
	for (size_t i = 0; i < b->n; i++)
		if (full_on(nb, n_nb, b->v[i].ifname) == NULL)
			return false;
	for (size_t i = 0; i < n_nb; i++)
		if (nb[i].retransmit != 0)
			return false;
	return true;
}

void
bridges_free(struct bridges *b)
{
	free(b->v);
	*b = (struct bridges){0};
}
