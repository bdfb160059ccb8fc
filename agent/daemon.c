/* daemon.c - `proxmesh run`: the agent's event loop
 *
 * One sd-event loop, no threads: reconcile passes (at start, every
 * TB_RECONCILE_INTERVAL_MS, after link events, retried with back-off),
 * health polls of FRR and the kernel, membership polls of the Proxmox API,
 * signals and the watchdog. A pass blocks the loop for a bounded time and,
 * while it waits, keeps the watchdog, health and status going through
 * tb_keepalive(); events drive passes and polls no faster than the rate
 * floors of timebounds.h. Stopping never touches the network. */
#include "daemon.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>
#include <systemd/sd-journal.h>

#include "addrplan.h"
#include "frrjson.h"
#include "frrvty.h"
#include "health.h"
#include "ifdiff.h"
#include "ifplan.h"
#include "log.h"
#include "membership.h"
#include "netlink.h"
#include "ospflog.h"
#include "apiclient.h"
#include "bridge.h"
#include "confirm.h"
#include "dialect.h"
#include "reconcile.h"
#include "report.h"
#include "metrics.h"
#include "status.h"
#include "timebounds.h"
#include "util.h"

#define EXIT_NOTCONFIGURED 6

struct daemon {
	struct cli *cli;
	sd_event *event;
	sd_event_source *reconcile_timer, *health_timer, *api_timer, *watchdog_timer, *nl_source;
	sd_event_source *bridge_timer; /* while bridges wait for OSPF to settle */
	bool bridge_warned;            /* "bridge kept" said once */
	uint64_t watchdog_usec;

	struct config *config; /* NULL: idle, idle_reason says why */
	char *idle_reason;
	const struct node_conf *node;
	struct link_plan *links;
	struct ifplan ifplan;

	struct reconcile_ctx rctx;
	unsigned reconcile_failures;           /* in a row: the back-off */
	unsigned long long reconcile_failed;   /* since the start: the metric */
	unsigned long long reconcile_passes;   /* since the start: apply --confirm waits */
	const char *reconcile_state;
	long long reconcile_last_run, reconcile_last_change, reconcile_last_ok;
	long long reconcile_duration; /* ms, of the last pass; -1: none yet */
	char *reconcile_error;
	bool ready;

	struct frrvty vty; /* for the health poll */
	/* monotonic: the agent's start, where the health's start-up grace begins */
	long long start_ms;
	struct health health;
	struct reporter reporter;
	bool frr_running;
	char frr_version[16];

	struct apiclient *api;
	enum api_state api_state;
	char *api_url;
	unsigned api_failures;
	bool api_answered; /* the API has answered once since start */
	bool api_held;     /* a failure inside the start-up grace was not warned of */
	long long api_round_ms; /* monotonic: the last round's start, -1: none yet */
	struct membership membership;
	bool have_membership;
	bool ospflog_warned; /* the journal could not be read (said once) */
	char *metrics_path;  /* the textfile written last, NULL: none */
	bool metrics_warned; /* it could not be written (said once) */
	struct strv member_warnings;

	struct nl_monitor *monitor;
	/* monotonic ms: the end of the last pass, the start of the last health
	 * poll (-1: none yet), the last keep-alive while a pass waits */
	long long pass_end, health_start, keepalive_last;
	bool in_pass;
	/* netlink read while a pass blocks the loop: a health poll wanted at
	 * (monotonic ms, -1: none), a pass wanted once this one ends */
	long long health_want;
	bool pass_wanted;
	/* a link kept broadcast whose neighbour runs proxmesh now: the pass
	 * asked for it (dialect.h), not asked again until a pass changes FRR */
	char *dialect_asked;
	/* monotonic ms: looks again after a route change, once our own BFD
	 * and dead timer must have decided (tb_health_followups), and when
	 * the next health poll is due */
	long long followups[TB_HEALTH_FOLLOWUPS], health_due;

	/* apply --confirm (confirm.h): a hold, the links Full when it began
	 * and since when none of them is (monotonic ms, -1), per family
	 * (health.links, and dual-stack's OSPFv3 in health.links6); or why the
	 * agent went back to the last confirmed configuration (NULL: the file
	 * is in force) */
	bool holding;
	struct confirm_hold hold;
	struct strv hold_full, hold_full6;
	long long hold_lost_since, hold_lost_since6;
	char *reverted;
};

static void schedule(sd_event_source *s, uint64_t delay_ms);
static void schedule_at(sd_event_source *s, long long at_ms);
static void schedule_soon(sd_event_source *s, long long want_ms, long long last_ms,
                          long long gap_ms);
static void health_poll(struct daemon *d);
static void dialect_check(struct daemon *d, const struct frr_state *st);
static void routes_changed(struct daemon *d, long long now);
static void hold_check(struct daemon *d);
static void write_status(struct daemon *d);

static char *
state_path(struct daemon *d, const char *name)
{
	return xasprintf("%s/%s", d->cli->paths.state_dir, name);
}

static void
set_idle(struct daemon *d, char *reason)
{
	free(d->idle_reason);
	d->idle_reason = reason;
}

/* Into *out (emptied first): the interfaces of links[n] whose adjacency is
 * Full. */
static void
full_links(struct strv *out, const struct link_health *links, size_t n)
{
	strv_free(out);
	for (size_t i = 0; links != NULL && i < n; i++)
		if (links[i].adjacency == NSM_FULL)
			strv_push_dup(out, links[i].ifname);
}

/* The links of one family in h (IPv4: OSPF's, IPv6: OSPFv3's), *n of them;
 * NULL when the mesh does not run that family. */
static const struct link_health *
family_links(const struct health *h, bool v6, size_t *n)
{
	if (v6 && !h->links_v6) {
		*n = h->n_links6;
		return h->links6;
	}
	*n = v6 == h->links_v6 ? h->n_links : 0;
	return *n > 0 ? h->links : NULL;
}

