/* daemon.h - `proxmesh run`: the agent's event loop */
#pragma once

#include "cli.h"

/* Run the agent until SIGTERM/SIGINT; returns the exit code. */
int daemon_main(struct cli *cli);
