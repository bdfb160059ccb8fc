/* doctor.h - `proxmesh doctor [--json]`: read-only checks of this host
 * against the mesh (DESIGN §8, §13) */
#pragma once

#include "cli.h"

/* Run the checks and print them; 0 all ok, 1 a warning, 2 a failure (or
 * no usable configuration). */
int doctor_command(struct cli *cli);
