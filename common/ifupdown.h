/* ifupdown.h - the ifupdown2 file that persists the interface plan */
#pragma once

#include <stdbool.h>

#define IFUPDOWN_FILE "/etc/network/interfaces.d/proxmesh"
#define IFUPDOWN_MAIN "/etc/network/interfaces"

/* Write text to path (atomically, mode 0644) unless it already holds exactly
 * that; 1 when written, 0 when unchanged, negative errno on error (a file
 * that cannot be read, a symbolic link included). (Also used for the
 * sysctl.d file.) */
int ifupdown_write(const char *path, const char *text);

/* Whether the folder of file does not exist (a host without ifupdown2). */
bool ifupdown_dir_missing(const char *file);

/* Whether an interfaces(5) text sources the folder of file (a "source" line
 * whose pattern matches file, or a "source-directory" of its folder). */
bool ifupdown_text_sources(const char *text, const char *file);

/* The warning to give when the main interfaces file does not source the
 * folder of file (owned string), or NULL when it does or cannot be read. */
char *ifupdown_check_sourced(const char *main_path, const char *file);
