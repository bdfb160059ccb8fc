/* check_frrsend.c - a batch of configuration commands, each to the daemon that takes it,
 * against fake ospfd and bfdd sockets and a fake vtysh */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frrsend.h"
#include "testutil.h"

static struct vtysh vt;
static struct frrsend s;

/* A vtysh that writes its arguments to tu_tmpdir/vtysh.got, one per line,
 * echoes each command as vtysh -E does, and stops with exit status 1 at a
 * command listed in tu_tmpdir/vtysh.refuse, as vtysh -c does. */
static void
setup(void)
{
	_cleanup_free_ char *path = NULL, *script = NULL;

	tu_tmpdir_setup();
	path = xasprintf("%s/vtysh", tu_tmpdir);
	script = xasprintf("#!/bin/sh\nd=%s\nfor a; do echo \"$a\"; done >>$d/vtysh.got\n"
	                   "p=\nfor a; do\n"
	                   "  if [ \"$p\" = -c ]; then\n"
	                   "    echo \"pve-1(config)# $a\"\n"
	                   "    if grep -qxF -- \"$a\" $d/vtysh.refuse 2>/dev/null; then\n"
	                   "      echo \"%% Unknown command: $a\"; exit 1\n"
	                   "    fi\n"
	                   "  fi\n"
	                   "  p=$a\n"
	                   "done\n",
	                   tu_tmpdir);
	ck_assert_int_eq(write_file_atomic(path, script, strlen(script), 0755), 0);
	setenv("PROXMESH_VTYSH", path, 1);
	setenv("PROXMESH_FRR_VTY_DIR", tu_tmpdir, 1);
	vtysh_init(&vt);
	s = (struct frrsend){.vtysh = &vt};
}

static void
teardown(void)
{
	frrsend_free(&s);
	unsetenv("PROXMESH_VTYSH");
	unsetenv("PROXMESH_FRR_VTY_DIR");
	tu_tmpdir_teardown();
}

static void
batch(struct strv *cmds, const char *const *lines)
{
	*cmds = (struct strv){0};
	for (size_t i = 0; lines[i]; i++)
		strv_push_dup(cmds, lines[i]);
}

static char *
vtysh_got(void)
{
	_cleanup_free_ char *path = xasprintf("%s/vtysh.got", tu_tmpdir);
	char *got = NULL;

	return read_file(path, 65536, &got, NULL) == 0 ? got : NULL;
}

/* A first apply's batch: each part to its daemon, clear after ospfd's. */
START_TEST(parts_to_their_daemons)
{
	static const char *const lines[] = {
	    "route-map proxmesh-src permit 10", "set src 192.168.102.1", "exit",
	    "bfd", "profile proxmesh", "transmit-interval 100", "exit", "exit",
	    "interface nic3", "ip ospf cost 10", "exit",
	    "ip protocol ospf route-map proxmesh-src",
	    NULL,
	};
	pid_t ospfd = tu_fake_vty(tu_tmpdir, "ospfd", NULL);
	pid_t bfdd = tu_fake_vty(tu_tmpdir, "bfdd", NULL);
	_cleanup_free_ char *error = NULL, *o = NULL, *b = NULL, *v = NULL;
	struct strv cmds;

	batch(&cmds, lines);
	ck_assert_int_eq(frrsend(&s, &cmds, true, &error), 0);
	ck_assert_ptr_null(error);
	ck_assert_uint_eq(s.refused.n, 0);
	o = tu_fake_vty_got(ospfd, tu_tmpdir, "ospfd");
	b = tu_fake_vty_got(bfdd, tu_tmpdir, "bfdd");
	v = vtysh_got();
	ck_assert_str_eq(o, "enable\nconfigure terminal\ninterface nic3\nip ospf cost 10\nexit\nend\n"
	                    "clear ip ospf process\n");
	ck_assert_str_eq(b, "enable\nconfigure terminal\nbfd\nprofile proxmesh\n"
	                    "transmit-interval 100\nexit\nexit\nend\n");
	ck_assert_str_eq(v, "-E\n-c\nconfigure terminal\n-c\nroute-map proxmesh-src permit 10\n"
	                    "-c\nset src 192.168.102.1\n-c\nexit\n"
	                    "-c\nip protocol ospf route-map proxmesh-src\n-c\nend\n");
	ck_assert_uint_eq(s.sessions, 2);
	ck_assert_uint_eq(vt.calls, 1);
	strv_free(&cmds);
}
END_TEST

