/* netlink.c - the live interfaces through rtnetlink (libnl-route-3) */
#include "netlink.h"

#include <errno.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

#include "bridge.h"
#include "log.h"
#include "sysctl.h"
#include "util.h"

void
nl_sockp(struct nl_sock **sk)
{
	if (*sk)
		nl_socket_free(*sk);
}

void
nl_cachep(struct nl_cache **c)
{
	if (*c)
		nl_cache_free(*c);
}

static void
linkp(struct rtnl_link **l)
{
	if (*l)
		rtnl_link_put(*l);
}

static void
addrp(struct rtnl_addr **a)
{
	if (*a)
		rtnl_addr_put(*a);
}

int
nl_open(struct nl_sock **out, char **err)
{
	struct nl_sock *sk = nl_socket_alloc();
	int r;

	if (sk == NULL)
		fatalx("out of memory");
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r < 0) {
		if (err)
			*err = xasprintf("netlink: cannot connect: %s", nl_geterror(r));
		nl_socket_free(sk);
		return -EIO;
	}
	*out = sk;
	return 0;
}

static void
read_link(struct nl_cache *links, struct live_if *li)
{
	_cleanup_(linkp) struct rtnl_link *l = rtnl_link_get_by_name(links, li->ifname);
	unsigned flags;

	if (l == NULL)
		return;
	flags = rtnl_link_get_flags(l);
	li->exists = true;
	li->ifindex = rtnl_link_get_ifindex(l);
	li->up = flags & IFF_UP;
	li->carrier = (flags & IFF_LOWER_UP) || rtnl_link_get_operstate(l) == IF_OPER_UP;
	li->mtu = rtnl_link_get_mtu(l);
}

static void
read_addr(struct nl_object *obj, void *arg)
{
	struct live_state *s = arg;
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	struct nl_addr *local = rtnl_addr_get_local(a);
	int ifindex = rtnl_addr_get_ifindex(a);
	struct prefix4 p;

	if (rtnl_addr_get_family(a) == AF_INET6 && local != NULL && nl_addr_get_len(local) == 16) {
		struct prefix6 p6 = {.len = (uint8_t)rtnl_addr_get_prefixlen(a)};

		memcpy(&p6.addr, nl_addr_get_binary_addr(local), 16);
		if (IN6_IS_ADDR_LINKLOCAL(&p6.addr)) /* the kernel's own: never proxmesh's */
			return;
		for (size_t i = 0; i < s->n_ifs; i++)
			if (s->ifs[i].exists && s->ifs[i].ifindex == ifindex)
				live_if_add_addr6(&s->ifs[i], &p6);
		return;
	}
	if (rtnl_addr_get_family(a) != AF_INET || local == NULL || nl_addr_get_len(local) != 4)
		return;
	memcpy(&p.addr, nl_addr_get_binary_addr(local), 4);
	p.len = (uint8_t)rtnl_addr_get_prefixlen(a);
	for (size_t i = 0; i < s->n_ifs; i++)
		if (s->ifs[i].exists && s->ifs[i].ifindex == ifindex)
			live_if_add_addr(&s->ifs[i], &p, rtnl_addr_get_label(a));
}

int
nl_read_state(const struct ifplan *plan, const struct ifaddr_list *previous, struct live_state *out,
              char **err)
{
	_cleanup_(nl_sockp) struct nl_sock *sk = NULL;
	_cleanup_(nl_cachep) struct nl_cache *links = NULL;
	_cleanup_(nl_cachep) struct nl_cache *addrs = NULL;
	struct strv names = {0};
	int r;

	memset(out, 0, sizeof(*out));
	r = nl_open(&sk, err);
	if (r < 0)
		return r;
	r = rtnl_link_alloc_cache(sk, AF_UNSPEC, &links);
	if (r >= 0)
		r = rtnl_addr_alloc_cache(sk, &addrs);
	if (r < 0) {
		if (err)
			*err = xasprintf("netlink: cannot read interfaces: %s", nl_geterror(r));
		return -EIO;
	}

	ifdiff_ifnames(plan, previous, &names);
	for (size_t i = 0; i < names.n; i++)
		read_link(links, live_state_add(out, names.v[i]));
	strv_free(&names);
	nl_cache_foreach(addrs, read_addr, out);

	out->sysctls = xcalloc(plan->n_sysctls, sizeof(*out->sysctls));
	out->n_sysctls = plan->n_sysctls;
	for (size_t i = 0; i < plan->n_sysctls; i++) {
		struct sysctl_setting *s = &out->sysctls[i];

		memcpy(s->path, plan->sysctls[i].path, sizeof(s->path));
		if (sysctl_read(s->path, s->value, sizeof(s->value)) < 0)
			s->value[0] = '\0';
	}
	return 0;
}

