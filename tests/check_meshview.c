/* check_meshview.c - `proxmesh mesh`: the configuration against router LSAs
 * recorded on FRR 8.4, 10.3 and 10.7, and against edits of them for what
 * the lab cannot make (half links, unexpected links, a partition, roles) */
#include <arpa/inet.h>
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "lsdb.h"
#include "meshshow.h"
#include "meshview.h"
#include "testutil.h"

#define _cleanup_json_ _cleanup_(json_decrefp)

/* Router ids of the reference mesh (tu_reference_mesh and the lab). */
#define PVE1 "192.168.102.1"
#define PVE2 "192.168.102.2"
#define PBS "192.168.102.3"

/* Each FRR version as the host that runs it in the lab saw the mesh. */
static const char *const versions[][2] = {{"8.4", "pve-1"}, {"10.3", "pve-2"}, {"10.7", "pbs"}};

static json_t *
load_recorded(const char *version, const char *host, const char *state)
{
	_cleanup_free_ char *name =
	    state ? xasprintf("%s.%s.ip-ospf-database-router-json.txt", host, state)
	          : xasprintf("%s.ip-ospf-database-router-json.txt", host);
	_cleanup_free_ char *text = tu_read_frr(version, name);
	json_t *root = json_loads(text, 0, NULL);

	ck_assert_ptr_nonnull(root);
	return root;
}

/* ---- edits of a recorded database (area 0.0.0.0) ---- */

static json_t *
lsas(json_t *root)
{
	json_t *a = json_object_get(
	    json_object_get(json_object_get(root, "routerLinkStates"), "areas"), "0.0.0.0");

	ck_assert(json_is_array(a));
	return a;
}

static json_t *
lsa_of(json_t *root, const char *rid)
{
	size_t i;
	json_t *v;

	json_array_foreach(
	    lsas(root), i,
	    v) if (!strcmp(json_string_value(json_object_get(v, "advertisingRouter")),
	                   rid)) return v;
	ck_abort_msg("no LSA of %s", rid);
	return NULL;
}

static bool
is_p2p_to(json_t *l, const char *peer)
{
	json_t *t = json_object_get(l, "linkType"), *n = json_object_get(l, "neighborRouterId");

	return !strcmp(json_string_value(t), "another Router (point-to-point)") &&
	       (peer == NULL || !strcmp(json_string_value(n), peer));
}

/* rid no longer lists its point-to-point link to peer. */
static void
drop_link(json_t *root, const char *rid, const char *peer)
{
	json_t *links = json_object_get(lsa_of(root, rid), "routerLinks"), *l;
	const char *key;
	void *tmp;
	int n = 0;

	json_object_foreach_safe(links, tmp, key, l)
	{
		if (is_p2p_to(l, peer)) {
			json_object_del(links, key);
			n++;
		}
	}
	ck_assert_int_eq(n, 1);
}

/* rid advertises its point-to-point links to peer (all of them: NULL) at metric. */
static void
set_metric(json_t *root, const char *rid, const char *peer, int metric)
{
	json_t *links = json_object_get(lsa_of(root, rid), "routerLinks"), *l;
	const char *key;

	json_object_foreach(links, key, l) if (is_p2p_to(l, peer))
	    json_object_set_new(l, "tos0Metric", json_integer(metric));
}

static void
add_link(json_t *root, const char *rid, const char *peer, int metric)
{
	json_t *links = json_object_get(lsa_of(root, rid), "routerLinks");
	_cleanup_free_ char *key = xasprintf("link%zu", json_object_size(links));

	json_object_set_new(links, key,
	                    json_pack("{s:s, s:s, s:s, s:i, s:i}", "linkType",
	                              "another Router (point-to-point)", "neighborRouterId", peer,
	                              "routerInterfaceAddress", "10.9.9.9", "numOfTosMetrics", 0,
	                              "tos0Metric", metric));
}

static void
add_lsa(json_t *root, const char *rid)
{
	json_array_append_new(lsas(root), json_pack("{s:i, s:s, s:s, s:s, s:{}}", "lsaAge", 7,
	                                            "lsaType", "router-LSA", "linkStateId", rid,
	                                            "advertisingRouter", rid, "routerLinks"));
}

