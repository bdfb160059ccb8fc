/* check_config.c - configuration parsing and validation (DESIGN §3) */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "redact.h"
#include "testutil.h"

/* The reference setup of DESIGN §3, exactly as printed there. */
START_TEST(test_reference)
{
	char *text = tu_read_data("config/reference.conf");
	struct config *c = tu_parse(text);
	const struct node_conf *n;
	static const struct {
		const char *name;
		unsigned id;
		const char *router_id;
		const char *loopback;
		enum node_role role;
		bool external;
		size_t n_links;
		const char *peer[2], *ifname[2];
		unsigned cost[2];
	} want[] = {
	    {"pve-1",
	     1,
	     "192.168.102.1",
	     "192.168.102.1/32",
	     ROLE_TRANSIT,
	     false,
	     2,
	     {"pve-2", "pbs"},
	     {"nic3", "nic4"},
	     {200, 10}},
	    {"pve-2",
	     2,
	     "192.168.102.2",
	     NULL,
	     ROLE_TRANSIT,
	     false,
	     2,
	     {"pve-1", "pbs"},
	     {"nic3", "nic4"},
	     {200, 10}},
	    {"pbs",
	     3,
	     "192.168.102.3",
	     "192.168.103.254/32",
	     ROLE_ENDPOINT,
	     true,
	     2,
	     {"pve-1", "pve-2"},
	     {"nic3", "nic4"},
	     {10, 10}},
	};

	ck_assert_str_eq(c->path, "test.conf");
	ck_assert_str_eq(tu_prefix_str(&c->prefix), "192.168.103.0/24");
	ck_assert_uint_eq(c->link_prefix_len, 30);
	ck_assert_uint_eq(c->area, 0);
	ck_assert_uint_eq(c->hello_interval, 1);
	ck_assert_uint_eq(c->dead_interval, 3);
	ck_assert(c->bfd);
	ck_assert_uint_eq(c->bfd_interval, 100);
	ck_assert_uint_eq(c->bfd_multiplier, 3);
	ck_assert_uint_eq(c->mtu, 9000);
	ck_assert_str_eq(c->auth_key_file, "/etc/proxmesh/ospf.key");
	ck_assert_ptr_null(c->auth_keys); /* files skipped */
	ck_assert_uint_eq(c->n_auth_keys, 0);

	ck_assert(c->api.enabled);
	ck_assert_uint_eq(c->api.n_urls, 1);
	ck_assert_str_eq(c->api.urls[0], "https://localhost:8006");
	ck_assert_str_eq(c->api.token_file, "/etc/proxmesh/api-token");
	ck_assert_str_eq(c->api.ca_file, "/etc/pve/pve-root-ca.pem");
	ck_assert_uint_eq(c->api.n_fingerprints, 0);
	ck_assert_uint_eq(c->api.poll_interval, 10);
	ck_assert_uint_eq(c->api.poll_interval_healthy, CONFIG_POLL_INTERVAL_HEALTHY);
	ck_assert_uint_eq(c->api.line, 13);

	ck_assert_uint_eq(c->n_nodes, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		n = config_find_node(c, want[i].name);
		ck_assert_ptr_nonnull(n);
		ck_assert_ptr_eq(n, &c->nodes[i]);
		ck_assert_uint_eq(n->id, want[i].id);
		ck_assert(n->has_router_id);
		ck_assert_str_eq(tu_ip(n->router_id), want[i].router_id);
		ck_assert_int_eq(n->has_loopback, want[i].loopback != NULL);
		if (want[i].loopback)
			ck_assert_str_eq(tu_prefix_str(&n->loopback), want[i].loopback);
		ck_assert_int_eq(n->role, want[i].role);
		ck_assert_int_eq(n->external, want[i].external);
		ck_assert_uint_eq(n->n_links, want[i].n_links);
		for (size_t k = 0; k < n->n_links; k++) {
			const struct link_conf *l = &n->links[k], *back;

			ck_assert_str_eq(l->peer, want[i].peer[k]);
			ck_assert_str_eq(l->ifname, want[i].ifname[k]);
			ck_assert_uint_eq(l->cost, want[i].cost[k]);
			ck_assert(!l->pinned);
			back = config_find_reverse_link(c, n, l);
			ck_assert_ptr_nonnull(back);
			ck_assert_str_eq(back->peer, n->name);
		}
	}
	ck_assert_uint_eq(c->nodes[0].line, 19);
	ck_assert_uint_eq(c->nodes[0].links[0].line, 23);
	ck_assert_uint_eq(c->nodes[2].links[1].line, 39);
	ck_assert_ptr_null(config_find_node(c, "pve-3"));
	ck_assert_ptr_null(config_find_node(c, "pve"));
	config_free(c);
	free(text);
}
END_TEST

/* Everything optional left out: the defaults of DESIGN §3. */
START_TEST(test_defaults)
{
	struct config *c = tu_parse("[mesh]\n"
	                            "prefix = 10.0.0.0/29\n"
	                            "[node a]\n"
	                            "id = 1\n"
	                            "loopback = 10.255.0.1/32\n"
	                            "link = b nic1\n"
	                            "[node b]\n"
	                            "id = 2\n"
	                            "router-id = 10.255.0.2\n"
	                            "link = a nic1\n");

	ck_assert_uint_eq(c->link_prefix_len, 30);
	ck_assert_uint_eq(c->area, 0);
	ck_assert_uint_eq(c->hello_interval, 1);
	ck_assert_uint_eq(c->dead_interval, 3);
	ck_assert(c->bfd);
	ck_assert_uint_eq(c->bfd_interval, 100);
	ck_assert_uint_eq(c->bfd_multiplier, 3);
	ck_assert_uint_eq(c->mtu, 0);
	ck_assert_ptr_null(c->auth_key_file);
	ck_assert(!c->api.enabled);
	ck_assert_uint_eq(c->api.n_urls, 0);
	/* router-id defaults to the loopback address */
	ck_assert(!c->nodes[0].has_router_id);
	ck_assert_str_eq(tu_ip(c->nodes[0].router_id), "10.255.0.1");
	ck_assert_int_eq(c->nodes[0].role, ROLE_TRANSIT);
	ck_assert(!c->nodes[0].external);
	ck_assert_uint_eq(c->nodes[0].links[0].cost, 10);
	config_free(c);
}
END_TEST

/* The second topology: five nodes, /31, pinned link, tabs, two URLs,
 * fingerprint, area as a number. */
START_TEST(test_five)
{
	char *text = tu_read_data("config/five.conf");
	struct config *c = tu_parse(text);
	const struct node_conf *a, *q;
	char buf[16];

	ck_assert_uint_eq(c->n_nodes, 5);
	ck_assert_uint_eq(c->link_prefix_len, 31);
	ck_assert_str_eq(area_str(c->area, buf), "0.0.0.1");
	ck_assert_uint_eq(c->hello_interval, 2);
	ck_assert_uint_eq(c->dead_interval, 8);
	ck_assert_uint_eq(c->bfd_interval, 50);
	ck_assert_uint_eq(c->bfd_multiplier, 5);
	ck_assert_uint_eq(c->api.n_urls, 2);
	ck_assert_str_eq(c->api.urls[0], "https://pve-a.example:8006");
	ck_assert_str_eq(c->api.urls[1], "https://pve-b.example:8006");
	ck_assert_uint_eq(c->api.n_fingerprints, 1);
	ck_assert_ptr_null(c->api.ca_file);
	ck_assert_uint_eq(c->api.fingerprints[0][0], 0x00);
	ck_assert_uint_eq(c->api.fingerprints[0][10], 0xaa);
	ck_assert_uint_eq(c->api.fingerprints[0][31], 0xff);
	ck_assert_uint_eq(c->api.poll_interval, 5);
	ck_assert_uint_eq(c->api.poll_interval_healthy, CONFIG_POLL_INTERVAL_HEALTHY);

	a = config_find_node(c, "pve-a");
	ck_assert_str_eq(a->links[0].peer, "pve-b"); /* tab separated */
	ck_assert_str_eq(a->links[0].ifname, "ens1f0");
	ck_assert(a->links[2].pinned);
	ck_assert_uint_eq(a->links[2].cost, 5);
	ck_assert_str_eq(tu_prefix_str(&a->links[2].address), "172.16.0.1/31");
	ck_assert_str_eq(tu_ip(a->router_id), "10.10.255.1");
	q = config_find_node(c, "qdev");
	ck_assert_int_eq(q->role, ROLE_ENDPOINT);
	ck_assert(q->external);
	ck_assert_str_eq(tu_prefix_str(&q->links[0].address), "172.16.0.0/31");
	ck_assert_uint_eq(q->links[0].cost, 5); /* options in any order */
	ck_assert_ptr_eq(config_find_reverse_link(c, a, &a->links[2]), &q->links[0]);
	config_free(c);
	free(text);
}
END_TEST

