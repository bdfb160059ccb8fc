/* check_render.c - the desired FRR configuration, in FRR's own form */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "frrconf.h"
#include "ifplan.h"
#include "render.h"
#include "testutil.h"

static const struct frr_version v84 = {8, 4}, v103 = {10, 3};

/* five.conf loaded from disk with its key file, so authentication is
 * rendered from the key as config_load reads it. */
static struct config *
load_five(void)
{
	char dir[] = "/tmp/check_render.XXXXXX", *key, *token, *conf, *text, *err = NULL;
	struct config *c = NULL;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	key = xasprintf("%s/ospf.key", dir);
	token = xasprintf("%s/api-token", dir);
	conf = xasprintf("%s/proxmesh.conf", dir);
	ck_assert_int_eq(write_file_atomic(key, "s3cretKey\n", 10, 0600), 0);
	ck_assert_int_eq(write_file_atomic(token, "u@pam!t=x\n", 10, 0600), 0);
	text = tu_read_data("config/five.conf");
	text = tu_replace(text, "/etc/proxmesh/ospf.key", key);
	text = tu_replace(text, "/etc/proxmesh/api-token", token);
	ck_assert_int_eq(write_file_atomic(conf, text, strlen(text), 0644), 0);
	ck_assert_msg(config_load(conf, &c, &err) == 0, "%s", err);
	ck_assert_uint_eq(c->n_auth_keys, 1);
	ck_assert_str_eq(c->auth_keys[0].key, "s3cretKey");
	unlink(key);
	unlink(token);
	unlink(conf);
	rmdir(dir);
	free(key);
	free(token);
	free(conf);
	free(text);
	return c;
}

static char *
render(const struct config *c, const char *node, struct frr_version v)
{
	const struct node_conf *n;
	struct link_plan *lp = tu_link_plans(c, node, &n);
	char *text;

	text = render_frr_text(c, n, lp, v);
	free(lp);
	return text;
}

static void
render_tree(const struct config *c, const char *node, struct frr_version v, struct frrconf *out)
{
	const struct node_conf *n;
	struct link_plan *lp = tu_link_plans(c, node, &n);

	render_frr(c, n, lp, v, RENDER_AREA_INTERFACE, out);
	free(lp);
}

START_TEST(test_version)
{
	static const struct {
		const char *s;
		int r;
		unsigned major, minor;
	} cases[] = {
	    {"8.4.4", 0, 8, 4},           {"10.3", 0, 10, 3},      {"10.3.1", 0, 10, 3},
	    {"9.1-0~deb12u1", 0, 9, 1},   {"7.5", 0, 7, 5},        {"6.0", -EINVAL, 0, 0},
	    {"100.1", -EINVAL, 0, 0},     {"10", -EINVAL, 0, 0},   {"", -EINVAL, 0, 0},
	    {"FRRouting", -EINVAL, 0, 0}, {"x8.4", -EINVAL, 0, 0},
	};
	struct frr_version v;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		v = (struct frr_version){99, 99};
		ck_assert_msg(frr_version_parse(cases[i].s, &v) == cases[i].r, "%s", cases[i].s);
		if (cases[i].r == 0) {
			ck_assert_uint_eq(v.major, cases[i].major);
			ck_assert_uint_eq(v.minor, cases[i].minor);
		}
	}
	ck_assert_int_eq(frr_version_parse(NULL, &v), -EINVAL);
}
END_TEST

/* The rendering of every node of three setups, compared with the expected
 * text (tests/data/render/<node>.frr), which is what FRR 8.4.4 printed back
 * (the owned part of `show running-config`) after these exact lines were
 * applied through vtysh: see tests/data/frr-8.4/ *.rendered.running-config.txt. */
