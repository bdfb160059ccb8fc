/* report.c - health events to journald: fields, priorities, rate limiting
 *
 * Building entries and rate limiting are pure (tested); only report_send()
 * and report_event() talk to journald. */
#include "report.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <syslog.h>
#include <systemd/sd-journal.h>

#include "redact.h"

struct report_flap {
	char *key;
	char *object; /* "link pbs/nic4": what the summary names */
	long long times[REPORT_FLAP_LIMIT];
	size_t n_times;
	bool suppressing;
	long long suppress_start;
	unsigned suppressed;
	/* the last suppressed change: the state the summary reports */
	char *now;
	struct strv fields;
};

/* An entry being built, with what rate limiting needs to know about it. */
struct pending {
	struct report_entry e;
	char *key;
	char *object;
	char *now;
};

static const char *
tri_str(enum tri t)
{
	return t == TRI_YES ? "yes" : t == TRI_NO ? "no" : "unknown";
}

static void
pending_free(struct pending *p)
{
	free(p->e.message);
	strv_free(&p->e.fields);
	free(p->key);
	free(p->object);
	free(p->now);
	memset(p, 0, sizeof(*p));
}

static void
strv_copy(struct strv *dst, const struct strv *src)
{
	for (size_t i = 0; i < src->n; i++)
		strv_push_dup(dst, src->v[i]);
}

static void
entries_push(struct report_entries *out, struct report_entry *e)
{
	out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
	out->v[out->n++] = *e;
	memset(e, 0, sizeof(*e));
}

/* PROXMESH_FAMILY, once the mesh runs IPv6: "ipv6" for OSPFv3's adjacency
 * or a loopback6, "ipv4" for the others (an IPv4 mesh's entries carry no
 * such field, as before IPv6). */
static void
push_family(const struct health *h, struct report_entry *e, bool v6)
{
	if (h->ipv6)
		strv_pushf(&e->fields, "PROXMESH_FAMILY=%s", v6 ? "ipv6" : "ipv4");
}

static void
build_link(const struct health *h, const struct health_event *ev, struct pending *p)
{
	const struct link_health *l = health_event_link(h, ev);
	const char *alive =
	    l->peer_online == TRI_YES ? "peer online" : "peer reachable another way";

	/* OSPFv3's adjacency says so (its own object, its own flap count) */
	p->object = xasprintf("link %s/%s%s", l->peer, l->ifname, ev->v6 ? " (OSPFv3)" : "");
	p->key = xasprintf("link%s:%s", ev->v6 ? "6" : "", l->ifname);
	p->now = xasprintf("%s (%s)", ospf_nsm_str(l->adjacency), link_diag_str(l->diagnosis));
	p->e.priority = LOG_WARNING;
	switch (l->diagnosis) {
	case DIAG_OK:
		p->e.priority = LOG_INFO;
		p->e.message_id = PM_MID_LINK_RECOVERED;
		p->e.message = xasprintf("%s: adjacency full again", p->object);
		break;
	case DIAG_CABLE_OR_NIC:
		p->e.message_id = PM_MID_LINK_CABLE_OR_NIC;
		p->e.message =
		    xasprintf("%s: adjacency down (%s): check cable or NIC", p->object, alive);
		break;
	case DIAG_LINK_DOWN:
		p->e.message_id = PM_MID_LINK_DOWN;
		p->e.message = xasprintf(
		    "%s: interface down or no carrier (%s): check cable or NIC", p->object, alive);
		break;
	case DIAG_INTERFACE_MISSING:
		p->e.message_id = PM_MID_LINK_INTERFACE_MISSING;
		p->e.message = xasprintf("%s: interface %s does not exist", p->object, l->ifname);
		break;
	case DIAG_MTU_MISMATCH:
		p->e.message_id = PM_MID_LINK_MTU_MISMATCH;
		p->e.message = xasprintf("%s: adjacency stuck in %s: check the MTU on both ends",
		                         p->object, ospf_nsm_str(l->adjacency));
		break;
	case DIAG_ONE_WAY:
		p->e.message_id = PM_MID_LINK_ONE_WAY;
		p->e.message = xasprintf("%s: adjacency stuck in init: the peer does not hear our "
		                         "hellos",
		                         p->object);
		break;
	case DIAG_AUTH_MISMATCH:
		p->e.message_id = PM_MID_LINK_AUTH_MISMATCH;
		p->e.message = xasprintf("%s: adjacency down, the peer's OSPF packets fail "
		                         "authentication: check auth-key-file on both hosts",
		                         p->object);
		break;
	case DIAG_PEER_OFFLINE:
	default:
		p->e.priority = LOG_NOTICE;
		p->e.message_id = PM_MID_LINK_PEER_OFFLINE;
		p->e.message = xasprintf("%s: adjacency down, peer %s offline", p->object, l->peer);
		break;
	}
	strv_pushf(&p->e.fields, "PROXMESH_PEER=%s", l->peer);
	push_family(h, &p->e, ev->v6);
	strv_pushf(&p->e.fields, "PROXMESH_INTERFACE=%s", l->ifname);
	strv_pushf(&p->e.fields, "PROXMESH_STATE=%s", ospf_nsm_str(l->adjacency));
	strv_pushf(&p->e.fields, "PROXMESH_PREVIOUS_STATE=%s", ospf_nsm_str(ev->prev_adjacency));
	strv_pushf(&p->e.fields, "PROXMESH_DIAGNOSIS=%s", link_diag_str(l->diagnosis));
	strv_pushf(&p->e.fields, "PROXMESH_PREVIOUS_DIAGNOSIS=%s",
	           link_diag_str(ev->prev_diagnosis));
	strv_pushf(&p->e.fields, "PROXMESH_LINK=%s", link_state_str(l->link));
	strv_pushf(&p->e.fields, "PROXMESH_BFD=%s", link_bfd_str(l->bfd));
	strv_pushf(&p->e.fields, "PROXMESH_PEER_ONLINE=%s", tri_str(l->peer_online));
	strv_pushf(&p->e.fields, "PROXMESH_FLAPS=%u", l->flaps);
}

