/* lsdb.c - OSPF's router LSAs from "show ip ospf database router json"
 *
 * FRR 8.4, 10.3 and 10.7 print the same keys (recorded in tests/data):
 * {"routerId", "routerLinkStates": {"areas": {"0.0.0.0": [ {"lsaAge",
 * "lsaType": "router-LSA", "advertisingRouter", "numOfLinks",
 * "routerLinks": {"link0": {"linkType", <id key>, <data key>,
 * "tos0Metric"}, …}}, …]}}}, where the id and data keys depend on the link
 * type (neighborRouterId / designatedRouterAddress / networkAddress, and
 * routerInterfaceAddress / networkMask). Anything of the wrong type fails
 * the whole parse. */
#include "lsdb.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "frrjson.h"
#include "util.h"

#define _cleanup_json_ _cleanup_(json_decrefp)

static const struct {
	const char *text, *id_key, *data_key;
} link_types[] = {
    [LSDB_LINK_P2P] = {"another Router (point-to-point)", "neighborRouterId",
                       "routerInterfaceAddress"},
    [LSDB_LINK_TRANSIT] = {"a Transit Network", "designatedRouterAddress",
                           "routerInterfaceAddress"},
    [LSDB_LINK_STUB] = {"Stub Network", "networkAddress", "networkMask"},
    [LSDB_LINK_VIRTUAL] = {"a Virtual Link", "neighborRouterId", "routerInterfaceAddress"},
};

const char *
lsdb_link_type_str(enum lsdb_link_type t)
{
	static const char *const names[] = {
	    [LSDB_LINK_OTHER] = "other",     [LSDB_LINK_P2P] = "point-to-point",
	    [LSDB_LINK_TRANSIT] = "transit", [LSDB_LINK_STUB] = "stub",
	    [LSDB_LINK_VIRTUAL] = "virtual",
	};
	return (size_t)t < ARRAY_SIZE(names) ? names[t] : "other";
}

static int
parse_link(json_t *o, struct lsdb_link *l)
{
	json_t *t = json_object_get(o, "linkType");
	unsigned long long metric;

	if (!json_is_object(o) || !json_is_string(t))
		return -EBADMSG;
	*l = (struct lsdb_link){.type = LSDB_LINK_OTHER};
	for (size_t i = 1; i < ARRAY_SIZE(link_types); i++)
		if (!strcmp(json_string_value(t), link_types[i].text))
			l->type = (enum lsdb_link_type)i;
	if (l->type != LSDB_LINK_OTHER &&
	    (frrjson_get_ip4(o, link_types[l->type].id_key, true, &l->id) < 0 ||
	     frrjson_get_ip4(o, link_types[l->type].data_key, false, &l->data) < 0))
		return -EBADMSG;
	if (frrjson_get_uint(o, "tos0Metric", UINT16_MAX, &metric) < 0)
		return -EBADMSG;
	l->metric = (uint32_t)metric;
	return 0;
}

static int
parse_router(json_t *o, uint32_t area, struct lsdb_router *r)
{
	json_t *links = json_object_get(o, "routerLinks"), *v;
	unsigned long long age;
	const char *key;

	*r = (struct lsdb_router){.area = area};
	if (!json_is_object(o) ||
	    frrjson_get_ip4(o, "advertisingRouter", true, &r->router_id) < 0 ||
	    frrjson_get_uint(o, "lsaAge", UINT16_MAX, &age) < 0)
		return -EBADMSG;
	r->age = (unsigned)age;
	if (links == NULL)
		return 0;
	if (!json_is_object(links))
		return -EBADMSG;
	r->links = xcalloc(json_object_size(links) + 1, sizeof(*r->links));
	json_object_foreach(links, key, v)
	{
		if (parse_link(v, &r->links[r->n_links]) < 0)
			return -EBADMSG; /* the caller frees r->links */
		r->n_links++;
	}
	return 0;
}

/* Router LSAs only: "lsaType" absent (older output) or "router-LSA". */
static bool
is_router_lsa(json_t *o)
{
	json_t *t = json_object_get(o, "lsaType");

	return t == NULL || (json_is_string(t) && !strcmp(json_string_value(t), "router-LSA"));
}

static int
parse_areas(json_t *areas, struct lsdb *db)
{
	const char *key;
	json_t *lsas;

	json_object_foreach(areas, key, lsas)
	{
		struct in_addr a;
		size_t i;
		json_t *v;

		if (inet_pton(AF_INET, key, &a) != 1 || !json_is_array(lsas))
			return -EBADMSG;
		db->routers = xreallocarray(db->routers, db->n_routers + json_array_size(lsas) + 1,
		                            sizeof(*db->routers));
		json_array_foreach(lsas, i, v)
		{
			struct lsdb_router *r = &db->routers[db->n_routers];

			if (!json_is_object(v))
				return -EBADMSG;
			if (!is_router_lsa(v))
				continue;
			if (parse_router(v, ntohl(a.s_addr), r) < 0) {
				free(r->links);
				return -EBADMSG;
			}
			db->n_routers++;
		}
	}
	return 0;
}

int
lsdb_parse(const char *json, struct lsdb *out)
{
	_cleanup_json_ json_t *root = NULL;
	json_t *states, *areas;
	struct lsdb db = {0};

	if (json == NULL)
		return -EBADMSG;
	root = json_loads(json, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(root))
		return -EBADMSG;
	if (json_object_get(root, "routerId") == NULL)
		return -ENODATA; /* "{}": no router ospf */
	if (frrjson_get_ip4(root, "routerId", true, &db.self) < 0)
		return -EBADMSG;
	states = json_object_get(root, "routerLinkStates");
	if (states == NULL)
		goto done;
	areas = json_object_get(states, "areas");
	if (!json_is_object(states) || (areas != NULL && !json_is_object(areas)))
		return -EBADMSG;
	if (areas != NULL && parse_areas(areas, &db) < 0) {
		lsdb_free(&db);
		return -EBADMSG;
	}
done:
	*out = db;
	return 0;
}

void
lsdb_free(struct lsdb *db)
{
	for (size_t i = 0; i < db->n_routers; i++)
		free(db->routers[i].links);
	free(db->routers);
	*db = (struct lsdb){0};
}

const struct lsdb_router *
lsdb_find(const struct lsdb *db, uint32_t area, struct in_addr router_id)
{
	const struct lsdb_router *best = NULL;

	/* Two copies of one LSA never appear; if they did, the younger counts. */
	for (size_t i = 0; i < db->n_routers; i++) {
		const struct lsdb_router *r = &db->routers[i];

		if (r->area == area && r->router_id.s_addr == router_id.s_addr &&
		    (best == NULL || r->age < best->age))
			best = r;
	}
	return best;
}
