/* check_netlink.c - apply interface plans to veth pairs in a private network
 * namespace. Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN); skipped otherwise. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

#include "bridge.h"
#include "ifdiff.h"
#include "ifplan.h"
#include "netlink.h"
#include "sysctl.h"
#include "testutil.h"

static struct config *cfg;
static struct ifplan plan;

/* A fresh network namespace with the veth pairs named; the plan of pve-1. */
static void
setup_netns(const char *const *veths)
{
	/* the reference mesh with MTU 9000, pve-1 with a loopback for its
	 * router-id, the PBS without router-id and not external */
	_cleanup_free_ char *conf =
	    tu_edit(tu_reference_mesh,
	            (const char *const[]){
	                "prefix = 192.168.103.0/24\n", "prefix = 192.168.103.0/24\nmtu = 9000\n",
	                "router-id = 192.168.102.1\n", "loopback = 192.168.102.1/32\n",
	                "router-id = 192.168.102.3\n", "", "external = yes\n", "", NULL});
	const struct node_conf *n;
	struct link_plan *lp;
	struct nl_sock *sk;

	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	sk = nl_socket_alloc();
	ck_assert_int_eq(nl_connect(sk, NETLINK_ROUTE), 0);
	for (; *veths; veths += 2)
		ck_assert_int_eq(rtnl_link_veth_add(sk, veths[0], veths[1], getpid()), 0);
	nl_socket_free(sk);

	cfg = tu_parse(conf);
	lp = tu_link_plans(cfg, "pve-1", &n);
	ifplan_build(cfg, n, lp, &plan);
	free(lp);
}

static void
teardown_netns(void)
{
	ifplan_free(&plan);
	config_free(cfg);
	cfg = NULL;
}

static const char *const both[] = {"nic3", "peer3", "nic4", "peer4", NULL};
static const char *const only_nic3[] = {"nic3", "peer3", NULL};

/* Add or remove an address behind proxmesh's back. */
static void
by_hand(enum if_change_kind kind, const char *ifname, const char *addr, unsigned len,
        const char *label)
{
	struct if_change c = {
	    .kind = kind, .addr = tu_prefix(addr, len), .text = (char *)"by hand"};
	struct if_changes ch = {.v = &c, .n = 1};
	struct strv errors = {0};

	snprintf(c.ifname, sizeof(c.ifname), "%s", ifname);
	c.ifindex = (int)if_nametoindex(ifname);
	ck_assert_int_ne(c.ifindex, 0);
	if (label)
		snprintf(c.label, sizeof(c.label), "%s", label);
	ck_assert_int_eq(nl_apply(&ch, &errors), 0);
	strv_free(&errors);
}

/* Plan against the live state, apply, and return the number of changes. */
static size_t
plan_apply(const struct ifaddr_list *prev, const char *expected_warning)
{
	struct if_changes ch;
	struct strv errors = {0};
	char *err = NULL;
	size_t n;

	ck_assert_int_eq(nl_plan(&plan, prev, &ch, &err), 0);
	if (expected_warning) {
		ck_assert_uint_eq(ch.warnings.n, 1);
		ck_assert_str_eq(ch.warnings.v[0], expected_warning);
	} else {
		ck_assert_uint_eq(ch.warnings.n, 0);
	}
	ck_assert_int_eq(nl_apply(&ch, &errors), 0);
	ck_assert_uint_eq(errors.n, 0);
	n = ch.n;
	if_changes_free(&ch);
	return n;
}

static const struct live_addr *
find_addr(const struct live_state *s, const char *ifname, const char *addr, unsigned len)
{
	const struct live_if *li = live_state_find(s, ifname);
	struct prefix4 p = tu_prefix(addr, len);

	ck_assert_ptr_nonnull(li);
	for (size_t i = 0; i < li->n_addrs; i++)
		if (li->addrs[i].addr.addr.s_addr == p.addr.s_addr &&
		    li->addrs[i].addr.len == p.len)
			return &li->addrs[i];
	return NULL;
}

static void
assert_sysctl(const char *path, const char *value)
{
	char buf[16];

	ck_assert_int_eq(sysctl_read(path, buf, sizeof(buf)), 0);
	ck_assert_msg(strcmp(buf, value) == 0, "%s is %s, expected %s", path, buf, value);
}

