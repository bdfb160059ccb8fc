/* mesh.h - `proxmesh mesh [--json|--dot]`: the whole mesh from the local
 * OSPF database against the configuration (DESIGN §7, §8) */
#pragma once

#include "cli.h"

/* Exit codes of `proxmesh mesh`. */
enum {
	MESH_EXIT_AS_CONFIGURED = 0,
	MESH_EXIT_DIFFERS = 1, /* or the configuration or arguments are wrong */
	MESH_EXIT_NO_FRR = 2,  /* ospfd does not answer, or has no OSPF instance */
};

/* Run the command with its own arguments (argv[0] the first after "mesh"). */
int mesh_command(const struct cli *cli, int argc, char **argv);
