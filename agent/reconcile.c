/* reconcile.c - one pass: desired state from the configuration, live state
 * from the host, and only the difference applied */
#include "reconcile.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdarg.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "addrplan.h"
#include "bridge.h"
#include "bridgeplan.h"
#include "dialect.h"
#include "frrconf.h"
#include "frrdaemons.h"
#include "frrdiff.h"
#include "frrjson.h"
#include "frrsave.h"
#include "frrsend.h"
#include "frrvty.h"
#include "ifdiff.h"
#include "ifplan.h"
#include "ifupdown.h"
#include "log.h"
#include "netlink.h"
#include "redact.h"
#include "report.h"
#include "sdnfabric.h"
#include "timebounds.h"
#include "util.h"

#define LOCK_FILE "reconcile.lock"
/* Proxmox's fabrics.cfg, read whole: far larger than any cluster writes */
#define SDN_FABRICS_MAX (1024 * 1024)
/* Bridges (bridge.h) go once OSPF has been settled this long: the default
 * dead interval. Hosts rolled out "at once" apply seconds apart; with one
 * second, a neighbour whose own disruptive change came after we looked
 * settled reset the adjacency with our bridge already gone (21/22-takeover:
 * a 0.2-1.1 s gap from pve-2, once in five CI runs). */
#define BRIDGE_SETTLE_MS 3000
/* The loopback turns from external to stub once ospfd has not run SPF for
 * this long: past the longest SPF hold (1 s, timers throttle spf), so the
 * neighbours, which ran theirs on the same LSAs, route the stub at once.
 * Three hosts taken over at once otherwise turned their loopbacks within a
 * second of each other, each delaying the next one's stub (lab 21: 0.1 s
 * without a route to the PBS service address). */
#define SPF_QUIET_MS 2000

struct pass {
	struct reconcile_ctx *ctx;
	const struct config *c;
	const struct node_conf *n;
	struct link_plan *links;
	struct ifplan ifplan;
	struct strv ifnames; /* the interfaces whose ip ospf lines we own */
	bool apply;
	struct reconcile_result *res;
	/* planned by plan_interfaces and plan_frr, for the apply steps */
	bool if_planned;
	struct ifaddr_list previous; /* addresses planned by earlier passes */
	struct if_changes ch;
	char *ifupdown, *sysctls;
	bool no_ifupdown; /* no interfaces.d folder: ifupdown's file not kept */
	struct frrconf desired;
	bool rendered; /* desired is set: plan_frr got that far */
	struct strv cmds;
	bool clear; /* the router id in use is not ours: clear ip ospf process */
	bool bridge_tried; /* bridge_begin ran (before starting daemons, maybe) */
	enum render_area area_form; /* plan_dialects: how links join the area */
	bool switching;             /* plan_dialects: a link is turned point-to-point */
	unsigned bridged;
	/* links Proxmox SDN claims (plan_sdn): left exactly as they are */
	struct sdn_conflicts sdn;
	struct strv frozen;
};

const char *
reconcile_state_str(enum reconcile_state s)
{
	switch (s) {
	case RECONCILE_CONVERGED:
		return "converged";
	case RECONCILE_PENDING:
		return "pending";
	case RECONCILE_FAILED:
		return "failed";
	case RECONCILE_CONFLICT:
		return "conflict";
	}
	return "unknown";
}

/* What the pass does, for the operator: printed by plan/apply, logged by
 * the daemon. */
static void __attribute__((format(printf, 2, 0)))
vsay(struct reconcile_ctx *ctx, const char *fmt, va_list ap)
{
	_cleanup_free_ char *raw = xvasprintf(fmt, ap);
	_cleanup_free_ char *msg = redact_known(raw);

	if (ctx->out)
		fprintf(ctx->out, "%s\n", msg);
	else /* the journal: no "# " of a comment for the operator's paste */
		log_info("%s", strncmp(msg, "# ", 2) ? msg : msg + 2);
}

static void __attribute__((format(printf, 2, 3)))
say(struct pass *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(p->ctx, fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 2, 3)))
ctx_say(struct reconcile_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(ctx, fmt, ap);
	va_end(ap);
}

/* A warning: printed by plan/apply; logged by the daemon once while it
 * lasts, as a warning if loud, else as information. Takes msg. */
static void
warn_text(struct pass *p, bool loud, char *raw)
{
	char *msg = redact_known(raw);

	free(raw);
	if (p->ctx->out) {
		fprintf(p->ctx->out, "# warning: %s\n", msg);
		free(msg);
		return;
	}
	if (!strv_contains(&p->ctx->warned, msg)) {
		if (loud)
			log_warnx("%s", msg);
		else
			log_info("%s", msg);
	}
	if (!strv_contains(&p->ctx->warned_now, msg))
		strv_push(&p->ctx->warned_now, msg);
	else
		free(msg);
}

static void __attribute__((format(printf, 2, 3)))
warn(struct pass *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	warn_text(p, true, xvasprintf(fmt, ap));
	va_end(ap);
}

static int __attribute__((format(printf, 2, 3)))
failed(struct pass *p, const char *fmt, ...)
{
	_cleanup_free_ char *raw = NULL;
	va_list ap;

	va_start(ap, fmt);
	raw = xvasprintf(fmt, ap);
	va_end(ap);
	free(p->res->error);
	p->res->error = redact_known(raw); /* for status.json, the journal and apply */
	p->res->state = RECONCILE_FAILED;
	return -EIO;
}

/* A file proxmesh keeps whole (ifupdown2's, sysctl.d's): say that it is
 * to be written when it does not hold text yet; a file that cannot be read
 * (but exists) fails the pass. */
static int
file_pending(struct pass *p, const char *path, const char *text)
{
	_cleanup_free_ char *current = NULL;
	int r = read_file_nofollow(path, 1024 * 1024, &current, NULL);

	if (r < 0 && r != -ENOENT)
		return failed(p, "cannot read %s: %s", path, file_strerror(r));
	if (r == 0 && strcmp(current, text) == 0)
		return 0;
	say(p, "# write %s", path);
	p->res->if_changes++;
	return 0;
}

/* A host without /etc/network/interfaces.d (no ifupdown2): said once by
 * the agent, on every run by plan and apply; not a failure. */
