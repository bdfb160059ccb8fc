/* apiresult.h - the outcome of one round of Proxmox API requests, and its
 * one-line JSON form: the API client (proxmesh-api, which links libcurl and
 * its TLS stack) prints it, the daemon reads it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "membership.h"

/* Longest back-off between failing rounds, in seconds. */
#define PVEAPI_BACKOFF_MAX 300

struct api_result {
	enum api_state state;
	char *url;                    /* the URL that answered, or the one the state comes from */
	long http_status;             /* 0 without an HTTP answer */
	char *error;                  /* one sentence naming each URL tried; NULL when ok */
	char *body;                   /* another path than /cluster/status (pveapi_opts.path) */
	struct membership membership; /* only when ok; last_ok_ms set */
};

/* One line of JSON, newline-terminated (owned). */
char *api_result_dump(const struct api_result *r);

/* Read what api_result_dump wrote; -EBADMSG if it is not that. */
int api_result_undump(const char *text, size_t len, struct api_result *out);

/* Free what a result owns and zero it. */
void api_result_free(struct api_result *r);

/* Seconds to wait before the next round after failures failing rounds in a
 * row: poll_interval doubled per failure, at most PVEAPI_BACKOFF_MAX (but
 * never less than poll_interval). */
unsigned pveapi_backoff(unsigned poll_interval, unsigned failures);

/* Membership matters to the health's judgement while a link is not healthy
 * (a dead link to a peer the cluster sees online is a fault; to an offline
 * one, expected), at start, and while the API fails; while every link is
 * healthy and the API answered, it only feeds the status and the warnings
 * about the cluster and the configuration disagreeing. Seconds until the
 * round after one that ended ok (or failed failures times in a row, in_grace:
 * inside the start-up grace): poll_interval while membership can matter,
 * interval_healthy (>= poll_interval) while healthy says every link is. */
unsigned pveapi_next_round(unsigned poll_interval, unsigned interval_healthy, bool ok,
                           bool in_grace, unsigned failures, bool healthy);

/* A round next_s seconds away keeps the helper (apiclient.h) waiting for
 * it: it costs ~30 ms of CPU to start and ~7 MB of memory to keep, so it is
 * kept while rounds come every poll_interval, not for the healthy mesh's
 * rare ones. */
bool pveapi_keep_helper(unsigned poll_interval, unsigned next_s);

/* The API may not be up yet when the agent starts (pveproxy starts late in
 * a boot, a neighbour's API is rebooting with it): until it has answered
 * once since start, a failing round inside this window is no fault. */
#define PVEAPI_START_GRACE_MS 60000LL

/* How to report a round whose state is now, after was (url_changed: another
 * URL than last time). in_grace: the API has not answered since start and
 * the start-up grace is not over; *held says a failure was held back in it.
 * Returns the syslog priority to log the round at, or -1 for nothing. */
int pveapi_report(enum api_state was, enum api_state now, bool url_changed, bool in_grace,
                  bool *held);
