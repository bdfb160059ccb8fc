/* health.c - adjacency and reachability health of one node (DESIGN §7), pure */
#include "health.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "dialect.h"
#include "util.h"

#define COST_INF UINT64_MAX

const char *
link_diag_str(enum link_diag d)
{
	static const char *const names[] = {
	    [DIAG_OK] = "ok",
	    [DIAG_LINK_DOWN] = "link-down",
	    [DIAG_PEER_OFFLINE] = "peer-offline",
	    [DIAG_CABLE_OR_NIC] = "cable-or-nic",
	    [DIAG_MTU_MISMATCH] = "mtu-mismatch",
	    [DIAG_ONE_WAY] = "one-way",
	    [DIAG_INTERFACE_MISSING] = "interface-missing",
	    [DIAG_UNKNOWN] = "unknown",
	    [DIAG_AUTH_MISMATCH] = "auth-mismatch",
	};
	return (size_t)d < ARRAY_SIZE(names) ? names[d] : "unknown";
}

const char *
link_state_str(enum link_state s)
{
	switch (s) {
	case LINK_UP:
		return "up";
	case LINK_DOWN:
		return "down";
	case LINK_MISSING:
		return "missing";
	default:
		return "unknown";
	}
}

const char *
health_overall_str(enum health_overall h)
{
	switch (h) {
	case HEALTH_HEALTHY:
		return "healthy";
	case HEALTH_DEGRADED:
		return "degraded";
	case HEALTH_BROKEN:
		return "broken";
	default:
		return "unknown";
	}
}

const char *
link_bfd_str(enum bfd_status s)
{
	return s == BFD_OFF ? "off" : bfd_status_str(s);
}

enum tri
health_member_online(const struct peer_presence *m, size_t n, const char *name)
{
	for (size_t i = 0; m != NULL && i < n; i++)
		if (strcmp(m[i].name, name) == 0)
			return m[i].online;
	return TRI_UNKNOWN;
}

static const struct kernel_link *
find_kernel(const struct health_input *in, const char *ifname)
{
	for (size_t i = 0; i < in->n_kernel; i++)
		if (strcmp(in->kernel[i].ifname, ifname) == 0)
			return &in->kernel[i];
	return NULL;
}

static enum bfd_status
find_bfd(const struct health_input *in, const struct link_plan *p, bool v6)
{
	enum bfd_status st = BFD_STATUS_DOWN;

	if (!in->config->bfd)
		return BFD_OFF;
	if (in->frr == NULL || !in->frr->have_bfd)
		return BFD_STATUS_UNKNOWN;
	/* OSPFv3's session: link-local, the one single-hop one on the link */
	for (size_t i = 0; v6 && i < in->frr->n_bfd_peers6; i++) {
		const struct frr_bfd_peer *b = &in->frr->bfd_peers6[i];

		if (!b->multihop && strcmp(b->ifname, p->link->ifname) == 0)
			return b->status;
	}
	if (v6)
		return st;
	for (size_t i = 0; i < in->frr->n_bfd_peers; i++) {
		const struct frr_bfd_peer *b = &in->frr->bfd_peers[i];
		if (b->multihop || strcmp(b->ifname, p->link->ifname) != 0)
			continue;
		if (b->peer.s_addr == p->remote.s_addr)
			return b->status;
		st = b->status;
	}
	return st;
}

static const struct link_health *
find_prev_link(const struct health *prev, const char *ifname, bool v6)
{
	const struct link_health *v = prev == NULL ? NULL : v6 ? prev->links6 : prev->links;
	size_t n = prev == NULL ? 0 : v6 ? prev->n_links6 : prev->n_links;

	for (size_t i = 0; prev != NULL && prev->valid && i < n; i++)
		if (strcmp(v[i].ifname, ifname) == 0)
			return &v[i];
	return NULL;
}

static const struct dest_health *
find_prev_dest(const struct health *prev, const char *node, bool v6)
{
	for (size_t i = 0; prev != NULL && prev->valid && i < prev->n_dests; i++)
		if (strcmp(prev->dests[i].node, node) == 0 && prev->dests[i].v6 == v6)
			return &prev->dests[i];
	return NULL;
}

