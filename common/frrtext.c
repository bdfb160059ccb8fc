/* frrtext.c - FRR configuration text read line by line as FRR reads it */
#include "frrtext.h"

#include <errno.h>
#include <string.h>

#include "util.h"

/* The blocks (FRR's "nodes") frrtext knows. */
enum node {
	NODE_NONE = FRRTEXT_TOP, /* a line not known as a block; as `in`: the top level */
	NODE_BLOCK,              /* a block with nothing known inside */
	NODE_INTERFACE,
	NODE_BFD,
	NODE_BFD_PEER,
	NODE_BFD_PROFILE,
	NODE_BGP,
	NODE_BGP_AF,
	NODE_KEYCHAIN,
	NODE_KEY,
	NODE_VRF,
	NODE_LDP,
	NODE_LDP_AF,
};

/* Lines that open a block, and where (NODE_NONE: the top level). */
static const struct {
	enum node in;
	const char *word;
	enum node opens;
} headers[] = {
    {NODE_NONE, "interface", NODE_INTERFACE},
    {NODE_NONE, "router bgp", NODE_BGP},
    {NODE_NONE, "router", NODE_BLOCK},
    {NODE_NONE, "route-map", NODE_BLOCK},
    {NODE_NONE, "bfd", NODE_BFD},
    {NODE_NONE, "key chain", NODE_KEYCHAIN},
    {NODE_NONE, "vrf", NODE_VRF},
    {NODE_NONE, "mpls ldp", NODE_LDP},
    {NODE_NONE, "line", NODE_BLOCK},
    {NODE_NONE, "segment-routing", NODE_BLOCK},
    {NODE_NONE, "pbr-map", NODE_BLOCK},
    {NODE_NONE, "nexthop-group", NODE_BLOCK},
    {NODE_NONE, "rpki", NODE_BLOCK},
    {NODE_INTERFACE, "link-params", NODE_BLOCK},
    {NODE_BFD, "peer", NODE_BFD_PEER},
    {NODE_BFD, "profile", NODE_BFD_PROFILE},
    {NODE_BGP, "address-family", NODE_BGP_AF},
    {NODE_BGP, "bmp targets", NODE_BLOCK},
    {NODE_BGP_AF, "vni", NODE_BLOCK},
    {NODE_KEYCHAIN, "key", NODE_KEY},
    {NODE_LDP, "address-family", NODE_LDP_AF},
    {NODE_LDP_AF, "interface", NODE_BLOCK},
};

/* Commands of a block: FRR keeps a line in the nearest block it is a
 * command of, however it is indented. */
static const char *const bfd_session[] = {
    "detect-multiplier",
    "echo",
    "echo-interval",
    "echo-mode",
    "log-session-changes",
    "minimum-ttl",
    "no echo-mode",
    "no log-session-changes",
    "no passive-mode",
    "no shutdown",
    "passive-mode",
    "receive-interval",
    "shutdown",
    "transmit-interval",
};
static const struct {
	enum node in;
	const char *word;
} commands[] = {
    {NODE_INTERFACE, "ip ospf"},
    {NODE_INTERFACE, "no ip ospf"},
    {NODE_INTERFACE, "ipv6 ospf6"},
    {NODE_INTERFACE, "no ipv6 ospf6"},
    {NODE_INTERFACE, "description"},
    {NODE_INTERFACE, "no description"},
    {NODE_INTERFACE, "ip address"},
    {NODE_INTERFACE, "no ip address"},
    {NODE_INTERFACE, "ipv6 address"},
    {NODE_INTERFACE, "no ipv6 address"},
    {NODE_INTERFACE, "ipv6 nd"},
    {NODE_INTERFACE, "no ipv6 nd"},
    {NODE_INTERFACE, "link-detect"},
    {NODE_INTERFACE, "no link-detect"},
    {NODE_INTERFACE, "shutdown"},
    {NODE_INTERFACE, "no shutdown"},
    {NODE_INTERFACE, "multicast"},
    {NODE_INTERFACE, "no multicast"},
    {NODE_INTERFACE, "bandwidth"},
    {NODE_INTERFACE, "no bandwidth"},
    {NODE_INTERFACE, "mpls"},
    {NODE_INTERFACE, "ip pim"},
    {NODE_INTERFACE, "ip igmp"},
    {NODE_INTERFACE, "ipv6 mld"},
    {NODE_INTERFACE, "ip router"},
    {NODE_INTERFACE, "ipv6 router"},
    {NODE_INTERFACE, "isis"},
    {NODE_INTERFACE, "openfabric"},
    {NODE_INTERFACE, "evpn mh"},
    {NODE_INTERFACE, "vrrp"},
    {NODE_INTERFACE, "ip nhrp"},
    {NODE_INTERFACE, "ipv6 nhrp"},
    {NODE_INTERFACE, "ip rip"},
    {NODE_INTERFACE, "ipv6 ripng"},
    {NODE_BFD_PEER, "profile"},
    {NODE_KEY, "key-string"},
    {NODE_KEY, "accept-lifetime"},
    {NODE_KEY, "send-lifetime"},
    {NODE_KEY, "cryptographic-algorithm"},
    {NODE_VRF, "ip route"},
    {NODE_VRF, "ipv6 route"},
    {NODE_VRF, "ip protocol"},
    {NODE_VRF, "ipv6 protocol"},
    {NODE_VRF, "ip router-id"},
    {NODE_VRF, "ipv6 router-id"},
    {NODE_VRF, "ip nht"},
    {NODE_VRF, "ipv6 nht"},
    {NODE_VRF, "ip import-table"},
    {NODE_VRF, "vni"},
    {NODE_VRF, "netns"},
};

