/* check_ifplan.c - interface plan, ifupdown2 rendering, diff and state file */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ifdiff.h"
#include "ifplan.h"
#include "ifupdown.h"
#include "testutil.h"

/* The reference mesh with a loopback on pve-1 and mesh_extra in [mesh]. */
static struct config *
load(const char *mesh_extra)
{
	_cleanup_free_ char *mesh = xasprintf("prefix = 192.168.103.0/24\n%s", mesh_extra);
	_cleanup_free_ char *text =
	    tu_edit(tu_reference_mesh,
	            (const char *const[]){
	                "prefix = 192.168.103.0/24\n", mesh, "router-id = 192.168.102.1\n",
	                "router-id = 192.168.102.1\nloopback = 192.168.102.1/32\n", NULL});

	return tu_parse(text);
}

static void
build(const struct config *c, const char *node, struct ifplan *out)
{
	const struct node_conf *n;
	_cleanup_free_ struct link_plan *lp = tu_link_plans(c, node, &n);

	ifplan_build(c, n, lp, out);
}

static const char *
sysctl_value(const struct ifplan *p, const char *path)
{
	for (size_t i = 0; i < p->n_sysctls; i++)
		if (strcmp(p->sysctls[i].path, path) == 0)
			return p->sysctls[i].value;
	return NULL;
}

START_TEST(test_build_transit)
{
	struct config *c = load("");
	struct ifplan p;
	char buf[19];

	build(c, "pve-1", &p);
	ck_assert_uint_eq(p.n_links, 2);
	ck_assert_str_eq(p.links[0].ifname, "nic3");
	ck_assert_str_eq(p.links[0].peer, "pve-2");
	ck_assert_str_eq(prefix4_str(&p.links[0].address, buf), "192.168.103.1/30");
	ck_assert_uint_eq(p.links[0].cost, 200);
	ck_assert_uint_eq(p.links[0].mtu, 0);
	ck_assert_str_eq(p.links[1].ifname, "nic4");
	ck_assert_str_eq(prefix4_str(&p.links[1].address, buf), "192.168.103.5/30");
	ck_assert_uint_eq(p.links[1].cost, 10);
	ck_assert(p.has_loopback);
	ck_assert_str_eq(prefix4_str(&p.loopback, buf), "192.168.102.1/32");

	ck_assert_str_eq(sysctl_value(&p, "net/ipv4/ip_forward"), "1");
	ck_assert_str_eq(sysctl_value(&p, "net/ipv4/conf/all/forwarding"), "1");
	ck_assert_str_eq(sysctl_value(&p, "net/ipv4/fib_multipath_hash_policy"), "1");
	ck_assert_str_eq(sysctl_value(&p, "net/ipv4/conf/nic3/rp_filter"), "2");
	ck_assert_str_eq(sysctl_value(&p, "net/ipv4/conf/nic4/rp_filter"), "2");
	ck_assert_str_eq(sysctl_value(&p, "net/ipv4/conf/nic3/ignore_routes_with_linkdown"), "1");
	ck_assert_str_eq(sysctl_value(&p, "net/ipv4/conf/nic4/ignore_routes_with_linkdown"), "1");
	ck_assert_ptr_null(sysctl_value(&p, "net/ipv4/conf/all/rp_filter"));
	ck_assert_uint_eq(p.n_sysctls, 7);
	ck_assert_ptr_nonnull(ifplan_find_link(&p, "nic4"));
	ck_assert_ptr_null(ifplan_find_link(&p, "nic5"));
	ifplan_free(&p);
	config_free(c);
}
END_TEST

START_TEST(test_build_endpoint_mtu)
{
	struct config *c = load("mtu = 9000\n");
	struct ifplan p;
	char buf[19];

	build(c, "pbs", &p);
	ck_assert_uint_eq(p.n_links, 2);
	ck_assert_str_eq(prefix4_str(&p.links[0].address, buf), "192.168.103.6/30");
	ck_assert_str_eq(prefix4_str(&p.links[1].address, buf), "192.168.103.10/30");
	ck_assert_uint_eq(p.links[0].mtu, 9000);
	ck_assert_uint_eq(p.links[1].mtu, 9000);
	ck_assert_str_eq(sysctl_value(&p, "net/ipv4/ip_forward"), "0");
	ck_assert_str_eq(sysctl_value(&p, "net/ipv4/conf/all/forwarding"), "0");
	ck_assert_str_eq(prefix4_str(&p.loopback, buf), "192.168.103.254/32");
	ifplan_free(&p);
	config_free(c);
}
END_TEST

