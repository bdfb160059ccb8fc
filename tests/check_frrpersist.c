/* check_frrpersist.c - proxmesh's lines in FRR's startup configuration file */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "frrconf.h"
#include "frrpersist.h"
#include "testutil.h"

/* A file the way vtysh writes it, with foreign configuration around
 * proxmesh's (BGP as Proxmox SDN writes it, a static route, a description,
 * a bfd peer, another route-map, a key chain, a comment). */
static const char foreign_file[] =
	"frr version 8.4.4\n"
	"frr defaults traditional\n"
	"hostname pve-1\n"
	"log syslog informational\n"
	"service integrated-vtysh-config\n"
	"!\n"
	"! a comment of the operator's\n"
	"ip route 10.99.0.0/24 Null0\n"
	"!\n"
	"interface nic0\n"
	" description management\n"
	"exit\n"
	"!\n"
	"interface nic3\n"
	" description to pve-2\n"
	" ip ospf area 0.0.0.0\n"
	" ip ospf cost 999\n"
	"exit\n"
	"!\n"
	"router bgp 65000\n"
	" bgp router-id 192.168.102.1\n"
	" !\n"
	" address-family l2vpn evpn\n"
	"  advertise-all-vni\n"
	" exit-address-family\n"
	"exit\n"
	"!\n"
	"router ospf\n"
	" ospf router-id 192.168.102.9\n"
	" network 192.168.103.0/30 area 0.0.0.0\n"
	"exit\n"
	"!\n"
	"route-map MGMT permit 10\n"
	" set src 10.0.0.1\n"
	"exit\n"
	"!\n"
	"route-map proxmesh-old permit 10\n"
	"exit\n"
	"!\n"
	"key chain k1\n"
	" key 1\n"
	"  key-string secret\n"
	" exit\n"
	"exit\n"
	"!\n"
	"bfd\n"
	" peer 10.0.0.9\n"
	" exit\n"
	" !\n"
	" profile proxmesh\n"
	"  transmit-interval 300\n"
	" exit\n"
	" !\n"
	"exit\n"
	"!\n"
	"line vty\n"
	"!\n"
	"end\n";

/* Lines of the file that are proxmesh's (a part of each), and what of
 * them must be gone after patching. */
static const char *const owned_marks[] = {
	"ip ospf ", "router ospf", "ospf router-id", "network ", "route-map proxmesh-old",
	"profile proxmesh", "transmit-interval 300",
};
static const char *const gone[] = {
	"ip ospf cost 999", "192.168.102.9", " network 192.168", "proxmesh-old",
	"transmit-interval 300",
};

static struct frrconf want;
static struct strv ifnames;
static struct config *conf;

static void
setup(void)
{
	conf = tu_parse_data("config/reference.conf");
	tu_node_desired(conf, "pve-1", &want, &ifnames);
}

static void
teardown(void)
{
	frrconf_free(&want);
	strv_free(&ifnames);
	config_free(conf);
}

/* Is every line of a that is not proxmesh's in b, in the same order? ("!"
 * and "exit…" lines may go with a block that was proxmesh's.) */
static bool
kept_in_order(const char *a, const char *b)
{
	const char *pos = b;

	for (const char *l = a; *l;) {
		const char *e = strchrnul(l, '\n');
		_cleanup_free_ char *line = xstrndup(l, (size_t)(e - l) + (*e == '\n'));
		const char *t = line + strspn(line, " ");
		bool skip = *t == '!' || !strncmp(t, "exit", 4);

		for (size_t i = 0; i < ARRAY_SIZE(owned_marks); i++)
			skip |= strstr(line, owned_marks[i]) != NULL;
		l = *e ? e + 1 : e;
		if (skip)
			continue;
		pos = strstr(pos, line);
		if (pos == NULL)
			return false;
		pos += strlen(line);
	}
	return true;
}

START_TEST(foreign_lines_stay)
{
	_cleanup_free_ char *out = frrpersist_patch(foreign_file, &want, &ifnames);
	_cleanup_free_ char *again = frrpersist_patch(out, &want, &ifnames);

	ck_assert_int_eq(frrpersist_in_sync(foreign_file, &want, &ifnames), 0);
	ck_assert_int_eq(frrpersist_in_sync(out, &want, &ifnames), 1);
	ck_assert_msg(kept_in_order(foreign_file, out), "foreign lines lost or moved:\n%s", out);
	for (size_t i = 0; i < ARRAY_SIZE(gone); i++)
		ck_assert_msg(strstr(out, gone[i]) == NULL, "\"%s\" left in:\n%s", gone[i], out);
	/* proxmesh's lines go into the blocks the file has */
	ck_assert_ptr_nonnull(strstr(out, "interface nic3\n ip ospf area 0.0.0.0\n"));
	ck_assert_ptr_nonnull(strstr(out, " ip ospf cost 200\n ip ospf dead-interval 3\n"));
	ck_assert_ptr_nonnull(strstr(out, " description to pve-2\nexit\n"));
	ck_assert_ptr_nonnull(strstr(out, "bfd\n profile proxmesh\n  transmit-interval 100\n"));
	ck_assert_ptr_nonnull(strstr(out, " peer 10.0.0.9\n"));
	/* the rest before "end" */
	ck_assert_ptr_nonnull(strstr(out, "router ospf\n ospf router-id 192.168.102.1\n"));
	ck_assert_ptr_nonnull(strstr(out, "ip protocol ospf route-map proxmesh-src\n!\nend\n"));
	ck_assert_str_eq(again, out);
}
END_TEST

