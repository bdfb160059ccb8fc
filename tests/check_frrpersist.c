/* check_frrpersist.c - proxmesh's lines in FRR's startup configuration file */
#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frrconf.h"
#include "frrpersist.h"
#include "testutil.h"

/* A file the way vtysh writes it, with foreign configuration around
 * proxmesh's (BGP as Proxmox SDN writes it, a static route, a description,
 * a bfd peer, another route-map, a key chain, a comment). */
static const char foreign_file[] =
	"frr version 8.4.4\n"
	"frr defaults traditional\n"
	"hostname pve-1\n"
	"log syslog informational\n"
	"service integrated-vtysh-config\n"
	"!\n"
	"! a comment of the operator's\n"
	"ip route 10.99.0.0/24 Null0\n"
	"!\n"
	"interface nic0\n"
	" description management\n"
	"exit\n"
	"!\n"
	"interface nic3\n"
	" description to pve-2\n"
	" ip ospf area 0.0.0.0\n"
	" ip ospf cost 999\n"
	"exit\n"
	"!\n"
	"router bgp 65000\n"
	" bgp router-id 192.168.102.1\n"
	" !\n"
	" address-family l2vpn evpn\n"
	"  advertise-all-vni\n"
	" exit-address-family\n"
	"exit\n"
	"!\n"
	"router ospf\n"
	" ospf router-id 192.168.102.9\n"
	" network 192.168.103.0/30 area 0.0.0.0\n"
	"exit\n"
	"!\n"
	"route-map MGMT permit 10\n"
	" set src 10.0.0.1\n"
	"exit\n"
	"!\n"
	"route-map proxmesh-old permit 10\n"
	"exit\n"
	"!\n"
	"key chain k1\n"
	" key 1\n"
	"  key-string secret\n"
	" exit\n"
	"exit\n"
	"!\n"
	"bfd\n"
	" peer 10.0.0.9\n"
	" exit\n"
	" !\n"
	" profile proxmesh\n"
	"  transmit-interval 300\n"
	" exit\n"
	" !\n"
	"exit\n"
	"!\n"
	"line vty\n"
	"!\n"
	"end\n";

/* Lines of the file that are proxmesh's (a part of each), and what of
 * them must be gone after patching. */
static const char *const owned_marks[] = {
	"ip ospf ", "router ospf", "ospf router-id", "network ", "route-map proxmesh-old",
	"profile proxmesh", "transmit-interval 300",
};
static const char *const gone[] = {
	"ip ospf cost 999", "192.168.102.9", " network 192.168", "proxmesh-old",
	"transmit-interval 300",
};

static struct frrconf want;
static struct strv ifnames;
static struct config *conf;

static void
setup(void)
{
	conf = tu_parse_data("config/reference.conf");
	tu_node_desired(conf, "pve-1", &want, &ifnames);
}

static void
teardown(void)
{
	frrconf_free(&want);
	strv_free(&ifnames);
	config_free(conf);
}

/* Is every line of a that is not proxmesh's in b, in the same order? ("!"
 * and "exit…" lines may go with a block that was proxmesh's.) */
static bool
kept_in_order(const char *a, const char *b)
{
	const char *pos = b;

	for (const char *l = a; *l;) {
		const char *e = strchrnul(l, '\n');
		_cleanup_free_ char *line = xstrndup(l, (size_t)(e - l) + (*e == '\n'));
		const char *t = line + strspn(line, " ");
		bool skip = *t == '!' || !strncmp(t, "exit", 4);

		for (size_t i = 0; i < ARRAY_SIZE(owned_marks); i++)
			skip |= strstr(line, owned_marks[i]) != NULL;
		l = *e ? e + 1 : e;
		if (skip)
			continue;
		pos = strstr(pos, line);
		if (pos == NULL)
			return false;
		pos += strlen(line);
	}
	return true;
}