static const struct {
	const char *conf, *node, *recorded;
	const char *text; /* render/TEXT.frr; NULL: the node's name */
} expected[] = {
    {"config/reference.conf", "pve-1", "frr-8.4/pve-1.rendered.running-config.txt"},
    {"config/reference.conf", "pve-2", "frr-8.4/pve-2.rendered.running-config.txt"},
    {"config/reference.conf", "pbs", "frr-8.4/pbs.rendered.running-config.txt"},
    {"config/five.conf", "pve-a", "frr-8.4/five-pve-a.rendered.running-config.txt"},
    {"config/five.conf", "pve-b", "frr-8.4/five-pve-b.rendered.running-config.txt"},
    {"config/five.conf", "pve-c", "frr-8.4/five-pve-c.rendered.running-config.txt"},
    {"config/five.conf", "pve-d", "frr-8.4/five-pve-d.rendered.running-config.txt"},
    {"config/five.conf", "qdev", "frr-8.4/five-qdev.rendered.running-config.txt"},
    {"config/frr-defaults.conf", "left", "frr-8.4/defaults-left.rendered.running-config.txt"},
    {"config/frr-defaults.conf", "right", "frr-8.4/defaults-right.rendered.running-config.txt"},
    /* dual-stack: recorded in the lab on the three versions */
    {"config/dual-stack.conf", "pve-1", "frr-8.4/dual-pve-1.rendered.running-config.txt",
     "dual-pve-1"},
    {"config/dual-stack.conf", "pve-2", "frr-10.3/dual-pve-2.rendered.running-config.txt",
     "dual-pve-2"},
    {"config/dual-stack.conf", "pbs", "frr-10.7/dual-pbs.rendered.running-config.txt",
     "dual-pbs"},
};

static struct config *
load_expected_conf(const char *name)
{
	return !strcmp(name, "config/five.conf") ? load_five() : tu_parse_data(name);
}

START_TEST(test_expected_text)
{
	struct config *c = load_expected_conf(expected[_i].conf);
	char *name = xasprintf("render/%s.frr",
	                       expected[_i].text ? expected[_i].text : expected[_i].node);
	char *want = tu_read_data(name), *got = render(c, expected[_i].node, v84);
	char *got10 = render(c, expected[_i].node, v103);

	ck_assert_str_eq(got, want);
	/* what proxmesh owns prints the same in 8.4 and 10.3 (frr-samples) */
	ck_assert_str_eq(got10, want);
	free(got10);
	free(got);
	free(want);
	free(name);
	config_free(c);
}
END_TEST

/* Same blocks, same lines, same order as the real FRR 8.4 output. */
START_TEST(test_matches_frr)
{
	struct config *c = load_expected_conf(expected[_i].conf);
	char *live_text = tu_read_data(expected[_i].recorded);
	struct frrconf want, live;

	render_tree(c, expected[_i].node, v84, &want);
	ck_assert_int_eq(frrconf_parse(live_text, &live), 0);
	for (size_t i = 0; i < want.root.n_children; i++) {
		const struct frr_line *w = &want.root.children[i];
		const struct frr_line *h = frrconf_find(&live.root, w->text);

		ck_assert_msg(h != NULL, "%s: \"%s\" not in FRR's output", expected[_i].node,
		              w->text);
		ck_assert_uint_eq(h->n_children, w->n_children);
		for (size_t k = 0; k < w->n_children; k++) {
			ck_assert_str_eq(h->children[k].text, w->children[k].text);
			ck_assert_uint_eq(h->children[k].n_children, w->children[k].n_children);
			for (size_t m = 0; m < w->children[k].n_children; m++)
				ck_assert_str_eq(h->children[k].children[m].text,
				                 w->children[k].children[m].text);
		}
		/* blocks in FRR 8.4's order (10.x prints route-maps first, and
		 * vtysh joins an interface only one daemon knows after the
		 * others: the order differs between versions, what is in the
		 * blocks does not) */
		if (i > 0 && !strncmp(expected[_i].recorded, "frr-8.4/", 8)) {
			const struct frr_line *prev =
			    frrconf_find(&live.root, want.root.children[i - 1].text);

			ck_assert_msg(prev < h, "%s: \"%s\" printed before \"%s\" by FRR",
			              expected[_i].node, w->text, want.root.children[i - 1].text);
		}
	}
	frrconf_free(&want);
	frrconf_free(&live);
	free(live_text);
	config_free(c);
}
END_TEST

