/* check_health.c - the health model over recorded and synthetic FRR states */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dialect.h"
#include "health.h"
#include "testutil.h"

#define T0 1000000LL /* monotonic ms of the first evaluation */

/* ---- recorded states ---- */

enum kernel_fault { K_NONE, K_MISSING, K_ADMIN_DOWN, K_NO_CARRIER };

struct want_link {
	const char *ifname;
	const char *adjacency, *bfd, *link, *diagnosis;
};

struct want_dest {
	const char *node;
	const char *reachable; /* "yes", "no" */
	const char *via;
	bool preferred;
};

static const struct rec_case {
	const char *v; /* NULL: both versions */
	const char *host, *scenario;
	const char *members; /* "pve-1=1,pve-2=0": membership; NULL: unknown */
	const char *fault_if;
	enum kernel_fault fault;
	const char *overall, *summary;
	struct want_link links[2];
	struct want_dest dest;
} rec_cases[] = {
    {NULL,
     "pve-1",
     "converged",
     "pve-1=1,pve-2=1",
     NULL,
     K_NONE,
     "healthy",
     "2/2 adjacencies full; 1/1 loopbacks reachable",
     {{"nic3", "full", "up", "up", "ok"}, {"nic4", "full", "up", "up", "ok"}},
     {"pbs", "yes", "nic4", true}},
    {"10.3",
     "pve-2",
     "converged",
     NULL,
     NULL,
     K_NONE,
     "healthy",
     "2/2 adjacencies full; 1/1 loopbacks reachable",
     {{"nic3", "full", "up", "up", "ok"}, {"nic4", "full", "up", "up", "ok"}},
     {"pbs", "yes", "nic4", true}},
    /* the 8.4 recording caught pve-2 with the PBS loopback on the backup path */
    {"8.4",
     "pve-2",
     "converged",
     NULL,
     NULL,
     K_NONE,
     "degraded",
     "2/2 adjacencies full; 1/1 loopbacks reachable",
     {{"nic3", "full", "up", "up", "ok"}, {"nic4", "full", "up", "up", "ok"}},
     {"pbs", "yes", "nic3", false}},
    {NULL,
     "pbs",
     "converged",
     "pve-1=1,pve-2=1",
     NULL,
     K_NONE,
     "healthy",
     "2/2 adjacencies full; 0/0 loopbacks reachable",
     {{"nic3", "full", "up", "up", "ok"}, {"nic4", "full", "up", "up", "ok"}},
     {NULL}},
    /* silent cut of pve-1 nic4: the PBS (external) is still reached via pve-2 */
    {NULL,
     "pve-1",
     "cut",
     "pve-1=1,pve-2=1",
     NULL,
     K_NONE,
     "degraded",
     "1/2 adjacencies full; 1/1 loopbacks reachable",
     {{"nic3", "full", "up", "up", "ok"}, {"nic4", "down", "down", "up", "cable-or-nic"}},
     {"pbs", "yes", "nic3", false}},
    {NULL,
     "pve-1",
     "cut",
     NULL,
     NULL,
     K_NONE,
     "degraded",
     "1/2 adjacencies full; 1/1 loopbacks reachable",
     {{"nic3", "full", "up", "up", "ok"}, {"nic4", "down", "down", "up", "cable-or-nic"}},
     {"pbs", "yes", "nic3", false}},
    /* the same cut seen as lost carrier */
    {NULL,
     "pve-1",
     "cut",
     NULL,
     "nic4",
     K_NO_CARRIER,
     "degraded",
     "1/2 adjacencies full; 1/1 loopbacks reachable",
     {{"nic3", "full", "up", "up", "ok"}, {"nic4", "down", "down", "down", "link-down"}},
     {"pbs", "yes", "nic3", false}},
    {NULL,
     "pve-1",
     "cut",
     NULL,
     "nic4",
     K_ADMIN_DOWN,
     "degraded",
     "1/2 adjacencies full; 1/1 loopbacks reachable",
     {{"nic3", "full", "up", "up", "ok"}, {"nic4", "down", "down", "down", "link-down"}},
     {"pbs", "yes", "nic3", false}},
    {NULL,
     "pve-1",
     "cut",
     NULL,
     "nic4",
     K_MISSING,
     "degraded",
     "1/2 adjacencies full; 1/1 loopbacks reachable",
     {{"nic3", "full", "up", "up", "ok"}, {"nic4", "down", "down", "missing", "interface-missing"}},
     {"pbs", "yes", "nic3", false}},
    /* MTU: the larger side sits in Exchange, the smaller in ExStart */
    {NULL,
     "pve-1",
     "mtu-mismatch",
     "pve-2=1",
     NULL,
     K_NONE,
     "degraded",
     "1/2 adjacencies full; 1/1 loopbacks reachable",
     {{"nic3", "exchange", "up", "up", "mtu-mismatch"}, {"nic4", "full", "up", "up", "ok"}},
     {"pbs", "yes", "nic4", true}},
    {NULL,
     "pve-2",
     "mtu-mismatch",
     "pve-1=1",
     NULL,
     K_NONE,
     NULL,
     "1/2 adjacencies full; 1/1 loopbacks reachable",
     {{"nic3", "exstart", "up", "up", "mtu-mismatch"}, {"nic4", "full", "up", "up", "ok"}},
     {"pbs", "yes", NULL, false}},
    /* hello mismatch: no neighbour at all; pve-2 has no loopback, so only
     * the cluster can tell that it is alive */
    {NULL,
     "pve-1",
     "hello-mismatch",
     "pve-1=1,pve-2=1",
     NULL,
     K_NONE,
     "degraded",
     "1/2 adjacencies full; 1/1 loopbacks reachable",
     {{"nic3", "down", "up", "up", "cable-or-nic"}, {"nic4", "full", "up", "up", "ok"}},
     {"pbs", "yes", "nic4", true}},
    {NULL,
     "pve-1",
     "hello-mismatch",
     "pve-1=1,pve-2=0",
     NULL,
     K_NONE,
     "degraded",
     "1/2 adjacencies full; 1/1 loopbacks reachable",
     {{"nic3", "down", "up", "up", "peer-offline"}, {"nic4", "full", "up", "up", "ok"}},
     {"pbs", "yes", "nic4", true}},
    {NULL,
     "pve-1",
     "hello-mismatch",
     NULL,
     NULL,
     K_NONE,
     "degraded",
     "1/2 adjacencies full; 1/1 loopbacks reachable",
     {{"nic3", "down", "up", "up", "peer-offline"}, {"nic4", "full", "up", "up", "ok"}},
     {"pbs", "yes", "nic4", true}},
};

static size_t
parse_members(const char *s, struct peer_presence *m, size_t max)
{
	size_t n = 0;

	while (s != NULL && *s != '\0' && n < max) {
		size_t len = strcspn(s, "=");
		snprintf(m[n].name, sizeof(m[n].name), "%.*s", (int)len, s);
		m[n].online = s[len + 1] == '1' ? TRI_YES : TRI_NO;
		n++;
		s += len + 2;
		if (*s == ',')
			s++;
	}
	return n;
}

static const struct link_health *
find_link(const struct health *h, const char *ifname)
{
	for (size_t i = 0; i < h->n_links; i++)
		if (strcmp(h->links[i].ifname, ifname) == 0)
			return &h->links[i];
	ck_abort_msg("no link %s", ifname);
	return NULL;
}

static void
check_recorded(const struct rec_case *c, const char *v)
{
	struct tu_node f;
	struct frr_state st;
	struct peer_presence members[4];
	struct health h;
	struct health_events ev = {0};
	struct health_input in;

	tu_node_open(&f, tu_reference_mesh, c->host);
	tu_frr_load(v, c->host, c->scenario, &st);
	if (c->fault != K_NONE) {
		struct kernel_link *k = tu_node_kernel(&f, c->fault_if);
		k->exists = c->fault != K_MISSING;
		k->up = c->fault != K_ADMIN_DOWN && c->fault != K_MISSING;
		k->carrier = c->fault == K_NONE;
	}
	in = (struct health_input){
	    .config = f.config,
	    .node = f.node,
	    .plans = f.plans,
	    .kernel = f.kernel,
	    .n_kernel = f.n_kernel,
	    .frr = &st,
	    .members = c->members != NULL ? members : NULL,
	    .n_members = parse_members(c->members, members, ARRAY_SIZE(members)),
	    .now_ms = T0,
	};
	health_evaluate(&in, NULL, &h, &ev);

	ck_assert(h.valid);
	if (c->overall != NULL)
		ck_assert_msg(strcmp(health_overall_str(h.overall), c->overall) == 0,
		              "%s %s %s: %s", v, c->host, c->scenario,
		              health_overall_str(h.overall));
	ck_assert_str_eq(h.summary, c->summary);
	ck_assert_uint_eq(h.n_links, 2);
	for (size_t i = 0; i < ARRAY_SIZE(c->links); i++) {
		const struct want_link *w = &c->links[i];
		const struct link_health *l = find_link(&h, w->ifname);

		ck_assert_msg(strcmp(ospf_nsm_str(l->adjacency), w->adjacency) == 0,
		              "%s %s %s %s: adjacency %s", v, c->host, c->scenario, w->ifname,
		              ospf_nsm_str(l->adjacency));
		ck_assert_str_eq(link_bfd_str(l->bfd), w->bfd);
		ck_assert_str_eq(link_state_str(l->link), w->link);
		ck_assert_msg(strcmp(link_diag_str(l->diagnosis), w->diagnosis) == 0,
		              "%s %s %s %s: diagnosis %s", v, c->host, c->scenario, w->ifname,
		              link_diag_str(l->diagnosis));
		ck_assert_uint_eq(l->flaps, 0);
		ck_assert_int_eq(l->since_ms, T0);
		ck_assert_uint_eq(l->mtu, c->fault == K_MISSING && i == 1 ? 0 : 1500);
	}
	if (c->dest.node == NULL) {
		ck_assert_uint_eq(h.n_dests, 0);
	} else {
		const struct dest_health *d = &h.dests[0];

		ck_assert_uint_eq(h.n_dests, 1);
		ck_assert_str_eq(d->node, c->dest.node);
		ck_assert(d->known);
		ck_assert_int_eq(d->reachable, strcmp(c->dest.reachable, "yes") == 0);
		if (c->dest.via != NULL) {
			ck_assert_str_eq(d->via, c->dest.via);
			ck_assert_int_eq(d->preferred, c->dest.preferred);
		}
	}
	/* the first evaluation reports the overall health and every fault */
	ck_assert_uint_ge(ev.n, 1);
	ck_assert_int_eq(ev.v[ev.n - 1].kind, HEV_OVERALL);
	ck_assert(ev.v[ev.n - 1].initial);
	for (size_t i = 0; i + 1 < ev.n; i++) {
		ck_assert(ev.v[i].initial);
		if (ev.v[i].kind == HEV_LINK)
			ck_assert_int_ne(h.links[ev.v[i].index].diagnosis, DIAG_OK);
	}

	health_events_free(&ev);
	health_free(&h);
	frr_state_free(&st);
	tu_node_close(&f);
}

