/* check_vtyroute.c - which FRR daemon takes each configuration command */
#include <check.h>
#include <string.h>

#include "testutil.h"
#include "vtyroute.h"

static enum vty_target order[VTY_TARGETS];
static size_t n_order;

/* Split cmds (NULL-terminated) and return the target lists joined by '|'. */
static void
split(const char *const *cmds, char *got[VTY_TARGETS])
{
	struct strv in = {0}, out[VTY_TARGETS] = {{0}};

	for (size_t i = 0; cmds[i]; i++)
		strv_push_dup(&in, cmds[i]);
	vtyroute_split(&in, out, order, &n_order);
	for (int t = 0; t < VTY_TARGETS; t++) {
		got[t] = xstrdup("");
		for (size_t i = 0; i < out[t].n; i++) {
			char *next = xasprintf("%s%s%s", got[t], i ? "|" : "", out[t].v[i]);

			free(got[t]);
			got[t] = next;
		}
		strv_free(&out[t]);
	}
	strv_free(&in);
}

static void
free_got(char *got[VTY_TARGETS])
{
	for (int t = 0; t < VTY_TARGETS; t++)
		free(got[t]);
}

START_TEST(cost_change_to_ospfd)
{
	static const char *const cmds[] = {"interface nic3", "ip ospf cost 150", "exit", NULL};
	char *got[VTY_TARGETS];

	split(cmds, got);
	ck_assert_str_eq(got[VTY_OSPFD], "interface nic3|ip ospf cost 150|exit");
	ck_assert_str_eq(got[VTY_BFDD], "");
	ck_assert_str_eq(got[VTY_VTYSH], "");
	ck_assert_uint_eq(n_order, 1);
	ck_assert_int_eq(order[0], VTY_OSPFD);
	free_got(got);
}
END_TEST

/* A first apply on an endpoint with a loopback, as frrdiff orders it. */
START_TEST(first_apply_split)
{
	static const char *const cmds[] = {
	    "no ip forwarding",
	    "bfd", "profile proxmesh", "transmit-interval 100", "exit", "exit",
	    "route-map proxmesh-src permit 10", "set src 192.168.103.254", "exit",
	    "interface lo", "ip ospf area 0.0.0.0", "ip ospf passive", "exit",
	    "router ospf", "ospf router-id 192.168.102.3", "max-metric router-lsa administrative",
	    "exit",
	    "ip protocol ospf route-map proxmesh-src",
	    "router ospf", "no redistribute connected", "exit",
	    NULL,
	};
	char *got[VTY_TARGETS];

	split(cmds, got);
	ck_assert_str_eq(got[VTY_OSPFD],
	                 "interface lo|ip ospf area 0.0.0.0|ip ospf passive|exit|router ospf|"
	                 "ospf router-id 192.168.102.3|max-metric router-lsa administrative|exit|"
	                 "router ospf|no redistribute connected|exit");
	ck_assert_str_eq(got[VTY_BFDD], "bfd|profile proxmesh|transmit-interval 100|exit|exit");
	ck_assert_str_eq(got[VTY_VTYSH], "no ip forwarding|route-map proxmesh-src permit 10|"
	                                 "set src 192.168.103.254|exit|"
	                                 "ip protocol ospf route-map proxmesh-src");
	ck_assert_uint_eq(n_order, 3);
	ck_assert_int_eq(order[0], VTY_VTYSH);
	ck_assert_int_eq(order[1], VTY_BFDD);
	ck_assert_int_eq(order[2], VTY_OSPFD);
	free_got(got);
}
END_TEST

START_TEST(removals)
{
	/* in frrdiff's phases: removals, unreferencing, undefining */
	static const char *const cmds[] = {
	    "interface nic3", "no ip ospf bfd profile proxmesh", "no ip ospf area", "exit",
	    "no ip protocol ospf route-map proxmesh-src",
	    "bfd", "no profile proxmesh", "exit",
	    "no route-map proxmesh-src permit 10",
	    "no router ospf",
	    NULL,
	};
	char *got[VTY_TARGETS];

	split(cmds, got);
	ck_assert_str_eq(got[VTY_OSPFD],
	                 "interface nic3|no ip ospf bfd profile proxmesh|no ip ospf area|exit|"
	                 "no router ospf");
	ck_assert_str_eq(got[VTY_BFDD], "bfd|no profile proxmesh|exit");
	ck_assert_str_eq(got[VTY_VTYSH], "no ip protocol ospf route-map proxmesh-src|"
	                                 "no route-map proxmesh-src permit 10");
	/* ospfd lets go of the profile before bfdd removes it */
	ck_assert_uint_eq(n_order, 3);
	ck_assert_int_eq(order[0], VTY_OSPFD);
	ck_assert_int_eq(order[2], VTY_BFDD);
	free_got(got);
}
END_TEST

