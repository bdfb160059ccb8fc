/* frrdaemons.h - the daemons FRR starts (/etc/frr/daemons) */
#pragma once

#include <stdbool.h>

#include "config.h"

/* The daemons proxmesh needs, a bit mask: ospfd always, bfdd with BFD,
 * ospf6d with IPv6. */
#define FRRD_OSPFD 1u
#define FRRD_BFDD 2u
#define FRRD_OSPF6D 4u
unsigned frrdaemons_wanted(const struct config *c);

/* Which of the wanted daemons are not enabled in the daemons file text; a
 * daemon not mentioned counts as disabled. Returns a bit mask. */
unsigned frrdaemons_missing(const char *text, unsigned wanted);

/* " ospfd bfdd" for a mask: each daemon's name after a blank. */
const char *frrdaemons_names(unsigned mask, char buf[static 32]);

/* The text with the missing daemons set to "yes" (owned string). */
char *frrdaemons_enable(const char *text, unsigned missing);

/* Enable what is missing in PATH (atomically, keeping owner and mode).
 * 0 nothing to do, 1 changed (FRR must be restarted), negative errno. */
int frrdaemons_update(const char *path, unsigned wanted, bool dry_run, unsigned *missing);

#define FRR_RELOAD_SCRIPT "/usr/lib/frr/frr-reload.py"

/* Start the daemons just enabled in the daemons file, through systemd
 * (fixed argv, no shell): `systemctl reload frr` when FRR is running and
 * frr-reload.py is installed (no adjacency is dropped), else (or when the
 * reload failed) `systemctl restart frr` (*restarted set). Each is bounded
 * by TB_FRR_RELOAD_MS and the pass's budget (timebounds.h). 0, -ETIMEDOUT when
 * systemctl did not finish in time (killed and reaped), -EIO when it
 * failed, or another negative errno. */
int frrdaemons_start(bool frr_running, bool *restarted);
