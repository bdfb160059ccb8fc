/* check_frrconf.c - FRR configuration text as a tree */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frrconf.h"
#include "testutil.h"

static void
assert_same_tree(const struct frr_line *a, const struct frr_line *b)
{
	ck_assert_uint_eq(a->n_children, b->n_children);
	for (size_t i = 0; i < a->n_children; i++) {
		ck_assert_str_eq(a->children[i].text, b->children[i].text);
		assert_same_tree(&a->children[i], &b->children[i]);
	}
}

/* No "!", "exit" or "end" line is kept anywhere. */
static void
assert_no_markers(const struct frr_line *l)
{
	for (size_t i = 0; i < l->n_children; i++) {
		const char *t = l->children[i].text;

		ck_assert_msg(t[0] != '!' && strncmp(t, "exit", 4) && strcmp(t, "end") &&
		                  t[0] != ' ' && t[0] != '\0',
		              "\"%s\" kept", t);
		assert_no_markers(&l->children[i]);
	}
}

static const struct {
	const char *file, *host, *version, *router_id;
	bool endpoint;
} samples[] = {
    {"frr-8.4/pve-1.running-config.txt", "pve-1", "8.4.4", "192.168.102.1", false},
    {"frr-8.4/pve-2.running-config.txt", "pve-2", "8.4.4", "192.168.102.2", false},
    {"frr-8.4/pbs.running-config.txt", "pbs", "8.4.4", "192.168.102.3", true},
    {"frr-10.3/pve-1.running-config.txt", "pve-1", "10.3", "192.168.102.1", false},
    {"frr-10.3/pve-2.running-config.txt", "pve-2", "10.3", "192.168.102.2", false},
    {"frr-10.3/pbs.running-config.txt", "pbs", "10.3", "192.168.102.3", true},
};

/* The structure of the recorded running-configs of FRR 8.4.4 and 10.3. */
START_TEST(test_samples)
{
	char *text = tu_read_data(samples[_i].file), *s;
	struct frrconf c;
	const struct frr_line *l, *bfd, *prof;
	static const char *const if_lines[] = {
	    "ip ospf area 0.0.0.0",           "ip ospf bfd",
	    "ip ospf bfd profile proxmesh",   NULL, /* cost */
	    "ip ospf dead-interval 3",        "ip ospf hello-interval 1",
	    "ip ospf network point-to-point",
	    "ip ospf priority 0",
	};

	ck_assert_int_eq(frrconf_parse(text, &c), 0);
	assert_no_markers(&c.root);

	/* header lines are top-level leaves */
	ck_assert_str_eq(c.root.children[0].text, "Building configuration...");
	ck_assert_str_eq(c.root.children[1].text, "Current configuration:");
	s = xasprintf("frr version %s", samples[_i].version);
	ck_assert_ptr_nonnull(frrconf_find(&c.root, s));
	free(s);
	s = xasprintf("hostname %s", samples[_i].host);
	l = frrconf_find(&c.root, s);
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(l->n_children, 0);
	free(s);
	ck_assert_int_eq(frrconf_find(&c.root, "no ip forwarding") != NULL, samples[_i].endpoint);
	ck_assert_ptr_nonnull(frrconf_find(&c.root, "no ipv6 forwarding"));
	ck_assert_ptr_nonnull(frrconf_find(&c.root, "service integrated-vtysh-config"));

	/* interface blocks with their lines in FRR's order */
	for (int n = 3; n <= 4; n++) {
		char name[32];

		snprintf(name, sizeof(name), "interface nic%d", n);
		l = frrconf_find(&c.root, name);
		ck_assert_ptr_nonnull(l);
		ck_assert_uint_eq(l->n_children, ARRAY_SIZE(if_lines));
		for (size_t i = 0; i < ARRAY_SIZE(if_lines); i++) {
			if (if_lines[i])
				ck_assert_str_eq(l->children[i].text, if_lines[i]);
			else
				ck_assert(!strncmp(l->children[i].text, "ip ospf cost ", 13));
			ck_assert_uint_eq(l->children[i].n_children, 0);
		}
	}
	l = frrconf_find(&c.root, "interface lo");
	ck_assert_int_eq(l != NULL, samples[_i].endpoint);
	if (l) {
		ck_assert_uint_eq(l->n_children, 2);
		ck_assert_str_eq(l->children[0].text, "ip ospf area 0.0.0.0");
		ck_assert_str_eq(l->children[1].text, "ip ospf passive");
	}

	/* router ospf */
	l = frrconf_find(&c.root, "router ospf");
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(l->n_children, samples[_i].endpoint ? 2 : 1);
	s = xasprintf("ospf router-id %s", samples[_i].router_id);
	ck_assert_str_eq(l->children[0].text, s);
	free(s);
	if (samples[_i].endpoint)
		ck_assert_str_eq(l->children[1].text, "max-metric router-lsa administrative");

	/* bfd -> profile proxmesh -> its lines */
	bfd = frrconf_find(&c.root, "bfd");
	ck_assert_ptr_nonnull(bfd);
	ck_assert_uint_eq(bfd->n_children, 1);
	prof = frrconf_find(bfd, "profile proxmesh");
	ck_assert_ptr_nonnull(prof);
	ck_assert_uint_eq(prof->n_children, 2);
	ck_assert_str_eq(prof->children[0].text, "transmit-interval 100");
	ck_assert_str_eq(prof->children[1].text, "receive-interval 100");

	/* the last block is bfd: "end" stops the parse */
	ck_assert_ptr_eq(bfd, &c.root.children[c.root.n_children - 1]);
	frrconf_free(&c);
	free(text);
}
END_TEST

