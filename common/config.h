/* config.h - the mesh description (DESIGN §3): parsing and validation */
#pragma once

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#define CONFIG_NAME_MAX 63

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
	enum node_role role;
	bool external;
	struct link_conf *links;
	size_t n_links;
	unsigned line;
};

struct api_conf {
	bool enabled; /* an [api] section exists */
	char **urls;
	size_t n_urls;
	char *token_file;
	char *ca_file;
	bool has_fingerprint;
	uint8_t fingerprint[32];
	unsigned poll_interval; /* seconds */
	unsigned line;
};

struct config {
	char *path;
	struct prefix4 prefix;
	uint8_t link_prefix_len; /* 30 or 31 */
	uint32_t area;           /* host byte order; rendered dotted */
	unsigned hello_interval; /* s */
	unsigned dead_interval;  /* s */
	bool bfd;
	unsigned bfd_interval; /* ms */
	unsigned bfd_multiplier;
	unsigned mtu;        /* 0: not managed */
	char *auth_key_file; /* NULL: no authentication */
	char *auth_key;      /* the key read from auth_key_file */
	struct api_conf api;
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

/* Format an IPv4 address / prefix into a static-size buffer. */
const char *ip4_str(struct in_addr a, char buf[static 16]);
const char *prefix4_str(const struct prefix4 *p, char buf[static 19]);
/* Dotted form of an area id. */
const char *area_str(uint32_t area, char buf[static 16]);
