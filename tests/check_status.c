/* check_status.c - the status document, its file and `proxmesh status` */
#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "status.h"

#define NOW_REAL TU_NOW_REAL
#define NOW_MONO TU_NOW_MONO

struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static void
capture_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	ck_assert_ptr_nonnull(c->f);
}

static const char *
capture_text(struct capture *c)
{
	fflush(c->f);
	return c->buf;
}

static void
capture_close(struct capture *c)
{
	fclose(c->f);
	free(c->buf);
}


START_TEST(test_render)
{
	static const char *const top[] = {"format",   "node",    "updated",     "health",
	                                  "starting", "summary", "frr",         "reconcile",
	                                  "api",      "links",   "destinations"};
	static const char *const link_keys[] = {
	    "peer", "interface", "address", "cost",        "mtu",       "link",    "adjacency",
	    "bfd",  "since",     "flaps",   "peer_online", "diagnosis", "forming", "peer_handmade"};
	struct health h;
	struct status_info si;
	_cleanup_free_ char *text = NULL;
	json_t *root, *l, *d;
	json_error_t jerr;
	const char *key;
	json_t *val;
	size_t k = 0;

	tu_cut_health(_i ? "10.3" : "8.4", NOW_MONO, &h);
	si = tu_status_info(&h);
	text = status_render(&si);
	root = json_loads(text, 0, &jerr);
	ck_assert_msg(root != NULL, "%s", jerr.text);

	json_object_foreach(root, key, val) ck_assert_str_eq(key, top[k++]);
	ck_assert_uint_eq(k, ARRAY_SIZE(top));
	ck_assert_int_eq(json_integer_value(json_object_get(root, "format")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(root, "node")), "pve-1");
	ck_assert_str_eq(json_string_value(json_object_get(root, "updated")),
	                 "2026-11-26T10:00:00Z");
	ck_assert_str_eq(json_string_value(json_object_get(root, "health")), "degraded");
	ck_assert(json_is_false(json_object_get(root, "starting")));
	ck_assert_str_eq(json_string_value(json_object_get(root, "summary")),
	                 "1/2 adjacencies full; 1/1 loopbacks reachable");
	val = json_object_get(root, "frr");
	ck_assert(json_is_true(json_object_get(val, "running")));
	ck_assert_str_eq(json_string_value(json_object_get(val, "version")), "10.3");
	val = json_object_get(root, "reconcile");
	ck_assert_str_eq(json_string_value(json_object_get(val, "state")), "converged");
	ck_assert_str_eq(json_string_value(json_object_get(val, "last_run")),
	                 "2026-11-26T09:59:30Z");
	ck_assert_str_eq(json_string_value(json_object_get(val, "last_change")),
	                 "2026-11-26T09:00:00Z");
	ck_assert(json_is_null(json_object_get(val, "last_error")));
	val = json_object_get(root, "api");
	ck_assert_str_eq(json_string_value(json_object_get(val, "state")), "ok");
	ck_assert_str_eq(json_string_value(json_object_get(val, "url")), "https://localhost:8006");
	ck_assert_str_eq(json_string_value(json_object_get(val, "last_ok")),
	                 "2026-11-26T09:59:50Z");
	ck_assert(json_is_true(json_object_get(val, "quorate")));

	ck_assert_uint_eq(json_array_size(json_object_get(root, "links")), 2);
	l = json_array_get(json_object_get(root, "links"), 1);
	k = 0;
	json_object_foreach(l, key, val) ck_assert_str_eq(key, link_keys[k++]);
	ck_assert_uint_eq(k, ARRAY_SIZE(link_keys));
	ck_assert_str_eq(json_string_value(json_object_get(l, "peer")), "pbs");
	ck_assert_str_eq(json_string_value(json_object_get(l, "interface")), "nic4");
	ck_assert_str_eq(json_string_value(json_object_get(l, "address")), "192.168.103.5/30");
	ck_assert_int_eq(json_integer_value(json_object_get(l, "cost")), 10);
	ck_assert_int_eq(json_integer_value(json_object_get(l, "mtu")), 1500);
	ck_assert_str_eq(json_string_value(json_object_get(l, "link")), "up");
	ck_assert_str_eq(json_string_value(json_object_get(l, "adjacency")), "down");
	ck_assert_str_eq(json_string_value(json_object_get(l, "bfd")), "down");
	ck_assert_str_eq(json_string_value(json_object_get(l, "since")), "2026-11-26T09:59:40Z");
	ck_assert_int_eq(json_integer_value(json_object_get(l, "flaps")), 0);
	ck_assert(json_is_null(json_object_get(l, "peer_online")));
	ck_assert_str_eq(json_string_value(json_object_get(l, "diagnosis")), "cable-or-nic");
	ck_assert(json_is_false(json_object_get(l, "forming")));
	ck_assert(json_is_false(json_object_get(l, "peer_handmade")));

	ck_assert_uint_eq(json_array_size(json_object_get(root, "destinations")), 1);
	d = json_array_get(json_object_get(root, "destinations"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(d, "node")), "pbs");
	ck_assert_str_eq(json_string_value(json_object_get(d, "address")), "192.168.103.254/32");
	ck_assert(json_is_true(json_object_get(d, "reachable")));
	ck_assert_str_eq(json_string_value(json_object_get(d, "via")), "nic3");
	ck_assert(json_is_false(json_object_get(d, "preferred")));

	json_decref(root);
	health_free(&h);
}
END_TEST

