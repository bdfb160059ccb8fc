/* check_pveapi.c - the Proxmox API client: classification, token, pinning, and
 * real HTTPS against tests/data/pveapi/tlsserver.py inside a network namespace
 * of the test's own (without one the HTTPS tests are not run and the program
 * exits 77, which meson counts as a skip) */
#include <check.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sched.h>
#include <signal.h>
#include <syslog.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "membership.h"
#include "apiclient.h"
#include "pveapi.h"
#include "testutil.h"

#define DATA_DIR TEST_DATA "/pveapi/"
#define SECRET "8a3f6c2e-51b7-4c1e-9d0a-secret0001"
#define TOKEN "root@pam!proxmesh=" SECRET

extern char **environ;

static const char *const state_names[] = {"disabled",     "ok",        "unreachable",
                                          "unauthorized", "tls-error", "bad-answer"};

static enum api_state
state_from_str(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(state_names); i++)
		if (strcmp(s, state_names[i]) == 0)
			return (enum api_state)i;
	ck_abort_msg("unknown state %s", s);
	return API_DISABLED;
}

/* ---- the table of hand-built answers (tests/data/pveapi/EXPECTED, README.md) ---- */

struct expected {
	char file[128];
	long http;
	enum api_state state;
	long members;
	char reason[128];
};

static size_t
load_expected(struct expected **out)
{
	_cleanup_free_ char *text = NULL;
	struct expected *v = NULL;
	size_t n = 0;
	char *line, *save = NULL;

	ck_assert_int_eq(read_file(DATA_DIR "EXPECTED", 1 << 20, &text, NULL), 0);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char state[32];
		struct expected e = {0};

		if (line[0] == '#')
			continue;
		ck_assert_msg(sscanf(line, "%127[^\t]\t%ld\t%31[^\t]\t%ld\t%127[^\n]", e.file,
		                     &e.http, state, &e.members, e.reason) == 5,
		              "EXPECTED: bad line %s", line);
		e.state = state_from_str(state);
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = e;
	}
	*out = v;
	return n;
}

START_TEST(test_recorded_answers)
{
	_cleanup_free_ struct expected *cases = NULL;
	size_t n = load_expected(&cases), n_bad = 0;

	ck_assert_uint_ge(n, 40);
	for (size_t i = 0; i < n; i++) {
		const struct expected *e = &cases[i];
		_cleanup_free_ char *path = xasprintf(DATA_DIR "%s", e->file);
		_cleanup_free_ char *body = NULL;
		struct api_result r = {0};
		struct pveapi_answer a = {
		    .curl_code = CURLE_OK, .http_status = e->http, .reason = e->reason};

		ck_assert_int_eq(read_file(path, 1 << 20, &body, &a.len), 0);
		a.body = body;
		ck_assert_msg(pveapi_classify(&a, &r) == e->state, "%s (HTTP %ld): %s, want %s",
		              e->file, e->http, api_state_str(r.state), api_state_str(e->state));
		ck_assert_int_eq(r.state, e->state);
		ck_assert_int_eq(r.http_status, e->http);
		if (e->state == API_OK) {
			ck_assert_ptr_null(r.error);
			ck_assert_int_eq((long)r.membership.n, e->members);
		} else {
			ck_assert_ptr_nonnull(r.error);
			ck_assert(str_is_printable(r.error));
			ck_assert_ptr_null(r.membership.members);
		}
		if (e->state == API_BAD_ANSWER && e->http == 200)
			n_bad++;
		api_result_free(&r);
	}
	ck_assert_uint_ge(n_bad, 20);
}
END_TEST

/* Every hand-built answer is in the table. */
START_TEST(test_recorded_complete)
{
	_cleanup_free_ struct expected *cases = NULL;
	size_t n = load_expected(&cases);
	DIR *d = opendir(DATA_DIR);
	struct dirent *de;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		bool found = false;
		size_t len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		for (size_t i = 0; i < n && !found; i++)
			found = strcmp(cases[i].file, de->d_name) == 0;
		ck_assert_msg(found, "%s is not in EXPECTED", de->d_name);
	}
	closedir(d);
}
END_TEST