static void
drop_lsa(json_t *root, const char *rid)
{
	size_t i;
	json_t *v;

	json_array_foreach(lsas(root), i, v)
	{
		if (!strcmp(json_string_value(json_object_get(v, "advertisingRouter")), rid)) {
			json_array_remove(lsas(root), i);
			return;
		}
	}
	ck_abort_msg("no LSA of %s", rid);
}

static void
set_age(json_t *root, const char *rid, int age)
{
	json_object_set_new(lsa_of(root, rid), "lsaAge", json_integer(age));
}

/* ---- the view ---- */

struct fixture {
	struct config *config;
	struct lsdb db;
	struct mesh_view v;
};

static void
view(struct fixture *f, const char *conf, json_t *root)
{
	_cleanup_free_ char *text = json_dumps(root, 0);

	f->config = tu_parse(conf);
	ck_assert_int_eq(lsdb_parse(text, &f->db), 0);
	meshview_build(f->config, &f->db, &f->v);
}

static void
view_close(struct fixture *f)
{
	meshview_free(&f->v);
	lsdb_free(&f->db);
	config_free(f->config);
}

static const struct mesh_host *
host(const struct fixture *f, const char *name)
{
	const struct mesh_host *h = meshview_host(&f->v, config_find_node(f->config, name));

	ck_assert_ptr_nonnull(h);
	return h;
}

/* The configured link between a and b (a the lower id). */
static const struct mesh_link *
link_between(const struct fixture *f, const char *a, const char *b)
{
	for (size_t i = 0; i < f->v.n_configured; i++) {
		const struct mesh_link *l = &f->v.links[i];

		if (!strcmp(l->a.node->name, a) && !strcmp(l->b.node->name, b))
			return l;
	}
	ck_abort_msg("no link %s -- %s", a, b);
	return NULL;
}

static void
assert_link(const struct fixture *f, const char *a, const char *b, enum mesh_state state,
            int cost_ab, int cost_ba)
{
	const struct mesh_link *l = link_between(f, a, b);

	ck_assert_msg(l->state == state, "%s -- %s: %s, want %s", a, b, mesh_state_str(l->state),
	              mesh_state_str(state));
	ck_assert_int_eq(l->a.listed, cost_ab >= 0);
	ck_assert_int_eq(l->b.listed, cost_ba >= 0);
	if (cost_ab >= 0)
		ck_assert_uint_eq(l->a.cost, (unsigned)cost_ab);
	if (cost_ba >= 0)
		ck_assert_uint_eq(l->b.cost, (unsigned)cost_ba);
}

static void
assert_host(const struct fixture *f, const char *name, bool gone, bool reachable)
{
	const struct mesh_host *h = host(f, name);

	ck_assert_msg(h->gone == gone, "%s: gone %d", name, h->gone);
	ck_assert_msg(h->reachable == reachable, "%s: reachable %d", name, h->reachable);
}

/* Converged, on every version: as configured; the endpoint's 65535 is what
 * its configuration means, not a mismatch. */
START_TEST(converged)
{
	_cleanup_json_ json_t *root = load_recorded(versions[_i][0], versions[_i][1], NULL);
	struct fixture f;

	view(&f, tu_reference_mesh, root);
	ck_assert_uint_eq(f.v.problems, 0);
	ck_assert_ptr_nonnull(f.v.self);
	ck_assert_str_eq(f.v.self->name, versions[_i][1]);
	ck_assert_uint_eq(f.v.n_links, 3);
	ck_assert_uint_eq(f.v.n_configured, 3);
	assert_link(&f, "pve-1", "pve-2", MESH_UP, 200, 200);
	assert_link(&f, "pve-1", "pbs", MESH_UP, 10, 65535);
	assert_link(&f, "pve-2", "pbs", MESH_UP, 10, 65535);
	ck_assert_uint_eq(link_between(&f, "pve-1", "pbs")->b.expected, 65535);
	ck_assert_str_eq(link_between(&f, "pve-1", "pbs")->b.ifname, "nic3");
	for (size_t i = 0; i < f.v.n_hosts; i++) {
		const struct mesh_host *h = &f.v.hosts[i];

		ck_assert(!h->gone && h->reachable && h->has_lsa && !h->role_mismatch);
		ck_assert(h->role_known);
		ck_assert_int_eq(h->max_metric, !strcmp(h->node->name, "pbs"));
		ck_assert_int_eq(h->self, !strcmp(h->node->name, versions[_i][1]));
		ck_assert_uint_lt(h->age, 120);
	}
	view_close(&f);
}
END_TEST