START_TEST(test_apply_converges)
{
	struct live_state s;
	const struct live_if *nic3, *nic4;
	const struct live_addr *a;
	char *err = NULL;

	setup_netns(both);
	ck_assert_uint_eq(plan_apply(NULL, NULL), 14);

	ck_assert_int_eq(nl_read_state(&plan, NULL, &s, &err), 0);
	nic3 = live_state_find(&s, "nic3");
	nic4 = live_state_find(&s, "nic4");
	ck_assert(nic3->exists && nic3->up && nic3->mtu == 9000);
	ck_assert(nic4->exists && nic4->up && nic4->mtu == 9000);
	ck_assert(!nic3->carrier); /* peer3 is down */
	ck_assert_ptr_nonnull(a = find_addr(&s, "nic3", "192.168.103.1", 30));
	ck_assert_str_eq(a->label, "nic3");
	ck_assert_ptr_nonnull(a = find_addr(&s, "nic4", "192.168.103.5", 30));
	ck_assert_ptr_nonnull(a = find_addr(&s, "lo", "192.168.102.1", 32));
	ck_assert_str_eq(a->label, "lo:proxmesh");
	live_state_free(&s);

	assert_sysctl("net/ipv4/ip_forward", "1");
	assert_sysctl("net/ipv4/conf/all/forwarding", "1");
	assert_sysctl("net/ipv4/fib_multipath_hash_policy", "1");
	assert_sysctl("net/ipv4/conf/nic3/rp_filter", "2");
	assert_sysctl("net/ipv4/conf/nic4/ignore_routes_with_linkdown", "1");

	/* a second pass has nothing to do */
	ck_assert_uint_eq(plan_apply(NULL, NULL), 0);
	teardown_netns();
}
END_TEST

START_TEST(test_foreign_and_previous)
{
	struct ifaddr_list prev = {0};
	struct prefix4 old = tu_prefix("192.168.103.99", 30), gone = tu_prefix("10.0.0.1", 30),
	               cur = tu_prefix("192.168.103.1", 30);
	struct if_changes ch;
	struct live_state s;
	char *err = NULL;

	setup_netns(both);
	ck_assert_uint_eq(plan_apply(NULL, NULL), 14);
	by_hand(IFC_ADDR_ADD, "nic3", "10.9.9.9", 24, NULL);
	by_hand(IFC_ADDR_ADD, "nic3", "192.168.103.99", 30, NULL);
	by_hand(IFC_ADDR_ADD, "lo", "192.168.200.1", 32, "lo:other");

	/* never planned: left alone */
	ck_assert_uint_eq(plan_apply(NULL, NULL), 0);

	ifaddr_list_add(&prev, "nic3", &old);
	ifaddr_list_add(&prev, "nic3", &gone);
	ifaddr_list_add(&prev, "nic3", &cur);
	ck_assert_int_eq(nl_plan(&plan, &prev, &ch, &err), 0);
	ck_assert_uint_eq(ch.n, 1);
	ck_assert_str_eq(ch.v[0].text, "ip addr del 192.168.103.99/30 dev nic3");
	if_changes_free(&ch);
	ck_assert_uint_eq(plan_apply(&prev, NULL), 1);

	ck_assert_int_eq(nl_read_state(&plan, &prev, &s, &err), 0);
	ck_assert_ptr_null(find_addr(&s, "nic3", "192.168.103.99", 30));
	ck_assert_ptr_nonnull(find_addr(&s, "nic3", "10.9.9.9", 24));
	ck_assert_ptr_nonnull(find_addr(&s, "nic3", "192.168.103.1", 30));
	ck_assert_ptr_nonnull(find_addr(&s, "lo", "192.168.200.1", 32));
	live_state_free(&s);
	ck_assert_uint_eq(plan_apply(&prev, NULL), 0);
	ifaddr_list_free(&prev);
	teardown_netns();
}
END_TEST

