/* frrdiff.c - the vtysh commands that turn the live FRR config into the desired one */
#include "frrdiff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* Lines that set one value: a new value replaces the old one, so the key
 * (the first words) tells which live line a desired line replaces. Some
 * values FRR refuses to change in place; those are removed first. */
static const struct {
	const char *prefix;
	unsigned words;
	bool remove_first;
} keyed[] = {
	{"ip ospf area ", 3, true},
	{"ip ospf cost ", 3, false},
	{"ip ospf hello-interval ", 3, false},
	{"ip ospf dead-interval ", 3, false},
	{"ip ospf retransmit-interval ", 3, false},
	{"ip ospf network ", 3, false},
	{"ip ospf priority ", 3, false},
	{"ip ospf bfd profile ", 4, false},
	{"ip ospf authentication", 3, false},
	{"ipv6 ospf6 area ", 3, true},
	{"ipv6 ospf6 cost ", 3, false},
	{"ipv6 ospf6 hello-interval ", 3, false},
	{"ipv6 ospf6 dead-interval ", 3, false},
	{"ipv6 ospf6 retransmit-interval ", 3, false},
	{"ipv6 ospf6 network ", 3, false},
	{"ipv6 ospf6 bfd profile ", 4, false},
	{"ospf router-id ", 2, false},
	{"ospf6 router-id ", 2, false},
	{"timers throttle spf ", 3, false},
	{"timers throttle lsa all ", 4, false},
	{"timers lsa min-arrival ", 3, false},
	{"auto-cost reference-bandwidth ", 2, false},
	{"transmit-interval ", 1, false},
	{"receive-interval ", 1, false},
	{"detect-multiplier ", 1, false},
	{"echo-interval ", 1, false},
	{"set src ", 2, false},
};

/* The key of a line: its first words for a keyed line, else all of it. */
static char *
line_key(const char *line, bool *remove_first)
{
	*remove_first = false;
	for (size_t i = 0; i < ARRAY_SIZE(keyed); i++) {
		size_t n = strlen(keyed[i].prefix);
		const char *p = line;

		if (strncmp(line, keyed[i].prefix, n) != 0 &&
		    strcmp(line, keyed[i].prefix) != 0)
			continue;
		for (unsigned w = 0; w < keyed[i].words && *p; w++) {
			p = strchrnul(p, ' ');
			if (*p && w + 1 < keyed[i].words)
				p++;
		}
		*remove_first = keyed[i].remove_first;
		return xstrndup(line, (size_t)(p - line));
	}
	return xstrdup(line);
}

/* The live line with the same key as desired line d, or NULL. */
static const struct frr_line *
find_by_key(const struct frr_line *parent, const char *d, bool (*owned)(const char *))
{
	bool rf;
	_cleanup_free_ char *key = line_key(d, &rf);

	if (parent == NULL)
		return NULL;
	for (size_t i = 0; i < parent->n_children; i++) {
		const char *t = parent->children[i].text;
		_cleanup_free_ char *k = NULL;

		if (owned && !owned(t))
			continue;
		k = line_key(t, &rf);
		if (!strcmp(k, key))
			return &parent->children[i];
	}
	return NULL;
}

/* BFD profile values go back to their default by setting it: FRR 8.4's
 * vtysh has no "no" form for them inside a profile. */
static const struct {
	const char *prefix, *reset;
} bfd_defaults[] = {
	{"detect-multiplier ", "detect-multiplier 3"},
	{"transmit-interval ", "transmit-interval 300"},
	{"receive-interval ", "receive-interval 300"},
	{"echo-interval ", "echo-interval 50"},
};

/* "no" form of a line. */
static char *
negate(const char *line)
{
	for (size_t i = 0; i < ARRAY_SIZE(bfd_defaults); i++)
		if (!strncmp(line, bfd_defaults[i].prefix, strlen(bfd_defaults[i].prefix)))
			return xstrdup(bfd_defaults[i].reset);
	if (!strncmp(line, "ip ospf area ", 13))
		return xstrdup("no ip ospf area");
	if (!strncmp(line, "no ", 3))
		return xstrdup(line + 3);
	return xasprintf("no %s", line);
}

