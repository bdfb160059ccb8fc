/* cli.h - the command line: proxmesh [--config PATH] [--node NAME] COMMAND */
#pragma once

#include "config.h"
#include "paths.h"

struct cli {
	struct paths paths;
	const char *node; /* --node, or NULL: the short host name */
	bool verbose;
	bool json;
};

/* Entry point of the binary; returns the exit code. */
int cli_main(int argc, char **argv);

/* This host's node name: --node, else the short host name. */
void cli_node_name(const struct cli *cli, char buf[static 65]);

/* `plan` (apply false) or `apply`: one pass, its output on stdout; the
 * exit code. */
int cli_reconcile(struct cli *cli, bool apply);

/* Load the configuration and find this node; prints the error and returns
 * a negative errno on failure. */
int cli_load(const struct cli *cli, struct config **c, const struct node_conf **n);
