/* check_addrplan.c - the deterministic address plan (DESIGN §4) */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

START_TEST(test_index)
{
	static const struct {
		unsigned i, j, k;
	} cases[] = {
	    {1, 2, 0},  {1, 3, 1},  {2, 3, 2},  {1, 4, 3},         {2, 4, 4},  {3, 4, 5},
	    {1, 5, 6},  {2, 5, 7},  {3, 5, 8},  {4, 5, 9},         {1, 6, 10}, {5, 6, 14},
	    {1, 7, 15}, {3, 7, 17}, {6, 7, 20}, {254, 255, 32384},
	};

	for (size_t n = 0; n < ARRAY_SIZE(cases); n++) {
		ck_assert_uint_eq(addrplan_index(cases[n].i, cases[n].j), cases[n].k);
		ck_assert_uint_eq(addrplan_index(cases[n].j, cases[n].i), cases[n].k);
	}
	/* A bijection: every pair of ids 1..40 gets its own k, and they are
	 * dense (0 .. n(n-1)/2 - 1). */
	{
		static bool used[40 * 39 / 2];

		for (unsigned j = 2; j <= 40; j++)
			for (unsigned i = 1; i < j; i++) {
				unsigned k = addrplan_index(i, j);

				ck_assert_uint_lt(k, ARRAY_SIZE(used));
				ck_assert_msg(!used[k], "k %u twice", k);
				used[k] = true;
			}
	}
}
END_TEST

START_TEST(test_subnet)
{
	struct config c = {.prefix = {.len = 24}, .link_prefix_len = 30};
	struct prefix4 p;
	char buf[19];

	inet_pton(AF_INET, "192.168.103.0", &c.prefix.addr);
	ck_assert_int_eq(addrplan_subnet(&c, 0, &p), 0);
	ck_assert_str_eq(prefix4_str(&p, buf), "192.168.103.0/30");
	ck_assert_int_eq(addrplan_subnet(&c, 2, &p), 0);
	ck_assert_str_eq(prefix4_str(&p, buf), "192.168.103.8/30");
	ck_assert_int_eq(addrplan_subnet(&c, 63, &p), 0);
	ck_assert_str_eq(prefix4_str(&p, buf), "192.168.103.252/30");
	ck_assert_int_eq(addrplan_subnet(&c, 64, &p), -ENOSPC);
	ck_assert_int_eq(addrplan_subnet(&c, 100000, &p), -ENOSPC);

	c.link_prefix_len = 31;
	ck_assert_int_eq(addrplan_subnet(&c, 1, &p), 0);
	ck_assert_str_eq(prefix4_str(&p, buf), "192.168.103.2/31");
	ck_assert_int_eq(addrplan_subnet(&c, 127, &p), 0);
	ck_assert_str_eq(prefix4_str(&p, buf), "192.168.103.254/31");
	ck_assert_int_eq(addrplan_subnet(&c, 128, &p), -ENOSPC);

	/* a pool of exactly one subnet */
	c.prefix.len = 30;
	c.link_prefix_len = 30;
	ck_assert_int_eq(addrplan_subnet(&c, 0, &p), 0);
	ck_assert_str_eq(prefix4_str(&p, buf), "192.168.103.0/30");
	ck_assert_int_eq(addrplan_subnet(&c, 1, &p), -ENOSPC);

	/* a large pool does not overflow the shift */
	inet_pton(AF_INET, "10.0.0.0", &c.prefix.addr);
	c.prefix.len = 8;
	c.link_prefix_len = 31;
	ck_assert_int_eq(addrplan_subnet(&c, (1u << 23) - 1, &p), 0);
	ck_assert_str_eq(prefix4_str(&p, buf), "10.255.255.254/31");
	ck_assert_int_eq(addrplan_subnet(&c, 1u << 23, &p), -ENOSPC);
}
END_TEST

struct want_link {
	const char *node, *ifname, *peer, *subnet, *local, *remote;
};

