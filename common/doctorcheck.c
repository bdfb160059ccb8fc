/* doctorcheck.c - `proxmesh doctor`: verdicts on a host against the mesh, their
 * output, and the checks that need no I/O (pure) */
#include "doctorcheck.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "addrplan.h"

static const char *const verdict_names[] = {
	[DOCTOR_OK] = "ok",
	[DOCTOR_SKIP] = "skip",
	[DOCTOR_WARN] = "warn",
	[DOCTOR_FAIL] = "fail",
};

void
doctor_add(struct doctor_report *r, enum doctor_verdict v, const char *name, const char *remedy,
           const char *fmt, ...)
{
	struct doctor_check *c;
	va_list ap;

	r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	c = &r->v[r->n++];
	va_start(ap, fmt);
	*c = (struct doctor_check){
		.verdict = v,
		.name = xstrdup(name),
		.detail = xvasprintf(fmt, ap),
		.remedy = remedy ? xstrdup(remedy) : NULL,
	};
	va_end(ap);
}

int
doctor_exit_code(const struct doctor_report *r)
{
	int code = 0;

	for (size_t i = 0; i < r->n; i++) {
		if (r->v[i].verdict == DOCTOR_FAIL)
			return 2;
		if (r->v[i].verdict == DOCTOR_WARN)
			code = 1;
	}
	return code;
}

static void
count(const struct doctor_report *r, unsigned out[4])
{
	memset(out, 0, 4 * sizeof(*out));
	for (size_t i = 0; i < r->n; i++)
		out[r->v[i].verdict]++;
}

char *
doctor_text(const struct doctor_report *r)
{
	char *buf = NULL;
	size_t len = 0, width = 0;
	unsigned n[4];
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		abort();
	for (size_t i = 0; i < r->n; i++)
		if (strlen(r->v[i].name) > width)
			width = strlen(r->v[i].name);
	for (size_t i = 0; i < r->n; i++) {
		const struct doctor_check *c = &r->v[i];

		fprintf(f, "%-5s %-*s  %s\n", verdict_names[c->verdict], (int)width, c->name,
		        c->detail);
		if (c->remedy && (c->verdict == DOCTOR_WARN || c->verdict == DOCTOR_FAIL))
			fprintf(f, "%-5s %-*s  fix: %s\n", "", (int)width, "", c->remedy);
	}
	count(r, n);
	fprintf(f, "%u ok, %u warning%s, %u failure%s, %u skipped\n", n[DOCTOR_OK], n[DOCTOR_WARN],
	        n[DOCTOR_WARN] == 1 ? "" : "s", n[DOCTOR_FAIL], n[DOCTOR_FAIL] == 1 ? "" : "s",
	        n[DOCTOR_SKIP]);
	fclose(f);
	return buf;
}

char *
doctor_json(const struct doctor_report *r)
{
	json_t *root = json_object(), *checks = json_array();
	unsigned n[4];
	char *s;

	for (size_t i = 0; i < r->n; i++) {
		const struct doctor_check *c = &r->v[i];

		json_array_append_new(
		    checks, json_pack("{s:s, s:s, s:s, s:o}", "check", c->name, "verdict",
		                      verdict_names[c->verdict], "detail", c->detail, "remedy",
		                      c->remedy ? json_string(c->remedy) : json_null()));
	}
	count(r, n);
	json_object_set_new(root, "checks", checks);
	json_object_set_new(root, "ok", json_integer(n[DOCTOR_OK]));
	json_object_set_new(root, "warnings", json_integer(n[DOCTOR_WARN]));
	json_object_set_new(root, "failures", json_integer(n[DOCTOR_FAIL]));
	json_object_set_new(root, "skipped", json_integer(n[DOCTOR_SKIP]));
	json_object_set_new(root, "exit", json_integer(doctor_exit_code(r)));
	s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (s == NULL)
		abort();
	return s;
}

void
doctor_free(struct doctor_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].detail);
		free(r->v[i].remedy);
	}
	free(r->v);
	*r = (struct doctor_report){0};
}

