/* membership.h - Proxmox VE cluster membership: parse, persist, compare (pure) */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct config;

#define MEMBER_NAME_MAX 63
/* Largest answer body accepted, also used by the HTTP client. */
#define MEMBERSHIP_BODY_MAX (1024 * 1024)
/* Most node entries accepted in one answer. */
#define MEMBERSHIP_MEMBERS_MAX 1024

/* State of the Proxmox API as the agent sees it (DESIGN §6, §7). */
enum api_state {
	API_DISABLED,     /* no [api] section */
	API_OK,           /* the last round gave a valid membership */
	API_UNREACHABLE,  /* connection refused, timeout, 595-599 */
	API_UNAUTHORIZED, /* 401/403, or the token file cannot be used */
	API_TLS_ERROR,    /* certificate not verified, fingerprint mismatch */
	API_BAD_ANSWER,   /* an answer that is not a valid /cluster/status */
};

struct member {
	char name[MEMBER_NAME_MAX + 1];
	unsigned id; /* corosync node id; 0 on a standalone node */
	bool online;
	bool local; /* the node that answered (not necessarily this host) */
};

struct membership {
	struct member *members; /* sorted by name */
	size_t n;
	bool clustered; /* the answer had a "cluster" entry */
	bool quorate;   /* true on a standalone node */
	char cluster_name[MEMBER_NAME_MAX + 1];
	long long last_ok_ms; /* wall clock of the answer; 0 if unknown */
};

/* "ok", "unreachable", "unauthorized", "tls-error", "bad-answer", "disabled". */
const char *api_state_str(enum api_state s);
/* The state named s (api_state_str's names); -EINVAL. */
int api_state_parse(const char *s, enum api_state *out);

/* Parse a GET /api2/json/cluster/status answer body. Lenient on the API's
 * quirks (0/1 booleans, numbers as strings, any order, no cluster entry),
 * strict about anything else. On error returns -EBADMSG (or -EFBIG when the
 * body is larger than MEMBERSHIP_BODY_MAX) and *err holds one sentence; *out
 * is untouched. last_ok_ms is left 0 for the caller to set. */
int membership_parse(const char *body, size_t len, struct membership *out, char **err);

/* The JSON form membership_save writes (a new reference). */
json_t *membership_to_json(const struct membership *m);

/* Read that form back (root may be NULL); -EBADMSG if invalid. */
int membership_from_json(json_t *root, struct membership *out);

/* Persist atomically as JSON (mode 0644); the folder must exist. */
int membership_save(const struct membership *m, const char *path);

/* Load what membership_save wrote; -ENOENT if absent, -EBADMSG if invalid. */
int membership_load(const char *path, struct membership *out);

/* Free the member array and zero *m. */
void membership_free(struct membership *m);

/* Deep copy of src into *dst (dst is overwritten, not freed). */
void membership_copy(struct membership *dst, const struct membership *src);

/* The member by name, or NULL. */
const struct member *membership_find(const struct membership *m, const char *name);

/* Same members, ids, online flags and quorum (last_ok_ms and local ignored). */
bool membership_equal(const struct membership *a, const struct membership *b);

/* The disagreements between cluster and configuration, sorted, one sentence
 * each ("cluster member X has no [node] section", "node X is not external but
 * not a cluster member"). Empty for an unclustered membership, whose node
 * list says nothing about the cluster. Compare with the previous set to warn
 * once per change (strv_contains). */
void membership_check_config(const struct membership *m, const struct config *c, struct strv *out);
