/* check_lsdb6.c - OSPFv3's router LSAs ("show ipv6 ospf6 database router
 * detail json" with "show ipv6 ospf6 json"), recorded on FRR 8.4, 10.3 and
 * 10.7 in the dual-stack lab, and edited or malformed ones; the mesh view
 * built from them */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "lsdb6.h"
#include "meshview.h"
#include "testutil.h"

/* The converged dual-stack lab, as each host printed it (its own FRR). */
static const struct {
	const char *version, *host, *self;
} recorded[] = {
    {"8.4", "pve-1", "192.168.102.1"},
    {"10.3", "pve-2", "192.168.102.2"},
    {"10.7", "pbs", "192.168.102.3"},
};

/* tests/data/frr-ipv6-lab/frr-VERSION/HOST[.STATE].WHAT */
static char *
read6(const char *version, const char *host, const char *state, const char *what)
{
	_cleanup_free_ char *name =
	    state ? xasprintf("frr-ipv6-lab/frr-%s/%s.%s.%s", version, host, state, what)
	          : xasprintf("frr-ipv6-lab/frr-%s/%s.%s", version, host, what);

	return tu_read_data(name);
}

static int
parse_recorded(int i, const char *state, struct lsdb *db)
{
	_cleanup_free_ char *text = read6(recorded[i].version, recorded[i].host, state,
	                                  "ipv6-ospf6-database-router-json.txt");
	_cleanup_free_ char *inst =
	    read6(recorded[i].version, recorded[i].host, NULL, "ipv6-ospf6-json.txt");

	return lsdb6_parse(text, inst, db);
}

static struct in_addr
ip(const char *s)
{
	struct in_addr a;

	ck_assert_int_eq(inet_pton(AF_INET, s, &a), 1);
	return a;
}

/* The p2p link of r to peer, or NULL. */
static const struct lsdb_link *
p2p_to(const struct lsdb_router *r, const char *peer)
{
	for (size_t i = 0; r && i < r->n_links; i++)
		if (r->links[i].type == LSDB_LINK_P2P && r->links[i].id.s_addr == ip(peer).s_addr)
			return &r->links[i];
	return NULL;
}

START_TEST(recorded_converged)
{
	const struct lsdb_router *r1, *r2, *r3;
	struct lsdb db;

	ck_assert_int_eq(parse_recorded(_i, NULL, &db), 0);
	ck_assert_str_eq(tu_ip(db.self), recorded[_i].self);
	ck_assert_uint_eq(db.n_routers, 3);
	r1 = lsdb_find(&db, 0, ip("192.168.102.1"));
	r2 = lsdb_find(&db, 0, ip("192.168.102.2"));
	r3 = lsdb_find(&db, 0, ip("192.168.102.3"));
	ck_assert_ptr_nonnull(r1);
	ck_assert_ptr_nonnull(r2);
	ck_assert_ptr_nonnull(r3);
	ck_assert_uint_lt(r1->age, LSDB_MAX_AGE);
	/* OSPFv3 router LSAs list the point-to-point links only */
	ck_assert_uint_eq(r1->n_links, 2);
	ck_assert_uint_eq(r2->n_links, 2);
	ck_assert_uint_eq(r3->n_links, 2);
	/* the configured costs; the PBS (an endpoint) at the maximum */
	ck_assert_uint_eq(p2p_to(r1, "192.168.102.2")->metric, 200);
	ck_assert_uint_eq(p2p_to(r1, "192.168.102.3")->metric, 10);
	ck_assert_uint_eq(p2p_to(r2, "192.168.102.1")->metric, 200);
	ck_assert_uint_eq(p2p_to(r2, "192.168.102.3")->metric, 10);
	ck_assert_uint_eq(p2p_to(r3, "192.168.102.1")->metric, LSDB_MAX_METRIC);
	ck_assert_uint_eq(p2p_to(r3, "192.168.102.2")->metric, LSDB_MAX_METRIC);
	lsdb_free(&db);
}
END_TEST

/* The view of the recorded databases: as configured, the PBS an endpoint. */
START_TEST(recorded_view)
{
	_cleanup_free_ char *dual = tu_dual_mesh();
	struct config *c = tu_parse(dual);
	struct mesh_view v;
	struct lsdb db;

	ck_assert_int_eq(parse_recorded(_i, NULL, &db), 0);
	meshview_build(c, &db, &v);
	ck_assert_uint_eq(v.problems, 0);
	ck_assert_str_eq(v.self->name, recorded[_i].host);
	ck_assert_uint_eq(v.n_links, 3);
	for (size_t i = 0; i < v.n_links; i++)
		ck_assert_int_eq(v.links[i].state, MESH_UP);
	ck_assert(v.hosts[2].max_metric);
	ck_assert(!v.hosts[0].max_metric);
	meshview_free(&v);
	lsdb_free(&db);
	config_free(c);
}
END_TEST