/* parse -> format -> parse gives the same tree; format is stable. */
START_TEST(test_round_trip)
{
	char *text = tu_read_data(samples[_i].file), *f1, *f2;
	struct frrconf a, b, d;

	ck_assert_int_eq(frrconf_parse(text, &a), 0);
	f1 = frrconf_format(&a);
	ck_assert_int_eq(frrconf_parse(f1, &b), 0);
	assert_same_tree(&a.root, &b.root);
	f2 = frrconf_format(&b);
	ck_assert_str_eq(f1, f2);
	/* the blocks print exactly as FRR printed them */
	ck_assert_ptr_nonnull(strstr(text, "\nbfd\n profile proxmesh\n  transmit-interval 100\n"
	                                   "  receive-interval 100\n exit\n !\nexit\n!\n"));
	ck_assert_ptr_nonnull(strstr(f1, "\nbfd\n profile proxmesh\n  transmit-interval 100\n"
	                                 "  receive-interval 100\n exit\n !\nexit\n!\n"));
	{
		const char *p = strstr(text, "interface nic3\n"), *e = strstr(p, "exit\n!\n");
		char *block = xstrndup(p, (size_t)(e - p) + 7);

		ck_assert_ptr_nonnull(strstr(f1, block));
		free(block);
	}
	/* CRLF line ends and trailing blanks change nothing */
	{
		char *crlf = xstrdup("");

		for (const char *p = text; *p; p++) {
			char *t = xasprintf("%s%s", crlf, *p == '\n' ? "  \r\n" : (char[]){*p, 0});

			free(crlf);
			crlf = t;
		}
		ck_assert_int_eq(frrconf_parse(crlf, &d), 0);
		assert_same_tree(&a.root, &d.root);
		frrconf_free(&d);
		free(crlf);
	}
	frrconf_free(&a);
	frrconf_free(&b);
	free(f1);
	free(f2);
	free(text);
}
END_TEST

