/* report.h - health events to journald: fields, priorities, rate limiting */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-id128.h>

#include "health.h"
#include "util.h"

/* MESSAGE_IDs, one per kind of event; explained in packaging/proxmesh.catalog.
 * Never change one: operators filter on them (journalctl MESSAGE_ID=…). */
/* link fault: adjacency down while the peer is alive (cable-or-nic) */
#define PM_MID_LINK_CABLE_OR_NIC                                                                   \
	SD_ID128_MAKE_STR(1a, 38, b3, ae, 7f, b9, 49, b5, 8b, ac, 56, 10, fb, e8, 1f, 5d)
/* link fault: interface down or without carrier while the peer is alive */
#define PM_MID_LINK_DOWN                                                                           \
	SD_ID128_MAKE_STR(5d, 7c, 80, 01, 9a, 6e, 40, a0, b4, 56, e5, b1, a2, 29, fd, 4b)
/* link fault: the configured interface does not exist */
#define PM_MID_LINK_INTERFACE_MISSING                                                              \
	SD_ID128_MAKE_STR(71, b8, fe, 63, 2e, 5f, 44, 2f, 86, 9e, 16, 98, 3a, c4, 9f, 72)
/* link fault: adjacency stuck in ExStart/Exchange */
#define PM_MID_LINK_MTU_MISMATCH                                                                   \
	SD_ID128_MAKE_STR(c3, 91, 13, 78, 59, cd, 4f, 08, 8c, 24, e7, 14, 6a, 3e, 08, a8)
/* link fault: adjacency stuck in Init */
#define PM_MID_LINK_ONE_WAY                                                                        \
	SD_ID128_MAKE_STR(e7, 30, 54, bb, 35, f3, 41, 66, bc, d2, 3b, ba, 13, 2a, 1e, bf)
/* link fault: the peer's packets fail authentication (another key) */
#define PM_MID_LINK_AUTH_MISMATCH                                                                  \
	SD_ID128_MAKE_STR(71, 88, 1e, 04, ff, d8, 4d, 55, 90, fc, df, c2, 98, a5, f7, cd)
/* link down because the peer is offline */
#define PM_MID_LINK_PEER_OFFLINE                                                                   \
	SD_ID128_MAKE_STR(aa, e7, 8b, d8, 90, d7, 4c, 7d, af, f9, ae, 20, 10, 5a, 8b, bd)
/* link healthy again */
#define PM_MID_LINK_RECOVERED                                                                      \
	SD_ID128_MAKE_STR(fe, 71, cd, 3e, 27, 15, 4c, 99, 98, 3e, 47, 90, 9c, d9, 49, 81)
/* state changes of a link, destination or the health suppressed */
#define PM_MID_FLAPPING                                                                            \
	SD_ID128_MAKE_STR(a3, e7, 73, c1, a6, ed, 41, ec, a0, 24, c6, 6c, 95, d2, 8e, 47)
/* a remote loopback is unreachable */
#define PM_MID_DEST_UNREACHABLE                                                                    \
	SD_ID128_MAKE_STR(57, 3b, 61, fe, 4e, ac, 49, 36, 91, 2e, c3, 74, 25, e8, 54, 6f)
/* a remote loopback is reached over a backup path */
#define PM_MID_DEST_BACKUP_PATH                                                                    \
	SD_ID128_MAKE_STR(3e, 6f, d8, c1, fa, 52, 41, 08, ad, af, ff, 0b, 4a, fe, 6b, 10)
/* a remote loopback is reached on its preferred path again */
#define PM_MID_DEST_REACHABLE                                                                      \
	SD_ID128_MAKE_STR(2a, 50, 41, 9d, 17, 07, 45, 68, bb, 34, f5, b2, 91, 19, bc, b3)
/* overall health changed */
#define PM_MID_HEALTH_CHANGED                                                                      \
	SD_ID128_MAKE_STR(e6, ee, 00, 2c, ad, e6, 47, 4f, 92, bd, ba, 68, 18, db, bb, 4f)
/* a reconcile pass changed the host */
#define PM_MID_RECONCILE_APPLIED                                                                   \
	SD_ID128_MAKE_STR(2a, 82, 7b, e9, 02, 17, 45, 43, a1, eb, 46, 96, e7, b7, 8b, 1e)