struct mesh_addr
doctor_mesh_addr(const struct config *c, struct in_addr a)
{
	struct mesh_addr m = {MESH_ADDR_NONE, NULL, NULL};

	for (size_t i = 0; i < c->n_nodes && m.kind == MESH_ADDR_NONE; i++) {
		const struct node_conf *n = &c->nodes[i];
		struct link_plan *links = NULL;
		char *err = NULL;

		if (n->has_loopback && n->loopback.addr.s_addr == a.s_addr)
			return (struct mesh_addr){MESH_ADDR_LOOPBACK, n, NULL};
		if (addrplan_node(c, n, &links, &err) == 0)
			for (size_t k = 0; k < n->n_links; k++)
				if (links[k].local.addr.s_addr == a.s_addr)
					m = (struct mesh_addr){MESH_ADDR_LINK, n, links[k].link};
		free(links);
		free(err);
	}
	return m;
}

static bool
ip4(const char *s, struct in_addr *out)
{
	return inet_pton(AF_INET, s, out) == 1;
}

/* The nodes Ceph and migration are about: those named in members, else
 * every transit node; with a loopback. */
static void
cluster_nodes(const struct config *c, const struct strv *members,
              const struct node_conf **out, size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < c->n_nodes; i++) {
		const struct node_conf *nd = &c->nodes[i];
		bool in = members && members->n ? strv_contains(members, nd->name)
		                                 : nd->role == ROLE_TRANSIT && !nd->external;

		if (in && nd->has_loopback)
			out[(*n)++] = nd;
	}
}

/* The smallest prefix holding the loopbacks of nodes, for a remedy. */
static struct prefix4
covering(const struct node_conf *const *nodes, size_t n)
{
	struct prefix4 p = {.len = 32};
	uint32_t first, diff = 0;

	if (n == 0)
		return p;
	first = ntohl(nodes[0]->loopback.addr.s_addr);
	for (size_t i = 1; i < n; i++)
		diff |= first ^ ntohl(nodes[i]->loopback.addr.s_addr);
	while (p.len > 0 && (diff & prefix4_mask(p.len)))
		p.len--;
	p.addr.s_addr = htonl(first & prefix4_mask(p.len));
	return p;
}

/* names of nodes (", "-separated), owned */
static char *
node_list(const struct node_conf *const *nodes, size_t n)
{
	struct strv sv = {0};
	char *s;

	for (size_t i = 0; i < n; i++)
		strv_push_dup(&sv, nodes[i]->name);
	s = strv_join(&sv, n, ", ");
	strv_free(&sv);
	return s;
}

void
doctor_corosync(struct doctor_report *r, const struct config *c, const struct corosync_conf *cc,
                const char *path)
{
	struct strv names = {0};
	size_t before = r->n;
	unsigned on_loopbacks = 0;

	for (size_t i = 0; i < cc->n_addrs; i++)
		if (!strv_contains(&names, cc->addrs[i].node))
			strv_push_dup(&names, cc->addrs[i].node);
	for (size_t k = 0; k < names.n; k++) {
		const struct corosync_addr *last = NULL;
		unsigned links = 0, mesh = 0;

		for (size_t i = 0; i < cc->n_addrs; i++) {
			const struct corosync_addr *e = &cc->addrs[i];
			struct in_addr a;
			struct mesh_addr m = {MESH_ADDR_NONE, NULL, NULL};
			char lo[16];

			if (strcmp(e->node, names.v[k]) != 0)
				continue;
			links++;
			last = e;
			if (ip4(e->addr, &a))
				m = doctor_mesh_addr(c, a);
			if (m.kind == MESH_ADDR_LOOPBACK) {
				mesh++;
				on_loopbacks++;
			} else if (m.kind == MESH_ADDR_LINK) {
				_cleanup_free_ char *remedy = NULL;
				const struct node_conf *own = config_find_node(c, e->node);

				mesh++;
				if (own == NULL || !own->has_loopback)
					own = m.node;
				remedy = own->has_loopback
				             ? xasprintf("give %s link %u its mesh loopback %s "
				                         "(ring%u_addr), which every path of the "
				                         "mesh carries",
				                         e->node, e->link,
				                         ip4_str(own->loopback.addr, lo), e->link)
				             : xasprintf("give %s link %u an address that does not "
				                         "depend on one cable",
				                         e->node, e->link);
				doctor_add(r, DOCTOR_WARN, "corosync", remedy,
				           "%s:%u: %s's link %u is %s, the address of %s's %s "
				           "(the cable to %s): the link dies with that cable",
				           path, e->line, e->node, e->link, e->addr, m.node->name,
				           m.link->ifname, m.link->peer);
			}
		}
		if (links > 0 && mesh == links)
			doctor_add(r, DOCTOR_WARN, "corosync",
			           "add a corosync link on another network (e.g. the management "
			           "LAN), so that no single fault of the mesh takes quorum",
			           "%s:%u: every corosync link of %s is on the mesh",
			           path, last->line, names.v[k]);
	}
	if (r->n == before) {
		if (on_loopbacks)
			doctor_add(r, DOCTOR_OK, "corosync", NULL,
			           "%s: %u node link%s on mesh loopbacks, none on a link address, "
			           "every node also has a link off the mesh",
			           path, on_loopbacks, on_loopbacks == 1 ? "" : "s");
		else
			doctor_add(r, DOCTOR_OK, "corosync", NULL,
			           "%s: corosync does not use the mesh (%zu node%s)", path,
			           names.n, names.n == 1 ? "" : "s");
	}
	strv_free(&names);
}