static void
notice_no_ifupdown(struct pass *p, const char *file)
{
	static bool noticed;
	const char *slash = strrchr(file, '/');
	_cleanup_free_ char *msg = xasprintf("%.*s: no such folder (no ifupdown2?): the mesh "
	                                     "addresses are set but not kept for ifupdown",
	                                     slash ? (int)(slash - file) : 0, file);

	if (p->ctx->out)
		say(p, "# note: %s", msg);
	else if (!noticed)
		log_notice("%s", msg);
	noticed = true;
}

/* Proxmox SDN fabrics (fabrics.cfg) that claim links of this host
 * (DESIGN §13): those are frozen, neither configured nor taken away, and
 * the pass says so. A file that exists but cannot be read fails the pass:
 * which links are ours is not known. */
int
reconcile_sdn_read(const struct paths *paths, const struct node_conf *n, struct sdn_conflicts *out)
{
	_cleanup_free_ char *text = NULL;
	struct strv ifnames = {0};
	int r;

	*out = (struct sdn_conflicts){0};
	r = read_file(paths->sdn_fabrics, SDN_FABRICS_MAX, &text, NULL);
	if (r == -ENOENT || r == -ENOTDIR)
		return 0;
	if (r < 0)
		return r;
	for (size_t i = 0; i < n->n_links; i++)
		strv_push_dup(&ifnames, n->links[i].ifname);
	sdnfabric_conflicts(text, n->name, &ifnames, out);
	strv_free(&ifnames);
	return 0;
}

static int
plan_sdn(struct pass *p)
{
	const char *path = p->ctx->paths->sdn_fabrics;
	int r = reconcile_sdn_read(p->ctx->paths, p->n, &p->sdn);

	if (r < 0)
		return failed(p, "cannot read %s: %s", path, file_strerror(r));
	for (size_t i = 0; i < p->n->n_links; i++)
		if (sdnfabric_claims(&p->sdn, p->n->links[i].ifname))
			strv_push_dup(&p->frozen, p->n->links[i].ifname);
	p->res->conflict = sdnfabric_describe(&p->sdn, path, p->c->path);
	return 0;
}

/* A frozen link's interface as the last passes left it: kept in the plan
 * (its addresses, its stanza, its settings) when proxmesh had planned it,
 * out of the plan when not; no change is made on it either way. */
static void
freeze_interfaces(struct pass *p)
{
	for (size_t i = 0; i < p->frozen.n; i++) {
		const struct ifplan_link *l = ifplan_find_link(&p->ifplan, p->frozen.v[i]);

		if (l && !ifaddr_list_contains(&p->previous, l->ifname, &l->address))
			ifplan_drop_link(&p->ifplan, p->frozen.v[i]);
	}
}

static void
drop_frozen_changes(struct pass *p)
{
	size_t k = 0;

	for (size_t i = 0; i < p->ch.n; i++) {
		struct if_change *c = &p->ch.v[i];
		char ifname[IFNAMSIZ];
		const char *on = c->kind == IFC_SYSCTL ? ifplan_sysctl_ifname(c->sysctl.path, ifname)
		                                       : c->ifname;

		if (on && strv_contains(&p->frozen, on))
			free(c->text);
		else
			p->ch.v[k++] = *c;
	}
	p->ch.n = k;
}

/* The interface, address and sysctl changes, printed. */
static int
plan_interfaces(struct pass *p)
{
	_cleanup_free_ char *state = xasprintf("%s/addresses", p->ctx->paths->state_dir);
	_cleanup_free_ char *warning = NULL, *err = NULL;
	int r;

	r = ifaddr_list_load(state, &p->previous);
	if (r < 0)
		warn(p, "%s: %s; previously planned addresses are unknown", state, strerror(-r));
	freeze_interfaces(p);
	p->ifupdown = ifplan_render_ifupdown(&p->ifplan);
	p->sysctls = ifplan_render_sysctl(&p->ifplan);
	r = nl_plan(&p->ifplan, &p->previous, &p->ch, &err);
	if (r < 0)
		return failed(p, "cannot read interfaces: %s", err ? err : strerror(-r));
	drop_frozen_changes(p);
	/* a link removed from the configuration: its ip ospf lines go too */
	ifdiff_ifnames(&p->ifplan, &p->previous, &p->ifnames);
	/* but not a frozen one's: they stay as they are */
	strv_remove(&p->ifnames, &p->frozen);
	/* a missing interface: in the agent, the health model warns about it
	 * once the start-up grace is over (a late NIC is no fault) */
	for (size_t i = 0; i < p->ch.warnings.n; i++)
		warn_text(p, false, xstrdup(p->ch.warnings.v[i]));
	for (size_t i = 0; i < p->ch.n; i++) {
		const struct if_change *c = &p->ch.v[i];

		say(p, "%s", c->text);
		if (c->kind != IFC_ADDR_ADD ||
		    !ifaddr_list_contains(&p->ctx->in_place, c->ifname, &c->addr))
			continue;
		if (p->res->addr_restored++ == 0) {
			char a[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &c->addr.addr, a, sizeof(a));
			p->res->restored = xasprintf("%s %s/%u", c->ifname, a, c->addr.len);
		}
	}
	p->res->if_changes = (unsigned)p->ch.n;

	r = 0;
	p->no_ifupdown = ifupdown_dir_missing(p->ctx->paths->ifupdown_file);
	if (p->no_ifupdown) {
		notice_no_ifupdown(p, p->ctx->paths->ifupdown_file);
	} else {
		warning = ifupdown_check_sourced(p->ctx->paths->ifupdown_main,
		                                 p->ctx->paths->ifupdown_file);
		if (warning)
			warn(p, "%s", warning);
		r = file_pending(p, p->ctx->paths->ifupdown_file, p->ifupdown);
	}
	/* A file that cannot be read fails the pass, the interfaces are
	 * still set. */
	if (file_pending(p, p->ctx->paths->sysctl_file, p->sysctls) < 0)
		r = -EIO;
	p->if_planned = true;
	return r;
}

/* *err: "cannot write PATH: why" for the first r < 0. */
static void
write_error(char **err, const char *path, int r)
{
	if (r < 0 && *err == NULL)
		*err = xasprintf("cannot write %s: %s", path, file_strerror(r));
}

/* Remember the planned addresses now in place: those of interfaces that
 * exist (a NIC that appears later gets its address as new, not back). */
static void
note_in_place(struct pass *p, bool applied)
{
	struct ifaddr_list planned = {0};

	ifaddr_list_free(&p->ctx->in_place);
	if (!applied)
		return;
	ifdiff_planned_addresses(&p->ifplan, &planned);
	for (size_t i = 0; i < planned.n; i++)
		if (if_nametoindex(planned.v[i].ifname) != 0)
			ifaddr_list_add(&p->ctx->in_place, planned.v[i].ifname, &planned.v[i].addr);
	ifaddr_list_free(&planned);
}