/* Dual-stack pve-1 with OSPFv3 lost on nic4 (data/frr-ipv6-lab, OSPF Full):
 * each link keeps its IPv4 fields and adds OSPFv3's with a 6; each
 * loopback6 is a destination of its own, family ipv6; `proxmesh status`
 * prints an OSPFv3 line under each link and the loopback6 rows. */
START_TEST(test_render_dual)
{
	static const char *const link_keys[] = {
	    "peer",      "interface",     "address",    "cost",     "mtu",         "link",
	    "adjacency", "bfd",           "since",      "flaps",    "peer_online", "diagnosis",
	    "forming",   "peer_handmade", "family",     "address6", "adjacency6",  "bfd6",
	    "since6",    "flaps6",        "diagnosis6", "forming6"};
	struct health h;
	struct status_info si;
	_cleanup_free_ char *text = NULL;
	json_t *root, *l, *d, *val;
	const char *key;
	size_t k = 0;
	struct capture out, err;

	tu_dual_health(true, NOW_MONO, &h);
	si = tu_status_info(&h);
	text = status_render(&si);
	root = json_loads(text, 0, NULL);
	ck_assert_ptr_nonnull(root);
	ck_assert_int_eq(json_integer_value(json_object_get(root, "format")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(root, "health")), "degraded");
	ck_assert_str_eq(json_string_value(json_object_get(root, "summary")),
	                 "2/2 adjacencies full, not OSPFv3; 3/3 loopbacks reachable");

	l = json_array_get(json_object_get(root, "links"), 1);
	json_object_foreach(l, key, val) ck_assert_str_eq(key, link_keys[k++]);
	ck_assert_uint_eq(k, ARRAY_SIZE(link_keys));
	ck_assert_str_eq(json_string_value(json_object_get(l, "interface")), "nic4");
	ck_assert_str_eq(json_string_value(json_object_get(l, "family")), "ipv4");
	ck_assert_str_eq(json_string_value(json_object_get(l, "address")), "192.168.103.5/30");
	ck_assert_str_eq(json_string_value(json_object_get(l, "adjacency")), "full");
	ck_assert_str_eq(json_string_value(json_object_get(l, "bfd")), "up");
	ck_assert_str_eq(json_string_value(json_object_get(l, "diagnosis")), "ok");
	ck_assert_str_eq(json_string_value(json_object_get(l, "address6")), "fd0c:103:0:1::1/64");
	ck_assert_str_eq(json_string_value(json_object_get(l, "adjacency6")), "down");
	ck_assert_str_eq(json_string_value(json_object_get(l, "bfd6")), "down");
	ck_assert_str_eq(json_string_value(json_object_get(l, "diagnosis6")), "cable-or-nic");
	ck_assert_str_eq(json_string_value(json_object_get(l, "since6")), "2026-11-26T09:59:40Z");
	ck_assert_int_eq(json_integer_value(json_object_get(l, "flaps6")), 0);
	ck_assert(json_is_false(json_object_get(l, "forming6")));
	l = json_array_get(json_object_get(root, "links"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(l, "adjacency6")), "full");
	ck_assert_str_eq(json_string_value(json_object_get(l, "bfd6")), "up");

	/* the PBS's loopback, then pve-2's and the PBS's loopback6 */
	val = json_object_get(root, "destinations");
	ck_assert_uint_eq(json_array_size(val), 3);
	d = json_array_get(val, 0);
	ck_assert_str_eq(json_string_value(json_object_get(d, "family")), "ipv4");
	ck_assert(json_is_true(json_object_get(d, "preferred")));
	d = json_array_get(val, 2);
	ck_assert_str_eq(json_string_value(json_object_get(d, "node")), "pbs");
	ck_assert_str_eq(json_string_value(json_object_get(d, "address")), "fd0c:103:ff::fe/128");
	ck_assert_str_eq(json_string_value(json_object_get(d, "family")), "ipv6");
	ck_assert(json_is_true(json_object_get(d, "reachable")));
	ck_assert_str_eq(json_string_value(json_object_get(d, "via")), "nic3");
	ck_assert(json_is_false(json_object_get(d, "preferred")));

	capture_open(&out);
	capture_open(&err);
	ck_assert_int_eq(status_format(text, NOW_REAL, out.f, err.f), 1);
	ck_assert_msg(strstr(capture_text(&out),
	                     "  ok (neighbour hand-made: link kept broadcast)\n"
	                     "                        fd0c:103:0:1::1/64                down      "
	                     "down     20s ago         0  cable-or-nic (OSPFv3)\n") != NULL,
	              "%s", capture_text(&out));
	ck_assert_msg(
	    strstr(capture_text(&out),
	           "\npbs          fd0c:103:ff::fe/128 yes       nic3       no\n") != NULL &&
	        strstr(capture_text(&out),
	               "\npbs          192.168.103.254/32  yes       nic4       yes\n") != NULL,
	    "%s", capture_text(&out));
	ck_assert_str_eq(capture_text(&err), "");
	capture_close(&out);
	capture_close(&err);
	json_decref(root);
	health_free(&h);
}
END_TEST