static void
check_plan(const struct config *c, const struct want_link *want, size_t n_want)
{
	size_t seen = 0;

	for (size_t i = 0; i < c->n_nodes; i++) {
		const struct node_conf *n = &c->nodes[i];
		struct link_plan *lp = tu_link_plans(c, n->name, NULL);

		for (size_t k = 0; k < n->n_links; k++) {
			const struct want_link *w = NULL;
			char b1[19], b2[19], b3[16];

			for (size_t m = 0; m < n_want; m++)
				if (!strcmp(want[m].node, n->name) &&
				    !strcmp(want[m].ifname, n->links[k].ifname))
					w = &want[m];
			ck_assert_msg(w != NULL, "%s %s not expected", n->name, n->links[k].ifname);
			ck_assert_ptr_eq(lp[k].node, n);
			ck_assert_ptr_eq(lp[k].link, &n->links[k]);
			ck_assert_str_eq(lp[k].peer->name, w->peer);
			ck_assert_str_eq(lp[k].peer_link->peer, n->name);
			ck_assert_msg(!strcmp(prefix4_str(&lp[k].subnet, b1), w->subnet) &&
			                  !strcmp(prefix4_str(&lp[k].local, b2), w->local) &&
			                  !strcmp(ip4_str(lp[k].remote, b3), w->remote),
			              "%s %s: %s %s %s, expected %s %s %s", n->name, w->ifname, b1,
			              b2, b3, w->subnet, w->local, w->remote);
			seen++;
		}
		free(lp);
	}
	ck_assert_uint_eq(seen, n_want);
}

/* The table of DESIGN §1. */
static const struct want_link reference_plan[] = {
    {"pve-1", "nic3", "pve-2", "192.168.103.0/30", "192.168.103.1/30", "192.168.103.2"},
    {"pve-2", "nic3", "pve-1", "192.168.103.0/30", "192.168.103.2/30", "192.168.103.1"},
    {"pve-1", "nic4", "pbs", "192.168.103.4/30", "192.168.103.5/30", "192.168.103.6"},
    {"pbs", "nic3", "pve-1", "192.168.103.4/30", "192.168.103.6/30", "192.168.103.5"},
    {"pve-2", "nic4", "pbs", "192.168.103.8/30", "192.168.103.9/30", "192.168.103.10"},
    {"pbs", "nic4", "pve-2", "192.168.103.8/30", "192.168.103.10/30", "192.168.103.9"},
};

START_TEST(test_reference)
{
	struct config *c = tu_parse_data("config/reference.conf");

	check_plan(c, reference_plan, ARRAY_SIZE(reference_plan));
	config_free(c);
}
END_TEST

/* Five nodes, partial mesh, /31 (both addresses used, the lower id takes
 * the even one), a pinned pair outside the pool. */
static const struct want_link five_plan[] = {
    /* 1-2: k 0 */
    {"pve-a", "ens1f0", "pve-b", "10.10.0.0/31", "10.10.0.0/31", "10.10.0.1"},
    {"pve-b", "enp3s0", "pve-a", "10.10.0.0/31", "10.10.0.1/31", "10.10.0.0"},
    /* 1-3: k 1 */
    {"pve-a", "ens1f1", "pve-c", "10.10.0.2/31", "10.10.0.2/31", "10.10.0.3"},
    {"pve-c", "eno1", "pve-a", "10.10.0.2/31", "10.10.0.3/31", "10.10.0.2"},
    /* 1-7: pinned */
    {"pve-a", "thunderbolt0", "qdev", "172.16.0.0/31", "172.16.0.1/31", "172.16.0.0"},
    {"qdev", "tb0", "pve-a", "172.16.0.0/31", "172.16.0.0/31", "172.16.0.1"},
    /* 2-5: k 7 */
    {"pve-b", "enp4s0", "pve-d", "10.10.0.14/31", "10.10.0.14/31", "10.10.0.15"},
    {"pve-d", "nic9", "pve-b", "10.10.0.14/31", "10.10.0.15/31", "10.10.0.14"},
    /* 3-5: k 8 */
    {"pve-c", "eno2", "pve-d", "10.10.0.16/31", "10.10.0.16/31", "10.10.0.17"},
    {"pve-d", "nic10", "pve-c", "10.10.0.16/31", "10.10.0.17/31", "10.10.0.16"},
    /* 3-7: k 17 */
    {"pve-c", "eno3", "qdev", "10.10.0.34/31", "10.10.0.34/31", "10.10.0.35"},
    {"qdev", "eth1", "pve-c", "10.10.0.34/31", "10.10.0.35/31", "10.10.0.34"},
};

