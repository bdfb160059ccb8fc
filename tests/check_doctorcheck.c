/* check_doctorcheck.c - `proxmesh doctor`'s verdicts on Proxmox's files */
#include <arpa/inet.h>
#include <check.h>
#include <stdarg.h>
#include <stdbool.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "doctorcheck.h"
#include "testutil.h"

/* The lab's mesh with pve-3 (id 4) cabled to pve-1 and pve-2, as the
 * fixtures in tests/data/proxmox assume; every PVE host has a loopback. */
static const char mesh[] = "[mesh]\n"
                           "prefix = 192.168.103.0/24\n"
                           "[node pve-1]\n"
                           "id = 1\n"
                           "loopback = 192.168.102.1/32\n"
                           "link = pve-2 nic3\n"
                           "link = pbs nic4\n"
                           "link = pve-3 nic5\n"
                           "[node pve-2]\n"
                           "id = 2\n"
                           "loopback = 192.168.102.2/32\n"
                           "link = pve-1 nic3\n"
                           "link = pbs nic4\n"
                           "link = pve-3 nic5\n"
                           "[node pbs]\n"
                           "id = 3\n"
                           "role = endpoint\n"
                           "loopback = 192.168.103.254/32\n"
                           "link = pve-1 nic3\n"
                           "link = pve-2 nic4\n"
                           "[node pve-3]\n"
                           "id = 4\n"
                           "loopback = 192.168.102.4/32\n"
                           "link = pve-1 nic3\n"
                           "link = pve-2 nic4\n";

static struct config *
load(void)
{
	struct config *c = NULL;
	char *err = NULL;

	if (config_parse_string(mesh, "proxmesh.conf", true, &c, &err) < 0)
		ck_abort_msg("%s", err);
	return c;
}

static char *
fixture(const char *name)
{
	_cleanup_free_ char *path = xasprintf("proxmox/%s", name);

	return tu_read_data(path);
}

static unsigned
count(const struct doctor_report *r, enum doctor_verdict v, const char *name)
{
	unsigned n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += r->v[i].verdict == v && !strcmp(r->v[i].name, name);
	return n;
}

/* Some line of r holds every one of the NULL-terminated strings. */
static bool
said(const struct doctor_report *r, enum doctor_verdict v, ...)
{
	for (size_t i = 0; i < r->n; i++) {
		bool all = r->v[i].verdict == v;
		const char *s;
		va_list ap;

		va_start(ap, v);
		while ((s = va_arg(ap, const char *)) != NULL)
			all = all && strstr(r->v[i].detail, s) != NULL;
		va_end(ap);
		if (all)
			return true;
	}
	return false;
}

START_TEST(report_exit_codes_and_output)
{
	struct doctor_report r = {0};
	_cleanup_free_ char *text = NULL, *js = NULL;
	json_t *root;

	ck_assert_int_eq(doctor_exit_code(&r), 0);
	doctor_add(&r, DOCTOR_OK, "kernel", NULL, "%u settings", 7u);
	doctor_add(&r, DOCTOR_SKIP, "ceph", NULL, "no ceph");
	ck_assert_int_eq(doctor_exit_code(&r), 0);
	doctor_add(&r, DOCTOR_WARN, "corosync", "add a link", "only the mesh");
	ck_assert_int_eq(doctor_exit_code(&r), 1);
	doctor_add(&r, DOCTOR_FAIL, "mtu nic4", "same MTU both ends", "9000 does not pass");
	ck_assert_int_eq(doctor_exit_code(&r), 2);

	text = doctor_text(&r);
	ck_assert_str_eq(text, "ok    kernel    7 settings\n"
	                       "skip  ceph      no ceph\n"
	                       "warn  corosync  only the mesh\n"
	                       "                fix: add a link\n"
	                       "fail  mtu nic4  9000 does not pass\n"
	                       "                fix: same MTU both ends\n"
	                       "1 ok, 1 warning, 1 failure, 1 skipped\n");
	js = doctor_json(&r);
	root = json_loads(js, 0, NULL);
	ck_assert_ptr_nonnull(root);
	ck_assert_int_eq(json_integer_value(json_object_get(root, "exit")), 2);
	ck_assert_int_eq(json_array_size(json_object_get(root, "checks")), 4);
	ck_assert_str_eq(json_string_value(json_object_get(
	                     json_array_get(json_object_get(root, "checks"), 3), "verdict")),
	                 "fail");
	ck_assert(json_is_null(
	    json_object_get(json_array_get(json_object_get(root, "checks"), 0), "remedy")));
	json_decref(root);
	doctor_free(&r);
}
END_TEST

