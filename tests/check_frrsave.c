/* check_frrsave.c - proxmesh's lines written into frr.conf in a folder of its own */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "frrsave.h"
#include "testutil.h"

static struct frrconf want;
static struct strv ifnames;
static struct config *conf;

static void
setup(void)
{
	tu_tmpdir_setup();
	conf = tu_parse_data("config/reference.conf");
	tu_node_desired(conf, "pbs", &want, &ifnames);
}

static void
teardown(void)
{
	frrconf_free(&want);
	strv_free(&ifnames);
	config_free(conf);
	tu_tmpdir_teardown();
}

static char *
file(const char *name)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", tu_tmpdir, name);
	char *text = NULL;

	return read_file(path, 1 << 20, &text, NULL) == 0 ? text : NULL;
}

static void
put(const char *name, const char *text, mode_t mode)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", tu_tmpdir, name);

	ck_assert_int_eq(write_file_atomic(path, text, strlen(text), mode), 0);
}

START_TEST(plan_then_write_then_same)
{
	static const char before[] = "hostname pbs\n!\nip route 10.9.0.0/24 Null0\n!\nline vty\n!\n";
	_cleanup_free_ char *path = xasprintf("%s/frr.conf", tu_tmpdir);
	_cleanup_free_ char *after = NULL, *sav = NULL, *error = NULL;
	struct stat st;

	put("frr.conf", before, 0600);
	ck_assert_int_eq(frrsave_conf(tu_tmpdir, &want, &ifnames, false, &error), FRRSAVE_PENDING);
	after = file("frr.conf");
	ck_assert_str_eq(after, before); /* plan changes nothing */
	free(after);
	ck_assert_ptr_null(file("frr.conf.sav"));

	ck_assert_int_eq(frrsave_conf(tu_tmpdir, &want, &ifnames, true, &error), FRRSAVE_WRITTEN);
	ck_assert_ptr_null(error);
	after = file("frr.conf");
	sav = file("frr.conf.sav");
	ck_assert_str_eq(sav, before);
	ck_assert_ptr_nonnull(strstr(after, "ip route 10.9.0.0/24 Null0\n"));
	ck_assert_ptr_nonnull(strstr(after, "\nrouter ospf\n ospf router-id 192.168.102.3\n"));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600); /* the mode it had */
	free(path);
	path = xasprintf("%s/frr.conf.sav", tu_tmpdir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600); /* the old file itself */
	ck_assert_uint_eq(st.st_nlink, 1);

	ck_assert_int_eq(frrsave_conf(tu_tmpdir, &want, &ifnames, true, &error), FRRSAVE_SAME);
}
END_TEST

START_TEST(no_file_yet)
{
	_cleanup_free_ char *after = NULL, *error = NULL;

	ck_assert_int_eq(frrsave_conf(tu_tmpdir, &want, &ifnames, true, &error), FRRSAVE_WRITTEN);
	after = file("frr.conf");
	ck_assert_ptr_nonnull(strstr(after, "router ospf\n"));
	ck_assert_ptr_null(file("frr.conf.sav")); /* nothing to keep */
}
END_TEST

START_TEST(unreadable_and_unparsable)
{
	_cleanup_free_ char *error = NULL, *dir = xasprintf("%s/frr.conf", tu_tmpdir);

	put("frr.conf", "hostname a\x01\n", 0640);
	ck_assert_int_eq(frrsave_conf(tu_tmpdir, &want, &ifnames, true, &error), -EINVAL);
	ck_assert_ptr_nonnull(strstr(error, "frr.conf: a line with a control character"));
	free(error);
	/* a folder where the file should be */
	unlink(dir);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	ck_assert_int_lt(frrsave_conf(tu_tmpdir, &want, &ifnames, true, &error), 0);
	ck_assert_ptr_nonnull(strstr(error, "cannot read"));
	rmdir(dir);
}
END_TEST

START_TEST(local_between_markers)
{
	static const char before[] = "! the operator's\nip route 10.8.0.0/24 Null0\n";
	_cleanup_free_ char *text = NULL, *error = NULL, *path = xasprintf("%s/frr.conf.local", tu_tmpdir);
	struct stat st;

	put("frr.conf.local", before, 0604);
	ck_assert_int_eq(frrsave_local(tu_tmpdir, &want, false, &error), FRRSAVE_PENDING);
	text = file("frr.conf.local");
	ck_assert_str_eq(text, before); /* plan changes nothing */
	free(text);
	ck_assert_int_eq(frrsave_local(tu_tmpdir, &want, true, &error), FRRSAVE_WRITTEN);
	ck_assert_ptr_null(error);
	/* replaced, not added twice */
	ck_assert_int_eq(frrsave_local(tu_tmpdir, &want, true, &error), FRRSAVE_SAME);
	ck_assert_int_eq(frrsave_local(tu_tmpdir, &want, false, &error), FRRSAVE_SAME);
	text = file("frr.conf.local");
	ck_assert_ptr_nonnull(strstr(text, "! the operator's\nip route 10.8.0.0/24 Null0\n! proxmesh begin"));
	ck_assert_ptr_null(strstr(strstr(text, "router ospf") + 1, "router ospf"));
	ck_assert_ptr_nonnull(strstr(text, "! proxmesh end\n"));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0604); /* the mode it had */
}
END_TEST

