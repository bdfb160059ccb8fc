/* doctor.c - `proxmesh doctor`: read-only checks of this host against the
 * mesh (DESIGN §13). What it reads and probes is here; the verdicts on
 * Proxmox's files are common/doctorcheck.c's. Traffic goes only to mesh peers,
 * over mesh links. */
#include "doctor.h"
#include "doctorcheck.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "addrplan.h"
#include "apiclient.h"
#include "child.h"
#include "cli.h"
#include "frrdaemons.h"
#include "ifplan.h"
#include "ifupdown.h"
#include "reconcile.h"
#include "netlink.h"
#include "sdnfabric.h"
#include "util.h"

/* IP and ICMP (or UDP) headers: a ping of payload MTU - 28 (IPv6: 48)
 * fills the MTU */
#define IP4_OVERHEAD 28
#define IP6_OVERHEAD 48
#define PROXMOX_FILE_MAX (1024 * 1024)
#define PING_BOUND_MS 5000
#define API_BOUND_MS 15000

/* The far end of a link, as the MTU probe addresses it: its IPv4 address;
 * in an IPv6-only mesh its planned IPv6 address or, on a link with
 * link-local addresses only, every node on the link (ff02::1%IF, our own
 * copy not looped back: on a cable, the peer alone answers). */
struct probe {
	bool v6, all_nodes;
	struct in_addr to;
	struct in6_addr to6;
	char text[INET6_ADDRSTRLEN + IFNAMSIZ + 1];
};

static void
probe_target(const struct config *c, const struct link_plan *lp, struct probe *p)
{
	*p = (struct probe){.v6 = !c->has_prefix, .to = lp->remote};
	if (!p->v6) {
		ip4_str(p->to, p->text);
		return;
	}
	p->all_nodes = !lp->has6;
	if (p->all_nodes) {
		inet_pton(AF_INET6, "ff02::1", &p->to6);
		snprintf(p->text, sizeof(p->text), "ff02::1%%%s", lp->link->ifname);
		return;
	}
	p->to6 = lp->remote6;
	inet_ntop(AF_INET6, &p->to6, p->text, sizeof(p->text));
}

/* Does the peer answer a don't-fragment ping of size bytes (IP) over
 * ifname? 1 yes, 0 no, or -errno when ping could not run. */
static int
ping_df(const char *ifname, const struct probe *to, unsigned size)
{
	char payload[16];
	const char *argv[20] = {"ping", to->v6 ? "-6" : "-4", "-n", "-q", "-c", "2", "-i", "0.2",
	                        "-W",   "1",                  "-M", "do", "-s", payload};
	size_t n = 14;
	struct child_result res;
	int r;

	/* ff02::1 scoped to the link, without our own looped-back copy (-L);
	 * -I would make ping send it from :: */
	if (to->all_nodes) {
		argv[n++] = "-L";
	} else {
		argv[n++] = "-I";
		argv[n++] = ifname;
	}
	argv[n++] = to->text;
	argv[n] = NULL;
	snprintf(payload, sizeof(payload), "%u", size - (to->v6 ? IP6_OVERHEAD : IP4_OVERHEAD));
	r = child_run("ping", (char *const *)argv, true, PING_BOUND_MS, &res);
	if (r == 0 && res.status != 0 && res.status != 1)
		r = -EIO; /* 2: ping itself failed */
	if (r == 0)
		r = res.status == 0;
	child_result_free(&res);
	return r;
}

/* Would the kernel send a don't-fragment packet of size bytes to the peer
 * over ifname? 1 yes (it went: a UDP datagram to the discard port), 0 no
 * (refused locally, EMSGSIZE), or -errno. */