START_TEST(mesh_addresses)
{
	struct config *c = load();
	struct in_addr a;
	struct mesh_addr m;

	inet_pton(AF_INET, "192.168.102.4", &a);
	m = doctor_mesh_addr(c, a);
	ck_assert_int_eq(m.kind, MESH_ADDR_LOOPBACK);
	ck_assert_str_eq(m.node->name, "pve-3");

	inet_pton(AF_INET, "192.168.103.14", &a); /* pve-3 nic3, the cable to pve-1 */
	m = doctor_mesh_addr(c, a);
	ck_assert_int_eq(m.kind, MESH_ADDR_LINK);
	ck_assert_str_eq(m.node->name, "pve-3");
	ck_assert_str_eq(m.link->ifname, "nic3");
	ck_assert_str_eq(m.link->peer, "pve-1");

	inet_pton(AF_INET, "192.168.100.1", &a);
	ck_assert_int_eq(doctor_mesh_addr(c, a).kind, MESH_ADDR_NONE);
	config_free(c);
}
END_TEST

static void
corosync_of(const char *name, struct doctor_report *r)
{
	_cleanup_free_ char *text = fixture(name);
	struct config *c = load();
	struct corosync_conf cc;
	unsigned line = 0;

	ck_assert_int_eq(corosync_conf_parse(text, &cc, &line), 0);
	doctor_corosync(r, c, &cc, "/etc/pve/corosync.conf");
	corosync_conf_free(&cc);
	config_free(c);
}

START_TEST(corosync_on_loopbacks_beside_the_lan)
{
	struct doctor_report r = {0};

	corosync_of("corosync.conf", &r);
	ck_assert_uint_eq(r.n, 1);
	ck_assert(said(&r, DOCTOR_OK, "3 node links on mesh loopbacks", NULL));
	doctor_free(&r);
}
END_TEST

START_TEST(corosync_on_link_addresses_only)
{
	struct doctor_report r = {0};

	corosync_of("corosync-mesh-only.conf", &r);
	ck_assert_int_eq(doctor_exit_code(&r), 1);
	/* each node: its link on one cable, and the mesh as its only link */
	ck_assert_uint_eq(count(&r, DOCTOR_WARN, "corosync"), 6);
	ck_assert(said(&r, DOCTOR_WARN, "/etc/pve/corosync.conf:", "pve-3's link 0 is 192.168.103.14",
	               "pve-3's nic3 (the cable to pve-1)", "dies with that cable", NULL));
	ck_assert(said(&r, DOCTOR_WARN, "every corosync link of pve-1 is on the mesh", NULL));
	for (size_t i = 0; i < r.n; i++)
		ck_assert_ptr_nonnull(r.v[i].remedy);
	ck_assert(strstr(r.v[0].remedy, "192.168.102.1") != NULL); /* pve-1's loopback */
	doctor_free(&r);
}
END_TEST

START_TEST(corosync_off_the_mesh)
{
	struct doctor_report r = {0};
	struct config *c = load();
	struct corosync_conf cc;
	unsigned line;

	ck_assert_int_eq(corosync_conf_parse("nodelist {\n node {\n  name: pve-1\n"
	                                     "  ring0_addr: 192.168.100.1\n }\n}\n",
	                                     &cc, &line),
	                 0);
	doctor_corosync(&r, c, &cc, "corosync.conf");
	ck_assert_uint_eq(r.n, 1);
	ck_assert(said(&r, DOCTOR_OK, "does not use the mesh", NULL));
	corosync_conf_free(&cc);
	config_free(c);
	doctor_free(&r);
}
END_TEST

