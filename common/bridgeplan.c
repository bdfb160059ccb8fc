/* bridgeplan.c - which loopbacks to bridge during a disruptive change, and
 * when OSPF carries them again (pure; the routes are agent/bridge.c's) */
#include "bridgeplan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const struct frr_neighbor *
full_on(const struct frr_neighbor *nb, size_t n_nb, const char *ifname)
{
	for (size_t i = 0; i < n_nb; i++)
		if (nb[i].state == NSM_FULL && !strcmp(nb[i].ifname, ifname))
			return &nb[i];
	return NULL;
}

void
bridges_push(struct bridges *b, const struct bridge *add)
{
	b->v = xreallocarray(b->v, b->n + 1, sizeof(*b->v));
	b->v[b->n++] = *add;
}

void
bridgeplan_build(const struct link_plan *links, size_t n_links, const struct frr_neighbor *nb,
                 size_t n_nb, struct bridges *out)
{
	*out = (struct bridges){0};
	for (size_t i = 0; i < n_links; i++) {
		const struct link_plan *l = &links[i];
		const struct frr_neighbor *f = full_on(nb, n_nb, l->link->ifname);
		struct bridge b = {.gateway = l->remote};

		if (!l->peer->has_loopback || f == NULL || f->address.s_addr != l->remote.s_addr)
			continue;
		snprintf(b.ifname, sizeof(b.ifname), "%s", l->link->ifname);
		b.dst = l->peer->loopback;
		bridges_push(out, &b);
	}
}

bool
bridgeplan_settled(const struct bridges *b, const struct frr_neighbor *nb, size_t n_nb)
{
	for (size_t i = 0; i < b->n; i++)
		if (full_on(nb, n_nb, b->v[i].ifname) == NULL)
			return false;
	for (size_t i = 0; i < n_nb; i++)
		if (nb[i].retransmit != 0)
			return false;
	return true;
}

void
bridges_free(struct bridges *b)
{
	free(b->v);
	*b = (struct bridges){0};
}
