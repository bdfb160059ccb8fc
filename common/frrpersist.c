/* frrpersist.c - proxmesh's part of FRR's startup configuration file
 *
 * `write memory` would save the whole running configuration, including
 * what someone else changed and did not mean to keep yet, and costs two
 * vtysh starts (watchfrr runs `vtysh -w`). proxmesh writes its own lines
 * only: the file is read as blocks of lines, the blocks proxmesh owns are
 * dropped, its lines taken out of the interface and bfd blocks, and the
 * desired ones put back. */
#include "frrpersist.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frrdiff.h"
#include "render.h"

static bool
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int
frrpersist_in_sync(const char *file, const struct frrconf *desired, const struct strv *ifnames)
{
	struct frrconf have;
	struct strv cmds = {0};
	bool same;

	if (frrconf_parse(file, &have) < 0)
		return -EINVAL;
	frrconf_merge(&have);
	frrdiff(desired, &have, ifnames, &cmds);
	same = cmds.n == 0;
	strv_free(&cmds);
	frrconf_free(&have);
	return same;
}

/* A top-level line proxmesh owns with everything inside it. */
static bool
owned_whole(const char *l)
{
	return !strcmp(l, "router ospf") || starts(l, "route-map proxmesh-") ||
	       starts(l, "ip protocol ospf route-map ") || starts(l, "ip prefix-list proxmesh-") ||
	       !strcmp(l, "no ip forwarding") || !strcmp(l, "ip forwarding");
}

static bool
managed_interface(const char *l, const struct strv *ifnames)
{
	return starts(l, "interface ") && strv_contains(ifnames, l + 10);
}

struct patch {
	struct strv out;     /* the lines kept */
	size_t at_if[64];    /* index in out of a kept managed interface's header */
	char *if_name[64];   /* (borrowed from the file's lines) */
	size_t n_if;
	long bfd_at;         /* index in out of a kept bfd header, or -1 */
};

/* Lines [b, e) of one block: keep those that are not ours. Returns how
 * many kept lines say something (not "!" and not "exit…"). */
static size_t
keep_block(struct patch *pt, char **lines, size_t b, size_t e, bool is_if)
{
	size_t said = 0;

	strv_push_dup(&pt->out, lines[b]);
	for (size_t i = b + 1; i < e; i++) {
		const char *l = lines[i], *t = l + strspn(l, " ");
		size_t indent = (size_t)(t - l);

		if (is_if && starts(t, "ip ospf "))
			continue;
		if (!is_if && indent == 1 && !strcmp(t, "profile " RENDER_BFD_PROFILE)) {
			/* its lines (deeper), its " exit" and the " !" after it */
			while (i + 1 < e && strspn(lines[i + 1], " ") > 1)
				i++;
			i += i + 1 < e && starts(lines[i + 1], " exit");
			i += i + 1 < e && !strcmp(lines[i + 1], " !");
			continue;
		}
		said += *t != '!' && !starts(t, "exit");
		strv_push_dup(&pt->out, l);
	}
	return said;
}

/* Drop the lines out[from…] again. */
static void
unkeep(struct patch *pt, size_t from)
{
	while (pt->out.n > from)
		free(pt->out.v[--pt->out.n]);
}

static void
split_lines(const char *text, struct strv *lines)
{
	for (const char *p = text; *p;) {
		const char *e = strchrnul(p, '\n');

		strv_push(lines, xstrndup(p, (size_t)(e - p)));
		p = *e ? e + 1 : e;
	}
}