int
nl_plan(const struct ifplan *plan, const struct ifaddr_list *previous, struct if_changes *out,
        char **err)
{
	struct live_state live;
	int r;

	memset(out, 0, sizeof(*out));
	r = nl_read_state(plan, previous, &live, err);
	if (r < 0)
		return r;
	ifdiff_compute(plan, &live, previous, out);
	live_state_free(&live);
	return 0;
}

static int
apply_link(struct nl_sock *sk, const struct if_change *c)
{
	_cleanup_(linkp) struct rtnl_link *orig = rtnl_link_alloc();
	_cleanup_(linkp) struct rtnl_link *change = rtnl_link_alloc();

	if (orig == NULL || change == NULL)
		fatalx("out of memory");
	rtnl_link_set_ifindex(orig, c->ifindex);
	if (c->kind == IFC_MTU)
		rtnl_link_set_mtu(change, c->mtu);
	else
		rtnl_link_set_flags(change, IFF_UP);
	return rtnl_link_change(sk, orig, change, 0);
}

static int
apply_addr(struct nl_sock *sk, const struct if_change *c)
{
	_cleanup_(addrp) struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local;
	int r;

	int family = c->v6 ? AF_INET6 : AF_INET;
	unsigned len = c->v6 ? c->addr6.len : c->addr.len;

	if (a == NULL)
		fatalx("out of memory");
	local = c->v6 ? nl_addr_build(AF_INET6, &c->addr6.addr, 16)
	              : nl_addr_build(AF_INET, &c->addr.addr, 4);
	if (local == NULL)
		fatalx("out of memory");
	nl_addr_set_prefixlen(local, len);
	rtnl_addr_set_ifindex(a, c->ifindex);
	rtnl_addr_set_family(a, family);
	r = rtnl_addr_set_local(a, local);
	nl_addr_put(local);
	if (r < 0)
		return r;
	rtnl_addr_set_prefixlen(a, len);
	/* no duplicate address detection: usable at once (ifplan.c) */
	if (c->v6)
		rtnl_addr_set_flags(a, IFA_F_NODAD);
	if (c->kind == IFC_ADDR_DEL)
		return rtnl_addr_delete(sk, a, 0);
	if (c->label[0]) {
		r = rtnl_addr_set_label(a, c->label);
		if (r < 0)
			return r;
	}
	r = rtnl_addr_add(sk, a, 0);
	/* there since the pass looked (ifupdown2 at boot): as planned */
	return r == -NLE_EXIST ? 0 : r;
}

int
nl_apply(const struct if_changes *ch, struct strv *errors)
{
	_cleanup_(nl_sockp) struct nl_sock *sk = NULL;
	_cleanup_free_ char *err = NULL;
	int failed = 0, r;

	if (ch->n == 0)
		return 0;
	r = nl_open(&sk, &err);
	if (r < 0) {
		strv_push(errors, TAKE_PTR(err));
		return r;
	}
	for (size_t i = 0; i < ch->n; i++) {
		const struct if_change *c = &ch->v[i];

		switch (c->kind) {
		case IFC_SYSCTL:
			r = sysctl_write(c->sysctl.path, c->sysctl.value);
			if (r < 0)
				strv_pushf(errors, "%s: %s", c->text, strerror(-r));
			break;
		case IFC_MTU:
		case IFC_LINK_UP:
			r = apply_link(sk, c);
			if (r < 0)
				strv_pushf(errors, "%s: %s", c->text, nl_geterror(r));
			break;
		case IFC_ADDR_ADD:
		case IFC_ADDR_DEL:
			r = apply_addr(sk, c);
			if (r < 0)
				strv_pushf(errors, "%s: %s", c->text, nl_geterror(r));
			break;
		}
		if (r < 0)
			failed++;
	}
	return failed;
}

struct nl_monitor {
	struct nl_sock *sk;
};

int
nl_monitor_open(struct nl_monitor **out)
{
	struct nl_monitor *m;
	int r;

	m = xcalloc(1, sizeof(*m));
	m->sk = nl_socket_alloc();
	if (m->sk == NULL)
		fatalx("out of memory");
	nl_socket_disable_seq_check(m->sk);
	r = nl_connect(m->sk, NETLINK_ROUTE);
	if (r >= 0)
		r = nl_socket_add_memberships(m->sk, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
		                               RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV4_ROUTE,
		                               RTNLGRP_IPV6_ROUTE, 0);
	if (r >= 0)
		r = nl_socket_set_nonblocking(m->sk);
	if (r < 0) {
		nl_monitor_free(m);
		return -EIO;
	}
	/* a burst of events (a reload that touches many interfaces) must not
	 * overflow the socket; if it does, the overflow itself is reported */
	nl_socket_set_buffer_size(m->sk, 1 << 20, 0);
	*out = m;
	return 0;
}