/* The HTTP reason phrase and libcurl's outcome, without a body. */
START_TEST(test_classify_transport)
{
	static const struct {
		int code;
		bool pin_mismatch, too_big;
		long http;
		const char *reason;
		enum api_state want;
		const char *msg;
	} cases[] = {
	    {CURLE_COULDNT_CONNECT, false, false, 0, NULL, API_UNREACHABLE, NULL},
	    {CURLE_COULDNT_RESOLVE_HOST, false, false, 0, NULL, API_UNREACHABLE, NULL},
	    {CURLE_OPERATION_TIMEDOUT, false, false, 0, NULL, API_UNREACHABLE, NULL},
	    {CURLE_GOT_NOTHING, false, false, 0, NULL, API_UNREACHABLE, NULL},
	    {CURLE_RECV_ERROR, false, false, 0, NULL, API_UNREACHABLE, NULL},
	    {CURLE_PEER_FAILED_VERIFICATION, false, false, 0, NULL, API_TLS_ERROR, NULL},
	    {CURLE_SSL_CONNECT_ERROR, false, false, 0, NULL, API_TLS_ERROR, NULL},
	    {CURLE_SSL_CACERT_BADFILE, false, false, 0, NULL, API_TLS_ERROR, NULL},
	    {CURLE_SSL_CONNECT_ERROR, true, false, 0, NULL, API_TLS_ERROR,
	     "server certificate matches no fingerprint"},
	    {CURLE_PEER_FAILED_VERIFICATION, true, false, 0, NULL, API_TLS_ERROR,
	     "server certificate matches no fingerprint"},
	    {CURLE_WRITE_ERROR, false, true, 200, "OK", API_BAD_ANSWER,
	     "answer larger than 1048576 bytes"},
	    {CURLE_FILESIZE_EXCEEDED, false, false, 200, "OK", API_BAD_ANSWER,
	     "answer larger than 1048576 bytes"},
	    {CURLE_OK, false, false, 401, "No ticket", API_UNAUTHORIZED,
	     "HTTP 401 No ticket: check the token and its Sys.Audit permission"},
	    {CURLE_OK, false, false, 401, NULL, API_UNAUTHORIZED,
	     "HTTP 401: check the token and its Sys.Audit permission"},
	    {CURLE_OK, false, false, 595, "No route to host", API_UNREACHABLE,
	     "HTTP 595 No route to host"},
	    {CURLE_OK, false, false, 599, "", API_UNREACHABLE, "HTTP 599"},
	    {CURLE_OK, false, false, 594, "", API_BAD_ANSWER, "HTTP 594"},
	    {CURLE_OK, false, false, 200, "OK", API_BAD_ANSWER, "empty answer"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct api_result r = {0};
		struct pveapi_answer a = {
		    .curl_code = cases[i].code,
		    .curl_error = "",
		    .pin_mismatch = cases[i].pin_mismatch,
		    .too_big = cases[i].too_big,
		    .http_status = cases[i].http,
		    .reason = cases[i].reason,
		};
		ck_assert_msg(pveapi_classify(&a, &r) == cases[i].want, "case %zu: %s", i,
		              api_state_str(r.state));
		ck_assert_ptr_nonnull(r.error);
		if (cases[i].msg)
			ck_assert_str_eq(r.error, cases[i].msg);
		api_result_free(&r);
	}
}
END_TEST

/* Another path (doctor's /access/permissions): the body kept as it came,
 * the transport judged as for membership. */
START_TEST(test_classify_raw)
{
	static const char body[] = "{\"data\":{\"/\":{\"Sys.Audit\":1}}}";
	struct api_result r = {0};
	struct pveapi_answer a = {.curl_code = CURLE_OK, .curl_error = "", .http_status = 200,
	                          .body = body, .len = sizeof(body) - 1, .raw = true};

	ck_assert_int_eq(pveapi_classify(&a, &r), API_OK);
	ck_assert_str_eq(r.body, body);
	ck_assert_uint_eq(r.membership.n, 0);
	api_result_free(&r);
	a.http_status = 401;
	ck_assert_int_eq(pveapi_classify(&a, &r), API_UNAUTHORIZED);
	ck_assert_ptr_null(r.body);
	api_result_free(&r);
}
END_TEST

/* ---- token file ---- */

START_TEST(test_token)
{
	static const struct {
		const char *text;
		size_t len; /* 0: strlen */
		int ret;
		const char *want, *msg;
	} cases[] = {
	    {TOKEN "\n", 0, 0, TOKEN, NULL},
	    {TOKEN "\r\n", 0, 0, TOKEN, NULL},
	    {TOKEN, 0, 0, TOKEN, NULL},
	    {TOKEN "\n\n", 0, 0, TOKEN, NULL},
	    {"a@pve!t=s", 0, 0, "a@pve!t=s", NULL},
	    {"", 0, -EINVAL, NULL, "empty"},
	    {"\n", 0, -EINVAL, NULL, "empty"},
	    {TOKEN " \n", 0, -EINVAL, NULL, "control characters or spaces"},
	    {"root@pam!proxmesh=" SECRET "\tx\n", 0, -EINVAL, NULL, "control characters"},
	    {"root@pam!proxmesh=" SECRET "\x1b[0m", 0, -EINVAL, NULL, "control characters"},
	    {"root@pam!proxmesh=" SECRET "\0tail", sizeof(TOKEN "\0tail") - 1, -EINVAL, NULL,
	     "control characters"},
	    {"root@pam\n!proxmesh=" SECRET, 0, -EINVAL, NULL, "control characters"},
	    {"PVEAPIToken root@pam!proxmesh=" SECRET, 0, -EINVAL, NULL, "spaces"},
	    {"root@pam!proxmesh:" SECRET, 0, -EINVAL, NULL, "USER@REALM!TOKENID=SECRET"},
	    {"root@pam=" SECRET, 0, -EINVAL, NULL, "USER@REALM!TOKENID=SECRET"},
	    {"rootpam!proxmesh=" SECRET, 0, -EINVAL, NULL, "USER@REALM!TOKENID=SECRET"},
	    {"root@pam!=" SECRET, 0, -EINVAL, NULL, "USER@REALM!TOKENID=SECRET"},
	    {"root@pam!proxmesh=", 0, -EINVAL, NULL, "USER@REALM!TOKENID=SECRET"},
	    {"!proxmesh=" SECRET, 0, -EINVAL, NULL, "USER@REALM!TOKENID=SECRET"},
	};
	_cleanup_free_ char *path = xasprintf("%s/token", tu_tmpdir);

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);
		char *tok = NULL, *err = NULL;
		int r;

		ck_assert_int_eq(write_file_atomic(path, cases[i].text, len, 0600), 0);
		r = pveapi_read_token(path, &tok, &err);
		ck_assert_msg(r == cases[i].ret, "case %zu: %d", i, r);
		if (r == 0) {
			ck_assert_str_eq(tok, cases[i].want);
			ck_assert_ptr_null(err);
		} else {
			ck_assert_ptr_null(tok);
			ck_assert_msg(strstr(err, cases[i].msg) != NULL, "case %zu: %s", i, err);
			ck_assert_msg(strstr(err, SECRET) == NULL, "case %zu: secret in message",
			              i);
			ck_assert(str_is_printable(err));
		}
		free(tok);
		free(err);
	}

	{
		_cleanup_free_ char *big = xmalloc(8192);
		char *tok = NULL, *err = NULL;
		memset(big, 'a', 8192);
		ck_assert_int_eq(write_file_atomic(path, big, 8192, 0600), 0);
		ck_assert_int_eq(pveapi_read_token(path, &tok, &err), -EFBIG);
		ck_assert_ptr_nonnull(strstr(err, "too large"));
		free(err);
		unlink(path);
		ck_assert_int_eq(pveapi_read_token(path, &tok, &err), -ENOENT);
		ck_assert_ptr_nonnull(strstr(err, "No such file"));
		free(err);
	}
	/* the helper checks the file as the configuration does */
	ck_assert_int_eq(write_file_atomic(path, TOKEN "\n", strlen(TOKEN) + 1, 0644), 0);
	{
		char *tok = NULL, *err = NULL;

		ck_assert_int_eq(pveapi_read_token(path, &tok, &err), -EPERM);
		ck_assert_ptr_nonnull(strstr(err, "is readable by group or others (mode 0644)"));
		ck_assert_ptr_null(tok);
		free(err);
		ck_assert_int_eq(chmod(path, 0600), 0);
		if (geteuid() == 0) {
			ck_assert_int_eq(chown(path, 65534, (gid_t)-1), 0);
			ck_assert_int_eq(pveapi_read_token(path, &tok, &err), -EPERM);
			ck_assert_msg(strstr(err, "is owned by uid 65534, not root"), "%s", err);
			ck_assert_ptr_null(tok);
			free(err);
		}
		unlink(path);
	}
}
END_TEST

/* ---- fingerprints and back-off ---- */