/* A line of the top level proxmesh owns with all inside it. */
static bool
owned_top(const char *t)
{
	return !strcmp(t, "router ospf") || !strncmp(t, "route-map proxmesh-", 19) ||
	       !strncmp(t, "ip protocol ospf route-map ", 27) ||
	       !strncmp(t, "ip prefix-list proxmesh-", 24) || !strcmp(t, "ip forwarding") ||
	       !strcmp(t, "no ip forwarding");
}

static void
push_paths(const struct frr_line *l, const char *prefix, struct strv *sv)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", prefix, l->text);

	for (size_t i = 0; i < l->n_children; i++)
		push_paths(&l->children[i], path, sv);
	strv_push(sv, TAKE_PTR(path));
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* proxmesh's lines in text as FRR reads them, each block's lines apart
 * (not merged: FRR applies every one), sorted, one per line. */
static char *
owned_lines(const char *text, const struct strv *names)
{
	struct frrconf c;
	struct strv sv = {0};
	char *out = xstrdup("");

	ck_assert_int_eq(frrconf_parse(text, &c), 0);
	for (size_t i = 0; i < c.root.n_children; i++) {
		const struct frr_line *l = &c.root.children[i];

		if (owned_top(l->text)) {
			push_paths(l, "", &sv);
			continue;
		}
		for (size_t k = 0; k < l->n_children; k++) {
			const struct frr_line *s = &l->children[k];
			bool ours = !strcmp(l->text, "bfd") && !strcmp(s->text, "profile proxmesh");

			ours |= !strncmp(l->text, "interface ", 10) &&
			        strv_contains(names, l->text + 10) && !strncmp(s->text, "ip ospf ", 8);
			if (ours) {
				_cleanup_free_ char *head = xasprintf("/%s", l->text);

				push_paths(s, head, &sv);
			}
		}
	}
	if (sv.n > 0)
		qsort(sv.v, sv.n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < sv.n; i++) {
		char *next = xasprintf("%s%s\n", out, sv.v[i]);

		free(out);
		out = next;
	}
	strv_free(&sv);
	frrconf_free(&c);
	return out;
}

/* The patched text holds exactly the desired owned lines, each once, and
 * is in sync and stable. */
static void
assert_patched(const char *out, const struct frrconf *d, const struct strv *names)
{
	_cleanup_free_ char *rendered = frrconf_format(d);
	_cleanup_free_ char *want_lines = owned_lines(rendered, names);
	_cleanup_free_ char *have_lines = owned_lines(out, names);
	_cleanup_free_ char *again = frrpersist_patch(out, d, names);

	ck_assert_str_eq(have_lines, want_lines);
	ck_assert_str_eq(again, out);
	ck_assert_int_eq(frrpersist_in_sync(out, d, names), 1);
}