void
nl_monitor_free(struct nl_monitor *m)
{
	if (m == NULL)
		return;
	if (m->sk)
		nl_socket_free(m->sk);
	free(m);
}

int
nl_monitor_fd(const struct nl_monitor *m)
{
	return nl_socket_get_fd(m->sk);
}

struct drain_ctx {
	const struct ifplan *plan;
	int type; /* nlmsg_type of the message being parsed */
	bool relevant;
	bool routes; /* an IPv4 route came or went */
};

static bool
planned_address(const struct ifplan *p, struct nl_addr *local, unsigned len)
{
	struct in_addr a;

	if (local != NULL && nl_addr_get_len(local) == 16) {
		struct prefix6 x = {.len = (uint8_t)len};

		memcpy(&x.addr, nl_addr_get_binary_addr(local), 16);
		for (size_t i = 0; i < p->n_links; i++)
			if (p->links[i].has6 && p->links[i].address6.len == len &&
			    !memcmp(&p->links[i].address6.addr, &x.addr, 16))
				return true;
		return p->has_loopback6 && len == 128 && !memcmp(&p->loopback6.addr, &x.addr, 16);
	}
	if (local == NULL || nl_addr_get_len(local) != 4)
		return false;
	memcpy(&a, nl_addr_get_binary_addr(local), 4);
	for (size_t i = 0; i < p->n_links; i++)
		if (p->links[i].address.addr.s_addr == a.s_addr && p->links[i].address.len == len)
			return true;
	return p->has_loopback && p->loopback.addr.s_addr == a.s_addr && p->loopback.len == len;
}

static void
on_object(struct nl_object *obj, void *arg)
{
	struct drain_ctx *ctx = arg;
	const char *type = nl_object_get_type(obj);

	if (ctx->plan == NULL)
		return;
	if (strcmp(type, "route/link") == 0) {
		const char *name = rtnl_link_get_name((struct rtnl_link *)obj);

		if (name && ifplan_find_link(ctx->plan, name))
			ctx->relevant = true;
	} else if (strcmp(type, "route/addr") == 0 && ctx->type == RTM_DELADDR) {
		struct rtnl_addr *a = (struct rtnl_addr *)obj;

		if ((rtnl_addr_get_family(a) == AF_INET || rtnl_addr_get_family(a) == AF_INET6) &&
		    planned_address(ctx->plan, rtnl_addr_get_local(a), rtnl_addr_get_prefixlen(a)))
			ctx->relevant = true;
	}
}

bool
nl_route_msg_watched(const struct nlmsghdr *h)
{
	const struct rtmsg *rtm = NLMSG_DATA(h);
	const struct rtattr *a;
	unsigned table, len;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)) ||
	    (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6))
		return false;
	table = rtm->rtm_table;
	len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*rtm));
	for (a = RTM_RTA(rtm); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == RTA_TABLE && RTA_PAYLOAD(a) >= sizeof(uint32_t))
			memcpy(&table, RTA_DATA(a), sizeof(uint32_t));
	return table == RT_TABLE_MAIN || table == BRIDGE_TABLE;
}

static int
on_message(struct nl_msg *msg, void *arg)
{
	struct drain_ctx *ctx = arg;

	ctx->type = nlmsg_hdr(msg)->nlmsg_type;
	if (ctx->type == RTM_NEWROUTE || ctx->type == RTM_DELROUTE) {
		ctx->routes |= nl_route_msg_watched(nlmsg_hdr(msg));
		return NL_OK;
	}
	nl_msg_parse(msg, on_object, ctx);
	return NL_OK;
}

bool
nl_monitor_drain(struct nl_monitor *m, const struct ifplan *plan, bool *routes_changed)
{
	struct drain_ctx ctx = {.plan = plan};

	nl_socket_modify_cb(m->sk, NL_CB_VALID, NL_CB_CUSTOM, on_message, &ctx);
	/* bounded: events arriving faster than they are read are not a reason
	 * to stay here; the fd stays readable and the caller comes back */
	for (int i = 0; i < 4096; i++) {
		int r = nl_recvmsgs_default(m->sk);

		if (r == -NLE_AGAIN)
			break;
		if (r < 0) {
			/* ENOBUFS (reported as NLE_NOMEM): events were lost */
			ctx.relevant = true;
			if (r != -NLE_NOMEM)
				break;
		}
	}
	if (routes_changed)
		*routes_changed = ctx.routes || ctx.relevant;
	return ctx.relevant;
}