/* One network list of ceph.conf against the loopbacks of nodes. */
static void
ceph_network(struct doctor_report *r, const char *key, const struct ceph_item *v, size_t n,
             const struct node_conf *const *nodes, size_t n_nodes, const char *path)
{
	const struct node_conf *missing[64];
	size_t n_missing = 0, n_ip4 = 0;
	struct prefix4 nets[32];
	char buf[19];

	for (size_t i = 0; i < n && n_ip4 < ARRAY_SIZE(nets); i++)
		if (prefix4_parse(v[i].text, &nets[n_ip4]) == 0)
			n_ip4++;
	if (n_ip4 == 0) {
		doctor_add(r, DOCTOR_SKIP, "ceph network", NULL, "%s: %s is %s%s", path, key,
		           n ? "not IPv4: " : "not set",
		           n ? v[0].text : " (Ceph's configuration database may hold it)");
		return;
	}
	for (size_t k = 0; k < n_nodes; k++) {
		bool in = false;

		for (size_t i = 0; i < n_ip4 && !in; i++)
			in = prefix4_contains(&nets[i], nodes[k]->loopback.addr);
		if (!in && n_missing < ARRAY_SIZE(missing))
			missing[n_missing++] = nodes[k];
	}
	if (n_missing) {
		_cleanup_free_ char *who = node_list(missing, n_missing);
		struct prefix4 want = covering(nodes, n_nodes);
		_cleanup_free_ char *remedy =
		    xasprintf("set %s to a network holding the mesh loopbacks (e.g. %s), so "
		              "that Ceph's traffic takes the mesh",
		              key, prefix4_str(&want, buf));

		doctor_add(r, DOCTOR_WARN, "ceph network", remedy,
		           "%s:%u: %s %s does not hold the mesh loopback of %s", path, v[0].line,
		           key, v[0].text, who);
	} else {
		_cleanup_free_ char *who = node_list(nodes, n_nodes);

		doctor_add(r, DOCTOR_OK, "ceph network", NULL,
		           "%s: %s %s holds the mesh loopbacks of %s", path, key, v[0].text, who);
	}
}

