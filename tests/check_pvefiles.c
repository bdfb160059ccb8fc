/* check_pvefiles.c - corosync.conf, ceph.conf and datacenter.cfg as
 * `proxmesh doctor` reads them */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pvefiles.h"
#include "testutil.h"

static char *
fixture(const char *name)
{
	_cleanup_free_ char *path = xasprintf("proxmox/%s", name);

	return tu_read_data(path);
}

START_TEST(corosync_two_links)
{
	_cleanup_free_ char *text = fixture("corosync.conf");
	static const struct corosync_addr want[] = {
		{"pve-1", 0, "192.168.100.1", 11}, {"pve-1", 1, "192.168.102.1", 12},
		{"pve-2", 0, "192.168.100.2", 18}, {"pve-2", 1, "192.168.102.2", 19},
		{"pve-3", 0, "192.168.100.4", 25}, {"pve-3", 1, "192.168.102.4", 26},
	};
	struct corosync_conf c;
	unsigned line = 99;

	ck_assert_int_eq(corosync_conf_parse(text, &c, &line), 0);
	ck_assert_uint_eq(line, 0);
	ck_assert_uint_eq(c.n_addrs, ARRAY_SIZE(want));
	for (size_t i = 0; i < c.n_addrs; i++) {
		ck_assert_str_eq(c.addrs[i].node, want[i].node);
		ck_assert_uint_eq(c.addrs[i].link, want[i].link);
		ck_assert_str_eq(c.addrs[i].addr, want[i].addr);
		ck_assert_uint_eq(c.addrs[i].line, want[i].line);
	}
	corosync_conf_free(&c);
}
END_TEST

START_TEST(corosync_mesh_only)
{
	_cleanup_free_ char *text = fixture("corosync-mesh-only.conf");
	struct corosync_conf c;
	unsigned line;

	ck_assert_int_eq(corosync_conf_parse(text, &c, &line), 0);
	ck_assert_uint_eq(c.n_addrs, 3);
	ck_assert_str_eq(c.addrs[2].node, "pve-3");
	ck_assert_str_eq(c.addrs[2].addr, "192.168.103.14");
	corosync_conf_free(&c);
}
END_TEST

/* Hand edits and old clusters: comments, CRLF, linkN_addr, the name after
 * the addresses, a node without name, a host name for an address. */
START_TEST(corosync_hand_edited)
{
	static const char text[] = "# edited by hand\r\n"
	                           "totem {\r\n"
	                           "  interface {\r\n    ringnumber: 0  # old\r\n  }\r\n}\r\n"
	                           "nodelist {\n"
	                           "\tnode {\n\t\tlink0_addr: pve-a.lan\n\t\tname: pve-a\n\t}\n"
	                           "\n"
	                           "\tnode {\n\t\tring2_addr: 10.0.0.9\n\t\tring3_addr:\n\t}\n"
	                           "}\n";
	struct corosync_conf c;
	unsigned line;

	ck_assert_int_eq(corosync_conf_parse(text, &c, &line), 0);
	ck_assert_uint_eq(c.n_addrs, 2);
	ck_assert_str_eq(c.addrs[0].node, "pve-a");
	ck_assert_str_eq(c.addrs[0].addr, "pve-a.lan");
	ck_assert_uint_eq(c.addrs[0].line, 9);
	ck_assert_str_eq(c.addrs[1].node, "");
	ck_assert_uint_eq(c.addrs[1].link, 2);
	corosync_conf_free(&c);
}
END_TEST

START_TEST(corosync_broken)
{
	static const struct {
		const char *text;
		unsigned line;
	} cases[] = {
		{"totem {\n}\n}\n", 3},                  /* a } without a block */
		{"nodelist {\n  node {\n  }\n", 4},      /* left open: the end */
		{"totem {\n  just words\n}\n", 2},       /* neither key: value nor a block */
		{"a {\nb {\nc {\nd {\ne {\nf {\ng {\nh {\ni {\nj {\nk {\nl {\nm {\nn {\no {\np {\nq {\n",
		 17}, /* too deep */
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct corosync_conf c;
		unsigned line = 0;

		ck_assert_int_eq(corosync_conf_parse(cases[i].text, &c, &line), -EINVAL);
		ck_assert_msg(line == cases[i].line, "case %zu: line %u", i, line);
		ck_assert_uint_eq(c.n_addrs, 0);
	}
}
END_TEST