static int
sends_df(const char *ifname, const struct probe *to, unsigned size)
{
	_cleanup_close_ int fd = socket(to->v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	_cleanup_free_ char *buf = xcalloc(1, size);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(9), .sin_addr = to->to};
	struct sockaddr_in6 sa6 = {.sin6_family = AF_INET6,
	                           .sin6_port = htons(9),
	                           .sin6_addr = to->to6,
	                           .sin6_scope_id = if_nametoindex(ifname)};
	int pmtu = IP_PMTUDISC_DO, pmtu6 = IPV6_PMTUDISC_DO, r;

	if (fd < 0)
		return -errno;
	if (to->v6)
		r = setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu6, sizeof(pmtu6));
	else
		r = setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu));
	if (r < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0 ||
	    (to->v6 ? connect(fd, (struct sockaddr *)&sa6, sizeof(sa6))
	            : connect(fd, (struct sockaddr *)&sa, sizeof(sa))) < 0)
		return -errno;
	if (send(fd, buf, size - (to->v6 ? IP6_OVERHEAD : IP4_OVERHEAD), 0) >= 0)
		return 1;
	return errno == EMSGSIZE ? 0 : -errno;
}

/* Path MTU per link: the peer answers a don't-fragment ping at the MTU,
 * and one byte more is refused here (so both ends agree, and this end's
 * MTU is what the configuration says). Over IPv4; in an IPv6-only mesh
 * over IPv6. */
static void
check_mtu(struct doctor_report *r, const struct config *c, const struct link_plan *lp,
          const struct live_state *live)
{
	_cleanup_free_ char *name = xasprintf("mtu %s", lp->link->ifname);
	const char *ifn = lp->link->ifname, *peer = lp->link->peer;
	const struct live_if *li = live_state_find(live, ifn);
	unsigned have = li && li->exists ? li->mtu : 0, mtu = c->mtu ? c->mtu : have;
	const char *addr;
	struct probe to;
	int big, small, more;

	if (have == 0) {
		doctor_add(r, DOCTOR_FAIL, name,
		           "cable the link, or correct its interface name in proxmesh.conf",
		           "%s does not exist", ifn);
		return;
	}
	if (c->mtu && have != c->mtu) {
		doctor_add(r, DOCTOR_FAIL, name,
		           "run proxmesh apply (or start the agent), which sets it",
		           "%s's MTU is %u, the configuration says %u", ifn, have, c->mtu);
		return;
	}
	probe_target(c, lp, &to);
	addr = to.all_nodes ? "all nodes on the link, ff02::1" : to.text;
	big = ping_df(ifn, &to, mtu);
	if (big < 0) {
		doctor_add(r, DOCTOR_SKIP, name, NULL, "cannot run ping: %s", strerror(-big));
		return;
	}
	more = sends_df(ifn, &to, mtu + 1);
	if (big == 0) {
		small = mtu > 1500 ? ping_df(ifn, &to, 1500) : 0;
		if (small == 1)
			doctor_add(r, DOCTOR_FAIL, name,
			           "set the same MTU on both ends of the link (mtu in proxmesh.conf's "
			           "[mesh] makes proxmesh set it on every host)",
			           "%s (%s) answers 1500-byte packets but not %u-byte ones over %s: "
			           "its end has a smaller MTU",
			           peer, addr, mtu, ifn);
		else
			doctor_add(r, DOCTOR_FAIL, name,
			           "see proxmesh status: the link or the peer is down",
			           "%s (%s) does not answer a don't-fragment ping of %u bytes over %s",
			           peer, addr, mtu, ifn);
		return;
	}
	if (more != 0) {
		doctor_add(r, more < 0 ? DOCTOR_SKIP : DOCTOR_WARN, name,
		           more < 0 ? NULL : "set the MTU of the interface and of its routes to "
		                             "the link's MTU",
		           more < 0 ? "%s answers %u-byte packets; cannot probe %u: %s"
		                    : "%s answers %u-byte packets, but %u-byte ones are sent "
		                      "too: the path MTU here is larger than %s's",
		           peer, mtu, mtu + 1, more < 0 ? strerror(-more) : ifn);
		return;
	}
	doctor_add(r, DOCTOR_OK, name, NULL,
	           "%s (%s) answers %u-byte don't-fragment packets; %u bytes are refused here", peer,
	           addr, mtu, mtu + 1);
}

/* Forwarding per role, rp_filter, multipath hashing,
 * ignore_routes_with_linkdown: the plan's kernel settings, as they are
 * (nl_read_state read them in the plan's order). */
