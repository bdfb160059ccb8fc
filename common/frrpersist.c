/* frrpersist.c - proxmesh's part of FRR's startup configuration file
 *
 * `write memory` would save the whole running configuration, including
 * what someone else changed and did not mean to keep yet, and costs two
 * vtysh starts (watchfrr runs `vtysh -w`). proxmesh writes its own lines
 * only: the file is read as FRR reads it (frrtext), the blocks proxmesh owns
 * are replaced where they are, its lines in the interface and bfd blocks
 * replaced by the desired ones where the first of them was, and what the
 * file lacks appended. Every other line stays, byte for byte. */
#include "frrpersist.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frrtext.h"
#include "render.h"

static bool
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Does proxmesh own OSPFv3 (ipv6 = yes, so it renders router ospf6)?
 * Otherwise its lines in the file are someone else's and stay. */
static bool
owns_ospf6(const struct frrconf *desired)
{
	return frrconf_find(&desired->root, "router ospf6") != NULL;
}

/* A top-level line proxmesh owns with everything inside it. */
static bool
owned_whole(const char *l, bool ospf6)
{
	return !strcmp(l, "router ospf") || starts(l, "route-map proxmesh-") ||
	       starts(l, "ip protocol ospf route-map ") || starts(l, "ip prefix-list proxmesh-") ||
	       !strcmp(l, "no ip forwarding") || !strcmp(l, "ip forwarding") ||
	       (ospf6 && (!strcmp(l, "router ospf6") || starts(l, "ipv6 protocol ospf6 route-map ") ||
	                  !strcmp(l, "no ipv6 forwarding") || !strcmp(l, "ipv6 forwarding")));
}

/* A top-level block some of whose lines are proxmesh's: the interfaces it
 * manages, and bfd. */
static bool
shared_block(const char *l, const struct frrconf *desired, const struct strv *ifnames)
{
	return !strcmp(l, "bfd") || (starts(l, "interface ") && (strv_contains(ifnames, l + 10) ||
	                                                         frrconf_find(&desired->root, l)));
}

/* A line of a shared block that is proxmesh's, with all inside it. */
static bool
owned_in(const char *block, const char *l, bool ospf6)
{
	if (!strcmp(block, "bfd"))
		return !strcmp(l, "profile " RENDER_BFD_PROFILE);
	return starts(l, "ip ospf ") || starts(l, "no ip ospf ") ||
	       (ospf6 && (starts(l, "ipv6 ospf6 ") || starts(l, "no ipv6 ospf6 ")));
}

static bool
is_bang(const struct frrtext_line *l)
{
	return l->kind == FRRTEXT_COMMENT && !strcmp(l->text, "!");
}

/* Where the lines of the block of line b end (one past its last line). */
static size_t
block_end(const struct frrtext *t, size_t b)
{
	size_t e = b + 1;

	for (size_t i = b + 1; i < t->n; i++) {
		if (t->lines[i].level <= t->lines[b].level && t->lines[i].kind == FRRTEXT_COMMAND)
			break;
		if (frrtext_ancestor(t, i, t->lines[b].level) == (long)b)
			e = i + 1;
	}
	return e;
}

/* Drop the block of line b (its lines in [b, e)) but for the comments
 * and blank lines in it, which are not proxmesh's; a block takes the "!"
 * FRR prints after it along. */
static size_t
drop_block(const struct frrtext *t, bool *drop, size_t b, bool with_bang)
{
	size_t e = block_end(t, b);

	for (size_t i = b; i < e; i++) {
		const struct frrtext_line *l = &t->lines[i];

		if (frrtext_ancestor(t, i, t->lines[b].level) != (long)b)
			continue;
		drop[i] = l->kind == FRRTEXT_COMMAND || l->kind == FRRTEXT_EXIT || is_bang(l);
	}
	if (with_bang && e < t->n && is_bang(&t->lines[e]) &&
	    t->lines[e].level == t->lines[b].level)
		drop[e] = true;
	return e;
}