/* IPv6-only: a link's "address" and "adjacency" are OSPFv3's (family ipv6;
 * the address null with link-local addresses only), nothing beside. */
START_TEST(test_render_ipv6_only)
{
	struct link_health l = {.peer = "pbs",
	                        .ifname = "nic4",
	                        .link = LINK_UP,
	                        .adjacency = NSM_FULL,
	                        .bfd = BFD_STATUS_UP};
	struct health h = {.valid = true,
	                   .ipv6 = true,
	                   .overall = HEALTH_HEALTHY,
	                   .links = &l,
	                   .n_links = 1,
	                   .links_v6 = true};
	struct status_info si = tu_status_info(&h);
	_cleanup_free_ char *text = NULL;
	json_t *root, *o;
	struct capture out, err;

	for (int with6 = 0; with6 < 2; with6++) {
		l.has_address6 = with6;
		prefix6_parse("fd0c:103:0:4::1/127", &l.address6);
		free(text);
		text = status_render(&si);
		root = json_loads(text, 0, NULL);
		o = json_array_get(json_object_get(root, "links"), 0);
		ck_assert_str_eq(json_string_value(json_object_get(o, "family")), "ipv6");
		ck_assert_str_eq(json_string_value(json_object_get(o, "adjacency")), "full");
		if (with6)
			ck_assert_str_eq(json_string_value(json_object_get(o, "address")),
			                 "fd0c:103:0:4::1/127");
		else
			ck_assert(json_is_null(json_object_get(o, "address")));
		ck_assert_ptr_null(json_object_get(o, "adjacency6"));
		capture_open(&out);
		capture_open(&err);
		status_format(text, NOW_REAL, out.f, err.f);
		ck_assert_msg(strstr(capture_text(&out),
		                     with6 ? "\nnic4       pbs          fd0c:103:0:4::1/127"
		                           : "\nnic4       pbs          link-local") != NULL,
		              "%s", capture_text(&out));
		ck_assert_ptr_nonnull(strstr(capture_text(&out), "  ok (OSPFv3)\n"));
		capture_close(&out);
		capture_close(&err);
		json_decref(root);
	}
}
END_TEST

START_TEST(test_render_nothing_yet)
{
	struct status_info si = {.node = "pbs",
	                         .now_real_ms = NOW_REAL,
	                         .api_state = "disabled",
	                         .api_quorate = TRI_UNKNOWN};
	_cleanup_free_ char *text = status_render(&si);
	json_t *root = json_loads(text, 0, NULL);
	json_t *api;

	ck_assert_ptr_nonnull(root);
	ck_assert_str_eq(json_string_value(json_object_get(root, "health")), "unknown");
	ck_assert(json_is_false(json_object_get(json_object_get(root, "frr"), "running")));
	ck_assert(json_is_null(json_object_get(json_object_get(root, "frr"), "version")));
	ck_assert(json_is_null(json_object_get(json_object_get(root, "reconcile"), "last_run")));
	api = json_object_get(root, "api");
	ck_assert_str_eq(json_string_value(json_object_get(api, "state")), "disabled");
	ck_assert(json_is_null(json_object_get(api, "url")));
	ck_assert(json_is_null(json_object_get(api, "quorate")));
	ck_assert_uint_eq(json_array_size(json_object_get(root, "links")), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(root, "destinations")), 0);
	json_decref(root);
}
END_TEST