/* One of links[n] held (in *held) is Full now. */
static bool
any_held_full(const struct strv *held, const struct link_health *links, size_t n)
{
	for (size_t i = 0; links != NULL && i < n; i++)
		if (links[i].adjacency == NSM_FULL && strv_contains(held, links[i].ifname))
			return true;
	return false;
}

/* After a configuration was loaded: a file held by apply --confirm is
 * held, any other is the confirmed one from now on (confirm.h). */
static void
hold_or_confirm(struct daemon *d)
{
	const struct paths *p = &d->cli->paths;
	_cleanup_free_ char *text = NULL, *confirmed = confirm_path(p, CONFIRM_CONFIRMED),
	                    *held = confirm_path(p, CONFIRM_HOLD);
	struct confirm_hold hold;
	int r;

	bool again;

	if (d->reverted || read_file(p->config, 1024 * 1024, &text, NULL) < 0) {
		d->holding = false;
		return;
	}
	r = confirm_hold_read(p, &hold);
	/* the held file, even past its deadline (the agent was not running
	 * then): the first health poll goes back at once, never confirms it */
	if (r == 0 && hold.hash == confirm_hash(text)) {
		/* a reload during the same hold keeps what the host had */
		again = d->holding && d->hold.hash == hold.hash;
		d->holding = true;
		d->hold = hold;
		if (again)
			return;
		d->hold_lost_since = d->hold_lost_since6 = -1;
		for (int v6 = 0; v6 < 2; v6++) {
			size_t n;
			const struct link_health *l = family_links(&d->health, v6, &n);

			full_links(v6 ? &d->hold_full6 : &d->hold_full, d->health.valid ? l : NULL,
			           n);
		}
		log_notice("confirm: holding %s for %u s: proxmesh confirm keeps it, else this "
		           "host goes back to %s",
		           p->config, hold.seconds, confirmed);
		return;
	}
	d->holding = false;
	if (r != -ENOENT) /* a hold of another file, or one gone stale */
		unlink(held);
	mkdir(p->state_dir, 0755);
	r = write_file_changed(confirmed, text, 0600);
	if (r < 0)
		log_warn(r, "%s", confirmed);
}

/* Load the configuration; on success, swap it in with its derived plans. */
static int
load_config(struct daemon *d, bool startup)
{
	_cleanup_free_ char *err = NULL, *perr = NULL, *path = NULL, *why = NULL;
	_cleanup_free_ struct link_plan *links = NULL;
	const struct node_conf *n;
	struct config *c = NULL;
	char name[65];
	int r;

	/* the last confirmed configuration, while the agent has gone back to
	 * it and the file has not changed */
	confirm_config_path(&d->cli->paths, &path, &why);
	r = config_load(path, &c, &err);
	if (r == -ENODATA) {
		log_notice("%s has no [mesh] section (still the installed example?); idle until "
		           "it is configured and reloaded",
		           d->cli->paths.config);
		if (d->config == NULL)
			set_idle(d, xstrdup("no [mesh] section in the configuration"));
		if (startup)
			return 0;
		return r;
	}
	if (r < 0) {
		log_event(LOG_ERR, PM_MID_CONFIG_ERROR, "%s%s", err,
		          startup ? "" : "; keeping the previous configuration");
		return r;
	}
	cli_node_name(d->cli, name);
	n = config_find_node(c, name);
	if (n == NULL && d->config == NULL) { /* not part of the mesh: leave the host alone */
		log_notice("%s: no [node %s] section for this host; idle, the network untouched, "
		           "until it has one and is reloaded",
		           d->cli->paths.config, name);
		set_idle(d, xasprintf("no [node %s] section in %s for this host", name,
		                      d->cli->paths.config));
		config_free(c);
		return startup ? 0 : -ENOENT;
	}
	if (n == NULL) {
		log_event(LOG_ERR, PM_MID_CONFIG_ERROR, "%s: no [node %s] section for this host%s",
		          d->cli->paths.config, name,
		          startup ? "" : "; keeping the previous configuration");
		config_free(c);
		return -ENOENT;
	}
	if (addrplan_node(c, n, &links, &perr) < 0) {
		log_event(LOG_ERR, PM_MID_CONFIG_ERROR, "%s", perr);
		config_free(c);
		return -EINVAL;
	}
	if (d->config) {
		ifplan_free(&d->ifplan);
		free(d->links);
		config_free(d->config);
	}
	d->config = c;
	d->node = n;
	set_idle(d, NULL);
	d->links = TAKE_PTR(links);
	ifplan_build(c, n, d->links, &d->ifplan);
	log_event(LOG_INFO, PM_MID_CONFIG_RELOADED, "configuration %s loaded: node %s, %zu link%s",
	          path, n->name, n->n_links, n->n_links == 1 ? "" : "s");
	if (d->reverted && !why) {
		_cleanup_free_ char *rev = confirm_path(&d->cli->paths, CONFIRM_REVERTED);

		unlink(rev);
		log_info("confirm: %s changed: it is in force again", d->cli->paths.config);
	}
	free(d->reverted);
	d->reverted = TAKE_PTR(why);
	hold_or_confirm(d);
	return 0;
}

static void
notify_status(struct daemon *d)
{
	if (d->config == NULL)
		sd_notifyf(0, "STATUS=idle: %s", d->idle_reason ? d->idle_reason : "no configuration");
	else if (d->health.valid)
		sd_notifyf(0, "STATUS=%s: %s", health_overall_str(d->health.overall),
		           d->health.summary);
	else
		sd_notifyf(0, "STATUS=reconcile %s", d->reconcile_state);
}

/* The wait before retrying after the n-th failure in a row: 2, 4, … 30 s. */
static uint64_t
retry_delay(unsigned failures)
{
	uint64_t next = (uint64_t)TB_RECONCILE_RETRY_MIN_MS << (failures < 5 ? failures : 5);

	return next > TB_RECONCILE_INTERVAL_MS ? TB_RECONCILE_INTERVAL_MS : next;
}