/* Each "\n" of text as "\r\n". */
static char *
crlf(const char *text)
{
	char *out = xmalloc(2 * strlen(text) + 1), *o = out;

	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			*o++ = '\r';
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

START_TEST(foreign_lines_stay)
{
	_cleanup_free_ char *out = frrpersist_patch(foreign_file, &want, &ifnames);
	_cleanup_free_ char *again = frrpersist_patch(out, &want, &ifnames);

	ck_assert_int_eq(frrpersist_in_sync(foreign_file, &want, &ifnames), 0);
	ck_assert_int_eq(frrpersist_in_sync(out, &want, &ifnames), 1);
	ck_assert_msg(kept_in_order(foreign_file, out), "foreign lines lost or moved:\n%s", out);
	for (size_t i = 0; i < ARRAY_SIZE(gone); i++)
		ck_assert_msg(strstr(out, gone[i]) == NULL, "\"%s\" left in:\n%s", gone[i], out);
	/* proxmesh's lines go into the blocks the file has, where they were */
	ck_assert_msg(strstr(out, "interface nic3\n description to pve-2\n ip ospf area 0.0.0.0\n"),
	              "%s", out);
	ck_assert_msg(strstr(out, "interface nic3\n description to pve-2\n ip ospf area 0.0.0.0\n"),
	              "%s", out);
	ck_assert_ptr_nonnull(strstr(out, " ip ospf cost 200\n ip ospf dead-interval 3\n"));
	ck_assert_ptr_nonnull(strstr(out, "bfd\n peer 10.0.0.9\n exit\n !\n profile proxmesh\n"
	                                  "  transmit-interval 100\n"));
	/* the rest before "end" */
	ck_assert_ptr_nonnull(strstr(out, "router ospf\n ospf router-id 192.168.102.1\n"));
	ck_assert_ptr_nonnull(strstr(out, "ip protocol ospf route-map proxmesh-src\n!\nend\n"));
	ck_assert_str_eq(again, out);
}
END_TEST

START_TEST(handmade_taken_over)
{
	_cleanup_free_ char *file = tu_read_frr("8.4", "pbs.handmade.running-config.txt");
	_cleanup_free_ char *out = frrpersist_patch(file, &want, &ifnames);

	ck_assert_int_eq(frrpersist_in_sync(out, &want, &ifnames), 1);
	ck_assert_ptr_null(strstr(out, " network 192.168"));
	ck_assert_ptr_null(strstr(out, "redistribute"));
	ck_assert_ptr_nonnull(strstr(out, "hostname vm\nno ipv6 forwarding\n"));
	/* the interfaces had only OSPF lines: their blocks were ours */
	ck_assert_ptr_null(strstr(out, "interface nic3\n ip ospf cost 10\n"));
	ck_assert_ptr_nonnull(strstr(out, "interface nic3\n ip ospf area 0.0.0.0\n"));
}
END_TEST

START_TEST(written_by_frr_in_sync)
{
	static const char *const nodes[] = {"pve-1", "pve-2", "pbs"};

	/* What FRR printed after proxmesh configured it is what proxmesh writes. */
	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++) {
		_cleanup_free_ char *name = xasprintf("frr-8.4/%s.rendered.running-config.txt", nodes[i]);
		_cleanup_free_ char *file = tu_read_data(name);
		_cleanup_free_ char *out = NULL;
		struct frrconf node;
		struct strv names;

		tu_node_desired(conf, nodes[i], &node, &names);
		out = frrpersist_patch(file, &node, &names);
		ck_assert_msg(frrpersist_in_sync(file, &node, &names) == 1, "%s patched:\n%s", name,
		              out);
		ck_assert_str_eq(out, file);
		ck_assert_int_eq(frrpersist_in_sync(out, &node, &names), 1);
		frrconf_free(&node);
		strv_free(&names);
	}
}
END_TEST

/* Several md5 keys: written in the order ospfd must read them (the key to
 * send with last), and the same keys in another order (as vtysh's `write`
 * sorts them) are not in sync: FRR would send with another key after a
 * restart. */
START_TEST(key_order)
{
	struct frrconf node;
	struct strv names;
	_cleanup_free_ char *why = NULL, *out = NULL, *swapped = NULL, *fixed = NULL;
	unsigned line;
	const char *in_order = " ip ospf message-digest-key 2 md5 newKey\n"
	                       " ip ospf message-digest-key 1 md5 oldKey\n";
	const char *sorted = " ip ospf message-digest-key 1 md5 oldKey\n"
	                     " ip ospf message-digest-key 2 md5 newKey\n";
	const char *p;
	size_t n = 0;

	/* step 1 of a roll-over: send the old key, accept the new one */
	ck_assert_int_eq(config_parse_auth_keys("1 oldKey\n2 newKey\n", &conf->auth_keys,
	                                        &conf->n_auth_keys, &line, &why),
	                 0);
	tu_node_desired(conf, "pve-1", &node, &names);
	out = frrpersist_patch("", &node, &names);
	for (p = out; (p = strstr(p, in_order)) != NULL; p++)
		n++;
	ck_assert_msg(n == 2, "keys not in order on both links:\n%s", out);
	ck_assert_ptr_null(strstr(out, sorted));
	assert_patched(out, &node, &names);

	swapped = tu_replace_all(xstrdup(out), in_order, sorted);
	ck_assert_str_ne(swapped, out);
	ck_assert_int_eq(frrpersist_in_sync(swapped, &node, &names), 0);
	fixed = frrpersist_patch(swapped, &node, &names);
	ck_assert_str_eq(fixed, out);
	frrconf_free(&node);
	strv_free(&names);
}
END_TEST

