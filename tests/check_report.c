/* check_report.c - health events as journal entries, rate limiting, catalog */
#include <arpa/inet.h>
#include <check.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "testutil.h"
#include "report.h"

#define T0 1000000LL

/* pve-1 of the reference mesh, fed recorded states one after the other. */
struct run {
	struct tu_node f;
	struct frr_state st[4]; /* converged, cut, PBS dead, nothing full yet */
	struct health h[2];
	int cur;
	struct health_events ev;
	struct reporter r;
	struct report_entries out;
	long long start; /* the agent's start, ms after T0; 0: long before */
};

static const char nbr_only_pve2[] = "{\"neighbors\":{\"192.168.102.2\":[{\"nbrState\":\"Full/-\","
                                    "\"ifaceName\":\"nic3:192.168.103.1\"}]}}";

static void
run_open(struct run *r, const char *v)
{
	memset(r, 0, sizeof(*r));
	tu_node_open(&r->f, tu_reference_mesh, "pve-1");
	tu_frr_load(v, "pve-1", "converged", &r->st[0]);
	tu_frr_load(v, "pve-1", "cut", &r->st[1]);
	ck_assert_int_eq(
	    frrjson_parse_neighbors(nbr_only_pve2, &r->st[2].neighbors, &r->st[2].n_neighbors), 0);
	r->st[2].have_neighbors = r->st[2].have_routes = true;
	ck_assert_int_eq(frrjson_parse_neighbors("{\"neighbors\":{}}", &r->st[3].neighbors,
	                                         &r->st[3].n_neighbors),
	                 0);
	r->st[3].have_neighbors = r->st[3].have_routes = true;
	r->cur = -1;
}

/* Evaluate state s at T0 + t and turn the events into entries (appended). */
static void
run_step(struct run *r, int s, long long t)
{
	int next = r->cur < 0 ? 0 : 1 - r->cur;
	struct peer_presence m[] = {{"pve-2", TRI_YES}};
	struct health_input in = {
	    .config = r->f.config,
	    .node = r->f.node,
	    .plans = r->f.plans,
	    .kernel = r->f.kernel,
	    .n_kernel = r->f.n_kernel,
	    .frr = &r->st[s],
	    .members = m,
	    .n_members = 1,
	    .now_ms = T0 + t,
	    .start_ms = r->start != 0 ? T0 + r->start : 0,
	};

	health_events_free(&r->ev);
	if (r->cur >= 0)
		health_free(&r->h[next]);
	health_evaluate(&in, r->cur < 0 ? NULL : &r->h[r->cur], &r->h[next], &r->ev);
	r->cur = next;
	report_health(&r->r, &r->h[next], &r->ev, T0 + t, &r->out);
	report_tick(&r->r, T0 + t, &r->out);
}

static void
run_clear(struct run *r)
{
	report_entries_free(&r->out);
}

static void
run_close(struct run *r)
{
	health_events_free(&r->ev);
	health_free(&r->h[0]);
	health_free(&r->h[1]);
	for (size_t i = 0; i < ARRAY_SIZE(r->st); i++)
		frr_state_free(&r->st[i]);
	reporter_free(&r->r);
	report_entries_free(&r->out);
	tu_node_close(&r->f);
}

static const char *
field(const struct report_entry *e, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; i < e->fields.n; i++)
		if (strncmp(e->fields.v[i], key, n) == 0 && e->fields.v[i][n] == '=')
			return e->fields.v[i] + n + 1;
	return NULL;
}

static const struct report_entry *
by_mid(const struct report_entries *es, const char *mid)
{
	for (size_t i = 0; i < es->n; i++)
		if (strcmp(es->v[i].message_id, mid) == 0)
			return &es->v[i];
	ck_abort_msg("no entry with MESSAGE_ID %s", mid);
	return NULL;
}

