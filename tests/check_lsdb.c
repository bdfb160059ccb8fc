/* check_lsdb.c - router LSAs of "show ip ospf database router json",
 * recorded on FRR 8.4, 10.3 and 10.7, and malformed ones */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <string.h>

#include "lsdb.h"
#include "testutil.h"

/* The converged lab, as each host printed it (its own FRR version). */
static const struct {
	const char *version, *host, *self;
} recorded[] = {
    {"8.4", "pve-1", "192.168.102.1"},
    {"10.3", "pve-2", "192.168.102.2"},
    {"10.7", "pbs", "192.168.102.3"},
};

static char *
read_lsdb(const char *version, const char *host, const char *state)
{
	_cleanup_free_ char *name =
	    state ? xasprintf("%s.%s.ip-ospf-database-router-json.txt", host, state)
	          : xasprintf("%s.ip-ospf-database-router-json.txt", host);

	return tu_read_frr(version, name);
}

static struct in_addr
ip(const char *s)
{
	struct in_addr a;

	ck_assert_int_eq(inet_pton(AF_INET, s, &a), 1);
	return a;
}

START_TEST(recorded_converged)
{
	_cleanup_free_ char *text = read_lsdb(recorded[_i].version, recorded[_i].host, NULL);
	const struct lsdb_router *r;
	struct lsdb db;

	ck_assert_int_eq(lsdb_parse(text, &db), 0);
	ck_assert_str_eq(tu_ip(db.self), recorded[_i].self);
	ck_assert_uint_eq(db.n_routers, 3);

	/* pve-1: its loopback, then per link the p2p link and the link subnet */
	r = lsdb_find(&db, 0, ip("192.168.102.1"));
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_lt(r->age, 60);
	ck_assert_uint_eq(r->n_links, 5);
	ck_assert_int_eq(r->links[0].type, LSDB_LINK_STUB);
	ck_assert_str_eq(tu_ip(r->links[0].id), "192.168.102.1");
	ck_assert_str_eq(tu_ip(r->links[0].data), "255.255.255.255");
	ck_assert_uint_eq(r->links[0].metric, 0);
	ck_assert_int_eq(r->links[1].type, LSDB_LINK_P2P);
	ck_assert_str_eq(tu_ip(r->links[1].id), "192.168.102.2");
	ck_assert_str_eq(tu_ip(r->links[1].data), "192.168.103.1");
	ck_assert_uint_eq(r->links[1].metric, 200);
	ck_assert_int_eq(r->links[3].type, LSDB_LINK_P2P);
	ck_assert_str_eq(tu_ip(r->links[3].id), "192.168.102.3");
	ck_assert_uint_eq(r->links[3].metric, 10);

	/* the PBS, an endpoint: every link at the maximum metric */
	r = lsdb_find(&db, 0, ip("192.168.102.3"));
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->n_links, 5);
	for (size_t i = 1; i < r->n_links; i++)
		ck_assert_uint_eq(r->links[i].metric, LSDB_MAX_METRIC);
	ck_assert_str_eq(tu_ip(r->links[0].id), "192.168.103.254");

	ck_assert_ptr_null(lsdb_find(&db, 1, ip("192.168.102.3"))); /* another area */
	ck_assert_ptr_null(lsdb_find(&db, 0, ip("192.168.102.9")));
	lsdb_free(&db);
	ck_assert_uint_eq(db.n_routers, 0);
}
END_TEST

/* The PBS's FRR stopped: ospfd flushed its LSA (MaxAge), links and all. */
START_TEST(recorded_flushed)
{
	static const char *const v[][2] = {{"8.4", "pve-1"}, {"10.3", "pve-2"}};
	_cleanup_free_ char *text = read_lsdb(v[_i][0], v[_i][1], "pbs-stopped");
	const struct lsdb_router *r;
	struct lsdb db;

	ck_assert_int_eq(lsdb_parse(text, &db), 0);
	r = lsdb_find(&db, 0, ip("192.168.102.3"));
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->age, LSDB_MAX_AGE);
	ck_assert_uint_eq(r->n_links, 5);
	lsdb_free(&db);
}
END_TEST