static const char *
dest_state(bool reachable, bool preferred)
{
	return !reachable ? "unreachable" : preferred ? "preferred" : "backup";
}

/* A destination whose node is the offline peer of one of our links. */
static bool
dest_peer_offline(const struct health *h, const char *node)
{
	for (size_t i = 0; i < h->n_links; i++)
		if (strcmp(h->links[i].peer, node) == 0 &&
		    h->links[i].diagnosis == DIAG_PEER_OFFLINE)
			return true;
	return false;
}

static void
build_dest(const struct health *h, const struct health_event *ev, struct pending *p)
{
	const struct dest_health *d = &h->dests[ev->index];
	char addr[PREFIX6_STRLEN];

	health_dest_addr(d, addr);
	/* a loopback6 is reached over OSPFv3's routes: said as for its links */
	p->object = xasprintf("destination %s %s%s", d->node, addr, d->v6 ? " (OSPFv3)" : "");
	p->key = xasprintf("dest%s:%s", d->v6 ? "6" : "", d->node);
	if (!d->reachable) {
		p->now = xstrdup("unreachable");
		p->e.priority = dest_peer_offline(h, d->node) ? LOG_NOTICE : LOG_WARNING;
		p->e.message_id = PM_MID_DEST_UNREACHABLE;
		p->e.message = xasprintf("%s: unreachable", p->object);
	} else if (!d->preferred) {
		p->now = xasprintf("reachable via %s, not preferred", d->via);
		p->e.priority = LOG_NOTICE;
		p->e.message_id = PM_MID_DEST_BACKUP_PATH;
		p->e.message =
		    xasprintf("%s: reachable via %s, not the preferred path", p->object, d->via);
	} else {
		p->now = xasprintf("reachable via %s", d->via);
		p->e.priority = LOG_INFO;
		p->e.message_id = PM_MID_DEST_REACHABLE;
		p->e.message =
		    xasprintf("%s: reachable via %s on the preferred path", p->object, d->via);
	}
	strv_pushf(&p->e.fields, "PROXMESH_PEER=%s", d->node);
	if (d->via[0] != '\0')
		strv_pushf(&p->e.fields, "PROXMESH_INTERFACE=%s", d->via);
	strv_pushf(&p->e.fields, "PROXMESH_DESTINATION=%s", addr);
	push_family(h, &p->e, d->v6);
	strv_pushf(&p->e.fields, "PROXMESH_STATE=%s", dest_state(d->reachable, d->preferred));
	strv_pushf(&p->e.fields, "PROXMESH_PREVIOUS_STATE=%s",
	           ev->initial ? "unknown" : dest_state(ev->prev_reachable, ev->prev_preferred));
}

