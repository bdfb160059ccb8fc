/* pvefiles.c - what `proxmesh doctor` reads in Proxmox's cluster files
 * (pure)
 *
 * corosync.conf as PVE::Corosync writes it and corosync reads it: blocks
 * "NAME {" ... "}", lines "key: value", "#" comments. ceph.conf as
 * PVE::CephConfig writes it ("\tkey = value", ";" and "#" comments, "\;" and
 * "\#" escaped), read with libinih; keys with blanks or underscores alike, as
 * Ceph reads them. datacenter.cfg: "key: value" lines, the last of a key
 * counting (PVE::JSONSchema::parse_config), "migration: [type=]TYPE[,network=CIDR]". */
#include "pvefiles.h"

#include <errno.h>
#include <ini.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define COROSYNC_DEPTH_MAX 16
#define CEPH_KEY_MAX 63
#define SPACE " \t\v\f\r" /* isspace(), as inih and Perl's \s see it */

/* The next line of *cursor (without "\n" or "\r\n") into an owned string,
 * or NULL at the end. */
static char *
next_line(const char **cursor)
{
	const char *s = *cursor, *eol;
	size_t n;

	if (*s == '\0')
		return NULL;
	eol = strchrnul(s, '\n');
	n = (size_t)(eol - s);
	if (n > 0 && s[n - 1] == '\r')
		n--;
	*cursor = *eol ? eol + 1 : eol;
	return xstrndup(s, n);
}

/* The end of s[0..e) without trailing spaces. */
static const char *
rtrim(const char *s, const char *e)
{
	while (e > s && e[-1] != '\0' && strchr(SPACE, e[-1]))
		e--;
	return e;
}

/* s without leading and trailing spaces (in place). */
static char *
trim(char *s)
{
	s += strspn(s, SPACE);
	s[rtrim(s, s + strlen(s)) - s] = '\0';
	return s;
}

/* Where corosync_conf_parse is: the blocks open, the node block being read. */
struct corosync_state {
	unsigned open[COROSYNC_DEPTH_MAX]; /* the line of each open block's "{" */
	size_t depth;
	bool nodelist;     /* the open top-level block is nodelist */
	bool node;         /* in nodelist { node { */
	size_t node_first; /* the node's first address in the output */
	char name[PVEFILES_NAME_MAX + 1];
};

/* "ring1_addr" / "link1_addr" (PVE's $link_addr_re): 0 with *n, or -EINVAL
 * for any other key. */
static int
link_key(const char *key, unsigned *n)
{
	unsigned long v;
	char buf[8];
	size_t len;

	if (strncmp(key, "ring", 4) != 0 && strncmp(key, "link", 4) != 0)
		return -EINVAL;
	key += 4;
	len = strspn(key, "0123456789");
	if (len == 0 || len >= sizeof(buf) || strcmp(key + len, "_addr") != 0)
		return -EINVAL;
	memcpy(buf, key, len);
	buf[len] = '\0';
	if (parse_uint(buf, 0, 255, &v) < 0)
		return -EINVAL;
	*n = (unsigned)v;
	return 0;
}

/* "NAME {" (s is NAME). */
static int
corosync_open(struct corosync_state *st, const struct corosync_conf *c, const char *s, unsigned ln)
{
	if (st->depth == COROSYNC_DEPTH_MAX || *s == '\0' || strpbrk(s, SPACE ":{}"))
		return -EINVAL;
	if (st->depth == 0)
		st->nodelist = !strcmp(s, "nodelist");
	else if (st->depth == 1 && st->nodelist && !strcmp(s, "node")) {
		st->node = true;
		st->node_first = c->n_addrs;
		st->name[0] = '\0';
	}
	st->open[st->depth++] = ln;
	return 0;
}

/* "}": a node block's addresses get its name (which may come after them). */
static int
corosync_close(struct corosync_state *st, struct corosync_conf *c)
{
	if (st->depth == 0)
		return -EINVAL;
	if (st->depth == 2 && st->node) {
		for (size_t i = st->node_first; i < c->n_addrs; i++)
			memcpy(c->addrs[i].node, st->name, sizeof(st->name));
		st->node = false;
	}
	st->depth--;
	return 0;
}

