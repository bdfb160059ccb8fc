/* frrjson.h - FRR's JSON show output (8.4 and 10.x) as plain structs */
#pragma once

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"

/* OSPF neighbour state machine states (RFC 2328 §10.1), in order. */
enum ospf_nsm {
	NSM_UNKNOWN,
	NSM_DOWN,
	NSM_ATTEMPT,
	NSM_INIT,
	NSM_2WAY,
	NSM_EXSTART,
	NSM_EXCHANGE,
	NSM_LOADING,
	NSM_FULL,
};

enum bfd_status {
	BFD_STATUS_UNKNOWN,
	BFD_STATUS_UP,
	BFD_STATUS_DOWN,
	BFD_STATUS_INIT,
	BFD_STATUS_SHUTDOWN
};

/* One entry of "show ip ospf neighbor json". */
struct frr_neighbor {
	struct in_addr router_id;
	char ifname[IFNAMSIZ];  /* from "ifaceName" ("nic4:192.168.103.5") */
	struct in_addr local;   /* our address, from "ifaceName" (0 if absent) */
	struct in_addr address; /* the neighbour's, "ifaceAddress" */
	enum ospf_nsm state;    /* from "nbrState" ("Full/-") */
	int priority;           /* "nbrPriority" from its hellos, -1 if absent */
	long long uptime_ms;    /* "upTimeInMsec", -1 if absent */
	/* LSAs sent and not yet acknowledged, "linkStateRetransmissionListCounter"
	 * (0 if absent) */
	unsigned retransmit;
};

/* One entry of "show ip ospf interface json". */
struct frr_interface {
	char ifname[IFNAMSIZ];
	bool up;           /* "ifUp" */
	bool ospf_enabled; /* "ospfEnabled" */
	unsigned mtu;      /* "mtuBytes" */
	struct prefix4 address;
	char area[32];
	char network_type[24];
	uint32_t cost;
	unsigned hello_ms;  /* "timerMsecs" */
	unsigned dead_s;    /* "timerDeadSecs" */
	bool passive;       /* "timerPassiveIface" */
	unsigned nbr_count; /* "nbrCount" */
	unsigned nbr_adjacent;
};

struct frr_nexthop {
	bool has_ip;
	struct in_addr ip;
	char ifname[IFNAMSIZ]; /* "interfaceName", empty if absent */
	bool active;
	bool fib;
	bool connected; /* "directlyConnected" */
};

/* One entry of "show ip route ospf json" (one prefix may have several). */
struct frr_route {
	struct prefix4 prefix;
	bool v6; /* from "show ipv6 route ospf6 json": the prefix is prefix6 */
	struct prefix6 prefix6;
	bool selected;
	bool installed;
	uint32_t metric;
	struct frr_nexthop *nexthops;
	size_t n_nexthops;
};

/* One entry of "show bfd peers json". */
struct frr_bfd_peer {
	struct in_addr peer;
	char ifname[IFNAMSIZ];
	bool multihop;
	enum bfd_status status;
};

/* What the health model reads from FRR; a part that could not be read has
 * its have_ flag false. */
struct frr_state {
	bool have_neighbors, have_interfaces, have_routes, have_bfd;
	struct frr_neighbor *neighbors;
	size_t n_neighbors;
	struct frr_interface *interfaces;
	size_t n_interfaces;
	struct frr_route *routes;
	size_t n_routes;
	struct frr_bfd_peer *bfd_peers;
	size_t n_bfd_peers;
	/* bfdd's IPv6 sessions (link-local, OSPFv3's), from the same document:
	 * ifname, multihop, status (peer unset) */
	struct frr_bfd_peer *bfd_peers6;
	size_t n_bfd_peers6;
	/* zebra's OSPFv3 routes (ipv6 = yes) */
	bool have_routes6;
	struct frr_route *routes6;
	size_t n_routes6;
	/* ospf6d's neighbours (ipv6 = yes): router id, ifname, state */
	bool have_neighbors6;
	struct frr_neighbor *neighbors6;
	size_t n_neighbors6;
};

/* Parsers: 0 and a new array (free() it, routes with frr_routes_free()), or
 * -EBADMSG on malformed input; *out and *n are untouched on error. */
int frrjson_parse_neighbors(const char *json, struct frr_neighbor **out, size_t *n);
/* ospf6d's "show ipv6 ospf6 neighbor json" (the same in 8.4, 10.3 and
 * 10.7): {"neighbors": [{"neighborId", "state", "interfaceName", …}]};
 * router_id, ifname, state and uptime_ms (from "duration": since the last
 * change of state) are set, priority is -1. */
int frrjson_parse_neighbors6(const char *json, struct frr_neighbor **out, size_t *n);
int frrjson_parse_interfaces(const char *json, struct frr_interface **out, size_t *n);
int frrjson_parse_routes(const char *json, struct frr_route **out, size_t *n);
/* zebra's "show ipv6 route ospf6 json": the same shape, IPv6 prefixes (in
 * prefix6, v6 set) and next hops (link-local: has_ip, ip unset). */
int frrjson_parse_routes6(const char *json, struct frr_route **out, size_t *n);
int frrjson_parse_bfd_peers(const char *json, struct frr_bfd_peer **out, size_t *n);
/* The IPv6 sessions of the same document (those parse_bfd_peers skips). */
int frrjson_parse_bfd_peers6(const char *json, struct frr_bfd_peer **out, size_t *n);
/* The "routerId" of "show ip ospf json". */
int frrjson_parse_router_id(const char *json, struct in_addr *out);
/* How long ago ospfd last ran SPF, "spfLastExecutedMsecs" of "show ip ospf
 * json" (FRR 8.4, 10.3, 10.7): 0, -ENODATA when it has not run yet (no
 * such key), -EBADMSG. */
int frrjson_parse_spf_idle(const char *json, long long *ms);

/* The four documents of a health poll (show ip ospf neighbor json, show ip
 * ospf interface json, show ip route ospf json, show bfd peers json; NULL
 * where there is none) parsed into a zeroed *st; its have_* flags say which
 * parsed. */
void frr_state_parse(const char *const docs[4], struct frr_state *st);

void frr_routes_free(struct frr_route *r, size_t n);
/* Free the arrays of s and zero it. */
void frr_state_free(struct frr_state *s);
/* The most advanced neighbour on ifname, or NULL; OSPFv3's with v6. */
const struct frr_neighbor *frr_state_neighbor(const struct frr_state *s, const char *ifname);
const struct frr_neighbor *frr_state_neighbor6(const struct frr_state *s, const char *ifname);

/* "Full/DR" → NSM_FULL; NSM_UNKNOWN if not a state name. */
enum ospf_nsm ospf_nsm_parse(const char *s);
/* "full", "2-way", "exstart", …, "unknown". */
const char *ospf_nsm_str(enum ospf_nsm s);
/* "up", "down", "init", "shutdown", "unknown". */
const char *bfd_status_str(enum bfd_status s);

/* The entries of one prefix: first index, or -1 if absent (n_out entries). */
ssize_t frr_routes_find(const struct frr_route *r, size_t n, const struct prefix4 *p,
                        size_t *n_out);

typedef struct json_t json_t;
/* Member key of object o as an integer in [0, max] into *out: absent is 0,
 * anything else -EBADMSG. */
int frrjson_get_uint(json_t *o, const char *key, unsigned long long max, unsigned long long *out);
/* Member key of object o as an IPv4 address into *out: absent is 0.0.0.0
 * unless required, anything but an address string -EBADMSG. */
int frrjson_get_ip4(json_t *o, const char *key, bool required, struct in_addr *out);