/* Other link types, other LSA types, several areas. */
START_TEST(types_and_areas)
{
	static const char text[] =
	    "{\"routerId\":\"10.0.0.1\",\"routerLinkStates\":{\"areas\":{"
	    "\"0.0.0.0\":[{\"lsaAge\":5,\"lsaType\":\"router-LSA\",\"advertisingRouter\":\"10.0.0."
	    "1\","
	    "\"routerLinks\":{"
	    "\"link0\":{\"linkType\":\"a Transit "
	    "Network\",\"designatedRouterAddress\":\"10.1.0.1\","
	    "\"routerInterfaceAddress\":\"10.1.0.2\",\"tos0Metric\":10},"
	    "\"link1\":{\"linkType\":\"a Virtual Link\",\"neighborRouterId\":\"10.0.0.7\","
	    "\"routerInterfaceAddress\":\"10.1.0.2\",\"tos0Metric\":7},"
	    "\"link2\":{\"linkType\":\"something new\",\"tos0Metric\":1}}},"
	    "{\"lsaAge\":5,\"lsaType\":\"network-LSA\",\"advertisingRouter\":\"10.0.0.1\"}],"
	    "\"0.0.0.1\":[{\"lsaAge\":9,\"advertisingRouter\":\"10.0.0.1\"}]}}}";
	const struct lsdb_router *r;
	struct lsdb db;

	ck_assert_int_eq(lsdb_parse(text, &db), 0);
	ck_assert_uint_eq(db.n_routers, 2);
	r = lsdb_find(&db, 0, ip("10.0.0.1"));
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->n_links, 3);
	ck_assert_int_eq(r->links[0].type, LSDB_LINK_TRANSIT);
	ck_assert_str_eq(tu_ip(r->links[0].id), "10.1.0.1");
	ck_assert_str_eq(tu_ip(r->links[0].data), "10.1.0.2");
	ck_assert_int_eq(r->links[1].type, LSDB_LINK_VIRTUAL);
	ck_assert_str_eq(tu_ip(r->links[1].id), "10.0.0.7");
	ck_assert_int_eq(r->links[2].type, LSDB_LINK_OTHER);
	ck_assert_uint_eq(r->links[2].metric, 1);
	r = lsdb_find(&db, 1, ip("10.0.0.1"));
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->age, 9);
	ck_assert_uint_eq(r->n_links, 0);
	ck_assert_str_eq(lsdb_link_type_str(LSDB_LINK_TRANSIT), "transit");
	ck_assert_str_eq(lsdb_link_type_str(LSDB_LINK_P2P), "point-to-point");
	lsdb_free(&db);

	/* an instance with no LSA yet */
	ck_assert_int_eq(lsdb_parse("{\"routerId\":\"10.0.0.1\"}", &db), 0);
	ck_assert_uint_eq(db.n_routers, 0);
	lsdb_free(&db);
}
END_TEST

/* Each malformed document fails as a whole; edits of a recorded one. */
static const struct {
	const char *from, *to;
	int want;
} bad[] = {
    {"\"routerId\": \"192.168.102.1\"", "\"routerId\": 7", -EBADMSG},
    {"\"routerId\": \"192.168.102.1\"", "\"routerId\": \"pve-1\"", -EBADMSG},
    {"\"routerId\": \"192.168.102.1\", ", "", -ENODATA},
    {"\"areas\": {", "\"areas\": [{", -EBADMSG},
    {"\"0.0.0.0\": [", "\"backbone\": [", -EBADMSG},
    {"\"lsaAge\": 10,", "\"lsaAge\": \"10\",", -EBADMSG},
    {"\"lsaAge\": 10,", "\"lsaAge\": -1,", -EBADMSG},
    {"\"advertisingRouter\": \"192.168.102.2\"", "\"advertisingRouter\": null", -EBADMSG},
    {"\"linkType\": \"Stub Network\", \"networkAddress\": \"192.168.102.1\"",
     "\"linkType\": \"Stub Network\", \"networkAddres\": \"192.168.102.1\"", -EBADMSG},
    {"\"linkType\": \"another Router (point-to-point)\", \"neighborRouterId\": \"192.168.102.2\"",
     "\"linkType\": 1, \"neighborRouterId\": \"192.168.102.2\"", -EBADMSG},
    {"\"tos0Metric\": 200 }", "\"tos0Metric\": 65536 }", -EBADMSG},
    {"\"routerLinks\": { \"link0\"", "\"routerLinks\": [ \"link0\"", -EBADMSG},
    {"{ \"routerId\"", "[ \"routerId\"", -EBADMSG},
};

START_TEST(malformed)
{
	_cleanup_free_ char *text = read_lsdb("8.4", "pve-1", NULL);
	_cleanup_free_ char *edited = tu_replace(xstrdup(text), bad[_i].from, bad[_i].to);
	struct lsdb db = {0};

	ck_assert_int_eq(lsdb_parse(edited, &db), bad[_i].want);
	ck_assert_uint_eq(db.n_routers, 0);
	ck_assert_ptr_null(db.routers);
}
END_TEST

START_TEST(not_json)
{
	static const char *const texts[] = {"",  "% OSPF instance not found\n", "{", "[]", "null",
	                                    "{}"};
	struct lsdb db = {0};

	for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
		ck_assert_int_eq(lsdb_parse(texts[i], &db), i == 5 ? -ENODATA : -EBADMSG);
	ck_assert_int_eq(lsdb_parse(NULL, &db), -EBADMSG);
}
END_TEST

static Suite *
lsdb_suite(void)
{
	Suite *s = suite_create("lsdb");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, recorded_converged, 0, ARRAY_SIZE(recorded));
	tcase_add_loop_test(tc, recorded_flushed, 0, 2);
	tcase_add_test(tc, types_and_areas);
	tcase_add_loop_test(tc, malformed, 0, ARRAY_SIZE(bad));
	tcase_add_test(tc, not_json);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(lsdb_suite());
}