static int
apply_interfaces(struct pass *p)
{
	_cleanup_free_ char *state = xasprintf("%s/addresses", p->ctx->paths->state_dir);
	_cleanup_free_ char *werr = NULL;
	struct ifaddr_list record = {0};
	struct strv errors = {0};
	int r;

	if (mkdir(p->ctx->paths->state_dir, 0755) < 0 && errno != EEXIST)
		warn(p, "cannot create %s: %s", p->ctx->paths->state_dir, strerror(errno));
	r = nl_apply(&p->ch, &errors);
	for (size_t i = 0; i < errors.n; i++)
		warn(p, "%s", errors.v[i]);
	note_in_place(p, r == 0);
	ifdiff_record(&p->ifplan, &p->previous, r == 0, &record);
	/* A file not written fails the pass (the first one is named). */
	write_error(&werr, state, ifaddr_list_save(state, &record));
	if (!p->no_ifupdown)
		write_error(&werr, p->ctx->paths->ifupdown_file,
		            ifupdown_write(p->ctx->paths->ifupdown_file, p->ifupdown));
	write_error(&werr, p->ctx->paths->sysctl_file,
	            ifupdown_write(p->ctx->paths->sysctl_file, p->sysctls));
	if (r != 0) {
		if (werr)
			warn(p, "%s", werr);
		r = failed(p, "%d interface change%s failed: %s", r, r == 1 ? "" : "s",
		           errors.n ? errors.v[0] : "netlink error");
	} else if (werr) {
		r = failed(p, "%s", werr);
	}
	strv_free(&errors);
	ifaddr_list_free(&record);
	return r < 0 ? r : 0;
}

/* Print FRR commands as an operator would paste them into vtysh, indented
 * by block. */
static void
print_commands(struct pass *p, const struct strv *cmds)
{
	int depth = 1;

	if (cmds->n == 0)
		return;
	say(p, "# FRR: %zu command%s (as typed into vtysh)", cmds->n, cmds->n == 1 ? "" : "s");
	say(p, "configure terminal");
	for (size_t i = 0; i < cmds->n; i++) {
		_cleanup_free_ char *m = frrdiff_mask_secret(cmds->v[i]);
		bool is_exit = !strcmp(m, "exit");
		bool opens = i + 1 < cmds->n && !is_exit && !strncmp(m, "interface ", 10);

		if (is_exit && depth > 1)
			depth--;
		say(p, "%*s%s", depth, "", m);
		/* A header is a line followed by more indented lines up to its exit. */
		if (opens || !strcmp(m, "router ospf") || !strcmp(m, "bfd") ||
		    !strncmp(m, "profile ", 8) || !strncmp(m, "route-map ", 10))
			depth++;
	}
	say(p, "end");
}

/* The first command of a batch that sets something (not a block header). */
static const char *
first_setting(const struct strv *cmds)
{
	static const char *const headers[] = {"interface ", "router ", "bfd", "profile ",
	                                      "route-map ", "exit"};

	for (size_t i = 0; i < cmds->n; i++) {
		bool header = false;

		for (size_t h = 0; h < ARRAY_SIZE(headers); h++)
			header |= !strncmp(cmds->v[i], headers[h], strlen(headers[h]));
		if (!header)
			return cmds->v[i];
	}
	return cmds->v[0];
}

/* One show command over a daemon's vty socket, as a pass reads FRR. */
static int
show(const char *daemon, const char *cmd, char **out)
{
	struct frrvty v;

	frrvty_init(&v);
	v.timeout_ms = TB_VTY_SHOW_MS;
	return frrvty_show(&v, daemon, cmd, out);
}

/* FRR's running configuration as its daemons print it for themselves, over
 * their vty sockets (vtysh joins the same texts): zebra and ospfd must
 * answer; bfdd, ospf6d and FRR 10's mgmtd only when they run (a pass
 * whose commands one of them must take fails when sending them). No
 * process is started. quiet: a failure does not fail the pass. */
static int
read_frr_text_as(struct pass *p, char **text, bool quiet)
{
	static const char *const daemons[] = {"zebra", "ospfd", "bfdd", "ospf6d", "mgmtd"};
	char *all = xstrdup("");

	for (size_t i = 0; i < ARRAY_SIZE(daemons); i++) {
		_cleanup_free_ char *t = NULL;
		char *next;
		int r = show(daemons[i], "show running-config", &t);

		if (r < 0 && i >= 2 && (r == -ENOENT || r == -ECONNREFUSED))
			continue;
		if (r < 0) {
			free(all);
			if (quiet)
				return r;
			p->res->frr_running = false;
			return failed(p, "FRR is not answering (%s: %s)", daemons[i],
			              r == -ENOENT || r == -ECONNREFUSED ? "not running"
			              : r == -ETIMEDOUT                  ? "no answer in time"
			                                                 : strerror(-r));
		}
		next = xasprintf("%s%s\n", all, t);
		free(all);
		all = next;
	}
	*text = all;
	if (!quiet)
		p->res->frr_running = true;
	return 0;
}

/* The same, failing the pass when FRR does not answer. */
static int
read_frr_text(struct pass *p, char **text)
{
	return read_frr_text_as(p, text, false);
}

/* Parse what read_frr_text read, and ask ospfd for the router id in use. */
static int
parse_frr(struct pass *p, const char *text, struct frrconf *live, char **router_id)
{
	_cleanup_free_ char *ospf = NULL;
	struct in_addr rid;
	char buf[16];

	*router_id = NULL;
	if (frrconf_parse(text, live) < 0)
		return failed(p, "cannot parse FRR's running config");
	frrconf_merge(live);
	if (show("ospfd", "show ip ospf json", &ospf) == 0 &&
	    frrjson_parse_router_id(ospf, &rid) == 0)
		*router_id = xstrdup(ip4_str(rid, buf));
	return 0;
}

/* Both: read and parse the live configuration. */
static int
read_frr(struct pass *p, struct frrconf *live, char **router_id)
{
	_cleanup_free_ char *text = NULL;
	int r = read_frr_text(p, &text);

	return r < 0 ? r : parse_frr(p, text, live, router_id);
}

/* FRR's version from its running configuration's header; its text too
 * when vtext (of size n) is given. */
