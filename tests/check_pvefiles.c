/* check_pvefiles.c - corosync.conf, ceph.conf and datacenter.cfg as
 * `proxmesh doctor` reads them */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pvefiles.h"
#include "testutil.h"

#define WANT_MAX 8

static char *
fixture(const char *name)
{
	_cleanup_free_ char *path = xasprintf("proxmox/%s", name);

	return tu_read_data(path);
}

/* A fixture's text (owned) when file is set, else a copy of text. */
static char *
input(const char *file, const char *text)
{
	return file ? fixture(file) : xstrdup(text);
}

static void
check_addrs(const char *what, const struct corosync_conf *c, const struct corosync_addr *want)
{
	size_t n = 0;

	while (n < WANT_MAX && want[n].addr[0])
		n++;
	ck_assert_msg(c->n_addrs == n, "%s: %zu addresses, not %zu", what, c->n_addrs, n);
	for (size_t i = 0; i < n; i++) {
		const struct corosync_addr *a = &c->addrs[i];

		ck_assert_msg(!strcmp(a->node, want[i].node) && a->link == want[i].link &&
		                  !strcmp(a->addr, want[i].addr) && a->line == want[i].line,
		              "%s: address %zu is %s/%u %s line %u, not %s/%u %s line %u", what, i,
		              a->node, a->link, a->addr, a->line, want[i].node, want[i].link,
		              want[i].addr, want[i].line);
	}
}

static void
check_items(const char *what, const struct ceph_item *got, size_t n, const struct ceph_item *want)
{
	size_t nwant = 0;

	while (nwant < WANT_MAX && want[nwant].text[0])
		nwant++;
	ck_assert_msg(n == nwant, "%s: %zu items, not %zu", what, n, nwant);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(!strcmp(got[i].text, want[i].text) && got[i].line == want[i].line,
		              "%s: item %zu is %s line %u, not %s line %u", what, i, got[i].text,
		              got[i].line, want[i].text, want[i].line);
}

/* Proxmox's own files, and hand edits of them. */
static const struct {
	const char *file, *text;
	struct corosync_addr want[WANT_MAX];
} corosync_cases[] = {
	{"corosync.conf", NULL,
	 {{"pve-1", 0, "192.168.100.1", 11}, {"pve-1", 1, "192.168.102.1", 12},
	  {"pve-2", 0, "192.168.100.2", 18}, {"pve-2", 1, "192.168.102.2", 19},
	  {"pve-3", 0, "192.168.100.4", 25}, {"pve-3", 1, "192.168.102.4", 26}}},
	{"corosync-mesh-only.conf", NULL,
	 {{"pve-1", 0, "192.168.103.1", 11},
	  {"pve-2", 0, "192.168.103.2", 17},
	  {"pve-3", 0, "192.168.103.14", 23}}},
	/* an old cluster: ringnumber and bindnetaddr, host names, CRLF,
	 * comments on their own and after a value */
	{NULL,
	 "# corosync.conf of PVE 5\r\n"
	 "totem {\r\n"
	 "  interface {\r\n"
	 "    bindnetaddr: 10.0.0.1\r\n"
	 "    ringnumber: 0   # the first ring\r\n"
	 "  }\r\n"
	 "}\r\n"
	 "nodelist {\r\n"
	 "  node {\r\n"
	 "    name: old-1\r\n"
	 "    ring0_addr: old-1.example.com # a host name\r\n"
	 "  }\r\n"
	 "}\r\n",
	 {{"old-1", 0, "old-1.example.com", 11}}},
	/* hand-edited: tabs, blank lines between nodes, linkN_addr, the name
	 * after the addresses, key:value without a blank, an IPv6 address, a
	 * node without a name, a link given twice (the last counts) */
	{NULL,
	 "nodelist {\n"
	 "\tnode {\n"
	 "\t\tlink0_addr: 10.0.0.1\n"
	 "\t\tring1_addr:fd00::1\n"
	 "\t\tname: pve-a\n"
	 "\t}\n"
	 "\n"
	 "\tnode{\n"
	 "\t\tring0_addr: 10.0.0.9\n"
	 "\t\tring0_addr: 10.0.0.2\n"
	 "\t}\n"
	 "}\n",
	 {{"pve-a", 0, "10.0.0.1", 3}, {"pve-a", 1, "fd00::1", 4}, {"", 0, "10.0.0.2", 10}}},
	/* node blocks outside the top-level nodelist are not nodes */
	{NULL,
	 "totem {\n  nodelist {\n    node {\n      ring0_addr: 1.1.1.1\n    }\n  }\n}\n"
	 "nodelist {\n  ring0_addr: 2.2.2.2\n  interface {\n    ring0_addr: 3.3.3.3\n  }\n}\n"},
	{NULL, ""},
};

