/* meshshow.c - `proxmesh mesh` output: a table and link matrix, JSON, and
 * Graphviz (pure) */
#include "meshshow.h"

#include <jansson.h>
#include <string.h>

#include "util.h"

#define _cleanup_json_ _cleanup_(json_decrefp)

/* A table printed with columns as wide as their widest cell. */
struct table {
	struct strv cells; /* row by row, cols per row */
	size_t cols;
};

static void
table_row(struct table *t, const char *const cells[])
{
	for (size_t i = 0; i < t->cols; i++)
		strv_push_dup(&t->cells, cells[i] ? cells[i] : "");
}

static void
table_print(struct table *t, FILE *out)
{
	_cleanup_free_ size_t *w = xcalloc(t->cols, sizeof(*w));

	for (size_t i = 0; i < t->cells.n; i++) {
		size_t len = strlen(t->cells.v[i]);

		if (len > w[i % t->cols])
			w[i % t->cols] = len;
	}
	for (size_t i = 0; i < t->cells.n; i++) {
		size_t c = i % t->cols;

		if (c + 1 == t->cols)
			fprintf(out, "%s\n", t->cells.v[i]);
		else
			fprintf(out, "%-*s  ", (int)w[c], t->cells.v[i]);
	}
	strv_free(&t->cells);
}

/* A node's name, or a router id in one of four rotating buffers. */
static const char *
end_name(const struct mesh_end *e)
{
	static char buf[4][16];
	static unsigned i;

	if (e->node)
		return e->node->name;
	i = (i + 1) % 4;
	return ip4_str(e->router_id, buf[i]);
}

static const char *
host_role(const struct mesh_host *h)
{
	if (!h->has_lsa || !h->role_known)
		return NULL;
	return h->max_metric ? "endpoint" : "transit";
}

static const char *
role_str(enum node_role r)
{
	return r == ROLE_ENDPOINT ? "endpoint" : "transit";
}

/* "200", "150 (configured 200)", "-" (not listed), into buf. */
static const char *
cost_str(const struct mesh_end *e, char buf[static 48])
{
	if (!e->listed)
		return "-";
	if (e->cost_mismatch)
		snprintf(buf, 48, "%u (configured %u)", e->cost, e->expected);
	else
		snprintf(buf, 48, "%u", e->cost);
	return buf;
}

static void
link_title(const struct mesh_link *l, char buf[static 200])
{
	if (l->configured)
		snprintf(buf, 200, "%s %s -- %s %s", l->a.node->name, l->a.ifname, l->b.node->name,
		         l->b.ifname ? l->b.ifname : "?");
	else
		snprintf(buf, 200, "%s -- %s%s", end_name(&l->a), end_name(&l->b),
		         l->type == LSDB_LINK_TRANSIT ? " (transit network)" : "");
}

/* The state of the configured link between hosts x and y, or NULL. */
static const struct mesh_link *
find_link(const struct mesh_view *v, const struct node_conf *x, const struct node_conf *y)
{
	for (size_t i = 0; i < v->n_links; i++) {
		const struct mesh_link *l = &v->links[i];

		if (l->a.node && l->b.node && l->type == LSDB_LINK_P2P &&
		    ((l->a.node == x && l->b.node == y) || (l->a.node == y && l->b.node == x)))
			return l;
	}
	return NULL;
}

/* A matrix cell: "up", "half", "DOWN", "extra" (a link the configuration
 * lacks), "." (no link). */
static const char *
matrix_cell(const struct mesh_link *l)
{
	if (l == NULL)
		return ".";
	if (!l->configured)
		return "extra";
	return l->state == MESH_DOWN ? "DOWN" : mesh_state_str(l->state);
}

static void
print_problems(const struct mesh_view *v, FILE *out)
{
	char title[200], ip[16];

	for (size_t i = 0; i < v->n_hosts; i++) {
		const struct mesh_host *h = &v->hosts[i];

		if (h->gone)
			fprintf(out, "host %s (%s): gone: %s\n", h->node->name,
			        ip4_str(h->node->router_id, ip),
			        !h->has_lsa ? "no router LSA (aged out, flushed or never seen)"
			        : h->behind_endpoint
			            ? "reached only through an endpoint, which forwards nothing"
			            : "its last LSA is there but no link leads to it");
		if (h->role_mismatch)
			fprintf(out, "host %s: OSPF sees a%s %s, the configuration says %s\n",
			        h->node->name, h->max_metric ? "n" : "", host_role(h),
			        role_str(h->node->role));
	}
	for (size_t i = 0; i < v->n_links; i++) {
		const struct mesh_link *l = &v->links[i];
		const struct mesh_end *e[2] = {&l->a, &l->b};

		link_title(l, title);
		if (!l->configured) {
			fprintf(out, "link %s: not in the configuration (%s)\n", title,
			        mesh_state_str(l->state));
			continue;
		}
		if (l->state == MESH_DOWN)
			fprintf(out, "link %s: down (neither end lists it)\n", title);
		else if (l->state == MESH_HALF)
			fprintf(out, "link %s: half (only %s lists it)\n", title,
			        l->a.listed ? l->a.node->name : l->b.node->name);
		for (int k = 0; k < 2; k++)
			if (e[k]->cost_mismatch)
				fprintf(out, "link %s: %s advertises cost %u, configured %u\n",
				        title, e[k]->node->name, e[k]->cost, e[k]->expected);
	}
}