START_TEST(empty_file)
{
	_cleanup_free_ char *out = frrpersist_patch("", &want, &ifnames);
	_cleanup_free_ char *rendered = frrconf_format(&want);

	ck_assert_str_eq(out, rendered);
	ck_assert_int_eq(frrpersist_in_sync(out, &want, &ifnames), 1);
	ck_assert_int_eq(frrpersist_in_sync("", &want, &ifnames), 0);
}
END_TEST

START_TEST(nothing_wanted)
{
	struct frrconf none = {0};
	_cleanup_free_ char *out = frrpersist_patch(foreign_file, &none, &ifnames);

	ck_assert_int_eq(frrpersist_in_sync(out, &none, &ifnames), 1);
	ck_assert_ptr_null(strstr(out, "router ospf"));
	ck_assert_ptr_null(strstr(out, "profile proxmesh"));
	ck_assert_ptr_nonnull(strstr(out, "bfd\n peer 10.0.0.9\n exit\n !\nexit\n"));
	ck_assert_ptr_nonnull(strstr(out, "interface nic3\n description to pve-2\nexit\n"));
	ck_assert_ptr_nonnull(strstr(out, "router bgp 65000\n"));
}
END_TEST

/* Written by hand, indentation only: the profile ends where its lines do. */
START_TEST(profile_without_exit)
{
	static const char file[] = "bfd\n"
	                           " profile proxmesh\n"
	                           "  transmit-interval 300\n"
	                           " peer 10.0.0.9\n"
	                           "  detect-multiplier 5\n"
	                           "!\n";
	_cleanup_free_ char *out = frrpersist_patch(file, &want, &ifnames);

	ck_assert_int_eq(frrpersist_in_sync(out, &want, &ifnames), 1);
	ck_assert_ptr_null(strstr(out, "transmit-interval 300"));
	ck_assert_ptr_nonnull(strstr(out, " peer 10.0.0.9\n  detect-multiplier 5\n"));
}
END_TEST

/* A comment at column 0 inside a block does not end it (FRR reads on):
 * the owned lines after it are proxmesh's too. */
START_TEST(comment_inside_block)
{
	static const char file[] = "hostname pve-1\n"
	                           "!\n"
	                           "interface nic3\n"
	                           " description to pve-2\n"
	                           " ip ospf cost 5\n"
	                           "! cost raised for the maintenance\n"
	                           " ip ospf area 0.0.0.0\n"
	                           "exit\n"
	                           "!\n"
	                           "end\n";
	_cleanup_free_ char *out = frrpersist_patch(file, &want, &ifnames);

	ck_assert_int_eq(frrpersist_in_sync(file, &want, &ifnames), 0);
	assert_patched(out, &want, &ifnames);
	ck_assert_ptr_nonnull(strstr(out, "! cost raised for the maintenance\n"));
	ck_assert_ptr_nonnull(strstr(out, " description to pve-2\n"));
	ck_assert_ptr_null(strstr(out, "cost 5"));
}
END_TEST

/* CRLF line ends: the same blocks, foreign lines kept as they were. */
START_TEST(crlf_file)
{
	_cleanup_free_ char *file = crlf(foreign_file);
	_cleanup_free_ char *out = frrpersist_patch(file, &want, &ifnames);

	ck_assert_int_eq(frrpersist_in_sync(file, &want, &ifnames), 0);
	assert_patched(out, &want, &ifnames);
	ck_assert_msg(kept_in_order(file, out), "foreign lines lost or moved:\n%s", out);
	for (size_t i = 0; i < ARRAY_SIZE(gone); i++)
		ck_assert_msg(strstr(out, gone[i]) == NULL, "\"%s\" left in:\n%s", gone[i], out);
	ck_assert_ptr_nonnull(
		strstr(out, "interface nic3\r\n description to pve-2\r\n ip ospf area 0.0.0.0\n"));
}
END_TEST