/* Value forms that are accepted. */
START_TEST(test_forms)
{
	static const struct {
		const char *mesh; /* extra [mesh] line */
		uint32_t area;
		bool bfd;
	} cases[] = {
	    {"area = 0", 0, true},
	    {"area = 0.0.0.0", 0, true},
	    {"area = 10", 10, true},
	    {"area = 0.0.1.0", 256, true},
	    {"area = 4294967295", 0xffffffffu, true},
	    {"bfd = no", 0, false},
	    {"bfd = off", 0, false},
	    {"bfd = false", 0, false},
	    {"bfd = 0", 0, false},
	    {"bfd = yes", 0, true},
	    {"bfd = on", 0, true},
	    {"bfd = true", 0, true},
	    {"bfd = 1", 0, true},
	    {"; a comment", 0, true},
	    {"# a comment", 0, true},
	    {"bfd = no ; inline comment", 0, false},
	    {"bfd = no # inline comment", 0, false},
	    {"  bfd   =   no  ", 0, false},
	    {"bfd: no", 0, false},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *text = xasprintf("[mesh]\nprefix = 10.0.0.0/24\n%s\n"
		                       "[node a]\nid = 1\nrouter-id = 1.1.1.1\n",
		                       cases[i].mesh);
		struct config *c = tu_parse(text);

		ck_assert_msg(c->area == cases[i].area, "%s: area %u", cases[i].mesh, c->area);
		ck_assert_msg(c->bfd == cases[i].bfd, "%s", cases[i].mesh);
		config_free(c);
		free(text);
	}
}
END_TEST

#define MESH "[mesh]\nprefix = 10.0.0.0/24\n" /* lines 1-2 */
#define NODE_A "[node a]\nid = 1\nrouter-id = 10.255.0.1\nlink = b nic1\n"
#define NODE_B "[node b]\nid = 2\nrouter-id = 10.255.0.2\nlink = a nic1\n"
#define AB NODE_A NODE_B /* 8 lines */
#define API_OK "url = https://pve:8006\ntoken-file = /t\nca-file = /c\n"
/* SHA-256 fingerprints as pvenode cert info prints them */
#define FP_A                                                                                       \
	"00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:"  \
	"DD:EE:FF"
#define FP_A_LOWER                                                                                 \
	"00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:"  \
	"dd:ee:ff"
#define FP_B                                                                                       \
	"5E:8C:07:1F:92:A4:3B:D0:66:C1:28:7A:E9:0F:B3:54:D2:19:8E:60:4A:F7:C5:13:0B:9D:72:E6:38:"  \
	"A1:FD:4C"
#define FP_B_LOWER                                                                                 \
	"5e:8c:07:1f:92:a4:3b:d0:66:c1:28:7a:e9:0f:b3:54:d2:19:8e:60:4a:f7:c5:13:0b:9d:72:e6:38:"  \
	"a1:fd:4c"