START_TEST(test_recorded)
{
	const struct rec_case *c = &rec_cases[_i / 2];
	const char *v = _i % 2 ? "10.3" : "8.4";

	if (c->v != NULL && strcmp(c->v, v) != 0)
		return;
	check_recorded(c, v);
}
END_TEST

/* ---- synthetic states ---- */

struct sim {
	struct tu_node f;
	struct frr_state st;
	struct peer_presence members[4];
	size_t n_members;
	struct health h[2];
	int cur; /* index of the latest health in h, -1 before the first */
	struct health_events ev;
	bool frr_down;
	long long start; /* the agent's start, ms after T0; 0: long before */
	const struct strv *auth_failing;
	char *s_key; /* a key file name set by the test */
};

static void
sim_open(struct sim *s, const char *conf, const char *host)
{
	memset(s, 0, sizeof(*s));
	tu_node_open(&s->f, conf, host);
	s->cur = -1;
}

static void
sim_frr(struct sim *s, const char *nbr, const char *routes, const char *bfd)
{
	frr_state_free(&s->st);
	ck_assert_int_eq(frrjson_parse_neighbors(nbr, &s->st.neighbors, &s->st.n_neighbors), 0);
	ck_assert_int_eq(frrjson_parse_routes(routes, &s->st.routes, &s->st.n_routes), 0);
	ck_assert_int_eq(frrjson_parse_bfd_peers(bfd, &s->st.bfd_peers, &s->st.n_bfd_peers), 0);
	s->st.have_neighbors = s->st.have_routes = s->st.have_bfd = true;
}

static void
sim_recorded(struct sim *s, const char *v, const char *host, const char *scenario)
{
	frr_state_free(&s->st);
	tu_frr_load(v, host, scenario, &s->st);
}

/* Evaluate at T0 + t ms; returns the new health. */
static const struct health *
sim_eval(struct sim *s, long long t)
{
	int next = s->cur < 0 ? 0 : 1 - s->cur;
	struct health_input in = {
	    .config = s->f.config,
	    .node = s->f.node,
	    .plans = s->f.plans,
	    .kernel = s->f.kernel,
	    .n_kernel = s->f.n_kernel,
	    .frr = s->frr_down ? NULL : &s->st,
	    .members = s->n_members > 0 ? s->members : NULL,
	    .n_members = s->n_members,
	    .now_ms = T0 + t,
	    .start_ms = s->start != 0 ? T0 + s->start : 0,
	    .auth_failing = s->auth_failing,
	};

	health_events_free(&s->ev);
	if (s->cur >= 0)
		health_free(&s->h[next]);
	health_evaluate(&in, s->cur < 0 ? NULL : &s->h[s->cur], &s->h[next], &s->ev);
	s->cur = next;
	return &s->h[next];
}

static void
sim_close(struct sim *s)
{
	health_events_free(&s->ev);
	health_free(&s->h[0]);
	health_free(&s->h[1]);
	frr_state_free(&s->st);
	tu_node_close(&s->f);
}

/* Count the events of a kind. */
static size_t
n_events(const struct sim *s, enum health_event_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < s->ev.n; i++)
		n += s->ev.v[i].kind == k;
	return n;
}

static const struct health_event *
event(const struct sim *s, enum health_event_kind k)
{
	for (size_t i = 0; i < s->ev.n; i++)
		if (s->ev.v[i].kind == k)
			return &s->ev.v[i];
	ck_abort_msg("no event of kind %d", k);
	return NULL;
}

/* A neighbour sending FRR's default priority (as the recordings, made
 * before proxmesh sent priority 0, do) is hand-made; one sending 0 runs
 * proxmesh (dialect.h). Health is the same either way. */
/* The input of node f with FRR's state st at T0, membership unknown. */
static struct health_input
node_input(const struct tu_node *f, const struct frr_state *st)
{
	return (struct health_input){
	    .config = f->config,
	    .node = f->node,
	    .plans = f->plans,
	    .kernel = f->kernel,
	    .n_kernel = f->n_kernel,
	    .frr = st,
	    .now_ms = T0,
	};
}

/* Dual-stack: OSPFv3's adjacencies beside OSPF's (recorded: OSPF from the
 * IPv4 lab's converged pve-1, OSPFv3 from the dual-stack lab's, FRR 8.4).
 * Both Full: healthy. OSPFv3 lost on nic4 while OSPF stays: degraded, one
 * link event for the OSPFv3 adjacency, the IPv4 link unchanged. */
START_TEST(test_ipv6_links)
{
	_cleanup_free_ char *text =
	    tu_edit(tu_reference_mesh, (const char *const[]){"[mesh]\n", "[mesh]\nipv6 = yes\n", NULL});
	_cleanup_free_ char *nb6 = tu_read_data("frr-ipv6-lab/frr-8.4/pve-1.ipv6-ospf6-neighbor-json.txt");
	_cleanup_free_ char *bfd6 = tu_read_data("frr-ipv6-lab/frr-8.4/pve-1.bfd-peers-json.txt");
	struct tu_node f;
	struct frr_state st;
	struct health h, h2;
	struct health_events ev = {0}, ev2 = {0};
	struct health_input in;
	size_t k = 0;

	tu_node_open(&f, text, "pve-1");
	tu_frr_load("8.4", "pve-1", "converged", &st);
	ck_assert_int_eq(frrjson_parse_neighbors6(nb6, &st.neighbors6, &st.n_neighbors6), 0);
	ck_assert_uint_eq(st.n_neighbors6, 2);
	st.have_neighbors6 = true;
	/* the IPv6 BFD sessions of the dual-stack recording (the IPv4 one
	 * has none: every link would be down) */
	free(st.bfd_peers6);
	ck_assert_int_eq(frrjson_parse_bfd_peers6(bfd6, &st.bfd_peers6, &st.n_bfd_peers6), 0);
	ck_assert_uint_eq(st.n_bfd_peers6, 2);
	in = node_input(&f, &st);
	health_evaluate(&in, NULL, &h, &ev);
	ck_assert_str_eq(health_overall_str(h.overall), "healthy");
	ck_assert_str_eq(h.summary, "2/2 adjacencies full, OSPFv3 too; 1/1 loopbacks reachable");
	ck_assert(!h.links_v6);
	ck_assert_uint_eq(h.n_links6, 2);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_int_eq(h.links6[i].adjacency, NSM_FULL);
		ck_assert_int_eq(h.links6[i].diagnosis, DIAG_OK);
		ck_assert_int_eq(h.links6[i].bfd, BFD_STATUS_UP);
		ck_assert_str_eq(h.links6[i].ifname, h.links[i].ifname);
	}

	/* OSPFv3's neighbour on nic4 gone, OSPF's still there */
	for (size_t i = 0; i < st.n_neighbors6; i++)
		if (strcmp(st.neighbors6[i].ifname, "nic4") != 0)
			st.neighbors6[k++] = st.neighbors6[i];
	st.n_neighbors6 = k;
	in.now_ms = T0 + 1000;
	health_evaluate(&in, &h, &h2, &ev2);
	ck_assert_str_eq(health_overall_str(h2.overall), "degraded");
	ck_assert_str_eq(h2.summary, "2/2 adjacencies full, not OSPFv3; 1/1 loopbacks reachable");
	ck_assert_int_eq(h2.links[1].adjacency, NSM_FULL);
	ck_assert_int_eq(h2.links6[1].adjacency, NSM_DOWN);
	ck_assert_int_eq(h2.links6[1].diagnosis, DIAG_CABLE_OR_NIC);
	ck_assert_uint_eq(ev2.n, 2);
	ck_assert_int_eq(ev2.v[0].kind, HEV_LINK);
	ck_assert(ev2.v[0].v6);
	ck_assert_ptr_eq(health_event_link(&h2, &ev2.v[0]), &h2.links6[1]);
	ck_assert_int_eq(ev2.v[1].kind, HEV_OVERALL);

	health_events_free(&ev);
	health_events_free(&ev2);
	health_free(&h);
	health_free(&h2);
	frr_state_free(&st);
	tu_node_close(&f);
}
END_TEST

/* The PBS's loopback6 as a destination of pve-1 (dual-stack), from
 * zebra's "show ipv6 route ospf6 json" (written here in the shape FRR
 * prints; the lab's 71-ipv6-agents checks the real one): on the preferred
 * link, on the other one, and without a route. */
