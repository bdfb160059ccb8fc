/* check_frrvty.c - show commands over a daemon's vty socket, against a fake daemon */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frrvty.h"
#include "testutil.h"

enum reply { REPLY_OK, REPLY_CODE, REPLY_CLOSE, REPLY_SILENT };

static struct frrvty vty;
static pid_t daemon_pid = -1, config_pid = -1;

static void
setup(void)
{
	tu_tmpdir_setup();
	frrvty_init(&vty);
	snprintf(vty.dir, sizeof(vty.dir), "%s", tu_tmpdir);
	vty.timeout_ms = 2000;
}

static void
teardown(void)
{
	tu_vty_kill(&daemon_pid);
	tu_vty_kill(&config_pid);
	tu_tmpdir_teardown();
}

/* The fake daemon's side of one session: "enable" (as vtysh sends it), then
 * the expected command, answered in pieces of `piece` bytes (the trailer
 * split across writes). */
static void
serve(int lfd, enum reply how, const char *expect, const char *text, size_t piece)
{
	static const char ok[4] = {0, 0, 0, 0};
	char cmd[256], reply[65536];
	size_t len;
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		_exit(10);
	tu_vty_read_command(fd, cmd);
	if (strcmp(cmd, "enable") != 0 || write(fd, ok, sizeof(ok)) != sizeof(ok))
		_exit(12);
	tu_vty_read_command(fd, cmd);
	if (strcmp(cmd, expect) != 0)
		_exit(12);
	if (how == REPLY_SILENT) {
		pause();
		_exit(0);
	}
	len = (size_t)snprintf(reply, sizeof(reply) - 4, "%s", text);
	if (how != REPLY_CLOSE) {
		memset(reply + len, 0, 3);
		reply[len + 3] = how == REPLY_CODE ? 1 : 0;
		len += 4;
	}
	for (size_t off = 0; off < len; off += piece) {
		size_t k = len - off < piece ? len - off : piece;

		if (write(fd, reply + off, k) != (ssize_t)k)
			_exit(13);
		usleep(2000);
	}
	close(fd);
	_exit(0);
}

/* A listening ospfd.vty in tu_tmpdir, and the fake daemon's process
 * forked: returns the socket in the child, -1 in the test. */
static int
fork_daemon(void)
{
	int lfd;

	daemon_pid = tu_vty_fork(tu_tmpdir, "ospfd", &lfd);
	return lfd;
}

static void
start_daemon(enum reply how, const char *expect, const char *text, size_t piece)
{
	int lfd = fork_daemon();

	if (lfd >= 0)
		serve(lfd, how, expect, text, piece);
}