static void
check_kernel(struct doctor_report *r, const struct ifplan *ifp, const struct live_state *live)
{
	struct strv bad = {0};
	char name[160];

	for (size_t i = 0; i < ifp->n_sysctls && i < live->n_sysctls; i++) {
		const struct sysctl_setting *s = &ifp->sysctls[i];
		const char *have = live->sysctls[i].value;

		ifplan_sysctl_name(s->path, name, sizeof(name));
		if (have[0] == '\0')
			strv_pushf(&bad, "%s is missing (want %s)", name, s->value);
		else if (strcmp(have, s->value) != 0)
			strv_pushf(&bad, "%s = %s (want %s)", name, have, s->value);
	}
	if (bad.n == 0)
		doctor_add(r, DOCTOR_OK, "kernel", NULL,
		           "forwarding, rp_filter, multipath hashing and linkdown routes as the "
		           "node's role wants (%zu settings)",
		           ifp->n_sysctls);
	for (size_t i = 0; i < bad.n; i++)
		doctor_add(r, DOCTOR_FAIL, "kernel",
		           "run proxmesh apply (the agent sets them), and look for what changed "
		           "them (sysctl.d files sorted after 90-proxmesh.conf)",
		           "%s", bad.v[i]);
	strv_free(&bad);
}

static void
check_ifupdown(struct doctor_report *r, const struct paths *paths)
{
	_cleanup_free_ char *warning = NULL;

	if (ifupdown_dir_missing(paths->ifupdown_file)) {
		doctor_add(r, DOCTOR_SKIP, "ifupdown2", NULL,
		           "no %s folder: this host does not use ifupdown2", "interfaces.d");
		return;
	}
	warning = ifupdown_check_sourced(paths->ifupdown_main, paths->ifupdown_file);
	if (warning)
		doctor_add(r, DOCTOR_WARN, "ifupdown2",
		           "add \"source /etc/network/interfaces.d/*\" to /etc/network/interfaces",
		           "%s", warning);
	else
		doctor_add(r, DOCTOR_OK, "ifupdown2", NULL, "%s sources %s", paths->ifupdown_main,
		           paths->ifupdown_file);
}

static void
check_frr_daemons(struct doctor_report *r, const struct paths *paths, const struct config *c)
{
	_cleanup_free_ char *path = xasprintf("%s/daemons", paths->frr_dir), *text = NULL;
	char names[32];
	unsigned missing;
	int e = read_file(path, PROXMOX_FILE_MAX, &text, NULL);

	if (e < 0) {
		doctor_add(r, DOCTOR_FAIL, "frr daemons", "install frr",
		           "cannot read %s: %s", path, file_strerror(e));
		return;
	}
	missing = frrdaemons_missing(text, frrdaemons_wanted(c));
	if (missing)
		doctor_add(r, DOCTOR_FAIL, "frr daemons",
		           "run proxmesh apply (or start the agent), which enables them",
		           "%s:%s not enabled", path, frrdaemons_names(missing, names));
	else
		doctor_add(r, DOCTOR_OK, "frr daemons", NULL, "%s: ospfd%s%s enabled", path,
		           c->ipv6 ? (c->bfd ? ", bfdd" : "") : (c->bfd ? " and bfdd" : ""),
		           c->ipv6 ? " and ospf6d" : "");
}

/* What `plan` would do: FRR, interfaces and the saved files in sync. */
static void
check_plan(struct doctor_report *r, const struct cli *cli, const struct config *c,
           const struct node_conf *n, char **frr_version)
{
	struct reconcile_ctx ctx = {.paths = &cli->paths};
	struct reconcile_result res;
	char *buf = NULL;
	size_t len = 0;
	int e;

	ctx.out = open_memstream(&buf, &len);
	if (ctx.out == NULL)
		abort();
	vtysh_init(&ctx.vtysh);
	e = reconcile_pass(&ctx, c, n, false, &res);
	fclose(ctx.out);
	if (e < 0)
		doctor_add(r, DOCTOR_FAIL, "plan", "see proxmesh plan and the agent's journal",
		           "%s", res.error ? res.error : strerror(-e));
	else if (res.state == RECONCILE_PENDING)
		doctor_add(r, DOCTOR_WARN, "plan",
		           "proxmesh plan shows them; the agent applies them (is it running? "
		           "systemctl status proxmesh)",
		           "%u FRR command%s and %u interface change%s pending%s", res.frr_commands,
		           res.frr_commands == 1 ? "" : "s", res.if_changes,
		           res.if_changes == 1 ? "" : "s",
		           res.frr_saved ? ", FRR's saved file differs" : "");
	else
		doctor_add(r, DOCTOR_OK, "plan", NULL,
		           "FRR %u.%u, interfaces and saved files as configured%s",
		           res.version.major, res.version.minor,
		           res.state == RECONCILE_CONFLICT ? " (but for the links SDN claims)" : "");
	if (res.version_text[0])
		*frr_version = xstrdup(res.version_text);
	free(buf);
	reconcile_result_free(&res);
	reconcile_ctx_free(&ctx);
}