/* The rendered text parses back into the same text. */
START_TEST(test_round_trip)
{
	struct config *c = load_expected_conf(expected[_i].conf);
	char *text = render(c, expected[_i].node, v84), *again;
	struct frrconf conf;

	ck_assert_int_eq(frrconf_parse(text, &conf), 0);
	again = frrconf_format(&conf);
	ck_assert_str_eq(again, text);
	free(again);
	frrconf_free(&conf);
	free(text);
	config_free(c);
}
END_TEST

static bool
contains_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)) != NULL; p += n)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

/* DESIGN §1 and §5 for the reference setup. */
START_TEST(test_reference)
{
	static const struct {
		const char *node;
		bool endpoint, loopback;
		const char *router_id;
		const char *ifname[2], *address[2];
		unsigned cost[2];
	} want[] = {
	    {"pve-1",
	     false,
	     true,
	     "192.168.102.1",
	     {"nic3", "nic4"},
	     {"192.168.103.1/30", "192.168.103.5/30"},
	     {200, 10}},
	    {"pve-2",
	     false,
	     false,
	     "192.168.102.2",
	     {"nic3", "nic4"},
	     {"192.168.103.2/30", "192.168.103.9/30"},
	     {200, 10}},
	    {"pbs",
	     true,
	     true,
	     "192.168.102.3",
	     {"nic3", "nic4"},
	     {"192.168.103.6/30", "192.168.103.10/30"},
	     {65535, 65535}},
	};
	struct config *c = tu_parse_data("config/reference.conf");

	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		const struct node_conf *n;
		struct link_plan *lp = tu_link_plans(c, want[i].node, &n);
		struct ifplan ip;
		char *text, *s;
		struct frrconf tree;

		text = render_frr_text(c, n, lp, v84);
		render_frr(c, n, lp, v84, RENDER_AREA_INTERFACE, &tree);

		/* the addresses of §1 */
		ifplan_build(c, n, lp, &ip);
		ck_assert_uint_eq(ip.n_links, 2);
		for (size_t k = 0; k < 2; k++) {
			const struct ifplan_link *l = ifplan_find_link(&ip, want[i].ifname[k]);
			char buf[19];

			ck_assert_ptr_nonnull(l);
			ck_assert_str_eq(prefix4_str(&l->address, buf), want[i].address[k]);
			ck_assert_uint_eq(l->mtu, 9000);
			s = xasprintf("interface %s", want[i].ifname[k]);
			ck_assert_ptr_nonnull(frrconf_find(&tree.root, s));
			free(s);
			s = xasprintf(" ip ospf cost %u", want[i].cost[k]);
			ck_assert_ptr_nonnull(strstr(text, s));
			free(s);
		}
		ck_assert_int_eq(ip.has_loopback, want[i].loopback);
		ifplan_free(&ip);

		/* endpoint: no forwarding, max-metric; never redistribute */
		ck_assert_int_eq(contains_line(text, "no ip forwarding"), want[i].endpoint);
		ck_assert_int_eq(contains_line(text, " max-metric router-lsa administrative"),
		                 want[i].endpoint);
		ck_assert_ptr_null(strstr(text, "redistribute"));
		ck_assert_ptr_null(strstr(text, "\n network "));
		ck_assert_ptr_null(strstr(text, "authentication")); /* key not read */
		s = xasprintf(" ospf router-id %s", want[i].router_id);
		ck_assert(contains_line(text, s));
		free(s);

		/* the loopback: passive in the area on lo, and the source of routes */
		ck_assert_int_eq(frrconf_find(&tree.root, "interface lo") != NULL,
		                 want[i].loopback);
		ck_assert_int_eq(contains_line(text, "ip protocol ospf route-map proxmesh-src"),
		                 want[i].loopback);
		if (want[i].loopback) {
			const struct frr_line *lo = frrconf_find(&tree.root, "interface lo");

			ck_assert_ptr_nonnull(frrconf_find(lo, "ip ospf passive"));
			ck_assert_ptr_nonnull(frrconf_find(lo, "ip ospf area 0.0.0.0"));
		}
		/* every link: area, p2p, bfd with the profile, timers */
		for (size_t k = 0; k < 2; k++) {
			const struct frr_line *l;

			s = xasprintf("interface %s", want[i].ifname[k]);
			l = frrconf_find(&tree.root, s);
			free(s);
			ck_assert_ptr_nonnull(frrconf_find(l, "ip ospf area 0.0.0.0"));
			ck_assert_ptr_nonnull(frrconf_find(l, "ip ospf network point-to-point"));
			ck_assert_ptr_nonnull(frrconf_find(l, "ip ospf bfd"));
			ck_assert_ptr_nonnull(frrconf_find(l, "ip ospf bfd profile proxmesh"));
			ck_assert_ptr_nonnull(frrconf_find(l, "ip ospf hello-interval 1"));
			ck_assert_ptr_nonnull(frrconf_find(l, "ip ospf dead-interval 3"));
		}
		frrconf_free(&tree);
		free(text);
		free(lp);
	}
	config_free(c);
}
END_TEST