/* Blocks without "exit" and without indentation, as FRR reads them: a line
 * belongs to the block it is a command of. */
START_TEST(no_exit)
{
	static const char file[] = "interface nic3\n"
	                           "ip ospf cost 5\n"
	                           "description to pve-2\n"
	                           "interface nic4\n"
	                           " ip ospf cost 7\n"
	                           "router ospf\n"
	                           " ospf router-id 192.168.102.9\n"
	                           "ip route 10.99.0.0/24 Null0\n"
	                           "bfd\n"
	                           "profile proxmesh\n"
	                           "transmit-interval 300\n"
	                           "peer 10.0.0.9\n"
	                           "end\n";
	_cleanup_free_ char *out = frrpersist_patch(file, &want, &ifnames);

	ck_assert_int_eq(frrpersist_in_sync(file, &want, &ifnames), 0);
	assert_patched(out, &want, &ifnames);
	ck_assert_msg(strstr(out, "cost 5") == NULL && strstr(out, "cost 7") == NULL &&
	                  strstr(out, "192.168.102.9") == NULL &&
	                  strstr(out, "transmit-interval 300") == NULL,
	              "stale line left in:\n%s", out);
	ck_assert_ptr_nonnull(strstr(out, "description to pve-2\n"));
	ck_assert_ptr_nonnull(strstr(out, "ip route 10.99.0.0/24 Null0\n"));
	ck_assert_ptr_nonnull(strstr(out, "peer 10.0.0.9\n"));
}
END_TEST

/* An owned line twice in a block (a stale cost after a comment; the same
 * area twice) is not in sync: FRR applies them all, the last cost wins. */
START_TEST(stale_duplicate)
{
	_cleanup_free_ char *good = tu_read_frr("8.4", "pve-1.rendered.running-config.txt");
	const char *at = strstr(good, " ip ospf cost 200\n");
	_cleanup_free_ char *file = NULL, *twice = NULL, *out = NULL;

	ck_assert_ptr_nonnull(at);
	ck_assert_int_eq(frrpersist_in_sync(good, &want, &ifnames), 1);
	at += strlen(" ip ospf cost 200\n");
	file = xasprintf("%.*s! the old cost\n ip ospf cost 5\n%s", (int)(at - good), good, at);
	ck_assert_int_eq(frrpersist_in_sync(file, &want, &ifnames), 0);
	out = frrpersist_patch(file, &want, &ifnames);
	assert_patched(out, &want, &ifnames);
	ck_assert_ptr_null(strstr(out, "cost 5"));
	ck_assert_ptr_nonnull(strstr(out, "! the old cost\n"));

	twice = xasprintf("%.*s ip ospf area 0.0.0.0\n%s", (int)(at - good), good, at);
	ck_assert_int_eq(frrpersist_in_sync(twice, &want, &ifnames), 0);
	free(out);
	out = frrpersist_patch(twice, &want, &ifnames);
	assert_patched(out, &want, &ifnames);
	ck_assert_str_eq(out, good);
}
END_TEST

/* An indented foreign line after a proxmesh route-map that goes (with its
 * "exit") stays where it was: it does not go into the top-level line before
 * the route-map (a command, never a block), so the patched file is in sync
 * and keeps it. */
START_TEST(line_after_dropped_block)
{
	static const char file[] = "hostname pve-1\n"
	                           "ip protocol ospf route-map proxmesh-src\n"
	                           "!\n"
	                           "route-map proxmesh-old permit 10\n"
	                           "exit\n"
	                           "!\n"
	                           " foreign line\n";
	_cleanup_free_ char *out = frrpersist_patch(file, &want, &ifnames), *twice = NULL;

	ck_assert_ptr_null(strstr(out, "proxmesh-old"));
	ck_assert_ptr_nonnull(strstr(out, "\n foreign line\n"));
	ck_assert_int_eq(frrpersist_in_sync(out, &want, &ifnames), 1);
	twice = frrpersist_patch(out, &want, &ifnames);
	ck_assert_str_eq(twice, out);
	assert_patched(out, &want, &ifnames);
}
END_TEST