START_TEST(test_parse_fingerprint)
{
	static const struct {
		const char *s;
		int ret;
	} cases[] = {
	    {"00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:"
	     "BB:CC:DD:EE:FF",
	     0},
	    {"00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:"
	     "bb:cc:dd:ee:ff",
	     0},
	    {"", -EINVAL},
	    {"00:11", -EINVAL},
	    {"00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:"
	     "BB:CC:DD:EE:FF:",
	     -EINVAL},
	    {"00-11-22-33-44-55-66-77-88-99-AA-BB-CC-DD-EE-FF-00-11-22-33-44-55-66-77-88-99-AA-"
	     "BB-CC-DD-EE-FF",
	     -EINVAL},
	    {"0G:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:"
	     "BB:CC:DD:EE:FF",
	     -EINVAL},
	    {"00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF", -EINVAL},
	};
	uint8_t fp[32], want[32];

	for (size_t i = 0; i < 32; i++)
		want[i] = (uint8_t)((i % 16) * 0x11);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(fp, 0xa5, sizeof(fp));
		ck_assert_msg(pveapi_parse_fingerprint(cases[i].s, fp) == cases[i].ret, "case %zu",
		              i);
		if (cases[i].ret == 0)
			ck_assert_mem_eq(fp, want, 32);
		else
			ck_assert_uint_eq(fp[0], 0xa5);
	}
}
END_TEST

START_TEST(test_fingerprint_sha256)
{
	/* SHA-256("abc") */
	static const char *abc = "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:"
	                         "17:7A:9C:B4:10:FF:61:F2:00:15:AD";
	uint8_t want[32], got[32];

	ck_assert_int_eq(pveapi_parse_fingerprint(abc, want), 0);
	pveapi_fingerprint((const unsigned char *)"abc", 3, got);
	ck_assert_mem_eq(got, want, 32);
}
END_TEST