/* While a pass waits (a child, FRR starting): WATCHDOG=1, and health and
 * status as the loop would keep them; a stop cuts the pass short. */
static void
keepalive(void *userdata)
{
	struct daemon *d = userdata;
	long long now = now_mono_ms();
	sigset_t pending;

	/* Asked to stop (TimeoutStopSec=15s): the pass gives up its waits. */
	if (d->in_pass && sigpending(&pending) == 0 &&
	    (sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1)) {
		tb_pass_cut();
		return;
	}
	/* The loop is blocked, netlink is not: a cable pulled during a long
	 * pass is reported as fast as between passes (on_netlink's rules). */
	if (d->in_pass && d->config != NULL) {
		bool routes = false;

		if (nl_monitor_drain(d->monitor, &d->ifplan, &routes))
			d->pass_wanted = true;
		if (routes) {
			routes_changed(d, now);
			if (d->health_want < 0)
				d->health_want = now; /* a burst had the wait to gather */
		}
		if (d->health_want >= 0 &&
		    now >= tb_next_run(-1, d->health_want, d->health_start, TB_HEALTH_GAP_MS)) {
			health_poll(d);
			return;
		}
	}
	if (now - d->keepalive_last < TB_KEEPALIVE_NOTIFY_MS)
		return;
	d->keepalive_last = now;
	if (d->watchdog_usec)
		sd_notify(0, "WATCHDOG=1");
	if (!d->in_pass)
		return;
	if (now >= d->health_due)
		health_poll(d);
	else
		write_status(d);
}

static void
reconcile(struct daemon *d)
{
	struct reconcile_result res;
	long long t0 = now_mono_ms();
	uint64_t next;
	int r;

	if (d->config == NULL)
		return;
	d->in_pass = true;
	r = reconcile_pass(&d->rctx, d->config, d->node, true, &res);
	d->in_pass = false;
	d->pass_end = now_mono_ms();
	if (r == -EBUSY) { /* `proxmesh apply` is at work: look again soon */
		reconcile_result_free(&res);
		schedule(d->reconcile_timer, TB_RECONCILE_BUSY_RETRY_MS);
		return;
	}
	d->reconcile_last_run = now_real_ms();
	d->reconcile_duration = d->pass_end - t0;
	d->reconcile_passes++;
	if (r < 0) {
		bool first = d->reconcile_failures == 0 ||
		             !d->reconcile_error || strcmp(d->reconcile_error, res.error) != 0;

		d->reconcile_failures++;
		d->reconcile_failed++;
		if (first)
			log_event(LOG_ERR, PM_MID_RECONCILE_FAILED, "reconcile failed: %s",
			          res.error ? res.error : strerror(-r));
		free(d->reconcile_error);
		d->reconcile_error = xstrdup(res.error ? res.error : strerror(-r));
		d->reconcile_state = "failed";
		next = retry_delay(d->reconcile_failures);
	} else {
		bool changed = res.frr_commands || res.if_changes;
		_cleanup_free_ char *changes =
		    !changed ? NULL
		             : xasprintf("%u FRR command%s and %u interface change%s in %lld ms",
		                         res.frr_commands, res.frr_commands == 1 ? "" : "s",
		                         res.if_changes, res.if_changes == 1 ? "" : "s",
		                         now_mono_ms() - t0);

		if (changed)
			d->reconcile_last_change = d->reconcile_last_run;
		if (res.frr_commands) {
			free(d->dialect_asked);
			d->dialect_asked = NULL;
		}
		if (res.addr_restored) /* one entry: an ifreload or a flush took them away */
			log_event(
			    LOG_NOTICE, PM_MID_ADDRESS_RESTORED,
			    "interfaces: put back %u planned address%s that had gone (%s%s); %s",
			    res.addr_restored, res.addr_restored == 1 ? "" : "es", res.restored,
			    res.addr_restored > 1 ? ", …" : "", changes);
		else if (changed)
			log_event(LOG_NOTICE, PM_MID_RECONCILE_APPLIED, "reconcile: applied %s",
			          changes);
		else if (d->reconcile_failures)
			log_info("reconcile: converged again");
		if (!d->ready)
			log_info("reconcile: converged (%u FRR commands, %u interface changes)",
			         res.frr_commands, res.if_changes);
		if (res.conflict && (!d->reconcile_error || d->reconcile_failures ||
		                     strcmp(d->reconcile_error, res.conflict) != 0))
			log_event(LOG_WARNING, PM_MID_SDN_CONFLICT, "reconcile: conflict: %s",
			          res.conflict);
		else if (!res.conflict && d->reconcile_error && !d->reconcile_failures)
			log_info("reconcile: no conflict with Proxmox SDN any more");
		d->reconcile_failures = 0;
		d->reconcile_last_ok = d->reconcile_last_run;
		free(d->reconcile_error);
		/* a conflict is why the host is not as configured */
		d->reconcile_error = res.conflict ? xstrdup(res.conflict) : NULL;
		d->reconcile_state = res.conflict ? "conflict" : "converged";
		/* the loopback waits for a quiet pass to become a stub */
		next = res.held ? RECONCILE_HELD_POLL_MS : TB_RECONCILE_INTERVAL_MS;
	}
	d->frr_running = res.frr_running;
	if (res.frr_running)
		snprintf(d->frr_version, sizeof(d->frr_version), "%u.%u", res.version.major,
		         res.version.minor);
	if (res.bridges)
		schedule(d->bridge_timer, RECONCILE_BRIDGE_POLL_MS);
	reconcile_result_free(&res);
	schedule(d->reconcile_timer, next);
	/* an interface changed while the pass ran: one more, under the floors */
	if (d->pass_wanted)
		schedule_soon(d->reconcile_timer, d->pass_end + TB_EVENT_DELAY_MS, d->pass_end,
		              d->reconcile_failures ? (long long)retry_delay(d->reconcile_failures)
		                                    : TB_PASS_GAP_MS);
	d->pass_wanted = false;
	if (!d->ready) {
		d->ready = true;
		sd_notify(0, "READY=1");
	}
	health_poll(d);
}

