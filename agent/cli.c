/* cli.c - the command line: proxmesh [--config PATH] [--node NAME] COMMAND */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "addrplan.h"
#include "apiclient.h"
#include "confirm.h"
#include "daemon.h"
#include "doctor.h"
#include "ifplan.h"
#include "log.h"
#include "mesh.h"
#include "reconcile.h"
#include "render.h"
#include "sdnfabric.h"
#include "status.h"
#include "util.h"

static void
usage(FILE *f)
{
	fputs("usage: proxmesh [--config PATH] [--node NAME] [--verbose] COMMAND\n"
	      "\n"
	      "commands:\n"
	      "  run            the agent, in the foreground (what systemd starts)\n"
	      "  check          validate the configuration\n"
	      "  render         print this node's FRR configuration and interface plan\n"
	      "  plan           print the changes apply would make; change nothing\n"
	      "                 (exit 0 nothing to do, 2 changes pending, 1 error)\n"
	      "  apply          one reconcile pass (exit 0 converged, 1 failed)\n"
	      "  apply --confirm SECONDS  the same, and the host goes back to the last\n"
	      "                 confirmed configuration unless `confirm` comes in time\n"
	      "  confirm        keep what apply --confirm applied\n"
	      "  status [--json] show the agent's view of the mesh (exit 0 healthy)\n"
	      "  mesh [--json|--dot] the whole mesh from the OSPF database against the\n"
	      "                 configuration (exit 0 as configured, 1 not, 2 FRR not answering)\n"
	      "  doctor [--json] read-only checks of this host against the mesh: path MTU,\n"
	      "                 kernel, FRR, API, corosync, Ceph, migration, Proxmox SDN\n"
	      "                 (exit 0 all ok, 1 a warning, 2 a failure)\n"
	      "\n"
	      "options:\n"
	      "  -c, --config PATH  configuration file (default /etc/proxmesh/proxmesh.conf)\n"
	      "  -n, --node NAME    this host's [node] section (default: short host name)\n"
	      "  -v, --verbose      more messages\n"
	      "  -h, --help         this help\n"
	      "  -V, --version      the version\n",
	      f);
}

void
cli_node_name(const struct cli *cli, char buf[static 65])
{
	if (cli->node) {
		snprintf(buf, 65, "%s", cli->node);
		return;
	}
	if (gethostname(buf, 65) < 0)
		buf[0] = '\0';
	buf[64] = '\0';
	buf[strcspn(buf, ".")] = '\0';
}

int
cli_load(const struct cli *cli, struct config **c, const struct node_conf **n)
{
	_cleanup_free_ char *path = NULL, *why = NULL;
	char name[65];
	char *err = NULL;
	int r;

	/* while the agent has gone back to the last confirmed configuration,
	 * that one is in force */
	confirm_config_path(&cli->paths, &path, &why);
	if (why)
		fprintf(stderr,
		        "# the agent runs the last confirmed configuration (%s): %s; %s is not in "
		        "force until it changes (then systemctl reload proxmesh) or `proxmesh "
		        "confirm`\n",
		        path, why, cli->paths.config);
	r = config_load(path, c, &err);
	if (r < 0) {
		fprintf(stderr, "proxmesh: %s\n", err);
		free(err);
		return r;
	}
	cli_node_name(cli, name);
	*n = config_find_node(*c, name);
	if (*n == NULL) {
		fprintf(stderr, "proxmesh: %s: no [node %s] section for this host (use --node)\n",
		        cli->paths.config, name);
		config_free(*c);
		*c = NULL;
		return -ENOENT;
	}
	return 0;
}

/* check: Proxmox SDN fabrics claiming links of node n (this host's when
 * NULL) are a conflict; -EEXIST, said on stderr naming both files. */
static int
sdn_check(struct cli *cli, const struct config *c, const struct node_conf *n)
{
	_cleanup_free_ char *said = NULL;
	struct sdn_conflicts sdn;
	char name[65];
	int r;

	if (n == NULL) {
		cli_node_name(cli, name);
		n = config_find_node(c, name);
	}
	if (n == NULL)
		return 0;
	r = reconcile_sdn_read(&cli->paths, n, &sdn);
	if (r < 0) {
		fprintf(stderr, "proxmesh: cannot read %s: %s\n", cli->paths.sdn_fabrics,
		        file_strerror(r));
		return r;
	}
	said = sdnfabric_describe(&sdn, cli->paths.sdn_fabrics, c->path);
	if (said)
		fprintf(stderr, "proxmesh: %s\n", said);
	sdnfabric_free(&sdn);
	return said ? -EEXIST : 0;
}

