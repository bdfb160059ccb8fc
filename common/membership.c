/* membership.c - Proxmox VE cluster membership: parse, persist, compare (pure) */
#include "membership.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "log.h"

#define MEMBERSHIP_FORMAT 1

static const char *const api_state_names[] = {
    [API_DISABLED] = "disabled",       [API_OK] = "ok",
    [API_UNREACHABLE] = "unreachable", [API_UNAUTHORIZED] = "unauthorized",
    [API_TLS_ERROR] = "tls-error",     [API_BAD_ANSWER] = "bad-answer",
};

const char *
api_state_str(enum api_state s)
{
	if ((size_t)s >= ARRAY_SIZE(api_state_names))
		return "unknown";
	return api_state_names[s];
}

int
api_state_parse(const char *s, enum api_state *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(api_state_names); i++)
		if (strcmp(s, api_state_names[i]) == 0) {
			*out = (enum api_state)i;
			return 0;
		}
	return -EINVAL;
}

static int __attribute__((format(printf, 2, 3))) fail(char **err, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		va_start(ap, fmt);
		*err = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

/* Text from outside, made safe for a log line: printable, short, one line. */
static void
sanitize(const char *in, char *out, size_t size)
{
	size_t i;

	for (i = 0; in[i] != '\0' && in[i] != '\n' && i + 1 < size; i++)
		out[i] =
		    ((unsigned char)in[i] < 0x20 || (unsigned char)in[i] >= 0x7f) ? '?' : in[i];
	out[i] = '\0';
}

/* A Proxmox node name is a host name label (possibly dotted). */
static bool
name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > MEMBER_NAME_MAX)
		return false;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
	      (s[0] >= '0' && s[0] <= '9')))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '.' || *s == '_'))
			return false;
	return true;
}

/* 0/1, true/false, "0"/"1": what the API sends for a boolean. */
static int
get_bool(const json_t *v, bool *out)
{
	if (json_is_boolean(v)) {
		*out = json_is_true(v);
		return 0;
	}
	if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1)) {
		*out = json_integer_value(v) == 1;
		return 0;
	}
	if (json_is_string(v) &&
	    (strcmp(json_string_value(v), "0") == 0 || strcmp(json_string_value(v), "1") == 0)) {
		*out = json_string_value(v)[0] == '1';
		return 0;
	}
	return -EINVAL;
}

/* A non-negative integer or a decimal string that fits an unsigned. */
static int
get_uint(const json_t *v, unsigned *out)
{
	unsigned long ul;

	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);
		if (i < 0 || i > (json_int_t)UINT_MAX)
			return -ERANGE;
		*out = (unsigned)i;
		return 0;
	}
	if (json_is_string(v) && json_string_length(v) <= 10 &&
	    parse_uint(json_string_value(v), 0, UINT_MAX, &ul) == 0) {
		*out = (unsigned)ul;
		return 0;
	}
	return -EINVAL;
}

static int
member_cmp(const void *a, const void *b)
{
	return strcmp(((const struct member *)a)->name, ((const struct member *)b)->name);
}

/* Sort, then reject duplicate names and duplicate non-zero ids. */
static int
finish_members(struct member *v, size_t n, char **err)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), member_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(v[i].name, v[i - 1].name) == 0)
			return fail(err, "node %s is listed twice", v[i].name);
		for (size_t j = 0; j < i; j++)
			if (v[i].id != 0 && v[i].id == v[j].id)
				return fail(err, "nodes %s and %s have the same nodeid %u",
				            v[j].name, v[i].name, v[i].id);
	}
	return 0;
}

static int
parse_node(const json_t *e, size_t idx, struct member *m, char **err)
{
	const json_t *v;

	v = json_object_get(e, "name");
	if (!json_is_string(v) || !name_valid(json_string_value(v)))
		return fail(err, "entry %zu: missing or invalid node name", idx);
	snprintf(m->name, sizeof(m->name), "%s", json_string_value(v));
	if (get_uint(json_object_get(e, "nodeid"), &m->id) < 0)
		return fail(err, "node %s: missing or invalid nodeid", m->name);
	if (get_bool(json_object_get(e, "online"), &m->online) < 0)
		return fail(err, "node %s: missing or invalid online flag", m->name);
	v = json_object_get(e, "local");
	m->local = false;
	if (v != NULL && get_bool(v, &m->local) < 0)
		return fail(err, "node %s: invalid local flag", m->name);
	return 0;
}

