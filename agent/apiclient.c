/* apiclient.c - Proxmox API rounds in a helper process, driven by sd-event */
#include "apiclient.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "log.h"
#include "util.h"

#define ANSWER_MAX (MEMBERSHIP_BODY_MAX + 4096)
/* Per URL: the helper's default timeouts are 3 s to connect and 8 s in all. */
#define URL_MS_DEFAULT 8000
#define ROUND_MS_SLACK 3000
/* A round that starts the helper waits for its start too: loading libcurl's
 * TLS stack takes well under a second, but seconds on a loaded host (CI's
 * AddressSanitizer run timed the first round out after 4.5 s). */
#define HELPER_START_MS 10000

struct apiclient {
	sd_event *event;
	sd_event_source *io, *timer;
	pid_t pid;  /* the helper, serving rounds; -1: none */
	int out_fd; /* its stdout: one line of JSON per round */
	int in_fd;  /* its stdin: one line asks for a round */
	char *key;  /* its argv joined: another configuration restarts it */
	bool busy;  /* a round in flight */
	char *buf;
	size_t len;
	bool too_big;
	apiclient_done_fn done;
	void *userdata;
};

const char *
apiclient_helper(void)
{
	const char *helper = getenv("PROXMESH_API_CLIENT");

	return helper && *helper ? helper : PROXMESH_API_CLIENT;
}

static void
argv_build(const char *helper, bool serve, const struct api_conf *conf,
           const struct pveapi_opts *opts, struct strv *argv)
{
	strv_push_dup(argv, helper);
	if (serve)
		strv_push_dup(argv, "--serve");
	if (opts && opts->path)
		strv_pushf(argv, "--path=%s", opts->path);
	if (opts && opts->connect_timeout_ms > 0)
		strv_pushf(argv, "--connect-timeout-ms=%ld", opts->connect_timeout_ms);
	if (opts && opts->timeout_ms > 0)
		strv_pushf(argv, "--timeout-ms=%ld", opts->timeout_ms);
	strv_push_dup(argv, "--token-file");
	strv_push_dup(argv, conf->token_file ? conf->token_file : "");
	if (conf->ca_file) {
		strv_push_dup(argv, "--ca-file");
		strv_push_dup(argv, conf->ca_file);
	}
	for (size_t i = 0; i < conf->n_fingerprints; i++) {
		char hex[32 * 3];

		fingerprint_str(conf->fingerprints[i], hex);
		strv_push_dup(argv, "--fingerprint");
		strv_push_dup(argv, hex);
	}
	strv_push_dup(argv, "--");
	for (size_t i = 0; i < conf->n_urls; i++)
		strv_push_dup(argv, conf->urls[i]);
	strv_push(argv, NULL);
}

void
apiclient_argv(const char *helper, const struct api_conf *conf, const struct pveapi_opts *opts,
               struct strv *argv)
{
	argv_build(helper, false, conf, opts, argv);
}

int
apiclient_new(sd_event *event, struct apiclient **out)
{
	struct apiclient *c = xcalloc(1, sizeof(*c));

	c->event = sd_event_ref(event);
	c->pid = -1;
	c->out_fd = c->in_fd = -1;
	*out = c;
	return 0;
}

bool
apiclient_busy(const struct apiclient *c)
{
	return c->busy;
}

pid_t
apiclient_pid(const struct apiclient *c)
{
	return c->pid;
}

/* Stop watching, kill and reap the helper; its wait status, -1 without one. */
static int
stop_helper(struct apiclient *c)
{
	int status = -1;

	c->io = sd_event_source_disable_unref(c->io);
	c->timer = sd_event_source_disable_unref(c->timer);
	if (c->in_fd >= 0)
		close(c->in_fd);
	if (c->out_fd >= 0)
		close(c->out_fd);
	c->in_fd = c->out_fd = -1;
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	c->pid = -1;
	free(c->key);
	c->key = NULL;
	return status;
}

/* The round in flight ends: line (its answer, NULL when there is none)
 * or why not. */
static void
complete(struct apiclient *c, const char *line, size_t len, const char *why)
{
	struct api_result r = {0};

	c->busy = false;
	c->timer = sd_event_source_disable_unref(c->timer);
	if (why || line == NULL || api_result_undump(line, len, &r) < 0) {
		api_result_free(&r);
		r.state = API_UNREACHABLE;
		r.error = xstrdup(why ? why : "the API client answered something else than a round");
	}
	free(c->buf);
	c->buf = NULL;
	c->len = 0;
	c->too_big = false;
	c->done(c->userdata, &r);
	api_result_free(&r);
}