/* GET path from the API through the helper (the token stays in it): the
 * answer's "data" (owned), or NULL and *err (owned) saying why. */
static json_t *
api_get(const struct api_conf *a, const char *helper, const char *path, char **err)
{
	const struct pveapi_opts opts = {.path = path};
	struct strv argv = {0};
	struct child_result res;
	json_t *doc = NULL, *data = NULL;
	int e;

	apiclient_argv(helper, a, &opts, &argv);
	e = child_run(helper, argv.v, false, API_BOUND_MS, &res);
	if (e == 0 && res.status == 0)
		doc = json_loads(res.out, 0, NULL);
	if (doc == NULL)
		*err = xasprintf("%s --path=%s failed: %s", helper, path,
		                 e < 0 ? strerror(-e) : res.err);
	else if (strcmp(json_string_value(json_object_get(doc, "state")) ?: "", "ok") != 0)
		*err = xstrdup(json_string_value(json_object_get(doc, "error")) ?: "no answer");
	else
		data = json_incref(json_object_get(doc, "data"));
	json_decref(doc);
	child_result_free(&res);
	strv_free(&argv);
	return data;
}

/* What the token may do: GET /access/permissions, judged by
 * doctor_privileges. */
static void
check_privileges(struct doctor_report *r, const struct api_conf *a, const char *helper)
{
	_cleanup_free_ char *err = NULL;
	json_t *data = api_get(a, helper, "/api2/json/access/permissions", &err);

	if (data == NULL)
		doctor_add(r, DOCTOR_WARN, "api privileges",
		           "check the token's role (pveum user token permissions USER ID)",
		           "cannot ask what the token may do: %s", err);
	else
		doctor_privileges(r, data, a->token_file);
	json_decref(data);
}

/* FRR's version on every mesh node: this host's from FRR, a Proxmox VE
 * member's from its package versions (GET /nodes/NODE/apt/versions, which
 * the API proxies to that node; PVEAuditor may), the others unknown. */
static void
check_frr_versions(struct doctor_report *r, const struct config *c, const struct node_conf *self,
                   const char *mine, const struct membership *m)
{
	char **versions = xcalloc(c->n_nodes, sizeof(*versions));
	char **why = xcalloc(c->n_nodes, sizeof(*why));
	const char *helper = apiclient_helper();

	for (size_t i = 0; i < c->n_nodes; i++) {
		const char *name = c->nodes[i].name;
		const struct member *mb;
		_cleanup_free_ char *path = NULL, *err = NULL;
		json_t *data;

		if (&c->nodes[i] == self) {
			versions[i] = mine ? xstrdup(mine) : NULL;
			why[i] = mine ? NULL : xstrdup("FRR does not answer");
			continue;
		}
		if (!c->api.enabled || m == NULL) {
			why[i] = xstrdup(c->api.enabled ? "the API does not answer" : "no [api]");
			continue;
		}
		if ((mb = membership_find(m, name)) == NULL) {
			why[i] = xstrdup("not a Proxmox VE cluster node");
			continue;
		}
		if (!mb->online) {
			why[i] = xstrdup("offline in the cluster");
			continue;
		}
		path = xasprintf("/api2/json/nodes/%s/apt/versions", name);
		data = api_get(&c->api, helper, path, &err);
		if (data == NULL)
			why[i] = xasprintf("the API: %s", err);
		else if ((versions[i] = doctor_frr_upstream(doctor_apt_frr(data))) == NULL)
			why[i] = xstrdup("its packages do not list frr-pythontools");
		json_decref(data);
	}
	doctor_frr_versions(r, c, self->name, versions, why);
	for (size_t i = 0; i < c->n_nodes; i++) {
		free(versions[i]);
		free(why[i]);
	}
	free(versions);
	free(why);
}