START_TEST(corosync_reads)
{
	_cleanup_free_ char *text = input(corosync_cases[_i].file, corosync_cases[_i].text);
	_cleanup_free_ char *what = xasprintf("case %d", _i);
	struct corosync_conf c;
	unsigned line = 99;

	ck_assert_int_eq(corosync_conf_parse(text, &c, &line), 0);
	ck_assert_uint_eq(line, 0);
	check_addrs(what, &c, corosync_cases[_i].want);
	corosync_conf_free(&c);
	ck_assert_ptr_null(c.addrs);
}
END_TEST

#define LONG64 "0123456789012345678901234567890123456789012345678901234567890123"

static const struct {
	const char *text;
	unsigned line;
} corosync_broken_cases[] = {
	{"totem {\n}\n}\n", 3},                                  /* a } without a block */
	{"nodelist {\n  node {\n  }\n", 1},                      /* nodelist left open */
	{"nodelist {\n  node {\n    name: a\n}\n", 1},           /* one } short */
	{"nodelist {\n  node {\n    name: a\n", 2},              /* node left open */
	{"totem {\n  # }\n", 1},                                 /* a } in a comment */
	{"totem {\n  just words\n}\n", 2},                       /* neither key: value nor a block */
	{"{\n}\n", 1},                                           /* a block without a name */
	{"node list {\n}\n", 1},                                 /* a name with a blank */
	{"totem: {\n}\n", 1},                                    /* a name with a colon */
	{"totem {\n  : on\n}\n", 2},                             /* a value without a key */
	{"totem {\n  crypto hash: sha1\n}\n", 2},                /* a key with a blank */
	{"totem { version: 2 }\n", 1},                           /* a block on one line */
	{"totem {\n  version: {\n  }\n}\n", 2},                  /* a brace in a value */
	{"nodelist {\n node {\n  name: " LONG64 "\n }\n}\n", 3}, /* a name too long */
	{"nodelist {\n node {\n  ring0_addr: " LONG64 "\n }\n}\n", 3}, /* an address too long */
	{"nodelist {\n node {\n  ring0_addr:\n }\n}\n", 3},             /* no address */
	{"nodelist {\n node {\n  name: a\n  ring1_addr:  \n }\n}\n", 4}, /* blanks only */
	{"a {\nb {\nc {\nd {\ne {\nf {\ng {\nh {\ni {\nj {\nk {\nl {\nm {\nn {\no {\np {\nq {\n",
	 17}, /* too deep */
};

START_TEST(corosync_refuses)
{
	struct corosync_conf c;
	unsigned line = 0;

	ck_assert_int_eq(corosync_conf_parse(corosync_broken_cases[_i].text, &c, &line), -EINVAL);
	ck_assert_msg(line == corosync_broken_cases[_i].line, "case %d: line %u, not %u", _i, line,
	              corosync_broken_cases[_i].line);
	ck_assert_uint_eq(c.n_addrs, 0);
	ck_assert_ptr_null(c.addrs);
}
END_TEST