static const struct invalid {
	const char *name;
	const char *text;
	unsigned line; /* 0: the message names the file only */
	const char *msg;
} invalid[] = {
    /* sections and keys */
    {"unknown section", MESH "[nodes a]\nid = 1\n", 3, "unknown section [nodes a]"},
    {"unknown section api2", MESH AB "[api2]\n", 11, "unknown section [api2]"},
    {"unknown mesh key", "[mesh]\nprefix = 10.0.0.0/24\ncolour = blue\n" AB, 3,
     "unknown key \"colour\" in [mesh]"},
    {"typo'd mesh key", "[mesh]\nprefix = 10.0.0.0/24\nhello-intervall = 1\n" AB, 3,
     "unknown key \"hello-intervall\" in [mesh]"},
    {"typo'd node key", MESH "[node a]\nid = 1\nrouterid = 10.255.0.1\n", 5,
     "unknown key \"routerid\" in [node a]"},
    {"unknown api key", MESH AB "[api]\n" API_OK "user = root@pam\n", 15,
     "unknown key \"user\" in [api]"},
    {"duplicate mesh key", "[mesh]\nprefix = 10.0.0.0/24\narea = 0\narea = 1\n" AB, 4,
     "[mesh] area is given twice"},
    {"duplicate api key", MESH AB "[api]\n" API_OK "ca-file = /d\n", 15,
     "[api] ca-file is given twice"},
    {"duplicate node id key", MESH "[node a]\nid = 1\nid = 2\n", 5,
     "node \"a\": id is given twice"},
    {"duplicate router-id key", MESH "[node a]\nrouter-id = 1.1.1.1\nrouter-id = 1.1.1.2\n", 5,
     "node \"a\": router-id is given twice"},
    {"duplicate loopback key", MESH "[node a]\nloopback = 1.1.1.1/32\nloopback = 1.1.1.2/32\n", 5,
     "node \"a\": loopback is given twice"},
    {"duplicate [mesh]", MESH AB "[mesh]\n", 11, "section [mesh] is given twice"},
    {"unknown metrics key", MESH AB "[metrics]\nfile = /x.prom\n", 12,
     "unknown key \"file\" in [metrics]"},
    {"relative metrics textfile", MESH AB "[metrics]\ntextfile = x.prom\n", 12,
     "textfile \"x.prom\" is not an absolute file name"},
    {"metrics textfile a folder", MESH AB "[metrics]\ntextfile = /var/lib/\n", 12,
     "textfile \"/var/lib/\" is not an absolute file name"},
    {"duplicate metrics textfile", MESH AB "[metrics]\ntextfile = /a.prom\ntextfile = /b.prom\n",
     13, "[metrics] textfile is given twice"},
    {"duplicate [metrics]", MESH AB "[metrics]\n[metrics]\n", 12,
     "section [metrics] is given twice"},
    {"duplicate [api]", MESH AB "[api]\n" API_OK "[api]\n", 15, "section [api] is given twice"},
    {"duplicate [node]", MESH AB "[node a]\n", 11, "[node a] is given twice"},
    {"invalid node name", MESH "[node a.b]\nid = 1\n", 3, "invalid node name \"a.b\""},
    {"empty node name", MESH "[node ]\nid = 1\n", 3, "invalid node name \"\""},
    {"key outside a section", "prefix = 10.0.0.0/24\n[mesh]\n", 1,
     "key \"prefix\" is outside a section"},
    {"syntax error", MESH "this is not a key\n" AB, 3, "syntax error"},
    {"syntax error late", MESH AB "\n\n# comment\nlink pve-1 nic3\n", 14, "syntax error"},
    {"malformed section header", "[mesh\nprefix = 10.0.0.0/24\n", 1,
     "malformed section header \"[mesh\""},
    {"empty value", "[mesh]\nprefix = 10.0.0.0/24\narea =\n" AB, 3, "\"area\" has no value"},
    {"control character", MESH "[node a]\nid = 1\nrouter-id = 10.255.0.1\x01\n", 5,
     "value of \"router-id\" contains a control character"},
    {"DEL character",
     MESH "[node a]\nid = 1\nlink = b nic\x7f"
          "1\n",
     5, "contains a control character"},
    {"line too long",
     MESH "[node a]\nid = 1\n# "
          "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
          "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
          "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nrouter-id = 10.255.0.1\n",
     5, "line is longer than 198 characters: split a list (url, fingerprint) by repeating the key"},
    {"no [mesh]", AB, 0, "no [mesh] section"},
    {"no prefix", "[mesh]\narea = 0\n" AB, 1, "[mesh] prefix is missing"},
    {"no node", MESH, 0, "no [node] section"},
    /* [mesh] values */
    {"bad prefix", "[mesh]\nprefix = 10.0.0/24\n" AB, 2,
     "prefix \"10.0.0/24\" is not an IPv4 prefix"},
    {"prefix without length", "[mesh]\nprefix = 10.0.0.0\n" AB, 2,
     "prefix \"10.0.0.0\" is not an IPv4 prefix"},
    {"prefix too long", "[mesh]\nprefix = 10.0.0.0/31\n" AB, 2,
     "prefix \"10.0.0.0/31\" is not an IPv4 prefix"},
    {"prefix length 33", "[mesh]\nprefix = 10.0.0.0/33\n" AB, 2, "is not an IPv4 prefix"},
    {"prefix IPv6", "[mesh]\nprefix = fd00::/64\n" AB, 2, "is not an IPv4 prefix"},
    {"host bits", "[mesh]\nprefix = 10.0.0.1/24\n" AB, 2,
     "prefix \"10.0.0.1/24\" has host bits set"},
    {"link-prefix-length 29", MESH "link-prefix-length = 29\n" AB, 3,
     "link-prefix-length \"29\" is out of range (30-31)"},
    {"link-prefix-length 32", MESH "link-prefix-length = 32\n" AB, 3,
     "link-prefix-length \"32\" is out of range (30-31)"},
    {"link-prefix-length word", MESH "link-prefix-length = thirty\n" AB, 3,
     "link-prefix-length \"thirty\" is not a number"},
    {"bad area", MESH "area = 0.0.0\n" AB, 3, "area \"0.0.0\" is not an area id"},
    {"negative area", MESH "area = -1\n" AB, 3, "area \"-1\" is not an area id"},
    {"area too large", MESH "area = 4294967296\n" AB, 3, "area \"4294967296\" is not an area id"},
    {"hello equals dead", MESH "hello-interval = 3\ndead-interval = 3\n" AB, 4,
     "dead-interval 3 must be larger than hello-interval 3"},
    {"hello above default dead", MESH "hello-interval = 5\n" AB, 3,
     "dead-interval 3 must be larger than hello-interval 5"},
    {"dead below default hello", MESH "dead-interval = 1\n" AB, 3,
     "dead-interval 1 must be larger than hello-interval 1"},
    {"hello 0", MESH "hello-interval = 0\n" AB, 3,
     "hello-interval \"0\" is out of range (1-65535)"},
    {"dead 65536", MESH "dead-interval = 65536\n" AB, 3,
     "dead-interval \"65536\" is out of range (1-65535)"},
    {"negative hello", MESH "hello-interval = -1\n" AB, 3, "hello-interval \"-1\" is not a number"},
    {"hello with unit", MESH "hello-interval = 1s\n" AB, 3,
     "hello-interval \"1s\" is not a number"},
    {"huge number", MESH "dead-interval = 99999999999999999999999\n" AB, 3, "is out of range"},
    {"bad bool", MESH "bfd = maybe\n" AB, 3, "bfd \"maybe\" is not yes or no"},
    {"bfd-interval 5", MESH "bfd-interval = 5\n" AB, 3,
     "bfd-interval \"5\" is out of range (10-60000)"},
    {"bfd-multiplier 1", MESH "bfd-multiplier = 1\n" AB, 3,
     "bfd-multiplier \"1\" is out of range (2-255)"},
    {"bfd-multiplier 256", MESH "bfd-multiplier = 256\n" AB, 3,
     "bfd-multiplier \"256\" is out of range (2-255)"},
    {"mtu 100", MESH "mtu = 100\n" AB, 3, "mtu \"100\" is out of range (576-65535)"},
    {"mtu 65536", MESH "mtu = 65536\n" AB, 3, "mtu \"65536\" is out of range (576-65535)"},
    {"auth-key-file relative", MESH "auth-key-file = ospf.key\n" AB, 3,
     "auth-key-file \"ospf.key\" is not an absolute path"},
    /* [node] values */
    {"missing id", MESH "[node a]\nrouter-id = 10.255.0.1\nlink = b nic1\n" NODE_B, 3,
     "node \"a\": id is missing"},
    {"id 0", MESH "[node a]\nid = 0\n", 4, "id \"0\" is out of range (1-255)"},
    {"id 256", MESH "[node a]\nid = 256\n", 4, "id \"256\" is out of range (1-255)"},
    {"id not a number", MESH "[node a]\nid = one\n", 4, "id \"one\" is not a number"},
    {"duplicate id", MESH NODE_A "[node b]\nid = 1\nrouter-id = 10.255.0.2\nlink = a nic1\n", 7,
     "node \"b\": id 1 is already used by node \"a\""},
    {"duplicate router-id", MESH NODE_A "[node b]\nid = 2\nrouter-id = 10.255.0.1\nlink = a nic1\n",
     7, "node \"b\": router-id 10.255.0.1 is already used by node \"a\""},
    {"router-id equal to loopback-derived router-id",
     MESH "[node a]\nid = 1\nloopback = 10.255.0.2/32\nlink = b nic1\n" NODE_B, 7,
     "node \"b\": router-id 10.255.0.2 is already used by node \"a\""},
    {"bad router-id", MESH "[node a]\nid = 1\nrouter-id = 10.255.0\n", 5,
     "node \"a\": router-id \"10.255.0\" is not an IPv4 address"},
    {"router-id 0.0.0.0", MESH "[node a]\nid = 1\nrouter-id = 0.0.0.0\n", 5,
     "router-id \"0.0.0.0\" is not an IPv4 address"},
    {"duplicate loopback",
     MESH "[node a]\nid = 1\nrouter-id = 10.255.0.1\nloopback = 10.255.1.1/32\nlink = b nic1\n"
          "[node b]\nid = 2\nrouter-id = 10.255.0.2\nloopback = 10.255.1.1/32\nlink = a nic1\n",
     8, "node \"b\": loopback 10.255.1.1/32 is already used by node \"a\""},
    {"loopback not /32", MESH "[node a]\nid = 1\nloopback = 10.255.1.0/24\n", 5,
     "node \"a\": loopback \"10.255.1.0/24\" is not a /32 address"},
    {"loopback without length", MESH "[node a]\nid = 1\nloopback = 10.255.1.1\n", 5,
     "is not a /32 address"},
    {"missing router-id and loopback", MESH "[node a]\nid = 1\nlink = b nic1\n" NODE_B, 3,
     "node \"a\": needs a router-id or a loopback"},
    {"bad role", MESH "[node a]\nid = 1\nrole = router\n", 5,
     "node \"a\": role \"router\" is not transit or endpoint"},
    {"bad external", MESH "[node a]\nid = 1\nexternal = perhaps\n", 5,
     "external \"perhaps\" is not yes or no"},
    /* links */
    {"link to unknown node", MESH NODE_A NODE_B "link = c nic2\n", 11,
     "link \"c\": no [node c] section"},
    {"link to itself", MESH NODE_A "link = a nic2\n" NODE_B, 7,
     "link \"a\": a node cannot link to itself"},
    {"link without a link back",
     MESH NODE_A "link = c nic2\n" NODE_B "[node c]\nid = 3\nrouter-id = 10.255.0.3\n", 7,
     "link \"c\": [node c] has no link back to \"a\""},
    {"duplicate interface",
     MESH NODE_A "link = c nic1\n" NODE_B
                 "[node c]\nid = 3\nrouter-id = 10.255.0.3\nlink = a nic1\n",
     7, "link \"c\": interface \"nic1\" is already used by the link to \"b\""},
    {"two links to the same peer", MESH NODE_A "link = b nic2\n" NODE_B, 7,
     "link \"b\": node \"a\" already has a link to \"b\""},
    {"interface name with a blank", MESH "[node a]\nid = 1\nlink = b nic 4\n", 5,
     "link \"b\": unknown option \"4\""},
    {"interface name with a slash", MESH "[node a]\nid = 1\nlink = b a/b\n", 5,
     "link \"b\": invalid interface name \"a/b\""},
    {"interface name with a colon", MESH "[node a]\nid = 1\nlink = b nic1:0\n", 5,
     "link \"b\": invalid interface name \"nic1:0\""},
    {"interface name of 16 characters", MESH "[node a]\nid = 1\nlink = b abcdefghijklmnop\n", 5,
     "link \"b\": invalid interface name \"abcdefghijklmnop\""},
    {"interface name ..", MESH "[node a]\nid = 1\nlink = b ..\n", 5,
     "invalid interface name \"..\""},
    {"link without interface", MESH "[node a]\nid = 1\nlink = b\n", 5,
     "link \"b\": expected \"PEER INTERFACE [cost N] [address A/L]\""},
    {"invalid peer name", MESH "[node a]\nid = 1\nlink = b/c nic1\n", 5,
     "link \"b/c nic1\": invalid peer name \"b/c\""},
    {"unknown link option", MESH "[node a]\nid = 1\nlink = b nic1 weight 5\n", 5,
     "link \"b\": unknown option \"weight\" (cost or address)"},
    {"cost without value", MESH "[node a]\nid = 1\nlink = b nic1 cost\n", 5,
     "link \"b\": cost needs a value"},
    {"cost 0", MESH "[node a]\nid = 1\nlink = b nic1 cost 0\n", 5,
     "link \"b\": cost \"0\" is not in 1-65535"},
    {"cost 65536", MESH "[node a]\nid = 1\nlink = b nic1 cost 65536\n", 5,
     "link \"b\": cost \"65536\" is not in 1-65535"},
    {"bad address", MESH "[node a]\nid = 1\nlink = b nic1 address 10.1.0.1\n", 5,
     "link \"b\": address \"10.1.0.1\" is not an address like 10.0.0.1/30"},
    {"address /32", MESH "[node a]\nid = 1\nlink = b nic1 address 10.1.0.1/32\n", 5,
     "address \"10.1.0.1/32\" is not an address like"},
    {"address is the network address", MESH "[node a]\nid = 1\nlink = b nic1 address 10.1.0.0/30\n",
     5, "link \"b\": address \"10.1.0.0/30\" is the network or broadcast address"},
    {"address is the broadcast address",
     MESH "[node a]\nid = 1\nlink = b nic1 address 10.1.0.3/30\n", 5,
     "is the network or broadcast address"},
    {"pinned on one end only",
     MESH "[node a]\nid = 1\nrouter-id = 10.255.0.1\nlink = b nic1 address 10.1.0.1/30\n" NODE_B, 6,
     "link \"b\": address is pinned on one end only; pin both ends (line 10)"},
    {"pinned pair not in one subnet",
     MESH "[node a]\nid = 1\nrouter-id = 10.255.0.1\nlink = b nic1 address 10.1.0.1/30\n"
          "[node b]\nid = 2\nrouter-id = 10.255.0.2\nlink = a nic1 address 10.1.0.5/30\n",
     6,
     "link \"b\": pinned address 10.1.0.1/30 does not pair with 10.1.0.5/30 on the peer (line 10)"},
    {"pinned pair of different lengths",
     MESH "[node a]\nid = 1\nrouter-id = 10.255.0.1\nlink = b nic1 address 10.1.0.1/30\n"
          "[node b]\nid = 2\nrouter-id = 10.255.0.2\nlink = a nic1 address 10.1.0.0/31\n",
     6, "does not pair with 10.1.0.0/31"},
    {"pinned pair with the same address",
     MESH "[node a]\nid = 1\nrouter-id = 10.255.0.1\nlink = b nic1 address 10.1.0.1/30\n"
          "[node b]\nid = 2\nrouter-id = 10.255.0.2\nlink = a nic1 address 10.1.0.1/30\n",
     6, "does not pair with 10.1.0.1/30"},
    /* the address plan */
    {"pinned subnet overlaps a planned subnet",
     MESH "[node a]\nid = 1\nrouter-id = 10.255.0.1\nlink = b nic1 address 10.0.0.5/30\n"
          "link = c nic2\n"
          "[node b]\nid = 2\nrouter-id = 10.255.0.2\nlink = a nic1 address 10.0.0.6/30\n"
          "[node c]\nid = 3\nrouter-id = 10.255.0.3\nlink = a nic1\n",
     7, "link subnet 10.0.0.4/30 (\"c\") overlaps link subnet of \"b\""},
    {"loopback inside a link subnet",
     MESH "[node a]\nid = 1\nloopback = 10.0.0.2/32\nlink = b nic1\n" NODE_B, 6,
     "link subnet 10.0.0.0/30 (\"b\") overlaps loopback of \"a\""},
    {"pool too small",
     "[mesh]\nprefix = 10.0.0.0/29\n"
     "[node a]\nid = 1\nrouter-id = 10.255.0.1\nlink = b nic1\nlink = c nic2\n"
     "[node b]\nid = 2\nrouter-id = 10.255.0.2\nlink = a nic1\nlink = c nic2\n"
     "[node c]\nid = 3\nrouter-id = 10.255.0.3\nlink = a nic1\nlink = b nic2\n",
     8, "the pool 10.0.0.0/29 has no room for link subnet 2 (nodes 2 and 3); use a larger prefix"},
    {"pool too small for /31",
     "[mesh]\nprefix = 10.0.0.0/30\nlink-prefix-length = 31\n"
     "[node a]\nid = 2\nrouter-id = 10.255.0.1\nlink = c nic2\n"
     "[node c]\nid = 3\nrouter-id = 10.255.0.3\nlink = a nic1\n",
     4, "has no room for link subnet 2 (nodes 2 and 3)"},
    /* [api] */
    {"api without url", MESH AB "[api]\ntoken-file = /t\nca-file = /c\n", 11,
     "[api] url is missing"},
    {"api without token-file", MESH AB "[api]\nurl = https://pve:8006\nca-file = /c\n", 11,
     "[api] token-file is missing"},
    {"api without ca-file or fingerprint",
     MESH AB "[api]\nurl = https://pve:8006\ntoken-file = /t\n", 11,
     "[api] needs ca-file or fingerprint: TLS is always verified"},
    {"api with ca-file and fingerprint",
     MESH AB "[api]\n" API_OK "fingerprint = "
             "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:"
             "66:77:88:99:aa:bb:cc:dd:ee:ff\n",
     11, "[api] has both ca-file and fingerprint; choose one"},
    {"http url", MESH AB "[api]\nurl = http://pve:8006\n", 12,
     "url \"http://pve:8006\" is not an https:// URL"},
    {"second url http", MESH AB "[api]\nurl = https://a:8006 http://b:8006\n", 12,
     "url \"http://b:8006\" is not an https:// URL"},
    {"url without host", MESH AB "[api]\nurl = https://\n", 12,
     "url \"https://\" is not an https:// URL"},
    {"bad fingerprint", MESH AB "[api]\nfingerprint = AA:BB:CC\n", 12,
     "fingerprint \"AA:BB:CC\" is not 32 colon-separated hex pairs (SHA-256)"},
    {"fingerprint without colons",
     MESH AB
     "[api]\nfingerprint = 00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF\n",
     12, "is not 32 colon-separated hex pairs"},
    {"fingerprint too long",
     MESH AB "[api]\nfingerprint = "
             "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:aa:bb:"
             "cc:dd:ee:ff:00\n",
     12, "is not 32 colon-separated hex pairs"},
    {"fingerprint not hex",
     MESH AB "[api]\nfingerprint = "
             "G0:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:aa:bb:"
             "cc:dd:ee:ff\n",
     12, "is not 32 colon-separated hex pairs"},
    {"token-file relative", MESH AB "[api]\ntoken-file = api-token\n", 12,
     "token-file \"api-token\" is not an absolute path"},
    {"poll-interval 0", MESH AB "[api]\npoll-interval = 0\n", 12,
     "poll-interval \"0\" is out of range (1-3600)"},
    {"poll-interval-healthy 0", MESH AB "[api]\npoll-interval-healthy = 0\n", 12,
     "poll-interval-healthy \"0\" is out of range (1-3600)"},
    {"poll-interval-healthy shorter than poll-interval",
     MESH AB "[api]\n" API_OK "poll-interval-healthy = 5\npoll-interval = 10\n", 15,
     "[api] poll-interval-healthy 5 is shorter than poll-interval 10"},
    {"poll-interval-healthy twice",
     MESH AB "[api]\npoll-interval-healthy = 50\npoll-interval-healthy = 60\n", 13,
     "[api] poll-interval-healthy is given twice"},
    {"url given twice",
     MESH AB "[api]\nurl = https://a:8006\nurl = https://b:8006 https://a:8006\n", 13,
     "url \"https://a:8006\" is given twice"},
    {"fingerprint given twice",
     MESH AB "[api]\nfingerprint = " FP_A "\nfingerprint = " FP_B "\nfingerprint = " FP_A_LOWER
             "\n",
     14, "fingerprint \"" FP_A_LOWER "\" is given twice"},
    {"second fingerprint bad", MESH AB "[api]\nfingerprint = " FP_A " AA:BB\n", 12,
     "fingerprint \"AA:BB\" is not 32 colon-separated hex pairs"},
    {"ca-file and a repeated fingerprint",
     MESH AB "[api]\nurl = https://a:8006\ntoken-file = /t\nfingerprint = " FP_A
             "\nca-file = /c\nfingerprint = " FP_B "\n",
     11, "[api] has both ca-file and fingerprint; choose one"},
    {"two pins on one line", MESH AB "[api]\nfingerprint = " FP_A " " FP_B "\n", 12,
     "line is longer than 198 characters: split a list (url, fingerprint) by repeating the key"},
    {"17 urls",
     MESH AB "[api]\nurl = https://a1 https://a2 https://a3 https://a4 https://a5 https://a6\n"
             "url = https://a7 https://a8 https://a9 https://a10 https://a11 https://a12\n"
             "url = https://a13 https://a14 https://a15 https://a16 https://a17\n",
     14, "more than 16 urls"},
    /* IPv6 (DESIGN §3, §4) */
    {"prefix6 without ipv6", "[mesh]\nprefix = 10.0.0.0/24\nprefix6 = fd00::/56\n" AB, 3,
     "[mesh] prefix6 needs ipv6 = yes"},
    {"link-prefix-length6 without ipv6", "[mesh]\nprefix = 10.0.0.0/24\nlink-prefix-length6 = 127\n" AB,
     3, "[mesh] link-prefix-length6 needs ipv6 = yes"},
    {"loopback6 without ipv6", MESH AB "[node c]\nid = 3\nrouter-id = 1.1.1.3\nloopback6 = fd00:ff::3/128\n",
     14, "node \"c\": loopback6 needs ipv6 = yes in [mesh]"},
    {"ipv6 not a bool", "[mesh]\nipv6 = maybe\n" AB, 2, "ipv6 \"maybe\" is not yes or no"},
    {"prefix6 not IPv6", "[mesh]\nipv6 = yes\nprefix6 = 10.0.0.0/8\n" AB, 3,
     "prefix6 \"10.0.0.0/8\" is not an IPv6 prefix like fd0c:103::/56"},
    {"prefix6 without length", "[mesh]\nipv6 = yes\nprefix6 = fd00::\n" AB, 3,
     "prefix6 \"fd00::\" is not an IPv6 prefix"},
    {"prefix6 host bits", "[mesh]\nipv6 = yes\nprefix6 = fd00::1/56\n" AB, 3,
     "prefix6 \"fd00::1/56\" has host bits set"},
    {"prefix6 link-local", "[mesh]\nipv6 = yes\nprefix6 = fe80::/56\n" AB, 3,
     "prefix6 \"fe80::/56\" is not unicast"},
    {"prefix6 multicast", "[mesh]\nipv6 = yes\nprefix6 = ff00::/56\n" AB, 3,
     "prefix6 \"ff00::/56\" is not unicast"},
    {"prefix6 twice", "[mesh]\nipv6 = yes\nprefix6 = fd00::/56\nprefix6 = fd01::/56\n" AB, 4,
     "[mesh] prefix6 is given twice"},
    {"link-prefix-length6 65", "[mesh]\nipv6 = yes\nlink-prefix-length6 = 65\n" AB, 3,
     "link-prefix-length6 \"65\" is not 64 or 127"},
    {"prefix6 smaller than a link", "[mesh]\nipv6 = yes\nprefix6 = fd00::/96\n" AB, 3,
     "prefix6 fd00::/96 is smaller than one link subnet (/64); use a /64 or larger"},
    {"prefix6 pool too small",
     "[mesh]\nipv6 = yes\nprefix6 = fd00::/64\n"
     "[node a]\nid = 1\nlink = c nic1\n[node b]\nid = 2\n[node c]\nid = 3\nlink = a nic1\n",
     4, "the pool fd00::/64 has no room for link subnet 1 (nodes 1 and 3); use a larger prefix6"},
    {"loopback6 not /128", "[mesh]\nipv6 = yes\n" AB "[node c]\nid = 3\nloopback6 = fd00:ff::3/64\n",
     13, "node \"c\": loopback6 \"fd00:ff::3/64\" is not a /128 address like fd0c:103:ff::1/128"},
    {"loopback6 link-local", "[mesh]\nipv6 = yes\n" AB "[node c]\nid = 3\nloopback6 = fe80::3/128\n",
     13, "node \"c\": loopback6 \"fe80::3/128\" is not a /128 address"},
    {"loopback6 IPv4", "[mesh]\nipv6 = yes\n" AB "[node c]\nid = 3\nloopback6 = 10.0.0.3/32\n",
     13, "node \"c\": loopback6 \"10.0.0.3/32\" is not a /128 address"},
    {"loopback6 twice", "[mesh]\nipv6 = yes\n" AB "[node c]\nid = 3\nloopback6 = fd00:ff::3/128\n"
     "loopback6 = fd00:ff::4/128\n", 14, "node \"c\": loopback6 is given twice"},
    {"loopback6 used twice",
     "[mesh]\nipv6 = yes\n" AB "[node c]\nid = 3\nloopback6 = fd00:ff::3/128\n"
     "[node d]\nid = 4\nloopback6 = fd00:ff::3/128\n",
     16, "node \"d\": loopback6 fd00:ff::3 is already used by node \"c\""},
    {"loopback6 inside a link subnet",
     "[mesh]\nipv6 = yes\nprefix6 = fd00::/56\n" AB "[node c]\nid = 3\nloopback6 = fd00:0:0:0::9/128\n",
     14, "loopback6 fd00::9 (\"c\") is inside link subnet fd00::/64 (\"a\" - \"b\")"},
    {"IPv6-only without router id or ids",
     "[mesh]\nipv6 = yes\n[node a]\nrouter-id = 1.1.1.1\n", 3, "node \"a\": id is missing"},
    {"IPv6-only with a pinned IPv4 address",
     "[mesh]\nipv6 = yes\n[node a]\nid = 1\nlink = b nic1 address 10.0.0.1/30\n"
     "[node b]\nid = 2\nlink = a nic1 address 10.0.0.2/30\n",
     5, "link \"b\": an IPv4 address needs [mesh] prefix (this mesh is IPv6-only)"},
    {"IPv6-only router ids clash",
     "[mesh]\nipv6 = yes\n[node a]\nid = 1\n[node b]\nid = 2\nrouter-id = 0.0.0.1\n", 5,
     "node \"b\": router-id 0.0.0.1 is already used by node \"a\""},
    {"IPv4 mesh without prefix", "[mesh]\nipv6 = no\n" AB, 1,
     "[mesh] prefix is missing (required unless ipv6 = yes)"},
};