START_TEST(test_render_ifupdown)
{
	struct config *c = load("mtu = 9000\n");
	struct ifplan p;
	_cleanup_free_ char *text = NULL;

	build(c, "pbs", &p);
	text = ifplan_render_ifupdown(&p);
	ck_assert_str_eq(
	    text, "# Written by proxmesh from /etc/proxmesh/proxmesh.conf: do not edit,\n"
	          "# change the configuration instead.\n"
	          "\n"
	          "# link to pve-1\n"
	          "auto nic3\n"
	          "iface nic3 inet static\n"
	          "\taddress 192.168.103.6/30\n"
	          "\tmtu 9000\n"
	          "\n"
	          "# link to pve-2\n"
	          "auto nic4\n"
	          "iface nic4 inet static\n"
	          "\taddress 192.168.103.10/30\n"
	          "\tmtu 9000\n"
	          "\n"
	          "# loopback address, labelled lo:proxmesh so that ifupdown2 leaves it alone\n"
	          "iface lo inet loopback\n"
	          "\tpost-up ip addr replace 192.168.103.254/32 dev lo label lo:proxmesh\n");
	ifplan_free(&p);
	config_free(c);
}
END_TEST

/* The kernel settings as sysctl.d(5) lines: forwarding off on the PBS. */
START_TEST(test_render_sysctl)
{
	struct config *c = load("");
	struct ifplan p;
	_cleanup_free_ char *text = NULL, *t2 = NULL;

	build(c, "pbs", &p);
	text = ifplan_render_sysctl(&p);
	ck_assert_str_eq(text,
	                 "# Written by proxmesh from /etc/proxmesh/proxmesh.conf: do not edit,\n"
	                 "# change the configuration instead. systemd-sysctl applies the\n"
	                 "# settings of an interface when it appears.\n"
	                 "net.ipv4.ip_forward = 0\n"
	                 "net.ipv4.conf.all.forwarding = 0\n"
	                 "net.ipv4.fib_multipath_hash_policy = 1\n"
	                 "net.ipv4.conf.nic3.rp_filter = 2\n"
	                 "net.ipv4.conf.nic3.ignore_routes_with_linkdown = 1\n"
	                 "net.ipv4.conf.nic4.rp_filter = 2\n"
	                 "net.ipv4.conf.nic4.ignore_routes_with_linkdown = 1\n");
	ifplan_free(&p);
	build(c, "pve-1", &p);
	t2 = ifplan_render_sysctl(&p);
	ck_assert_ptr_nonnull(strstr(t2, "\nnet.ipv4.ip_forward = 1\n"));
	ifplan_free(&p);
	config_free(c);
}
END_TEST

START_TEST(test_render_ifupdown_no_mtu_no_loopback)
{
	struct config *c = load("");
	struct ifplan p;
	_cleanup_free_ char *text = NULL;

	build(c, "pve-2", &p);
	text = ifplan_render_ifupdown(&p);
	ck_assert_ptr_nonnull(strstr(text, "auto nic3\niface nic3 inet static\n"
	                                   "\taddress 192.168.103.2/30\n\n"));
	ck_assert_ptr_null(strstr(text, "mtu"));
	ck_assert_ptr_null(strstr(text, "iface lo"));
	ifplan_free(&p);
	config_free(c);
}
END_TEST

START_TEST(test_render_text)
{
	struct config *c = load("mtu = 9000\n");
	struct ifplan p;
	_cleanup_free_ char *text = NULL;

	build(c, "pve-1", &p);
	text = ifplan_render_text(&p);
	ck_assert_ptr_nonnull(
	    strstr(text, "  nic3            192.168.103.1/30   peer pve-2, cost 200, mtu 9000\n"));
	ck_assert_ptr_nonnull(
	    strstr(text, "  lo              192.168.102.1/32   label lo:proxmesh\n"));
	ck_assert_ptr_nonnull(strstr(text, "  net/ipv4/conf/nic4/rp_filter = 2\n"));
	ifplan_free(&p);
	config_free(c);
}
END_TEST