/* FRR's view, straight from the daemons' vty sockets (no vtysh process).
 * FRR answers when what the mesh's health rests on parsed: ospfd's and
 * zebra's OSPF (OSPFv3's alone in an IPv6-only mesh, where ospfd routes
 * nothing); a silent ospf6d in a dual-stack mesh leaves only the IPv6
 * part unknown. */
static bool
read_frr_state(struct daemon *d, struct frr_state *st)
{
	bool only6 = d->config->ipv6 && !d->config->has_prefix;
	static const struct {
		const char *daemon, *cmd;
	} q[] = {
		{"ospfd", "show ip ospf neighbor json"},
		{"ospfd", "show ip ospf interface json"},
		{"zebra", "show ip route ospf json"},
		{"bfdd", "show bfd peers json"},
	};
	char *docs[4] = {0};

	for (size_t i = 0; i < 4; i++) {
		if (i == 3 && !d->config->bfd)
			break;
		if (frrvty_show(&d->vty, q[i].daemon, q[i].cmd, &docs[i]) < 0) {
			free(docs[i]);
			docs[i] = NULL;
			if (i < 3 && !only6)
				break; /* FRR is not answering: health unknown */
		}
	}
	frr_state_parse((const char *const *)docs, st);
	for (int i = 0; i < 4; i++)
		free(docs[i]);
	/* OSPFv3's neighbours and routes: unknown (not broken) when ospf6d or
	 * zebra does not answer */
	if (d->config->ipv6) {
		_cleanup_free_ char *nb6 = NULL, *rt6 = NULL;

		st->have_neighbors6 =
		    frrvty_show(&d->vty, "ospf6d", "show ipv6 ospf6 neighbor json", &nb6) == 0 &&
		    frrjson_parse_neighbors6(nb6, &st->neighbors6, &st->n_neighbors6) == 0;
		st->have_routes6 =
		    frrvty_show(&d->vty, "zebra", "show ipv6 route ospf6 json", &rt6) == 0 &&
		    frrjson_parse_routes6(rt6, &st->routes6, &st->n_routes6) == 0;
	}
	if (only6)
		return st->have_neighbors6 && st->have_routes6;
	return st->have_neighbors && st->have_interfaces && st->have_routes;
}

/* The textfile the configuration names, or Debian's node_exporter folder's
 * when that exists; NULL: no metrics. */
static const char *
metrics_path(const struct daemon *d)
{
	static const char *const dflt = METRICS_TEXTFILE_DEFAULT;
	struct stat sb;
	char dir[sizeof(METRICS_TEXTFILE_DEFAULT)];

	if (d->config != NULL && d->config->metrics_textfile != NULL)
		return d->config->metrics_textfile;
	snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(dflt, '/') - dflt), dflt);
	return stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) ? dflt : NULL;
}

/* The metrics beside the status, on the same occasions; a file left at a
 * path the configuration no longer names is removed (node_exporter would
 * serve it for ever). A failure is said once until a write succeeds. */
static void
write_metrics(struct daemon *d, const struct status_info *s)
{
	const char *path = metrics_path(d);
	int r;

	if (d->metrics_path != NULL && (path == NULL || strcmp(path, d->metrics_path) != 0)) {
		unlink(d->metrics_path);
		free(d->metrics_path);
		d->metrics_path = NULL;
	}
	if (path == NULL)
		return;
	r = metrics_write(path, s);
	if (r < 0) {
		if (!d->metrics_warned)
			log_warn(r, "metrics: cannot write %s", path);
		d->metrics_warned = true;
		return;
	}
	d->metrics_warned = false;
	if (d->metrics_path == NULL)
		d->metrics_path = xstrdup(path);
}

static void
write_status(struct daemon *d)
{
	_cleanup_free_ char *path = xasprintf("%s/status.json", d->cli->paths.run_dir),
	                    *held = NULL;
	char until[32];

	if (d->holding) {
		format_time_utc(d->hold.deadline_ms, until);
		held = xasprintf("%s is held until %s: proxmesh confirm keeps it, else this host "
		                 "goes back to the last confirmed configuration",
		                 d->cli->paths.config, until);
	}
	struct status_info s = {
		.node = d->node ? d->node->name : "",
		.now_real_ms = now_real_ms(),
		.now_mono_ms = now_mono_ms(),
		.health = d->health.valid ? &d->health : NULL,
		.frr_running = d->frr_running,
		.frr_version = d->frr_running ? d->frr_version : NULL,
		.reconcile_state = d->config ? d->reconcile_state : "idle",
		.reconcile_last_run_ms = d->reconcile_last_run,
		.reconcile_last_change_ms = d->reconcile_last_change,
		.reconcile_last_error = d->config ? d->reconcile_error : d->idle_reason,
		.api_state = api_state_str(d->api_state),
		.api_url = d->api_url,
		.api_last_ok_ms = d->have_membership ? d->membership.last_ok_ms : 0,
		.api_quorate = d->have_membership ? (d->membership.quorate ? TRI_YES : TRI_NO)
		                                  : TRI_UNKNOWN,
		.version = PROXMESH_VERSION,
		.reconcile_failures = d->reconcile_failed,
		.reconcile_failing = d->reconcile_failures,
		.reconcile_last_ok_ms = d->reconcile_last_ok,
		.reconcile_duration_ms = d->reconcile_duration,
		.membership_nodes = d->have_membership ? (long long)d->membership.n : -1,
		.configuration_state = d->reverted ? "reverted" : d->holding ? "holding" : "file",
		.configuration_detail = d->reverted ? d->reverted : held,
		.reconcile_passes = d->reconcile_passes,
	};
	int r;

	mkdir(d->cli->paths.run_dir, 0755);
	r = status_write(path, &s);
	if (r < 0)
		log_warn(r, "%s", path);
	write_metrics(d, &s);
}