static void
ceph_of(const char *name, struct doctor_report *r)
{
	_cleanup_free_ char *text = fixture(name);
	struct config *c = load();
	struct ceph_conf cc;
	struct strv members = {0};
	unsigned line = 0;

	strv_push_dup(&members, "pve-1");
	strv_push_dup(&members, "pve-2");
	strv_push_dup(&members, "pve-3");
	ck_assert_int_eq(ceph_conf_parse(text, &cc, &line), 0);
	doctor_ceph(r, c, &cc, &members, "/etc/pve/ceph.conf");
	ceph_conf_free(&cc);
	strv_free(&members);
	config_free(c);
}

START_TEST(ceph_on_the_loopbacks)
{
	struct doctor_report r = {0};

	ceph_of("ceph.conf", &r);
	ck_assert_int_eq(doctor_exit_code(&r), 0);
	ck_assert_uint_eq(count(&r, DOCTOR_OK, "ceph network"), 2);
	ck_assert(said(&r, DOCTOR_OK, "public_network 192.168.102.0/24 holds",
	               "pve-1, pve-2, pve-3", NULL));
	ck_assert(said(&r, DOCTOR_OK, "all 3 monitors on mesh loopbacks", NULL));
	doctor_free(&r);
}
END_TEST

START_TEST(ceph_cluster_network_off_the_mesh)
{
	struct doctor_report r = {0};

	ceph_of("ceph-wrong.conf", &r);
	ck_assert_int_eq(doctor_exit_code(&r), 1);
	ck_assert_uint_eq(count(&r, DOCTOR_WARN, "ceph network"), 1);
	ck_assert(said(&r, DOCTOR_WARN, "cluster_network 10.0.0.0/24 does not hold",
	               "pve-1, pve-2, pve-3", NULL));
	for (size_t i = 0; i < r.n; i++)
		if (r.v[i].verdict == DOCTOR_WARN)
			ck_assert(strstr(r.v[i].remedy, "192.168.102.0/29") != NULL);
	doctor_free(&r);
}
END_TEST

START_TEST(ceph_monitor_on_a_link_address)
{
	struct doctor_report r = {0};
	struct config *c = load();
	struct ceph_conf cc;
	unsigned line;

	ck_assert_int_eq(ceph_conf_parse("[global]\npublic_network = 192.168.102.0/24\n"
	                                 "mon_host = 192.168.102.1 192.168.103.2 10.1.1.1\n",
	                                 &cc, &line),
	                 0);
	doctor_ceph(&r, c, &cc, NULL, "ceph.conf");
	ck_assert_uint_eq(count(&r, DOCTOR_WARN, "ceph monitor"), 2);
	ck_assert(said(&r, DOCTOR_WARN, "monitor 192.168.103.2 is pve-2's address on nic3", NULL));
	ck_assert(said(&r, DOCTOR_WARN, "monitor 10.1.1.1 is not a mesh loopback", NULL));
	/* without members, the transit nodes: the PBS is no Ceph node */
	ck_assert(said(&r, DOCTOR_OK, "holds the mesh loopbacks of pve-1, pve-2, pve-3", NULL));
	ceph_conf_free(&cc);
	config_free(c);
	doctor_free(&r);
}
END_TEST

START_TEST(ceph_without_networks)
{
	struct doctor_report r = {0};
	struct config *c = load();
	struct ceph_conf cc;
	unsigned line;

	ck_assert_int_eq(ceph_conf_parse("[global]\nfsid = x\n", &cc, &line), 0);
	doctor_ceph(&r, c, &cc, NULL, "ceph.conf");
	ck_assert_int_eq(doctor_exit_code(&r), 0);
	ck_assert(said(&r, DOCTOR_SKIP, "public_network is not set", NULL));
	ck_assert(said(&r, DOCTOR_SKIP, "no monitor address", NULL));
	ceph_conf_free(&cc);
	config_free(c);
	doctor_free(&r);
}
END_TEST

