/* check_membership.c - parsing, persisting and comparing cluster membership */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apiresult.h"
#include "membership.h"
#include "testutil.h"

static int
parse_file(const char *name, struct membership *m, char **err)
{
	_cleanup_free_ char *path = xasprintf("pveapi/%s", name);
	size_t len;
	_cleanup_free_ char *body = tu_read_data_len(path, &len);

	return membership_parse(body, len, m, err);
}

/* ---- good answers ---- */

struct want_member {
	const char *name;
	unsigned id;
	bool online, local;
};

static const struct good_case {
	const char *file;
	bool clustered, quorate;
	const char *cluster;
	size_t n;
	struct want_member m[4];
} good_cases[] = {
    {"ok-reference.json",
     true,
     true,
     "prod",
     2,
     {{"pve-1", 1, true, true}, {"pve-2", 2, false, false}}},
    {"ok-all-online.json",
     true,
     true,
     "prod",
     2,
     {{"pve-1", 1, true, true}, {"pve-2", 2, true, false}}},
    {"ok-no-quorum.json",
     true,
     false,
     "prod",
     3,
     {{"pve-1", 1, true, true}, {"pve-2", 2, false, false}, {"pve-3", 3, false, false}}},
    {"ok-standalone.json", false, true, "", 1, {{"pve", 0, true, true}}},
    {"ok-strings.json",
     true,
     true,
     "prod",
     2,
     {{"pve-1", 1, true, true}, {"pve-2", 2, false, false}}},
    {"ok-booleans.json",
     true,
     true,
     "prod",
     2,
     {{"pve-1", 1, true, true}, {"pve-2", 2, false, false}}},
    {"ok-random-order.json",
     true,
     true,
     "prod",
     2,
     {{"pve-1", 1, true, true}, {"pve-2", 2, false, false}}},
    {"ok-extra-keys.json",
     true,
     true,
     "lab-cluster",
     2,
     {{"pve-1", 1, true, true}, {"pve-2", 2, true, false}}},
    {"ok-fqdn-names.json",
     true,
     true,
     "prod",
     2,
     {{"node_a", 4294967295u, true, true}, {"pve-b.example", 7, true, false}}},
};

START_TEST(test_parse_good)
{
	const struct good_case *c = &good_cases[_i];
	struct membership m = {0};
	char *err = NULL;

	ck_assert_msg(parse_file(c->file, &m, &err) == 0, "%s: %s", c->file, err);
	ck_assert_ptr_null(err);
	ck_assert_int_eq(m.clustered, c->clustered);
	ck_assert_int_eq(m.quorate, c->quorate);
	ck_assert_str_eq(m.cluster_name, c->cluster);
	ck_assert_uint_eq(m.n, c->n);
	ck_assert_int_eq(m.last_ok_ms, 0);
	for (size_t i = 0; i < c->n; i++) {
		ck_assert_str_eq(m.members[i].name, c->m[i].name);
		ck_assert_uint_eq(m.members[i].id, c->m[i].id);
		ck_assert_int_eq(m.members[i].online, c->m[i].online);
		ck_assert_int_eq(m.members[i].local, c->m[i].local);
		ck_assert_ptr_eq(membership_find(&m, c->m[i].name), &m.members[i]);
	}
	membership_free(&m);
	ck_assert_ptr_null(m.members);
}
END_TEST

/* The quirky spellings of one answer all mean the same membership. */
START_TEST(test_parse_quirks_equal)
{
	static const char *const files[] = {"ok-strings.json", "ok-booleans.json",
	                                    "ok-random-order.json"};
	struct membership ref = {0}, m = {0};
	char *err = NULL;

	ck_assert_int_eq(parse_file("ok-reference.json", &ref, &err), 0);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		ck_assert_int_eq(parse_file(files[i], &m, &err), 0);
		ck_assert_msg(membership_equal(&ref, &m), "%s differs", files[i]);
		membership_free(&m);
	}
	ck_assert_int_eq(parse_file("ok-all-online.json", &m, &err), 0);
	ck_assert(!membership_equal(&ref, &m));
	membership_free(&m);
	membership_free(&ref);
}
END_TEST

