/* reconcile.c - one pass: desired state from the configuration, live state
 * from the host, and only the difference applied */
#include "reconcile.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addrplan.h"
#include "frrconf.h"
#include "frrdaemons.h"
#include "frrdiff.h"
#include "frrjson.h"
#include "frrvty.h"
#include "ifdiff.h"
#include "ifplan.h"
#include "ifupdown.h"
#include "log.h"
#include "netlink.h"
#include "util.h"

#define LOCK_RETRIES 4
#define FRR_START_WAIT_MS 60000
/* One show command over a daemon's socket; a pass reads five, and in the
 * daemon it blocks the loop: well inside WatchdogSec. */
#define FRR_READ_TIMEOUT_MS 3000
#define LOCAL_BEGIN "! proxmesh begin: managed by proxmesh, do not edit"
#define LOCAL_END "! proxmesh end"

struct pass {
	struct reconcile_ctx *ctx;
	const struct config *c;
	const struct node_conf *n;
	struct link_plan *links;
	struct ifplan ifplan;
	struct strv ifnames; /* the interfaces whose ip ospf lines we own */
	bool apply;
	struct reconcile_result *res;
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
	}
	return "unknown";
}

/* What the pass does, for the operator: printed by plan/apply, logged by
 * the daemon. */
static void __attribute__((format(printf, 2, 3)))
say(struct pass *p, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (p->ctx->out)
		fprintf(p->ctx->out, "%s\n", msg);
	else
		log_info("%s", msg);
}

static void __attribute__((format(printf, 2, 3)))
warn(struct pass *p, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (p->ctx->out) {
		fprintf(p->ctx->out, "# warning: %s\n", msg);
		return;
	}
	if (!strv_contains(&p->ctx->warned, msg))
		log_warnx("%s", msg);
	if (!strv_contains(&p->ctx->warned_now, msg))
		strv_push(&p->ctx->warned_now, TAKE_PTR(msg));
}

static int __attribute__((format(printf, 2, 3)))
failed(struct pass *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(p->res->error);
	p->res->error = xvasprintf(fmt, ap);
	va_end(ap);
	p->res->state = RECONCILE_FAILED;
	return -EIO;
}

/* A file proxmesh keeps whole (ifupdown2's, sysctl.d's): say that it is
 * to be written when it does not hold text yet. */
static void
file_pending(struct pass *p, const char *path, const char *text)
{
	_cleanup_free_ char *current = NULL;

	if (read_file(path, 1024 * 1024, &current, NULL) == 0 && strcmp(current, text) == 0)
		return;
	say(p, "# write %s", path);
	p->res->if_changes++;
}