static bool
is_ospf_if_line(const char *t)
{
	return !strncmp(t, "ip ospf ", 8);
}

static bool
is_ospf6_if_line(const char *t)
{
	return !strncmp(t, "ipv6 ospf6 ", 11);
}

/* Does proxmesh own OSPFv3 (ipv6 = yes)? Only then: an IPv4 mesh leaves a
 * hand-made OSPFv3 setup as it is. */
static bool
owns_ospf6(const struct frr_line *want)
{
	return frrconf_find(want, "router ospf6") != NULL;
}

static bool
is_area_line(const char *t)
{
	return !strncmp(t, "ip ospf area ", 13) || !strncmp(t, "ipv6 ospf6 area ", 16);
}

#define KEY_PREFIX "ip ospf message-digest-key "

static bool
is_key_line(const char *t)
{
	return !strncmp(t, KEY_PREFIX, strlen(KEY_PREFIX));
}

/* The key id of a message-digest-key line. */
static unsigned long
key_id(const char *t)
{
	return strtoul(t + strlen(KEY_PREFIX), NULL, 10);
}

/* The md5 keys of an interface, where their order counts: ospfd sends
 * with the last key of its list and adds a key at its end (a key id given
 * again is replaced and moves there). The desired keys that already are in
 * the live list in their order, from the first on, stay; the others are
 * added in order (replacing a live key of the same id), and only then the
 * live keys no longer wanted go, so the interface always has a key and a
 * key roll-over step changes what is sent at most once. */
static void
diff_keys(const struct frr_line *want, const struct frr_line *have, bool (*owned)(const char *),
          struct strv *add, struct strv *late)
{
	struct strv w = {0}, h = {0};
	size_t kept = 0, at = 0;
	bool *stays;

	for (size_t i = 0; want && i < want->n_children; i++)
		if (is_key_line(want->children[i].text))
			strv_push_dup(&w, want->children[i].text);
	for (size_t i = 0; have && i < have->n_children; i++)
		if (is_key_line(have->children[i].text) && (!owned || owned(have->children[i].text)))
			strv_push_dup(&h, have->children[i].text);
	stays = xcalloc(h.n + 1, sizeof(bool));
	for (; kept < w.n; kept++) {
		while (at < h.n && strcmp(h.v[at], w.v[kept]) != 0)
			at++;
		if (at == h.n)
			break;
		stays[at++] = true;
	}
	for (size_t i = kept; i < w.n; i++)
		strv_push_dup(add, w.v[i]);
	for (size_t i = 0; i < h.n; i++) {
		bool replaced = false;

		for (size_t j = kept; j < w.n && !stays[i] && !replaced; j++)
			replaced = key_id(w.v[j]) == key_id(h.v[i]);
		if (!stays[i] && !replaced)
			strv_pushf(late, "no " KEY_PREFIX "%lu", key_id(h.v[i]));
	}
	free(stays);
	strv_free(&w);
	strv_free(&h);
}

/* The command list is built in phases, concatenated in this order, so that
 * FRR accepts every step and nothing in use is removed before its
 * replacement exists. */
enum phase {
	PH_PREPARE,   /* "ip ospf retransmit-interval": changes no LSA; set
	               * first, so a neighbour that what follows makes anew
	               * has it from its start (ospfd takes the interval when
	               * it creates a neighbour, not when it changes) */
	PH_NETWORK,   /* "no network …": FRR refuses "ip ospf area" while any exist */
	PH_REMOVE,    /* stale lines, and values FRR cannot change in place */
	PH_UNREF,     /* "no ip protocol … route-map" before the route-map goes */
	PH_UNDEFINE,  /* bfd profile / route-maps no longer wanted */
	PH_DEFINE,    /* forwarding, bfd profile, route-maps: before their users */
	PH_ADD,       /* router ospf and interfaces */
	PH_JOIN,      /* "network …" (render.h's network form): after the
	               * interface's lines, as "ip ospf area" is */
	PH_REFERENCE, /* "ip protocol ospf route-map" */
	PH_LATE,      /* "no redistribute", and "no network …" in the network
	               * form: after the loopback is a stub and the statement
	               * that replaces it covers its interfaces */
	PH_COUNT,
};