/* a reconcile pass failed */
#define PM_MID_RECONCILE_FAILED                                                                    \
	SD_ID128_MAKE_STR(f9, b7, 06, d9, 37, 55, 4f, e9, 83, 56, ab, c7, 2f, 1c, ef, dd)
/* Proxmox SDN claims links of the mesh: they are left alone */
#define PM_MID_SDN_CONFLICT                                                                        \
	SD_ID128_MAKE_STR(77, 25, 9c, 59, 97, 7a, 48, d3, 96, 41, d1, 7b, a0, 3f, f5, 5d)
/* apply --confirm: no confirmation in time, or every adjacency lost:
 * back to the last confirmed configuration */
#define PM_MID_CONFIRM_REVERTED                                                                    \
	SD_ID128_MAKE_STR(46, 8f, 4f, 26, fc, eb, 4c, 24, 92, 47, af, d2, 89, 78, 71, 98)
/* the configuration is invalid */
#define PM_MID_CONFIG_ERROR                                                                        \
	SD_ID128_MAKE_STR(04, 15, 75, 61, 86, 8b, 4e, 94, 8c, 58, 5d, 3c, 86, c6, 2e, 49)
/* a new configuration was loaded */
#define PM_MID_CONFIG_RELOADED                                                                     \
	SD_ID128_MAKE_STR(ca, a3, e0, 92, be, 5d, 41, 08, 9c, 8f, 6b, e3, 02, 82, 2d, 09)
/* the Proxmox API state changed */
#define PM_MID_API_STATE                                                                           \
	SD_ID128_MAKE_STR(d9, da, 8d, c7, 55, 92, 4b, 30, 87, 02, 12, a5, 59, a4, 7c, 6d)
/* a planned address was put back */
#define PM_MID_ADDRESS_RESTORED                                                                    \
	SD_ID128_MAKE_STR(72, ef, 70, 52, 85, d9, 4f, 28, 90, 22, 49, 82, 27, 0d, 4f, 5f)
/* FRR daemons enabled, FRR reloaded or restarted */
#define PM_MID_FRR_RESTARTED                                                                       \
	SD_ID128_MAKE_STR(c2, b5, bc, ce, a3, 03, 4b, 69, 83, cf, 20, e6, 5d, 42, d7, 5a)

/* A key (link, destination, health) changing state more than
 * REPORT_FLAP_LIMIT times within REPORT_FLAP_WINDOW_MS is flapping: its
 * changes are suppressed for a window and summarised in one entry. */
#define REPORT_FLAP_LIMIT 5
#define REPORT_FLAP_WINDOW_MS 60000LL

/* One journal entry to send; fields are "KEY=value" (MESSAGE, PRIORITY,
 * MESSAGE_ID and SYSLOG_IDENTIFIER are added when sent). */
struct report_entry {
	int priority; /* LOG_WARNING, … */
	const char *message_id;
	char *message;
	struct strv fields;
};

struct report_entries {
	struct report_entry *v;
	size_t n;
};

struct report_flap;

/* Rate-limiting state across calls; zero-initialise. */
struct reporter {
	struct report_flap *flaps;
	size_t n_flaps;
};

/* Turn the events of one health evaluation into journal entries, rate
 * limited (pure: nothing is sent). h is the health the events refer to. */
void report_health(struct reporter *r, const struct health *h, const struct health_events *ev,
                   long long now_ms, struct report_entries *out);

/* Summaries of flapping windows that have ended by now_ms (pure). Call it
 * on every poll. */
void report_tick(struct reporter *r, long long now_ms, struct report_entries *out);

/* Send the entries to journald; the first error as negative errno. */
int report_send(const struct report_entries *e);

/* report_health + report_tick + report_send + free, for the daemon loop. */
int report_health_send(struct reporter *r, const struct health *h, const struct health_events *ev,
                       long long now_ms);

/* Send one entry with a MESSAGE_ID and extra "KEY=value" fields (NULL
 * terminated, may be NULL) for events outside the health model: reconcile,
 * configuration, API. */
int report_event(int priority, const char *message_id, const char *const *fields, const char *fmt,
                 ...) __attribute__((format(printf, 4, 5)));

void report_entries_free(struct report_entries *e);
void reporter_free(struct reporter *r);
