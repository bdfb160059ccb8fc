/* dialect.c - which links stay broadcast for a hand-made neighbour */
#include "dialect.h"

#include <string.h>

#include "render.h"
#include "util.h"

#define P2P_LINE "ip ospf network point-to-point"

bool
dialect_by_proxmesh(int priority)
{
	return priority == DIALECT_PRIORITY || priority == DIALECT_COMPAT_PRIORITY;
}

/* A neighbour whose hellos we see (Init or later) on ifname that is run
 * by proxmesh (want true) or not (want false); -1 priority: unknown,
 * neither. */
static const struct frr_neighbor *
neighbor_on(const char *ifname, const struct frr_neighbor *nb, size_t n, bool want)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(nb[i].ifname, ifname) != 0 || nb[i].state < NSM_INIT ||
		    nb[i].priority < 0)
			continue;
		if (dialect_by_proxmesh(nb[i].priority) == want)
			return &nb[i];
	}
	return NULL;
}

bool
dialect_compat(const struct frrconf *live, const char *ifname, const struct frr_neighbor *nb,
               size_t n_nb, struct in_addr *who)
{
	_cleanup_free_ char *head = xasprintf("interface %s", ifname);
	const struct frr_line *block = frrconf_find(&live->root, head);
	const struct frr_neighbor *hand;

	if (block && frrconf_find(block, P2P_LINE))
		return false;
	hand = neighbor_on(ifname, nb, n_nb, false);
	if (hand == NULL)
		return false;
	if (who)
		*who = hand->router_id;
	return true;
}

const char *
dialect_switch_due(const struct frr_interface *ifs, size_t n_ifs, const struct frr_neighbor *nb,
                   size_t n_nb)
{
	for (size_t i = 0; i < n_ifs; i++) {
		if (strcmp(ifs[i].network_type, "BROADCAST") != 0)
			continue;
		/* a hand-made neighbour on it as well: it stays */
		if (neighbor_on(ifs[i].ifname, nb, n_nb, false))
			continue;
		if (neighbor_on(ifs[i].ifname, nb, n_nb, true))
			return ifs[i].ifname;
	}
	return NULL;
}

/* Is the loopback in OSPF in the live configuration: an area line on lo,
 * or a network statement that covers it? */
static bool
loopback_in_ospf(const struct node_conf *n, const struct frrconf *live)
{
	const struct frr_line *b = frrconf_find(&live->root, "router ospf");

	if (frrconf_find_prefix(frrconf_find(&live->root, "interface lo"), "ip ospf area "))
		return true;
	for (size_t i = 0; b && i < b->n_children; i++) {
		const char *t = b->children[i].text;
		_cleanup_free_ char *net = NULL;
		struct prefix4 pf;

		if (strncmp(t, "network ", 8) != 0)
			continue;
		net = xstrndup(t + 8, strcspn(t + 8, " "));
		if (prefix4_parse(net, &pf) == 0 && prefix4_contains(&pf, n->loopback.addr))
			return true;
	}
	return false;
}

/* Add line to block b before its first network statement, where ospfd
 * prints redistribute lines. */
static void
add_before_networks(struct frr_line *b, const char *line)
{
	const struct frr_line *first = frrconf_find_prefix(b, "network ");
	size_t at = first ? (size_t)(first - b->children) : b->n_children;
	struct frr_line l;

	frrconf_add(b, line);
	l = b->children[b->n_children - 1];
	memmove(&b->children[at + 1], &b->children[at], (b->n_children - 1 - at) * sizeof(l));
	b->children[at] = l;
}

bool
dialect_loopback_external(const struct frrconf *live, const struct node_conf *n)
{
	return n->has_loopback &&
	       frrconf_find_prefix(frrconf_find(&live->root, "router ospf"),
	                           "redistribute connected") != NULL &&
	       !loopback_in_ospf(n, live);
}

void
dialect_keep_handmade(const struct frrconf *live, const struct config *c, const struct node_conf *n,
                      struct frrconf *desired)
{
	const struct frr_line *have = frrconf_find(&live->root, "router ospf");
	struct frr_line *b = (struct frr_line *)frrconf_find(&desired->root, "router ospf");
	struct frr_line *lo = (struct frr_line *)frrconf_find(&desired->root, "interface lo");
	char area[16];

	if (have == NULL || b == NULL)
		return;
	for (size_t i = 0; i < have->n_children; i++) {
		const char *t = have->children[i].text;

		if (strncmp(t, "redistribute ", 13) != 0)
			continue;
		if (frrconf_find(b, t) == NULL)
			add_before_networks(b, t);
	}
	if (dialect_loopback_external(live, n)) {
		_cleanup_free_ char *stmt = render_network(c, &n->loopback);
		_cleanup_free_ char *line = xasprintf("ip ospf area %s", area_str(c->area, area));

		frrconf_remove(b, stmt);
		if (lo)
			frrconf_remove(lo, line);
	}
}