/* The fake daemon's exit status: 0 when it saw the expected command. */
static int
daemon_status(void)
{
	int st;

	ck_assert_int_eq(waitpid(daemon_pid, &st, 0), daemon_pid);
	daemon_pid = -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
start_config_daemon(const char *refuse)
{
	config_pid = tu_fake_vty(tu_tmpdir, "ospfd", refuse);
}

/* What the fake configuration daemon received, once it has ended. */
static char *
config_received(void)
{
	char *got = tu_fake_vty_got(config_pid, tu_tmpdir, "ospfd");

	config_pid = -1;
	return got;
}

START_TEST(config_session)
{
	struct strv cmds = {0}, after = {0}, refused = {0};
	char *got;

	start_config_daemon(NULL);
	strv_push_dup(&cmds, "interface nic3");
	strv_push_dup(&cmds, "ip ospf cost 150");
	strv_push_dup(&cmds, "exit");
	strv_push_dup(&after, "clear ip ospf process");
	ck_assert_int_eq(frrvty_config(&vty, "ospfd", &cmds, &after, &refused), 0);
	ck_assert_uint_eq(refused.n, 0);
	got = config_received();
	ck_assert_str_eq(got, "enable\nconfigure terminal\ninterface nic3\nip ospf cost 150\n"
	                      "exit\nend\nclear ip ospf process\n");
	ck_assert_uint_eq(vty.calls, 1);
	free(got);
	strv_free(&cmds);
	strv_free(&after);
}
END_TEST

static void
push_lines(struct strv *cmds, const char *const *lines)
{
	for (size_t i = 0; lines[i]; i++)
		strv_push_dup(cmds, lines[i]);
}

/* A refused line inside a block: the rest of the block and the batch still
 * go out, in the node the daemon is in, and "end" and the after commands
 * too. */
START_TEST(config_refused_goes_on)
{
	static const char *const lines[] = {
	    "router ospf", "ospf router-idd 1.2.3.4", "timers lsa min-arrival 50", "exit",
	    "interface nic3", "ip ospf cost 10", "ip ospf area 0.0.0.0", "exit", NULL,
	};
	struct strv cmds = {0}, after = {0}, refused = {0};
	char *got, *nodes;

	start_config_daemon("ospf router-idd 1.2.3.4\nclear ip ospf process");
	push_lines(&cmds, lines);
	strv_push_dup(&after, "clear ip ospf process");
	ck_assert_int_eq(frrvty_config(&vty, "ospfd", &cmds, &after, &refused), 0);
	got = config_received();
	nodes = tu_fake_vty_nodes(tu_tmpdir, "ospfd");
	ck_assert_str_eq(got, "enable\nconfigure terminal\nrouter ospf\nospf router-idd 1.2.3.4\n"
	                      "timers lsa min-arrival 50\nexit\ninterface nic3\nip ospf cost 10\n"
	                      "ip ospf area 0.0.0.0\nexit\nend\nclear ip ospf process\n");
	ck_assert_str_eq(nodes, "router ospf > timers lsa min-arrival 50\n"
	                        "interface nic3 > ip ospf cost 10\n"
	                        "interface nic3 > ip ospf area 0.0.0.0\n");
	ck_assert_uint_eq(refused.n, 2);
	ck_assert_str_eq(refused.v[0], "ospfd refused \"ospf router-idd 1.2.3.4\": "
	                               "% Unknown command: ospf router-idd 1.2.3.4");
	ck_assert_str_eq(refused.v[1], "ospfd refused \"clear ip ospf process\": "
	                               "% Unknown command: clear ip ospf process");
	free(got);
	free(nodes);
	strv_free(&cmds);
	strv_free(&after);
	strv_free(&refused);
}
END_TEST

/* A refused block header leaves the daemon in the node it was in: the
 * lines of that block must not land there (in nic3, or at the top), and
 * the blocks after it still go out. */
START_TEST(config_refused_header_skips_block)
{
	static const char *const lines[] = {
	    "interface nic3", "ip ospf cost 10", "exit",
	    "interface nic4", "ip ospf cost 20", "ip ospf area 0.0.0.0", "exit",
	    "bfd", "profile proxmesh", "detect-multiplier 5", "exit", "exit",
	    "interface nic5", "ip ospf area 0.0.0.0", "exit", NULL,
	};
	struct strv cmds = {0}, refused = {0};
	char *got, *nodes;

	start_config_daemon("interface nic4\nprofile proxmesh");
	push_lines(&cmds, lines);
	ck_assert_int_eq(frrvty_config(&vty, "ospfd", &cmds, NULL, &refused), 0);
	got = config_received();
	nodes = tu_fake_vty_nodes(tu_tmpdir, "ospfd");
	ck_assert_str_eq(got, "enable\nconfigure terminal\ninterface nic3\nip ospf cost 10\nexit\n"
	                      "interface nic4\nbfd\nprofile proxmesh\nexit\n"
	                      "interface nic5\nip ospf area 0.0.0.0\nexit\nend\n");
	ck_assert_str_eq(nodes, "interface nic3 > ip ospf cost 10\n"
	                        "interface nic5 > ip ospf area 0.0.0.0\n");
	ck_assert_uint_eq(refused.n, 2);
	ck_assert_str_eq(refused.v[0], "ospfd refused \"interface nic4\": % Unknown command: "
	                               "interface nic4; its block was not sent");
	ck_assert_str_eq(refused.v[1], "ospfd refused \"profile proxmesh\": % Unknown command: "
	                               "profile proxmesh; its block was not sent");
	free(got);
	free(nodes);
	strv_free(&cmds);
	strv_free(&refused);
}
END_TEST

/* A take-over whose second "no network" is refused: FRR then refuses every
 * "ip ospf area" (a network statement is left), so the network statement
 * that did go is put back, and nic3 stays in OSPF. */
START_TEST(config_network_put_back)
{
	static const char *const lines[] = {
	    "router ospf", "no network 192.168.103.0/30 area 0", "no network 10.0.0.0/30 area 0",
	    "exit", "interface nic3", "ip ospf network point-to-point", "ip ospf area 0.0.0.0",
	    "exit", NULL,
	};
	struct strv cmds = {0}, refused = {0};
	char *got, *nodes;

	start_config_daemon("no network 10.0.0.0/30 area 0\nip ospf area 0.0.0.0");
	push_lines(&cmds, lines);
	ck_assert_int_eq(frrvty_config(&vty, "ospfd", &cmds, NULL, &refused), 0);
	got = config_received();
	nodes = tu_fake_vty_nodes(tu_tmpdir, "ospfd");
	ck_assert_str_eq(nodes, "router ospf > no network 192.168.103.0/30 area 0\n"
	                        "interface nic3 > ip ospf network point-to-point\n"
	                        "router ospf > network 192.168.103.0/30 area 0\n");
	ck_assert_ptr_nonnull(strstr(got, "exit\nrouter ospf\nnetwork 192.168.103.0/30 area 0\n"
	                                  "exit\nend\n"));
	ck_assert_uint_eq(refused.n, 3);
	ck_assert_str_eq(refused.v[2], "ospfd: \"network 192.168.103.0/30 area 0\" put back in "
	                               "\"router ospf\": an \"ip ospf area\" was refused");
	free(got);
	free(nodes);
	strv_free(&cmds);
	strv_free(&refused);
}
END_TEST

/* An area change whose new area is refused: the old one back, on that
 * interface only (nic4 joined its new area). */
START_TEST(config_area_put_back)
{
	static const char *const lines[] = {
	    "interface nic3", "no ip ospf area 0.0.0.1", "exit",
	    "interface nic4", "no ip ospf area 0.0.0.1", "exit",
	    "interface nic3", "ip ospf area 0.0.0.2", "exit",
	    "interface nic4", "ip ospf area 0.0.0.3", "exit", NULL,
	};
	struct strv cmds = {0}, refused = {0};
	char *got, *nodes;

	start_config_daemon("ip ospf area 0.0.0.2");
	push_lines(&cmds, lines);
	ck_assert_int_eq(frrvty_config(&vty, "ospfd", &cmds, NULL, &refused), 0);
	got = config_received();
	nodes = tu_fake_vty_nodes(tu_tmpdir, "ospfd");
	ck_assert_str_eq(nodes, "interface nic3 > no ip ospf area 0.0.0.1\n"
	                        "interface nic4 > no ip ospf area 0.0.0.1\n"
	                        "interface nic4 > ip ospf area 0.0.0.3\n"
	                        "interface nic3 > ip ospf area 0.0.0.1\n");
	ck_assert_uint_eq(refused.n, 2);
	free(got);
	free(nodes);
	strv_free(&cmds);
	strv_free(&refused);
}
END_TEST

/* FRR echoes a refused command back: the key is not kept. */
START_TEST(config_refused_key_redacted)
{
	static const char *const lines[] = {
	    "interface nic3", "ip ospf message-digest-key 1 md5 s3cretKey", "exit", NULL,
	};
	struct strv cmds = {0}, refused = {0};
	char *got;

	start_config_daemon("ip ospf message-digest-key 1 md5 s3cretKey");
	push_lines(&cmds, lines);
	ck_assert_int_eq(frrvty_config(&vty, "ospfd", &cmds, NULL, &refused), 0);
	got = config_received();
	ck_assert_uint_eq(refused.n, 1);
	ck_assert_str_eq(refused.v[0],
	                 "ospfd refused \"ip ospf message-digest-key 1 md5 <secret>\": "
	                 "% Unknown command: ip ospf message-digest-key 1 md5 <secret>");
	free(got);
	strv_free(&cmds);
	strv_free(&refused);
}
END_TEST

/* A daemon that takes no configuration on its socket. */
START_TEST(config_terminal_refused)
{
	struct strv cmds = {0}, refused = {0};
	char *got;

	start_config_daemon("configure terminal");
	strv_push_dup(&cmds, "router ospf");
	strv_push_dup(&cmds, "exit");
	ck_assert_int_eq(frrvty_config(&vty, "ospfd", &cmds, NULL, &refused), -EPROTO);
	got = config_received();
	ck_assert_str_eq(got, "enable\nconfigure terminal\n");
	ck_assert_uint_eq(refused.n, 1);
	free(got);
	strv_free(&cmds);
	strv_free(&refused);
}
END_TEST

START_TEST(config_control_characters)
{
	static const char *const bad[] = {"ip ospf cost 10\nwrite memory", "ip ospf cost 10\r",
	                                  "ip\tospf"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct strv cmds = {0}, refused = {0};

		strv_push_dup(&cmds, "interface nic3");
		strv_push_dup(&cmds, bad[i]);
		ck_assert_int_eq(frrvty_config(&vty, "ospfd", &cmds, NULL, &refused), -EINVAL);
		ck_assert_uint_eq(refused.n, 0);
		strv_free(&cmds);
	}
	/* nothing was even connected to */
	ck_assert_uint_eq(vty.calls, 0);
}
END_TEST

START_TEST(config_daemon_not_running)
{
	struct strv cmds = {0}, refused = {0};

	strv_push_dup(&cmds, "router ospf");
	ck_assert_int_eq(frrvty_config(&vty, "bfdd", &cmds, NULL, &refused), -ENOENT);
	ck_assert_uint_eq(refused.n, 0);
	strv_free(&cmds);
}
END_TEST

START_TEST(output_in_pieces)
{
	static const size_t pieces[] = {1, 3, 5, 4096};
	char *json = tu_read_frr("10.3", "pve-1.ip-route-ospf-json.txt");
	char *out;

	for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		const char *text = pieces[i] < 16 ? "{\"neighbors\":{}}\n" : json;

		start_daemon(REPLY_OK, "show ip route ospf json", text, pieces[i]);
		ck_assert_int_eq(frrvty_show(&vty, "ospfd", "show ip route ospf json", &out), 0);
		ck_assert_str_eq(out, text);
		free(out);
		ck_assert_int_eq(daemon_status(), 0);
	}
	ck_assert_uint_eq(vty.calls, 4);
	free(json);
}
END_TEST

