/* status.h - /run/proxmesh/status.json (DESIGN §7) and `proxmesh status` */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "health.h"

#define STATUS_PATH_DEFAULT "/run/proxmesh/status.json"
#define STATUS_FORMAT 1
/* The daemon rewrites the file at least every STATUS_MAX_INTERVAL_MS; a file
 * not updated for three times that is stale. */
#define STATUS_MAX_INTERVAL_MS 10000LL
#define STATUS_STALE_MS (3 * STATUS_MAX_INTERVAL_MS)
#define STATUS_FILE_MAX (1024 * 1024)

/* What the daemon knows besides the health. Times are wall clock in ms,
 * 0 for "never" (null); strings may be NULL (null). */
struct status_info {
	const char *node;
	long long now_real_ms;       /* "updated" */
	long long now_mono_ms;       /* turns the health's monotonic times into wall clock */
	const struct health *health; /* NULL: not evaluated yet ("unknown") */
	bool frr_running;
	const char *frr_version;
	const char *reconcile_state; /* "converged", "pending", "failed", … */
	long long reconcile_last_run_ms;
	long long reconcile_last_change_ms;
	const char *reconcile_last_error;
	const char *api_state; /* api_state_str(): "ok", "disabled", … */
	const char *api_url;
	long long api_last_ok_ms;
	enum tri api_quorate;
	/* for the metrics only (metrics.h) */
	const char *version;                   /* proxmesh's own */
	unsigned long long reconcile_failures; /* failed passes since the start */
	unsigned reconcile_failing;            /* failed passes in a row, now */
	long long reconcile_last_ok_ms;        /* wall clock, 0: never */
	long long reconcile_duration_ms;       /* the last pass, -1: none yet */
	long long membership_nodes;            /* -1: membership unknown */
	/* apply --confirm: "file" (in force), "holding" (until confirmed) or
	 * "reverted" (the last confirmed configuration is in force), and why */
	const char *configuration_state;
	const char *configuration_detail;
	unsigned long long reconcile_passes; /* since the start: `apply --confirm` waits for one */
};

/* The status document as JSON text (owned string). */
char *status_render(const struct status_info *s);

/* Render and replace path atomically, mode 0644. */
int status_write(const char *path, const struct status_info *s);

/* Print a status document (json text) as the compact table of `proxmesh
 * status`, judged at now_real_ms; messages for a stale or invalid document
 * go to err. Returns the exit code: 0 healthy and fresh, 1 otherwise. */
int status_format(const char *json, long long now_real_ms, FILE *out, FILE *err);

/* `proxmesh status [--json]`: read path, print it, return the exit code. */
int status_command(const char *path, bool json, FILE *out, FILE *err);
