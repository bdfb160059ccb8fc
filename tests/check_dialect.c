/* check_dialect.c - which links stay broadcast for a hand-made neighbour
 * during a take-over, over recorded FRR configurations */
#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dialect.h"
#include "render.h"
#include "testutil.h"

static void
read_conf(const char *version, const char *file, struct frrconf *out)
{
	_cleanup_free_ char *text = tu_read_frr(version, file);

	ck_assert_int_eq(frrconf_parse(text, out), 0);
	frrconf_merge(out);
}

static struct frr_neighbor
nbr(const char *ifname, const char *rid, enum ospf_nsm state, int priority)
{
	struct frr_neighbor n = {.state = state, .priority = priority};

	snprintf(n.ifname, sizeof(n.ifname), "%s", ifname);
	ck_assert_int_eq(inet_pton(AF_INET, rid, &n.router_id), 1);
	return n;
}

/* The hand-made PBS of DESIGN §1 (broadcast links, network statements)
 * next to a hand-made pve-1 on nic3 (priority 1): kept broadcast; next to
 * a pve-2 that runs proxmesh on nic4 (priority 0): point-to-point. */
START_TEST(test_handmade)
{
	struct frrconf live;
	struct frr_neighbor nb[] = {
	    nbr("nic3", "192.168.102.1", NSM_FULL, 1),
	    nbr("nic4", "192.168.102.2", NSM_FULL, DIALECT_PRIORITY),
	};
	struct in_addr who = {0};

	read_conf("8.4", "pbs.handmade.running-config.txt", &live);
	ck_assert(dialect_compat(&live, "nic3", nb, 2, &who));
	ck_assert_str_eq(tu_ip(who), "192.168.102.1");
	ck_assert(!dialect_compat(&live, "nic4", nb, 2, NULL));
	/* a link without a neighbour: nothing to be compatible with */
	ck_assert(!dialect_compat(&live, "nic5", nb, 2, NULL));
	/* a neighbour whose hellos we do not see (Down), or whose priority
	 * FRR did not print, decides nothing */
	nb[0].state = NSM_DOWN;
	ck_assert(!dialect_compat(&live, "nic3", nb, 2, NULL));
	nb[0].state = NSM_INIT;
	ck_assert(dialect_compat(&live, "nic3", nb, 2, NULL));
	nb[0].priority = -1;
	ck_assert(!dialect_compat(&live, "nic3", nb, 2, NULL));
	frrconf_free(&live);
}
END_TEST

/* A link proxmesh made point-to-point stays so, whatever the neighbour. */
START_TEST(test_point_to_point_stays)
{
	struct frrconf live;
	struct frr_neighbor nb[] = {nbr("nic3", "192.168.102.2", NSM_FULL, 1)};

	read_conf(_i ? "10.3" : "8.4", "pve-1.running-config.txt", &live);
	ck_assert(!dialect_compat(&live, "nic3", nb, 1, NULL));
	frrconf_free(&live);
}
END_TEST

/* ospfd's interfaces: the agent turns a broadcast link point-to-point when
 * its only neighbour runs proxmesh. */
START_TEST(test_switch_due)
{
	_cleanup_free_ char *text = tu_read_frr("8.4", "pve-1.ip-ospf-interface-json.txt");
	struct frr_interface *ifs;
	size_t n;
	struct frr_neighbor nb[] = {
	    nbr("nic3", "192.168.102.2", NSM_FULL, DIALECT_PRIORITY),
	    nbr("nic4", "192.168.102.3", NSM_FULL, 1),
	};

	ck_assert_int_eq(frrjson_parse_interfaces(text, &ifs, &n), 0);
	ck_assert_uint_ge(n, 2);
	/* recorded point-to-point: nothing to turn */
	ck_assert_ptr_null(dialect_switch_due(ifs, n, nb, 2));
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ifs[i].ifname, "nic3") || !strcmp(ifs[i].ifname, "nic4"))
			strcpy(ifs[i].network_type, "BROADCAST");
	/* nic4's neighbour is hand-made: it stays; nic3's runs proxmesh */
	ck_assert_str_eq(dialect_switch_due(ifs, n, nb, 2), "nic3");
	nb[0].priority = 1;
	ck_assert_ptr_null(dialect_switch_due(ifs, n, nb, 2));
	/* a hand-made neighbour beside a proxmesh one on the same link */
	nb[0].priority = DIALECT_PRIORITY;
	nb[1] = nbr("nic3", "192.168.102.9", NSM_2WAY, 1);
	ck_assert_ptr_null(dialect_switch_due(ifs, n, nb, 2));
	free(ifs);
}
END_TEST