START_TEST(test_cut_and_heal)
{
	struct run r;
	const struct report_entry *e;

	run_open(&r, _i ? "10.3" : "8.4");
	run_step(&r, 0, 0);
	ck_assert_uint_eq(r.out.n, 1);
	ck_assert_str_eq(r.out.v[0].message, "health: healthy (2/2 adjacencies full; 1/1 loopbacks "
	                                     "reachable)");
	ck_assert_int_eq(r.out.v[0].priority, LOG_INFO);
	ck_assert_str_eq(r.out.v[0].message_id, PM_MID_HEALTH_CHANGED);
	ck_assert_str_eq(field(&r.out.v[0], "PROXMESH_PREVIOUS_STATE"), "unknown");
	run_clear(&r);

	for (int t = 1; t <= 5; t++)
		run_step(&r, 0, t * 1000);
	ck_assert_uint_eq(r.out.n, 0); /* nothing while nothing changes */

	run_step(&r, 1, 6000);
	ck_assert_uint_eq(r.out.n, 3);
	e = by_mid(&r.out, PM_MID_LINK_CABLE_OR_NIC);
	ck_assert_int_eq(e->priority, LOG_WARNING);
	ck_assert_str_eq(e->message, "link pbs/nic4: adjacency down (peer reachable another way): "
	                             "check cable or NIC");
	ck_assert_str_eq(field(e, "PROXMESH_PEER"), "pbs");
	ck_assert_str_eq(field(e, "PROXMESH_INTERFACE"), "nic4");
	ck_assert_str_eq(field(e, "PROXMESH_STATE"), "down");
	ck_assert_str_eq(field(e, "PROXMESH_PREVIOUS_STATE"), "full");
	ck_assert_str_eq(field(e, "PROXMESH_DIAGNOSIS"), "cable-or-nic");
	ck_assert_str_eq(field(e, "PROXMESH_PREVIOUS_DIAGNOSIS"), "ok");
	ck_assert_str_eq(field(e, "PROXMESH_BFD"), "down");
	ck_assert_str_eq(field(e, "PROXMESH_PEER_ONLINE"), "unknown");
	e = by_mid(&r.out, PM_MID_DEST_BACKUP_PATH);
	ck_assert_int_eq(e->priority, LOG_NOTICE);
	ck_assert_str_eq(e->message, "destination pbs 192.168.103.254/32: reachable via nic3, not "
	                             "the preferred path");
	ck_assert_str_eq(field(e, "PROXMESH_STATE"), "backup");
	ck_assert_str_eq(field(e, "PROXMESH_PREVIOUS_STATE"), "preferred");
	ck_assert_str_eq(field(e, "PROXMESH_INTERFACE"), "nic3");
	e = by_mid(&r.out, PM_MID_HEALTH_CHANGED);
	ck_assert_int_eq(e->priority, LOG_NOTICE);
	ck_assert_str_eq(field(e, "PROXMESH_STATE"), "degraded");
	ck_assert_str_eq(field(e, "PROXMESH_PREVIOUS_STATE"), "healthy");
	run_clear(&r);

	run_step(&r, 0, 9000);
	ck_assert_uint_eq(r.out.n, 3);
	e = by_mid(&r.out, PM_MID_LINK_RECOVERED);
	ck_assert_int_eq(e->priority, LOG_INFO);
	ck_assert_str_eq(e->message, "link pbs/nic4: adjacency full again");
	ck_assert_str_eq(field(e, "PROXMESH_PREVIOUS_DIAGNOSIS"), "cable-or-nic");
	ck_assert_str_eq(field(e, "PROXMESH_FLAPS"), "1");
	ck_assert_int_eq(by_mid(&r.out, PM_MID_DEST_REACHABLE)->priority, LOG_INFO);
	run_close(&r);
}
END_TEST

/* The number of entries at notice or above (warning, error, …). */
static size_t
n_loud(const struct report_entries *es)
{
	size_t n = 0;

	for (size_t i = 0; i < es->n; i++)
		n += es->v[i].priority <= LOG_NOTICE;
	return n;
}

