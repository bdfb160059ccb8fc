/* frrconf.h - FRR configuration text as a tree of lines (running-config form) */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* One line of configuration, without indentation; a block header (e.g.
 * "interface nic3", "router ospf", "bfd") has the lines inside it as children.
 * "!" and "exit…" lines are not kept: the tree says where a block ends. */
struct frr_line {
	char *text;
	struct frr_line *children;
	size_t n_children;
};

struct frrconf {
	struct frr_line root; /* root.text is NULL */
};

/* Parse `show running-config` output, rendered text or frr.conf, with
 * the blocks FRR itself would see (frrtext): comments, "end" and "\r" are
 * skipped, indentation counts only where FRR's grammar does not decide.
 * Never fails on odd input: unknown structure just becomes lines. -EINVAL
 * on control chars. */
int frrconf_parse(const char *text, struct frrconf *out);

void frrconf_free(struct frrconf *c);

/* Take the lines (and their blocks) whose text is text out of parent. */
void frrconf_remove(struct frr_line *parent, const char *text);

/* Join what each FRR daemon prints for itself into one configuration, as
 * vtysh does: top-level lines that occur more than once (the same
 * "interface nic3" from ospfd and mgmtd, "hostname" from every daemon)
 * become one, their lines merged the same way. */
void frrconf_merge(struct frrconf *c);

/* The child of parent with exactly this text, or NULL. */
const struct frr_line *frrconf_find(const struct frr_line *parent, const char *text);

/* The first child of parent (NULL: none) whose text starts with prefix,
 * or NULL. */
const struct frr_line *frrconf_find_prefix(const struct frr_line *parent, const char *prefix);

/* Append a child (copying text) and return it. */
struct frr_line *frrconf_add(struct frr_line *parent, const char *text);

/* Print the tree in running-config form (blocks closed by "exit"). */
char *frrconf_format(const struct frrconf *c);
