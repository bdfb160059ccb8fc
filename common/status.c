/* status.c - /run/proxmesh/status.json (DESIGN §7) and `proxmesh status` */
#include "status.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "util.h"

#define _cleanup_json_ _cleanup_(json_decrefp)

static json_t *
str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
time_or_null(long long ms)
{
	char buf[32];

	if (ms <= 0)
		return json_null();
	format_time_utc(ms, buf);
	return json_string(buf);
}

static json_t *
tri_json(enum tri t)
{
	return t == TRI_UNKNOWN ? json_null() : json_boolean(t == TRI_YES);
}

/* A monotonic time of the health as wall clock. */
static long long
mono_to_real(const struct status_info *s, long long mono_ms)
{
	return s->now_real_ms - (s->now_mono_ms - mono_ms);
}

/* A link's IPv6 address, or null: link-local addresses only. */
static json_t *
address6_json(const struct link_health *l)
{
	char buf[PREFIX6_STRLEN];

	return l->has_address6 ? json_string(prefix6_str(&l->address6, buf)) : json_null();
}

/* Added in format 1 with ipv6 = yes (an IPv4 mesh's links read as before):
 * "family" says whose "address" and "adjacency" the entry's are, "ipv4",
 * or "ipv6" in an IPv6-only mesh (there "address" is the link's IPv6
 * address, null with link-local ones only). In a dual-stack mesh OSPFv3's
 * side of the link sits beside under the same names with a 6:
 * "address6", "adjacency6", "bfd6", "since6", "flaps6", "diagnosis6",
 * "forming6". */
static void
render_link6(const struct status_info *s, const struct health *h, size_t i, json_t *o)
{
	const struct link_health *l6 = i < h->n_links6 ? &h->links6[i] : NULL;

	json_object_set_new(o, "family", json_string(h->links_v6 ? "ipv6" : "ipv4"));
	if (h->links_v6)
		json_object_set_new(o, "address", address6_json(&h->links[i]));
	if (l6 == NULL)
		return;
	json_object_set_new(o, "address6", address6_json(l6));
	json_object_set_new(o, "adjacency6", json_string(ospf_nsm_str(l6->adjacency)));
	json_object_set_new(o, "bfd6", json_string(link_bfd_str(l6->bfd)));
	json_object_set_new(o, "since6", time_or_null(mono_to_real(s, l6->since_ms)));
	json_object_set_new(o, "flaps6", json_integer((json_int_t)l6->flaps));
	json_object_set_new(o, "diagnosis6", json_string(link_diag_str(l6->diagnosis)));
	json_object_set_new(o, "forming6", json_boolean(l6->forming));
}

