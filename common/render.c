/* render.c - the desired FRR configuration of one node, in FRR's own form */
#include "render.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialect.h"
#include "util.h"

/* FRR's defaults, which `show running-config` does not print. */
#define FRR_HELLO_DEFAULT 10
#define FRR_DEAD_DEFAULT 40
#define FRR_RETRANSMIT_DEFAULT 5
#define FRR_BFD_INTERVAL_DEFAULT 300
#define FRR_BFD_MULTIPLIER_DEFAULT 3

int
frr_version_parse(const char *s, struct frr_version *out)
{
	unsigned major, minor;

	if (s == NULL || sscanf(s, "%u.%u", &major, &minor) != 2 || major < 7 || major > 99)
		return -EINVAL;
	out->major = major;
	out->minor = minor;
	return 0;
}

static int
cmp_text(const void *a, const void *b)
{
	const struct frr_line *x = a, *y = b;

	return strcmp(x->text, y->text);
}

/* FRR's if_cmp_name_func(): names compared with their numbers as numbers
 * ("nic9" < "nic10"), the order in which `show running-config` prints
 * interface blocks. */
static int
ifname_cmp(const char *p1, const char *p2)
{
	while (*p1 && *p2) {
		size_t l1 = strcspn(p1, "0123456789"), l2 = strcspn(p2, "0123456789");
		char *e1, *e2;
		long x1, x2;
		int r;

		if (l1 != l2)
			return strcmp(p1, p2);
		r = strncmp(p1, p2, l1);
		if (r)
			return r;
		p1 += l1;
		p2 += l1;
		if (!*p1 && !*p2)
			return 0;
		if (!*p1)
			return -1;
		if (!*p2)
			return 1;
		x1 = strtol(p1, &e1, 10);
		x2 = strtol(p2, &e2, 10);
		if (x1 != x2)
			return x1 < x2 ? -1 : 1;
		p1 = e1;
		p2 = e2;
	}
	if (*p1)
		return 1;
	if (*p2)
		return -1;
	return 0;
}

static int
cmp_interface(const void *a, const void *b)
{
	const struct frr_line *x = a, *y = b;

	return ifname_cmp(x->text + strlen("interface "), y->text + strlen("interface "));
}

/* Add a line built from a format string. */
static struct frr_line * __attribute__((format(printf, 2, 3)))
addf(struct frr_line *parent, const char *fmt, ...)
{
	_cleanup_free_ char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return frrconf_add(parent, s);
}

/* The md5 keys of an interface, where they sort among its other lines but
 * in the order FRR must take them: ospfd keeps a list, adds a key at its
 * end (a key id given again moves there) and sends with the last one; FRR
 * 9.1 and later accept a packet with any key of the list, by the key id in
 * it (FRR 8.4 only with the last one). So the accepted keys come first, in
 * the key file's order, and the key to send with (the file's first) last. */
static void
render_keys(const struct config *c, struct frr_line *i)
{
	size_t at = 0, n = c->n_auth_keys, first = i->n_children;
	struct frr_line *keys;

	if (n == 0)
		return;
	while (at < i->n_children && strcmp(i->children[at].text, "ip ospf message-digest-key") < 0)
		at++;
	for (size_t k = 1; k <= n; k++) {
		const struct auth_key *a = &c->auth_keys[k % n];

		addf(i, "ip ospf message-digest-key %u md5 %s", a->id, a->key);
	}
	keys = xmalloc(n * sizeof(*keys));
	memcpy(keys, &i->children[first], n * sizeof(*keys));
	memmove(&i->children[at + n], &i->children[at], (first - at) * sizeof(*keys));
	memcpy(&i->children[at], keys, n * sizeof(*keys));
	free(keys);
}

/* The OSPFv3 lines of a link: the same area, costs, timers and BFD as
 * OSPF's, always point-to-point (no hand-made OSPFv3 dialect to keep). */
static void
render_link6(const struct config *c, const struct link_plan *lp, struct frr_line *i)
{
	char area[16];

	addf(i, "ipv6 ospf6 area %s", area_str(c->area, area));
	if (c->bfd) {
		addf(i, "ipv6 ospf6 bfd");
		addf(i, "ipv6 ospf6 bfd profile %s", RENDER_BFD_PROFILE);
	}
	addf(i, "ipv6 ospf6 cost %u",
	     lp->node->role == ROLE_ENDPOINT ? RENDER_ENDPOINT_COST : lp->link->cost);
	if (c->dead_interval != FRR_DEAD_DEFAULT)
		addf(i, "ipv6 ospf6 dead-interval %u", c->dead_interval);
	if (c->hello_interval != FRR_HELLO_DEFAULT)
		addf(i, "ipv6 ospf6 hello-interval %u", c->hello_interval);
	addf(i, "ipv6 ospf6 network point-to-point");
	if (RENDER_RETRANSMIT_INTERVAL != FRR_RETRANSMIT_DEFAULT)
		addf(i, "ipv6 ospf6 retransmit-interval %u", RENDER_RETRANSMIT_INTERVAL);
}

