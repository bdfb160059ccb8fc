/* main.c - proxmesh: the per-host agent of a routed Proxmox mesh */
#include "cli.h"

int
main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
