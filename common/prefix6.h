/* prefix6.h - IPv6 prefixes of the address plan (DESIGN §3, §4) */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct prefix6 {
	struct in6_addr addr;
	uint8_t len; /* 0-128 */
};

/* "ADDR/LEN" into *out (host bits may be set): 0 or -EINVAL. */
int prefix6_parse(const char *s, struct prefix6 *out);

/* "ADDR/LEN" in the form inet_ntop writes (as FRR and ip print it). */
#define PREFIX6_STRLEN (INET6_ADDRSTRLEN + 4)
const char *prefix6_str(const struct prefix6 *p, char buf[static PREFIX6_STRLEN]);
const char *ip6_str(const struct in6_addr *a, char buf[static INET6_ADDRSTRLEN]);

/* May a be a mesh address (link subnet or loopback6)? Not link-local,
 * multicast, unspecified, ::1 or an IPv4-mapped address. */
bool ip6_global_unicast(const struct in6_addr *a);

/* Does p have bits set past its length? */
bool prefix6_host_bits(const struct prefix6 *p);

/* Do a and b share an address (one inside the other)? */
bool prefix6_overlaps(const struct prefix6 *a, const struct prefix6 *b);

/* Is a inside p? */
bool prefix6_contains(const struct prefix6 *p, const struct in6_addr *a);

/* p's network address plus n << (128 - shift_len): with shift_len a
 * subnet's length, the n-th subnet of that length; with 128, the n-th
 * address. -ERANGE when the sum leaves the address space. */
int prefix6_add(const struct in6_addr *base, uint64_t n, unsigned shift_len, struct in6_addr *out);
