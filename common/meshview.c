/* meshview.c - the whole mesh: the configuration against OSPF's link-state
 * database as one host sees it (pure)
 *
 * What a router LSA says counts only while its router is alive for this
 * host: the LSA has not aged out (a stopped ospfd flushes its own at once)
 * and SPF reaches the router, i.e. a chain of point-to-point links that
 * both ends list (RFC 2328 §16.1's two-way check) leads to it from here. A
 * router cut off keeps its last LSA, listing every link, for up to an
 * hour; those links are down, not half. A host is reachable when such a
 * chain does not pass through an endpoint (it forwards nothing; DESIGN §7). */
#include "meshview.h"

#include <string.h>

#include "util.h"

const char *
mesh_state_str(enum mesh_state s)
{
	switch (s) {
	case MESH_UP:
		return "up";
	case MESH_HALF:
		return "half";
	default:
		return "down";
	}
}

/* The live LSAs of the area, with what SPF makes of them. */
struct router {
	const struct lsdb_router *lsa;
	const struct node_conf *node; /* NULL: not in the configuration */
	bool max_metric, has_p2p;
	bool alive;     /* SPF reaches it from here: its LSA counts */
	bool reachable; /* and not only through an endpoint */
};

static bool
lists_p2p(const struct lsdb_router *r, struct in_addr peer, uint32_t *cost)
{
	for (size_t i = 0; i < r->n_links; i++) {
		const struct lsdb_link *l = &r->links[i];

		if (l->type == LSDB_LINK_P2P && l->id.s_addr == peer.s_addr) {
			if (cost)
				*cost = l->metric;
			return true;
		}
	}
	return false;
}

static const struct node_conf *
node_by_router_id(const struct config *c, struct in_addr id)
{
	for (size_t i = 0; i < c->n_nodes; i++)
		if (c->nodes[i].router_id.s_addr == id.s_addr)
			return &c->nodes[i];
	return NULL;
}

static ssize_t
router_index(const struct router *rt, size_t n, struct in_addr id)
{
	for (size_t i = 0; i < n; i++)
		if (rt[i].lsa->router_id.s_addr == id.s_addr)
			return (ssize_t)i;
	return -1;
}

/* Does node n, as configured, show itself as an endpoint in OSPF: an
 * endpoint, or every link at the maximum cost? */
static bool
expect_endpoint(const struct node_conf *n)
{
	if (n->role == ROLE_ENDPOINT)
		return true;
	for (size_t i = 0; i < n->n_links; i++)
		if (n->links[i].cost < LSDB_MAX_METRIC)
			return false;
	return n->n_links > 0;
}

static uint32_t
expected_cost(const struct node_conf *n, const struct link_conf *l)
{
	return n->role == ROLE_ENDPOINT ? LSDB_MAX_METRIC : l->cost;
}

static bool
is_endpoint(const struct router *r)
{
	return r->max_metric || (r->node && r->node->role == ROLE_ENDPOINT);
}

/* Breadth first from self over two-way point-to-point links: alive (SPF
 * reaches it) when through_endpoints, else reachable. */
