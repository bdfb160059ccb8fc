/* check_util.c - file writes that follow no planted symbolic link and leave no globbed temp file */
#include <check.h>
#include <errno.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ifdiff.h"
#include "testutil.h"

static const char victim_text[] = "root:x:0:0:root:/root:/bin/bash\n";

static char *
at(const char *name)
{
	return xasprintf("%s/%s", tu_tmpdir, name);
}

/* A file outside the target that an attacker would like overwritten. */
static void
plant_victim(struct stat *st)
{
	_cleanup_free_ char *victim = at("victim");

	ck_assert_int_eq(write_file_atomic(victim, victim_text, strlen(victim_text), 0600), 0);
	ck_assert_int_eq(lstat(victim, st), 0);
}

static void
check_victim(const struct stat *before)
{
	_cleanup_free_ char *victim = at("victim"), *text = NULL;
	struct stat st;

	ck_assert_int_eq(read_file(victim, 4096, &text, NULL), 0);
	ck_assert_str_eq(text, victim_text);
	ck_assert_int_eq(lstat(victim, &st), 0);
	ck_assert_uint_eq(st.st_ino, before->st_ino);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
}

/* The names in tu_tmpdir, "." and ".." left out, sorted, space-separated. */
static char *
entries(void)
{
	_cleanup_free_ char *pattern = at("{*,.[!.]*}");
	char *out = xstrdup("");
	glob_t g;

	if (glob(pattern, GLOB_BRACE, NULL, &g) != 0)
		return out;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char *next = xasprintf("%s%s%s", out, *out ? " " : "", strrchr(g.gl_pathv[i], '/') + 1);

		free(out);
		out = next;
	}
	globfree(&g);
	return out;
}

/* Symbolic links where the temp file used to be (PATH.tmp.PID, for this
 * and the next pids): the write goes around them. */
START_TEST(join)
{
	struct strv sv = {0};
	char *s;

	s = strv_join(&sv, 5, ", ");
	ck_assert_str_eq(s, "");
	free(s);
	strv_push_dup(&sv, "nic3");
	s = strv_join(&sv, 5, ", ");
	ck_assert_str_eq(s, "nic3");
	free(s);
	strv_push_dup(&sv, "nic4");
	strv_push_dup(&sv, "nic5");
	s = strv_join(&sv, sv.n, "; ");
	ck_assert_str_eq(s, "nic3; nic4; nic5");
	free(s);
	s = strv_join(&sv, 2, ", "); /* the first two */
	ck_assert_str_eq(s, "nic3, nic4");
	free(s);
	strv_free(&sv);
}
END_TEST

START_TEST(planted_temp_names)
{
	_cleanup_free_ char *path = at("proxmesh"), *text = NULL, *names = NULL, *want = NULL;
	struct stat victim, st;

	want = xasprintf("proxmesh proxmesh.tmp.%d proxmesh.tmp.%d proxmesh.tmp.%d victim",
	                 getpid(), getpid() + 1, getpid() + 2);
	plant_victim(&victim);
	for (int pid = getpid(); pid < getpid() + 3; pid++) {
		_cleanup_free_ char *tmp = xasprintf("%s.tmp.%d", path, pid);

		ck_assert_int_eq(symlink("victim", tmp), 0);
	}
	ck_assert_int_eq(write_file_atomic(path, "auto nic3\n", 10, 0644), 0);
	ck_assert_int_eq(write_file_replace(path, "auto nic4\n", 10, 0644), 0);
	check_victim(&victim);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	ck_assert_int_eq(read_file(path, 100, &text, NULL), 0);
	ck_assert_str_eq(text, "auto nic4\n");
	/* nothing else appeared, no temp file was left */
	names = entries();
	ck_assert_str_eq(names, want);
}
END_TEST

/* A symbolic link at the target itself: refused, not followed, not
 * replaced; the reader refuses it too. */
START_TEST(symlinked_target)
{
	_cleanup_free_ char *path = at("frr.conf"), *text = NULL, *names = NULL;
	struct stat victim, st;

	plant_victim(&victim);
	ck_assert_int_eq(symlink("victim", path), 0);
	ck_assert_int_eq(write_file_atomic(path, "x\n", 2, 0640), -ELOOP);
	ck_assert_int_eq(write_file_replace(path, "x\n", 2, 0640), -ELOOP);
	ck_assert_int_eq(write_file_changed(path, "x\n", 0640), -ELOOP);
	ck_assert_int_eq(read_file_nofollow(path, 4096, &text, NULL), -ELOOP);
	ck_assert_ptr_nonnull(strstr(file_strerror(-ELOOP), "symbolic link"));
	check_victim(&victim);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	names = entries();
	ck_assert_str_eq(names, "frr.conf victim");
}
END_TEST

/* Neither a folder nor a FIFO at the target is read or replaced (a FIFO
 * would block a plain open). */
START_TEST(not_a_file)
{
	_cleanup_free_ char *fifo = at("fifo"), *dir = at("dir"), *text = NULL;

	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(read_file_nofollow(fifo, 100, &text, NULL), -EINVAL);
	ck_assert_int_eq(read_file_nofollow(dir, 100, &text, NULL), -EISDIR);
	ck_assert_int_eq(write_file_changed(fifo, "x\n", 0644), -EINVAL);
	ck_assert_int_eq(write_file_atomic(dir, "x\n", 2, 0644), -EISDIR);
	ck_assert_str_eq(file_strerror(-EINVAL), "not a regular file");
	rmdir(dir);
}
END_TEST