/* The helper ended (or must): stop it, and fail the round in flight. */
static void
helper_gone(struct apiclient *c, bool timed_out)
{
	bool busy = c->busy;
	int status = stop_helper(c);
	_cleanup_free_ char *why = NULL;

	if (!busy)
		return;
	if (timed_out)
		why = xstrdup("the API client did not finish in time");
	else if (c->too_big)
		why = xstrdup("the API client's answer is too long");
	else if (WIFSIGNALED(status))
		why = xasprintf("the API client was killed by signal %d", WTERMSIG(status));
	else
		why = xasprintf("the API client failed (exit status %d; see the journal)",
		                WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	complete(c, NULL, 0, why);
}

static int
on_readable(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct apiclient *c = userdata;
	char chunk[8192], *nl;
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		helper_gone(c, false);
		return 0;
	}
	if (!c->busy)
		return 0; /* nothing was asked */
	if (c->len + (size_t)n > ANSWER_MAX) {
		c->too_big = true;
		helper_gone(c, false);
		return 0;
	}
	c->buf = xrealloc(c->buf, c->len + (size_t)n + 1);
	memcpy(c->buf + c->len, chunk, (size_t)n);
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	nl = memchr(c->buf, '\n', c->len);
	if (nl)
		complete(c, c->buf, (size_t)(nl - c->buf) + 1, NULL);
	return 0;
}

static int
on_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
	helper_gone(userdata, true);
	return 0;
}

/* Start the helper serving rounds for argv. */
static int
start_helper(struct apiclient *c, const struct strv *argv, const char *key)
{
	posix_spawn_file_actions_t fa;
	int out[2], in[2], r;

	if (pipe2(out, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(in, O_CLOEXEC) < 0) {
		r = -errno;
		close(out[0]);
		close(out[1]);
		return r;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
	r = child_spawn(&c->pid, argv->v[0], argv->v, &fa, false);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	c->in_fd = in[1];
	c->out_fd = out[0];
	if (r < 0) {
		c->pid = -1;
		stop_helper(c);
		return r;
	}
	c->key = xstrdup(key);
	r = sd_event_add_io(c->event, &c->io, c->out_fd, EPOLLIN, on_readable, c);
	if (r < 0)
		stop_helper(c);
	return r;
}

int
apiclient_start(struct apiclient *c, const struct api_conf *conf, const struct pveapi_opts *opts,
                apiclient_done_fn done, void *userdata)
{
	long per_url = opts && opts->timeout_ms > 0 ? opts->timeout_ms : URL_MS_DEFAULT;
	/* tests: more time for a helper started under valgrind */
	const char *slack_env = getenv("PROXMESH_API_CLIENT_SLACK_MS");
	uint64_t slack = slack_env ? strtoull(slack_env, NULL, 10) : ROUND_MS_SLACK;
	_cleanup_free_ char *key = NULL;
	struct strv argv = {0};
	bool started = false;
	int r = 0;
	uint64_t now;

	if (c->busy)
		return -EBUSY;
	if (!conf->enabled || conf->n_urls == 0)
		return -EINVAL;
	argv_build(apiclient_helper(), true, conf, opts, &argv);
	key = strv_join(&argv, argv.n - 1, "\n");
	if (c->pid > 0 && strcmp(key, c->key) != 0)
		stop_helper(c);
	/* an idle helper that died is seen here (EPIPE; SIGPIPE is ignored)
	 * or by on_readable; either way the second try starts a new one */
	for (int tries = 0; tries < 2; tries++) {
		if (c->pid <= 0) {
			if ((r = start_helper(c, &argv, key)) < 0)
				break;
			started = true;
		}
		if (write(c->in_fd, "\n", 1) == 1) {
			r = 0;
			break;
		}
		r = -errno;
		stop_helper(c);
	}
	strv_free(&argv);
	if (r < 0)
		return r;
	c->busy = true;
	c->done = done;
	c->userdata = userdata;
	sd_event_now(c->event, CLOCK_MONOTONIC, &now);
	r = sd_event_add_time(c->event, &c->timer, CLOCK_MONOTONIC,
	                      now + (conf->n_urls * (uint64_t)per_url + slack +
	                             (started ? HELPER_START_MS : 0)) *
	                                1000ULL,
	                      100000,
	                      on_timeout, c);
	if (r < 0) {
		c->busy = false;
		stop_helper(c);
	}
	return r;
}

void
apiclient_cancel(struct apiclient *c)
{
	/* a round cannot be taken back from the helper: a new one serves
	 * the next */
	if (c->busy)
		stop_helper(c);
	c->busy = false;
	free(c->buf);
	c->buf = NULL;
	c->len = 0;
	c->too_big = false;
}

void
apiclient_release(struct apiclient *c)
{
	if (!c->busy)
		stop_helper(c);
}

void
apiclient_free(struct apiclient *c)
{
	if (c == NULL)
		return;
	apiclient_cancel(c);
	stop_helper(c);
	sd_event_unref(c->event);
	free(c);
}
