/* doctorcheck.h - `proxmesh doctor`: verdicts on a host against the mesh, their
 * output, and the checks that need no I/O (pure; DESIGN §13) */
#pragma once

#include <netinet/in.h>
#include <stddef.h>

#include "config.h"
#include "pvefiles.h"
#include "sdnfabric.h"
#include "util.h"

enum doctor_verdict { DOCTOR_OK, DOCTOR_SKIP, DOCTOR_WARN, DOCTOR_FAIL };

/* One line of the report. */
struct doctor_check {
	enum doctor_verdict verdict;
	char *name;   /* "mtu nic4", "corosync", ... */
	char *detail; /* what was found, or why it was skipped */
	char *remedy; /* warn and fail: one sentence saying what to change */
};

struct doctor_report {
	struct doctor_check *v;
	size_t n;
};

/* Add a line; remedy may be NULL (it must not be for a warn or fail). */
void doctor_add(struct doctor_report *r, enum doctor_verdict v, const char *name,
                const char *remedy, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* 0 all ok (or skipped), 1 a warning, 2 a failure. */
int doctor_exit_code(const struct doctor_report *r);
/* One line per check ("ok    name  detail"), each remedy on the line after
 * its warn or fail, and a summary line (owned). */
char *doctor_text(const struct doctor_report *r);
/* {"checks":[{"check","verdict","detail","remedy"}...],"exit":N} (owned). */
char *doctor_json(const struct doctor_report *r);
void doctor_free(struct doctor_report *r);

/* What an address is in the mesh of c. */
enum mesh_addr_kind { MESH_ADDR_NONE, MESH_ADDR_LOOPBACK, MESH_ADDR_LINK };
struct mesh_addr {
	enum mesh_addr_kind kind;
	const struct node_conf *node; /* whose address it is */
	const struct link_conf *link; /* MESH_ADDR_LINK: that node's link */
};
struct mesh_addr doctor_mesh_addr(const struct config *c, struct in_addr a);

/* corosync.conf (at path): a node's link on a mesh link address (it dies
 * with that cable), a node whose every link is the mesh (one fault takes
 * quorum), else which links use the mesh loopbacks. */
void doctor_corosync(struct doctor_report *r, const struct config *c,
                     const struct corosync_conf *cc, const char *path);
/* ceph.conf (at path): public and cluster network cover the loopbacks of
 * the mesh nodes in members (the cluster's node names; NULL or empty:
 * every transit node), every monitor on a mesh loopback. */
void doctor_ceph(struct doctor_report *r, const struct config *c, const struct ceph_conf *cc,
                 const struct strv *members, const char *path);
/* datacenter.cfg's migration network (net, "" when unset, at path:line):
 * informational. */
void doctor_migration(struct doctor_report *r, const struct config *c, const char *net,
                      const char *path, unsigned line);
/* What the API token may do: data is GET /access/permissions' "data"
 * ({PATH: {PRIVILEGE: 1, ...}, ...}). Sys.Audit on / is what the agent
 * needs (a failure without it); any privilege that is not an Audit one is
 * more than it needs (a warning naming the first ones). */
struct json_t;
void doctor_privileges(struct doctor_report *r, struct json_t *data, const char *token_file);

/* Proxmox SDN fabrics claiming links of this host. */
void doctor_sdn(struct doctor_report *r, const struct sdn_conflicts *sdn, const char *fabrics_path,
                const char *config_path);

/* The oldest FRR proxmesh supports (DESIGN §5: 8.4, Debian 12). */
#define DOCTOR_FRR_OLDEST_MAJOR 8
#define DOCTOR_FRR_OLDEST_MINOR 4

/* FRR's version from a Debian package version: "1:10.2.2-1+pve1" →
 * "10.2.2" (owned); NULL when it is not one. */
char *doctor_frr_upstream(const char *pkgver);
/* GET /nodes/NODE/apt/versions' "data": the installed version of
 * frr-pythontools (the one of FRR's packages Proxmox lists; same source,
 * same version as frr), or NULL when not installed or not listed. */
const char *doctor_apt_frr(struct json_t *data);
/* FRR's version on each mesh node: versions[i] for c->nodes[i] (FRR's own
 * form, "10.3"), NULL when unknown, and why[i] then says why. A warning
 * names the nodes older than proxmesh supports; else one line lists all. */
void doctor_frr_versions(struct doctor_report *r, const struct config *c, const char *self,
                         char *const *versions, char *const *why);
