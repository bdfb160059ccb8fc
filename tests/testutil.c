/* testutil.c - helpers shared by the unit tests */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#include "render.h"
#include "vtyroute.h"

const char tu_reference_mesh[] = "[mesh]\n"
                                 "prefix = 192.168.103.0/24\n"
                                 "[node pve-1]\n"
                                 "id = 1\n"
                                 "router-id = 192.168.102.1\n"
                                 "link = pve-2 nic3 cost 200\n"
                                 "link = pbs nic4 cost 10\n"
                                 "[node pve-2]\n"
                                 "id = 2\n"
                                 "router-id = 192.168.102.2\n"
                                 "link = pve-1 nic3 cost 200\n"
                                 "link = pbs nic4 cost 10\n"
                                 "[node pbs]\n"
                                 "id = 3\n"
                                 "router-id = 192.168.102.3\n"
                                 "role = endpoint\n"
                                 "external = yes\n"
                                 "loopback = 192.168.103.254/32\n"
                                 "link = pve-1 nic3\n"
                                 "link = pve-2 nic4\n";

char tu_tmpdir[64];

char *
tu_read_data_len(const char *name, size_t *len)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", TEST_DATA, name);
	char *text = NULL;
	int r = read_file(path, 4 << 20, &text, len);

	ck_assert_msg(r == 0, "%s: %s", path, strerror(-r));
	return text;
}

char *
tu_read_data(const char *name)
{
	return tu_read_data_len(name, NULL);
}

char *
tu_read_frr(const char *version, const char *file)
{
	_cleanup_free_ char *name = xasprintf("frr-%s/%s", version, file);

	return tu_read_data(name);
}

