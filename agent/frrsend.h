/* frrsend.h - a batch of FRR configuration commands, each to the daemon that takes it */
#pragma once

#include <stdbool.h>

#include "util.h"
#include "vtysh.h"

struct frrsend {
	struct vtysh *vtysh;   /* for what vtyroute gives to vtysh */
	unsigned sessions;     /* configuration sessions over daemon sockets, so far */
	struct strv refused;   /* each command FRR refused and what it said (redacted) */
	unsigned moved;        /* daemons that refused configuration on their socket, sent
	                        * through vtysh instead (behind mgmtd in a later FRR) */
};

/* Send cmds (configuration-mode commands as frrdiff makes them) and, with
 * clear, "clear ip ospf process" after ospfd's: ospfd's and bfdd's over
 * their sockets, the rest through one vtysh (vtyroute.h), the parts in the
 * order their first command has in cmds. A command FRR refuses does not
 * stop the batch: the rest is still sent (frrvty_config says how) and each
 * refusal is kept in s->refused (the caller's re-read tells what did not
 * take). A daemon that refuses configuration on its socket altogether
 * (moved behind mgmtd) gets its part through vtysh (s->moved counts it). Returns 0, or -errno when a daemon or vtysh could not be reached
 * at all; *error then says which (owned). */
int frrsend(struct frrsend *s, const struct strv *cmds, bool clear, char **error);

void frrsend_free(struct frrsend *s);
