/* sysctl.h - kernel settings through /proc/sys */
#pragma once

#include <stddef.h>

/* Use root instead of /proc/sys (tests); NULL restores the default. */
void sysctl_set_root(const char *root);

/* Read a setting ("net/ipv4/ip_forward"), without the trailing newline. */
int sysctl_read(const char *path, char *buf, size_t size);

/* Write a setting. */
int sysctl_write(const char *path, const char *value);
