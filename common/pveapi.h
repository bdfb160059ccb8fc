/* pveapi.h - the Proxmox VE API client: GET /cluster/status over verified TLS
 *
 * One round tries the [api] URLs in order until one gives a valid membership.
 * TLS is always verified: against ca-file (only that CA), or by pinning the
 * SHA-256 of the server's DER leaf certificate in a verify callback of the TLS
 * handshake, so the token is never sent to an unverified server. The token is
 * read from token-file at the start of every round and appears in no message.
 *
 * The daemon uses the asynchronous client, driven by its sd-event loop (one
 * request in flight, completion callback); tests and commands use
 * pveapi_fetch_sync(). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "membership.h"

struct api_conf;

/* Longest back-off between failing rounds, in seconds. */
#define PVEAPI_BACKOFF_MAX 300

struct api_result {
	enum api_state state;
	char *url;                    /* the URL that answered, or the one the state comes from */
	long http_status;             /* 0 without an HTTP answer */
	char *error;                  /* one sentence naming each URL tried; NULL when ok */
	struct membership membership; /* only when ok; last_ok_ms set */
};

/* Timeouts; NULL where accepted means the defaults. */
struct pveapi_opts {
	long connect_timeout_ms; /* default 3000 */
	long timeout_ms;         /* default 8000 (PVE delays a 401 by about 3 s) */
};

/* What one HTTP attempt brought back, for pveapi_classify(). */
struct pveapi_answer {
	int curl_code;          /* CURLcode */
	const char *curl_error; /* libcurl's error buffer, may be NULL or empty */
	bool pin_mismatch;      /* the fingerprint callback rejected the certificate */
	bool too_big;           /* the body went over MEMBERSHIP_BODY_MAX */
	long http_status;
	const char *reason; /* HTTP reason phrase, may be NULL */
	const char *body;
	size_t len;
};

/* Completion callback; r and its membership are only valid during the call
 * (use membership_copy to keep it). The callback may start a new round. */
typedef void (*pveapi_done_fn)(void *userdata, const struct api_result *r);

struct pveapi;

/* Map one attempt's outcome to a state; sets r->state, r->http_status,
 * r->error (without URL) and, when ok, r->membership. Pure. */
enum api_state pveapi_classify(const struct pveapi_answer *a, struct api_result *r);

/* Read and check a token file (USER@REALM!TOKENID=SECRET, trailing newline
 * stripped, no control characters or spaces). *err never holds the token. */
int pveapi_read_token(const char *path, char **out, char **err);

/* SHA-256 of a DER certificate. */
void pveapi_fingerprint(const unsigned char *der, size_t len, uint8_t out[32]);

/* Parse "AA:BB:...:FF" (32 pairs, any case) into 32 bytes; -EINVAL. */
int pveapi_parse_fingerprint(const char *s, uint8_t out[32]);

/* Seconds to wait before the next round after failures failing rounds in a
 * row: poll_interval doubled per failure, at most PVEAPI_BACKOFF_MAX (but
 * never less than poll_interval). */
unsigned pveapi_backoff(unsigned poll_interval, unsigned failures);

/* One round, blocking (at most n_urls × timeout). Returns 0 with the outcome
 * in *out (any state); free it with api_result_free. */
int pveapi_fetch_sync(const struct api_conf *conf, const struct pveapi_opts *opts,
                      struct api_result *out);

/* An asynchronous client attached to an event loop. */
int pveapi_new(sd_event *event, struct pveapi **out);

/* Start a round (conf is copied); done is called from the event loop when it
 * ends. -EBUSY while a round is in flight, -EINVAL if conf is not enabled. */
int pveapi_start(struct pveapi *p, const struct api_conf *conf, const struct pveapi_opts *opts,
                 pveapi_done_fn done, void *userdata);

/* True while a round is in flight. */
bool pveapi_busy(const struct pveapi *p);

/* Abort the round in flight, if any, without calling its callback. */
void pveapi_cancel(struct pveapi *p);

/* Cancel and free; NULL is fine. Not from inside the callback. */
void pveapi_free(struct pveapi *p);

/* Free what a result owns and zero it. */
void api_result_free(struct api_result *r);
