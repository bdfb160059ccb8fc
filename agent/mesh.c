/* mesh.c - `proxmesh mesh [--json|--dot]`: one read of ospfd's router LSAs
 * over its vty socket (the health poll's channel: no vtysh process, no
 * API, no agent needed), compared with the configuration */
#include "mesh.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "frrvty.h"
#include "lsdb.h"
#include "meshshow.h"
#include "meshview.h"
#include "util.h"

/* Larger than any configuration of 255 nodes. */
#define CONFIG_FILE_MAX (4 << 20)
#define MESH_QUERY "show ip ospf database router json"

enum mesh_format { MESH_TEXT, MESH_JSON, MESH_DOT };

/* ospfd's database into *db: 0, or a message on stderr and a negative errno. */
static int
read_lsdb(struct lsdb *db)
{
	_cleanup_free_ char *out = NULL;
	struct frrvty v;
	int r;

	frrvty_init(&v);
	r = frrvty_show(&v, "ospfd", MESH_QUERY, &out);
	if (r < 0) {
		if (r == -ENOENT || r == -ECONNREFUSED)
			fprintf(stderr,
			        "proxmesh: ospfd is not running (no answer on %s/ospfd.vty)\n",
			        v.dir);
		else
			fprintf(stderr, "proxmesh: ospfd: \"%s\" failed: %s\n", MESH_QUERY,
			        r == -EPROTO && out && *out ? out : strerror(-r));
		return r;
	}
	r = lsdb_parse(out, db);
	if (r == -ENODATA)
		fprintf(stderr, "proxmesh: ospfd runs no OSPF instance (no router ospf)\n");
	else if (r < 0)
		fprintf(stderr, "proxmesh: ospfd's answer to \"%s\" is not the JSON expected\n",
		        MESH_QUERY);
	return r;
}

int
mesh_command(const struct cli *cli, int argc, char **argv)
{
	enum mesh_format fmt = cli->json ? MESH_JSON : MESH_TEXT;
	_cleanup_free_ char *err = NULL, *text = NULL;
	struct lsdb db = {0};
	struct mesh_view v;
	struct config *c = NULL;
	int code, r;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json") && fmt != MESH_DOT) {
			fmt = MESH_JSON;
		} else if (!strcmp(argv[i], "--dot") && fmt != MESH_JSON) {
			fmt = MESH_DOT;
		} else {
			fprintf(stderr,
			        "proxmesh: mesh: unexpected argument \"%s\" (--json or --dot)\n",
			        argv[i]);
			return MESH_EXIT_DIFFERS;
		}
	}
	/* Any host of the mesh can look, with a [node] section or not (this
	 * host is the router that prints the database), and without the
	 * secrets: the token and key files are not read. */
	r = read_file(cli->paths.config, CONFIG_FILE_MAX, &text, NULL);
	if (r < 0) {
		fprintf(stderr, "proxmesh: cannot read %s: %s\n", cli->paths.config,
		        file_strerror(r));
		return MESH_EXIT_DIFFERS;
	}
	if (config_parse_string(text, cli->paths.config, true, &c, &err) < 0) {
		fprintf(stderr, "proxmesh: %s\n", err);
		config_free(c);
		return MESH_EXIT_DIFFERS;
	}
	if (read_lsdb(&db) < 0) {
		config_free(c);
		return MESH_EXIT_NO_FRR;
	}
	meshview_build(c, &db, &v);
	if (fmt == MESH_JSON)
		meshshow_json(&v, stdout);
	else if (fmt == MESH_DOT)
		meshshow_dot(&v, stdout);
	else
		meshshow_text(&v, stdout);
	code = v.problems ? MESH_EXIT_DIFFERS : MESH_EXIT_AS_CONFIGURED;
	meshview_free(&v);
	lsdb_free(&db);
	config_free(c);
	return code;
}
