/* ifdiff.h - the interface and kernel changes from the live state to the plan */
#pragma once

#include "ifplan.h"
#include "util.h"

/* An address on an interface (one line of the state file): IPv4 in addr,
 * or IPv6 in addr6 when v6. */
struct ifaddr_rec {
	char ifname[IFNAMSIZ];
	struct prefix4 addr;
	bool v6;
	struct prefix6 addr6;
};

struct ifaddr_list {
	struct ifaddr_rec *v;
	size_t n;
};

#define IFDIFF_STATE_FILE "/var/lib/proxmesh/addresses"

void ifaddr_list_add(struct ifaddr_list *l, const char *ifname, const struct prefix4 *a);
bool ifaddr_list_contains(const struct ifaddr_list *l, const char *ifname, const struct prefix4 *a);
void ifaddr_list_add6(struct ifaddr_list *l, const char *ifname, const struct prefix6 *a);
bool ifaddr_list_contains6(const struct ifaddr_list *l, const char *ifname,
                           const struct prefix6 *a);
void ifaddr_list_free(struct ifaddr_list *l);

/* Parse "IFNAME A.B.C.D/LEN" or "IFNAME X:X::X/LEN" lines (blank lines and '#' comments skipped);
 * -EINVAL on the first bad line, with *line set to its number. */
int ifaddr_list_parse(const char *text, struct ifaddr_list *out, unsigned *line);
/* The state file text of a list (owned string). */
char *ifaddr_list_format(const struct ifaddr_list *l);
/* Read the state file; a missing file is an empty list. */
int ifaddr_list_load(const char *path, struct ifaddr_list *out);
/* Replace the state file atomically, only when its text changes. */
int ifaddr_list_save(const char *path, const struct ifaddr_list *l);

/* The addresses a plan owns: its links' and the loopback (on "lo"). */
void ifdiff_planned_addresses(const struct ifplan *p, struct ifaddr_list *out);

/* What to record after a pass: the plan's addresses, plus the previously
 * recorded ones still to be removed when the pass did not fully succeed. */
void ifdiff_record(const struct ifplan *p, const struct ifaddr_list *previous, bool applied,
                   struct ifaddr_list *out);

/* The interfaces whose live state the diff needs: links, "lo", previous. */
void ifdiff_ifnames(const struct ifplan *p, const struct ifaddr_list *previous, struct strv *out);

/* The live state of one interface, as read from the kernel. */
struct live_addr {
	struct prefix4 addr;
	char label[IFNAMSIZ];
};

struct live_if {
	char ifname[IFNAMSIZ];
	bool exists;
	int ifindex;
	bool up;      /* IFF_UP */
	bool carrier; /* IFF_LOWER_UP */
	unsigned mtu;
	struct live_addr *addrs; /* IPv4 */
	size_t n_addrs;
	struct prefix6 *addrs6; /* IPv6, global scope (no link-local) */
	size_t n_addrs6;
};

struct live_state {
	struct live_if *ifs;
	size_t n_ifs;
	/* current values of the plan's sysctls, same order; "" when unreadable */
	struct sysctl_setting *sysctls;
	size_t n_sysctls;
};

/* The interface named ifname in the live state, or NULL if not read. */
const struct live_if *live_state_find(const struct live_state *s, const char *ifname);
struct live_if *live_state_add(struct live_state *s, const char *ifname);
void live_if_add_addr(struct live_if *i, const struct prefix4 *a, const char *label);
void live_if_add_addr6(struct live_if *i, const struct prefix6 *a);
void live_state_free(struct live_state *s);

enum if_change_kind {
	IFC_SYSCTL,
	IFC_ADDR_DEL,
	IFC_MTU,
	IFC_LINK_UP,
	IFC_ADDR_ADD,
};

struct if_change {
	enum if_change_kind kind;
	char ifname[IFNAMSIZ];
	int ifindex;
	struct prefix4 addr;  /* ADDR_ADD, ADDR_DEL */
	bool v6;              /* ADDR_ADD, ADDR_DEL: the address is addr6 */
	struct prefix6 addr6;
	char label[IFNAMSIZ]; /* ADDR_ADD: "" for the default label */
	unsigned mtu;         /* MTU */
	struct sysctl_setting sysctl;
	char *text; /* the equivalent command an operator can paste */
};

struct if_changes {
	struct if_change *v;
	size_t n;
	struct strv warnings; /* e.g. "interface nic9 missing: link to pbs skipped" */
};

/* Compute the changes that take live to plan (pure). previous holds the
 * addresses planned before: those no longer planned are removed where they
 * still are; addresses never planned are left alone. */
void ifdiff_compute(const struct ifplan *plan, const struct live_state *live,
                    const struct ifaddr_list *previous, struct if_changes *out);

void if_changes_free(struct if_changes *c);

