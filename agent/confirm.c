/* confirm.c - changes that undo themselves: `apply --confirm`, `confirm`,
 * and the state files the agent reads (confirm.h) */
#include "confirm.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"
#include "timebounds.h"
#include "util.h"

#define CONFIRM_FILE_MAX (1024 * 1024)

uint64_t
confirm_hash(const char *text)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (const unsigned char *s = (const unsigned char *)text; *s; s++)
		h = (h ^ *s) * 0x100000001b3ull;
	return h;
}

enum confirm_verdict
confirm_judge(const struct confirm_hold *h, long long now_real, long long now, bool had,
              bool any_full, long long lost_ms, long long *lost_since, long long *recheck_at)
{
	long long left = h->deadline_ms - now_real;

	if (left <= 0)
		return CONFIRM_DEADLINE;
	*recheck_at = now + left;
	if (!had || any_full) {
		*lost_since = -1;
		return CONFIRM_KEEP;
	}
	if (*lost_since < 0)
		*lost_since = now;
	if (now - *lost_since >= lost_ms)
		return CONFIRM_LOST;
	if (*lost_since + lost_ms < *recheck_at)
		*recheck_at = *lost_since + lost_ms;
	return CONFIRM_KEEP;
}

char *
confirm_path(const struct paths *p, const char *name)
{
	return xasprintf("%s/%s", p->state_dir, name);
}

static int
read_json(const struct paths *p, const char *name, json_t **out)
{
	_cleanup_free_ char *path = confirm_path(p, name), *text = NULL;
	int r = read_file(path, CONFIRM_FILE_MAX, &text, NULL);

	if (r < 0)
		return r;
	*out = json_loads(text, 0, NULL);
	return *out ? 0 : -EBADMSG;
}

static int
write_json(const struct paths *p, const char *name, json_t *doc)
{
	_cleanup_free_ char *path = confirm_path(p, name);
	char *text = json_dumps(doc, JSON_COMPACT);
	int r;

	json_decref(doc);
	if (text == NULL)
		return -ENOMEM;
	mkdir(p->state_dir, 0755);
	r = write_file_atomic(path, text, strlen(text), 0644);
	free(text);
	return r;
}

static int
get_hash(json_t *doc, uint64_t *out)
{
	const char *s = json_string_value(json_object_get(doc, "hash"));

	return s && sscanf(s, "%" SCNx64, out) == 1 ? 0 : -EBADMSG;
}

int
confirm_hold_read(const struct paths *p, struct confirm_hold *out)
{
	json_t *doc;
	int r = read_json(p, CONFIRM_HOLD, &doc);

	if (r < 0)
		return r;
	r = get_hash(doc, &out->hash);
	out->deadline_ms = json_integer_value(json_object_get(doc, "deadline_ms"));
	out->seconds = (unsigned)json_integer_value(json_object_get(doc, "seconds"));
	if (out->deadline_ms <= 0 || out->seconds == 0)
		r = -EBADMSG;
	json_decref(doc);
	return r;
}

/* A hash as the state files hold it: 16 hex digits, as a string (JSON
 * integers are not 64-bit unsigned). */
static json_t *
hash_json(uint64_t h)
{
	char hex[17];

	snprintf(hex, sizeof(hex), "%016" PRIx64, h);
	return json_string(hex);
}

int
confirm_hold_write(const struct paths *p, const struct confirm_hold *h)
{
	return write_json(p, CONFIRM_HOLD,
	                  json_pack("{s:o, s:I, s:i}", "hash", hash_json(h->hash), "deadline_ms",
	                            (json_int_t)h->deadline_ms, "seconds", (int)h->seconds));
}

int
confirm_reverted_read(const struct paths *p, struct confirm_reverted *out)
{
	json_t *doc;
	const char *why;
	int r = read_json(p, CONFIRM_REVERTED, &doc);

	*out = (struct confirm_reverted){0};
	if (r < 0)
		return r;
	r = get_hash(doc, &out->hash);
	why = json_string_value(json_object_get(doc, "reason"));
	out->at_ms = json_integer_value(json_object_get(doc, "at_ms"));
	if (why == NULL)
		r = -EBADMSG;
	else
		out->reason = xstrdup(why);
	json_decref(doc);
	return r;
}

