/* vtysh.c - run vtysh with a fixed argv and a timeout, never through a shell */
#include "vtysh.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "timebounds.h"
#include "util.h"

#define VTYSH_OUTPUT_MAX (16 * 1024 * 1024)

void
vtysh_init(struct vtysh *v)
{
	const char *p = getenv("PROXMESH_VTYSH");
	const char *ns = getenv("PROXMESH_VTYSH_PATHSPACE");

	*v = (struct vtysh){
		.path = p && *p ? p : "/usr/bin/vtysh",
		.pathspace = ns && *ns ? ns : NULL,
		.timeout_ms = TB_STEP_MS,
	};
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
	if (s->len + (size_t)r > VTYSH_OUTPUT_MAX)
		return -EFBIG;
	s->buf = xrealloc(s->buf, s->len + (size_t)r + 1);
	memcpy(s->buf + s->len, chunk, (size_t)r);
	s->len += (size_t)r;
	s->buf[s->len] = '\0';
	return 1;
}

int
vtysh_run(struct vtysh *v, const char *const *cmds, size_t n, struct vtysh_result *res)
{
	_cleanup_free_ const char **argv = xcalloc(2 * n + 5, sizeof(char *));
	posix_spawn_file_actions_t fa;
	int out[2] = {-1, -1}, err[2] = {-1, -1}, r = 0, w, status;
	struct sink so = {0}, se = {0};
	long long deadline;
	size_t a = 0;
	pid_t pid;

	*res = (struct vtysh_result){.status = -1};
	argv[a++] = v->path;
	if (v->pathspace) {
		argv[a++] = "-N";
		argv[a++] = v->pathspace;
	}
	if (v->echo)
		argv[a++] = "-E";
	for (size_t i = 0; i < n; i++) {
		if (!str_is_printable(cmds[i]) || cmds[i][0] == '\0')
			return -EINVAL;
		argv[a++] = "-c";
		argv[a++] = cmds[i];
	}
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	r = child_spawn(&pid, v->path, (char *const *)argv, &fa, false);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	close(err[1]);
	out[1] = err[1] = -1;
	if (r < 0)
		goto out;
	v->calls++;

	/* The pass's budget caps the bound; the loop's keep-alive runs while
	 * vtysh works, and an overrun kills it. */
	deadline = now_mono_ms() + tb_bound(v->timeout_ms);
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

const char *
vtysh_result_text(const struct vtysh_result *res)
{
	if (res->out && res->out[strspn(res->out, " \n")])
		return res->out;
	return res->err ? res->err : "";
}

void
vtysh_result_free(struct vtysh_result *res)
{
	free(res->out);
	free(res->err);
	*res = (struct vtysh_result){0};
}