/* ---- malformed answers: every bad-*.json is refused, *out untouched ---- */

static const char *const bad_files[] = {
    "bad-empty.json",
    "bad-whitespace.json",
    "bad-truncated.json",
    "bad-truncated-after-array.json",
    "bad-html.json",
    "bad-top-array.json",
    "bad-top-string.json",
    "bad-data-null.json",
    "bad-data-null-message.json",
    "bad-data-object.json",
    "bad-data-missing.json",
    "bad-data-empty.json",
    "bad-cluster-only.json",
    "bad-entry-not-object.json",
    "bad-type-missing.json",
    "bad-type-number.json",
    "bad-name-missing.json",
    "bad-name-number.json",
    "bad-name-chars.json",
    "bad-name-control.json",
    "bad-name-too-long.json",
    "bad-name-empty.json",
    "bad-nodeid-missing.json",
    "bad-nodeid-negative.json",
    "bad-nodeid-float.json",
    "bad-nodeid-word.json",
    "bad-nodeid-too-big.json",
    "bad-nodeid-string-too-big.json",
    "bad-online-missing.json",
    "bad-online-two.json",
    "bad-online-yes.json",
    "bad-online-null.json",
    "bad-local-array.json",
    "bad-quorate-missing.json",
    "bad-quorate-float.json",
    "bad-cluster-name-missing.json",
    "bad-two-clusters.json",
    "bad-duplicate-node.json",
    "bad-duplicate-nodeid.json",
    "bad-duplicate-key.json",
    "bad-trailing-garbage.json",
    "bad-nul-in-string.json",
    "bad-deep-nesting.json",
    "bad-deep-nesting-object.json",
    "bad-single-quotes.json",
    "bad-invalid-utf8.json",
};

START_TEST(test_parse_bad)
{
	const char *file = bad_files[_i];
	struct membership m = {.n = 42};
	char *err = NULL;

	ck_assert_int_eq(parse_file(file, &m, &err), -EBADMSG);
	ck_assert_msg(err != NULL && *err, "%s: no message", file);
	ck_assert_msg(str_is_printable(err), "%s: unprintable message", file);
	ck_assert_msg(strlen(err) < 300, "%s: message too long", file);
	ck_assert_uint_eq(m.n, 42);
	ck_assert_ptr_null(m.members);
	free(err);
}
END_TEST

/* Messages say what is wrong without echoing hostile text. */
START_TEST(test_parse_messages)
{
	static const struct {
		const char *file, *msg;
	} cases[] = {
	    {"bad-empty.json", "empty answer"},
	    {"bad-data-null-message.json", "API error: internal error"},
	    {"bad-online-two.json", "node pve-1: missing or invalid online flag"},
	    {"bad-duplicate-node.json", "node pve-1 is listed twice"},
	    {"bad-duplicate-nodeid.json", "nodes pve-1 and pve-2 have the same nodeid 1"},
	    {"bad-cluster-only.json", "answer lists no node"},
	    {"bad-two-clusters.json", "entry 1: a second cluster entry"},
	    {"bad-name-control.json", "entry 0: missing or invalid node name"},
	    {"bad-top-array.json", "answer is not a JSON object"},
	};
	struct membership m = {0};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *err = NULL;
		ck_assert_int_eq(parse_file(cases[i].file, &m, &err), -EBADMSG);
		ck_assert_str_eq(err, cases[i].msg);
		free(err);
	}
}
END_TEST

static char *
many_nodes(size_t n)
{
	struct strv parts = {0};
	size_t len = 0;
	char *s, *p;

	strv_push_dup(&parts, "{\"data\":[");
	for (size_t i = 0; i < n; i++)
		strv_pushf(&parts,
		           "%s{\"type\":\"node\",\"name\":\"n%zu\",\"nodeid\":%zu,\"online\":1}",
		           i ? "," : "", i, i + 1);
	strv_push_dup(&parts, "]}");
	for (size_t i = 0; i < parts.n; i++)
		len += strlen(parts.v[i]);
	p = s = xmalloc(len + 1);
	for (size_t i = 0; i < parts.n; i++)
		p = stpcpy(p, parts.v[i]);
	strv_free(&parts);
	return s;
}