START_TEST(test_ipv6_destination)
{
	static const char *const routes[] = {
	    "{\"fd0c:103:ff::fe/128\":[{\"prefix\":\"fd0c:103:ff::fe/128\",\"selected\":true,"
	    "\"installed\":true,\"metric\":20,\"nexthops\":[{\"ip\":\"fe80::6c:3ff:fe00:3\","
	    "\"interfaceName\":\"nic4\",\"active\":true,\"fib\":true}]}]}",
	    "{\"fd0c:103:ff::fe/128\":[{\"prefix\":\"fd0c:103:ff::fe/128\",\"selected\":true,"
	    "\"installed\":true,\"metric\":65735,\"nexthops\":[{\"ip\":\"fe80::6c:2ff:fe00:3\","
	    "\"interfaceName\":\"nic3\",\"active\":true,\"fib\":true}]}]}",
	    "{}",
	};
	static const char *const want[] = {"healthy", "degraded", "broken"};
	_cleanup_free_ char *text = tu_edit(
	    tu_reference_mesh,
	    (const char *const[]){"[mesh]\n", "[mesh]\nipv6 = yes\n", "role = endpoint\n",
	                          "role = endpoint\nloopback6 = fd0c:103:ff::fe/128\n", NULL});
	_cleanup_free_ char *nb6 = tu_read_data("frr-ipv6-lab/frr-8.4/pve-1.ipv6-ospf6-neighbor-json.txt");
	struct tu_node f;
	struct frr_state st;
	struct health h = {0};

	tu_node_open(&f, text, "pve-1");
	ck_assert(f.config->nodes[2].has_loopback6);
	tu_frr_load("8.4", "pve-1", "converged", &st);
	ck_assert_int_eq(frrjson_parse_neighbors6(nb6, &st.neighbors6, &st.n_neighbors6), 0);
	st.have_neighbors6 = true;
	for (size_t k = 0; k < ARRAY_SIZE(routes); k++) {
		struct health_input in = node_input(&f, &st);
		struct health next;
		struct health_events ev = {0};
		const struct dest_health *d;
		char addr[PREFIX6_STRLEN];

		frr_routes_free(st.routes6, st.n_routes6);
		ck_assert_int_eq(frrjson_parse_routes6(routes[k], &st.routes6, &st.n_routes6), 0);
		st.have_routes6 = true;
		in.now_ms = T0 + (long long)k * 1000;
		health_evaluate(&in, k ? &h : NULL, &next, &ev);
		ck_assert_uint_eq(next.n_dests, 2);
		d = &next.dests[1];
		ck_assert(d->v6 && d->known);
		ck_assert_str_eq(health_dest_addr(d, addr), "fd0c:103:ff::fe/128");
		ck_assert_msg(!strcmp(health_overall_str(next.overall), want[k]), "%zu: %s", k,
		              health_overall_str(next.overall));
		ck_assert_int_eq(d->reachable, k < 2);
		ck_assert_int_eq(d->preferred, k == 0);
		ck_assert_str_eq(d->via, k == 0 ? "nic4" : k == 1 ? "nic3" : "");
		ck_assert_str_eq(health_dest_addr(&next.dests[0], addr), "192.168.103.254/32");
		if (k > 0) { /* a change of the IPv6 destination alone is reported */
			ck_assert_uint_ge(ev.n, 1);
			ck_assert_int_eq(ev.v[0].kind, HEV_DESTINATION);
			ck_assert_uint_eq(ev.v[0].index, 1);
		}
		health_events_free(&ev);
		health_free(&h);
		h = next;
	}
	health_free(&h);
	frr_state_free(&st);
	tu_node_close(&f);
}
END_TEST

/* IPv6-only, the PBS's cable to pve-1 cut: pve-1's loopback6 still comes
 * via pve-2, so pve-1 is alive and the link reads cable-or-nic, not
 * peer-offline. */
START_TEST(test_ipv6_only_peer_alive)
{
	_cleanup_free_ char *text = tu_edit(
	    tu_reference_mesh,
	    (const char *const[]){"prefix = 192.168.103.0/24\n", "ipv6 = yes\n",
	                          "router-id = 192.168.102.1\n",
	                          "router-id = 192.168.102.1\nloopback6 = fd0c:103:ff::1/128\n",
	                          NULL});
	static const char nb6[] =
	    "{\"neighbors\":[{\"neighborId\":\"192.168.102.2\",\"state\":\"Full\","
	    "\"interfaceName\":\"nic4\"}]}";
	static const char rt6[] =
	    "{\"fd0c:103:ff::1/128\":[{\"prefix\":\"fd0c:103:ff::1/128\",\"selected\":true,"
	    "\"installed\":true,\"nexthops\":[{\"ip\":\"fe80::1\",\"interfaceName\":\"nic4\","
	    "\"active\":true}]}]}";
	struct tu_node f;
	struct frr_state st = {0};
	struct health h;
	struct health_events ev = {0};
	struct health_input in;
	char buf[PREFIX6_STRLEN];

	tu_node_open(&f, text, "pbs");
	ck_assert(f.config->nodes[0].has_loopback6 && !f.config->has_prefix);
	ck_assert_int_eq(frrjson_parse_neighbors6(nb6, &st.neighbors6, &st.n_neighbors6), 0);
	ck_assert_int_eq(frrjson_parse_routes6(rt6, &st.routes6, &st.n_routes6), 0);
	st.have_neighbors6 = st.have_routes6 = true;
	st.have_neighbors = st.have_interfaces = st.have_routes = true;
	in = node_input(&f, &st);
	health_evaluate(&in, NULL, &h, &ev);
	ck_assert(h.links_v6);
	ck_assert_str_eq(h.links[0].ifname, "nic3");
	ck_assert_int_eq(h.links[0].adjacency, NSM_DOWN);
	ck_assert_str_eq(link_diag_str(h.links[0].diagnosis), "cable-or-nic");
	ck_assert_uint_eq(h.n_dests, 1);
	ck_assert_str_eq(health_dest_addr(&h.dests[0], buf), "fd0c:103:ff::1/128");
	ck_assert(h.dests[0].reachable);
	health_events_free(&ev);
	health_free(&h);
	frr_state_free(&st);
	tu_node_close(&f);
}
END_TEST

/* IPv6-only: the links are OSPFv3's; no IPv4 loopback is judged. */
START_TEST(test_ipv6_only_links)
{
	_cleanup_free_ char *text = tu_edit(
	    tu_reference_mesh,
	    (const char *const[]){"prefix = 192.168.103.0/24\n", "ipv6 = yes\n", NULL});
	_cleanup_free_ char *nb6 = tu_read_data("frr-ipv6-lab/frr-10.3/pve-2.ipv6-ospf6-neighbor-json.txt");
	struct tu_node f;
	struct frr_state st = {0};
	struct health h;
	struct health_events ev = {0};
	struct health_input in;

	tu_node_open(&f, text, "pve-2");
	ck_assert_int_eq(frrjson_parse_neighbors6(nb6, &st.neighbors6, &st.n_neighbors6), 0);
	st.have_neighbors6 = st.have_neighbors = st.have_interfaces = st.have_routes = true;
	in = node_input(&f, &st);
	health_evaluate(&in, NULL, &h, &ev);
	ck_assert(h.links_v6);
	ck_assert_uint_eq(h.n_links6, 0);
	ck_assert_uint_eq(h.n_dests, 0);
	ck_assert_str_eq(health_overall_str(h.overall), "healthy");
	ck_assert_str_eq(h.summary, "2/2 OSPFv3 adjacencies full; 0/0 loopbacks reachable");
	health_events_free(&ev);
	health_free(&h);
	frr_state_free(&st);
	tu_node_close(&f);
}
END_TEST

START_TEST(test_peer_handmade)
{
	const char *v = _i ? "10.3" : "8.4";
	struct sim s;
	const struct health *h;

	sim_open(&s, tu_reference_mesh, "pve-1");
	sim_recorded(&s, v, "pve-1", "converged");
	h = sim_eval(&s, 0);
	ck_assert_int_eq(h->overall, HEALTH_HEALTHY);
	for (size_t i = 0; i < h->n_links; i++)
		ck_assert(h->links[i].peer_handmade);
	for (size_t i = 0; i < s.st.n_neighbors; i++)
		s.st.neighbors[i].priority = DIALECT_PRIORITY;
	h = sim_eval(&s, 1000);
	for (size_t i = 0; i < h->n_links; i++)
		ck_assert(!h->links[i].peer_handmade);
	/* priority not printed: not known to be hand-made */
	for (size_t i = 0; i < s.st.n_neighbors; i++)
		s.st.neighbors[i].priority = -1;
	h = sim_eval(&s, 2000);
	for (size_t i = 0; i < h->n_links; i++)
		ck_assert(!h->links[i].peer_handmade);
	ck_assert_int_eq(h->overall, HEALTH_HEALTHY);
	sim_close(&s);
}
END_TEST

START_TEST(test_events_cut_heal)
{
	const char *v = _i ? "10.3" : "8.4";
	struct sim s;
	const struct health *h;
	const struct health_event *e;

	sim_open(&s, tu_reference_mesh, "pve-1");
	s.n_members = parse_members("pve-1=1,pve-2=1", s.members, 4);

	sim_recorded(&s, v, "pve-1", "converged");
	h = sim_eval(&s, 0);
	ck_assert_int_eq(h->overall, HEALTH_HEALTHY);
	ck_assert_uint_eq(s.ev.n, 1); /* the initial health only */
	ck_assert_int_eq(event(&s, HEV_OVERALL)->overall, HEALTH_HEALTHY);

	h = sim_eval(&s, 2000);
	ck_assert_uint_eq(s.ev.n, 0); /* nothing changed: nothing to say */

	sim_recorded(&s, v, "pve-1", "cut");
	h = sim_eval(&s, 5000);
	ck_assert_int_eq(h->overall, HEALTH_DEGRADED);
	ck_assert_uint_eq(s.ev.n, 3);
	e = event(&s, HEV_LINK);
	ck_assert_str_eq(h->links[e->index].ifname, "nic4");
	ck_assert_str_eq(h->links[e->index].peer, "pbs");
	ck_assert_int_eq(e->diagnosis, DIAG_CABLE_OR_NIC);
	ck_assert_int_eq(e->prev_diagnosis, DIAG_OK);
	ck_assert_int_eq(e->adjacency, NSM_DOWN);
	ck_assert_int_eq(e->prev_adjacency, NSM_FULL);
	ck_assert(!e->initial);
	ck_assert_uint_eq(h->links[e->index].flaps, 1);
	ck_assert_int_eq(h->links[e->index].since_ms, T0 + 5000);
	ck_assert_int_eq(h->links[e->index].peer_online, TRI_UNKNOWN); /* external */
	ck_assert(h->links[e->index].peer_alive);
	e = event(&s, HEV_DESTINATION);
	ck_assert(e->reachable && !e->preferred && e->prev_reachable && e->prev_preferred);
	ck_assert_int_eq(event(&s, HEV_OVERALL)->prev_overall, HEALTH_HEALTHY);

	h = sim_eval(&s, 7000);
	ck_assert_uint_eq(s.ev.n, 0);
	ck_assert_int_eq(find_link(h, "nic4")->since_ms, T0 + 5000);
	ck_assert_int_eq(find_link(h, "nic3")->since_ms, T0);

	sim_recorded(&s, v, "pve-1", "converged");
	h = sim_eval(&s, 9000);
	ck_assert_int_eq(h->overall, HEALTH_HEALTHY);
	ck_assert_uint_eq(s.ev.n, 3);
	e = event(&s, HEV_LINK);
	ck_assert_int_eq(e->diagnosis, DIAG_OK);
	ck_assert_int_eq(e->prev_diagnosis, DIAG_CABLE_OR_NIC);
	ck_assert_uint_eq(find_link(h, "nic4")->flaps, 1);
	ck_assert(event(&s, HEV_DESTINATION)->preferred);
	sim_close(&s);
}
END_TEST

