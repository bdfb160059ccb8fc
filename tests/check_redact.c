/* check_redact.c - secrets out of every text proxmesh shows */
#include <check.h>
#include <string.h>

#include "redact.h"
#include "testutil.h"

static const struct {
	const char *in, *out;
} cases[] = {
    {"ip ospf message-digest-key 1 md5 s3cretKey", "ip ospf message-digest-key 1 md5 <secret>"},
    /* FRR's echo of a refused command; a key ends at a blank only, so the
     * quote after a quoted one goes with it (frrvty redacts the parts) */
    {"% Unknown command: ip ospf message-digest-key 1 md5 k",
     "% Unknown command: ip ospf message-digest-key 1 md5 <secret>"},
    {"refused \"ip ospf message-digest-key 1 md5 k\": no", "refused \"ip ospf message-digest-key 1 md5 <secret> no"},
    {" ip ospf authentication-key abc\n ip ospf cost 10",
     " ip ospf authentication-key <secret>\n ip ospf cost 10"},
    /* a key with a quote in it ends at a blank only */
    {"md5 a\"b\" tail", "md5 <secret> tail"},
    {"no ip ospf message-digest-key 1", "no ip ospf message-digest-key 1"},
    {"ip ospf authentication message-digest", "ip ospf authentication message-digest"},
    /* redacting twice changes nothing more (a message quoting a refusal) */
    {"first \"md5 <secret>\"; FRR said: ospfd refused \"md5 <secret>\": no",
     "first \"md5 <secret>\"; FRR said: ospfd refused \"md5 <secret>\": no"},
    {"md5", "md5"},
    {"md5 ", "md5 "},
    {"hmd5 x", "hmd5 x"},
    {"", ""},
    /* known secrets anywhere, as whole words */
    {"token root@pam!mesh=0f2c-11aa rejected", "token <secret> rejected"},
    {"the secret is 0f2c-11aa.", "the secret is <secret>."},
    {"key: hunter2hunter2", "key: <secret>"},
    {"hunter2hunter2x and xhunter2hunter2 stay", "hunter2hunter2x and xhunter2hunter2 stay"},
};

START_TEST(redacts)
{
	static const char *const secrets[] = {"root@pam!mesh=0f2c-11aa", "0f2c-11aa",
	                                      "hunter2hunter2", "", NULL};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *r = redact(cases[i].in, secrets);

		ck_assert_msg(!strcmp(r, cases[i].out), "case %zu: \"%s\" gave \"%s\"", i,
		              cases[i].in, r);
		free(r);
	}
}
END_TEST

/* Every byte of a text full of secrets: the result never holds one. */
START_TEST(worst_case_size)
{
	static const char *const secrets[] = {"a", NULL};
	char *r = redact("a a a a", secrets);

	ck_assert_str_eq(r, "<secret> <secret> <secret> <secret>");
	free(r);
}
END_TEST

START_TEST(remembered)
{
	char *r;

	redact_remember("0f2c-11aa");
	redact_remember("0f2c-11aa");
	redact_remember("");
	r = redact_known("HTTP 401 with 0f2c-11aa; md5 k");
	ck_assert_str_eq(r, "HTTP 401 with <secret>; md5 <secret>");
	free(r);
	redact_forget();
	r = redact_known("0f2c-11aa");
	ck_assert_str_eq(r, "0f2c-11aa");
	free(r);
}
END_TEST

static Suite *
redact_suite(void)
{
	Suite *s = suite_create("redact");
	TCase *tc = tcase_create("redact");

	tcase_add_test(tc, redacts);
	tcase_add_test(tc, worst_case_size);
	tcase_add_test(tc, remembered);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(redact_suite());
}