static void
frr_version_of(const char *text, struct frr_version *v, char *vtext, size_t n)
{
	const char *ver = strstr(text, "frr version ");

	if (ver == NULL || frr_version_parse(ver + 12, v) < 0) {
		*v = (struct frr_version){8, 4};
		return;
	}
	if (vtext)
		snprintf(vtext, n, "%.*s", (int)strcspn(ver + 12, " \t\r\n"), ver + 12);
}

/* Does daemon answer show command cmd on its vty socket, before deadline? */
static bool
answers(const char *daemon, const char *cmd, long long deadline)
{
	_cleanup_free_ char *out = NULL;
	struct frrvty v;
	long long left = deadline - now_mono_ms();

	frrvty_init(&v);
	v.timeout_ms = left < TB_HEALTH_VTY_MS ? (int)(left > 0 ? left : 0) : TB_HEALTH_VTY_MS;
	return frrvty_show(&v, daemon, cmd, &out) == 0;
}

/* The first of the daemons in mask that does not answer yet, or NULL. With
 * no `router ospf` yet ospfd prints nothing, but the command succeeds. */
static const char *
not_answering(unsigned mask, long long deadline)
{
	if (!answers("ospfd", "show ip ospf json", deadline))
		return "ospfd";
	if ((mask & FRRD_BFDD) && !answers("bfdd", "show bfd peers json", deadline))
		return "bfdd";
	if ((mask & FRRD_OSPF6D) && !answers("ospf6d", "show ipv6 ospf6 json", deadline))
		return "ospf6d";
	return NULL;
}

/* Start the daemons just enabled (retry: enabled by a pass whose start
 * failed) and wait until they answer: each step bounded by TB_FRR_RELOAD_MS. */
static int
start_daemons(struct pass *p, const char *daemons, unsigned missing, bool retry)
{
	const char *verb, *late;
	long long deadline = now_mono_ms() + tb_bound(TB_FRR_RELOAD_MS);
	bool running, restarted;
	char names[32];
	int bound, r;

	running = answers("zebra", "show version", deadline);
	/* A reload that hung may have started them (watchfrr is restarted
	 * before frr-reload.py runs). */
	if (retry && running && not_answering(missing, deadline) == NULL)
		return 0;
	bound = tb_bound(TB_FRR_RELOAD_MS);
	r = frrdaemons_start(running, &restarted);
	verb = restarted ? "restart" : "reload";
	if (r == -ETIMEDOUT)
		return failed(p, "systemctl %s frr did not finish in %d s", verb, (bound + 999) / 1000);
	if (r < 0)
		return failed(p, "systemctl %s frr failed", verb);
	/* a restart of a running FRR drops its adjacencies: say why */
	log_event(LOG_NOTICE, PM_MID_FRR_RESTARTED, "frr: enabled%s in %s; FRR %s",
	          frrdaemons_names(missing, names), daemons,
	           !restarted ? "reloaded (running daemons untouched)"
	           : !running ? "restarted"
	           : access(FRR_RELOAD_SCRIPT, X_OK) != 0
	               ? "restarted: no " FRR_RELOAD_SCRIPT " (frr-pythontools) to reload it"
	               : "restarted: systemctl reload frr failed");
	/* watchfrr starts the new daemons on its own time. */
	bound = tb_bound(TB_FRR_RELOAD_MS);
	deadline = now_mono_ms() + bound;
	while ((late = not_answering(missing, deadline)) != NULL && now_mono_ms() < deadline) {
		tb_keepalive();
		usleep(100000);
	}
	if (late)
		return failed(p, "%s did not answer in %d s after systemctl %s frr", late,
		              (bound + 999) / 1000, verb);
	return 0;
}

/* A fingerprint of FRR's state as far as a pass is concerned: FNV-1a over
 * the daemons' running configuration and the desired configuration. */
static uint64_t
frr_fingerprint(const char *live, const struct frrconf *want)
{
	_cleanup_free_ char *desired = frrconf_format(want);
	const char *texts[] = {live, desired};
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		for (const char *t = texts[i]; *t; t++)
			h = (h ^ (unsigned char)*t) * 1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL; /* a separator */
	}
	return h ? h : 1;
}

/* The fingerprint of the last pass that found FRR converged, kept in
 * RUN_DIR/frr-seen for the next `proxmesh apply` or `plan` (a stale one is
 * harmless: it only ever matches a converged FRR). */
static int
seen_load(struct reconcile_ctx *ctx)
{
	_cleanup_free_ char *path = xasprintf("%s/frr-seen", ctx->paths->run_dir);
	_cleanup_free_ char *text = NULL;
	unsigned long long fp;

	if (read_file_nofollow(path, 64, &text, NULL) < 0 || sscanf(text, "%llx", &fp) != 1 || fp == 0)
		return -ENOENT;
	ctx->frr_seen = fp;
	return 0;
}

static void
seen_save(struct reconcile_ctx *ctx, uint64_t fp)
{
	_cleanup_free_ char *path = xasprintf("%s/frr-seen", ctx->paths->run_dir);
	_cleanup_free_ char *text = xasprintf("%llx\n", (unsigned long long)fp);

	ctx->frr_seen = fp;
	mkdir(ctx->paths->run_dir, 0755);
	if (write_file_atomic(path, text, strlen(text), 0644) < 0)
		log_debug("cannot write %s", path);
}

static void bridge_begin(struct pass *p, const struct strv *cmds);
static int read_neighbors(struct frr_neighbor **nb, size_t *n);

/* Bridges wait for OSPF to settle, within their limit (one OSPF never
 * routes stays past it, and holds nothing up). */
static bool
bridges_waiting(const struct reconcile_ctx *ctx)
{
	return ctx->bridge_since && now_mono_ms() - ctx->bridge_since < RECONCILE_BRIDGE_LIMIT_MS;
}

/* Has OSPF been quiet for SPF_QUIET_MS (or have we waited for that
 * RECONCILE_BRIDGE_LIMIT_MS since ctx->held_since)? Unknown counts as
 * quiet. */
static bool
ospf_quiet(struct reconcile_ctx *ctx)
{
	_cleanup_free_ char *json = NULL;
	long long idle, now = now_mono_ms();

	if (ctx->held_since == 0)
		ctx->held_since = now;
	if (now - ctx->held_since >= RECONCILE_BRIDGE_LIMIT_MS)
		return true;
	if (show("ospfd", "show ip ospf json", &json) < 0 ||
	    frrjson_parse_spf_idle(json, &idle) < 0)
		return true;
	return idle >= SPF_QUIET_MS;
}