/* Blocks of other daemons nest as FRR prints them. */
/* Every line of the tree as "parent/…/line", into sv. */
static void
collect_paths(const struct frr_line *l, const char *prefix, struct strv *sv)
{
	for (size_t i = 0; i < l->n_children; i++) {
		char *path = xasprintf("%s/%s", prefix, l->children[i].text);

		collect_paths(&l->children[i], path, sv);
		strv_push(sv, path);
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What the daemons print for themselves (over their vty sockets), joined by
 * frrconf_merge, is what vtysh prints, line for line, in another order. */
START_TEST(test_merge_daemons)
{
	static const char *const hosts[] = {"frr-8.4/pve-1", "frr-10.3/pve-2"};
	static const char *const daemons[] = {"zebra", "ospfd", "bfdd", "mgmtd"};
	/* vtysh's own lines */
	static const char *const vtysh_only[] = {"/Building configuration...",
	                                         "/Current configuration:",
	                                         "/service integrated-vtysh-config"};
	_cleanup_free_ char *vpath = xasprintf("%s.daemons/vtysh.txt", hosts[_i]);
	_cleanup_free_ char *vtext = tu_read_data(vpath);
	char *joined = xstrdup("");
	struct frrconf a, b;
	struct strv pa = {0}, pb = {0};
	size_t k = 0;

	for (size_t i = 0; i < ARRAY_SIZE(daemons); i++) {
		_cleanup_free_ char *path = xasprintf("%s/%s.daemons/%s.txt", TEST_DATA, hosts[_i],
		                                      daemons[i]);
		_cleanup_free_ char *text = NULL;
		char *next;

		if (read_file(path, 1 << 20, &text, NULL) < 0)
			continue; /* mgmtd is FRR 10's */
		next = xasprintf("%s%s", joined, text);
		free(joined);
		joined = next;
	}
	ck_assert_int_eq(frrconf_parse(vtext, &a), 0);
	ck_assert_int_eq(frrconf_parse(joined, &b), 0);
	frrconf_merge(&b);
	collect_paths(&a.root, "", &pa);
	collect_paths(&b.root, "", &pb);
	if (pa.n > 1)
		qsort(pa.v, pa.n, sizeof(char *), cmp_str);
	if (pb.n > 1)
		qsort(pb.v, pb.n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < pa.n; i++) {
		bool skip = false;

		for (size_t v = 0; v < ARRAY_SIZE(vtysh_only); v++)
			skip |= !strcmp(pa.v[i], vtysh_only[v]);
		if (skip)
			continue;
		ck_assert_msg(k < pb.n, "%s: \"%s\" missing", hosts[_i], pa.v[i]);
		ck_assert_str_eq(pa.v[i], pb.v[k]);
		k++;
	}
	ck_assert_uint_eq(k, pb.n);
	/* the joined text had each interface twice on FRR 10 (ospfd, mgmtd) */
	ck_assert_ptr_nonnull(frrconf_find(&b.root, "interface nic3"));
	ck_assert_ptr_nonnull(frrconf_find(frrconf_find(&b.root, "interface nic3"),
	                                     "ip ospf area 0.0.0.0"));
	strv_free(&pa);
	strv_free(&pb);
	frrconf_free(&a);
	frrconf_free(&b);
	free(joined);
}
END_TEST

START_TEST(test_nesting)
{
	static const char text[] = "frr version 8.4.4\n"
	                           "ip route 10.99.0.0/16 192.168.103.5\n"
	                           "!\n"
	                           "router bgp 65000\n"
	                           " bgp router-id 10.0.0.1\n"
	                           " no bgp default ipv4-unicast\n"
	                           " neighbor 10.0.0.2 remote-as 65000\n"
	                           " !\n"
	                           " address-family l2vpn evpn\n"
	                           "  neighbor 10.0.0.2 activate\n"
	                           "  advertise-all-vni\n"
	                           " exit-address-family\n"
	                           " !\n"
	                           " address-family ipv4 unicast\n"
	                           "  network 10.0.0.0/8\n"
	                           " exit-address-family\n"
	                           "exit\n"
	                           "!\n"
	                           "router ospf vrf blue\n"
	                           " ospf router-id 9.9.9.9\n"
	                           "exit\n"
	                           "!\n"
	                           "interface vmbr0\n"
	                           " description uplink\n"
	                           "exit\n"
	                           "!\n"
	                           "end\n"
	                           "interface after-end\n";
	struct frrconf c;
	const struct frr_line *bgp, *af;

	ck_assert_int_eq(frrconf_parse(text, &c), 0);
	ck_assert_uint_eq(c.root.n_children, 6);
	ck_assert_ptr_nonnull(frrconf_find(&c.root, "ip route 10.99.0.0/16 192.168.103.5"));
	bgp = frrconf_find(&c.root, "router bgp 65000");
	ck_assert_uint_eq(bgp->n_children, 5);
	ck_assert_str_eq(bgp->children[2].text, "neighbor 10.0.0.2 remote-as 65000");
	af = frrconf_find(bgp, "address-family l2vpn evpn");
	ck_assert_uint_eq(af->n_children, 2);
	ck_assert_str_eq(af->children[1].text, "advertise-all-vni");
	af = frrconf_find(bgp, "address-family ipv4 unicast");
	ck_assert_uint_eq(af->n_children, 1);
	ck_assert_ptr_nonnull(frrconf_find(&c.root, "router ospf vrf blue"));
	ck_assert_ptr_null(frrconf_find(&c.root, "router ospf"));
	/* vtysh -b skips "end" and reads on */
	ck_assert_ptr_nonnull(frrconf_find(&c.root, "interface after-end"));
	frrconf_free(&c);
}
END_TEST

/* frr.conf as FRR loads it (vtysh -b): indentation means nothing, a line
 * goes to the block it is a command of; comments and "end" change nothing;
 * "\r" is white space; exit-address-family closes its block. */
START_TEST(test_as_frr_reads)
{
	static const char text[] = "interface nic3\r\n"
	                           "ip ospf cost 5\r\n"
	                           "! a comment\r\n"
	                           "ip ospf area 0.0.0.0\r\n"
	                           "end\r\n"
	                           "  # another\r\n"
	                           "description to pve-2\r\n"
	                           "bfd\r\n"
	                           "profile proxmesh\r\n"
	                           "transmit-interval 300\r\n"
	                           "peer 10.0.0.9\r\n"
	                           "router bgp 65000\r\n"
	                           " address-family ipv4 unicast\r\n"
	                           " network 10.0.0.0/8\r\n"
	                           " exit-address-family\r\n"
	                           " neighbor 10.0.0.2 remote-as 65000\r\n"
	                           "exit\r\n"
	                           "ip route 10.99.0.0/24 Null0\r\n";
	struct frrconf c;
	const struct frr_line *l, *p;

	ck_assert_int_eq(frrconf_parse(text, &c), 0);
	ck_assert_uint_eq(c.root.n_children, 4);
	l = frrconf_find(&c.root, "interface nic3");
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(l->n_children, 3);
	ck_assert_str_eq(l->children[0].text, "ip ospf cost 5");
	ck_assert_str_eq(l->children[1].text, "ip ospf area 0.0.0.0");
	ck_assert_str_eq(l->children[2].text, "description to pve-2");
	l = frrconf_find(&c.root, "bfd");
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(l->n_children, 2);
	p = frrconf_find(l, "profile proxmesh");
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->n_children, 1);
	ck_assert_str_eq(p->children[0].text, "transmit-interval 300");
	ck_assert_ptr_nonnull(frrconf_find(l, "peer 10.0.0.9"));
	l = frrconf_find(&c.root, "router bgp 65000");
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(l->n_children, 2);
	p = frrconf_find(l, "address-family ipv4 unicast");
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->n_children, 1);
	ck_assert_ptr_nonnull(frrconf_find(l, "neighbor 10.0.0.2 remote-as 65000"));
	ck_assert_ptr_nonnull(frrconf_find(&c.root, "ip route 10.99.0.0/24 Null0"));
	frrconf_free(&c);
}
END_TEST

