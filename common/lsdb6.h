/* lsdb6.h - OSPFv3's router LSAs as ospf6d prints them ("show ipv6 ospf6
 * database router detail json"), as the plain structs of lsdb.h, so that
 * `proxmesh mesh` judges an IPv6 mesh as it judges an IPv4 one */
#pragma once

#include "lsdb.h"

/* Parse ospf6d's router LSAs (db_json) and its router id (the "routerId"
 * of "show ipv6 ospf6 json", ospf6_json) into a zeroed *out: 0, or
 * -EBADMSG on malformed input (*out then empty), -ENODATA when ospf6d has
 * no OSPFv3 instance. The LSAs of one router (fragments: one Link State ID
 * each) become one lsdb_router with the links of those not aged out, aged
 * as the youngest; an OSPFv3 link's id is the neighbour's router id, its
 * data the neighbour's interface id. */
int lsdb6_parse(const char *db_json, const char *ospf6_json, struct lsdb *out);
