/* authlog.h - ospfd's log lines saying a peer's packet failed authentication */
#pragma once

#include <net/if.h>
#include <stdbool.h>

/* Does ospfd's log message msg say that a packet received on an interface
 * failed authentication (a digest that does not match: another key; or a
 * key id this interface does not have)? FRR 8.4 to 10.7 log these at
 * warning level, one per packet, whatever the debug settings:
 *   "interface nic3:192.168.103.1: ospf_check_md5 checksum mismatch, Router-ID: …"
 *       (as the lab's FRR 8.4, 10.3 and 10.7 print it: the interface with
 *       its address)
 *   "interface nic3: ospf_check_md5 checksum mismatch"            (8.4)
 *   "interface nic3: ospf_check_md5 no key 1"                     (8.4)
 *   "interface nic3: ospf_check_md5 checksum mismatch, Router-ID: 192.168.102.2"
 *   "interface nic3: ospf_auth_check_md5_digest no key 2, Router-ID: …" (10.x)
 * possibly after FRR's "[XXXXX-XXXXX] " unique id. A bad sequence number is
 * not one (a neighbour restarting). On true, ifname holds the interface. */
bool authlog_failure(const char *msg, char ifname[static IFNAMSIZ]);