char *
tu_replace(char *s, const char *from, const char *to)
{
	char *p = strstr(s, from), *r;

	ck_assert_msg(p != NULL, "\"%s\" not found", from);
	r = xasprintf("%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
	free(s);
	return r;
}

char *
tu_replace_all(char *s, const char *from, const char *to)
{
	char *p;
	size_t off = 0;

	ck_assert_msg(strstr(s, from) != NULL, "\"%s\" not found", from);
	while ((p = strstr(s + off, from)) != NULL) {
		char *r = xasprintf("%.*s%s%s", (int)(p - s), s, to, p + strlen(from));

		off = (size_t)(p - s) + strlen(to);
		free(s);
		s = r;
	}
	return s;
}

char *
tu_edit(const char *text, const char *const *edits)
{
	char *s = xstrdup(text);

	for (size_t i = 0; edits && edits[i]; i += 2)
		s = tu_replace_all(s, edits[i], edits[i + 1]);
	return s;
}

struct config *
tu_parse(const char *text)
{
	_cleanup_free_ char *err = NULL;
	struct config *c = NULL;
	int r = config_parse_string(text, "test.conf", true, &c, &err);

	ck_assert_msg(r == 0, "config: %s", err ? err : "?");
	ck_assert_ptr_nonnull(c);
	return c;
}

struct config *
tu_parse_data(const char *name)
{
	_cleanup_free_ char *text = tu_read_data(name);

	return tu_parse(text);
}

struct link_plan *
tu_link_plans(const struct config *c, const char *name, const struct node_conf **node)
{
	const struct node_conf *n = config_find_node(c, name);
	_cleanup_free_ char *err = NULL;
	struct link_plan *lp = NULL;
	int r;

	ck_assert_msg(n != NULL, "no node %s", name);
	r = addrplan_node(c, n, &lp, &err);
	ck_assert_msg(r == 0, "addrplan: %s", err ? err : "?");
	if (node)
		*node = n;
	return lp;
}

const char *
tu_ip(struct in_addr a)
{
	static char buf[4][16];
	static int i;

	i = (i + 1) % 4;
	return ip4_str(a, buf[i]);
}

const char *
tu_prefix_str(const struct prefix4 *p)
{
	static char buf[4][19];
	static int i;

	i = (i + 1) % 4;
	return prefix4_str(p, buf[i]);
}

struct prefix4
tu_prefix(const char *addr, unsigned len)
{
	struct prefix4 p = {.len = (uint8_t)len};

	ck_assert_int_eq(inet_pton(AF_INET, addr, &p.addr), 1);
	return p;
}

void
tu_tmpdir_setup(void)
{
	snprintf(tu_tmpdir, sizeof(tu_tmpdir), "/tmp/proxmesh-check.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tu_tmpdir));
}

void
tu_tmpdir_teardown(void)
{
	tu_remove_dir(tu_tmpdir);
}

void
tu_remove_dir(const char *dir)
{
	DIR *d;
	struct dirent *de;

	if (dir[0] == '\0' || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			_cleanup_free_ char *p = xasprintf("%s/%s", dir, de->d_name);

			unlink(p);
		}
	}
	closedir(d);
	rmdir(dir);
}

int
tu_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

void
tu_node_open(struct tu_node *f, const char *conf, const char *name)
{
	memset(f, 0, sizeof(*f));
	f->config = tu_parse(conf);
	f->plans = tu_link_plans(f->config, name, &f->node);
	for (size_t i = 0; i < f->node->n_links && i < ARRAY_SIZE(f->kernel); i++) {
		struct kernel_link *k = &f->kernel[f->n_kernel++];

		snprintf(k->ifname, sizeof(k->ifname), "%s", f->node->links[i].ifname);
		k->exists = k->up = k->carrier = true;
		k->mtu = 1500;
	}
}

struct kernel_link *
tu_node_kernel(struct tu_node *f, const char *ifname)
{
	for (size_t i = 0; i < f->n_kernel; i++)
		if (strcmp(f->kernel[i].ifname, ifname) == 0)
			return &f->kernel[i];
	ck_abort_msg("no kernel link %s", ifname);
	return NULL;
}

void
tu_node_close(struct tu_node *f)
{
	free(f->plans);
	config_free(f->config);
	memset(f, 0, sizeof(*f));
}

char *
tu_frr_file(const char *version, const char *host, const char *scenario, const char *what)
{
	static const struct {
		const char *what, *converged, *fault;
	} names[] = {
	    {"neighbors", "ip-ospf-neighbor-json", "ospf-neighbor-json"},
	    {"interfaces", "ip-ospf-interface-json", "ospf-interface-json"},
	    {"routes", "ip-route-ospf-json", "ip-route-ospf-json"},
	    {"bfd", "bfd-peers-json", "bfd-peers-json"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char path[256];

		if (strcmp(names[i].what, what) != 0)
			continue;
		if (strcmp(scenario, "converged") != 0) {
			snprintf(path, sizeof(path), TEST_DATA "/frr-%s/%s.%s.%s.txt", version,
			         host, scenario, names[i].fault);
			if (access(path, R_OK) == 0) {
				snprintf(path, sizeof(path), "%s.%s.%s.txt", host, scenario,
				         names[i].fault);
				return tu_read_frr(version, path);
			}
		}
		snprintf(path, sizeof(path), "%s.%s.txt", host, names[i].converged);
		return tu_read_frr(version, path);
	}
	ck_abort_msg("unknown FRR output %s", what);
	return NULL;
}

void
tu_frr_load(const char *version, const char *host, const char *scenario, struct frr_state *st)
{
	static const char *const what[] = {"neighbors", "interfaces", "routes", "bfd"};
	char *docs[4];

	for (size_t i = 0; i < 4; i++)
		docs[i] = tu_frr_file(version, host, scenario, what[i]);
	frr_state_parse((const char *const *)docs, st);
	for (size_t i = 0; i < 4; i++)
		free(docs[i]);
	ck_assert(st->have_neighbors && st->have_interfaces && st->have_routes && st->have_bfd);
}

struct status_info
tu_status_info(const struct health *h)
{
	return (struct status_info){
	    .node = "pve-1",
	    .now_real_ms = TU_NOW_REAL,
	    .now_mono_ms = TU_NOW_MONO,
	    .health = h,
	    .frr_running = true,
	    .frr_version = "10.3",
	    .reconcile_state = "converged",
	    .reconcile_last_run_ms = TU_NOW_REAL - 30000,
	    .reconcile_last_change_ms = TU_NOW_REAL - 3600000,
	    .api_state = "ok",
	    .api_url = "https://localhost:8006",
	    .api_last_ok_ms = TU_NOW_REAL - 10000,
	    .api_quorate = TRI_YES,
	    .version = "0.1.0",
	    .reconcile_failures = 3,
	    .reconcile_last_ok_ms = TU_NOW_REAL - 30000,
	    .reconcile_duration_ms = 12,
	    .membership_nodes = 2,
	};
}

/* The health of node f with FRR's state st at now_mono, that state seen
 * 20 s before; frees f and st. */
static void
seen_health(struct tu_node *f, struct frr_state *st, long long now_mono, struct health *h)
{
	struct health first;
	struct health_events ev = {0};
	struct health_input in = {.config = f->config,
	                          .node = f->node,
	                          .plans = f->plans,
	                          .kernel = f->kernel,
	                          .n_kernel = f->n_kernel,
	                          .frr = st,
	                          .now_ms = now_mono - 20000};

	health_evaluate(&in, NULL, &first, &ev);
	in.now_ms = now_mono;
	health_evaluate(&in, &first, h, &ev);
	health_free(&first);
	health_events_free(&ev);
	frr_state_free(st);
	tu_node_close(f);
}

void
tu_cut_health(const char *version, long long now_mono, struct health *h)
{
	struct tu_node f;
	struct frr_state st;

	tu_node_open(&f, tu_reference_mesh, "pve-1");
	tu_frr_load(version, "pve-1", "cut", &st);
	seen_health(&f, &st, now_mono, h);
}

char *
tu_dual_mesh(void)
{
	static const char *const edits[] = {"prefix = 192.168.103.0/24\n",
	                                    "prefix = 192.168.103.0/24\nipv6 = yes\n"
	                                    "prefix6 = fd0c:103::/56\n",
	                                    "router-id = 192.168.102.1\n",
	                                    "router-id = 192.168.102.1\n"
	                                    "loopback6 = fd0c:103:ff::1/128\n",
	                                    "router-id = 192.168.102.2\n",
	                                    "router-id = 192.168.102.2\n"
	                                    "loopback6 = fd0c:103:ff::2/128\n",
	                                    "loopback = 192.168.103.254/32\n",
	                                    "loopback = 192.168.103.254/32\n"
	                                    "loopback6 = fd0c:103:ff::fe/128\n",
	                                    NULL};

	return tu_edit(tu_reference_mesh, edits);
}

void
tu_dual_health(bool cut, long long now_mono, struct health *h)
{
	const char *s = cut ? "cut." : "";
	_cleanup_free_ char *nb6 = NULL, *rt6 = NULL, *bfd = NULL, *name = NULL;
	struct tu_node f;
	struct frr_state st;

	_cleanup_free_ char *dual = tu_dual_mesh();

	tu_node_open(&f, dual, "pve-1");
	tu_frr_load("8.4", "pve-1", "converged", &st);
	name = xasprintf("frr-ipv6-lab/frr-8.4/pve-1.%sipv6-ospf6-neighbor-json.txt", s);
	nb6 = tu_read_data(name);
	free(name);
	name = xasprintf("frr-ipv6-lab/frr-8.4/pve-1.%sipv6-route-ospf6-json.txt", s);
	rt6 = tu_read_data(name);
	free(name);
	name = xasprintf("frr-ipv6-lab/frr-8.4/pve-1.%sbfd-peers-json.txt", s);
	bfd = tu_read_data(name);
	/* both families' BFD from the dual-stack recording */
	free(st.bfd_peers);
	free(st.bfd_peers6);
	ck_assert_int_eq(frrjson_parse_bfd_peers(bfd, &st.bfd_peers, &st.n_bfd_peers), 0);
	ck_assert_int_eq(frrjson_parse_bfd_peers6(bfd, &st.bfd_peers6, &st.n_bfd_peers6), 0);
	ck_assert_int_eq(frrjson_parse_neighbors6(nb6, &st.neighbors6, &st.n_neighbors6), 0);
	ck_assert_int_eq(frrjson_parse_routes6(rt6, &st.routes6, &st.n_routes6), 0);
	st.have_neighbors6 = st.have_routes6 = true;
	seen_health(&f, &st, now_mono, h);
}

void
tu_node_desired(const struct config *c, const char *node, struct frrconf *out,
                struct strv *ifnames)
{
	const struct node_conf *n;
	struct link_plan *lp = tu_link_plans(c, node, &n);

	render_frr(c, n, lp, (struct frr_version){8, 4}, RENDER_AREA_INTERFACE, out);
	*ifnames = (struct strv){0};
	strv_push_dup(ifnames, "lo");
	for (size_t i = 0; i < n->n_links; i++)
		strv_push_dup(ifnames, n->links[i].ifname);
	free(lp);
}

/* Is cmd one of the '\n'-separated commands of list? */
static bool
fake_vty_listed(const char *list, const char *cmd)
{
	size_t n = strlen(cmd);

	for (const char *p = list; p && *p;) {
		const char *e = strchrnul(p, '\n');

		if ((size_t)(e - p) == n && !strncmp(p, cmd, n))
			return true;
		p = *e ? e + 1 : e;
	}
	return false;
}

/* The fake daemon's side: one session, every command logged and answered.
 * It keeps its node as FRR does: an accepted block header enters one, an
 * "exit" leaves it, "end" returns to the top, and a refused command leaves
 * the node as it was. */
static void
fake_vty_serve(int lfd, const char *log_path, const char *nodes_path, const char *refuse)
{
	static const char ok[4] = {0, 0, 0, 0}, no[4] = {0, 0, 0, 2};
	char cmd[256], node[4][256];
	unsigned depth = 0;
	bool configuring = false;
	FILE *log = fopen(log_path, "w"), *nodes = fopen(nodes_path, "w");
	int fd;

	alarm(20); /* never outlive a test that failed before connecting */
	fd = accept(lfd, NULL, NULL);
	if (fd < 0 || log == NULL || nodes == NULL)
		_exit(10);
	for (;;) {
		size_t n = 0;
		ssize_t r;

		while ((r = read(fd, cmd + n, 1)) == 1 && cmd[n] != '\0' && n < 255)
			n++;
		if (r <= 0)
			break;
		cmd[n] = '\0';
		fprintf(log, "%s\n", cmd);
		fflush(log);
		if (fake_vty_listed(refuse, cmd)) {
			if (dprintf(fd, "%% Unknown command: %s\n", cmd) < 0 ||
			    write(fd, no, sizeof(no)) != sizeof(no))
				_exit(13);
			continue;
		}
		if (write(fd, ok, sizeof(ok)) != sizeof(ok))
			_exit(13);
		if (!strcmp(cmd, "configure terminal")) {
			configuring = true;
		} else if (!strcmp(cmd, "end")) {
			configuring = false;
			depth = 0;
		} else if (!strcmp(cmd, "exit")) {
			depth -= depth > 0;
		} else if (configuring && depth < 4 && vtyroute_opens_block(cmd, depth)) {
			snprintf(node[depth++], sizeof(node[0]), "%s", cmd);
		} else if (configuring) {
			for (unsigned d = 0; d < depth; d++)
				fprintf(nodes, "%s > ", node[d]);
			fprintf(nodes, "%s\n", cmd);
			fflush(nodes);
		}
	}
	fclose(log);
	fclose(nodes);
	_exit(0);
}

pid_t
tu_vty_fork(const char *dir, const char *daemon, int *lfd)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	pid_t pid;

	*lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(*lfd, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s.vty", dir, daemon);
	unlink(sa.sun_path);
	ck_assert_int_eq(bind(*lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(*lfd, 1), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid > 0) {
		close(*lfd);
		*lfd = -1;
	}
	return pid;
}

void
tu_vty_read_command(int fd, char cmd[static 256])
{
	size_t n = 0;

	while (n < 256) {
		ssize_t r = read(fd, cmd + n, 1);

		if (r <= 0)
			_exit(11);
		if (cmd[n++] == '\0')
			return;
	}
	_exit(11);
}

void
tu_vty_kill(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		waitpid(*pid, NULL, 0);
	}
	*pid = -1;
}

pid_t
tu_fake_vty(const char *dir, const char *daemon, const char *refuse)
{
	char log_path[256], nodes_path[256]; /* nothing on the heap: the child _exits */
	int lfd;
	pid_t pid;

	snprintf(log_path, sizeof(log_path), "%s/%s.got", dir, daemon);
	snprintf(nodes_path, sizeof(nodes_path), "%s/%s.nodes", dir, daemon);
	pid = tu_vty_fork(dir, daemon, &lfd);
	if (pid == 0)
		fake_vty_serve(lfd, log_path, nodes_path, refuse);
	return pid;
}

char *
tu_fake_vty_got(pid_t pid, const char *dir, const char *daemon)
{
	_cleanup_free_ char *log_path = xasprintf("%s/%s.got", dir, daemon);
	char *got = NULL;
	int st;

	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fake %s failed", daemon);
	ck_assert_int_eq(read_file(log_path, 65536, &got, NULL), 0);
	return got;
}

char *
tu_fake_vty_nodes(const char *dir, const char *daemon)
{
	_cleanup_free_ char *path = xasprintf("%s/%s.nodes", dir, daemon);
	char *got = NULL;

	ck_assert_int_eq(read_file(path, 65536, &got, NULL), 0);
	return got;
}
