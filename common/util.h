/* util.h - allocation that cannot fail, cleanup helpers, small string tools */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocate or die: out of memory is fatal, so callers never check. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static inline void freep(void *p)
{
	free(*(void **)p);
}
static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)

/* Hand over ownership of a descriptor: returns fd and sets it to -1. */
#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int _fd = (fd);                                                                    \
		(fd) = -1;                                                                         \
		_fd;                                                                               \
	})

/* Hand over ownership: returns p and clears the variable. */
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _p = (p);                                                            \
		(p) = NULL;                                                                        \
		_p;                                                                                \
	})

/* A growable array of owned strings. */
struct strv {
	char **v;
	size_t n;
	size_t cap;
};

void strv_push(struct strv *sv, char *s);
void strv_pushf(struct strv *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strv_push_dup(struct strv *sv, const char *s);
bool strv_contains(const struct strv *sv, const char *s);
/* Take out of sv every string gone holds. */
void strv_remove(struct strv *sv, const struct strv *gone);
void strv_free(struct strv *sv);
/* The first n strings of sv (all when it has fewer), sep between them
 * (owned; "" for none). */
char *strv_join(const struct strv *sv, size_t n, const char *sep);

/* Parse an unsigned decimal in [min, max]; -EINVAL or -ERANGE. */
int parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out);

/* Split "ADDR/LEN" into addr (a buffer of size addr_size) and *len (at most
 * max_len): 0, or -EINVAL when there is no slash, the address part does not
 * fit or the length is not a number in range. */
int parse_prefix_len(const char *s, char *addr, size_t addr_size, unsigned long max_len,
                     unsigned long *len);

/* True if s has no control characters (what may go to vtysh or a log). */
bool str_is_printable(const char *s);

/* Read a whole small file (at most max bytes) into a NUL-terminated buffer. */
int read_file(const char *path, size_t max, char **out, size_t *len);

/* The same for a file proxmesh rewrites: never through a symbolic link
 * (-ELOOP), a regular file only (-EISDIR, -EINVAL). */
int read_file_nofollow(const char *path, size_t max, char **out, size_t *len);
/* What a file function's -errno means, for "cannot read PATH: %s". */
const char *file_strerror(int r);

/* Write a file atomically: a temp file created exclusively beside it, named
 * .NAME.XXXXXX (no glob matches it), fsync, rename over path, fsync of the
 * folder. A symbolic link at path is refused (-ELOOP), never followed. */
int write_file_atomic(const char *path, const char *data, size_t len, unsigned mode);
/* The same, keeping the mode and owner of the file it replaces (mode for a
 * new one): FRR's files belong to frr:frr. */
int write_file_replace(const char *path, const char *data, size_t len, unsigned mode);
/* write_file_atomic only if path does not hold text already: 0 it did,
 * 1 written, or -errno (a read error other than -ENOENT included). */
int write_file_changed(const char *path, const char *text, unsigned mode);

/* Monotonic and wall clock in milliseconds. */
long long now_mono_ms(void);
long long now_real_ms(void);

/* Format a UNIX time in ms as RFC 3339 UTC ("2026-11-26T10:00:00Z"). */
void format_time_utc(long long ms, char buf[static 32]);
