/* fuzz_pvefiles.c - corosync.conf, ceph.conf and datacenter.cfg as doctor
 * reads them: the same input through all three parsers */
#include <string.h>

#include "fuzz.h"
#include "pvefiles.h"
#include "util.h"

/* Every item of a ceph list: not empty, and there once. */
static void
check_items(const struct ceph_item *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fuzz_assert(v[i].text[0] != '\0' && v[i].line > 0);
		for (size_t j = 0; j < i; j++)
			fuzz_assert(strcmp(v[i].text, v[j].text) != 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fuzz_text(data, size);
	char net[PVEFILES_ADDR_MAX + 1];
	struct corosync_conf cc;
	struct ceph_conf ce;
	unsigned line;

	if (corosync_conf_parse(text, &cc, &line) == 0) {
		fuzz_assert(line == 0);
		for (size_t i = 0; i < cc.n_addrs; i++) {
			fuzz_assert(cc.addrs[i].line > 0);
			fuzz_assert(cc.addrs[i].addr[0] != '\0');
			fuzz_assert(strpbrk(cc.addrs[i].addr, "#{}\n") == NULL);
		}
		corosync_conf_free(&cc);
	} else {
		fuzz_assert(line > 0);
		fuzz_assert(cc.n_addrs == 0 && cc.addrs == NULL);
	}
	if (ceph_conf_parse(text, &ce, &line) == 0) {
		check_items(ce.public_networks, ce.n_public_networks);
		check_items(ce.cluster_networks, ce.n_cluster_networks);
		check_items(ce.mons, ce.n_mons);
		for (size_t i = 0; i < ce.n_mons; i++)
			fuzz_assert(strpbrk(ce.mons[i].text, " ,;/") == NULL);
		ceph_conf_free(&ce);
	} else {
		fuzz_assert(line > 0);
		fuzz_assert(ce.n_mons == 0 && ce.mons == NULL);
	}
	if (datacenter_migration_network(text, net, &line) == 0)
		fuzz_assert(net[0] == '\0' || line > 0);
	else
		fuzz_assert(line > 0 && net[0] == '\0');
	fuzz_assert(strchr(net, ',') == NULL);
	return 0;
}