/* A cost change starts no vtysh; a router id in use that is not ours is
 * cleared even with nothing else for ospfd. */
START_TEST(no_vtysh_for_ospf)
{
	static const char *const lines[] = {"bfd", "profile proxmesh", "detect-multiplier 5",
	                                    "exit", "exit", NULL};
	pid_t ospfd = tu_fake_vty(tu_tmpdir, "ospfd", NULL);
	pid_t bfdd = tu_fake_vty(tu_tmpdir, "bfdd", NULL);
	_cleanup_free_ char *error = NULL, *o = NULL, *b = NULL;
	struct strv cmds;

	batch(&cmds, lines);
	ck_assert_int_eq(frrsend(&s, &cmds, true, &error), 0);
	o = tu_fake_vty_got(ospfd, tu_tmpdir, "ospfd");
	b = tu_fake_vty_got(bfdd, tu_tmpdir, "bfdd");
	ck_assert_str_eq(o, "enable\nconfigure terminal\nend\nclear ip ospf process\n");
	ck_assert_ptr_nonnull(strstr(b, "detect-multiplier 5\n"));
	ck_assert_ptr_null(vtysh_got());
	ck_assert_uint_eq(vt.calls, 0);
	strv_free(&cmds);
}
END_TEST

START_TEST(refused_is_kept_not_fatal)
{
	static const char *const lines[] = {"interface nic3", "ip ospf cost 0", "exit", NULL};
	pid_t ospfd = tu_fake_vty(tu_tmpdir, "ospfd", "ip ospf cost 0");
	_cleanup_free_ char *error = NULL, *o = NULL;
	struct strv cmds;

	batch(&cmds, lines);
	ck_assert_int_eq(frrsend(&s, &cmds, false, &error), 0);
	o = tu_fake_vty_got(ospfd, tu_tmpdir, "ospfd");
	ck_assert_uint_eq(s.refused.n, 1);
	ck_assert_str_eq(s.refused.v[0],
	                 "ospfd refused \"ip ospf cost 0\": % Unknown command: ip ospf cost 0");
	ck_assert_ptr_nonnull(strstr(o, "exit\nend\n")); /* the session ends as it should */
	strv_free(&cmds);
}
END_TEST

/* A take-over as frrdiff orders it: the hand-made network statements go
 * first, then stale lines, then the interfaces join the area. A refused
 * stale line must not keep nic3 and nic4 out of OSPF, now that no network
 * statement covers them; both refusals are reported, and bfdd's part goes
 * out too. */
START_TEST(refused_strands_no_link)
{
	static const char *const lines[] = {
	    "router ospf", "no network 192.168.102.0/30 area 0", "no network 10.0.0.0/30 area 0",
	    "exit",
	    "interface nic3", "no ip ospf bfd profile old", "exit",
	    "bfd", "profile proxmesh", "detect-multiplier 5", "exit", "exit",
	    "interface nic3", "ip ospf network point-to-point", "ip ospf area 0.0.0.0", "exit",
	    "interface nic4", "ip ospf network point-to-point", "ip ospf area 0.0.0.0", "exit",
	    NULL,
	};
	pid_t ospfd = tu_fake_vty(tu_tmpdir, "ospfd",
	                          "no network 10.0.0.0/30 area 0\nno ip ospf bfd profile old");
	pid_t bfdd = tu_fake_vty(tu_tmpdir, "bfdd", NULL);
	_cleanup_free_ char *error = NULL, *o = NULL, *b = NULL, *nodes = NULL;
	struct strv cmds;

	batch(&cmds, lines);
	ck_assert_int_eq(frrsend(&s, &cmds, false, &error), 0);
	ck_assert_ptr_null(error);
	o = tu_fake_vty_got(ospfd, tu_tmpdir, "ospfd");
	b = tu_fake_vty_got(bfdd, tu_tmpdir, "bfdd");
	nodes = tu_fake_vty_nodes(tu_tmpdir, "ospfd");
	ck_assert_str_eq(nodes, "router ospf > no network 192.168.102.0/30 area 0\n"
	                        "interface nic3 > ip ospf network point-to-point\n"
	                        "interface nic3 > ip ospf area 0.0.0.0\n"
	                        "interface nic4 > ip ospf network point-to-point\n"
	                        "interface nic4 > ip ospf area 0.0.0.0\n");
	ck_assert_ptr_nonnull(strstr(b, "detect-multiplier 5\n"));
	ck_assert_uint_eq(s.refused.n, 2);
	ck_assert_ptr_nonnull(strstr(s.refused.v[0], "\"no network 10.0.0.0/30 area 0\""));
	ck_assert_ptr_nonnull(strstr(s.refused.v[1], "\"no ip ospf bfd profile old\""));
	strv_free(&cmds);
}
END_TEST