START_TEST(test_missing_interface)
{
	struct live_state s;
	char *err = NULL;
	const char *warning = "interface nic4 missing: link to pbs skipped";

	setup_netns(only_nic3);
	ck_assert_uint_eq(plan_apply(NULL, warning), 9);
	ck_assert_uint_eq(plan_apply(NULL, warning), 0);
	ck_assert_int_eq(nl_read_state(&plan, NULL, &s, &err), 0);
	ck_assert(!live_state_find(&s, "nic4")->exists);
	ck_assert_ptr_nonnull(find_addr(&s, "nic3", "192.168.103.1", 30));
	live_state_free(&s);

	/* the interface shows up late: it is configured on the next pass */
	{
		struct nl_sock *sk = nl_socket_alloc();

		ck_assert_int_eq(nl_connect(sk, NETLINK_ROUTE), 0);
		ck_assert_int_eq(rtnl_link_veth_add(sk, "nic4", "peer4", getpid()), 0);
		nl_socket_free(sk);
	}
	ck_assert_uint_eq(plan_apply(NULL, NULL), 5);
	ck_assert_uint_eq(plan_apply(NULL, NULL), 0);
	teardown_netns();
}
END_TEST

START_TEST(test_loopback_relabel)
{
	struct live_state s;
	char *err = NULL;

	/* the loopback address set by hand under its own label (a hand-made
	 * lo:backup) is left as it is: it is never taken away to be added
	 * again under ours */
	setup_netns(both);
	by_hand(IFC_ADDR_ADD, "lo", "192.168.102.1", 32, "lo:backup");
	ck_assert_uint_eq(plan_apply(NULL, NULL), 13);
	ck_assert_int_eq(nl_read_state(&plan, NULL, &s, &err), 0);
	ck_assert_str_eq(find_addr(&s, "lo", "192.168.102.1", 32)->label, "lo:backup");
	live_state_free(&s);
	ck_assert_uint_eq(plan_apply(NULL, NULL), 0);
	teardown_netns();
}
END_TEST

START_TEST(test_apply_error)
{
	struct if_change c = {.kind = IFC_ADDR_DEL,
	                      .addr = tu_prefix("192.168.1.1", 24),
	                      .text = (char *)"ip addr del 192.168.1.1/24 dev nic3"};
	struct if_change d = {.kind = IFC_SYSCTL,
	                      .sysctl = {"net/ipv4/conf/nope/rp_filter", "2"},
	                      .text = (char *)"sysctl -w net.ipv4.conf.nope.rp_filter=2"};
	struct if_change v[2];
	struct if_changes ch = {.v = v, .n = 2};
	struct strv errors = {0};

	setup_netns(both);
	c.ifindex = (int)if_nametoindex("nic3");
	v[0] = c;
	v[1] = d;
	ck_assert_int_eq(nl_apply(&ch, &errors), 2);
	ck_assert_uint_eq(errors.n, 2);
	ck_assert_ptr_nonnull(strstr(errors.v[0], "ip addr del 192.168.1.1/24 dev nic3: "));
	ck_assert_str_eq(errors.v[1],
	                 "sysctl -w net.ipv4.conf.nope.rp_filter=2: No such file or directory");
	strv_free(&errors);
	teardown_netns();
}
END_TEST

/* At boot ifupdown2 may add a planned address between the pass's look and
 * its add: the address is there, as planned; no failure. */
START_TEST(test_add_raced)
{
	struct if_changes ch;
	struct strv errors = {0};
	char *err = NULL;

	setup_netns(both);
	ck_assert_int_eq(nl_plan(&plan, NULL, &ch, &err), 0);
	by_hand(IFC_ADDR_ADD, "nic3", "192.168.103.1", 30, NULL);
	ck_assert_int_eq(nl_apply(&ch, &errors), 0);
	ck_assert_uint_eq(errors.n, 0);
	if_changes_free(&ch);
	teardown_netns();
}
END_TEST

