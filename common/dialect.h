/* dialect.h - the OSPF dialect of a mesh link while hosts are taken over
 * one at a time: a link whose hand-made neighbour still runs it as a
 * broadcast network stays broadcast until that neighbour runs proxmesh */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "frrconf.h"
#include "frrjson.h"

/* proxmesh sends this OSPF priority on every link it configures. On a
 * point-to-point link a priority means nothing; on a link kept broadcast
 * it leaves the hand-made neighbour the designated router. A neighbour
 * whose hellos carry it is taken to be run by proxmesh, any other
 * priority (FRR's default is 1) to be hand-made. */
#define DIALECT_PRIORITY 0

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
