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
	bridgeplan_build(f.plans, f.node->n_links, f.nb, f.n_nb, &b);
	ck_assert_uint_eq(b.n, 1);
	ck_assert_str_eq(b.v[0].ifname, "nic4");
	ck_assert_str_eq(tu_ip(b.v[0].gateway), "192.168.103.6");
	ck_assert_str_eq(tu_prefix_str(&b.v[0].dst), "192.168.103.254/32");
	ck_assert(bridgeplan_settled(&b, f.nb, f.n_nb));
	bridges_free(&b);
	close_node(&f);

	/* the PBS bridges pve-1's loopback only (pve-2 has none) */
	open_node(&f, "pbs", "10.3", "pbs.ip-ospf-neighbor-json.txt");
	bridgeplan_build(f.plans, f.node->n_links, f.nb, f.n_nb, &b);
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
		bridgeplan_build(f.plans, f.node->n_links, f.nb, f.n_nb, &b);
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
	bridgeplan_build(f.plans, f.node->n_links, f.nb, f.n_nb, &b);
	/* pve-1 (nic3, ExStart) is not bridged; the PBS (nic4, Full) is */
	ck_assert_uint_eq(b.n, 1);
	ck_assert_str_eq(b.v[0].ifname, "nic4");
	bridges_free(&b);
	close_node(&f);
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
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(bridgeplan_suite());
}