/* "key: value" inside a node block: its name or an address; a link given
 * twice keeps the last, as corosync and PVE do. */
static int
corosync_value(struct corosync_state *st, struct corosync_conf *c, const char *key,
               const char *value, unsigned ln)
{
	struct corosync_addr *a = NULL;
	unsigned n;

	if (!(st->depth == 2 && st->node))
		return 0;
	if (!strcmp(key, "name")) {
		if (strlen(value) > PVEFILES_NAME_MAX)
			return -EINVAL;
		snprintf(st->name, sizeof(st->name), "%s", value);
		return 0;
	}
	if (link_key(key, &n) < 0)
		return 0;
	/* an empty address: corosync refuses the file, PVE reads the next
	 * token ("}") as the address */
	if (*value == '\0' || strlen(value) > PVEFILES_ADDR_MAX)
		return -EINVAL;
	for (size_t i = st->node_first; i < c->n_addrs; i++)
		if (c->addrs[i].link == n)
			a = &c->addrs[i];
	if (a == NULL) {
		c->addrs = xreallocarray(c->addrs, c->n_addrs + 1, sizeof(*c->addrs));
		a = &c->addrs[c->n_addrs++];
	}
	*a = (struct corosync_addr){.link = n, .line = ln};
	snprintf(a->addr, sizeof(a->addr), "%s", value);
	return 0;
}

/* One line, its comment taken off. */
static int
corosync_line(struct corosync_state *st, struct corosync_conf *c, char *s, unsigned ln)
{
	size_t len;
	char *colon;

	s[strcspn(s, "#")] = '\0';
	s = trim(s);
	len = strlen(s);
	if (len == 0)
		return 0;
	if (s[len - 1] == '{') {
		s[len - 1] = '\0';
		return corosync_open(st, c, trim(s), ln);
	}
	if (!strcmp(s, "}"))
		return corosync_close(st, c);
	colon = strchr(s, ':');
	if (colon == NULL || colon == s)
		return -EINVAL;
	*colon = '\0';
	s = trim(s);
	if (strpbrk(s, SPACE "{}") || strpbrk(colon + 1, "{}"))
		return -EINVAL;
	return corosync_value(st, c, s, trim(colon + 1), ln);
}

int
corosync_conf_parse(const char *text, struct corosync_conf *out, unsigned *line)
{
	struct corosync_state st = {0};
	struct corosync_conf c = {0};
	const char *cursor = text;
	unsigned ln = 0;
	char *raw;
	int r = 0;

	*out = (struct corosync_conf){0};
	while (r == 0 && (raw = next_line(&cursor)) != NULL) {
		r = corosync_line(&st, &c, raw, ++ln);
		free(raw);
	}
	if (r == 0 && st.depth > 0) {
		r = -EINVAL;
		ln = st.open[st.depth - 1]; /* the block that is not closed */
	}
	if (r < 0) {
		*line = ln;
		corosync_conf_free(&c);
		return r;
	}
	*line = 0;
	*out = c;
	return 0;
}

void
corosync_conf_free(struct corosync_conf *c)
{
	free(c->addrs);
	*c = (struct corosync_conf){0};
}

/* ceph.conf, read by inih through read_ceph_line. */
struct ceph_ctx {
	struct ceph_conf *out;
	const char *cursor;
	unsigned line;
	/* the line inih reads, whole: inih's buffer holds 199 bytes of it
	 * (INI_MAX_LINE, 200 in Debian's libinih), and mon_host with five
	 * "[v2:…,v1:…]" monitors is longer */
	char *full;
};

/* text[0..len) to v, unless it is there already: 0, or -EINVAL when it is
 * too long. */