START_TEST(test_backoff)
{
	static const struct {
		unsigned poll, failures, want;
	} cases[] = {
	    {10, 0, 10},
	    {10, 1, 20},
	    {10, 2, 40},
	    {10, 4, 160},
	    {10, 5, 300},
	    {10, 50, 300},
	    {10, 4000000000u, 300},
	    {1, 3, 8},
	    {0, 0, 1},
	    {600, 0, 600},
	    {600, 3, 600},
	    {300, 1, 300},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		ck_assert_msg(pveapi_backoff(cases[i].poll, cases[i].failures) == cases[i].want,
		              "case %zu: %u", i, pveapi_backoff(cases[i].poll, cases[i].failures));
}
END_TEST

/* Rounds come every poll interval while membership can matter, every
 * healthy interval while the mesh is healthy and the API answered; the
 * helper is kept only for the frequent ones. */
START_TEST(test_next_round)
{
	/* ok: healthy or not */
	ck_assert_uint_eq(pveapi_next_round(10, 120, true, false, 0, true), 120);
	ck_assert_uint_eq(pveapi_next_round(10, 120, true, false, 0, false), 10);
	/* ok inside the grace: the same */
	ck_assert_uint_eq(pveapi_next_round(10, 120, true, true, 0, true), 120);
	/* failing: the back-off, healthy or not */
	ck_assert_uint_eq(pveapi_next_round(10, 120, false, false, 1, true), 20);
	ck_assert_uint_eq(pveapi_next_round(10, 120, false, false, 3, false), 80);
	/* failing inside the grace: every poll interval */
	ck_assert_uint_eq(pveapi_next_round(10, 120, false, true, 2, true), 10);
	/* a healthy interval no longer than the poll interval: as before */
	ck_assert_uint_eq(pveapi_next_round(10, 10, true, false, 0, true), 10);
	ck_assert_uint_eq(pveapi_next_round(10, 0, true, false, 0, true), 10);

	ck_assert(pveapi_keep_helper(10, 10));
	ck_assert(pveapi_keep_helper(10, 5));
	ck_assert(!pveapi_keep_helper(10, 20)); /* back-off */
	ck_assert(!pveapi_keep_helper(10, 120));
}
END_TEST

/* An API that is not up yet at start is information, a warning once the
 * grace is over; later failures warn at once, a state that stays is quiet. */
START_TEST(test_report)
{
	bool held = false;

	/* boot: unreachable inside the grace, twice, then still after it */
	ck_assert_int_eq(pveapi_report(API_DISABLED, API_UNREACHABLE, false, true, &held), LOG_INFO);
	ck_assert(held);
	ck_assert_int_eq(pveapi_report(API_UNREACHABLE, API_UNREACHABLE, false, true, &held), -1);
	ck_assert_int_eq(pveapi_report(API_UNREACHABLE, API_UNREACHABLE, false, false, &held),
	                 LOG_WARNING);
	ck_assert(!held);
	ck_assert_int_eq(pveapi_report(API_UNREACHABLE, API_UNREACHABLE, false, false, &held), -1);

	/* boot: up inside the grace, no warning ever */
	held = false;
	ck_assert_int_eq(pveapi_report(API_DISABLED, API_UNREACHABLE, false, true, &held), LOG_INFO);
	ck_assert_int_eq(pveapi_report(API_UNREACHABLE, API_OK, true, false, &held), LOG_INFO);
	ck_assert(!held);
	ck_assert_int_eq(pveapi_report(API_OK, API_OK, false, false, &held), -1);

	/* once up: down is a warning at once; another URL is news */
	ck_assert_int_eq(pveapi_report(API_OK, API_TLS_ERROR, false, false, &held), LOG_WARNING);
	ck_assert_int_eq(pveapi_report(API_TLS_ERROR, API_TLS_ERROR, false, false, &held), -1);
	ck_assert_int_eq(pveapi_report(API_TLS_ERROR, API_TLS_ERROR, true, false, &held),
	                 LOG_WARNING);
	ck_assert_int_eq(pveapi_report(API_TLS_ERROR, API_OK, true, false, &held), LOG_INFO);
	ck_assert_int_eq(pveapi_report(API_OK, API_OK, true, false, &held), LOG_INFO);
}
END_TEST

/* ---- rounds that end before any request ---- */

START_TEST(test_fetch_no_network)
{
	char *urls[] = {"http://127.0.0.1:8006", "ftp://x"};
	char *one[] = {"https://127.0.0.1:9"};
	struct api_conf off = {0};
	struct api_conf c = {
	    .enabled = true, .urls = urls, .n_urls = 2, .token_file = "/nonexistent/token"};
	struct api_result r;

	ck_assert_int_eq(pveapi_fetch_sync(&off, NULL, &r), 0);
	ck_assert_int_eq(r.state, API_DISABLED);
	ck_assert_ptr_null(r.error);
	api_result_free(&r);

	/* no token: nothing is tried */
	ck_assert_int_eq(pveapi_fetch_sync(&c, NULL, &r), 0);
	ck_assert_int_eq(r.state, API_UNAUTHORIZED);
	ck_assert_str_eq(r.error, "token file /nonexistent/token: No such file or directory");
	api_result_free(&r);

	c.token_file = NULL;
	c.urls = one;
	c.n_urls = 1;
	ck_assert_int_eq(pveapi_fetch_sync(&c, NULL, &r), 0);
	ck_assert_int_eq(r.state, API_UNAUTHORIZED);
	api_result_free(&r);

	c.n_urls = 0;
	ck_assert_int_eq(pveapi_fetch_sync(&c, NULL, &r), 0);
	ck_assert_int_eq(r.state, API_UNREACHABLE);
	api_result_free(&r);
}
END_TEST

START_TEST(test_fetch_not_https)
{
	_cleanup_free_ char *tok = xasprintf("%s/token", tu_tmpdir);
	char *urls[] = {"http://127.0.0.1:8006", "HTTPS:/x"};
	struct api_conf c = {.enabled = true, .urls = urls, .n_urls = 2, .token_file = tok};
	struct api_result r;

	ck_assert_int_eq(write_file_atomic(tok, TOKEN "\n", strlen(TOKEN) + 1, 0600), 0);
	ck_assert_int_eq(pveapi_fetch_sync(&c, NULL, &r), 0);
	ck_assert_int_eq(r.state, API_TLS_ERROR);
	ck_assert_str_eq(r.url, "http://127.0.0.1:8006");
	ck_assert_str_eq(r.error,
	                 "http://127.0.0.1:8006: not an https URL; HTTPS:/x: not an https URL");
	api_result_free(&r);
}
END_TEST

/* ---- real HTTPS ---- */

static int https = 0; /* 1: server up, 0: no namespace (skip), -1: broken */
static pid_t server_pid = -1;
static char workdir[64];
static uint8_t fp_self[32], fp_self2[32], fp_server[32], fp_ca[32];

/* Short timeouts where a server stalls on purpose, generous ones elsewhere
 * (valgrind makes a TLS handshake slow). */
static const struct pveapi_opts fast = {.connect_timeout_ms = 1000, .timeout_ms = 1500};
static const struct pveapi_opts patient = {.connect_timeout_ms = 20000, .timeout_ms = 30000};

/* The HTTPS tests are registered only when a namespace was had (else the
 * program exits 77, a skip); then the server must be up. */
static bool
https_ready(void)
{
	ck_assert_msg(https > 0, "the test HTTPS server did not start");
	return true;
}

static int
cert_fingerprint(const char *name, uint8_t out[32])
{
	_cleanup_free_ char *path = xasprintf("%s/%s", workdir, name);
	FILE *f = fopen(path, "r");
	X509 *x;
	unsigned char *der = NULL;
	int len;

	if (f == NULL)
		return -errno;
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (x == NULL)
		return -EBADMSG;
	len = i2d_X509(x, &der);
	X509_free(x);
	if (len <= 0)
		return -EBADMSG;
	pveapi_fingerprint(der, (size_t)len, out);
	OPENSSL_free(der);
	return 0;
}

static bool
logged(const char *needle)
{
	_cleanup_free_ char *path = xasprintf("%s/requests.log", workdir);
	_cleanup_free_ char *text = NULL;

	if (read_file(path, 1 << 20, &text, NULL) < 0)
		return false;
	return strstr(text, needle) != NULL;
}

enum ca_kind { CA_SYSTEM, CA_GOOD, CA_OTHER, CA_MISSING };
/* Pins, any combination: two self-signed node certificates (8007, 8010), the
 * CA-signed server's leaf, its CA, and one that matches nothing. */
enum {
	PIN_NONE = 0,
	PIN_SELF = 1 << 0,
	PIN_SELF2 = 1 << 1,
	PIN_SERVER = 1 << 2,
	PIN_CA = 1 << 3,
	PIN_WRONG = 1 << 4,
	PIN_KINDS = 5,
};

#define S6 "https://127.0.0.1:8006"
#define OKURL S6 "/file/ok-reference.json"
#define S7 "https://127.0.0.1:8007"
#define S10 "https://127.0.0.1:8010"

static const struct https_case {
	const char *name;
	const char *urls[3];
	enum ca_kind ca;
	unsigned pin; /* PIN_* */
	bool bad_token;
	enum api_state want;
	int want_url;
	long want_http;
	const char *want_err; /* substring */
	long members;
	const char *never_sent; /* a path the server must not have seen */
} https_cases[] = {
    {"ca", {OKURL}, CA_GOOD, PIN_NONE, false, API_OK, 0, 200, NULL, 2, NULL},
    {"ca-localhost",
     {"https://localhost:8006/file/ok-strings.json"},
     CA_GOOD,
     PIN_NONE,
     false,
     API_OK,
     0,
     200,
     NULL,
     2,
     NULL},
    {"ca-standalone",
     {S6 "/file/ok-standalone.json/"},
     CA_GOOD,
     PIN_NONE,
     false,
     API_OK,
     0,
     200,
     NULL,
     1,
     NULL},
    {"wrong-ca",
     {S6 "/marker-wrong-ca"},
     CA_OTHER,
     PIN_NONE,
     false,
     API_TLS_ERROR,
     0,
     0,
     "TLS: ",
     -1,
     "marker-wrong-ca"},
    {"system-ca",
     {S6 "/marker-system-ca"},
     CA_SYSTEM,
     PIN_NONE,
     false,
     API_TLS_ERROR,
     0,
     0,
     "TLS: ",
     -1,
     "marker-system-ca"},
    {"missing-ca",
     {S6 "/marker-missing-ca"},
     CA_MISSING,
     PIN_NONE,
     false,
     API_TLS_ERROR,
     0,
     0,
     "TLS: ",
     -1,
     "marker-missing-ca"},
    {"ca-vs-self-signed",
     {"https://127.0.0.1:8007/marker-ca-self"},
     CA_GOOD,
     PIN_NONE,
     false,
     API_TLS_ERROR,
     0,
     0,
     "TLS: ",
     -1,
     "marker-ca-self"},
    {"pin-self",
     {"https://127.0.0.1:8007/file/ok-all-online.json"},
     CA_SYSTEM,
     PIN_SELF,
     false,
     API_OK,
     0,
     200,
     NULL,
     2,
     NULL},
    {"pin-server-leaf", {OKURL}, CA_OTHER, PIN_SERVER, false, API_OK, 0, 200, NULL, 2, NULL},
    {"pin-wrong",
     {"https://127.0.0.1:8007/marker-pin-wrong"},
     CA_SYSTEM,
     PIN_WRONG,
     false,
     API_TLS_ERROR,
     0,
     0,
     "matches no fingerprint",
     -1,
     "marker-pin-wrong"},
    {"pin-other-server",
     {S6 "/marker-pin-other"},
     CA_GOOD,
     PIN_SELF,
     false,
     API_TLS_ERROR,
     0,
     0,
     "matches no fingerprint",
     -1,
     "marker-pin-other"},
    {"pin-ca-not-leaf",
     {S6 "/marker-pin-ca"},
     CA_GOOD,
     PIN_CA,
     false,
     API_TLS_ERROR,
     0,
     0,
     "matches no fingerprint",
     -1,
     "marker-pin-ca"},
    {"wrong-token",
     {OKURL},
     CA_GOOD,
     PIN_NONE,
     true,
     API_UNAUTHORIZED,
     0,
     401,
     "HTTP 401 No ticket",
     -1,
     NULL},
    {"401",
     {S6 "/status/401"},
     CA_GOOD,
     PIN_NONE,
     false,
     API_UNAUTHORIZED,
     0,
     401,
     "HTTP 401 No ticket",
     -1,
     NULL},
    {"403",
     {S6 "/status/403"},
     CA_GOOD,
     PIN_NONE,
     false,
     API_UNAUTHORIZED,
     0,
     403,
     "HTTP 403 Permission check failed",
     -1,
     NULL},
    {"500",
     {S6 "/status/500"},
     CA_GOOD,
     PIN_NONE,
     false,
     API_BAD_ANSWER,
     0,
     500,
     "HTTP 500 Internal Server Error",
     -1,
     NULL},
    {"595",
     {S6 "/status/595"},
     CA_GOOD,
     PIN_NONE,
     false,
     API_UNREACHABLE,
     0,
     595,
     "HTTP 595 No route to host",
     -1,
     NULL},
    {"truncated",
     {S6 "/file/bad-truncated.json"},
     CA_GOOD,
     PIN_NONE,
     false,
     API_BAD_ANSWER,
     0,
     200,
     "invalid JSON",
     -1,
     NULL},
    {"html",
     {S6 "/file/bad-html.json"},
     CA_GOOD,
     PIN_NONE,
     false,
     API_BAD_ANSWER,
     0,
     200,
     "invalid JSON",
     -1,
     NULL},
    {"stall",
     {S6 "/stall"},
     CA_GOOD,
     PIN_NONE,
     false,
     API_UNREACHABLE,
     0,
     0,
     "no answer in time",
     -1,
     NULL},
    {"stalled-handshake",
     {"https://127.0.0.1:8008"},
     CA_GOOD,
     PIN_NONE,
     false,
     API_UNREACHABLE,
     0,
     0,
     "no answer in time",
     -1,
     NULL},
    {"refused",
     {"https://127.0.0.1:8009"},
     CA_GOOD,
     PIN_NONE,
     false,
     API_UNREACHABLE,
     0,
     0,
     "https://127.0.0.1:8009: ",
     -1,
     NULL},
    {"huge",
     {S6 "/huge"},
     CA_GOOD,
     PIN_NONE,
     false,
     API_BAD_ANSWER,
     0,
     200,
     "answer larger than",
     -1,
     NULL},
    {"huge-chunked",
     {S6 "/huge-chunked"},
     CA_GOOD,
     PIN_NONE,
     false,
     API_BAD_ANSWER,
     0,
     200,
     "answer larger than",
     -1,
     NULL},
    {"failover",
     {"https://127.0.0.1:8009", S6 "/status/500", OKURL},
     CA_GOOD,
     PIN_NONE,
     false,
     API_OK,
     2,
     200,
     NULL,
     2,
     NULL},
    {"all-fail",
     {"https://127.0.0.1:8009", S6 "/status/500"},
     CA_GOOD,
     PIN_NONE,
     false,
     API_BAD_ANSWER,
     1,
     500,
     "https://127.0.0.1:8009: Failed to connect",
     -1,
     NULL},
    {"all-fail-tls-first",
     {S6 "/status/401", "https://127.0.0.1:8007/marker-all-fail"},
     CA_GOOD,
     PIN_NONE,
     false,
     API_TLS_ERROR,
     1,
     0,
     S6 "/status/401: HTTP 401 No ticket",
     -1,
     "marker-all-fail"},
    /* one pin per node: either node's certificate is accepted */
    {"two-pins-node-1",
     {S7 "/file/ok-all-online.json"},
     CA_SYSTEM,
     PIN_SELF | PIN_SELF2,
     false,
     API_OK,
     0,
     200,
     NULL,
     2,
     NULL},
    {"two-pins-node-2",
     {S10 "/file/ok-reference.json"},
     CA_SYSTEM,
     PIN_SELF2 | PIN_SELF,
     false,
     API_OK,
     0,
     200,
     NULL,
     2,
     NULL},
    /* node 2 renewed its certificate, only node 1's pin is known: node 2
     * fails by name, before any request, and the next URL is tried */
    {"renewed-node-fails",
     {S10 "/marker-renewed-1"},
     CA_SYSTEM,
     PIN_SELF,
     false,
     API_TLS_ERROR,
     0,
     0,
     S10 "/marker-renewed-1: server certificate ",
     -1,
     "marker-renewed-1"},
    {"renewed-node-failover",
     {S10 "/marker-renewed-2", S7 "/file/ok-all-online.json"},
     CA_SYSTEM,
     PIN_SELF,
     false,
     API_OK,
     1,
     200,
     NULL,
     2,
     "marker-renewed-2"},
    {"pins-match-no-node",
     {S7 "/marker-no-node-1", S10 "/marker-no-node-2", OKURL},
     CA_SYSTEM,
     PIN_WRONG | PIN_CA,
     false,
     API_TLS_ERROR,
     0,
     0,
     S10 "/marker-no-node-2: server certificate ",
     -1,
     "marker-no-node"},
};

/* What an https_case's api_conf points to. */
struct https_setup {
	char *urls[3];
	uint8_t pins[PIN_KINDS][32];
	char *tok, *ca;
};

static void
https_setup_done(struct https_setup *h)
{
	free(h->tok);
	free(h->ca);
}

static void
https_conf(const struct https_case *c, struct api_conf *conf, struct https_setup *h)
{
	const uint8_t *fps[PIN_KINDS] = {fp_self, fp_self2, fp_server, fp_ca, fp_self};
	char **urls = h->urls, **tok = &h->tok, **ca = &h->ca;
	size_t n = 0;

	while (n < 3 && c->urls[n])
		urls[n] = (char *)c->urls[n], n++;
	*tok = xasprintf("%s/%s", workdir, c->bad_token ? "wrong-token" : "token");
	*ca = NULL;
	if (c->ca != CA_SYSTEM)
		*ca = xasprintf("%s/%s", workdir,
		                c->ca == CA_GOOD    ? "ca.pem"
		                : c->ca == CA_OTHER ? "other-ca.pem"
		                                    : "missing.pem");
	*conf = (struct api_conf){.enabled = true,
	                          .urls = urls,
	                          .n_urls = n,
	                          .token_file = *tok,
	                          .ca_file = *ca,
	                          .fingerprints = h->pins};
	for (unsigned k = 0; k < PIN_KINDS; k++) {
		if (!(c->pin & 1u << k))
			continue;
		memcpy(h->pins[conf->n_fingerprints], fps[k], 32);
		if (1u << k == PIN_WRONG)
			h->pins[conf->n_fingerprints][31] ^= 1;
		conf->n_fingerprints++;
	}
}

static const struct pveapi_opts *
case_opts(const struct https_case *c)
{
	for (size_t i = 0; i < 3 && c->urls[i]; i++)
		if (strstr(c->urls[i], "/stall") || strstr(c->urls[i], ":8008"))
			return &fast;
	return &patient;
}

static void
check_result(const struct https_case *c, const struct api_result *r)
{
	ck_assert_msg(r->state == c->want, "%s: %s (%s), want %s", c->name, api_state_str(r->state),
	              r->error ? r->error : "", api_state_str(c->want));
	ck_assert_msg(r->http_status == c->want_http, "%s: HTTP %ld", c->name, r->http_status);
	ck_assert_str_eq(r->url, c->urls[c->want_url]);
	if (c->want == API_OK) {
		ck_assert_ptr_null(r->error);
		ck_assert_int_eq((long)r->membership.n, c->members);
		ck_assert_int_gt(r->membership.last_ok_ms, 1700000000000LL);
	} else {
		ck_assert_ptr_nonnull(r->error);
		ck_assert_ptr_null(r->membership.members);
		ck_assert(str_is_printable(r->error));
	}
	if (c->want_err)
		ck_assert_msg(strstr(r->error, c->want_err) != NULL, "%s: %s", c->name, r->error);
	if (r->error)
		ck_assert_msg(strstr(r->error, SECRET) == NULL, "%s: secret in message", c->name);
	if (c->never_sent)
		ck_assert_msg(!logged(c->never_sent), "%s: request sent", c->name);
}

START_TEST(test_https_sync)
{
	const struct https_case *c = &https_cases[_i];
	struct https_setup h = {0};
	struct api_conf conf;
	struct api_result r;

	if (!https_ready())
		return;
	https_conf(c, &conf, &h);
	ck_assert_int_eq(pveapi_fetch_sync(&conf, case_opts(c), &r), 0);
	check_result(c, &r);
	api_result_free(&r);
	https_setup_done(&h);
}
END_TEST

START_TEST(test_fingerprint_matches_openssl)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	uint8_t fp[32];

	if (!https_ready())
		return;
	path = xasprintf("%s/self.fp", workdir);
	ck_assert_int_eq(read_file(path, 4096, &text, NULL), 0);
	text[strcspn(text, "\n")] = '\0';
	ck_assert_int_eq(pveapi_parse_fingerprint(text, fp), 0);
	ck_assert_mem_eq(fp, fp_self, 32);
}
END_TEST