void
doctor_ceph(struct doctor_report *r, const struct config *c, const struct ceph_conf *cc,
            const struct strv *members, const char *path)
{
	const struct node_conf **nodes = xcalloc(c->n_nodes + 1, sizeof(*nodes));
	size_t n_nodes, before;
	unsigned on_mesh = 0;
	char lo[16];

	cluster_nodes(c, members, nodes, &n_nodes);
	ceph_network(r, "public_network", cc->public_networks, cc->n_public_networks, nodes,
	             n_nodes, path);
	if (cc->n_cluster_networks)
		ceph_network(r, "cluster_network", cc->cluster_networks, cc->n_cluster_networks,
		             nodes, n_nodes, path);
	else
		doctor_add(r, DOCTOR_OK, "ceph network", NULL,
		           "%s: no cluster_network: replication takes the public network", path);
	free(nodes);

	before = r->n;
	for (size_t i = 0; i < cc->n_mons; i++) {
		const struct ceph_item *m = &cc->mons[i];
		struct mesh_addr ma = {MESH_ADDR_NONE, NULL, NULL};
		struct in_addr a;

		if (!ip4(m->text, &a)) {
			doctor_add(r, DOCTOR_SKIP, "ceph monitor", NULL,
			           "%s:%u: monitor %s is not an IPv4 address: not checked", path,
			           m->line, m->text);
			continue;
		}
		ma = doctor_mesh_addr(c, a);
		if (ma.kind == MESH_ADDR_LOOPBACK) {
			on_mesh++;
		} else if (ma.kind == MESH_ADDR_LINK) {
			_cleanup_free_ char *remedy =
			    ma.node->has_loopback
			        ? xasprintf("move the monitor to %s's mesh loopback %s", ma.node->name,
			                    ip4_str(ma.node->loopback.addr, lo))
			        : xasprintf("move the monitor to an address that does not depend "
			                    "on one cable");

			doctor_add(r, DOCTOR_WARN, "ceph monitor", remedy,
			           "%s:%u: monitor %s is %s's address on %s (the cable to %s): it "
			           "dies with that cable",
			           path, m->line, m->text, ma.node->name, ma.link->ifname,
			           ma.link->peer);
		} else {
			doctor_add(r, DOCTOR_WARN, "ceph monitor",
			           "create the monitors on the mesh loopbacks (pveceph mon create "
			           "--mon-address LOOPBACK) and remove this one",
			           "%s:%u: monitor %s is not a mesh loopback: the mesh does not "
			           "carry it",
			           path, m->line, m->text);
		}
	}
	if (r->n == before && on_mesh)
		doctor_add(r, DOCTOR_OK, "ceph monitor", NULL,
		           on_mesh == 1 ? "%s: the monitor is on a mesh loopback"
		                        : "%s: all %u monitors on mesh loopbacks",
		           path, on_mesh);
	else if (r->n == before)
		doctor_add(r, DOCTOR_SKIP, "ceph monitor", NULL, "%s: no monitor address in the file",
		           path);
}

void
doctor_migration(struct doctor_report *r, const struct config *c, const char *net,
                 const char *path, unsigned line)
{
	const struct node_conf **nodes = xcalloc(c->n_nodes + 1, sizeof(*nodes));
	struct prefix4 p;
	size_t n = 0;
	bool all = true;

	if (net[0] == '\0') {
		doctor_add(r, DOCTOR_OK, "migration", NULL,
		           "%s: no migration network: guests migrate over the management "
		           "network (informational)",
		           path);
		free(nodes);
		return;
	}
	cluster_nodes(c, NULL, nodes, &n);
	if (prefix4_parse(net, &p) < 0) {
		doctor_add(r, DOCTOR_SKIP, "migration", NULL,
		           "%s:%u: migration network %s is not IPv4: not checked", path, line, net);
		free(nodes);
		return;
	}
	for (size_t i = 0; i < n; i++)
		all = all && prefix4_contains(&p, nodes[i]->loopback.addr);
	doctor_add(r, DOCTOR_OK, "migration", NULL,
	           all && n ? "%s:%u: migration network %s holds the mesh loopbacks: guests "
	                      "migrate over the mesh (informational)"
	                    : "%s:%u: migration network %s is not the mesh's loopbacks: "
	                      "guests migrate off the mesh (informational)",
	           path, line, net);
	free(nodes);
}

static bool
granted(json_t *v)
{
	return json_is_true(v) || (json_is_integer(v) && json_integer_value(v) != 0);
}

void
doctor_privileges(struct doctor_report *r, json_t *data, const char *token_file)
{
	struct strv more = {0};
	const char *path, *priv;
	json_t *privs, *v;
	char *list;

	if (!json_is_object(data)) {
		doctor_add(r, DOCTOR_SKIP, "api privileges", NULL,
		           "the API did not say what the token may do");
		return;
	}
	json_object_foreach(data, path, privs) {
		json_object_foreach(privs, priv, v) {
			size_t n = strlen(priv);

			if (!granted(v) || (n >= 6 && !strcmp(priv + n - 6, ".Audit")))
				continue;
			strv_pushf(&more, "%s on %s", priv, path);
		}
	}
	if (!granted(json_object_get(json_object_get(data, "/"), "Sys.Audit")))
		doctor_add(r, DOCTOR_FAIL, "api privileges",
		           "give the token the PVEAuditor role on / (pveum acl modify / --tokens "
		           "'USER@REALM!ID' --roles PVEAuditor)",
		           "the token in %s lacks Sys.Audit on /: the cluster's membership is "
		           "hidden from it",
		           token_file);
	if (more.n) {
		list = strv_join(&more, 3, ", ");
		doctor_add(r, DOCTOR_WARN, "api privileges",
		           "proxmesh only reads: give the token PVEAuditor on / and nothing else "
		           "(a token with privilege separation, pveum user token add USER ID "
		           "--privsep 1)",
		           "the token in %s may change the cluster: %s%s (%zu privileges beyond "
		           "auditing)",
		           token_file, list, more.n > 3 ? ", ..." : "", more.n);
		free(list);
	} else if (granted(json_object_get(json_object_get(data, "/"), "Sys.Audit"))) {
		doctor_add(r, DOCTOR_OK, "api privileges", NULL,
		           "the token in %s may audit, nothing more", token_file);
	}
	strv_free(&more);
}

