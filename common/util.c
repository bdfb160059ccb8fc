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
strv_free(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	*sv = (struct strv){0};
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

bool
str_is_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

int
read_file(const char *path, size_t max, char **out, size_t *len)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t n = 0;
	ssize_t r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = xmalloc(max + 1);
	while ((r = read(fd, buf + n, max + 1 - n)) > 0) {
		n += (size_t)r;
		if (n > max)
			return -EFBIG;
	}
	if (r < 0)
		return -errno;
	buf[n] = '\0';
	if (len)
		*len = n;
	*out = TAKE_PTR(buf);
	return 0;
}

/* Write a new file next to path and rename it over path; uid/gid -1: the
 * writer's. */
static int
replace_file(const char *path, const char *data, size_t len, unsigned mode, uid_t uid, gid_t gid)
{
	_cleanup_free_ char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
	int fd, r = 0;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, mode) < 0)
		r = -errno;
	if (r == 0 && (uid != (uid_t)-1 || gid != (gid_t)-1) && fchown(fd, uid, gid) < 0)
		r = -errno;
	while (r == 0 && len > 0) {
		ssize_t w = write(fd, data, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		data += w;
		len -= (size_t)w;
	}
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

int
write_file_atomic(const char *path, const char *data, size_t len, unsigned mode)
{
	return replace_file(path, data, len, mode, (uid_t)-1, (gid_t)-1);
}

int
write_file_replace(const char *path, const char *data, size_t len, unsigned mode)
{
	struct stat st;

	if (stat(path, &st) == 0)
		return replace_file(path, data, len, st.st_mode & 07777, st.st_uid, st.st_gid);
	return replace_file(path, data, len, mode, (uid_t)-1, (gid_t)-1);
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
