/* health.h - adjacency and reachability health of one node (DESIGN §7), pure */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "addrplan.h"
#include "config.h"
#include "frrjson.h"

/* A neighbour stuck in ExStart/Exchange (or Init) for this many dead
 * intervals is diagnosed (mtu-mismatch, one-way). */
#define HEALTH_STUCK_DEAD_INTERVALS 3
/* No false alarms at start-up: no fault is reported until OSPF had this many
 * dead intervals after FRR first answered, or until the health is healthy. */
#define HEALTH_GRACE_DEAD_INTERVALS 4
/* A link that appeared, came up or was just configured, or a destination
 * just configured, is judged once its adjacency is Full (reached on the
 * preferred path) or after this many dead intervals. */
#define HEALTH_FORMING_DEAD_INTERVALS HEALTH_STUCK_DEAD_INTERVALS
/* Bound of both holds: from the agent's start, from the link's appearance. */
#define HEALTH_GRACE_MAX_MS 60000LL

enum tri { TRI_UNKNOWN = -1, TRI_NO = 0, TRI_YES = 1 };

/* The kernel's view of one link interface, filled by the caller (netlink). */
struct kernel_link {
	char ifname[IFNAMSIZ];
	bool exists;
	bool up;      /* IFF_UP */
	bool carrier; /* IFF_LOWER_UP */
	unsigned mtu;
};

/* Cluster membership of one node as far as the caller knows it. */
struct peer_presence {
	char name[CONFIG_NAME_MAX + 1];
	enum tri online;
};

enum link_state { LINK_UNKNOWN, LINK_UP, LINK_DOWN, LINK_MISSING };

enum link_diag {
	DIAG_OK,
	DIAG_LINK_DOWN,
	DIAG_PEER_OFFLINE,
	DIAG_CABLE_OR_NIC,
	DIAG_MTU_MISMATCH,
	DIAG_ONE_WAY,
	DIAG_INTERFACE_MISSING,
	DIAG_UNKNOWN,       /* FRR not answering */
	DIAG_AUTH_MISMATCH, /* the peer's packets fail authentication: another key */
};

enum health_overall { HEALTH_UNKNOWN, HEALTH_HEALTHY, HEALTH_DEGRADED, HEALTH_BROKEN };

/* BFD of a link: a bfd_status, or off when BFD is not configured. */
#define BFD_OFF ((enum bfd_status)100)

struct link_health {
	char peer[CONFIG_NAME_MAX + 1];
	char ifname[IFNAMSIZ];
	struct prefix4 address;
	/* the link's planned IPv6 address (prefix6); without, link-local only */
	bool has_address6;
	struct prefix6 address6;
	uint32_t cost;
	unsigned mtu;  /* kernel MTU, 0 when unknown */
	bool external; /* the peer is not a cluster member */
	enum link_state link;
	enum ospf_nsm adjacency; /* NSM_UNKNOWN when FRR does not answer */
	enum bfd_status bfd;     /* or BFD_OFF */
	/* the neighbour on it is hand-made (its hellos' priority is not
	 * DIALECT_PRIORITY): the link is kept broadcast for it (dialect.h) */
	bool peer_handmade;
	enum tri peer_online;    /* membership only; unknown for external peers */
	bool peer_alive;         /* membership or OSPF says the peer is there */
	enum link_diag diagnosis;
	long long since_ms;     /* monotonic: start of the current reported state */
	long long adj_since_ms; /* monotonic: start of the current adjacency state */
	unsigned flaps;         /* times the adjacency left Full */
	/* monotonic: a fault of this link is not reported before (it appeared,
	 * came up or was configured then); 0: judged as usual */
	long long forming_until_ms;
	bool forming; /* held now: the diagnosis is not reported yet */
	/* the last state that was known (FRR answering) and reported */
	bool last_valid;
	enum link_state last_link;
	enum link_diag last_diagnosis;
};

struct dest_health {
	char node[CONFIG_NAME_MAX + 1];
	struct prefix4 address;
	bool v6; /* the node's loopback6 (address6), over OSPFv3's routes */
	struct in6_addr address6;
	bool reachable;
	char via[IFNAMSIZ]; /* empty when unreachable */
	bool preferred;     /* via is a lowest-cost first hop of the plan */
	bool known;         /* false when FRR does not answer */
	long long since_ms;
	bool last_valid; /* the last known state, for change detection */
	bool last_reachable, last_preferred;
	/* a node just added to the configuration (a reload): judged once
	 * reached on the preferred path or when the hold is over */
	bool forming;
	long long forming_until_ms;
};

