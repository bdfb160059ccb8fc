/* config.c - the mesh description (DESIGN §3): parsing and validation */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addrplan.h"
#include "redact.h"
#include "util.h"

#define CONFIG_MAX_SIZE (1024 * 1024)
#define CONFIG_MAX_NODES 64
#define CONFIG_MAX_LINKS 64
#define AUTH_KEY_FILE_MAX 4096

/* The keys of [mesh], [api] and [metrics], each a slot of parse_ctx.seen
 * and .key_line. */
enum {
	SLOT_MESH = 0,
	SLOT_LINK_PREFIX_LENGTH = SLOT_MESH + 1,
	SLOT_HELLO = SLOT_MESH + 3,
	SLOT_DEAD = SLOT_MESH + 4,
	SLOT_AUTH_KEY_FILE = SLOT_MESH + 9,
	SLOT_IPV6 = SLOT_MESH + 10,
	SLOT_PREFIX6 = SLOT_MESH + 11,
	SLOT_LINK_PREFIX_LENGTH6 = SLOT_MESH + 12,
	SLOT_API = 16,
	SLOT_TOKEN_FILE = SLOT_API + 1,
	SLOT_POLL_HEALTHY = SLOT_API + 5,
	SLOT_METRICS = 31,
	SLOTS
};

struct parse_ctx {
	struct config *c;
	const char *path;
	const char *cursor; /* reader position in the text */
	unsigned line;      /* line the reader handed out last */
	char *err;          /* first error only */
	unsigned err_line;
	struct node_conf *node; /* current [node] section */
	bool in_mesh, seen_mesh, seen_api, seen_metrics, seen_prefix, seen[SLOTS];
	unsigned key_line[SLOTS]; /* where each [mesh] / [api] / [metrics] key was given */
	unsigned section_line, mesh_line;
	bool seen_content; /* a line that is not blank or a comment */
};

static void __attribute__((format(printf, 3, 4)))
fail(struct parse_ctx *p, unsigned line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (p->err != NULL)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (line > 0)
		p->err = xasprintf("%s:%u: %s", p->path, line, msg);
	else
		p->err = xasprintf("%s: %s", p->path, msg);
	p->err_line = line;
	free(msg);
}

const char *
ip4_str(struct in_addr a, char buf[static 16])
{
	return inet_ntop(AF_INET, &a, buf, 16);
}

const char *
prefix4_str(const struct prefix4 *p, char buf[static 19])
{
	char a[16];

	snprintf(buf, 19, "%s/%u", ip4_str(p->addr, a), p->len);
	return buf;
}

const char *
area_str(uint32_t area, char buf[static 16])
{
	struct in_addr a = {.s_addr = htonl(area)};

	return ip4_str(a, buf);
}

static int
parse_ip4(const char *s, struct in_addr *out)
{
	return inet_pton(AF_INET, s, out) == 1 ? 0 : -EINVAL;
}

int
prefix4_parse(const char *s, struct prefix4 *out)
{
	char buf[INET_ADDRSTRLEN];
	unsigned long len;

	if (parse_prefix_len(s, buf, sizeof(buf), 32, &len) < 0 || parse_ip4(buf, &out->addr) < 0)
		return -EINVAL;
	out->len = (uint8_t)len;
	return 0;
}

static bool
prefix_overlaps(const struct prefix4 *a, const struct prefix4 *b)
{
	unsigned len = a->len < b->len ? a->len : b->len;

	return ((ntohl(a->addr.s_addr) ^ ntohl(b->addr.s_addr)) & prefix4_mask(len)) == 0;
}

static int
parse_bool(const char *s, bool *out)
{
	if (!strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "on") || !strcmp(s, "1"))
		*out = true;
	else if (!strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "off") || !strcmp(s, "0"))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

/* Linux's dev_valid_name(), minus what the kernel allows but ifupdown2 and
 * FRR choke on (':' is an alias separator in both). */
static bool
valid_ifname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= IFNAMSIZ || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || isspace((unsigned char)*s) || !isprint((unsigned char)*s))
			return false;
	return true;
}

/* A short host name: what `hostname -s` can print. */
static bool
valid_node_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CONFIG_NAME_MAX || *s == '-')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return false;
	return true;
}

static int
parse_fingerprint(const char *s, uint8_t out[32])
{
	for (int i = 0; i < 32; i++) {
		unsigned v;

		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
			return -EINVAL;
		if (sscanf(s, "%2x", &v) != 1)
			return -EINVAL;
		out[i] = (uint8_t)v;
		s += 2;
		if (i < 31 && *s++ != ':')
			return -EINVAL;
	}
	return *s == '\0' ? 0 : -EINVAL;
}

const char *
fingerprint_str(const uint8_t fp[32], char buf[static 96])
{
	for (size_t i = 0; i < 32; i++)
		snprintf(buf + 3 * i, 4, "%02X%s", fp[i], i < 31 ? ":" : "");
	return buf;
}

static bool
get_uint(struct parse_ctx *p, const char *key, const char *value, unsigned long min,
         unsigned long max, unsigned *out)
{
	unsigned long v;
	int r = parse_uint(value, min, max, &v);

	if (r == -ERANGE)
		fail(p, p->line, "%s \"%s\" is out of range (%lu-%lu)", key, value, min, max);
	else if (r < 0)
		fail(p, p->line, "%s \"%s\" is not a number", key, value);
	else
		*out = (unsigned)v;
	return r == 0;
}

static bool
get_bool(struct parse_ctx *p, const char *key, const char *value, bool *out)
{
	if (parse_bool(value, out) == 0)
		return true;
	fail(p, p->line, "%s \"%s\" is not yes or no", key, value);
	return false;
}