START_TEST(test_pbs_exact)
{
	struct config *c = tu_parse_data("config/reference.conf");
	char *text = render(c, "pbs", v84);

	ck_assert_str_eq(text, "no ip forwarding\n"
	                       "!\n"
	                       "interface lo\n"
	                       " ip ospf area 0.0.0.0\n"
	                       " ip ospf passive\n"
	                       "exit\n"
	                       "!\n"
	                       "interface nic3\n"
	                       " ip ospf area 0.0.0.0\n"
	                       " ip ospf bfd\n"
	                       " ip ospf bfd profile proxmesh\n"
	                       " ip ospf cost 65535\n"
	                       " ip ospf dead-interval 3\n"
	                       " ip ospf hello-interval 1\n"
	                       " ip ospf network point-to-point\n"
	                       " ip ospf priority 0\n"
	                  " ip ospf retransmit-interval 1\n"
	                       "exit\n"
	                       "!\n"
	                       "interface nic4\n"
	                       " ip ospf area 0.0.0.0\n"
	                       " ip ospf bfd\n"
	                       " ip ospf bfd profile proxmesh\n"
	                       " ip ospf cost 65535\n"
	                       " ip ospf dead-interval 3\n"
	                       " ip ospf hello-interval 1\n"
	                       " ip ospf network point-to-point\n"
	                       " ip ospf priority 0\n"
	                  " ip ospf retransmit-interval 1\n"
	                       "exit\n"
	                       "!\n"
	                       "router ospf\n"
	                       " ospf router-id 192.168.102.3\n"
	                       " timers throttle spf 0 50 1000\n"
	                       " timers throttle lsa all 100\n"
	                       " timers lsa min-arrival 50\n"
	                       " max-metric router-lsa administrative\n"
	                       "exit\n"
	                       "!\n"
	                       "route-map proxmesh-src permit 10\n"
	                       " set src 192.168.103.254\n"
	                       "exit\n"
	                       "!\n"
	                       "ip protocol ospf route-map proxmesh-src\n"
	                       "!\n"
	                       "bfd\n"
	                       " profile proxmesh\n"
	                       "  transmit-interval 100\n"
	                       "  receive-interval 100\n"
	                       " exit\n"
	                       " !\n"
	                       "exit\n"
	                       "!\n");
	free(text);
	config_free(c);
}
END_TEST

/* qdev's link lines with authentication: they sort among the others, as
 * vtysh prints them. */