START_TEST(test_monitor)
{
	struct nl_monitor *m = NULL;
	struct nl_sock *sk;
	bool routes;

	setup_netns(only_nic3);
	ck_assert_int_eq(nl_monitor_open(&m), 0);
	ck_assert_int_ge(nl_monitor_fd(m), 0);
	routes = true;
	ck_assert(!nl_monitor_drain(m, &plan, &routes));
	ck_assert(!routes);

	/* an interface proxmesh does not manage */
	sk = nl_socket_alloc();
	ck_assert_int_eq(nl_connect(sk, NETLINK_ROUTE), 0);
	ck_assert_int_eq(rtnl_link_veth_add(sk, "foo0", "foo1", getpid()), 0);
	ck_assert(!nl_monitor_drain(m, &plan, NULL));

	/* a planned interface appears */
	ck_assert_int_eq(rtnl_link_veth_add(sk, "nic4", "peer4", getpid()), 0);
	nl_socket_free(sk);
	ck_assert(nl_monitor_drain(m, &plan, NULL));
	ck_assert(!nl_monitor_drain(m, &plan, NULL));

	/* proxmesh's own pass reports changes of planned links, then settles */
	plan_apply(NULL, NULL);
	ck_assert(nl_monitor_drain(m, &plan, NULL));
	ck_assert(!nl_monitor_drain(m, &plan, NULL));

	/* a foreign address comes and goes: nothing to do */
	by_hand(IFC_ADDR_ADD, "foo0", "10.1.1.1", 24, NULL);
	by_hand(IFC_ADDR_DEL, "foo0", "10.1.1.1", 24, NULL);
	ck_assert(!nl_monitor_drain(m, &plan, NULL));

	/* a planned address vanishes */
	by_hand(IFC_ADDR_DEL, "lo", "192.168.102.1", 32, NULL);
	ck_assert(nl_monitor_drain(m, &plan, &routes));
	ck_assert(routes); /* its local route went with it: health looks again */
	ck_assert_uint_eq(plan_apply(NULL, NULL), 1);
	nl_monitor_free(m);
	teardown_netns();
}
END_TEST

static void add_route(const char *dst, const char *gw, const char *ifname, unsigned table);

/* An OSPF route in the main table, as zebra would install it. */
static void
add_ospf_route(const char *dst, const char *gw, const char *ifname)
{
	add_route(dst, gw, ifname, RT_TABLE_MAIN);
}

/* Routes of other tables (Proxmox SDN's VRFs, anything else) do not wake
 * the health poll, however many; main's and the bridge table's do. */
START_TEST(test_monitor_tables)
{
	struct nl_monitor *m = NULL;
	bool routes = true;

	setup_netns(both);
	plan_apply(NULL, NULL);
	ck_assert_int_eq(nl_monitor_open(&m), 0);
	/* the links' own late events first (linkwatch delays operstate
	 * changes up to a second): until a second and a half goes by quiet */
	for (int i = 0, quiet = 0; i < 40 && quiet < 3; i++) {
		usleep(500000);
		quiet = nl_monitor_drain(m, &plan, &routes) || routes ? 0 : quiet + 1;
	}
	for (unsigned i = 0; i < 200; i++) {
		char dst[32];
		bool r;

		snprintf(dst, sizeof(dst), "10.%u.%u.0/24", 100 + i / 250, i % 250);
		add_route(dst, "192.168.103.6", "nic4", 100);
		add_route(dst, "192.168.103.6", "nic4", 1000); /* beyond rtm_table's 8 bits */
		if (i % 20 == 19) { /* read as the agent does, before the socket overflows */
			ck_assert(!nl_monitor_drain(m, &plan, &r));
			ck_assert(!r);
		}
	}
	add_route("10.1.1.0/24", "192.168.103.6", "nic4", BRIDGE_TABLE);
	nl_monitor_drain(m, &plan, &routes);
	ck_assert(routes);
	add_route("10.1.1.0/24", "192.168.103.6", "nic4", RT_TABLE_MAIN);
	nl_monitor_drain(m, &plan, &routes);
	ck_assert(routes);
	nl_monitor_free(m);
	teardown_netns();
}
END_TEST

static void
add_route(const char *dst, const char *gw, const char *ifname, unsigned table)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct rtnl_route *rt = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *a, *g;

	ck_assert_int_eq(nl_connect(sk, NETLINK_ROUTE), 0);
	ck_assert_int_eq(nl_addr_parse(dst, AF_INET, &a), 0);
	ck_assert_int_eq(nl_addr_parse(gw, AF_INET, &g), 0);
	rtnl_route_set_family(rt, AF_INET);
	rtnl_route_set_table(rt, table);
	rtnl_route_set_protocol(rt, RTPROT_OSPF);
	ck_assert_int_eq(rtnl_route_set_dst(rt, a), 0);
	rtnl_route_nh_set_gateway(nh, g);
	rtnl_route_nh_set_ifindex(nh, (int)if_nametoindex(ifname));
	rtnl_route_add_nexthop(rt, nh);
	ck_assert_int_eq(rtnl_route_add(sk, rt, NLM_F_CREATE), 0);
	nl_addr_put(a);
	nl_addr_put(g);
	rtnl_route_put(rt);
	nl_socket_free(sk);
}