/* Every link of the plan has a Full adjacency in FRR's state. */
static bool
all_full(const struct daemon *d, const struct frr_state *st)
{
	for (size_t i = 0; i < d->ifplan.n_links; i++) {
		const struct frr_neighbor *nb = frr_state_neighbor(st, d->ifplan.links[i].ifname);

		if (nb == NULL || nb->state != NSM_FULL)
			return false;
	}
	return true;
}

/* The health of a link, or the mesh's, changed (not merely seen first). */
static bool
health_changed(const struct health_events *ev)
{
	for (size_t i = 0; i < ev->n; i++)
		if (ev->v[i].kind != HEV_DESTINATION && !ev->v[i].initial)
			return true;
	return false;
}

/* Every link healthy, past the start: membership matters little
 * (pveapi_next_round). */
static bool
mesh_healthy(const struct daemon *d)
{
	return d->health.valid && !d->health.starting && d->health.overall == HEALTH_HEALTHY;
}

/* Membership matters now: the next round comes at once, or a poll
 * interval after the last one. A round in flight reads the health as it
 * ends. */
static void
api_soon(struct daemon *d)
{
	if (d->config == NULL || !d->config->api.enabled || apiclient_busy(d->api))
		return;
	schedule_soon(d->api_timer, now_mono_ms(), d->api_round_ms,
	              (long long)d->config->api.poll_interval * 1000);
}

static void
health_poll(struct daemon *d)
{
	struct kernel_link *kernel = NULL;
	struct peer_presence *members = NULL;
	struct live_state live = {0};
	struct health next = {0};
	struct health_events ev = {0};
	struct frr_state st;
	struct strv auth = {0};
	_cleanup_free_ char *err = NULL;
	bool frr_ok, looked = false;

	d->health_start = now_mono_ms();
	d->health_want = -1;
	d->health_due = tb_health_next(d->health_start, d->followups);
	if (d->config == NULL) { /* idle: keep the status file fresh, saying why */
		write_status(d);
		schedule(d->health_timer, (uint64_t)(d->health_due - d->health_start));
		return;
	}
	frr_ok = read_frr_state(d, &st);
	d->frr_running = frr_ok;
	/* With authentication, a link without adjacency may be another key:
	 * ospfd's log says so (looked at only then, so it costs nothing while
	 * every adjacency is Full). */
	if (frr_ok && d->config->auth_key_file && !all_full(d, &st)) {
		uint64_t window = (uint64_t)HEALTH_STUCK_DEAD_INTERVALS * d->config->dead_interval;
		uint64_t since = (uint64_t)now_real_ms() * 1000 - window * 1000000;
		int r = ospflog_auth_failing(since, &auth);

		if (r < 0 && !d->ospflog_warned) {
			log_warn(r, "cannot read ospfd's log in the journal; a wrong OSPF key is "
			            "diagnosed as cable-or-nic");
			d->ospflog_warned = true;
		}
		looked = r >= 0;
	}

	kernel = xcalloc(d->ifplan.n_links, sizeof(*kernel));
	if (nl_read_state(&d->ifplan, NULL, &live, &err) == 0) {
		for (size_t i = 0; i < d->ifplan.n_links; i++) {
			const struct live_if *li = live_state_find(&live, d->ifplan.links[i].ifname);

			snprintf(kernel[i].ifname, sizeof(kernel[i].ifname), "%s",
			         d->ifplan.links[i].ifname);
			if (li && li->exists) {
				kernel[i].exists = true;
				kernel[i].up = li->up;
				kernel[i].carrier = li->carrier;
				kernel[i].mtu = li->mtu;
			}
		}
	}
	if (d->have_membership) {
		members = xcalloc(d->membership.n + 1, sizeof(*members));
		for (size_t i = 0; i < d->membership.n; i++) {
			snprintf(members[i].name, sizeof(members[i].name), "%s",
			         d->membership.members[i].name);
			members[i].online = d->membership.members[i].online ? TRI_YES : TRI_NO;
		}
	}
	struct health_input in = {
		.config = d->config,
		.node = d->node,
		.plans = d->links,
		.kernel = kernel,
		.n_kernel = d->ifplan.n_links,
		.frr = frr_ok ? &st : NULL,
		.members = members,
		.n_members = d->have_membership ? d->membership.n : 0,
		.now_ms = now_mono_ms(),
		.start_ms = d->start_ms,
		.auth_failing = looked ? &auth : NULL,
	};
	health_evaluate(&in, &d->health, &next, &ev);
	if (frr_ok)
		dialect_check(d, &st);
	health_free(&d->health);
	d->health = next;
	if (health_changed(&ev))
		api_soon(d);

	report_health_send(&d->reporter, &d->health, &ev, in.now_ms);

	write_status(d);
	notify_status(d);

	health_events_free(&ev);
	frr_state_free(&st);
	strv_free(&auth);
	live_state_free(&live);
	free(kernel);
	free(members);
	hold_check(d);
	schedule_at(d->health_timer, d->health_due);
}

/* A link kept broadcast for a hand-made neighbour (dialect.h) whose
 * neighbour runs proxmesh now: a pass turns it point-to-point, soon, as the
 * neighbour did; the link carries nothing meanwhile. */