/* The API: one round per URL, each on its own (TLS verified with the pin
 * or CA, the token accepted). */
static void
check_api(struct doctor_report *r, const struct config *c, struct membership *m, bool *have)
{
	const struct api_conf *a = &c->api;
	const char *helper = apiclient_helper();
	unsigned answered = 0;

	if (!a->enabled) {
		doctor_add(r, DOCTOR_SKIP, "api", NULL, "no [api] section: membership not read");
		return;
	}
	/* the token file's owner and mode: config_load refused the file
	 * otherwise, and doctor with it */
	for (size_t i = 0; i < a->n_urls; i++) {
		_cleanup_free_ char *name = xasprintf("api %s", a->urls[i]);
		struct api_conf one = *a;
		struct strv argv = {0};
		struct child_result res;
		struct api_result ar = {0};
		int e;

		one.urls = &a->urls[i];
		one.n_urls = 1;
		apiclient_argv(helper, &one, NULL, &argv);
		e = child_run(helper, argv.v, false, API_BOUND_MS, &res);
		if (e == 0 && res.status == 0)
			e = api_result_undump(res.out, strlen(res.out), &ar);
		else if (e == 0)
			e = -EIO;
		if (e < 0)
			doctor_add(r, DOCTOR_FAIL, name, "reinstall proxmesh (its API helper failed)",
			           "%s failed: %s", helper, e == -EIO ? res.err : strerror(-e));
		else if (ar.state == API_OK && answered++ == 0) {
			membership_copy(m, &ar.membership);
			*have = true;
		}
		if (e == 0 && ar.state == API_OK)
			doctor_add(r, DOCTOR_OK, name, NULL,
			           "TLS verified, token accepted, %zu cluster node%s", ar.membership.n,
			           ar.membership.n == 1 ? "" : "s");
		else if (e == 0 && ar.state == API_UNREACHABLE)
			/* the agent fails over to the next URL: a failure only when
			 * none answers (below) */
			doctor_add(r, DOCTOR_WARN, name,
			           "remove the URL from [api] if it cannot answer from this host",
			           "%s", ar.error ? ar.error : "does not answer");
		else if (e == 0)
			doctor_add(r, DOCTOR_FAIL, name,
			           ar.state == API_TLS_ERROR
			               ? "give [api] the CA that signed this node's certificate "
			                 "(ca-file) or its fingerprint (pvenode cert info)"
			               : "check the token (pveum user token list) and its "
			                 "PVEAuditor role on /",
			           "%s", ar.error ? ar.error : api_state_str(ar.state));
		api_result_free(&ar);
		child_result_free(&res);
		strv_free(&argv);
	}
	if (a->n_urls && answered == 0)
		doctor_add(r, DOCTOR_FAIL, "api", "see the lines above",
		           "no URL of [api] answers: the agent has no cluster membership");
	else if (a->n_urls)
		check_privileges(r, a, helper);
}

/* A Proxmox file, or NULL with a skip line when it does not exist. */
static char *
read_proxmox(struct doctor_report *r, const char *name, const char *path, const char *absent)
{
	char *text = NULL;
	int e = read_file(path, PROXMOX_FILE_MAX, &text, NULL);

	if (e == -ENOENT || e == -ENOTDIR)
		doctor_add(r, DOCTOR_SKIP, name, NULL, "no %s: %s", path, absent);
	else if (e < 0)
		doctor_add(r, DOCTOR_WARN, name, "make it readable by root",
		           "cannot read %s: %s", path, file_strerror(e));
	return e < 0 ? NULL : text;
}