/* Each key of [mesh] and [api] may be given once (but the lists of [api]);
 * duplicates are errors. */
static bool
once(struct parse_ctx *p, unsigned slot, const char *section, const char *key)
{
	if (p->seen[slot]) {
		fail(p, p->line, "[%s] %s is given twice", section, key);
		return false;
	}
	p->seen[slot] = true;
	p->key_line[slot] = p->line;
	return true;
}

static void
mesh_key(struct parse_ctx *p, const char *key, const char *value)
{
	struct config *c = p->c;
	static const char *const keys[] = {
		"prefix",       "link-prefix-length", "area",           "hello-interval",
		"dead-interval", "bfd",               "bfd-interval",   "bfd-multiplier",
		"mtu",          "auth-key-file",      "ipv6",           "prefix6",
		"link-prefix-length6",
	};
	unsigned slot = ARRAY_SIZE(keys), v;

	for (unsigned i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(key, keys[i]))
			slot = i;
	if (slot == ARRAY_SIZE(keys)) {
		fail(p, p->line, "unknown key \"%s\" in [mesh]", key);
		return;
	}
	if (!once(p, SLOT_MESH + slot, "mesh", key))
		return;

	switch (slot) {
	case 0:
		if (prefix4_parse(value, &c->prefix) < 0 || c->prefix.len > 30)
			fail(p, p->line, "prefix \"%s\" is not an IPv4 prefix like 192.168.103.0/24",
			     value);
		else if (ntohl(c->prefix.addr.s_addr) & ~prefix4_mask(c->prefix.len))
			fail(p, p->line, "prefix \"%s\" has host bits set", value);
		p->seen_prefix = c->has_prefix = true;
		break;
	case 1:
		if (get_uint(p, key, value, 30, 31, &v))
			c->link_prefix_len = (uint8_t)v;
		break;
	case 2: {
		struct in_addr a;
		unsigned long n;

		if (parse_ip4(value, &a) == 0)
			c->area = ntohl(a.s_addr);
		else if (parse_uint(value, 0, 0xffffffffUL, &n) == 0)
			c->area = (uint32_t)n;
		else
			fail(p, p->line, "area \"%s\" is not an area id like 0.0.0.0", value);
		break;
	}
	case 3:
		get_uint(p, key, value, 1, 65535, &c->hello_interval);
		break;
	case 4:
		get_uint(p, key, value, 1, 65535, &c->dead_interval);
		break;
	case 5:
		get_bool(p, key, value, &c->bfd);
		break;
	case 6:
		get_uint(p, key, value, 10, 60000, &c->bfd_interval);
		break;
	case 7:
		get_uint(p, key, value, 2, 255, &c->bfd_multiplier);
		break;
	case 8:
		get_uint(p, key, value, 576, 65535, &c->mtu);
		break;
	case 9:
		if (value[0] != '/')
			fail(p, p->line, "auth-key-file \"%s\" is not an absolute path", value);
		else
			c->auth_key_file = xstrdup(value);
		break;
	case 10:
		get_bool(p, key, value, &c->ipv6);
		break;
	case 11:
		if (prefix6_parse(value, &c->prefix6) < 0 || c->prefix6.len > 126)
			fail(p, p->line, "prefix6 \"%s\" is not an IPv6 prefix like fd0c:103::/56",
			     value);
		else if (prefix6_host_bits(&c->prefix6))
			fail(p, p->line, "prefix6 \"%s\" has host bits set", value);
		else if (!ip6_global_unicast(&c->prefix6.addr))
			fail(p, p->line,
			     "prefix6 \"%s\" is not unicast: use a global or unique local prefix",
			     value);
		else
			c->has_prefix6 = true;
		break;
	case 12:
		if (strcmp(value, "64") && strcmp(value, "127"))
			fail(p, p->line, "link-prefix-length6 \"%s\" is not 64 or 127", value);
		else
			c->link_prefix_len6 = (uint8_t)atoi(value);
		break;
	}
}

/* One pin of [api] fingerprint, added unless invalid, repeated or too many. */
static void
api_add_pin(struct parse_ctx *p, struct api_conf *a, const char *s)
{
	uint8_t fp[32];

	if (parse_fingerprint(s, fp) < 0) {
		fail(p, p->line, "fingerprint \"%s\" is not 32 colon-separated hex pairs (SHA-256)",
		     s);
		return;
	}
	for (size_t i = 0; i < a->n_fingerprints; i++)
		if (!memcmp(a->fingerprints[i], fp, 32)) {
			fail(p, p->line, "fingerprint \"%s\" is given twice", s);
			return;
		}
	if (a->n_fingerprints == CONFIG_API_MAX_PINS) {
		fail(p, p->line, "more than %d fingerprints", CONFIG_API_MAX_PINS);
		return;
	}
	a->fingerprints = xreallocarray(a->fingerprints, a->n_fingerprints + 1, 32);
	memcpy(a->fingerprints[a->n_fingerprints++], fp, 32);
}

/* One URL of [api] url, added unless invalid, repeated or too many. */
static void
api_add_url(struct parse_ctx *p, struct api_conf *a, const char *u)
{
	if (strncmp(u, "https://", 8) != 0 || strlen(u) < 9 || strlen(u) > 256 ||
	    !str_is_printable(u)) {
		fail(p, p->line, "url \"%s\" is not an https:// URL", u);
		return;
	}
	for (size_t i = 0; i < a->n_urls; i++)
		if (!strcmp(a->urls[i], u)) {
			fail(p, p->line, "url \"%s\" is given twice", u);
			return;
		}
	if (a->n_urls == CONFIG_API_MAX_URLS) {
		fail(p, p->line, "more than %d urls", CONFIG_API_MAX_URLS);
		return;
	}
	a->urls = xreallocarray(a->urls, a->n_urls + 1, sizeof(char *));
	a->urls[a->n_urls++] = xstrdup(u);
}

