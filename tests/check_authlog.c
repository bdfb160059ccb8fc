/* check_authlog.c - ospfd's log lines saying a peer's packet failed authentication */
#include <check.h>
#include <string.h>

#include "authlog.h"
#include "testutil.h"

/* The lines as FRR prints them (ospfd/ospf_packet.c in 8.4, ospf_auth.c in
 * 10.3 and 10.7), with and without FRR's unique-id prefix. */
static const struct {
	const char *msg, *ifname; /* NULL: not an authentication failure */
} cases[] = {
    {"interface nic3: ospf_check_md5 checksum mismatch", "nic3"},
    /* as journalctl -t ospfd shows them in the lab (8.4 on Debian 12 and
     * 10.3): the interface with its address */
    {"[PZGE1-BMMXB][EC 134217740] interface nic3:192.168.103.1: ospf_check_md5 checksum "
     "mismatch, Router-ID: 192.168.102.2",
     "nic3"},
    {"[V7D22-N5HB9][EC 134217740] interface nic4:192.168.103.9: ospf_check_md5 checksum "
     "mismatch, Router-ID: 192.168.102.3",
     "nic4"},
    {"interface nic3:192.168.103.1 ospf_check_md5 checksum mismatch", NULL},
    {"[QQDSF-9N6TE] interface nic4: ospf_check_md5 checksum mismatch", "nic4"},
    {"interface nic3: ospf_check_md5 no key 2", "nic3"},
    {"interface nic3: ospf_check_md5 checksum mismatch, Router-ID: 192.168.102.2", "nic3"},
    {"[ZMN2P-6XXDA] interface enp1s0f1: ospf_auth_check_md5_digest no key 7, Router-ID: 192.168.102.1",
     "enp1s0f1"},
    {"interface nic3: ospf_check_hmac_sha checksum mismatch 20, Router-ID: 192.168.102.2", "nic3"},
    /* a neighbour that restarted, not another key */
    {"interface nic3: ospf_auth_check_md5_digest bad sequence 5 (expect >= 9), Router-ID: 1.1.1.1",
     NULL},
    {"interface nic3: ospf_read invalid Area ID 0.0.0.1", NULL},
    {"ospf_check_sum: checksum mismatch, my 1A2B, his 3C4D", NULL},
    {"interface : ospf_check_md5 checksum mismatch", NULL},
    {"interface a very long name: ospf_check_md5 checksum mismatch", NULL},
    {"interface nic3nic3nic3nic3nic3: ospf_check_md5 checksum mismatch", NULL},
    {"interface nic3 ospf_check_md5 checksum mismatch", NULL},
    {"", NULL},
};

START_TEST(recognises)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char ifname[IFNAMSIZ] = "unset";
		bool r = authlog_failure(cases[i].msg, ifname);

		ck_assert_msg(r == (cases[i].ifname != NULL), "%s", cases[i].msg);
		if (r)
			ck_assert_str_eq(ifname, cases[i].ifname);
		else
			ck_assert_str_eq(ifname, "unset");
	}
}
END_TEST

static Suite *
authlog_suite(void)
{
	Suite *s = suite_create("authlog");
	TCase *tc = tcase_create("authlog");

	tcase_add_test(tc, recognises);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(authlog_suite());
}
