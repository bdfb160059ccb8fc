/* fuzz_lsdb.c - ospfd's router LSAs ("show ip ospf database router json")
 * and ospf6d's ("show ipv6 ospf6 database router detail json"), and what
 * `proxmesh mesh` makes of them against the reference mesh */
#include <stdbool.h>

#include "config.h"
#include "fuzz.h"
#include "lsdb.h"
#include "lsdb6.h"
#include "meshshow.h"
#include "meshview.h"
#include "util.h"

static const char mesh[] = "[mesh]\nprefix = 192.168.103.0/24\n"
                           "[node pve-1]\nid = 1\nrouter-id = 192.168.102.1\n"
                           "link = pve-2 nic3 cost 200\nlink = pbs nic4\n"
                           "[node pve-2]\nid = 2\nrouter-id = 192.168.102.2\n"
                           "link = pve-1 nic3 cost 200\nlink = pbs nic4\n"
                           "[node pbs]\nid = 3\nrouter-id = 192.168.102.3\nrole = endpoint\n"
                           "link = pve-1 nic3\nlink = pve-2 nic4\n";

static void view(const struct config *c, struct lsdb *db);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *json = fuzz_text(data, size), *err = NULL;
	static struct config *c;
	struct lsdb db = {0}, db6 = {0};

	if (c == NULL && config_parse_string(mesh, "fuzz", true, &c, &err) < 0)
		abort();
	if (lsdb_parse(json, &db) < 0)
		fuzz_assert(db.n_routers == 0 && db.routers == NULL);
	else
		view(c, &db);
	if (lsdb6_parse(json, "{\"routerId\":\"192.168.102.1\"}", &db6) < 0)
		fuzz_assert(db6.n_routers == 0 && db6.routers == NULL);
	else
		view(c, &db6);
	return 0;
}

static void
view(const struct config *c, struct lsdb *db)
{
	struct mesh_view v;
	FILE *f;

	meshview_build(c, db, &v);
	fuzz_assert(v.n_hosts == 3 && v.n_configured == 3 && v.n_links >= 3);
	for (size_t i = 0; i < v.n_links; i++) {
		const struct mesh_link *l = &v.links[i];

		/* a link is up exactly when both ends list it */
		fuzz_assert((l->state == MESH_UP) == (l->a.listed && l->b.listed));
		fuzz_assert(l->configured == (i < v.n_configured));
	}
	for (size_t i = 0; i < v.n_hosts; i++)
		fuzz_assert(v.hosts[i].gone == (!v.hosts[i].has_lsa || !v.hosts[i].reachable));
	f = fopen("/dev/null", "w");
	if (f) {
		meshshow_text(&v, f);
		meshshow_json(&v, NULL, f);
		meshshow_dot(&v, f);
		fclose(f);
	}
	meshview_free(&v);
	lsdb_free(db);
}
