/* frrconf.c - FRR configuration text as a tree of lines (running-config form) */
#include "frrconf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#define FRRCONF_MAX_DEPTH 8

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

int
frrconf_parse(const char *text, struct frrconf *out)
{
	/* Stack of open blocks by indentation; children are addressed by index
	 * because adding a child may move its siblings. */
	struct {
		struct frr_line *line;
		size_t indent;
	} stack[FRRCONF_MAX_DEPTH + 1];
	size_t depth = 0;
	const char *p = text;

	*out = (struct frrconf){0};
	stack[0].line = &out->root;
	stack[0].indent = 0;

	while (*p) {
		const char *eol = strchrnul(p, '\n');
		size_t len = (size_t)(eol - p), indent = strspn(p, " ");
		_cleanup_free_ char *line = NULL;
		struct frr_line *parent, *l;

		while (len > indent && (p[len - 1] == ' ' || p[len - 1] == '\r'))
			len--;
		line = xstrndup(p + indent, len > indent ? len - indent : 0);
		p = *eol ? eol + 1 : eol;
		if (!str_is_printable(line)) {
			frrconf_free(out);
			return -EINVAL;
		}
		if (line[0] == '\0' || line[0] == '!' || !strncmp(line, "exit", 4))
			continue;
		if (!strcmp(line, "end") && indent == 0)
			break;
		/* Close blocks at this indentation or deeper. */
		while (depth > 0 && stack[depth].indent >= indent)
			depth--;
		parent = stack[depth].line;
		l = frrconf_add(parent, line);
		if (depth < FRRCONF_MAX_DEPTH) {
			depth++;
			stack[depth].line = l;
			stack[depth].indent = indent;
		}
	}
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

/* A block header is closed by "exit" even when it is empty, as FRR prints
 * an empty "bfd" / " profile P" / "route-map ..." block. */
static bool
is_block(const struct frr_line *l)
{
	static const char *const headers[] = {"interface ", "router ", "route-map ", "profile ",
	                                      "peer "};

	if (l->n_children > 0 || !strcmp(l->text, "bfd"))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(headers); i++)
		if (!strncmp(l->text, headers[i], strlen(headers[i])))
			return true;
	return false;
}

static void
format_line(FILE *f, const struct frr_line *l, int indent)
{
	fprintf(f, "%*s%s\n", indent, "", l->text);
	if (!is_block(l))
		return;
	for (size_t i = 0; i < l->n_children; i++)
		format_line(f, &l->children[i], indent + 1);
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

		format_line(f, l, 0);
		if (!is_block(l))
			fputs("!\n", f);
	}
	fclose(f);
	return buf;
}
