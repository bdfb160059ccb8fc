/* ifplan.c - the desired interface and kernel state of one node */
#include "ifplan.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "util.h"

static void add_sysctl(struct ifplan *p, const char *value, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
add_sysctl(struct ifplan *p, const char *value, const char *fmt, ...)
{
	struct sysctl_setting *s;
	va_list ap;

	p->sysctls = xreallocarray(p->sysctls, p->n_sysctls + 1, sizeof(*p->sysctls));
	s = &p->sysctls[p->n_sysctls++];
	memset(s, 0, sizeof(*s));
	va_start(ap, fmt);
	vsnprintf(s->path, sizeof(s->path), fmt, ap);
	va_end(ap);
	snprintf(s->value, sizeof(s->value), "%s", value);
}

/*
 * Kernel settings (DESIGN §5):
 * - forwarding by role; net/ipv4/ip_forward is the same switch as
 *   conf/all/forwarding and writing it also sets conf/default and every
 *   interface, so a link that appears later inherits it;
 * - rp_filter loose on each mesh link: the kernel uses max(all, link), so 2 on
 *   the link is loose whatever "all" says;
 * - ignore_routes_with_linkdown on each mesh link: the kernel tests it as
 *   (all OR link) on the nexthop's device, so setting it on the mesh links is
 *   enough for a route over a dead carrier to be ignored at once, and the rest
 *   of the host (management bridge, VM networks) is left alone;
 * - L4 multipath hashing, so equal-cost paths are used per flow.
 */
/*
 * IPv6 (DESIGN §5):
 * - forwarding by role: IPv6 forwards only with conf/all/forwarding (the
 *   per-interface flag says router or host, no more); with it on, the
 *   kernel ignores router advertisements on interfaces with accept_ra 1;
 * - on each mesh link: IPv6 on (its link-local address is what OSPFv3 and
 *   BFD speak over), no duplicate address detection (the link-local address
 *   and the planned one usable at once, not a second later: a cable has
 *   one other end, whose addresses come from the same plan), no router
 *   advertisements taken, and routes over a dead carrier ignored as for
 *   IPv4.
 */
static void
ipv6_sysctls(struct ifplan *out, const char *fwd)
{
	add_sysctl(out, fwd, "net/ipv6/conf/all/forwarding");
	for (size_t i = 0; i < out->n_links; i++) {
		const char *ifn = out->links[i].ifname;

		add_sysctl(out, "0", "net/ipv6/conf/%s/disable_ipv6", ifn);
		add_sysctl(out, "0", "net/ipv6/conf/%s/accept_dad", ifn);
		add_sysctl(out, "0", "net/ipv6/conf/%s/accept_ra", ifn);
		add_sysctl(out, "1", "net/ipv6/conf/%s/ignore_routes_with_linkdown", ifn);
	}
}

void
ifplan_build(const struct config *c, const struct node_conf *n, const struct link_plan *links,
             struct ifplan *out)
{
	const char *fwd = n->role == ROLE_TRANSIT ? "1" : "0";

	memset(out, 0, sizeof(*out));
	out->links = xcalloc(n->n_links, sizeof(*out->links));
	out->n_links = n->n_links;
	for (size_t i = 0; i < n->n_links; i++) {
		struct ifplan_link *l = &out->links[i];

		snprintf(l->ifname, sizeof(l->ifname), "%s", links[i].link->ifname);
		snprintf(l->peer, sizeof(l->peer), "%s", links[i].peer->name);
		l->address = links[i].local;
		l->has6 = links[i].has6;
		l->address6 = links[i].local6;
		l->mtu = c->mtu;
		l->cost = links[i].link->cost;
	}
	out->has_loopback = n->has_loopback;
	if (n->has_loopback)
		out->loopback = n->loopback;
	out->has_loopback6 = n->has_loopback6;
	if (n->has_loopback6)
		out->loopback6 = (struct prefix6){n->loopback6, 128};

	add_sysctl(out, fwd, "net/ipv4/ip_forward");
	add_sysctl(out, fwd, "net/ipv4/conf/all/forwarding");
	add_sysctl(out, "1", "net/ipv4/fib_multipath_hash_policy");
	for (size_t i = 0; i < out->n_links; i++) {
		add_sysctl(out, "2", "net/ipv4/conf/%s/rp_filter", out->links[i].ifname);
		add_sysctl(out, "1", "net/ipv4/conf/%s/ignore_routes_with_linkdown",
		           out->links[i].ifname);
	}
	if (c->ipv6)
		ipv6_sysctls(out, fwd);
}

void
ifplan_free(struct ifplan *p)
{
	free(p->links);
	free(p->sysctls);
	memset(p, 0, sizeof(*p));
}

void
ifplan_drop_link(struct ifplan *p, const char *ifname)
{
	size_t k = 0;

	for (size_t i = 0; i < p->n_links; i++)
		if (strcmp(p->links[i].ifname, ifname) != 0)
			p->links[k++] = p->links[i];
	p->n_links = k;
	k = 0;
	for (size_t i = 0; i < p->n_sysctls; i++) {
		char on[IFNAMSIZ];
		const char *name = ifplan_sysctl_ifname(p->sysctls[i].path, on);

		if (name == NULL || strcmp(name, ifname) != 0)
			p->sysctls[k++] = p->sysctls[i];
	}
	p->n_sysctls = k;
}

const struct ifplan_link *
ifplan_find_link(const struct ifplan *p, const char *ifname)
{
	for (size_t i = 0; i < p->n_links; i++)
		if (strcmp(p->links[i].ifname, ifname) == 0)
			return &p->links[i];
	return NULL;
}

const char *
ifplan_sysctl_ifname(const char *path, char buf[static IFNAMSIZ])
{
	static const char pfx[] = "net/ipv4/conf/", pfx6[] = "net/ipv6/conf/";
	const char *s, *e;

	if (strncmp(path, pfx, sizeof(pfx) - 1) == 0)
		s = path + sizeof(pfx) - 1;
	else if (strncmp(path, pfx6, sizeof(pfx6) - 1) == 0)
		s = path + sizeof(pfx6) - 1;
	else
		return NULL;
	e = strchr(s, '/');
	if (e == NULL || e == s || (size_t)(e - s) >= IFNAMSIZ)
		return NULL;
	memcpy(buf, s, (size_t)(e - s));
	buf[e - s] = '\0';
	if (strcmp(buf, "all") == 0 || strcmp(buf, "default") == 0)
		return NULL;
	return buf;
}

/*
 * The loopback address and ifupdown2.
 *
 * ifupdown2 (3.x, lib/nlcache.py) files every IPv4 address under its label
 * (IFA_LABEL), not under its device, and on `ifreload -a` it purges from an
 * interface the addresses it finds under that interface's name and does not
 * have in its configuration. An address on lo labelled "lo:proxmesh" is
 * therefore invisible to the host's own `iface lo inet loopback` and is never
 * purged. ifupdown2 itself cannot set a label (an "iface lo:proxmesh" stanza
 * is just another "iface lo" to it), and an "address" line under lo would make
 * ifupdown2 add the address once more on every reload (it looks it up under
 * "lo", does not find it, and fails with "File exists").
 *
 * So the address is brought up at boot by a second "iface lo" stanza with a
 * post-up "ip addr replace": replace is idempotent (it neither removes nor
 * re-adds an existing address, nor fails on it) and adds it, with its label,
 * when it is missing. ifupdown2 merges several stanzas of one interface
 * ("siblings"); the only side effect is that it then stops purging unknown
 * addresses on lo (it says so with a warning), which suits a host whose
 * loopback carries service addresses. The address thus exists at boot whether
 * or not FRR or proxmesh run.
 */
void
ifplan_sysctl_name(const char *path, char *buf, size_t size)
{
	size_t o = 0;

	for (const char *s = path; *s && o + 1 < size; s++)
		buf[o++] = *s == '/' ? '.' : *s == '.' ? '/' : *s;
	buf[o] = '\0';
}

char *
ifplan_render_sysctl(const struct ifplan *p)
{
	char *out = xstrdup("# Written by proxmesh from /etc/proxmesh/proxmesh.conf: do not edit,\n"
	                    "# change the configuration instead. systemd-sysctl applies the\n"
	                    "# settings of an interface when it appears.\n");

	for (size_t i = 0; i < p->n_sysctls; i++) {
		char name[sizeof(p->sysctls[i].path)], *next;

		ifplan_sysctl_name(p->sysctls[i].path, name, sizeof(name));
		next = xasprintf("%s%s = %s\n", out, name, p->sysctls[i].value);
		free(out);
		out = next;
	}
	return out;
}

char *
ifplan_render_ifupdown(const struct ifplan *p)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	char buf[19], buf6[PREFIX6_STRLEN];

	if (f == NULL)
		fatalx("out of memory");
	fprintf(f, "# Written by proxmesh from /etc/proxmesh/proxmesh.conf: do not edit,\n"
	           "# change the configuration instead.\n");
	for (size_t i = 0; i < p->n_links; i++) {
		const struct ifplan_link *l = &p->links[i];
		bool v4 = l->address.len > 0;

		/* ifupdown2 takes both families' addresses in one stanza */
		fprintf(f, "\n# link to %s\nauto %s\niface %s %s static\n", l->peer, l->ifname,
		        l->ifname, v4 ? "inet" : "inet6");
		if (v4)
			fprintf(f, "\taddress %s\n", prefix4_str(&l->address, buf));
		if (l->has6)
			fprintf(f, "\taddress %s\n", prefix6_str(&l->address6, buf6));
		if (l->mtu)
			fprintf(f, "\tmtu %u\n", l->mtu);
	}
	if (p->has_loopback || p->has_loopback6) {
		if (!p->has_loopback6)
			fprintf(f, "\n# loopback address, labelled %s so that ifupdown2 leaves it "
			           "alone\niface lo inet loopback\n",
			        IFPLAN_LOOPBACK_LABEL);
		else
			fprintf(f, "\n# loopback addresses, added by post-up so that ifupdown2 leaves "
			           "them alone\niface lo inet loopback\n");
		if (p->has_loopback)
			fprintf(f, "\tpost-up ip addr replace %s dev lo label %s\n",
			        prefix4_str(&p->loopback, buf), IFPLAN_LOOPBACK_LABEL);
		if (p->has_loopback6)
			fprintf(f, "\tpost-up ip -6 addr replace %s dev lo\n",
			        prefix6_str(&p->loopback6, buf6));
	}
	if (fclose(f) != 0)
		fatalx("out of memory");
	return out;
}