/* A node whose certificate no pin matches is named with the certificate's
 * SHA-256, in the form pvenode cert info prints, to compare with the pins. */
START_TEST(test_pin_mismatch_names_certificate)
{
	static const struct https_case c = {
	    "renewed", {S10 "/marker-renewed-3"}, CA_SYSTEM, PIN_SELF};
	struct https_setup h = {0};
	struct api_conf conf;
	struct api_result r;
	char fp[96];
	_cleanup_free_ char *want = NULL;

	if (!https_ready())
		return;
	https_conf(&c, &conf, &h);
	ck_assert_int_eq(pveapi_fetch_sync(&conf, &patient, &r), 0);
	want = xasprintf(S10 "/marker-renewed-3: server certificate %s matches no fingerprint",
	                 fingerprint_str(fp_self2, fp));
	ck_assert_int_eq(r.state, API_TLS_ERROR);
	ck_assert_str_eq(r.error, want);
	api_result_free(&r);
	https_setup_done(&h);
}
END_TEST

/* ---- the asynchronous client on sd-event ---- */

struct async_ctx {
	sd_event *event;
	struct apiclient *api;
	const struct api_conf *conf;
	int calls, restarts, ticks;
	struct api_result r;
};

static void
on_done(void *userdata, const struct api_result *r)
{
	struct async_ctx *x = userdata;

	x->calls++;
	api_result_free(&x->r);
	x->r.state = r->state;
	x->r.http_status = r->http_status;
	x->r.url = r->url ? xstrdup(r->url) : NULL;
	x->r.error = r->error ? xstrdup(r->error) : NULL;
	if (r->state == API_OK)
		membership_copy(&x->r.membership, &r->membership);
	if (x->restarts > 0) {
		x->restarts--;
		ck_assert_int_eq(apiclient_start(x->api, x->conf, &fast, on_done, x), 0);
	}
}

