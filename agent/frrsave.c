/* frrsave.c - proxmesh's lines where FRR reads its configuration at start */
#include "frrsave.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "frrpersist.h"

#define CONF_MAX (4 * 1024 * 1024)
#define LOCAL_BEGIN "! proxmesh begin: managed by proxmesh, do not edit"
#define LOCAL_END "! proxmesh end"

/* The file as it is: "" when it does not exist (*existed false); any
 * other error is the caller's, never an empty file. */
static int
read_old(const char *path, char **old, bool *existed, char **error)
{
	int r = read_file_nofollow(path, CONF_MAX, old, NULL);

	*existed = r != -ENOENT;
	if (r == -ENOENT) {
		*old = xstrdup("");
		return 0;
	}
	if (r < 0)
		*error = xasprintf("cannot read %s: %s; nothing written", path, file_strerror(r));
	return r;
}

int
frrsave_conf(const char *dir, const struct frrconf *desired, const struct strv *ifnames,
             bool write, char **error)
{
	_cleanup_free_ char *path = xasprintf("%s/frr.conf", dir);
	_cleanup_free_ char *old = NULL, *text = NULL, *sav = NULL;
	bool existed;
	int r;

	*error = NULL;
	r = read_old(path, &old, &existed, error);
	if (r < 0)
		return r;
	r = frrpersist_in_sync(old, desired, ifnames);
	if (r < 0) {
		*error = xasprintf("%s: a line with a control character; proxmesh's lines not saved",
		                   path);
		return r;
	}
	if (r == 1)
		return FRRSAVE_SAME;
	if (!write)
		return FRRSAVE_PENDING;
	text = frrpersist_patch(old, desired, ifnames);
	if (existed) {
		/* The old file itself (a second name for it, so owner and mode
		 * stay), as `write memory` keeps it; a copy where links fail.
		 * link() does not follow a symbolic link planted in between. */
		sav = xasprintf("%s.sav", path);
		if (unlink(sav) < 0 && errno != ENOENT)
			r = -errno;
		else if (link(path, sav) < 0)
			r = write_file_replace(sav, old, strlen(old), 0640);
		if (r < 0) {
			free(path);
			path = TAKE_PTR(sav);
			goto fail;
		}
	}
	r = write_file_replace(path, text, strlen(text), 0640);
	if (r < 0)
		goto fail;
	return FRRSAVE_WRITTEN;
fail:
	*error = xasprintf("cannot write %s: %s", path, file_strerror(r));
	return r;
}

int
frrsave_local(const char *dir, const struct frrconf *desired, bool write, char **error)
{
	_cleanup_free_ char *path = xasprintf("%s/frr.conf.local", dir);
	_cleanup_free_ char *old = NULL, *ours = frrconf_format(desired), *text = NULL;
	const char *b, *e;
	bool existed;
	int r;

	*error = NULL;
	r = read_old(path, &old, &existed, error);
	if (r < 0)
		return r;
	b = strstr(old, LOCAL_BEGIN);
	e = b ? strstr(b, LOCAL_END) : NULL;
	if (b && e) {
		e += strlen(LOCAL_END);
		e += *e == '\n';
		text = xasprintf("%.*s%s\n%s%s\n%s", (int)(b - old), old, LOCAL_BEGIN, ours,
		                 LOCAL_END, e);
	} else {
		text = xasprintf("%s%s\n%s%s\n", old, LOCAL_BEGIN, ours, LOCAL_END);
	}
	if (existed && strcmp(text, old) == 0)
		return FRRSAVE_SAME;
	if (!write)
		return FRRSAVE_PENDING;
	r = write_file_replace(path, text, strlen(text), 0640);
	if (r < 0) {
		*error = xasprintf("cannot write %s: %s", path, file_strerror(r));
		return r;
	}
	return FRRSAVE_WRITTEN;
}