/* Recorded, seen from all three: a silent cut of pve-1 nic4 <-> pbs nic3
 * and a carrier cut of pve-2 nic4 <-> pbs nic4, each link down. */
START_TEST(recorded_cut)
{
	bool carrier = _i >= 3;
	const char *v = versions[_i % 3][0], *h = versions[_i % 3][1];
	_cleanup_json_ json_t *root = load_recorded(v, h, carrier ? "carrier" : "cut");
	struct fixture f;

	view(&f, tu_reference_mesh, root);
	if (carrier) {
		assert_link(&f, "pve-2", "pbs", MESH_DOWN, -1, -1);
		assert_link(&f, "pve-1", "pbs", MESH_UP, 10, 65535);
	} else {
		assert_link(&f, "pve-1", "pbs", MESH_DOWN, -1, -1);
		assert_link(&f, "pve-2", "pbs", MESH_UP, 10, 65535);
	}
	assert_link(&f, "pve-1", "pve-2", MESH_UP, 200, 200);
	ck_assert_uint_eq(f.v.problems, 1);
	for (size_t i = 0; i < f.v.n_hosts; i++)
		ck_assert(!f.v.hosts[i].gone && f.v.hosts[i].reachable);
	view_close(&f);
}
END_TEST

/* pve-1 nic3 set to cost 150 by hand, recorded: flagged on pve-1's side. */
START_TEST(recorded_cost)
{
	_cleanup_json_ json_t *root = load_recorded(versions[_i][0], versions[_i][1], "cost");
	const struct mesh_link *l;
	struct fixture f;

	view(&f, tu_reference_mesh, root);
	assert_link(&f, "pve-1", "pve-2", MESH_UP, 150, 200);
	l = link_between(&f, "pve-1", "pve-2");
	ck_assert(l->a.cost_mismatch);
	ck_assert_uint_eq(l->a.expected, 200);
	ck_assert(!l->b.cost_mismatch);
	ck_assert(!link_between(&f, "pve-1", "pbs")->b.cost_mismatch);
	ck_assert_uint_eq(f.v.problems, 1);
	view_close(&f);
}
END_TEST

/* FRR stopped on one host, recorded on the others: its flushed LSA (MaxAge)
 * still lists its links; the host is gone and its links down. */
static const struct {
	const char *version, *host, *state, *gone, *gone_id;
} stopped[] = {
    {"8.4", "pve-1", "pbs-stopped", "pbs", PBS},
    {"10.3", "pve-2", "pbs-stopped", "pbs", PBS},
    {"10.3", "pve-2", "pve-1-stopped", "pve-1", PVE1},
    {"10.7", "pbs", "pve-1-stopped", "pve-1", PVE1},
};

START_TEST(gone_flushed)
{
	_cleanup_json_ json_t *root =
	    load_recorded(stopped[_i].version, stopped[_i].host, stopped[_i].state);
	in_addr_t gone = inet_addr(stopped[_i].gone_id);
	struct fixture f;

	view(&f, tu_reference_mesh, root);
	assert_host(&f, stopped[_i].gone, true, false);
	ck_assert(!host(&f, stopped[_i].gone)->has_lsa);
	for (size_t i = 0; i < f.v.n_links; i++) {
		const struct mesh_link *l = &f.v.links[i];

		ck_assert(l->configured);
		if (l->a.router_id.s_addr == gone || l->b.router_id.s_addr == gone)
			ck_assert_int_eq(l->state, MESH_DOWN);
		else
			ck_assert_int_eq(l->state, MESH_UP);
	}
	ck_assert_uint_eq(f.v.problems, 3); /* the host and its two links */
	view_close(&f);
}
END_TEST

/* An LSA counts until MaxAge (3600 s): at 3599 s the PBS is there, at
 * 3600 s gone, and what the PVE nodes still list toward it is half. */