/* A live state in which the plan is fully applied. */
static void
converged(const struct ifplan *p, struct live_state *s)
{
	struct live_if *lo;

	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < p->n_links; i++) {
		struct live_if *li = live_state_add(s, p->links[i].ifname);

		li->exists = li->up = li->carrier = true;
		li->ifindex = (int)i + 10;
		li->mtu = p->links[i].mtu ? p->links[i].mtu : 1500;
		live_if_add_addr(li, &p->links[i].address, NULL);
	}
	lo = live_state_add(s, "lo");
	lo->exists = lo->up = lo->carrier = true;
	lo->ifindex = 1;
	lo->mtu = 65536;
	{
		struct prefix4 l127 = tu_prefix("127.0.0.1", 8);

		live_if_add_addr(lo, &l127, "lo");
	}
	if (p->has_loopback)
		live_if_add_addr(lo, &p->loopback, IFPLAN_LOOPBACK_LABEL);
	s->sysctls = xcalloc(p->n_sysctls, sizeof(*s->sysctls));
	s->n_sysctls = p->n_sysctls;
	memcpy(s->sysctls, p->sysctls, p->n_sysctls * sizeof(*s->sysctls));
}

static struct live_if *
find_mut(struct live_state *s, const char *ifname)
{
	return (struct live_if *)live_state_find(s, ifname);
}

static void
set_sysctl(struct live_state *s, const char *path, const char *v)
{
	for (size_t i = 0; i < s->n_sysctls; i++)
		if (strcmp(s->sysctls[i].path, path) == 0)
			snprintf(s->sysctls[i].value, sizeof(s->sysctls[i].value), "%s", v);
}

static void
mut_none(struct live_state *s, struct ifaddr_list *prev)
{
}

static void
mut_fresh(struct live_state *s, struct ifaddr_list *prev)
{
	for (size_t i = 0; i < s->n_ifs; i++) {
		if (strcmp(s->ifs[i].ifname, "lo") != 0) {
			s->ifs[i].up = s->ifs[i].carrier = false;
			s->ifs[i].n_addrs = 0;
		} else {
			s->ifs[i].n_addrs = 1; /* 127.0.0.1 only */
		}
	}
	for (size_t i = 0; i < s->n_sysctls; i++)
		strcpy(s->sysctls[i].value, "0");
}

static void
mut_foreign(struct live_state *s, struct ifaddr_list *prev)
{
	struct prefix4 a = tu_prefix("10.1.2.3", 24), b = tu_prefix("192.168.103.1", 24),
	               c = tu_prefix("192.168.103.200", 32);

	live_if_add_addr(find_mut(s, "nic3"), &a, NULL);
	live_if_add_addr(find_mut(s, "nic3"), &b, NULL); /* same address, other length */
	live_if_add_addr(find_mut(s, "lo"), &c, "lo:other");
}

static void
mut_previous(struct live_state *s, struct ifaddr_list *prev)
{
	struct prefix4 old = tu_prefix("192.168.103.99", 30),
	               gone = tu_prefix("192.168.103.77", 30),
	               lo_old = tu_prefix("192.168.102.9", 32),
	               cur = tu_prefix("192.168.103.1", 30);

	live_if_add_addr(find_mut(s, "nic3"), &old, NULL);
	live_if_add_addr(find_mut(s, "lo"), &lo_old, IFPLAN_LOOPBACK_LABEL);
	ifaddr_list_add(prev, "nic3", &old);
	ifaddr_list_add(prev, "nic3", &gone); /* no longer live: nothing to do */
	ifaddr_list_add(prev, "lo", &lo_old);
	ifaddr_list_add(prev, "nic3", &cur); /* still planned: kept */
}

static void
mut_moved(struct live_state *s, struct ifaddr_list *prev)
{
	/* the address planned on nic4 used to be planned on nic3 */
	struct prefix4 a = tu_prefix("192.168.103.5", 30);
	struct live_if *nic4 = find_mut(s, "nic4");

	nic4->n_addrs = 0;
	live_if_add_addr(find_mut(s, "nic3"), &a, NULL);
	ifaddr_list_add(prev, "nic3", &a);
}

