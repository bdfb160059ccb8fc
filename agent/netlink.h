/* netlink.h - the live interfaces through rtnetlink (libnl-route-3) */
#pragma once

#include <stdbool.h>

#include "ifdiff.h"
#include "ifplan.h"

struct nl_sock;
struct nl_cache;

/* A NETLINK_ROUTE socket; *err (may be NULL) says why not. */
int nl_open(struct nl_sock **out, char **err);
/* For _cleanup_(): free a socket or cache if set. */
void nl_sockp(struct nl_sock **sk);
void nl_cachep(struct nl_cache **c);

/* Read the live state the diff needs: the interfaces of ifdiff_ifnames()
 * (existence, index, flags, MTU, IPv4 addresses with labels) and the current
 * values of the plan's sysctls. */
int nl_read_state(const struct ifplan *plan, const struct ifaddr_list *previous,
                  struct live_state *out, char **err);

/* Read the live state and compute the changes (see ifdiff_compute). */
int nl_plan(const struct ifplan *plan, const struct ifaddr_list *previous, struct if_changes *out,
            char **err);

/* Apply the changes in order, going on after a failure; each failure is one
 * message in errors. Returns the number of failures, or a negative errno
 * when netlink cannot be used at all. */
int nl_apply(const struct if_changes *ch, struct strv *errors);

/* Is this RTM_NEWROUTE/RTM_DELROUTE an IPv4 or IPv6 route of the tables proxmesh
 * looks at (main: OSPF's routes; BRIDGE_TABLE)? Routes of other tables
 * (Proxmox SDN's EVPN/BGP VRFs, anything else) are ignored, however many. */
struct nlmsghdr;
bool nl_route_msg_watched(const struct nlmsghdr *h);

/* A netlink socket subscribed to link, address and route events (IPv4 and IPv6). */
struct nl_monitor;

int nl_monitor_open(struct nl_monitor **out);
void nl_monitor_free(struct nl_monitor *m);
/* The non-blocking fd to watch for input (e.g. with sd-event). */
int nl_monitor_fd(const struct nl_monitor *m);
/* Read every pending event; true if one concerns the plan (a planned
 * interface appeared, changed or went away, a planned address vanished) or
 * events were lost. *routes_changed (may be NULL) tells whether an IPv4
 * route came or went in a watched table (nl_route_msg_watched), which is
 * when health should be looked at again. */
bool nl_monitor_drain(struct nl_monitor *m, const struct ifplan *plan, bool *routes_changed);
