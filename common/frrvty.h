/* frrvty.h - read-only show commands straight to an FRR daemon's vty socket
 *
 * vtysh is a client of the same sockets: it connects to
 * /var/run/frr/<daemon>.vty, writes the command line with its terminating
 * NUL and reads the output up to a four-byte trailer (three NULs and the
 * command's return code). The health poll runs four show commands every few
 * seconds; doing that here instead of starting vtysh (~85 ms of CPU for each
 * start) is what keeps the agent's steady CPU low. Configuration of ospfd
 * and bfdd goes the same way (vtyroute.h says which commands); vtysh is
 * started only for what it fans out to several daemons. */
#pragma once

#include <stddef.h>

#include "util.h"

/* Longest output of one command accepted. */
#define FRRVTY_OUTPUT_MAX (16 * 1024 * 1024)

struct frrvty {
	char dir[256];  /* the daemons' socket folder */
	int timeout_ms; /* for one whole command (TB_VTY_SHOW_MS), capped by a pass's budget */
	unsigned calls; /* commands sent so far */
};

/* /var/run/frr, or /var/run/frr/NAME with PROXMESH_VTYSH_PATHSPACE=NAME,
 * or PROXMESH_FRR_VTY_DIR (tests). */
void frrvty_init(struct frrvty *v);

/* Run the show command cmd in daemon ("ospfd", "zebra", "bfdd") and return
 * its output in *out (owned, NUL-terminated). Only "show …" commands free of
 * control characters are sent (-EINVAL otherwise). Returns 0, -ENOENT or
 * -ECONNREFUSED when the daemon is not running, -ETIMEDOUT, -EPROTO when
 * the daemon closed the connection early or refused the command (*out then
 * holds its message, if any), or another negative errno. */
int frrvty_show(struct frrvty *v, const char *daemon, const char *cmd, char **out);

/* Configure daemon the way vtysh reads a file: "enable", "configure
 * terminal", cmds in order (as frrdiff makes them: a block header, its
 * lines, one "exit" per level), "end", then the enable-node commands of
 * after (NULL or e.g. "clear ip ospf process"), all over one connection.
 * A command the daemon refuses does not stop the rest: it is appended to
 * refused as "DAEMON refused \"CMD\": ANSWER" (secrets redacted) and the
 * next one is sent in the node the daemon is still in; the lines of a
 * refused block header are not sent (they would land in the node before
 * it). When an "ip ospf area" is refused, what this session took out of
 * OSPF ("no network …", the interface's "no ip ospf area A") is put back
 * before "end", and said so in refused. Returns 0 when every command was sent, refused or not; -EPROTO when
 * the daemon refuses "configure terminal" (nothing sent; in refused too).
 * Every command must be free of control characters (-EINVAL, nothing
 * sent). Other errors as frrvty_show. */
int frrvty_config(struct frrvty *v, const char *daemon, const struct strv *cmds,
                  const struct strv *after, struct strv *refused);

/* The reply framing: n bytes read from the daemon appended to *buf (*len
 * bytes so far, kept NUL-terminated). 1 when they end with the trailer:
 * *buf then holds the output alone and *code the command's return code;
 * 0 when more must be read; -EFBIG past FRRVTY_OUTPUT_MAX. */
int frrvty_reply_add(char **buf, size_t *len, const char *data, size_t n, int *code);
