/* bridge.c - bridge routes and rules through rtnetlink (libnl-route-3) */
#include "bridge.h"

#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>

#include "log.h"
#include "netlink.h"
#include "util.h"

static void
routep(struct rtnl_route **r)
{
	if (*r)
		rtnl_route_put(*r);
}

static void
rulep(struct rtnl_rule **r)
{
	if (*r)
		rtnl_rule_put(*r);
}

static struct nl_addr *
nladdr(const struct in_addr *a, unsigned len)
{
	struct nl_addr *n = nl_addr_build(AF_INET, a, 4);

	if (n == NULL)
		fatalx("out of memory");
	nl_addr_set_prefixlen(n, len);
	return n;
}

static struct rtnl_route *
route_of(const struct bridge *b)
{
	struct rtnl_route *rt = rtnl_route_alloc();
	struct nl_addr *dst = nladdr(&b->dst.addr, b->dst.len);

	if (rt == NULL)
		fatalx("out of memory");
	rtnl_route_set_family(rt, AF_INET);
	rtnl_route_set_table(rt, BRIDGE_TABLE);
	rtnl_route_set_dst(rt, dst);
	nl_addr_put(dst);
	rtnl_route_set_protocol(rt, RTPROT_STATIC);
	rtnl_route_set_scope(rt, RT_SCOPE_UNIVERSE);
	return rt;
}

static struct rtnl_rule *
rule_of(const struct bridge *b)
{
	struct rtnl_rule *rule = rtnl_rule_alloc();
	struct nl_addr *dst = nladdr(&b->dst.addr, b->dst.len);

	if (rule == NULL)
		fatalx("out of memory");
	rtnl_rule_set_family(rule, AF_INET);
	rtnl_rule_set_dst(rule, dst);
	nl_addr_put(dst);
	rtnl_rule_set_table(rule, BRIDGE_TABLE);
	rtnl_rule_set_prio(rule, BRIDGE_PRIORITY);
	rtnl_rule_set_action(rule, FR_ACT_TO_TBL);
	return rule;
}

static int
nl_failed(char **err, const char *what, const struct bridge *b, int r)
{
	char buf[INET_ADDRSTRLEN + 4];

	*err = xasprintf("%s for %s: %s", what, prefix4_str(&b->dst, buf), nl_geterror(r));
	return -EIO;
}

/* Route b->dst via b->gateway dev ifindex in BRIDGE_TABLE, from b->src if
 * with_src: 0, or a libnl error. */
static int
route_add(struct nl_sock *sk, const struct bridge *b, unsigned ifindex, bool with_src)
{
	_cleanup_(routep) struct rtnl_route *rt = route_of(b);
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *gw;

	if (nh == NULL)
		fatalx("out of memory");
	gw = nladdr(&b->gateway, 32);
	rtnl_route_nh_set_gateway(nh, gw);
	nl_addr_put(gw);
	rtnl_route_nh_set_ifindex(nh, (int)ifindex);
	rtnl_route_add_nexthop(rt, nh);
	if (with_src) {
		struct nl_addr *src = nladdr(&b->src, 32);

		rtnl_route_set_pref_src(rt, src);
		nl_addr_put(src);
	}
	return rtnl_route_add(sk, rt, NLM_F_CREATE | NLM_F_REPLACE);
}

int
bridge_add(const struct bridge *b, char **err)
{
	_cleanup_(nl_sockp) struct nl_sock *sk = NULL;
	_cleanup_(rulep) struct rtnl_rule *rule = NULL;
	unsigned ifindex = if_nametoindex(b->ifname);
	int r;

	*err = NULL;
	if (ifindex == 0) {
		*err = xasprintf("bridge over %s: %s", b->ifname, strerror(errno));
		return -errno;
	}
	r = nl_open(&sk, err);
	if (r < 0)
		return r;
	r = route_add(sk, b, ifindex, b->src.s_addr != 0);
	if (r == -NLE_INVAL && b->src.s_addr) /* not (yet) an address of ours */
		r = route_add(sk, b, ifindex, false);
	if (r < 0)
		return nl_failed(err, "bridge route", b, r);
	rule = rule_of(b);
	r = rtnl_rule_add(sk, rule, NLM_F_CREATE | NLM_F_EXCL);
	if (r < 0 && r != -NLE_EXIST)
		return nl_failed(err, "bridge rule", b, r);
	return 0;
}