/* pve-1's nic4 cut (silent): pve-1 and the PBS no longer list their link;
 * every host's database says so. */
START_TEST(recorded_cut)
{
	_cleanup_free_ char *dual = tu_dual_mesh();
	struct config *c = tu_parse(dual);
	struct mesh_view v;
	struct lsdb db;

	ck_assert_int_eq(parse_recorded(_i, "cut", &db), 0);
	ck_assert_ptr_null(p2p_to(lsdb_find(&db, 0, ip("192.168.102.1")), "192.168.102.3"));
	ck_assert_ptr_null(p2p_to(lsdb_find(&db, 0, ip("192.168.102.3")), "192.168.102.1"));
	meshview_build(c, &db, &v);
	ck_assert_uint_eq(v.problems, 1);
	ck_assert_int_eq(v.links[0].state, MESH_UP);
	ck_assert_int_eq(v.links[1].state, MESH_DOWN);
	ck_assert_int_eq(v.links[2].state, MESH_UP);
	meshview_free(&v);
	lsdb_free(&db);
	config_free(c);
}
END_TEST

/* A router's links over two LSAs (fragments), one of them flushed; other
 * types of LSA and areas; links of every type. */
START_TEST(fragments_and_types)
{
	static const char inst[] = "{\"routerId\":\"10.0.0.1\"}";
	static const char text[] =
	    "{\"areaScopedLinkStateDb\":[{\"areaId\":\"0.0.0.0\",\"lsa\":["
	    "{\"age\":30,\"type\":\"Router\",\"linkStateId\":\"0.0.0.0\","
	    "\"advertisingRouter\":\"10.0.0.2\",\"lsaDescription\":["
	    "{\"type\":\"Point-To-Point\",\"metric\":10,\"interfaceId\":\"0.0.0.4\","
	    "\"neighborInterfaceId\":\"0.0.0.5\",\"neighborRouterId\":\"10.0.0.1\"}]},"
	    "{\"age\":3,\"type\":\"Router\",\"linkStateId\":\"0.0.0.1\","
	    "\"advertisingRouter\":\"10.0.0.2\",\"lsaDescription\":["
	    "{\"type\":\"Transit-Network\",\"metric\":20,\"interfaceId\":\"0.0.0.6\","
	    "\"neighborInterfaceId\":\"0.0.0.6\",\"neighborRouterId\":\"10.0.0.2\"},"
	    "{\"type\":\"Virtual-Link\",\"metric\":30,\"interfaceId\":\"0.0.0.7\","
	    "\"neighborInterfaceId\":\"0.0.0.8\",\"neighborRouterId\":\"10.0.0.9\"},"
	    "{\"type\":\"Unknown (0x9)\",\"metric\":1,\"interfaceId\":\"0.0.0.7\","
	    "\"neighborInterfaceId\":\"0.0.0.8\",\"neighborRouterId\":\"10.0.0.9\"}]},"
	    "{\"age\":3600,\"type\":\"Router\",\"linkStateId\":\"0.0.0.2\","
	    "\"advertisingRouter\":\"10.0.0.2\",\"lsaDescription\":["
	    "{\"type\":\"Point-To-Point\",\"metric\":10,\"interfaceId\":\"0.0.0.9\","
	    "\"neighborInterfaceId\":\"0.0.0.5\",\"neighborRouterId\":\"10.0.0.3\"}]},"
	    "{\"age\":3600,\"type\":\"Router\",\"linkStateId\":\"0.0.0.0\","
	    "\"advertisingRouter\":\"10.0.0.4\",\"lsaDescription\":[]},"
	    "{\"age\":1,\"type\":\"Network\",\"linkStateId\":\"0.0.0.6\","
	    "\"advertisingRouter\":\"10.0.0.2\"}]},"
	    "{\"areaId\":\"0.0.0.1\",\"lsa\":[{\"age\":9,\"type\":\"Router\","
	    "\"linkStateId\":\"0.0.0.0\",\"advertisingRouter\":\"10.0.0.2\"}]}]}";
	const struct lsdb_router *r;
	struct lsdb db;

	ck_assert_int_eq(lsdb6_parse(text, inst, &db), 0);
	ck_assert_str_eq(tu_ip(db.self), "10.0.0.1");
	r = lsdb_find(&db, 0, ip("10.0.0.2"));
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->age, 3);     /* the youngest fragment */
	ck_assert_uint_eq(r->n_links, 4); /* the flushed fragment's link is gone */
	ck_assert_int_eq(r->links[0].type, LSDB_LINK_P2P);
	ck_assert_str_eq(tu_ip(r->links[0].id), "10.0.0.1");
	ck_assert_str_eq(tu_ip(r->links[0].data), "0.0.0.5");
	ck_assert_uint_eq(r->links[0].metric, 10);
	ck_assert_int_eq(r->links[1].type, LSDB_LINK_TRANSIT);
	ck_assert_int_eq(r->links[2].type, LSDB_LINK_VIRTUAL);
	ck_assert_uint_eq(r->links[2].metric, 30);
	ck_assert_int_eq(r->links[3].type, LSDB_LINK_OTHER);
	/* a router whose only LSA was flushed: MaxAge, no link */
	r = lsdb_find(&db, 0, ip("10.0.0.4"));
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->age, LSDB_MAX_AGE);
	ck_assert_uint_eq(r->n_links, 0);
	r = lsdb_find(&db, 1, ip("10.0.0.2"));
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->age, 9);
	ck_assert_uint_eq(db.n_routers, 3);
	lsdb_free(&db);

	/* an instance with no LSA yet */
	ck_assert_int_eq(lsdb6_parse("{}", inst, &db), 0);
	ck_assert_uint_eq(db.n_routers, 0);
	lsdb_free(&db);
}
END_TEST