static size_t
node_index(const struct config *c, const struct node_conf *n)
{
	return (size_t)(n - c->nodes);
}

/* Plan cost from src to dst without passing through self, entering but never
 * leaving an endpoint other than dst (DESIGN §7). Dijkstra on a tiny graph. */
static uint64_t
plan_distance(const struct config *c, const struct node_conf *self, const struct node_conf *src,
              const struct node_conf *dst)
{
	_cleanup_free_ uint64_t *dist = xcalloc(c->n_nodes, sizeof(*dist));
	_cleanup_free_ bool *done = xcalloc(c->n_nodes, sizeof(*done));

	for (size_t i = 0; i < c->n_nodes; i++)
		dist[i] = COST_INF;
	dist[node_index(c, src)] = 0;
	done[node_index(c, self)] = true;
	for (;;) {
		size_t u = SIZE_MAX;
		const struct node_conf *un;

		for (size_t i = 0; i < c->n_nodes; i++)
			if (!done[i] && dist[i] != COST_INF && (u == SIZE_MAX || dist[i] < dist[u]))
				u = i;
		if (u == SIZE_MAX)
			return COST_INF;
		un = &c->nodes[u];
		if (un == dst)
			return dist[u];
		done[u] = true;
		if (un->role == ROLE_ENDPOINT)
			continue;
		for (size_t l = 0; l < un->n_links; l++) {
			const struct node_conf *v = config_find_node(c, un->links[l].peer);
			size_t vi;

			if (v == NULL || config_find_reverse_link(c, un, &un->links[l]) == NULL)
				continue;
			vi = node_index(c, v);
			if (!done[vi] && dist[u] + un->links[l].cost < dist[vi])
				dist[vi] = dist[u] + un->links[l].cost;
		}
	}
}

/* Which of our links are a first hop of a lowest-cost path to dst. */
static void
preferred_first_hops(const struct health_input *in, const struct node_conf *dst, bool *pref)
{
	const struct node_conf *self = in->node;
	uint64_t best = COST_INF;
	_cleanup_free_ uint64_t *cost = xcalloc(self->n_links + 1, sizeof(*cost));

	for (size_t j = 0; j < self->n_links; j++) {
		const struct link_plan *p = &in->plans[j];
		uint64_t d;

		cost[j] = COST_INF;
		pref[j] = false;
		if (p->peer == NULL || p->peer_link == NULL)
			continue;
		d = plan_distance(in->config, self, p->peer, dst);
		if (d == COST_INF)
			continue;
		cost[j] = p->link->cost + d;
		if (cost[j] < best)
			best = cost[j];
	}
	for (size_t j = 0; j < self->n_links; j++)
		pref[j] = best != COST_INF && cost[j] == best;
}

static ssize_t
plan_by_ifname(const struct health_input *in, const char *ifname)
{
	for (size_t j = 0; j < in->node->n_links; j++)
		if (strcmp(in->plans[j].link->ifname, ifname) == 0)
			return (ssize_t)j;
	return -1;
}

/* Route lookup for dst's prefix p. reachable: a selected route with an
 * active next hop that is not an endpoint other than dst. via/first hop out. */
/* Do these n routes to dst reach it over a link (not through an endpoint
 * that will not forward)? via: the next hop's interface, a preferred one
 * first. */
static bool
routes_reach(const struct health_input *in, const struct node_conf *dst,
             const struct frr_route *routes, size_t n, const bool *pref,
             char via[static IFNAMSIZ], bool *preferred)
{
	bool found = via[0] != '\0';

	for (size_t i = 0; i < n; i++) {
		const struct frr_route *r = &routes[i];

		if (!r->selected && !r->installed)
			continue;
		for (size_t k = 0; k < r->n_nexthops; k++) {
			const struct frr_nexthop *nh = &r->nexthops[k];
			ssize_t j;
			bool is_pref;

			if (!nh->active || nh->ifname[0] == '\0')
				continue;
			j = plan_by_ifname(in, nh->ifname);
			if (j >= 0 && in->plans[j].peer != NULL && in->plans[j].peer != dst &&
			    in->plans[j].peer->role == ROLE_ENDPOINT)
				continue; /* the endpoint won't forward */
			is_pref = j >= 0 && pref[j];
			if (!found || (is_pref && !*preferred)) {
				snprintf(via, IFNAMSIZ, "%s", nh->ifname);
				*preferred = is_pref;
			}
			found = true;
		}
	}
	return found;
}