/* A bridge: route in table 32700 and the rule to it, listed back with
 * its link, gateway and source, seen as routed once OSPF has a route, removed
 * (twice: a missing one is no error). */
START_TEST(test_bridge)
{
	struct bridge b = {.ifname = "nic4", .dst = tu_prefix("192.168.103.254", 32)};
	struct if_change up = {.kind = IFC_LINK_UP, .text = (char *)"peer4 up"};
	struct if_changes ch = {.v = &up, .n = 1};
	struct strv errors = {0};
	struct bridges l;
	bool *routed;
	char *err = NULL;

	setup_netns(both);
	plan_apply(NULL, NULL);
	up.ifindex = (int)if_nametoindex("peer4");
	ck_assert_int_eq(nl_apply(&ch, &errors), 0);
	inet_pton(AF_INET, "192.168.103.6", &b.gateway);

	ck_assert_int_eq(bridge_list(&l, &routed, &err), 0);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_int_eq(bridge_add(&b, &err), 0);
	ck_assert_int_eq(bridge_add(&b, &err), 0);
	ck_assert_int_eq(bridge_list(&l, &routed, &err), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(tu_prefix_str(&l.v[0].dst), "192.168.103.254/32");
	ck_assert_str_eq(l.v[0].ifname, "nic4");
	ck_assert_str_eq(tu_ip(l.v[0].gateway), "192.168.103.6");
	ck_assert(!routed[0]);
	ck_assert_uint_eq(l.v[0].src.s_addr, 0);
	free(routed);
	bridges_free(&l);

	/* from our loopback, as OSPF's routes are; from an address that is
	 * not ours (a loopback not there yet): the kernel's choice */
	for (int i = 0; i < 2; i++) {
		inet_pton(AF_INET, i ? "192.168.102.9" : "192.168.102.1", &b.src);
		ck_assert_int_eq(bridge_add(&b, &err), 0);
		ck_assert_int_eq(bridge_list(&l, &routed, &err), 0);
		ck_assert_uint_eq(l.n, 1);
		ck_assert_str_eq(tu_ip(l.v[0].src), i ? "0.0.0.0" : "192.168.102.1");
		free(routed);
		bridges_free(&l);
	}
	b.src.s_addr = 0;

	add_ospf_route("192.168.103.254/32", "192.168.103.6", "nic4");
	ck_assert_int_eq(bridge_list(&l, &routed, &err), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert(routed[0]);
	free(routed);
	bridges_free(&l);

	ck_assert_int_eq(bridge_remove(&b, &err), 0);
	ck_assert_int_eq(bridge_remove(&b, &err), 0);
	ck_assert_int_eq(bridge_list(&l, &routed, &err), 0);
	ck_assert_uint_eq(l.n, 0);

	/* a link that does not exist is one clear error */
	snprintf(b.ifname, sizeof(b.ifname), "nic9");
	ck_assert_int_lt(bridge_add(&b, &err), 0);
	ck_assert_str_eq(err, "bridge over nic9: No such device");
	free(err);
	teardown_netns();
}
END_TEST

static Suite *
netlink_suite(void)
{
	Suite *s = suite_create("netlink");
	TCase *tc = tcase_create("netns");

	tcase_add_test(tc, test_apply_converges);
	tcase_add_test(tc, test_foreign_and_previous);
	tcase_add_test(tc, test_missing_interface);
	tcase_add_test(tc, test_loopback_relabel);
	tcase_add_test(tc, test_apply_error);
	tcase_add_test(tc, test_add_raced);
	tcase_add_test(tc, test_monitor);
	tcase_add_test(tc, test_monitor_tables);
	tcase_add_test(tc, test_bridge);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

/* Whether this process may make a network namespace (tried in a child). */
static bool
can_unshare(void)
{
	pid_t pid;
	int status;

	if (geteuid() != 0)
		return false;
	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0)
		_exit(unshare(CLONE_NEWNET) == 0 ? 0 : 1);
	if (waitpid(pid, &status, 0) < 0)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int
main(void)
{
	if (!can_unshare()) {
		printf("check_netlink: skipped (needs root and network namespaces)\n");
		return 77;
	}
	return tu_run(netlink_suite());
}