static const char *const auth_lines[] = {
    "ip ospf area 0.0.0.1",
    "ip ospf authentication message-digest",
    "ip ospf bfd",
    "ip ospf bfd profile proxmesh",
    "ip ospf cost 65535",
    "ip ospf dead-interval 8",
    "ip ospf hello-interval 2",
    "ip ospf message-digest-key 1 md5 s3cretKey",
    "ip ospf network point-to-point",
    "ip ospf priority 0",
    "ip ospf retransmit-interval 1",
};

/* The lines of interface ifname are auth_lines, with the key line there
 * replaced by keys (NULL-terminated). */
static void
assert_auth_lines(const struct frrconf *tree, const char *ifname, const char *const *keys)
{
	_cleanup_free_ char *head = xasprintf("interface %s", ifname);
	const struct frr_line *l = frrconf_find(&tree->root, head);
	size_t k = 0;

	ck_assert_ptr_nonnull(l);
	for (size_t i = 0; i < ARRAY_SIZE(auth_lines); i++) {
		if (strstr(auth_lines[i], "message-digest-key")) {
			for (const char *const *w = keys; *w; w++, k++) {
				ck_assert_uint_lt(k, l->n_children);
				ck_assert_str_eq(l->children[k].text, *w);
			}
			continue;
		}
		ck_assert_uint_lt(k, l->n_children);
		ck_assert_str_eq(l->children[k++].text, auth_lines[i]);
	}
	ck_assert_uint_eq(k, l->n_children);
}

/* The network form (render.h): the links and the loopback join the area
 * by statements in router ospf, in ospfd's order (by prefix, after
 * max-metric), and no interface has an area line of OSPF's. */
START_TEST(test_network_form)
{
	struct config *c = tu_parse_data("config/reference.conf");
	const struct node_conf *n;
	struct link_plan *lp = tu_link_plans(c, "pbs", &n);
	struct frrconf tree;
	_cleanup_free_ char *text = NULL;

	render_frr(c, n, lp, v84, RENDER_AREA_NETWORK, &tree);
	text = frrconf_format(&tree);
	ck_assert_ptr_nonnull(strstr(text, "router ospf\n"
	                                   " ospf router-id 192.168.102.3\n"
	                                   " timers throttle spf 0 50 1000\n"
	                                   " timers throttle lsa all 100\n"
	                                   " timers lsa min-arrival 50\n"
	                                   " max-metric router-lsa administrative\n"
	                                   " network 192.168.103.4/30 area 0.0.0.0\n"
	                                   " network 192.168.103.8/30 area 0.0.0.0\n"
	                                   " network 192.168.103.254/32 area 0.0.0.0\n"
	                                   "exit\n"));
	ck_assert_ptr_null(strstr(text, "ip ospf area"));
	ck_assert_ptr_nonnull(strstr(text, "interface lo\n ip ospf passive\nexit\n"));
	frrconf_free(&tree);
	free(lp);
	config_free(c);
}
END_TEST

START_TEST(test_auth)
{
	struct config *c = load_five();
	struct frrconf tree;
	const struct frr_line *l;

	render_tree(c, "qdev", v84, &tree);
	assert_auth_lines(&tree, "tb0", (const char *const[]){auth_lines[7], NULL});
	/* the loopback is not a link: no authentication, no bfd there */
	l = frrconf_find(&tree.root, "interface lo");
	ck_assert_uint_eq(l->n_children, 2);
	frrconf_free(&tree);
	config_free(c);
}
END_TEST

/* Several keys: where the key lines sort, but the first of the key file
 * (the key to send with) last, as ospfd sends with the last of its list;
 * the others in the file's order. */