static int
parse_cluster(const json_t *e, size_t idx, struct membership *m, char **err)
{
	const json_t *v;

	if (m->clustered)
		return fail(err, "entry %zu: a second cluster entry", idx);
	v = json_object_get(e, "name");
	if (!json_is_string(v) || !name_valid(json_string_value(v)))
		return fail(err, "entry %zu: missing or invalid cluster name", idx);
	snprintf(m->cluster_name, sizeof(m->cluster_name), "%s", json_string_value(v));
	if (get_bool(json_object_get(e, "quorate"), &m->quorate) < 0)
		return fail(err, "cluster %s: missing or invalid quorate flag", m->cluster_name);
	m->clustered = true;
	return 0;
}

int
membership_parse(const char *body, size_t len, struct membership *out, char **err)
{
	json_auto_t *root = NULL;
	_cleanup_free_ struct member *members = NULL;
	struct membership m = {0};
	json_error_t jerr;
	const json_t *data, *e;
	size_t idx, n_nodes = 0;
	int r;

	if (len > MEMBERSHIP_BODY_MAX) {
		fail(err, "answer larger than %d bytes", MEMBERSHIP_BODY_MAX);
		return -EFBIG;
	}
	if (len == 0)
		return fail(err, "empty answer");
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		char text[JSON_ERROR_TEXT_LENGTH];
		sanitize(jerr.text, text, sizeof(text));
		return fail(err, "invalid JSON at line %d: %s", jerr.line, text);
	}
	if (!json_is_object(root))
		return fail(err, "answer is not a JSON object");
	data = json_object_get(root, "data");
	if (!json_is_array(data)) {
		const json_t *msg = json_object_get(root, "message");
		if (json_is_string(msg)) {
			char text[128];
			sanitize(json_string_value(msg), text, sizeof(text));
			return fail(err, "API error: %s", text);
		}
		return fail(err, "answer has no data array");
	}
	if (json_array_size(data) > MEMBERSHIP_MEMBERS_MAX + 1)
		return fail(err, "answer lists more than %d entries", MEMBERSHIP_MEMBERS_MAX + 1);

	members = xcalloc(json_array_size(data), sizeof(*members));
	json_array_foreach(data, idx, e)
	{
		const json_t *type = json_object_get(e, "type");

		if (!json_is_object(e))
			return fail(err, "entry %zu is not an object", idx);
		if (!json_is_string(type))
			return fail(err, "entry %zu: missing or invalid type", idx);
		if (strcmp(json_string_value(type), "node") == 0)
			r = parse_node(e, idx, &members[n_nodes++], err);
		else if (strcmp(json_string_value(type), "cluster") == 0)
			r = parse_cluster(e, idx, &m, err);
		else
			r = 0; /* a newer kind of entry: not ours to judge */
		if (r < 0)
			return r;
	}
	if (n_nodes == 0)
		return fail(err, "answer lists no node");
	if (n_nodes > MEMBERSHIP_MEMBERS_MAX)
		return fail(err, "answer lists more than %d nodes", MEMBERSHIP_MEMBERS_MAX);
	r = finish_members(members, n_nodes, err);
	if (r < 0)
		return r;
	if (!m.clustered)
		m.quorate = true; /* a standalone node is its own quorum */
	m.members = TAKE_PTR(members);
	m.n = n_nodes;
	*out = m;
	return 0;
}

json_t *
membership_to_json(const struct membership *m)
{
	json_t *arr = json_array(), *root;
	char when[32] = "";

	if (arr == NULL)
		fatalx("out of memory");
	for (size_t i = 0; i < m->n; i++) {
		const struct member *e = &m->members[i];
		if (json_array_append_new(arr, json_pack("{s:s, s:I, s:b, s:b}", "name", e->name,
		                                         "id", (json_int_t)e->id, "online",
		                                         e->online, "local", e->local)) < 0)
			fatalx("out of memory");
	}
	if (m->last_ok_ms > 0)
		format_time_utc(m->last_ok_ms, when);
	root = json_pack("{s:i, s:I, s:s, s:b, s:b, s:s, s:o}", "format", MEMBERSHIP_FORMAT,
	                 "last_ok_ms", (json_int_t)m->last_ok_ms, "last_ok", when, "clustered",
	                 m->clustered, "quorate", m->quorate, "cluster", m->cluster_name, "members",
	                 arr);
	if (root == NULL)
		fatalx("out of memory");
	return root;
}

int
membership_save(const struct membership *m, const char *path)
{
	json_auto_t *root = membership_to_json(m);
	_cleanup_free_ char *text = json_dumps(root, JSON_INDENT(2));

	if (text == NULL)
		fatalx("out of memory");
	text = xrealloc(text, strlen(text) + 2);
	strcat(text, "\n");
	return write_file_atomic(path, text, strlen(text), 0644);
}

