/* sysctl.c - kernel settings through /proc/sys */
#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static const char *sysctl_root = "/proc/sys";

void
sysctl_set_root(const char *root)
{
	sysctl_root = root ? root : "/proc/sys";
}

/* Settings come from the plan, but a path is still checked: no "..". */
static char *
full_path(const char *path)
{
	if (path[0] == '/' || strstr(path, "..") != NULL)
		return NULL;
	return xasprintf("%s/%s", sysctl_root, path);
}

int
sysctl_read(const char *path, char *buf, size_t size)
{
	_cleanup_free_ char *p = full_path(path);
	_cleanup_close_ int fd = -1;
	ssize_t n;

	if (p == NULL || size == 0)
		return -EINVAL;
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int
sysctl_write(const char *path, const char *value)
{
	_cleanup_free_ char *p = full_path(path);
	_cleanup_free_ char *v = NULL;
	_cleanup_close_ int fd = -1;
	size_t len;
	ssize_t n;

	if (p == NULL)
		return -EINVAL;
	fd = open(p, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	v = xasprintf("%s\n", value);
	len = strlen(v);
	n = write(fd, v, len);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}