void
doctor_sdn(struct doctor_report *r, const struct sdn_conflicts *sdn, const char *fabrics_path,
           const char *config_path)
{
	_cleanup_free_ char *said = sdnfabric_describe(sdn, fabrics_path, config_path);

	if (said)
		doctor_add(r, DOCTOR_FAIL, "proxmox sdn",
		           "take the mesh's interfaces out of the fabric (Datacenter, SDN, "
		           "Fabrics) or out of proxmesh.conf: two owners of an interface or of "
		           "router ospf break both",
		           "%s", said);
	else
		doctor_add(r, DOCTOR_OK, "proxmox sdn", NULL,
		           "no fabric in %s claims a mesh link of this host", fabrics_path);
}

char *
doctor_frr_upstream(const char *pkgver)
{
	const char *colon = pkgver ? strchr(pkgver, ':') : NULL;
	const char *v = colon ? colon + 1 : pkgver;
	unsigned major, minor;
	size_t n;

	if (v == NULL || sscanf(v, "%u.%u", &major, &minor) != 2)
		return NULL;
	n = strspn(v, "0123456789.");
	return xstrndup(v, n);
}

const char *
doctor_apt_frr(json_t *data)
{
	size_t i;
	json_t *e;

	json_array_foreach(data, i, e) {
		const char *state = json_string_value(json_object_get(e, "CurrentState"));

		if (strcmp(json_string_value(json_object_get(e, "Package")) ?: "", "frr-pythontools"))
			continue;
		if (state && strcmp(state, "Installed"))
			return NULL;
		/* Version is the candidate; OldVersion the installed one */
		return json_string_value(json_object_get(e, "OldVersion"))
		           ?: json_string_value(json_object_get(e, "Version"));
	}
	return NULL;
}

static bool
too_old(const char *version)
{
	unsigned major, minor;

	return sscanf(version, "%u.%u", &major, &minor) == 2 &&
	       (major < DOCTOR_FRR_OLDEST_MAJOR ||
	        (major == DOCTOR_FRR_OLDEST_MAJOR && minor < DOCTOR_FRR_OLDEST_MINOR));
}

void
doctor_frr_versions(struct doctor_report *r, const struct config *c, const char *self,
                    char *const *versions, char *const *why)
{
	struct strv all = {0}, old = {0};
	_cleanup_free_ char *list = NULL, *olds = NULL;

	for (size_t i = 0; i < c->n_nodes; i++) {
		const char *name = c->nodes[i].name;
		bool me = strcmp(name, self) == 0;

		if (versions[i] == NULL)
			strv_push(&all, xasprintf("%s ? (%s)", name, why[i] ? why[i] : "unknown"));
		else
			strv_push(&all, xasprintf("%s %s%s", name, versions[i], me ? " (this host)" : ""));
		if (versions[i] && too_old(versions[i]))
			strv_push(&old, xasprintf("%s runs %s", name, versions[i]));
	}
	list = strv_join(&all, all.n, ", ");
	if (old.n) {
		olds = strv_join(&old, old.n, ", ");
		doctor_add(r, DOCTOR_WARN, "frr versions",
		           "upgrade FRR on those hosts (apt full-upgrade): proxmesh supports FRR "
		           "8.4 and newer",
		           "%s: older than proxmesh supports (%s)", olds, list);
	} else {
		doctor_add(r, DOCTOR_OK, "frr versions", NULL, "%s", list);
	}
	strv_free(&all);
	strv_free(&old);
}