START_TEST(command_refused)
{
	char *out;

	start_daemon(REPLY_CODE, "show ip ospf nope json",
	             "% Unknown command: show ip ospf nope json\n", 4096);
	ck_assert_int_eq(frrvty_show(&vty, "ospfd", "show ip ospf nope json", &out), -EPROTO);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(strstr(out, "% Unknown command"));
	free(out);
	ck_assert_int_eq(daemon_status(), 0);
}
END_TEST

START_TEST(daemon_closes_early)
{
	char *out = (char *)1;

	start_daemon(REPLY_CLOSE, "show bfd peers json", "{\"half", 4096);
	ck_assert_int_eq(frrvty_show(&vty, "ospfd", "show bfd peers json", &out), -EPROTO);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(daemon_status(), 0);
}
END_TEST

START_TEST(daemon_silent)
{
	char *out = (char *)1;
	long long t0 = now_mono_ms();

	vty.timeout_ms = 200;
	start_daemon(REPLY_SILENT, "show ip route ospf json", "", 1);
	ck_assert_int_eq(frrvty_show(&vty, "ospfd", "show ip route ospf json", &out), -ETIMEDOUT);
	ck_assert_ptr_null(out);
	ck_assert_int_ge(now_mono_ms() - t0, 200);
}
END_TEST