static int
cmd_check(struct cli *cli)
{
	_cleanup_free_ char *err = NULL;
	struct config *c;
	int r;

	if (config_load(cli->paths.config, &c, &err) < 0) {
		fprintf(stderr, "proxmesh: %s\n", err);
		return 1;
	}
	if (cli->node && config_find_node(c, cli->node) == NULL) {
		fprintf(stderr, "proxmesh: %s: no [node %s] section\n", cli->paths.config,
		        cli->node);
		config_free(c);
		return 1;
	}
	if (cli->node == NULL) { /* on a host: is it part of the mesh? */
		char name[65];

		cli_node_name(cli, name);
		if (config_find_node(c, name) == NULL) {
			printf("configuration OK, but it has no [node %s] section for this host, so "
			       "proxmesh leaves this host alone (--node NAME checks another node)\n",
			       name);
			config_free(c);
			return 0;
		}
	}
	r = sdn_check(cli, c, cli->node ? config_find_node(c, cli->node) : NULL);
	config_free(c);
	if (r < 0)
		return 1;
	puts("configuration OK");
	return 0;
}

static int
cmd_render(struct cli *cli)
{
	_cleanup_free_ char *err = NULL, *frr = NULL, *plan = NULL;
	_cleanup_free_ struct link_plan *links = NULL;
	const struct node_conf *n;
	struct config *c;
	struct ifplan ifp;

	if (cli_load(cli, &c, &n) < 0)
		return 1;
	if (addrplan_node(c, n, &links, &err) < 0) {
		fprintf(stderr, "proxmesh: %s\n", err);
		config_free(c);
		return 1;
	}
	ifplan_build(c, n, links, &ifp);
	/* The owned parts print the same on FRR 8.4 and 10.x. */
	frr = render_frr_text(c, n, links, (struct frr_version){10, 3});
	plan = ifplan_render_text(&ifp);
	printf("# FRR configuration of %s (the parts proxmesh owns)\n%s\n"
	       "# interface plan of %s\n%s",
	       n->name, frr, n->name, plan);
	ifplan_free(&ifp);
	config_free(c);
	return 0;
}

/* A host has a few links: each turns point-to-point in a pass of its own
 * at most. */
#define CLI_DIALECT_ROUNDS 8

int
cli_reconcile(struct cli *cli, bool apply)
{
	struct reconcile_ctx ctx = {.paths = &cli->paths, .out = stdout};
	struct reconcile_result res;
	const struct node_conf *n;
	struct config *c;
	int r, code;

	if (cli_load(cli, &c, &n) < 0)
		return 1;
	vtysh_init(&ctx.vtysh);
	r = reconcile_pass(&ctx, c, n, apply, &res);
	/* Hosts rolled out at the same time: a link kept broadcast for a
	 * neighbour that is not run by proxmesh may have one that is, a
	 * moment later; then once more, point-to-point (dialect.h). Without
	 * it the agent, or the next apply, does that. */
	for (unsigned round = 0; apply && r == 0 && res.compat && round < CLI_DIALECT_ROUNDS;
	     round++) {
		printf("# waiting up to %u s for neighbours taken over at the same time\n",
		       c->dead_interval);
		fflush(stdout);
		if (!reconcile_dialect_wait((long long)c->dead_interval * 1000))
			break;
		printf("# a neighbour runs proxmesh now: once more\n");
		reconcile_result_free(&res);
		r = reconcile_pass(&ctx, c, n, apply, &res);
	}
	/* The loopback a hand-made redistribution carried becomes a stub in
	 * a quiet pass: once the links turned point-to-point have settled
	 * (the pass waited for that: bridge_wait) and OSPF is quiet. */
	if (apply && r == 0 && res.held) {
		printf(
		    "# waiting up to %d s for OSPF to be quiet: then the loopback becomes a stub\n",
		    RECONCILE_BRIDGE_LIMIT_MS / 1000);
		fflush(stdout);
		reconcile_quiet_wait(&ctx);
		printf("# once more, for the loopback\n");
		reconcile_result_free(&res);
		r = reconcile_pass(&ctx, c, n, apply, &res);
	}
	if (r < 0) {
		fprintf(stderr, "proxmesh: %s\n", res.error ? res.error : strerror(-r));
		code = 1;
	} else if (res.state == RECONCILE_CONFLICT) {
		/* what the pass did (or would do) for the other links is above */
		fprintf(stderr, "proxmesh: %s\n", res.conflict);
		code = 1;
	} else if (!apply) {
		code = res.state == RECONCILE_PENDING ? 2 : 0;
		if (code == 0)
			puts("# nothing to do");
	} else {
		printf("# %s: %u FRR command%s, %u interface change%s\n",
		       reconcile_state_str(res.state), res.frr_commands,
		       res.frr_commands == 1 ? "" : "s", res.if_changes,
		       res.if_changes == 1 ? "" : "s");
		code = 0;
	}
	if (getenv("PROXMESH_COUNT_VTYSH"))
		fprintf(stderr, "vtysh processes: %u\nconfiguration sessions: %u\n",
		        ctx.vtysh.calls, ctx.vty_sessions);
	reconcile_result_free(&res);
	reconcile_ctx_free(&ctx);
	config_free(c);
	return code;
}

