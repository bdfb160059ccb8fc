/* health_fixture.h - the reference mesh and recorded FRR states, for the
 * health, status and report tests */
#pragma once

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "addrplan.h"
#include "config.h"
#include "frrjson.h"
#include "health.h"
#include "util.h"

/* DESIGN §1: pve-1 nic3 - pve-2 nic3 (cost 200), pve-1 nic4 - pbs nic3,
 * pve-2 nic4 - pbs nic4 (cost 10); the PBS an external endpoint with a
 * loopback. */
static const char reference_conf[] = "[mesh]\n"
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

/* One node of a parsed configuration with its link plans. */
struct fixture_node {
	struct config *config;
	const struct node_conf *node;
	struct link_plan *plans;
	struct kernel_link kernel[8];
	size_t n_kernel;
};

static inline void
fixture_node_open(struct fixture_node *f, const char *conf, const char *name)
{
	char *err = NULL;
	int r;

	memset(f, 0, sizeof(*f));
	r = config_parse_string(conf, "test.conf", true, &f->config, &err);
	ck_assert_msg(r == 0, "config: %s", err ? err : "?");
	f->node = config_find_node(f->config, name);
	ck_assert_ptr_nonnull(f->node);
	r = addrplan_node(f->config, f->node, &f->plans, &err);
	ck_assert_msg(r == 0, "addrplan: %s", err ? err : "?");
	/* every link interface present, up, with carrier, MTU 1500 */
	for (size_t i = 0; i < f->node->n_links && i < ARRAY_SIZE(f->kernel); i++) {
		struct kernel_link *k = &f->kernel[f->n_kernel++];
		snprintf(k->ifname, sizeof(k->ifname), "%s", f->node->links[i].ifname);
		k->exists = k->up = k->carrier = true;
		k->mtu = 1500;
	}
}

static inline struct kernel_link *
fixture_kernel(struct fixture_node *f, const char *ifname)
{
	for (size_t i = 0; i < f->n_kernel; i++)
		if (strcmp(f->kernel[i].ifname, ifname) == 0)
			return &f->kernel[i];
	ck_abort_msg("no kernel link %s", ifname);
	return NULL;
}

static inline void
fixture_node_close(struct fixture_node *f)
{
	free(f->plans);
	config_free(f->config);
	memset(f, 0, sizeof(*f));
}

static inline char *
fixture_read(const char *version, const char *file)
{
	char *path = xasprintf(TEST_DATA "/frr-%s/%s", version, file);
	char *text = NULL;
	int r = read_file(path, 1 << 20, &text, NULL);

	ck_assert_msg(r == 0, "%s: %s", path, strerror(-r));
	free(path);
	return text;
}

/* The recorded file of host for a scenario ("converged", "cut",
 * "mtu-mismatch", "hello-mismatch"), or the converged one if that scenario
 * did not record it. Owned string. */
static inline char *
fixture_frr_file(const char *version, const char *host, const char *scenario, const char *what)
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
				return fixture_read(version, path);
			}
		}
		snprintf(path, sizeof(path), "%s.%s.txt", host, names[i].converged);
		return fixture_read(version, path);
	}
	ck_abort_msg("unknown FRR output %s", what);
	return NULL;
}

static inline void
fixture_frr_load(const char *version, const char *host, const char *scenario, struct frr_state *st)
{
	char *t;

	memset(st, 0, sizeof(*st));
	t = fixture_frr_file(version, host, scenario, "neighbors");
	ck_assert_int_eq(frrjson_parse_neighbors(t, &st->neighbors, &st->n_neighbors), 0);
	free(t);
	t = fixture_frr_file(version, host, scenario, "interfaces");
	ck_assert_int_eq(frrjson_parse_interfaces(t, &st->interfaces, &st->n_interfaces), 0);
	free(t);
	t = fixture_frr_file(version, host, scenario, "routes");
	ck_assert_int_eq(frrjson_parse_routes(t, &st->routes, &st->n_routes), 0);
	free(t);
	t = fixture_frr_file(version, host, scenario, "bfd");
	ck_assert_int_eq(frrjson_parse_bfd_peers(t, &st->bfd_peers, &st->n_bfd_peers), 0);
	free(t);
	st->have_neighbors = st->have_interfaces = st->have_routes = st->have_bfd = true;
}
