/* mesh.c - `proxmesh mesh [--json|--dot]`: one read of ospfd's router LSAs
 * (an IPv6 mesh: ospf6d's; dual-stack: both) over their vty sockets (the
 * health poll's channel: no vtysh process, no API, no agent needed),
 * compared with the configuration */
#include "mesh.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "frrvty.h"
#include "lsdb.h"
#include "lsdb6.h"
#include "meshshow.h"
#include "meshview.h"
#include "util.h"

/* Larger than any configuration of 255 nodes. */
#define CONFIG_FILE_MAX (4 << 20)
#define MESH_QUERY "show ip ospf database router json"
#define MESH_QUERY6 "show ipv6 ospf6 database router detail json"
#define MESH_QUERY6_ID "show ipv6 ospf6 json"

enum mesh_format { MESH_TEXT, MESH_JSON, MESH_DOT };

/* One query of daemon (ospfd, ospf6d) into *out: 0, or a message on stderr
 * and a negative errno. */
static int
query(struct frrvty *v, const char *daemon, const char *cmd, char **out)
{
	int r = frrvty_show(v, daemon, cmd, out);

	if (r == -ENOENT || r == -ECONNREFUSED)
		fprintf(stderr, "proxmesh: %s is not running (no answer on %s/%s.vty)\n", daemon,
		        v->dir, daemon);
	else if (r < 0)
		fprintf(stderr, "proxmesh: %s: \"%s\" failed: %s\n", daemon, cmd,
		        r == -EPROTO && *out && **out ? *out : strerror(-r));
	return r;
}

/* ospfd's database (v6: ospf6d's) into *db: 0, or a message on stderr and
 * a negative errno. */
static int
read_lsdb(bool v6, struct lsdb *db)
{
	_cleanup_free_ char *out = NULL, *inst = NULL;
	const char *daemon = v6 ? "ospf6d" : "ospfd";
	const char *cmd = v6 ? MESH_QUERY6 : MESH_QUERY;
	struct frrvty v;
	int r;

	frrvty_init(&v);
	r = query(&v, daemon, cmd, &out);
	if (r >= 0 && v6)
		r = query(&v, daemon, MESH_QUERY6_ID, &inst);
	if (r < 0)
		return r;
	r = v6 ? lsdb6_parse(out, inst, db) : lsdb_parse(out, db);
	if (r == -ENODATA)
		fprintf(stderr, "proxmesh: %s runs no %s instance (no router %s)\n", daemon,
		        v6 ? "OSPFv3" : "OSPF", v6 ? "ospf6" : "ospf");
	else if (r < 0)
		fprintf(stderr, "proxmesh: %s's answer to \"%s\" is not the JSON expected\n",
		        daemon, cmd);
	return r;
}

/* The view of one family (v6: OSPFv3's) into *v: 0, or -errno with a
 * message on stderr. */
static int
view(const struct config *c, bool v6, struct mesh_view *v)
{
	struct lsdb db = {0};
	int r = read_lsdb(v6, &db);

	if (r < 0)
		return r;
	meshview_build(c, &db, v);
	v->v6 = v6;
	lsdb_free(&db);
	return 0;
}

int
mesh_command(const struct cli *cli, int argc, char **argv)
{
	enum mesh_format fmt = cli->json ? MESH_JSON : MESH_TEXT;
	_cleanup_free_ char *err = NULL, *text = NULL;
	struct mesh_view v, v6 = {0};
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
	/* an IPv4 or IPv6-only mesh: its one family; dual-stack: both */
	if (view(c, !c->has_prefix, &v) < 0) {
		config_free(c);
		return MESH_EXIT_NO_FRR;
	}
	if (c->ipv6 && c->has_prefix && view(c, true, &v6) < 0) {
		meshview_free(&v);
		config_free(c);
		return MESH_EXIT_NO_FRR;
	}
	if (fmt == MESH_JSON) {
		meshshow_json(&v, c->ipv6 && c->has_prefix ? &v6 : NULL, stdout);
	} else {
		void (*show)(const struct mesh_view *, FILE *) =
		    fmt == MESH_DOT ? meshshow_dot : meshshow_text;

		show(&v, stdout);
		if (v6.v6) {
			if (fmt == MESH_TEXT)
				fputc('\n', stdout);
			show(&v6, stdout);
		}
	}
	code = v.problems || v6.problems ? MESH_EXIT_DIFFERS : MESH_EXIT_AS_CONFIGURED;
	meshview_free(&v);
	meshview_free(&v6);
	config_free(c);
	return code;
}