START_TEST(test_frr_down_and_back)
{
	struct sim s;
	const struct health *h;

	sim_open(&s, tu_reference_mesh, "pve-1");
	sim_recorded(&s, "10.3", "pve-1", "cut");
	sim_eval(&s, 0);
	ck_assert_uint_eq(n_events(&s, HEV_LINK), 1);

	s.frr_down = true;
	h = sim_eval(&s, 1000);
	ck_assert_int_eq(h->overall, HEALTH_UNKNOWN);
	ck_assert_str_eq(h->summary, "FRR not answering");
	ck_assert_int_eq(h->links[0].adjacency, NSM_UNKNOWN);
	ck_assert_int_eq(h->links[0].diagnosis, DIAG_UNKNOWN);
	ck_assert_int_eq(h->links[0].bfd, BFD_STATUS_UNKNOWN);
	ck_assert(!h->dests[0].known);
	ck_assert(!h->dests[0].reachable);
	/* only the overall health changes; links and destinations wait */
	ck_assert_uint_eq(s.ev.n, 1);
	ck_assert_int_eq(event(&s, HEV_OVERALL)->overall, HEALTH_UNKNOWN);

	/* FRR back in the same state: nothing to say about the links */
	s.frr_down = false;
	h = sim_eval(&s, 2000);
	ck_assert_int_eq(h->overall, HEALTH_DEGRADED);
	ck_assert_uint_eq(s.ev.n, 1);
	ck_assert_int_eq(event(&s, HEV_OVERALL)->prev_overall, HEALTH_UNKNOWN);
	ck_assert_uint_eq(find_link(h, "nic4")->flaps, 0);
	sim_close(&s);
}
END_TEST

/* pve-1 with the PBS dead: neither its adjacency nor its loopback */
static const char nbr_only_pve2[] = "{\"neighbors\":{\"192.168.102.2\":[{\"nbrState\":\"Full/-\","
                                    "\"ifaceName\":\"nic3:192.168.103.1\",\"ifaceAddress\":"
                                    "\"192.168.103.2\",\"upTimeInMsec\":50000}]}}";
static const char bfd_only_pve2[] = "[{\"peer\":\"192.168.103.2\",\"interface\":\"nic3\","
                                    "\"status\":\"up\"},{\"peer\":\"192.168.103.6\","
                                    "\"interface\":\"nic4\",\"status\":\"down\"}]";

START_TEST(test_peer_offline_broken)
{
	struct sim s;
	const struct health *h;
	const struct link_health *l;

	sim_open(&s, tu_reference_mesh, "pve-1");
	s.n_members = parse_members("pve-1=1,pve-2=1", s.members, 4);
	sim_frr(&s, nbr_only_pve2, "{}", bfd_only_pve2);
	h = sim_eval(&s, 0);
	l = find_link(h, "nic4");
	ck_assert_int_eq(l->diagnosis, DIAG_PEER_OFFLINE);
	ck_assert_int_eq(l->bfd, BFD_STATUS_DOWN);
	ck_assert(!l->peer_alive);
	ck_assert(!h->dests[0].reachable);
	ck_assert_str_eq(h->dests[0].via, "");
	ck_assert_int_eq(h->overall, HEALTH_BROKEN);
	ck_assert_str_eq(h->summary, "1/2 adjacencies full; 0/1 loopbacks reachable");
	ck_assert_uint_eq(n_events(&s, HEV_LINK), 1);
	ck_assert_uint_eq(n_events(&s, HEV_DESTINATION), 1);
	sim_close(&s);
}
END_TEST

/* The reference mesh with loopbacks on the PVE nodes too. */
static const char loopback_conf[] = "[mesh]\n"
                                    "prefix = 192.168.103.0/24\n"
                                    "[node pve-1]\n"
                                    "id = 1\n"
                                    "loopback = 192.168.102.1/32\n"
                                    "link = pve-2 nic3 cost 200\n"
                                    "link = pbs nic4 cost 10\n"
                                    "[node pve-2]\n"
                                    "id = 2\n"
                                    "loopback = 192.168.102.2/32\n"
                                    "link = pve-1 nic3 cost 200\n"
                                    "link = pbs nic4 cost 10\n"
                                    "[node pbs]\n"
                                    "id = 3\n"
                                    "router-id = 192.168.102.3\n"
                                    "role = endpoint\n"
                                    "external = yes\n"
                                    "loopback = 192.168.103.254/32\n"
                                    "link = pve-1 nic3\n"
                                    "link = pve-2 nic4\n";

static const char nbr_pve2_both_full[] =
    "{\"neighbors\":{"
    "\"192.168.102.1\":[{\"nbrState\":\"Full/-\",\"ifaceName\":\"nic3:192.168.103.2\","
    "\"ifaceAddress\":\"192.168.103.1\",\"upTimeInMsec\":50000}],"
    "\"192.168.102.3\":[{\"nbrState\":\"Full/-\",\"ifaceName\":\"nic4:192.168.103.9\","
    "\"ifaceAddress\":\"192.168.103.10\",\"upTimeInMsec\":50000}]}}";
static const char nbr_pve2_nic3_down[] =
    "{\"neighbors\":{"
    "\"192.168.102.3\":[{\"nbrState\":\"Full/-\",\"ifaceName\":\"nic4:192.168.103.9\","
    "\"ifaceAddress\":\"192.168.103.10\",\"upTimeInMsec\":50000}]}}";
static const char bfd_pve2_up[] = "[{\"peer\":\"192.168.103.1\",\"interface\":\"nic3\",\"status\":"
                                  "\"up\"},{\"peer\":\"192.168.103.10\",\"interface\":\"nic4\","
                                  "\"status\":\"up\"}]";

#define ROUTE(pfx, ip, ifname, metric)                                                             \
	"\"" pfx "\":[{\"prefix\":\"" pfx "\",\"protocol\":\"ospf\",\"selected\":true,"            \
	"\"installed\":true,\"metric\":" #metric ",\"nexthops\":[{\"ip\":\"" ip "\","              \
	"\"interfaceName\":\"" ifname "\",\"active\":true,\"fib\":true}]}]"

START_TEST(test_endpoint_not_transit)
{
	struct sim s;
	const struct health *h;
	const struct dest_health *d1, *dp;

	/* pve-2's direct link to pve-1 is down: OSPF routes pve-1's loopback
	 * through the PBS (max-metric), which won't forward: unreachable */
	sim_open(&s, loopback_conf, "pve-2");
	sim_frr(&s, nbr_pve2_nic3_down,
	        "{" ROUTE("192.168.102.1/32", "192.168.103.10", "nic4",
	                  65545) "," ROUTE("192.168.103.254/32", "192.168.103.10", "nic4", 10) "}",
	        bfd_pve2_up);
	h = sim_eval(&s, 0);
	ck_assert_uint_eq(h->n_dests, 2);
	d1 = &h->dests[0];
	dp = &h->dests[1];
	ck_assert_str_eq(d1->node, "pve-1");
	ck_assert(!d1->reachable);
	ck_assert_str_eq(dp->node, "pbs");
	ck_assert(dp->reachable && dp->preferred);
	ck_assert_str_eq(dp->via, "nic4");
	ck_assert_int_eq(h->overall, HEALTH_BROKEN);
	ck_assert_str_eq(h->summary, "1/2 adjacencies full; 1/2 loopbacks reachable");
	/* pve-1 has a loopback but it is not reached: without membership the
	 * peer is offline */
	ck_assert_int_eq(find_link(h, "nic3")->diagnosis, DIAG_PEER_OFFLINE);
	sim_close(&s);

	/* converged: pve-1 directly (cost 200 is the only path: preferred) */
	sim_open(&s, loopback_conf, "pve-2");
	sim_frr(&s, nbr_pve2_both_full,
	        "{" ROUTE("192.168.102.1/32", "192.168.103.1", "nic3",
	                  200) "," ROUTE("192.168.103.254/32", "192.168.103.10", "nic4", 10) "}",
	        bfd_pve2_up);
	h = sim_eval(&s, 0);
	ck_assert(h->dests[0].reachable && h->dests[0].preferred);
	ck_assert_int_eq(h->overall, HEALTH_HEALTHY);
	ck_assert_str_eq(h->summary, "2/2 adjacencies full; 2/2 loopbacks reachable");
	sim_close(&s);
}
END_TEST

