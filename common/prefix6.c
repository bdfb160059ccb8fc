/* prefix6.c - IPv6 prefixes of the address plan (DESIGN §3, §4) */
#include "prefix6.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

int
prefix6_parse(const char *s, struct prefix6 *out)
{
	char buf[INET6_ADDRSTRLEN];
	unsigned long len;

	if (parse_prefix_len(s, buf, sizeof(buf), 128, &len) < 0 ||
	    inet_pton(AF_INET6, buf, &out->addr) != 1)
		return -EINVAL;
	out->len = (uint8_t)len;
	return 0;
}

const char *
ip6_str(const struct in6_addr *a, char buf[static INET6_ADDRSTRLEN])
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

const char *
prefix6_str(const struct prefix6 *p, char buf[static PREFIX6_STRLEN])
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, PREFIX6_STRLEN, "%s/%u", ip6_str(&p->addr, a), p->len);
	return buf;
}

/* Do a and b agree on their first len bits? */
static bool
same_bits(const struct in6_addr *a, const struct in6_addr *b, unsigned len)
{
	unsigned full = len / 8, rest = len % 8;

	if (memcmp(a->s6_addr, b->s6_addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return ((a->s6_addr[full] ^ b->s6_addr[full]) & mask) == 0;
}

bool
ip6_global_unicast(const struct in6_addr *a)
{
	return !IN6_IS_ADDR_LINKLOCAL(a) && !IN6_IS_ADDR_MULTICAST(a) &&
	       !IN6_IS_ADDR_UNSPECIFIED(a) && !IN6_IS_ADDR_LOOPBACK(a) &&
	       !IN6_IS_ADDR_V4MAPPED(a) && !IN6_IS_ADDR_SITELOCAL(a);
}

bool
prefix6_host_bits(const struct prefix6 *p)
{
	struct in6_addr net = p->addr;

	for (unsigned bit = p->len; bit < 128; bit++)
		net.s6_addr[bit / 8] &= (uint8_t) ~(0x80 >> (bit % 8));
	return memcmp(&net, &p->addr, sizeof(net)) != 0;
}

bool
prefix6_overlaps(const struct prefix6 *a, const struct prefix6 *b)
{
	return same_bits(&a->addr, &b->addr, a->len < b->len ? a->len : b->len);
}

bool
prefix6_contains(const struct prefix6 *p, const struct in6_addr *a)
{
	return same_bits(&p->addr, a, p->len);
}

int
prefix6_add(const struct in6_addr *base, uint64_t n, unsigned shift_len, struct in6_addr *out)
{
	unsigned shift = 128 - shift_len;
	uint64_t hi = 0, lo = 0, add_hi, add_lo, sum_lo, carry;

	if (shift_len == 0 || shift_len > 128)
		return -ERANGE;
	for (int i = 0; i < 8; i++) {
		hi = hi << 8 | base->s6_addr[i];
		lo = lo << 8 | base->s6_addr[8 + i];
	}
	/* n << shift as 128 bits */
	if (shift >= 64) {
		if (shift - 64 > 0 && (n >> (128 - shift)) != 0)
			return -ERANGE;
		add_hi = n << (shift - 64);
		add_lo = 0;
	} else {
		add_hi = shift == 0 ? 0 : n >> (64 - shift);
		add_lo = n << shift;
	}
	sum_lo = lo + add_lo;
	carry = sum_lo < lo;
	if (hi > UINT64_MAX - add_hi || (carry && hi + add_hi == UINT64_MAX))
		return -ERANGE;
	hi += add_hi + carry;
	for (int i = 7; i >= 0; i--) {
		out->s6_addr[i] = (uint8_t)hi;
		out->s6_addr[8 + i] = (uint8_t)sum_lo;
		hi >>= 8;
		sum_lo >>= 8;
	}
	return 0;
}
