/* util.c - allocation that cannot fail, cleanup helpers, small string tools */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "log.h"

static void *
check_alloc(void *p)
{
	if (p == NULL)
		fatalx("out of memory");
	return p;
}

void *
xmalloc(size_t n)
{
	return check_alloc(malloc(n ? n : 1));
}

void *
xcalloc(size_t n, size_t size)
{
	return check_alloc(calloc(n ? n : 1, size ? size : 1));
}

void *
xrealloc(void *p, size_t n)
{
	return check_alloc(realloc(p, n ? n : 1));
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	return check_alloc(reallocarray(p, n ? n : 1, size ? size : 1));
}

char *
xstrdup(const char *s)
{
	return check_alloc(strdup(s));
}

char *
xstrndup(const char *s, size_t n)
{
	return check_alloc(strndup(s, n));
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		fatalx("out of memory");
	return s;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void
strv_push(struct strv *sv, char *s)
{
	if (sv->n + 1 >= sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = xreallocarray(sv->v, sv->cap, sizeof(char *));
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void
strv_push_dup(struct strv *sv, const char *s)
{
	strv_push(sv, xstrdup(s));
}

void
strv_pushf(struct strv *sv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strv_push(sv, xvasprintf(fmt, ap));
	va_end(ap);
}

bool
strv_contains(const struct strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

void
strv_remove(struct strv *sv, const struct strv *gone)
{
	size_t k = 0;

	for (size_t i = 0; i < sv->n; i++) {
		if (strv_contains(gone, sv->v[i]))
			free(sv->v[i]);
		else
			sv->v[k++] = sv->v[i];
	}
	sv->n = k;
}

void
strv_free(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	*sv = (struct strv){0};
}

char *
strv_join(const struct strv *sv, size_t n, const char *sep)
{
	size_t len = 0, at = 0;
	char *s;

	if (n > sv->n)
		n = sv->n;
	for (size_t i = 0; i < n; i++)
		len += strlen(sv->v[i]) + (i ? strlen(sep) : 0);
	s = xmalloc(len + 1);
	for (size_t i = 0; i < n; i++)
		at += (size_t)sprintf(s + at, "%s%s", i ? sep : "", sv->v[i]);
	s[at] = '\0';
	return s;
}

int
parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int
parse_prefix_len(const char *s, char *addr, size_t addr_size, unsigned long max_len,
                 unsigned long *len)
{
	const char *slash = strchr(s, '/');

	if (slash == NULL || (size_t)(slash - s) >= addr_size)
		return -EINVAL;
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	return parse_uint(slash + 1, 0, max_len, len) < 0 ? -EINVAL : 0;
}

bool
str_is_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* Read what is open on fd, at most max bytes. */
static int
read_fd(int fd, size_t max, char **out, size_t *len)
{
	_cleanup_free_ char *buf = xmalloc(max + 1);
	size_t n = 0;
	ssize_t r;

	while ((r = read(fd, buf + n, max + 1 - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		n += (size_t)r;
		if (n > max)
			return -EFBIG;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	*out = TAKE_PTR(buf);
	return 0;
}

int
read_file(const char *path, size_t max, char **out, size_t *len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);

	return fd < 0 ? -errno : read_fd(fd, max, out, len);
}

int
read_file_nofollow(const char *path, size_t max, char **out, size_t *len)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	/* O_NONBLOCK: a FIFO planted there must not hang the pass. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	return read_fd(fd, max, out, len);
}

const char *
file_strerror(int r)
{
	if (r == -ELOOP)
		return "a symbolic link, which proxmesh does not follow";
	if (r == -EINVAL)
		return "not a regular file";
	return strerror(-r);
}

/* Create a file that did not exist in dir, named .NAME.XXXXXX (a dot: no
 * glob such as interfaces.d/'s "source DIR/<star>" reads it, even left by a
 * crash), mode 0600; its name relative to dir in tmp. */
static int
create_temp(const char *dir, const char *name, char **tmp)
{
	_cleanup_free_ char *path = xasprintf("%s/.%s.XXXXXX", dir, name);
	int fd = mkostemp(path, O_CLOEXEC);

	if (fd < 0)
		return -errno;
	*tmp = xstrdup(strrchr(path, '/') + 1);
	return fd;
}

static int
write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, data, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Replace path with a new file: created exclusively beside it, owner and
 * mode set on the descriptor, written, fsynced, renamed over path, and the
 * folder fsynced. A symbolic link (or anything but a file) at path is
 * refused, never followed. keep: the mode and owner of the file replaced
 * (mode for a new one); else mode and the writer's owner. */
static int
replace_file(const char *path, const char *data, size_t len, unsigned mode, bool keep)
{
	const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
	_cleanup_free_ char *dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int dfd = -1, old = -1, fd = -1;
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	struct stat st;
	int r = 0;

	if (*dir == '\0') {
		free(dir);
		dir = xstrdup("/");
	}
	if (*name == '\0')
		return -EISDIR;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	old = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (old < 0 && errno != ENOENT)
		return -errno;
	if (old >= 0) {
		if (fstat(old, &st) < 0)
			return -errno;
		if (S_ISLNK(st.st_mode))
			return -ELOOP;
		if (!S_ISREG(st.st_mode))
			return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		if (keep) {
			mode = st.st_mode & 07777;
			uid = st.st_uid;
			gid = st.st_gid;
		}
	}
	fd = create_temp(dir, name, &tmp);
	if (fd < 0)
		return fd;
	/* chmod while the file is still ours, then chown: a chmod of a file
	 * another user owns needs CAP_FOWNER, which the unit does not grant
	 * (frr:frr's /etc/frr/daemons failed with EPERM under systemd). The
	 * file is empty and 0600 until both are done. */
	if (fchmod(fd, mode) < 0)
		r = -errno;
	if (r == 0 && (uid != (uid_t)-1 || gid != (gid_t)-1) && fchown(fd, uid, gid) < 0)
		r = -errno;
	if (r == 0)
		r = write_all(fd, data, len);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(TAKE_FD(fd)) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dfd, tmp, dfd, name) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dfd, tmp, 0);
		return r;
	}
	return fsync(dfd) < 0 ? -errno : 0;
}

int
write_file_atomic(const char *path, const char *data, size_t len, unsigned mode)
{
	return replace_file(path, data, len, mode, false);
}

int
write_file_replace(const char *path, const char *data, size_t len, unsigned mode)
{
	return replace_file(path, data, len, mode, true);
}

int
write_file_changed(const char *path, const char *text, unsigned mode)
{
	_cleanup_free_ char *old = NULL;
	int r;

	r = read_file_nofollow(path, 1 << 20, &old, NULL);
	if (r < 0 && r != -ENOENT)
		return r;
	if (r == 0 && strcmp(old, text) == 0)
		return 0;
	r = write_file_atomic(path, text, strlen(text), mode);
	return r < 0 ? r : 1;
}

static long long
clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long
now_mono_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

long long
now_real_ms(void)
{
	return clock_ms(CLOCK_REALTIME);
}

void
format_time_utc(long long ms, char buf[static 32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