START_TEST(test_five)
{
	struct config *c = tu_parse_data("config/five.conf");

	check_plan(c, five_plan, ARRAY_SIZE(five_plan));
	config_free(c);
}
END_TEST

/* Adding node 4 (linked to pve-a and pve-d) adds subnets 3 and 9 and moves
 * nothing. */
START_TEST(test_add_node)
{
	char *text = tu_read_data("config/five.conf");
	struct want_link want[ARRAY_SIZE(five_plan) + 4];
	struct config *c;

	text = tu_replace(text, "[node pve-a]\n", "[node pve-a]\nlink = pve-e ens2\n");
	text = tu_replace(text, "[node pve-d]\n", "[node pve-d]\nlink = pve-e ens3\n");
	{
		char *old = text;

		text = xasprintf("%s\n[node pve-e]\nid = 4\nrouter-id = 10.10.254.4\n"
		                 "link = pve-a eth0\nlink = pve-d eth1\n",
		                 old);
		free(old);
	}
	c = tu_parse(text);
	memcpy(want, five_plan, sizeof(five_plan));
	want[ARRAY_SIZE(five_plan) + 0] = (struct want_link){
	    "pve-a", "ens2", "pve-e", "10.10.0.6/31", "10.10.0.6/31", "10.10.0.7"};
	want[ARRAY_SIZE(five_plan) + 1] = (struct want_link){
	    "pve-e", "eth0", "pve-a", "10.10.0.6/31", "10.10.0.7/31", "10.10.0.6"};
	want[ARRAY_SIZE(five_plan) + 2] = (struct want_link){
	    "pve-e", "eth1", "pve-d", "10.10.0.18/31", "10.10.0.18/31", "10.10.0.19"};
	want[ARRAY_SIZE(five_plan) + 3] = (struct want_link){
	    "pve-d", "ens3", "pve-e", "10.10.0.18/31", "10.10.0.19/31", "10.10.0.18"};
	ck_assert_uint_eq(c->n_nodes, 6);
	check_plan(c, want, ARRAY_SIZE(want));
	config_free(c);
	free(text);
}
END_TEST

/* The same links declared in another order, sections in another order:
 * the same plan (it depends on ids only). */
START_TEST(test_order_independent)
{
	static const char text[] = "[node pbs]\n"
	                           "link = pve-2 nic4\n"
	                           "link = pve-1 nic3\n"
	                           "role = endpoint\n"
	                           "loopback = 192.168.103.254/32\n"
	                           "router-id = 192.168.102.3\n"
	                           "id = 3\n"
	                           "[node pve-2]\n"
	                           "link = pbs nic4 cost 10\n"
	                           "link = pve-1 nic3 cost 200\n"
	                           "id = 2\n"
	                           "router-id = 192.168.102.2\n"
	                           "[mesh]\n"
	                           "prefix = 192.168.103.0/24\n"
	                           "[node pve-1]\n"
	                           "link = pbs nic4 cost 10\n"
	                           "link = pve-2 nic3 cost 200\n"
	                           "router-id = 192.168.102.1\n"
	                           "id = 1\n";
	struct config *c = tu_parse(text);

	check_plan(c, reference_plan, ARRAY_SIZE(reference_plan));
	config_free(c);
}
END_TEST