START_TEST(test_parse_limits)
{
	struct membership m = {0};
	char *err = NULL;
	_cleanup_free_ char *big = xmalloc(MEMBERSHIP_BODY_MAX + 2);
	_cleanup_free_ char *max = many_nodes(MEMBERSHIP_MEMBERS_MAX);
	_cleanup_free_ char *over = many_nodes(MEMBERSHIP_MEMBERS_MAX + 2);

	/* over the size cap: refused before parsing */
	memset(big, ' ', MEMBERSHIP_BODY_MAX + 1);
	big[MEMBERSHIP_BODY_MAX + 1] = '\0';
	ck_assert_int_eq(membership_parse(big, MEMBERSHIP_BODY_MAX + 1, &m, &err), -EFBIG);
	ck_assert_ptr_nonnull(err);
	free(err);
	err = NULL;

	ck_assert_int_eq(membership_parse(max, strlen(max), &m, &err), 0);
	ck_assert_uint_eq(m.n, MEMBERSHIP_MEMBERS_MAX);
	ck_assert_ptr_nonnull(membership_find(&m, "n1000"));
	membership_free(&m);

	ck_assert_int_eq(membership_parse(over, strlen(over), &m, &err), -EBADMSG);
	ck_assert_ptr_nonnull(err);
	free(err);
	err = NULL;

	/* a body is not a C string: an embedded NUL is an error, not an end */
	ck_assert_int_eq(membership_parse("{\"data\":[]}\0xx", 14, &m, &err), -EBADMSG);
	free(err);
	err = NULL;
	ck_assert_int_eq(membership_parse(NULL, 0, &m, &err), -EBADMSG);
	free(err);
}
END_TEST

/* ---- persistence ---- */

START_TEST(test_save_load)
{
	_cleanup_free_ char *path = xasprintf("%s/membership.json", tu_tmpdir);
	struct membership m = {0}, l = {0};
	struct stat st;
	char *err = NULL;

	ck_assert_int_eq(membership_load(path, &l), -ENOENT);
	ck_assert_int_eq(parse_file(good_cases[_i].file, &m, &err), 0);
	m.last_ok_ms = 1795687200123LL;
	ck_assert_int_eq(membership_save(&m, path), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0644);
	ck_assert_int_eq(membership_load(path, &l), 0);
	ck_assert(membership_equal(&m, &l));
	ck_assert_int_eq(l.last_ok_ms, m.last_ok_ms);
	for (size_t i = 0; i < m.n; i++)
		ck_assert_int_eq(l.members[i].local, m.members[i].local);
	/* only the state file is left in the folder (the write was atomic) */
	ck_assert_int_eq(rmdir(tu_tmpdir), -1);
	unlink(path);
	ck_assert_int_eq(rmdir(tu_tmpdir), 0);
	ck_assert_int_eq(mkdir(tu_tmpdir, 0700), 0);
	membership_free(&m);
	membership_free(&l);
}
END_TEST

/* ---- the line proxmesh-api prints ---- */

