/* frrdaemons.c - the daemons FRR starts (/etc/frr/daemons) */
#include "frrdaemons.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

extern char **environ;

static const char *const daemon_names[] = {"ospfd", "bfdd"};

/* The value of "NAME=VALUE" at the start of a line, or NULL. */
static const char *
find_setting(const char *text, const char *name, size_t *vlen)
{
	size_t n = strlen(name);

	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		if (strncmp(l, name, n) == 0 && l[n] == '=') {
			*vlen = strcspn(l + n + 1, "\n");
			return l + n + 1;
		}
	}
	return NULL;
}

unsigned
frrdaemons_missing(const char *text, bool want_bfd)
{
	unsigned missing = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(daemon_names); i++) {
		size_t len;
		const char *v = find_setting(text, daemon_names[i], &len);

		if (i == 1 && !want_bfd)
			continue;
		if (v == NULL || len < 3 || strncmp(v, "yes", 3) != 0)
			missing |= 1u << i;
	}
	return missing;
}

char *
frrdaemons_enable(const char *text, unsigned missing)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	unsigned done = 0;

	if (f == NULL)
		abort();
	for (const char *l = text; *l;) {
		const char *e = strchrnul(l, '\n');
		bool replaced = false;

		for (unsigned i = 0; i < ARRAY_SIZE(daemon_names); i++) {
			size_t n = strlen(daemon_names[i]);

			if ((missing & (1u << i)) && !strncmp(l, daemon_names[i], n) && l[n] == '=') {
				fprintf(f, "%s=yes", daemon_names[i]);
				done |= 1u << i;
				replaced = true;
			}
		}
		if (!replaced)
			fwrite(l, 1, (size_t)(e - l), f);
		if (*e)
			fputc('\n', f);
		l = *e ? e + 1 : e;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(daemon_names); i++)
		if ((missing & (1u << i)) && !(done & (1u << i)))
			fprintf(f, "%s%s=yes\n", len && buf[len - 1] != '\n' ? "\n" : "",
			        daemon_names[i]);
	fclose(f);
	return buf;
}

int
frrdaemons_update(const char *path, bool want_bfd, bool dry_run, unsigned *missing)
{
	_cleanup_free_ char *text = NULL, *updated = NULL;
	struct stat st;
	int r;

	r = read_file(path, 1024 * 1024, &text, NULL);
	if (r < 0)
		return r;
	*missing = frrdaemons_missing(text, want_bfd);
	if (*missing == 0)
		return 0;
	if (dry_run)
		return 1;
	if (stat(path, &st) < 0)
		return -errno;
	updated = frrdaemons_enable(text, *missing);
	r = write_file_atomic(path, updated, strlen(updated), st.st_mode & 07777);
	if (r < 0)
		return r;
	if (chown(path, st.st_uid, st.st_gid) < 0)
		return -errno;
	return 1;
}

static int
systemctl(const char *verb)
{
	char *const argv[] = {"systemctl", (char *)verb, "frr.service", NULL};
	int status, r;
	pid_t pid;

	r = posix_spawnp(&pid, "systemctl", NULL, NULL, argv, environ);
	if (r != 0)
		return -r;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

int
frrdaemons_start(bool frr_running, bool *restarted)
{
	*restarted = false;
	/* FRR's reload restarts watchfrr with the daemons now enabled, which
	 * starts them, and leaves zebra and ospfd alone: the routes and
	 * adjacencies of a running FRR survive. It needs frr-reload.py. */
	if (frr_running && access(FRR_RELOAD_SCRIPT, X_OK) == 0 && systemctl("reload") == 0)
		return 0;
	*restarted = true;
	return systemctl("restart");
}
