/* vtyroute.c - which FRR daemon takes each configuration command */
#include "vtyroute.h"

#include <string.h>

static bool
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Inside bfd, a profile or a peer opens one more block. */
bool
vtyroute_opens_block(const char *line, unsigned depth)
{
	if (depth == 0)
		return starts(line, "interface ") || starts(line, "router ") ||
		       !strcmp(line, "bfd") || starts(line, "route-map ");
	return starts(line, "profile ") || starts(line, "peer ");
}

/* The end of the statement that starts at i: one line, or a block up to
 * its closing "exit". */
static size_t
statement_end(const struct strv *cmds, size_t i)
{
	unsigned depth = 0;

	do {
		const char *l = cmds->v[i];

		if (!strcmp(l, "exit"))
			depth -= depth > 0;
		else if (vtyroute_opens_block(l, depth))
			depth++;
		i++;
	} while (depth > 0 && i < cmds->n);
	return i;
}

static bool
is_ospf_if_line(const char *l)
{
	return starts(l, "ip ospf ") || starts(l, "no ip ospf ");
}

static bool
is_ospf6_if_line(const char *l)
{
	return starts(l, "ipv6 ospf6 ") || starts(l, "no ipv6 ospf6 ");
}

/* The daemon of an interface block whose lines all pass is(), else vtysh. */
static enum vty_target
if_target(const struct strv *cmds, size_t b, size_t e, bool (*is)(const char *),
          enum vty_target t)
{
	for (size_t i = b + 1; i < e; i++)
		if (strcmp(cmds->v[i], "exit") != 0 && !is(cmds->v[i]))
			return VTY_VTYSH;
	return t;
}

static enum vty_target
target_of(const struct strv *cmds, size_t b, size_t e)
{
	const char *head = cmds->v[b];

	if (!strcmp(head, "router ospf") || !strcmp(head, "no router ospf"))
		return VTY_OSPFD;
	if (!strcmp(head, "router ospf6") || !strcmp(head, "no router ospf6"))
		return VTY_OSPF6D;
	if (!strcmp(head, "bfd"))
		return VTY_BFDD;
	if (starts(head, "interface ") && b + 1 < e && is_ospf6_if_line(cmds->v[b + 1]))
		return if_target(cmds, b, e, is_ospf6_if_line, VTY_OSPF6D);
	if (starts(head, "interface "))
		return if_target(cmds, b, e, is_ospf_if_line, VTY_OSPFD);
	return VTY_VTYSH;
}

void
vtyroute_split(const struct strv *cmds, struct strv out[VTY_TARGETS],
               enum vty_target order[VTY_TARGETS], size_t *n_order)
{
	if (n_order)
		*n_order = 0;
	for (size_t i = 0; i < cmds->n;) {
		size_t e = statement_end(cmds, i);
		enum vty_target t = target_of(cmds, i, e);

		if (order && out[t].n == 0)
			order[(*n_order)++] = t;
		for (; i < e; i++)
			strv_push_dup(&out[t], cmds->v[i]);
	}
}

size_t
vtyroute_block_end(const struct strv *cmds, size_t i, unsigned depth)
{
	unsigned inner = 0;

	for (i++; i < cmds->n; i++) {
		if (!strcmp(cmds->v[i], "exit")) {
			if (inner-- == 0)
				return i + 1;
		} else if (vtyroute_opens_block(cmds->v[i], depth + 1 + inner)) {
			inner++;
		}
	}
	return i;
}

const char *
vtyroute_daemon(enum vty_target t)
{
	static const char *const names[] = {"ospfd", "bfdd", "ospf6d", "vtysh"};

	return t < VTY_TARGETS ? names[t] : "?";
}
