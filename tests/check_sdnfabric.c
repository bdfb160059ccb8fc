/* check_sdnfabric.c - Proxmox SDN fabrics that claim mesh links */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sdnfabric.h"
#include "testutil.h"

/* The lab's pve-1: nic3 to pve-2, nic4 to the PBS. */
static void
conflicts_of(const char *text, const char *node, struct sdn_conflicts *c)
{
	struct strv ifnames = {0};

	strv_push_dup(&ifnames, "nic3");
	strv_push_dup(&ifnames, "nic4");
	sdnfabric_conflicts(text, node, &ifnames, c);
	strv_free(&ifnames);
}

static char *
fixture(const char *name)
{
	_cleanup_free_ char *path = xasprintf("proxmox/%s", name);

	return tu_read_data(path);
}

START_TEST(ospf_fabric_claims_the_whole_host)
{
	_cleanup_free_ char *text = fixture("fabrics-ospf.cfg"), *said = NULL;
	struct sdn_conflicts c;

	conflicts_of(text, "pve-1", &c);
	ck_assert(c.whole_host);
	ck_assert_uint_eq(c.n, 3);
	ck_assert_str_eq(c.v[0].ifname, "");
	ck_assert_str_eq(c.v[0].fabric, "ceph");
	ck_assert_str_eq(c.v[0].protocol, "ospf");
	ck_assert_uint_eq(c.v[0].line, 5); /* ospf_node: ceph_pve-1 */
	ck_assert_str_eq(c.v[1].ifname, "nic3");
	ck_assert_uint_eq(c.v[1].line, 6);
	ck_assert_str_eq(c.v[2].ifname, "nic4");
	ck_assert(sdnfabric_claims(&c, "nic3"));
	ck_assert(sdnfabric_claims(&c, "eno1")); /* the whole host */
	said = sdnfabric_describe(&c, "/etc/pve/sdn/fabrics.cfg", "/etc/proxmesh/proxmesh.conf");
	ck_assert_str_eq(said, "/etc/pve/sdn/fabrics.cfg:5: Proxmox SDN's OSPF fabric \"ceph\" runs "
	                       "on this host, a second owner of router ospf beside the mesh in "
	                       "/etc/proxmesh/proxmesh.conf, and claims nic3, nic4: proxmesh changes "
	                       "nothing in FRR and leaves every link as it is until the fabric goes");
	sdnfabric_free(&c);
}
END_TEST

START_TEST(openfabric_claims_its_interfaces)
{
	_cleanup_free_ char *text = fixture("fabrics-openfabric.cfg"), *said = NULL;
	struct sdn_conflicts c;

	conflicts_of(text, "pve-1", &c);
	ck_assert(!c.whole_host);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_str_eq(c.v[0].ifname, "nic3");
	ck_assert_uint_eq(c.v[0].line, 6);
	/* "name=nic4,hello_multiplier=3" */
	ck_assert_str_eq(c.v[1].ifname, "nic4");
	ck_assert_str_eq(c.v[1].protocol, "openfabric");
	ck_assert(!sdnfabric_claims(&c, "eno1"));
	said = sdnfabric_describe(&c, "F", "C");
	ck_assert_str_eq(said, "F:6: Proxmox SDN's openfabric fabric \"mesh\" claims nic3, nic4 of "
	                       "the mesh in C: proxmesh leaves those links as they are until the "
	                       "fabric lets go (the other links are configured)");
	sdnfabric_free(&c);
}
END_TEST

