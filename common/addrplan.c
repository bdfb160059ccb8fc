/* addrplan.c - the deterministic address plan of DESIGN §4 */
#include "addrplan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "util.h"

unsigned
addrplan_index(unsigned i, unsigned j)
{
	if (i > j) {
		unsigned t = i;
		i = j;
		j = t;
	}
	return (j - 1) * (j - 2) / 2 + (i - 1);
}

int
addrplan_subnet(const struct config *c, unsigned k, struct prefix4 *out)
{
	unsigned bits = c->link_prefix_len - c->prefix.len;
	uint32_t size = 1u << (32 - c->link_prefix_len);

	if (bits < 32 && k >= (1u << bits))
		return -ENOSPC;
	out->addr.s_addr = htonl(ntohl(c->prefix.addr.s_addr) + k * size);
	out->len = c->link_prefix_len;
	return 0;
}

int
addrplan_subnet6(const struct config *c, unsigned k, struct prefix6 *out)
{
	unsigned bits = c->link_prefix_len6 - c->prefix6.len;

	if (bits < 32 && k >= (1u << bits))
		return -ENOSPC;
	out->len = c->link_prefix_len6;
	return prefix6_add(&c->prefix6.addr, k, c->link_prefix_len6, &out->addr) < 0 ? -ENOSPC : 0;
}

/* A /64 link: the lower id ::1, the higher ::2; a /127: both addresses. */
static struct in6_addr
nth_address6(const struct prefix6 *subnet, unsigned n)
{
	struct in6_addr a;

	prefix6_add(&subnet->addr, (subnet->len == 127 ? 0 : 1) + n, 128, &a);
	return a;
}

/* The IPv6 side of one planned link. */
static int
plan_link6(const struct config *c, struct link_plan *lp, char **err)
{
	unsigned k = addrplan_index(lp->node->id, lp->peer->id);
	bool lower = lp->node->id < lp->peer->id;
	char buf[PREFIX6_STRLEN];

	if (!c->ipv6 || !c->has_prefix6)
		return 0;
	if (addrplan_subnet6(c, k, &lp->subnet6) < 0) {
		*err = xasprintf("the pool %s has no room for link subnet %u (nodes %u and %u); "
		                 "use a larger prefix6",
		                 prefix6_str(&c->prefix6, buf), k, lp->node->id, lp->peer->id);
		return -ENOSPC;
	}
	lp->has6 = true;
	lp->local6.addr = nth_address6(&lp->subnet6, lower ? 0 : 1);
	lp->local6.len = lp->subnet6.len;
	lp->remote6 = nth_address6(&lp->subnet6, lower ? 1 : 0);
	return 0;
}

static struct in_addr
nth_address(struct prefix4 subnet, unsigned n)
{
	/* /31 uses both addresses (RFC 3021); /30 skips the network address. */
	unsigned first = subnet.len == 31 ? 0 : 1;

	return (struct in_addr){.s_addr = htonl(ntohl(subnet.addr.s_addr) + first + n)};
}

int
addrplan_node(const struct config *c, const struct node_conf *n, struct link_plan **out,
              char **err)
{
	_cleanup_free_ struct link_plan *plans = xcalloc(n->n_links, sizeof(*plans));
	int r;

	for (size_t i = 0; i < n->n_links; i++) {
		struct link_plan *lp = &plans[i];
		const struct link_conf *l = &n->links[i];
		char buf[19];

		lp->node = n;
		lp->link = l;
		lp->peer = config_find_node(c, l->peer);
		lp->peer_link = lp->peer ? config_find_reverse_link(c, n, l) : NULL;
		if (lp->peer == NULL || lp->peer_link == NULL) {
			*err = xasprintf("link \"%s\" of node \"%s\" has no matching link", l->peer,
			                 n->name);
			return -ENOENT;
		}
		r = plan_link6(c, lp, err);
		if (r < 0)
			return r;
		if (l->pinned) {
			lp->local = l->address;
			lp->remote = lp->peer_link->address.addr;
			lp->subnet.len = l->address.len;
			lp->subnet.addr.s_addr =
				htonl(ntohl(l->address.addr.s_addr) & prefix4_mask(l->address.len));
			continue;
		}
		if (!c->has_prefix)
			continue; /* IPv6-only */
		unsigned k = addrplan_index(n->id, lp->peer->id);
		if (addrplan_subnet(c, k, &lp->subnet) < 0) {
			*err = xasprintf("the pool %s has no room for link subnet %u (nodes %u and "
			                 "%u); use a larger prefix",
			                 prefix4_str(&c->prefix, buf), k, n->id, lp->peer->id);
			return -ENOSPC;
		}
		bool lower = n->id < lp->peer->id;
		lp->local.addr = nth_address(lp->subnet, lower ? 0 : 1);
		lp->local.len = lp->subnet.len;
		lp->remote = nth_address(lp->subnet, lower ? 1 : 0);
	}
	*out = TAKE_PTR(plans);
	return 0;
}