START_TEST(test_auth_keys)
{
	struct config *c = load_five();
	struct frrconf tree;
	_cleanup_free_ char *why = NULL;
	unsigned line;
	static const char *const keys[] = {
	    "ip ospf message-digest-key 9 md5 zOld",
	    "ip ospf message-digest-key 1 md5 aOlder",
	    "ip ospf message-digest-key 20 md5 nowKey",
	    NULL,
	};

	free(c->auth_keys);
	ck_assert_int_eq(config_parse_auth_keys("20 nowKey\n9 zOld\n1 aOlder\n", &c->auth_keys,
	                                        &c->n_auth_keys, &line, &why),
	                 0);
	render_tree(c, "qdev", v84, &tree);
	assert_auth_lines(&tree, "tb0", keys);
	assert_auth_lines(&tree, "eth1", keys);
	frrconf_free(&tree);
	config_free(c);
}
END_TEST

/* Interface blocks come in FRR's order (names with numbers compared as
 * numbers), whatever the order of the links in the configuration. */
START_TEST(test_interface_order)
{
	struct config *c =
	    tu_parse("[mesh]\nprefix = 10.0.0.0/24\n"
	             "[node a]\nid = 1\nloopback = 10.255.0.1/32\n"
	             "link = b nic10\nlink = c nic9\nlink = d eth1\nlink = e ens1f0\n"
	             "[node b]\nid = 2\nrouter-id = 1.1.1.2\nlink = a x\n"
	             "[node c]\nid = 3\nrouter-id = 1.1.1.3\nlink = a x\n"
	             "[node d]\nid = 4\nrouter-id = 1.1.1.4\nlink = a x\n"
	             "[node e]\nid = 5\nrouter-id = 1.1.1.5\nlink = a x\n");
	static const char *const want[] = {"interface ens1f0", "interface eth1", "interface lo",
	                                   "interface nic9", "interface nic10"};
	struct frrconf tree;

	render_tree(c, "a", v84, &tree);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		ck_assert_str_eq(tree.root.children[i].text, want[i]);
	ck_assert_str_eq(tree.root.children[ARRAY_SIZE(want)].text, "router ospf");
	frrconf_free(&tree);
	config_free(c);
}
END_TEST

/* Without BFD no bfd line at all; a node without links has no profile. */
START_TEST(test_no_bfd)
{
	struct config *c = tu_parse("[mesh]\nprefix = 10.0.0.0/24\nbfd = no\n"
	                            "[node a]\nid = 1\nrouter-id = 1.1.1.1\nlink = b nic1\n"
	                            "[node b]\nid = 2\nrouter-id = 1.1.1.2\nlink = a nic1\n"
	                            "[node c]\nid = 3\nrouter-id = 1.1.1.3\n");
	char *text = render(c, "a", v84);

	ck_assert_ptr_null(strstr(text, "bfd"));
	ck_assert(contains_line(text, " ip ospf cost 10"));
	free(text);
	c->bfd = true;
	text = render(c, "c", v84);
	ck_assert_str_eq(text, "router ospf\n"
	                       " ospf router-id 1.1.1.3\n"
	                       " timers throttle spf 0 50 1000\n"
	                       " timers throttle lsa all 100\n"
	                       " timers lsa min-arrival 50\n"
	                       "exit\n"
	                       "!\n");
	free(text);
	config_free(c);
}
END_TEST

static Suite *
render_suite(void)
{
	Suite *s = suite_create("render");
	TCase *tc = tcase_create("render");

	tcase_add_test(tc, test_version);
	tcase_add_loop_test(tc, test_expected_text, 0, ARRAY_SIZE(expected));
	tcase_add_loop_test(tc, test_matches_frr, 0, ARRAY_SIZE(expected));
	tcase_add_loop_test(tc, test_round_trip, 0, ARRAY_SIZE(expected));
	tcase_add_test(tc, test_reference);
	tcase_add_test(tc, test_pbs_exact);
	tcase_add_test(tc, test_network_form);
	tcase_add_test(tc, test_auth);
	tcase_add_test(tc, test_auth_keys);
	tcase_add_test(tc, test_interface_order);
	tcase_add_test(tc, test_no_bfd);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(render_suite());
}
