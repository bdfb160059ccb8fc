/* fuzz_pvefiles.c - corosync.conf, ceph.conf and datacenter.cfg as doctor
 * reads them: the same input through all three parsers */
#include <string.h>

#include "fuzz.h"
#include "pvefiles.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fuzz_text(data, size);
	char net[PVEFILES_ADDR_MAX + 1];
	struct corosync_conf cc;
	struct ceph_conf ce;
	unsigned line;

	if (corosync_conf_parse(text, &cc, &line) == 0) {
		for (size_t i = 0; i < cc.n_addrs; i++) {
			fuzz_assert(cc.addrs[i].line > 0);
			fuzz_assert(cc.addrs[i].addr[0] != '\0');
		}
		corosync_conf_free(&cc);
	} else {
		fuzz_assert(line > 0);
		fuzz_assert(cc.n_addrs == 0);
	}
	if (ceph_conf_parse(text, &ce, &line) == 0) {
		for (size_t i = 0; i < ce.n_mons; i++) {
			fuzz_assert(ce.mons[i].text[0] != '\0');
			for (size_t j = 0; j < i; j++)
				fuzz_assert(strcmp(ce.mons[i].text, ce.mons[j].text) != 0);
		}
		ceph_conf_free(&ce);
	}
	if (datacenter_migration_network(text, net, &line) == 0)
		fuzz_assert(net[0] == '\0' || line > 0);
	return 0;
}
