/* check_prefix6.c - IPv6 prefixes of the address plan */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <string.h>

#include "testutil.h"

static struct in6_addr
a6(const char *s)
{
	struct in6_addr a;

	ck_assert_int_eq(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static struct prefix6
p6(const char *s)
{
	struct prefix6 p;

	ck_assert_msg(prefix6_parse(s, &p) == 0, "%s", s);
	return p;
}

START_TEST(test_parse)
{
	static const char *const bad[] = {
	    "",
	    "fd00::",
	    "fd00::/",
	    "fd00::/129",
	    "fd00::/-1",
	    "fd00::/64x",
	    "10.0.0.0/8",
	    "fd00:::1/64",
	    "/64",
	    "fd00::/ 64",
	    "g::/64",
	    "fd00::1/064000",
	    "1:2:3:4:5:6:7:8:9/64",
	};
	struct prefix6 p;
	char buf[PREFIX6_STRLEN];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_msg(prefix6_parse(bad[i], &p) == -EINVAL, "\"%s\" parsed", bad[i]);
	/* the form inet_ntop (and FRR, and ip) print */
	p = p6("FD0C:0103:0000::/56");
	ck_assert_uint_eq(p.len, 56);
	ck_assert_str_eq(prefix6_str(&p, buf), "fd0c:103::/56");
	p = p6("::/0");
	ck_assert_str_eq(prefix6_str(&p, buf), "::/0");
	p = p6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	ck_assert_str_eq(prefix6_str(&p, buf), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
}
END_TEST

START_TEST(test_host_bits)
{
	struct prefix6 p = p6("fd0c:103::/56");

	ck_assert(!prefix6_host_bits(&p));
	p = p6("fd0c:103:0:1::/56");
	ck_assert(prefix6_host_bits(&p));
	p = p6("fd0c:103:0:80::/57");
	ck_assert(!prefix6_host_bits(&p));
	p = p6("fd0c:103:0:40::/57");
	ck_assert(prefix6_host_bits(&p));
	p = p6("fd0c::1/128");
	ck_assert(!prefix6_host_bits(&p));
	p = p6("fd0c::1/127");
	ck_assert(prefix6_host_bits(&p));
}
END_TEST

START_TEST(test_overlaps)
{
	struct prefix6 pool = p6("fd0c:103::/56"), link = p6("fd0c:103:0:ff::/64"),
	               out = p6("fd0c:103:0:100::/64"), lo = p6("fd0c:103:0:ff::9/128");
	struct in6_addr x = a6("fd0c:103:0:ff::9");

	ck_assert(prefix6_overlaps(&pool, &link) && prefix6_overlaps(&link, &pool));
	ck_assert(!prefix6_overlaps(&pool, &out) && !prefix6_overlaps(&out, &pool));
	ck_assert(prefix6_overlaps(&lo, &link));
	ck_assert(prefix6_contains(&link, &x));
	ck_assert(!prefix6_contains(&out, &x));
	/* lengths that are not a multiple of 8 */
	struct prefix6 a = p6("fd0c:103:0:80::/57"), b = p6("fd0c:103:0:7f::/64");
	ck_assert(!prefix6_overlaps(&a, &b));
	b = p6("fd0c:103:0:81::/64");
	ck_assert(prefix6_overlaps(&a, &b));
}
END_TEST

START_TEST(test_add)
{
	struct in6_addr base = a6("fd0c:103::"), out;
	char buf[INET6_ADDRSTRLEN];

	ck_assert_int_eq(prefix6_add(&base, 0, 64, &out), 0);
	ck_assert_str_eq(ip6_str(&out, buf), "fd0c:103::");
	ck_assert_int_eq(prefix6_add(&base, 0x1234, 64, &out), 0);
	ck_assert_str_eq(ip6_str(&out, buf), "fd0c:103:0:1234::");
	ck_assert_int_eq(prefix6_add(&base, 5, 127, &out), 0);
	ck_assert_str_eq(ip6_str(&out, buf), "fd0c:103::a");
	ck_assert_int_eq(prefix6_add(&base, 2, 128, &out), 0);
	ck_assert_str_eq(ip6_str(&out, buf), "fd0c:103::2");
	/* a carry from the low 64 bits into the high ones */
	base = a6("fd0c:103:0:ff:ffff:ffff:ffff:ffff");
	ck_assert_int_eq(prefix6_add(&base, 1, 128, &out), 0);
	ck_assert_str_eq(ip6_str(&out, buf), "fd0c:103:0:100::");
	/* shifts across the 64-bit boundary */
	base = a6("::");
	ck_assert_int_eq(prefix6_add(&base, 3, 62, &out), 0);
	ck_assert_str_eq(ip6_str(&out, buf), "0:0:0:c::");
	ck_assert_int_eq(prefix6_add(&base, 1, 1, &out), 0);
	ck_assert_str_eq(ip6_str(&out, buf), "8000::");
	/* out of the address space */
	ck_assert_int_eq(prefix6_add(&base, 2, 1, &out), -ERANGE);
	base = a6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	ck_assert_int_eq(prefix6_add(&base, 1, 128, &out), -ERANGE);
	base = a6("ffff:ffff:ffff:ffff::");
	ck_assert_int_eq(prefix6_add(&base, 1, 64, &out), -ERANGE);
	ck_assert_int_eq(prefix6_add(&base, 1, 0, &out), -ERANGE);
	ck_assert_int_eq(prefix6_add(&base, 1, 129, &out), -ERANGE);
}
END_TEST

START_TEST(test_unicast)
{
	static const struct {
		const char *addr;
		bool ok;
	} cases[] = {
	    {"fd0c:103::1", true},      {"2001:db8::1", true}, {"fe80::1", false},
	    {"ff02::5", false},         {"::", false},         {"::1", false},
	    {"::ffff:10.0.0.1", false}, {"fec0::1", false},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct in6_addr a = a6(cases[i].addr);

		ck_assert_msg(ip6_global_unicast(&a) == cases[i].ok, "%s", cases[i].addr);
	}
}
END_TEST

static Suite *
prefix6_suite(void)
{
	Suite *s = suite_create("prefix6");
	TCase *tc = tcase_create("prefix6");

	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_host_bits);
	tcase_add_test(tc, test_overlaps);
	tcase_add_test(tc, test_add);
	tcase_add_test(tc, test_unicast);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(prefix6_suite());
}
