/* ifdiff.c - the interface and kernel changes from the live state to the plan */
#include "ifdiff.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static bool
prefix4_eq(const struct prefix4 *a, const struct prefix4 *b)
{
	return a->addr.s_addr == b->addr.s_addr && a->len == b->len;
}

void
ifaddr_list_add(struct ifaddr_list *l, const char *ifname, const struct prefix4 *a)
{
	struct ifaddr_rec *e;

	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->ifname, sizeof(e->ifname), "%s", ifname);
	e->addr = *a;
}

bool
ifaddr_list_contains(const struct ifaddr_list *l, const char *ifname, const struct prefix4 *a)
{
	for (size_t i = 0; i < l->n; i++)
		if (!l->v[i].v6 && strcmp(l->v[i].ifname, ifname) == 0 &&
		    prefix4_eq(&l->v[i].addr, a))
			return true;
	return false;
}

static bool
prefix6_eq(const struct prefix6 *a, const struct prefix6 *b)
{
	return a->len == b->len && memcmp(&a->addr, &b->addr, sizeof(a->addr)) == 0;
}

void
ifaddr_list_add6(struct ifaddr_list *l, const char *ifname, const struct prefix6 *a)
{
	ifaddr_list_add(l, ifname, &(struct prefix4){0});
	l->v[l->n - 1].v6 = true;
	l->v[l->n - 1].addr6 = *a;
}

bool
ifaddr_list_contains6(const struct ifaddr_list *l, const char *ifname, const struct prefix6 *a)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].v6 && strcmp(l->v[i].ifname, ifname) == 0 &&
		    prefix6_eq(&l->v[i].addr6, a))
			return true;
	return false;
}

void
ifaddr_list_free(struct ifaddr_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int
parse_prefix4(const char *s, struct prefix4 *out)
{
	char a[16];
	const char *slash = strchr(s, '/');
	unsigned long len;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(a))
		return -EINVAL;
	memcpy(a, s, (size_t)(slash - s));
	a[slash - s] = '\0';
	if (inet_pton(AF_INET, a, &out->addr) != 1)
		return -EINVAL;
	if (parse_uint(slash + 1, 0, 32, &len) < 0)
		return -EINVAL;
	out->len = (uint8_t)len;
	return 0;
}

int
ifaddr_list_parse(const char *text, struct ifaddr_list *out, unsigned *line)
{
	struct ifaddr_list l = {0};
	unsigned n = 0;

	while (*text) {
		const char *eol = strchrnul(text, '\n');
		char buf[128], ifname[IFNAMSIZ + 1], addr[64], extra[2];
		struct prefix4 p;
		struct prefix6 p6;
		int k;

		n++;
		if ((size_t)(eol - text) >= sizeof(buf))
			goto bad;
		memcpy(buf, text, (size_t)(eol - text));
		buf[eol - text] = '\0';
		text = *eol ? eol + 1 : eol;
		k = sscanf(buf, "%16s %63s %1s", ifname, addr, extra);
		if (k <= 0 || ifname[0] == '#')
			continue;
		if (k != 2 || strlen(ifname) >= IFNAMSIZ)
			goto bad;
		if (strchr(addr, ':') != NULL) {
			if (prefix6_parse(addr, &p6) < 0)
				goto bad;
			if (!ifaddr_list_contains6(&l, ifname, &p6))
				ifaddr_list_add6(&l, ifname, &p6);
			continue;
		}
		if (parse_prefix4(addr, &p) < 0)
			goto bad;
		if (!ifaddr_list_contains(&l, ifname, &p))
			ifaddr_list_add(&l, ifname, &p);
	}
	*out = l;
	return 0;
bad:
	ifaddr_list_free(&l);
	if (line)
		*line = n;
	return -EINVAL;
}

