/* ospflog.h - where ospfd lately logged a packet failing authentication */
#pragma once

#include <stdint.h>

#include "util.h"

/* The interfaces (each once) on which ospfd logged an authentication
 * failure (authlog.h) at or after since_us (CLOCK_REALTIME, µs), read from
 * the local journal (ospfd logs to syslog). 0, or a negative errno when the
 * journal cannot be read (out then stays empty). */
int ospflog_auth_failing(uint64_t since_us, struct strv *out);
