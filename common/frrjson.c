/* frrjson.c - FRR's JSON show output (8.4 and 10.x) as plain structs
 *
 * Only keys present in both 8.4 and 10.x are read (reference/frr.md). Keys
 * that are missing get a neutral value; a key with the wrong type, or a
 * document of the wrong shape, makes the whole parse fail. */
#include "frrjson.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <string.h>
#include <strings.h>

#include "util.h"

#define _cleanup_json_ _cleanup_(json_decrefp)

static json_t *
load(const char *text)
{
	if (text == NULL)
		return NULL;
	return json_loads(text, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
}

/* Copy a string member into buf; absent is ok (empty), wrong type is not. */
static int
get_str(json_t *o, const char *key, char *buf, size_t size)
{
	json_t *v = json_object_get(o, key);

	buf[0] = '\0';
	if (v == NULL)
		return 0;
	if (!json_is_string(v))
		return -EBADMSG;
	snprintf(buf, size, "%s", json_string_value(v));
	return 0;
}

static int
get_bool(json_t *o, const char *key, bool *out)
{
	json_t *v = json_object_get(o, key);

	*out = false;
	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return -EBADMSG;
	*out = json_is_true(v);
	return 0;
}

static int
get_uint(json_t *o, const char *key, unsigned long long max, unsigned long long *out)
{
	json_t *v = json_object_get(o, key);

	*out = 0;
	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (unsigned long long)json_integer_value(v) > max)
		return -EBADMSG;
	*out = (unsigned long long)json_integer_value(v);
	return 0;
}

int
frrjson_get_uint(json_t *o, const char *key, unsigned long long max, unsigned long long *out)
{
	return get_uint(o, key, max, out);
}

int
frrjson_get_ip4(json_t *o, const char *key, bool required, struct in_addr *out)
{
	json_t *v = json_object_get(o, key);

	out->s_addr = 0;
	if (v == NULL)
		return required ? -EBADMSG : 0;
	if (!json_is_string(v) || inet_pton(AF_INET, json_string_value(v), out) != 1)
		return -EBADMSG;
	return 0;
}

static int
get_addr(json_t *o, const char *key, struct in_addr *out)
{
	char buf[64];

	out->s_addr = 0;
	if (get_str(o, key, buf, sizeof(buf)) < 0)
		return -EBADMSG;
	if (buf[0] == '\0')
		return 0;
	return inet_pton(AF_INET, buf, out) == 1 ? 0 : -EBADMSG;
}

static int
parse_prefix(const char *s, struct prefix4 *p)
{
	char buf[32];
	char *slash;
	unsigned long len;

	if (strlen(s) >= sizeof(buf))
		return -EBADMSG;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash == NULL)
		return -EBADMSG;
	*slash = '\0';
	if (inet_pton(AF_INET, buf, &p->addr) != 1 || parse_uint(slash + 1, 0, 32, &len) < 0)
		return -EBADMSG;
	p->len = (uint8_t)len;
	return 0;
}

static const char *const nsm_names[] = {
    [NSM_UNKNOWN] = "unknown",   [NSM_DOWN] = "down",       [NSM_ATTEMPT] = "attempt",
    [NSM_INIT] = "init",         [NSM_2WAY] = "2-way",      [NSM_EXSTART] = "exstart",
    [NSM_EXCHANGE] = "exchange", [NSM_LOADING] = "loading", [NSM_FULL] = "full",
};

enum ospf_nsm
ospf_nsm_parse(const char *s)
{
	size_t len = strcspn(s, "/");

	for (size_t i = NSM_DOWN; i < ARRAY_SIZE(nsm_names); i++)
		if (strlen(nsm_names[i]) == len && strncasecmp(s, nsm_names[i], len) == 0)
			return (enum ospf_nsm)i;
	return NSM_UNKNOWN;
}

const char *
ospf_nsm_str(enum ospf_nsm s)
{
	return (size_t)s < ARRAY_SIZE(nsm_names) ? nsm_names[s] : "unknown";
}

const char *
bfd_status_str(enum bfd_status s)
{
	switch (s) {
	case BFD_STATUS_UP:
		return "up";
	case BFD_STATUS_DOWN:
		return "down";
	case BFD_STATUS_INIT:
		return "init";
	case BFD_STATUS_SHUTDOWN:
		return "shutdown";
	default:
		return "unknown";
	}
}