static void
mut_missing(struct live_state *s, struct ifaddr_list *prev)
{
	struct live_if *nic4 = find_mut(s, "nic4");

	nic4->exists = false;
	nic4->n_addrs = 0;
	set_sysctl(s, "net/ipv4/conf/nic4/rp_filter", "");
	set_sysctl(s, "net/ipv4/conf/nic3/rp_filter", "1");
}

static void
mut_relabel(struct live_state *s, struct ifaddr_list *prev)
{
	struct live_if *lo = find_mut(s, "lo");

	snprintf(lo->addrs[1].label, IFNAMSIZ, "lo:backup");
}

static void
mut_mtu_down(struct live_state *s, struct ifaddr_list *prev)
{
	find_mut(s, "nic4")->mtu = 1500;
	find_mut(s, "nic4")->up = false;
	set_sysctl(s, "net/ipv4/fib_multipath_hash_policy", "0");
}

static const struct diff_case {
	const char *name;
	const char *node;
	const char *mesh_extra;
	void (*mutate)(struct live_state *, struct ifaddr_list *);
	const char *changes[16];
	const char *warning;
} diff_cases[] = {
    {"converged", "pve-1", "", mut_none, {NULL}, NULL},
    {"converged endpoint", "pbs", "mtu = 9000\n", mut_none, {NULL}, NULL},
    {"fresh host",
     "pve-1",
     "",
     mut_fresh,
     {
         "sysctl -w net.ipv4.ip_forward=1",
         "sysctl -w net.ipv4.conf.all.forwarding=1",
         "sysctl -w net.ipv4.fib_multipath_hash_policy=1",
         "sysctl -w net.ipv4.conf.nic3.rp_filter=2",
         "sysctl -w net.ipv4.conf.nic3.ignore_routes_with_linkdown=1",
         "sysctl -w net.ipv4.conf.nic4.rp_filter=2",
         "sysctl -w net.ipv4.conf.nic4.ignore_routes_with_linkdown=1",
         "ip link set nic3 up",
         "ip link set nic4 up",
         "ip addr add 192.168.103.1/30 dev nic3",
         "ip addr add 192.168.103.5/30 dev nic4",
         "ip addr add 192.168.102.1/32 dev lo label lo:proxmesh",
     },
     NULL},
    {"fresh endpoint",
     "pbs",
     "",
     mut_fresh,
     {
         "sysctl -w net.ipv4.fib_multipath_hash_policy=1",
         "sysctl -w net.ipv4.conf.nic3.rp_filter=2",
         "sysctl -w net.ipv4.conf.nic3.ignore_routes_with_linkdown=1",
         "sysctl -w net.ipv4.conf.nic4.rp_filter=2",
         "sysctl -w net.ipv4.conf.nic4.ignore_routes_with_linkdown=1",
         "ip link set nic3 up",
         "ip link set nic4 up",
         "ip addr add 192.168.103.6/30 dev nic3",
         "ip addr add 192.168.103.10/30 dev nic4",
         "ip addr add 192.168.103.254/32 dev lo label lo:proxmesh",
     },
     NULL},
    {"foreign addresses left alone", "pve-1", "", mut_foreign, {NULL}, NULL},
    {"previously planned removed",
     "pve-1",
     "",
     mut_previous,
     {
         "ip addr del 192.168.103.99/30 dev nic3",
         "ip addr del 192.168.102.9/32 dev lo",
     },
     NULL},
    {"address moved between links",
     "pve-1",
     "",
     mut_moved,
     {
         "ip addr del 192.168.103.5/30 dev nic3",
         "ip addr add 192.168.103.5/30 dev nic4",
     },
     NULL},
    {"missing interface",
     "pve-1",
     "",
     mut_missing,
     {"sysctl -w net.ipv4.conf.nic3.rp_filter=2"},
     "interface nic4 missing: link to pbs skipped"},
    /* a hand-made label is kept: relabelling would remove the address */
    {"loopback under another label", "pve-1", "", mut_relabel, {NULL}, NULL},
    {"mtu and link down",
     "pve-1",
     "mtu = 9000\n",
     mut_mtu_down,
     {
         "sysctl -w net.ipv4.fib_multipath_hash_policy=1",
         "ip link set nic4 mtu 9000",
         "ip link set nic4 up",
     },
     NULL},
};