/* An interface block with anything but OSPF lines is vtysh's, whole. */
START_TEST(unknown_goes_to_vtysh)
{
	static const char *const cmds[] = {
	    "interface nic3", "ip ospf cost 5", "ip address 10.0.0.1/30", "exit",
	    "router bgp 65000", "bgp router-id 1.1.1.1", "exit",
	    "interface nic4", "ip ospf cost 7", "exit",
	    "exit", /* stray */
	    NULL,
	};
	char *got[VTY_TARGETS];

	split(cmds, got);
	ck_assert_str_eq(got[VTY_VTYSH], "interface nic3|ip ospf cost 5|ip address 10.0.0.1/30|exit|"
	                                 "router bgp 65000|bgp router-id 1.1.1.1|exit|exit");
	ck_assert_str_eq(got[VTY_OSPFD], "interface nic4|ip ospf cost 7|exit");
	ck_assert_str_eq(got[VTY_BFDD], "");
	ck_assert_str_eq(vtyroute_daemon(VTY_BFDD), "bfdd");
	free_got(got);
}
END_TEST

/* OSPFv3's blocks go to ospf6d, each family's interface lines to its own
 * daemon; an interface block mixing both (not what frrdiff makes) goes to
 * vtysh, which fans it out. */
START_TEST(ospf6_to_ospf6d)
{
	static const char *const cmds[] = {
	    "no ipv6 forwarding",
	    "router ospf6", "ospf6 router-id 192.168.102.3", "timers lsa min-arrival 50", "exit",
	    "interface nic3", "ip ospf cost 65535", "exit",
	    "interface nic3", "ipv6 ospf6 network point-to-point", "ipv6 ospf6 area 0.0.0.0", "exit",
	    "interface nic4", "ip ospf cost 5", "ipv6 ospf6 cost 5", "exit",
	    "interface lo", "no ipv6 ospf6 passive", "exit",
	    NULL,
	};
	char *got[VTY_TARGETS];

	split(cmds, got);
	ck_assert_str_eq(got[VTY_OSPF6D],
	                 "router ospf6|ospf6 router-id 192.168.102.3|timers lsa min-arrival 50|exit|"
	                 "interface nic3|ipv6 ospf6 network point-to-point|ipv6 ospf6 area 0.0.0.0|"
	                 "exit|interface lo|no ipv6 ospf6 passive|exit");
	ck_assert_str_eq(got[VTY_OSPFD], "interface nic3|ip ospf cost 65535|exit");
	ck_assert_str_eq(got[VTY_VTYSH],
	                 "no ipv6 forwarding|interface nic4|ip ospf cost 5|ipv6 ospf6 cost 5|exit");
	ck_assert_uint_eq(n_order, 3);
	ck_assert_int_eq(order[0], VTY_VTYSH);
	ck_assert_int_eq(order[1], VTY_OSPF6D);
	ck_assert_int_eq(order[2], VTY_OSPFD);
	ck_assert_str_eq(vtyroute_daemon(VTY_OSPF6D), "ospf6d");
	ck_assert_str_eq(vtyroute_daemon(VTY_VTYSH), "vtysh");
	free_got(got);
}
END_TEST

static Suite *
vtyroute_suite(void)
{
	Suite *s = suite_create("vtyroute");
	TCase *tc = tcase_create("vtyroute");

	tcase_add_test(tc, cost_change_to_ospfd);
	tcase_add_test(tc, first_apply_split);
	tcase_add_test(tc, removals);
	tcase_add_test(tc, unknown_goes_to_vtysh);
	tcase_add_test(tc, ospf6_to_ospf6d);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(vtyroute_suite());
}