/* [api] lists: one pin per PVE node certificate and the URLs to fail over
 * across, several on a line or the key repeated, in the order given. */
/* [metrics] textfile is taken as given; without it, NULL (the default). */
START_TEST(test_metrics)
{
	struct config *c = tu_parse(MESH AB "[metrics]\ntextfile = /srv/prom/proxmesh.prom\n");

	ck_assert_str_eq(c->metrics_textfile, "/srv/prom/proxmesh.prom");
	config_free(c);
	c = tu_parse_data("config/metrics.conf"); /* the fuzzer's seed too */
	ck_assert_str_eq(c->metrics_textfile, "/var/lib/prometheus/node-exporter/proxmesh.prom");
	config_free(c);
	c = tu_parse(MESH AB);
	ck_assert_ptr_null(c->metrics_textfile);
	config_free(c);
}
END_TEST

/* poll-interval-healthy: its own value, else 120 s or the poll interval
 * if that is longer. */
START_TEST(test_poll_interval_healthy)
{
	struct config *c = tu_parse(MESH AB "[api]\n" API_OK "poll-interval-healthy = 30\n");

	ck_assert_uint_eq(c->api.poll_interval, 10);
	ck_assert_uint_eq(c->api.poll_interval_healthy, 30);
	config_free(c);
	c = tu_parse(MESH AB "[api]\n" API_OK "poll-interval = 10\npoll-interval-healthy = 10\n");
	ck_assert_uint_eq(c->api.poll_interval_healthy, 10);
	config_free(c);
	c = tu_parse(MESH AB "[api]\n" API_OK "poll-interval = 300\n");
	ck_assert_uint_eq(c->api.poll_interval_healthy, 300);
	config_free(c);
}
END_TEST