/* Odd input never fails except on control characters. */
START_TEST(test_odd)
{
	static const struct {
		const char *text;
		int r;
		size_t top;
	} cases[] = {
	    {"", 0, 0},
	    {"\n\n\n", 0, 0},
	    {"!\n!\nend\n", 0, 0},
	    {"a", 0, 1}, /* no newline at the end */
	    {"  indented first\nb\n", 0, 2},
	    {"a\n  b\n c\nd\n", 0, 2}, /* shallower child closes the deeper one */
	    {"a\n b\n  c\n   d\n    e\n     f\n      g\n       h\n        i\n         j\n"
	     "          k\n",
	     0, 1}, /* deeper than the stack */
	    {"exit\nexit\n", 0, 0},
	    {"a\tb\n", -EINVAL, 0},
	    {"a\n b\x01\n", -EINVAL, 0},
	    {"a\x7f\n", -EINVAL, 0},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct frrconf c;
		int r = frrconf_parse(cases[i].text, &c);

		ck_assert_msg(r == cases[i].r, "case %zu: %d", i, r);
		if (r == 0) {
			char *f = frrconf_format(&c);
			struct frrconf again;

			ck_assert_msg(c.root.n_children == cases[i].top, "case %zu: %zu", i,
			              c.root.n_children);
			ck_assert_int_eq(frrconf_parse(f, &again), 0);
			assert_same_tree(&c.root, &again.root);
			frrconf_free(&again);
			free(f);
			frrconf_free(&c);
		} else {
			ck_assert_ptr_null(c.root.children);
		}
	}
}
END_TEST