int
confirm_reverted_write(const struct paths *p, const struct confirm_reverted *r)
{
	return write_json(p, CONFIRM_REVERTED,
	                  json_pack("{s:o, s:s, s:I}", "hash", hash_json(r->hash), "reason",
	                            r->reason, "at_ms", (json_int_t)r->at_ms));
}

void
confirm_reverted_free(struct confirm_reverted *r)
{
	free(r->reason);
	r->reason = NULL;
}

int
confirm_config_path(const struct paths *p, char **path, char **why)
{
	_cleanup_free_ char *text = NULL;
	struct confirm_reverted rev;

	*why = NULL;
	if (read_file(p->config, CONFIRM_FILE_MAX, &text, NULL) == 0 &&
	    confirm_reverted_read(p, &rev) == 0) {
		if (rev.hash == confirm_hash(text)) {
			*path = confirm_path(p, CONFIRM_CONFIRMED);
			*why = TAKE_PTR(rev.reason);
			return 0;
		}
		confirm_reverted_free(&rev);
	}
	*path = xstrdup(p->config);
	return 0;
}

static void
unlink_state(const struct paths *p, const char *name)
{
	_cleanup_free_ char *path = confirm_path(p, name);

	unlink(path);
}

/* The agent's passes so far, from its status file (-errno when there is
 * none); with *state the reconcile state, once it counts the holding
 * configuration's, and *err its error. */
static long long
agent_passes(const struct cli *cli, char **state, char **err)
{
	_cleanup_free_ char *path = xasprintf("%s/status.json", cli->paths.run_dir),
	                    *text = NULL;
	json_t *root, *rec, *conf;
	long long n;
	int r = read_file(path, CONFIRM_FILE_MAX, &text, NULL);

	if (r < 0)
		return r;
	root = json_loads(text, 0, NULL);
	if (root == NULL)
		return -EBADMSG;
	rec = json_object_get(root, "reconcile");
	conf = json_object_get(root, "configuration");
	n = json_integer_value(json_object_get(rec, "passes"));
	if (state && json_string_value(json_object_get(conf, "state")) &&
	    strcmp(json_string_value(json_object_get(conf, "state")), "file") != 0 &&
	    json_string_value(json_object_get(rec, "state"))) {
		*state = xstrdup(json_string_value(json_object_get(rec, "state")));
		if (json_string_value(json_object_get(rec, "last_error")))
			*err = xstrdup(json_string_value(json_object_get(rec, "last_error")));
	}
	json_decref(root);
	return n;
}

/* systemctl reload proxmesh: the agent reads the files again. */
static int
reload_agent(void)
{
	const char *argv[] = {"systemctl", "reload", "proxmesh", NULL};
	struct child_result res;
	int r = child_run("systemctl", (char *const *)argv, true, TB_FRR_RELOAD_MS, &res);

	if (r == 0 && res.status != 0) {
		fprintf(stderr, "proxmesh: systemctl reload proxmesh: %s", res.err);
		r = -EIO;
	}
	child_result_free(&res);
	return r;
}

