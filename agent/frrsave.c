/* frrsave.c - proxmesh's lines where FRR reads its configuration at start */
#include "frrsave.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "frrpersist.h"

#define CONF_MAX (4 * 1024 * 1024)
#define LOCAL_BEGIN "! proxmesh begin: managed by proxmesh, do not edit"
#define LOCAL_END "! proxmesh end"

int
frrsave_conf(const char *dir, const struct frrconf *desired, const struct strv *ifnames,
             bool write, char **error)
{
	_cleanup_free_ char *path = xasprintf("%s/frr.conf", dir);
	_cleanup_free_ char *old = NULL, *text = NULL, *sav = NULL;
	bool existed;
	int r;

	*error = NULL;
	r = read_file(path, CONF_MAX, &old, NULL);
	existed = r != -ENOENT;
	if (r == -ENOENT)
		old = xstrdup("");
	else if (r < 0)
		goto fail;
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
		 * stay), as `write memory` keeps it; a copy where links fail. */
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
	*error = xasprintf("cannot %s %s: %s", text ? "write" : "read", path, strerror(-r));
	return r;
}

int
frrsave_local(const char *dir, const struct frrconf *desired)
{
	_cleanup_free_ char *path = xasprintf("%s/frr.conf.local", dir);
	_cleanup_free_ char *old = NULL, *ours = frrconf_format(desired), *text = NULL;
	const char *b, *e;

	if (read_file(path, CONF_MAX, &old, NULL) < 0)
		old = xstrdup("");
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
	return write_file_atomic(path, text, strlen(text), 0640);
}