static enum bfd_status
bfd_status_parse(const char *s)
{
	for (int i = BFD_STATUS_UP; i <= BFD_STATUS_SHUTDOWN; i++)
		if (strcmp(s, bfd_status_str(i)) == 0)
			return i;
	return BFD_STATUS_UNKNOWN;
}

static int
parse_neighbor(const char *rid, json_t *e, struct frr_neighbor *nb)
{
	char buf[64], *colon;
	json_t *up, *rx, *prio;

	memset(nb, 0, sizeof(*nb));
	if (!json_is_object(e) || inet_pton(AF_INET, rid, &nb->router_id) != 1)
		return -EBADMSG;
	if (get_str(e, "nbrState", buf, sizeof(buf)) < 0 || buf[0] == '\0')
		return -EBADMSG;
	nb->state = ospf_nsm_parse(buf);
	if (get_str(e, "ifaceName", buf, sizeof(buf)) < 0 || buf[0] == '\0')
		return -EBADMSG;
	colon = strchr(buf, ':');
	if (colon != NULL) {
		*colon = '\0';
		if (inet_pton(AF_INET, colon + 1, &nb->local) != 1)
			return -EBADMSG;
	}
	if (strlen(buf) >= sizeof(nb->ifname))
		return -EBADMSG;
	strcpy(nb->ifname, buf);
	if (get_addr(e, "ifaceAddress", &nb->address) < 0)
		return -EBADMSG;
	up = json_object_get(e, "upTimeInMsec");
	nb->uptime_ms = json_is_integer(up) ? json_integer_value(up) : -1;
	prio = json_object_get(e, "nbrPriority");
	nb->priority = json_is_integer(prio) && json_integer_value(prio) >= 0 &&
	                       json_integer_value(prio) <= 255
	                   ? (int)json_integer_value(prio)
	                   : -1;
	rx = json_object_get(e, "linkStateRetransmissionListCounter");
	nb->retransmit = json_is_integer(rx) ? (unsigned)json_integer_value(rx) : 0;
	return 0;
}

int
frrjson_parse_neighbors(const char *text, struct frr_neighbor **out, size_t *n)
{
	_cleanup_json_ json_t *root = load(text);
	_cleanup_free_ struct frr_neighbor *v = NULL;
	size_t count = 0;
	json_t *nbrs, *arr;
	const char *rid;

	if (!json_is_object(root))
		return -EBADMSG;
	nbrs = json_object_get(root, "neighbors");
	if (nbrs == NULL && json_object_size(root) == 0) /* no OSPF instance yet */
		nbrs = root;
	if (!json_is_object(nbrs))
		return -EBADMSG;
	json_object_foreach(nbrs, rid, arr)
	{
		size_t i;
		json_t *e;

		if (!json_is_array(arr))
			return -EBADMSG;
		json_array_foreach(arr, i, e)
		{
			v = xreallocarray(v, count + 1, sizeof(*v));
			if (parse_neighbor(rid, e, &v[count]) < 0)
				return -EBADMSG;
			count++;
		}
	}
	*out = TAKE_PTR(v);
	*n = count;
	return 0;
}

/* ospf6d's "duration", the time since the neighbour's last state change, as
 * FRR's timerstring() prints it: "HH:MM:SS", or "DdHHhMMm" past a day;
 * -1 when absent or another form (the adjacency's since is then now). */
static long long
parse_duration(json_t *e)
{
	json_t *v = json_object_get(e, "duration");
	unsigned a, b, c;
	char sep[2], end;

	if (!json_is_string(v))
		return -1;
	if (sscanf(json_string_value(v), "%u:%u:%u%c", &a, &b, &c, &end) == 3 && b < 60 && c < 60)
		return ((long long)a * 3600 + b * 60 + c) * 1000;
	if (sscanf(json_string_value(v), "%ud%uh%u%1[m]%c", &a, &b, &c, sep, &end) == 4 && b < 24 &&
	    c < 60)
		return ((long long)a * 86400 + b * 3600 + c * 60) * 1000;
	return -1;
}