void
meshshow_text(const struct mesh_view *v, FILE *out)
{
	struct table t = {.cols = 6};
	char ip[16], area[16], age[24], title[200], ca[48], cb[48];

	fprintf(out, "%smesh seen from %s (router id %s), area %s: ", v->v6 ? "OSPFv3 " : "",
	        v->self ? v->self->name : "this host", ip4_str(v->self_id, ip),
	        area_str(v->area, area));
	if (v->problems == 0)
		fprintf(out, "as configured\n\n");
	else
		fprintf(out, "%u difference%s from the configuration\n\n", v->problems,
		        v->problems == 1 ? "" : "s");

	table_row(&t,
	          (const char *[]){"HOST", "ROUTER ID", "ROLE", "REACHABLE", "LSA AGE", "STATE"});
	for (size_t i = 0; i < v->n_hosts; i++) {
		const struct mesh_host *h = &v->hosts[i];
		_cleanup_free_ char *role = NULL;

		if (h->role_mismatch)
			role =
			    xasprintf("%s (configured %s)", host_role(h), role_str(h->node->role));
		snprintf(age, sizeof(age), "%u s", h->age);
		table_row(&t, (const char *[]){h->node->name, ip4_str(h->node->router_id, ip),
		                               role           ? role
		                               : host_role(h) ? host_role(h)
		                                              : "-",
		                               h->self        ? "self"
		                               : h->reachable ? "yes"
		                                              : "no",
		                               h->has_lsa ? age : "-", h->gone ? "gone" : "ok"});
	}
	table_print(&t, out);

	fputc('\n', out);
	t = (struct table){.cols = 4};
	table_row(&t, (const char *[]){"LINK", "STATE", "COST A>B", "COST B>A"});
	for (size_t i = 0; i < v->n_links; i++) {
		const struct mesh_link *l = &v->links[i];
		_cleanup_free_ char *state = NULL;

		link_title(&v->links[i], title);
		if (!l->configured)
			state = xasprintf("%s, unexpected", mesh_state_str(l->state));
		table_row(&t, (const char *[]){title, state ? state : mesh_state_str(l->state),
		                               cost_str(&l->a, ca), cost_str(&l->b, cb)});
	}
	table_print(&t, out);

	/* hosts × hosts: the state of the link between row and column */
	fputc('\n', out);
	t = (struct table){.cols = v->n_hosts + 1};
	{
		_cleanup_free_ const char **row = xcalloc(t.cols, sizeof(*row));

		row[0] = "";
		for (size_t j = 0; j < v->n_hosts; j++)
			row[j + 1] = v->hosts[j].node->name;
		table_row(&t, row);
		for (size_t i = 0; i < v->n_hosts; i++) {
			row[0] = v->hosts[i].node->name;
			for (size_t j = 0; j < v->n_hosts; j++)
				row[j + 1] = i == j ? "-"
				                    : matrix_cell(find_link(v, v->hosts[i].node,
				                                            v->hosts[j].node));
			table_row(&t, row);
		}
		table_print(&t, out);
	}
	if (v->problems) {
		fputc('\n', out);
		print_problems(v, out);
	}
}

static json_t *
json_ip(struct in_addr a)
{
	char ip[16];

	return json_string(ip4_str(a, ip));
}

static json_t *
end_json(const struct mesh_end *e)
{
	json_t *o = json_object();

	json_object_set_new(o, "node", e->node ? json_string(e->node->name) : json_null());
	json_object_set_new(o, "router_id", json_ip(e->router_id));
	json_object_set_new(o, "interface", e->ifname ? json_string(e->ifname) : json_null());
	json_object_set_new(o, "listed", json_boolean(e->listed));
	json_object_set_new(o, "cost", e->listed ? json_integer(e->cost) : json_null());
	json_object_set_new(o, "configured_cost",
	                    e->node && e->ifname ? json_integer(e->expected) : json_null());
	json_object_set_new(o, "cost_mismatch", json_boolean(e->cost_mismatch));
	return o;
}