START_TEST(test_peer_alive_via_loopback)
{
	struct sim s;
	const struct health *h;

	/* pve-2 loses nic3 but reaches pve-1's loopback... only through the
	 * PBS, which does not count: no membership → peer-offline; with the
	 * cluster saying online → cable-or-nic */
	sim_open(&s, loopback_conf, "pve-2");
	s.n_members = parse_members("pve-1=1,pve-2=1", s.members, 4);
	sim_frr(&s, nbr_pve2_nic3_down,
	        "{" ROUTE("192.168.102.1/32", "192.168.103.10", "nic4", 65545) "}", bfd_pve2_up);
	h = sim_eval(&s, 0);
	ck_assert_int_eq(find_link(h, "nic3")->diagnosis, DIAG_CABLE_OR_NIC);
	ck_assert_int_eq(find_link(h, "nic3")->peer_online, TRI_YES);
	sim_close(&s);

	/* the PBS sees pve-1's loopback via pve-2 after losing its nic3 */
	sim_open(&s, loopback_conf, "pbs");
	sim_frr(&s,
	        "{\"neighbors\":{\"192.168.102.2\":[{\"nbrState\":\"Full/-\",\"ifaceName\":"
	        "\"nic4:192.168.103.10\",\"ifaceAddress\":\"192.168.103.9\"}]}}",
	        "{" ROUTE("192.168.102.1/32", "192.168.103.9", "nic4",
	                  210) "," ROUTE("192.168.102.2/32", "192.168.103.9", "nic4", 10) "}",
	        "[]");
	h = sim_eval(&s, 0);
	ck_assert_int_eq(find_link(h, "nic3")->diagnosis, DIAG_CABLE_OR_NIC);
	ck_assert_int_eq(find_link(h, "nic3")->bfd, BFD_STATUS_DOWN);
	ck_assert(h->dests[0].reachable && !h->dests[0].preferred);
	ck_assert_str_eq(h->dests[0].via, "nic4");
	ck_assert_int_eq(h->overall, HEALTH_DEGRADED);
	sim_close(&s);
}
END_TEST

/* A link without adjacency whose peer's packets ospfd rejects for their
 * authentication is auth-mismatch, and its peer alive; only with a key
 * configured, and only when the log was looked at. */
START_TEST(test_auth_mismatch)
{
	struct strv nic3 = {0}, other = {0};
	struct sim s;
	const struct health *h;

	strv_push_dup(&nic3, "nic3");
	strv_push_dup(&other, "nic9");
	sim_open(&s, loopback_conf, "pve-2");
	sim_frr(&s, nbr_pve2_nic3_down,
	        "{" ROUTE("192.168.102.1/32", "192.168.103.10", "nic4", 65545) "}", bfd_pve2_up);
	/* no key configured: ospfd's lines are not ours to judge */
	s.auth_failing = &nic3;
	ck_assert_int_eq(sim_eval(&s, 0)->links[0].diagnosis, DIAG_PEER_OFFLINE);
	s.s_key = xstrdup("/etc/proxmesh/ospf.key");
	s.f.config->auth_key_file = s.s_key;
	h = sim_eval(&s, 1000);
	ck_assert_int_eq(find_link(h, "nic3")->diagnosis, DIAG_AUTH_MISMATCH);
	ck_assert(find_link(h, "nic3")->peer_alive);
	ck_assert_int_eq(find_link(h, "nic4")->diagnosis, DIAG_OK);
	ck_assert_str_eq(link_diag_str(DIAG_AUTH_MISMATCH), "auth-mismatch");
	ck_assert_int_eq(event(&s, HEV_LINK)->diagnosis, DIAG_AUTH_MISMATCH);
	/* another interface's failures, or the log not looked at */
	s.auth_failing = &other;
	ck_assert_int_eq(find_link(sim_eval(&s, 2000), "nic3")->diagnosis, DIAG_PEER_OFFLINE);
	s.auth_failing = NULL;
	ck_assert_int_eq(find_link(sim_eval(&s, 3000), "nic3")->diagnosis, DIAG_PEER_OFFLINE);
	/* the cluster says pve-1 is online: still the key, not the cable */
	s.auth_failing = &nic3;
	s.n_members = parse_members("pve-1=1,pve-2=1", s.members, 4);
	ck_assert_int_eq(find_link(sim_eval(&s, 4000), "nic3")->diagnosis, DIAG_AUTH_MISMATCH);
	s.f.config->auth_key_file = NULL;
	free(s.s_key);
	sim_close(&s);
	strv_free(&nic3);
	strv_free(&other);
}
END_TEST

static char *
nbr_pve1_nic3(const char *state, long long uptime)
{
	return xasprintf("{\"neighbors\":{"
	                 "\"192.168.102.2\":[{\"nbrState\":\"%s\",\"ifaceName\":"
	                 "\"nic3:192.168.103.1\",\"ifaceAddress\":\"192.168.103.2\","
	                 "\"upTimeInMsec\":%lld}],"
	                 "\"192.168.102.3\":[{\"nbrState\":\"Full/-\",\"ifaceName\":"
	                 "\"nic4:192.168.103.5\",\"ifaceAddress\":\"192.168.103.6\","
	                 "\"upTimeInMsec\":90000}]}}",
	                 state, uptime);
}

static const char routes_pve1[] = "{" ROUTE("192.168.103.254/32", "192.168.103.6", "nic4", 10) "}";
static const char bfd_pve1_up[] = "[{\"peer\":\"192.168.103.2\",\"interface\":\"nic3\",\"status\":"
                                  "\"up\"},{\"peer\":\"192.168.103.6\",\"interface\":\"nic4\","
                                  "\"status\":\"up\"}]";

/* Forming states are not diagnosed until they last HEALTH_STUCK_DEAD_INTERVALS
 * dead intervals (3 × 3 s here). */
START_TEST(test_stuck_states)
{
	static const struct {
		const char *state;
		enum link_diag diag;
	} cases[] = {
	    {"ExStart/-", DIAG_MTU_MISMATCH}, {"Exchange/-", DIAG_MTU_MISMATCH},
	    {"Init/-", DIAG_ONE_WAY},         {"2-Way/-", DIAG_CABLE_OR_NIC},
	    {"Loading/-", DIAG_CABLE_OR_NIC},
	};
	struct sim s;
	const struct health *h;
	_cleanup_free_ char *full = nbr_pve1_nic3("Full/-", 90000);
	_cleanup_free_ char *forming = nbr_pve1_nic3(cases[_i].state, 100);

	sim_open(&s, tu_reference_mesh, "pve-1");
	s.n_members = parse_members("pve-2=1", s.members, 4);
	sim_frr(&s, full, routes_pve1, bfd_pve1_up);
	sim_eval(&s, 0);

	sim_frr(&s, forming, routes_pve1, bfd_pve1_up);
	h = sim_eval(&s, 1000);
	ck_assert_int_eq(find_link(h, "nic3")->diagnosis, DIAG_OK); /* still forming */
	ck_assert_uint_eq(find_link(h, "nic3")->flaps, 1);
	ck_assert_uint_eq(n_events(&s, HEV_LINK), 0);
	ck_assert_int_eq(h->overall, HEALTH_DEGRADED);
	h = sim_eval(&s, 9999);
	ck_assert_int_eq(find_link(h, "nic3")->diagnosis, DIAG_OK);
	ck_assert_uint_eq(n_events(&s, HEV_LINK), 0);
	h = sim_eval(&s, 10000);
	ck_assert_int_eq(find_link(h, "nic3")->diagnosis, cases[_i].diag);
	ck_assert_uint_eq(n_events(&s, HEV_LINK), 1);
	ck_assert_int_eq(event(&s, HEV_LINK)->prev_diagnosis, DIAG_OK);
	h = sim_eval(&s, 20000);
	ck_assert_uint_eq(n_events(&s, HEV_LINK), 0);

	/* back to Full: recovered */
	sim_frr(&s, full, routes_pve1, bfd_pve1_up);
	h = sim_eval(&s, 21000);
	ck_assert_int_eq(find_link(h, "nic3")->diagnosis, DIAG_OK);
	ck_assert_uint_eq(n_events(&s, HEV_LINK), 1);
	ck_assert_uint_eq(find_link(h, "nic3")->flaps, 1);
	sim_close(&s);
}
END_TEST

START_TEST(test_exstart_exchange_one_class)
{
	struct sim s;
	const struct health *h;
	_cleanup_free_ char *a = nbr_pve1_nic3("ExStart/-", 100);
	_cleanup_free_ char *b = nbr_pve1_nic3("Exchange/-", 100);

	sim_open(&s, tu_reference_mesh, "pve-1");
	sim_frr(&s, a, routes_pve1, bfd_pve1_up);
	h = sim_eval(&s, 0);
	ck_assert_int_eq(find_link(h, "nic3")->diagnosis, DIAG_OK);
	sim_frr(&s, b, routes_pve1, bfd_pve1_up);
	sim_eval(&s, 5000);
	sim_frr(&s, a, routes_pve1, bfd_pve1_up);
	h = sim_eval(&s, 9000);
	ck_assert_int_eq(find_link(h, "nic3")->diagnosis, DIAG_MTU_MISMATCH);
	sim_close(&s);
}
END_TEST

START_TEST(test_cable_fault_then_forming)
{
	struct sim s;
	const struct health *h;
	_cleanup_free_ char *init = nbr_pve1_nic3("Init/-", 100);

	/* neighbour gone (cable-or-nic), then back in Init: the diagnosis
	 * stays until Full or stuck */
	sim_open(&s, tu_reference_mesh, "pve-1");
	s.n_members = parse_members("pve-2=1", s.members, 4);
	sim_frr(&s,
	        "{\"neighbors\":{\"192.168.102.3\":[{\"nbrState\":\"Full/-\",\"ifaceName\":"
	        "\"nic4:192.168.103.5\",\"ifaceAddress\":\"192.168.103.6\"}]}}",
	        routes_pve1, bfd_pve1_up);
	h = sim_eval(&s, 0);
	ck_assert_int_eq(find_link(h, "nic3")->diagnosis, DIAG_CABLE_OR_NIC);
	ck_assert_int_eq(find_link(h, "nic3")->peer_online, TRI_YES);
	ck_assert_uint_eq(n_events(&s, HEV_LINK), 1);
	ck_assert(event(&s, HEV_LINK)->initial);
	sim_frr(&s, init, routes_pve1, bfd_pve1_up);
	h = sim_eval(&s, 1000);
	ck_assert_int_eq(find_link(h, "nic3")->diagnosis, DIAG_CABLE_OR_NIC);
	ck_assert_uint_eq(s.ev.n, 0);
	sim_close(&s);
}
END_TEST