char *
ifplan_render_text(const struct ifplan *p)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	char buf[19], buf6[PREFIX6_STRLEN];

	if (f == NULL)
		fatalx("out of memory");
	fprintf(f, "interfaces:\n");
	for (size_t i = 0; i < p->n_links; i++) {
		const struct ifplan_link *l = &p->links[i];

		fprintf(f, "  %-15s %-18s peer %s, cost %u", l->ifname,
		        l->address.len ? prefix4_str(&l->address, buf) : "-", l->peer,
		        (unsigned)l->cost);
		if (l->mtu)
			fprintf(f, ", mtu %u", l->mtu);
		fprintf(f, "\n");
		if (l->has6)
			fprintf(f, "  %-15s %s\n", "", prefix6_str(&l->address6, buf6));
	}
	if (p->has_loopback)
		fprintf(f, "  %-15s %-18s label %s\n", "lo", prefix4_str(&p->loopback, buf),
		        IFPLAN_LOOPBACK_LABEL);
	if (p->has_loopback6)
		fprintf(f, "  %-15s %s\n", "lo", prefix6_str(&p->loopback6, buf6));
	if (p->n_links == 0 && !p->has_loopback && !p->has_loopback6)
		fprintf(f, "  (none)\n");
	fprintf(f, "sysctls:\n");
	for (size_t i = 0; i < p->n_sysctls; i++)
		fprintf(f, "  %s = %s\n", p->sysctls[i].path, p->sysctls[i].value);
	if (fclose(f) != 0)
		fatalx("out of memory");
	return out;
}