void
reconcile_quiet_wait(struct reconcile_ctx *ctx)
{
	while (!ospf_quiet(ctx))
		usleep(RECONCILE_BRIDGE_POLL_MS * 1000);
}

/* The rendering changed for what the live configuration (NULL: unknown)
 * routes by hand: while a link is kept broadcast (dialect_keep_handmade);
 * and while links are turned point-to-point (in this pass, or bridged by
 * an earlier one), or OSPF is not quiet yet, a loopback the hand-made
 * redistribution carries stays an external route
 * (dialect_loopback_external), a pass soon after makes it a stub
 * (p->res->held). And for the links Proxmox SDN claims: a frozen link's
 * network statement stays out, as its interface block does. */
static void
keep_handmade(struct pass *p, const struct frrconf *live, struct frrconf *desired)
{
	struct frr_line *b = (struct frr_line *)frrconf_find(&desired->root, "router ospf");
	bool compat = false;

	for (size_t i = 0; i < p->n->n_links; i++)
		compat |= p->links[i].compat;
	if (live &&
	    (compat || (dialect_loopback_external(live, p->n) &&
	                (p->switching || bridges_waiting(p->ctx) || !ospf_quiet(p->ctx))))) {
		dialect_keep_handmade(live, p->c, p->n, desired);
		p->res->held = !compat;
	}
	if (!p->res->held)
		p->ctx->held_since = 0;
	for (size_t f = 0; b && f < p->frozen.n; f++)
		for (size_t i = 0; i < p->n->n_links; i++) {
			_cleanup_free_ char *stmt = NULL;

			if (strcmp(p->links[i].link->ifname, p->frozen.v[f]) != 0)
				continue;
			stmt = render_network(p->c, &p->links[i].subnet);
			frrconf_remove(b, stmt);
		}
}

/* FRR's running configuration text, parsed and joined as vtysh shows it
 * (*live stays empty if it does not parse): false then. */
static bool
parse_live(const char *text, struct frrconf *live)
{
	*live = (struct frrconf){0};
	if (frrconf_parse(text, live) < 0) {
		frrconf_free(live);
		return false;
	}
	frrconf_merge(live);
	return true;
}

/* Does FRR's running configuration run ifname point-to-point? */
static bool
point_to_point(const struct frrconf *live, const char *ifname)
{
	_cleanup_free_ char *h = xasprintf("interface %s", ifname);
	const struct frr_line *b = frrconf_find(&live->root, h);

	return b && frrconf_find(b, "ip ospf network point-to-point");
}

/* Which links stay broadcast for a hand-made neighbour (dialect.h), from
 * FRR's running configuration (NULL: unknown); the neighbours are read only when a
 * link is not point-to-point now. Said (plan/apply) or logged once as
 * information (agent) if tell, and counted in the result. A host whose
 * links join the area by network statements keeps that form (render.h). */
static void
plan_dialects(struct pass *p, const struct frrconf *live, bool tell)
{
	_cleanup_free_ struct frr_neighbor *nb = NULL;
	size_t n = 0;
	bool any = false;

	p->area_form = RENDER_AREA_INTERFACE;
	p->switching = false;
	for (size_t i = 0; i < p->n->n_links; i++)
		p->links[i].compat = false;
	if (live == NULL)
		return;
	if (frrconf_find_prefix(frrconf_find(&live->root, "router ospf"), "network "))
		p->area_form = RENDER_AREA_NETWORK;
	for (size_t i = 0; i < p->n->n_links && !any; i++)
		any = !point_to_point(live, p->links[i].link->ifname);
	if (any && read_neighbors(&nb, &n) == 0) {
		for (size_t i = 0; i < p->n->n_links; i++) {
			struct link_plan *lp = &p->links[i];
			struct in_addr who;
			char buf[16], *msg;

			lp->compat = dialect_compat(live, lp->link->ifname, nb, n, &who);
			p->switching |= !lp->compat && !point_to_point(live, lp->link->ifname);
			if (!lp->compat || !tell)
				continue;
			p->res->compat++;
			msg = xasprintf("%s: neighbour %s (%s) is not run by proxmesh yet "
			                "(OSPF priority neither %d nor %d): the link stays "
			                "broadcast for it until it is",
			                lp->link->ifname, ip4_str(who, buf), lp->link->peer,
			                DIALECT_PRIORITY, DIALECT_COMPAT_PRIORITY);
			if (p->ctx->out) {
				say(p, "# %s", msg);
				free(msg);
			} else {
				warn_text(p, false, msg);
			}
		}
	}
	if (p->area_form == RENDER_AREA_NETWORK && tell && p->ctx->out)
		say(p, "# router ospf: the links join the area by network statements, the form "
		       "this host was set up in (changing forms takes every link out of OSPF "
		       "for a moment)");
}

/* Starting daemons (a take-over enables bfdd) takes a second or more, in
 * which the neighbours, taken over at the same time, may already reset
 * their adjacencies: bridge before, if the commands the running daemons'
 * configuration calls for would reset them. */
static void
bridge_early(struct pass *p)
{
	_cleanup_free_ char *text = NULL;
	struct frrconf desired = {0}, live = {0};
	struct strv cmds = {0};
	struct frr_version v;

	if (read_frr_text_as(p, &text, true) < 0)
		return; /* ospfd not running: no adjacency to keep */
	if (!parse_live(text, &live))
		return;
	frr_version_of(text, &v, NULL, 0);
	plan_dialects(p, &live, false);
	render_frr(p->c, p->n, p->links, v, p->area_form, &desired);
	keep_handmade(p, &live, &desired);
	frrdiff(&desired, &live, &p->ifnames, &cmds);
	if (frrdiff_disruptive(&cmds))
		bridge_begin(p, &cmds);
	strv_free(&cmds);
	frrconf_free(&desired);
	frrconf_free(&live);
}

/* Enable the daemons FRR needs, read its configuration and compute the
 * commands, printed. p->cmds and p->clear are what apply_frr sends. */
