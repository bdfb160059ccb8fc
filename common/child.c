/* child.c - start a child with a clean signal mask and only the descriptors it is given */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "timebounds.h"
#include "util.h"

#define CHILD_OUTPUT_MAX (16 * 1024 * 1024)

extern char **environ;

int
child_spawn(pid_t *pid, const char *path, char *const argv[], posix_spawn_file_actions_t *fa,
            bool search)
{
	posix_spawn_file_actions_t none;
	posix_spawnattr_t attr;
	sigset_t empty, all;
	int r;

	if (fa == NULL) {
		posix_spawn_file_actions_init(&none);
		fa = &none;
	}
	/* after the caller's dup2s: 0-2 are what the child is given */
	r = posix_spawn_file_actions_addclosefrom_np(fa, 3);
	sigemptyset(&empty);
	sigfillset(&all);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&attr, &empty);
	posix_spawnattr_setsigdefault(&attr, &all);
	if (r == 0)
		r = search ? posix_spawnp(pid, path, fa, &attr, argv, environ)
		           : posix_spawn(pid, path, fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	if (fa == &none)
		posix_spawn_file_actions_destroy(&none);
	return -r;
}

struct sink {
	char *buf;
	size_t len;
};

static int
drain(int fd, struct sink *s)
{
	char chunk[8192];
	ssize_t r = read(fd, chunk, sizeof(chunk));

	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -errno;
	if (r == 0)
		return 0;
	if (s->len + (size_t)r > CHILD_OUTPUT_MAX)
		return -EFBIG;
	s->buf = xrealloc(s->buf, s->len + (size_t)r + 1);
	memcpy(s->buf + s->len, chunk, (size_t)r);
	s->len += (size_t)r;
	s->buf[s->len] = '\0';
	return 1;
}

int
child_run(const char *path, char *const argv[], bool search, int timeout_ms,
          struct child_result *res)
{
	posix_spawn_file_actions_t fa;
	int out[2] = {-1, -1}, err[2] = {-1, -1}, r = 0, w, status;
	struct sink so = {0}, se = {0};
	long long deadline;
	pid_t pid;

	*res = (struct child_result){.status = -1};
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	r = child_spawn(&pid, path, argv, &fa, search);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	close(err[1]);
	out[1] = err[1] = -1;
	if (r < 0)
		goto out;
	/* The pass's budget caps the bound; the loop's keep-alive runs while
	 * vtysh works, and an overrun kills it. */
	deadline = now_mono_ms() + tb_bound(timeout_ms);
	for (int open_fds = 2; open_fds > 0;) {
		struct pollfd pfd[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
		long long left = deadline - now_mono_ms();
		int pr;

		if (out[0] < 0)
			pfd[0].fd = -1;
		if (err[0] < 0)
			pfd[1].fd = -1;
		if (left <= 0) {
			r = -ETIMEDOUT;
			break;
		}
		pr = poll(pfd, 2, left < TB_KEEPALIVE_MS ? (int)left : TB_KEEPALIVE_MS);
		if (pr == 0)
			tb_keepalive();
		if (pr < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		for (int i = 0; i < 2 && pr > 0; i++) {
			int *fd = i == 0 ? &out[0] : &err[0];
			int d;

			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			d = drain(*fd, i == 0 ? &so : &se);
			if (d < 0) {
				r = d;
				open_fds = 0;
			} else if (d == 0) {
				close(*fd);
				*fd = -1;
				open_fds--;
			}
		}
	}
	/* Its output is closed; it may still linger: not past the deadline
	 * (killed at once after an error). */
	w = tb_wait_child(pid, r < 0 ? 0 : deadline, &status);
	if (r == 0)
		r = w;
	if (r == 0)
		res->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	res->out = so.buf ? TAKE_PTR(so.buf) : xstrdup("");
	res->err = se.buf ? TAKE_PTR(se.buf) : xstrdup("");
out:
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	free(so.buf);
	free(se.buf);
	return r;
}

void
child_result_free(struct child_result *res)
{
	free(res->out);
	free(res->err);
	*res = (struct child_result){0};
}
