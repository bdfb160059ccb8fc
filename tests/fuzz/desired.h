/* desired.h - the desired FRR configuration the frrconf and frrpersist
 * targets compare against: pve-1 of tests/data/config/reference.conf as
 * render_frr gives it (tests/data/render/pve-1.frr, read once) */
#pragma once

#include "frrconf.h"
#include "fuzz.h"
#include "util.h"

static inline void
fuzz_desired(struct frrconf *want, struct strv *ifnames)
{
	static char *text;
	size_t len;

	if (text == NULL)
		fuzz_assert(read_file(TEST_DATA "/render/pve-1.frr", 1 << 20, &text, &len) == 0);
	fuzz_assert(frrconf_parse(text, want) == 0);
	*ifnames = (struct strv){0};
	strv_push_dup(ifnames, "lo");
	strv_push_dup(ifnames, "nic3");
	strv_push_dup(ifnames, "nic4");
}
