/* apiresult.c - an API round's outcome and its one-line JSON form */
#include "apiresult.h"

#include <errno.h>
#include <string.h>
#include <syslog.h>

#include "log.h"
#include "util.h"

char *
api_result_dump(const struct api_result *r)
{
	json_auto_t *root =
	    json_pack("{s:s, s:s*, s:I, s:s*, s:o*}", "state", api_state_str(r->state), "url",
	              r->url, "http_status", (json_int_t)r->http_status, "error", r->error,
	              "membership", r->state == API_OK ? membership_to_json(&r->membership) : NULL);
	char *line;

	if (root == NULL)
		fatalx("out of memory");
	line = json_dumps(root, JSON_COMPACT);
	if (line == NULL)
		fatalx("out of memory");
	line = xrealloc(line, strlen(line) + 2);
	strcat(line, "\n");
	return line;
}

int
api_result_undump(const char *text, size_t len, struct api_result *out)
{
	json_auto_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	struct api_result r = {0};
	const char *state = NULL, *url = NULL, *error = NULL;
	json_int_t status = 0;
	json_t *m = NULL;

	if (root == NULL ||
	    json_unpack(root, "{s:s, s?s, s:I, s?s, s?o}", "state", &state, "url", &url,
	                "http_status", &status, "error", &error, "membership", &m) < 0)
		return -EBADMSG;
	if (api_state_parse(state, &r.state) < 0 || status < 0 || status > 999 ||
	    (r.state == API_OK) != (m != NULL))
		return -EBADMSG;
	if (m && membership_from_json(m, &r.membership) < 0)
		return -EBADMSG;
	r.http_status = (long)status;
	r.url = url ? xstrdup(url) : NULL;
	r.error = error ? xstrdup(error) : NULL;
	*out = r;
	return 0;
}

void
api_result_free(struct api_result *r)
{
	free(r->url);
	free(r->error);
	free(r->body);
	membership_free(&r->membership);
	*r = (struct api_result){0};
}

unsigned
pveapi_backoff(unsigned poll_interval, unsigned failures)
{
	unsigned d = poll_interval ? poll_interval : 1;

	for (unsigned i = 0; i < failures && d < PVEAPI_BACKOFF_MAX; i++)
		d *= 2;
	if (d > PVEAPI_BACKOFF_MAX)
		d = PVEAPI_BACKOFF_MAX;
	return d < poll_interval ? poll_interval : d;
}

unsigned
pveapi_next_round(unsigned poll_interval, unsigned interval_healthy, bool ok, bool in_grace,
                  unsigned failures, bool healthy)
{
	if (!ok && !in_grace)
		return pveapi_backoff(poll_interval, failures);
	if (ok && healthy && interval_healthy > poll_interval)
		return interval_healthy;
	return poll_interval;
}

bool
pveapi_keep_helper(unsigned poll_interval, unsigned next_s)
{
	return next_s <= poll_interval;
}

int
pveapi_report(enum api_state was, enum api_state now, bool url_changed, bool in_grace,
              bool *held)
{
	bool changed = was != now || url_changed;

	if (now == API_OK) {
		*held = false;
		return changed ? LOG_INFO : -1;
	}
	if (in_grace) {
		*held = true;
		return changed ? LOG_INFO : -1;
	}
	/* the grace is over, or the API answered once: a failure is news */
	if (changed || *held) {
		*held = false;
		return LOG_WARNING;
	}
	return -1;
}