/* Every boot: the agent starts before OSPF has converged. Nothing at notice
 * or above while it converges; the health once it has. */
START_TEST(test_boot_quiet)
{
	struct run r;

	run_open(&r, _i ? "10.3" : "8.4");
	r.start = 1;
	run_step(&r, 3, 500);  /* FRR answers, no adjacency yet */
	run_step(&r, 1, 3000); /* one adjacency */
	ck_assert_uint_eq(r.out.n, 0);
	run_step(&r, 0, 6000); /* converged */
	ck_assert_uint_eq(r.out.n, 1);
	ck_assert_uint_eq(n_loud(&r.out), 0);
	ck_assert_str_eq(r.out.v[0].message, "health: healthy (2/2 adjacencies full; 1/1 loopbacks "
	                                     "reachable)");
	ck_assert_str_eq(field(&r.out.v[0], "PROXMESH_PREVIOUS_STATE"), "unknown");
	run_close(&r);
}
END_TEST

/* The same start that never converges: after the grace (4 dead intervals
 * of 3 s from FRR's first answer), the warnings of today. */
START_TEST(test_boot_no_convergence)
{
	struct run r;
	const struct report_entry *e;

	run_open(&r, _i ? "10.3" : "8.4");
	r.start = 1;
	run_step(&r, 3, 500);
	run_step(&r, 3, 12499);
	ck_assert_uint_eq(r.out.n, 0);
	run_step(&r, 3, 12500);
	e = by_mid(&r.out, PM_MID_LINK_CABLE_OR_NIC);
	ck_assert_int_eq(e->priority, LOG_WARNING);
	ck_assert_str_eq(e->message,
	                 "link pve-2/nic3: adjacency down (peer online): check cable or "
	                 "NIC");
	ck_assert_str_eq(field(e, "PROXMESH_PREVIOUS_DIAGNOSIS"), "unknown");
	e = by_mid(&r.out, PM_MID_LINK_PEER_OFFLINE);
	ck_assert_int_eq(e->priority, LOG_NOTICE);
	e = by_mid(&r.out, PM_MID_DEST_UNREACHABLE);
	ck_assert_str_eq(e->message, "destination pbs 192.168.103.254/32: unreachable");
	e = by_mid(&r.out, PM_MID_HEALTH_CHANGED);
	ck_assert_int_eq(e->priority, LOG_WARNING);
	ck_assert_str_eq(e->message, "health: broken (0/2 adjacencies full; 0/1 loopbacks "
	                             "reachable)");
	ck_assert_str_eq(field(e, "PROXMESH_PREVIOUS_STATE"), "unknown");
	run_close(&r);
}
END_TEST

/* A NIC that appears late: no warning while its adjacency forms. */
START_TEST(test_late_link)
{
	struct run r;
	struct kernel_link *k;
	const struct report_entry *e;

	run_open(&r, _i % 2 ? "10.3" : "8.4");
	k = tu_node_kernel(&r.f, "nic4");
	k->exists = k->up = k->carrier = false;
	if (_i >= 2) { /* started long ago: reported missing */
		run_step(&r, 1, 0);
		e = by_mid(&r.out, PM_MID_LINK_INTERFACE_MISSING);
		ck_assert_int_eq(e->priority, LOG_WARNING);
		ck_assert_str_eq(e->message, "link pbs/nic4: interface nic4 does not exist");
	} else { /* it appears seconds into the boot */
		r.start = 1;
		run_step(&r, 1, 500);
		ck_assert_uint_eq(r.out.n, 0);
	}
	run_clear(&r);
	k->exists = true;
	run_step(&r, 1, 8000); /* down */
	k->up = k->carrier = true;
	run_step(&r, 1, 8100); /* up, its adjacency forming */
	run_step(&r, 1, 13000);
	ck_assert_uint_eq(r.out.n, 0);
	run_step(&r, 0, 14000); /* Full */
	ck_assert_uint_eq(n_loud(&r.out), 0);
	e = by_mid(&r.out, PM_MID_HEALTH_CHANGED);
	ck_assert_str_eq(field(e, "PROXMESH_STATE"), "healthy");
	if (_i >= 2) {
		e = by_mid(&r.out, PM_MID_LINK_RECOVERED);
		ck_assert_str_eq(field(e, "PROXMESH_PREVIOUS_DIAGNOSIS"), "interface-missing");
	}
	run_close(&r);
}
END_TEST

