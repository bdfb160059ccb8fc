/* config.h - the mesh description (DESIGN §3): parsing and validation */
#pragma once

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "prefix6.h"

#define CONFIG_NAME_MAX 63
/* [api] url and fingerprint: lists, several per line or the key repeated */
#define CONFIG_API_MAX_URLS 16
#define CONFIG_API_MAX_PINS 16
/* OSPF md5 keys: FRR takes 16 characters (OSPF_AUTH_MD5_SIZE) */
#define CONFIG_AUTH_KEY_MAX 16
#define CONFIG_AUTH_KEYS_MAX 16

enum node_role { ROLE_TRANSIT, ROLE_ENDPOINT };

struct prefix4 {
	struct in_addr addr; /* network byte order */
	uint8_t len;
};

struct link_conf {
	char peer[CONFIG_NAME_MAX + 1];
	char ifname[IFNAMSIZ];
	uint32_t cost;
	bool pinned; /* "address A.B.C.D/LEN" given */
	struct prefix4 address;
	unsigned line;
};

struct node_conf {
	char name[CONFIG_NAME_MAX + 1];
	unsigned id;
	bool has_router_id;
	struct in_addr router_id; /* set from the loopback when not given */
	bool has_loopback;
	struct prefix4 loopback;
	bool has_loopback6; /* ipv6 = yes only */
	struct in6_addr loopback6;
	unsigned loopback6_line;
	enum node_role role;
	bool external;
	struct link_conf *links;
	size_t n_links;
	unsigned line;
};

/* Membership matters little while every link is healthy: polled this
 * often then (seconds), unless poll-interval-healthy says otherwise. */
#define CONFIG_POLL_INTERVAL_HEALTHY 120

struct api_conf {
	bool enabled; /* an [api] section exists */
	char **urls;
	size_t n_urls;
	char *token_file;
	char *ca_file;
	uint8_t (*fingerprints)[32]; /* SHA-256 pins; a server matching any one is trusted */
	size_t n_fingerprints;
	unsigned poll_interval; /* seconds, while membership can matter */
	/* seconds, while every link is healthy and the API answered (at least
	 * poll_interval; default CONFIG_POLL_INTERVAL_HEALTHY or poll_interval) */
	unsigned poll_interval_healthy;
	unsigned line;
};

/* One OSPF md5 key of the auth-key-file: "ip ospf message-digest-key ID md5 KEY". */
struct auth_key {
	unsigned id; /* 1-255 */
	char key[CONFIG_AUTH_KEY_MAX + 1];
	unsigned line; /* in the key file */
};

struct config {
	char *path;
	bool has_prefix; /* false only in an IPv6-only mesh */
	struct prefix4 prefix;
	uint8_t link_prefix_len; /* 30 or 31 */
	bool ipv6;              /* OSPFv3 beside (or instead of) OSPF */
	bool has_prefix6;       /* without it, links carry link-local addresses only */
	struct prefix6 prefix6;
	uint8_t link_prefix_len6; /* 64 or 127 */
	uint32_t area;           /* host byte order; rendered dotted */
	unsigned hello_interval; /* s */
	unsigned dead_interval;  /* s */
	bool bfd;
	unsigned bfd_interval; /* ms */
	unsigned bfd_multiplier;
	unsigned mtu;        /* 0: not managed */
	char *auth_key_file; /* NULL: no authentication */
	/* The keys read from auth_key_file, in its order: the first is the one
	 * OSPF packets are sent with, every key is accepted. */
	struct auth_key *auth_keys;
	size_t n_auth_keys;
	struct api_conf api;
	/* [metrics] textfile; NULL: the default (METRICS_TEXTFILE_DEFAULT, only
	 * when its folder exists) */
	char *metrics_textfile;
	struct node_conf *nodes;
	size_t n_nodes;
};

/* Parse and validate a configuration file. On error, *err holds one sentence
 * naming file:line and the value ("PATH:14: link \"pbs\": ..."), and the
 * return value is a negative errno: -ENODATA when the file has nothing but
 * comments and blank lines (the commented example the package installs). Files named in it (token, key) are
 * checked for permissions and the key is read. */
int config_load(const char *path, struct config **out, char **err);


/* Same, from a string, for tests; path is only used in messages. File checks
 * (token and key files) are done unless skip_files. */
int config_parse_string(const char *text, const char *path, bool skip_files,
                        struct config **out, char **err);

void config_free(struct config *c);

/* Parse the text of an auth-key-file: one bare key (key id 1, as the file
 * has always held), or lines "ID KEY" (the first the key to send with, the
 * others accepted too; blank lines and "#" comments skipped). 0 with *keys
 * (n entries, free()); or -EINVAL with *line the line at fault (0: the
 * file as a whole) and *why one sentence that never holds a key. Every key
 * found is handed to redact_remember. */
int config_parse_auth_keys(const char *text, struct auth_key **keys, size_t *n, unsigned *line,
                           char **why);

/* May the file at path hold a secret (the token, the OSPF key)? A regular
 * file owned by root or by this process's user, readable by them alone:
 * 0, or -errno with *why (owned) saying why after the path (": No such
 * file or directory", " is owned by uid 1000, not root; chown root it"). */
int config_secret_file_check(const char *path, char **why);

/* The node section by name, or NULL. */
const struct node_conf *config_find_node(const struct config *c, const char *name);

/* The link on peer that points back at node, or NULL. */
const struct link_conf *config_find_reverse_link(const struct config *c,
                                                 const struct node_conf *node,
                                                 const struct link_conf *link);

/* The netmask of a prefix length, in host byte order. */
static inline uint32_t
prefix4_mask(unsigned len)
{
	return len == 0 ? 0 : 0xffffffffu << (32 - len);
}

/* Parse "A.B.C.D/LEN" (host bits may be set): 0 or -EINVAL. */
int prefix4_parse(const char *s, struct prefix4 *out);
/* Is a inside p? */
static inline bool
prefix4_contains(const struct prefix4 *p, struct in_addr a)
{
	return ((ntohl(p->addr.s_addr) ^ ntohl(a.s_addr)) & prefix4_mask(p->len)) == 0;
}

/* Format an IPv4 address / prefix into a static-size buffer. */
const char *ip4_str(struct in_addr a, char buf[static 16]);
const char *prefix4_str(const struct prefix4 *p, char buf[static 19]);
/* A SHA-256 fingerprint as pvenode cert info shows it: "AA:BB:...:FF". */
const char *fingerprint_str(const uint8_t fp[32], char buf[static 96]);
/* Dotted form of an area id. */
const char *area_str(uint32_t area, char buf[static 16]);
