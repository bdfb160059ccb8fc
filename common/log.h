/* log.h - the tiny logging API: stderr for commands, journald for the daemon */
#pragma once

#include <stdbool.h>

enum log_target { LOG_TO_STDERR, LOG_TO_JOURNAL };

/* Choose where messages go and whether debug messages are shown. */
void log_init(enum log_target target, bool verbose);

/* Warning with strerror(-err) appended. */
void log_warn(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An entry with a MESSAGE_ID of the catalog (journalctl -x explains it);
 * on stderr like the others. */
void log_event(int prio, const char *message_id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
_Noreturn void fatal(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
