/* pveapi.c - the Proxmox VE API client: GET /cluster/status over verified TLS */
#include "pveapi.h"

#include <curl/curl.h>
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>

#include "config.h"
#include "log.h"
#include "redact.h"

#define STATUS_PATH "/api2/json/cluster/status"
#define TOKEN_MAX 4096
#define DEFAULT_CONNECT_TIMEOUT_MS 3000
#define DEFAULT_TIMEOUT_MS 8000

/* One HTTP attempt against one URL. */
struct attempt {
	CURL *easy;
	struct curl_slist *headers;
	char *url;
	const uint8_t (*pins)[32]; /* NULL: verify against the CA */
	size_t n_pins;
	bool pin_mismatch;
	char cert_fp[32 * 3]; /* the rejected certificate's SHA-256, AA:..:FF */
	char errbuf[CURL_ERROR_SIZE];
	char reason[128];
	char *body;
	size_t len, cap;
	bool too_big;
};

/* One round: every URL in order until one is ok. */
struct round {
	char **urls;
	size_t n_urls, next;
	char *token;
	char *ca_file;
	uint8_t (*pins)[32];
	size_t n_pins;
	struct pveapi_opts opts;
	struct attempt *cur;
	struct api_result result; /* ok, or the most telling failure so far */
	struct strv errors;
	bool finished;
};


static void
global_init(void)
{
	static bool done;

	if (!done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
			fatalx("libcurl: initialisation failed");
		done = true;
	}
}

/* Text from outside, made safe for a log line. */
static void
sanitize(const char *in, size_t n, char *out, size_t size)
{
	size_t i;

	for (i = 0; i < n && in[i] != '\0' && i + 1 < size; i++)
		out[i] =
		    ((unsigned char)in[i] < 0x20 || (unsigned char)in[i] >= 0x7f) ? '?' : in[i];
	out[i] = '\0';
}

enum api_state
pveapi_classify(const struct pveapi_answer *a, struct api_result *r)
{
	char reason[128] = "";
	const char *sp;
	const char *cerr =
	    a->curl_error && *a->curl_error ? a->curl_error : curl_easy_strerror(a->curl_code);
	_cleanup_free_ char *perr = NULL;

	if (a->reason)
		sanitize(a->reason, strlen(a->reason), reason, sizeof(reason));
	sp = *reason ? " " : "";
	free(r->error);
	r->error = NULL;
	r->http_status = a->http_status;
	if (a->too_big || a->curl_code == CURLE_FILESIZE_EXCEEDED) {
		r->error = xasprintf("answer larger than %d bytes", MEMBERSHIP_BODY_MAX);
		return r->state = API_BAD_ANSWER;
	}
	if (a->pin_mismatch) {
		if (a->cert_fingerprint && *a->cert_fingerprint)
			r->error = xasprintf("server certificate %s matches no fingerprint",
			                     a->cert_fingerprint);
		else
			r->error = xstrdup("server certificate matches no fingerprint");
		return r->state = API_TLS_ERROR;
	}
	switch (a->curl_code) {
	case CURLE_OK:
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_UNSUPPORTED_PROTOCOL:
		r->error = xasprintf("TLS: %s", cerr);
		return r->state = API_TLS_ERROR;
	case CURLE_OPERATION_TIMEDOUT:
		r->error = xasprintf("no answer in time: %s", cerr);
		return r->state = API_UNREACHABLE;
	case CURLE_WRITE_ERROR:
		r->error = xasprintf("answer not read: %s", cerr);
		return r->state = API_BAD_ANSWER;
	default:
		r->error = xstrdup(cerr);
		return r->state = API_UNREACHABLE;
	}
	if (a->http_status == 401 || a->http_status == 403) {
		r->error = xasprintf("HTTP %ld%s%s: check the token and its Sys.Audit permission",
		                     a->http_status, sp, reason);
		return r->state = API_UNAUTHORIZED;
	}
	if (a->http_status >= 595 && a->http_status <= 599) {
		r->error = xasprintf("HTTP %ld%s%s", a->http_status, sp, reason);
		return r->state = API_UNREACHABLE;
	}
	if (a->http_status != 200) {
		r->error = xasprintf("HTTP %ld%s%s", a->http_status, sp, reason);
		return r->state = API_BAD_ANSWER;
	}
	if (a->raw) {
		r->body = xstrndup(a->body ? a->body : "", a->len);
		return r->state = API_OK;
	}
	if (membership_parse(a->body ? a->body : "", a->len, &r->membership, &perr) < 0) {
		r->error = TAKE_PTR(perr);
		return r->state = API_BAD_ANSWER;
	}
	return r->state = API_OK;
}