static bool
route_reaches(const struct health_input *in, const struct node_conf *dst, const struct prefix4 *p,
              const bool *pref, char via[static IFNAMSIZ], bool *preferred)
{
	const struct frr_state *frr = in->frr;
	struct prefix4 net = *p;
	size_t n = 0;
	ssize_t first;

	via[0] = '\0';
	*preferred = false;
	if (frr == NULL || !frr->have_routes)
		return false;
	if (net.len < 32)
		net.addr.s_addr &= htonl(net.len == 0 ? 0 : ~0u << (32 - net.len));
	first = frr_routes_find(frr->routes, frr->n_routes, &net, &n);
	return first >= 0 && routes_reach(in, dst, &frr->routes[first], n, pref, via, preferred);
}

/* The same over OSPFv3's routes, to a loopback6 (a /128). */
static bool
route_reaches6(const struct health_input *in, const struct node_conf *dst, const bool *pref,
               char via[static IFNAMSIZ], bool *preferred)
{
	const struct frr_state *frr = in->frr;
	bool found = false;

	via[0] = '\0';
	*preferred = false;
	if (frr == NULL || !frr->have_routes6)
		return false;
	for (size_t i = 0; i < frr->n_routes6; i++) {
		const struct frr_route *r = &frr->routes6[i];

		if (r->prefix6.len == 128 && IN6_ARE_ADDR_EQUAL(&r->prefix6.addr, &dst->loopback6))
			found = routes_reach(in, dst, r, 1, pref, via, preferred) || found;
	}
	return found;
}


/* OSPF still reaches peer other than over link skip: a Full adjacency on
 * another link, or a usable route to its loopback or router id. */
static bool
ospf_reaches(const struct health_input *in, const struct node_conf *peer, size_t skip)
{
	_cleanup_free_ bool *pref = NULL;
	char via[IFNAMSIZ];
	bool preferred;
	struct prefix4 rid = {.addr = peer->router_id, .len = 32};

	if (in->frr == NULL)
		return false;
	/* its adjacency on another link, OSPF's or OSPFv3's */
	for (size_t j = 0; j < in->node->n_links; j++) {
		const char *ifn = in->plans[j].link->ifname;
		const struct frr_neighbor *nb, *nb6;

		if (j == skip || in->plans[j].peer != peer)
			continue;
		nb = frr_state_neighbor(in->frr, ifn);
		nb6 = in->config->ipv6 ? frr_state_neighbor6(in->frr, ifn) : NULL;
		if ((nb != NULL && nb->state == NSM_FULL) || (nb6 != NULL && nb6->state == NSM_FULL))
			return true;
	}
	pref = xcalloc(in->node->n_links + 1, sizeof(*pref));
	/* or a route to its loopback6 or loopback */
	if (in->config->ipv6 && peer->has_loopback6 &&
	    route_reaches6(in, peer, pref, via, &preferred))
		return true;
	if (peer->has_loopback && route_reaches(in, peer, &peer->loopback, pref, via, &preferred))
		return true;
	if (peer->router_id.s_addr != 0 && route_reaches(in, peer, &rid, pref, via, &preferred))
		return true;
	return false;
}

static int
nsm_class(enum ospf_nsm s)
{
	return s == NSM_EXCHANGE ? NSM_EXSTART : s;
}

static void
push_event(struct health_events *ev, const struct health_event *e)
{
	ev->v = xreallocarray(ev->v, ev->n + 1, sizeof(*ev->v));
	ev->v[ev->n++] = *e;
}

static long long
dead_intervals_ms(const struct health_input *in, long long n)
{
	long long ms = n * in->config->dead_interval * 1000;

	return ms < HEALTH_GRACE_MAX_MS ? ms : HEALTH_GRACE_MAX_MS;
}

/* A link that appeared, came up or was just configured gets the time an
 * adjacency needs to form before a fault of it is reported; the hold ends
 * once the link is ok. */