START_TEST(test_bfd_off_and_missing_data)
{
	static const char conf[] = "[mesh]\n"
	                           "prefix = 192.168.103.0/24\n"
	                           "bfd = no\n"
	                           "[node a]\n"
	                           "id = 1\n"
	                           "router-id = 10.0.0.1\n"
	                           "link = b eth1\n"
	                           "[node b]\n"
	                           "id = 2\n"
	                           "router-id = 10.0.0.2\n"
	                           "link = a eth1\n";
	struct sim s;
	const struct health *h;

	sim_open(&s, conf, "a");
	sim_frr(&s,
	        "{\"neighbors\":{\"10.0.0.2\":[{\"nbrState\":\"Full/-\",\"ifaceName\":"
	        "\"eth1:192.168.103.1\"}]}}",
	        "{}", "[]");
	h = sim_eval(&s, 0);
	ck_assert_int_eq(h->links[0].bfd, BFD_OFF);
	ck_assert_str_eq(link_bfd_str(h->links[0].bfd), "off");
	ck_assert_int_eq(h->overall, HEALTH_HEALTHY);
	ck_assert_str_eq(h->summary, "1/1 adjacencies full; 0/0 loopbacks reachable");
	/* no kernel entry at all for the interface */
	s.f.n_kernel = 0;
	h = sim_eval(&s, 1000);
	ck_assert_int_eq(h->links[0].diagnosis, DIAG_INTERFACE_MISSING);
	ck_assert_int_eq(h->links[0].link, LINK_MISSING);
	ck_assert_int_eq(h->overall, HEALTH_DEGRADED);
	sim_close(&s);
}
END_TEST

/* FRR answering, OSPF not yet: no neighbour, no route, BFD sessions down */
static const char nbr_none[] = "{\"neighbors\":{}}";

static void
sim_set_kernel(struct sim *s, const char *ifname, bool exists, bool up)
{
	struct kernel_link *k = tu_node_kernel(&s->f, ifname);

	k->exists = exists;
	k->up = k->carrier = up;
}

/* pve-1 of the reference mesh, its agent just started (at T0 + 1 ms). */
static void
sim_boot(struct sim *s, const char *members)
{
	sim_open(s, tu_reference_mesh, "pve-1");
	s->n_members = parse_members(members, s->members, ARRAY_SIZE(s->members));
	s->start = 1;
}

/* At start-up (every boot) OSPF has not converged yet: nothing is reported
 * until it has, during the grace of HEALTH_GRACE_DEAD_INTERVALS dead
 * intervals (4 × 3 s) from FRR's first answer. */
START_TEST(test_startup_grace_converges)
{
	const char *v = _i ? "10.3" : "8.4";
	struct sim s;
	const struct health *h;

	sim_boot(&s, "pve-1=1,pve-2=1"); /* the agent started at T0 + 1 ms */

	s.frr_down = true; /* FRR still starting: not even unknown is said */
	h = sim_eval(&s, 100);
	ck_assert_int_eq(h->overall, HEALTH_UNKNOWN);
	ck_assert(h->starting);
	ck_assert_str_eq(h->summary, "starting: FRR not answering");
	ck_assert_uint_eq(s.ev.n, 0);
	ck_assert_int_eq(h->grace_until_ms, 0);

	s.frr_down = false;
	sim_frr(&s, nbr_none, "{}", "[]");
	h = sim_eval(&s, 3000); /* FRR answers: the grace runs from here */
	ck_assert_int_eq(h->grace_until_ms, T0 + 3000 + 4 * 3000);
	ck_assert_int_eq(h->overall, HEALTH_BROKEN);
	ck_assert_int_eq(find_link(h, "nic3")->diagnosis, DIAG_CABLE_OR_NIC);
	ck_assert_int_eq(find_link(h, "nic4")->diagnosis, DIAG_PEER_OFFLINE);
	ck_assert(!h->dests[0].reachable);
	ck_assert(h->starting);
	ck_assert_str_eq(h->summary, "starting: 0/2 adjacencies full; 0/1 loopbacks reachable");
	ck_assert_uint_eq(s.ev.n, 0);

	sim_recorded(&s, v, "pve-1", "cut"); /* one adjacency up */
	h = sim_eval(&s, 6000);
	ck_assert_int_eq(h->overall, HEALTH_DEGRADED);
	ck_assert(h->starting);
	ck_assert_uint_eq(s.ev.n, 0);

	sim_recorded(&s, v, "pve-1", "converged");
	h = sim_eval(&s, 8000);
	ck_assert_int_eq(h->overall, HEALTH_HEALTHY);
	ck_assert(!h->starting); /* converged: the grace is over */
	ck_assert_str_eq(h->summary, "2/2 adjacencies full; 1/1 loopbacks reachable");
	ck_assert_uint_eq(s.ev.n, 1); /* "healthy", the first state reported */
	ck_assert_int_eq(event(&s, HEV_OVERALL)->overall, HEALTH_HEALTHY);
	ck_assert(event(&s, HEV_OVERALL)->initial);

	/* after the grace a fault is reported at once, as always */
	sim_recorded(&s, v, "pve-1", "cut");
	h = sim_eval(&s, 9000);
	ck_assert(!h->starting);
	ck_assert_uint_eq(n_events(&s, HEV_LINK), 1);
	ck_assert_int_eq(event(&s, HEV_LINK)->diagnosis, DIAG_CABLE_OR_NIC);
	ck_assert_int_eq(event(&s, HEV_LINK)->prev_diagnosis, DIAG_OK);
	ck_assert_uint_eq(n_events(&s, HEV_DESTINATION), 1);
	ck_assert_int_eq(event(&s, HEV_OVERALL)->overall, HEALTH_DEGRADED);
	sim_close(&s);
}
END_TEST

/* The same start without convergence: once the grace is over, every fault
 * is reported as it would have been at once. */
START_TEST(test_startup_grace_expires)
{
	const char *v = _i ? "10.3" : "8.4";
	struct sim s;
	const struct health *h;

	sim_boot(&s, "pve-1=1,pve-2=1");
	sim_frr(&s, nbr_none, "{}", "[]");
	h = sim_eval(&s, 500);
	ck_assert(h->starting);
	ck_assert_uint_eq(s.ev.n, 0);
	h = sim_eval(&s, 500 + 11999);
	ck_assert(h->starting);
	ck_assert_uint_eq(s.ev.n, 0);
	h = sim_eval(&s, 500 + 12000);
	ck_assert(!h->starting);
	ck_assert_str_eq(h->summary, "0/2 adjacencies full; 0/1 loopbacks reachable");
	ck_assert_uint_eq(n_events(&s, HEV_LINK), 2);
	for (size_t i = 0; i < s.ev.n; i++)
		ck_assert(s.ev.v[i].initial);
	ck_assert_int_eq(event(&s, HEV_LINK)->diagnosis, DIAG_CABLE_OR_NIC);
	ck_assert_uint_eq(n_events(&s, HEV_DESTINATION), 1);
	ck_assert(!event(&s, HEV_DESTINATION)->reachable);
	ck_assert_int_eq(event(&s, HEV_OVERALL)->overall, HEALTH_BROKEN);
	h = sim_eval(&s, 500 + 14000);
	ck_assert_uint_eq(s.ev.n, 0);
	sim_close(&s);

	/* recorded: stuck with one adjacency down */
	sim_boot(&s, NULL);
	sim_recorded(&s, v, "pve-1", "cut");
	sim_eval(&s, 500);
	ck_assert_uint_eq(s.ev.n, 0);
	h = sim_eval(&s, 500 + 12000);
	ck_assert_uint_eq(n_events(&s, HEV_LINK), 1);
	ck_assert_str_eq(h->links[event(&s, HEV_LINK)->index].ifname, "nic4");
	ck_assert(!event(&s, HEV_DESTINATION)->preferred);
	ck_assert_int_eq(event(&s, HEV_OVERALL)->overall, HEALTH_DEGRADED);
	sim_close(&s);

	/* FRR never answers: the grace ends at its bound, then "unknown" */
	sim_boot(&s, NULL);
	s.frr_down = true;
	sim_eval(&s, 500);
	h = sim_eval(&s, HEALTH_GRACE_MAX_MS - 1);
	ck_assert(h->starting);
	ck_assert_uint_eq(s.ev.n, 0);
	h = sim_eval(&s, HEALTH_GRACE_MAX_MS + 1);
	ck_assert(!h->starting);
	ck_assert_uint_eq(s.ev.n, 1);
	ck_assert_int_eq(event(&s, HEV_OVERALL)->overall, HEALTH_UNKNOWN);
	sim_close(&s);
}
END_TEST

/* A late NIC (a Thunderbolt link appears seconds into the boot): missing at
 * the start, it appears within the grace; while its adjacency forms neither
 * it nor the backup path it leaves to the PBS is reported. */
START_TEST(test_late_link_in_grace)
{
	const char *v = _i ? "10.3" : "8.4";
	struct sim s;
	const struct health *h;
	const struct link_health *l;

	sim_boot(&s, "pve-1=1,pve-2=1");
	sim_set_kernel(&s, "nic4", false, false);
	sim_recorded(&s, v, "pve-1", "cut");
	h = sim_eval(&s, 500);
	ck_assert_int_eq(find_link(h, "nic4")->diagnosis, DIAG_INTERFACE_MISSING);
	ck_assert_uint_eq(s.ev.n, 0);

	sim_set_kernel(&s, "nic4", true, false); /* appears, down */
	h = sim_eval(&s, 10000);
	l = find_link(h, "nic4");
	ck_assert_int_eq(l->diagnosis, DIAG_LINK_DOWN);
	ck_assert(l->forming);
	ck_assert_int_eq(l->forming_until_ms, T0 + 10000 + 3 * 3000);
	ck_assert_uint_eq(s.ev.n, 0);
	sim_set_kernel(&s, "nic4", true, true); /* up: the hold starts again */
	h = sim_eval(&s, 10500);
	l = find_link(h, "nic4");
	ck_assert_int_eq(l->diagnosis, DIAG_CABLE_OR_NIC);
	ck_assert(l->forming);
	ck_assert_int_eq(l->forming_until_ms, T0 + 10500 + 3 * 3000);
	ck_assert_uint_eq(s.ev.n, 0);
	/* past the grace of 12 s, the link still forming keeps it */
	h = sim_eval(&s, 14000);
	ck_assert(h->starting);
	ck_assert(find_link(h, "nic4")->forming);
	ck_assert_uint_eq(s.ev.n, 0);

	sim_recorded(&s, v, "pve-1", "converged");
	h = sim_eval(&s, 15000);
	l = find_link(h, "nic4");
	ck_assert_int_eq(l->diagnosis, DIAG_OK);
	ck_assert(!l->forming);
	ck_assert(!h->starting);
	ck_assert_uint_eq(s.ev.n, 1);
	ck_assert_int_eq(event(&s, HEV_OVERALL)->overall, HEALTH_HEALTHY);
	sim_close(&s);
}
END_TEST