/* Commands of the top level only: a block open before them is left. */
static const char *const top_only[] = {
    "access-list",
    "agentx",
    "allow-external-route-update",
    "banner",
    "bgp as-path",
    "bgp community-list",
    "bgp extcommunity-list",
    "bgp large-community-list",
    "debug",
    "domainname",
    "enable password",
    "fpm",
    "frr",
    "hostname",
    "ip as-path",
    "ip forwarding",
    "ip import-table",
    "ip multicast",
    "ip nht",
    "ip prefix-list",
    "ip protocol",
    "ip route",
    "ip router-id",
    "ipv6 forwarding",
    "ipv6 nht",
    "ipv6 prefix-list",
    "ipv6 protocol",
    "ipv6 route",
    "ipv6 router-id",
    "log",
    "mpls label",
    "mpls lsp",
    "no debug",
    "no ip forwarding",
    "no ipv6 forwarding",
    "no log",
    "no service",
    "password",
    "service",
    "username",
    "zebra",
};

/* Does the command start with these words? */
static bool
is_cmd(const char *text, const char *word)
{
	size_t n = strlen(word);

	return !strncmp(text, word, n) && (text[n] == '\0' || text[n] == ' ');
}

static enum node
header_in(enum node in, const char *text)
{
	for (size_t i = 0; i < ARRAY_SIZE(headers); i++)
		if (headers[i].in == in && is_cmd(text, headers[i].word))
			return headers[i].opens;
	return NODE_NONE;
}

static bool
command_of(enum node in, const char *text)
{
	if (in == NODE_BFD_PEER || in == NODE_BFD_PROFILE)
		for (size_t i = 0; i < ARRAY_SIZE(bfd_session); i++)
			if (is_cmd(text, bfd_session[i]))
				return true;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (commands[i].in == in && is_cmd(text, commands[i].word))
			return true;
	return false;
}

static bool
is_top_only(const char *text)
{
	for (size_t i = 0; i < ARRAY_SIZE(top_only); i++)
		if (is_cmd(text, top_only[i]))
			return true;
	return false;
}

static enum frrtext_kind
kind_of(const char *text)
{
	if (text[0] == '\0')
		return FRRTEXT_BLANK;
	if (text[0] == '!' || text[0] == '#')
		return FRRTEXT_COMMENT;
	if (!strcmp(text, "exit") || !strncmp(text, "exit-", 5) || !strcmp(text, "quit"))
		return FRRTEXT_EXIT;
	if (!strcmp(text, "end"))
		return FRRTEXT_END;
	return FRRTEXT_COMMAND;
}

/* The lines open around the current one, innermost last. */
struct reader {
	struct {
		size_t line, indent;
		enum node node;
		bool has_children;
	} open[FRRTEXT_MAX_DEPTH];
	size_t depth;
};