static void
hold_forming(const struct health_input *in, const struct health *prev, const struct link_health *pl,
             struct link_health *lh)
{
	bool fresh = pl != NULL ? (pl->link == LINK_MISSING && lh->link != LINK_MISSING) ||
	                              (pl->link != LINK_UP && lh->link == LINK_UP)
	                        : prev != NULL && prev->valid;

	lh->forming_until_ms = pl != NULL ? pl->forming_until_ms : 0;
	if (fresh)
		lh->forming_until_ms =
		    in->now_ms + dead_intervals_ms(in, HEALTH_FORMING_DEAD_INTERVALS);
	if (lh->diagnosis == DIAG_OK || in->now_ms >= lh->forming_until_ms)
		lh->forming_until_ms = 0;
	lh->forming = lh->forming_until_ms != 0;
}

static void
evaluate_link(const struct health_input *in, const struct health *prev, bool hold, size_t i,
              bool v6, struct link_health *lh, struct health_events *ev)
{
	const struct link_plan *p = &in->plans[i];
	/* dual-stack: OSPFv3's links beside OSPF's */
	bool beside = v6 && in->config->has_prefix;
	const struct link_health *pl = find_prev_link(prev, p->link->ifname, beside);
	const struct kernel_link *k = find_kernel(in, p->link->ifname);
	const struct frr_neighbor *nb = NULL;
	long long stuck_ms =
	    (long long)HEALTH_STUCK_DEAD_INTERVALS * in->config->dead_interval * 1000;
	bool stuck = false;
	/* the peer sends, signed with another key: alive, and the reason */
	bool auth_bad = !v6 && in->config->auth_key_file != NULL && in->auth_failing != NULL &&
	                strv_contains(in->auth_failing, p->link->ifname);
	enum link_diag no_adj;

	memset(lh, 0, sizeof(*lh));
	snprintf(lh->peer, sizeof(lh->peer), "%s", p->link->peer);
	snprintf(lh->ifname, sizeof(lh->ifname), "%s", p->link->ifname);
	lh->address = p->local;
	lh->has_address6 = in->config->ipv6 && p->has6;
	if (lh->has_address6)
		lh->address6 = p->local6;
	lh->cost = p->link->cost;
	lh->mtu = k != NULL && k->exists ? k->mtu : 0;
	lh->external = p->peer == NULL || p->peer->external;
	lh->peer_online =
	    lh->external ? TRI_UNKNOWN : health_member_online(in->members, in->n_members, lh->peer);
	lh->peer_alive = auth_bad || lh->peer_online == TRI_YES ||
	                 (p->peer != NULL && ospf_reaches(in, p->peer, i));
	no_adj = auth_bad ? DIAG_AUTH_MISMATCH : lh->peer_alive ? DIAG_CABLE_OR_NIC : DIAG_PEER_OFFLINE;
	lh->bfd = find_bfd(in, p, v6);

	/* adjacency, and since when it is in its current class of states */
	if (in->frr == NULL || !(v6 ? in->frr->have_neighbors6 : in->frr->have_neighbors)) {
		lh->adjacency = NSM_UNKNOWN;
	} else if (v6) {
		nb = frr_state_neighbor6(in->frr, p->link->ifname);
		lh->adjacency = nb != NULL ? nb->state : NSM_DOWN;
	} else {
		nb = frr_state_neighbor(in->frr, p->link->ifname);
		lh->adjacency = nb != NULL ? nb->state : NSM_DOWN;
		lh->peer_handmade = nb != NULL && nb->state >= NSM_INIT && nb->priority >= 0 &&
		                    !dialect_by_proxmesh(nb->priority);
	}
	if (pl != NULL && nsm_class(pl->adjacency) == nsm_class(lh->adjacency))
		lh->adj_since_ms = pl->adj_since_ms;
	else if (pl == NULL && nb != NULL && nb->uptime_ms >= 0)
		lh->adj_since_ms = in->now_ms - nb->uptime_ms;
	else
		lh->adj_since_ms = in->now_ms;
	stuck = in->now_ms - lh->adj_since_ms >= stuck_ms;

	if (k == NULL || !k->exists) {
		lh->link = LINK_MISSING;
		lh->diagnosis = DIAG_INTERFACE_MISSING;
	} else if (!k->up) {
		lh->link = LINK_DOWN;
		lh->diagnosis = DIAG_LINK_DOWN;
	} else if (!k->carrier) {
		lh->link = LINK_DOWN;
		lh->diagnosis = lh->peer_alive ? DIAG_LINK_DOWN : DIAG_PEER_OFFLINE;
	} else {
		lh->link = LINK_UP;
		switch (lh->adjacency) {
		case NSM_UNKNOWN:
			lh->diagnosis = DIAG_UNKNOWN;
			break;
		case NSM_FULL:
			lh->diagnosis = DIAG_OK;
			break;
		case NSM_DOWN:
			lh->diagnosis = no_adj;
			break;
		default:
			if (!stuck)
				/* still forming: keep what was said before */
				lh->diagnosis =
				    pl != NULL && pl->last_valid ? pl->last_diagnosis : DIAG_OK;
			else if (lh->adjacency == NSM_EXSTART || lh->adjacency == NSM_EXCHANGE)
				lh->diagnosis = DIAG_MTU_MISMATCH;
			else if (lh->adjacency == NSM_INIT)
				lh->diagnosis = DIAG_ONE_WAY;
			else
				lh->diagnosis = no_adj;
			break;
		}
	}

	lh->flaps = pl != NULL ? pl->flaps : 0;
	if (pl != NULL && pl->adjacency == NSM_FULL && lh->adjacency != NSM_FULL &&
	    lh->adjacency != NSM_UNKNOWN)
		lh->flaps++;
	if (pl != NULL && pl->link == lh->link && pl->diagnosis == lh->diagnosis &&
	    (pl->adjacency == NSM_FULL) == (lh->adjacency == NSM_FULL))
		lh->since_ms = pl->since_ms;
	else
		lh->since_ms = in->now_ms;

	hold_forming(in, prev, pl, lh);

	/* change detection against the last known state */
	if (pl != NULL) {
		lh->last_valid = pl->last_valid;
		lh->last_link = pl->last_link;
		lh->last_diagnosis = pl->last_diagnosis;
	}
	if (lh->diagnosis == DIAG_UNKNOWN)
		return;
	if ((hold || lh->forming) && lh->diagnosis != DIAG_OK)
		return; /* judged later: the last reported state stays */
	if ((!lh->last_valid && lh->diagnosis != DIAG_OK) ||
	    (lh->last_valid &&
	     (lh->last_link != lh->link || lh->last_diagnosis != lh->diagnosis))) {
		struct health_event e = {
		    .kind = HEV_LINK,
		    .index = i,
		    .v6 = v6,
		    .initial = !lh->last_valid,
		    .diagnosis = lh->diagnosis,
		    .prev_diagnosis = lh->last_valid ? lh->last_diagnosis : DIAG_UNKNOWN,
		    .adjacency = lh->adjacency,
		    .prev_adjacency = pl != NULL ? pl->adjacency : NSM_UNKNOWN,
		    .link = lh->link,
		    .prev_link = lh->last_valid ? lh->last_link : LINK_UNKNOWN,
		};
		push_event(ev, &e);
	}
	lh->last_valid = true;
	lh->last_link = lh->link;
	lh->last_diagnosis = lh->diagnosis;
}