/* How much slower the API client is: 10 under valgrind (helper_command). */
static int helper_slowdown = 1;

/* Run the loop until the callback was called calls times, at most max_ms. */
static void
run_until(struct async_ctx *x, int calls, long long max_ms)
{
	long long end = now_mono_ms() + max_ms * helper_slowdown;

	while (x->calls < calls && now_mono_ms() < end)
		ck_assert_int_ge(sd_event_run(x->event, 100 * 1000), 0);
}

static int
on_tick(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct async_ctx *x = userdata;

	x->ticks++;
	sd_event_source_set_time_relative(s, 50 * 1000);
	return sd_event_source_set_enabled(s, SD_EVENT_ON);
}

/* The daemon's case: failover past a stalled server while the loop keeps
 * running, then a second round started from the callback. */
START_TEST(test_async_failover)
{
	static const struct https_case c = {"async", {"https://127.0.0.1:8009", S6 "/stall", OKURL},
	                                    CA_GOOD, PIN_NONE,
	                                    false,   API_OK,
	                                    2,       200,
	                                    NULL,    2,
	                                    NULL};
	struct https_setup h = {0};
	struct api_conf conf;
	struct async_ctx x = {0};
	sd_event_source *tick = NULL;

	if (!https_ready())
		return;
	https_conf(&c, &conf, &h);
	ck_assert_int_ge(sd_event_new(&x.event), 0);
	ck_assert_int_eq(apiclient_new(x.event, &x.api), 0);
	ck_assert_int_ge(
	    sd_event_add_time_relative(x.event, &tick, CLOCK_MONOTONIC, 50 * 1000, 1, on_tick, &x),
	    0);
	x.conf = &conf;
	x.restarts = 1;
	ck_assert(!apiclient_busy(x.api));
	ck_assert_int_eq(apiclient_start(x.api, &conf, &fast, on_done, &x), 0);
	ck_assert(apiclient_busy(x.api));
	ck_assert_int_eq(apiclient_start(x.api, &conf, &fast, on_done, &x), -EBUSY);
	ck_assert_int_eq(x.calls, 0);
	run_until(&x, 2, 60000);
	ck_assert_int_eq(x.calls, 2);
	check_result(&c, &x.r);
	/* two stalls of 1.5 s each: the loop ran all along */
	ck_assert_int_ge(x.ticks, 30);
	ck_assert(!apiclient_busy(x.api));
	api_result_free(&x.r);
	sd_event_source_unref(tick);
	apiclient_free(x.api);
	sd_event_unref(x.event);
	https_setup_done(&h);
}
END_TEST