static void
dialect_check(struct daemon *d, const struct frr_state *st)
{
	const char *ifname = dialect_switch_due(st->interfaces, st->n_interfaces, st->neighbors,
	                                        st->n_neighbors);

	if (ifname == NULL || (d->dialect_asked && !strcmp(d->dialect_asked, ifname)))
		return;
	free(d->dialect_asked);
	d->dialect_asked = xstrdup(ifname);
	log_info("%s: the neighbour runs proxmesh now: turning the link point-to-point", ifname);
	schedule_soon(d->reconcile_timer, now_mono_ms() + TB_EVENT_DELAY_MS, d->pass_end,
	              d->reconcile_failures ? (long long)retry_delay(d->reconcile_failures)
	                                    : TB_PASS_GAP_MS);
}

/* Go back to the last confirmed configuration (confirm.h). */
static void
revert(struct daemon *d, const char *why)
{
	const struct paths *p = &d->cli->paths;
	_cleanup_free_ char *text = NULL, *confirmed = confirm_path(p, CONFIRM_CONFIRMED),
	                    *held = confirm_path(p, CONFIRM_HOLD);
	struct confirm_reverted rev = {.reason = (char *)why, .at_ms = now_real_ms()};
	int r;

	d->holding = false;
	if (read_file(p->config, 1024 * 1024, &text, NULL) == 0)
		rev.hash = confirm_hash(text);
	r = confirm_reverted_write(p, &rev);
	unlink(held);
	if (r < 0) {
		log_warn(r, "confirm: %s: cannot go back to %s", why, confirmed);
		return;
	}
	if (load_config(d, false) < 0 || !d->reverted) {
		log_event(LOG_ERR, PM_MID_CONFIRM_REVERTED,
		          "confirm: %s, but %s cannot be loaded: keeping %s", why, confirmed,
		          p->config);
		return;
	}
	log_event(LOG_WARNING, PM_MID_CONFIRM_REVERTED,
	          "confirm: %s: back to the last confirmed configuration %s; %s is not in force "
	          "until it changes (then systemctl reload proxmesh) or proxmesh confirm",
	          why, confirmed, p->config);
	d->reconcile_failures = 0;
	schedule(d->reconcile_timer, 0);
}

/* A hold: no confirmation by its deadline, or every adjacency of one
 * family the host had when it began down for a dead interval, goes back
 * (dual-stack: OSPFv3's all lost goes back with OSPF's up). A family the
 * configuration held no longer runs is not judged: it was taken away. */
static void
hold_check(struct daemon *d)
{
	_cleanup_free_ char *why = NULL;
	const struct health *h = &d->health;
	long long lost_ms = d->config->dead_interval * 1000ll, due = LLONG_MAX;
	long long now_real = now_real_ms(), now = now_mono_ms(); /* one instant for both */
	enum confirm_verdict v = CONFIRM_KEEP;
	int lost = -1;

	/* a health poll inside a pass (keepalive) must not swap the
	 * configuration under it: the poll at the pass's end decides */
	if (!d->holding || d->in_pass)
		return;
	for (int v6 = 0; v6 < 2 && v == CONFIRM_KEEP; v6++) {
		const struct strv *held = v6 ? &d->hold_full6 : &d->hold_full;
		long long *since = v6 ? &d->hold_lost_since6 : &d->hold_lost_since, recheck = 0;
		size_t n;
		const struct link_health *l = family_links(h, v6, &n);
		/* nothing known: nothing lost */
		bool any = !h->valid || any_held_full(held, l, n);

		v = confirm_judge(&d->hold, now_real, now, held->n > 0 && l != NULL, any, lost_ms,
		                  since, &recheck);
		if (v == CONFIRM_LOST)
			lost = v6;
		if (recheck < due)
			due = recheck;
	}
	if (v == CONFIRM_KEEP) {
		if (due < d->health_due)
			d->health_due = due;
		return;
	}
	if (v == CONFIRM_DEADLINE) {
		why = xasprintf("no proxmesh confirm within %u s", d->hold.seconds);
	} else {
		const struct strv *held = lost ? &d->hold_full6 : &d->hold_full;

		why = xasprintf("it lost every %sadjacency it had (%s%s)", lost ? "OSPFv3 " : "",
		                held->v[0], held->n > 1 ? ", …" : "");
	}
	revert(d, why);
}

/* OSPF changed the routes: look again once our own detection of the same
 * fault must have decided, whether or not it changes a route. */
static void
routes_changed(struct daemon *d, long long now)
{
	const struct config *c = d->config;

	if (c == NULL)
		return;
	tb_health_followups(now, c->bfd ? c->bfd_interval * c->bfd_multiplier : 0,
	                    c->dead_interval * 1000, d->followups);
	/* a poll due later than the first follow-up comes at that one */
	if (d->health_start >= 0)
		d->health_due = tb_health_next(d->health_start, d->followups);
}