char *
ifaddr_list_format(const struct ifaddr_list *l)
{
	struct strv lines = {0};
	char *out, buf[PREFIX6_STRLEN];
	size_t len = 1, off = 0;

	for (size_t i = 0; i < l->n; i++) {
		strv_pushf(&lines, "%s %s\n", l->v[i].ifname,
		           l->v[i].v6 ? prefix6_str(&l->v[i].addr6, buf)
		                      : prefix4_str(&l->v[i].addr, buf));
		len += strlen(lines.v[i]);
	}
	out = xmalloc(len);
	out[0] = '\0';
	for (size_t i = 0; i < lines.n; i++) {
		size_t k = strlen(lines.v[i]);

		memcpy(out + off, lines.v[i], k + 1);
		off += k;
	}
	strv_free(&lines);
	return out;
}

int
ifaddr_list_load(const char *path, struct ifaddr_list *out)
{
	_cleanup_free_ char *text = NULL;
	unsigned line = 0;
	int r;

	r = read_file_nofollow(path, 1 << 20, &text, NULL);
	if (r == -ENOENT) {
		*out = (struct ifaddr_list){0};
		return 0;
	}
	if (r < 0)
		return r;
	r = ifaddr_list_parse(text, out, &line);
	if (r < 0)
		log_warnx("%s:%u: malformed address record", path, line);
	return r;
}

int
ifaddr_list_save(const char *path, const struct ifaddr_list *l)
{
	_cleanup_free_ char *text = ifaddr_list_format(l);

	int r = write_file_changed(path, text, 0644);

	return r < 0 ? r : 0;
}

void
ifdiff_planned_addresses(const struct ifplan *p, struct ifaddr_list *out)
{
	*out = (struct ifaddr_list){0};
	for (size_t i = 0; i < p->n_links; i++)
		if (p->links[i].address.len > 0)
			ifaddr_list_add(out, p->links[i].ifname, &p->links[i].address);
	if (p->has_loopback)
		ifaddr_list_add(out, "lo", &p->loopback);
	for (size_t i = 0; i < p->n_links; i++)
		if (p->links[i].has6)
			ifaddr_list_add6(out, p->links[i].ifname, &p->links[i].address6);
	if (p->has_loopback6)
		ifaddr_list_add6(out, "lo", &p->loopback6);
}

void
ifdiff_record(const struct ifplan *p, const struct ifaddr_list *previous, bool applied,
              struct ifaddr_list *out)
{
	ifdiff_planned_addresses(p, out);
	if (applied || previous == NULL)
		return;
	for (size_t i = 0; i < previous->n; i++) {
		const struct ifaddr_rec *r = &previous->v[i];

		if (r->v6 && !ifaddr_list_contains6(out, r->ifname, &r->addr6))
			ifaddr_list_add6(out, r->ifname, &r->addr6);
		else if (!r->v6 && !ifaddr_list_contains(out, r->ifname, &r->addr))
			ifaddr_list_add(out, r->ifname, &r->addr);
	}
}

void
ifdiff_ifnames(const struct ifplan *p, const struct ifaddr_list *previous, struct strv *out)
{
	for (size_t i = 0; i < p->n_links; i++)
		if (!strv_contains(out, p->links[i].ifname))
			strv_push_dup(out, p->links[i].ifname);
	if (!strv_contains(out, "lo"))
		strv_push_dup(out, "lo");
	for (size_t i = 0; previous && i < previous->n; i++)
		if (!strv_contains(out, previous->v[i].ifname))
			strv_push_dup(out, previous->v[i].ifname);
}

const struct live_if *
live_state_find(const struct live_state *s, const char *ifname)
{
	for (size_t i = 0; i < s->n_ifs; i++)
		if (strcmp(s->ifs[i].ifname, ifname) == 0)
			return &s->ifs[i];
	return NULL;
}

struct live_if *
live_state_add(struct live_state *s, const char *ifname)
{
	struct live_if *i;

	s->ifs = xreallocarray(s->ifs, s->n_ifs + 1, sizeof(*s->ifs));
	i = &s->ifs[s->n_ifs++];
	memset(i, 0, sizeof(*i));
	snprintf(i->ifname, sizeof(i->ifname), "%s", ifname);
	return i;
}