START_TEST(daemon_not_running)
{
	char *out = (char *)1;

	ck_assert_int_eq(frrvty_show(&vty, "ospfd", "show ip ospf json", &out), -ENOENT);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(vty.calls, 0);
}
END_TEST

START_TEST(only_show_commands)
{
	static const char *const bad[] = {
	    "configure terminal",  "write memory", "show ip ospf\nconfigure terminal",
	    "show ip ospf json\r", "show\tip",     "",
	};
	char *out = (char *)1;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(frrvty_show(&vty, "ospfd", bad[i], &out), -EINVAL);
		ck_assert_ptr_null(out);
	}
	ck_assert_int_eq(frrvty_show(&vty, "../ospfd", "show ip ospf json", &out), -EINVAL);
	ck_assert_uint_eq(vty.calls, 0);
}
END_TEST

START_TEST(socket_folder)
{
	struct frrvty v;

	unsetenv("PROXMESH_FRR_VTY_DIR");
	unsetenv("PROXMESH_VTYSH_PATHSPACE");
	frrvty_init(&v);
	ck_assert_str_eq(v.dir, "/var/run/frr");
	setenv("PROXMESH_VTYSH_PATHSPACE", "pm3", 1);
	frrvty_init(&v);
	ck_assert_str_eq(v.dir, "/var/run/frr/pm3");
	setenv("PROXMESH_FRR_VTY_DIR", "/tmp/x", 1);
	frrvty_init(&v);
	ck_assert_str_eq(v.dir, "/tmp/x");
	unsetenv("PROXMESH_FRR_VTY_DIR");
	unsetenv("PROXMESH_VTYSH_PATHSPACE");
}
END_TEST

static Suite *
frrvty_suite(void)
{
	Suite *s = suite_create("frrvty");
	TCase *tc = tcase_create("frrvty");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, output_in_pieces);
	tcase_add_test(tc, command_refused);
	tcase_add_test(tc, daemon_closes_early);
	tcase_add_test(tc, daemon_silent);
	tcase_add_test(tc, daemon_not_running);
	tcase_add_test(tc, only_show_commands);
	tcase_add_test(tc, socket_folder);
	tcase_add_test(tc, config_session);
	tcase_add_test(tc, config_refused_goes_on);
	tcase_add_test(tc, config_refused_header_skips_block);
	tcase_add_test(tc, config_network_put_back);
	tcase_add_test(tc, config_area_put_back);
	tcase_add_test(tc, config_refused_key_redacted);
	tcase_add_test(tc, config_terminal_refused);
	tcase_add_test(tc, config_control_characters);
	tcase_add_test(tc, config_daemon_not_running);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(frrvty_suite());
}