int
frrjson_parse_neighbors6(const char *text, struct frr_neighbor **out, size_t *n)
{
	_cleanup_json_ json_t *root = load(text);
	_cleanup_free_ struct frr_neighbor *v = NULL;
	json_t *arr, *e;
	size_t i, count = 0;
	char state[32];

	if (!json_is_object(root))
		return -EBADMSG;
	arr = json_object_get(root, "neighbors");
	if (arr == NULL && json_object_size(root) == 0) /* no OSPFv3 instance yet */
		arr = json_array();
	else
		json_incref(arr);
	if (!json_is_array(arr)) {
		json_decref(arr);
		return -EBADMSG;
	}
	v = xcalloc(json_array_size(arr) + 1, sizeof(*v));
	json_array_foreach(arr, i, e)
	{
		struct frr_neighbor *nb = &v[count];

		if (!json_is_object(e) || get_addr(e, "neighborId", &nb->router_id) < 0 ||
		    get_str(e, "interfaceName", nb->ifname, sizeof(nb->ifname)) < 0 ||
		    get_str(e, "state", state, sizeof(state)) < 0 || nb->ifname[0] == '\0') {
			json_decref(arr);
			return -EBADMSG;
		}
		/* ospf6d says "Twoway" where ospfd says "2-Way" */
		nb->state = strcasecmp(state, "twoway") == 0 ? NSM_2WAY : ospf_nsm_parse(state);
		nb->priority = -1;
		nb->uptime_ms = parse_duration(e);
		count++;
	}
	json_decref(arr);
	*out = TAKE_PTR(v);
	*n = count;
	return 0;
}

static int
parse_interface(const char *name, json_t *e, struct frr_interface *fi)
{
	unsigned long long u;

	memset(fi, 0, sizeof(*fi));
	if (!json_is_object(e) || strlen(name) >= sizeof(fi->ifname))
		return -EBADMSG;
	strcpy(fi->ifname, name);
	if (get_bool(e, "ifUp", &fi->up) < 0 || get_bool(e, "ospfEnabled", &fi->ospf_enabled) < 0 ||
	    get_bool(e, "timerPassiveIface", &fi->passive) < 0)
		return -EBADMSG;
	if (get_uint(e, "mtuBytes", 1 << 20, &u) < 0)
		return -EBADMSG;
	fi->mtu = (unsigned)u;
	if (get_addr(e, "ipAddress", &fi->address.addr) < 0 ||
	    get_uint(e, "ipAddressPrefixlen", 32, &u) < 0)
		return -EBADMSG;
	fi->address.len = (uint8_t)u;
	if (get_str(e, "area", fi->area, sizeof(fi->area)) < 0 ||
	    get_str(e, "networkType", fi->network_type, sizeof(fi->network_type)) < 0)
		return -EBADMSG;
	if (get_uint(e, "cost", UINT32_MAX, &u) < 0)
		return -EBADMSG;
	fi->cost = (uint32_t)u;
	if (get_uint(e, "timerMsecs", UINT32_MAX, &u) < 0)
		return -EBADMSG;
	fi->hello_ms = (unsigned)u;
	if (get_uint(e, "timerDeadSecs", UINT32_MAX, &u) < 0)
		return -EBADMSG;
	fi->dead_s = (unsigned)u;
	if (get_uint(e, "nbrCount", UINT32_MAX, &u) < 0)
		return -EBADMSG;
	fi->nbr_count = (unsigned)u;
	if (get_uint(e, "nbrAdjacentCount", UINT32_MAX, &u) < 0)
		return -EBADMSG;
	fi->nbr_adjacent = (unsigned)u;
	return 0;
}

int
frrjson_parse_interfaces(const char *text, struct frr_interface **out, size_t *n)
{
	_cleanup_json_ json_t *root = load(text);
	_cleanup_free_ struct frr_interface *v = NULL;
	size_t count = 0;
	json_t *ifs, *e;
	const char *name;

	if (!json_is_object(root))
		return -EBADMSG;
	ifs = json_object_get(root, "interfaces");
	if (ifs == NULL && json_object_size(root) == 0)
		ifs = root;
	if (!json_is_object(ifs))
		return -EBADMSG;
	json_object_foreach(ifs, name, e)
	{
		v = xreallocarray(v, count + 1, sizeof(*v));
		if (parse_interface(name, e, &v[count]) < 0)
			return -EBADMSG;
		count++;
	}
	*out = TAKE_PTR(v);
	*n = count;
	return 0;
}