enum format {
	FORMAT_WHOLE,    /* as FRR prints it, with the "!" after it */
	FORMAT_IN_PLACE, /* a line alone without the "!" (FRR prints global
	                    lines together) */
	FORMAT_CHILDREN, /* the lines inside it, one level in */
};

/* One desired top-level entry, to put into the file. */
static void
format_entry(FILE *f, const struct frr_line *l, enum format how)
{
	struct frrconf one = {.root = {.children = (struct frr_line *)l, .n_children = 1}};
	_cleanup_free_ char *text = frrconf_format(&one);
	char *b = text, *e = text + strlen(text);
	int cut = 0;

	if (how == FORMAT_CHILDREN) {
		/* without the header, its "exit" and the "!" after it */
		b = strchrnul(text, '\n');
		b += *b == '\n';
		cut = 2;
	} else if (how == FORMAT_IN_PLACE && l->n_children == 0 && strchr(text, '\n') + 3 == e) {
		cut = 1;
	}
	for (int k = 0; k < cut && e > b; k++)
		for (e--; e > b && e[-1] != '\n'; e--)
			;
	fwrite(b, 1, (size_t)(e - b), f);
}

struct patch {
	const struct frrtext *t;
	const struct frrconf *desired;
	bool *drop;    /* per line of the file */
	FILE **insert; /* per line: what goes before it (one more: at the end) */
	char **insert_buf;
	size_t *insert_len;
	bool *used; /* per desired entry: placed */
};

static FILE *
insert_at(struct patch *pt, size_t i)
{
	if (pt->insert[i] == NULL) {
		pt->insert[i] = open_memstream(&pt->insert_buf[i], &pt->insert_len[i]);
		if (pt->insert[i] == NULL)
			abort();
	}
	return pt->insert[i];
}

/* A top-level line or block of the file at b goes, not replaced where it
 * was: where FRR was in a block before it, the lines after it would now go
 * into that block, so exits close it there, as FRR prints them. */
static void
close_before(struct patch *pt, size_t b)
{
	const struct frrtext *t = pt->t;
	size_t open = b > 0 ? t->lines[b - 1].known : 0;
	bool more = false;

	for (size_t i = block_end(t, b); i < t->n && !more; i++)
		more = t->lines[i].kind == FRRTEXT_COMMAND || t->lines[i].kind == FRRTEXT_EXIT;
	if (!more)
		return;
	while (open-- > 0)
		fprintf(insert_at(pt, b), "%*sexit\n", (int)open, "");
}

/* The desired entry with this text not placed yet, or -1. */
static long
take_desired(struct patch *pt, const char *text)
{
	for (size_t k = 0; k < pt->desired->root.n_children; k++)
		if (!pt->used[k] && !strcmp(pt->desired->root.children[k].text, text)) {
			pt->used[k] = true;
			return (long)k;
		}
	return -1;
}

static size_t
indent(const struct frrtext_line *l)
{
	return strspn(l->raw, " \t");
}

/* Do lines of ours between the kept line a and the next command or exit
 * from after keep a line more indented than a apart from it? Without them
 * that line would read as inside a (frrtext follows the indentation of
 * lines it does not know), so ours go back there. */
static bool
kept_apart(const struct frrtext *t, size_t a, size_t from)
{
	for (size_t i = from; a > 0 && i < t->n; i++) {
		if (t->lines[i].kind != FRRTEXT_COMMAND && t->lines[i].kind != FRRTEXT_EXIT)
			continue;
		return indent(&t->lines[i]) > indent(&t->lines[a]);
	}
	return false;
}