static void
render_link(const struct config *c, const struct link_plan *lp, enum render_area form,
            struct frr_line *root)
{
	struct frr_line *i = addf(root, "interface %s", lp->link->ifname);
	char area[16];

	if (!c->has_prefix) { /* IPv6-only: OSPFv3 alone */
		render_link6(c, lp, i);
		qsort(i->children, i->n_children, sizeof(*i->children), cmp_text);
		return;
	}
	if (form == RENDER_AREA_INTERFACE)
		addf(i, "ip ospf area %s", area_str(c->area, area));
	if (c->n_auth_keys > 0)
		addf(i, "ip ospf authentication message-digest");
	if (c->bfd) {
		addf(i, "ip ospf bfd");
		addf(i, "ip ospf bfd profile %s", RENDER_BFD_PROFILE);
	}
	/* max-metric (RFC 6987) only raises an endpoint's transit links; its
	 * link subnets stay stubs at their normal cost, so a neighbour would
	 * route to the far end of the endpoint's other link through it, and
	 * the endpoint drops that. At the maximum cost they are reached
	 * through the node that owns the other end. */
	addf(i, "ip ospf cost %u",
	     lp->node->role == ROLE_ENDPOINT ? RENDER_ENDPOINT_COST : lp->link->cost);
	/* Printed whenever configured, even at the default (unlike hello). */
	addf(i, "ip ospf dead-interval %u", c->dead_interval);
	if (c->hello_interval != FRR_HELLO_DEFAULT)
		addf(i, "ip ospf hello-interval %u", c->hello_interval);
	/* Point-to-point, unless kept broadcast for a hand-made neighbour
	 * during a take-over (dialect.h). */
	if (!lp->compat)
		addf(i, "ip ospf network point-to-point");
	addf(i, "ip ospf priority %u", lp->compat ? DIALECT_COMPAT_PRIORITY : DIALECT_PRIORITY);
	/* LSAs flooded while adjacencies form wait for the retransmit
	 * interval when they are not acknowledged: 5 s by default, far too
	 * long on a direct cable (routes took 12-15 s after a boot instead of
	 * 3-4 s). */
	addf(i, "ip ospf retransmit-interval %u", RENDER_RETRANSMIT_INTERVAL);
	if (c->ipv6)
		render_link6(c, lp, i);
	/* vtysh prints an interface's lines sorted. */
	qsort(i->children, i->n_children, sizeof(*i->children), cmp_text);
	render_keys(c, i);
}

static int
cmp_prefix(const void *a, const void *b)
{
	const struct prefix4 *x = a, *y = b;
	uint32_t ax = ntohl(x->addr.s_addr), ay = ntohl(y->addr.s_addr);

	if (ax != ay)
		return ax < ay ? -1 : 1;
	return (x->len > y->len) - (x->len < y->len);
}

char *
render_network(const struct config *c, const struct prefix4 *net)
{
	char buf[19], area[16];

	return xasprintf("network %s area %s", prefix4_str(net, buf), area_str(c->area, area));
}

/* The network form (render.h): a statement per link subnet and for the
 * loopback (a /32), in ospfd's order (its table of them, by prefix). */
static void
render_networks(const struct config *c, const struct node_conf *n, const struct link_plan *links,
                struct frr_line *b)
{
	_cleanup_free_ struct prefix4 *nets = xmalloc((n->n_links + 1) * sizeof(*nets));
	size_t k = 0;

	if (n->has_loopback)
		nets[k++] = n->loopback;
	for (size_t i = 0; i < n->n_links; i++)
		nets[k++] = links[i].subnet;
	qsort(nets, k, sizeof(*nets), cmp_prefix);
	for (size_t i = 0; i < k; i++)
		if (i == 0 || cmp_prefix(&nets[i - 1], &nets[i]) != 0) {
			_cleanup_free_ char *line = render_network(c, &nets[i]);

			frrconf_add(b, line);
		}
}

/* router ospf: the router id, and a small mesh's throttling */
static void
render_ospf(const struct config *c, const struct node_conf *n, const struct link_plan *links,
            enum render_area form, struct frr_line *root)
{
	struct frr_line *b = addf(root, "router ospf");
	char buf[16];