START_TEST(test_async_each_case)
{
	const struct https_case *c = &https_cases[_i];
	struct https_setup h = {0};
	struct api_conf conf;
	struct async_ctx x = {0};

	if (!https_ready())
		return;
	https_conf(c, &conf, &h);
	ck_assert_int_ge(sd_event_new(&x.event), 0);
	ck_assert_int_eq(apiclient_new(x.event, &x.api), 0);
	ck_assert_int_eq(apiclient_start(x.api, &conf, case_opts(c), on_done, &x), 0);
	run_until(&x, 1, 60000);
	ck_assert_int_eq(x.calls, 1);
	check_result(c, &x.r);
	api_result_free(&x.r);
	apiclient_free(x.api);
	sd_event_unref(x.event);
	https_setup_done(&h);
}
END_TEST

/* A round that fails before any request ends through the loop, not inside
 * pveapi_start; a cancelled round never calls back; free cancels. */
START_TEST(test_async_defer_cancel)
{
	char *urls[] = {S6 "/stall"};
	struct api_conf conf = {
	    .enabled = true, .urls = urls, .n_urls = 1, .token_file = "/nonexistent/token"};
	struct api_conf off = {0};
	struct async_ctx x = {0};
	_cleanup_free_ char *tok = NULL, *ca = NULL;

	ck_assert_int_ge(sd_event_new(&x.event), 0);
	ck_assert_int_eq(apiclient_new(x.event, &x.api), 0);
	ck_assert_int_eq(apiclient_start(x.api, &off, NULL, on_done, &x), -EINVAL);
	ck_assert_int_eq(apiclient_start(x.api, &conf, NULL, on_done, &x), 0);
	ck_assert_int_eq(x.calls, 0);
	run_until(&x, 1, 5000);
	ck_assert_int_eq(x.calls, 1);
	ck_assert_int_eq(x.r.state, API_UNAUTHORIZED);

	/* cancel a pending deferred end */
	ck_assert_int_eq(apiclient_start(x.api, &conf, NULL, on_done, &x), 0);
	apiclient_cancel(x.api);
	ck_assert(!apiclient_busy(x.api));

	if (https > 0) {
		tok = xasprintf("%s/token", workdir);
		ca = xasprintf("%s/ca.pem", workdir);
		conf.token_file = tok;
		conf.ca_file = ca;
		/* cancel a request in flight: patient, so the stall outlasts
		 * the wait however fast or slow (valgrind) the helper starts */
		ck_assert_int_eq(apiclient_start(x.api, &conf, &patient, on_done, &x), 0);
		run_until(&x, 2, 300);
		ck_assert(apiclient_busy(x.api));
		apiclient_cancel(x.api);
		ck_assert(!apiclient_busy(x.api));
		/* and free one in flight */
		ck_assert_int_eq(apiclient_start(x.api, &conf, &patient, on_done, &x), 0);
		run_until(&x, 2, 100);
	}
	ck_assert_int_eq(x.calls, 1);
	api_result_free(&x.r);
	apiclient_free(x.api);
	sd_event_unref(x.event);
}
END_TEST

/* The helper serves round after round; another configuration, or a helper
 * that died while idle, gets a new one; free leaves no process behind. */
START_TEST(test_async_helper_lives)
{
	char *urls[] = {S6 "/stall"};
	struct api_conf conf = {
	    .enabled = true, .urls = urls, .n_urls = 1, .token_file = "/nonexistent/token"};
	struct async_ctx x = {0};
	pid_t first, pid;

	ck_assert_int_ge(sd_event_new(&x.event), 0);
	ck_assert_int_eq(apiclient_new(x.event, &x.api), 0);
	ck_assert_int_eq(apiclient_pid(x.api), -1);
	for (int i = 1; i <= 3; i++) {
		ck_assert_int_eq(apiclient_start(x.api, &conf, NULL, on_done, &x), 0);
		run_until(&x, i, 5000);
		ck_assert_int_eq(x.calls, i);
		ck_assert_msg(x.r.state == API_UNAUTHORIZED, "round %d: %s: %s", i,
		              api_state_str(x.r.state), x.r.error ? x.r.error : "(no error)");
		if (i == 1)
			first = apiclient_pid(x.api);
		ck_assert_int_gt(apiclient_pid(x.api), 0);
		ck_assert_int_eq(apiclient_pid(x.api), first);
	}
	ck_assert_int_eq(kill(first, 0), 0);

	/* another token file: another helper, the first one reaped */
	conf.token_file = "/nonexistent/other";
	ck_assert_int_eq(apiclient_start(x.api, &conf, NULL, on_done, &x), 0);
	run_until(&x, 4, 5000);
	ck_assert_int_eq(x.calls, 4);
	ck_assert_ptr_nonnull(strstr(x.r.error, "/nonexistent/other"));
	pid = apiclient_pid(x.api);
	ck_assert_int_ne(pid, first);
	ck_assert_int_eq(kill(first, 0), -1);

	/* killed while idle: seen (reaped), and the next round gets a new one */
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	for (int i = 0; i < 50 && apiclient_pid(x.api) == pid; i++)
		ck_assert_int_ge(sd_event_run(x.event, 100 * 1000), 0);
	ck_assert_int_eq(apiclient_pid(x.api), -1);
	ck_assert_int_eq(x.calls, 4);
	ck_assert_int_eq(apiclient_start(x.api, &conf, NULL, on_done, &x), 0);
	run_until(&x, 5, 5000);
	ck_assert_int_eq(x.calls, 5);
	ck_assert_int_eq(x.r.state, API_UNAUTHORIZED);
	pid = apiclient_pid(x.api);
	ck_assert_int_gt(pid, 0);

	apiclient_free(x.api);
	ck_assert_int_eq(kill(pid, 0), -1);
	api_result_free(&x.r);
	sd_event_unref(x.event);
}
END_TEST

/* ---- the namespace and the server ---- */

static int
write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

