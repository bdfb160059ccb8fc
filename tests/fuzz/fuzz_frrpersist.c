/* fuzz_frrpersist.c - the frr.conf patcher: on any file FRR would read,
 * foreign lines are kept byte for byte and in order, the result holds
 * exactly proxmesh's desired lines, and patching twice equals patching once */
#include <stdbool.h>
#include <string.h>

#include "desired.h"
#include "frrconf.h"
#include "frrpersist.h"
#include "fuzz.h"
#include "util.h"

static void
split(const char *text, struct strv *lines)
{
	for (const char *p = text; *p;) {
		const char *e = strchrnul(p, '\n');

		strv_push(lines, xstrndup(p, (size_t)(e - p)));
		p = *e ? e + 1 : e;
	}
}

/* Could this line (trimmed) be proxmesh's, or the header of a block that
 * is? Generous on purpose: a line it calls foreign must stay. */
static bool
maybe_owned(const char *t)
{
	return strstr(t, "ospf") || strstr(t, "proxmesh") || strstr(t, "forwarding") ||
	       !strncmp(t, "ip prefix-list", 14);
}

/* The header of a block proxmesh puts lines into (its interfaces, bfd). */
static bool
maybe_shared(const char *t, const struct strv *ifnames)
{
	for (size_t i = 0; i < ifnames->n; i++)
		if (!strncmp(t, "interface ", 10) &&
		    !strncmp(t + 10, ifnames->v[i], strlen(ifnames->v[i])))
			return true;
	return !strncmp(t, "bfd", 3);
}

/* A command of a bfd profile or peer: FRR reads it into the profile open
 * before it, however it is indented ("transmit-interval 50" at column 0
 * after " profile proxmesh" changes proxmesh's profile). */
static bool
bfd_session_command(const char *t)
{
	static const char *const words[] = {"detect-multiplier", "echo", "log-session-changes",
	                                    "minimum-ttl", "no ", "passive-mode",
	                                    "receive-interval", "shutdown", "transmit-interval"};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strncmp(t, words[i], strlen(words[i])))
			return true;
	return false;
}

/* Every line of file that is certainly not proxmesh's is a line of out, in
 * the same order. Not certain: a line that may be proxmesh's, the header of
 * a block proxmesh shares, and the rest of a top-level block after the
 * header of a block that may be proxmesh's (where that inner block ends
 * depends on FRR's grammar, not only on the indentation). */
static void
check_foreign_kept(const char *file, const char *out, const struct strv *ifnames)
{
	struct strv in = {0}, res = {0};
	bool rest_owned = false;
	size_t pos = 0;

	split(file, &in);
	split(out, &res);
	for (size_t i = 0; i < in.n; i++) {
		const char *l = in.v[i], *t = l + strspn(l, " ");
		/* FRR ignores indentation: an indented header opens its block too */
		bool block = t == l || strstr(t, "profile ") != NULL ||
		             !strncmp(t, "route-map ", 10) || !strncmp(t, "router ", 7);

		if (*t == '\0' || *t == '!' || *t == '#' || *t == '\r' || !strncmp(t, "exit", 4) ||
		    !strcmp(t, "end"))
			continue;
		if (t == l && !(rest_owned && bfd_session_command(t)))
			rest_owned = false;
		if (maybe_owned(t) && block)
			rest_owned = true;
		if (rest_owned || maybe_owned(t) || maybe_shared(t, ifnames))
			continue;
		while (pos < res.n && strcmp(res.v[pos], l) != 0)
			pos++;
		if (pos == res.n) {
			fprintf(stderr, "--- file:\n%s--- patched:\n%s--- lost line %zu: \"%s\"\n", file,
			        out, i + 1, l);
			fuzz_assert(!"foreign lines are kept in order");
		}
		pos++;
	}
	strv_free(&in);
	strv_free(&res);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *file = fuzz_text(data, size);
	_cleanup_free_ char *once = NULL, *twice = NULL;
	struct frrconf want, parsed;
	struct strv ifnames = {0};
	bool readable;

	fuzz_desired(&want, &ifnames);
	readable = frrconf_parse(file, &parsed) == 0;
	if (readable)
		frrconf_free(&parsed);
	once = frrpersist_patch(file, &want, &ifnames);
	(void)frrpersist_in_sync(file, &want, &ifnames);
	if (readable) {
		/* The file FRR would read: the properties hold. */
		if (frrpersist_in_sync(once, &want, &ifnames) != 1) {
			fprintf(stderr, "--- file:\n%s--- patched, not in sync:\n%s", file, once);
			fuzz_assert(!"a patched file is in sync");
		}
		twice = frrpersist_patch(once, &want, &ifnames);
		if (strcmp(once, twice) != 0) {
			fprintf(stderr, "--- patched once:\n%s--- twice:\n%s", once, twice);
			fuzz_assert(!"patching twice equals patching once");
		}
		check_foreign_kept(file, once, &ifnames);
	}
	frrconf_free(&want);
	strv_free(&ifnames);
	return 0;
}