static void
api_key(struct parse_ctx *p, const char *key, const char *value)
{
	struct api_conf *a = &p->c->api;
	static const char *const keys[] = {"url",         "token-file",    "ca-file",
	                                   "fingerprint", "poll-interval", "poll-interval-healthy"};
	unsigned slot = ARRAY_SIZE(keys);

	for (unsigned i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(key, keys[i]))
			slot = i;
	if (slot == ARRAY_SIZE(keys)) {
		fail(p, p->line, "unknown key \"%s\" in [api]", key);
		return;
	}
	if (slot == 0 || slot == 3) {
		/* lists: several values on a line, or the key repeated (a line
		 * holds at most 198 characters, libinih's limit) */
		_cleanup_free_ char *copy = xstrdup(value);
		char *save = NULL;

		if (!p->seen[SLOT_API + slot])
			p->key_line[SLOT_API + slot] = p->line;
		p->seen[SLOT_API + slot] = true;
		for (char *w = strtok_r(copy, " \t", &save); w && !p->err;
		     w = strtok_r(NULL, " \t", &save))
			(slot == 0 ? api_add_url : api_add_pin)(p, a, w);
		return;
	}
	if (!once(p, SLOT_API + slot, "api", key))
		return;

	switch (slot) {
	case 1:
	case 2: {
		char **dst = slot == 1 ? &a->token_file : &a->ca_file;

		if (value[0] != '/')
			fail(p, p->line, "%s \"%s\" is not an absolute path", key, value);
		else
			*dst = xstrdup(value);
		break;
	}
	case 4:
	case 5:
		get_uint(p, key, value, 1, 3600,
		         slot == 4 ? &a->poll_interval : &a->poll_interval_healthy);
		break;
	}
}

/* [metrics]: where the node_exporter textfile goes. */
static void
metrics_key(struct parse_ctx *p, const char *key, const char *value)
{
	if (strcmp(key, "textfile") != 0) {
		fail(p, p->line, "unknown key \"%s\" in [metrics]", key);
		return;
	}
	if (!once(p, SLOT_METRICS, "metrics", key))
		return;
	if (value[0] != '/' || strlen(value) < 2 || value[strlen(value) - 1] == '/')
		fail(p, p->line, "textfile \"%s\" is not an absolute file name", value);
	else
		p->c->metrics_textfile = xstrdup(value);
}

static void
link_value(struct parse_ctx *p, struct node_conf *n, const char *value)
{
	_cleanup_free_ char *copy = xstrdup(value);
	char *save = NULL, *peer, *ifname, *w;
	struct link_conf *l;

	if (n->n_links >= CONFIG_MAX_LINKS) {
		fail(p, p->line, "node \"%s\": more than %d links", n->name, CONFIG_MAX_LINKS);
		return;
	}
	peer = strtok_r(copy, " \t", &save);
	ifname = strtok_r(NULL, " \t", &save);
	if (peer == NULL || ifname == NULL) {
		fail(p, p->line, "link \"%s\": expected \"PEER INTERFACE [cost N] [address A/L]\"",
		     value);
		return;
	}
	if (!valid_node_name(peer)) {
		fail(p, p->line, "link \"%s\": invalid peer name \"%s\"", value, peer);
		return;
	}
	if (!valid_ifname(ifname)) {
		fail(p, p->line, "link \"%s\": invalid interface name \"%s\"", peer, ifname);
		return;
	}
	n->links = xreallocarray(n->links, n->n_links + 1, sizeof(*n->links));
	l = &n->links[n->n_links];
	*l = (struct link_conf){.cost = 10, .line = p->line};
	snprintf(l->peer, sizeof(l->peer), "%s", peer);
	snprintf(l->ifname, sizeof(l->ifname), "%s", ifname);

	while ((w = strtok_r(NULL, " \t", &save)) != NULL) {
		char *arg = strtok_r(NULL, " \t", &save);
		unsigned long v;

		if (strcmp(w, "cost") && strcmp(w, "address")) {
			fail(p, p->line, "link \"%s\": unknown option \"%s\" (cost or address)", peer,
			     w);
			return;
		}
		if (arg == NULL) {
			fail(p, p->line, "link \"%s\": %s needs a value", peer, w);
			return;
		}
		if (!strcmp(w, "cost")) {
			if (parse_uint(arg, 1, 65535, &v) < 0) {
				fail(p, p->line, "link \"%s\": cost \"%s\" is not in 1-65535", peer,
				     arg);
				return;
			}
			l->cost = (uint32_t)v;
		} else {
			uint32_t host;

			if (prefix4_parse(arg, &l->address) < 0 || l->address.len < 8 ||
			    l->address.len > 31) {
				fail(p, p->line,
				     "link \"%s\": address \"%s\" is not an address like 10.0.0.1/30",
				     peer, arg);
				return;
			}
			host = ntohl(l->address.addr.s_addr) & ~prefix4_mask(l->address.len);
			if (l->address.len < 31 &&
			    (host == 0 || host == ~prefix4_mask(l->address.len))) {
				fail(p, p->line,
				     "link \"%s\": address \"%s\" is the network or broadcast address",
				     peer, arg);
				return;
			}
			l->pinned = true;
		}
	}
	n->n_links++;
}