START_TEST(max_age)
{
	_cleanup_json_ json_t *root = load_recorded(versions[_i][0], versions[_i][1], NULL);
	struct fixture f;

	if (!strcmp(versions[_i][1], "pbs"))
		return; /* the PBS's own LSA never ages out in its own database */
	set_age(root, PBS, 3599);
	view(&f, tu_reference_mesh, root);
	assert_host(&f, "pbs", false, true);
	ck_assert_uint_eq(host(&f, "pbs")->age, 3599);
	ck_assert_uint_eq(f.v.problems, 0);
	view_close(&f);

	set_age(root, PBS, 3600);
	view(&f, tu_reference_mesh, root);
	assert_host(&f, "pbs", true, false);
	ck_assert(!host(&f, "pbs")->has_lsa);
	assert_link(&f, "pve-1", "pbs", MESH_HALF, 10, -1);
	assert_link(&f, "pve-2", "pbs", MESH_HALF, 10, -1);
	ck_assert_uint_eq(f.v.problems, 3);
	view_close(&f);
}
END_TEST

/* One end drops the link, the other still lists it: half, on every version. */
START_TEST(half)
{
	_cleanup_json_ json_t *root = load_recorded(versions[_i][0], versions[_i][1], NULL);
	struct fixture f;

	drop_link(root, PVE1, PBS);
	view(&f, tu_reference_mesh, root);
	assert_link(&f, "pve-1", "pbs", MESH_HALF, -1, 65535);
	ck_assert_uint_eq(f.v.problems, 1);
	view_close(&f);
}
END_TEST

/* Both PVE nodes lose the PBS while its last LSA, listing both links, is
 * young: the PBS is gone (a partition) and its links are down, not half. */
START_TEST(partition)
{
	_cleanup_json_ json_t *root = load_recorded(versions[_i][0], versions[_i][1], NULL);
	struct fixture f;

	if (!strcmp(versions[_i][1], "pbs"))
		return; /* the PBS sees the others cut off instead: below */
	drop_link(root, PVE1, PBS);
	drop_link(root, PVE2, PBS);
	view(&f, tu_reference_mesh, root);
	assert_host(&f, "pbs", true, false);
	ck_assert(host(&f, "pbs")->has_lsa);
	ck_assert(!host(&f, "pbs")->behind_endpoint);
	assert_link(&f, "pve-1", "pbs", MESH_DOWN, -1, -1);
	assert_link(&f, "pve-2", "pbs", MESH_DOWN, -1, -1);
	assert_link(&f, "pve-1", "pve-2", MESH_UP, 200, 200);
	view_close(&f);
}
END_TEST

START_TEST(partition_from_pbs)
{
	_cleanup_json_ json_t *root = load_recorded("10.7", "pbs", NULL);
	struct fixture f;

	drop_link(root, PBS, PVE1);
	drop_link(root, PBS, PVE2);
	view(&f, tu_reference_mesh, root);
	assert_host(&f, "pve-1", true, false);
	assert_host(&f, "pve-2", true, false);
	assert_host(&f, "pbs", false, true);
	for (size_t i = 0; i < f.v.n_links; i++)
		ck_assert_int_eq(f.v.links[i].state, MESH_DOWN);
	ck_assert_uint_eq(f.v.problems, 5);
	view_close(&f);
}
END_TEST

/* A router the configuration lacks, cabled to pve-2: unexpected, half
 * while only pve-2 lists it, up once its own LSA lists pve-2 back. */
START_TEST(unexpected_router)
{
	_cleanup_json_ json_t *root = load_recorded(versions[_i][0], versions[_i][1], NULL);
	const struct mesh_link *l;
	struct fixture f;

	add_link(root, PVE2, "192.168.102.9", 30);
	view(&f, tu_reference_mesh, root);
	ck_assert_uint_eq(f.v.n_links, 4);
	l = &f.v.links[3];
	ck_assert(!l->configured);
	ck_assert_int_eq(l->state, MESH_HALF);
	ck_assert_str_eq(l->a.node->name, "pve-2");
	ck_assert_uint_eq(l->a.cost, 30);
	ck_assert_ptr_null(l->b.node);
	ck_assert_str_eq(tu_ip(l->b.router_id), "192.168.102.9");
	ck_assert_uint_eq(f.v.problems, 1);
	view_close(&f);

	add_lsa(root, "192.168.102.9");
	add_link(root, "192.168.102.9", PVE2, 40);
	view(&f, tu_reference_mesh, root);
	ck_assert_uint_eq(f.v.n_links, 4);
	l = &f.v.links[3];
	ck_assert_int_eq(l->state, MESH_UP);
	ck_assert_uint_eq(l->a.cost, 30);
	ck_assert_uint_eq(l->b.cost, 40);
	ck_assert_uint_eq(f.v.problems, 1);
	view_close(&f);
}
END_TEST

