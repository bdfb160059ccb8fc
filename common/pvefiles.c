/* pvefiles.c - what `proxmesh doctor` reads in Proxmox's cluster files
 * (pure)
 *
 * corosync.conf: PVE::Corosync's writer (blocks "NAME {" ... "}", lines
 * "key: value", "#" comments); ceph.conf: INI as PVE::CephConfig writes
 * it ("\tkey = value", keys with spaces or underscores alike, ";" and "#"
 * comments, "\;" and "\#" escaped), read with libinih; datacenter.cfg:
 * "key: value" lines, "migration: TYPE[,network=CIDR]". */
#include "pvefiles.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define COROSYNC_DEPTH_MAX 16
#define CEPH_LINE_MAX 4096

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

/* s without leading and trailing blanks (in place). */
static char *
trim(char *s)
{
	char *e;

	s += strspn(s, " \t");
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* "ring1_addr" / "link1_addr": 0 with *n; -EINVAL for any other key. */
static int
link_key(const char *key, unsigned *n)
{
	const char *digits;
	unsigned long v;
	char buf[16];
	size_t len;

	if (strncmp(key, "ring", 4) == 0 || strncmp(key, "link", 4) == 0)
		digits = key + 4;
	else
		return -EINVAL;
	len = strspn(digits, "0123456789");
	if (len == 0 || len >= sizeof(buf) || strcmp(digits + len, "_addr") != 0)
		return -EINVAL;
	memcpy(buf, digits, len);
	buf[len] = '\0';
	if (parse_uint(buf, 0, 255, &v) < 0)
		return -EINVAL;
	*n = (unsigned)v;
	return 0;
}

int
corosync_conf_parse(const char *text, struct corosync_conf *out, unsigned *line)
{
	char *stack[COROSYNC_DEPTH_MAX];
	size_t depth = 0, node_first = 0;
	char node[PVEFILES_NAME_MAX + 1] = "";
	struct corosync_conf c = {0};
	const char *cursor = text;
	unsigned ln = 0;
	char *raw;
	int r = 0;

	*out = (struct corosync_conf){0};
	while (r == 0 && (raw = next_line(&cursor)) != NULL) {
		char *s = raw, *colon;
		size_t len;

		ln++;
		s[strcspn(s, "#")] = '\0';
		s = trim(s);
		len = strlen(s);
		if (len == 0) {
			free(raw);
			continue;
		}
		if (s[len - 1] == '{') {
			s[len - 1] = '\0';
			s = trim(s);
			if (depth == COROSYNC_DEPTH_MAX || *s == '\0' || strpbrk(s, " \t:{}"))
				r = -EINVAL;
			else
				stack[depth++] = xstrdup(s);
			/* a node block: its addresses get its name when it closes */
			if (r == 0 && depth == 2 && !strcmp(stack[0], "nodelist") &&
			    !strcmp(stack[1], "node")) {
				node[0] = '\0';
				node_first = c.n_addrs;
			}
		} else if (!strcmp(s, "}")) {
			if (depth == 0) {
				r = -EINVAL;
			} else {
				if (depth == 2 && !strcmp(stack[0], "nodelist") &&
				    !strcmp(stack[1], "node"))
					for (size_t i = node_first; i < c.n_addrs; i++)
						memcpy(c.addrs[i].node, node, sizeof(node));
				free(stack[--depth]);
			}
		} else if ((colon = strchr(s, ':')) != NULL && colon > s) {
			char *key, *value;
			unsigned n;

			*colon = '\0';
			key = trim(s);
			value = trim(colon + 1);
			if (strpbrk(key, " \t{}") || strchr(value, '{') || strchr(value, '}'))
				r = -EINVAL;
			else if (depth == 2 && !strcmp(stack[0], "nodelist") &&
			         !strcmp(stack[1], "node")) {
				if (!strcmp(key, "name")) {
					if (strlen(value) > PVEFILES_NAME_MAX)
						r = -EINVAL;
					else
						snprintf(node, sizeof(node), "%s", value);
				} else if (link_key(key, &n) == 0 && *value) {
					/* (an empty address names nothing: left out) */
					struct corosync_addr *a;

					if (strlen(value) > PVEFILES_ADDR_MAX) {
						r = -EINVAL;
					} else {
						c.addrs = xreallocarray(c.addrs, c.n_addrs + 1,
						                        sizeof(*c.addrs));
						a = &c.addrs[c.n_addrs++];
						*a = (struct corosync_addr){.link = n, .line = ln};
						snprintf(a->addr, sizeof(a->addr), "%s", value);
					}
				}
			}
		} else {
			r = -EINVAL;
		}
		free(raw);
	}
	if (r == 0 && depth > 0) {
		r = -EINVAL;
		ln++; /* the end of the file: where the block should close */
	}
	while (depth > 0)
		free(stack[--depth]);
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
};

static void
add_item(struct ceph_item **v, size_t *n, const char *text, size_t len, unsigned line)
{
	for (size_t i = 0; i < *n; i++)
		if (strlen((*v)[i].text) == len && !strncmp((*v)[i].text, text, len))
			return;
	if (len == 0 || len > PVEFILES_ADDR_MAX)
		return;
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	memcpy((*v)[*n].text, text, len);
	(*v)[*n].text[len] = '\0';
	(*v)[*n].line = line;
	(*n)++;
}

/* A monitor address as written, reduced to the address (see pvefiles.h). */
static void
add_mon(struct ceph_conf *c, const char *tok, unsigned line)
{
	const char *s = tok, *e = tok + strlen(tok), *colon;
	size_t opens = 0, closes = 0;

	if (*s == '[' && (!strncmp(s + 1, "v1:", 3) || !strncmp(s + 1, "v2:", 3)))
		s++;
	if (!strncmp(s, "v1:", 3) || !strncmp(s, "v2:", 3))
		s += 3;
	for (const char *p = s; p < e; p++) {
		opens += *p == '[';
		closes += *p == ']';
	}
	if (closes > opens && e > s && e[-1] == ']')
		e--;
	/* "/NONCE" */
	for (const char *p = e; p > s; p--)
		if (p[-1] == '/') {
			e = p - 1;
			break;
		}
	if (s < e && *s == '[') {
		const char *end = memchr(s, ']', (size_t)(e - s));

		if (end)
			add_item(&c->mons, &c->n_mons, s + 1, (size_t)(end - s - 1), line);
		return;
	}
	colon = memchr(s, ':', (size_t)(e - s));
	if (colon && !memchr(colon + 1, ':', (size_t)(e - colon - 1)))
		e = colon; /* ADDRESS:PORT */
	add_item(&c->mons, &c->n_mons, s, (size_t)(e - s), line);
}

/* Each item of a list value (split at blanks, commas and semicolons). */
static void
split(const char *value, unsigned line, struct ceph_conf *c, struct ceph_item **v, size_t *n)
{
	_cleanup_free_ char *copy = xstrdup(value);
	char *save = NULL;

	for (char *tok = strtok_r(copy, " \t,;", &save); tok; tok = strtok_r(NULL, " \t,;", &save))
		if (v)
			add_item(v, n, tok, strlen(tok), line);
		else
			add_mon(c, tok, line);
}

static int
on_ceph(void *user, const char *section, const char *name, const char *value)
{
	struct ceph_ctx *x = user;
	struct ceph_conf *c = x->out;
	char key[64];
	size_t i;

	for (i = 0; name[i] && i < sizeof(key) - 1; i++)
		key[i] = name[i] == ' ' ? '_' : name[i];
	key[i] = '\0';
	if (!strcmp(section, "global")) {
		if (!strcmp(key, "public_network"))
			split(value, x->line, c, &c->public_networks, &c->n_public_networks);
		else if (!strcmp(key, "cluster_network"))
			split(value, x->line, c, &c->cluster_networks, &c->n_cluster_networks);
		else if (!strcmp(key, "mon_host"))
			split(value, x->line, c, NULL, NULL);
	} else if (!strncmp(section, "mon.", 4) &&
	           (!strcmp(key, "public_addr") || !strcmp(key, "mon_addr"))) {
		split(value, x->line, c, NULL, NULL);
	}
	return 1;
}

/* inih's reader: one line, counted, without leading blanks, its comments
 * taken off ("#" or ";" unless escaped with a backslash, as Proxmox writes
 * them in values). */
static char *
read_ceph_line(char *str, int num, void *user)
{
	struct ceph_ctx *x = user;
	_cleanup_free_ char *raw = next_line(&x->cursor);
	size_t k = 0;

	if (raw == NULL)
		return NULL;
	x->line++;
	/* no leading blanks: inih would take an indented line (every line
	 * Proxmox writes) for the continuation of the one before */
	for (size_t i = strspn(raw, " \t"); raw[i] && k + 1 < (size_t)num; i++) {
		if (raw[i] == '\\' && (raw[i + 1] == '#' || raw[i + 1] == ';')) {
			str[k++] = raw[++i];
			continue;
		}
		if (raw[i] == '#' || raw[i] == ';')
			break;
		str[k++] = raw[i];
	}
	str[k] = '\0';
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

int
datacenter_migration_network(const char *text, char net[static PVEFILES_ADDR_MAX + 1],
                             unsigned *line)
{
	const char *cursor = text;
	unsigned ln = 0;
	char *raw;

	net[0] = '\0';
	*line = 0;
	while ((raw = next_line(&cursor)) != NULL) {
		char *s = trim(raw), *save = NULL;
		int r = 0;

		ln++;
		if (strncmp(s, "migration:", 10) != 0) {
			free(raw);
			continue;
		}
		*line = ln;
		for (char *p = strtok_r(s + 10, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
			p = trim(p);
			if (strncmp(p, "network=", 8) != 0)
				continue;
			p = trim(p + 8);
			if (strlen(p) > PVEFILES_ADDR_MAX)
				r = -EINVAL;
			else
				snprintf(net, PVEFILES_ADDR_MAX + 1, "%s", p);
		}
		free(raw);
		return r;
	}
	return 0;
}