/* A top-level line proxmesh drops ("ip forwarding", not wanted) after which
 * FRR had left a block (the exit here closes the profile, not bfd): the
 * lines after it stay out of that block (exits close it instead), so the
 * patched file is in sync and means the same to FRR. */
START_TEST(dropped_line_left_block)
{
	static const char file[] = "bfd\n"
	                           " profile proxmesh\n"
	                           "  transmit-interval 300\n"
	                           "exit\n"
	                           "ip forwarding\n"
	                           " profile foo\n"
	                           " exit\n";
	_cleanup_free_ char *out = frrpersist_patch(file, &want, &ifnames);
	struct frrconf c;
	const struct frr_line *bfd;

	ck_assert_ptr_null(strstr(out, "ip forwarding"));
	ck_assert_int_eq(frrconf_parse(out, &c), 0);
	bfd = frrconf_find(&c.root, "bfd");
	ck_assert_ptr_nonnull(bfd);
	ck_assert_msg(frrconf_find(bfd, "profile foo") == NULL &&
	                  frrconf_find(&c.root, "profile foo") != NULL,
	              "profile foo moved into bfd:\n%s", out);
	frrconf_free(&c);
	assert_patched(out, &want, &ifnames);
}
END_TEST

/* Property test: files made of foreign blocks (BGP with an address
 * family, static routes, interface descriptions, comments, blank lines,
 * key chains, route-maps, bfd peers) and proxmesh's lines (some stale, some
 * twice, indented or not, blocks with and without "exit"), CRLF or not. */
struct gen {
	uint64_t state;
	FILE *f;
	char *text;
	size_t len;
	struct strv foreign; /* the foreign lines, each with its line end */
	int crlf;            /* 0 none, 1 every line, 2 some */
	bool open;           /* the last block has no "exit" yet */
};

static unsigned
gen_rand(struct gen *g, unsigned n)
{
	g->state = g->state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(g->state >> 33) % n;
}

/* One line; foreign: to be kept byte for byte. */
static void __attribute__((format(printf, 3, 4)))
gen_line(struct gen *g, bool foreign, const char *fmt, ...)
{
	_cleanup_free_ char *line = NULL, *full = NULL;
	bool cr = g->crlf == 1 || (g->crlf == 2 && gen_rand(g, 2));
	va_list ap;

	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	full = xasprintf("%s%s", line, cr ? "\r\n" : "\n");
	fputs(full, g->f);
	if (foreign)
		strv_push(&g->foreign, TAKE_PTR(full));
}

/* A block's "exit", or none (the next item starts with a line that closes
 * it, as FRR reads it). */
static void
gen_exit(struct gen *g)
{
	if (gen_rand(g, 3))
		gen_line(g, false, "exit");
}

static const char *const gen_ospf[] = {
	"ip ospf area 0.0.0.0",         "ip ospf bfd",
	"ip ospf bfd profile proxmesh", "ip ospf cost 200",
	"ip ospf cost 10",              "ip ospf dead-interval 3",
	"ip ospf hello-interval 1",     "ip ospf network point-to-point",
	"ip ospf retransmit-interval 1", "ip ospf passive",
};