static void
build_overall(const struct health *h, const struct health_event *ev, struct pending *p)
{
	p->object = xstrdup("health");
	p->key = xstrdup("health");
	p->now = xstrdup(health_overall_str(h->overall));
	p->e.message_id = PM_MID_HEALTH_CHANGED;
	switch (h->overall) {
	case HEALTH_HEALTHY:
		p->e.priority = LOG_INFO;
		break;
	case HEALTH_DEGRADED:
		p->e.priority = LOG_NOTICE;
		break;
	default:
		p->e.priority = LOG_WARNING;
		break;
	}
	p->e.message = xasprintf("health: %s (%s)", health_overall_str(h->overall), h->summary);
	strv_pushf(&p->e.fields, "PROXMESH_STATE=%s", health_overall_str(h->overall));
	strv_pushf(&p->e.fields, "PROXMESH_PREVIOUS_STATE=%s",
	           ev->initial ? "unknown" : health_overall_str(ev->prev_overall));
}

static struct report_flap *
flap_get(struct reporter *r, const char *key, const char *object)
{
	struct report_flap *f;

	for (size_t i = 0; i < r->n_flaps; i++)
		if (strcmp(r->flaps[i].key, key) == 0)
			return &r->flaps[i];
	r->flaps = xreallocarray(r->flaps, r->n_flaps + 1, sizeof(*r->flaps));
	f = &r->flaps[r->n_flaps++];
	memset(f, 0, sizeof(*f));
	f->key = xstrdup(key);
	f->object = xstrdup(object);
	return f;
}

static void
flap_prune(struct report_flap *f, long long now_ms)
{
	size_t k = 0;

	for (size_t i = 0; i < f->n_times; i++)
		if (now_ms - f->times[i] < REPORT_FLAP_WINDOW_MS)
			f->times[k++] = f->times[i];
	f->n_times = k;
}

static void
flap_remember(struct report_flap *f, struct pending *p)
{
	free(f->now);
	f->now = TAKE_PTR(p->now);
	strv_free(&f->fields);
	f->fields = p->e.fields;
	memset(&p->e.fields, 0, sizeof(p->e.fields));
}

/* Pass p through the rate limiter of its key: emit it, or suppress it. */
static void
limit(struct reporter *r, struct pending *p, long long now_ms, struct report_entries *out)
{
	struct report_flap *f = flap_get(r, p->key, p->object);

	flap_prune(f, now_ms);
	if (f->suppressing) {
		f->suppressed++;
		flap_remember(f, p);
	} else if (f->n_times >= REPORT_FLAP_LIMIT) {
		struct report_entry e = {
		    .priority = LOG_WARNING,
		    .message_id = PM_MID_FLAPPING,
		    .message = xasprintf("%s: flapping, %zu state changes in %lld s; suppressing "
		                         "further changes for %lld s",
		                         f->object, f->n_times + 1, (now_ms - f->times[0]) / 1000,
		                         REPORT_FLAP_WINDOW_MS / 1000),
		};
		strv_copy(&e.fields, &p->e.fields);
		strv_push_dup(&e.fields, "PROXMESH_FLAPPING=yes");
		entries_push(out, &e);
		f->suppressing = true;
		f->suppress_start = now_ms;
		f->suppressed = 1;
		flap_remember(f, p);
	} else {
		f->times[f->n_times++] = now_ms;
		entries_push(out, &p->e);
	}
	pending_free(p);
}

void
report_health(struct reporter *r, const struct health *h, const struct health_events *ev,
              long long now_ms, struct report_entries *out)
{
	for (size_t i = 0; i < ev->n; i++) {
		const struct health_event *e = &ev->v[i];
		struct pending p = {0};

		switch (e->kind) {
		case HEV_LINK:
			if (health_event_link(h, e) == NULL)
				continue;
			build_link(h, e, &p);
			break;
		case HEV_DESTINATION:
			if (e->index >= h->n_dests)
				continue;
			build_dest(h, e, &p);
			break;
		case HEV_OVERALL:
			build_overall(h, e, &p);
			break;
		}
		limit(r, &p, now_ms, out);
	}
}

