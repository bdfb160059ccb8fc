/* frrvty.c - read-only show commands straight to an FRR daemon's vty socket */
#include "frrvty.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util.h"

#define FRRVTY_OUTPUT_MAX (16 * 1024 * 1024)
#define FRRVTY_TRAILER 4 /* '\0' '\0' '\0' and the return code */

void
frrvty_init(struct frrvty *v)
{
	const char *dir = getenv("PROXMESH_FRR_VTY_DIR");
	const char *ns = getenv("PROXMESH_VTYSH_PATHSPACE");

	*v = (struct frrvty){.timeout_ms = 5000};
	if (dir && *dir)
		snprintf(v->dir, sizeof(v->dir), "%s", dir);
	else if (ns && *ns)
		snprintf(v->dir, sizeof(v->dir), "/var/run/frr/%s", ns);
	else
		snprintf(v->dir, sizeof(v->dir), "/var/run/frr");
}

static int
vty_connect(const struct frrvty *v, const char *daemon)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd, n;

	n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s.vty", v->dir, daemon);
	if (n < 0 || (size_t)n >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

/* Wait for events on fd until the deadline: 0 ready, -ETIMEDOUT, -errno. */
static int
wait_fd(int fd, short events, long long deadline)
{
	struct pollfd p = {.fd = fd, .events = events};
	long long left = deadline - now_mono_ms();
	int r;

	if (left <= 0)
		return -ETIMEDOUT;
	r = poll(&p, 1, left > 60000 ? 60000 : (int)left);
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	return r == 0 ? -ETIMEDOUT : 0;
}

static int
send_all(int fd, const char *buf, size_t len, long long deadline)
{
	while (len > 0) {
		ssize_t w = send(fd, buf, len, MSG_NOSIGNAL);

		if (w < 0) {
			int r;

			if (errno != EAGAIN && errno != EINTR)
				return -errno;
			r = wait_fd(fd, POLLOUT, deadline);
			if (r < 0)
				return r;
			continue;
		}
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

static bool
has_trailer(const char *buf, size_t len)
{
	return len >= FRRVTY_TRAILER && buf[len - 4] == '\0' && buf[len - 3] == '\0' &&
	       buf[len - 2] == '\0';
}

/* Read up to and including the trailer; the return code in *code. */
static int
recv_reply(int fd, long long deadline, char **out, size_t *len, int *code)
{
	char chunk[16384];

	for (;;) {
		ssize_t r = recv(fd, chunk, sizeof(chunk), 0);

		if (r < 0) {
			int w;

			if (errno != EAGAIN && errno != EINTR)
				return -errno;
			w = wait_fd(fd, POLLIN, deadline);
			if (w < 0)
				return w;
			continue;
		}
		if (r == 0)
			return -EPROTO;
		if (*len + (size_t)r > FRRVTY_OUTPUT_MAX)
			return -EFBIG;
		*out = xrealloc(*out, *len + (size_t)r + 1);
		memcpy(*out + *len, chunk, (size_t)r);
		*len += (size_t)r;
		(*out)[*len] = '\0';
		if (has_trailer(*out, *len)) {
			*code = (unsigned char)(*out)[*len - 1];
			*len -= FRRVTY_TRAILER;
			(*out)[*len] = '\0';
			return 0;
		}
	}
}

/* Send one command line (its NUL included) and read the reply: 0 with
 * *code the daemon's return code and *out its output, or -errno. */
static int
exchange(int fd, const char *cmd, long long deadline, char **out, int *code)
{
	size_t len = 0;
	int r;

	free(*out);
	*out = NULL;
	r = send_all(fd, cmd, strlen(cmd) + 1, deadline);
	if (r == 0)
		r = recv_reply(fd, deadline, out, &len, code);
	return r;
}

/* Connect to daemon and enter the enable node, as vtysh starts every
 * session: some daemons (bfdd) install their show commands there only. */
static int
session(struct frrvty *v, const char *daemon, long long deadline)
{
	_cleanup_free_ char *out = NULL;
	int fd, code = 0, r;

	if (strchr(daemon, '/') != NULL || !str_is_printable(daemon))
		return -EINVAL;
	fd = vty_connect(v, daemon);
	if (fd < 0)
		return fd;
	v->calls++;
	r = exchange(fd, "enable", deadline, &out, &code);
	if (r == 0 && code != 0)
		r = -EPROTO;
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int
frrvty_show(struct frrvty *v, const char *daemon, const char *cmd, char **out)
{
	long long deadline = now_mono_ms() + v->timeout_ms;
	_cleanup_close_ int fd = -1;
	int code = 0, r;

	*out = NULL;
	if (strncmp(cmd, "show ", 5) != 0 || !str_is_printable(cmd))
		return -EINVAL;
	fd = session(v, daemon, deadline);
	if (fd < 0)
		return fd;
	r = exchange(fd, cmd, deadline, out, &code);
	if (r == 0 && code != 0)
		return -EPROTO; /* *out: the daemon's message */
	if (r < 0) {
		free(*out);
		*out = NULL;
	}
	return r;
}

int
frrvty_config(struct frrvty *v, const char *daemon, const struct strv *cmds,
              const struct strv *after, char **msg)
{
	long long deadline = now_mono_ms() + v->timeout_ms;
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *out = NULL;
	struct strv all = {0};
	int code = 0, r = 0;

	*msg = NULL;
	strv_push_dup(&all, "configure terminal");
	for (size_t i = 0; i < cmds->n; i++)
		strv_push_dup(&all, cmds->v[i]);
	strv_push_dup(&all, "end");
	for (size_t i = 0; after && i < after->n; i++)
		strv_push_dup(&all, after->v[i]);
	for (size_t i = 0; i < all.n && r == 0; i++)
		if (!str_is_printable(all.v[i]))
			r = -EINVAL;
	if (r == 0) {
		fd = session(v, daemon, deadline);
		r = fd < 0 ? fd : 0;
	}
	for (size_t i = 0; i < all.n && r == 0; i++) {
		r = exchange(fd, all.v[i], deadline, &out, &code);
		if (r == 0 && code != 0) {
			out[strcspn(out, "\n")] = '\0';
			*msg = xasprintf("\"%s\": %s", all.v[i], *out ? out : "refused");
			r = -EPROTO;
		}
	}
	strv_free(&all);
	return r;
}