struct health {
	bool valid; /* evaluated at least once */
	/* the mesh runs IPv6 (ipv6 = yes): status and journal name each
	 * entry's family; an IPv4 mesh's read as before IPv6 */
	bool ipv6;
	enum health_overall overall;
	char summary[128];
	/* per link, OSPF's adjacency; in an IPv6-only mesh OSPFv3's (links_v6) */
	struct link_health *links;
	size_t n_links;
	bool links_v6;
	/* dual-stack: per link, OSPFv3's adjacency and IPv6 BFD session beside
	 * OSPF's; NULL otherwise */
	struct link_health *links6;
	size_t n_links6;
	struct dest_health *dests;
	size_t n_dests;
	long long since_ms; /* start of the current overall state */
	/* start-up grace: faults are held until grace_until_ms (0: until FRR
	 * answers) or until healthy, never past HEALTH_GRACE_MAX_MS */
	bool starting;
	long long grace_until_ms;
	bool last_valid; /* the last reported overall health */
	enum health_overall last_overall;
};

enum health_event_kind { HEV_LINK, HEV_DESTINATION, HEV_OVERALL };

/* One change of state to report: a link's (link, diagnosis), a
 * destination's (reachable, preferred), or the overall health; index points
 * into the links or dests of the new struct health. */
struct health_event {
	enum health_event_kind kind;
	size_t index; /* into links (links6 when v6 in a dual-stack mesh) or dests */
	bool v6;      /* HEV_LINK: OSPFv3's adjacency */
	bool initial; /* no previous state (first evaluation) */
	/* HEV_LINK */
	enum link_diag diagnosis, prev_diagnosis;
	enum ospf_nsm adjacency, prev_adjacency;
	enum link_state link, prev_link;
	/* HEV_DESTINATION */
	bool reachable, prev_reachable, preferred, prev_preferred;
	/* HEV_OVERALL */
	enum health_overall overall, prev_overall;
};

struct health_events {
	struct health_event *v;
	size_t n;
};

/* Everything the model reads. plans has node->n_links entries in the order
 * of node->links (what addrplan_node() returns). */
struct health_input {
	const struct config *config;
	const struct node_conf *node;
	const struct link_plan *plans;
	const struct kernel_link *kernel; /* one per interface the caller knows */
	size_t n_kernel;
	const struct frr_state *frr;         /* NULL: FRR not answering */
	const struct peer_presence *members; /* NULL: membership unknown */
	size_t n_members;
	long long now_ms;   /* monotonic */
	long long start_ms; /* monotonic: when the agent started (the grace) */
	/* Interfaces on which ospfd lately rejected the peer's packets for
	 * their authentication (authlog.h), or NULL: not looked. */
	const struct strv *auth_failing;
};

/* Compute the new health from the input and the previous health (may be
 * NULL or not yet valid), and append the changes to ev: none for a fault
 * during the start-up grace or of a link still forming. */
void health_evaluate(const struct health_input *in, const struct health *prev, struct health *out,
                     struct health_events *ev);

void health_free(struct health *h);

/* A destination's address as "A.B.C.D/32" or "X:X::X/128". */
const char *health_dest_addr(const struct dest_health *d, char buf[static PREFIX6_STRLEN]);

/* The link of a HEV_LINK event, or NULL when its index is out of range. */
const struct link_health *health_event_link(const struct health *h, const struct health_event *e);
void health_events_free(struct health_events *ev);

/* "ok", "link-down", "peer-offline", "cable-or-nic", "mtu-mismatch",
 * "one-way", "interface-missing", "unknown", "auth-mismatch". */
const char *link_diag_str(enum link_diag d);
/* "up", "down", "missing", "unknown". */
const char *link_state_str(enum link_state s);
/* "healthy", "degraded", "broken", "unknown". */
const char *health_overall_str(enum health_overall h);
/* bfd_status_str() plus "off". */
const char *link_bfd_str(enum bfd_status s);

/* The membership entry of name, or TRI_UNKNOWN. */
enum tri health_member_online(const struct peer_presence *m, size_t n, const char *name);
