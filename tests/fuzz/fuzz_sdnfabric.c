/* fuzz_sdnfabric.c - Proxmox SDN's fabrics.cfg: the conflicts with the mesh
 * of the lab's pve-1 (nic3, nic4) */
#include "fuzz.h"
#include "sdnfabric.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fuzz_text(data, size), *said = NULL;
	struct strv ifnames = {0};
	struct sdn_conflicts c;

	strv_push_dup(&ifnames, "nic3");
	strv_push_dup(&ifnames, "nic4");
	sdnfabric_conflicts(text, "pve-1", &ifnames, &c);
	/* each mesh interface claimed once at most, an OSPF claim first */
	fuzz_assert(c.n <= ifnames.n + 1);
	for (size_t i = 0; i < c.n; i++) {
		fuzz_assert(c.v[i].line > 0);
		fuzz_assert(c.v[i].ifname[0] == '\0' ? c.whole_host && i == 0
		                                     : strv_contains(&ifnames, c.v[i].ifname));
		for (size_t j = 0; j < i; j++)
			fuzz_assert(strcmp(c.v[i].ifname, c.v[j].ifname) != 0);
	}
	fuzz_assert(c.whole_host == (c.n > 0 && c.v[0].ifname[0] == '\0'));
	said = sdnfabric_describe(&c, "F", "C");
	fuzz_assert((said != NULL) == (c.n > 0));
	fuzz_assert(said == NULL || strncmp(said, "F:", 2) == 0);
	strv_free(&ifnames);
	sdnfabric_free(&c);
	return 0;
}