	addf(b, "ospf router-id %s", ip4_str(n->router_id, buf));
	/* A small mesh: run SPF at once, accept and send LSA updates without
	 * FRR's 1 s / 5 s pacing, so a failure or a heal is acted on in ms. */
	addf(b, "timers throttle spf %u %u %u", RENDER_SPF_DELAY, RENDER_SPF_HOLD,
	     RENDER_SPF_MAX_HOLD);
	addf(b, "timers throttle lsa all %u", RENDER_LSA_INTERVAL);
	addf(b, "timers lsa min-arrival %u", RENDER_LSA_MIN_ARRIVAL);
	if (n->role == ROLE_ENDPOINT)
		addf(b, "max-metric router-lsa administrative");
	if (form == RENDER_AREA_NETWORK)
		render_networks(c, n, links, b);
}

/* router ospf6: the router id and throttling of router ospf. An endpoint
 * is not made a stub router: ospf6d's `stub-router administrative` stops
 * the router's own SPF (FRR 10.7 in the lab: the PBS installed no OSPFv3
 * route at all); its links at the maximum cost and no IPv6 forwarding keep
 * traffic off it, as for IPv4. */
static void
render_ospf6(const struct node_conf *n, struct frr_line *root)
{
	struct frr_line *b = addf(root, "router ospf6");
	char buf[16];

	/* in the order ospf6d prints them (8.4, 10.3, 10.7 alike) */
	addf(b, "ospf6 router-id %s", ip4_str(n->router_id, buf));
	addf(b, "timers lsa min-arrival %u", RENDER_LSA_MIN_ARRIVAL);
	addf(b, "timers throttle spf %u %u %u", RENDER_SPF_DELAY, RENDER_SPF_HOLD,
	     RENDER_SPF_MAX_HOLD);
}

void
render_frr(const struct config *c, const struct node_conf *n, const struct link_plan *links,
           struct frr_version v, enum render_area form, struct frrconf *out)
{
	struct frr_line *root = &out->root, *b;
	char buf[16];
	size_t first_if;
	bool v4 = c->has_prefix; /* false: an IPv6-only mesh, no OSPF for IPv4 */

	(void)v; /* 8.4 and 10.x print what we own identically (see tests) */
	*out = (struct frrconf){0};

	/* an endpoint forwards nothing, whatever OSPF runs (zebra and the
	 * sysctls of ifplan.c agree) */
	if (n->role == ROLE_ENDPOINT) {
		addf(root, "no ip forwarding");
		if (c->ipv6)
			addf(root, "no ipv6 forwarding");
	}
	first_if = root->n_children;
	if ((v4 && n->has_loopback) || n->has_loopback6) {
		char area[16];

		b = addf(root, "interface lo");
		if (v4 && n->has_loopback) {
			if (form == RENDER_AREA_INTERFACE)
				addf(b, "ip ospf area %s", area_str(c->area, area));
			addf(b, "ip ospf passive");
		}
		if (n->has_loopback6) {
			addf(b, "ipv6 ospf6 area %s", area_str(c->area, area));
			addf(b, "ipv6 ospf6 passive");
		}
	}
	for (size_t i = 0; i < n->n_links; i++)
		render_link(c, &links[i], form, root);
	if (root->n_children > first_if) /* children is NULL without any */
		qsort(root->children + first_if, root->n_children - first_if,
		      sizeof(*root->children), cmp_interface);

	if (v4)
		render_ospf(c, n, links, form, root);
	if (c->ipv6)
		render_ospf6(n, root);

	if (v4 && n->has_loopback) {
		b = addf(root, "route-map %s permit 10", RENDER_ROUTE_MAP);
		addf(b, "set src %s", ip4_str(n->loopback.addr, buf));
	}
	if (n->has_loopback6) {
		char a6[INET6_ADDRSTRLEN];

		b = addf(root, "route-map %s permit 10", RENDER_ROUTE_MAP6);
		addf(b, "set src %s", ip6_str(&n->loopback6, a6));
	}
	/* zebra prints them after the route-maps */
	if (v4 && n->has_loopback)
		addf(root, "ip protocol ospf route-map %s", RENDER_ROUTE_MAP);
	if (n->has_loopback6)
		addf(root, "ipv6 protocol ospf6 route-map %s", RENDER_ROUTE_MAP6);

	if (c->bfd && n->n_links > 0) {
		b = addf(root, "bfd");
		b = addf(b, "profile %s", RENDER_BFD_PROFILE);
		if (c->bfd_multiplier != FRR_BFD_MULTIPLIER_DEFAULT)
			addf(b, "detect-multiplier %u", c->bfd_multiplier);
		if (c->bfd_interval != FRR_BFD_INTERVAL_DEFAULT) {
			addf(b, "transmit-interval %u", c->bfd_interval);
			addf(b, "receive-interval %u", c->bfd_interval);
		}
	}
}

char *
render_frr_text(const struct config *c, const struct node_conf *n, const struct link_plan *links,
                struct frr_version v)
{
	struct frrconf conf;
	char *text;

	render_frr(c, n, links, v, RENDER_AREA_INTERFACE, &conf);
	text = frrconf_format(&conf);
	frrconf_free(&conf);
	return text;
}