static void
api_done(void *userdata, const struct api_result *r)
{
	struct daemon *d = userdata;
	struct strv warnings = {0};
	bool in_grace;
	unsigned next;
	int prio;

	if (r->state == API_OK)
		d->api_answered = true;
	in_grace = !d->api_answered && now_mono_ms() - d->start_ms < PVEAPI_START_GRACE_MS;
	prio = pveapi_report(d->api_state, r->state,
	                     r->url && (!d->api_url || strcmp(r->url, d->api_url)), in_grace,
	                     &d->api_held);
	if (prio >= 0 && r->state == API_OK)
		log_event(prio, PM_MID_API_STATE, "api: %s answers (was %s)", r->url,
		          api_state_str(d->api_state));
	else if (prio >= 0 && in_grace)
		log_event(prio, PM_MID_API_STATE,
		          "api: %s since start; retrying, a warning if it has not answered "
		          "within %lld s of start: %s",
		          api_state_str(r->state), PVEAPI_START_GRACE_MS / 1000,
		          r->error ? r->error : "no answer");
	else if (prio >= 0)
		log_event(prio, PM_MID_API_STATE, "api: %s; keeping the last known membership: %s",
		          api_state_str(r->state), r->error ? r->error : "no answer");
	d->api_state = r->state;
	free(d->api_url);
	d->api_url = r->url ? xstrdup(r->url) : NULL;
	if (r->state == API_OK) {
		_cleanup_free_ char *path = state_path(d, "membership.json");

		if (!d->have_membership || !membership_equal(&d->membership, &r->membership)) {
			membership_free(&d->membership);
			membership_copy(&d->membership, &r->membership);
			d->have_membership = true;
			if (membership_save(&d->membership, path) < 0)
				log_warnx("cannot write %s", path);
		}
		d->membership.last_ok_ms = r->membership.last_ok_ms;
		membership_check_config(&d->membership, d->config, &warnings);
		/* Warn once per change, not on every poll. */
		for (size_t i = 0; i < warnings.n; i++)
			if (!strv_contains(&d->member_warnings, warnings.v[i]))
				log_warnx("%s", warnings.v[i]);
		strv_free(&d->member_warnings);
		d->member_warnings = warnings;
		d->api_failures = 0;
	} else if (!in_grace) {
		d->api_failures++;
	}
	/* not up yet at start: no back-off, membership is wanted soon */
	next = pveapi_next_round(d->config->api.poll_interval, d->config->api.poll_interval_healthy,
	                         r->state == API_OK, in_grace, d->api_failures, mesh_healthy(d));
	if (!pveapi_keep_helper(d->config->api.poll_interval, next))
		apiclient_release(d->api);
	schedule(d->api_timer, next * 1000ULL);
	health_poll(d);
}

static void
api_poll(struct daemon *d)
{
	int r;

	if (d->config == NULL || !d->config->api.enabled || apiclient_busy(d->api))
		return;
	d->api_round_ms = now_mono_ms();
	r = apiclient_start(d->api, &d->config->api, NULL, api_done, d);
	if (r < 0) {
		log_warn(r, "api: cannot start a request");
		schedule(d->api_timer, d->config->api.poll_interval * 1000ULL);
	}
}

/* Bridges of a disruptive change go once OSPF carries their traffic
 * again. After the limit the regular passes look (a neighbour that never
 * comes back is not polled five times a second), and one warning says
 * what is kept. */
static void
unbridge(struct daemon *d)
{
	unsigned left = 0;
	int r = reconcile_unbridge(&d->rctx, &left);

	if (r == -EBUSY || (r == 0 && left > 0 &&
	                    now_mono_ms() - d->rctx.bridge_since <= RECONCILE_BRIDGE_LIMIT_MS)) {
		schedule(d->bridge_timer, RECONCILE_BRIDGE_POLL_MS);
		return;
	}
	if (r < 0)
		return;
	if (left > 0 && !d->bridge_warned)
		log_warnx("%u bridge%s kept: OSPF does not route %s (ip rule show table %d)", left,
		          left == 1 ? "" : "s", left == 1 ? "its loopback" : "their loopbacks",
		          BRIDGE_TABLE);
	d->bridge_warned = left > 0;
}

static int
on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct daemon *d = userdata;

	if (s == d->reconcile_timer)
		reconcile(d);
	else if (s == d->health_timer)
		health_poll(d);
	else if (s == d->bridge_timer)
		unbridge(d);
	else if (s == d->api_timer)
		api_poll(d);
	else if (s == d->watchdog_timer) {
		sd_notify(0, "WATCHDOG=1");
		schedule(s, d->watchdog_usec / 2000);
	}
	return 0;
}

/* Arm s delay_ms from now: the clock, not the loop's cached time, which
 * is from before a pass that may have taken seconds. */