START_TEST(migration_network)
{
	struct doctor_report r = {0};
	struct config *c = load();

	doctor_migration(&r, c, "192.168.102.0/24", "datacenter.cfg", 3);
	doctor_migration(&r, c, "192.168.100.0/24", "datacenter.cfg", 3);
	doctor_migration(&r, c, "", "datacenter.cfg", 0);
	ck_assert_int_eq(doctor_exit_code(&r), 0);
	ck_assert(said(&r, DOCTOR_OK, "datacenter.cfg:3: migration network 192.168.102.0/24 holds",
	               "over the mesh", NULL));
	ck_assert(said(&r, DOCTOR_OK, "192.168.100.0/24 is not the mesh", NULL));
	ck_assert(said(&r, DOCTOR_OK, "no migration network", NULL));
	config_free(c);
	doctor_free(&r);
}
END_TEST

START_TEST(token_privileges)
{
	static const struct {
		const char *data;
		int exit;
		const char *says;
	} cases[] = {
		/* PVEAuditor on / (PVE 8 and 9) */
		{"{\"/\": {\"Sys.Audit\": 1, \"VM.Audit\": 1, \"Datastore.Audit\": 1, "
		 "\"Pool.Audit\": 1, \"SDN.Audit\": 1, \"Mapping.Audit\": 1}}",
		 0, "may audit, nothing more"},
		/* Administrator: more than needed */
		{"{\"/\": {\"Sys.Audit\": 1, \"Sys.Modify\": 1}, \"/vms\": {\"VM.PowerMgmt\": 1, "
		 "\"VM.Audit\": 1}}",
		 1, "may change the cluster: Sys.Modify on /, VM.PowerMgmt on /vms (2 privileges"},
		/* nothing on / */
		{"{\"/vms\": {\"VM.Audit\": 1}}", 2, "lacks Sys.Audit on /"},
		/* a privilege set to 0 is not granted */
		{"{\"/\": {\"Sys.Audit\": 1, \"Sys.Modify\": 0}}", 0, "nothing more"},
		{"[]", 0, "did not say"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct doctor_report r = {0};
		json_t *data = json_loads(cases[i].data, 0, NULL);

		ck_assert_ptr_nonnull(data);
		doctor_privileges(&r, data, "/etc/proxmesh/api-token");
		ck_assert_msg(doctor_exit_code(&r) == cases[i].exit, "case %zu", i);
		ck_assert_msg(strstr(r.v[0].detail, cases[i].says) != NULL, "case %zu: %s", i,
		              r.v[0].detail);
		json_decref(data);
		doctor_free(&r);
	}
}
END_TEST

START_TEST(frr_versions)
{
	_cleanup_free_ char *text = fixture("apt-versions.json");
	json_t *doc = json_loads(text, 0, NULL);
	struct config *c = load();
	/* pve-1 (this host), pve-2 from its packages, pbs and pve-3 unknown */
	char *versions[] = {"8.4.4", NULL, NULL, NULL};
	char *why[] = {NULL, NULL, "not a Proxmox VE cluster node", "offline in the cluster"};
	struct doctor_report r = {0};
	char *v;

	ck_assert_ptr_nonnull(doc);
	/* the installed version, not the candidate */
	ck_assert_str_eq(doctor_apt_frr(json_object_get(doc, "data")), "10.2.2-1+pve1");
	ck_assert_ptr_null(doctor_apt_frr(json_object_get(doc, "nothing")));
	v = doctor_frr_upstream(doctor_apt_frr(json_object_get(doc, "data")));
	ck_assert_str_eq(v, "10.2.2");
	versions[1] = v;

	doctor_frr_versions(&r, c, "pve-1", versions, why);
	ck_assert_int_eq(doctor_exit_code(&r), 0);
	ck_assert(said(&r, DOCTOR_OK, "pve-1 8.4.4 (this host), pve-2 10.2.2, pbs ? (not a Proxmox "
	                              "VE cluster node), pve-3 ? (offline in the cluster)",
	               NULL));
	doctor_free(&r);

	/* older than proxmesh supports: a warning naming it */
	versions[1] = "7.5.1";
	doctor_frr_versions(&r, c, "pve-1", versions, why);
	ck_assert_int_eq(doctor_exit_code(&r), 1);
	ck_assert(said(&r, DOCTOR_WARN, "pve-2 runs 7.5.1: older than proxmesh supports", NULL));
	ck_assert_ptr_nonnull(r.v[0].remedy);
	doctor_free(&r);
	versions[1] = "6.0.2";
	doctor_frr_versions(&r, c, "pve-1", versions, why);
	ck_assert_int_eq(doctor_exit_code(&r), 1);
	doctor_free(&r);
	versions[1] = "8.3.1";
	doctor_frr_versions(&r, c, "pve-1", versions, why);
	ck_assert_int_eq(doctor_exit_code(&r), 1);
	doctor_free(&r);

	/* package versions as Debian and Proxmox write them */
	static const struct {
		const char *pkg, *want;
	} cases[] = {
	    {"8.4.4-1.1~deb12u2", "8.4.4"}, {"10.3-3+deb13u1", "10.3"}, {"1:10.7.1-6", "10.7.1"},
	    {"10.2.2-1+pve1", "10.2.2"},     {"garbage", NULL},          {"", NULL},
	    {"6.0.2-2", "6.0.2"}, {"10", NULL},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = doctor_frr_upstream(cases[i].pkg);

		if (cases[i].want)
			ck_assert_msg(got && !strcmp(got, cases[i].want), "%s: %s", cases[i].pkg,
			              got ? got : "NULL");
		else
			ck_assert_msg(got == NULL, "%s: %s", cases[i].pkg, got);
		free(got);
	}
	ck_assert_ptr_null(doctor_frr_upstream(NULL));
	free(v);
	json_decref(doc);
	config_free(c);
}
END_TEST

START_TEST(sdn_fabric)
{
	_cleanup_free_ char *text = fixture("fabrics-openfabric.cfg");
	struct doctor_report r = {0};
	struct sdn_conflicts sdn;
	struct strv ifnames = {0};

	strv_push_dup(&ifnames, "nic3");
	sdnfabric_conflicts(text, "pve-1", &ifnames, &sdn);
	doctor_sdn(&r, &sdn, "/etc/pve/sdn/fabrics.cfg", "/etc/proxmesh/proxmesh.conf");
	ck_assert_int_eq(doctor_exit_code(&r), 2);
	ck_assert(said(&r, DOCTOR_FAIL, "/etc/pve/sdn/fabrics.cfg:", "nic3",
	               "/etc/proxmesh/proxmesh.conf", NULL));
	sdnfabric_free(&sdn);
	doctor_free(&r);

	sdnfabric_conflicts("", "pve-1", &ifnames, &sdn);
	doctor_sdn(&r, &sdn, "/etc/pve/sdn/fabrics.cfg", "/etc/proxmesh/proxmesh.conf");
	ck_assert_int_eq(doctor_exit_code(&r), 0);
	sdnfabric_free(&sdn);
	doctor_free(&r);
	strv_free(&ifnames);
}
END_TEST

static Suite *
doctorcheck_suite(void)
{
	Suite *s = suite_create("doctorcheck");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, report_exit_codes_and_output);
	tcase_add_test(tc, mesh_addresses);
	tcase_add_test(tc, corosync_on_loopbacks_beside_the_lan);
	tcase_add_test(tc, corosync_on_link_addresses_only);
	tcase_add_test(tc, corosync_off_the_mesh);
	tcase_add_test(tc, ceph_on_the_loopbacks);
	tcase_add_test(tc, ceph_cluster_network_off_the_mesh);
	tcase_add_test(tc, ceph_monitor_on_a_link_address);
	tcase_add_test(tc, ceph_without_networks);
	tcase_add_test(tc, migration_network);
	tcase_add_test(tc, sdn_fabric);
	tcase_add_test(tc, token_privileges);
	tcase_add_test(tc, frr_versions);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(doctorcheck_suite());
}