START_TEST(ceph_as_pveceph_writes_it)
{
	_cleanup_free_ char *text = fixture("ceph.conf");
	struct ceph_conf c;
	unsigned line;

	ck_assert_int_eq(ceph_conf_parse(text, &c, &line), 0);
	ck_assert_uint_eq(c.n_public_networks, 1);
	ck_assert_str_eq(c.public_networks[0].text, "192.168.102.0/24");
	ck_assert_uint_eq(c.public_networks[0].line, 13);
	ck_assert_uint_eq(c.n_cluster_networks, 1);
	ck_assert_str_eq(c.cluster_networks[0].text, "192.168.102.0/24");
	/* mon_host and the three [mon.X] public_addr: each address once */
	ck_assert_uint_eq(c.n_mons, 3);
	ck_assert_str_eq(c.mons[0].text, "192.168.102.1");
	ck_assert_str_eq(c.mons[2].text, "192.168.102.4");
	ck_assert_uint_eq(c.mons[0].line, 8);
	ceph_conf_free(&c);

	text[0] = '\0';
	free(text);
	text = fixture("ceph-wrong.conf");
	ck_assert_int_eq(ceph_conf_parse(text, &c, &line), 0);
	ck_assert_str_eq(c.cluster_networks[0].text, "10.0.0.0/24");
	ceph_conf_free(&c);
}
END_TEST

START_TEST(ceph_other_spellings)
{
	static const char text[] =
	    "[global]\n"
	    "public network = 10.1.0.0/24, 10.2.0.0/24 ; two\n"
	    "mon_host = [v2:192.168.102.1:3300/0,v1:192.168.102.1:6789/0] 192.168.102.2:6789 "
	    "[v2:[fd00::3]:3300/0,v1:[fd00::3]:6789/0] [fd00::4]:6789 fd00::5\n"
	    "fsid = a\\#b # comment\n"
	    "[mon.x]\n"
	    "\tmon_addr = 192.168.102.2\n"
	    "[osd]\n"
	    "public_network = 1.1.1.0/24\n";
	static const char *const mons[] = {"192.168.102.1", "192.168.102.2", "fd00::3", "fd00::4",
	                                   "fd00::5"};
	struct ceph_conf c;
	unsigned line;

	ck_assert_int_eq(ceph_conf_parse(text, &c, &line), 0);
	ck_assert_uint_eq(c.n_public_networks, 2);
	ck_assert_str_eq(c.public_networks[1].text, "10.2.0.0/24");
	ck_assert_uint_eq(c.public_networks[1].line, 2);
	ck_assert_uint_eq(c.n_cluster_networks, 0);
	ck_assert_uint_eq(c.n_mons, ARRAY_SIZE(mons));
	for (size_t i = 0; i < ARRAY_SIZE(mons); i++)
		ck_assert_str_eq(c.mons[i].text, mons[i]);
	ceph_conf_free(&c);
}
END_TEST

START_TEST(ceph_broken)
{
	struct ceph_conf c;
	unsigned line = 0;

	ck_assert_int_eq(ceph_conf_parse("[global]\npublic_network = 1.2.3.0/24\n[broken\n", &c,
	                                 &line),
	                 -EINVAL);
	ck_assert_uint_eq(line, 3);
	ck_assert_uint_eq(c.n_public_networks, 0);
}
END_TEST

START_TEST(datacenter_migration)
{
	_cleanup_free_ char *with = fixture("datacenter.cfg"), *without = fixture("datacenter-none.cfg");
	static const struct {
		const char *text, *net;
		unsigned line;
	} cases[] = {
		{"migration: type=insecure,network=10.9.9.0/24\n", "10.9.9.0/24", 1},
		{"keyboard: en-us\nmigration: secure\n", "", 2},
		{"migration: network=fd00::/64\n", "fd00::/64", 1},
		{"# migration: secure,network=1.2.3.0/24\n", "", 0},
	};
	char net[PVEFILES_ADDR_MAX + 1];
	unsigned line;

	ck_assert_int_eq(datacenter_migration_network(with, net, &line), 0);
	ck_assert_str_eq(net, "192.168.102.0/24");
	ck_assert_uint_gt(line, 0);
	ck_assert_int_eq(datacenter_migration_network(without, net, &line), 0);
	ck_assert_str_eq(net, "");
	ck_assert_uint_eq(line, 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		ck_assert_int_eq(datacenter_migration_network(cases[i].text, net, &line), 0);
		ck_assert_str_eq(net, cases[i].net);
		ck_assert_uint_eq(line, cases[i].line);
	}
}
END_TEST

static Suite *
pvefiles_suite(void)
{
	Suite *s = suite_create("pvefiles");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, corosync_two_links);
	tcase_add_test(tc, corosync_mesh_only);
	tcase_add_test(tc, corosync_hand_edited);
	tcase_add_test(tc, corosync_broken);
	tcase_add_test(tc, ceph_as_pveceph_writes_it);
	tcase_add_test(tc, ceph_other_spellings);
	tcase_add_test(tc, ceph_broken);
	tcase_add_test(tc, datacenter_migration);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(pvefiles_suite());
}