START_TEST(test_diff)
{
	const struct diff_case *t = &diff_cases[_i];
	struct config *c = load(t->mesh_extra);
	struct ifaddr_list prev = {0};
	struct live_state live;
	struct if_changes ch;
	struct ifplan p;
	size_t n = 0;

	build(c, t->node, &p);
	converged(&p, &live);
	t->mutate(&live, &prev);
	ifdiff_compute(&p, &live, &prev, &ch);
	while (t->changes[n])
		n++;
	for (size_t i = 0; i < ch.n; i++)
		ck_assert_msg(i < n && strcmp(ch.v[i].text, t->changes[i]) == 0,
		              "%s: change %zu is \"%s\", expected \"%s\"", t->name, i, ch.v[i].text,
		              i < n ? t->changes[i] : "(none)");
	ck_assert_msg(ch.n == n, "%s: %zu changes, expected %zu", t->name, ch.n, n);
	if (t->warning) {
		ck_assert_uint_eq(ch.warnings.n, 1);
		ck_assert_str_eq(ch.warnings.v[0], t->warning);
	} else {
		ck_assert_uint_eq(ch.warnings.n, 0);
	}
	/* the changes carry what they are applied with */
	for (size_t i = 0; i < ch.n; i++) {
		const struct if_change *x = &ch.v[i];

		if (x->kind == IFC_ADDR_ADD && strcmp(x->ifname, "lo") == 0)
			ck_assert_str_eq(x->label, IFPLAN_LOOPBACK_LABEL);
		if (x->kind != IFC_SYSCTL)
			ck_assert_int_ne(x->ifindex, 0);
		if (x->kind == IFC_MTU)
			ck_assert_uint_eq(x->mtu, 9000);
	}
	if_changes_free(&ch);
	live_state_free(&live);
	ifaddr_list_free(&prev);
	ifplan_free(&p);
	config_free(c);
}
END_TEST

/* IPv6 (dual-stack.conf): the planned link addresses and loopback6, the
 * IPv6 sysctls by role, ifupdown2's stanzas with both families; from an
 * empty kernel the addresses are added (nodad), from a converged one
 * nothing, an address no longer planned is removed, a link-local one never
 * counts. */
