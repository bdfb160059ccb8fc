/* vtyroute.h - which FRR daemon takes each configuration command */
#pragma once

#include "util.h"

/* Where a command goes. ospfd and bfdd own every command of their blocks
 * in FRR 8.4 and 10.x alike; the rest (route-maps, prefix-lists, zebra's
 * lines) vtysh fans out to daemons that differ between versions (FRR 10
 * moved them to mgmtd), so those stay with vtysh. */
enum vty_target {
	VTY_OSPFD,
	VTY_BFDD,
	VTY_OSPF6D,
	VTY_VTYSH,
	VTY_TARGETS,
};

/* Split a batch of configuration-mode commands, as frrdiff makes it (a
 * block header, its lines, one "exit" per level), into one list per target,
 * each in the batch's order. A block goes whole to one target: `router
 * ospf`, and an interface with only `ip ospf` lines, to ospfd; `router
 * ospf6`, and an interface with only `ipv6 ospf6` lines, to ospf6d; `bfd`
 * to bfdd; anything else to vtysh. order (if not NULL): the targets that got
 * commands, by their first statement in the batch; *n_order of them. */
void vtyroute_split(const struct strv *cmds, struct strv out[VTY_TARGETS],
                    enum vty_target order[VTY_TARGETS], size_t *n_order);

const char *vtyroute_daemon(enum vty_target t);

/* Does line, at block depth depth (0: the configuration node), open a
 * block that one "exit" closes? */
bool vtyroute_opens_block(const char *line, unsigned depth);

/* The index after the block that the header cmds->v[i], at depth, opens:
 * its lines and the "exit" that closes it. */
size_t vtyroute_block_end(const struct strv *cmds, size_t i, unsigned depth);
