/* lsdb.h - OSPF's router LSAs as ospfd prints them ("show ip ospf database
 * router json", the same keys on FRR 8.4, 10.3 and 10.7), as plain structs */
#pragma once

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/* An LSA this old has been flushed (RFC 2328 MaxAge). */
#define LSDB_MAX_AGE 3600
/* The metric of a link of a router in max-metric (RFC 6987), and of an
 * endpoint's links (DESIGN §5). */
#define LSDB_MAX_METRIC 65535

/* RFC 2328 §A.4.2 link types, from FRR's "linkType" text. */
enum lsdb_link_type {
	LSDB_LINK_OTHER,
	LSDB_LINK_P2P,     /* "another Router (point-to-point)" */
	LSDB_LINK_TRANSIT, /* "a Transit Network" */
	LSDB_LINK_STUB,    /* "Stub Network" */
	LSDB_LINK_VIRTUAL, /* "a Virtual Link" */
};

/* One link of a router LSA. */
struct lsdb_link {
	enum lsdb_link_type type;
	/* Link ID: the neighbour's router id (p2p, virtual), the DR's address
	 * (transit), the network (stub). */
	struct in_addr id;
	/* Link Data: this router's interface address, or the stub's mask. */
	struct in_addr data;
	uint32_t metric; /* "tos0Metric" */
};

/* One router LSA. */
struct lsdb_router {
	uint32_t area;            /* host byte order */
	struct in_addr router_id; /* "advertisingRouter" */
	unsigned age;             /* "lsaAge", s */
	struct lsdb_link *links;
	size_t n_links;
};

/* The router LSAs of every area. */
struct lsdb {
	struct in_addr self; /* "routerId": the router that printed them */
	struct lsdb_router *routers;
	size_t n_routers;
};

/* Parse "show ip ospf database router json" into a zeroed *out: 0, or
 * -EBADMSG on malformed input (*out then empty), -ENODATA when ospfd has
 * no OSPF instance (no "routerId"). */
int lsdb_parse(const char *json, struct lsdb *out);

/* Free the arrays of db and zero it. */
void lsdb_free(struct lsdb *db);

/* The router LSA of router_id in area, or NULL. */
const struct lsdb_router *lsdb_find(const struct lsdb *db, uint32_t area, struct in_addr router_id);

/* "point-to-point", "transit", "stub", "virtual", "other". */
const char *lsdb_link_type_str(enum lsdb_link_type t);