static int
plan_frr(struct pass *p)
{
	_cleanup_free_ char *daemons = xasprintf("%s/daemons", p->ctx->paths->frr_dir);
	_cleanup_free_ char *router_id = NULL, *text = NULL;
	struct frrconf live = {0}, seen;
	unsigned missing = 0;
	uint64_t fingerprint;
	bool parsed;
	char want_rid[16], names[32];
	int r;

	/* an OSPF fabric owns router ospf here: FRR is left as it is */
	if (p->sdn.whole_host)
		return 0;
	r = frrdaemons_update(daemons, frrdaemons_wanted(p->c), !p->apply, &missing);
	if (r < 0)
		return failed(p, "%s: %s", daemons, file_strerror(r));
	if (r > 0) {
		say(p, "# enable%s in %s and reload (or restart) FRR", frrdaemons_names(missing, names),
		    daemons);
		if (!p->apply)
			return 0;
	}
	/* A start that failed (timed out) is owed until one succeeds: the
	 * daemons file already says yes. */
	if (p->apply && (r > 0 || p->ctx->frr_start_owed)) {
		missing |= p->ctx->frr_start_owed;
		p->ctx->frr_start_owed = missing;
		bridge_early(p);
		r = start_daemons(p, daemons, missing, r == 0);
		if (r < 0)
			return r;
		p->ctx->frr_start_owed = 0;
	}

	r = read_frr_text(p, &text);
	if (r < 0)
		return r;
	frr_version_of(text, &p->res->version, p->res->version_text,
	               sizeof(p->res->version_text));
	parsed = parse_live(text, &seen);
	plan_dialects(p, parsed ? &seen : NULL, true);
	render_frr(p->c, p->n, p->links, p->res->version, p->area_form, &p->desired);
	for (size_t i = 0; i < p->frozen.n; i++) {
		_cleanup_free_ char *block = xasprintf("interface %s", p->frozen.v[i]);

		frrconf_remove(&p->desired.root, block);
	}
	keep_handmade(p, parsed ? &seen : NULL, &p->desired);
	frrconf_free(&seen);
	if (p->res->held)
		say(p, "# router ospf: the loopback stays an external route of the hand-made "
		       "redistribution until the links turned point-to-point have settled and "
		       "OSPF is quiet");
	p->rendered = true;
	/* Nothing changed in FRR since a pass found it converged: nothing to
	 * compare. (The live text names FRR's version, so a new version is a
	 * new fingerprint.) */
	fingerprint = frr_fingerprint(text, &p->desired);
	if ((p->ctx->frr_seen != 0 || seen_load(p->ctx) == 0) && fingerprint == p->ctx->frr_seen)
		return 0;
	p->ctx->frr_seen = 0;

	r = parse_frr(p, text, &live, &router_id);
	if (r < 0)
		goto out;
	frrdiff(&p->desired, &live, &p->ifnames, &p->cmds);
	print_commands(p, &p->cmds);
	p->res->frr_commands = (unsigned)p->cmds.n;
	ip4_str(p->n->router_id, want_rid);
	p->clear = router_id && strcmp(router_id, want_rid) != 0;
	if (p->clear)
		say(p, "clear ip ospf process   ! router-id %s in use, %s wanted",
		    router_id, want_rid);
	if (p->cmds.n || p->clear)
		p->res->frr_commands += !p->apply && p->clear;
	else if (p->apply)
		seen_save(p->ctx, fingerprint);
out:
	frrconf_free(&live);
	return r;
}

/* Send the planned commands and re-read: what did not take is a failed
 * pass. */
static int
apply_frr(struct pass *p)
{
	_cleanup_free_ char *router_id = NULL, *error = NULL;
	struct frrsend send = {.vtysh = &p->ctx->vtysh};
	struct frrconf live = {0};
	struct strv left = {0};
	int r;

	r = frrsend(&send, &p->cmds, p->clear, &error);
	p->ctx->vty_sessions += send.sessions;
	if (send.moved)
		say(p, "%u FRR daemon%s refused configuration on %s socket: sent through vtysh",
		    send.moved, send.moved == 1 ? "" : "s", send.moved == 1 ? "its" : "their");
	if (r < 0) {
		r = failed(p, "%s", error);
		goto out;
	}
	r = read_frr(p, &live, &router_id);
	if (r < 0)
		goto out;
	frrdiff(&p->desired, &live, &p->ifnames, &left);
	if (left.n > 0) {
		_cleanup_free_ char *first = frrdiff_mask_secret(first_setting(&left));

		_cleanup_free_ char *said = xstrdup("");

		for (size_t i = 0; i < send.refused.n; i++) {
			char *more = xasprintf("%s%s%s", said, i ? "; " : "", send.refused.v[i]);

			free(said);
			said = more;
		}

		r = failed(p, "%zu FRR command%s did not take, first \"%s\"%s%s", left.n,
		           left.n == 1 ? "" : "s", first, send.refused.n ? "; FRR said: " : "",
		           said);
		goto out;
	}
	for (size_t i = 0; i < send.refused.n; i++)
		warn(p, "FRR: %s", send.refused.v[i]);
out:
	frrsend_free(&send);
	strv_free(&left);
	frrconf_free(&live);
	return r < 0 ? r : 0;
}

/* proxmesh's lines in /etc/frr/frr.conf, where FRR reads them at start:
 * written when they differ from what FRR runs (apply), or reported (plan).
 * Where Proxmox SDN owns the file, frr.conf.local has them instead, checked
 * and written the same way. Called only once FRR runs what a pass applied:
 * after a failed pass a reboot brings back the last configuration that
 * worked. */
static int
persist_file(struct pass *p)
{
	const char *dir = p->ctx->paths->frr_dir;
	bool local = access(p->ctx->paths->sdn_marker, F_OK) == 0;
	const char *name = local ? "frr.conf.local" : "frr.conf";
	_cleanup_free_ char *error = NULL;
	int r;

	if (local)
		r = frrsave_local(dir, &p->desired, p->apply, &error);
	else
		r = frrsave_conf(dir, &p->desired, &p->ifnames, p->apply, &error);
	if (r < 0)
		return failed(p, "%s", error);
	p->res->frr_saved = r != FRRSAVE_SAME;
	if (r == FRRSAVE_PENDING)
		say(p, "# save the mesh in %s/%s (its proxmesh lines differ)", dir, name);
	else if (r == FRRSAVE_WRITTEN)
		say(p, "# saved the mesh in %s/%s%s", dir, name,
		    local ? "" : " (the file before: frr.conf.sav)");
	return 0;
}