/* The mesh cabled as recorded, but configured without pve-1 <-> pve-2. */
static const char no_pve_link[] = "[mesh]\n"
                                  "prefix = 192.168.103.0/24\n"
                                  "[node pve-1]\n"
                                  "id = 1\n"
                                  "router-id = 192.168.102.1\n"
                                  "link = pbs nic4\n"
                                  "[node pve-2]\n"
                                  "id = 2\n"
                                  "router-id = 192.168.102.2\n"
                                  "link = pbs nic4\n"
                                  "[node pbs]\n"
                                  "id = 3\n"
                                  "router-id = 192.168.102.3\n"
                                  "role = endpoint\n"
                                  "link = pve-1 nic3\n"
                                  "link = pve-2 nic4\n";

START_TEST(unexpected_between_hosts)
{
	_cleanup_json_ json_t *root = load_recorded(versions[_i][0], versions[_i][1], NULL);
	const struct mesh_link *l;
	struct fixture f;

	view(&f, no_pve_link, root);
	ck_assert_uint_eq(f.v.n_configured, 2);
	ck_assert_uint_eq(f.v.n_links, 3);
	l = &f.v.links[2];
	ck_assert(!l->configured);
	ck_assert_int_eq(l->state, MESH_UP);
	ck_assert_int_eq(l->type, LSDB_LINK_P2P);
	ck_assert(l->a.node && l->b.node);
	ck_assert_uint_eq(l->a.cost, 200);
	ck_assert_uint_eq(l->b.cost, 200);
	ck_assert_uint_eq(f.v.problems, 1);
	view_close(&f);
}
END_TEST

/* Roles as OSPF shows them: a transit node at max-metric, an endpoint
 * without it; each flagged, with the costs that differ. */
START_TEST(roles)
{
	_cleanup_json_ json_t *root = load_recorded(versions[_i][0], versions[_i][1], NULL);
	struct fixture f;

	set_metric(root, PVE2, NULL, 65535);
	set_metric(root, PBS, NULL, 10);
	view(&f, tu_reference_mesh, root);
	ck_assert(host(&f, "pve-2")->max_metric);
	ck_assert(host(&f, "pve-2")->role_mismatch);
	ck_assert(!host(&f, "pbs")->max_metric);
	ck_assert(host(&f, "pbs")->role_mismatch);
	ck_assert(!host(&f, "pve-1")->role_mismatch);
	ck_assert(link_between(&f, "pve-1", "pve-2")->b.cost_mismatch);
	ck_assert(link_between(&f, "pve-2", "pbs")->a.cost_mismatch);
	ck_assert(link_between(&f, "pve-1", "pbs")->b.cost_mismatch);
	ck_assert(!link_between(&f, "pve-1", "pbs")->a.cost_mismatch);
	/* two roles, pve-2's two links, the PBS's two */
	ck_assert_uint_eq(f.v.problems, 6);
	view_close(&f);
}
END_TEST

/* Four hosts, a partial mesh: pve-3 is cabled to the PBS alone. OSPF
 * reaches it, but only through the endpoint, which forwards nothing: gone
 * from the PVE nodes, its link up. */
static const char four[] = "[mesh]\n"
                           "prefix = 192.168.103.0/24\n"
                           "[node pve-1]\n"
                           "id = 1\n"
                           "router-id = 192.168.102.1\n"
                           "link = pve-2 nic3 cost 200\n"
                           "link = pbs nic4\n"
                           "[node pve-2]\n"
                           "id = 2\n"
                           "router-id = 192.168.102.2\n"
                           "link = pve-1 nic3 cost 200\n"
                           "link = pbs nic4\n"
                           "[node pbs]\n"
                           "id = 3\n"
                           "router-id = 192.168.102.3\n"
                           "role = endpoint\n"
                           "link = pve-1 nic3\n"
                           "link = pve-2 nic4\n"
                           "link = pve-3 nic5\n"
                           "[node pve-3]\n"
                           "id = 4\n"
                           "router-id = 192.168.102.4\n"
                           "link = pbs nic3 cost 30\n";