START_TEST(test_result_line)
{
	static const char *const bad[] = {
		"", "{}", "[]", "{\"state\":\"ok\",\"http_status\":200}",
		"{\"state\":\"fine\",\"http_status\":200}",
		"{\"state\":\"unreachable\",\"http_status\":-1}",
		"{\"state\":\"unreachable\",\"http_status\":0,\"membership\":{}}",
		"{\"state\":\"ok\",\"http_status\":200,\"membership\":{\"format\":1}}",
	};
	struct api_result r = {.state = API_OK, .url = "https://pve-1:8006", .http_status = 200};
	struct api_result f = {.state = API_UNAUTHORIZED, .http_status = 401,
	                       .error = "https://x:8006: HTTP 401 \"no\"\n"};
	struct api_result back;
	char *err = NULL, *line;

	ck_assert_int_eq(parse_file(good_cases[_i].file, &r.membership, &err), 0);
	r.membership.last_ok_ms = 1795687200123LL;
	line = api_result_dump(&r);
	ck_assert_ptr_eq(strchr(line, '\n'), line + strlen(line) - 1); /* one line */
	ck_assert_int_eq(api_result_undump(line, strlen(line), &back), 0);
	ck_assert_int_eq(back.state, API_OK);
	ck_assert_str_eq(back.url, r.url);
	ck_assert_int_eq(back.http_status, 200);
	ck_assert_ptr_null(back.error);
	ck_assert(membership_equal(&back.membership, &r.membership));
	ck_assert_int_eq(back.membership.last_ok_ms, r.membership.last_ok_ms);
	api_result_free(&back);
	free(line);
	membership_free(&r.membership);

	line = api_result_dump(&f);
	ck_assert_int_eq(api_result_undump(line, strlen(line), &back), 0);
	ck_assert_int_eq(back.state, API_UNAUTHORIZED);
	ck_assert_ptr_null(back.url);
	ck_assert_str_eq(back.error, f.error);
	ck_assert_int_eq(back.membership.n, 0);
	api_result_free(&back);
	free(line);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(api_result_undump(bad[i], strlen(bad[i]), &back) == -EBADMSG, "%s",
		              bad[i]);
}
END_TEST

START_TEST(test_load_bad)
{
	static const char *const texts[] = {
	    "",
	    "{}",
	    "not json",
	    "{\"format\":2,\"last_ok_ms\":0,\"clustered\":false,\"quorate\":true,"
	    "\"cluster\":\"\",\"members\":[{\"name\":\"a\",\"id\":0,\"online\":true,\"local\":true}"
	    "]}",
	    "{\"format\":1,\"last_ok_ms\":0,\"clustered\":false,\"quorate\":true,"
	    "\"cluster\":\"\",\"members\":[]}",
	    "{\"format\":1,\"last_ok_ms\":0,\"clustered\":false,\"quorate\":true,"
	    "\"cluster\":\"\",\"members\":[{\"name\":\"a "
	    "b\",\"id\":0,\"online\":true,\"local\":true}]}",
	    "{\"format\":1,\"last_ok_ms\":0,\"clustered\":false,\"quorate\":true,"
	    "\"cluster\":\"\",\"members\":[{\"name\":\"a\",\"id\":-3,\"online\":true,\"local\":"
	    "true}]}",
	    "{\"format\":1,\"last_ok_ms\":0,\"clustered\":false,\"quorate\":true,"
	    "\"cluster\":\"\",\"members\":[{\"name\":\"a\",\"id\":0,\"online\":1,\"local\":true}]}",
	    "{\"format\":1,\"last_ok_ms\":0,\"clustered\":true,\"quorate\":true,"
	    "\"cluster\":\"\",\"members\":[{\"name\":\"a\",\"id\":0,\"online\":true,\"local\":true}"
	    "]}",
	    "{\"format\":1,\"last_ok_ms\":0,\"clustered\":false,\"quorate\":true,\"cluster\":\"\","
	    "\"members\":[{\"name\":\"a\",\"id\":1,\"online\":true,\"local\":true},"
	    "{\"name\":\"a\",\"id\":2,\"online\":true,\"local\":false}]}",
	};
	_cleanup_free_ char *path = xasprintf("%s/membership.json", tu_tmpdir);
	struct membership m = {0};

	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		ck_assert_int_eq(write_file_atomic(path, texts[i], strlen(texts[i]), 0644), 0);
		ck_assert_msg(membership_load(path, &m) == -EBADMSG, "text %zu accepted", i);
		ck_assert_ptr_null(m.members);
	}
	ck_assert_int_eq(membership_save(&m, "/nonexistent-dir/membership.json"), -ENOENT);
}
END_TEST