static void
check_proxmox_files(struct doctor_report *r, const struct paths *paths, const struct config *c)
{
	_cleanup_free_ char *coro = NULL, *ceph = NULL, *dc = NULL;
	struct corosync_conf cc = {0};
	struct strv members = {0};
	unsigned line = 0;

	coro = read_proxmox(r, "corosync", paths->corosync_conf, "not a Proxmox VE cluster node");
	if (coro && corosync_conf_parse(coro, &cc, &line) < 0)
		doctor_add(r, DOCTOR_WARN, "corosync", "correct the file (pvecm status shows it)",
		           "%s:%u: cannot read this line", paths->corosync_conf, line);
	else if (coro)
		doctor_corosync(r, c, &cc, paths->corosync_conf);
	for (size_t i = 0; i < cc.n_addrs; i++)
		if (!strv_contains(&members, cc.addrs[i].node))
			strv_push_dup(&members, cc.addrs[i].node);
	corosync_conf_free(&cc);

	ceph = read_proxmox(r, "ceph", paths->ceph_conf, "no Ceph on this host");
	if (ceph) {
		struct ceph_conf ce = {0};

		if (ceph_conf_parse(ceph, &ce, &line) < 0)
			doctor_add(r, DOCTOR_WARN, "ceph", "correct the file",
			           "%s:%u: cannot read this line", paths->ceph_conf, line);
		else
			doctor_ceph(r, c, &ce, &members, paths->ceph_conf);
		ceph_conf_free(&ce);
	}
	strv_free(&members);

	dc = read_proxmox(r, "migration", paths->datacenter_cfg, "not a Proxmox VE node");
	if (dc) {
		char net[PVEFILES_ADDR_MAX + 1];

		if (datacenter_migration_network(dc, net, &line) < 0)
			doctor_add(r, DOCTOR_WARN, "migration", "correct the migration line",
			           "%s:%u: cannot read the migration network", paths->datacenter_cfg,
			           line);
		else
			doctor_migration(r, c, net, paths->datacenter_cfg, line);
	}
}

static void
check_sdn(struct doctor_report *r, const struct paths *paths, const struct config *c,
          const struct node_conf *n)
{
	struct sdn_conflicts sdn;
	int e = reconcile_sdn_read(paths, n, &sdn);

	if (e < 0)
		doctor_add(r, DOCTOR_FAIL, "proxmox sdn", "make it readable by root",
		           "cannot read %s: %s", paths->sdn_fabrics, file_strerror(e));
	else
		doctor_sdn(r, &sdn, paths->sdn_fabrics, c->path);
	sdnfabric_free(&sdn);
}

int
doctor_command(struct cli *cli)
{
	_cleanup_free_ struct link_plan *links = NULL;
	_cleanup_free_ char *err = NULL, *out = NULL, *nlerr = NULL, *frr_version = NULL;
	struct membership m = {0};
	bool have_members = false;
	struct doctor_report r = {0};
	struct live_state live = {0};
	const struct node_conf *n;
	struct config *c;
	struct ifplan ifp;
	int code;

	if (cli_load(cli, &c, &n) < 0)
		return 2;
	if (addrplan_node(c, n, &links, &err) < 0) {
		fprintf(stderr, "proxmesh: %s\n", err);
		config_free(c);
		return 2;
	}
	ifplan_build(c, n, links, &ifp);

	/* the links' interfaces and the plan's kernel settings, in one read */
	if (nl_read_state(&ifp, NULL, &live, &nlerr) < 0) {
		doctor_add(&r, DOCTOR_FAIL, "kernel", "see proxmesh plan",
		           "cannot read the interfaces: %s", nlerr ? nlerr : "netlink failed");
	} else {
		for (size_t i = 0; i < n->n_links; i++)
			check_mtu(&r, c, &links[i], &live);
		check_kernel(&r, &ifp, &live);
	}
	live_state_free(&live);
	check_ifupdown(&r, &cli->paths);
	check_frr_daemons(&r, &cli->paths, c);
	check_plan(&r, cli, c, n, &frr_version);
	check_api(&r, c, &m, &have_members);
	check_frr_versions(&r, c, n, frr_version, have_members ? &m : NULL);
	membership_free(&m);
	check_proxmox_files(&r, &cli->paths, c);
	check_sdn(&r, &cli->paths, c, n);

	out = cli->json ? doctor_json(&r) : doctor_text(&r);
	fputs(out, stdout);
	if (cli->json)
		putchar('\n');
	code = doctor_exit_code(&r);
	doctor_free(&r);
	ifplan_free(&ifp);
	config_free(c);
	return code;
}