START_TEST(behind_endpoint)
{
	_cleanup_json_ json_t *root = load_recorded(versions[_i][0], versions[_i][1], NULL);
	bool from_pbs = !strcmp(versions[_i][1], "pbs");
	struct fixture f;

	add_lsa(root, "192.168.102.4");
	add_link(root, "192.168.102.4", PBS, 30);
	add_link(root, PBS, "192.168.102.4", 65535);
	view(&f, four, root);
	assert_link(&f, "pbs", "pve-3", MESH_UP, 65535, 30);
	/* the PBS itself reaches it directly */
	assert_host(&f, "pve-3", !from_pbs, from_pbs);
	ck_assert_int_eq(host(&f, "pve-3")->behind_endpoint, !from_pbs);
	ck_assert_uint_eq(f.v.problems, from_pbs ? 0 : 1);
	view_close(&f);
}
END_TEST

/* A host without a [node] section (a router the configuration lacks)
 * still shows the mesh; an LSA missing altogether is gone. */
START_TEST(self_not_configured)
{
	_cleanup_json_ json_t *root = load_recorded("8.4", "pve-1", NULL);
	struct fixture f;

	json_object_set_new(root, "routerId", json_string("192.168.102.9"));
	add_lsa(root, "192.168.102.9");
	add_link(root, "192.168.102.9", PVE1, 10);
	add_link(root, PVE1, "192.168.102.9", 10);
	drop_lsa(root, PVE2);
	view(&f, tu_reference_mesh, root);
	ck_assert_ptr_null(f.v.self);
	assert_host(&f, "pve-1", false, true);
	assert_host(&f, "pve-2", true, false);
	ck_assert(!host(&f, "pve-2")->has_lsa);
	assert_host(&f, "pbs", false, true);
	/* pve-1 still lists pve-2, whose LSA is gone: half */
	assert_link(&f, "pve-1", "pve-2", MESH_HALF, 200, -1);
	assert_link(&f, "pve-2", "pbs", MESH_HALF, -1, 65535);
	ck_assert_int_eq(f.v.links[f.v.n_links - 1].state, MESH_UP);
	ck_assert(!f.v.links[f.v.n_links - 1].configured);
	view_close(&f);
}
END_TEST

/* ---- output ---- */

static void
show_json(const struct mesh_view *v, FILE *out)
{
	meshshow_json(v, NULL, out);
}

static char *
show(void (*fn)(const struct mesh_view *, FILE *), const struct mesh_view *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	fn(v, f);
	fclose(f);
	return buf;
}

START_TEST(text_output)
{
	_cleanup_json_ json_t *root = load_recorded("8.4", "pve-1", "cut");
	_cleanup_free_ char *text = NULL;
	struct fixture f;

	set_metric(root, PVE2, PVE1, 150);
	view(&f, tu_reference_mesh, root);
	text = show(meshshow_text, &f.v);
	ck_assert_msg(strstr(text, "mesh seen from pve-1 (router id 192.168.102.1), area 0.0.0.0: "
	                           "2 differences from the configuration\n"),
	              "%s", text);
	ck_assert_msg(strstr(text, "pbs    192.168.102.3  endpoint  yes        "), "%s", text);
	ck_assert_msg(
	    strstr(text, "pve-1 nic3 -- pve-2 nic3  up     200       150 (configured 200)\n"), "%s",
	    text);
	ck_assert_msg(strstr(text, "pve-1 nic4 -- pbs nic3    down   -         -\n"), "%s", text);
	/* the matrix */
	ck_assert_msg(strstr(text, "       pve-1  pve-2  pbs\n"
	                           "pve-1  -      up     DOWN\n"
	                           "pve-2  up     -      up\n"
	                           "pbs    DOWN   up     -\n"),
	              "%s", text);
	ck_assert_msg(strstr(text, "link pve-1 nic4 -- pbs nic3: down (neither end lists it)\n"),
	              "%s", text);
	ck_assert_msg(strstr(text, "link pve-1 nic3 -- pve-2 nic3: pve-2 advertises cost 150, "
	                           "configured 200\n"),
	              "%s", text);
	view_close(&f);

	root = (json_decref(root), load_recorded("8.4", "pve-1", NULL));
	view(&f, tu_reference_mesh, root);
	free(text);
	text = show(meshshow_text, &f.v);
	ck_assert_msg(strstr(text, "area 0.0.0.0: as configured\n"), "%s", text);
	ck_assert_msg(!strstr(text, "link pve"), "%s", text); /* no problem lines */
	view_close(&f);
}
END_TEST

