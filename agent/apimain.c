/* apimain.c - proxmesh-api: one round of Proxmox API requests (GET
 * /cluster/status, TLS verified, see pveapi.h), printed on stdout as one
 * line of JSON for the agent (apiclient.h). It is the only program of the
 * package that links libcurl.
 *
 *   proxmesh-api [--serve] --token-file F [--ca-file F] [--fingerprint AA:..:FF]...
 *                [--connect-timeout-ms N] [--timeout-ms N] [--path=/api2/json/P] -- URL...
 *
 * --path asks another GET than /cluster/status (`proxmesh doctor`:
 * /access/permissions, what the token may do) and prints {"state", "url",
 * "error", "data"}, data being the answer's.
 *
 * --serve runs a round for every line read on stdin, answering each with
 * its line on stdout, until stdin ends (the agent keeps one helper so while
 * rounds come every poll interval, see apiclient.h).
 *
 * --fingerprint may be repeated (one pin per node certificate); a server
 * matching any of them is trusted.
 *
 * Exit status 0 when the round ran, whatever its outcome; 1 on bad usage. */
#include <getopt.h>
#include <jansson.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apiresult.h"
#include "config.h"
#include "log.h"
#include "pveapi.h"
#include "util.h"

/* --path: the round's outcome and the answer's "data" (owned). */
static char *
answer_dump(const struct api_result *r)
{
	json_t *body = r->body ? json_loads(r->body, 0, NULL) : NULL;
	json_t *data = body ? json_object_get(body, "data") : NULL;
	json_t *doc = json_pack("{s:s, s:o, s:o, s:O}", "state", api_state_str(r->state), "url",
	                        r->url ? json_string(r->url) : json_null(), "error",
	                        r->error ? json_string(r->error) : json_null(), "data",
	                        data ? data : json_null());
	char *s = json_dumps(doc, JSON_COMPACT), *line;

	json_decref(doc);
	json_decref(body);
	if (s == NULL)
		abort();
	line = xasprintf("%s\n", s);
	free(s);
	return line;
}

static int
usage(const char *why)
{
	fprintf(stderr,
	        "proxmesh-api: %s\n"
	        "usage: proxmesh-api --token-file F [--ca-file F] [--fingerprint AA:..:FF]..."
	        " -- URL...\n",
	        why);
	return 1;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"token-file", required_argument, NULL, 't'},
	    {"ca-file", required_argument, NULL, 'c'},
	    {"fingerprint", required_argument, NULL, 'f'},
	    {"connect-timeout-ms", required_argument, NULL, 'C'},
	    {"timeout-ms", required_argument, NULL, 'T'},
	    {"path", required_argument, NULL, 'p'},
	    {"serve", no_argument, NULL, 's'},
	    {0},
	};
	struct api_conf conf = {.enabled = true};
	struct pveapi_opts po = {0};
	struct api_result r = {0};
	unsigned long ms;
	bool serve = false;
	_cleanup_free_ char *line = NULL, *req = NULL;
	size_t cap = 0;
	_cleanup_free_ uint8_t(*pins)[32] = NULL;
	int o;

	log_init(LOG_TO_STDERR, false);
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 't':
			conf.token_file = optarg;
			break;
		case 'c':
			conf.ca_file = optarg;
			break;
		case 'f':
			if (conf.n_fingerprints == CONFIG_API_MAX_PINS)
				return usage("--fingerprint: too many");
			pins = xreallocarray(pins, conf.n_fingerprints + 1, 32);
			if (pveapi_parse_fingerprint(optarg, pins[conf.n_fingerprints]) < 0)
				return usage("--fingerprint: not 32 hex pairs separated by colons");
			conf.fingerprints = pins;
			conf.n_fingerprints++;
			break;
		case 'p':
			if (strncmp(optarg, "/api2/json/", 11) != 0 || !str_is_printable(optarg))
				return usage("--path: an API path, /api2/json/...");
			po.path = optarg;
			break;
		case 's':
			serve = true;
			break;
		case 'C':
		case 'T':
			if (parse_uint(optarg, 1, 600000, &ms) < 0)
				return usage("a timeout is 1 to 600000 ms");
			*(o == 'C' ? &po.connect_timeout_ms : &po.timeout_ms) = (long)ms;
			break;
		default:
			return usage("unknown option");
		}
	}
	if (conf.token_file == NULL || optind >= argc)
		return usage("--token-file and at least one URL are needed");
	conf.urls = argv + optind;
	conf.n_urls = (size_t)(argc - optind);
	do {
		if (serve && getline(&req, &cap, stdin) < 0)
			return 0; /* the agent is gone, or wants no more */
		if (pveapi_fetch_sync(&conf, &po, &r) < 0)
			return usage("cannot run a round");
		free(line);
		line = po.path ? answer_dump(&r) : api_result_dump(&r);
		api_result_free(&r);
		if (fputs(line, stdout) < 0 || fflush(stdout) != 0)
			return 1;
		/* idle until the next round: what the TLS stack allocated for
		 * this one back to the kernel (the helper's share of the
		 * footprint, tests/bench/footprint) */
		if (serve)
			malloc_trim(0);
	} while (serve);
	return 0;
}
