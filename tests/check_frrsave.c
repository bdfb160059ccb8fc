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
	_cleanup_free_ char *text = NULL;

	put("frr.conf.local", "! the operator's\nip route 10.8.0.0/24 Null0\n", 0640);
	ck_assert_int_eq(frrsave_local(tu_tmpdir, &want), 0);
	ck_assert_int_eq(frrsave_local(tu_tmpdir, &want), 0); /* replaced, not added twice */
	text = file("frr.conf.local");
	ck_assert_ptr_nonnull(strstr(text, "! the operator's\nip route 10.8.0.0/24 Null0\n! proxmesh begin"));
	ck_assert_ptr_null(strstr(strstr(text, "router ospf") + 1, "router ospf"));
	ck_assert_ptr_nonnull(strstr(text, "! proxmesh end\n"));
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
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(frrsave_suite());
}