/* The lines of t not dropped, but for those in [b, e) if without. */
static char *
kept_text(const struct patch *pt, size_t b, size_t e, bool without)
{
	const struct frrtext *t = pt->t;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		abort();
	for (size_t i = 0; i < t->n; i++)
		if (!pt->drop[i] && !(without && i >= b && i < e)) {
			fwrite(t->lines[i].raw, 1, t->lines[i].raw_len, f);
			if (t->lines[i].raw[t->lines[i].raw_len - 1] != '\n')
				fputc('\n', f);
		}
	fclose(f);
	return buf;
}

/* Would dropping the lines [b, e) as well change how the lines after them
 * are read (their levels)? It can: a line FRR does not know follows the
 * indentation of the line before it. */
static bool
drop_renests(const struct patch *pt, const char *header, size_t b, size_t e)
{
	const struct frrtext *t = pt->t;
	_cleanup_free_ char *with = NULL, *without = NULL;
	struct frrtext tw, to;
	size_t before = 0, gone = 0, n = e;
	bool differ = false;

	/* A line of ours (known, at a fixed place) next: nothing after it
	 * can read otherwise. Only the last line of a run of ours is read
	 * twice more (the whole text: a run per block in what FRR writes). */
	while (n < t->n && t->lines[n].kind != FRRTEXT_COMMAND && t->lines[n].kind != FRRTEXT_EXIT)
		n++;
	if (n == t->n || (t->lines[n].kind == FRRTEXT_COMMAND && t->lines[n].level == 1 &&
	                  owned_in(header, t->lines[n].text, owns_ospf6(pt->desired))))
		return false;
	with = kept_text(pt, b, e, false);
	without = kept_text(pt, b, e, true);
	for (size_t i = 0; i < e; i++)
		if (!pt->drop[i])
			*(i < b ? &before : &gone) += 1;
	if (frrtext_read(with, &tw) < 0)
		return false;
	if (frrtext_read(without, &to) < 0) {
		frrtext_free(&tw);
		return false;
	}
	for (size_t j = before; j < to.n && !differ; j++)
		differ = to.lines[j].level != tw.lines[j + gone].level;
	frrtext_free(&tw);
	frrtext_free(&to);
	return differ;
}

/* A block proxmesh shares: its own lines out, the desired ones in where
 * the first of them was (or after the header); a block left with nothing
 * but its frame goes. */
static void
patch_shared(struct patch *pt, size_t u)
{
	const struct frrtext *t = pt->t;
	size_t e = block_end(t, u), first = 0, kept = 0;
	long k = take_desired(pt, t->lines[u].text);
	bool other = false, pinned = false;

	for (size_t i = u + 1; i < e; i++) {
		const struct frrtext_line *l = &t->lines[i];
		long s = frrtext_ancestor(t, i, 1);

		if (pt->drop[i] || frrtext_ancestor(t, i, 0) != (long)u)
			continue;
		if (s == (long)i && l->kind == FRRTEXT_COMMAND &&
		    owned_in(t->lines[u].text, l->text, owns_ospf6(pt->desired))) {
			size_t b = i, be = block_end(t, b);
			bool renests = drop_renests(pt, t->lines[u].text, b, be);

			/* Without this line the lines after it would be read
			 * otherwise (a line FRR does not know follows the
			 * indentation of the one before; an exit would close
			 * another block), and the next patch would read the
			 * block otherwise (fuzz_frrpersist, 2026-12-04): ours go
			 * in its place, or, if they go elsewhere (a second block
			 * of the same header, or another such place first), it
			 * stays. */
			if (renests && (k < 0 || pinned)) {
				i = be - 1;
				kept = b;
				other = true;
				continue;
			}
			/* a block of ours inside (bfd's profile) takes its "!" */
			i = drop_block(t, pt->drop, b, be > b + 1) - 1;
			if (!pinned && (first == 0 || renests || kept_apart(t, kept, i + 1)))
				first = b;
			pinned = pinned || renests || (kept && kept_apart(t, kept, i + 1));
			continue;
		}
		if (l->kind == FRRTEXT_COMMAND)
			kept = i;
		other |= l->kind == FRRTEXT_COMMAND || (l->kind == FRRTEXT_COMMENT && !is_bang(l));
	}
	if (k >= 0)
		format_entry(insert_at(pt, first ? first : u + 1), &pt->desired->root.children[k],
		             FORMAT_CHILDREN);
	else if (!other) {
		drop_block(t, pt->drop, u, true);
		close_before(pt, u);
	}
}