int
confirm_apply(struct cli *cli, unsigned seconds)
{
	_cleanup_free_ char *text = NULL, *confirmed = confirm_path(&cli->paths, CONFIRM_CONFIRMED);
	struct confirm_hold hold;
	_cleanup_free_ char *err = NULL;
	struct config *c;
	long long before;
	int r;

	/* the file itself, even while the agent runs confirmed.conf */
	if (config_load(cli->paths.config, &c, &err) < 0) {
		fprintf(stderr, "proxmesh: %s\n", err);
		return 1;
	}
	config_free(c);
	r = read_file(cli->paths.config, CONFIRM_FILE_MAX, &text, NULL);
	if (r < 0) {
		fprintf(stderr, "proxmesh: cannot read %s: %s\n", cli->paths.config,
		        file_strerror(r));
		return 1;
	}
	if (access(confirmed, F_OK) < 0) {
		fprintf(stderr,
		        "proxmesh: %s does not exist: there is no confirmed configuration to go "
		        "back to (the agent writes it when it loads one; systemctl enable --now "
		        "proxmesh)\n",
		        confirmed);
		return 1;
	}
	hold = (struct confirm_hold){confirm_hash(text), now_real_ms() + seconds * 1000ll,
	                             seconds};
	r = confirm_hold_write(&cli->paths, &hold);
	if (r < 0) {
		fprintf(stderr, "proxmesh: cannot write the hold: %s\n", strerror(-r));
		return 1;
	}
	unlink_state(&cli->paths, CONFIRM_REVERTED);
	/* the agent loads the file, holds it and applies it: it goes back on
	 * its own (a disruptive change's bridges are its business then, so
	 * nothing here waits for OSPF) */
	before = agent_passes(cli, NULL, NULL);
	if (before < 0 || reload_agent() < 0) {
		unlink_state(&cli->paths, CONFIRM_HOLD);
		fprintf(stderr, "proxmesh: the agent must run to take a change back: systemctl "
		                "enable --now proxmesh\n");
		return 1;
	}
	for (long long end = now_mono_ms() + TB_PASS_MS;; usleep(100 * 1000)) {
		_cleanup_free_ char *state = NULL, *why = NULL;

		if (agent_passes(cli, &state, &why) > before && state) {
			if (strcmp(state, "failed") == 0) {
				fprintf(stderr, "proxmesh: the agent's pass failed: %s\n",
				        why ? why : "see journalctl -u proxmesh");
				return 1;
			}
			break;
		}
		if (now_mono_ms() > end) {
			fprintf(stderr, "proxmesh: the agent did not apply %s within %d s: see "
			                "journalctl -u proxmesh\n",
			        cli->paths.config, TB_PASS_MS / 1000);
			return 1;
		}
	}
	printf("# applied by the agent and held: run `proxmesh confirm` on this host within %u s, "
	       "or it goes back to the last confirmed configuration (%s)\n",
	       seconds, confirmed);
	return 0;
}

int
confirm_command(struct cli *cli)
{
	_cleanup_free_ char *text = NULL, *confirmed = confirm_path(&cli->paths, CONFIRM_CONFIRMED);
	struct confirm_hold hold;
	struct confirm_reverted rev;
	bool held, reverted;
	int r;

	held = confirm_hold_read(&cli->paths, &hold) == 0;
	reverted = confirm_reverted_read(&cli->paths, &rev) == 0;
	confirm_reverted_free(&rev);
	if (!held && !reverted) {
		puts("# nothing waits for confirmation");
		return 0;
	}
	r = read_file(cli->paths.config, CONFIRM_FILE_MAX, &text, NULL);
	if (r < 0) {
		fprintf(stderr, "proxmesh: cannot read %s: %s\n", cli->paths.config,
		        file_strerror(r));
		return 1;
	}
	if (held && hold.hash != confirm_hash(text)) {
		fprintf(stderr,
		        "proxmesh: %s changed since apply --confirm: apply it again (with or "
		        "without --confirm)\n",
		        cli->paths.config);
		return 1;
	}
	r = write_file_atomic(confirmed, text, strlen(text), 0600);
	if (r < 0) {
		fprintf(stderr, "proxmesh: cannot write %s: %s\n", confirmed, file_strerror(r));
		return 1;
	}
	unlink_state(&cli->paths, CONFIRM_HOLD);
	unlink_state(&cli->paths, CONFIRM_REVERTED);
	if (reload_agent() < 0)
		return 1;
	printf("# confirmed: %s is the configuration to go back to from now on\n",
	       cli->paths.config);
	return 0;
}
