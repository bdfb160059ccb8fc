/* frrtext.h - FRR configuration text read line by line as FRR reads it */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* How FRR loads a configuration (vtysh -b, lib/command.c): one line at a
 * time; leading blanks, trailing blanks and "\r" are white space; a line
 * whose first non-blank is "!" or "#" is a comment; "end" is skipped; a
 * line is a command of the block FRR is in or, if it is not one there, of
 * the nearest block around it where it is; "exit" and "exit-…" leave a
 * block. Indentation means nothing to FRR. frrtext knows the blocks and
 * commands that decide where proxmesh's lines are (interface, bfd and its
 * profiles, router, route-map, BGP address families, key chains, …); a
 * command it knows opens no block, and for a line it does not know it
 * follows the indentation, as FRR prints it. */

/* Blocks inside blocks deeper than this are read as lines of the deepest. */
#define FRRTEXT_MAX_DEPTH 8

enum frrtext_kind {
	FRRTEXT_BLANK,
	FRRTEXT_COMMENT,
	FRRTEXT_COMMAND,
	FRRTEXT_EXIT, /* "exit", "exit-address-family", …: closes the block of parent */
	FRRTEXT_END,  /* "end": FRR skips it while loading a file */
};

struct frrtext_line {
	const char *raw; /* the line in the text, unchanged */
	size_t raw_len;  /* with its line end ("\n", "\r\n" or none at the end) */
	char *text;      /* without indentation, trailing blanks and "\r" */
	enum frrtext_kind kind;
	size_t level; /* blocks around it: 0 at the top level */
	long parent;  /* index of the line whose block it is in, -1 at the top */
	size_t known; /* blocks frrtext knows that are open after it (0: FRR is
	                 at the top level) */
};

struct frrtext {
	struct frrtext_line *lines;
	size_t n;
};

/* Read text into lines (pointing into text, which must outlive them).
 * -EINVAL on a control character other than a line's final "\r". */
int frrtext_read(const char *text, struct frrtext *out);

void frrtext_free(struct frrtext *t);

/* Index of the ancestor of line i at level (i itself if it is there), or -1. */
long frrtext_ancestor(const struct frrtext *t, size_t i, size_t level);

/* Where a line is for frrtext_opens: the top level, or a block frrtext knows
 * nothing inside (an unknown line's, or one a known command would have). */
#define FRRTEXT_TOP 0
#define FRRTEXT_UNKNOWN (-1)

/* The block a command opens when FRR reads it inside `in` (FRRTEXT_TOP,
 * FRRTEXT_UNKNOWN or what the header of the block it is in opened): a
 * block frrtext knows (> 0), else FRRTEXT_UNKNOWN. */
int frrtext_opens(int in, const char *text);