static void
gen_item(struct gen *g)
{
	static const char *const ifs[] = {"lo", "nic3", "nic4"};
	unsigned n = gen_rand(g, 14), k;

	switch (n) {
	case 0:
		gen_line(g, true, "%s", gen_rand(g, 2) ? "hostname pve-1" : "log syslog informational");
		break;
	case 1:
		gen_line(g, true, "ip route 10.%u.0.0/16 Null0", gen_rand(g, 200));
		break;
	case 2:
		gen_line(g, true, "%s! note %u", gen_rand(g, 2) ? "" : " ", gen_rand(g, 1000));
		break;
	case 3:
		gen_line(g, false, gen_rand(g, 2) ? "" : "!");
		break;
	case 4:
		gen_line(g, true, "router bgp 65000");
		gen_line(g, true, " bgp router-id 10.0.0.1");
		gen_line(g, true, " neighbor 10.0.0.2 remote-as 65000");
		gen_line(g, true, " !");
		gen_line(g, true, " address-family l2vpn evpn");
		gen_line(g, true, "  neighbor 10.0.0.2 activate");
		gen_line(g, true, "  advertise-all-vni");
		gen_line(g, true, " exit-address-family");
		gen_line(g, true, "exit");
		break;
	case 5:
		gen_line(g, true, "interface %s", gen_rand(g, 2) ? "nic0" : "vmbr0");
		gen_line(g, true, " description management %u", gen_rand(g, 100));
		if (gen_rand(g, 2))
			gen_line(g, true, "exit");
		break;
	case 6:
		gen_line(g, true, "key chain k%u", gen_rand(g, 5));
		gen_line(g, true, " key 1");
		gen_line(g, true, "  key-string secret");
		gen_line(g, true, " exit");
		gen_line(g, true, "exit");
		break;
	case 7:
		gen_line(g, true, "route-map MGMT permit 10");
		gen_line(g, true, " set src 10.0.0.1");
		gen_line(g, true, "exit");
		break;
	case 8: /* an interface proxmesh manages: its lines, stale ones, twice */
	case 9:
		gen_line(g, false, "interface %s", ifs[gen_rand(g, 3)]);
		for (k = gen_rand(g, 8); k > 0; k--) {
			const char *ind = gen_rand(g, 4) ? " " : "";

			switch (gen_rand(g, 6)) {
			case 0:
				gen_line(g, true, "%sdescription link %u", ind, gen_rand(g, 100));
				break;
			case 1:
				gen_line(g, true, "%s! comment %u", gen_rand(g, 2) ? "" : " ",
				         gen_rand(g, 100));
				break;
			case 2:
				gen_line(g, false, "%sip ospf cost %u", ind, 1 + gen_rand(g, 300));
				break;
			default:
				gen_line(g, false, "%s%s", ind, gen_ospf[gen_rand(g, ARRAY_SIZE(gen_ospf))]);
			}
		}
		gen_exit(g);
		break;
	case 10:
		gen_line(g, false, "bfd");
		if (gen_rand(g, 2)) {
			gen_line(g, true, " peer 10.0.0.%u", gen_rand(g, 9));
			gen_line(g, true, " exit");
		}
		if (gen_rand(g, 2)) {
			gen_line(g, false, " profile proxmesh");
			gen_line(g, false, "  transmit-interval %u", 50 * (1 + gen_rand(g, 6)));
			gen_line(g, false, " exit");
		}
		if (gen_rand(g, 2)) {
			gen_line(g, true, " profile other");
			gen_line(g, true, "  detect-multiplier 5");
			gen_line(g, true, " exit");
		}
		gen_exit(g);
		break;
	case 11:
		gen_line(g, false, "router ospf");
		gen_line(g, false, " ospf router-id 192.168.102.%u", 1 + gen_rand(g, 3));
		if (gen_rand(g, 2))
			gen_line(g, false, " timers throttle spf 0 50 1000");
		gen_exit(g);
		break;
	case 12:
		gen_line(g, false, "route-map proxmesh-src permit 10");
		gen_line(g, false, " set src 192.168.102.%u", 1 + gen_rand(g, 3));
		gen_exit(g);
		break;
	default:
		gen_line(g, false, "%s", gen_rand(g, 2) ? "ip protocol ospf route-map proxmesh-src"
		                                        : "ip forwarding");
	}
}

static char *
gen_file(struct gen *g, uint64_t seed)
{
	g->state = seed * 2654435761ULL + 1;
	g->f = open_memstream(&g->text, &g->len);
	g->crlf = (int)gen_rand(g, 3);
	gen_line(g, true, "frr version 8.4.4");
	for (unsigned k = 2 + gen_rand(g, 14); k > 0; k--)
		gen_item(g);
	if (gen_rand(g, 2))
		gen_line(g, true, "end");
	fclose(g->f);
	return TAKE_PTR(g->text);
}