/* A NIC that appears long after the start (reported missing by then): no
 * warning while its adjacency forms; "full again" once it has. If it never
 * forms, the fault is reported when the hold is over. */
START_TEST(test_late_link_after_grace)
{
	const char *v = _i % 2 ? "10.3" : "8.4";
	bool forms = _i < 2;
	struct sim s;
	const struct health *h;
	const struct health_event *e;

	sim_open(&s, tu_reference_mesh, "pve-1");
	s.n_members = parse_members("pve-1=1,pve-2=1", s.members, 4);
	sim_set_kernel(&s, "nic4", false, false);
	sim_recorded(&s, v, "pve-1", "cut");
	h = sim_eval(&s, 0);
	ck_assert(!h->starting); /* started long ago */
	ck_assert_uint_eq(n_events(&s, HEV_LINK), 1);
	ck_assert_int_eq(event(&s, HEV_LINK)->diagnosis, DIAG_INTERFACE_MISSING);

	sim_set_kernel(&s, "nic4", true, false);
	h = sim_eval(&s, 5000);
	ck_assert(find_link(h, "nic4")->forming);
	ck_assert_uint_eq(s.ev.n, 0);
	sim_set_kernel(&s, "nic4", true, true);
	h = sim_eval(&s, 5100);
	ck_assert_int_eq(find_link(h, "nic4")->diagnosis, DIAG_CABLE_OR_NIC);
	ck_assert(find_link(h, "nic4")->forming);
	ck_assert_uint_eq(s.ev.n, 0);
	if (forms) {
		sim_recorded(&s, v, "pve-1", "converged");
		h = sim_eval(&s, 7000);
		ck_assert(!find_link(h, "nic4")->forming);
		ck_assert_uint_eq(n_events(&s, HEV_LINK), 1);
		e = event(&s, HEV_LINK);
		ck_assert_int_eq(e->diagnosis, DIAG_OK);
		ck_assert_int_eq(e->prev_diagnosis, DIAG_INTERFACE_MISSING);
		ck_assert_int_eq(event(&s, HEV_OVERALL)->overall, HEALTH_HEALTHY);
	} else {
		h = sim_eval(&s, 5100 + 8999);
		ck_assert(find_link(h, "nic4")->forming);
		ck_assert_uint_eq(s.ev.n, 0);
		h = sim_eval(&s, 5100 + 9000);
		ck_assert(!find_link(h, "nic4")->forming);
		ck_assert_uint_eq(s.ev.n, 1);
		e = event(&s, HEV_LINK);
		ck_assert_int_eq(e->diagnosis, DIAG_CABLE_OR_NIC);
		ck_assert_int_eq(e->prev_diagnosis, DIAG_INTERFACE_MISSING);
		ck_assert(!e->initial);
	}
	sim_close(&s);
}
END_TEST

/* The reference mesh with pve-3 (id 4) cabled to both PVE nodes. */
static char *
mesh_with_pve3(void)
{
	char *c = xstrdup(tu_reference_mesh);
	char *full;

	c = tu_replace(c, "link = pbs nic4 cost 10\n[node pve-2]",
	               "link = pbs nic4 cost 10\nlink = pve-3 nic5 cost 200\n[node pve-2]");
	c = tu_replace(c, "link = pbs nic4 cost 10\n[node pbs]",
	               "link = pbs nic4 cost 10\nlink = pve-3 nic5 cost 200\n[node pbs]");
	full = xasprintf("%s[node pve-3]\nid = 4\nrouter-id = 192.168.102.4\n"
	                 "loopback = 192.168.102.4/32\nlink = pve-1 nic3 cost 200\n"
	                 "link = pve-2 nic4 cost 200\n",
	                 c);
	free(c);
	return full;
}

/* A node added to a running mesh (the configuration reloaded): its loopback
 * and, on its neighbours, the new link are not reached at once; no
 * destination, link or overall event while they form (lab: 59-add-host).
 * If they never form, the faults are reported when the hold is over. */
START_TEST(test_node_added_by_reload)
{
	const char *v = _i % 2 ? "10.3" : "8.4";
	const char *host = _i < 2 ? "pve-1" : "pbs";
	_cleanup_free_ char *conf = mesh_with_pve3();
	struct sim s;
	const struct health *h;
	size_t d;

	sim_open(&s, tu_reference_mesh, host);
	s.n_members = parse_members("pve-1=1,pve-2=1", s.members, 4);
	sim_recorded(&s, v, host, "converged");
	h = sim_eval(&s, 0);
	ck_assert(!h->starting); /* started long ago */
	ck_assert_int_eq(h->overall, HEALTH_HEALTHY);

	tu_node_close(&s.f);
	tu_node_open(&s.f, conf, host);
	h = sim_eval(&s, 1000);
	d = h->n_dests - 1; /* pve-3, the last node */
	ck_assert_str_eq(h->dests[d].node, "pve-3");
	ck_assert(!h->dests[d].reachable);
	ck_assert_msg(s.ev.n == 0, "%zu events while pve-3 forms", s.ev.n);
	ck_assert(h->dests[d].forming);
	ck_assert_int_eq(h->overall, HEALTH_BROKEN); /* the status says it */
	h = sim_eval(&s, 1000 + 8999);
	ck_assert(h->dests[d].forming);
	ck_assert_uint_eq(s.ev.n, 0);
	h = sim_eval(&s, 1000 + 9000);
	ck_assert(!h->dests[d].forming);
	ck_assert_uint_eq(n_events(&s, HEV_DESTINATION), 1);
	ck_assert(!event(&s, HEV_DESTINATION)->reachable);
	ck_assert_uint_eq(n_events(&s, HEV_OVERALL), 1);
	ck_assert_int_eq(event(&s, HEV_OVERALL)->overall, HEALTH_BROKEN);
	ck_assert_uint_eq(n_events(&s, HEV_LINK), strcmp(host, "pve-1") == 0 ? 1 : 0);
	sim_close(&s);
}
END_TEST

/* ---- IPv6 ---- */

/* Both families' recorded state of host: OSPF from the IPv4 lab (v4), and
 * ospf6d's neighbours and bfdd's sessions of both families from the
 * dual-stack lab (v6); OSPFv3's routes written by hand (rt6, or none). */
static void
sim_dual(struct sim *s, const char *v4, const char *v6, const char *host, const char *state,
         const char *rt6)
{
	_cleanup_free_ char *nb =
	    xasprintf("frr-ipv6-lab/frr-%s/%s.%sipv6-ospf6-neighbor-json.txt", v6, host, state);
	_cleanup_free_ char *bf =
	    xasprintf("frr-ipv6-lab/frr-%s/%s.%sbfd-peers-json.txt", v6, host, state);
	_cleanup_free_ char *nbt = tu_read_data(nb), *bft = tu_read_data(bf);

	sim_recorded(s, v4, host, "converged");
	free(s->st.bfd_peers);
	free(s->st.bfd_peers6);
	ck_assert_int_eq(frrjson_parse_bfd_peers(bft, &s->st.bfd_peers, &s->st.n_bfd_peers), 0);
	ck_assert_int_eq(frrjson_parse_bfd_peers6(bft, &s->st.bfd_peers6, &s->st.n_bfd_peers6), 0);
	ck_assert_int_eq(frrjson_parse_neighbors6(nbt, &s->st.neighbors6, &s->st.n_neighbors6), 0);
	s->st.have_neighbors6 = true;
	if (rt6 != NULL) {
		_cleanup_free_ char *rt = tu_read_data(rt6);

		ck_assert_int_eq(frrjson_parse_routes6(rt, &s->st.routes6, &s->st.n_routes6), 0);
		s->st.have_routes6 = true;
	}
}

/* Dual-stack, converged on each host's own FRR of the IPv6 lab (8.4, 10.3,
 * 10.7.1): every OSPFv3 adjacency Full, its IPv6 BFD session up, healthy;
 * the adjacency's since from ospf6d's "duration". */
START_TEST(test_ipv6_recorded_versions)
{
	static const struct {
		const char *host, *v4, *v6;
		long long duration_ms[2];
	} c[] = {
	    {"pve-1", "8.4", "8.4", {27000, 24000}},
	    {"pve-2", "10.3", "10.3", {27000, 26000}},
	    {"pbs", "10.3", "10.7", {25000, 26000}},
	};
	_cleanup_free_ char *text =
	    tu_edit(tu_reference_mesh,
	            (const char *const[]){"[mesh]\n",
	                                  "[mesh]\nipv6 = yes\nprefix6 = fd0c:103::/56\n", NULL});
	struct sim s;
	const struct health *h;

	sim_open(&s, text, c[_i].host);
	sim_dual(&s, c[_i].v4, c[_i].v6, c[_i].host, "", NULL);
	h = sim_eval(&s, 0);
	ck_assert_msg(h->overall == HEALTH_HEALTHY, "%s: %s", c[_i].host, h->summary);
	ck_assert_ptr_nonnull(strstr(h->summary, "2/2 adjacencies full, OSPFv3 too;"));
	ck_assert_uint_eq(h->n_links6, 2);
	for (size_t i = 0; i < 2; i++) {
		const struct link_health *l = &h->links6[i];

		ck_assert_int_eq(l->adjacency, NSM_FULL);
		ck_assert_int_eq(l->bfd, BFD_STATUS_UP);
		ck_assert_int_eq(l->diagnosis, DIAG_OK);
		ck_assert(l->has_address6);
		ck_assert_int_eq(l->adj_since_ms, T0 - c[_i].duration_ms[i]);
	}
	ck_assert_uint_eq(s.ev.n, 1); /* healthy, the first state */
	sim_close(&s);
}
END_TEST

