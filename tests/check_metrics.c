/* check_metrics.c - the Prometheus textfile: families, values, labels, the
 * last line, the atomic write, and (when built with it) promtool's verdict */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "metrics.h"

#define NOW_REAL TU_NOW_REAL
#define NOW_MONO TU_NOW_MONO


/* The line of text that starts with sample (a whole sample name and labels,
 * then a blank), or NULL. */
static const char *
sample(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *l = text; l != NULL && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (!strncmp(l, name, n) && l[n] == ' ')
			return l + n + 1;
	return NULL;
}

static void
assert_value(const char *text, const char *name, const char *value)
{
	const char *v = sample(text, name);

	ck_assert_msg(v != NULL, "no sample %s", name);
	ck_assert_msg(!strncmp(v, value, strlen(value)) && v[strlen(value)] == '\n',
	              "%s: expected %s, got %.20s", name, value, v);
}

#define LINK(n, ifname, peer) n "{interface=\"" ifname "\",peer=\"" peer "\",family=\"ipv4\"}"

/* pve-1 after the silent cut of nic4 (the link to the PBS): that link's
 * adjacency and BFD down, cable-or-nic; nic3 Full; the PBS reached over
 * pve-2, not on its preferred path. */
START_TEST(test_cut)
{
	struct health h;
	struct status_info si;
	_cleanup_free_ char *text = NULL;

	tu_cut_health(_i ? "10.3" : "8.4", NOW_MONO, &h);
	si = tu_status_info(&h);
	text = metrics_render(&si);

	assert_value(text, "proxmesh_build_info{version=\"0.1.0\",node=\"pve-1\"}", "1");
	assert_value(text, "proxmesh_frr_up", "1");
	assert_value(text, "proxmesh_frr_info{version=\"10.3\"}", "1");
	assert_value(text, "proxmesh_health{state=\"degraded\"}", "1");
	assert_value(text, "proxmesh_health{state=\"healthy\"}", "0");
	assert_value(text, "proxmesh_health{state=\"broken\"}", "0");
	assert_value(text, "proxmesh_health{state=\"unknown\"}", "0");
	assert_value(text, "proxmesh_health_starting", "0");

	assert_value(text, LINK("proxmesh_link_carrier_up", "nic4", "pbs"), "1");
	assert_value(text, LINK("proxmesh_link_adjacency_full", "nic4", "pbs"), "0");
	assert_value(text, LINK("proxmesh_link_adjacency_full", "nic3", "pve-2"), "1");
	assert_value(text, LINK("proxmesh_link_bfd_up", "nic3", "pve-2"), "1");
	assert_value(text, LINK("proxmesh_link_cost", "nic3", "pve-2"), "200");
	assert_value(text, LINK("proxmesh_link_cost", "nic4", "pbs"), "10");
	assert_value(text, LINK("proxmesh_link_peer_alive", "nic4", "pbs"), "1");
	assert_value(text, LINK("proxmesh_link_flaps_total", "nic4", "pbs"), "0");
	assert_value(text, LINK("proxmesh_link_forming", "nic4", "pbs"), "0");
	assert_value(text,
	             "proxmesh_link_diagnosis{interface=\"nic4\",peer=\"pbs\",family=\"ipv4\","
	             "diagnosis=\"cable-or-nic\"}",
	             "1");
	assert_value(text,
	             "proxmesh_link_diagnosis{interface=\"nic4\",peer=\"pbs\",family=\"ipv4\","
	             "diagnosis=\"ok\"}",
	             "0");
	assert_value(text,
	             "proxmesh_link_diagnosis{interface=\"nic3\",peer=\"pve-2\",family=\"ipv4\","
	             "diagnosis=\"ok\"}",
	             "1");
	assert_value(text,
	             "proxmesh_destination_reachable{node=\"pbs\",address=\"192.168.103.254/32\","
	             "family=\"ipv4\"}",
	             "1");
	assert_value(text,
	             "proxmesh_destination_preferred_path{node=\"pbs\","
	             "address=\"192.168.103.254/32\",family=\"ipv4\"}",
	             "0");

	assert_value(text, "proxmesh_reconcile_failures_total", "3");
	assert_value(text, "proxmesh_reconcile_failing", "0");
	assert_value(text, "proxmesh_reconcile_last_success_timestamp_seconds", "1795687170.000");
	assert_value(text, "proxmesh_reconcile_last_duration_seconds", "0.012");
	assert_value(text, "proxmesh_api_up", "1");
	assert_value(text, "proxmesh_api_last_success_timestamp_seconds", "1795687190.000");
	assert_value(text, "proxmesh_membership_nodes", "2");
	assert_value(text, "proxmesh_membership_quorate", "1");

	/* every family once, with HELP before TYPE; the last line is the time */
	ck_assert_ptr_nonnull(strstr(text, "# HELP proxmesh_link_flaps_total "));
	ck_assert_ptr_nonnull(strstr(text, "\n# TYPE proxmesh_link_flaps_total counter\n"));
	ck_assert_ptr_null(strstr(strstr(text, "# TYPE proxmesh_link_cost ") + 1,
	                          "# TYPE proxmesh_link_cost "));
	ck_assert_str_eq(strrchr(text, '\n') - strlen("proxmesh_last_update_timestamp_seconds "
	                                              "1795687200.000"),
	                 "proxmesh_last_update_timestamp_seconds 1795687200.000\n");
	health_free(&h);
}
END_TEST

