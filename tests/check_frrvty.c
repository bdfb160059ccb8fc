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
	if (daemon_pid > 0) {
		kill(daemon_pid, SIGKILL);
		waitpid(daemon_pid, NULL, 0);
		daemon_pid = -1;
	}
	if (config_pid > 0) {
		kill(config_pid, SIGKILL);
		waitpid(config_pid, NULL, 0);
		config_pid = -1;
	}
	tu_tmpdir_teardown();
}

/* One command line from the client, NUL included; exits the fake daemon on EOF. */
static void
read_command(int fd, char cmd[static 256])
{
	size_t n = 0;

	while (n < 256) {
		ssize_t r = read(fd, cmd + n, 1);

		if (r <= 0)
			_exit(11);
		if (cmd[n++] == '\0')
			return;
	}
	_exit(11);
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
	read_command(fd, cmd);
	if (strcmp(cmd, "enable") != 0 || write(fd, ok, sizeof(ok)) != sizeof(ok))
		_exit(12);
	read_command(fd, cmd);
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
	struct strv cmds = {0}, after = {0};
	char *msg = (char *)1, *got;

	start_config_daemon(NULL);
	strv_push_dup(&cmds, "interface nic3");
	strv_push_dup(&cmds, "ip ospf cost 150");
	strv_push_dup(&cmds, "exit");
	strv_push_dup(&after, "clear ip ospf process");
	ck_assert_int_eq(frrvty_config(&vty, "ospfd", &cmds, &after, &msg), 0);
	ck_assert_ptr_null(msg);
	got = config_received();
	ck_assert_str_eq(got, "enable\nconfigure terminal\ninterface nic3\nip ospf cost 150\n"
	                      "exit\nend\nclear ip ospf process\n");
	ck_assert_uint_eq(vty.calls, 1);
	free(got);
	strv_free(&cmds);
	strv_free(&after);
}
END_TEST

START_TEST(config_refused_stops)
{
	struct strv cmds = {0};
	char *msg, *got;

	start_config_daemon("ospf router-idd 1.2.3.4");
	strv_push_dup(&cmds, "router ospf");
	strv_push_dup(&cmds, "ospf router-idd 1.2.3.4");
	strv_push_dup(&cmds, "timers lsa min-arrival 50");
	ck_assert_int_eq(frrvty_config(&vty, "ospfd", &cmds, NULL, &msg), -EPROTO);
	ck_assert_str_eq(msg, "\"ospf router-idd 1.2.3.4\": % Unknown command: ospf router-idd 1.2.3.4");
	got = config_received();
	/* nothing after the refused command, not even "end" */
	ck_assert_str_eq(got, "enable\nconfigure terminal\nrouter ospf\nospf router-idd 1.2.3.4\n");
	free(got);
	free(msg);
	strv_free(&cmds);
}
END_TEST

START_TEST(config_control_characters)
{
	static const char *const bad[] = {"ip ospf cost 10\nwrite memory", "ip ospf cost 10\r",
	                                  "ip\tospf"};
	char *msg = (char *)1;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct strv cmds = {0};

		strv_push_dup(&cmds, "interface nic3");
		strv_push_dup(&cmds, bad[i]);
		ck_assert_int_eq(frrvty_config(&vty, "ospfd", &cmds, NULL, &msg), -EINVAL);
		ck_assert_ptr_null(msg);
		strv_free(&cmds);
	}
	/* nothing was even connected to */
	ck_assert_uint_eq(vty.calls, 0);
}
END_TEST

START_TEST(config_daemon_not_running)
{
	struct strv cmds = {0};
	char *msg = (char *)1;

	strv_push_dup(&cmds, "router ospf");
	ck_assert_int_eq(frrvty_config(&vty, "bfdd", &cmds, NULL, &msg), -ENOENT);
	ck_assert_ptr_null(msg);
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
	tcase_add_test(tc, config_refused_stops);
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