static const struct {
	const char *file, *text;
	struct ceph_item public[WANT_MAX], cluster[WANT_MAX], mons[WANT_MAX];
} ceph_cases[] = {
	/* pveceph init --network 192.168.102.0/24 and three monitors: each
	 * monitor in mon_host (line 8) and in its [mon.X] public_addr */
	{"ceph.conf", NULL,
	 {{"192.168.102.0/24", 13}},
	 {{"192.168.102.0/24", 5}},
	 {{"192.168.102.1", 8}, {"192.168.102.2", 8}, {"192.168.102.4", 8}}},
	{"ceph-wrong.conf", NULL,
	 {{"192.168.102.0/24", 13}},
	 {{"10.0.0.0/24", 5}},
	 {{"192.168.102.1", 8}, {"192.168.102.2", 8}, {"192.168.102.4", 8}}},
	/* hand-written: blanks for underscores, lists, comments (an unescaped
	 * ";" starts one), the forms monitor addresses come in, sections that
	 * are not [global] */
	{NULL,
	 "# written by hand\n"
	 "; and commented\n"
	 "[global]\n"
	 "public network = 10.1.0.0/24, 10.2.0.0/24 ; two\n"
	 "  cluster \t network=10.3.0.0/24\\;10.4.0.0/24 # an escaped semicolon\n"
	 "mon_host = [v2:192.168.102.1:3300/0,v1:192.168.102.1:6789/0] 192.168.102.2:6789 "
	 "[v2:[fd00::3]:3300/0,v1:[fd00::3]:6789/0] [fd00::4]:6789 fd00::5\n"
	 "fsid = a\\#b # Proxmox escapes comment characters in values\n"
	 "[mon.x]\n"
	 "\tmon_addr = [v2:192.168.102.6:3300,v1:192.168.102.6:6789]\n"
	 "[mon.y]\n"
	 "\tpublic addr = mon-y.example.com\n"
	 "[mon]\n"
	 "\tpublic_addr = 192.168.102.7\n"
	 "[osd]\n"
	 "\tpublic_network = 1.1.1.0/24\n",
	 {{"10.1.0.0/24", 4}, {"10.2.0.0/24", 4}},
	 {{"10.3.0.0/24", 5}, {"10.4.0.0/24", 5}},
	 {{"192.168.102.1", 6},
	  {"192.168.102.2", 6},
	  {"fd00::3", 6},
	  {"fd00::4", 6},
	  {"fd00::5", 6},
	  {"192.168.102.6", 9},
	  {"mon-y.example.com", 11}}},
	/* the first monitor's mon_host ("mon_host =  IP"), quotes, CRLF, a
	 * network given twice, a nonce with more after it */
	{NULL,
	 "[global]\r\n"
	 "\tmon_host =  192.168.102.1\r\n"
	 "\tpublic_network = \"192.168.102.0/24\"\r\n"
	 "\tcluster_network = '192.168.102.0/24, 192.168.102.0/24'\r\n"
	 "\r\n"
	 "[mon.pve-1]\r\n"
	 "\tpublic_addr = 192.168.102.1\r\n"
	 "[mon.pve-2]\r\n"
	 "\tmon_addr = 192.168.102.2:6789/0/junk\r\n",
	 {{"192.168.102.0/24", 3}},
	 {{"192.168.102.0/24", 4}},
	 {{"192.168.102.1", 2}, {"192.168.102.2", 9}}},
	{NULL, ""},
};

START_TEST(ceph_reads)
{
	_cleanup_free_ char *text = input(ceph_cases[_i].file, ceph_cases[_i].text);
	_cleanup_free_ char *what = xasprintf("case %d", _i);
	struct ceph_conf c;
	unsigned line = 99;

	ck_assert_int_eq(ceph_conf_parse(text, &c, &line), 0);
	ck_assert_uint_eq(line, 0);
	check_items(what, c.public_networks, c.n_public_networks, ceph_cases[_i].public);
	check_items(what, c.cluster_networks, c.n_cluster_networks, ceph_cases[_i].cluster);
	check_items(what, c.mons, c.n_mons, ceph_cases[_i].mons);
	ceph_conf_free(&c);
	ck_assert_ptr_null(c.mons);
}
END_TEST

/* inih reads 199 bytes of a line: mon_host of five monitors as Ceph writes
 * their address vectors is longer, and every one counts. */
