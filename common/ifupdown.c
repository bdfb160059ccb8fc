/* ifupdown.c - the ifupdown2 file that persists the interface plan */
#include "ifupdown.h"

#include <errno.h>
#include <fnmatch.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

int
ifupdown_write(const char *path, const char *text)
{
	return write_file_changed(path, text, 0644);
}

bool
ifupdown_dir_missing(const char *file)
{
	_cleanup_free_ char *copy = xstrdup(file);
	struct stat st;

	return stat(dirname(copy), &st) < 0 && errno == ENOENT;
}

/* Strip a trailing slash (ifupdown accepts "source-directory dir/"). */
static void
strip_slash(char *s)
{
	size_t n = strlen(s);

	while (n > 1 && s[n - 1] == '/')
		s[--n] = '\0';
}

bool
ifupdown_text_sources(const char *text, const char *file)
{
	_cleanup_free_ char *copy = xstrdup(file);
	const char *dir = dirname(copy);

	while (*text) {
		const char *eol = strchrnul(text, '\n');
		char line[512], kw[32], arg[400];

		if ((size_t)(eol - text) < sizeof(line)) {
			memcpy(line, text, (size_t)(eol - text));
			line[eol - text] = '\0';
			if (sscanf(line, " %31s %399s", kw, arg) == 2) {
				strip_slash(arg);
				/* "source" takes a glob, relative to /etc/network */
				if (strcmp(kw, "source") == 0 &&
				    (fnmatch(arg, file, FNM_PATHNAME) == 0 ||
				     (arg[0] != '/' && strncmp(file, "/etc/network/", 13) == 0 &&
				      fnmatch(arg, file + 13, FNM_PATHNAME) == 0)))
					return true;
				if ((strcmp(kw, "source-directory") == 0 ||
				     strcmp(kw, "source-dir") == 0) &&
				    (strcmp(arg, dir) == 0 ||
				     (arg[0] != '/' && strncmp(dir, "/etc/network/", 13) == 0 &&
				      strcmp(arg, dir + 13) == 0)))
					return true;
			}
		}
		text = *eol ? eol + 1 : eol;
	}
	return false;
}

char *
ifupdown_check_sourced(const char *main_path, const char *file)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char *copy = xstrdup(file);
	const char *dir = dirname(copy);

	if (read_file(main_path, 1 << 20, &text, NULL) < 0)
		return NULL;
	if (ifupdown_text_sources(text, file))
		return NULL;
	return xasprintf("%s: does not source %s/*: add \"source %s/*\" so that ifupdown2 "
	                 "keeps the mesh addresses",
	                 main_path, dir, dir);
}