START_TEST(test_peer_down)
{
	struct run r;
	const struct report_entry *e;

	run_open(&r, "10.3");
	run_step(&r, 0, 0);
	run_clear(&r);
	run_step(&r, 2, 1000);
	ck_assert_uint_eq(r.out.n, 3);
	e = by_mid(&r.out, PM_MID_LINK_PEER_OFFLINE);
	ck_assert_int_eq(e->priority, LOG_NOTICE);
	ck_assert_str_eq(e->message, "link pbs/nic4: adjacency down, peer pbs offline");
	ck_assert_str_eq(field(e, "PROXMESH_DIAGNOSIS"), "peer-offline");
	e = by_mid(&r.out, PM_MID_DEST_UNREACHABLE);
	ck_assert_int_eq(e->priority, LOG_NOTICE); /* its node is the offline peer */
	ck_assert_str_eq(e->message, "destination pbs 192.168.103.254/32: unreachable");
	ck_assert_ptr_null(field(e, "PROXMESH_INTERFACE"));
	e = by_mid(&r.out, PM_MID_HEALTH_CHANGED);
	ck_assert_int_eq(e->priority, LOG_WARNING);
	ck_assert_str_eq(field(e, "PROXMESH_STATE"), "broken");
	run_close(&r);
}
END_TEST

/* A link cut and healed every second for two minutes: a bounded number of
 * entries, a summary per window, then silence. */
START_TEST(test_flap_storm)
{
	struct run r;
	size_t summaries = 0, starts = 0, per_key_link = 0;
	const struct report_entry *last_summary = NULL;

	run_open(&r, "10.3");
	run_step(&r, 0, 0);
	run_clear(&r);
	for (int t = 1; t <= 120; t++)
		run_step(&r, t % 2, t * 1000);
	/* 3 keys (link, destination, health), 2 windows, at most LIMIT + start
	 * + summary each */
	ck_assert_uint_le(r.out.n, 3 * 2 * (REPORT_FLAP_LIMIT + 2));
	ck_assert_uint_ge(r.out.n, 3 * REPORT_FLAP_LIMIT);
	for (size_t i = 0; i < r.out.n; i++) {
		const struct report_entry *e = &r.out.v[i];
		const char *sup = field(e, "PROXMESH_SUPPRESSED");

		if (field(e, "PROXMESH_INTERFACE") != NULL &&
		    strcmp(field(e, "PROXMESH_INTERFACE"), "nic4") == 0 &&
		    field(e, "PROXMESH_DESTINATION") == NULL &&
		    strcmp(e->message_id, PM_MID_FLAPPING) != 0)
			per_key_link++;
		if (strcmp(e->message_id, PM_MID_FLAPPING) != 0)
			continue;
		ck_assert_int_eq(e->priority, LOG_WARNING);
		if (sup != NULL) {
			summaries++;
			ck_assert_int_gt(atoi(sup), 10);
			if (strncmp(e->message, "link pbs/nic4: flapping, ", 25) == 0)
				last_summary = e;
		} else {
			starts++;
			ck_assert_ptr_nonnull(
			    strstr(e->message, ": flapping, 6 state changes in "));
		}
	}
	ck_assert_uint_ge(summaries, 3);
	ck_assert_uint_ge(starts, 3);
	ck_assert_uint_le(per_key_link, 2 * REPORT_FLAP_LIMIT);
	ck_assert_ptr_nonnull(last_summary);
	ck_assert_ptr_nonnull(
	    strstr(last_summary->message, "state changes in the last 60 s suppressed; now "));
	ck_assert_ptr_nonnull(field(last_summary, "PROXMESH_DIAGNOSIS"));
	run_clear(&r);

	/* calm: the open windows are summarised once, then nothing */
	for (int t = 121; t <= 300; t++)
		run_step(&r, 0, t * 1000);
	ck_assert_uint_le(r.out.n, 3 * 2);
	for (size_t i = 0; i < r.out.n; i++) {
		if (strcmp(r.out.v[i].message_id, PM_MID_FLAPPING) == 0 &&
		    strncmp(r.out.v[i].message, "link pbs/nic4", 13) == 0)
			ck_assert_ptr_nonnull(strstr(r.out.v[i].message, "now full (ok)"));
	}
	run_clear(&r);
	for (int t = 301; t <= 400; t++)
		run_step(&r, 0, t * 1000);
	ck_assert_uint_eq(r.out.n, 0);

	/* a later single fault is reported normally again */
	run_step(&r, 1, 401000);
	ck_assert_uint_eq(r.out.n, 3);
	by_mid(&r.out, PM_MID_LINK_CABLE_OR_NIC);
	run_close(&r);
}
END_TEST

