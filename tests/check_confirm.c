/* check_confirm.c - the state files of apply --confirm and the agent's hold */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confirm.h"
#include "testutil.h"

static struct paths paths;
static char config_path[128];

static void
setup(void)
{
	tu_tmpdir_setup();
	snprintf(config_path, sizeof(config_path), "%s/proxmesh.conf", tu_tmpdir);
	paths = (struct paths){.config = config_path, .state_dir = tu_tmpdir};
}

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(hash_tells_files_apart)
{
	ck_assert_uint_eq(confirm_hash("[mesh]\n"), confirm_hash("[mesh]\n"));
	ck_assert_uint_ne(confirm_hash("area = 0.0.0.0\n"), confirm_hash("area = 0.0.0.1\n"));
	ck_assert_uint_ne(confirm_hash(""), confirm_hash("\n"));
}
END_TEST

START_TEST(hold_round_trip)
{
	struct confirm_hold h = {0x0123456789abcdefull, 1764000000123ll, 20}, back;
	_cleanup_free_ char *path = confirm_path(&paths, CONFIRM_HOLD);

	ck_assert_int_eq(confirm_hold_read(&paths, &back), -ENOENT);
	ck_assert_int_eq(confirm_hold_write(&paths, &h), 0);
	ck_assert_int_eq(confirm_hold_read(&paths, &back), 0);
	ck_assert(back.hash == h.hash);
	ck_assert_int_eq(back.deadline_ms, h.deadline_ms);
	ck_assert_uint_eq(back.seconds, 20);
	put(path, "{\"hash\": 5}");
	ck_assert_int_eq(confirm_hold_read(&paths, &back), -EBADMSG);
	put(path, "not json");
	ck_assert_int_eq(confirm_hold_read(&paths, &back), -EBADMSG);
}
END_TEST

/* While the agent has gone back, plan and apply use confirmed.conf, and
 * only as long as the file is the one it went back from. */
START_TEST(config_in_force)
{
	struct confirm_reverted r = {.reason = "no proxmesh confirm within 8 s", .at_ms = 1};
	_cleanup_free_ char *confirmed = confirm_path(&paths, CONFIRM_CONFIRMED);
	struct confirm_reverted back;
	char *path, *why;

	put(config_path, "area = 0.0.0.1\n");
	ck_assert_int_eq(confirm_config_path(&paths, &path, &why), 0);
	ck_assert_str_eq(path, config_path);
	ck_assert_ptr_null(why);
	free(path);

	r.hash = confirm_hash("area = 0.0.0.1\n");
	ck_assert_int_eq(confirm_reverted_write(&paths, &r), 0);
	ck_assert_int_eq(confirm_reverted_read(&paths, &back), 0);
	ck_assert_str_eq(back.reason, r.reason);
	ck_assert(back.hash == r.hash);
	confirm_reverted_free(&back);
	ck_assert_int_eq(confirm_config_path(&paths, &path, &why), 0);
	ck_assert_str_eq(path, confirmed);
	ck_assert_str_eq(why, "no proxmesh confirm within 8 s");
	free(path);
	free(why);

	put(config_path, "area = 0.0.0.0\n"); /* the file changed: in force again */
	ck_assert_int_eq(confirm_config_path(&paths, &path, &why), 0);
	ck_assert_str_eq(path, config_path);
	ck_assert_ptr_null(why);
	free(path);
}
END_TEST

/* A hold of 20 s from t = 1000 (wall clock 5,000,000), dead interval 3 s. */
START_TEST(judge_deadline_and_loss)
{
	const struct confirm_hold h = {1, 5000000 + 20000, 20};
	long long lost = -1, at = 0;

	/* all well: kept, next look at the deadline */
	ck_assert_int_eq(confirm_judge(&h, 5000000, 1000, true, true, 3000, &lost, &at),
	                 CONFIRM_KEEP);
	ck_assert_int_eq(at, 21000);
	ck_assert_int_eq(lost, -1);
	/* every adjacency gone at 2000: kept for a dead interval, look at 5000 */
	ck_assert_int_eq(confirm_judge(&h, 5001000, 2000, true, false, 3000, &lost, &at),
	                 CONFIRM_KEEP);
	ck_assert_int_eq(lost, 2000);
	ck_assert_int_eq(at, 5000);
	ck_assert_int_eq(confirm_judge(&h, 5002000, 3000, true, false, 3000, &lost, &at),
	                 CONFIRM_KEEP);
	/* one back at 4000: the loss starts over */
	ck_assert_int_eq(confirm_judge(&h, 5003000, 4000, true, true, 3000, &lost, &at),
	                 CONFIRM_KEEP);
	ck_assert_int_eq(lost, -1);
	ck_assert_int_eq(confirm_judge(&h, 5004000, 5000, true, false, 3000, &lost, &at),
	                 CONFIRM_KEEP);
	ck_assert_int_eq(confirm_judge(&h, 5008000, 8000, true, false, 3000, &lost, &at),
	                 CONFIRM_LOST);
	/* a host that had no adjacency: only the deadline */
	lost = -1;
	ck_assert_int_eq(confirm_judge(&h, 5010000, 9000, false, false, 3000, &lost, &at),
	                 CONFIRM_KEEP);
	ck_assert_int_eq(confirm_judge(&h, 5020000, 21000, false, false, 3000, &lost, &at),
	                 CONFIRM_DEADLINE);
	/* the deadline wins over a loss */
	lost = 0;
	ck_assert_int_eq(confirm_judge(&h, 5030000, 30000, true, false, 3000, &lost, &at),
	                 CONFIRM_DEADLINE);
}
END_TEST

static Suite *
confirm_suite(void)
{
	Suite *s = suite_create("confirm");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, tu_tmpdir_teardown);
	tcase_add_test(tc, hash_tells_files_apart);
	tcase_add_test(tc, hold_round_trip);
	tcase_add_test(tc, config_in_force);
	tcase_add_test(tc, judge_deadline_and_loss);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(confirm_suite());
}