struct diff {
	struct strv ph[PH_COUNT];
};

/* Emit the header lines ('\n' separated), cmds, and one "exit" per header
 * line, into out, if there are commands. */
static void
emit_block(struct strv *out, const char *header, struct strv *cmds)
{
	unsigned levels = 0;

	if (cmds->n == 0)
		return;
	for (const char *h = header; h && *h;) {
		const char *e = strchrnul(h, '\n');

		strv_push(out, xstrndup(h, (size_t)(e - h)));
		levels++;
		h = *e ? e + 1 : e;
	}
	for (size_t i = 0; i < cmds->n; i++)
		strv_push(out, TAKE_PTR(cmds->v[i]));
	strv_free(cmds);
	while (levels--)
		strv_push_dup(out, "exit");
}

static int
cmp_rev(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

/* A network statement in want for the prefix of network statement t (in
 * another area: FRR takes a prefix once, so t goes first). */
static bool
same_prefix(const struct frr_line *want, const char *t)
{
	size_t n = strcspn(t + 8, " ") + 9; /* "network " PREFIX " " */

	for (size_t i = 0; want && i < want->n_children; i++)
		if (!strncmp(want->children[i].text, t, n))
			return true;
	return false;
}

/* Diff the children of one block, where owned() says which lines are ours
 * (NULL: all). Removals are sorted in reverse, so "ip ospf bfd profile"
 * goes before "ip ospf bfd". */
static void
diff_block(struct diff *d, const char *header, const struct frr_line *want,
           const struct frr_line *have, bool (*owned)(const char *), enum phase add_phase)
{
	struct strv prep = {0}, net = {0}, rm = {0}, add = {0}, join = {0}, late = {0};
	bool keys_done = false, network_form = frrconf_find_prefix(want, "network ") != NULL;

	for (size_t i = 0; want && i < want->n_children; i++) {
		const char *t = want->children[i].text;
		const struct frr_line *h;
		bool rf;

		if (owned && !owned(t))
			continue; /* the other family's, in a block of its own */
		if (is_key_line(t)) {
			/* all of them where the first is */
			if (!keys_done)
				diff_keys(want, have, owned, &add, &late);
			keys_done = true;
			continue;
		}
		h = find_by_key(have, t, owned);
		free(line_key(t, &rf));
		if (h && !strcmp(h->text, t))
			continue;
		if (h && rf)
			strv_push(&rm, negate(h->text));
		if (!strncmp(t, "network ", 8))
			strv_push_dup(&join, t);
		else if (!strncmp(t, "ip ospf retransmit-interval ", 28))
			strv_push_dup(&prep, t);
		else
			strv_push_dup(&add, t);
	}
	for (size_t i = 0; have && i < have->n_children; i++) {
		const char *t = have->children[i].text;

		if ((owned && !owned(t)) || is_key_line(t))
			continue;
		if (want && find_by_key(want, t, NULL))
			continue;
		/* FRR keeps an interface in OSPF while any statement covers
		 * it: in the network form the old one goes once the new one
		 * is there; else before "ip ospf area", which FRR refuses
		 * while any statement exists */
		if (!strncmp(t, "network ", 8))
			strv_push(network_form && !same_prefix(want, t) ? &late : &net, negate(t));
		else if (!strncmp(t, "redistribute ", 13))
			strv_push(&late, negate(t));
		else
			strv_push(&rm, negate(t));
	}
	if (!keys_done)
		diff_keys(want, have, owned, &add, &late);
	if (rm.n > 1)
		qsort(rm.v, rm.n, sizeof(char *), cmp_rev);
	/* An interface joins the area last, once its network type and timers
	 * are set: joining first would bring it up as broadcast with 10/40 s
	 * timers and reset it a moment later (a neighbour sees a dead-interval
	 * mismatch and an adjacency forms twice). */
	for (size_t i = 0; i + 1 < add.n; i++)
		if (is_area_line(add.v[i])) {
			char *area = add.v[i];

			memmove(&add.v[i], &add.v[i + 1], (add.n - i - 1) * sizeof(char *));
			add.v[add.n - 1] = area;
			break;
		}
	emit_block(&d->ph[PH_PREPARE], header, &prep);
	emit_block(&d->ph[PH_NETWORK], header, &net);
	emit_block(&d->ph[PH_REMOVE], header, &rm);
	emit_block(&d->ph[add_phase], header, &add);
	emit_block(&d->ph[PH_JOIN], header, &join);
	emit_block(&d->ph[PH_LATE], header, &late);
}

static const struct frr_line *
find_child(const struct frr_line *parent, const char *text)
{
	return parent ? frrconf_find(parent, text) : NULL;
}

/* family: "ip" or "ipv6" */
static void
diff_forwarding(struct diff *d, const struct frr_line *want, const struct frr_line *have,
                const char *family)
{
	_cleanup_free_ char *off = xasprintf("no %s forwarding", family);
	bool want_off = frrconf_find(want, off) != NULL;
	bool have_off = frrconf_find(have, off) != NULL;

	if (want_off && !have_off)
		strv_push_dup(&d->ph[PH_DEFINE], off);
	else if (!want_off && have_off)
		strv_push_dup(&d->ph[PH_DEFINE], off + 3);
}

static bool
is_protocol_line(const char *t)
{
	return !strncmp(t, "ip protocol ospf route-map ", 27) ||
	       !strncmp(t, "ipv6 protocol ospf6 route-map ", 30);
}

static bool
is_owned_single(const char *t, bool ospf6)
{
	return !strncmp(t, "ip protocol ospf route-map ", 27) ||
	       !strncmp(t, "ip prefix-list proxmesh-", 24) ||
	       (ospf6 && !strncmp(t, "ipv6 protocol ospf6 route-map ", 30));
}

static void
diff_top(struct diff *d, const struct frr_line *want, const struct frr_line *have)
{
	bool ospf6 = owns_ospf6(want);

	for (size_t i = 0; i < have->n_children; i++) {
		const struct frr_line *h = &have->children[i];

		if (frrconf_find(want, h->text))
			continue;
		if (is_owned_single(h->text, ospf6))
			strv_push(&d->ph[is_protocol_line(h->text) ? PH_UNREF : PH_UNDEFINE],
			          negate(h->text));
		else if (!strncmp(h->text, "route-map proxmesh-", 19))
			strv_push(&d->ph[PH_UNDEFINE], negate(h->text));
	}
	for (size_t i = 0; i < want->n_children; i++) {
		const struct frr_line *w = &want->children[i];
		const struct frr_line *h = frrconf_find(have, w->text);

		if (!strncmp(w->text, "route-map ", 10))
			diff_block(d, w->text, w, h, NULL, PH_DEFINE);
		else if (is_owned_single(w->text, ospf6) && h == NULL)
			strv_push_dup(&d->ph[is_protocol_line(w->text) ? PH_REFERENCE : PH_DEFINE],
			              w->text);
	}
}

static void
diff_bfd(struct diff *d, const struct frr_line *want, const struct frr_line *have)
{
	const char *name = "profile " RENDER_BFD_PROFILE;
	const struct frr_line *wp = find_child(find_child(want, "bfd"), name);
	const struct frr_line *hp = find_child(find_child(have, "bfd"), name);

	if (hp && !wp) {
		strv_push_dup(&d->ph[PH_UNDEFINE], "bfd");
		strv_pushf(&d->ph[PH_UNDEFINE], "no %s", name);
		strv_push_dup(&d->ph[PH_UNDEFINE], "exit");
		return;
	}
	if (wp && !hp) {
		/* A profile with only default values still has to be created. */
		strv_push_dup(&d->ph[PH_DEFINE], "bfd");
		strv_push_dup(&d->ph[PH_DEFINE], name);
		for (size_t i = 0; i < wp->n_children; i++)
			strv_push_dup(&d->ph[PH_DEFINE], wp->children[i].text);
		strv_push_dup(&d->ph[PH_DEFINE], "exit");
		strv_push_dup(&d->ph[PH_DEFINE], "exit");
		return;
	}
	if (wp && hp)
		diff_block(d, "bfd\nprofile " RENDER_BFD_PROFILE, wp, hp, NULL, PH_DEFINE);
}

void
frrdiff(const struct frrconf *desired, const struct frrconf *live, const struct strv *ifnames,
        struct strv *cmds)
{
	const struct frr_line *want = &desired->root, *have = &live->root;
	struct diff d = {0};

	bool ospf6 = owns_ospf6(want);

	diff_forwarding(&d, want, have, "ip");
	if (ospf6)
		diff_forwarding(&d, want, have, "ipv6");
	diff_top(&d, want, have);
	diff_bfd(&d, want, have);
	/* an IPv6-only mesh runs no OSPF for IPv4: its router goes whole */
	if (find_child(want, "router ospf") == NULL && find_child(have, "router ospf") != NULL)
		strv_push_dup(&d.ph[PH_REMOVE], "no router ospf");
	else
		diff_block(&d, "router ospf", find_child(want, "router ospf"),
		           find_child(have, "router ospf"), NULL, PH_ADD);
	if (ospf6)
		diff_block(&d, "router ospf6", find_child(want, "router ospf6"),
		           find_child(have, "router ospf6"), NULL, PH_ADD);
	/* each family's lines in a block of its own: each goes to its daemon */
	for (size_t i = 0; i < ifnames->n; i++) {
		_cleanup_free_ char *h = xasprintf("interface %s", ifnames->v[i]);

		diff_block(&d, h, find_child(want, h), find_child(have, h), is_ospf_if_line,
		           PH_ADD);
		if (ospf6)
			diff_block(&d, h, find_child(want, h), find_child(have, h),
			           is_ospf6_if_line, PH_ADD);
	}
	for (int p = 0; p < PH_COUNT; p++) {
		for (size_t i = 0; i < d.ph[p].n; i++)
			strv_push(cmds, TAKE_PTR(d.ph[p].v[i]));
		strv_free(&d.ph[p]);
	}
}

bool
frrdiff_disruptive(const struct strv *cmds)
{
	static const char *const resets[] = {
	    "network ",          "ip ospf area",           "ip ospf network",
	    "ip ospf hello-interval", "ip ospf dead-interval", "ip ospf authentication",
	    "ip ospf message-digest-key", "ospf router-id",
	};

	/* OSPFv3's lines reset OSPFv3 adjacencies only: IPv4 keeps flowing
	 * (turning IPv6 on in an IPv4 mesh needs no bridge) */
	for (size_t i = 0; i < cmds->n; i++) {
		const char *c = cmds->v[i];

		if (!strcmp(c, "no router ospf"))
			return true;
		if (!strncmp(c, "no ", 3))
			c += 3;
		for (size_t k = 0; k < ARRAY_SIZE(resets); k++)
			if (!strncmp(c, resets[k], strlen(resets[k])))
				return true;
	}
	return false;
}

char *
frrdiff_mask_secret(const char *cmd)
{
	const char *p = strstr(cmd, "message-digest-key ");

	if (p && (p = strstr(p, " md5 ")) != NULL)
		return xasprintf("%.*s md5 <secret>", (int)(p - cmd), cmd);
	return xstrdup(cmd);
}