void
live_if_add_addr(struct live_if *i, const struct prefix4 *a, const char *label)
{
	struct live_addr *e;

	i->addrs = xreallocarray(i->addrs, i->n_addrs + 1, sizeof(*i->addrs));
	e = &i->addrs[i->n_addrs++];
	memset(e, 0, sizeof(*e));
	e->addr = *a;
	snprintf(e->label, sizeof(e->label), "%s", label ? label : i->ifname);
}

void
live_if_add_addr6(struct live_if *i, const struct prefix6 *a)
{
	i->addrs6 = xreallocarray(i->addrs6, i->n_addrs6 + 1, sizeof(*i->addrs6));
	i->addrs6[i->n_addrs6++] = *a;
}

static bool
live_if_has_addr6(const struct live_if *i, const struct prefix6 *a)
{
	for (size_t k = 0; k < i->n_addrs6; k++)
		if (prefix6_eq(&i->addrs6[k], a))
			return true;
	return false;
}

void
live_state_free(struct live_state *s)
{
	for (size_t i = 0; i < s->n_ifs; i++) {
		free(s->ifs[i].addrs);
		free(s->ifs[i].addrs6);
	}
	free(s->ifs);
	free(s->sysctls);
	memset(s, 0, sizeof(*s));
}

static const struct live_addr *
live_if_find_addr(const struct live_if *i, const struct prefix4 *a)
{
	for (size_t k = 0; k < i->n_addrs; k++)
		if (prefix4_eq(&i->addrs[k].addr, a))
			return &i->addrs[k];
	return NULL;
}


static struct if_change *
push(struct if_changes *c, enum if_change_kind kind, const struct live_if *li)
{
	struct if_change *ch;

	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	ch = &c->v[c->n++];
	memset(ch, 0, sizeof(*ch));
	ch->kind = kind;
	if (li) {
		snprintf(ch->ifname, sizeof(ch->ifname), "%s", li->ifname);
		ch->ifindex = li->ifindex;
	}
	return ch;
}

static void
push_addr(struct if_changes *c, enum if_change_kind kind, const struct live_if *li,
          const struct prefix4 *a, const char *label)
{
	struct if_change *ch = push(c, kind, li);
	char buf[19];

	ch->addr = *a;
	if (label)
		snprintf(ch->label, sizeof(ch->label), "%s", label);
	ch->text =
	    xasprintf("ip addr %s %s dev %s%s%s", kind == IFC_ADDR_ADD ? "add" : "del",
	              prefix4_str(a, buf), li->ifname, label ? " label " : "", label ? label : "");
}

/* IPv6: no label; the kernel's nodad flag is set when applying. */
static void
push_addr6(struct if_changes *c, enum if_change_kind kind, const struct live_if *li,
           const struct prefix6 *a)
{
	struct if_change *ch = push(c, kind, li);
	char buf[PREFIX6_STRLEN];

	ch->v6 = true;
	ch->addr6 = *a;
	ch->text = xasprintf("ip -6 addr %s %s dev %s%s", kind == IFC_ADDR_ADD ? "add" : "del",
	                     prefix6_str(a, buf), li->ifname, kind == IFC_ADDR_ADD ? " nodad" : "");
}

static bool
usable(const struct live_if *li)
{
	return li != NULL && li->exists;
}

/* The changes come out in the order they are applied: kernel settings first
 * (so that routes over a new link follow them), removals before additions
 * (an address moved between interfaces, a relabelled loopback), and a link
 * brought up before its address is added. */
