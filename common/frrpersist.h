/* frrpersist.h - proxmesh's part of FRR's startup configuration file */
#pragma once

#include "frrconf.h"
#include "util.h"

/* Does the configuration file text hold exactly proxmesh's part of desired
 * (for the interfaces in ifnames), each line once, as FRR reads the file:
 * would frrpersist_patch leave it as it is? 1 yes, 0 no, -EINVAL when it
 * cannot be read (a control character). */
int frrpersist_in_sync(const char *file, const struct frrconf *desired, const struct strv *ifnames);

/* The file text with what proxmesh owns replaced by desired: every other
 * line stays where and as it was, byte for byte (BGP from Proxmox SDN,
 * static routes, comments). proxmesh's blocks are replaced where they are,
 * its lines go into an interface or bfd block the file already has (where
 * the first of them was), each once; the rest is appended before a final
 * "end". Patching twice gives what patching once gives. A text that cannot
 * be read comes back as it is. */
char *frrpersist_patch(const char *file, const struct frrconf *desired, const struct strv *ifnames);