static void
node_key(struct parse_ctx *p, struct node_conf *n, const char *key, const char *value)
{
	unsigned v;

	if (!strcmp(key, "link")) {
		link_value(p, n, value);
		return;
	}
	static const char *const keys[] = {"id",   "router-id", "loopback",
	                                   "role", "external",  "loopback6"};
	unsigned slot = ARRAY_SIZE(keys);

	for (unsigned i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(key, keys[i]))
			slot = i;
	if (slot == ARRAY_SIZE(keys)) {
		fail(p, p->line, "unknown key \"%s\" in [node %s]", key, n->name);
		return;
	}
	/* Per-node "seen" bits live in the node's line-independent flags below. */
	switch (slot) {
	case 0:
		if (n->id != 0) {
			fail(p, p->line, "node \"%s\": id is given twice", n->name);
			return;
		}
		if (get_uint(p, key, value, 1, 255, &v))
			n->id = v;
		break;
	case 1:
		if (n->has_router_id) {
			fail(p, p->line, "node \"%s\": router-id is given twice", n->name);
			return;
		}
		if (parse_ip4(value, &n->router_id) < 0 || n->router_id.s_addr == 0)
			fail(p, p->line, "node \"%s\": router-id \"%s\" is not an IPv4 address",
			     n->name, value);
		else
			n->has_router_id = true;
		break;
	case 2:
		if (n->has_loopback) {
			fail(p, p->line, "node \"%s\": loopback is given twice", n->name);
			return;
		}
		if (prefix4_parse(value, &n->loopback) < 0 || n->loopback.len != 32)
			fail(p, p->line,
			     "node \"%s\": loopback \"%s\" is not a /32 address like 10.0.0.1/32",
			     n->name, value);
		else
			n->has_loopback = true;
		break;
	case 3:
		if (!strcmp(value, "transit"))
			n->role = ROLE_TRANSIT;
		else if (!strcmp(value, "endpoint"))
			n->role = ROLE_ENDPOINT;
		else
			fail(p, p->line, "node \"%s\": role \"%s\" is not transit or endpoint",
			     n->name, value);
		break;
	case 4:
		get_bool(p, key, value, &n->external);
		break;
	case 5: {
		struct prefix6 l6;

		if (n->has_loopback6) {
			fail(p, p->line, "node \"%s\": loopback6 is given twice", n->name);
			return;
		}
		if (prefix6_parse(value, &l6) < 0 || l6.len != 128 || !ip6_global_unicast(&l6.addr))
			fail(p, p->line,
			     "node \"%s\": loopback6 \"%s\" is not a /128 address like "
			     "fd0c:103:ff::1/128",
			     n->name, value);
		n->has_loopback6 = true;
		n->loopback6 = l6.addr;
		n->loopback6_line = p->line;
		break;
	}
	}
}

static void
start_section(struct parse_ctx *p, const char *section)
{
	struct config *c = p->c;

	p->node = NULL;
	p->in_mesh = false;
	p->section_line = p->line;
	if (!strcmp(section, "mesh")) {
		if (p->seen_mesh)
			fail(p, p->line, "section [mesh] is given twice");
		p->seen_mesh = p->in_mesh = true;
		p->mesh_line = p->line;
	} else if (!strcmp(section, "api")) {
		if (p->seen_api)
			fail(p, p->line, "section [api] is given twice");
		p->seen_api = c->api.enabled = true;
		c->api.line = p->line;
	} else if (!strcmp(section, "metrics")) {
		if (p->seen_metrics)
			fail(p, p->line, "section [metrics] is given twice");
		p->seen_metrics = true;
	} else if (!strncmp(section, "node ", 5)) {
		const char *name = section + 5;

		while (*name == ' ')
			name++;
		if (!valid_node_name(name)) {
			fail(p, p->line, "[node %s]: invalid node name \"%s\"", name, name);
			return;
		}
		if (config_find_node(c, name) != NULL) {
			fail(p, p->line, "[node %s] is given twice", name);
			return;
		}
		if (c->n_nodes >= CONFIG_MAX_NODES) {
			fail(p, p->line, "more than %d nodes", CONFIG_MAX_NODES);
			return;
		}
		c->nodes = xreallocarray(c->nodes, c->n_nodes + 1, sizeof(*c->nodes));
		p->node = &c->nodes[c->n_nodes++];
		*p->node = (struct node_conf){.line = p->line, .role = ROLE_TRANSIT};
		snprintf(p->node->name, sizeof(p->node->name), "%.63s", name);
	} else {
		fail(p, p->line, "unknown section [%s]", section);
	}
}

/* Blanks separate words in a value, so a tab is fine; other control
 * characters are not. */
static bool
value_is_printable(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return false;
	return true;
}

static int
handle(void *user, const char *section, const char *key, const char *value)
{
	struct parse_ctx *p = user;

	if (p->err != NULL)
		return 1;
	if (section[0] == '\0') {
		fail(p, p->line, "key \"%s\" is outside a section", key);
		return 1;
	}
	if (!value_is_printable(value)) {
		fail(p, p->line, "value of \"%s\" contains a control character", key);
		return 1;
	}
	if (value[0] == '\0') {
		fail(p, p->line, "\"%s\" has no value", key);
		return 1;
	}
	if (p->in_mesh)
		mesh_key(p, key, value);
	else if (!strcmp(section, "api"))
		api_key(p, key, value);
	else if (!strcmp(section, "metrics"))
		metrics_key(p, key, value);
	else if (p->node != NULL)
		node_key(p, p->node, key, value);
	return 1;
}

