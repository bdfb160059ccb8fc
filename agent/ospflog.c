/* ospflog.c - where ospfd lately logged a packet failing authentication */
#include "ospflog.h"

#include <stdio.h>
#include <string.h>
#include <systemd/sd-journal.h>

#include "authlog.h"

/* ospfd logs one line per rejected packet (a hello a second per link):
 * enough to look at in a few dead intervals, bounded all the same. */
#define OSPFLOG_MAX_ENTRIES 2000

static void
journal_closep(sd_journal **j)
{
	if (*j)
		sd_journal_close(*j);
}

int
ospflog_auth_failing(uint64_t since_us, struct strv *out)
{
	__attribute__((cleanup(journal_closep))) sd_journal *j = NULL;
	int r;

	r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
	if (r < 0)
		return r;
	r = sd_journal_add_match(j, "SYSLOG_IDENTIFIER=ospfd", 0);
	if (r >= 0)
		r = sd_journal_seek_realtime_usec(j, since_us);
	if (r < 0)
		return r;
	for (unsigned n = 0; n < OSPFLOG_MAX_ENTRIES && sd_journal_next(j) > 0; n++) {
		const void *data;
		size_t len;
		char msg[512], ifname[IFNAMSIZ];

		if (sd_journal_get_data(j, "MESSAGE", &data, &len) < 0 || len < 8)
			continue;
		/* "MESSAGE=…", not NUL-terminated */
		snprintf(msg, sizeof(msg), "%.*s", (int)(len - 8), (const char *)data + 8);
		if (authlog_failure(msg, ifname) && !strv_contains(out, ifname))
			strv_push_dup(out, ifname);
	}
	return 0;
}