int
membership_from_json(json_t *root, struct membership *out)
{
	_cleanup_free_ struct member *members = NULL;
	struct membership m = {0};
	json_t *arr, *e;
	json_int_t format = 0, last_ok = 0;
	const char *cluster = NULL;
	int clustered = 0, quorate = 0;
	size_t idx;

	if (root == NULL ||
	    json_unpack(root, "{s:I, s:I, s:b, s:b, s:s, s:o}", "format", &format, "last_ok_ms",
	                &last_ok, "clustered", &clustered, "quorate", &quorate, "cluster", &cluster,
	                "members", &arr) < 0 ||
	    format != MEMBERSHIP_FORMAT || last_ok < 0 || !json_is_array(arr) ||
	    json_array_size(arr) == 0 || json_array_size(arr) > MEMBERSHIP_MEMBERS_MAX)
		return -EBADMSG;
	if (clustered && !name_valid(cluster))
		return -EBADMSG;
	snprintf(m.cluster_name, sizeof(m.cluster_name), "%s", clustered ? cluster : "");
	members = xcalloc(json_array_size(arr), sizeof(*members));
	json_array_foreach(arr, idx, e)
	{
		const char *name;
		json_int_t id;
		int online, local;

		if (json_unpack(e, "{s:s, s:I, s:b, s:b}", "name", &name, "id", &id, "online",
		                &online, "local", &local) < 0 ||
		    !name_valid(name) || id < 0 || id > (json_int_t)UINT_MAX)
			return -EBADMSG;
		snprintf(members[idx].name, sizeof(members[idx].name), "%s", name);
		members[idx].id = (unsigned)id;
		members[idx].online = online;
		members[idx].local = local;
	}
	if (finish_members(members, json_array_size(arr), NULL) < 0)
		return -EBADMSG;
	m.n = json_array_size(arr);
	m.members = TAKE_PTR(members);
	m.clustered = clustered;
	m.quorate = quorate;
	m.last_ok_ms = last_ok;
	*out = m;
	return 0;
}

int
membership_load(const char *path, struct membership *out)
{
	_cleanup_free_ char *text = NULL;
	json_auto_t *root = NULL;
	size_t len;
	int r;

	r = read_file_nofollow(path, MEMBERSHIP_BODY_MAX, &text, &len);
	if (r < 0)
		return r;
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	return membership_from_json(root, out);
}

void
membership_free(struct membership *m)
{
	free(m->members);
	*m = (struct membership){0};
}

void
membership_copy(struct membership *dst, const struct membership *src)
{
	*dst = *src;
	dst->members = xcalloc(src->n, sizeof(*src->members));
	if (src->n > 0)
		memcpy(dst->members, src->members, src->n * sizeof(*src->members));
}

const struct member *
membership_find(const struct membership *m, const char *name)
{
	struct member key;

	if (m == NULL || m->n == 0 || strlen(name) > MEMBER_NAME_MAX)
		return NULL;
	snprintf(key.name, sizeof(key.name), "%s", name);
	return bsearch(&key, m->members, m->n, sizeof(key), member_cmp);
}

bool
membership_equal(const struct membership *a, const struct membership *b)
{
	if (a->n != b->n || a->clustered != b->clustered || a->quorate != b->quorate ||
	    strcmp(a->cluster_name, b->cluster_name) != 0)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->members[i].name, b->members[i].name) != 0 ||
		    a->members[i].id != b->members[i].id ||
		    a->members[i].online != b->members[i].online)
			return false;
	return true;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
membership_check_config(const struct membership *m, const struct config *c, struct strv *out)
{
	size_t first = out->n;

	if (!m->clustered)
		return;
	for (size_t i = 0; i < m->n; i++) {
		bool found = false;
		for (size_t j = 0; j < c->n_nodes && !found; j++)
			found = strcmp(c->nodes[j].name, m->members[i].name) == 0;
		if (!found)
			strv_pushf(out, "cluster member %s has no [node] section",
			           m->members[i].name);
	}
	for (size_t j = 0; j < c->n_nodes; j++)
		if (!c->nodes[j].external && membership_find(m, c->nodes[j].name) == NULL)
			strv_pushf(out, "node %s is not external but not a cluster member",
			           c->nodes[j].name);
	if (out->n > first)
		qsort(out->v + first, out->n - first, sizeof(char *), str_cmp);
}