START_TEST(test_build_and_format)
{
	struct frrconf c = {0};
	struct frr_line *b, *p;
	char *text;

	frrconf_add(&c.root, "no ip forwarding");
	b = frrconf_add(&c.root, "interface nic3");
	frrconf_add(b, "ip ospf cost 10");
	b = frrconf_add(&c.root, "bfd");
	p = frrconf_add(b, "profile empty");
	(void)p;
	p = frrconf_add(b, "profile proxmesh");
	frrconf_add(p, "detect-multiplier 5");
	frrconf_add(&c.root, "route-map proxmesh-src permit 10");
	/* (adding a sibling may move b: find it again) */
	ck_assert_ptr_eq(frrconf_find(&c.root, "bfd"), &c.root.children[2]);
	ck_assert_ptr_null(frrconf_find(&c.root, "bf"));
	ck_assert_ptr_nonnull(frrconf_find(&c.root.children[2], "profile proxmesh"));
	text = frrconf_format(&c);
	/* empty blocks still end with exit, as FRR prints them */
	ck_assert_str_eq(text, "no ip forwarding\n"
	                       "!\n"
	                       "interface nic3\n"
	                       " ip ospf cost 10\n"
	                       "exit\n"
	                       "!\n"
	                       "bfd\n"
	                       " profile empty\n"
	                       " exit\n"
	                       " !\n"
	                       " profile proxmesh\n"
	                       "  detect-multiplier 5\n"
	                       " exit\n"
	                       " !\n"
	                       "exit\n"
	                       "!\n"
	                       "route-map proxmesh-src permit 10\n"
	                       "exit\n"
	                       "!\n");
	free(text);
	frrconf_free(&c);
	frrconf_free(&c); /* twice is harmless */
}
END_TEST

/* Blocks inside blocks print so that they read back the same: an empty
 * line that is a block header only elsewhere ("profile" outside bfd) gets
 * no "exit" (it would close the block around it), an empty block FRR knows
 * (an address family) gets one (the next line would go into it), and a line
 * after a nested block's "exit" stays in the block around it. */
START_TEST(test_nested_round_trip)
{
	static const char *const texts[] = {
	    "od\n profile p\n net\n",
	    ("router bgp 65000\n address-family ipv4 unicast\n exit-address-family\n"
	     " neighbor 10.0.0.2 remote-as 65000\nexit\n"),
	    "bfd\n profile p\n exit\n peer 10.0.0.9\nexit\n",
	};

	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		struct frrconf a, b;
		char *f1, *f2;

		ck_assert_int_eq(frrconf_parse(texts[i], &a), 0);
		ck_assert_uint_eq(a.root.n_children, 1);
		ck_assert_uint_eq(a.root.children[0].n_children, 2);
		f1 = frrconf_format(&a);
		ck_assert_int_eq(frrconf_parse(f1, &b), 0);
		ck_assert_msg(b.root.n_children == 1 && b.root.children[0].n_children == 2,
		              "case %zu read back differently:\n%s", i, f1);
		assert_same_tree(&a.root, &b.root);
		f2 = frrconf_format(&b);
		ck_assert_str_eq(f1, f2);
		free(f1);
		free(f2);
		frrconf_free(&a);
		frrconf_free(&b);
	}
}
END_TEST

/* The first child by the start of its text; none, or no block, is NULL. */
START_TEST(test_find_prefix)
{
	struct frrconf c;
	const struct frr_line *b;

	ck_assert_int_eq(frrconf_parse("router ospf\n ospf router-id 10.0.0.1\n"
	                               " network 10.1.0.0/30 area 0\n"
	                               " network 10.1.0.4/30 area 0\nexit\n",
	                               &c),
	                 0);
	b = frrconf_find(&c.root, "router ospf");
	ck_assert_str_eq(frrconf_find_prefix(b, "network ")->text, "network 10.1.0.0/30 area 0");
	ck_assert_ptr_eq(frrconf_find_prefix(b, "network "), &b->children[1]);
	ck_assert_ptr_null(frrconf_find_prefix(b, "redistribute "));
	ck_assert_ptr_null(frrconf_find_prefix(NULL, "network "));
	frrconf_free(&c);
}
END_TEST

static Suite *
frrconf_suite(void)
{
	Suite *s = suite_create("frrconf");
	TCase *tc = tcase_create("frrconf");

	tcase_add_loop_test(tc, test_samples, 0, ARRAY_SIZE(samples));
	tcase_add_loop_test(tc, test_round_trip, 0, ARRAY_SIZE(samples));
	tcase_add_loop_test(tc, test_merge_daemons, 0, 2);
	tcase_add_test(tc, test_nesting);
	tcase_add_test(tc, test_as_frr_reads);
	tcase_add_test(tc, test_odd);
	tcase_add_test(tc, test_build_and_format);
	tcase_add_test(tc, test_nested_round_trip);
	tcase_add_test(tc, test_find_prefix);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(frrconf_suite());
}
