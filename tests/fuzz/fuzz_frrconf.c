/* fuzz_frrconf.c - running-config text: parse, merge what the daemons print,
 * format, and the vtysh commands from it against a desired configuration */
#include <string.h>

#include "desired.h"
#include "frrconf.h"
#include "frrdiff.h"
#include "fuzz.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fuzz_text(data, size);
	_cleanup_free_ char *once = NULL, *twice = NULL;
	struct frrconf c, again, want;
	struct strv ifnames = {0}, cmds = {0};

	if (frrconf_parse(text, &c) < 0)
		return 0;
	frrconf_merge(&c);
	once = frrconf_format(&c);
	/* what proxmesh prints, it reads back the same */
	fuzz_assert(frrconf_parse(once, &again) == 0);
	frrconf_merge(&again);
	twice = frrconf_format(&again);
	if (strcmp(once, twice) != 0) {
		fprintf(stderr, "--- formatted once:\n%s--- and after a round trip:\n%s", once, twice);
		fuzz_assert(!"format, parse, format is stable");
	}
	frrconf_free(&again);

	fuzz_desired(&want, &ifnames);
	frrdiff(&want, &c, &ifnames, &cmds);
	strv_free(&cmds);
	/* the desired configuration against itself: nothing to do */
	frrdiff(&want, &want, &ifnames, &cmds);
	fuzz_assert(cmds.n == 0);
	strv_free(&cmds);
	frrconf_free(&want);
	strv_free(&ifnames);
	frrconf_free(&c);
	return 0;
}