static json_t *
render_links(const struct status_info *s)
{
	json_t *a = json_array();
	const struct health *h = s->health;

	for (size_t i = 0; h != NULL && i < h->n_links; i++) {
		const struct link_health *l = &h->links[i];
		char addr[19];
		json_t *o;

		prefix4_str(&l->address, addr);
		o = json_pack("{s:s, s:s, s:s, s:I, s:o, s:s, s:s, s:s, s:o, s:I, s:o, s:s, s:b, s:b}",
		              "peer", l->peer, "interface", l->ifname, "address", addr, "cost",
		              (json_int_t)l->cost, "mtu",
		              l->mtu != 0 ? json_integer(l->mtu) : json_null(), "link",
		              link_state_str(l->link), "adjacency", ospf_nsm_str(l->adjacency),
		              "bfd", link_bfd_str(l->bfd), "since",
		              time_or_null(mono_to_real(s, l->since_ms)), "flaps",
		              (json_int_t)l->flaps, "peer_online", tri_json(l->peer_online),
		              "diagnosis", link_diag_str(l->diagnosis), "forming", l->forming,
		              "peer_handmade", l->peer_handmade);
		if (h->ipv6)
			render_link6(s, h, i, o);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *
render_dests(const struct status_info *s)
{
	json_t *a = json_array();
	const struct health *h = s->health;

	for (size_t i = 0; h != NULL && i < h->n_dests; i++) {
		const struct dest_health *d = &h->dests[i];
		char addr[PREFIX6_STRLEN];
		json_t *o;

		health_dest_addr(d, addr);
		o = json_pack("{s:s, s:s, s:o, s:o, s:o}", "node", d->node, "address", addr,
		              "reachable", d->known ? json_boolean(d->reachable) : json_null(),
		              "via", d->via[0] != '\0' ? json_string(d->via) : json_null(),
		              "preferred",
		              d->known ? json_boolean(d->reachable && d->preferred) : json_null());
		/* added in format 1 with ipv6 = yes: each loopback6 is an entry
		 * of its own, its "address" the /128, "family" "ipv6" */
		if (h->ipv6)
			json_object_set_new(o, "family", json_string(d->v6 ? "ipv6" : "ipv4"));
		json_array_append_new(a, o);
	}
	return a;
}

char *
status_render(const struct status_info *s)
{
	_cleanup_json_ json_t *root = NULL;
	const struct health *h = s->health != NULL && s->health->valid ? s->health : NULL;
	char updated[32];
	char *text;

	format_time_utc(s->now_real_ms, updated);
	root = json_pack(
	    "{s:i, s:o, s:s, s:s, s:b, s:s,"
	    " s:{s:b, s:o},"
	    " s:{s:o, s:o, s:o, s:o},"
	    " s:{s:o, s:o, s:o, s:o},"
	    " s:o, s:o}",
	    "format", STATUS_FORMAT, "node", str_or_null(s->node), "updated", updated, "health",
	    h != NULL ? health_overall_str(h->overall) : "unknown", "starting",
	    h != NULL && h->starting, "summary", h != NULL ? h->summary : "not evaluated yet",
	    "frr", "running", s->frr_running, "version", str_or_null(s->frr_version), "reconcile",
	    "state", str_or_null(s->reconcile_state), "last_run",
	    time_or_null(s->reconcile_last_run_ms), "last_change",
	    time_or_null(s->reconcile_last_change_ms), "last_error",
	    str_or_null(s->reconcile_last_error), "api", "state", str_or_null(s->api_state), "url",
	    str_or_null(s->api_url), "last_ok", time_or_null(s->api_last_ok_ms), "quorate",
	    tri_json(s->api_quorate), "links", render_links(s), "destinations", render_dests(s));
	if (root == NULL)
		fatalx("status: cannot build the status document");
	/* added in format 1: what older readers ignore */
	json_object_set_new(json_object_get(root, "reconcile"), "passes",
	                    json_integer((json_int_t)s->reconcile_passes));
	if (s->configuration_state)
		json_object_set_new(root, "configuration",
		                    json_pack("{s:s, s:o}", "state", s->configuration_state, "detail",
		                              str_or_null(s->configuration_detail)));
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (text == NULL)
		fatalx("status: cannot format the status document");
	return text;
}

int
status_write(const char *path, const struct status_info *s)
{
	_cleanup_free_ char *text = status_render(s);
	size_t len = strlen(text);

	text = xrealloc(text, len + 2);
	text[len++] = '\n';
	text[len] = '\0';
	return write_file_atomic(path, text, len, 0644);
}

/* "2026-11-26T10:00:00Z" → ms; -1 if malformed. */
static long long
parse_time_utc(const char *s)
{
	struct tm tm = {0};
	const char *end;

	if (s == NULL)
		return -1;
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end == NULL)
		return -1;
	if (*end == '.') /* fractions, if a newer writer adds them */
		end += 1 + strspn(end + 1, "0123456789");
	if (strcmp(end, "Z") != 0)
		return -1;
	return (long long)timegm(&tm) * 1000;
}

/* "42s", "5m12s", "3h04m", "2d03h". */
static void
format_age(long long ms, char buf[static 32])
{
	long long s = ms < 0 ? 0 : ms / 1000;

	if (s < 60)
		snprintf(buf, 32, "%llds", s);
	else if (s < 3600)
		snprintf(buf, 32, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, 32, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, 32, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
}

static const char *
jstr(json_t *o, const char *key, const char *dflt)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : dflt;
}

/* A boolean member as "yes"/"no", null or absent as dflt. */
static const char *
jbool(json_t *o, const char *key, const char *dflt)
{
	json_t *v = json_object_get(o, key);

	return json_is_boolean(v) ? (json_is_true(v) ? "yes" : "no") : dflt;
}

/* A time member as its age ("5m12s ago") or dflt. */
static const char *
jage(json_t *o, const char *key, long long now_ms, char buf[static 48], const char *dflt)
{
	long long t = parse_time_utc(jstr(o, key, NULL));
	char age[32];

	if (t < 0)
		return dflt;
	format_age(now_ms - t, age);
	snprintf(buf, 48, "%s ago", age);
	return buf;
}

/* An address member, "link-local" where an IPv6 link has no other. */
static const char *
jaddr(json_t *l, const char *key, bool v6)
{
	json_t *v = json_object_get(l, key);

	return json_is_string(v)       ? json_string_value(v)
	       : v6 && json_is_null(v) ? "link-local"
	                               : "-";
}

/* OSPFv3's side of a dual-stack link, on a line of its own under it. */
static void
print_link6(json_t *l, long long now_ms, FILE *out)
{
	json_t *flaps = json_object_get(l, "flaps6");
	char since[48], nflaps[24] = "-";

	if (json_is_integer(flaps))
		snprintf(nflaps, sizeof(nflaps), "%lld", (long long)json_integer_value(flaps));
	fprintf(out, "%-10s %-12s %-18s %6s %-7s %-9s %-8s %-11s %5s  %s (OSPFv3)\n", "", "",
	        jaddr(l, "address6", true), "", "", jstr(l, "adjacency6", "?"),
	        jstr(l, "bfd6", "?"), jage(l, "since6", now_ms, since, "-"), nflaps,
	        jstr(l, "diagnosis6", "?"));
}

static void
print_links(json_t *links, long long now_ms, FILE *out)
{
	size_t i;
	json_t *l;

	if (json_array_size(links) == 0) {
		fprintf(out, "no links\n");
		return;
	}
	fprintf(out, "%-10s %-12s %-18s %6s %-7s %-9s %-8s %-11s %5s  %s\n", "INTERFACE", "PEER",
	        "ADDRESS", "COST", "LINK", "ADJACENCY", "BFD", "SINCE", "FLAPS", "DIAGNOSIS");
	json_array_foreach(links, i, l)
	{
		char since[48];
		json_t *cost = json_object_get(l, "cost"), *flaps = json_object_get(l, "flaps");
		bool v6 = !strcmp(jstr(l, "family", "ipv4"), "ipv6");

		fprintf(out, "%-10s %-12s %-18s %6lld %-7s %-9s %-8s %-11s %5lld  %s%s\n",
		        jstr(l, "interface", "?"), jstr(l, "peer", "?"), jaddr(l, "address", v6),
		        json_is_integer(cost) ? (long long)json_integer_value(cost) : 0LL,
		        jstr(l, "link", "?"), jstr(l, "adjacency", "?"), jstr(l, "bfd", "?"),
		        jage(l, "since", now_ms, since, "-"),
		        json_is_integer(flaps) ? (long long)json_integer_value(flaps) : 0LL,
		        jstr(l, "diagnosis", "?"),
		        json_is_true(json_object_get(l, "peer_handmade"))
		            ? " (neighbour hand-made: link kept broadcast)"
		        : v6 ? " (OSPFv3)"
		             : "");
		if (json_object_get(l, "adjacency6") != NULL)
			print_link6(l, now_ms, out);
	}
}

static void
print_dests(json_t *dests, FILE *out)
{
	size_t i;
	json_t *d;

	int w = 18; /* an IPv4 /32's; a loopback6's /128 widens the column */

	if (json_array_size(dests) == 0)
		return;
	json_array_foreach(dests, i, d) if ((int)strlen(jstr(d, "address", "?")) > w) w =
	    (int)strlen(jstr(d, "address", "?"));
	fprintf(out, "\n%-12s %-*s %-9s %-10s %s\n", "DESTINATION", w, "ADDRESS", "REACHABLE",
	        "VIA", "PREFERRED");
	json_array_foreach(dests, i, d)
	    fprintf(out, "%-12s %-*s %-9s %-10s %s\n", jstr(d, "node", "?"), w,
	            jstr(d, "address", "?"), jbool(d, "reachable", "unknown"), jstr(d, "via", "-"),
	            jbool(d, "preferred", "unknown"));
}

static void
print_services(json_t *root, long long now_ms, FILE *out)
{
	json_t *frr = json_object_get(root, "frr");
	json_t *rec = json_object_get(root, "reconcile");
	json_t *api = json_object_get(root, "api");
	json_t *conf = json_object_get(root, "configuration");
	char b1[48], b2[48];
	const char *err;

	fprintf(out, "\n%-10s %s",
	        "frr:", json_is_true(json_object_get(frr, "running")) ? "running" : "not running");
	if (jstr(frr, "version", NULL) != NULL)
		fprintf(out, " (%s)", jstr(frr, "version", ""));
	fprintf(out, "\n%-10s %s, last run %s, last change %s\n",
	        "reconcile:", jstr(rec, "state", "unknown"),
	        jage(rec, "last_run", now_ms, b1, "never"),
	        jage(rec, "last_change", now_ms, b2, "never"));
	err = jstr(rec, "last_error", NULL);
	if (err != NULL)
		fprintf(out, "%-10s %s\n", "", err);
	if (jstr(conf, "state", NULL) != NULL && strcmp(jstr(conf, "state", ""), "file") != 0)
		fprintf(out, "%-10s %s: %s\n", "config:", jstr(conf, "state", ""),
		        jstr(conf, "detail", ""));
	fprintf(out, "%-10s %s", "api:", jstr(api, "state", "unknown"));
	if (jstr(api, "url", NULL) != NULL)
		fprintf(out, " (%s)", jstr(api, "url", ""));
	if (json_is_boolean(json_object_get(api, "quorate")))
		fprintf(out, ", %s",
		        json_is_true(json_object_get(api, "quorate")) ? "quorate" : "NOT quorate");
	if (jstr(api, "last_ok", NULL) != NULL)
		fprintf(out, ", last ok %s", jage(api, "last_ok", now_ms, b1, "never"));
	fputc('\n', out);
}

/* Load and judge a status document: 0 healthy and fresh, 1 otherwise. */
static int
status_judge(json_t *root, long long now_real_ms, FILE *err)
{
	long long updated = parse_time_utc(jstr(root, "updated", NULL));
	char age[32];

	if (updated < 0) {
		fprintf(err, "proxmesh: status file has no valid \"updated\" time\n");
		return 1;
	}
	if (now_real_ms - updated > STATUS_STALE_MS) {
		format_age(now_real_ms - updated, age);
		fprintf(err,
		        "proxmesh: status file is stale: last updated %s ago; is proxmesh "
		        "running? (systemctl status proxmesh)\n",
		        age);
		return 1;
	}
	return strcmp(jstr(root, "health", "unknown"), "healthy") == 0 ? 0 : 1;
}

static json_t *
status_load(const char *json, FILE *err)
{
	json_error_t jerr;
	json_t *root = json_loads(json, 0, &jerr);

	if (root == NULL || !json_is_object(root)) {
		fprintf(err, "proxmesh: status file is not valid JSON: %s (line %d)\n",
		        root == NULL ? jerr.text : "not an object", root == NULL ? jerr.line : 1);
		json_decref(root);
		return NULL;
	}
	if (!json_is_integer(json_object_get(root, "format")) ||
	    json_integer_value(json_object_get(root, "format")) != STATUS_FORMAT) {
		fprintf(err, "proxmesh: status file has an unknown format (expected %d)\n",
		        STATUS_FORMAT);
		json_decref(root);
		return NULL;
	}
	return root;
}

int
status_format(const char *json, long long now_real_ms, FILE *out, FILE *err)
{
	_cleanup_json_ json_t *root = status_load(json, err);
	char age[32];
	long long updated;
	int ret;

	if (root == NULL)
		return 1;
	ret = status_judge(root, now_real_ms, err);
	updated = parse_time_utc(jstr(root, "updated", NULL));
	format_age(updated >= 0 ? now_real_ms - updated : 0, age);
	fprintf(out, "%s: %s: %s (updated %s ago)\n\n", jstr(root, "node", "?"),
	        jstr(root, "health", "unknown"), jstr(root, "summary", ""), age);
	print_links(json_object_get(root, "links"), now_real_ms, out);
	print_dests(json_object_get(root, "destinations"), out);
	print_services(root, now_real_ms, out);
	fprintf(out, "%-10s %s\n", "overall:", jstr(root, "health", "unknown"));
	return ret;
}

int
status_command(const char *path, bool json, FILE *out, FILE *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = read_file(path, STATUS_FILE_MAX, &text, &len);
	if (r == -ENOENT) {
		fprintf(err,
		        "proxmesh: no status file %s: proxmesh is not running "
		        "(systemctl status proxmesh)\n",
		        path);
		return 1;
	}
	if (r < 0) {
		fprintf(err, "proxmesh: cannot read %s: %s\n", path, strerror(-r));
		return 1;
	}
	if (json) {
		_cleanup_json_ json_t *root = status_load(text, err);

		fwrite(text, 1, len, out);
		if (len > 0 && text[len - 1] != '\n')
			fputc('\n', out);
		return root != NULL ? status_judge(root, now_real_ms(), err) : 1;
	}
	return status_format(text, now_real_ms(), out, err);
}