START_TEST(other_nics_and_other_hosts_are_no_conflict)
{
	_cleanup_free_ char *other = fixture("fabrics-other-nics.cfg");
	_cleanup_free_ char *ospf = fixture("fabrics-ospf.cfg");
	struct sdn_conflicts c;

	conflicts_of(other, "pve-1", &c);
	ck_assert_uint_eq(c.n, 0);
	ck_assert(!c.whole_host);
	ck_assert_ptr_null(sdnfabric_describe(&c, "F", "C"));
	sdnfabric_free(&c);
	/* the PBS is in no fabric; "pve" is no node's name */
	conflicts_of(ospf, "pbs", &c);
	ck_assert_uint_eq(c.n, 0);
	sdnfabric_free(&c);
	conflicts_of(ospf, "pve", &c);
	ck_assert_uint_eq(c.n, 0);
	sdnfabric_free(&c);
	conflicts_of("", "pve-1", &c);
	ck_assert_uint_eq(c.n, 0);
	sdnfabric_free(&c);
}
END_TEST

/* What the parser must take from hand-edited or future files. */
START_TEST(lenient_on_layout)
{
	static const char text[] =
	    "# written by hand\r\n"
	    "openfabric_node: a_pve-1\r\n"
	    "        interfaces name=ens19,\r\n"     /* eight spaces, a trailing comma */
	    "        ip 10.0.0.1\r\n"
	    "        interfaces ip=10.1.1.1/31,name=nic4\r\n" /* name not first */
	    "\r\n"
	    "bgp_node: b_pve-1\n"                     /* a newer protocol, same rule */
	    "\tinterfaces name=nic3\n"
	    "wireguard_fabric: c\n"                   /* a fabric section: no node */
	    "\tinterfaces name=nic3\n"
	    "ospf_node:\n"                            /* no id */
	    "ospf_node: _pve-1\n"                     /* no fabric id */
	    "ospf_node: x_pve-10\n"                   /* another node */
	    "\n"
	    "\tinterfaces name=nic3\n"                /* outside any section */
	    "openfabric_node: d_pve-1\n"
	    "\tinterfaces name=nic4\n";              /* claimed already */
	struct sdn_conflicts c;

	conflicts_of(text, "pve-1", &c);
	ck_assert(!c.whole_host);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_str_eq(c.v[0].ifname, "nic4");
	ck_assert_str_eq(c.v[0].fabric, "a");
	ck_assert_uint_eq(c.v[0].line, 5);
	ck_assert_str_eq(c.v[1].ifname, "nic3");
	ck_assert_str_eq(c.v[1].protocol, "bgp");
	ck_assert_uint_eq(c.v[1].line, 8);
	sdnfabric_free(&c);
}
END_TEST

/* An OSPF fabric after another fabric's claim: the OSPF one comes first,
 * the sentence is about it. */
START_TEST(ospf_claim_first)
{
	static const char text[] = "openfabric_node: a_pve-1\n"
	                           "\tinterfaces name=nic3\n"
	                           "\n"
	                           "ospf_node: b_pve-1\n"
	                           "\tip 10.0.0.1\n";
	_cleanup_free_ char *said = NULL;
	struct sdn_conflicts c;

	conflicts_of(text, "pve-1", &c);
	ck_assert(c.whole_host);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_str_eq(c.v[0].ifname, "");
	ck_assert_str_eq(c.v[0].fabric, "b");
	ck_assert_uint_eq(c.v[0].line, 4);
	ck_assert_str_eq(c.v[1].ifname, "nic3");
	said = sdnfabric_describe(&c, "F", "C");
	ck_assert_str_eq(said, "F:4: Proxmox SDN's OSPF fabric \"b\" (and others) runs on this "
	                       "host, a second owner of router ospf beside the mesh in C, and claims "
	                       "nic3: proxmesh changes nothing in FRR and leaves every link as it is "
	                       "until the fabric goes");
	sdnfabric_free(&c);
}
END_TEST

static Suite *
sdnfabric_suite(void)
{
	Suite *s = suite_create("sdnfabric");
	TCase *tc = tcase_create("sdnfabric");

	tcase_add_test(tc, ospf_fabric_claims_the_whole_host);
	tcase_add_test(tc, openfabric_claims_its_interfaces);
	tcase_add_test(tc, other_nics_and_other_hosts_are_no_conflict);
	tcase_add_test(tc, lenient_on_layout);
	tcase_add_test(tc, ospf_claim_first);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(sdnfabric_suite());
}