void
report_tick(struct reporter *r, long long now_ms, struct report_entries *out)
{
	for (size_t i = 0; i < r->n_flaps; i++) {
		struct report_flap *f = &r->flaps[i];
		struct report_entry e = {0};

		if (!f->suppressing || now_ms - f->suppress_start < REPORT_FLAP_WINDOW_MS)
			continue;
		e.priority = LOG_WARNING;
		e.message_id = PM_MID_FLAPPING;
		e.message =
		    xasprintf("%s: flapping, %u state changes in the last %lld s suppressed; "
		              "now %s",
		              f->object, f->suppressed, (now_ms - f->suppress_start) / 1000,
		              f->now != NULL ? f->now : "unknown");
		e.fields = f->fields;
		memset(&f->fields, 0, sizeof(f->fields));
		strv_pushf(&e.fields, "PROXMESH_SUPPRESSED=%u", f->suppressed);
		strv_push_dup(&e.fields, "PROXMESH_FLAPPING=yes");
		entries_push(out, &e);
		f->suppressing = false;
		f->suppressed = 0;
		f->n_times = 0;
		free(f->now);
		f->now = NULL;
	}
}

int
report_send(const struct report_entries *es)
{
	int ret = 0;

	for (size_t i = 0; i < es->n; i++) {
		const struct report_entry *e = &es->v[i];
		size_t n = 0;
		_cleanup_free_ struct iovec *iov = xcalloc(e->fields.n + 4, sizeof(*iov));
		_cleanup_free_ char *text = redact_known(e->message); /* no secret in the journal */
		_cleanup_free_ char *msg = xasprintf("MESSAGE=%s", text);
		_cleanup_free_ char *prio = xasprintf("PRIORITY=%d", e->priority);
		_cleanup_free_ char *mid = xasprintf("MESSAGE_ID=%s", e->message_id);
		static char ident[] = "SYSLOG_IDENTIFIER=proxmesh";
		int r;

		iov[n++] = (struct iovec){msg, strlen(msg)};
		iov[n++] = (struct iovec){prio, strlen(prio)};
		iov[n++] = (struct iovec){mid, strlen(mid)};
		iov[n++] = (struct iovec){ident, strlen(ident)};
		for (size_t k = 0; k < e->fields.n; k++)
			iov[n++] = (struct iovec){e->fields.v[k], strlen(e->fields.v[k])};
		r = sd_journal_sendv(iov, (int)n);
		if (r < 0 && ret == 0)
			ret = r;
	}
	return ret;
}

int
report_health_send(struct reporter *r, const struct health *h, const struct health_events *ev,
                   long long now_ms)
{
	struct report_entries es = {0};
	int ret;

	report_health(r, h, ev, now_ms, &es);
	report_tick(r, now_ms, &es);
	ret = report_send(&es);
	report_entries_free(&es);
	return ret;
}

int
report_event(int priority, const char *message_id, const char *const *fields, const char *fmt, ...)
{
	struct report_entries es = {0};
	struct report_entry e = {.priority = priority, .message_id = message_id};
	va_list ap;
	int ret;

	va_start(ap, fmt);
	e.message = xvasprintf(fmt, ap);
	va_end(ap);
	for (size_t i = 0; fields != NULL && fields[i] != NULL; i++)
		strv_push_dup(&e.fields, fields[i]);
	entries_push(&es, &e);
	ret = report_send(&es);
	report_entries_free(&es);
	return ret;
}

void
report_entries_free(struct report_entries *es)
{
	for (size_t i = 0; i < es->n; i++) {
		free(es->v[i].message);
		strv_free(&es->v[i].fields);
	}
	free(es->v);
	es->v = NULL;
	es->n = 0;
}

void
reporter_free(struct reporter *r)
{
	for (size_t i = 0; i < r->n_flaps; i++) {
		free(r->flaps[i].key);
		free(r->flaps[i].object);
		free(r->flaps[i].now);
		strv_free(&r->flaps[i].fields);
	}
	free(r->flaps);
	r->flaps = NULL;
	r->n_flaps = 0;
}