START_TEST(json_output)
{
	_cleanup_json_ json_t *root = load_recorded("10.3", "pve-2", "pbs-stopped");
	_cleanup_json_ json_t *doc = NULL;
	_cleanup_free_ char *text = NULL;
	json_t *h, *l;
	struct fixture f;

	add_link(root, PVE2, "192.168.102.9", 30);
	view(&f, tu_reference_mesh, root);
	text = show(show_json, &f.v);
	doc = json_loads(text, 0, NULL);
	ck_assert_msg(doc != NULL, "%s", text);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "format")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "node")), "pve-2");
	ck_assert_str_eq(json_string_value(json_object_get(doc, "router_id")), PVE2);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "area")), "0.0.0.0");
	ck_assert(json_is_false(json_object_get(doc, "as_configured")));
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "problems")), 4);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "hosts")), 3);
	h = json_array_get(json_object_get(doc, "hosts"), 2);
	ck_assert_str_eq(json_string_value(json_object_get(h, "name")), "pbs");
	ck_assert_str_eq(json_string_value(json_object_get(h, "state")), "gone");
	ck_assert(json_is_false(json_object_get(h, "reachable")));
	ck_assert(json_is_null(json_object_get(h, "lsa_age")));
	ck_assert(json_is_null(json_object_get(h, "role")));
	ck_assert_str_eq(json_string_value(json_object_get(h, "configured_role")), "endpoint");
	h = json_array_get(json_object_get(doc, "hosts"), 1);
	ck_assert(json_is_true(json_object_get(h, "self")));
	ck_assert_str_eq(json_string_value(json_object_get(h, "role")), "transit");
	ck_assert(json_is_integer(json_object_get(h, "lsa_age")));
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "links")), 3);
	l = json_array_get(json_object_get(doc, "links"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(l, "state")), "up");
	ck_assert(json_is_false(json_object_get(l, "cost_mismatch")));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(l, "a"), "node")),
	                 "pve-1");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(l, "a"), "interface")),
	                 "nic3");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(l, "b"), "cost")), 200);
	ck_assert_int_eq(
	    json_integer_value(json_object_get(json_object_get(l, "b"), "configured_cost")), 200);
	l = json_array_get(json_object_get(doc, "links"), 1);
	ck_assert_str_eq(json_string_value(json_object_get(l, "state")), "down");
	ck_assert(json_is_null(json_object_get(json_object_get(l, "b"), "cost")));
	ck_assert(json_is_false(json_object_get(json_object_get(l, "b"), "listed")));
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "unexpected")), 1);
	l = json_array_get(json_object_get(doc, "unexpected"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(l, "state")), "half");
	ck_assert_str_eq(json_string_value(json_object_get(l, "type")), "point-to-point");
	ck_assert(json_is_null(json_object_get(json_object_get(l, "b"), "node")));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(l, "b"), "router_id")),
	                 "192.168.102.9");
	view_close(&f);
}
END_TEST

START_TEST(dot_output)
{
	_cleanup_json_ json_t *root = load_recorded("10.7", "pbs", "cost");
	_cleanup_free_ char *text = NULL;
	struct fixture f;

	drop_link(root, PVE2, PBS);
	view(&f, tu_reference_mesh, root);
	text = show(meshshow_dot, &f.v);
	ck_assert_msg(!strncmp(text, "graph proxmesh {\n", 17), "%s", text);
	ck_assert_msg(
	    strstr(text, "\t\"pbs\" [label=\"pbs\\n192.168.102.3\\nendpoint\", penwidth=2];\n"),
	    "%s", text);
	ck_assert_msg(strstr(text, "\t\"pve-1\" -- \"pve-2\" [color=darkgreen, label=\"up\", "
	                           "taillabel=\"150 (configured 200)\", headlabel=\"200\", "
	                           "penwidth=3, fontcolor=red];\n"),
	              "%s", text);
	ck_assert_msg(strstr(text, "\t\"pve-2\" -- \"pbs\" [color=orange, label=\"half\", "
	                           "taillabel=\"-\", headlabel=\"65535\"];\n"),
	              "%s", text);
	ck_assert_msg(strstr(text, "\n}\n"), "%s", text);
	view_close(&f);
}
END_TEST