static void
reach(struct router *rt, size_t n, struct in_addr self, bool through_endpoints)
{
	_cleanup_free_ size_t *queue = xcalloc(n + 1, sizeof(*queue));
	_cleanup_free_ bool *seen = xcalloc(n + 1, sizeof(*seen));
	size_t head = 0, tail = 0;
	ssize_t s = router_index(rt, n, self);

	if (s >= 0) {
		seen[s] = true;
		queue[tail++] = (size_t)s;
	}
	while (head < tail) {
		const struct router *u = &rt[queue[head]];
		bool from_self = head++ == 0;

		/* an endpoint forwards nothing: what lies behind it is not reached */
		if (!through_endpoints && !from_self && is_endpoint(u))
			continue;
		for (size_t k = 0; k < u->lsa->n_links; k++) {
			const struct lsdb_link *l = &u->lsa->links[k];
			ssize_t w;

			if (l->type != LSDB_LINK_P2P)
				continue;
			w = router_index(rt, n, l->id);
			if (w < 0 || seen[w] || !lists_p2p(rt[w].lsa, u->lsa->router_id, NULL))
				continue;
			seen[w] = true;
			queue[tail++] = (size_t)w;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (through_endpoints)
			rt[i].alive = seen[i];
		else
			rt[i].reachable = seen[i];
	}
}

/* The live router LSAs of the area, and which of them SPF reaches. */
static struct router *
routers_reach(const struct config *c, const struct lsdb *db, size_t *n_out)
{
	struct router *rt = xcalloc(db->n_routers + 1, sizeof(*rt));
	size_t n = 0;

	for (size_t i = 0; i < db->n_routers; i++) {
		const struct lsdb_router *r = &db->routers[i];
		bool all_max = true;

		if (r->area != c->area || r->age >= LSDB_MAX_AGE ||
		    router_index(rt, n, r->router_id) >= 0)
			continue;
		rt[n] = (struct router){.lsa = r, .node = node_by_router_id(c, r->router_id)};
		for (size_t k = 0; k < r->n_links; k++) {
			if (r->links[k].type != LSDB_LINK_P2P)
				continue;
			rt[n].has_p2p = true;
			all_max = all_max && r->links[k].metric >= LSDB_MAX_METRIC;
		}
		rt[n].max_metric = rt[n].has_p2p && all_max;
		n++;
	}
	reach(rt, n, db->self, true);
	reach(rt, n, db->self, false);
	*n_out = n;
	return rt;
}

static struct mesh_link *
add_link(struct mesh_view *v)
{
	v->links = xreallocarray(v->links, v->n_links + 1, sizeof(*v->links));
	v->links[v->n_links] = (struct mesh_link){0};
	return &v->links[v->n_links++];
}

static void
end_fill(struct mesh_end *e, const struct router *r, struct in_addr peer)
{
	e->listed = r && r->alive && lists_p2p(r->lsa, peer, &e->cost);
	e->cost_mismatch = e->listed && e->node && e->cost != e->expected;
}

static enum mesh_state
link_state(const struct mesh_link *l)
{
	return l->a.listed && l->b.listed   ? MESH_UP
	       : l->a.listed || l->b.listed ? MESH_HALF
	                                    : MESH_DOWN;
}

static void
add_configured(const struct config *c, const struct router *rt, size_t n_rt, struct mesh_view *v)
{
	for (size_t i = 0; i < c->n_nodes; i++) {
		const struct node_conf *a = &c->nodes[i];

		for (size_t k = 0; k < a->n_links; k++) {
			const struct link_conf *la = &a->links[k], *lb;
			const struct node_conf *b = config_find_node(c, la->peer);
			struct mesh_link *l;
			ssize_t ra, rb;

			if (b == NULL || b->id < a->id)
				continue; /* each link once, from its lower id */
			lb = config_find_reverse_link(c, a, la);
			l = add_link(v);
			l->configured = true;
			l->type = LSDB_LINK_P2P;
			l->a = (struct mesh_end){.node = a,
			                         .router_id = a->router_id,
			                         .ifname = la->ifname,
			                         .expected = expected_cost(a, la)};
			l->b = (struct mesh_end){.node = b,
			                         .router_id = b->router_id,
			                         .ifname = lb ? lb->ifname : NULL,
			                         .expected = lb ? expected_cost(b, lb) : 0};
			ra = router_index(rt, n_rt, a->router_id);
			rb = router_index(rt, n_rt, b->router_id);
			end_fill(&l->a, ra >= 0 ? &rt[ra] : NULL, b->router_id);
			end_fill(&l->b, rb >= 0 ? &rt[rb] : NULL, a->router_id);
			l->state = link_state(l);
		}
	}
}

static bool
configured_pair(const struct node_conf *x, const struct node_conf *y)
{
	if (x == NULL || y == NULL)
		return false;
	for (size_t i = 0; i < x->n_links; i++)
		if (!strcmp(x->links[i].peer, y->name))
			return true;
	return false;
}

/* Links that live routers list and the configuration does not have. */
static void
add_unexpected(const struct config *c, const struct router *rt, size_t n_rt, struct mesh_view *v)
{
	for (size_t i = 0; i < n_rt; i++) {
		const struct router *r = &rt[i];

		if (!r->alive)
			continue;
		for (size_t k = 0; k < r->lsa->n_links; k++) {
			const struct lsdb_link *ll = &r->lsa->links[k];
			const struct node_conf *peer;
			struct mesh_link *l = NULL;
			bool seen = false;

			if (ll->type == LSDB_LINK_STUB || ll->type == LSDB_LINK_OTHER)
				continue;
			peer = ll->type == LSDB_LINK_TRANSIT ? NULL : node_by_router_id(c, ll->id);
			if (ll->type == LSDB_LINK_P2P && configured_pair(r->node, peer))
				continue;
			/* the far end listed it first: fill in this end */
			for (size_t j = v->n_configured; j < v->n_links && !seen; j++) {
				l = &v->links[j];
				seen = l->type == ll->type && ll->type != LSDB_LINK_TRANSIT &&
				       l->a.router_id.s_addr == ll->id.s_addr &&
				       l->b.router_id.s_addr == r->lsa->router_id.s_addr;
			}
			if (seen) {
				l->b.listed = true;
				l->b.cost = ll->metric;
			} else {
				l = add_link(v);
				l->type = ll->type;
				l->a = (struct mesh_end){.node = r->node,
				                         .router_id = r->lsa->router_id,
				                         .listed = true,
				                         .cost = ll->metric};
				l->b = (struct mesh_end){.node = peer, .router_id = ll->id};
			}
			l->state = link_state(l);
		}
	}
}

void
meshview_build(const struct config *c, const struct lsdb *db, struct mesh_view *v)
{
	size_t n_rt;
	struct router *rt = routers_reach(c, db, &n_rt);

	*v = (struct mesh_view){
	    .self_id = db->self, .area = c->area, .self = node_by_router_id(c, db->self)};
	v->hosts = xcalloc(c->n_nodes + 1, sizeof(*v->hosts));
	for (size_t i = 0; i < c->n_nodes; i++) {
		const struct node_conf *n = &c->nodes[i];
		struct mesh_host *h = &v->hosts[v->n_hosts++];
		ssize_t r = router_index(rt, n_rt, n->router_id);

		*h = (struct mesh_host){.node = n, .self = n == v->self};
		if (r >= 0) {
			h->has_lsa = true;
			h->age = rt[r].lsa->age;
			h->reachable = rt[r].reachable;
			h->behind_endpoint = rt[r].alive && !rt[r].reachable;
			h->max_metric = rt[r].max_metric;
			h->role_known = rt[r].has_p2p;
		}
		h->gone = !h->has_lsa || !h->reachable;
		h->role_mismatch = !h->gone && h->role_known && h->max_metric != expect_endpoint(n);
		v->problems += h->gone + h->role_mismatch;
	}
	add_configured(c, rt, n_rt, v);
	v->n_configured = v->n_links;
	add_unexpected(c, rt, n_rt, v);
	for (size_t i = 0; i < v->n_links; i++) {
		const struct mesh_link *l = &v->links[i];

		if (!l->configured)
			v->problems++;
		else
			v->problems +=
			    (l->state != MESH_UP) + l->a.cost_mismatch + l->b.cost_mismatch;
	}
	free(rt);
}

void
meshview_free(struct mesh_view *v)
{
	free(v->hosts);
	free(v->links);
	*v = (struct mesh_view){0};
}

const struct mesh_host *
meshview_host(const struct mesh_view *v, const struct node_conf *n)
{
	for (size_t i = 0; i < v->n_hosts; i++)
		if (v->hosts[i].node == n)
			return &v->hosts[i];
	return NULL;
}