START_TEST(test_write_and_command)
{
	struct health h;
	struct status_info si;
	_cleanup_free_ char *path = xasprintf("%s/status.json", tu_tmpdir);
	_cleanup_free_ char *text = NULL;
	struct capture out, err;
	struct stat sb;
	mode_t old = umask(077);

	tu_cut_health("10.3", NOW_MONO, &h);
	si = tu_status_info(&h);
	si.now_real_ms = now_real_ms();
	si.now_mono_ms = NOW_MONO;
	ck_assert_int_eq(status_write(path, &si), 0);
	umask(old);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 07777, 0644);
	ck_assert_int_eq(read_file(path, STATUS_FILE_MAX, &text, NULL), 0);
	ck_assert(text[strlen(text) - 1] == '\n');

	/* the table: degraded → exit 1, no message */
	capture_open(&out);
	capture_open(&err);
	ck_assert_int_eq(status_command(path, false, out.f, err.f), 1);
	ck_assert_str_eq(capture_text(&err), "");
	ck_assert_ptr_nonnull(strstr(capture_text(&out), "pve-1: degraded: 1/2 adjacencies full"));
	ck_assert_ptr_nonnull(strstr(capture_text(&out), "cable-or-nic"));
	ck_assert_ptr_nonnull(strstr(capture_text(&out), "192.168.103.254/32"));
	ck_assert_ptr_nonnull(strstr(capture_text(&out), "overall:   degraded"));
	capture_close(&out);
	capture_close(&err);

	/* --json: the file as it is */
	capture_open(&out);
	capture_open(&err);
	ck_assert_int_eq(status_command(path, true, out.f, err.f), 1);
	ck_assert_str_eq(capture_text(&out), text);
	ck_assert_str_eq(capture_text(&err), "");
	capture_close(&out);
	capture_close(&err);

	/* missing */
	unlink(path);
	capture_open(&out);
	capture_open(&err);
	ck_assert_int_eq(status_command(path, false, out.f, err.f), 1);
	ck_assert_int_eq(status_command(path, true, out.f, err.f), 1);
	ck_assert_str_eq(capture_text(&out), "");
	ck_assert_ptr_nonnull(strstr(capture_text(&err), "proxmesh is not running"));
	capture_close(&out);
	capture_close(&err);
	health_free(&h);
}
END_TEST

static const char healthy_doc[] =
    "{\"format\":1,\"node\":\"pve-2\",\"updated\":\"2026-11-26T10:00:00Z\","
    "\"health\":\"healthy\",\"summary\":\"2/2 adjacencies full; 1/1 loopbacks reachable\","
    "\"frr\":{\"running\":true,\"version\":\"8.4.4\"},"
    "\"reconcile\":{\"state\":\"converged\",\"last_run\":\"2026-11-26T09:59:45Z\","
    "\"last_change\":null,\"last_error\":null},"
    "\"api\":{\"state\":\"ok\",\"url\":\"https://10.0.0.1:8006\","
    "\"last_ok\":\"2026-11-26T09:59:55Z\",\"quorate\":true},"
    "\"links\":[{\"peer\":\"pve-1\",\"interface\":\"nic3\",\"address\":\"192.168.103.2/30\","
    "\"cost\":200,\"mtu\":1500,\"link\":\"up\",\"adjacency\":\"full\",\"bfd\":\"up\","
    "\"since\":\"2026-11-26T08:00:00Z\",\"flaps\":2,\"peer_online\":true,"
    "\"diagnosis\":\"ok\"}],"
    "\"destinations\":[{\"node\":\"pbs\",\"address\":\"192.168.103.254/32\","
    "\"reachable\":true,\"via\":\"nic4\",\"preferred\":true}]}";

/* apply --confirm: where the configuration in force comes from, and the
 * agent's passes (what `apply --confirm` waits for) */
