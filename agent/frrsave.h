/* frrsave.h - proxmesh's lines where FRR reads its configuration at start */
#pragma once

#include <stdbool.h>

#include "frrconf.h"
#include "util.h"

enum frrsave_state {
	FRRSAVE_SAME,    /* the file holds exactly proxmesh's desired lines */
	FRRSAVE_PENDING, /* they differ (write false) */
	FRRSAVE_WRITTEN, /* they differed and were replaced */
};

/* DIR/frr.conf: compare proxmesh's lines with desired (frrpersist.h) and,
 * with write, replace them: the file before goes to frr.conf.sav (as
 * `write memory` keeps it), the new one is renamed over it, owner and mode
 * kept. Returns the state, or -errno with *error saying what (owned). */
int frrsave_conf(const char *dir, const struct frrconf *desired, const struct strv *ifnames,
                 bool write, char **error);

/* DIR/frr.conf.local, where Proxmox SDN owns frr.conf and merges this one:
 * desired, between proxmesh's marker lines; the rest of the file, its owner
 * and mode kept. Compared, and with write replaced, as frrsave_conf. Only a
 * missing file counts as empty: any other read error is returned and
 * nothing is written. */
int frrsave_local(const char *dir, const struct frrconf *desired, bool write, char **error);
