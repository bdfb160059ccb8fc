/* frrdiff.h - the vtysh commands that turn the live FRR config into the desired one */
#pragma once

#include "frrconf.h"
#include "util.h"

/* Compute the configuration-mode commands (to run after "configure
 * terminal") that make live equal desired in what proxmesh owns: the
 * forwarding line, `router ospf`, the `ip ospf` lines of the interfaces
 * named in ifnames, bfd profile proxmesh, proxmesh-* route-maps and
 * prefix-lists and `ip protocol ospf route-map`. Everything else is left
 * alone. cmds stays empty when nothing differs. */
void frrdiff(const struct frrconf *desired, const struct frrconf *live, const struct strv *ifnames,
             struct strv *cmds);

/* The same commands with secrets (md5 keys) masked, for printing. */
char *frrdiff_mask_secret(const char *cmd);

/* Would these commands reset an OSPF (IPv4) adjacency that is up (a link
 * leaving or joining the area, its network type, timers or authentication,
 * the router id)? A cost, BFD timers, a route-map or any OSPFv3 line do
 * not: the bridges that carry traffic over such a reset are IPv4's. */
bool frrdiff_disruptive(const struct strv *cmds);