#define LINK6(n, ifname, peer) n "{interface=\"" ifname "\",peer=\"" peer "\",family=\"ipv6\"}"

/* Dual-stack pve-1 with OSPFv3 lost on nic4 (data/frr-ipv6-lab): each link
 * has a series per family, each loopback6 its own destination series. */
START_TEST(test_dual)
{
	struct health h;
	struct status_info si;
	_cleanup_free_ char *text = NULL;

	tu_dual_health(true, NOW_MONO, &h);
	si = tu_status_info(&h);
	text = metrics_render(&si);

	assert_value(text, "proxmesh_health{state=\"degraded\"}", "1");
	assert_value(text, LINK("proxmesh_link_adjacency_full", "nic4", "pbs"), "1");
	assert_value(text, LINK6("proxmesh_link_adjacency_full", "nic4", "pbs"), "0");
	assert_value(text, LINK6("proxmesh_link_adjacency_full", "nic3", "pve-2"), "1");
	assert_value(text, LINK("proxmesh_link_bfd_up", "nic4", "pbs"), "1");
	assert_value(text, LINK6("proxmesh_link_bfd_up", "nic4", "pbs"), "0");
	assert_value(text, LINK6("proxmesh_link_bfd_up", "nic3", "pve-2"), "1");
	assert_value(text, LINK6("proxmesh_link_flaps_total", "nic4", "pbs"), "0");
	assert_value(text,
	             "proxmesh_link_diagnosis{interface=\"nic4\",peer=\"pbs\",family=\"ipv6\","
	             "diagnosis=\"cable-or-nic\"}",
	             "1");
	assert_value(text,
	             "proxmesh_link_diagnosis{interface=\"nic4\",peer=\"pbs\",family=\"ipv4\","
	             "diagnosis=\"ok\"}",
	             "1");
	assert_value(text,
	             "proxmesh_destination_reachable{node=\"pbs\",address=\"fd0c:103:ff::fe/128\","
	             "family=\"ipv6\"}",
	             "1");
	assert_value(text,
	             "proxmesh_destination_preferred_path{node=\"pbs\","
	             "address=\"fd0c:103:ff::fe/128\",family=\"ipv6\"}",
	             "0");
	assert_value(text,
	             "proxmesh_destination_preferred_path{node=\"pve-2\","
	             "address=\"fd0c:103:ff::2/128\",family=\"ipv6\"}",
	             "1");
	assert_value(text,
	             "proxmesh_destination_preferred_path{node=\"pbs\","
	             "address=\"192.168.103.254/32\",family=\"ipv4\"}",
	             "1");
	health_free(&h);
}
END_TEST

/* Nothing known yet: no health, FRR down, no API: health unknown, no link
 * or destination sample, nothing "absent" given a made-up value. */