bool
reconcile_dialect_wait(long long wait_ms)
{
	long long end = now_mono_ms() + wait_ms;

	for (;;) {
		_cleanup_free_ char *nj = NULL, *ij = NULL;
		_cleanup_free_ struct frr_neighbor *nb = NULL;
		struct frr_interface *ifs = NULL;
		size_t n_nb = 0, n_ifs = 0;
		bool due;

		if (show("ospfd", "show ip ospf neighbor json", &nj) < 0 ||
		    frrjson_parse_neighbors(nj, &nb, &n_nb) < 0 ||
		    show("ospfd", "show ip ospf interface json", &ij) < 0 ||
		    frrjson_parse_interfaces(ij, &ifs, &n_ifs) < 0)
			return false;
		due = dialect_switch_due(ifs, n_ifs, nb, n_nb) != NULL;
		free(ifs);
		if (due)
			return true;
		if (now_mono_ms() >= end)
			return false;
		usleep(RECONCILE_BRIDGE_POLL_MS * 1000);
	}
}

/* ospfd's neighbours, over its socket; -errno when it does not answer. */
static int
read_neighbors(struct frr_neighbor **nb, size_t *n)
{
	_cleanup_free_ char *json = NULL;
	int r;

	*nb = NULL;
	*n = 0;
	r = show("ospfd", "show ip ospf neighbor json", &json);
	return r < 0 ? r : frrjson_parse_neighbors(json, nb, n);
}

/* Before a change that resets adjacencies: the neighbours' loopbacks go
 * straight over their links until OSPF carries them again (make before
 * break; reconcile_unbridge takes the bridges away). */
static void
bridge_begin(struct pass *p, const struct strv *cmds)
{
	_cleanup_free_ struct frr_neighbor *nb = NULL;
	_cleanup_free_ char *json = NULL;
	struct frr_route *routes = NULL;
	struct strv switching = {0};
	struct bridges b;
	size_t n, n_routes = 0, n_direct;

	p->bridge_tried = true;
	if (read_neighbors(&nb, &n) < 0)
		return;
	p->ctx->bridge_since = now_mono_ms();
	p->ctx->settled_since = 0;
	bridgeplan_switching(cmds, &switching);
	bridgeplan_build(p->links, p->n->n_links, nb, n, &switching, &b);
	strv_free(&switching);
	n_direct = b.n;
	/* and the loopbacks farther away, as OSPF routes them now */
	if (show("zebra", "show ip route ospf json", &json) == 0 &&
	    frrjson_parse_routes(json, &routes, &n_routes) == 0) {
		bridgeplan_far(p->c, p->n, p->links, p->n->n_links, nb, n, routes, n_routes, &b);
		frr_routes_free(routes, n_routes);
	}
	for (size_t i = 0; i < b.n; i++) {
		_cleanup_free_ char *err = NULL;
		char buf[20], gw[16];

		/* To a neighbour's loopback, from the link's address: the
		 * neighbour answers over the link, a connected route, while
		 * every adjacency of ours re-forms (lab 22: answers to our
		 * loopback were lost for 0.34 s). Farther, from our loopback,
		 * as OSPF's routes (route-map proxmesh-src): the link's subnet
		 * may leave OSPF while it re-forms (lab 26: 0.86 s). */
		if (i >= n_direct && p->n->has_loopback)
			b.v[i].src = p->n->loopback.addr;
		if (bridge_add(&b.v[i], &err) < 0) {
			warn(p, "%s", err);
			continue;
		}
		say(p, "# bridge %s via %s dev %s (table %d) while OSPF re-forms",
		    prefix4_str(&b.v[i].dst, buf), ip4_str(b.v[i].gateway, gw), b.v[i].ifname,
		    BRIDGE_TABLE);
		p->bridged++;
	}
	bridges_free(&b);
}

/* One pass at a time on a host: `proxmesh apply` and the agent lock
 * RUN_DIR/reconcile.lock. wait: block until the other pass is done (the
 * command line); else -EBUSY (the agent tries again soon). Returns the fd
 * to close. */
static int
pass_lock(struct reconcile_ctx *ctx, bool wait)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", ctx->paths->run_dir, LOCK_FILE);
	int fd, r;

	mkdir(ctx->paths->run_dir, 0755);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	r = errno == EWOULDBLOCK ? -EBUSY : -errno;
	if (r == -EBUSY && wait) {
		ctx_say(ctx, "# waiting for another pass (the agent's, or another apply) to finish");
		if (flock(fd, LOCK_EX) == 0)
			return fd;
		r = -errno;
	}
	close(fd);
	return r;
}

static int unbridge(struct reconcile_ctx *ctx, unsigned *left);

int
reconcile_unbridge(struct reconcile_ctx *ctx, unsigned *left)
{
	int fd = pass_lock(ctx, false), r;

	*left = 0;
	if (fd < 0)
		return fd;
	r = unbridge(ctx, left);
	close(fd);
	return r;
}

static int
unbridge(struct reconcile_ctx *ctx, unsigned *left)
{
	_cleanup_free_ struct frr_neighbor *nb = NULL;
	_cleanup_free_ bool *routed = NULL;
	_cleanup_free_ char *err = NULL;
	struct bridges b;
	bool settled, late;
	long long now = now_mono_ms();
	size_t n = 0;
	int r;

	*left = 0;
	r = bridge_list(&b, &routed, &err);
	if (r < 0) {
		log_warnx("%s", err);
		return r;
	}
	if (b.n == 0) {
		ctx->bridge_since = ctx->settled_since = 0;
		return 0;
	}
	/* Bridges this process did not make were left by an earlier one (a
	 * killed apply, an agent restarted): past the limit. */
	if (ctx->bridge_since == 0)
		ctx->bridge_since = now - RECONCILE_BRIDGE_LIMIT_MS;
	settled = read_neighbors(&nb, &n) == 0 && bridgeplan_settled(&b, nb, n);
	for (size_t i = 0; i < b.n; i++)
		settled &= routed[i];
	if (!settled)
		ctx->settled_since = 0;
	else if (ctx->settled_since == 0)
		ctx->settled_since = now;
	settled = settled && now - ctx->settled_since >= BRIDGE_SETTLE_MS;
	late = now - ctx->bridge_since >= RECONCILE_BRIDGE_LIMIT_MS;
	for (size_t i = 0; i < b.n; i++) {
		char buf[20];

		if (!settled && !(late && routed[i])) {
			(*left)++;
			continue;
		}
		free(err);
		if (bridge_remove(&b.v[i], &err) < 0) {
			log_warnx("%s", err);
			(*left)++;
			continue;
		}
		ctx_say(ctx, "# bridge %s removed: OSPF carries it (%.1f s)",
		        prefix4_str(&b.v[i].dst, buf), (now - ctx->bridge_since) / 1000.0);
	}
	if (*left == 0)
		ctx->bridge_since = ctx->settled_since = 0;
	bridges_free(&b);
	return 0;
}