/* Someone changed proxmesh's lines in frr.conf.local: stale, found by a
 * plan, put back by apply; the operator's lines kept. */
START_TEST(local_stale)
{
	_cleanup_free_ char *error = NULL, *text = NULL;

	ck_assert_int_eq(frrsave_local(tu_tmpdir, &want, true, &error), FRRSAVE_WRITTEN);
	text = tu_replace(file("frr.conf.local"), "router ospf\n", "router ospf\n ospf abr-type cisco\n");
	text = tu_replace(text, "! proxmesh end\n", "! proxmesh end\nip route 10.7.0.0/24 Null0\n");
	put("frr.conf.local", text, 0640);
	ck_assert_int_eq(frrsave_local(tu_tmpdir, &want, false, &error), FRRSAVE_PENDING);
	ck_assert_int_eq(frrsave_local(tu_tmpdir, &want, true, &error), FRRSAVE_WRITTEN);
	free(text);
	text = file("frr.conf.local");
	ck_assert_ptr_null(strstr(text, "abr-type"));
	ck_assert_ptr_nonnull(strstr(text, "! proxmesh end\nip route 10.7.0.0/24 Null0\n"));
}
END_TEST

/* Only "does not exist" is an empty frr.conf.local: a file too big to read,
 * a folder, a FIFO, a symbolic link are errors naming the file, and the
 * file stays as it is. */
START_TEST(local_unreadable)
{
	_cleanup_free_ char *path = xasprintf("%s/frr.conf.local", tu_tmpdir);
	_cleanup_free_ char *big = xmalloc(5 << 20), *error = NULL, *text = NULL;
	struct stat st;

	memset(big, '!', 5 << 20);
	big[(5 << 20) - 1] = '\0';
	put("frr.conf.local", big, 0640);
	ck_assert_int_eq(frrsave_local(tu_tmpdir, &want, true, &error), -EFBIG);
	ck_assert_ptr_nonnull(strstr(error, "cannot read "));
	ck_assert_ptr_nonnull(strstr(error, "/frr.conf.local: "));
	ck_assert_ptr_nonnull(strstr(error, "nothing written"));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, (5 << 20) - 1); /* the operator's file kept */
	free(error);

	unlink(path);
	ck_assert_int_eq(symlink("frr.conf.operator", path), 0);
	put("frr.conf.operator", "ip route 10.8.0.0/24 Null0\n", 0640);
	ck_assert_int_eq(frrsave_local(tu_tmpdir, &want, true, &error), -ELOOP);
	ck_assert_ptr_nonnull(strstr(error, "symbolic link"));
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	text = file("frr.conf.operator");
	ck_assert_str_eq(text, "ip route 10.8.0.0/24 Null0\n");
	free(error);

	unlink(path);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(frrsave_local(tu_tmpdir, &want, false, &error), -EINVAL);
	ck_assert_ptr_nonnull(strstr(error, "not a regular file"));
	unlink(path);
}
END_TEST

/* A symbolic link planted as frr.conf or as frr.conf.sav: frr.conf is
 * refused, frr.conf.sav replaced; the file they point to is not touched. */
START_TEST(planted_links)
{
	_cleanup_free_ char *conf_path = xasprintf("%s/frr.conf", tu_tmpdir);
	_cleanup_free_ char *sav = xasprintf("%s/frr.conf.sav", tu_tmpdir);
	_cleanup_free_ char *error = NULL, *text = NULL;
	struct stat st;

	put("shadow", "root:x:0:\n", 0600);
	ck_assert_int_eq(symlink("shadow", conf_path), 0);
	ck_assert_int_eq(frrsave_conf(tu_tmpdir, &want, &ifnames, true, &error), -ELOOP);
	ck_assert_ptr_nonnull(strstr(error, "frr.conf: a symbolic link"));
	free(error);
	unlink(conf_path);

	put("frr.conf", "hostname pbs\n", 0640);
	ck_assert_int_eq(symlink("shadow", sav), 0);
	ck_assert_int_eq(frrsave_conf(tu_tmpdir, &want, &ifnames, true, &error), FRRSAVE_WRITTEN);
	ck_assert_int_eq(lstat(sav, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	text = file("frr.conf.sav");
	ck_assert_str_eq(text, "hostname pbs\n");
	free(text);
	text = file("shadow");
	ck_assert_str_eq(text, "root:x:0:\n");
}
END_TEST

static Suite *
frrsave_suite(void)
{
	Suite *s = suite_create("frrsave");
	TCase *tc = tcase_create("frrsave");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, plan_then_write_then_same);
	tcase_add_test(tc, no_file_yet);
	tcase_add_test(tc, unreadable_and_unparsable);
	tcase_add_test(tc, local_between_markers);
	tcase_add_test(tc, local_stale);
	tcase_add_test(tc, local_unreadable);
	tcase_add_test(tc, planted_links);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(frrsave_suite());
}