static int
add_item(struct ceph_item **v, size_t *n, const char *text, size_t len, unsigned line)
{
	if (len == 0)
		return 0;
	if (len > PVEFILES_ADDR_MAX)
		return -EINVAL;
	for (size_t i = 0; i < *n; i++)
		if (strlen((*v)[i].text) == len && !strncmp((*v)[i].text, text, len))
			return 0;
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	memcpy((*v)[*n].text, text, len);
	(*v)[*n].text[len] = '\0';
	(*v)[*n].line = line;
	(*n)++;
	return 0;
}

/* s at a "v1:" / "v2:" (Ceph's messenger versions): past it, else s. */
static const char *
skip_msgr(const char *s)
{
	size_t digits = s[0] == 'v' ? strspn(s + 1, "0123456789") : 0;

	return digits > 0 && s[1 + digits] == ':' ? s + 2 + digits : s;
}

/* One monitor address as mon_host, public_addr or mon_addr write it,
 * reduced to the address. "[v2:A:3300/0,v1:A:6789/0]" comes split at its
 * comma, so a token may have the vector's "[" before it or its "]" after. */
static int
add_mon(struct ceph_conf *c, const char *tok, unsigned line)
{
	const char *s = tok, *p;
	size_t len, opens = 0, closes = 0;

	if (*s == '[' && skip_msgr(s + 1) != s + 1)
		s++;
	s = skip_msgr(s);
	len = strcspn(s, "/"); /* "/NONCE" off */
	for (size_t i = 0; i < len; i++) {
		opens += s[i] == '[';
		closes += s[i] == ']';
	}
	if (closes > opens && len > 0 && s[len - 1] == ']')
		len--;
	if (len > 0 && *s == '[') { /* "[IPV6]" or "[IPV6]:PORT" */
		p = memchr(s, ']', len);
		return p ? add_item(&c->mons, &c->n_mons, s + 1, (size_t)(p - s) - 1, line) : 0;
	}
	p = memchr(s, ':', len);
	if (p && !memchr(p + 1, ':', len - (size_t)(p - s) - 1))
		len = (size_t)(p - s); /* "ADDRESS:PORT"; a bare IPv6 address has more colons */
	return add_item(&c->mons, &c->n_mons, s, len, line);
}

/* Each item of a list value (split at blanks, commas and semicolons) to v,
 * or, with v NULL, to the monitors. */
static int
split(const char *value, size_t len, unsigned line, struct ceph_conf *c, struct ceph_item **v,
      size_t *n)
{
	_cleanup_free_ char *copy = xstrndup(value, len);
	char *save = NULL;
	int r = 0;

	for (char *tok = strtok_r(copy, SPACE ",;", &save); tok && r == 0;
	     tok = strtok_r(NULL, SPACE ",;", &save))
		r = v ? add_item(v, n, tok, strlen(tok), line) : add_mon(c, tok, line);
	return r;
}

/* The value of the line inih just read, from the whole line: after the
 * first "=" (or ":", as inih takes it), without blanks around it nor the
 * quotes Ceph allows around it. */
static const char *
full_value(const char *full, size_t *len)
{
	const char *v = full + strcspn(full, "=:"), *e;

	if (*v)
		v++;
	v += strspn(v, SPACE);
	e = rtrim(v, v + strlen(v));
	if (e - v >= 2 && (*v == '"' || *v == '\'') && e[-1] == *v) {
		v++;
		e--;
	}
	*len = (size_t)(e - v);
	return v;
}

/* A ceph key as Ceph and Proxmox read it: blanks between words as one "_"
 * ("public network" is public_network). */
static void
ceph_key(const char *name, char key[static CEPH_KEY_MAX + 1])
{
	size_t k = 0;

	for (const char *p = name; *p && k < CEPH_KEY_MAX; p++) {
		if (strchr(SPACE, *p)) {
			p += strspn(p, SPACE) - 1;
			key[k++] = '_';
		} else {
			key[k++] = *p;
		}
	}
	key[k] = '\0';
}