/* plan: the bridges a change left (apply or the agent removes them). */
static void
bridge_show(struct pass *p)
{
	_cleanup_free_ bool *routed = NULL;
	_cleanup_free_ char *err = NULL;
	struct bridges b;

	if (bridge_list(&b, &routed, &err) < 0) {
		warn(p, "%s", err);
		return;
	}
	for (size_t i = 0; i < b.n; i++) {
		char buf[20], gw[16];

		say(p, "# bridge %s via %s dev %s in place (%s)", prefix4_str(&b.v[i].dst, buf),
		    ip4_str(b.v[i].gateway, gw), b.v[i].ifname[0] ? b.v[i].ifname : "?",
		    routed[i] ? "OSPF routes it too: the next apply removes it"
		              : "OSPF does not route it");
	}
	bridges_free(&b);
}

/* apply: wait until OSPF carries what bridge_begin bridged, at most
 * RECONCILE_BRIDGE_LIMIT_MS (the daemon polls from its loop instead). */
static void
bridge_wait(struct pass *p)
{
	unsigned left = 0;
	long long t0 = now_mono_ms();

	say(p, "# waiting until OSPF carries the bridged loopbacks (at most %d s)",
	    RECONCILE_BRIDGE_LIMIT_MS / 1000);
	do {
		usleep(RECONCILE_BRIDGE_POLL_MS * 1000);
		if (unbridge(p->ctx, &left) < 0)
			return;
		/* two ends kept broadcast that both run proxmesh now elect no
		 * designated router: OSPF settles only once the next pass has
		 * turned the link point-to-point (the bridges stay till then) */
		if (left > 0 && p->res->compat && reconcile_dialect_wait(0))
			return;
	} while (left > 0 && now_mono_ms() - t0 <= RECONCILE_BRIDGE_LIMIT_MS + RECONCILE_BRIDGE_POLL_MS);
	if (left)
		warn(p, "%u bridge%s kept: OSPF does not carry %s yet (ip rule show table %d)", left,
		     left == 1 ? "" : "s", left == 1 ? "it" : "them", BRIDGE_TABLE);
}

int
reconcile_pass(struct reconcile_ctx *ctx, const struct config *c, const struct node_conf *n,
               bool apply, struct reconcile_result *res)
{
	struct pass p = {.ctx = ctx, .c = c, .n = n, .apply = apply, .res = res};
	_cleanup_free_ char *err = NULL;
	int r, rf, lock = -1;

	*res = (struct reconcile_result){.state = RECONCILE_CONVERGED};
	if (apply) {
		lock = pass_lock(ctx, ctx->out != NULL);
		if (lock == -EBUSY) {
			failed(&p, "another pass is running");
			return -EBUSY;
		}
		if (lock < 0)
			return failed(&p, "cannot lock %s/%s: %s", ctx->paths->run_dir, LOCK_FILE,
			              strerror(-lock));
	}
	tb_pass_begin(TB_PASS_MS);
	r = addrplan_node(c, n, &p.links, &err);
	if (r < 0) {
		tb_pass_end();
		if (lock >= 0)
			close(lock);
		return failed(&p, "%s", err);
	}
	ifplan_build(c, n, p.links, &p.ifplan);
	r = plan_sdn(&p);
	if (r < 0) {
		tb_pass_end();
		if (lock >= 0)
			close(lock);
		sdnfabric_free(&p.sdn);
		ifplan_free(&p.ifplan);
		free(p.links);
		return r;
	}
	strv_push_dup(&p.ifnames, "lo");
	for (size_t i = 0; i < n->n_links; i++)
		if (!strv_contains(&p.frozen, n->links[i].ifname))
			strv_push_dup(&p.ifnames, n->links[i].ifname);

	/* Plan everything first: a change that resets adjacencies is bridged
	 * before anything changes. Then interfaces first (`set src` needs the
	 * loopback address to exist); a failure there does not stop FRR from
	 * being configured. */
	r = plan_interfaces(&p);
	rf = plan_frr(&p);
	if (apply) {
		if (rf == 0 && !p.bridge_tried && (p.clear || frrdiff_disruptive(&p.cmds)))
			bridge_begin(&p, &p.cmds);
		if (p.if_planned) {
			int ri = apply_interfaces(&p);

			r = r < 0 ? r : ri;
		}
		if (rf == 0 && (p.cmds.n || p.clear))
			rf = apply_frr(&p);
		if (rf == 0 && p.rendered)
			rf = persist_file(&p);
		tb_pass_end(); /* the command line's wait has its own bound */
		if (p.bridged && ctx->out)
			bridge_wait(&p);
		else if (p.bridged)
			res->bridges = p.bridged; /* the daemon polls */
		else if (unbridge(ctx, &res->bridges) == 0 && res->bridges && ctx->out)
			bridge_wait(&p); /* an earlier pass's (a link turned point-to-point) */
	} else {
		if (rf == 0 && p.rendered)
			rf = persist_file(&p);
		bridge_show(&p);
	}
	tb_pass_end();
	if (r == 0)
		r = rf;
	if (r == 0 && !apply && (res->frr_commands || res->if_changes || res->frr_saved))
		res->state = RECONCILE_PENDING;
	if (r == 0 && res->conflict)
		res->state = RECONCILE_CONFLICT;

	strv_free(&ctx->warned);
	ctx->warned = ctx->warned_now;
	ctx->warned_now = (struct strv){0};
	strv_free(&p.ifnames);
	strv_free(&p.frozen);
	sdnfabric_free(&p.sdn);
	strv_free(&p.cmds);
	frrconf_free(&p.desired);
	if_changes_free(&p.ch);
	ifaddr_list_free(&p.previous);
	free(p.ifupdown);
	free(p.sysctls);
	ifplan_free(&p.ifplan);
	free(p.links);
	if (lock >= 0)
		close(lock);
	return r;
}

void
reconcile_ctx_free(struct reconcile_ctx *ctx)
{
	strv_free(&ctx->warned);
	strv_free(&ctx->warned_now);
	ifaddr_list_free(&ctx->in_place);
}

void
reconcile_result_free(struct reconcile_result *res)
{
	free(res->error);
	res->error = NULL;
	free(res->conflict);
	res->conflict = NULL;
	free(res->restored);
	res->restored = NULL;
}