/* Hands inih one line at a time, so we know the line number, and tidies it:
 * leading blanks go (no continuation lines), "# comment" after a value goes,
 * and a section header is seen here first. */
static char *
read_line(char *str, int num, void *user)
{
	struct parse_ctx *p = user;
	const char *eol;
	size_t n;
	char *s;

	if (*p->cursor == '\0')
		return NULL;
	eol = strchrnul(p->cursor, '\n');
	n = (size_t)(eol - p->cursor);
	p->line++;
	if (n >= (size_t)num - 1) {
		fail(p, p->line,
		     "line is longer than %d characters: split a list (url, fingerprint) "
		     "by repeating the key",
		     num - 2);
		p->seen_content = true;
		n = 0;
	}
	memcpy(str, p->cursor, n);
	str[n] = '\0';
	p->cursor = *eol ? eol + 1 : eol;

	s = str + strspn(str, " \t");
	memmove(str, s, strlen(s) + 1);
	for (s = str; (s = strchr(s, '#')) != NULL; s++)
		if (s > str && (s[-1] == ' ' || s[-1] == '\t')) {
			*s = '\0';
			break;
		}
	if (str[0] != '\0' && str[0] != '#' && str[0] != ';')
		p->seen_content = true;
	if (str[0] == '[' && p->err == NULL) {
		char name[128];
		const char *end = strchr(str, ']');

		if (end == NULL || (size_t)(end - str - 1) >= sizeof(name)) {
			fail(p, p->line, "malformed section header \"%s\"", str);
		} else {
			memcpy(name, str + 1, (size_t)(end - str - 1));
			name[end - str - 1] = '\0';
			start_section(p, name);
		}
	}
	n = strlen(str);
	/* inih wants the newline to tell a full line from a cut one. */
	str[n] = '\n';
	str[n + 1] = '\0';
	return str;
}

static void
node_defaults_and_checks(struct parse_ctx *p)
{
	struct config *c = p->c;
	char a[19], b[19], a6[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < c->n_nodes && !p->err; i++) {
		struct node_conf *n = &c->nodes[i];

		if (n->id == 0) {
			fail(p, n->line, "node \"%s\": id is missing", n->name);
			break;
		}
		if (!n->has_router_id) {
			/* An IPv6 mesh may do without both: 0.0.0.ID (DESIGN §3). */
			if (n->has_loopback)
				n->router_id = n->loopback.addr;
			else if (c->ipv6)
				n->router_id.s_addr = htonl(n->id);
			else {
				fail(p, n->line, "node \"%s\": needs a router-id or a loopback",
				     n->name);
				break;
			}
		}
		for (size_t j = 0; j < i && !p->err; j++) {
			const struct node_conf *o = &c->nodes[j];

			if (o->id == n->id)
				fail(p, n->line, "node \"%s\": id %u is already used by node \"%s\"",
				     n->name, n->id, o->name);
			else if (o->router_id.s_addr == n->router_id.s_addr)
				fail(p, n->line,
				     "node \"%s\": router-id %s is already used by node \"%s\"",
				     n->name, ip4_str(n->router_id, a), o->name);
			else if (n->has_loopback && o->has_loopback &&
			         prefix_overlaps(&n->loopback, &o->loopback))
				fail(p, n->line,
				     "node \"%s\": loopback %s is already used by node \"%s\"",
				     n->name, prefix4_str(&n->loopback, a), o->name);
			else if (n->has_loopback6 && o->has_loopback6 &&
			         IN6_ARE_ADDR_EQUAL(&n->loopback6, &o->loopback6))
				fail(p, n->loopback6_line,
				     "node \"%s\": loopback6 %s is already used by node \"%s\"",
				     n->name, ip6_str(&n->loopback6, a6), o->name);
		}
		for (size_t k = 0; k < n->n_links && !p->err; k++) {
			const struct link_conf *l = &n->links[k];
			const struct node_conf *peer = config_find_node(c, l->peer);
			const struct link_conf *back;

			if (!strcmp(l->peer, n->name)) {
				fail(p, l->line, "link \"%s\": a node cannot link to itself", l->peer);
				break;
			}
			if (peer == NULL) {
				fail(p, l->line, "link \"%s\": no [node %s] section", l->peer,
				     l->peer);
				break;
			}
			for (size_t m = 0; m < k; m++) {
				if (!strcmp(n->links[m].ifname, l->ifname))
					fail(p, l->line,
					     "link \"%s\": interface \"%s\" is already used by the link to \"%s\"",
					     l->peer, l->ifname, n->links[m].peer);
				else if (!strcmp(n->links[m].peer, l->peer))
					fail(p, l->line,
					     "link \"%s\": node \"%s\" already has a link to \"%s\" (one cable per pair of nodes)",
					     l->peer, n->name, l->peer);
			}
			if (p->err)
				break;
			back = config_find_reverse_link(c, n, l);
			if (back == NULL) {
				fail(p, l->line,
				     "link \"%s\": [node %s] has no link back to \"%s\"", l->peer,
				     l->peer, n->name);
				break;
			}
			if (l->pinned != back->pinned) {
				fail(p, l->line,
				     "link \"%s\": address is pinned on one end only; pin both ends (line %u)",
				     l->peer, back->line);
				break;
			}
			if (l->pinned) {
				struct prefix4 x = l->address, y = back->address;

				if (x.len != y.len || !prefix_overlaps(&x, &y) ||
				    x.addr.s_addr == y.addr.s_addr)
					fail(p, l->line,
					     "link \"%s\": pinned address %s does not pair with %s on the peer (line %u)",
					     l->peer, prefix4_str(&x, a), prefix4_str(&y, b),
					     back->line);
			}
		}
	}
}

