/* check_bridgeplan.c - which loopbacks are bridged during a disruptive
 * change, and when OSPF has settled, over recorded FRR output */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "bridgeplan.h"
#include "testutil.h"

struct fixture {
	struct config *c;
	struct link_plan *plans;
	const struct node_conf *node;
	struct frr_neighbor *nb;
	size_t n_nb;
};

static void
open_node(struct fixture *f, const char *host, const char *version, const char *nbr_file)
{
	_cleanup_free_ char *text = tu_read_frr(version, nbr_file);

	f->c = tu_parse_data("config/reference.conf");
	f->plans = tu_link_plans(f->c, host, &f->node);
	ck_assert_int_eq(frrjson_parse_neighbors(text, &f->nb, &f->n_nb), 0);
}

static void
close_node(struct fixture *f)
{
	free(f->nb);
	free(f->plans);
	config_free(f->c);
}

/* DESIGN §3 (pve-1 with a loopback): pve-2 has none, the PBS has
 * 192.168.103.254 behind pve-1 nic4. */
START_TEST(test_build)
{
	struct fixture f;
	struct bridges b;

	open_node(&f, "pve-1", "10.3", "pve-1.ip-ospf-neighbor-json.txt");
	bridgeplan_build(f.plans, f.node->n_links, f.nb, f.n_nb, NULL, &b);
	ck_assert_uint_eq(b.n, 1);
	ck_assert_str_eq(b.v[0].ifname, "nic4");
	ck_assert_str_eq(tu_ip(b.v[0].gateway), "192.168.103.6");
	ck_assert_str_eq(tu_prefix_str(&b.v[0].dst), "192.168.103.254/32");
	ck_assert(bridgeplan_settled(&b, f.nb, f.n_nb));
	bridges_free(&b);
	close_node(&f);

	/* the PBS bridges pve-1's loopback only (pve-2 has none) */
	open_node(&f, "pbs", "10.3", "pbs.ip-ospf-neighbor-json.txt");
	bridgeplan_build(f.plans, f.node->n_links, f.nb, f.n_nb, NULL, &b);
	ck_assert_uint_eq(b.n, 1);
	ck_assert_str_eq(b.v[0].ifname, "nic3");
	ck_assert_str_eq(tu_ip(b.v[0].gateway), "192.168.103.5");
	ck_assert_str_eq(tu_prefix_str(&b.v[0].dst), "192.168.102.1/32");
	/* pve-2 (nic4) still has an LSA of ours to acknowledge */
	ck_assert(!bridgeplan_settled(&b, f.nb, f.n_nb));
	bridges_free(&b);
	close_node(&f);
}
END_TEST

/* No adjacency on the link (cable cut): nothing to keep, nothing bridged;
 * a bridge on that link is not settled until a neighbour is Full there. */
START_TEST(test_no_adjacency)
{
	static const char *const versions[] = {"8.4", "10.3"};

	for (size_t v = 0; v < ARRAY_SIZE(versions); v++) {
		struct fixture f;
		struct bridges b;
		struct bridge nic4 = {.ifname = "nic4", .dst = tu_prefix("192.168.103.254", 32)};

		open_node(&f, "pve-1", versions[v], "pve-1.cut.ospf-neighbor-json.txt");
		bridgeplan_build(f.plans, f.node->n_links, f.nb, f.n_nb, NULL, &b);
		ck_assert_uint_eq(b.n, 0);
		ck_assert(bridgeplan_settled(&b, f.nb, f.n_nb));
		bridges_push(&b, &nic4);
		ck_assert(!bridgeplan_settled(&b, f.nb, f.n_nb));
		bridges_free(&b);
		close_node(&f);
	}
}
END_TEST