START_TEST(ceph_long_mon_host)
{
	_cleanup_free_ char *text = xstrdup("[global]\n\tmon_host =");
	struct ceph_conf c;
	unsigned line;

	for (int i = 1; i <= 5; i++) {
		char *more = xasprintf("%s [v2:[fd00:1234:5678:9abc::10%d]:3300/0,"
		                       "v1:[fd00:1234:5678:9abc::10%d]:6789/0]",
		                       text, i, i);

		free(text);
		text = more;
	}
	ck_assert_uint_gt(strlen(text), 300);
	ck_assert_int_eq(ceph_conf_parse(text, &c, &line), 0);
	ck_assert_uint_eq(c.n_mons, 5);
	ck_assert_str_eq(c.mons[0].text, "fd00:1234:5678:9abc::101");
	ck_assert_str_eq(c.mons[4].text, "fd00:1234:5678:9abc::105");
	ck_assert_uint_eq(c.mons[4].line, 2);
	ceph_conf_free(&c);
}
END_TEST

static const struct {
	const char *text;
	unsigned line;
} ceph_broken_cases[] = {
	{"[global]\npublic_network = 1.2.3.0/24\n[broken\n", 3}, /* no ] */
	{"[global]\n\tpublic_network\n", 2},                     /* no = */
	{"[global]\nmon_host = 1.1.1.1 " LONG64 "\n", 2},          /* an item too long */
	{"[mon.a]\npublic_addr = [" LONG64 "]\n", 2},             /* the same */
};

START_TEST(ceph_refuses)
{
	struct ceph_conf c;
	unsigned line = 0;

	ck_assert_int_eq(ceph_conf_parse(ceph_broken_cases[_i].text, &c, &line), -EINVAL);
	ck_assert_msg(line == ceph_broken_cases[_i].line, "case %d: line %u, not %u", _i, line,
	              ceph_broken_cases[_i].line);
	ck_assert_uint_eq(c.n_public_networks + c.n_cluster_networks + c.n_mons, 0);
}
END_TEST

static const struct {
	const char *file, *text, *net;
	unsigned line;
	int r;
} datacenter_cases[] = {
	{"datacenter.cfg", NULL, "192.168.102.0/24", 3, 0}, /* as PVE writes it */
	{"datacenter-none.cfg", NULL, "", 0, 0},
	{NULL, "migration: type=insecure,network=10.9.9.0/24\n", "10.9.9.0/24", 1, 0},
	{NULL, "keyboard: en-us\nmigration: secure\n", "", 2, 0}, /* no network */
	{NULL, "migration: network=fd00::/64\n", "fd00::/64", 1, 0},
	{NULL, "migration:secure,network=10.1.0.0/24\r\n", "10.1.0.0/24", 1, 0},
	{NULL, "#migration: secure,network=1.2.3.0/24\n", "", 0, 0}, /* the description */
	{NULL, "migration_unsecure: 1\n", "", 0, 0},                /* another key */
	{NULL, "migration: secure,network=10.1.0.0/24\nmigration: insecure\n", "", 2, 0},
	{NULL, "migration: secure,network=" LONG64 "\n", "", 1, -EINVAL},
	{NULL, "", "", 0, 0},
};

START_TEST(datacenter_migration)
{
	_cleanup_free_ char *text = input(datacenter_cases[_i].file, datacenter_cases[_i].text);
	char net[PVEFILES_ADDR_MAX + 1];
	unsigned line = 99;

	ck_assert_int_eq(datacenter_migration_network(text, net, &line), datacenter_cases[_i].r);
	ck_assert_str_eq(net, datacenter_cases[_i].net);
	ck_assert_uint_eq(line, datacenter_cases[_i].line);
}
END_TEST

static Suite *
pvefiles_suite(void)
{
	Suite *s = suite_create("pvefiles");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, corosync_reads, 0, ARRAY_SIZE(corosync_cases));
	tcase_add_loop_test(tc, corosync_refuses, 0, ARRAY_SIZE(corosync_broken_cases));
	tcase_add_loop_test(tc, ceph_reads, 0, ARRAY_SIZE(ceph_cases));
	tcase_add_test(tc, ceph_long_mon_host);
	tcase_add_loop_test(tc, ceph_refuses, 0, ARRAY_SIZE(ceph_broken_cases));
	tcase_add_loop_test(tc, datacenter_migration, 0, ARRAY_SIZE(datacenter_cases));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(pvefiles_suite());
}