START_TEST(test_errors)
{
	struct config *c = tu_parse_data("config/five.conf");
	struct node_conf *n = (struct node_conf *)config_find_node(c, "pve-c");
	struct link_plan *lp = (struct link_plan *)0x1;
	char *err = NULL;

	/* pool exhausted: /28 holds 8 /31s (k 0-7); pve-c's links are k 1, 8, 17 */
	c->prefix.len = 28;
	ck_assert_int_eq(addrplan_node(c, n, &lp, &err), -ENOSPC);
	ck_assert_ptr_eq(lp, (struct link_plan *)0x1);
	ck_assert_str_eq(err,
	                 "the pool 10.10.0.0/28 has no room for link subnet 8 (nodes 3 and 5); "
	                 "use a larger prefix");
	free(err);
	err = NULL;
	c->prefix.len = 26;

	/* a link whose peer has no link back */
	snprintf(n->links[1].peer, sizeof(n->links[1].peer), "pve-b");
	ck_assert_int_eq(addrplan_node(c, n, &lp, &err), -ENOENT);
	ck_assert_str_eq(err, "link \"pve-b\" of node \"pve-c\" has no matching link");
	free(err);
	err = NULL;

	/* a peer that does not exist */
	snprintf(n->links[1].peer, sizeof(n->links[1].peer), "nobody");
	ck_assert_int_eq(addrplan_node(c, n, &lp, &err), -ENOENT);
	ck_assert_str_eq(err, "link \"nobody\" of node \"pve-c\" has no matching link");
	free(err);
	config_free(c);
}
END_TEST

struct want_link6 {
	const char *node, *ifname, *subnet, *local, *remote;
};

static void
check_plan6(const struct config *c, const struct want_link6 *want, size_t n_want)
{
	size_t seen = 0;

	for (size_t i = 0; i < c->n_nodes; i++) {
		const struct node_conf *n = &c->nodes[i];
		struct link_plan *lp = tu_link_plans(c, n->name, NULL);

		for (size_t k = 0; k < n->n_links; k++)
			for (size_t m = 0; m < n_want; m++) {
				char b1[PREFIX6_STRLEN], b2[PREFIX6_STRLEN], b3[INET6_ADDRSTRLEN];

				if (strcmp(want[m].node, n->name) ||
				    strcmp(want[m].ifname, n->links[k].ifname))
					continue;
				ck_assert(lp[k].has6);
				ck_assert_str_eq(prefix6_str(&lp[k].subnet6, b1), want[m].subnet);
				ck_assert_str_eq(prefix6_str(&lp[k].local6, b2), want[m].local);
				ck_assert_str_eq(ip6_str(&lp[k].remote6, b3), want[m].remote);
				seen++;
			}
		free(lp);
	}
	ck_assert_uint_eq(seen, n_want);
}

/* Dual-stack: the IPv4 plan as before, and the k-th /64 of prefix6 per link,
 * the lower id ::1 (DESIGN §4). */
START_TEST(test_reference6)
{
	static const struct want_link6 want[] = {
	    {"pve-1", "nic3", "fd0c:103::/64", "fd0c:103::1/64", "fd0c:103::2"},
	    {"pve-2", "nic3", "fd0c:103::/64", "fd0c:103::2/64", "fd0c:103::1"},
	    {"pve-1", "nic4", "fd0c:103:0:1::/64", "fd0c:103:0:1::1/64", "fd0c:103:0:1::2"},
	    {"pbs", "nic3", "fd0c:103:0:1::/64", "fd0c:103:0:1::2/64", "fd0c:103:0:1::1"},
	    {"pve-2", "nic4", "fd0c:103:0:2::/64", "fd0c:103:0:2::1/64", "fd0c:103:0:2::2"},
	    {"pbs", "nic4", "fd0c:103:0:2::/64", "fd0c:103:0:2::2/64", "fd0c:103:0:2::1"},
	};
	struct config *c = tu_parse_data("config/dual-stack.conf");

	check_plan(c, reference_plan, ARRAY_SIZE(reference_plan));
	check_plan6(c, want, ARRAY_SIZE(want));
	/* without prefix6: link-local only */
	c->has_prefix6 = false;
	struct link_plan *lp = tu_link_plans(c, "pve-1", NULL);
	ck_assert(!lp[0].has6 && !lp[1].has6);
	free(lp);
	config_free(c);
}
END_TEST

