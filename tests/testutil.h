/* testutil.h - helpers shared by the unit tests (tests/check_*.c) */
#pragma once

#include <check.h>
#include <netinet/in.h>
#include <stddef.h>
#include <sys/types.h>

#include "addrplan.h"
#include "config.h"
#include "frrconf.h"
#include "frrjson.h"
#include "health.h"
#include "status.h"
#include "util.h"

/* The reference mesh of DESIGN §1: pve-1 nic3 - pve-2 nic3 (cost 200),
 * pve-1 nic4 - pbs nic3, pve-2 nic4 - pbs nic4 (cost 10); the PBS an
 * external endpoint with a loopback. */
extern const char tu_reference_mesh[];

/* A file under tests/data ("config/five.conf"); fails the test if unreadable. */
char *tu_read_data(const char *name);
/* tu_read_data, with the length in *len. */
char *tu_read_data_len(const char *name, size_t *len);
/* A recorded FRR output, tests/data/frr-<version>/<file>. */
char *tu_read_frr(const char *version, const char *file);

/* s (owned) with the first from replaced by to; from must occur. */
char *tu_replace(char *s, const char *from, const char *to);
/* s (owned) with every from replaced by to; from must occur. */
char *tu_replace_all(char *s, const char *from, const char *to);
/* A copy of text with edits (pairs from, to; NULL-terminated) replaced all over. */
char *tu_edit(const char *text, const char *const *edits);

/* The configuration parsed from text; fails the test on an error. */
struct config *tu_parse(const char *text);
/* The configuration parsed from a file under tests/data. */
struct config *tu_parse_data(const char *name);
/* The link plans (owned) of node name of c, the node in *node if not NULL. */
struct link_plan *tu_link_plans(const struct config *c, const char *name,
                                const struct node_conf **node);

/* A listening DIR/DAEMON.vty and a forked process for a fake daemon:
 * returns 0 in the child, with *lfd the socket, and the child's pid in the
 * test (the socket closed there). */
pid_t tu_vty_fork(const char *dir, const char *daemon, int *lfd);
/* In a fake daemon: one command line from the client, NUL included; the
 * fake daemon _exits (11) on EOF or a line longer than 255 bytes. */
void tu_vty_read_command(int fd, char cmd[static 256]);
/* Kill a fake daemon still running (*pid > 0) and reap it; *pid = -1. */
void tu_vty_kill(pid_t *pid);
/* A fake FRR daemon for one configuration session: listens on
 * DIR/DAEMON.vty, answers every command with success, except those of
 * `refuse` (NULL, or commands separated by '\n': return code 2, "% Unknown
 * command: …" as FRR does), writes each command it got to DIR/DAEMON.got,
 * one per line, and each setting it accepted to DIR/DAEMON.nodes with the
 * node it landed in ("interface nic3 > ip ospf cost 10"), keeping its node
 * as FRR does (a refused command leaves it as it was). Returns its pid. Start
 * it before the test allocates: the child ends with _exit, and valgrind
 * counts what it inherited and cannot reach any more as lost. */
pid_t tu_fake_vty(const char *dir, const char *daemon, const char *refuse);
/* Wait for that daemon to end (the session closed) and return what it got. */
char *tu_fake_vty_got(pid_t pid, const char *dir, const char *daemon);
/* After tu_fake_vty_got: the settings that daemon accepted, with their node. */
char *tu_fake_vty_nodes(const char *dir, const char *daemon);

/* What proxmesh wants in FRR on node (FRR 8.4's form), and the interfaces
 * whose ip ospf lines it owns (lo and the links), as a pass has them. */
void tu_node_desired(const struct config *c, const char *node, struct frrconf *out,
                     struct strv *ifnames);

/* Dotted form of a, in one of four rotating buffers. */
const char *tu_ip(struct in_addr a);
/* A.B.C.D/LEN form of p, in one of four rotating buffers. */
const char *tu_prefix_str(const struct prefix4 *p);
/* The prefix addr/len; fails the test if addr is not an address. */
struct prefix4 tu_prefix(const char *addr, unsigned len);

/* The directory made by tu_tmpdir_setup, a checked fixture with tu_tmpdir_teardown. */
extern char tu_tmpdir[64];
/* Make a fresh tu_tmpdir. */
void tu_tmpdir_setup(void);
/* Remove tu_tmpdir and the files in it. */
void tu_tmpdir_teardown(void);
/* Remove the files in dir (not recursively), then dir. */
void tu_remove_dir(const char *dir);

/* Run suite s; the exit status for main. */
int tu_run(Suite *s);

/* One node of a parsed configuration with its link plans, and its kernel
 * links (every link interface present, up, with carrier, MTU 1500). */
struct tu_node {
	struct config *config;
	const struct node_conf *node;
	struct link_plan *plans;
	struct kernel_link kernel[8];
	size_t n_kernel;
};

/* Parse conf and plan node name into f. */
void tu_node_open(struct tu_node *f, const char *conf, const char *name);
/* The kernel link ifname of f; fails the test if there is none. */
struct kernel_link *tu_node_kernel(struct tu_node *f, const char *ifname);
/* Free what tu_node_open made. */
void tu_node_close(struct tu_node *f);

/* The recorded FRR output what ("neighbors", "interfaces", "routes", "bfd")
 * of host in a scenario ("converged", "cut", "mtu-mismatch",
 * "hello-mismatch"), or the converged one if the scenario did not record it. */
char *tu_frr_file(const char *version, const char *host, const char *scenario, const char *what);
/* All four recorded outputs of host in a scenario, parsed into st. */
void tu_frr_load(const char *version, const char *host, const char *scenario, struct frr_state *st);
/* The time of the status and metrics tests: 2026-11-26T10:00:00Z, and a
 * monotonic clock 500 s after boot. */
#define TU_NOW_REAL 1795687200000LL
#define TU_NOW_MONO 500000LL
/* What pve-1's daemon knows besides the health h at TU_NOW_REAL: FRR 10.3
 * running, converged 30 s ago (last change an hour ago, 3 failures since
 * the start, the last pass 12 ms), the API answered 10 s ago, quorate, 2
 * members, proxmesh 0.1.0. */
struct status_info tu_status_info(const struct health *h);
/* The health of pve-1 after the silent cut of nic4 on FRR version,
 * evaluated at now_mono (ms), the cut seen 20 s before. */
void tu_cut_health(const char *version, long long now_mono, struct health *h);
/* tu_reference_mesh dual-stack as the IPv6 lab runs it: ipv6 = yes,
 * prefix6 fd0c:103::/56, loopback6 fd0c:103:ff::1, ::2, ::fe (owned). */
char *tu_dual_mesh(void);
/* The health of pve-1 in tu_dual_mesh on FRR 8.4 (data/frr-ipv6-lab):
 * converged, or with cut its OSPFv3 lost on nic4 while OSPF stays Full;
 * evaluated at now_mono (ms), the state seen 20 s before. */
void tu_dual_health(bool cut, long long now_mono, struct health *h);