/* Every foreign line, with its line end, in order in out. */
static bool
foreign_kept(const struct strv *foreign, const char *out, const char **lost)
{
	const char *pos = out;

	for (size_t i = 0; i < foreign->n; i++) {
		const char *f = foreign->v[i];

		/* a whole line: at the start or after a line end */
		for (pos = strstr(pos, f); pos && pos != out && pos[-1] != '\n';)
			pos = strstr(pos + 1, f);
		if (pos == NULL) {
			*lost = f;
			return false;
		}
		pos += strlen(f);
	}
	return true;
}

START_TEST(property_generated_files)
{
	_cleanup_free_ char *rendered = frrconf_format(&want);
	_cleanup_free_ char *want_lines = owned_lines(rendered, &ifnames);
	/* a tenth under valgrind (the valgrind setup sets CK_FORK=no) */
	const char *fork = getenv("CK_FORK");
	uint64_t files = fork && !strcmp(fork, "no") ? 300 : 3000;
	unsigned pending = 0;

	for (uint64_t seed = 1; seed <= files; seed++) {
		struct gen g = {0};
		_cleanup_free_ char *file = gen_file(&g, seed);
		_cleanup_free_ char *out = frrpersist_patch(file, &want, &ifnames);
		_cleanup_free_ char *again = frrpersist_patch(out, &want, &ifnames);
		_cleanup_free_ char *file_lines = owned_lines(file, &ifnames);
		_cleanup_free_ char *out_lines = owned_lines(out, &ifnames);
		const char *lost = NULL;
		int sync = frrpersist_in_sync(file, &want, &ifnames);

		ck_assert_msg(foreign_kept(&g.foreign, out, &lost),
		              "seed %" PRIu64 ": foreign line \"%s\" lost or moved:\n%s\n-> patched:\n%s",
		              seed, lost, file, out);
		ck_assert_msg(!strcmp(again, out), "seed %" PRIu64 ": patching twice differs:\n%s\n->\n%s",
		              seed, out, again);
		ck_assert_msg(!strcmp(out_lines, want_lines),
		              "seed %" PRIu64 ": patched file holds\n%swanted\n%sfile:\n%s\npatched:\n%s",
		              seed, out_lines, want_lines, file, out);
		ck_assert_int_eq(frrpersist_in_sync(out, &want, &ifnames), 1);
		/* a file whose own lines are not exactly the desired is pending */
		ck_assert_msg(sync == 0 || !strcmp(file_lines, want_lines),
		              "seed %" PRIu64 ": in sync but holds\n%s", seed, file_lines);
		pending += sync == 0;
		strv_free(&g.foreign);
	}
	ck_assert_uint_gt(pending, files * 8 / 10);
}
END_TEST

START_TEST(unparsable)
{
	ck_assert_int_eq(frrpersist_in_sync("hostname a\x01\n", &want, &ifnames), -EINVAL);
}
END_TEST

static Suite *
frrpersist_suite(void)
{
	Suite *s = suite_create("frrpersist");
	TCase *tc = tcase_create("frrpersist"), *tp;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, foreign_lines_stay);
	tcase_add_test(tc, handmade_taken_over);
	tcase_add_test(tc, written_by_frr_in_sync);
	tcase_add_test(tc, empty_file);
	tcase_add_test(tc, key_order);
	tcase_add_test(tc, nothing_wanted);
	tcase_add_test(tc, profile_without_exit);
	tcase_add_test(tc, unparsable);
	tcase_add_test(tc, comment_inside_block);
	tcase_add_test(tc, crlf_file);
	tcase_add_test(tc, no_exit);
	tcase_add_test(tc, stale_duplicate);
	tcase_add_test(tc, line_after_dropped_block);
	tcase_add_test(tc, dropped_line_left_block);
	suite_add_tcase(s, tc);
	tp = tcase_create("property");
	tcase_add_checked_fixture(tp, setup, teardown);
	tcase_set_timeout(tp, 120);
	tcase_add_test(tp, property_generated_files);
	suite_add_tcase(s, tp);
	return s;
}

int
main(void)
{
	return tu_run(frrpersist_suite());
}