int
cli_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"node", required_argument, NULL, 'n'},
		{"verbose", no_argument, NULL, 'v'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	struct cli cli = {0};
	unsigned long confirm_seconds = 0;
	const char *cmd;
	int o;

	paths_init(&cli.paths);
	while ((o = getopt_long(argc, argv, "+c:n:vhV", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			cli.paths.config = optarg;
			break;
		case 'n':
			cli.node = optarg;
			break;
		case 'v':
			cli.verbose = true;
			break;
		case 'j':
			cli.json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			puts("proxmesh " PROXMESH_VERSION);
			puts("api client: " PROXMESH_API_CLIENT);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	cmd = argv[optind++];
	if (!strcmp(cmd, "mesh"))
		return mesh_command(&cli, argc - optind, argv + optind);
	/* "status --json": options after the command. */
	for (; optind < argc; optind++) {
		if ((!strcmp(cmd, "status") || !strcmp(cmd, "doctor")) &&
		    !strcmp(argv[optind], "--json")) {
			cli.json = true;
			continue;
		}
		if (!strcmp(cmd, "apply") && !strcmp(argv[optind], "--confirm")) {
			if (optind + 1 >= argc ||
			    parse_uint(argv[optind + 1], 1, CONFIRM_SECONDS_MAX, &confirm_seconds) < 0) {
				fprintf(stderr, "proxmesh: apply --confirm SECONDS: 1 to %d\n",
				        CONFIRM_SECONDS_MAX);
				return 1;
			}
			optind++;
			continue;
		}
		fprintf(stderr, "proxmesh: %s: unexpected argument \"%s\"\n", cmd, argv[optind]);
		return 1;
	}
	log_init(LOG_TO_STDERR, cli.verbose);

	if (!strcmp(cmd, "check"))
		return cmd_check(&cli);
	if (!strcmp(cmd, "render"))
		return cmd_render(&cli);
	if (!strcmp(cmd, "plan"))
		return cli_reconcile(&cli, false);
	if (!strcmp(cmd, "apply") && confirm_seconds)
		return confirm_apply(&cli, (unsigned)confirm_seconds);
	if (!strcmp(cmd, "apply"))
		return cli_reconcile(&cli, true);
	if (!strcmp(cmd, "confirm"))
		return confirm_command(&cli);
	if (!strcmp(cmd, "status")) {
		_cleanup_free_ char *path = xasprintf("%s/status.json", cli.paths.run_dir);
		return status_command(path, cli.json, stdout, stderr);
	}
	if (!strcmp(cmd, "doctor"))
		return doctor_command(&cli);
	if (!strcmp(cmd, "run"))
		return daemon_main(&cli);
	fprintf(stderr, "proxmesh: unknown command \"%s\" (see proxmesh --help)\n", cmd);
	return 1;
}