/* A network namespace of our own with only lo up: nothing leaves the test. */
static bool
enter_netns(void)
{
	struct ifreq ifr = {0};
	int fd;
	bool ok;

	if (unshare(CLONE_NEWNET) < 0) {
		char map[64];
		uid_t uid = getuid();
		gid_t gid = getgid();
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
			return false;
		write_str("/proc/self/setgroups", "deny");
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
		write_str("/proc/self/uid_map", map);
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
		write_str("/proc/self/gid_map", map);
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	ok = ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
	ifr.ifr_flags |= IFF_UP;
	ok = ok && ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
	close(fd);
	return ok;
}

static int
start_server(void)
{
	_cleanup_free_ char *ready = NULL, *tok = NULL, *wrong = NULL;
	char *argv[] = {"python3", DATA_DIR "tlsserver.py", workdir, DATA_DIR, TOKEN, NULL};

	snprintf(workdir, sizeof(workdir), "/tmp/check-pveapi-srv-XXXXXX");
	if (mkdtemp(workdir) == NULL)
		return -1;
	tok = xasprintf("%s/token", workdir);
	wrong = xasprintf("%s/wrong-token", workdir);
	if (write_file_atomic(tok, TOKEN "\n", strlen(TOKEN) + 1, 0600) < 0 ||
	    write_file_atomic(wrong, "root@pam!proxmesh=wrong\n", 24, 0600) < 0)
		return -1;
	if (posix_spawnp(&server_pid, "python3", NULL, NULL, argv, environ) != 0) {
		server_pid = -1;
		return -1;
	}
	ready = xasprintf("%s/ready", workdir);
	for (int i = 0; i < 300 && access(ready, F_OK) < 0; i++) {
		if (waitpid(server_pid, NULL, WNOHANG) == server_pid) {
			server_pid = -1;
			return -1;
		}
		usleep(50 * 1000);
	}
	if (access(ready, F_OK) < 0)
		return -1;
	if (cert_fingerprint("self.pem", fp_self) < 0 ||
	    cert_fingerprint("self2.pem", fp_self2) < 0 ||
	    cert_fingerprint("server.pem", fp_server) < 0 || cert_fingerprint("ca.pem", fp_ca) < 0)
		return -1;
	return 1;
}

static void
stop_server(void)
{
	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		waitpid(server_pid, NULL, 0);
	}
	tu_remove_dir(workdir);
}

static Suite *
pveapi_suite(void)
{
	Suite *s = suite_create("pveapi");
	TCase *tc = tcase_create("pure");
	TCase *tf = tcase_create("files");
	TCase *ta = tcase_create("async");
	TCase *th = tcase_create("https");

	tcase_add_test(tc, test_recorded_answers);
	tcase_add_test(tc, test_recorded_complete);
	tcase_add_test(tc, test_classify_transport);
	tcase_add_test(tc, test_classify_raw);
	tcase_add_test(tc, test_parse_fingerprint);
	tcase_add_test(tc, test_fingerprint_sha256);
	tcase_add_test(tc, test_backoff);
	tcase_add_test(tc, test_next_round);
	tcase_add_test(tc, test_report);
	tcase_add_test(tc, test_fetch_no_network);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(tf, tu_tmpdir_setup, tu_tmpdir_teardown);
	tcase_add_test(tf, test_token);
	tcase_add_test(tf, test_fetch_not_https);
	suite_add_tcase(s, tf);

	tcase_set_timeout(ta, 60);
	tcase_add_test(ta, test_async_defer_cancel);
	tcase_add_test(ta, test_async_helper_lives);
	suite_add_tcase(s, ta);

	if (https == 0)
		return s; /* no namespace: main reports a skip */
	tcase_set_timeout(th, 60);
	tcase_add_loop_test(th, test_https_sync, 0, ARRAY_SIZE(https_cases));
	tcase_add_test(th, test_fingerprint_matches_openssl);
	tcase_add_test(th, test_pin_mismatch_names_certificate);
	tcase_add_test(th, test_async_failover);
	tcase_add_loop_test(th, test_async_each_case, 0, ARRAY_SIZE(https_cases));
	suite_add_tcase(s, th);
	return s;
}

/* With PROXMESH_TEST_HELPER_VALGRIND (a valgrind command line; meson's
 * valgrind setup sets it), the API client runs under it, each run logging
 * its findings to a file of its own in helper_dir. */
static char helper_dir[] = "/tmp/check_pveapi.XXXXXX";
static bool helper_valgrind;

static const char *
helper_command(void)
{
	const char *vg = getenv("PROXMESH_TEST_HELPER_VALGRIND");
	static char path[sizeof(helper_dir) + 16];
	FILE *f;

	if (vg == NULL || *vg == '\0')
		return API_CLIENT_BIN;
	if (mkdtemp(helper_dir) == NULL)
		abort();
	helper_valgrind = true;
	snprintf(path, sizeof(path), "%s/helper", helper_dir);
	f = fopen(path, "w");
	if (f == NULL)
		abort();
	fprintf(f, "#!/bin/sh\nexec %s --log-file=%s/valgrind.%%p.log %s \"$@\"\n", vg, helper_dir,
	        API_CLIENT_BIN);
	fclose(f);
	chmod(path, 0755);
	/* its start under valgrind takes seconds on a loaded machine */
	setenv("PROXMESH_API_CLIENT_SLACK_MS", "60000", 1);
	helper_slowdown = 10;
	return path;
}

/* How many runs of the API client valgrind found errors or leaks in (each
 * log printed); helper_dir is removed. */
static int
helper_findings(void)
{
	struct dirent **ents;
	int n, found = 0;

	if (!helper_valgrind)
		return 0;
	n = scandir(helper_dir, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		_cleanup_free_ char *path = xasprintf("%s/%s", helper_dir, ents[i]->d_name);
		_cleanup_free_ char *text = NULL;
		size_t len = 0;

		if (ents[i]->d_name[0] != '.' && read_file(path, 1 << 20, &text, &len) == 0 &&
		    len > 0 && strcmp(ents[i]->d_name, "helper") != 0) {
			fprintf(stderr, "API client under valgrind (%s):\n%s", path, text);
			found++;
		}
		if (ents[i]->d_name[0] != '.')
			unlink(path);
		free(ents[i]);
	}
	free(n >= 0 ? ents : NULL);
	rmdir(helper_dir);
	return found;
}

int
main(void)
{
	int r;

	/* The asynchronous tests run the API client the daemon runs. */
	setenv("PROXMESH_API_CLIENT", helper_command(), 1);
	if (enter_netns())
		https = start_server() > 0 ? 1 : -1;
	r = tu_run(pveapi_suite());
	stop_server();
	if (helper_findings() > 0)
		r = EXIT_FAILURE;
	if (r == EXIT_SUCCESS && https == 0) {
		/* meson (and automake) count exit status 77 as a skip */
		fprintf(stderr, "check_pveapi: SKIP: no network namespace (needs root or "
		                "unprivileged user namespaces), HTTPS tests not run\n");
		return 77;
	}
	return r;
}