static json_t *
view_json(const struct mesh_view *v, bool top)
{
	json_t *root = json_object();
	json_t *hosts = json_array(), *links = json_array(), *unexpected = json_array();
	char area[16];

	if (top)
		json_object_set_new(root, "format", json_integer(1));
	if (v->v6)
		json_object_set_new(root, "family", json_string("ipv6"));
	json_object_set_new(root, "node", v->self ? json_string(v->self->name) : json_null());
	json_object_set_new(root, "router_id", json_ip(v->self_id));
	json_object_set_new(root, "area", json_string(area_str(v->area, area)));
	json_object_set_new(root, "as_configured", json_boolean(v->problems == 0));
	json_object_set_new(root, "problems", json_integer(v->problems));
	for (size_t i = 0; i < v->n_hosts; i++) {
		const struct mesh_host *h = &v->hosts[i];
		json_t *o = json_object();

		json_object_set_new(o, "name", json_string(h->node->name));
		json_object_set_new(o, "router_id", json_ip(h->node->router_id));
		json_object_set_new(o, "self", json_boolean(h->self));
		json_object_set_new(o, "state", json_string(h->gone ? "gone" : "ok"));
		json_object_set_new(o, "reachable", json_boolean(h->reachable));
		json_object_set_new(o, "behind_endpoint", json_boolean(h->behind_endpoint));
		json_object_set_new(o, "lsa_age", h->has_lsa ? json_integer(h->age) : json_null());
		json_object_set_new(o, "role",
		                    host_role(h) ? json_string(host_role(h)) : json_null());
		json_object_set_new(o, "configured_role", json_string(role_str(h->node->role)));
		json_object_set_new(o, "role_mismatch", json_boolean(h->role_mismatch));
		json_array_append_new(hosts, o);
	}
	for (size_t i = 0; i < v->n_links; i++) {
		const struct mesh_link *l = &v->links[i];
		json_t *o = json_object();

		json_object_set_new(o, "state", json_string(mesh_state_str(l->state)));
		if (!l->configured)
			json_object_set_new(o, "type", json_string(lsdb_link_type_str(l->type)));
		else
			json_object_set_new(o, "cost_mismatch",
			                    json_boolean(l->a.cost_mismatch || l->b.cost_mismatch));
		json_object_set_new(o, "a", end_json(&l->a));
		json_object_set_new(o, "b", end_json(&l->b));
		json_array_append_new(l->configured ? links : unexpected, o);
	}
	json_object_set_new(root, "hosts", hosts);
	json_object_set_new(root, "links", links);
	json_object_set_new(root, "unexpected", unexpected);
	return root;
}

void
meshshow_json(const struct mesh_view *v, const struct mesh_view *v6, FILE *out)
{
	_cleanup_json_ json_t *root = view_json(v, true);

	if (v6)
		json_object_set_new(root, "ipv6", view_json(v6, false));
	json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
}

static const char *
dot_colour(const struct mesh_link *l)
{
	if (!l->configured)
		return "blue";
	return l->state == MESH_UP ? "darkgreen" : l->state == MESH_HALF ? "orange" : "red";
}

/* A DOT id: a double-quoted string (names and addresses hold no quote). */
static void
dot_end(const struct mesh_end *e, FILE *out)
{
	fprintf(out, "\"%s\"", end_name(e));
}

void
meshshow_dot(const struct mesh_view *v, FILE *out)
{
	char ip[16], area[16], ca[48], cb[48];

	fprintf(out, "graph proxmesh%s {\n", v->v6 ? "_ipv6" : "");
	fprintf(out, "\tlabel=\"%smesh seen from %s, area %s: %s\";\n", v->v6 ? "OSPFv3 " : "",
	        v->self ? v->self->name : ip4_str(v->self_id, ip), area_str(v->area, area),
	        v->problems ? "differs from the configuration" : "as configured");
	fprintf(out, "\tnode [shape=box, style=rounded];\n");
	for (size_t i = 0; i < v->n_hosts; i++) {
		const struct mesh_host *h = &v->hosts[i];

		fprintf(out, "\t\"%s\" [label=\"%s\\n%s%s%s\"", h->node->name, h->node->name,
		        ip4_str(h->node->router_id, ip), host_role(h) ? "\\n" : "",
		        host_role(h) ? host_role(h) : "");
		if (h->gone)
			fprintf(out, ", color=red, fontcolor=red, style=\"rounded,dashed\"");
		else if (h->self)
			fprintf(out, ", penwidth=2");
		fprintf(out, "];\n");
	}
	for (size_t i = 0; i < v->n_links; i++) {
		const struct mesh_link *l = &v->links[i];
		bool mismatch = l->a.cost_mismatch || l->b.cost_mismatch;

		fputc('\t', out);
		dot_end(&l->a, out);
		fputs(" -- ", out);
		dot_end(&l->b, out);
		fprintf(out, " [color=%s, label=\"%s%s\", taillabel=\"%s\", headlabel=\"%s\"",
		        dot_colour(l), mesh_state_str(l->state),
		        l->configured ? "" : ", unexpected", cost_str(&l->a, ca),
		        cost_str(&l->b, cb));
		if (!l->configured)
			fputs(", style=dashed", out);
		if (mismatch)
			fputs(", penwidth=3, fontcolor=red", out);
		fputs("];\n", out);
	}
	fputs("}\n", out);
}