/* bfdd not running fails the batch, but ospfd's part after it still goes
 * out: the links join OSPF without BFD rather than not at all. */
START_TEST(daemon_down_strands_no_link)
{
	static const char *const lines[] = {
	    "bfd", "profile proxmesh", "exit", "exit",
	    "interface nic3", "ip ospf area 0.0.0.0", "exit", NULL,
	};
	pid_t ospfd = tu_fake_vty(tu_tmpdir, "ospfd", NULL);
	_cleanup_free_ char *error = NULL, *nodes = NULL;
	struct strv cmds;

	batch(&cmds, lines);
	ck_assert_int_eq(frrsend(&s, &cmds, false, &error), -ENOENT);
	ck_assert_str_eq(error, "cannot configure bfdd over its socket: not running");
	free(tu_fake_vty_got(ospfd, tu_tmpdir, "ospfd"));
	nodes = tu_fake_vty_nodes(tu_tmpdir, "ospfd");
	ck_assert_str_eq(nodes, "interface nic3 > ip ospf area 0.0.0.0\n");
	strv_free(&cmds);
}
END_TEST

static void
vtysh_refuses(const char *lines)
{
	_cleanup_free_ char *path = xasprintf("%s/vtysh.refuse", tu_tmpdir);

	ck_assert_int_eq(write_file_atomic(path, lines, strlen(lines), 0644), 0);
}

/* vtysh stops at a refused command: started again on the rest, inside the
 * route-map the rest belongs to; a refused route-map header skips its own
 * lines only. */
START_TEST(vtysh_refused_goes_on)
{
	static const char *const lines[] = {
	    "route-map proxmesh-src permit 10", "set src 192.168.102.9",
	    "match ip address prefix-list proxmesh-lo", "exit",
	    "route-map proxmesh-bad permit 10", "set src 192.168.102.1", "exit",
	    "ip protocol ospf route-map proxmesh-src", NULL,
	};
	_cleanup_free_ char *error = NULL, *v = NULL;
	struct strv cmds;

	vtysh_refuses("set src 192.168.102.9\nroute-map proxmesh-bad permit 10\n");
	batch(&cmds, lines);
	ck_assert_int_eq(frrsend(&s, &cmds, false, &error), 0);
	ck_assert_ptr_null(error);
	v = vtysh_got();
	ck_assert_str_eq(v,
	                 /* the whole batch */
	                 "-E\n-c\nconfigure terminal\n-c\nroute-map proxmesh-src permit 10\n"
	                 "-c\nset src 192.168.102.9\n-c\nmatch ip address prefix-list proxmesh-lo\n"
	                 "-c\nexit\n-c\nroute-map proxmesh-bad permit 10\n-c\nset src 192.168.102.1\n"
	                 "-c\nexit\n-c\nip protocol ospf route-map proxmesh-src\n-c\nend\n"
	                 /* after the refused set: back into its route-map */
	                 "-E\n-c\nconfigure terminal\n-c\nroute-map proxmesh-src permit 10\n"
	                 "-c\nmatch ip address prefix-list proxmesh-lo\n"
	                 "-c\nexit\n-c\nroute-map proxmesh-bad permit 10\n-c\nset src 192.168.102.1\n"
	                 "-c\nexit\n-c\nip protocol ospf route-map proxmesh-src\n-c\nend\n"
	                 /* after the refused route-map: its block skipped */
	                 "-E\n-c\nconfigure terminal\n"
	                 "-c\nip protocol ospf route-map proxmesh-src\n-c\nend\n");
	ck_assert_uint_eq(vt.calls, 3);
	ck_assert_uint_eq(s.refused.n, 2);
	ck_assert_str_eq(s.refused.v[0], "vtysh refused \"set src 192.168.102.9\": "
	                                 "% Unknown command: set src 192.168.102.9");
	ck_assert_str_eq(s.refused.v[1], "vtysh refused \"route-map proxmesh-bad permit 10\": "
	                                 "% Unknown command: route-map proxmesh-bad permit 10");
	strv_free(&cmds);
}
END_TEST