static char *
patch_text(const struct frrtext *t, const struct frrconf *desired, const struct strv *ifnames)
{
	size_t nd = desired->root.n_children, tail = t->n;
	struct patch pt = {
	    .t = t,
	    .desired = desired,
	    .drop = xcalloc(t->n + 1, sizeof(bool)),
	    .insert = xcalloc(t->n + 1, sizeof(FILE *)),
	    .insert_buf = xcalloc(t->n + 1, sizeof(char *)),
	    .insert_len = xcalloc(t->n + 1, sizeof(size_t)),
	    .used = xcalloc(nd + 1, sizeof(bool)),
	};
	char *buf = NULL;
	size_t len = 0;
	bool newline = true;
	FILE *f;

	for (size_t u = 0; u < t->n; u++) {
		const struct frrtext_line *l = &t->lines[u];
		long k;

		if (l->kind != FRRTEXT_COMMAND || l->level != 0)
			continue;
		if (owned_whole(l->text, owns_ospf6(desired))) {
			/* in place, once; a second one goes */
			k = take_desired(&pt, l->text);
			drop_block(t, pt.drop, u, block_end(t, u) > u + 1);
			if (k >= 0)
				format_entry(insert_at(&pt, u), &desired->root.children[k],
				             FORMAT_IN_PLACE);
			else
				close_before(&pt, u);
		} else if (shared_block(l->text, desired, ifnames)) {
			patch_shared(&pt, u);
		}
	}

	/* What the file lacks goes before a final "end". */
	while (tail > 0 && t->lines[tail - 1].kind == FRRTEXT_BLANK)
		tail--;
	if (tail == 0 || t->lines[tail - 1].kind != FRRTEXT_END)
		tail = t->n;
	else
		tail--;
	for (size_t k = 0; k < nd; k++)
		if (!pt.used[k])
			format_entry(insert_at(&pt, tail), &desired->root.children[k],
			             FORMAT_WHOLE);

	f = open_memstream(&buf, &len);
	if (f == NULL)
		abort();
	for (size_t i = 0; i <= t->n; i++) {
		if (pt.insert[i]) {
			fclose(pt.insert[i]);
			if (!newline)
				fputc('\n', f);
			fwrite(pt.insert_buf[i], 1, pt.insert_len[i], f);
			free(pt.insert_buf[i]);
			newline = true;
		}
		if (i == t->n || pt.drop[i])
			continue;
		if (!newline)
			fputc('\n', f);
		fwrite(t->lines[i].raw, 1, t->lines[i].raw_len, f);
		newline = t->lines[i].raw[t->lines[i].raw_len - 1] == '\n';
	}
	fclose(f);
	free(pt.drop);
	free(pt.insert);
	free(pt.insert_buf);
	free(pt.insert_len);
	free(pt.used);
	return buf;
}

char *
frrpersist_patch(const char *file, const struct frrconf *desired, const struct strv *ifnames)
{
	struct frrtext t;
	char *out;

	if (frrtext_read(file, &t) < 0)
		return xstrdup(file);
	out = patch_text(&t, desired, ifnames);
	frrtext_free(&t);
	return out;
}

int
frrpersist_in_sync(const char *file, const struct frrconf *desired, const struct strv *ifnames)
{
	struct frrtext t;
	_cleanup_free_ char *out = NULL;

	if (frrtext_read(file, &t) < 0)
		return -EINVAL;
	out = patch_text(&t, desired, ifnames);
	frrtext_free(&t);
	return strcmp(out, file) == 0;
}