/* A neighbour still exchanging databases (ExStart) is not an adjacency. */
START_TEST(test_not_full)
{
	struct fixture f;
	struct bridges b;

	open_node(&f, "pve-2", "8.4", "pve-2.mtu-mismatch.ospf-neighbor-json.txt");
	bridgeplan_build(f.plans, f.node->n_links, f.nb, f.n_nb, NULL, &b);
	/* pve-1 (nic3, ExStart) is there, so bridged too, and settles only
	 * once it is Full; the PBS (nic4, Full) is */
	ck_assert_uint_eq(b.n, 2);
	ck_assert_str_eq(b.v[0].ifname, "nic3");
	ck_assert_str_eq(b.v[1].ifname, "nic4");
	ck_assert(!bridgeplan_settled(&b, f.nb, f.n_nb));
	bridges_free(&b);
	/* one we hear but that does not hear us (Init): maybe a one-way link */
	for (size_t i = 0; i < f.n_nb; i++)
		if (!strcmp(f.nb[i].ifname, "nic3"))
			f.nb[i].state = NSM_INIT;
	bridgeplan_build(f.plans, f.node->n_links, f.nb, f.n_nb, NULL, &b);
	ck_assert_uint_eq(b.n, 1);
	ck_assert_str_eq(b.v[0].ifname, "nic4");
	bridges_free(&b);
	/* ... unless the change turns that link point-to-point: the neighbour
	 * may have turned its end first (its hellos name us again only once
	 * it hears us) */
	{
		static const char *const cmds[] = {
		    "configure terminal",
		    "interface nic4",
		    "ip ospf cost 10",
		    "exit",
		    "interface nic3",
		    "ip ospf network point-to-point",
		    "ip ospf priority 0",
		    "exit",
		    "router ospf",
		    "network 192.168.103.0/30 area 0.0.0.0",
		    "exit",
		    "end",
		};
		struct strv c = {0}, sw = {0};

		for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
			strv_push_dup(&c, cmds[i]);
		bridgeplan_switching(&c, &sw);
		ck_assert_uint_eq(sw.n, 1);
		ck_assert_str_eq(sw.v[0], "nic3");
		bridgeplan_build(f.plans, f.node->n_links, f.nb, f.n_nb, &sw, &b);
		ck_assert_uint_eq(b.n, 2);
		ck_assert_str_eq(b.v[0].ifname, "nic3");
		bridges_free(&b);
		strv_free(&c);
		strv_free(&sw);
	}
	close_node(&f);
}
END_TEST

/* The five-node partial mesh: pve-d is cabled to pve-b (nic9) and pve-c
 * (nic10) only. pve-c's loopback is a neighbour's; pve-a's and the qdev's
 * are two hops away, routed by OSPF through pve-b and pve-c. */