START_TEST(daemon_not_running)
{
	static const char *const lines[] = {"bfd", "profile proxmesh", "exit", "exit", NULL};
	_cleanup_free_ char *error = NULL;
	struct strv cmds;

	batch(&cmds, lines);
	ck_assert_int_eq(frrsend(&s, &cmds, false, &error), -ENOENT);
	ck_assert_str_eq(error, "cannot configure bfdd over its socket: not running");
	strv_free(&cmds);
}
END_TEST

/* An ospfd that takes no configuration on its socket (as a daemon moved
 * behind mgmtd would): its part, and the clear after it, go through vtysh;
 * bfdd's still over its socket. DESIGN §5. */
START_TEST(moved_daemon_through_vtysh)
{
	static const char *const lines[] = {
	    "bfd", "profile proxmesh", "transmit-interval 100", "exit", "exit",
	    "interface nic3", "ip ospf cost 10", "exit", NULL,
	};
	pid_t ospfd = tu_fake_vty(tu_tmpdir, "ospfd", "configure terminal");
	pid_t bfdd = tu_fake_vty(tu_tmpdir, "bfdd", NULL);
	_cleanup_free_ char *error = NULL, *o = NULL, *b = NULL, *v = NULL;
	struct strv cmds;

	batch(&cmds, lines);
	ck_assert_int_eq(frrsend(&s, &cmds, true, &error), 0);
	ck_assert_ptr_null(error);
	ck_assert_uint_eq(s.refused.n, 0);
	ck_assert_uint_eq(s.moved, 1);
	o = tu_fake_vty_got(ospfd, tu_tmpdir, "ospfd");
	b = tu_fake_vty_got(bfdd, tu_tmpdir, "bfdd");
	v = vtysh_got();
	ck_assert_ptr_null(strstr(o, "ip ospf cost"));
	ck_assert_ptr_nonnull(strstr(b, "transmit-interval 100\n"));
	ck_assert_str_eq(v, "-E\n-c\nconfigure terminal\n-c\ninterface nic3\n-c\nip ospf cost 10\n"
	                    "-c\nexit\n-c\nend\n-c\nclear ip ospf process\n");
	ck_assert_uint_eq(vt.calls, 2);
	strv_free(&cmds);
}
END_TEST

static Suite *
frrsend_suite(void)
{
	Suite *su = suite_create("frrsend");
	TCase *tc = tcase_create("frrsend");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, parts_to_their_daemons);
	tcase_add_test(tc, no_vtysh_for_ospf);
	tcase_add_test(tc, refused_is_kept_not_fatal);
	tcase_add_test(tc, refused_strands_no_link);
	tcase_add_test(tc, daemon_down_strands_no_link);
	tcase_add_test(tc, vtysh_refused_goes_on);
	tcase_add_test(tc, daemon_not_running);
	tcase_add_test(tc, moved_daemon_through_vtysh);
	suite_add_tcase(su, tc);
	return su;
}

int
main(void)
{
	return tu_run(frrsend_suite());
}
