/* redact.c - secrets (the OSPF key, the API token) out of every text proxmesh shows */
#include "redact.h"

#include <string.h>

/* What ends a word: a secret is a whole word between these (or the text's
 * ends), so a short key does not eat parts of other words. */
#define REDACT_BOUNDARY " \t\r\n\"'`.,:;!?=/()[]{}<>"

static const char *const keywords[] = {"md5 ", "authentication-key "};

static struct strv remembered;

static bool
at_boundary(const char *text, const char *p)
{
	return p == text || strchr(REDACT_BOUNDARY, p[-1]) != NULL;
}

/* At p: the length of a keyword to keep in *keep and of the secret after
 * it (or of a known secret, *keep 0) in the return value; 0 for none. */
static size_t
secret_at(const char *text, const char *p, const char *const *secrets, size_t *keep)
{
	*keep = 0;
	if (!at_boundary(text, p))
		return 0;
	for (size_t k = 0; k < ARRAY_SIZE(keywords); k++) {
		size_t n = strlen(keywords[k]);

		if (strncmp(p, keywords[k], n) == 0 && p[n] != '\0' && !strchr(" \t\r\n", p[n])) {
			*keep = n;
			/* redacted once already: the mark stays, and what follows it */
			if (!strncmp(p + n, REDACT_MARK, sizeof(REDACT_MARK) - 1))
				return sizeof(REDACT_MARK) - 1;
			return strcspn(p + n, " \t\r\n");
		}
	}
	for (size_t i = 0; secrets && secrets[i]; i++) {
		size_t n = strlen(secrets[i]);

		if (n > 0 && strncmp(p, secrets[i], n) == 0 &&
		    (p[n] == '\0' || strchr(REDACT_BOUNDARY, p[n]) != NULL))
			return n;
	}
	return 0;
}

char *
redact(const char *text, const char *const *secrets)
{
	/* A secret is at least one character and the mark is eight: the
	 * result is at most eight times the text. */
	char *out = xmalloc(strlen(text) * (sizeof(REDACT_MARK) - 1) + 1);
	size_t len = 0;

	for (const char *p = text; *p;) {
		size_t keep, n = secret_at(text, p, secrets, &keep);

		if (n == 0) {
			out[len++] = *p++;
			continue;
		}
		memcpy(out + len, p, keep);
		len += keep;
		memcpy(out + len, REDACT_MARK, sizeof(REDACT_MARK) - 1);
		len += sizeof(REDACT_MARK) - 1;
		p += keep + n;
	}
	out[len] = '\0';
	return xrealloc(out, len + 1);
}

void
redact_remember(const char *secret)
{
	if (secret && *secret && !strv_contains(&remembered, secret))
		strv_push_dup(&remembered, secret);
}

char *
redact_known(const char *text)
{
	return redact(text, (const char *const *)remembered.v); /* NULL-terminated */
}

void
redact_forget(void)
{
	strv_free(&remembered);
}
