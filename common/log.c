/* log.c - the tiny logging API: stderr for commands, journald for the daemon */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <systemd/sd-journal.h>

#include "redact.h"
#include "util.h"

static enum log_target log_target = LOG_TO_STDERR;
static bool log_verbose;

void
log_init(enum log_target target, bool verbose)
{
	log_target = target;
	log_verbose = verbose;
}

static void
__attribute__((format(printf, 4, 0))) vlog(int prio, const char *mid, int err, const char *fmt,
                                           va_list ap)
{
	char raw[512];
	_cleanup_free_ char *whole = NULL, *msg = NULL;
	va_list again;

	/* the whole text (a failed pass names every refused command); out of
	 * memory, its start */
	va_copy(again, ap);
	if (vasprintf(&whole, fmt, ap) < 0) {
		whole = NULL;
		vsnprintf(raw, sizeof(raw), fmt, again);
	}
	va_end(again);
	msg = redact_known(whole ? whole : raw); /* no secret in any log */
	if (err != 0) {
		char *m = xasprintf("%s: %s", msg, strerror(err < 0 ? -err : err));

		free(msg);
		msg = m;
	}
	if (log_target == LOG_TO_JOURNAL && mid)
		sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", prio, "MESSAGE_ID=%s", mid,
		                "SYSLOG_IDENTIFIER=proxmesh", NULL);
	else if (log_target == LOG_TO_JOURNAL)
		sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", prio,
		                "SYSLOG_IDENTIFIER=proxmesh", NULL);
	else
		fprintf(stderr, "proxmesh: %s\n", msg);
}

#define DEFINE_LOG(name, prio, cond)                                                               \
	void name(const char *fmt, ...)                                                            \
	{                                                                                          \
		va_list ap;                                                                        \
		if (!(cond))                                                                       \
			return;                                                                    \
		va_start(ap, fmt);                                                                 \
		vlog(prio, NULL, 0, fmt, ap);                                                            \
		va_end(ap);                                                                        \
	}

DEFINE_LOG(log_warnx, LOG_WARNING, true)
DEFINE_LOG(log_notice, LOG_NOTICE, true)
DEFINE_LOG(log_info, LOG_INFO, log_target == LOG_TO_JOURNAL || log_verbose)
DEFINE_LOG(log_debug, LOG_DEBUG, log_verbose)

void
log_warn(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, NULL, err, fmt, ap);
	va_end(ap);
}

void
fatal(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, NULL, err, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, NULL, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

void
log_event(int prio, const char *message_id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(prio, message_id, 0, fmt, ap);
	va_end(ap);
}