START_TEST(test_api_lists)
{
	static const char *const apis[] = {
	    "url = https://pve-1.example.com:8006 https://pve-2.example.com:8006 "
	    "https://pve-3.example.com:8006\n"
	    "fingerprint = " FP_A "\n"
	    "fingerprint = " FP_B "\n",
	    "url = https://pve-1.example.com:8006\n"
	    "fingerprint = " FP_A "\n"
	    "url = https://pve-2.example.com:8006\n"
	    "fingerprint = " FP_B_LOWER "\n"
	    "url = https://pve-3.example.com:8006\n",
	};
	static const char *const urls[] = {"https://pve-1.example.com:8006",
	                                   "https://pve-2.example.com:8006",
	                                   "https://pve-3.example.com:8006"};

	for (size_t i = 0; i < ARRAY_SIZE(apis); i++) {
		_cleanup_free_ char *text =
		    xasprintf(MESH AB "[api]\ntoken-file = /t\n%s", apis[i]);
		struct config *c = NULL;
		_cleanup_free_ char *err = NULL;
		char buf[96];
		int r = config_parse_string(text, "test.conf", true, &c, &err);

		ck_assert_msg(r == 0, "%s", err);
		ck_assert_uint_eq(c->api.n_urls, 3);
		for (size_t k = 0; k < 3; k++)
			ck_assert_str_eq(c->api.urls[k], urls[k]);
		ck_assert_uint_eq(c->api.n_fingerprints, 2);
		ck_assert_str_eq(fingerprint_str(c->api.fingerprints[0], buf), FP_A);
		ck_assert_str_eq(fingerprint_str(c->api.fingerprints[1], buf), FP_B);
		config_free(c);
	}
}
END_TEST

