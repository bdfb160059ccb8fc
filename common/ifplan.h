/* ifplan.h - the desired interface and kernel state of one node */
#pragma once

#include "addrplan.h"
#include "config.h"

struct ifplan_link {
	char ifname[IFNAMSIZ];
	char peer[CONFIG_NAME_MAX + 1];
	struct prefix4 address; /* local address / plen; len 0: none (IPv6-only) */
	bool has6;              /* an IPv6 address from prefix6 */
	struct prefix6 address6;
	unsigned mtu;           /* 0: leave as is */
	uint32_t cost;
};

struct sysctl_setting {
	char path[128]; /* relative to /proc/sys, e.g. "net/ipv4/conf/nic3/rp_filter" */
	char value[16];
};

struct ifplan {
	struct ifplan_link *links;
	size_t n_links;
	bool has_loopback;
	struct prefix4 loopback; /* on "lo", label "lo:proxmesh" */
	bool has_loopback6;
	struct prefix6 loopback6; /* on "lo" (IPv6 addresses have no label) */
	struct sysctl_setting *sysctls;
	size_t n_sysctls;
};

#define IFPLAN_LOOPBACK_LABEL "lo:proxmesh"

/* Build the interface plan of node n from its link plans. */
void ifplan_build(const struct config *c, const struct node_conf *n, const struct link_plan *links,
                  struct ifplan *out);

void ifplan_free(struct ifplan *p);

/* The /etc/network/interfaces.d/proxmesh text for ifupdown2 (owned string). */
char *ifplan_render_ifupdown(const struct ifplan *p);

/* The /etc/sysctl.d/90-proxmesh.conf text: the plan's kernel settings, so
 * that they hold from early boot on, before the agent runs (owned). */
char *ifplan_render_sysctl(const struct ifplan *p);

/* "net/ipv4/conf/nic3/rp_filter" -> "net.ipv4.conf.nic3.rp_filter" (a dot in
 * a component becomes '/', as sysctl(8) expects). */
void ifplan_sysctl_name(const char *path, char *buf, size_t size);

/* A person-readable description of the plan (owned string). */
char *ifplan_render_text(const struct ifplan *p);

/* Take the link on ifname and its interface's settings out of the plan. */
void ifplan_drop_link(struct ifplan *p, const char *ifname);

/* The planned link on ifname, or NULL. */
const struct ifplan_link *ifplan_find_link(const struct ifplan *p, const char *ifname);

/* The interface a sysctl path is about ("net/ipv4/conf/nic3/rp_filter",
 * "net/ipv6/conf/nic3/accept_dad" -> "nic3"), or NULL for a global one
 * (including conf/all and conf/default). */
const char *ifplan_sysctl_ifname(const char *path, char buf[static IFNAMSIZ]);
