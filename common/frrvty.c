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

#include "redact.h"
#include "timebounds.h"
#include "util.h"
#include "vtyroute.h"

#define FRRVTY_TRAILER 4 /* '\0' '\0' '\0' and the return code */

void
frrvty_init(struct frrvty *v)
{
	const char *dir = getenv("PROXMESH_FRR_VTY_DIR");
	const char *ns = getenv("PROXMESH_VTYSH_PATHSPACE");

	*v = (struct frrvty){.timeout_ms = TB_VTY_SHOW_MS};
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

/* Wait for events on fd until the deadline, the loop's keep-alive running
 * meanwhile: 0 ready (or interrupted), -ETIMEDOUT, -errno. */
static int
wait_fd(int fd, short events, long long deadline)
{
	struct pollfd p = {.fd = fd, .events = events};

	for (;;) {
		long long left = deadline - now_mono_ms();
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&p, 1, left > TB_KEEPALIVE_MS ? TB_KEEPALIVE_MS : (int)left);
		if (r < 0)
			return errno == EINTR ? 0 : -errno;
		if (r > 0)
			return 0;
		tb_keepalive();
	}
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

int
frrvty_reply_add(char **buf, size_t *len, const char *data, size_t n, int *code)
{
	if (*len + n > FRRVTY_OUTPUT_MAX)
		return -EFBIG;
	*buf = xrealloc(*buf, *len + n + 1);
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = '\0';
	if (*len < FRRVTY_TRAILER || (*buf)[*len - 4] != '\0' || (*buf)[*len - 3] != '\0' ||
	    (*buf)[*len - 2] != '\0')
		return 0;
	*code = (unsigned char)(*buf)[*len - 1];
	*len -= FRRVTY_TRAILER;
	(*buf)[*len] = '\0';
	return 1;
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
		r = frrvty_reply_add(out, len, chunk, (size_t)r, code);
		if (r != 0)
			return r < 0 ? (int)r : 0;
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
	long long deadline = now_mono_ms() + tb_bound(v->timeout_ms);
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

/* Keep daemon's refusal of cmd, redacted, with what was not sent because
 * of it (skipped lines of a refused block header). */
static void
refusal(struct strv *refused, const char *daemon, const char *cmd, char *answer, size_t skipped)
{
	_cleanup_free_ char *c = redact_known(cmd), *a = NULL;

	if (answer)
		answer[strcspn(answer, "\n")] = '\0';
	/* each part alone: a key ends at a blank, not at the quote after it */
	a = redact_known(answer && *answer ? answer : "refused");
	strv_pushf(refused, "%s refused \"%s\": %s%s", daemon, c, a,
	           skipped ? "; its block was not sent" : "");
}

/* What took a link out of OSPF in this session ("no network …" in router
 * ospf, "no ip ospf area A" in an interface), to put back when what was to
 * bring it in again is refused. */
struct undo {
	struct strv node, cmd;  /* parallel: where, and the statement to put back */
	struct strv refused_if; /* interfaces whose "ip ospf area" was refused */
};

static void
undo_note(struct undo *u, const char *node, const char *cmd, bool accepted)
{
	bool in_if = node && !strncmp(node, "interface ", 10);

	if (accepted && ((node && !strcmp(node, "router ospf") && !strncmp(cmd, "no network ", 11)) ||
	                 (in_if && !strncmp(cmd, "no ip ospf area ", 16)))) {
		strv_push_dup(&u->node, node);
		strv_push_dup(&u->cmd, cmd + 3);
	} else if (!accepted && in_if && !strncmp(cmd, "ip ospf area ", 13) &&
	           !strv_contains(&u->refused_if, node)) {
		strv_push_dup(&u->refused_if, node);
	}
}

/* Once an "ip ospf area" was refused: the interface's own old area back,
 * and the network statements (FRR refuses "ip ospf area" while any is
 * left, so the links they covered would have neither). */
static int
undo_apply(int fd, const struct undo *u, const char *daemon, long long deadline, char **out,
           struct strv *refused)
{
	int code = 0, r = 0;

	for (size_t i = 0; i < u->cmd.n && u->refused_if.n > 0 && r == 0; i++) {
		const char *node = u->node.v[i], *cmd = u->cmd.v[i];

		if (!strncmp(node, "interface ", 10) && !strv_contains(&u->refused_if, node))
			continue; /* that one joined its new area */
		r = exchange(fd, node, deadline, out, &code);
		if (r < 0 || code != 0) {
			if (r == 0)
				refusal(refused, daemon, node, *out, 0);
			continue;
		}
		r = exchange(fd, cmd, deadline, out, &code);
		if (r == 0 && code != 0)
			refusal(refused, daemon, cmd, *out, 0);
		else if (r == 0)
			strv_pushf(refused, "%s: \"%s\" put back in \"%s\": an \"ip ospf area\" was refused",
			           daemon, cmd, node);
		if (r == 0)
			r = exchange(fd, "exit", deadline, out, &code);
	}
	return r;
}

static void
undo_free(struct undo *u)
{
	strv_free(&u->node);
	strv_free(&u->cmd);
	strv_free(&u->refused_if);
}

int
frrvty_config(struct frrvty *v, const char *daemon, const struct strv *cmds,
              const struct strv *after, struct strv *refused)
{
	long long deadline = now_mono_ms() + tb_bound(v->timeout_ms);
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *out = NULL;
	const char *node = NULL; /* the top-level block the daemon is in */
	struct undo undo = {.node = {0}};
	unsigned depth = 0;
	int code = 0, r;

	for (size_t i = 0; i < cmds->n; i++)
		if (!str_is_printable(cmds->v[i]))
			return -EINVAL;
	for (size_t i = 0; after && i < after->n; i++)
		if (!str_is_printable(after->v[i]))
			return -EINVAL;
	fd = session(v, daemon, deadline);
	if (fd < 0)
		return fd;
	r = exchange(fd, "configure terminal", deadline, &out, &code);
	if (r == 0 && code != 0) {
		refusal(refused, daemon, "configure terminal", out, 0);
		return -EPROTO; /* nothing of cmds can go this way */
	}
	/* As vtysh reads a file: a refused line is reported and the next one
	 * sent, in the node the daemon is still in (FRR leaves a node only on
	 * "exit"). A refused block header leaves the daemon where it was, so
	 * the lines of its block are not sent: they would land in the node
	 * before it (another interface's). What a refusal would leave out of
	 * OSPF is put back before "end". */
	for (size_t i = 0; i < cmds->n && r == 0;) {
		const char *cmd = cmds->v[i];
		bool is_exit = !strcmp(cmd, "exit");
		bool opens = !is_exit && vtyroute_opens_block(cmd, depth);

		r = exchange(fd, cmd, deadline, &out, &code);
		if (r < 0)
			break;
		if (code != 0 && opens) {
			size_t e = vtyroute_block_end(cmds, i, depth);

			refusal(refused, daemon, cmd, out, e - i - 1);
			i = e;
			continue;
		}
		if (code != 0)
			refusal(refused, daemon, cmd, out, 0);
		else if (opens && depth++ == 0)
			node = cmd;
		else if (is_exit && depth > 0 && --depth == 0)
			node = NULL;
		if (!opens && !is_exit)
			undo_note(&undo, depth == 1 ? node : NULL, cmd, code == 0);
		i++;
	}
	if (r == 0 && depth == 0)
		r = undo_apply(fd, &undo, daemon, deadline, &out, refused);
	undo_free(&undo);
	if (r == 0)
		r = exchange(fd, "end", deadline, &out, &code);
	for (size_t i = 0; after && i < after->n && r == 0; i++) {
		r = exchange(fd, after->v[i], deadline, &out, &code);
		if (r == 0 && code != 0)
			refusal(refused, daemon, after->v[i], out, 0);
	}
	return r;
}