/* The priority from recorded neighbour tables (recorded before proxmesh
 * sent priority 0: FRR's default 1), on both versions. */
START_TEST(test_priority_parsed)
{
	_cleanup_free_ char *text =
	    tu_read_frr(_i ? "10.3" : "8.4", "pve-1.ip-ospf-neighbor-json.txt");
	_cleanup_free_ struct frr_neighbor *nb = NULL;
	size_t n;

	ck_assert_int_eq(frrjson_parse_neighbors(text, &nb, &n), 0);
	ck_assert_uint_eq(n, 2);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(nb[i].priority, 1);
	free(nb);
	nb = NULL;
	ck_assert_int_eq(frrjson_parse_neighbors("{\"neighbors\":{\"10.0.0.1\":[{\"nbrState\":"
	                                         "\"Full/-\",\"ifaceName\":\"nic3:10.1.0.1\","
	                                         "\"ifaceAddress\":\"10.1.0.2\"}]}}",
	                                         &nb, &n),
	                 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(nb[0].priority, -1);
}
END_TEST

/* The priority a link kept broadcast sends marks a proxmesh host as 0
 * does: a host taken over next to it turns its link point-to-point. */
START_TEST(test_compat_priority)
{
	struct frrconf live;
	struct frr_neighbor nb[] = {
	    nbr("nic3", "192.168.102.1", NSM_FULL, DIALECT_COMPAT_PRIORITY)};
	struct frr_interface ifs[] = {{.ifname = "nic3", .network_type = "BROADCAST"}};

	ck_assert(dialect_by_proxmesh(DIALECT_PRIORITY));
	ck_assert(dialect_by_proxmesh(DIALECT_COMPAT_PRIORITY));
	ck_assert(!dialect_by_proxmesh(1));
	ck_assert(!dialect_by_proxmesh(-1));
	read_conf("8.4", "pbs.handmade.running-config.txt", &live);
	ck_assert(!dialect_compat(&live, "nic3", nb, 1, NULL));
	ck_assert_str_eq(dialect_switch_due(ifs, 1, nb, 1), "nic3");
	frrconf_free(&live);
}
END_TEST

/* While a link is kept broadcast, the desired configuration keeps the
 * hand-made redistribution, and the loopback it carries stays out of
 * OSPF; a loopback already in OSPF, or one nothing redistributes, is
 * proxmesh's as usual. */
START_TEST(test_keep_handmade)
{
	struct config *c = tu_parse_data("config/reference.conf");
	const struct node_conf *n;
	struct link_plan *lp = tu_link_plans(c, "pbs", &n);
	struct frrconf live, want;
	const struct frr_line *b, *lo;

	read_conf("8.4", "pbs.handmade.running-config.txt", &live);
	for (int form = 0; form < 2; form++) {
		render_frr(c, n, lp, (struct frr_version){8, 4}, form, &want);
		dialect_keep_handmade(&live, c, n, &want);
		b = frrconf_find(&want.root, "router ospf");
		lo = frrconf_find(&want.root, "interface lo");
		ck_assert_ptr_nonnull(frrconf_find(b, "redistribute connected"));
		ck_assert_ptr_null(frrconf_find(b, "network 192.168.103.254/32 area 0.0.0.0"));
		ck_assert_ptr_null(frrconf_find(lo, "ip ospf area 0.0.0.0"));
		ck_assert_ptr_nonnull(frrconf_find(lo, "ip ospf passive"));
		if (form == RENDER_AREA_NETWORK) /* printed before the statements */
			ck_assert_str_eq(b->children[b->n_children - 3].text,
			                 "redistribute connected");
		frrconf_free(&want);
	}
	frrconf_free(&live);
	/* the loopback already covered by a statement stays in OSPF */
	ck_assert_int_eq(frrconf_parse("router ospf\n redistribute connected\n"
	                               " network 192.168.103.0/24 area 0.0.0.0\nexit\n",
	                               &live),
	                 0);
	render_frr(c, n, lp, (struct frr_version){8, 4}, RENDER_AREA_NETWORK, &want);
	dialect_keep_handmade(&live, c, n, &want);
	b = frrconf_find(&want.root, "router ospf");
	ck_assert_ptr_nonnull(frrconf_find(b, "network 192.168.103.254/32 area 0.0.0.0"));
	frrconf_free(&want);
	frrconf_free(&live);
	/* nothing redistributed: nothing kept, the loopback joins */
	ck_assert_int_eq(frrconf_parse("router ospf\n network 192.168.103.4/30 area 0.0.0.0\n"
	                               "exit\n",
	                               &live),
	                 0);
	render_frr(c, n, lp, (struct frr_version){8, 4}, RENDER_AREA_INTERFACE, &want);
	dialect_keep_handmade(&live, c, n, &want);
	lo = frrconf_find(&want.root, "interface lo");
	ck_assert_ptr_nonnull(frrconf_find(lo, "ip ospf area 0.0.0.0"));
	frrconf_free(&want);
	frrconf_free(&live);
	free(lp);
	config_free(c);
}
END_TEST

/* The loopback is an external route of the hand-made redistribution: on
 * the hand-made PBS (recorded on FRR 8.4); not once a statement covers it,
 * nor where nothing is redistributed, nor on a node without a loopback. */
START_TEST(test_loopback_external)
{
	struct config *c = tu_parse_data("config/reference.conf");
	const struct node_conf *pbs = config_find_node(c, "pbs");
	const struct node_conf *pve2 = config_find_node(c, "pve-2");
	struct frrconf live;

	read_conf("8.4", "pbs.handmade.running-config.txt", &live);
	ck_assert(dialect_loopback_external(&live, pbs));
	ck_assert(!dialect_loopback_external(&live, pve2));
	frrconf_free(&live);
	ck_assert_int_eq(frrconf_parse("router ospf\n redistribute connected\n"
	                               " network 192.168.103.254/32 area 0.0.0.0\nexit\n",
	                               &live),
	                 0);
	ck_assert(!dialect_loopback_external(&live, pbs));
	frrconf_free(&live);
	ck_assert_int_eq(frrconf_parse("interface lo\n ip ospf area 0.0.0.0\nexit\n"
	                               "router ospf\n redistribute connected\nexit\n",
	                               &live),
	                 0);
	frrconf_merge(&live);
	ck_assert(!dialect_loopback_external(&live, pbs));
	frrconf_free(&live);
	read_conf("8.4", "pbs.rendered.running-config.txt", &live);
	ck_assert(!dialect_loopback_external(&live, pbs));
	frrconf_free(&live);
	config_free(c);
}
END_TEST

static Suite *
dialect_suite(void)
{
	Suite *s = suite_create("dialect");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_handmade);
	tcase_add_loop_test(tc, test_point_to_point_stays, 0, 2);
	tcase_add_test(tc, test_switch_due);
	tcase_add_loop_test(tc, test_priority_parsed, 0, 2);
	tcase_add_test(tc, test_compat_priority);
	tcase_add_test(tc, test_keep_handmade);
	tcase_add_test(tc, test_loopback_external);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(dialect_suite());
}