START_TEST(test_nothing_yet)
{
	struct status_info si = {
	    .node = "pve-1",
	    .now_real_ms = NOW_REAL,
	    .api_state = "disabled",
	    .api_quorate = TRI_UNKNOWN,
	    .reconcile_duration_ms = -1,
	    .membership_nodes = -1,
	};
	_cleanup_free_ char *text = metrics_render(&si);

	assert_value(text, "proxmesh_health{state=\"unknown\"}", "1");
	assert_value(text, "proxmesh_frr_up", "0");
	assert_value(text, "proxmesh_build_info{version=\"\",node=\"pve-1\"}", "1");
	ck_assert_ptr_null(strstr(text, "proxmesh_frr_info{"));
	ck_assert_ptr_null(strstr(text, "proxmesh_link_carrier_up{"));
	ck_assert_ptr_null(strstr(text, "proxmesh_destination_reachable{"));
	ck_assert_ptr_null(sample(text, "proxmesh_api_up"));
	ck_assert_ptr_null(sample(text, "proxmesh_membership_nodes"));
	ck_assert_ptr_null(sample(text, "proxmesh_membership_quorate"));
	ck_assert_ptr_null(sample(text, "proxmesh_reconcile_last_success_timestamp_seconds"));
	ck_assert_ptr_null(sample(text, "proxmesh_reconcile_last_duration_seconds"));
	/* the families are still declared: a dashboard's queries stay valid */
	ck_assert_ptr_nonnull(strstr(text, "# TYPE proxmesh_api_up gauge\n"));
}
END_TEST

/* FRR stopped with a health evaluated before: the adjacency, BFD and
 * destination samples go (unknown), carrier and diagnosis stay. */
START_TEST(test_frr_down)
{
	struct health h;
	struct status_info si;
	_cleanup_free_ char *text = NULL;

	tu_cut_health("10.3", NOW_MONO, &h);
	for (size_t i = 0; i < h.n_links; i++) {
		h.links[i].adjacency = NSM_UNKNOWN;
		h.links[i].bfd = BFD_STATUS_UNKNOWN;
		h.links[i].diagnosis = DIAG_UNKNOWN;
	}
	for (size_t i = 0; i < h.n_dests; i++)
		h.dests[i].known = false;
	h.overall = HEALTH_UNKNOWN;
	si = tu_status_info(&h);
	si.frr_running = false;
	text = metrics_render(&si);
	assert_value(text, "proxmesh_frr_up", "0");
	ck_assert_ptr_null(strstr(text, "proxmesh_frr_info{"));
	ck_assert_ptr_null(strstr(text, "proxmesh_link_adjacency_full{"));
	ck_assert_ptr_null(strstr(text, "proxmesh_link_bfd_up{"));
	ck_assert_ptr_null(strstr(text, "proxmesh_destination_reachable{"));
	assert_value(text, LINK("proxmesh_link_carrier_up", "nic3", "pve-2"), "1");
	assert_value(text,
	             "proxmesh_link_diagnosis{interface=\"nic3\",peer=\"pve-2\",family=\"ipv4\","
	             "diagnosis=\"unknown\"}",
	             "1");
	assert_value(text, "proxmesh_health{state=\"unknown\"}", "1");
	health_free(&h);
}
END_TEST

/* A label value with a quote, a backslash and a newline stays one line. */
START_TEST(test_label_escaping)
{
	struct status_info si = {
	    .node = "a\"b\\c\nd",
	    .now_real_ms = NOW_REAL,
	    .api_state = "disabled",
	    .reconcile_duration_ms = -1,
	    .membership_nodes = -1,
	};
	_cleanup_free_ char *text = metrics_render(&si);

	assert_value(text, "proxmesh_build_info{version=\"\",node=\"a\\\"b\\\\c\\nd\"}", "1");
}
END_TEST

