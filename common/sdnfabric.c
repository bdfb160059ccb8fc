/* sdnfabric.c - Proxmox VE 9 SDN fabrics that claim a part of the mesh on
 * this host (pure)
 *
 * fabrics.cfg is a Proxmox section config (proxmox-section-config's
 * writer): "TYPE: ID" at column 0, then one "\tKEY VALUE" line per property
 * (an array repeats its key), an empty line between sections, "#" lines
 * skipped. */
#include "sdnfabric.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The node section being read, when it is this host's. */
struct section {
	bool ours;
	char fabric[SDN_FABRIC_ID_MAX + 1];
	char protocol[SDN_PROTOCOL_MAX + 1];
};

static void
add_claim(struct sdn_conflicts *c, const struct section *s, const char *ifname, unsigned line)
{
	struct sdn_claim *cl;

	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	cl = &c->v[c->n++];
	*cl = (struct sdn_claim){.line = line};
	snprintf(cl->fabric, sizeof(cl->fabric), "%s", s->fabric);
	snprintf(cl->protocol, sizeof(cl->protocol), "%s", s->protocol);
	snprintf(cl->ifname, sizeof(cl->ifname), "%s", ifname);
}

/* "PROTOCOL_node: FABRIC_NODE" (the id split at its first '_'): is it a
 * node section of this host? */
static void
read_header(char *line, const char *node, struct section *s)
{
	char *colon = strchr(line, ':'), *id, *under;
	size_t tlen;

	*s = (struct section){0};
	if (colon == NULL)
		return;
	tlen = (size_t)(colon - line);
	if (tlen <= strlen("_node") || strncmp(colon - strlen("_node"), "_node", 5) != 0 ||
	    tlen - strlen("_node") > SDN_PROTOCOL_MAX)
		return;
	id = colon + 1 + strspn(colon + 1, " \t");
	under = strchr(id, '_');
	if (under == NULL || under == id || (size_t)(under - id) > SDN_FABRIC_ID_MAX ||
	    strcmp(under + 1, node) != 0)
		return;
	s->ours = true;
	snprintf(s->protocol, sizeof(s->protocol), "%.*s", (int)(tlen - strlen("_node")), line);
	snprintf(s->fabric, sizeof(s->fabric), "%.*s", (int)(under - id), id);
}

/* The interface an "interfaces" value names: its name= field (any
 * position; a bare first field is taken as the name too). */
static void
interface_name(const char *value, char ifname[static IFNAMSIZ])
{
	const char *f = value;

	ifname[0] = '\0';
	while (*f) {
		size_t n = strcspn(f, ",");

		if (n > 5 && strncmp(f, "name=", 5) == 0) {
			if (n - 5 < IFNAMSIZ)
				snprintf(ifname, IFNAMSIZ, "%.*s", (int)(n - 5), f + 5);
			return;
		}
		if (f == value && memchr(f, '=', n) == NULL && n > 0 && n < IFNAMSIZ)
			snprintf(ifname, IFNAMSIZ, "%.*s", (int)n, f);
		f += n + (f[n] == ',');
	}
}

static void
read_property(char *line, const struct strv *ifnames, const struct section *s, unsigned lineno,
              struct sdn_conflicts *c)
{
	char *key = line + strspn(line, " \t"), *value;
	char ifname[IFNAMSIZ];

	value = key + strcspn(key, " \t");
	if (*value)
		*value++ = '\0';
	value += strspn(value, " \t");
	if (strcmp(key, "interfaces") != 0)
		return;
	interface_name(value, ifname);
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].ifname, ifname) == 0)
			return; /* claimed already */
	if (ifname[0] && strv_contains(ifnames, ifname))
		add_claim(c, s, ifname, lineno);
}

void
sdnfabric_conflicts(const char *text, const char *node, const struct strv *ifnames,
                    struct sdn_conflicts *out)
{
	_cleanup_free_ char *copy = xstrdup(text);
	struct section s = {0};
	unsigned lineno = 0;

	*out = (struct sdn_conflicts){0};
	/* strtok_r would skip the empty lines that end a section */
	for (char *line = copy, *next; line; line = next) {
		size_t len;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		len = strlen(line);
		while (len > 0 && isspace((unsigned char)line[len - 1]))
			line[--len] = '\0';
		if (len == 0) {
			s = (struct section){0};
		} else if (line[0] == '#') {
			continue;
		} else if (line[0] == ' ' || line[0] == '\t') {
			if (s.ours)
				read_property(line, ifnames, &s, lineno, out);
		} else {
			read_header(line, node, &s);
			if (s.ours && strcmp(s.protocol, "ospf") == 0 && !out->whole_host) {
				out->whole_host = true;
				add_claim(out, &s, "", lineno);
				/* first: the claim that says the most */
				struct sdn_claim whole = out->v[out->n - 1];

				memmove(out->v + 1, out->v, (out->n - 1) * sizeof(*out->v));
				out->v[0] = whole;
			}
		}
	}
}

bool
sdnfabric_claims(const struct sdn_conflicts *c, const char *ifname)
{
	if (c->whole_host)
		return true;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].ifname, ifname) == 0)
			return true;
	return false;
}

char *
sdnfabric_describe(const struct sdn_conflicts *c, const char *fabrics_path, const char *config_path)
{
	const struct sdn_claim *first;
	_cleanup_free_ char *names = NULL, *fabric = NULL;
	struct strv ifnames = {0};
	bool others = false;

	if (c->n == 0)
		return NULL;
	first = &c->v[0];
	for (size_t i = 0; i < c->n; i++) {
		others = others || strcmp(c->v[i].fabric, first->fabric) != 0;
		if (c->v[i].ifname[0] != '\0')
			strv_push_dup(&ifnames, c->v[i].ifname);
	}
	fabric = xasprintf("\"%s\"%s", first->fabric, others ? " (and others)" : "");
	names = strv_join(&ifnames, ifnames.n, ", ");
	strv_free(&ifnames);
	if (c->whole_host)
		return xasprintf("%s:%u: Proxmox SDN's OSPF fabric %s runs on this host, a second "
		                 "owner of router ospf beside the mesh in %s%s%s: proxmesh changes "
		                 "nothing in FRR and leaves every link as it is until the fabric goes",
		                 fabrics_path, first->line, fabric, config_path,
		                 names[0] ? ", and claims " : "", names);
	return xasprintf("%s:%u: Proxmox SDN's %s fabric %s claims %s of the mesh in %s: proxmesh "
	                 "leaves %s as %s until the fabric lets go (the other links are configured)",
	                 fabrics_path, first->line, first->protocol, fabric, names, config_path,
	                 c->n == 1 ? "that link" : "those links", c->n == 1 ? "it is" : "they are");
}

void
sdnfabric_free(struct sdn_conflicts *c)
{
	free(c->v);
	*c = (struct sdn_conflicts){0};
}