START_TEST(test_render_configuration)
{
	struct status_info si = {.node = "pbs",
	                         .now_real_ms = NOW_REAL,
	                         .api_state = "disabled",
	                         .reconcile_state = "converged",
	                         .reconcile_passes = 7,
	                         .configuration_state = "reverted",
	                         .configuration_detail = "no proxmesh confirm within 8 s"};
	_cleanup_free_ char *text = status_render(&si);
	json_t *root = json_loads(text, 0, NULL), *conf;
	struct capture out, err;

	ck_assert_ptr_nonnull(root);
	conf = json_object_get(root, "configuration");
	ck_assert_str_eq(json_string_value(json_object_get(conf, "state")), "reverted");
	ck_assert_str_eq(json_string_value(json_object_get(conf, "detail")),
	                 "no proxmesh confirm within 8 s");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(root, "reconcile"),
	                                                    "passes")),
	                 7);
	capture_open(&out);
	capture_open(&err);
	status_format(text, NOW_REAL, out.f, err.f);
	ck_assert_msg(strstr(capture_text(&out),
	                     "\nconfig:    reverted: no proxmesh confirm within 8 s\n") != NULL,
	              "%s", capture_text(&out));
	capture_close(&out);
	capture_close(&err);
	json_decref(root);

	/* the file in force: no line */
	si.configuration_state = "file";
	si.configuration_detail = NULL;
	free(text);
	text = status_render(&si);
	capture_open(&out);
	capture_open(&err);
	status_format(text, NOW_REAL, out.f, err.f);
	ck_assert(strstr(capture_text(&out), "config:") == NULL);
	capture_close(&out);
	capture_close(&err);
}
END_TEST

START_TEST(test_format)
{
	static const struct {
		long long now; /* offset from NOW_REAL */
		int ret;
		const char *out, *err;
	} cases[] = {
	    {5000, 0,
	     "pve-2: healthy: 2/2 adjacencies full; 1/1 loopbacks reachable (updated 5s ago)", ""},
	    {5000, 0,
	     "nic3       pve-1        192.168.103.2/30      200 up      full      up       "
	     "2h00m ago       2  ok",
	     ""},
	    {5000, 0, "pbs          192.168.103.254/32 yes       nic4       yes", ""},
	    {5000, 0, "reconcile: converged, last run 20s ago, last change never", ""},
	    {5000, 0, "api:       ok (https://10.0.0.1:8006), quorate, last ok 10s ago", ""},
	    {5000, 0, "frr:       running (8.4.4)", ""},
	    {STATUS_STALE_MS, 0, "overall:   healthy", ""},
	    {300000, 1, "overall:   healthy",
	     "proxmesh: status file is stale: last updated 5m00s ago; is proxmesh running? "
	     "(systemctl status proxmesh)\n"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct capture out, err;

		capture_open(&out);
		capture_open(&err);
		ck_assert_int_eq(status_format(healthy_doc, NOW_REAL + cases[i].now, out.f, err.f),
		                 cases[i].ret);
		ck_assert_msg(strstr(capture_text(&out), cases[i].out) != NULL, "case %zu: %s", i,
		              capture_text(&out));
		ck_assert_str_eq(capture_text(&err), cases[i].err);
		capture_close(&out);
		capture_close(&err);
	}
}
END_TEST

START_TEST(test_format_bad)
{
	static const struct {
		const char *doc, *err;
	} cases[] = {
	    {"", "not valid JSON"},
	    {"{\"format\":1", "not valid JSON"},
	    {"[]", "not valid JSON"},
	    {"{\"format\":2}", "unknown format"},
	    {"{\"format\":1,\"health\":\"healthy\"}", "no valid \"updated\""},
	    {"{\"format\":1,\"health\":\"healthy\",\"updated\":\"yesterday\"}",
	     "no valid \"updated\""},
	    /* fresh but not healthy: exit 1, nothing on stderr */
	    {"{\"format\":1,\"health\":\"broken\",\"updated\":\"2026-11-26T10:00:00Z\","
	     "\"links\":[{}],\"destinations\":[{\"reachable\":null}],\"frr\":5}",
	     ""},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct capture out, err;

		capture_open(&out);
		capture_open(&err);
		ck_assert_int_eq(status_format(cases[i].doc, NOW_REAL, out.f, err.f), 1);
		if (cases[i].err[0] == '\0')
			ck_assert_str_eq(capture_text(&err), "");
		else
			ck_assert_msg(strstr(capture_text(&err), cases[i].err) != NULL, "%s",
			              capture_text(&err));
		capture_close(&out);
		capture_close(&err);
	}
}
END_TEST

static Suite *
status_suite(void)
{
	Suite *s = suite_create("status");
	TCase *tc = tcase_create("render");
	TCase *tf = tcase_create("file");

	tcase_add_loop_test(tc, test_render, 0, 2);
	tcase_add_test(tc, test_render_nothing_yet);
	tcase_add_test(tc, test_render_dual);
	tcase_add_test(tc, test_render_ipv6_only);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_render_configuration);
	tcase_add_test(tc, test_format_bad);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tf, tu_tmpdir_setup, tu_tmpdir_teardown);
	tcase_add_test(tf, test_write_and_command);
	suite_add_tcase(s, tf);
	return s;
}

int
main(void)
{
	return tu_run(status_suite());
}