void
ifdiff_compute(const struct ifplan *plan, const struct live_state *live,
               const struct ifaddr_list *previous, struct if_changes *out)
{
	struct ifaddr_list planned;
	const struct live_if *lo = live_state_find(live, "lo");
	char ifname[IFNAMSIZ];

	memset(out, 0, sizeof(*out));
	ifdiff_planned_addresses(plan, &planned);

	for (size_t i = 0; i < plan->n_links; i++) {
		const struct ifplan_link *l = &plan->links[i];

		if (!usable(live_state_find(live, l->ifname)))
			strv_pushf(&out->warnings, "interface %s missing: link to %s skipped",
			           l->ifname, l->peer);
	}

	/* kernel settings; those of a missing interface wait for it */
	for (size_t i = 0; i < plan->n_sysctls; i++) {
		const struct sysctl_setting *s = &plan->sysctls[i];
		const char *cur = i < live->n_sysctls ? live->sysctls[i].value : "";
		const char *dev = ifplan_sysctl_ifname(s->path, ifname);
		struct if_change *ch;
		char name[128];

		if (dev && !usable(live_state_find(live, dev)))
			continue;
		if (strcmp(cur, s->value) == 0)
			continue;
		ch = push(out, IFC_SYSCTL, NULL);
		ch->sysctl = *s;
		ifplan_sysctl_name(s->path, name, sizeof(name));
		ch->text = xasprintf("sysctl -w %s=%s", name, s->value);
	}

	/* addresses planned before and no longer planned, where they still are */
	for (size_t i = 0; previous && i < previous->n; i++) {
		const struct ifaddr_rec *p = &previous->v[i];
		const struct live_if *li = live_state_find(live, p->ifname);

		if (p->v6) {
			if (!ifaddr_list_contains6(&planned, p->ifname, &p->addr6) && usable(li) &&
			    live_if_has_addr6(li, &p->addr6))
				push_addr6(out, IFC_ADDR_DEL, li, &p->addr6);
			continue;
		}
		if (ifaddr_list_contains(&planned, p->ifname, &p->addr))
			continue;
		if (usable(li) && live_if_find_addr(li, &p->addr))
			push_addr(out, IFC_ADDR_DEL, li, &p->addr, NULL);
	}

	for (size_t i = 0; i < plan->n_links; i++) {
		const struct ifplan_link *l = &plan->links[i];
		const struct live_if *li = live_state_find(live, l->ifname);

		if (!usable(li))
			continue;
		if (l->mtu && li->mtu != l->mtu) {
			struct if_change *ch = push(out, IFC_MTU, li);

			ch->mtu = l->mtu;
			ch->text = xasprintf("ip link set %s mtu %u", li->ifname, l->mtu);
		}
		if (!li->up) {
			struct if_change *ch = push(out, IFC_LINK_UP, li);

			ch->text = xasprintf("ip link set %s up", li->ifname);
		}
	}

	for (size_t i = 0; i < plan->n_links; i++) {
		const struct ifplan_link *l = &plan->links[i];
		const struct live_if *li = live_state_find(live, l->ifname);

		if (usable(li) && l->address.len > 0 && !live_if_find_addr(li, &l->address))
			push_addr(out, IFC_ADDR_ADD, li, &l->address, NULL);
		if (usable(li) && l->has6 && !live_if_has_addr6(li, &l->address6))
			push_addr6(out, IFC_ADDR_ADD, li, &l->address6);
	}
	if (plan->has_loopback6 && usable(lo) && !live_if_has_addr6(lo, &plan->loopback6))
		push_addr6(out, IFC_ADDR_ADD, lo, &plan->loopback6);
	/* The loopback address already on lo under another label (a hand-made
	 * lo:backup, which ifupdown2 puts there unlabelled) is left as it is:
	 * a label cannot change in place, and removing the address to add it
	 * again under ours took the service address away from everything
	 * that used it, OSPF too (its route was withdrawn for up to FRR's 5 s
	 * LSA interval at a take-over). Should it go, it comes back labelled. */
	if (plan->has_loopback && usable(lo) && live_if_find_addr(lo, &plan->loopback) == NULL)
		push_addr(out, IFC_ADDR_ADD, lo, &plan->loopback, IFPLAN_LOOPBACK_LABEL);
	ifaddr_list_free(&planned);
}

void
if_changes_free(struct if_changes *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].text);
	free(c->v);
	strv_free(&c->warnings);
	memset(c, 0, sizeof(*c));
}