static void
evaluate_dest(const struct health_input *in, const struct health *prev, bool hold,
              const struct node_conf *dst, bool v6, size_t index, struct dest_health *dh,
              struct health_events *ev)
{
	const struct dest_health *pd = find_prev_dest(prev, dst->name, v6);
	_cleanup_free_ bool *pref = xcalloc(in->node->n_links + 1, sizeof(*pref));

	memset(dh, 0, sizeof(*dh));
	snprintf(dh->node, sizeof(dh->node), "%s", dst->name);
	dh->v6 = v6;
	if (v6)
		dh->address6 = dst->loopback6;
	else
		dh->address = dst->loopback;
	dh->known = in->frr != NULL && (v6 ? in->frr->have_routes6 : in->frr->have_routes);
	preferred_first_hops(in, dst, pref);
	dh->reachable = v6 ? route_reaches6(in, dst, pref, dh->via, &dh->preferred)
	                   : route_reaches(in, dst, &dst->loopback, pref, dh->via, &dh->preferred);
	if (pd != NULL && pd->known == dh->known && pd->reachable == dh->reachable &&
	    pd->preferred == dh->preferred)
		dh->since_ms = pd->since_ms;
	else
		dh->since_ms = in->now_ms;
	if (pd != NULL) {
		dh->last_valid = pd->last_valid;
		dh->last_reachable = pd->last_reachable;
		dh->last_preferred = pd->last_preferred;
	}
	/* a node added by a reload is reached once its links have formed */
	if (pd != NULL)
		dh->forming_until_ms = pd->forming_until_ms;
	else if (prev != NULL && prev->valid)
		dh->forming_until_ms =
		    in->now_ms + dead_intervals_ms(in, HEALTH_FORMING_DEAD_INTERVALS);
	if ((dh->reachable && dh->preferred) || in->now_ms >= dh->forming_until_ms)
		dh->forming_until_ms = 0;
	dh->forming = dh->forming_until_ms != 0;
	if (!dh->known || ((hold || dh->forming) && !(dh->reachable && dh->preferred)))
		return;
	if ((!dh->last_valid && !(dh->reachable && dh->preferred)) ||
	    (dh->last_valid &&
	     (dh->last_reachable != dh->reachable || dh->last_preferred != dh->preferred))) {
		struct health_event e = {
		    .kind = HEV_DESTINATION,
		    .index = index,
		    .initial = !dh->last_valid,
		    .reachable = dh->reachable,
		    .prev_reachable = dh->last_reachable,
		    .preferred = dh->preferred,
		    .prev_preferred = dh->last_preferred,
		};
		push_event(ev, &e);
	}
	dh->last_valid = true;
	dh->last_reachable = dh->reachable;
	dh->last_preferred = dh->preferred;
}

