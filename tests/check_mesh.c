/* check_mesh.c - `proxmesh mesh` end to end: the configuration file, a fake
 * ospfd on its vty socket answering recorded router LSAs, the output
 * formats and the exit codes */
#include <check.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mesh.h"
#include "testutil.h"

#define QUERY "show ip ospf database router json"

/* What the fake ospfd answers (static: its child _exits, nothing on the heap). */
static char answer[128 * 1024];
static pid_t daemon_pid = -1;

static void
setup(void)
{
	_cleanup_free_ char *conf = NULL;
	FILE *f;

	tu_tmpdir_setup();
	conf = xasprintf("%s/proxmesh.conf", tu_tmpdir);
	f = fopen(conf, "w");
	ck_assert_ptr_nonnull(f);
	fputs(tu_reference_mesh, f);
	fclose(f);
	setenv("PROXMESH_FRR_VTY_DIR", tu_tmpdir, 1);
}

static void
teardown(void)
{
	tu_vty_kill(&daemon_pid);
	tu_tmpdir_teardown();
}

/* A fake ospfd for one session: "enable", then QUERY, answered with answer. */
static void
start_ospfd(const char *text)
{
	static const char trailer[4] = {0, 0, 0, 0};
	char cmd[256];
	int lfd, fd;

	snprintf(answer, sizeof(answer), "%s", text);
	daemon_pid = tu_vty_fork(tu_tmpdir, "ospfd", &lfd);
	if (daemon_pid > 0)
		return;
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		_exit(10);
	tu_vty_read_command(fd, cmd);
	if (strcmp(cmd, "enable") != 0 || write(fd, trailer, 4) != 4)
		_exit(12);
	tu_vty_read_command(fd, cmd);
	if (strcmp(cmd, QUERY) != 0)
		_exit(12);
	if (write(fd, answer, strlen(answer)) != (ssize_t)strlen(answer) ||
	    write(fd, trailer, 4) != 4)
		_exit(13);
	close(fd);
	_exit(0);
}

/* Run `proxmesh mesh ARGS…` (NULL-terminated); its stdout in *out. */
static int
run_mesh(char **out, const char *arg, ...)
{
	_cleanup_free_ char *conf = xasprintf("%s/proxmesh.conf", tu_tmpdir);
	_cleanup_free_ char *path = xasprintf("%s/stdout", tu_tmpdir);
	struct cli cli = {0};
	char *argv[4] = {0};
	int argc = 0, saved, fd, code;
	va_list ap;

	va_start(ap, arg);
	for (const char *a = arg; a && argc < 3; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	paths_init(&cli.paths);
	cli.paths.config = conf;
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert(saved >= 0 && fd >= 0);
	dup2(fd, STDOUT_FILENO);
	close(fd);
	code = mesh_command(&cli, argc, argv);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	ck_assert_int_eq(read_file(path, 1 << 20, out, NULL), 0);
	return code;
}

static void
answer_recorded(const char *version, const char *file)
{
	_cleanup_free_ char *text = tu_read_frr(version, file);

	start_ospfd(text);
}

START_TEST(as_configured)
{
	_cleanup_free_ char *out = NULL;

	answer_recorded("10.3", "pve-2.ip-ospf-database-router-json.txt");
	ck_assert_int_eq(run_mesh(&out, NULL), MESH_EXIT_AS_CONFIGURED);
	ck_assert_msg(strstr(out, "mesh seen from pve-2 (router id 192.168.102.2), area 0.0.0.0: "
	                          "as configured\n"),
	              "%s", out);
}
END_TEST

START_TEST(differs)
{
	_cleanup_free_ char *out = NULL;

	answer_recorded("8.4", "pve-1.cut.ip-ospf-database-router-json.txt");
	ck_assert_int_eq(run_mesh(&out, NULL), MESH_EXIT_DIFFERS);
	ck_assert_msg(strstr(out, "link pve-1 nic4 -- pbs nic3: down (neither end lists it)\n"),
	              "%s", out);
}
END_TEST

START_TEST(json_and_dot)
{
	_cleanup_free_ char *out = NULL;
	json_t *doc;

	answer_recorded("10.7", "pbs.cost.ip-ospf-database-router-json.txt");
	ck_assert_int_eq(run_mesh(&out, "--json", NULL), MESH_EXIT_DIFFERS);
	doc = json_loads(out, 0, NULL);
	ck_assert_msg(doc != NULL, "%s", out);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "node")), "pbs");
	ck_assert(json_is_false(json_object_get(doc, "as_configured")));
	json_decref(doc);
	waitpid(daemon_pid, NULL, 0);
	free(out);

	answer_recorded("10.7", "pbs.ip-ospf-database-router-json.txt");
	ck_assert_int_eq(run_mesh(&out, "--dot", NULL), MESH_EXIT_AS_CONFIGURED);
	ck_assert_msg(!strncmp(out, "graph proxmesh {\n", 17), "%s", out);
}
END_TEST

/* ospfd absent, or without an OSPF instance, or answering garbage: 2. */
START_TEST(no_frr)
{
	static const char *const answers[] = {"{}", "% Unknown command: show", "{\"routerId\": 1}"};
	_cleanup_free_ char *out = NULL;

	ck_assert_int_eq(run_mesh(&out, NULL), MESH_EXIT_NO_FRR);
	ck_assert_str_eq(out, "");
	for (size_t i = 0; i < ARRAY_SIZE(answers); i++) {
		free(out);
		start_ospfd(answers[i]);
		ck_assert_int_eq(run_mesh(&out, "--json", NULL), MESH_EXIT_NO_FRR);
		ck_assert_str_eq(out, "");
		waitpid(daemon_pid, NULL, 0);
		daemon_pid = -1;
	}
}
END_TEST

/* Wrong arguments and a broken configuration are errors (1), before FRR. */
START_TEST(bad_usage)
{
	_cleanup_free_ char *conf = xasprintf("%s/proxmesh.conf", tu_tmpdir);
	_cleanup_free_ char *out = NULL;
	FILE *f;

	ck_assert_int_eq(run_mesh(&out, "--json", "--dot", NULL), MESH_EXIT_DIFFERS);
	free(out);
	ck_assert_int_eq(run_mesh(&out, "--yaml", NULL), MESH_EXIT_DIFFERS);
	free(out);
	f = fopen(conf, "w");
	ck_assert_ptr_nonnull(f);
	fputs("[mesh]\nprefix = nonsense\n", f);
	fclose(f);
	ck_assert_int_eq(run_mesh(&out, NULL), MESH_EXIT_DIFFERS);
	free(out);
	unlink(conf);
	ck_assert_int_eq(run_mesh(&out, NULL), MESH_EXIT_DIFFERS);
	ck_assert_str_eq(out, "");
}
END_TEST

static Suite *
mesh_suite(void)
{
	Suite *s = suite_create("mesh");
	TCase *tc = tcase_create("command");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, as_configured);
	tcase_add_test(tc, differs);
	tcase_add_test(tc, json_and_dot);
	tcase_add_test(tc, no_frr);
	tcase_add_test(tc, bad_usage);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(mesh_suite());
}