static const char *const all_mids[] = {
    PM_MID_LINK_CABLE_OR_NIC, PM_MID_LINK_DOWN,        PM_MID_LINK_INTERFACE_MISSING,
    PM_MID_LINK_MTU_MISMATCH, PM_MID_LINK_ONE_WAY,     PM_MID_LINK_PEER_OFFLINE,
    PM_MID_LINK_RECOVERED,    PM_MID_FLAPPING,         PM_MID_DEST_UNREACHABLE,
    PM_MID_DEST_BACKUP_PATH,  PM_MID_DEST_REACHABLE,   PM_MID_HEALTH_CHANGED,
    PM_MID_RECONCILE_APPLIED, PM_MID_RECONCILE_FAILED, PM_MID_CONFIG_ERROR,
    PM_MID_CONFIG_RELOADED,   PM_MID_API_STATE,        PM_MID_ADDRESS_RESTORED,
    PM_MID_FRR_RESTARTED,     PM_MID_LINK_AUTH_MISMATCH,
};

START_TEST(test_message_ids)
{
	_cleanup_free_ char *catalog = NULL;
	int r = read_file(TEST_DATA "/../../packaging/proxmesh.catalog", 1 << 20, &catalog, NULL);

	ck_assert_int_eq(r, 0);
	for (size_t i = 0; i < ARRAY_SIZE(all_mids); i++) {
		_cleanup_free_ char *head = xasprintf("\n-- %s\n", all_mids[i]);

		ck_assert_uint_eq(strlen(all_mids[i]), 32);
		for (size_t k = 0; k < 32; k++)
			ck_assert(isxdigit((unsigned char)all_mids[i][k]) &&
			          !isupper((unsigned char)all_mids[i][k]));
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(all_mids[i], all_mids[j]);
		ck_assert_msg(strstr(catalog, head) != NULL ||
		                  strncmp(catalog, head + 1, strlen(head) - 1) == 0,
		              "%s not in the catalog", all_mids[i]);
	}
}
END_TEST

