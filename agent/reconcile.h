/* reconcile.h - one pass: desired state from the configuration, live state
 * from the host, and only the difference applied */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "ifdiff.h"
#include "paths.h"
#include "render.h"
#include "util.h"
#include "vtysh.h"

/* Bridges (bridge.h) are polled this often until they go; after the
 * limit, each one OSPF routes goes whether or not OSPF looks settled. */
#define RECONCILE_BRIDGE_POLL_MS 200
#define RECONCILE_BRIDGE_LIMIT_MS 20000
/* The agent passes this often while the loopback waits to become a stub
 * (reconcile_result.held). */
#define RECONCILE_HELD_POLL_MS 500

enum reconcile_state {
	RECONCILE_CONVERGED, /* nothing differs (after applying, if applying) */
	RECONCILE_PENDING,   /* plan only: changes are pending */
	RECONCILE_FAILED,
	RECONCILE_CONFLICT, /* done, but Proxmox SDN claims links it left alone */
};

struct reconcile_ctx {
	const struct paths *paths;
	struct vtysh vtysh;
	FILE *out; /* plan/apply print here; NULL: the daemon logs instead */
	/* The daemon logs a warning once, not on every pass while it lasts. */
	struct strv warned, warned_now;
	/* FRR's state when a pass last found nothing to change: a
	 * fingerprint of the daemons' running configuration and the desired
	 * one, also in RUN_DIR/frr-seen. While it is the same, a pass
	 * compares nothing. */
	uint64_t frr_seen;
	/* Configuration sessions over the daemons' sockets so far. */
	unsigned vty_sessions;
	/* Bridges in place (bridge.h): since when, and since when OSPF has
	 * looked settled (monotonic ms, 0: not). */
	long long bridge_since, settled_since;
	/* Since when the loopback waits for OSPF to be quiet before it turns
	 * from external to stub (monotonic ms, 0: not waiting). */
	long long held_since;
	/* FRRD_* daemons enabled in /etc/frr/daemons whose start failed or
	 * timed out: the next pass starts them again. */
	unsigned frr_start_owed;
	/* The planned addresses in place after the last applying pass (on
	 * interfaces that existed): one missing now was taken away. */
	struct ifaddr_list in_place;
};

/* Free what the context keeps between passes. */
void reconcile_ctx_free(struct reconcile_ctx *ctx);

struct reconcile_result {
	enum reconcile_state state;
	unsigned frr_commands; /* configuration commands sent (or pending) */
	unsigned if_changes;   /* interface and sysctl changes made (or pending) */
	unsigned addr_restored; /* of them, addresses put back (see in_place) */
	char *restored;         /* the first of those, "nic3 192.168.103.1/30" */
	bool frr_saved;        /* proxmesh's lines written to frr.conf (or pending) */
	bool frr_running;
	struct frr_version version;
	char version_text[24]; /* FRR's own, "10.3" ("" when not read) */
	unsigned bridges; /* bridges still in place after the pass (daemon) */
	unsigned compat;  /* links kept broadcast for a hand-made neighbour */
	/* the loopback stays an external route of the hand-made
	 * redistribution until links turned point-to-point have settled
	 * (dialect_loopback_external): a pass again soon */
	bool held;
	char *error; /* one sentence when failed */
	char *conflict; /* one sentence naming both files (sdnfabric_describe) */
};

/* Run one pass for node n. With apply false nothing is changed and the
 * changes are only printed. Returns 0, or a negative errno when the pass
 * failed (res->error says why). Applying passes run one at a time
 * (RUN_DIR/reconcile.lock): the command line (ctx->out set) waits for the
 * other one, the agent gets -EBUSY. */
int reconcile_pass(struct reconcile_ctx *ctx, const struct config *c, const struct node_conf *n,
                   bool apply, struct reconcile_result *res);

/* Wait up to wait_ms for a link kept broadcast to have a neighbour that
 * runs proxmesh (dialect_switch_due): true when one has, so a pass now
 * turns it point-to-point; false after wait_ms or when ospfd does not
 * answer. For `apply` on hosts taken over at the same time. */
bool reconcile_dialect_wait(long long wait_ms);

/* Wait until OSPF is quiet enough for the loopback to turn from external
 * to stub (res->held): ospfd has not run SPF for 2 s, or 20 s have passed
 * since the loopback began to wait. For `apply`. */
void reconcile_quiet_wait(struct reconcile_ctx *ctx);

/* Take away the bridges OSPF carries again: all of them once OSPF has
 * been settled for a second (bridgeplan_settled, and an OSPF route to each
 * in the main table), or after 20 s each one OSPF routes (at once for
 * bridges an earlier process left). *left: how many
 * remain; -EBUSY while a pass runs. `apply` waits for this itself; the
 * daemon calls it from a timer while *left > 0, and every pass does
 * (bridges left by a killed `apply`). */
int reconcile_unbridge(struct reconcile_ctx *ctx, unsigned *left);

void reconcile_result_free(struct reconcile_result *res);

struct sdn_conflicts;
/* The Proxmox SDN fabrics (paths->sdn_fabrics) claiming links of node n
 * (sdnfabric.h): 0 (no file: none), or the file's -errno. */
int reconcile_sdn_read(const struct paths *paths, const struct node_conf *n,
                       struct sdn_conflicts *out);

const char *reconcile_state_str(enum reconcile_state s);
