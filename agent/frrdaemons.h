/* frrdaemons.h - the daemons FRR starts (/etc/frr/daemons) */
#pragma once

#include <stdbool.h>

/* Which of ospfd and bfdd are not enabled in the daemons file text; a
 * daemon not mentioned counts as disabled. Returns a bit mask. */
#define FRRD_OSPFD 1u
#define FRRD_BFDD 2u
unsigned frrdaemons_missing(const char *text, bool want_bfd);

/* The text with the missing daemons set to "yes" (owned string). */
char *frrdaemons_enable(const char *text, unsigned missing);

/* Enable what is missing in PATH (atomically, keeping owner and mode).
 * 0 nothing to do, 1 changed (FRR must be restarted), negative errno. */
int frrdaemons_update(const char *path, bool want_bfd, bool dry_run, unsigned *missing);

/* Restart FRR through systemd and wait for it (fixed argv, no shell). */
int frrdaemons_restart_frr(void);