START_TEST(test_invalid)
{
	const struct invalid *t = &invalid[_i];
	struct config *c = (struct config *)0x1;
	char *err = NULL, *prefix;
	int r;

	r = config_parse_string(t->text, "test.conf", true, &c, &err);
	ck_assert_msg(r == -EINVAL, "%s: r=%d, not -EINVAL (%s)", t->name, r, err ? err : "");
	ck_assert_msg(c == (struct config *)0x1, "%s: *out was set", t->name);
	ck_assert_ptr_nonnull(err);
	if (t->line > 0)
		prefix = xasprintf("test.conf:%u: ", t->line);
	else
		prefix = xstrdup("test.conf: ");
	ck_assert_msg(!strncmp(err, prefix, strlen(prefix)), "%s: expected \"%s...\", got \"%s\"",
	              t->name, prefix, err);
	ck_assert_msg(strstr(err, t->msg) != NULL, "%s: expected \"%s\" in \"%s\"", t->name, t->msg,
	              err);
	/* one sentence on one line */
	ck_assert_msg(strchr(err, '\n') == NULL, "%s: newline in \"%s\"", t->name, err);
	free(prefix);
	free(err);
}
END_TEST

/* Every case is a different configuration, and there are enough of them. */
START_TEST(test_invalid_distinct)
{
	ck_assert_uint_ge(ARRAY_SIZE(invalid), 30);
	for (size_t i = 0; i < ARRAY_SIZE(invalid); i++)
		for (size_t j = 0; j < i; j++) {
			ck_assert_msg(strcmp(invalid[i].text, invalid[j].text) != 0,
			              "\"%s\" and \"%s\" are the same", invalid[i].name,
			              invalid[j].name);
			ck_assert_msg(strcmp(invalid[i].name, invalid[j].name) != 0, "%s twice",
			              invalid[i].name);
		}
}
END_TEST

/* Key files that parse: a bare key is key id 1, as it always was; "ID KEY"
 * lines in their order, the first the key to send with. */
static const struct {
	const char *text;
	size_t n;
	struct auth_key want[3];
} key_files[] = {
    {"s3cretKey\n", 1, {{1, "s3cretKey", 1}}},
    {"s3cretKey", 1, {{1, "s3cretKey", 1}}},
    {"s3cretKey\r\n", 1, {{1, "s3cretKey", 1}}},
    {"\n#hashKey\n\n", 1, {{1, "#hashKey", 2}}}, /* one word: a key, not a comment */
    {"1234567890123456", 1, {{1, "1234567890123456", 1}}},
    {"7 only\n", 1, {{7, "only", 1}}},
    {"1 oldKey\n2 newKey\n", 2, {{1, "oldKey", 1}, {2, "newKey", 2}}},
    {"# roll-over, step 2\n2 newKey\r\n\n \t1\toldKey \n# done\n", 2,
     {{2, "newKey", 2}, {1, "oldKey", 4}}},
    {"255 a\n1 b\n9 #c\n", 3, {{255, "a", 1}, {1, "b", 2}, {9, "#c", 3}}},
};

START_TEST(test_auth_keys)
{
	struct auth_key *k = NULL;
	size_t n = 0;
	unsigned line = 99;
	char *why = NULL;

	ck_assert_msg(config_parse_auth_keys(key_files[_i].text, &k, &n, &line, &why) == 0, "%s",
	              why);
	ck_assert_ptr_null(why);
	ck_assert_uint_eq(line, 0);
	ck_assert_uint_eq(n, key_files[_i].n);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *masked = redact_known(k[i].key);

		ck_assert_uint_eq(k[i].id, key_files[_i].want[i].id);
		ck_assert_str_eq(k[i].key, key_files[_i].want[i].key);
		ck_assert_uint_eq(k[i].line, key_files[_i].want[i].line);
		ck_assert_str_eq(masked, REDACT_MARK); /* remembered as a secret */
	}
	free(k);
}
END_TEST

/* Temporary files for the file checks. */
struct tmpfiles {
	char dir[64];
	char *token, *key, *conf;
};

