/* frrsend.h - a batch of FRR configuration commands, each to the daemon that takes it */
#pragma once

#include <stdbool.h>

#include "util.h"
#include "vtysh.h"

struct frrsend {
	struct vtysh *vtysh;   /* for what vtyroute gives to vtysh */
	unsigned sessions;     /* configuration sessions over daemon sockets, so far */
	char *refused;         /* the first command FRR refused, and what it said */
};

/* Send cmds (configuration-mode commands as frrdiff makes them) and, with
 * clear, "clear ip ospf process" after ospfd's: ospfd's and bfdd's over
 * their sockets, the rest through one vtysh (vtyroute.h), the parts in the
 * order their first command has in cmds. A command FRR refuses stops that
 * daemon's part and is kept in s->refused (the caller's re-read tells what
 * did not take). Returns 0, or -errno when a daemon or vtysh could not be
 * reached at all; *error then says which (owned). */
int frrsend(struct frrsend *s, const struct strv *cmds, bool clear, char **error);

void frrsend_free(struct frrsend *s);