static void
place_command(struct reader *r, struct frrtext *t, size_t i, size_t indent)
{
	struct frrtext_line *l = &t->lines[i];
	enum node opens = NODE_NONE;
	bool found = false, command = false;

	/* the nearest known block the line is a command (or block) of */
	for (size_t d = r->depth; d-- > 0 && !found;) {
		enum node in = r->open[d].node;

		if (in == NODE_NONE)
			continue;
		opens = header_in(in, l->text);
		command = opens == NODE_NONE && command_of(in, l->text);
		if (opens != NODE_NONE || command) {
			r->depth = d + 1;
			found = true;
		}
	}
	if (!found) {
		opens = header_in(NODE_NONE, l->text);
		command = opens == NODE_NONE && is_top_only(l->text);
		if (opens != NODE_NONE || command || indent == 0)
			r->depth = 0;
		else /* unknown: by indentation, as FRR prints it */
			while (r->depth > 0 && r->open[r->depth - 1].node == NODE_NONE &&
			       r->open[r->depth - 1].indent >= indent)
				r->depth--;
	}
	l->level = r->depth;
	l->parent = r->depth > 0 ? (long)r->open[r->depth - 1].line : -1;
	if (r->depth > 0)
		r->open[r->depth - 1].has_children = true;
	/* A command FRR knows opens no block: FRR stays where it was, so a
	 * line after it is never inside it, however it is indented. */
	if (!command && r->depth < FRRTEXT_MAX_DEPTH) {
		r->open[r->depth].line = i;
		r->open[r->depth].indent = indent;
		r->open[r->depth].node = opens;
		r->open[r->depth].has_children = false;
		r->depth++;
	}
}

static void
place_exit(struct reader *r, struct frrtext_line *l, size_t indent)
{
	/* lines that opened nothing (or are deeper than the exit) are no
	 * block it could close */
	while (r->depth > 0 && r->open[r->depth - 1].node == NODE_NONE &&
	       (!r->open[r->depth - 1].has_children || r->open[r->depth - 1].indent > indent))
		r->depth--;
	if (r->depth == 0) {
		/* FRR 10 stops reading here, 8.4 fails the lines after it:
		 * not something FRR or proxmesh writes */
		l->level = 0;
		l->parent = -1;
		return;
	}
	r->depth--;
	l->level = r->depth + 1;
	l->parent = (long)r->open[r->depth].line;
}

/* A comment or blank line is in the innermost block open. */
static void
place_other(const struct reader *r, struct frrtext_line *l)
{
	size_t d = r->depth;

	while (d > 0 && r->open[d - 1].node == NODE_NONE && !r->open[d - 1].has_children)
		d--;
	l->level = d;
	l->parent = d > 0 ? (long)r->open[d - 1].line : -1;
}

int
frrtext_read(const char *text, struct frrtext *out)
{
	struct reader r = {.depth = 0};
	size_t cap = 0;

	*out = (struct frrtext){0};
	for (const char *p = text; *p;) {
		const char *eol = strchrnul(p, '\n');
		size_t len = (size_t)(eol - p), indent = strspn(p, " ");
		struct frrtext_line *l;

		if (out->n == cap) {
			cap = cap ? 2 * cap : 64;
			out->lines = xreallocarray(out->lines, cap, sizeof(*out->lines));
		}
		l = &out->lines[out->n];
		while (len > indent && (p[len - 1] == ' ' || p[len - 1] == '\r'))
			len--;
		*l = (struct frrtext_line){
		    .raw = p,
		    .raw_len = (size_t)(eol - p) + (*eol == '\n'),
		    .text = xstrndup(p + indent, len > indent ? len - indent : 0),
		};
		out->n++;
		if (!str_is_printable(l->text)) {
			frrtext_free(out);
			return -EINVAL;
		}
		l->kind = kind_of(l->text);
		if (l->kind == FRRTEXT_COMMAND)
			place_command(&r, out, out->n - 1, indent);
		else if (l->kind == FRRTEXT_EXIT)
			place_exit(&r, l, indent);
		else if (l->kind == FRRTEXT_END)
			l->parent = -1;
		else
			place_other(&r, l);
		for (size_t d = 0; d < r.depth; d++)
			l->known += r.open[d].node != NODE_NONE;
		p = eol + (*eol == '\n');
	}
	return 0;
}

void
frrtext_free(struct frrtext *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->lines[i].text);
	free(t->lines);
	*t = (struct frrtext){0};
}

long
frrtext_ancestor(const struct frrtext *t, size_t i, size_t level)
{
	long a = (long)i;

	while (a >= 0 && t->lines[a].level > level)
		a = t->lines[a].parent;
	return a >= 0 && t->lines[a].level == level ? a : -1;
}

int
frrtext_opens(int in, const char *text)
{
	enum node opens = in < 0 ? NODE_NONE : header_in((enum node)in, text);

	return opens == NODE_NONE ? FRRTEXT_UNKNOWN : (int)opens;
}
