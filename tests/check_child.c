/* check_child.c - children start with a clean signal mask and only their descriptors */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "testutil.h"
#include "vtysh.h"

/* What the child reports: its blocked and ignored signals, and the open
 * descriptors of ls (0-2 and the one it lists /proc/self/fd with). bash,
 * not sh: dash clears its signal mask when it starts. */
#define REPORT "grep -E '^Sig(Blk|Ign):' /proc/self/status; echo fds:; ls /proc/self/fd"

/* As the daemon runs: signals blocked for sd-event's signalfd, one
 * ignored, and a descriptor open without CLOEXEC. */
static void
dirty_parent(int *fd)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, NULL), 0);
	signal(SIGUSR2, SIG_IGN);
	*fd = open("/dev/null", O_RDONLY); /* no O_CLOEXEC, on purpose */
	ck_assert_int_ge(*fd, 0);
	ck_assert_int_eq(dup2(*fd, 42), 42);
}

static void
assert_clean(const char *out)
{
	const char *blk = strstr(out, "SigBlk:"), *ign = strstr(out, "SigIgn:");

	ck_assert_msg(blk && ign, "no signal lines in \"%s\"", out);
	ck_assert_msg(strtoull(blk + 7, NULL, 16) == 0, "blocked: %.30s", blk);
	/* signals 1-31; glibc keeps 32 and 33 for itself, and what ignores
	 * them (the test runner) is no business of the child's */
	ck_assert_msg((strtoull(ign + 7, NULL, 16) & 0x7fffffffULL) == 0, "ignored: %.30s", ign);
	ck_assert_msg(strstr(out, "fds:\n0\n1\n2\n3\n") && strlen(strstr(out, "fds:")) == 13,
	              "descriptors: %s", strstr(out, "fds:") ? strstr(out, "fds:") : out);
}

/* Through vtysh_run, with a shell in vtysh's place. */
START_TEST(vtysh_child_clean)
{
	const char *cmds[] = {REPORT};
	struct vtysh v;
	struct vtysh_result res;
	int fd;

	dirty_parent(&fd);
	setenv("PROXMESH_VTYSH", "/bin/bash", 1);
	vtysh_init(&v);
	/* vtysh_run passes "-c CMD": the shell runs CMD */
	ck_assert_int_eq(vtysh_run(&v, cmds, 1, &res), 0);
	ck_assert_int_eq(res.status, 0);
	assert_clean(res.out);
	vtysh_result_free(&res);
	close(fd);
	close(42);
	unsetenv("PROXMESH_VTYSH");
}
END_TEST

/* child_spawn itself, with a pipe given as stdout. */
START_TEST(spawn_clean)
{
	char *const argv[] = {"bash", "-c", REPORT, NULL};
	posix_spawn_file_actions_t fa;
	char out[4096];
	int p[2], fd, st;
	ssize_t n, len = 0;
	pid_t pid;

	dirty_parent(&fd);
	ck_assert_int_eq(pipe(p), 0); /* no O_CLOEXEC either */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	ck_assert_int_eq(child_spawn(&pid, "bash", argv, &fa, true), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	while ((n = read(p[0], out + len, sizeof(out) - 1 - (size_t)len)) > 0)
		len += n;
	out[len] = '\0';
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_clean(out);
	close(p[0]);
	close(fd);
	close(42);
}
END_TEST

START_TEST(spawn_missing)
{
	char *const argv[] = {"nonexistent-proxmesh-test", NULL};
	pid_t pid;
	int r = child_spawn(&pid, "/nonexistent/proxmesh-test", argv, NULL, false), st;

	/* under valgrind, which has no vfork, the child reports it: exit 127 */
	if (r == 0) {
		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 127);
	} else {
		ck_assert_int_eq(r, -ENOENT);
	}
}
END_TEST

static Suite *
child_suite(void)
{
	Suite *s = suite_create("child");
	TCase *tc = tcase_create("child");

	tcase_add_test(tc, vtysh_child_clean);
	tcase_add_test(tc, spawn_clean);
	tcase_add_test(tc, spawn_missing);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(child_suite());
}