/* Copy the file's lines without what proxmesh owns. */
static void
strip(struct patch *pt, struct strv *lines, const struct strv *ifnames)
{
	for (size_t i = 0; i < lines->n;) {
		char *l = lines->v[i];
		size_t e = i + 1, from = pt->out.n;
		bool drop;

		if (*l == '\0' || *l == ' ' || *l == '!' || starts(l, "exit") || !strcmp(l, "end")) {
			strv_push_dup(&pt->out, l);
			i++;
			continue;
		}
		while (e < lines->n && lines->v[e][0] == ' ')
			e++;
		if (e < lines->n && starts(lines->v[e], "exit"))
			e++;
		if (owned_whole(l)) {
			drop = true;
		} else if (managed_interface(l, ifnames) || !strcmp(l, "bfd")) {
			bool is_if = *l == 'i';

			drop = keep_block(pt, lines->v, i, e, is_if) == 0;
			if (!drop && is_if && pt->n_if < ARRAY_SIZE(pt->at_if)) {
				pt->if_name[pt->n_if] = l + 10;
				pt->at_if[pt->n_if++] = from;
			} else if (!drop && !is_if && pt->bfd_at < 0) {
				pt->bfd_at = (long)from;
			}
			if (drop)
				unkeep(pt, from);
		} else {
			drop = false;
			for (size_t k = i; k < e; k++)
				strv_push_dup(&pt->out, lines->v[k]);
		}
		i = e;
		/* a dropped block's "!" goes with it */
		if (drop && i < lines->n && !strcmp(lines->v[i], "!"))
			i++;
	}
}

/* One desired top-level entry as FRR prints it; children_only: the lines
 * inside it, to go into a block the file already has. */
static void
format_entry(struct strv *sv, const struct frr_line *l, bool children_only)
{
	struct frrconf one = {.root = {.children = (struct frr_line *)l, .n_children = 1}};
	_cleanup_free_ char *text = frrconf_format(&one);
	struct strv lines = {0};
	size_t b = children_only, e;

	split_lines(text, &lines);
	e = lines.n;
	if (children_only) /* without the header, its "exit" and "!" */
		e -= e >= 3 ? 2 : e - b;
	for (size_t i = b; i < e; i++)
		strv_push_dup(sv, lines.v[i]);
	strv_free(&lines);
}

char *
frrpersist_patch(const char *file, const struct frrconf *desired, const struct strv *ifnames)
{
	struct patch pt = {.bfd_at = -1};
	struct strv lines = {0}, *insert, tail = {0};
	char *buf = NULL;
	size_t len = 0, end;
	FILE *f;

	split_lines(file, &lines);
	strip(&pt, &lines, ifnames);
	insert = xcalloc(pt.out.n + 1, sizeof(*insert));

	for (size_t i = 0; i < desired->root.n_children; i++) {
		const struct frr_line *d = &desired->root.children[i];
		long at = -1;

		for (size_t k = 0; k < pt.n_if && starts(d->text, "interface "); k++)
			if (!strcmp(pt.if_name[k], d->text + 10))
				at = (long)pt.at_if[k];
		if (!strcmp(d->text, "bfd"))
			at = pt.bfd_at;
		/* into the block the file has (the lines, one level in), or
		 * appended whole */
		if (at >= 0)
			format_entry(&insert[at], d, true);
		else
			format_entry(&tail, d, false);
	}

	/* Appended blocks go before a final "end" (and the "!" before it). */
	end = pt.out.n;
	while (end > 0 && pt.out.v[end - 1][0] == '\0')
		end--;
	if (end > 0 && !strcmp(pt.out.v[end - 1], "end"))
		end--;
	else
		end = pt.out.n;

	f = open_memstream(&buf, &len);
	if (f == NULL)
		abort();
	for (size_t i = 0; i <= pt.out.n; i++) {
		if (i == end)
			for (size_t k = 0; k < tail.n; k++)
				fprintf(f, "%s\n", tail.v[k]);
		if (i == pt.out.n)
			break;
		fprintf(f, "%s\n", pt.out.v[i]);
		for (size_t k = 0; k < insert[i].n; k++)
			fprintf(f, "%s\n", insert[i].v[k]);
	}
	fclose(f);

	for (size_t i = 0; i <= pt.out.n; i++)
		strv_free(&insert[i]);
	free(insert);
	strv_free(&tail);
	strv_free(&pt.out);
	strv_free(&lines);
	return buf;
}