static void
schedule(sd_event_source *s, uint64_t delay_ms)
{
	sd_event_source_set_time(s, ((uint64_t)now_mono_ms() + delay_ms) * 1000);
	sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

/* Arm s at at_ms (monotonic). */
static void
schedule_at(sd_event_source *s, long long at_ms)
{
	sd_event_source_set_time(s, (uint64_t)at_ms * 1000);
	sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

/* Arm s for work wanted at want_ms, under the rate floor gap_ms after
 * last_ms, never later than it is armed already (tb_next_run). */
static void
schedule_soon(sd_event_source *s, long long want_ms, long long last_ms, long long gap_ms)
{
	long long armed = -1;
	uint64_t usec;
	int enabled;

	if (sd_event_source_get_enabled(s, &enabled) >= 0 && enabled != SD_EVENT_OFF &&
	    sd_event_source_get_time(s, &usec) >= 0)
		armed = (long long)(usec / 1000);
	sd_event_source_set_time(s, (uint64_t)tb_next_run(armed, want_ms, last_ms, gap_ms) * 1000);
	sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

static int
on_netlink(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct daemon *d = userdata;
	long long want = now_mono_ms() + TB_EVENT_DELAY_MS;
	bool routes = false;

	if (d->config == NULL) {
		nl_monitor_drain(d->monitor, NULL, NULL);
		return 0;
	}
	if (nl_monitor_drain(d->monitor, &d->ifplan, &routes)) {
		/* A planned interface appeared or changed, or an address vanished:
		 * reconcile at once (a few ms later, to batch a burst), but no
		 * more often than the floor, and after failures not before the
		 * back-off: a flapping NIC does not make passes back to back. */
		schedule_soon(d->reconcile_timer, want, d->pass_end,
		              d->reconcile_failures ? (long long)retry_delay(d->reconcile_failures)
		                                    : TB_PASS_GAP_MS);
	}
	/* OSPF changed the routes (a neighbour went or came): look now, not
	 * at the next poll, so a fault is reported within BFD's detection;
	 * under churn, a few polls a second at most. */
	if (routes) {
		routes_changed(d, want);
		schedule_soon(d->health_timer, want, d->health_start, TB_HEALTH_GAP_MS);
	}
	return 0;
}

static int
on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	struct daemon *d = userdata;
	uint64_t now;

	sd_event_now(d->event, CLOCK_MONOTONIC, &now);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu", (unsigned long long)now);
	if (load_config(d, false) == 0) {
		d->reconcile_failures = 0;
		schedule(d->reconcile_timer, 0);
		if (d->config && d->config->api.enabled)
			schedule(d->api_timer, 0);
	}
	sd_notify(0, "READY=1");
	notify_status(d);
	return 0;
}

static int
on_sigterm(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	struct daemon *d = userdata;

	/* Leave the mesh as it is: routes and adjacencies stay. */
	sd_notify(0, "STOPPING=1");
	log_info("stopping; the mesh stays as it is");
	return sd_event_exit(d->event, 0);
}

static void
daemon_free(struct daemon *d)
{
	sd_event_source_unref(d->reconcile_timer);
	sd_event_source_unref(d->health_timer);
	sd_event_source_unref(d->bridge_timer);
	sd_event_source_unref(d->api_timer);
	sd_event_source_unref(d->watchdog_timer);
	sd_event_source_unref(d->nl_source);
	apiclient_free(d->api);
	nl_monitor_free(d->monitor);
	sd_event_unref(d->event);
	if (d->config) {
		ifplan_free(&d->ifplan);
		free(d->links);
		config_free(d->config);
	}
	reconcile_ctx_free(&d->rctx);
	health_free(&d->health);
	reporter_free(&d->reporter);
	membership_free(&d->membership);
	strv_free(&d->member_warnings);
	free(d->reconcile_error);
	free(d->api_url);
	free(d->idle_reason);
	free(d->reverted);
	strv_free(&d->hold_full);
	strv_free(&d->hold_full6);
	free(d->metrics_path);
	free(d->dialect_asked);
}

int
daemon_main(struct cli *cli)
{
	struct daemon d = {.cli = cli, .reconcile_state = "starting", .api_state = API_DISABLED,
	                   .pass_end = -1, .health_start = -1, .health_want = -1,
	                   .followups = {-1, -1},
	                   .reconcile_duration = -1};
	_cleanup_free_ char *mpath = NULL;
	sigset_t mask;
	int r;

	log_init(getenv("JOURNAL_STREAM") || getenv("INVOCATION_ID") ? LOG_TO_JOURNAL
	                                                             : LOG_TO_STDERR,
	         cli->verbose);
	log_info("proxmesh %s starting", PROXMESH_VERSION);
	d.start_ms = now_mono_ms();
	d.api_round_ms = -1;
	if (load_config(&d, true) < 0) {
		fprintf(stderr, "proxmesh: invalid configuration; not starting\n");
		daemon_free(&d);
		return EXIT_NOTCONFIGURED;
	}
	d.rctx.paths = &cli->paths;
	vtysh_init(&d.rctx.vtysh);
	frrvty_init(&d.vty);
	d.vty.timeout_ms = TB_HEALTH_VTY_MS; /* four commands per poll */
	tb_set_keepalive(keepalive, &d);
	mkdir(cli->paths.state_dir, 0755);

	/* The last known membership survives a restart during an API outage. */
	mpath = state_path(&d, "membership.json");
	if (membership_load(mpath, &d.membership) == 0)
		d.have_membership = true;

	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* For the API helper, which lives as long as the agent: Debian's
	 * libcurl (OpenSSL flavour) loads GnuTLS through librtmp and libldap,
	 * and GnuTLS's library constructor initialises it (and p11-kit's
	 * modules) although nothing uses it: 0.7 MB of the helper's memory.
	 * Whoever uses GnuTLS calls gnutls_global_init() itself; no other child
	 * of the agent (vtysh, systemctl, frr-reload.py) links it. */
	setenv("GNUTLS_NO_IMPLICIT_INIT", "1", 0);

	r = sd_event_default(&d.event);
	if (r < 0)
		fatal(r, "sd-event");
	sd_event_add_signal(d.event, NULL, SIGHUP, on_sighup, &d);
	sd_event_add_signal(d.event, NULL, SIGTERM, on_sigterm, &d);
	sd_event_add_signal(d.event, NULL, SIGINT, on_sigterm, &d);
	sd_event_add_time(d.event, &d.reconcile_timer, CLOCK_MONOTONIC, 0, 10000, on_timer, &d);
	sd_event_add_time(d.event, &d.bridge_timer, CLOCK_MONOTONIC, UINT64_MAX, 10000, on_timer, &d);
	sd_event_add_time(d.event, &d.health_timer, CLOCK_MONOTONIC, UINT64_MAX, 100000, on_timer,
	                  &d);
	sd_event_add_time(d.event, &d.api_timer, CLOCK_MONOTONIC, 0, 100000, on_timer, &d);
	sd_event_source_set_enabled(d.reconcile_timer, SD_EVENT_ONESHOT);
	sd_event_source_set_enabled(d.api_timer, SD_EVENT_ONESHOT);
	if (sd_watchdog_enabled(0, &d.watchdog_usec) > 0) {
		sd_event_add_time(d.event, &d.watchdog_timer, CLOCK_MONOTONIC, 0, 0, on_timer, &d);
		sd_event_source_set_enabled(d.watchdog_timer, SD_EVENT_ONESHOT);
	}
	r = apiclient_new(d.event, &d.api);
	if (r < 0)
		fatal(r, "api client");
	if (nl_monitor_open(&d.monitor) == 0)
		sd_event_add_io(d.event, &d.nl_source, nl_monitor_fd(d.monitor), EPOLLIN, on_netlink,
		                &d);
	else
		log_warnx("netlink: cannot watch link events; relying on periodic passes");
	if (d.config == NULL) {
		sd_notify(0, "READY=1");
		d.ready = true;
		notify_status(&d);
		health_poll(&d);
	}

	r = sd_event_loop(d.event);
	daemon_free(&d);
	return r < 0 ? 1 : 0;
}