START_TEST(test_ipv6)
{
	struct config *c = tu_parse_data("config/dual-stack.conf");
	struct ifplan p, e;
	struct live_state live = {0};
	struct ifaddr_list prev = {0}, rec = {0}, back = {0};
	struct if_changes ch;
	char *text;
	unsigned line;

	build(c, "pve-1", &p);
	ck_assert(p.links[0].has6 && p.has_loopback6);
	ck_assert_str_eq(sysctl_value(&p, "net/ipv6/conf/all/forwarding"), "1");
	ck_assert_str_eq(sysctl_value(&p, "net/ipv6/conf/nic3/accept_dad"), "0");
	ck_assert_str_eq(sysctl_value(&p, "net/ipv6/conf/nic4/disable_ipv6"), "0");
	ck_assert_str_eq(sysctl_value(&p, "net/ipv6/conf/nic4/accept_ra"), "0");
	ck_assert_str_eq(sysctl_value(&p, "net/ipv6/conf/nic3/ignore_routes_with_linkdown"), "1");
	build(c, "pbs", &e);
	ck_assert_str_eq(sysctl_value(&e, "net/ipv6/conf/all/forwarding"), "0");
	ifplan_drop_link(&e, "nic3"); /* its IPv6 settings go with it */
	ck_assert_ptr_null(sysctl_value(&e, "net/ipv6/conf/nic3/accept_dad"));
	ck_assert_ptr_nonnull(sysctl_value(&e, "net/ipv6/conf/nic4/accept_dad"));
	ifplan_free(&e);

	text = ifplan_render_ifupdown(&p);
	ck_assert_msg(strstr(text, "iface nic3 inet static\n\taddress 192.168.103.1/30\n"
	                           "\taddress fd0c:103::1/64\n") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "\tpost-up ip addr replace 192.168.102.1/32 dev lo label "
	                           "lo:proxmesh\n\tpost-up ip -6 addr replace fd0c:103:ff::1/128 dev "
	                           "lo\n") != NULL, "%s", text);
	free(text);
	text = ifplan_render_text(&p);
	ck_assert_msg(strstr(text, "fd0c:103:0:1::1/64") && strstr(text, "fd0c:103:ff::1/128"),
	              "%s", text);
	free(text);

	/* from a kernel with the links up and nothing on them */
	live_state_add(&live, "nic3")->exists = true;
	live_state_add(&live, "nic4")->exists = true;
	live_state_add(&live, "lo")->exists = true;
	for (size_t i = 0; i < live.n_ifs; i++) {
		live.ifs[i].ifindex = (int)i + 2;
		live.ifs[i].up = true;
	}
	/* the kernel's link-local address is not proxmesh's business */
	live_if_add_addr6(&live.ifs[0], &(struct prefix6){.len = 64});
	ifdiff_compute(&p, &live, &prev, &ch);
	{
		static const char *const want[] = {
		    "ip -6 addr add fd0c:103::1/64 dev nic3 nodad",
		    "ip -6 addr add fd0c:103:0:1::1/64 dev nic4 nodad",
		    "ip -6 addr add fd0c:103:ff::1/128 dev lo nodad",
		};
		size_t k = 0;

		for (size_t i = 0; i < ch.n; i++)
			if (ch.v[i].v6) {
				ck_assert_uint_lt(k, ARRAY_SIZE(want));
				ck_assert_str_eq(ch.v[i].text, want[k++]);
				ck_assert_int_eq(ch.v[i].kind, IFC_ADDR_ADD);
			}
		ck_assert_uint_eq(k, ARRAY_SIZE(want));
	}
	if_changes_free(&ch);

	/* recorded, read back, and a planned address that leaves the plan goes */
	ifdiff_record(&p, NULL, true, &rec);
	text = ifaddr_list_format(&rec);
	ck_assert_msg(strstr(text, "nic3 fd0c:103::1/64\n") && strstr(text, "lo fd0c:103:ff::1/128\n"),
	              "%s", text);
	ck_assert_int_eq(ifaddr_list_parse(text, &back, &line), 0);
	ck_assert_uint_eq(back.n, rec.n);
	ck_assert(ifaddr_list_contains6(&back, "nic4", &p.links[1].address6));
	free(text);
	for (size_t i = 0; i < live.n_ifs; i++)
		live_if_add_addr6(&live.ifs[i], i == 2 ? &p.loopback6 : &p.links[i].address6);
	ifdiff_compute(&p, &live, &back, &ch);
	for (size_t i = 0; i < ch.n; i++)
		ck_assert_msg(!ch.v[i].v6, "%s", ch.v[i].text);
	if_changes_free(&ch);
	p.has_loopback6 = false;
	ifdiff_compute(&p, &live, &back, &ch);
	{
		bool removed = false;

		for (size_t i = 0; i < ch.n; i++)
			if (ch.v[i].v6)
				removed = ch.v[i].kind == IFC_ADDR_DEL &&
				          !strcmp(ch.v[i].text, "ip -6 addr del fd0c:103:ff::1/128 dev lo");
		ck_assert(removed);
	}
	if_changes_free(&ch);
	ck_assert_int_eq(ifaddr_list_parse("nic3 fd0c::1/129\n", &prev, &line), -EINVAL);
	ck_assert_uint_eq(line, 1);

	ifaddr_list_free(&rec);
	ifaddr_list_free(&back);
	live_state_free(&live);
	ifplan_free(&p);
	config_free(c);
}
END_TEST

/* IPv6-only: no IPv4 address planned on a link, inet6 stanzas. */
START_TEST(test_ipv6_only)
{
	struct config *c = tu_parse_data("config/ipv6-only.conf");
	struct ifaddr_list planned;
	struct ifplan p;
	char *text;

	build(c, "pve-2", &p);
	ifdiff_planned_addresses(&p, &planned);
	for (size_t i = 0; i < planned.n; i++)
		ck_assert_msg(planned.v[i].v6 || !strcmp(planned.v[i].ifname, "lo"), "%s",
		              planned.v[i].ifname);
	text = ifplan_render_ifupdown(&p);
	ck_assert_msg(strstr(text, "iface nic3 inet6 static\n\taddress fd0c:103::1/127\n") != NULL,
	              "%s", text);
	ck_assert_ptr_null(strstr(text, "0.0.0.0"));
	free(text);
	ifaddr_list_free(&planned);
	ifplan_free(&p);
	config_free(c);
}
END_TEST

