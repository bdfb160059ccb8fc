/* reconcile.h - one pass: desired state from the configuration, live state
 * from the host, and only the difference applied */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "paths.h"
#include "render.h"
#include "util.h"
#include "vtysh.h"

enum reconcile_state {
	RECONCILE_CONVERGED, /* nothing differs (after applying, if applying) */
	RECONCILE_PENDING,   /* plan only: changes are pending */
	RECONCILE_FAILED,
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
};

/* Free what the context keeps between passes. */
void reconcile_ctx_free(struct reconcile_ctx *ctx);

struct reconcile_result {
	enum reconcile_state state;
	unsigned frr_commands; /* configuration commands sent (or pending) */
	unsigned if_changes;   /* interface and sysctl changes made (or pending) */
	bool frr_running;
	struct frr_version version;
	char *error; /* one sentence when failed */
};

/* Run one pass for node n. With apply false nothing is changed and the
 * changes are only printed. Returns 0, or a negative errno when the pass
 * failed (res->error says why). */
int reconcile_pass(struct reconcile_ctx *ctx, const struct config *c, const struct node_conf *n,
                   bool apply, struct reconcile_result *res);

void reconcile_result_free(struct reconcile_result *res);

const char *reconcile_state_str(enum reconcile_state s);