START_TEST(test_copy_find)
{
	struct membership m = {0}, c = {0};
	char *err = NULL;

	ck_assert_int_eq(parse_file("ok-no-quorum.json", &m, &err), 0);
	membership_copy(&c, &m);
	ck_assert_ptr_ne(c.members, m.members);
	ck_assert(membership_equal(&c, &m));
	membership_free(&m);
	ck_assert_ptr_nonnull(membership_find(&c, "pve-3"));
	ck_assert_ptr_null(membership_find(&c, "pve-4"));
	ck_assert_ptr_null(membership_find(&c, ""));
	ck_assert_ptr_null(membership_find(&c,
	                                   "a-very-long-name-that-cannot-be-a-member-because-it-"
	                                   "is-longer-than-63"));
	ck_assert_ptr_null(membership_find(&m, "pve-1"));
	ck_assert_ptr_null(membership_find(NULL, "pve-1"));
	membership_free(&c);
}
END_TEST

/* ---- cluster and configuration disagree ---- */

START_TEST(test_check_config)
{
	struct node_conf nodes[] = {
	    {.name = "pve-1"},
	    {.name = "pve-2"},
	    {.name = "pbs", .external = true},
	    {.name = "pve-4"},
	};
	struct config c = {.nodes = nodes, .n_nodes = ARRAY_SIZE(nodes)};
	struct membership m = {0};
	struct strv w = {0}, again = {0};
	char *err = NULL;

	ck_assert_int_eq(parse_file("ok-no-quorum.json", &m, &err), 0);
	membership_check_config(&m, &c, &w);
	ck_assert_uint_eq(w.n, 2);
	ck_assert_str_eq(w.v[0], "cluster member pve-3 has no [node] section");
	ck_assert_str_eq(w.v[1], "node pve-4 is not external but not a cluster member");
	/* the same inputs give the same set: the caller warns only on a change */
	membership_check_config(&m, &c, &again);
	ck_assert_uint_eq(again.n, w.n);
	for (size_t i = 0; i < w.n; i++)
		ck_assert(strv_contains(&again, w.v[i]));
	strv_free(&again);
	membership_free(&m);

	/* every member configured, every configured node a member */
	c.n_nodes = 3;
	ck_assert_int_eq(parse_file("ok-reference.json", &m, &err), 0);
	membership_check_config(&m, &c, &again);
	ck_assert_uint_eq(again.n, 0);
	membership_free(&m);

	/* a standalone answer says nothing about the cluster */
	ck_assert_int_eq(parse_file("ok-standalone.json", &m, &err), 0);
	membership_check_config(&m, &c, &again);
	ck_assert_uint_eq(again.n, 0);
	membership_free(&m);
	strv_free(&w);
	strv_free(&again);
}
END_TEST

START_TEST(test_state_names)
{
	ck_assert_str_eq(api_state_str(API_DISABLED), "disabled");
	ck_assert_str_eq(api_state_str(API_OK), "ok");
	ck_assert_str_eq(api_state_str(API_UNREACHABLE), "unreachable");
	ck_assert_str_eq(api_state_str(API_UNAUTHORIZED), "unauthorized");
	ck_assert_str_eq(api_state_str(API_TLS_ERROR), "tls-error");
	ck_assert_str_eq(api_state_str(API_BAD_ANSWER), "bad-answer");
	ck_assert_str_eq(api_state_str((enum api_state)99), "unknown");
}
END_TEST

static Suite *
membership_suite(void)
{
	Suite *s = suite_create("membership");
	TCase *tc = tcase_create("parse");
	TCase *tp = tcase_create("persist");

	tcase_add_loop_test(tc, test_parse_good, 0, ARRAY_SIZE(good_cases));
	tcase_add_test(tc, test_parse_quirks_equal);
	tcase_add_loop_test(tc, test_parse_bad, 0, ARRAY_SIZE(bad_files));
	tcase_add_test(tc, test_parse_messages);
	tcase_add_test(tc, test_parse_limits);
	tcase_add_test(tc, test_copy_find);
	tcase_add_test(tc, test_check_config);
	tcase_add_test(tc, test_state_names);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(tp, tu_tmpdir_setup, tu_tmpdir_teardown);
	tcase_add_loop_test(tp, test_save_load, 0, ARRAY_SIZE(good_cases));
	tcase_add_loop_test(tp, test_result_line, 0, ARRAY_SIZE(good_cases));
	tcase_add_test(tp, test_load_bad);
	suite_add_tcase(s, tp);
	return s;
}

int
main(void)
{
	return tu_run(membership_suite());
}