static int
parse_nexthop(json_t *e, struct frr_nexthop *nh, bool v6)
{
	memset(nh, 0, sizeof(*nh));
	if (!json_is_object(e))
		return -EBADMSG;
	if (v6 ? json_object_get(e, "ip") != NULL && !json_is_string(json_object_get(e, "ip"))
	       : get_addr(e, "ip", &nh->ip) < 0)
		return -EBADMSG;
	nh->has_ip = json_object_get(e, "ip") != NULL;
	if (get_str(e, "interfaceName", nh->ifname, sizeof(nh->ifname)) < 0)
		return -EBADMSG;
	if (get_bool(e, "active", &nh->active) < 0 || get_bool(e, "fib", &nh->fib) < 0 ||
	    get_bool(e, "directlyConnected", &nh->connected) < 0)
		return -EBADMSG;
	return 0;
}

static int
parse_route(const char *key, json_t *e, struct frr_route *r, bool v6)
{
	unsigned long long u;
	char buf[64];
	json_t *nhs, *nh;
	size_t i;

	memset(r, 0, sizeof(*r));
	r->v6 = v6;
	if (!json_is_object(e))
		return -EBADMSG;
	if (get_str(e, "prefix", buf, sizeof(buf)) < 0)
		return -EBADMSG;
	if (v6 ? prefix6_parse(buf[0] != '\0' ? buf : key, &r->prefix6) < 0
	       : parse_prefix(buf[0] != '\0' ? buf : key, &r->prefix) < 0)
		return -EBADMSG;
	if (get_bool(e, "selected", &r->selected) < 0 ||
	    get_bool(e, "installed", &r->installed) < 0)
		return -EBADMSG;
	if (get_uint(e, "metric", UINT32_MAX, &u) < 0)
		return -EBADMSG;
	r->metric = (uint32_t)u;
	nhs = json_object_get(e, "nexthops");
	if (nhs == NULL)
		return 0;
	if (!json_is_array(nhs))
		return -EBADMSG;
	r->nexthops = xcalloc(json_array_size(nhs) + 1, sizeof(*r->nexthops));
	json_array_foreach(nhs, i, nh)
	{
		if (parse_nexthop(nh, &r->nexthops[i], v6) < 0)
			return -EBADMSG;
		r->n_nexthops++;
	}
	return 0;
}

static int
parse_routes(const char *text, bool v6, struct frr_route **out, size_t *n)
{
	_cleanup_json_ json_t *root = load(text);
	struct frr_route *v = NULL;
	size_t count = 0;
	json_t *arr, *e;
	const char *key;

	if (!json_is_object(root))
		return -EBADMSG;
	json_object_foreach(root, key, arr)
	{
		size_t i;

		if (!json_is_array(arr))
			goto bad;
		json_array_foreach(arr, i, e)
		{
			v = xreallocarray(v, count + 1, sizeof(*v));
			count++;
			if (parse_route(key, e, &v[count - 1], v6) < 0)
				goto bad;
		}
	}
	*out = v;
	*n = count;
	return 0;
bad:
	frr_routes_free(v, count);
	return -EBADMSG;
}

int
frrjson_parse_routes(const char *text, struct frr_route **out, size_t *n)
{
	return parse_routes(text, false, out, n);
}

int
frrjson_parse_routes6(const char *text, struct frr_route **out, size_t *n)
{
	return parse_routes(text, true, out, n);
}

/* The sessions of "show bfd peers json" of one family: IPv4 with the peer
 * address, IPv6 (a peer that is no IPv4 address) without it. */
static int
parse_bfd_peers(const char *text, bool v6, struct frr_bfd_peer **out, size_t *n)
{
	_cleanup_json_ json_t *root = load(text);
	_cleanup_free_ struct frr_bfd_peer *v = NULL;
	char buf[32];
	size_t i, count = 0;
	json_t *e;

	if (!json_is_array(root))
		return -EBADMSG;
	v = xcalloc(json_array_size(root) + 1, sizeof(*v));
	json_array_foreach(root, i, e)
	{
		struct frr_bfd_peer *p = &v[count];
		bool is4;

		if (!json_is_object(e))
			return -EBADMSG;
		is4 = get_addr(e, "peer", &p->peer) == 0;
		if (!is4 && !json_is_string(json_object_get(e, "peer")))
			return -EBADMSG;
		if (is4 == v6) { /* the other family's */
			memset(p, 0, sizeof(*p));
			continue;
		}
		if (get_str(e, "interface", p->ifname, sizeof(p->ifname)) < 0 ||
		    get_bool(e, "multihop", &p->multihop) < 0 ||
		    get_str(e, "status", buf, sizeof(buf)) < 0)
			return -EBADMSG;
		p->status = bfd_status_parse(buf);
		count++;
	}
	*out = TAKE_PTR(v);
	*n = count;
	return 0;
}

