/* pveapi.h - the Proxmox VE API client: GET /cluster/status over verified TLS
 *
 * One round tries the [api] URLs in order until one gives a valid membership.
 * TLS is always verified: against ca-file (only that CA), or by pinning the
 * SHA-256 of the server's DER leaf certificate in a verify callback of the TLS
 * handshake (any of several pins, one per node), so the token is never sent to
 * an unverified server. The token is
 * read from token-file at the start of every round and appears in no message.
 *
 * Only proxmesh-api links this (and libcurl): the daemon runs it for each
 * round (apiclient.h). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apiresult.h"
#include "membership.h"

struct api_conf;



/* Timeouts; NULL where accepted means the defaults. */
struct pveapi_opts {
	long connect_timeout_ms; /* default 3000 */
	long timeout_ms;         /* default 8000 (PVE delays a 401 by about 3 s) */
	/* another GET than /cluster/status ("/api2/json/access/permissions"):
	 * its body is kept in the result as it is, not read as membership */
	const char *path;
};

/* What one HTTP attempt brought back, for pveapi_classify(). */
struct pveapi_answer {
	int curl_code;          /* CURLcode */
	const char *curl_error; /* libcurl's error buffer, may be NULL or empty */
	bool pin_mismatch;      /* the fingerprint callback rejected the certificate */
	const char *cert_fingerprint; /* then its SHA-256 (AA:..:FF), may be NULL */
	bool too_big;           /* the body went over MEMBERSHIP_BODY_MAX */
	long http_status;
	const char *reason; /* HTTP reason phrase, may be NULL */
	const char *body;
	size_t len;
	bool raw; /* ok: the body kept in r->body, not read as membership */
};


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


/* One round, blocking (at most n_urls × timeout). Returns 0 with the outcome
 * in *out (any state); free it with api_result_free. */
int pveapi_fetch_sync(const struct api_conf *conf, const struct pveapi_opts *opts,
                      struct api_result *out);
