/* frrpersist.h - proxmesh's part of FRR's startup configuration file */
#pragma once

#include "frrconf.h"
#include "util.h"

/* Does the configuration file text hold exactly proxmesh's part of desired
 * (what frrdiff owns, for the interfaces in ifnames)? 1 yes, 0 no,
 * -EINVAL when it cannot be parsed. */
int frrpersist_in_sync(const char *file, const struct frrconf *desired, const struct strv *ifnames);

/* The file text with what proxmesh owns replaced by desired: every other
 * line stays where and as it was (BGP from Proxmox SDN, static routes,
 * comments). proxmesh's lines go into an interface or bfd block the file
 * already has, the rest is appended before a final "end". */
char *frrpersist_patch(const char *file, const struct frrconf *desired, const struct strv *ifnames);
