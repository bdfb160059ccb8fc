/* log.c - the tiny logging API: stderr for commands, journald for the daemon */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <systemd/sd-journal.h>

static enum log_target log_target = LOG_TO_STDERR;
static bool log_verbose;

void
log_init(enum log_target target, bool verbose)
{
	log_target = target;
	log_verbose = verbose;
}

static void
__attribute__((format(printf, 3, 0))) vlog(int prio, int err, const char *fmt, va_list ap)
{
	char msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (err != 0) {
		size_t n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(err < 0 ? -err : err));
	}
	if (log_target == LOG_TO_JOURNAL)
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
		vlog(prio, 0, fmt, ap);                                                            \
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
	vlog(LOG_WARNING, err, fmt, ap);
	va_end(ap);
}

void
fatal(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, err, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
