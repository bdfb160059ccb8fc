/* lsdb6.c - OSPFv3's router LSAs from "show ipv6 ospf6 database router
 * detail json"
 *
 * FRR 8.4, 10.3 and 10.7 print (ospf6d.c, ospf6_lsa.c, ospf6_intra.c):
 * {"areaScopedLinkStateDb": [{"areaId", "lsa": [{"age", "type": "Router",
 * "linkStateId", "advertisingRouter", …, "lsaDescription": [{"type":
 * "Point-To-Point" | "Transit-Network" | "Virtual-Link", "metric",
 * "interfaceId", "neighborInterfaceId", "neighborRouterId"}, …]}, …]}, …]}.
 * A router may split its links over several LSAs (RFC 5340 §A.4.3): they
 * are one router here. OSPFv3 router LSAs have no stub links (prefixes
 * live in other LSAs). Anything of the wrong type fails the whole parse. */
#include "lsdb6.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "frrjson.h"
#include "util.h"

#define _cleanup_json_ _cleanup_(json_decrefp)

static const char *const link_types[] = {
    [LSDB_LINK_P2P] = "Point-To-Point",
    [LSDB_LINK_TRANSIT] = "Transit-Network",
    [LSDB_LINK_STUB] = "Stub-Network",
    [LSDB_LINK_VIRTUAL] = "Virtual-Link",
};

static int
parse_link(json_t *o, struct lsdb_link *l)
{
	json_t *t = json_object_get(o, "type");
	unsigned long long metric;

	if (!json_is_object(o) || !json_is_string(t))
		return -EBADMSG;
	*l = (struct lsdb_link){.type = LSDB_LINK_OTHER};
	for (size_t i = 1; i < ARRAY_SIZE(link_types); i++)
		if (link_types[i] && !strcmp(json_string_value(t), link_types[i]))
			l->type = (enum lsdb_link_type)i;
	if (frrjson_get_ip4(o, "neighborRouterId", true, &l->id) < 0 ||
	    frrjson_get_ip4(o, "neighborInterfaceId", true, &l->data) < 0 ||
	    frrjson_get_uint(o, "metric", UINT16_MAX, &metric) < 0)
		return -EBADMSG;
	l->metric = (uint32_t)metric;
	return 0;
}

/* The router of area with router_id in db, added (empty, MaxAge) if new. */
static struct lsdb_router *
router_get(struct lsdb *db, uint32_t area, struct in_addr router_id)
{
	struct lsdb_router *r;

	for (size_t i = 0; i < db->n_routers; i++)
		if (db->routers[i].area == area &&
		    db->routers[i].router_id.s_addr == router_id.s_addr)
			return &db->routers[i];
	db->routers = xreallocarray(db->routers, db->n_routers + 1, sizeof(*db->routers));
	r = &db->routers[db->n_routers++];
	*r = (struct lsdb_router){.area = area, .router_id = router_id, .age = LSDB_MAX_AGE};
	return r;
}

/* One router LSA (a fragment) into its router in db. */
static int
parse_lsa(json_t *o, uint32_t area, struct lsdb *db)
{
	json_t *t = json_object_get(o, "type"), *links = json_object_get(o, "lsaDescription"), *v;
	unsigned long long age;
	struct lsdb_router *r;
	struct in_addr id;
	size_t i;

	if (!json_is_object(o) || frrjson_get_ip4(o, "advertisingRouter", true, &id) < 0 ||
	    frrjson_get_uint(o, "age", UINT16_MAX, &age) < 0 ||
	    (links != NULL && !json_is_array(links)))
		return -EBADMSG;
	if (json_is_string(t) && strcmp(json_string_value(t), "Router"))
		return 0;
	r = router_get(db, area, id);
	if (age >= LSDB_MAX_AGE)
		return 0; /* flushed: its links are gone */
	if (age < r->age)
		r->age = (unsigned)age;
	r->links =
	    xreallocarray(r->links, r->n_links + json_array_size(links) + 1, sizeof(*r->links));
	json_array_foreach(links, i, v)
	{
		if (parse_link(v, &r->links[r->n_links]) < 0)
			return -EBADMSG;
		r->n_links++;
	}
	return 0;
}

static int
parse_areas(json_t *areas, struct lsdb *db)
{
	size_t i, k;
	json_t *a, *lsa;

	json_array_foreach(areas, i, a)
	{
		json_t *lsas = json_object_get(a, "lsa");
		struct in_addr area;

		if (!json_is_object(a) || frrjson_get_ip4(a, "areaId", true, &area) < 0 ||
		    (lsas != NULL && !json_is_array(lsas)))
			return -EBADMSG;
		json_array_foreach(lsas, k, lsa) if (parse_lsa(lsa, ntohl(area.s_addr), db) <
		                                     0) return -EBADMSG;
	}
	return 0;
}

int
lsdb6_parse(const char *db_json, const char *ospf6_json, struct lsdb *out)
{
	_cleanup_json_ json_t *root = NULL, *inst = NULL;
	json_t *areas;
	struct lsdb db = {0};

	if (db_json == NULL || ospf6_json == NULL)
		return -EBADMSG;
	inst = json_loads(ospf6_json, JSON_REJECT_DUPLICATES, NULL);
	root = json_loads(db_json, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(inst) || !json_is_object(root))
		return -EBADMSG;
	if (json_object_get(inst, "routerId") == NULL)
		return -ENODATA; /* no router ospf6 */
	if (frrjson_get_ip4(inst, "routerId", true, &db.self) < 0)
		return -EBADMSG;
	areas = json_object_get(root, "areaScopedLinkStateDb");
	if (areas != NULL && (!json_is_array(areas) || parse_areas(areas, &db) < 0)) {
		lsdb_free(&db);
		return -EBADMSG;
	}
	*out = db;
	return 0;
}