START_TEST(test_state_file)
{
	struct ifaddr_list l = {0}, m = {0};
	struct prefix4 a = tu_prefix("192.168.103.1", 30), b = tu_prefix("192.168.102.1", 32);
	_cleanup_free_ char *text = NULL;
	char dir[] = "/tmp/check_ifplan.XXXXXX", path[64];
	unsigned line = 0;

	ck_assert_int_eq(ifaddr_list_parse("# c\n\nnic3 192.168.103.1/30\n  lo 192.168.102.1/32  \n"
	                                   "nic3 192.168.103.1/30\n",
	                                   &l, &line),
	                 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert(ifaddr_list_contains(&l, "nic3", &a));
	ck_assert(ifaddr_list_contains(&l, "lo", &b));
	ck_assert(!ifaddr_list_contains(&l, "nic4", &a));
	text = ifaddr_list_format(&l);
	ck_assert_str_eq(text, "nic3 192.168.103.1/30\nlo 192.168.102.1/32\n");

	ck_assert_int_eq(ifaddr_list_parse("nic3 192.168.103.1/30\nnic4 1.2.3.4\n", &m, &line),
	                 -EINVAL);
	ck_assert_uint_eq(line, 2);
	ck_assert_int_eq(ifaddr_list_parse("nic3 1.2.3.4/33\n", &m, &line), -EINVAL);
	ck_assert_int_eq(ifaddr_list_parse("nic3 1.2.3.4/24 x\n", &m, &line), -EINVAL);
	ck_assert_int_eq(ifaddr_list_parse("averyveryverylongname 1.2.3.4/24\n", &m, &line),
	                 -EINVAL);

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/addresses", dir);
	ck_assert_int_eq(ifaddr_list_load(path, &m), 0);
	ck_assert_uint_eq(m.n, 0);
	ck_assert_int_eq(ifaddr_list_save(path, &l), 0);
	ck_assert_int_eq(ifaddr_list_load(path, &m), 0);
	ck_assert_uint_eq(m.n, 2);
	ck_assert(ifaddr_list_contains(&m, "lo", &b));
	unlink(path);
	rmdir(dir);
	ifaddr_list_free(&m);
	ifaddr_list_free(&l);
}
END_TEST

START_TEST(test_record)
{
	struct config *c = load("");
	struct ifaddr_list prev = {0}, out = {0};
	struct prefix4 old = tu_prefix("192.168.103.99", 30), cur = tu_prefix("192.168.103.1", 30);
	struct strv names = {0};
	struct ifplan p;

	build(c, "pve-1", &p);
	ifaddr_list_add(&prev, "nic9", &old);
	ifaddr_list_add(&prev, "nic3", &cur);
	ifdiff_record(&p, &prev, true, &out);
	ck_assert_uint_eq(out.n, 3);
	ck_assert(!ifaddr_list_contains(&out, "nic9", &old));
	ifaddr_list_free(&out);
	ifdiff_record(&p, &prev, false, &out);
	ck_assert_uint_eq(out.n, 4);
	ck_assert(ifaddr_list_contains(&out, "nic9", &old));
	ifaddr_list_free(&out);

	ifdiff_ifnames(&p, &prev, &names);
	ck_assert_uint_eq(names.n, 4);
	ck_assert_str_eq(names.v[0], "nic3");
	ck_assert_str_eq(names.v[1], "nic4");
	ck_assert_str_eq(names.v[2], "lo");
	ck_assert_str_eq(names.v[3], "nic9");
	strv_free(&names);
	ifaddr_list_free(&prev);
	ifplan_free(&p);
	config_free(c);
}
END_TEST

START_TEST(test_sysctl_names)
{
	char buf[128], dev[IFNAMSIZ];

	ifplan_sysctl_name("net/ipv4/conf/nic3.100/rp_filter", buf, sizeof(buf));
	ck_assert_str_eq(buf, "net.ipv4.conf.nic3/100.rp_filter");
	ck_assert_str_eq(ifplan_sysctl_ifname("net/ipv4/conf/nic3/rp_filter", dev), "nic3");
	ck_assert_ptr_null(ifplan_sysctl_ifname("net/ipv4/conf/all/forwarding", dev));
	ck_assert_ptr_null(ifplan_sysctl_ifname("net/ipv4/conf/default/forwarding", dev));
	ck_assert_ptr_null(ifplan_sysctl_ifname("net/ipv4/ip_forward", dev));
}
END_TEST

static const struct {
	const char *text;
	bool sources;
} source_cases[] = {
    {"auto lo\niface lo inet loopback\n\nsource /etc/network/interfaces.d/*\n", true},
    {"source /etc/network/interfaces.d/*.conf\n", false},
    {"source /etc/network/interfaces.d/proxmesh\n", true},
    {"source interfaces.d/*\n", true},
    {"source-directory /etc/network/interfaces.d\n", true},
    {"source-directory /etc/network/interfaces.d/\n", true},
    {"source-directory interfaces.d\n", true},
    {"  source   /etc/network/interfaces.d/*  \n", true},
    {"# source /etc/network/interfaces.d/*\n", false},
    {"auto lo\niface lo inet loopback\n", false},
    {"source-directory /etc/network/other.d\n", false},
    {"", false},
};

START_TEST(test_ifupdown_sources)
{
	ck_assert_msg(ifupdown_text_sources(source_cases[_i].text, IFUPDOWN_FILE) ==
	                  source_cases[_i].sources,
	              "case %d", _i);
}
END_TEST

START_TEST(test_ifupdown_write)
{
	char dir[] = "/tmp/check_ifupdown.XXXXXX", path[64], main_path[64];
	_cleanup_free_ char *back = NULL;
	_cleanup_free_ char *warn = NULL;
	struct stat st1, st2;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/proxmesh", dir);
	snprintf(main_path, sizeof(main_path), "%s/interfaces", dir);
	ck_assert_int_eq(ifupdown_write(path, "auto nic3\n"), 1);
	ck_assert_int_eq(stat(path, &st1), 0);
	ck_assert_uint_eq(st1.st_mode & 0777, 0644);
	ck_assert_int_eq(ifupdown_write(path, "auto nic3\n"), 0);
	ck_assert_int_eq(stat(path, &st2), 0);
	ck_assert_uint_eq(st1.st_ino, st2.st_ino);
	ck_assert_int_eq(ifupdown_write(path, "auto nic4\n"), 1);
	ck_assert_int_eq(read_file(path, 1024, &back, NULL), 0);
	ck_assert_str_eq(back, "auto nic4\n");

	/* unreadable main file: no warning; not sourcing: a warning */
	ck_assert_ptr_null(ifupdown_check_sourced(main_path, IFUPDOWN_FILE));
	ck_assert_int_eq(write_file_atomic(main_path, "auto lo\n", 8, 0644), 0);
	warn = ifupdown_check_sourced(main_path, IFUPDOWN_FILE);
	ck_assert_ptr_nonnull(warn);
	ck_assert_ptr_nonnull(strstr(warn, "does not source /etc/network/interfaces.d/*"));
	ck_assert_int_eq(
	    write_file_atomic(main_path, "source /etc/network/interfaces.d/*\n", 35, 0644), 0);
	ck_assert_ptr_null(ifupdown_check_sourced(main_path, IFUPDOWN_FILE));
	unlink(path);
	unlink(main_path);
	rmdir(dir);
}
END_TEST

static Suite *
ifplan_suite(void)
{
	Suite *s = suite_create("ifplan");
	TCase *tc = tcase_create("plan");

	tcase_add_test(tc, test_build_transit);
	tcase_add_test(tc, test_build_endpoint_mtu);
	tcase_add_test(tc, test_render_ifupdown);
	tcase_add_test(tc, test_render_sysctl);
	tcase_add_test(tc, test_render_ifupdown_no_mtu_no_loopback);
	tcase_add_test(tc, test_render_text);
	suite_add_tcase(s, tc);

	tc = tcase_create("diff");
	tcase_add_loop_test(tc, test_diff, 0, ARRAY_SIZE(diff_cases));
	tcase_add_test(tc, test_state_file);
	tcase_add_test(tc, test_record);
	tcase_add_test(tc, test_sysctl_names);
	tcase_add_test(tc, test_ipv6);
	tcase_add_test(tc, test_ipv6_only);
	suite_add_tcase(s, tc);

	tc = tcase_create("ifupdown");
	tcase_add_loop_test(tc, test_ifupdown_sources, 0, ARRAY_SIZE(source_cases));
	tcase_add_test(tc, test_ifupdown_write);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(ifplan_suite());
}
