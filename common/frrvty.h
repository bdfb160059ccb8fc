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

#include "util.h"

struct frrvty {
	char dir[256];  /* the daemons' socket folder */
	int timeout_ms; /* for one whole command */
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

/* Configure daemon the way vtysh does: "enable", "configure terminal",
 * cmds in order, "end", then the enable-node commands of after (NULL or
 * e.g. "clear ip ospf process"), all over one connection. Stops at the
 * first command the daemon refuses: -EPROTO, *msg names the command and
 * the daemon's answer. Every command must be free of control characters
 * (-EINVAL, nothing sent). Other errors as frrvty_show. */
int frrvty_config(struct frrvty *v, const char *daemon, const struct strv *cmds,
                  const struct strv *after, char **msg);
