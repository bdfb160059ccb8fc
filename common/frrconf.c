/* frrconf.c - FRR configuration text as a tree of lines (running-config form) */
#include "frrconf.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "frrtext.h"
#include "util.h"

struct frr_line *
frrconf_add(struct frr_line *parent, const char *text)
{
	struct frr_line *l;

	parent->children =
		xreallocarray(parent->children, parent->n_children + 1, sizeof(*parent->children));
	l = &parent->children[parent->n_children++];
	*l = (struct frr_line){.text = xstrdup(text)};
	return l;
}

const struct frr_line *
frrconf_find(const struct frr_line *parent, const char *text)
{
	for (size_t i = 0; i < parent->n_children; i++)
		if (!strcmp(parent->children[i].text, text))
			return &parent->children[i];
	return NULL;
}

const struct frr_line *
frrconf_find_prefix(const struct frr_line *parent, const char *prefix)
{
	size_t n = strlen(prefix);

	for (size_t i = 0; parent && i < parent->n_children; i++)
		if (!strncmp(parent->children[i].text, prefix, n))
			return &parent->children[i];
	return NULL;
}

int
frrconf_parse(const char *text, struct frrconf *out)
{
	/* The line last added at each level: a line's parent is the one
	 * above its level (adding a child may move its siblings, never its
	 * ancestors). */
	struct frr_line *at[FRRTEXT_MAX_DEPTH + 2];
	struct frrtext t;
	int r;

	*out = (struct frrconf){0};
	r = frrtext_read(text, &t);
	if (r < 0)
		return r;
	at[0] = &out->root;
	for (size_t i = 0; i < t.n; i++) {
		const struct frrtext_line *l = &t.lines[i];

		if (l->kind != FRRTEXT_COMMAND)
			continue;
		assert(l->level <= FRRTEXT_MAX_DEPTH);
		at[l->level + 1] = frrconf_add(at[l->level], l->text);
	}
	frrtext_free(&t);
	return 0;
}

static void
free_children(struct frr_line *l)
{
	for (size_t i = 0; i < l->n_children; i++) {
		free_children(&l->children[i]);
		free(l->children[i].text);
	}
	free(l->children);
	l->children = NULL;
	l->n_children = 0;
}

void
frrconf_remove(struct frr_line *parent, const char *text)
{
	size_t k = 0;

	for (size_t i = 0; i < parent->n_children; i++) {
		struct frr_line *l = &parent->children[i];

		if (strcmp(l->text, text) == 0) {
			free_children(l);
			free(l->text);
		} else {
			parent->children[k++] = *l;
		}
	}
	parent->n_children = k;
}

void
frrconf_free(struct frrconf *c)
{
	free_children(&c->root);
}

/* Move src's children into dst: a line dst already has is merged into it,
 * the others are appended. src is left empty. */
static void
merge_into(struct frr_line *dst, struct frr_line *src)
{
	for (size_t i = 0; i < src->n_children; i++) {
		struct frr_line *s = &src->children[i], *d = NULL;

		for (size_t k = 0; k < dst->n_children && d == NULL; k++)
			if (!strcmp(dst->children[k].text, s->text))
				d = &dst->children[k];
		if (d) {
			merge_into(d, s);
			free(s->text);
		} else {
			dst->children = xreallocarray(dst->children, dst->n_children + 1,
			                              sizeof(*dst->children));
			dst->children[dst->n_children++] = *s;
		}
	}
	free(src->children);
	src->children = NULL;
	src->n_children = 0;
}

void
frrconf_merge(struct frrconf *c)
{
	struct frr_line *root = &c->root;

	for (size_t i = 0; i < root->n_children; i++) {
		size_t j = i + 1;

		while (j < root->n_children) {
			if (strcmp(root->children[i].text, root->children[j].text) != 0) {
				j++;
				continue;
			}
			merge_into(&root->children[i], &root->children[j]);
			free(root->children[j].text);
			memmove(&root->children[j], &root->children[j + 1],
			        (root->n_children - j - 1) * sizeof(*root->children));
			root->n_children--;
		}
	}
}

/* A block is closed by "exit", also an empty one where FRR reads it as a
 * block (an empty "bfd" / " profile P" / "route-map ..." as FRR prints it);
 * a line that is no block header there gets none, as an "exit" after it
 * would close the block around it. `in`: where l is (frrtext_opens). */
static bool
is_block(const struct frr_line *l, int in)
{
	return l->n_children > 0 || frrtext_opens(in, l->text) != FRRTEXT_UNKNOWN;
}

static void
format_line(FILE *f, const struct frr_line *l, int indent, int in)
{
	fprintf(f, "%*s%s\n", indent, "", l->text);
	if (!is_block(l, in))
		return;
	for (size_t i = 0; i < l->n_children; i++)
		format_line(f, &l->children[i], indent + 1, frrtext_opens(in, l->text));
	fprintf(f, "%*sexit\n", indent, "");
	if (indent == 0)
		fputs("!\n", f);
	else
		fprintf(f, "%*s!\n", indent, "");
}

char *
frrconf_format(const struct frrconf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		abort();
	for (size_t i = 0; i < c->root.n_children; i++) {
		const struct frr_line *l = &c->root.children[i];

		format_line(f, l, 0, FRRTEXT_TOP);
		if (!is_block(l, FRRTEXT_TOP))
			fputs("!\n", f);
	}
	fclose(f);
	return buf;
}
