/* dialect.h - the OSPF dialect of a mesh link while hosts are taken over
 * one at a time: a link whose hand-made neighbour still runs it as a
 * broadcast network stays broadcast until that neighbour runs proxmesh */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "frrconf.h"
#include "frrjson.h"

/* proxmesh sends this OSPF priority on every link it configures. On a
 * point-to-point link a priority means nothing; on a link kept broadcast
 * it leaves the hand-made neighbour the designated router. A neighbour
 * whose hellos carry it is taken to be run by proxmesh, any other
 * priority (FRR's default is 1) to be hand-made. */
#define DIALECT_PRIORITY 0
/* ... and this one on a link kept broadcast for a hand-made neighbour.
 * Raising a priority changes no designated router (an elected one stays
 * until it goes), where lowering it to 0 made a designated router resign:
 * the link's LSAs changed at once on both ends, and the hand-made
 * neighbour (FRR's defaults: it takes an LSA at most once a second, and
 * gets one it dropped again only after 5 s) routed nothing to us for
 * those 5 s (lab, 2026-12-04). */
#define DIALECT_COMPAT_PRIORITY 254

/* Is a neighbour whose hellos carry this priority run by proxmesh? */
bool dialect_by_proxmesh(int priority);

/* A link FRR runs as a broadcast network (its interface block in the live
 * configuration has no "ip ospf network point-to-point") with a neighbour
 * that is not run by proxmesh: it stays broadcast, or the two ends would
 * disagree about the link and SPF would route nothing over it. *who gets
 * that neighbour's router id. A link already point-to-point stays so. */
bool dialect_compat(const struct frrconf *live, const char *ifname, const struct frr_neighbor *nb,
                    size_t n_nb, struct in_addr *who);

/* A link FRR runs as a broadcast network ("networkType" of show ip ospf
 * interface json) has a neighbour run by proxmesh: a pass would turn it
 * point-to-point now. The first such interface, or NULL. */
const char *dialect_switch_due(const struct frr_interface *ifs, size_t n_ifs,
                               const struct frr_neighbor *nb, size_t n_nb);

/* While a link of node n is kept broadcast for a hand-made neighbour, what
 * the live configuration routes by redistribution stays so in the desired
 * one: its redistribute lines are kept as they are, and the loopback stays
 * an external route of them (no area line, no network statement) when it
 * is not in OSPF yet. Making it a stub withdraws the external route at
 * once, while the hand-made neighbour (FRR's defaults: an LSA at most once
 * a second, one it dropped sent again 5 s later) may get the router LSA
 * with the stub only 5 s later: the PBS service address was cut for 5 s
 * in the lab (2026-12-04). Both go once every neighbour runs proxmesh. */
void dialect_keep_handmade(const struct frrconf *live, const struct config *c,
                           const struct node_conf *n, struct frrconf *desired);

/* Is the loopback of node n an external route of the live configuration's
 * hand-made redistribution ("redistribute connected", the loopback not in
 * OSPF)? Making it a stub withdraws that route at once: ospfd flushes the
 * external LSA of a prefix as soon as an interface of it joins OSPF,
 * whatever is still redistributed (FRR 8.4, lab 2026-12-04). The
 * neighbours route the stub only at their next SPF, which FRR holds back
 * up to a second (timers throttle spf) while links change around it: done
 * in the pass that turned the PBS's last link point-to-point, that cut the
 * PBS service address for 0.9-1.0 s (lab 26). So it is done only in a
 * quiet pass (reconcile.c). */
bool dialect_loopback_external(const struct frrconf *live, const struct node_conf *n);