/* ospf6d not answering in a dual-stack mesh: the IPv6 part unknown (links6
 * and loopback6 destinations not judged, nothing reported about them), the
 * IPv4 part as before. */
START_TEST(test_ipv6_ospf6d_silent)
{
	_cleanup_free_ char *dual = tu_dual_mesh();
	struct sim s;
	const struct health *h;

	sim_open(&s, dual, "pve-1");
	sim_dual(&s, "8.4", "8.4", "pve-1", "",
	         "frr-ipv6-lab/frr-8.4/pve-1.ipv6-route-ospf6-json.txt");
	h = sim_eval(&s, 0);
	ck_assert_int_eq(h->overall, HEALTH_HEALTHY);
	ck_assert_str_eq(h->summary, "2/2 adjacencies full, OSPFv3 too; 3/3 loopbacks reachable");

	/* ospf6d and zebra's OSPFv3 routes not read */
	free(s.st.neighbors6);
	s.st.neighbors6 = NULL;
	s.st.n_neighbors6 = 0;
	s.st.have_neighbors6 = s.st.have_routes6 = false;
	h = sim_eval(&s, 1000);
	ck_assert_int_eq(h->overall, HEALTH_DEGRADED);
	ck_assert_str_eq(h->summary,
	                 "2/2 adjacencies full, OSPFv3 unknown; 3/3 loopbacks reachable");
	for (size_t i = 0; i < 2; i++) {
		ck_assert_int_eq(h->links[i].diagnosis, DIAG_OK);
		ck_assert_int_eq(h->links6[i].adjacency, NSM_UNKNOWN);
		ck_assert_int_eq(h->links6[i].diagnosis, DIAG_UNKNOWN);
	}
	ck_assert(h->dests[0].known && h->dests[0].reachable && h->dests[0].preferred);
	ck_assert(h->dests[1].v6 && !h->dests[1].known);
	ck_assert(h->dests[2].v6 && !h->dests[2].known);
	ck_assert_uint_eq(n_events(&s, HEV_LINK), 0);
	ck_assert_uint_eq(n_events(&s, HEV_DESTINATION), 0);
	sim_close(&s);
}
END_TEST

/* Dual-stack start-up and a carrier cut, OSPFv3 held as OSPF is: OSPFv3
 * stuck in ExStart on nic4 at start-up is not reported during the grace,
 * then is (mtu-mismatch, OSPFv3's); nic4 back after a carrier cut with
 * OSPF Full at once and OSPFv3 not yet: OSPF's recovery is reported,
 * OSPFv3's fault only once the forming hold is over. */
START_TEST(test_ipv6_grace_and_forming)
{
	_cleanup_free_ char *dual = tu_dual_mesh();
	static const char exstart[] =
	    "{\"neighbors\":[{\"neighborId\":\"192.168.102.2\",\"state\":\"Full\","
	    "\"duration\":\"00:00:10\",\"interfaceName\":\"nic3\"},"
	    "{\"neighborId\":\"192.168.102.3\",\"state\":\"ExStart\",\"duration\":\"00:00:10\","
	    "\"interfaceName\":\"nic4\"}]}";
	const char *cut_rt = "frr-ipv6-lab/frr-8.4/pve-1.cut.ipv6-route-ospf6-json.txt";
	struct sim s;
	const struct health *h;
	const struct health_event *e;

	sim_open(&s, dual, "pve-1");
	s.n_members = parse_members("pve-1=1,pve-2=1", s.members, ARRAY_SIZE(s.members));
	s.start = 1;
	sim_dual(&s, "8.4", "8.4", "pve-1", "cut.", cut_rt);
	free(s.st.neighbors6);
	ck_assert_int_eq(frrjson_parse_neighbors6(exstart, &s.st.neighbors6, &s.st.n_neighbors6),
	                 0);
	h = sim_eval(&s, 3000); /* FRR answers: the grace runs to 15 s */
	ck_assert(h->starting);
	ck_assert_int_eq(h->links6[1].diagnosis, DIAG_MTU_MISMATCH); /* 10 s in ExStart */
	ck_assert_int_eq(h->links[1].diagnosis, DIAG_OK);
	ck_assert_str_eq(h->summary,
	                 "starting: 2/2 adjacencies full, not OSPFv3; 3/3 loopbacks reachable");
	ck_assert_uint_eq(s.ev.n, 0);
	h = sim_eval(&s, 14999);
	ck_assert_uint_eq(s.ev.n, 0);
	h = sim_eval(&s, 15000);
	ck_assert(!h->starting);
	ck_assert_uint_eq(n_events(&s, HEV_LINK), 1);
	e = event(&s, HEV_LINK);
	ck_assert(e->v6 && e->initial);
	ck_assert_int_eq(e->diagnosis, DIAG_MTU_MISMATCH);
	ck_assert_ptr_eq(health_event_link(h, e), &h->links6[1]);
	ck_assert_uint_eq(n_events(&s, HEV_DESTINATION), 1); /* the PBS's loopback6 via pve-2 */
	ck_assert(event(&s, HEV_DESTINATION)->reachable && !event(&s, HEV_DESTINATION)->preferred);
	ck_assert_int_eq(event(&s, HEV_OVERALL)->overall, HEALTH_DEGRADED);

	/* carrier lost on nic4: both families say link-down */
	sim_set_kernel(&s, "nic4", true, false);
	sim_dual(&s, "8.4", "8.4", "pve-1", "cut.", cut_rt);
	h = sim_eval(&s, 20000);
	ck_assert_uint_eq(n_events(&s, HEV_LINK), 2);
	ck_assert_int_eq(h->links[1].diagnosis, DIAG_LINK_DOWN);
	ck_assert_int_eq(h->links6[1].diagnosis, DIAG_LINK_DOWN);

	/* back: OSPF Full at once, OSPFv3 not yet */
	sim_set_kernel(&s, "nic4", true, true);
	h = sim_eval(&s, 21000);
	ck_assert_uint_eq(n_events(&s, HEV_LINK), 1);
	e = event(&s, HEV_LINK);
	ck_assert(!e->v6);
	ck_assert_int_eq(e->diagnosis, DIAG_OK);
	ck_assert_int_eq(h->links6[1].diagnosis, DIAG_CABLE_OR_NIC);
	ck_assert(h->links6[1].forming);
	h = sim_eval(&s, 21000 + 8999);
	ck_assert_uint_eq(n_events(&s, HEV_LINK), 0);
	h = sim_eval(&s, 21000 + 9000);
	ck_assert(!h->links6[1].forming);
	ck_assert_uint_eq(n_events(&s, HEV_LINK), 1);
	e = event(&s, HEV_LINK);
	ck_assert(e->v6);
	ck_assert_int_eq(e->diagnosis, DIAG_CABLE_OR_NIC);
	ck_assert_int_eq(e->prev_diagnosis, DIAG_LINK_DOWN);
	sim_close(&s);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(link_diag_str(DIAG_OK), "ok");
	ck_assert_str_eq(link_diag_str(DIAG_CABLE_OR_NIC), "cable-or-nic");
	ck_assert_str_eq(link_diag_str(DIAG_INTERFACE_MISSING), "interface-missing");
	ck_assert_str_eq(link_diag_str((enum link_diag)77), "unknown");
	ck_assert_str_eq(link_state_str(LINK_MISSING), "missing");
	ck_assert_str_eq(health_overall_str(HEALTH_BROKEN), "broken");
	ck_assert_str_eq(health_overall_str((enum health_overall)9), "unknown");
	ck_assert_str_eq(link_bfd_str(BFD_STATUS_UP), "up");
}
END_TEST

static Suite *
health_suite(void)
{
	Suite *s = suite_create("health");
	TCase *tr = tcase_create("recorded");
	TCase *ts = tcase_create("synthetic");

	tcase_add_loop_test(tr, test_recorded, 0, (int)(2 * ARRAY_SIZE(rec_cases)));
	tcase_add_loop_test(tr, test_events_cut_heal, 0, 2);
	tcase_add_test(tr, test_frr_down_and_back);
	tcase_add_loop_test(tr, test_startup_grace_converges, 0, 2);
	tcase_add_loop_test(tr, test_startup_grace_expires, 0, 2);
	tcase_add_loop_test(tr, test_late_link_in_grace, 0, 2);
	tcase_add_loop_test(tr, test_late_link_after_grace, 0, 4);
	tcase_add_loop_test(tr, test_node_added_by_reload, 0, 4);
	suite_add_tcase(s, tr);

	tcase_add_test(ts, test_peer_offline_broken);
	tcase_add_test(ts, test_endpoint_not_transit);
	tcase_add_test(ts, test_peer_alive_via_loopback);
	tcase_add_test(ts, test_auth_mismatch);
	tcase_add_loop_test(ts, test_stuck_states, 0, 5);
	tcase_add_test(ts, test_exstart_exchange_one_class);
	tcase_add_test(ts, test_cable_fault_then_forming);
	tcase_add_test(ts, test_bfd_off_and_missing_data);
	tcase_add_test(ts, test_names);
	tcase_add_loop_test(ts, test_peer_handmade, 0, 2);
	tcase_add_test(ts, test_ipv6_links);
	tcase_add_test(ts, test_ipv6_only_links);
	tcase_add_test(ts, test_ipv6_destination);
	tcase_add_test(ts, test_ipv6_only_peer_alive);
	tcase_add_loop_test(tr, test_ipv6_recorded_versions, 0, 3);
	tcase_add_test(tr, test_ipv6_ospf6d_silent);
	tcase_add_test(tr, test_ipv6_grace_and_forming);
	suite_add_tcase(s, ts);
	return s;
}

int
main(void)
{
	return tu_run(health_suite());
}