/* Each malformed document fails as a whole; edits of a recorded one. */
static const struct {
	const char *from, *to;
	int want;
} bad[] = {
    {"\"areaScopedLinkStateDb\":[", "\"areaScopedLinkStateDb\":{\"x\":[", -EBADMSG},
    {"\"areaId\":\"0.0.0.0\"", "\"areaId\":\"backbone\"", -EBADMSG},
    {"\"areaId\":\"0.0.0.0\"", "\"areaId\":0", -EBADMSG},
    {"\"lsa\":[", "\"lsa\":{\"x\":[", -EBADMSG},
    {"\"age\":", "\"age\":-", -EBADMSG},
    {"\"advertisingRouter\":\"192.168.102.2\"", "\"advertisingRouter\":null", -EBADMSG},
    {"\"lsaDescription\":[", "\"lsaDescription\":{\"x\":[", -EBADMSG},
    {"\"type\":\"Point-To-Point\"", "\"type\":1", -EBADMSG},
    {"\"neighborRouterId\":\"192.168.102.2\"", "\"neighborRouterId\":\"pve-2\"", -EBADMSG},
    {"\"metric\":200", "\"metric\":65536", -EBADMSG},
};

START_TEST(malformed)
{
	_cleanup_free_ char *text =
	    read6("8.4", "pve-1", NULL, "ipv6-ospf6-database-router-json.txt");
	_cleanup_free_ char *inst = read6("8.4", "pve-1", NULL, "ipv6-ospf6-json.txt");
	_cleanup_free_ char *compact = NULL, *edited = NULL;
	json_t *root = json_loads(text, 0, NULL);
	struct lsdb db = {0};

	/* compact, so that the edits' spellings match every version's */
	ck_assert_ptr_nonnull(root);
	compact = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	ck_assert_msg(strstr(compact, bad[_i].from), "%s not in %s", bad[_i].from, compact);
	edited = tu_replace(xstrdup(compact), bad[_i].from, bad[_i].to);
	ck_assert_int_eq(lsdb6_parse(edited, inst, &db), bad[_i].want);
	ck_assert_uint_eq(db.n_routers, 0);
	ck_assert_ptr_null(db.routers);
}
END_TEST

START_TEST(not_json)
{
	static const char *const texts[] = {"", "% OSPFv3 instance not found\n", "{", "[]", "null"};
	static const char inst[] = "{\"routerId\":\"10.0.0.1\"}";
	struct lsdb db = {0};

	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		ck_assert_int_eq(lsdb6_parse(texts[i], inst, &db), -EBADMSG);
		ck_assert_int_eq(lsdb6_parse("{}", texts[i], &db), -EBADMSG);
	}
	/* no router ospf6 */
	ck_assert_int_eq(lsdb6_parse("{}", "{}", &db), -ENODATA);
	ck_assert_int_eq(lsdb6_parse("{}", "{\"routerId\":7}", &db), -EBADMSG);
	ck_assert_int_eq(lsdb6_parse(NULL, inst, &db), -EBADMSG);
	ck_assert_int_eq(lsdb6_parse("{}", NULL, &db), -EBADMSG);
}
END_TEST

static Suite *
lsdb6_suite(void)
{
	Suite *s = suite_create("lsdb6");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, recorded_converged, 0, ARRAY_SIZE(recorded));
	tcase_add_loop_test(tc, recorded_view, 0, ARRAY_SIZE(recorded));
	tcase_add_loop_test(tc, recorded_cut, 0, ARRAY_SIZE(recorded));
	tcase_add_test(tc, fragments_and_types);
	tcase_add_loop_test(tc, malformed, 0, ARRAY_SIZE(bad));
	tcase_add_test(tc, not_json);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(lsdb6_suite());
}
