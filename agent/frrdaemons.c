/* frrdaemons.c - the daemons FRR starts (/etc/frr/daemons) */
#include "frrdaemons.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "timebounds.h"
#include "util.h"

/* by bit: FRRD_OSPFD, FRRD_BFDD, FRRD_OSPF6D */
static const char *const daemon_names[] = {"ospfd", "bfdd", "ospf6d"};

unsigned
frrdaemons_wanted(const struct config *c)
{
	return FRRD_OSPFD | (c->bfd ? FRRD_BFDD : 0) | (c->ipv6 ? FRRD_OSPF6D : 0);
}

const char *
frrdaemons_names(unsigned mask, char buf[static 32])
{
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < ARRAY_SIZE(daemon_names); i++)
		if (mask & (1u << i))
			at += (size_t)snprintf(buf + at, 32 - at, " %s", daemon_names[i]);
	return buf;
}

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
frrdaemons_missing(const char *text, unsigned wanted)
{
	unsigned missing = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(daemon_names); i++) {
		size_t len;
		const char *v = find_setting(text, daemon_names[i], &len);

		if (!(wanted & (1u << i)))
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
frrdaemons_update(const char *path, unsigned wanted, bool dry_run, unsigned *missing)
{
	_cleanup_free_ char *text = NULL, *updated = NULL;
	int r;

	r = read_file_nofollow(path, 1024 * 1024, &text, NULL);
	if (r < 0)
		return r;
	*missing = frrdaemons_missing(text, wanted);
	if (*missing == 0)
		return 0;
	if (dry_run)
		return 1;
	updated = frrdaemons_enable(text, *missing);
	r = write_file_replace(path, updated, strlen(updated), 0640);
	return r < 0 ? r : 1;
}

/* systemctl VERB frr.service, bounded: 0, -EIO when it failed, -ETIMEDOUT
 * when it did not finish in time (killed; the job it queued stays with
 * systemd), or another negative errno. */
static int
systemctl(const char *verb)
{
	char *const argv[] = {"systemctl", (char *)verb, "frr.service", NULL};
	long long deadline = now_mono_ms() + tb_bound(TB_FRR_RELOAD_MS);
	int status, r;
	pid_t pid;

	r = child_spawn(&pid, "systemctl", argv, NULL, true);
	if (r < 0)
		return r;
	r = tb_wait_child(pid, deadline, &status);
	if (r < 0)
		return r;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

int
frrdaemons_start(bool frr_running, bool *restarted)
{
	int r;

	*restarted = false;
	/* FRR's reload restarts watchfrr with the daemons now enabled, which
	 * starts them, and leaves zebra and ospfd alone: the routes and
	 * adjacencies of a running FRR survive. It needs frr-reload.py. A
	 * reload that hangs is not followed by a restart: that would queue
	 * behind it, and drop the adjacencies. */
	if (frr_running && access(FRR_RELOAD_SCRIPT, X_OK) == 0) {
		r = systemctl("reload");
		if (r == 0 || r == -ETIMEDOUT)
			return r;
	}
	*restarted = true;
	return systemctl("restart");
}