/* No loopback6 inside one of n's IPv6 link subnets (the plan's subnets
 * are disjoint by construction). */
static void
check_loopbacks6(struct parse_ctx *p, const struct node_conf *n, const struct link_plan *plans)
{
	struct config *c = p->c;
	char a[INET6_ADDRSTRLEN], b[PREFIX6_STRLEN];

	for (size_t j = 0; j < c->n_nodes && !p->err; j++) {
		const struct node_conf *o = &c->nodes[j];

		for (size_t k = 0; k < n->n_links && !p->err && o->has_loopback6; k++)
			if (plans[k].has6 && prefix6_contains(&plans[k].subnet6, &o->loopback6))
				fail(p, o->loopback6_line,
				     "loopback6 %s (\"%s\") is inside link subnet %s (\"%s\" - \"%s\")",
				     ip6_str(&o->loopback6, a), o->name,
				     prefix6_str(&plans[k].subnet6, b), n->name, n->links[k].peer);
	}
}

/* Subnets and loopbacks must not overlap; the pool must be large enough. */
static void
check_address_plan(struct parse_ctx *p)
{
	struct config *c = p->c;
	struct {
		struct prefix4 pfx;
		const char *what;
		const char *name;
		unsigned line;
	} *used = NULL;
	size_t n_used = 0;
	char a[19];

	for (size_t i = 0; i < c->n_nodes && !p->err; i++) {
		const struct node_conf *n = &c->nodes[i];
		_cleanup_free_ struct link_plan *plans = NULL;
		char *err = NULL;

		if (addrplan_node(c, n, &plans, &err) < 0) {
			fail(p, n->line, "%s", err);
			free(err);
			break;
		}
		check_loopbacks6(p, n, plans);
		used = xreallocarray(used, n_used + n->n_links + 1, sizeof(*used));
		if (n->has_loopback)
			used[n_used++] = (__typeof__(*used)){n->loopback, "loopback", n->name,
			                                      n->line};
		for (size_t k = 0; k < n->n_links && c->has_prefix; k++)
			if (strcmp(n->name, n->links[k].peer) < 0)
				used[n_used++] = (__typeof__(*used)){plans[k].subnet, "link subnet",
				                                      n->links[k].peer,
				                                      n->links[k].line};
	}
	for (size_t i = 0; i < n_used && !p->err; i++)
		for (size_t j = 0; j < i && !p->err; j++)
			if (prefix_overlaps(&used[i].pfx, &used[j].pfx))
				fail(p, used[i].line, "%s %s (\"%s\") overlaps %s of \"%s\"",
				     used[i].what, prefix4_str(&used[i].pfx, a), used[i].name,
				     used[j].what, used[j].name);
	free(used);
}

