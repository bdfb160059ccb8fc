/* bridge.h - bridge routes in the kernel: while a disruptive change resets
 * OSPF adjacencies, traffic to each neighbour's loopback goes straight over
 * the link to it (a host route in table BRIDGE_TABLE, chosen by a rule
 * before the main table); zebra and OSPF never see it */
#pragma once

#include <stdbool.h>

#include "bridgeplan.h"

#define BRIDGE_TABLE 32700    /* `ip route show table 32700` */
#define BRIDGE_PRIORITY 32700 /* `ip rule`: before main (32766) */

/* Route b->dst via b->gateway dev b->ifname in BRIDGE_TABLE (src b->src if
 * set and an address of this host, else none), then add the rule "to
 * b->dst lookup BRIDGE_TABLE". *err (owned) says what failed. */
int bridge_add(const struct bridge *b, char **err);

/* Remove the rule, then the route. A missing one is not an error. */
int bridge_remove(const struct bridge *b, char **err);

/* The bridges in place (one per rule; ifname empty when its route is
 * gone; src 0 when the route has none), and for each whether the main table has an OSPF route to
 * the same prefix (*routed, an array of out->n, free()). */
int bridge_list(struct bridges *out, bool **routed, char **err);
