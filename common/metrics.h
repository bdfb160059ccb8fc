/* metrics.h - the health as Prometheus metrics (DESIGN §7): node_exporter's
 * textfile format, pure rendering and an atomic write */
#pragma once

#include "status.h"

/* Where Debian's prometheus-node-exporter reads textfiles; the agent writes
 * there only when the folder exists, unless [metrics] textfile says. */
#define METRICS_TEXTFILE_DEFAULT "/var/lib/prometheus/node-exporter/proxmesh.prom"

/* The metrics of s in the text exposition format (owned string). Every
 * family has its HELP and TYPE; the last line is always
 * proxmesh_last_update_timestamp_seconds, so a reader can tell a whole file. */
char *metrics_render(const struct status_info *s);

/* Render and replace path atomically, mode 0644; the temp file beside it is
 * named .NAME.XXXXXX, which node_exporter's *.prom does not match. */
int metrics_write(const char *path, const struct status_info *s);