/* Carry the start-up grace over from prev; whether it holds judgement now
 * (before the links that are still forming extend it). */
static bool
grace_hold(const struct health_input *in, const struct health *prev, struct health *out)
{
	long long cap = in->start_ms + HEALTH_GRACE_MAX_MS;

	out->starting = true;
	if (prev != NULL && prev->valid) {
		out->starting = prev->starting;
		out->grace_until_ms = prev->grace_until_ms;
		out->last_valid = prev->last_valid;
		out->last_overall = prev->last_overall;
	}
	if (!out->starting)
		return false;
	/* OSPF's time starts when FRR answers */
	if (out->grace_until_ms == 0 && in->frr != NULL)
		out->grace_until_ms =
		    in->now_ms + dead_intervals_ms(in, HEALTH_GRACE_DEAD_INTERVALS);
	if (out->grace_until_ms > cap)
		out->grace_until_ms = cap;
	return in->now_ms < (out->grace_until_ms != 0 ? out->grace_until_ms : cap);
}

/* The OSPFv3 part of a dual-stack summary: ospf6d silent is not "down". */
static const char *
summary6(const struct health_input *in, unsigned full6, size_t n6)
{
	if (!in->frr->have_neighbors6)
		return ", OSPFv3 unknown";
	return full6 == n6 ? ", OSPFv3 too" : ", not OSPFv3";
}

void
health_evaluate(const struct health_input *in, const struct health *prev, struct health *out,
                struct health_events *ev)
{
	const struct node_conf *self = in->node;
	bool only6 = in->config->ipv6 && !in->config->has_prefix;
	bool dual = in->config->ipv6 && in->config->has_prefix;
	unsigned full = 0, full6 = 0, reach = 0;
	bool all_preferred = true, all_ok = true, forming = false, held = false, hold;
	const char *pre;