/* An OSPFv3 view says so: the text's first line, "family" in JSON (the
 * IPv6-only document, and a dual-stack one's "ipv6" member, which has no
 * "format"), the graph's name; an IPv4 document has neither member. */
static bool
starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static void
show_dual_json(const struct mesh_view *v, FILE *out)
{
	struct mesh_view v6 = *v;

	v6.v6 = true;
	meshshow_json(v, &v6, out);
}

START_TEST(ipv6_output)
{
	_cleanup_json_ json_t *root = load_recorded("8.4", "pve-1", NULL);
	_cleanup_json_ json_t *doc = NULL;
	_cleanup_free_ char *text = NULL;
	struct fixture f;
	json_t *v6;

	view(&f, tu_reference_mesh, root);
	text = show(show_json, &f.v);
	doc = json_loads(text, 0, NULL);
	ck_assert(json_object_get(doc, "family") == NULL && json_object_get(doc, "ipv6") == NULL);
	json_decref(doc);
	free(text);

	f.v.v6 = true;
	text = show(meshshow_text, &f.v);
	ck_assert_msg(starts(text, "OSPFv3 mesh seen from pve-1 (router id 192.168.102.1), "
	                           "area 0.0.0.0: as configured\n"),
	              "%s", text);
	free(text);
	text = show(meshshow_dot, &f.v);
	ck_assert_msg(starts(text, "graph proxmesh_ipv6 {\n\tlabel=\"OSPFv3 mesh seen from pve-1,"),
	              "%s", text);
	free(text);
	text = show(show_json, &f.v);
	doc = json_loads(text, 0, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "family")), "ipv6");
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "format")), 1);
	json_decref(doc);
	free(text);

	/* dual-stack: the IPv4 document, OSPFv3's view as "ipv6" */
	f.v.v6 = false;
	text = show(show_dual_json, &f.v);
	doc = json_loads(text, 0, NULL);
	ck_assert_msg(doc != NULL, "%s", text);
	v6 = json_object_get(doc, "ipv6");
	ck_assert(json_object_get(doc, "family") == NULL);
	ck_assert_ptr_nonnull(v6);
	ck_assert(json_object_get(v6, "format") == NULL);
	ck_assert_str_eq(json_string_value(json_object_get(v6, "family")), "ipv6");
	ck_assert(json_is_true(json_object_get(v6, "as_configured")));
	ck_assert_uint_eq(json_array_size(json_object_get(v6, "links")), 3);
	view_close(&f);
}
END_TEST

static Suite *
meshview_suite(void)
{
	Suite *s = suite_create("meshview");
	TCase *tr = tcase_create("recorded"), *te = tcase_create("edited"),
	      *to = tcase_create("output");

	tcase_add_loop_test(tr, converged, 0, 3);
	tcase_add_loop_test(tr, recorded_cut, 0, 6);
	tcase_add_loop_test(tr, recorded_cost, 0, 3);
	tcase_add_loop_test(tr, gone_flushed, 0, ARRAY_SIZE(stopped));
	suite_add_tcase(s, tr);
	tcase_add_loop_test(te, half, 0, 3);
	tcase_add_loop_test(te, max_age, 0, 3);
	tcase_add_loop_test(te, partition, 0, 3);
	tcase_add_test(te, partition_from_pbs);
	tcase_add_loop_test(te, unexpected_router, 0, 3);
	tcase_add_loop_test(te, unexpected_between_hosts, 0, 3);
	tcase_add_loop_test(te, roles, 0, 3);
	tcase_add_loop_test(te, behind_endpoint, 0, 3);
	tcase_add_test(te, self_not_configured);
	suite_add_tcase(s, te);
	tcase_add_test(to, text_output);
	tcase_add_test(to, json_output);
	tcase_add_test(to, dot_output);
	tcase_add_test(to, ipv6_output);
	suite_add_tcase(s, to);
	return s;
}

int
main(void)
{
	return tu_run(meshview_suite());
}
