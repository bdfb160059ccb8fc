/* confirm.h - changes that undo themselves (DESIGN §13): `apply --confirm
 * SECONDS`, `confirm`, and the files through which they and the agent
 * agree, in the state folder:
 *   confirmed.conf  the last confirmed configuration (the agent writes
 *                   every configuration it loads outside a hold)
 *   confirm.json    a hold: the file's hash and the deadline
 *   reverted.json   the agent went back to confirmed.conf: why, and the
 *                   hash of the file it did not keep (in force again once
 *                   the file changes, or on `proxmesh confirm`) */
#pragma once

#include <stdint.h>

#include "cli.h"

#define CONFIRM_CONFIRMED "confirmed.conf"
#define CONFIRM_HOLD "confirm.json"
#define CONFIRM_REVERTED "reverted.json"
#define CONFIRM_SECONDS_MAX 3600

struct confirm_hold {
	uint64_t hash;         /* of the configuration file held */
	long long deadline_ms; /* wall clock */
	unsigned seconds;
};

struct confirm_reverted {
	uint64_t hash; /* of the file not kept */
	char *reason;  /* owned */
	long long at_ms;
};

/* What a hold comes to at a health poll (pure). */
enum confirm_verdict {
	CONFIRM_KEEP,     /* still held */
	CONFIRM_DEADLINE, /* no confirmation in time */
	CONFIRM_LOST,     /* every adjacency it began with down for lost_ms */
};

/* Judge hold h at now_real (wall clock) and now (monotonic ms): had, the
 * host had Full adjacencies when it began; any_full, one of them is Full
 * now. *lost_since (monotonic, -1: none) follows the loss; *recheck_at is
 * when the verdict can change next (monotonic). */
enum confirm_verdict confirm_judge(const struct confirm_hold *h, long long now_real, long long now,
                                   bool had, bool any_full, long long lost_ms,
                                   long long *lost_since, long long *recheck_at);

/* FNV-1a of a configuration text: is it the same file? (not a secret) */
uint64_t confirm_hash(const char *text);

/* The state folder's file name (owned). */
char *confirm_path(const struct paths *p, const char *name);

/* Read or write confirm.json / reverted.json: 0, -ENOENT when there is
 * none, or -errno (-EBADMSG: not what confirm wrote). */
int confirm_hold_read(const struct paths *p, struct confirm_hold *out);
int confirm_hold_write(const struct paths *p, const struct confirm_hold *h);
int confirm_reverted_read(const struct paths *p, struct confirm_reverted *out);
int confirm_reverted_write(const struct paths *p, const struct confirm_reverted *r);
void confirm_reverted_free(struct confirm_reverted *r);

/* The configuration in force: the file, or confirmed.conf while the agent
 * has gone back to it and the file has not changed since (*why then says
 * why, owned). *path is owned. */
int confirm_config_path(const struct paths *p, char **path, char **why);

/* `proxmesh apply --confirm SECONDS`: hold the file, have the agent apply
 * it, and return as `apply` does. */
int confirm_apply(struct cli *cli, unsigned seconds);

/* `proxmesh confirm`: keep what is held (or the file the agent went back
 * from). 0, or 1 with one sentence on stderr. */
int confirm_command(struct cli *cli);