static int
on_ceph(void *user, const char *section, const char *name, const char *value)
{
	struct ceph_ctx *x = user;
	struct ceph_conf *c = x->out;
	char key[CEPH_KEY_MAX + 1];
	const char *v;
	size_t len;
	int r = 0;

	(void)value; /* cut at INI_MAX_LINE: the whole line's instead */
	ceph_key(name, key);
	v = full_value(x->full, &len);
	if (!strcmp(section, "global")) {
		if (!strcmp(key, "public_network"))
			r = split(v, len, x->line, c, &c->public_networks, &c->n_public_networks);
		else if (!strcmp(key, "cluster_network"))
			r = split(v, len, x->line, c, &c->cluster_networks, &c->n_cluster_networks);
		else if (!strcmp(key, "mon_host"))
			r = split(v, len, x->line, c, NULL, NULL);
	} else if (!strncmp(section, "mon.", 4) &&
	           (!strcmp(key, "public_addr") || !strcmp(key, "mon_addr"))) {
		r = split(v, len, x->line, c, NULL, NULL);
	}
	return r == 0; /* an item too long for the fields: inih's error at this line */
}

/* inih's reader: one line, counted, without leading blanks, its comment
 * taken off ("#" or ";" unless escaped with a backslash, as Proxmox writes
 * them in values); the whole of it stays in x->full. */
static char *
read_ceph_line(char *str, int num, void *user)
{
	struct ceph_ctx *x = user;
	_cleanup_free_ char *raw = next_line(&x->cursor);
	size_t k = 0;

	if (raw == NULL || num <= 0)
		return NULL;
	x->line++;
	free(x->full);
	x->full = xmalloc(strlen(raw) + 1);
	/* no leading spaces: inih would take an indented line (every line
	 * Proxmox writes) for the continuation of the one before */
	for (size_t i = strspn(raw, SPACE); raw[i]; i++) {
		if (raw[i] == '\\' && (raw[i + 1] == '#' || raw[i + 1] == ';')) {
			x->full[k++] = raw[++i];
			continue;
		}
		if (raw[i] == '#' || raw[i] == ';')
			break;
		x->full[k++] = raw[i];
	}
	x->full[k] = '\0';
	snprintf(str, (size_t)num, "%s", x->full);
	return str;
}

int
ceph_conf_parse(const char *text, struct ceph_conf *out, unsigned *line)
{
	struct ceph_conf c = {0};
	struct ceph_ctx x = {.out = &c, .cursor = text};
	int r;

	*out = (struct ceph_conf){0};
	r = ini_parse_stream(read_ceph_line, &x, on_ceph, &x);
	free(x.full);
	if (r != 0) {
		*line = r > 0 ? (unsigned)r : 0;
		ceph_conf_free(&c);
		return -EINVAL;
	}
	*line = 0;
	*out = c;
	return 0;
}

void
ceph_conf_free(struct ceph_conf *c)
{
	free(c->public_networks);
	free(c->cluster_networks);
	free(c->mons);
	*c = (struct ceph_conf){0};
}

/* The network= field of a migration value ("[type=]TYPE[,network=CIDR]"):
 * 0 with net ("" without one), or -EINVAL when it is too long. */
static int
migration_network(char *value, char net[static PVEFILES_ADDR_MAX + 1])
{
	char *save = NULL;

	net[0] = '\0';
	for (char *f = strtok_r(value, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		f = trim(f);
		if (strncmp(f, "network=", 8) != 0)
			continue;
		f = trim(f + 8);
		if (strlen(f) > PVEFILES_ADDR_MAX) {
			net[0] = '\0';
			return -EINVAL;
		}
		snprintf(net, PVEFILES_ADDR_MAX + 1, "%s", f);
	}
	return 0;
}

int
datacenter_migration_network(const char *text, char net[static PVEFILES_ADDR_MAX + 1],
                             unsigned *line)
{
	const char *cursor = text;
	unsigned ln = 0;
	char *raw;
	int r = 0;

	net[0] = '\0';
	*line = 0;
	while ((raw = next_line(&cursor)) != NULL) {
		char *s = trim(raw);

		ln++;
		/* the last migration line counts, as in PVE's parser */
		if (strncmp(s, "migration:", 10) == 0) {
			*line = ln;
			r = migration_network(s + 10, net);
		}
		free(raw);
	}
	return r;
}