/* IPv6-only, /127 links: both addresses, the lower id the first; no IPv4
 * address on any link. */
START_TEST(test_ipv6_only)
{
	static const struct want_link6 want[] = {
	    {"pve-1", "nic3", "fd0c:103::/127", "fd0c:103::/127", "fd0c:103::1"},
	    {"pve-2", "nic3", "fd0c:103::/127", "fd0c:103::1/127", "fd0c:103::"},
	    {"pve-1", "nic4", "fd0c:103::2/127", "fd0c:103::2/127", "fd0c:103::3"},
	    {"pbs", "nic3", "fd0c:103::2/127", "fd0c:103::3/127", "fd0c:103::2"},
	    {"pve-2", "nic4", "fd0c:103::4/127", "fd0c:103::4/127", "fd0c:103::5"},
	    {"pbs", "nic4", "fd0c:103::4/127", "fd0c:103::5/127", "fd0c:103::4"},
	};
	struct config *c = tu_parse_data("config/ipv6-only.conf");

	check_plan6(c, want, ARRAY_SIZE(want));
	for (size_t i = 0; i < c->n_nodes; i++) {
		struct link_plan *lp = tu_link_plans(c, c->nodes[i].name, NULL);

		for (size_t k = 0; k < c->nodes[i].n_links; k++)
			ck_assert(lp[k].local.len == 0 && lp[k].local.addr.s_addr == 0);
		free(lp);
	}
	config_free(c);
}
END_TEST

START_TEST(test_subnet6)
{
	struct config c = {.ipv6 = true, .has_prefix6 = true, .link_prefix_len6 = 64};
	struct prefix6 p;
	char buf[PREFIX6_STRLEN];

	ck_assert_int_eq(prefix6_parse("fd0c:103::/56", &c.prefix6), 0);
	ck_assert_int_eq(addrplan_subnet6(&c, 255, &p), 0);
	ck_assert_str_eq(prefix6_str(&p, buf), "fd0c:103:0:ff::/64");
	ck_assert_int_eq(addrplan_subnet6(&c, 256, &p), -ENOSPC);
	/* a /48 holds every pair of ids up to 255 (k up to 32384) */
	ck_assert_int_eq(prefix6_parse("fd0c:103::/48", &c.prefix6), 0);
	ck_assert_int_eq(addrplan_subnet6(&c, addrplan_index(254, 255), &p), 0);
	ck_assert_str_eq(prefix6_str(&p, buf), "fd0c:103:0:7e80::/64");
	c.link_prefix_len6 = 127;
	ck_assert_int_eq(prefix6_parse("2001:db8::/120", &c.prefix6), 0);
	ck_assert_int_eq(addrplan_subnet6(&c, 127, &p), 0);
	ck_assert_str_eq(prefix6_str(&p, buf), "2001:db8::fe/127");
	ck_assert_int_eq(addrplan_subnet6(&c, 128, &p), -ENOSPC);
}
END_TEST

/* A node without links has an empty plan. */
START_TEST(test_no_links)
{
	struct config *c = tu_parse("[mesh]\nprefix = 10.0.0.0/24\n[node a]\nid = 1\n"
	                            "router-id = 1.1.1.1\n");
	struct link_plan *lp = NULL;
	char *err = NULL;

	ck_assert_int_eq(addrplan_node(c, &c->nodes[0], &lp, &err), 0);
	free(lp);
	config_free(c);
}
END_TEST

static Suite *
addrplan_suite(void)
{
	Suite *s = suite_create("addrplan");
	TCase *tc = tcase_create("plan");

	tcase_add_test(tc, test_index);
	tcase_add_test(tc, test_subnet);
	tcase_add_test(tc, test_reference);
	tcase_add_test(tc, test_five);
	tcase_add_test(tc, test_add_node);
	tcase_add_test(tc, test_order_independent);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_no_links);
	tcase_add_test(tc, test_reference6);
	tcase_add_test(tc, test_ipv6_only);
	tcase_add_test(tc, test_subnet6);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(addrplan_suite());
}