START_TEST(handmade_taken_over)
{
	_cleanup_free_ char *file = tu_read_frr("8.4", "pbs.handmade.running-config.txt");
	_cleanup_free_ char *out = frrpersist_patch(file, &want, &ifnames);

	ck_assert_int_eq(frrpersist_in_sync(out, &want, &ifnames), 1);
	ck_assert_ptr_null(strstr(out, " network 192.168"));
	ck_assert_ptr_null(strstr(out, "redistribute"));
	ck_assert_ptr_nonnull(strstr(out, "hostname vm\nno ipv6 forwarding\n"));
	/* the interfaces had only OSPF lines: their blocks were ours */
	ck_assert_ptr_null(strstr(out, "interface nic3\n ip ospf cost 10\n"));
	ck_assert_ptr_nonnull(strstr(out, "interface nic3\n ip ospf area 0.0.0.0\n"));
}
END_TEST

START_TEST(written_by_frr_in_sync)
{
	static const char *const nodes[] = {"pve-1", "pve-2", "pbs"};

	/* What FRR printed after proxmesh configured it is what proxmesh writes. */
	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++) {
		_cleanup_free_ char *name = xasprintf("frr-8.4/%s.rendered.running-config.txt", nodes[i]);
		_cleanup_free_ char *file = tu_read_data(name);
		_cleanup_free_ char *out = NULL;
		struct frrconf node;
		struct strv names;

		tu_node_desired(conf, nodes[i], &node, &names);
		ck_assert_int_eq(frrpersist_in_sync(file, &node, &names), 1);
		out = frrpersist_patch(file, &node, &names);
		ck_assert_int_eq(frrpersist_in_sync(out, &node, &names), 1);
		frrconf_free(&node);
		strv_free(&names);
	}
}
END_TEST

START_TEST(empty_file)
{
	_cleanup_free_ char *out = frrpersist_patch("", &want, &ifnames);
	_cleanup_free_ char *rendered = frrconf_format(&want);

	ck_assert_str_eq(out, rendered);
	ck_assert_int_eq(frrpersist_in_sync(out, &want, &ifnames), 1);
	ck_assert_int_eq(frrpersist_in_sync("", &want, &ifnames), 0);
}
END_TEST

START_TEST(nothing_wanted)
{
	struct frrconf none = {0};
	_cleanup_free_ char *out = frrpersist_patch(foreign_file, &none, &ifnames);

	ck_assert_int_eq(frrpersist_in_sync(out, &none, &ifnames), 1);
	ck_assert_ptr_null(strstr(out, "router ospf"));
	ck_assert_ptr_null(strstr(out, "profile proxmesh"));
	ck_assert_ptr_nonnull(strstr(out, "bfd\n peer 10.0.0.9\n exit\n !\nexit\n"));
	ck_assert_ptr_nonnull(strstr(out, "interface nic3\n description to pve-2\nexit\n"));
	ck_assert_ptr_nonnull(strstr(out, "router bgp 65000\n"));
}
END_TEST

/* Written by hand, indentation only: the profile ends where its lines do. */
START_TEST(profile_without_exit)
{
	static const char file[] = "bfd\n"
	                           " profile proxmesh\n"
	                           "  transmit-interval 300\n"
	                           " peer 10.0.0.9\n"
	                           "  detect-multiplier 5\n"
	                           "!\n";
	_cleanup_free_ char *out = frrpersist_patch(file, &want, &ifnames);

	ck_assert_int_eq(frrpersist_in_sync(out, &want, &ifnames), 1);
	ck_assert_ptr_null(strstr(out, "transmit-interval 300"));
	ck_assert_ptr_nonnull(strstr(out, " peer 10.0.0.9\n  detect-multiplier 5\n"));
}
END_TEST

START_TEST(unparsable)
{
	ck_assert_int_eq(frrpersist_in_sync("hostname a\x01\n", &want, &ifnames), -EINVAL);
}
END_TEST

static Suite *
frrpersist_suite(void)
{
	Suite *s = suite_create("frrpersist");
	TCase *tc = tcase_create("frrpersist");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, foreign_lines_stay);
	tcase_add_test(tc, handmade_taken_over);
	tcase_add_test(tc, written_by_frr_in_sync);
	tcase_add_test(tc, empty_file);
	tcase_add_test(tc, nothing_wanted);
	tcase_add_test(tc, profile_without_exit);
	tcase_add_test(tc, unparsable);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(frrpersist_suite());
}