int
frrjson_parse_bfd_peers(const char *text, struct frr_bfd_peer **out, size_t *n)
{
	return parse_bfd_peers(text, false, out, n);
}

int
frrjson_parse_bfd_peers6(const char *text, struct frr_bfd_peer **out, size_t *n)
{
	return parse_bfd_peers(text, true, out, n);
}

int
frrjson_parse_router_id(const char *text, struct in_addr *out)
{
	_cleanup_json_ json_t *root = load(text);
	struct in_addr a;

	if (!json_is_object(root) || !json_is_string(json_object_get(root, "routerId")))
		return -EBADMSG;
	if (get_addr(root, "routerId", &a) < 0)
		return -EBADMSG;
	*out = a;
	return 0;
}

int
frrjson_parse_spf_idle(const char *text, long long *ms)
{
	_cleanup_json_ json_t *root = load(text);
	json_t *v;

	if (!json_is_object(root))
		return -EBADMSG;
	v = json_object_get(root, "spfLastExecutedMsecs");
	if (v == NULL)
		return -ENODATA;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -EBADMSG;
	*ms = json_integer_value(v);
	return 0;
}

void
frr_routes_free(struct frr_route *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(r[i].nexthops);
	free(r);
}

void
frr_state_parse(const char *const docs[4], struct frr_state *st)
{
	*st = (struct frr_state){0};
	st->have_neighbors =
	    docs[0] && frrjson_parse_neighbors(docs[0], &st->neighbors, &st->n_neighbors) == 0;
	st->have_interfaces =
	    docs[1] && frrjson_parse_interfaces(docs[1], &st->interfaces, &st->n_interfaces) == 0;
	st->have_routes = docs[2] && frrjson_parse_routes(docs[2], &st->routes, &st->n_routes) == 0;
	st->have_bfd =
	    docs[3] && frrjson_parse_bfd_peers(docs[3], &st->bfd_peers, &st->n_bfd_peers) == 0 &&
	    frrjson_parse_bfd_peers6(docs[3], &st->bfd_peers6, &st->n_bfd_peers6) == 0;
}

static const struct frr_neighbor *
best_neighbor(const struct frr_neighbor *v, size_t n, const char *ifname)
{
	const struct frr_neighbor *best = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct frr_neighbor *nb = &v[i];

		if (strcmp(nb->ifname, ifname) == 0 && (best == NULL || nb->state > best->state))
			best = nb;
	}
	return best;
}

const struct frr_neighbor *
frr_state_neighbor(const struct frr_state *s, const char *ifname)
{
	return best_neighbor(s->neighbors, s->n_neighbors, ifname);
}

const struct frr_neighbor *
frr_state_neighbor6(const struct frr_state *s, const char *ifname)
{
	return best_neighbor(s->neighbors6, s->n_neighbors6, ifname);
}

void
frr_state_free(struct frr_state *s)
{
	free(s->neighbors);
	free(s->interfaces);
	frr_routes_free(s->routes, s->n_routes);
	free(s->bfd_peers);
	free(s->bfd_peers6);
	free(s->neighbors6);
	frr_routes_free(s->routes6, s->n_routes6);
	memset(s, 0, sizeof(*s));
}

ssize_t
frr_routes_find(const struct frr_route *r, size_t n, const struct prefix4 *p, size_t *n_out)
{
	ssize_t first = -1;
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		if (r[i].prefix.len != p->len || r[i].prefix.addr.s_addr != p->addr.s_addr)
			continue;
		if (first < 0)
			first = (ssize_t)i;
		count++;
	}
	if (n_out != NULL)
		*n_out = count;
	return first;
}