/* The owner and mode of the file replaced stay; a new file gets mode. */
START_TEST(replace_keeps_mode)
{
	_cleanup_free_ char *path = at("daemons");
	struct stat st;

	ck_assert_int_eq(write_file_replace(path, "a\n", 2, 0640), 0);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(chmod(path, 0604), 0);
	ck_assert_int_eq(chown(path, 1, 2), 0); /* as root, which the tests run as; else EPERM */
	ck_assert_int_eq(write_file_replace(path, "b\n", 2, 0640), 0);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0604);
	ck_assert_int_eq(st.st_uid, 1);
	ck_assert_int_eq(st.st_gid, 2);
	ck_assert_int_eq(write_file_atomic(path, "c\n", 2, 0644), 0);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	ck_assert_int_eq(st.st_uid, getuid());
}
END_TEST

/* The unit's capabilities (CAP_CHOWN, CAP_DAC_OVERRIDE, no CAP_FOWNER):
 * replacing frr:frr's /etc/frr/daemons must work without CAP_FOWNER. Run
 * in a child that drops it from its effective set. */
START_TEST(replace_without_fowner)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	_cleanup_free_ char *path = at("daemons");
	struct stat st;
	int status;
	pid_t pid;

	ck_assert_int_eq(write_file_replace(path, "a\n", 2, 0640), 0);
	ck_assert_int_eq(chown(path, 1, 2), 0); /* as root, which the tests run as */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (syscall(SYS_capget, &h, d) < 0)
			_exit(3);
		d[CAP_FOWNER / 32].effective &= ~(1u << (CAP_FOWNER % 32));
		if (syscall(SYS_capset, &h, d) < 0)
			_exit(4);
		_exit(write_file_replace(path, "b\n", 2, 0640) == 0 ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(st.st_uid, 1);
	ck_assert_int_eq(st.st_gid, 2);
}
END_TEST

/* A writer killed in the middle (here by SIGXFSZ) leaves its temp file:
 * `source /etc/network/interfaces.d/<star>` must not read it. */
START_TEST(crash_leaves_no_globbed_file)
{
	_cleanup_free_ char *path = at("proxmesh"), *pattern = at("*"), *names = NULL;
	size_t len = 64 * 1024;
	_cleanup_free_ char *big = xmalloc(len);
	int status;
	glob_t g;
	pid_t pid;

	memset(big, '#', len);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit rl = {.rlim_cur = 4096, .rlim_max = 4096};

		setrlimit(RLIMIT_FSIZE, &rl);
		write_file_atomic(path, big, len, 0644);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGXFSZ);
	names = entries();
	ck_assert_msg(strncmp(names, ".proxmesh.", 10) == 0 && strchr(names, ' ') == NULL,
	              "left behind: \"%s\"", names);
	ck_assert_int_eq(glob(pattern, 0, NULL, &g), GLOB_NOMATCH);
	globfree(&g);
}
END_TEST

/* A pass that plans what the last one did leaves the addresses file alone. */
START_TEST(addresses_written_on_change)
{
	_cleanup_free_ char *path = at("addresses");
	struct ifaddr_list l = {0};
	struct prefix4 a = {.addr.s_addr = htonl(0xc0a86501), .len = 31};
	struct stat st1, st2;

	ifaddr_list_add(&l, "nic3", &a);
	ck_assert_int_eq(ifaddr_list_save(path, &l), 0);
	ck_assert_int_eq(lstat(path, &st1), 0);
	ck_assert_int_eq(ifaddr_list_save(path, &l), 0);
	ck_assert_int_eq(lstat(path, &st2), 0);
	ck_assert_uint_eq(st1.st_ino, st2.st_ino);
	ck_assert(st1.st_mtim.tv_sec == st2.st_mtim.tv_sec &&
	          st1.st_mtim.tv_nsec == st2.st_mtim.tv_nsec);
	a.len = 30;
	ifaddr_list_add(&l, "nic4", &a);
	ck_assert_int_eq(ifaddr_list_save(path, &l), 0);
	ck_assert_int_eq(lstat(path, &st2), 0);
	ck_assert_uint_ne(st1.st_ino, st2.st_ino);
	ifaddr_list_free(&l);
}
END_TEST

/* A file that cannot be read is an error, not an empty file to replace. */
START_TEST(changed_read_error)
{
	_cleanup_free_ char *path = at("sysctl.conf"), *big = xmalloc(2 << 20), *text = NULL;

	memset(big, '#', 2 << 20);
	ck_assert_int_eq(write_file_atomic(path, big, 2 << 20, 0644), 0);
	ck_assert_int_eq(write_file_changed(path, "x\n", 0644), -EFBIG);
	ck_assert_int_eq(read_file(path, 4 << 20, &text, NULL), 0);
	ck_assert_uint_eq(strlen(text), 2 << 20);
}
END_TEST

static Suite *
util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("files");

	tcase_add_checked_fixture(tc, tu_tmpdir_setup, tu_tmpdir_teardown);
	tcase_add_test(tc, join);
	tcase_add_test(tc, planted_temp_names);
	tcase_add_test(tc, symlinked_target);
	tcase_add_test(tc, not_a_file);
	tcase_add_test(tc, replace_keeps_mode);
	tcase_add_test(tc, replace_without_fowner);
	tcase_add_test(tc, crash_leaves_no_globbed_file);
	tcase_add_test(tc, addresses_written_on_change);
	tcase_add_test(tc, changed_read_error);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(util_suite());
}