int
config_secret_file_check(const char *path, char **why)
{
	struct stat st;

	*why = NULL;
	if (stat(path, &st) < 0) {
		int r = -errno;

		*why = xasprintf(": %s", strerror(-r));
		return r;
	}
	if (!S_ISREG(st.st_mode)) {
		*why = xstrdup(" is not a regular file");
		return -EINVAL;
	}
	/* root, or the user the service runs as: nobody else may swap it */
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		*why = xasprintf(" is owned by uid %u, not root; chown root it", (unsigned)st.st_uid);
		return -EPERM;
	}
	if (st.st_mode & 077) {
		*why = xasprintf(" is readable by group or others (mode %04o); chmod 600 it",
		                 (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

static int
check_secret_file(struct parse_ctx *p, const char *what, const char *path, unsigned line)
{
	_cleanup_free_ char *why = NULL;
	int r = config_secret_file_check(path, &why);

	if (r < 0)
		fail(p, line, "%s %s%s", what, path, why);
	return r;
}

static void
check_files(struct parse_ctx *p)
{
	struct config *c = p->c;

	if (c->api.enabled && c->api.token_file && !p->err)
		check_secret_file(p, "token-file", c->api.token_file, p->key_line[SLOT_TOKEN_FILE]);
	if (c->auth_key_file && !p->err &&
	    check_secret_file(p, "auth-key-file", c->auth_key_file, p->key_line[SLOT_AUTH_KEY_FILE]) == 0) {
		_cleanup_free_ char *text = NULL, *why = NULL;
		size_t len = 0;
		unsigned line = 0;
		int r = read_file(c->auth_key_file, AUTH_KEY_FILE_MAX, &text, &len);

		if (r < 0) {
			fail(p, p->key_line[SLOT_AUTH_KEY_FILE], "auth-key-file %s: %s", c->auth_key_file,
			     r == -EFBIG ? "file is larger than 4 KiB" : strerror(-r));
			return;
		}
		if (strlen(text) != len) {
			fail(p, p->key_line[SLOT_AUTH_KEY_FILE], "auth-key-file %s: not a text file", c->auth_key_file);
			return;
		}
		if (config_parse_auth_keys(text, &c->auth_keys, &c->n_auth_keys, &line, &why) < 0) {
			if (line > 0)
				fail(p, p->key_line[SLOT_AUTH_KEY_FILE], "auth-key-file %s:%u: %s", c->auth_key_file,
				     line, why);
			else
				fail(p, p->key_line[SLOT_AUTH_KEY_FILE], "auth-key-file %s: %s", c->auth_key_file, why);
		}
	}
}

static bool
auth_key_valid(const char *k)
{
	return k[0] != '\0' && strlen(k) <= CONFIG_AUTH_KEY_MAX && !strpbrk(k, " \t") &&
	       str_is_printable(k);
}

/* Split a line of the key file into at most 3 words (a third one: too
 * many); the words point into line, which is cut at their ends. */
static size_t
auth_key_words(char *line, char *w[3])
{
	size_t n = 0;

	for (char *s = line + strspn(line, " \t"); *s && n < 3; s += strspn(s, " \t")) {
		w[n++] = s;
		s += strcspn(s, " \t");
		if (*s)
			*s++ = '\0';
	}
	return n;
}

int
config_parse_auth_keys(const char *text, struct auth_key **keys, size_t *n, unsigned *line,
                       char **why)
{
	_cleanup_free_ char *copy = xstrdup(text);
	_cleanup_free_ struct auth_key *k = NULL;
	size_t nk = 0, content = 0;
	char *only = NULL;
	unsigned ln = 0, only_line = 0;

	*keys = NULL;
	*n = 0;
	*line = 0;
	*why = NULL;
	/* One line with one word (comment-looking or not): the bare key of
	 * old, key id 1. */
	for (char *l = copy, *e; l; l = e) {
		ln++;
		e = strchr(l, '\n');
		if (e)
			*e++ = '\0';
		l[strcspn(l, "\r")] = '\0';
		if (*l != '\0' && content++ == 0) {
			only = l;
			only_line = ln;
		}
	}
	if (content == 1 && !strpbrk(only, " \t")) {
		redact_remember(only); /* never in a log, an error or the status */
		if (!auth_key_valid(only)) {
			*line = only_line;
			*why = xasprintf("the key must be 1-%d printable characters without blanks",
			                 CONFIG_AUTH_KEY_MAX);
			return -EINVAL;
		}
		k = xcalloc(1, sizeof(*k));
		*k = (struct auth_key){.id = 1, .line = only_line};
		snprintf(k->key, sizeof(k->key), "%s", only);
		*keys = TAKE_PTR(k);
		*n = 1;
		return 0;
	}
	ln = 0;
	free(copy);
	copy = xstrdup(text);
	for (char *l = copy, *e; l; l = e) {
		char *w[3];
		size_t nw;
		unsigned long id = 0;
		char *end = NULL;

		ln++;
		e = strchr(l, '\n');
		if (e)
			*e++ = '\0';
		l[strcspn(l, "\r")] = '\0';
		nw = auth_key_words(l, w);
		if (nw == 0 || w[0][0] == '#')
			continue;
		for (size_t i = 0; i < nw; i++)
			if (i > 0 || !isdigit((unsigned char)w[0][0]))
				redact_remember(w[i]);
		*line = ln;
		if (nw != 2 || !isdigit((unsigned char)w[0][0])) {
			*why = xstrdup("expected \"ID KEY\" (a key id 1-255, a blank, the key)");
			return -EINVAL;
		}
		id = strtoul(w[0], &end, 10);
		if (*end != '\0' || id < 1 || id > 255) {
			*why = xstrdup("the key id must be a number from 1 to 255");
			return -EINVAL;
		}
		if (!auth_key_valid(w[1])) {
			*why = xasprintf("the key must be 1-%d printable characters without blanks",
			                 CONFIG_AUTH_KEY_MAX);
			return -EINVAL;
		}
		for (size_t i = 0; i < nk; i++)
			if (k[i].id == id) {
				*why = xasprintf("key id %lu is given twice (first on line %u)", id,
				                 k[i].line);
				return -EINVAL;
			}
		if (nk == CONFIG_AUTH_KEYS_MAX) {
			*why = xasprintf("more than %d keys", CONFIG_AUTH_KEYS_MAX);
			return -EINVAL;
		}
		k = xreallocarray(k, nk + 1, sizeof(*k));
		k[nk] = (struct auth_key){.id = (unsigned)id, .line = ln};
		snprintf(k[nk].key, sizeof(k[nk].key), "%s", w[1]);
		nk++;
	}
	*line = 0;
	if (nk == 0) {
		*why = xstrdup("holds no key");
		return -EINVAL;
	}
	*keys = TAKE_PTR(k);
	*n = nk;
	return 0;
}

/* The IPv6 keys need ipv6 = yes; an IPv6-only mesh pins no IPv4 address. */
static void
check_ipv6_keys(struct parse_ctx *p)
{
	struct config *c = p->c;
	char a[PREFIX6_STRLEN];

	if (!c->ipv6) {
		if (p->seen[SLOT_PREFIX6])
			fail(p, p->key_line[SLOT_PREFIX6], "[mesh] prefix6 needs ipv6 = yes");
		else if (p->seen[SLOT_LINK_PREFIX_LENGTH6])
			fail(p, p->key_line[SLOT_LINK_PREFIX_LENGTH6],
			     "[mesh] link-prefix-length6 needs ipv6 = yes");
		for (size_t i = 0; i < c->n_nodes && !p->err; i++)
			if (c->nodes[i].has_loopback6)
				fail(p, c->nodes[i].loopback6_line,
				     "node \"%s\": loopback6 needs ipv6 = yes in [mesh]",
				     c->nodes[i].name);
		return;
	}
	if (c->has_prefix6 && c->prefix6.len > c->link_prefix_len6)
		fail(p, p->key_line[SLOT_PREFIX6],
		     "prefix6 %s is smaller than one link subnet (/%u); use a /%u or larger",
		     prefix6_str(&c->prefix6, a), c->link_prefix_len6, c->link_prefix_len6);
	for (size_t i = 0; i < c->n_nodes && !p->err && !c->has_prefix; i++)
		for (size_t k = 0; k < c->nodes[i].n_links && !p->err; k++)
			if (c->nodes[i].links[k].pinned)
				fail(p, c->nodes[i].links[k].line,
				     "link \"%s\": an IPv4 address needs [mesh] prefix (this mesh is "
				     "IPv6-only)",
				     c->nodes[i].links[k].peer);
}

static void
check_required(struct parse_ctx *p)
{
	struct config *c = p->c;

	if (!p->seen_mesh) {
		fail(p, 0, "no [mesh] section");
		return;
	}
	if (!p->seen_prefix && !c->ipv6)
		fail(p, p->mesh_line, "[mesh] prefix is missing (required unless ipv6 = yes)");
	else if (c->hello_interval >= c->dead_interval)
		fail(p, p->key_line[SLOT_DEAD] ? p->key_line[SLOT_DEAD] : p->key_line[SLOT_HELLO],
		     "[mesh] dead-interval %u must be larger than hello-interval %u",
		     c->dead_interval, c->hello_interval);
	else if (c->n_nodes == 0)
		fail(p, 0, "no [node] section");
	if (c->api.enabled && !p->err) {
		if (c->api.n_urls == 0)
			fail(p, c->api.line, "[api] url is missing");
		else if (c->api.token_file == NULL)
			fail(p, c->api.line, "[api] token-file is missing");
		else if (c->api.ca_file == NULL && c->api.n_fingerprints == 0)
			fail(p, c->api.line,
			     "[api] needs ca-file or fingerprint: TLS is always verified");
		else if (c->api.ca_file != NULL && c->api.n_fingerprints > 0)
			fail(p, c->api.line, "[api] has both ca-file and fingerprint; choose one");
		else if (p->seen[SLOT_POLL_HEALTHY] &&
		         c->api.poll_interval_healthy < c->api.poll_interval)
			fail(p, p->key_line[SLOT_POLL_HEALTHY],
			     "[api] poll-interval-healthy %u is shorter than poll-interval %u",
			     c->api.poll_interval_healthy, c->api.poll_interval);
		else if (!p->seen[SLOT_POLL_HEALTHY])
			c->api.poll_interval_healthy =
			    c->api.poll_interval > CONFIG_POLL_INTERVAL_HEALTHY
			        ? c->api.poll_interval
			        : CONFIG_POLL_INTERVAL_HEALTHY;
	}
}

int
config_parse_string(const char *text, const char *path, bool skip_files, struct config **out,
                    char **err)
{
	struct config *c = xcalloc(1, sizeof(*c));
	struct parse_ctx p = {.c = c, .path = path, .cursor = text};
	int r;

	c->path = xstrdup(path);
	c->link_prefix_len = 30;
	c->link_prefix_len6 = 64;
	c->hello_interval = 1;
	c->dead_interval = 3;
	c->bfd = true;
	c->bfd_interval = 100;
	c->bfd_multiplier = 3;
	c->api.poll_interval = 10;

	r = ini_parse_stream(read_line, &p, handle, &p);
	if (r > 0 && p.err == NULL)
		fail(&p, (unsigned)r, "syntax error (expected [section] or key = value)");
	else if (r < 0 && p.err == NULL)
		fail(&p, 0, "cannot parse: %s", strerror(ENOMEM));
	if (p.err == NULL)
		check_required(&p);
	if (p.err == NULL)
		check_ipv6_keys(&p);
	if (p.err == NULL)
		node_defaults_and_checks(&p);
	if (p.err == NULL)
		check_address_plan(&p);
	if (p.err == NULL && !skip_files)
		check_files(&p);
	if (p.err != NULL) {
		/* Nothing but comments: the installed example, not an error. */
		bool empty = !p.seen_content;

		config_free(c);
		*err = p.err;
		return empty ? -ENODATA : -EINVAL;
	}
	*out = c;
	return 0;
}

int
config_load(const char *path, struct config **out, char **err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = read_file(path, CONFIG_MAX_SIZE, &text, &len);

	if (r < 0) {
		*err = xasprintf("%s: %s", path,
		                 r == -EFBIG ? "file is larger than 1 MiB" : strerror(-r));
		return r;
	}
	if (strlen(text) != len) {
		*err = xasprintf("%s: not a text file", path);
		return -EINVAL;
	}
	return config_parse_string(text, path, false, out, err);
}

void
config_free(struct config *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n_nodes; i++)
		free(c->nodes[i].links);
	free(c->nodes);
	for (size_t i = 0; i < c->api.n_urls; i++)
		free(c->api.urls[i]);
	free(c->api.urls);
	free(c->api.fingerprints);
	free(c->api.token_file);
	free(c->api.ca_file);
	free(c->auth_key_file);
	free(c->metrics_textfile);
	if (c->auth_keys) /* no key left in freed memory */
		explicit_bzero(c->auth_keys, c->n_auth_keys * sizeof(*c->auth_keys));
	free(c->auth_keys);
	free(c->path);
	free(c);
}

const struct node_conf *
config_find_node(const struct config *c, const char *name)
{
	for (size_t i = 0; i < c->n_nodes; i++)
		if (!strcmp(c->nodes[i].name, name))
			return &c->nodes[i];
	return NULL;
}

const struct link_conf *
config_find_reverse_link(const struct config *c, const struct node_conf *node,
                         const struct link_conf *link)
{
	const struct node_conf *peer = config_find_node(c, link->peer);

	if (peer == NULL)
		return NULL;
	for (size_t i = 0; i < peer->n_links; i++)
		if (!strcmp(peer->links[i].peer, node->name))
			return &peer->links[i];
	return NULL;
}
