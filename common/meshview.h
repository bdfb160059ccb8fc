/* meshview.h - the whole mesh (`proxmesh mesh`): the configuration against
 * OSPF's link-state database as one host sees it (pure) */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "lsdb.h"

enum mesh_state {
	MESH_UP,   /* both ends list a point-to-point link to each other */
	MESH_HALF, /* one end only */
	MESH_DOWN, /* neither */
};

/* One end of a link: what its router advertises toward the other end. */
struct mesh_end {
	const struct node_conf *node; /* NULL: a router the configuration lacks */
	struct in_addr router_id;
	const char *ifname; /* the configured interface, NULL if none */
	bool listed;        /* its router LSA lists the link (and it is not gone) */
	uint32_t cost;      /* the metric it advertises, when listed */
	uint32_t expected;  /* the configured cost (LSDB_MAX_METRIC for an endpoint) */
	bool cost_mismatch; /* listed with a cost other than expected */
};

struct mesh_link {
	bool configured; /* false: in the database only ("unexpected") */
	enum lsdb_link_type type;
	enum mesh_state state;
	struct mesh_end a, b; /* configured: a the lower id */
};

struct mesh_host {
	const struct node_conf *node;
	bool self;            /* the host that read the database */
	bool has_lsa;         /* a router LSA that has not aged out */
	unsigned age;         /* of that LSA, s */
	bool reachable;       /* SPF reaches it from here, not through an endpoint */
	bool behind_endpoint; /* SPF reaches it only through an endpoint */
	bool gone;            /* no live LSA, or unreachable */
	bool max_metric;      /* advertises its links at LSDB_MAX_METRIC: endpoint */
	bool role_known;      /* it lists at least one point-to-point link */
	bool role_mismatch;   /* the role it shows differs from the configuration */
};

struct mesh_view {
	bool v6;                      /* OSPFv3's database (the caller sets it) */
	struct in_addr self_id;       /* the router id of the host that read it */
	const struct node_conf *self; /* its [node] section, NULL if none */
	uint32_t area;
	struct mesh_host *hosts; /* one per [node], in configuration order */
	size_t n_hosts;
	struct mesh_link *links; /* configured links, then unexpected ones */
	size_t n_links, n_configured;
	unsigned problems; /* what makes the mesh differ from the configuration */
};

/* Compare configuration c with the database db in c's area into *v. */
void meshview_build(const struct config *c, const struct lsdb *db, struct mesh_view *v);

void meshview_free(struct mesh_view *v);

/* The host of node n in v, or NULL. */
const struct mesh_host *meshview_host(const struct mesh_view *v, const struct node_conf *n);

/* "up", "half", "down". */
const char *mesh_state_str(enum mesh_state s);