START_TEST(test_write)
{
	struct health h;
	struct status_info si;
	_cleanup_free_ char *path = xasprintf("%s/proxmesh.prom", tu_tmpdir);
	_cleanup_free_ char *link = xasprintf("%s/link.prom", tu_tmpdir);
	_cleanup_free_ char *text = NULL, *want = NULL;
	struct stat sb;
	mode_t old = umask(077);

	tu_cut_health("10.3", NOW_MONO, &h);
	si = tu_status_info(&h);
	ck_assert_int_eq(metrics_write(path, &si), 0);
	umask(old);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 07777, 0644);
	ck_assert_int_eq(read_file(path, 1 << 20, &text, NULL), 0);
	want = metrics_render(&si);
	ck_assert_str_eq(text, want);
	/* a symbolic link planted where the file goes is refused */
	ck_assert_int_eq(symlink("/nonexistent-target", link), 0);
	ck_assert_int_eq(metrics_write(link, &si), -ELOOP);
	health_free(&h);
}
END_TEST

/* Every proxmesh_ name the shipped alert rules and Grafana dashboard use is
 * a family the agent writes: a renamed metric cannot leave them behind. */
START_TEST(test_examples)
{
	static const char *const files[] = {"proxmesh-alerts.yml", "proxmesh-grafana.json"};
	struct health h;
	struct status_info si;
	_cleanup_free_ char *text = NULL, *ex = NULL, *path = NULL;
	unsigned used = 0;

	tu_cut_health("10.3", NOW_MONO, &h);
	si = tu_status_info(&h);
	text = metrics_render(&si);
	path = xasprintf("%s/%s", EXAMPLES_DIR, files[_i]);
	ck_assert_int_eq(read_file(path, 1 << 20, &ex, NULL), 0);
	for (const char *p = strstr(ex, "proxmesh_"); p != NULL; p = strstr(p + 1, "proxmesh_")) {
		size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
		_cleanup_free_ char *decl = xasprintf("# TYPE %.*s ", (int)n, p);

		ck_assert_msg(strstr(text, decl) != NULL, "%s uses %.*s, which proxmesh does not write",
		              files[_i], (int)n, p);
		used++;
	}
	ck_assert_uint_ge(used, 7);
	health_free(&h);
}
END_TEST

#ifdef PROMTOOL
/* Prometheus' own linter accepts what we write: names, units, HELP/TYPE,
 * counters ending in _total (`promtool check metrics` exits 0 with no
 * output). A full health, the state with nothing known, and a dual-stack
 * health. */
START_TEST(test_promtool)
{
	struct health h;
	struct status_info si;
	_cleanup_free_ char *path = xasprintf("%s/check.prom", tu_tmpdir);
	_cleanup_free_ char *out = xasprintf("%s/promtool.out", tu_tmpdir);
	_cleanup_free_ char *cmd =
	    xasprintf("'%s' check metrics < '%s' > '%s' 2>&1", PROMTOOL, path, out);
	_cleanup_free_ char *said = NULL;

	if (_i == 2) /* both families */
		tu_dual_health(true, NOW_MONO, &h);
	else
		tu_cut_health("10.3", NOW_MONO, &h);
	si = tu_status_info(&h);
	if (_i == 1) {
		si.health = NULL;
		si.api_state = "disabled";
		si.membership_nodes = -1;
	}
	ck_assert_int_eq(metrics_write(path, &si), 0);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(read_file(out, 1 << 20, &said, NULL), 0);
	ck_assert_msg(said[0] == '\0', "promtool: %s", said);
	health_free(&h);
}
END_TEST
#endif

static Suite *
metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("render");
	TCase *tf = tcase_create("file");

	tcase_add_loop_test(tc, test_cut, 0, 2);
	tcase_add_test(tc, test_dual);
	tcase_add_test(tc, test_nothing_yet);
	tcase_add_test(tc, test_frr_down);
	tcase_add_test(tc, test_label_escaping);
	tcase_add_loop_test(tc, test_examples, 0, 2);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tf, tu_tmpdir_setup, tu_tmpdir_teardown);
	tcase_add_test(tf, test_write);
#ifdef PROMTOOL
	tcase_add_loop_test(tf, test_promtool, 0, 3);
#endif
	suite_add_tcase(s, tf);
	return s;
}

int
main(void)
{
	return tu_run(metrics_suite());
}