static void
write_mode(const char *path, const char *data, mode_t mode)
{
	ck_assert_int_eq(write_file_atomic(path, data, strlen(data), 0600), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void
tmpfiles_make(struct tmpfiles *t, mode_t token_mode, mode_t key_mode, const char *key)
{
	char *text;

	snprintf(t->dir, sizeof(t->dir), "/tmp/check_config.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t->dir));
	t->token = xasprintf("%s/api-token", t->dir);
	t->key = xasprintf("%s/ospf.key", t->dir);
	t->conf = xasprintf("%s/proxmesh.conf", t->dir);
	write_mode(t->token, "root@pam!proxmesh=0b7a3a0e-5c5e-4e5b-9a0e-000000000000\n",
	           token_mode);
	write_mode(t->key, key, key_mode);
	text = tu_read_data("config/reference.conf");
	text = tu_replace(text, "/etc/proxmesh/api-token", t->token);
	text = tu_replace(text, "/etc/proxmesh/ospf.key", t->key);
	write_mode(t->conf, text, 0644); /* the configuration itself holds no secret */
	free(text);
}

static void
tmpfiles_remove(struct tmpfiles *t)
{
	unlink(t->token);
	unlink(t->key);
	unlink(t->conf);
	rmdir(t->dir);
	free(t->token);
	free(t->key);
	free(t->conf);
}

START_TEST(test_files_ok)
{
	struct tmpfiles t;
	struct config *c = NULL;
	char *err = NULL;

	tmpfiles_make(&t, 0600, 0600, "s3cretKey\n");
	ck_assert_msg(config_load(t.conf, &c, &err) == 0, "%s", err);
	ck_assert_str_eq(c->path, t.conf);
	ck_assert_str_eq(c->auth_key_file, t.key);
	ck_assert_str_eq(c->api.token_file, t.token);
	ck_assert_uint_eq(c->n_auth_keys, 1);
	ck_assert_uint_eq(c->auth_keys[0].id, 1);
	ck_assert_str_eq(c->auth_keys[0].key, "s3cretKey");
	config_free(c);

	/* 0400 is fine too */
	ck_assert_int_eq(chmod(t.token, 0400), 0);
	ck_assert_int_eq(chmod(t.key, 0400), 0);
	ck_assert_msg(config_load(t.conf, &c, &err) == 0, "%s", err);
	config_free(c);

	/* a roll-over: the key sent with first, then the one accepted too */
	write_mode(t.key, "# step 2\n2 newKey\n1 s3cretKey\n", 0600);
	ck_assert_msg(config_load(t.conf, &c, &err) == 0, "%s", err);
	ck_assert_uint_eq(c->n_auth_keys, 2);
	ck_assert_uint_eq(c->auth_keys[0].id, 2);
	ck_assert_str_eq(c->auth_keys[0].key, "newKey");
	ck_assert_uint_eq(c->auth_keys[1].id, 1);
	ck_assert_str_eq(c->auth_keys[1].key, "s3cretKey");
	config_free(c);
	tmpfiles_remove(&t);
}
END_TEST

static const struct {
	mode_t token_mode, key_mode;
	const char *key;
	unsigned line; /* in reference.conf */
	const char *which, *msg;
	const char *hidden; /* a key (or what may be one): never in the message */
	uid_t owner;        /* of that file, when not 0 (needs root) */
} file_cases[] = {
    {0644, 0600, "k", 15, "token", "is readable by group or others (mode 0644); chmod 600 it"},
    {0640, 0600, "k", 15, "token", "is readable by group or others (mode 0640)"},
    {0604, 0600, "k", 15, "token", "is readable by group or others (mode 0604)"},
    {0600, 0644, "k", 11, "key", "is readable by group or others (mode 0644)"},
    {0600, 0660, "k", 11, "key", "is readable by group or others (mode 0660)"},
    {0600, 0600, "", 11, "key", ": holds no key"},
    {0600, 0600, "# only a comment\n", 11, "key", ": holds no key"},
    {0600, 0600, "two words", 11, "key", ":1: expected \"ID KEY\" (a key id 1-255, a blank, the key)", "words"},
    {0600, 0600, "12345678901234567", 11, "key", ":1: the key must be 1-16 printable", "12345678901234567"},
    {0600, 0600, "tab\tkey", 11, "key", ":1: expected \"ID KEY\"", "tab"},
    {0600, 0600, "1 old\n2 new\n1 again\n", 11, "key", ":3: key id 1 is given twice (first on line 1)", "again"},
    {0600, 0600, "# roll-over\n0 zeroKey\n", 11, "key", ":2: the key id must be a number from 1 to 255", "zeroKey"},
    {0600, 0600, "256 bigId\n", 11, "key", ":1: the key id must be a number from 1 to 255", "bigId"},
    {0600, 0600, "1 old\n2 12345678901234567\n", 11, "key", ":2: the key must be 1-16 printable characters without blanks", "12345678901234567"},
    {0600, 0600, "1 old\nbareKey\n", 11, "key", ":2: expected \"ID KEY\"", "bareKey"},
    {0600, 0600, "1 old extraWord\n", 11, "key", ":1: expected \"ID KEY\"", "extraWord"},
    {0600, 0600, "+1 plusKey\n", 11, "key", ":1: expected \"ID KEY\"", "plusKey"},
    {0600, 0600, "1x idKey\n", 11, "key", ":1: the key id must be a number from 1 to 255", "idKey"},
    {0600, 0600, "1 ctl\001Key\n", 11, "key", ":1: the key must be 1-16 printable", "ctl\001Key"},
    {0600, 0600, "1 k\n2 k\n3 k\n4 k\n5 k\n6 k\n7 k\n8 k\n9 k\n10 k\n11 k\n12 k\n13 k\n14 k\n15 k\n16 k\n17 k\n", 11, "key", ":17: more than 16 keys"},
    {0600, 0600, "k", 15, "token", "is owned by uid 65534, not root; chown root it", NULL, 65534},
    {0400, 0600, "k", 15, "token", "is owned by uid 1000, not root", NULL, 1000},
    {0600, 0600, "k", 11, "key", "is owned by uid 65534, not root; chown root it", NULL, 65534},
};

START_TEST(test_files_bad)
{
	struct tmpfiles t;
	struct config *c = NULL;
	char *err = NULL, *want;
	const char *file;

	if (file_cases[_i].owner && geteuid() != 0)
		return; /* only root can give a file away */
	tmpfiles_make(&t, file_cases[_i].token_mode, file_cases[_i].key_mode, file_cases[_i].key);
	file = !strcmp(file_cases[_i].which, "token") ? t.token : t.key;
	if (file_cases[_i].owner)
		ck_assert_int_eq(chown(file, file_cases[_i].owner, (gid_t)-1), 0);
	ck_assert_int_eq(config_load(t.conf, &c, &err), -EINVAL);
	want = xasprintf("%s:%u: %s %s", t.conf, file_cases[_i].line,
	                 !strcmp(file_cases[_i].which, "token") ? "token-file" : "auth-key-file",
	                 file);
	ck_assert_msg(!strncmp(err, want, strlen(want)), "expected \"%s...\", got \"%s\"", want,
	              err);
	ck_assert_msg(strstr(err, file_cases[_i].msg), "expected \"%s\" in \"%s\"",
	              file_cases[_i].msg, err);
	if (file_cases[_i].hidden) {
		_cleanup_free_ char *masked = redact_known(file_cases[_i].hidden);

		ck_assert_msg(!strstr(err, file_cases[_i].hidden), "\"%s\" in \"%s\"",
		              file_cases[_i].hidden, err);
		/* and remembered, to be masked wherever it turns up */
		ck_assert_str_eq(masked, REDACT_MARK);
	}
	free(want);
	free(err);

	/* the same text with the file checks skipped is fine */
	{
		char *text = NULL;

		ck_assert_int_eq(read_file(t.conf, 1 << 20, &text, NULL), 0);
		ck_assert_int_eq(config_parse_string(text, t.conf, true, &c, &err), 0);
		config_free(c);
		free(text);
	}
	tmpfiles_remove(&t);
}
END_TEST

/* Dual-stack and IPv6-only files parse (DESIGN §3), and load. */
START_TEST(test_ipv6)
{
	struct config *c = tu_parse_data("config/dual-stack.conf");
	char a[PREFIX6_STRLEN], b[INET6_ADDRSTRLEN], r[16];
	char *path = xasprintf("%s/config/dual-stack.conf", TEST_DATA), *err = NULL;

	ck_assert(c->ipv6 && c->has_prefix && c->has_prefix6);
	ck_assert_str_eq(prefix6_str(&c->prefix6, a), "fd0c:103::/56");
	ck_assert_uint_eq(c->link_prefix_len6, 64);
	ck_assert(c->nodes[0].has_loopback6);
	ck_assert_str_eq(ip6_str(&c->nodes[0].loopback6, b), "fd0c:103:ff::1");
	ck_assert_str_eq(ip6_str(&c->nodes[2].loopback6, b), "fd0c:103:ff::fe");
	config_free(c);

	/* what the agent and the CLI load */
	c = NULL;
	ck_assert_msg(config_load(path, &c, &err) == 0, "%s", err);
	ck_assert(c->ipv6);
	config_free(c);
	free(path);

	/* IPv6-only: no IPv4 pool, router ids from the IPv4 loopback or 0.0.0.ID */
	c = tu_parse_data("config/ipv6-only.conf");
	ck_assert(c->ipv6 && !c->has_prefix && c->has_prefix6);
	ck_assert_uint_eq(c->link_prefix_len6, 127);
	ck_assert_str_eq(ip4_str(c->nodes[0].router_id, r), "0.0.0.1");
	ck_assert_str_eq(ip4_str(c->nodes[1].router_id, r), "192.168.102.2");
	ck_assert_str_eq(ip4_str(c->nodes[2].router_id, r), "192.168.102.3");
	config_free(c);

	/* ipv6 = no: the IPv4 mesh of today */
	c = tu_parse_data("config/reference.conf");
	ck_assert(!c->ipv6 && !c->has_prefix6);
	config_free(c);
}
END_TEST

START_TEST(test_files_missing)
{
	struct tmpfiles t;
	struct config *c = NULL;
	char *err = NULL, *want;

	tmpfiles_make(&t, 0600, 0600, "k");
	unlink(t.token);
	ck_assert_int_eq(config_load(t.conf, &c, &err), -EINVAL);
	want = xasprintf("%s:15: token-file %s: No such file or directory", t.conf, t.token);
	ck_assert_str_eq(err, want);
	free(want);
	free(err);

	/* a folder is not a token file */
	ck_assert_int_eq(mkdir(t.token, 0700), 0);
	ck_assert_int_eq(config_load(t.conf, &c, &err), -EINVAL);
	ck_assert_msg(strstr(err, "is not a regular file"), "%s", err);
	free(err);
	rmdir(t.token);

	/* the configuration file itself */
	unlink(t.conf);
	ck_assert_int_lt(config_load(t.conf, &c, &err), 0);
	want = xasprintf("%s: No such file or directory", t.conf);
	ck_assert_str_eq(err, want);
	free(want);
	free(err);

	/* not a text file */
	ck_assert_int_eq(write_file_atomic(t.conf, "[mesh]\0\n", 8, 0644), 0);
	ck_assert_int_eq(config_load(t.conf, &c, &err), -EINVAL);
	want = xasprintf("%s: not a text file", t.conf);
	ck_assert_str_eq(err, want);
	free(want);
	free(err);
	tmpfiles_remove(&t);
}
END_TEST

/* Nothing but comments (the installed example) is -ENODATA, so the daemon
 * can idle; anything else wrong is -EINVAL. */
START_TEST(test_empty)
{
	static const struct {
		const char *text;
		int r;
	} cases[] = {
	    {"", -ENODATA},
	    {"\n\n", -ENODATA},
	    {"# [mesh]\n#prefix = 10.0.0.0/24\n; comment\n   # indented\n", -ENODATA},
	    {"prefix = 10.0.0.0/24\n", -EINVAL},
	    {"[mesh\n", -EINVAL},
	    {"garbage\n", -EINVAL},
	    {"[mesh]\n", -EINVAL},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct config *c = NULL;
		char *err = NULL;
		int r = config_parse_string(cases[i].text, "empty.conf", true, &c, &err);

		ck_assert_msg(r == cases[i].r, "\"%s\": r=%d", cases[i].text, r);
		ck_assert_ptr_null(c);
		ck_assert_msg(!strncmp(err, "empty.conf:", 11), "%s", err);
		free(err);
	}
}
END_TEST

START_TEST(test_format)
{
	struct in_addr a = {.s_addr = htonl(0xc0a86701)};
	struct prefix4 p = {.addr.s_addr = htonl(0xffffffff), .len = 32};
	char b16[16], b19[19];

	ck_assert_str_eq(ip4_str(a, b16), "192.168.103.1");
	ck_assert_str_eq(prefix4_str(&p, b19), "255.255.255.255/32");
	ck_assert_str_eq(area_str(0, b16), "0.0.0.0");
	ck_assert_str_eq(area_str(1, b16), "0.0.0.1");
	ck_assert_str_eq(area_str(0x01020304, b16), "1.2.3.4");
}
END_TEST

/* A small deterministic PRNG (xorshift64*), so failures reproduce. */
static uint64_t rng_state;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static const char *const fuzz_words[] = {
    "[mesh]",
    "[api]",
    "[node a]",
    "[node b]",
    "[node ",
    "]",
    "[",
    "=",
    " = ",
    ":",
    "#",
    ";",
    "\n",
    "\n",
    "\n",
    " ",
    "\t",
    "prefix",
    "link",
    "id",
    "router-id",
    "loopback",
    "address",
    "cost",
    "10.0.0.0/24",
    "10.0.0.1/30",
    "255.255.255.255/32",
    "0",
    "1",
    "65535",
    "4294967296",
    "-1",
    "https://",
    "a",
    "b",
    "nic1",
    "yes",
    "no",
    "\x01",
    "\x7f",
    "\xff",
    "\xc3\xa9",
    "link-prefix-length = 31",
    "fingerprint",
    "AA:",
    "/",
    "..",
    "%s%n%x",
};

/* Mutate text: flip, insert, delete, splice words and lines. */
static char *
mutate(const char *text)
{
	size_t len = strlen(text), n = 1 + rng() % 8;
	char *s = xstrdup(text);

	for (size_t m = 0; m < n; m++) {
		size_t pos = len ? rng() % (len + 1) : 0;
		char *t;

		switch (rng() % 6) {
		case 0: /* flip a byte (never to NUL) */
			if (len) {
				s[pos % len] = (char)(1 + rng() % 255);
				continue;
			}
			/* fall through */
		case 1: { /* insert a word */
			const char *w = fuzz_words[rng() % ARRAY_SIZE(fuzz_words)];

			t = xasprintf("%.*s%s%s", (int)pos, s, w, s + pos);
			break;
		}
		case 2: { /* delete a run */
			size_t k = rng() % 16;

			if (pos + k > len)
				k = len - pos;
			t = xasprintf("%.*s%s", (int)pos, s, s + pos + k);
			break;
		}
		case 3: { /* duplicate a line */
			const char *l = s + (len ? rng() % len : 0), *e = strchrnul(l, '\n');

			t = xasprintf("%.*s%.*s\n%s", (int)pos, s, (int)(e - l), l, s + pos);
			break;
		}
		case 4: /* cut */
			s[pos] = '\0';
			len = pos;
			continue;
		default: { /* a long run */
			size_t k = rng() % 400;
			char *run = xmalloc(k + 1);

			memset(run, "x \n=["[rng() % 5], k);
			run[k] = '\0';
			t = xasprintf("%.*s%s%s", (int)pos, s, run, s + pos);
			free(run);
			break;
		}
		}
		free(s);
		s = t;
		len = strlen(s);
	}
	return s;
}

static char *
random_text(void)
{
	size_t n = rng() % 600;
	char *s = xmalloc(n + 1);

	for (size_t i = 0; i < n; i++)
		s[i] = (char)(1 + rng() % 255);
	s[n] = '\0';
	return s;
}

static char *
random_words(void)
{
	size_t n = rng() % 80;
	char *s = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		char *t = xasprintf("%s%s", s, fuzz_words[rng() % ARRAY_SIZE(fuzz_words)]);

		free(s);
		s = t;
	}
	return s;
}

/* Random garbage and mutated good files never crash the parser or leak;
 * every error names the file. */
START_TEST(test_fuzz)
{
	char *seeds[] = {tu_read_data("config/reference.conf"), tu_read_data("config/five.conf"),
	                 tu_read_data("config/frr-defaults.conf")};
	unsigned ok = 0, bad = 0;

	rng_state = 0x9e3779b97f4a7c15ULL;
	for (unsigned i = 0; i < 4000; i++) {
		struct config *c = NULL;
		char *err = NULL, *text;
		int r;

		if (i % 10 == 0)
			text = random_text();
		else if (i % 10 == 1)
			text = random_words();
		else
			text = mutate(seeds[rng() % ARRAY_SIZE(seeds)]);
		r = config_parse_string(text, "fuzz.conf", rng() % 4 != 0, &c, &err);
		if (r == 0) {
			ck_assert_ptr_nonnull(c);
			ck_assert_uint_ge(c->n_nodes, 1);
			config_free(c);
			ok++;
		} else {
			ck_assert_int_lt(r, 0);
			ck_assert_ptr_nonnull(err);
			ck_assert_msg(!strncmp(err, "fuzz.conf:", 10), "%s", err);
			free(err);
			bad++;
		}
		free(text);
	}
	/* the mutations reach both outcomes */
	ck_assert_uint_gt(ok, 50);
	ck_assert_uint_gt(bad, 1000);
	for (size_t i = 0; i < ARRAY_SIZE(seeds); i++)
		free(seeds[i]);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_reference);
	tcase_add_test(tc, test_metrics);
	tcase_add_test(tc, test_poll_interval_healthy);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_five);
	tcase_add_test(tc, test_forms);
	tcase_add_test(tc, test_api_lists);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_empty);
	tcase_add_loop_test(tc, test_invalid, 0, ARRAY_SIZE(invalid));
	tcase_add_test(tc, test_invalid_distinct);
	tcase_add_test(tc, test_ipv6);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_test(tc, test_files_ok);
	tcase_add_loop_test(tc, test_auth_keys, 0, ARRAY_SIZE(key_files));
	tcase_add_loop_test(tc, test_files_bad, 0, ARRAY_SIZE(file_cases));
	tcase_add_test(tc, test_files_missing);
	suite_add_tcase(s, tc);

	tc = tcase_create("fuzz");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_fuzz);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(config_suite());
}