int
bridge_remove(const struct bridge *b, char **err)
{
	_cleanup_(nl_sockp) struct nl_sock *sk = NULL;
	_cleanup_(routep) struct rtnl_route *rt = route_of(b);
	_cleanup_(rulep) struct rtnl_rule *rule = rule_of(b);
	int r;

	*err = NULL;
	r = nl_open(&sk, err);
	if (r < 0)
		return r;
	r = rtnl_rule_delete(sk, rule, 0);
	if (r < 0 && r != -NLE_OBJ_NOTFOUND && r != -NLE_NOADDR)
		return nl_failed(err, "removing the bridge rule", b, r);
	r = rtnl_route_delete(sk, rt, 0);
	if (r < 0 && r != -NLE_OBJ_NOTFOUND && r != -NLE_NOADDR)
		return nl_failed(err, "removing the bridge route", b, r);
	return 0;
}

static bool
same_prefix(struct nl_addr *a, const struct prefix4 *p)
{
	return a && nl_addr_get_family(a) == AF_INET && nl_addr_get_prefixlen(a) == p->len &&
	       memcmp(nl_addr_get_binary_addr(a), &p->addr, 4) == 0;
}

struct walk {
	struct bridges *b;
	bool *routed;
};

/* A route: the bridge's own (its link and gateway), or an OSPF route in
 * the main table to a bridged prefix. */
static void
on_route(struct nl_object *obj, void *arg)
{
	struct rtnl_route *rt = (struct rtnl_route *)obj;
	struct walk *w = arg;
	uint32_t table = rtnl_route_get_table(rt);
	struct nl_addr *dst = rtnl_route_get_dst(rt);

	for (size_t i = 0; i < w->b->n; i++) {
		struct bridge *b = &w->b->v[i];
		struct rtnl_nexthop *nh;
		struct nl_addr *gw, *src;

		if (!same_prefix(dst, &b->dst))
			continue;
		if (table == RT_TABLE_MAIN && rtnl_route_get_protocol(rt) == RTPROT_OSPF)
			w->routed[i] = true;
		if (table != BRIDGE_TABLE || rtnl_route_get_nnexthops(rt) < 1)
			continue;
		nh = rtnl_route_nexthop_n(rt, 0);
		gw = rtnl_route_nh_get_gateway(nh);
		if (gw && nl_addr_get_family(gw) == AF_INET)
			memcpy(&b->gateway, nl_addr_get_binary_addr(gw), 4);
		src = rtnl_route_get_pref_src(rt);
		if (src && nl_addr_get_family(src) == AF_INET)
			memcpy(&b->src, nl_addr_get_binary_addr(src), 4);
		if (if_indextoname((unsigned)rtnl_route_nh_get_ifindex(nh), b->ifname) == NULL)
			b->ifname[0] = '\0';
	}
}

static void
on_rule(struct nl_object *obj, void *arg)
{
	struct rtnl_rule *rule = (struct rtnl_rule *)obj;
	struct bridges *out = arg;
	struct nl_addr *dst = rtnl_rule_get_dst(rule);
	struct bridge b = {0};

	if (rtnl_rule_get_table(rule) != BRIDGE_TABLE || dst == NULL ||
	    nl_addr_get_family(dst) != AF_INET)
		return;
	memcpy(&b.dst.addr, nl_addr_get_binary_addr(dst), 4);
	b.dst.len = nl_addr_get_prefixlen(dst);
	bridges_push(out, &b);
}

int
bridge_list(struct bridges *out, bool **routed, char **err)
{
	_cleanup_(nl_sockp) struct nl_sock *sk = NULL;
	_cleanup_(nl_cachep) struct nl_cache *rules = NULL;
	_cleanup_(nl_cachep) struct nl_cache *routes = NULL;
	struct walk w;
	int r;

	*out = (struct bridges){0};
	*routed = NULL;
	*err = NULL;
	r = nl_open(&sk, err);
	if (r < 0)
		return r;
	r = rtnl_rule_alloc_cache(sk, AF_INET, &rules);
	if (r < 0) {
		*err = xasprintf("netlink: cannot read the rules: %s", nl_geterror(r));
		return -EIO;
	}
	nl_cache_foreach(rules, on_rule, out);
	if (out->n == 0)
		return 0;
	r = rtnl_route_alloc_cache(sk, AF_INET, 0, &routes);
	if (r < 0) {
		*err = xasprintf("netlink: cannot read the routes: %s", nl_geterror(r));
		bridges_free(out);
		return -EIO;
	}
	w = (struct walk){.b = out, .routed = xcalloc(out->n, sizeof(bool))};
	nl_cache_foreach(routes, on_route, &w);
	*routed = w.routed;
	return 0;
}