/* Every diagnosis makes an entry with the right id and priority. */
START_TEST(test_link_diagnoses)
{
	static const struct {
		enum link_diag d;
		const char *mid;
		int prio;
		const char *msg;
	} cases[] = {
	    {DIAG_LINK_DOWN, PM_MID_LINK_DOWN, LOG_WARNING,
	     "link pve-2/nic3: interface down or no carrier (peer online): check cable or NIC"},
	    {DIAG_INTERFACE_MISSING, PM_MID_LINK_INTERFACE_MISSING, LOG_WARNING,
	     "link pve-2/nic3: interface nic3 does not exist"},
	    {DIAG_MTU_MISMATCH, PM_MID_LINK_MTU_MISMATCH, LOG_WARNING,
	     "link pve-2/nic3: adjacency stuck in exstart: check the MTU on both ends"},
	    {DIAG_ONE_WAY, PM_MID_LINK_ONE_WAY, LOG_WARNING,
	     "link pve-2/nic3: adjacency stuck in init: the peer does not hear our hellos"},
	    {DIAG_CABLE_OR_NIC, PM_MID_LINK_CABLE_OR_NIC, LOG_WARNING,
	     "link pve-2/nic3: adjacency down (peer online): check cable or NIC"},
	    {DIAG_AUTH_MISMATCH, PM_MID_LINK_AUTH_MISMATCH, LOG_WARNING,
	     "link pve-2/nic3: adjacency down, the peer's OSPF packets fail authentication: "
	     "check auth-key-file on both hosts"},
	};
	struct link_health l = {
	    .peer = "pve-2", .ifname = "nic3", .peer_online = TRI_YES, .bfd = BFD_OFF};
	struct health h = {.valid = true, .links = &l, .n_links = 1};
	struct health_event ev = {.kind = HEV_LINK, .index = 0};
	struct health_events evs = {.v = &ev, .n = 1};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct reporter r = {0};
		struct report_entries out = {0};

		l.diagnosis = ev.diagnosis = cases[i].d;
		l.adjacency = cases[i].d == DIAG_ONE_WAY ? NSM_INIT : NSM_EXSTART;
		report_health(&r, &h, &evs, 0, &out);
		ck_assert_uint_eq(out.n, 1);
		ck_assert_str_eq(out.v[0].message_id, cases[i].mid);
		ck_assert_int_eq(out.v[0].priority, cases[i].prio);
		ck_assert_str_eq(out.v[0].message, cases[i].msg);
		ck_assert_str_eq(field(&out.v[0], "PROXMESH_BFD"), "off");
		ck_assert_str_eq(field(&out.v[0], "PROXMESH_PEER_ONLINE"), "yes");
		report_entries_free(&out);
		reporter_free(&r);
	}
	/* an event pointing outside the health is ignored */
	{
		struct reporter r = {0};
		struct report_entries out = {0};
		ev.index = 5;
		report_health(&r, &h, &evs, 0, &out);
		ck_assert_uint_eq(out.n, 0);
		reporter_free(&r);
	}
}
END_TEST

/* OSPFv3's adjacency (dual-stack: links6) says its family, in the text and
 * in PROXMESH_FAMILY; OSPF's says ipv4. The same events of an IPv4 mesh
 * carry no PROXMESH_FAMILY (its entries as before IPv6). */
START_TEST(test_link_family)
{
	struct link_health l4 = {.peer = "pbs", .ifname = "nic4", .peer_online = TRI_YES},
	                   l6 = {.peer = "pbs", .ifname = "nic4", .peer_online = TRI_YES,
	                         .bfd = BFD_OFF, .adjacency = NSM_DOWN,
	                         .diagnosis = DIAG_CABLE_OR_NIC};
	struct health h = {
	    .valid = true, .ipv6 = true, .links = &l4, .n_links = 1, .links6 = &l6, .n_links6 = 1};
	struct health_event ev[2] = {
	    {.kind = HEV_LINK, .index = 0, .v6 = true, .diagnosis = DIAG_CABLE_OR_NIC},
	    {.kind = HEV_LINK, .index = 0, .diagnosis = DIAG_OK},
	};
	struct health_events evs = {.v = ev, .n = 2};
	struct reporter r = {0};
	struct report_entries out = {0};

	report_health(&r, &h, &evs, 0, &out);
	ck_assert_uint_eq(out.n, 2);
	ck_assert_str_eq(out.v[0].message,
	                 "link pbs/nic4 (OSPFv3): adjacency down (peer online): check cable or NIC");
	ck_assert_str_eq(field(&out.v[0], "PROXMESH_FAMILY"), "ipv6");
	ck_assert_str_eq(field(&out.v[0], "PROXMESH_STATE"), "down");
	ck_assert_str_eq(field(&out.v[1], "PROXMESH_FAMILY"), "ipv4");
	ck_assert_str_eq(out.v[1].message, "link pbs/nic4: adjacency full again");
	report_entries_free(&out);
	reporter_free(&r);

	h = (struct health){.valid = true, .links = &l4, .n_links = 1};
	report_health(&r, &h, &(struct health_events){.v = &ev[1], .n = 1}, 0, &out);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_str_eq(out.v[0].message, "link pbs/nic4: adjacency full again");
	ck_assert_ptr_null(field(&out.v[0], "PROXMESH_FAMILY"));
	report_entries_free(&out);
	reporter_free(&r);
}
END_TEST