START_TEST(test_far)
{
	struct config *c = tu_parse_data("config/five.conf");
	const struct node_conf *d;
	struct link_plan *lp = tu_link_plans(c, "pve-d", &d);
	struct frr_neighbor nb[2] = {0};
	struct frr_route *routes;
	struct bridges b;
	size_t n_routes;
	char b_addr[16], c_addr[16];
	_cleanup_free_ char *json = NULL;

	ck_assert_str_eq(lp[0].link->ifname, "nic9");
	ck_assert_str_eq(lp[1].link->ifname, "nic10");
	for (int i = 0; i < 2; i++) {
		nb[i].state = NSM_FULL;
		nb[i].address = lp[i].remote;
		strcpy(nb[i].ifname, lp[i].link->ifname);
	}
	ip4_str(lp[0].remote, b_addr);
	ip4_str(lp[1].remote, c_addr);
	json = xasprintf(
	    "{\"10.10.255.1/32\":[{\"prefix\":\"10.10.255.1/32\",\"selected\":true,"
	    "\"nexthops\":[{\"ip\":\"%s\",\"interfaceName\":\"nic9\",\"active\":true}]}],"
	    "\"10.10.255.7/32\":[{\"prefix\":\"10.10.255.7/32\",\"selected\":true,"
	    "\"nexthops\":[{\"ip\":\"%s\",\"interfaceName\":\"nic10\",\"active\":true}]}],"
	    "\"10.10.255.3/32\":[{\"prefix\":\"10.10.255.3/32\",\"selected\":true,"
	    "\"nexthops\":[{\"ip\":\"%s\",\"interfaceName\":\"nic10\",\"active\":true}]}]}",
	    b_addr, c_addr, c_addr);
	ck_assert_int_eq(frrjson_parse_routes(json, &routes, &n_routes), 0);

	bridgeplan_build(lp, d->n_links, nb, 2, NULL, &b);
	ck_assert_uint_eq(b.n, 1); /* pve-c's loopback, its neighbour's */
	ck_assert_str_eq(tu_prefix_str(&b.v[0].dst), "10.10.255.3/32");
	bridgeplan_far(c, d, lp, d->n_links, nb, 2, routes, n_routes, &b);
	ck_assert_uint_eq(b.n, 3);
	ck_assert_str_eq(tu_prefix_str(&b.v[1].dst), "10.10.255.1/32");
	ck_assert_str_eq(b.v[1].ifname, "nic9");
	ck_assert_str_eq(tu_ip(b.v[1].gateway), b_addr);
	ck_assert_str_eq(tu_prefix_str(&b.v[2].dst), "10.10.255.7/32");
	ck_assert_str_eq(b.v[2].ifname, "nic10");
	bridges_free(&b);

	/* no adjacency where OSPF routes pve-a: nothing to keep it with */
	nb[0].state = NSM_2WAY;
	bridges_free(&b);
	bridgeplan_far(c, d, lp, d->n_links, nb, 2, routes, n_routes, &b);
	ck_assert_uint_eq(b.n, 2); /* (pve-c's too, not bridged as a neighbour's here) */
	ck_assert_str_eq(tu_prefix_str(&b.v[0].dst), "10.10.255.3/32");
	ck_assert_str_eq(tu_prefix_str(&b.v[1].dst), "10.10.255.7/32");
	bridges_free(&b);
	frr_routes_free(routes, n_routes);
	free(lp);
	config_free(c);
}
END_TEST

/* Never through an endpoint, which does not forward: the qdev is pve-a's
 * neighbour, and a route to pve-c's loopback through it is not bridged. */
START_TEST(test_far_not_through_endpoint)
{
	struct config *c = tu_parse_data("config/five.conf");
	const struct node_conf *a;
	struct link_plan *lp = tu_link_plans(c, "pve-a", &a);
	struct frr_neighbor nb[3] = {0};
	struct frr_route *routes;
	struct bridges b = {0};
	size_t n_routes, q = 3;
	char q_addr[16];
	_cleanup_free_ char *json = NULL;

	for (size_t i = 0; i < a->n_links; i++) {
		nb[i].state = NSM_FULL;
		nb[i].address = lp[i].remote;
		strcpy(nb[i].ifname, lp[i].link->ifname);
		if (!strcmp(lp[i].link->peer, "qdev"))
			q = i;
	}
	ck_assert_uint_lt(q, 3);
	ip4_str(lp[q].remote, q_addr);
	json = xasprintf(
	    "{\"10.10.255.3/32\":[{\"prefix\":\"10.10.255.3/32\",\"selected\":true,"
	    "\"nexthops\":[{\"ip\":\"%s\",\"interfaceName\":\"%s\",\"active\":true}]}]}",
	    q_addr, lp[q].link->ifname);
	ck_assert_int_eq(frrjson_parse_routes(json, &routes, &n_routes), 0);
	bridgeplan_far(c, a, lp, a->n_links, nb, 3, routes, n_routes, &b);
	ck_assert_uint_eq(b.n, 0);
	frr_routes_free(routes, n_routes);
	free(lp);
	config_free(c);
}
END_TEST

static Suite *
bridgeplan_suite(void)
{
	Suite *s = suite_create("bridgeplan");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_build);
	tcase_add_test(tc, test_no_adjacency);
	tcase_add_test(tc, test_not_full);
	tcase_add_test(tc, test_far);
	tcase_add_test(tc, test_far_not_through_endpoint);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(bridgeplan_suite());
}