	memset(out, 0, sizeof(*out));
	out->valid = true;
	out->ipv6 = in->config->ipv6;
	hold = grace_hold(in, prev, out);
	out->links = xcalloc(self->n_links + 1, sizeof(*out->links));
	out->n_links = self->n_links;
	out->links_v6 = only6;
	if (dual) {
		out->links6 = xcalloc(self->n_links + 1, sizeof(*out->links6));
		out->n_links6 = self->n_links;
	}
	for (size_t i = 0; i < self->n_links; i++) {
		for (int f = 0; f < (dual ? 2 : 1); f++) {
			struct link_health *lh = f ? &out->links6[i] : &out->links[i];

			evaluate_link(in, prev, hold, i, f || only6, lh, ev);
			if (lh->adjacency == NSM_FULL)
				*(f ? &full6 : &full) += 1;
			if (lh->diagnosis != DIAG_OK)
				all_ok = false;
			forming = forming || lh->forming;
			held = held || (lh->forming && lh->diagnosis != DIAG_OK);
		}
	}
	/* a link still forming at the end of the grace keeps it, bounded */
	out->starting =
	    hold || (out->starting && forming && in->now_ms < in->start_ms + HEALTH_GRACE_MAX_MS);
	/* each node's loopback (an IPv6-only mesh routes none) and loopback6 */
	out->dests = xcalloc(2 * in->config->n_nodes + 1, sizeof(*out->dests));
	for (size_t k = 0; k < 2 * in->config->n_nodes; k++) {
		const struct node_conf *n = &in->config->nodes[k % in->config->n_nodes];
		bool v6 = k >= in->config->n_nodes;
		struct dest_health *dh = &out->dests[out->n_dests];

		if (n == self || (v6 ? !in->config->ipv6 || !n->has_loopback6
		                     : !n->has_loopback || only6))
			continue;
		evaluate_dest(in, prev, out->starting, n, v6, out->n_dests, dh, ev);
		out->n_dests++;
		if (dh->reachable || !dh->known) /* not read (ospf6d silent): not judged */
			reach++;
		if (!dh->reachable || !dh->preferred)
			all_preferred = false;
		held = held || dh->forming;
	}

	if (in->frr == NULL)
		out->overall = HEALTH_UNKNOWN;
	else if (reach < out->n_dests)
		out->overall = HEALTH_BROKEN;
	else if (full == out->n_links && full6 == out->n_links6 && all_ok && all_preferred)
		out->overall = HEALTH_HEALTHY;
	else
		out->overall = HEALTH_DEGRADED;
	if (out->overall == HEALTH_HEALTHY)
		out->starting = false; /* converged: the grace is over */
	pre = out->starting ? "starting: " : "";
	if (in->frr == NULL)
		snprintf(out->summary, sizeof(out->summary), "%sFRR not answering", pre);
	else if (only6)
		snprintf(out->summary, sizeof(out->summary),
		         "%s%u/%zu OSPFv3 adjacencies full; %u/%zu loopbacks reachable", pre, full,
		         out->n_links, reach, out->n_dests);
	else
		snprintf(out->summary, sizeof(out->summary),
		         "%s%u/%zu adjacencies full%s; %u/%zu loopbacks reachable", pre, full,
		         out->n_links, dual ? summary6(in, full6, out->n_links6) : "", reach,
		         out->n_dests);
	if (prev != NULL && prev->valid && prev->overall == out->overall)
		out->since_ms = prev->since_ms;
	else
		out->since_ms = in->now_ms;
	/* reported against the last reported health, not during the grace
	 * nor while a fault is held (a link or a node added is forming) */
	if (!out->starting && !held && (!out->last_valid || out->last_overall != out->overall)) {
		struct health_event e = {
		    .kind = HEV_OVERALL,
		    .initial = !out->last_valid,
		    .overall = out->overall,
		    .prev_overall = out->last_valid ? out->last_overall : HEALTH_UNKNOWN,
		};
		push_event(ev, &e);
	}
	if (!out->starting && !held) {
		out->last_valid = true;
		out->last_overall = out->overall;
	}
}

void
health_free(struct health *h)
{
	free(h->links);
	free(h->links6);
	free(h->dests);
	memset(h, 0, sizeof(*h));
}

const char *
health_dest_addr(const struct dest_health *d, char buf[static PREFIX6_STRLEN])
{
	if (d->v6) {
		struct prefix6 p = {d->address6, 128};

		return prefix6_str(&p, buf);
	}
	return prefix4_str(&d->address, buf);
}

const struct link_health *
health_event_link(const struct health *h, const struct health_event *e)
{
	bool beside = e->v6 && !h->links_v6;

	if (beside)
		return e->index < h->n_links6 ? &h->links6[e->index] : NULL;
	return e->index < h->n_links ? &h->links[e->index] : NULL;
}

void
health_events_free(struct health_events *ev)
{
	free(ev->v);
	ev->v = NULL;
	ev->n = 0;
}