/* A loopback6 lost and reached over a backup path: "(OSPFv3)" in the text,
 * PROXMESH_FAMILY=ipv6, its /128 as PROXMESH_DESTINATION; the loopback's
 * entry beside it says ipv4. */
START_TEST(test_dest_family)
{
	struct dest_health d[2] = {
	    {.node = "pbs",
	     .address = {.len = 32},
	     .reachable = true,
	     .preferred = true,
	     .known = true,
	     .via = "nic4"},
	    {.node = "pbs", .v6 = true, .known = true, .via = "nic3", .reachable = true},
	};
	struct health h = {.valid = true, .ipv6 = true, .dests = d, .n_dests = 2};
	struct health_event ev[2] = {
	    {.kind = HEV_DESTINATION,
	     .index = 1,
	     .reachable = true,
	     .prev_reachable = true,
	     .prev_preferred = true},
	    {.kind = HEV_DESTINATION,
	     .index = 0,
	     .reachable = true,
	     .preferred = true,
	     .initial = true},
	};
	struct reporter r = {0};
	struct report_entries out = {0};

	inet_pton(AF_INET, "192.168.103.254", &d[0].address.addr);
	inet_pton(AF_INET6, "fd0c:103:ff::fe", &d[1].address6);
	report_health(&r, &h, &(struct health_events){.v = ev, .n = 2}, 0, &out);
	ck_assert_uint_eq(out.n, 2);
	ck_assert_str_eq(out.v[0].message, "destination pbs fd0c:103:ff::fe/128 (OSPFv3): "
	                                   "reachable via nic3, not the preferred path");
	ck_assert_str_eq(out.v[0].message_id, PM_MID_DEST_BACKUP_PATH);
	ck_assert_int_eq(out.v[0].priority, LOG_NOTICE);
	ck_assert_str_eq(field(&out.v[0], "PROXMESH_FAMILY"), "ipv6");
	ck_assert_str_eq(field(&out.v[0], "PROXMESH_DESTINATION"), "fd0c:103:ff::fe/128");
	ck_assert_str_eq(field(&out.v[0], "PROXMESH_STATE"), "backup");
	ck_assert_str_eq(field(&out.v[0], "PROXMESH_PREVIOUS_STATE"), "preferred");
	ck_assert_str_eq(out.v[1].message,
	                 "destination pbs 192.168.103.254/32: reachable via nic4 on the preferred "
	                 "path");
	ck_assert_str_eq(field(&out.v[1], "PROXMESH_FAMILY"), "ipv4");
	report_entries_free(&out);
	reporter_free(&r);
}
END_TEST

static Suite *
report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("entries");

	tcase_add_loop_test(tc, test_cut_and_heal, 0, 2);
	tcase_add_test(tc, test_peer_down);
	tcase_add_loop_test(tc, test_boot_quiet, 0, 2);
	tcase_add_loop_test(tc, test_boot_no_convergence, 0, 2);
	tcase_add_loop_test(tc, test_late_link, 0, 4);
	tcase_add_test(tc, test_flap_storm);
	tcase_add_test(tc, test_message_ids);
	tcase_add_test(tc, test_link_diagnoses);
	tcase_add_test(tc, test_link_family);
	tcase_add_test(tc, test_dest_family);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(report_suite());
}
