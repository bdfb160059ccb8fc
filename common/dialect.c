/* dialect.c - which links stay broadcast for a hand-made neighbour */
#include "dialect.h"

#include <string.h>

#include "util.h"

#define P2P_LINE "ip ospf network point-to-point"

static bool
proxmesh_neighbor(const struct frr_neighbor *nb)
{
	return nb->priority == DIALECT_PRIORITY;
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
		if (proxmesh_neighbor(&nb[i]) == want)
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
