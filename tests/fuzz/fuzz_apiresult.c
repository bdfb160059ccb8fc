/* fuzz_apiresult.c - the line the API client prints and the daemon reads:
 * read it, and what is read dumps and reads back the same */
#include <string.h>

#include "apiresult.h"
#include "fuzz.h"
#include "util.h"

static bool
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && !strcmp(a, b));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct api_result r = {0}, back = {0};
	_cleanup_free_ char *line = NULL;

	if (api_result_undump((const char *)data, size, &r) < 0)
		return 0;
	line = api_result_dump(&r);
	fuzz_assert(api_result_undump(line, strlen(line), &back) == 0);
	fuzz_assert(back.state == r.state && back.http_status == r.http_status);
	fuzz_assert(same_str(back.url, r.url) && same_str(back.error, r.error));
	fuzz_assert(membership_equal(&back.membership, &r.membership));
	api_result_free(&back);
	api_result_free(&r);
	return 0;
}