static int
step_interfaces(struct pass *p)
{
	_cleanup_free_ char *state = xasprintf("%s/addresses", p->ctx->paths->state_dir);
	_cleanup_free_ char *ifupdown = ifplan_render_ifupdown(&p->ifplan);
	_cleanup_free_ char *sysctls = ifplan_render_sysctl(&p->ifplan);
	_cleanup_free_ char *warning = NULL, *err = NULL;
	struct ifaddr_list previous = {0}, record = {0};
	struct if_changes ch = {0};
	struct strv errors = {0};
	int r;

	r = ifaddr_list_load(state, &previous);
	if (r < 0)
		warn(p, "%s: %s; previously planned addresses are unknown", state, strerror(-r));
	r = nl_plan(&p->ifplan, &previous, &ch, &err);
	if (r < 0) {
		r = failed(p, "cannot read interfaces: %s", err ? err : strerror(-r));
		goto out;
	}
	for (size_t i = 0; i < ch.warnings.n; i++)
		warn(p, "%s", ch.warnings.v[i]);
	for (size_t i = 0; i < ch.n; i++)
		say(p, "%s", ch.v[i].text);
	p->res->if_changes = (unsigned)ch.n;

	warning = ifupdown_check_sourced(p->ctx->paths->ifupdown_main, p->ctx->paths->ifupdown_file);
	if (warning)
		warn(p, "%s", warning);
	file_pending(p, p->ctx->paths->ifupdown_file, ifupdown);
	file_pending(p, p->ctx->paths->sysctl_file, sysctls);
	if (!p->apply)
		goto out;

	if (mkdir(p->ctx->paths->state_dir, 0755) < 0 && errno != EEXIST)
		warn(p, "cannot create %s: %s", p->ctx->paths->state_dir, strerror(errno));
	r = nl_apply(&ch, &errors);
	for (size_t i = 0; i < errors.n; i++)
		warn(p, "%s", errors.v[i]);
	ifdiff_record(&p->ifplan, &previous, r == 0, &record);
	if (ifaddr_list_save(state, &record) < 0)
		warn(p, "cannot write %s", state);
	if (ifupdown_write(p->ctx->paths->ifupdown_file, ifupdown) < 0)
		warn(p, "cannot write %s", p->ctx->paths->ifupdown_file);
	if (ifupdown_write(p->ctx->paths->sysctl_file, sysctls) < 0)
		warn(p, "cannot write %s", p->ctx->paths->sysctl_file);
	if (r != 0)
		r = failed(p, "%d interface change%s failed: %s", r, r == 1 ? "" : "s",
		           errors.n ? errors.v[0] : "netlink error");
out:
	strv_free(&errors);
	if_changes_free(&ch);
	ifaddr_list_free(&previous);
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

/* Run vtysh; retry FRR 9+'s "could not lock candidate DS" with back-off. */
static int
run_vtysh(struct pass *p, const char *const *cmds, size_t n, struct vtysh_result *res)
{
	for (int attempt = 0;; attempt++) {
		int r = vtysh_run(&p->ctx->vtysh, cmds, n, res);

		if (r < 0 || res->status == 0 || attempt == LOCK_RETRIES ||
		    strstr(vtysh_result_text(res), "could not lock") == NULL)
			return r;
		vtysh_result_free(res);
		usleep(100000u << attempt);
	}
}

/* FRR's running configuration as its daemons print it for themselves, over
 * their vty sockets (vtysh joins the same texts): zebra and ospfd must
 * answer; bfdd and FRR 10's mgmtd only when they run. No process is
 * started. */
static int
read_frr_text(struct pass *p, char **text)
{
	static const char *const daemons[] = {"zebra", "ospfd", "bfdd", "mgmtd"};
	struct frrvty v;
	char *all = xstrdup("");

	frrvty_init(&v);
	v.timeout_ms = FRR_READ_TIMEOUT_MS;
	for (size_t i = 0; i < ARRAY_SIZE(daemons); i++) {
		_cleanup_free_ char *t = NULL;
		char *next;
		int r = frrvty_show(&v, daemons[i], "show running-config", &t);

		if (r < 0 && i >= 2 && (r == -ENOENT || r == -ECONNREFUSED))
			continue;
		if (r < 0) {
			free(all);
			p->res->frr_running = false;
			return failed(p, "FRR is not answering (%s: %s)", daemons[i],
			              r == -ENOENT || r == -ECONNREFUSED ? "not running"
			                                                : strerror(-r));
		}
		next = xasprintf("%s%s\n", all, t);
		free(all);
		all = next;
	}
	*text = all;
	p->res->frr_running = true;
	return 0;
}

/* Parse what read_frr_text read, and ask ospfd for the router id in use. */
static int
parse_frr(struct pass *p, const char *text, struct frrconf *live, char **router_id)
{
	_cleanup_free_ char *ospf = NULL;
	struct frrvty v;
	struct in_addr rid;
	char buf[16];

	*router_id = NULL;
	if (frrconf_parse(text, live) < 0)
		return failed(p, "cannot parse FRR's running config");
	frrconf_merge(live);
	frrvty_init(&v);
	v.timeout_ms = FRR_READ_TIMEOUT_MS;
	if (frrvty_show(&v, "ospfd", "show ip ospf json", &ospf) == 0 &&
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

static void
frr_version_of(const char *text, struct frr_version *v)
{
	const char *ver = strstr(text, "frr version ");

	if (ver == NULL || frr_version_parse(ver + 12, v) < 0)
		*v = (struct frr_version){8, 4};
}

/* Proxmox SDN owns /etc/frr/frr.conf; our lines go to frr.conf.local. */
static int
persist_local(struct pass *p, const struct frrconf *desired)
{
	_cleanup_free_ char *path = xasprintf("%s/frr.conf.local", p->ctx->paths->frr_dir);
	_cleanup_free_ char *old = NULL, *ours = frrconf_format(desired), *text = NULL;
	const char *b, *e;

	if (read_file(path, 1024 * 1024, &old, NULL) < 0)
		old = xstrdup("");
	b = strstr(old, LOCAL_BEGIN);
	e = b ? strstr(b, LOCAL_END) : NULL;
	if (b && e) {
		e += strlen(LOCAL_END);
		e += *e == '\n';
		text = xasprintf("%.*s%s\n%s%s\n%s", (int)(b - old), old, LOCAL_BEGIN, ours,
		                 LOCAL_END, e);
	} else {
		text = xasprintf("%s%s\n%s%s\n", old, LOCAL_BEGIN, ours, LOCAL_END);
	}
	return write_file_atomic(path, text, strlen(text), 0640);
}

/* Does daemon answer show command cmd on its vty socket? */
static bool
answers(struct frrvty *v, const char *daemon, const char *cmd)
{
	_cleanup_free_ char *out = NULL;

	return frrvty_show(v, daemon, cmd, &out) == 0;
}

/* Start the daemons just enabled and wait until they answer. */
static int
start_daemons(struct pass *p, const char *daemons, unsigned missing)
{
	struct frrvty v;
	bool running, restarted;
	int r;

	frrvty_init(&v);
	v.timeout_ms = 2000;
	running = answers(&v, "zebra", "show version");
	r = frrdaemons_start(running, &restarted);
	if (r < 0)
		return failed(p, "systemctl %s frr failed", restarted ? "restart" : "reload");
	log_notice("frr: enabled%s%s in %s; FRR %s", missing & FRRD_OSPFD ? " ospfd" : "",
	           missing & FRRD_BFDD ? " bfdd" : "", daemons,
	           restarted ? "restarted" : "reloaded (running daemons untouched)");
	/* watchfrr starts the new daemons on its own time. With no `router
	 * ospf` yet ospfd prints nothing, but the command succeeds. */
	for (long long t0 = now_mono_ms(); now_mono_ms() - t0 < FRR_START_WAIT_MS;) {
		if (answers(&v, "ospfd", "show ip ospf json") &&
		    (!(missing & FRRD_BFDD) || answers(&v, "bfdd", "show bfd peers json")))
			return 0;
		usleep(100000);
	}
	return failed(p, "FRR's daemons did not answer within %d s after they were enabled",
	              FRR_START_WAIT_MS / 1000);
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

	if (read_file(path, 64, &text, NULL) < 0 || sscanf(text, "%llx", &fp) != 1 || fp == 0)
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

static int
step_frr(struct pass *p)
{
	_cleanup_free_ char *daemons = xasprintf("%s/daemons", p->ctx->paths->frr_dir);
	_cleanup_free_ char *router_id = NULL, *vtysh_error = NULL, *text = NULL;
	struct frrconf desired = {0}, live = {0};
	struct strv cmds = {0}, batch = {0};
	struct vtysh_result vr = {0};
	bool sdn = access(p->ctx->paths->sdn_marker, F_OK) == 0;
	unsigned missing = 0;
	uint64_t fingerprint;
	char want_rid[16];
	int r;

	r = frrdaemons_update(daemons, p->c->bfd, !p->apply, &missing);
	if (r < 0)
		return failed(p, "%s: %s", daemons, strerror(-r));
	if (r > 0) {
		say(p, "# enable%s%s in %s and reload (or restart) FRR",
		    missing & FRRD_OSPFD ? " ospfd" : "", missing & FRRD_BFDD ? " bfdd" : "", daemons);
		if (!p->apply)
			return 0;
		r = start_daemons(p, daemons, missing);
		if (r < 0)
			return r;
	}

	r = read_frr_text(p, &text);
	if (r < 0)
		return r;
	frr_version_of(text, &p->res->version);
	render_frr(p->c, p->n, p->links, p->res->version, &desired);
	/* Nothing changed in FRR since a pass found it converged: nothing to
	 * compare. (The live text names FRR's version, so a new version is a
	 * new fingerprint.) */
	fingerprint = frr_fingerprint(text, &desired);
	if ((p->ctx->frr_seen != 0 || seen_load(p->ctx) == 0) && fingerprint == p->ctx->frr_seen)
		goto out;
	p->ctx->frr_seen = 0;

	r = parse_frr(p, text, &live, &router_id);
	if (r < 0)
		goto out;
	frrdiff(&desired, &live, &p->ifnames, &cmds);
	print_commands(p, &cmds);
	p->res->frr_commands = (unsigned)cmds.n;
	ip4_str(p->n->router_id, want_rid);
	bool clear = router_id && strcmp(router_id, want_rid) != 0;
	if (clear)
		say(p, "clear ip ospf process   ! router-id %s in use, %s wanted",
		    router_id, want_rid);
	if (!p->apply || (cmds.n == 0 && !clear)) {
		if (cmds.n || clear)
			p->res->frr_commands += clear;
		else if (p->apply)
			seen_save(p->ctx, fingerprint);
		goto out;
	}

	strv_push_dup(&batch, "configure terminal");
	for (size_t i = 0; i < cmds.n; i++)
		strv_push_dup(&batch, cmds.v[i]);
	strv_push_dup(&batch, "end");
	if (cmds.n && !sdn)
		strv_push_dup(&batch, "write memory");
	if (clear)
		strv_push_dup(&batch, "clear ip ospf process");
	r = run_vtysh(p, (const char *const *)batch.v, batch.n, &vr);
	if (r < 0) {
		r = failed(p, "cannot run vtysh: %s", strerror(-r));
		goto out;
	}
	if (vr.status != 0) {
		vtysh_error = xstrdup(vtysh_result_text(&vr));
		vtysh_error[strcspn(vtysh_error, "\n")] = '\0';
	}
	if (cmds.n && sdn && persist_local(p, &desired) < 0)
		warn(p, "cannot write %s/frr.conf.local", p->ctx->paths->frr_dir);

	/* Re-read: what did not take is a failed pass. */
	frrconf_free(&live);
	strv_free(&cmds);
	free(router_id);
	router_id = NULL;
	r = read_frr(p, &live, &router_id);
	if (r < 0)
		goto out;
	frrdiff(&desired, &live, &p->ifnames, &cmds);
	if (cmds.n > 0) {
		_cleanup_free_ char *first = frrdiff_mask_secret(first_setting(&cmds));

		r = failed(p, "%zu FRR command%s did not take, first \"%s\"%s%s", cmds.n,
		           cmds.n == 1 ? "" : "s", first, vtysh_error ? "; vtysh said: " : "",
		           vtysh_error ? vtysh_error : "");
	} else if (vtysh_error) {
		warn(p, "vtysh: %s", vtysh_error);
	}
out:
	vtysh_result_free(&vr);
	strv_free(&batch);
	strv_free(&cmds);
	frrconf_free(&desired);
	frrconf_free(&live);
	return r < 0 ? r : 0;
}

int
reconcile_pass(struct reconcile_ctx *ctx, const struct config *c, const struct node_conf *n,
               bool apply, struct reconcile_result *res)
{
	struct pass p = {.ctx = ctx, .c = c, .n = n, .apply = apply, .res = res};
	_cleanup_free_ char *err = NULL;
	int r, rf;

	*res = (struct reconcile_result){.state = RECONCILE_CONVERGED};
	r = addrplan_node(c, n, &p.links, &err);
	if (r < 0)
		return failed(&p, "%s", err);
	ifplan_build(c, n, p.links, &p.ifplan);
	strv_push_dup(&p.ifnames, "lo");
	for (size_t i = 0; i < n->n_links; i++)
		strv_push_dup(&p.ifnames, n->links[i].ifname);

	/* Interfaces first: `set src` needs the loopback address to exist. A
	 * failure there does not stop FRR from being configured. */
	r = step_interfaces(&p);
	rf = step_frr(&p);
	if (r == 0)
		r = rf;
	if (r == 0 && !apply && (res->frr_commands || res->if_changes))
		res->state = RECONCILE_PENDING;

	strv_free(&ctx->warned);
	ctx->warned = ctx->warned_now;
	ctx->warned_now = (struct strv){0};
	strv_free(&p.ifnames);
	ifplan_free(&p.ifplan);
	free(p.links);
	return r;
}

void
reconcile_ctx_free(struct reconcile_ctx *ctx)
{
	strv_free(&ctx->warned);
	strv_free(&ctx->warned_now);
}

void
reconcile_result_free(struct reconcile_result *res)
{
	free(res->error);
	res->error = NULL;
}