int
pveapi_read_token(const char *path, char **out, char **err)
{
	_cleanup_free_ char *buf = NULL, *why = NULL;
	size_t len;
	char *bang, *eq;
	int r;

	r = config_secret_file_check(path, &why);
	if (r < 0 && r != -ENOENT) {
		*err = xasprintf("token file %s%s", path, why);
		return r;
	}
	r = read_file(path, TOKEN_MAX, &buf, &len);
	if (r < 0) {
		*err =
		    xasprintf("token file %s: %s", path, r == -EFBIG ? "too large" : strerror(-r));
		return r;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	r = -EINVAL;
	if (len == 0)
		*err = xasprintf("token file %s: empty", path);
	else if (strlen(buf) != len || !str_is_printable(buf) || strchr(buf, ' ') != NULL)
		*err = xasprintf("token file %s: control characters or spaces in the token", path);
	else if ((bang = strchr(buf, '!')) == NULL || (eq = strrchr(buf, '=')) == NULL ||
	         eq < bang || bang == buf || eq == bang + 1 || eq[1] == '\0' ||
	         strchr(buf, '@') == NULL || strchr(buf, '@') > bang)
		*err = xasprintf("token file %s: not of the form USER@REALM!TOKENID=SECRET", path);
	else
		r = 0;
	if (r < 0) {
		explicit_bzero(buf, len);
		return r;
	}
	redact_remember(buf); /* the helper's messages never show it */
	redact_remember(eq + 1);
	*out = TAKE_PTR(buf);
	return 0;
}

void
pveapi_fingerprint(const unsigned char *der, size_t len, uint8_t out[32])
{
	unsigned int n = 32;

	if (EVP_Digest(der, len, out, &n, EVP_sha256(), NULL) != 1 || n != 32)
		fatalx("openssl: SHA-256 failed");
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
pveapi_parse_fingerprint(const char *s, uint8_t out[32])
{
	uint8_t v[32];

	if (strlen(s) != 32 * 3 - 1)
		return -EINVAL;
	for (size_t i = 0; i < 32; i++) {
		int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);
		if (hi < 0 || lo < 0 || (i < 31 && s[3 * i + 2] != ':'))
			return -EINVAL;
		v[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(out, v, 32);
	return 0;
}



/* ---- one attempt ---- */

static size_t
on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct attempt *a = userdata;
	size_t n = size * nmemb;

	if (n > MEMBERSHIP_BODY_MAX || a->len + n > MEMBERSHIP_BODY_MAX) {
		a->too_big = true;
		return 0; /* aborts the transfer */
	}
	if (a->len + n + 1 > a->cap) {
		a->cap = a->cap ? a->cap : 16384;
		while (a->len + n + 1 > a->cap)
			a->cap *= 2;
		a->body = xrealloc(a->body, a->cap);
	}
	memcpy(a->body + a->len, data, n);
	a->len += n;
	a->body[a->len] = '\0';
	return n;
}

/* Keep the reason phrase of the last status line ("HTTP/1.1 401 No ticket"). */
static size_t
on_header(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct attempt *a = userdata;
	size_t n = size * nmemb, i;

	if (n < 12 || strncmp(data, "HTTP/", 5) != 0)
		return n;
	for (i = 5; i < n && data[i] != ' '; i++)
		;
	i += 5; /* " 401 " */
	a->reason[0] = '\0';
	if (i < n) {
		size_t end = n;
		while (end > i && (data[end - 1] == '\r' || data[end - 1] == '\n'))
			end--;
		sanitize(data + i, end - i, a->reason, sizeof(a->reason));
	}
	return n;
}

/* Certificate check replacing the CA chain when fingerprints are pinned: the
 * handshake fails, before any request, unless the leaf certificate matches one
 * of them (one pin per node: a node's renewed certificate fails that node). */
static int
verify_pin(X509_STORE_CTX *ctx, void *arg)
{
	struct attempt *a = arg;
	X509 *cert = X509_STORE_CTX_get0_cert(ctx);
	unsigned char *der = NULL;
	uint8_t fp[32];
	int len, match = 0;

	if (cert == NULL || (len = i2d_X509(cert, &der)) <= 0) {
		a->pin_mismatch = true;
		X509_STORE_CTX_set_error(ctx, X509_V_ERR_UNSPECIFIED);
		return 0;
	}
	pveapi_fingerprint(der, (size_t)len, fp);
	OPENSSL_free(der);
	for (size_t i = 0; i < a->n_pins; i++)
		match |= CRYPTO_memcmp(fp, a->pins[i], 32) == 0;
	if (!match) {
		a->pin_mismatch = true;
		fingerprint_str(fp, a->cert_fp);
		X509_STORE_CTX_set_error(ctx, X509_V_ERR_CERT_REJECTED);
		return 0;
	}
	return 1;
}

static CURLcode
on_ssl_ctx(CURL *easy, void *sslctx, void *userdata)
{
	SSL_CTX_set_cert_verify_callback(sslctx, verify_pin, userdata);
	return CURLE_OK;
}

static void
attempt_free(struct attempt *a)
{
	if (a == NULL)
		return;
	if (a->easy)
		curl_easy_cleanup(a->easy);
	for (struct curl_slist *l = a->headers; l; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(a->headers);
	free(a->url);
	free(a->body);
	free(a);
}

#define SETOPT(a, opt, val)                                                                        \
	do {                                                                                       \
		if (curl_easy_setopt((a)->easy, opt, val) != CURLE_OK)                             \
			fatalx("libcurl: cannot set " #opt);                                       \
	} while (0)

/* A configured easy handle for the round's next URL. */
static struct attempt *
attempt_new(struct round *rd)
{
	struct attempt *a = xcalloc(1, sizeof(*a));
	const char *base = rd->urls[rd->next];
	size_t n = strlen(base);
	_cleanup_free_ char *auth = NULL;

	while (n > 0 && base[n - 1] == '/')
		n--;
	a->url = xasprintf("%.*s%s", (int)n, base, rd->opts.path ? rd->opts.path : STATUS_PATH);
	a->easy = curl_easy_init();
	if (a->easy == NULL)
		fatalx("libcurl: cannot create a handle");
	auth = xasprintf("Authorization: PVEAPIToken=%s", rd->token);
	a->headers = curl_slist_append(NULL, auth);
	explicit_bzero(auth, strlen(auth));
	if (a->headers == NULL ||
	    (a->headers = curl_slist_append(a->headers, "Accept: application/json")) == NULL)
		fatalx("out of memory");

	SETOPT(a, CURLOPT_URL, a->url);
	SETOPT(a, CURLOPT_PROTOCOLS_STR, "https");
	SETOPT(a, CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(a, CURLOPT_PROXY, ""); /* no proxy from the environment */
	SETOPT(a, CURLOPT_HTTPGET, 1L);
	SETOPT(a, CURLOPT_HTTPHEADER, a->headers);
	SETOPT(a, CURLOPT_USERAGENT, "proxmesh/" PROXMESH_VERSION);
	SETOPT(a, CURLOPT_NOSIGNAL, 1L);
	SETOPT(a, CURLOPT_CONNECTTIMEOUT_MS, rd->opts.connect_timeout_ms);
	SETOPT(a, CURLOPT_TIMEOUT_MS, rd->opts.timeout_ms);
	SETOPT(a, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)MEMBERSHIP_BODY_MAX);
	SETOPT(a, CURLOPT_FORBID_REUSE, 1L);
	SETOPT(a, CURLOPT_ERRORBUFFER, a->errbuf);
	SETOPT(a, CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(a, CURLOPT_WRITEDATA, a);
	SETOPT(a, CURLOPT_HEADERFUNCTION, on_header);
	SETOPT(a, CURLOPT_HEADERDATA, a);
	/* TLS: always verified, no session reuse past a certificate change */
	SETOPT(a, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	SETOPT(a, CURLOPT_SSL_SESSIONID_CACHE, 0L);
	SETOPT(a, CURLOPT_SSL_VERIFYPEER, 1L);
	if (rd->n_pins > 0) {
		/* the pin is the identity; the name in a self-signed PBS or PVE
		 * certificate need not match the URL */
		a->pins = (const uint8_t(*)[32])rd->pins;
		a->n_pins = rd->n_pins;
		SETOPT(a, CURLOPT_SSL_VERIFYHOST, 0L);
		SETOPT(a, CURLOPT_CAINFO, NULL); /* no CA store to load */
		SETOPT(a, CURLOPT_CAPATH, NULL);
		SETOPT(a, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
		SETOPT(a, CURLOPT_SSL_CTX_DATA, a);
	} else {
		SETOPT(a, CURLOPT_SSL_VERIFYHOST, 2L);
		if (rd->ca_file) {
			SETOPT(a, CURLOPT_CAINFO, rd->ca_file);
			SETOPT(a, CURLOPT_CAPATH, NULL); /* that CA only */
		}
	}
	return a;
}

/* ---- one round ---- */

static void
round_free(struct round *rd)
{
	if (rd == NULL)
		return;
	attempt_free(rd->cur);
	for (size_t i = 0; i < rd->n_urls; i++)
		free(rd->urls[i]);
	free(rd->urls);
	if (rd->token) {
		explicit_bzero(rd->token, strlen(rd->token));
		free(rd->token);
	}
	free(rd->ca_file);
	free(rd->pins);
	api_result_free(&rd->result);
	strv_free(&rd->errors);
	free(rd);
}

/* Which failure to report when every URL failed: the most actionable. */
static int
state_rank(enum api_state s)
{
	switch (s) {
	case API_TLS_ERROR:
		return 4;
	case API_UNAUTHORIZED:
		return 3;
	case API_BAD_ANSWER:
		return 2;
	case API_UNREACHABLE:
		return 1;
	default:
		return 0;
	}
}

static void
round_fail(struct round *rd, enum api_state state, const char *url, long http_status,
           const char *msg)
{
	if (rd->result.state == API_DISABLED || state_rank(state) > state_rank(rd->result.state)) {
		rd->result.state = state;
		free(rd->result.url);
		rd->result.url = url ? xstrdup(url) : NULL;
		rd->result.http_status = http_status;
	}
	if (url)
		strv_pushf(&rd->errors, "%s: %s", url, msg);
	else
		strv_push_dup(&rd->errors, msg);
}

static void
round_finish(struct round *rd)
{
	rd->finished = true;
	if (rd->result.state == API_OK || rd->errors.n == 0)
		return;
	free(rd->result.error);
	rd->result.error = strv_join(&rd->errors, rd->errors.n, "; ");
}

static struct round *
round_new(const struct api_conf *conf, const struct pveapi_opts *opts)
{
	struct round *rd = xcalloc(1, sizeof(*rd));
	_cleanup_free_ char *err = NULL;

	rd->opts.connect_timeout_ms = opts && opts->connect_timeout_ms > 0
	                                  ? opts->connect_timeout_ms
	                                  : DEFAULT_CONNECT_TIMEOUT_MS;
	rd->opts.timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
	rd->opts.path = opts ? opts->path : NULL;
	rd->urls = xcalloc(conf->n_urls, sizeof(char *));
	for (size_t i = 0; i < conf->n_urls; i++)
		rd->urls[rd->n_urls++] = xstrdup(conf->urls[i]);
	rd->ca_file = conf->ca_file ? xstrdup(conf->ca_file) : NULL;
	if (conf->n_fingerprints > 0) {
		rd->pins = xreallocarray(NULL, conf->n_fingerprints, 32);
		memcpy(rd->pins, conf->fingerprints, conf->n_fingerprints * 32);
		rd->n_pins = conf->n_fingerprints;
	}
	if (rd->n_urls == 0) {
		round_fail(rd, API_UNREACHABLE, NULL, 0, "no API URL configured");
		round_finish(rd);
	} else if (conf->token_file == NULL) {
		round_fail(rd, API_UNAUTHORIZED, NULL, 0, "no token file configured");
		round_finish(rd);
	} else if (pveapi_read_token(conf->token_file, &rd->token, &err) < 0) {
		round_fail(rd, API_UNAUTHORIZED, NULL, 0, err);
		round_finish(rd);
	}
	return rd;
}

/* The attempt for the next URL, or NULL when the round is over. A URL that is
 * not https fails without being tried. */
static struct attempt *
round_next(struct round *rd)
{
	while (!rd->finished && rd->next < rd->n_urls) {
		if (strncasecmp(rd->urls[rd->next], "https://", 8) != 0) {
			round_fail(rd, API_TLS_ERROR, rd->urls[rd->next], 0, "not an https URL");
			rd->next++;
			continue;
		}
		rd->cur = attempt_new(rd);
		return rd->cur;
	}
	round_finish(rd);
	return NULL;
}

/* Judge the attempt in flight and advance the round. */
static void
round_attempt_done(struct round *rd, CURLcode code)
{
	struct attempt *a = rd->cur;
	struct api_result r = {0};
	struct pveapi_answer ans = {
	    .curl_code = code,
	    .curl_error = a->errbuf,
	    .pin_mismatch = a->pin_mismatch,
	    .cert_fingerprint = a->cert_fp,
	    .too_big = a->too_big,
	    .reason = a->reason,
	    .body = a->body,
	    .len = a->len,
	    .raw = rd->opts.path != NULL,
	};

	curl_easy_getinfo(a->easy, CURLINFO_RESPONSE_CODE, &ans.http_status);
	if (pveapi_classify(&ans, &r) == API_OK) {
		r.url = xstrdup(rd->urls[rd->next]);
		r.membership.last_ok_ms = now_real_ms();
		api_result_free(&rd->result);
		rd->result = r;
		rd->finished = true;
	} else {
		round_fail(rd, r.state, rd->urls[rd->next], r.http_status, r.error);
		api_result_free(&r);
	}
	rd->next++;
	rd->cur = NULL;
	attempt_free(a);
}

int
pveapi_fetch_sync(const struct api_conf *conf, const struct pveapi_opts *opts,
                  struct api_result *out)
{
	struct round *rd;
	struct attempt *a;

	if (!conf->enabled) {
		*out = (struct api_result){.state = API_DISABLED};
		return 0;
	}
	global_init();
	rd = round_new(conf, opts);
	while ((a = round_next(rd)) != NULL)
		round_attempt_done(rd, curl_easy_perform(a->easy));
	*out = rd->result;
	rd->result = (struct api_result){0};
	round_free(rd);
	return 0;
}
