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

struct apiclient {
	sd_event *event;
	sd_event_source *io, *timer;
	pid_t pid;
	int fd;
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

void
apiclient_argv(const char *helper, const struct api_conf *conf, const struct pveapi_opts *opts,
               struct strv *argv)
{
	strv_push_dup(argv, helper);
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

int
apiclient_new(sd_event *event, struct apiclient **out)
{
	struct apiclient *c = xcalloc(1, sizeof(*c));

	c->event = sd_event_ref(event);
	c->pid = -1;
	c->fd = -1;
	*out = c;
	return 0;
}

bool
apiclient_busy(const struct apiclient *c)
{
	return c->pid > 0;
}

/* Stop watching, reap the helper (killing it first unless it is done). */
static int
finish(struct apiclient *c, bool kill_it)
{
	int status = -1;

	c->io = sd_event_source_disable_unref(c->io);
	c->timer = sd_event_source_disable_unref(c->timer);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->pid > 0) {
		if (kill_it)
			kill(c->pid, SIGKILL);
		while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	c->pid = -1;
	return status;
}

static void
complete(struct apiclient *c, bool timed_out)
{
	struct api_result r = {0};
	_cleanup_free_ char *buf = TAKE_PTR(c->buf);
	size_t len = c->len;
	bool too_big = c->too_big;
	int status = finish(c, timed_out);

	c->len = 0;
	c->too_big = false;
	if (timed_out) {
		r.state = API_UNREACHABLE;
		r.error = xstrdup("the API client did not finish in time");
	} else if (too_big || buf == NULL || api_result_undump(buf, len, &r) < 0) {
		r.state = API_UNREACHABLE;
		if (WIFSIGNALED(status))
			r.error =
			    xasprintf("the API client was killed by signal %d", WTERMSIG(status));
		else
			r.error =
			    xasprintf("the API client failed (exit status %d; see the journal)",
			              WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
	c->done(c->userdata, &r);
	api_result_free(&r);
}

static int
on_readable(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct apiclient *c = userdata;
	char chunk[8192];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		complete(c, false);
		return 0;
	}
	if (c->len + (size_t)n > ANSWER_MAX) {
		c->too_big = true;
		return 0;
	}
	c->buf = xrealloc(c->buf, c->len + (size_t)n + 1);
	memcpy(c->buf + c->len, chunk, (size_t)n);
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	return 0;
}

static int
on_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
	complete(userdata, true);
	return 0;
}

int
apiclient_start(struct apiclient *c, const struct api_conf *conf, const struct pveapi_opts *opts,
                apiclient_done_fn done, void *userdata)
{
	long per_url = opts && opts->timeout_ms > 0 ? opts->timeout_ms : URL_MS_DEFAULT;
	const char *helper = apiclient_helper();
	/* tests: more time for a helper started under valgrind */
	const char *slack_env = getenv("PROXMESH_API_CLIENT_SLACK_MS");
	uint64_t slack = slack_env ? strtoull(slack_env, NULL, 10) : ROUND_MS_SLACK;
	posix_spawn_file_actions_t fa;
	struct strv argv = {0};
	int p[2], r;
	uint64_t now;

	if (c->pid > 0)
		return -EBUSY;
	if (!conf->enabled || conf->n_urls == 0)
		return -EINVAL;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	apiclient_argv(helper, conf, opts, &argv);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	r = child_spawn(&c->pid, helper, argv.v, &fa, false);
	posix_spawn_file_actions_destroy(&fa);
	strv_free(&argv);
	close(p[1]);
	if (r < 0) {
		c->pid = -1;
		close(p[0]);
		return r;
	}
	c->fd = p[0];
	c->done = done;
	c->userdata = userdata;
	sd_event_now(c->event, CLOCK_MONOTONIC, &now);
	r = sd_event_add_io(c->event, &c->io, c->fd, EPOLLIN, on_readable, c);
	if (r >= 0)
		r = sd_event_add_time(c->event, &c->timer, CLOCK_MONOTONIC,
		                      now + (conf->n_urls * (uint64_t)per_url + slack) *
		                                1000ULL,
		                      100000, on_timeout, c);
	if (r < 0)
		finish(c, true);
	return r;
}

void
apiclient_cancel(struct apiclient *c)
{
	if (c->pid > 0)
		finish(c, true);
	free(c->buf);
	c->buf = NULL;
	c->len = 0;
}

void
apiclient_free(struct apiclient *c)
{
	if (c == NULL)
		return;
	apiclient_cancel(c);
	sd_event_unref(c->event);
	free(c);
}
