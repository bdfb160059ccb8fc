/* fuzz_frrjson.c - FRR's JSON show output (8.4 and 10.x shapes): every
 * parser the health poll runs, on the same input */
#include <errno.h>
#include <stdbool.h>

#include "frrjson.h"
#include "fuzz.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *json = fuzz_text(data, size);
	struct frr_neighbor *nb = NULL;
	struct frr_interface *ifs = NULL;
	struct frr_route *rt = NULL;
	struct frr_bfd_peer *bfd = NULL;
	struct frr_state st = {0};
	const char *docs[4] = {json, json, json, json};
	struct in_addr id;
	size_t n = 0;

	if (frrjson_parse_neighbors(json, &nb, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			fuzz_assert(memchr(nb[i].ifname, '\0', sizeof(nb[i].ifname)) != NULL);
			(void)ospf_nsm_str(nb[i].state);
		}
		free(nb);
	}
	if (frrjson_parse_neighbors6(json, &nb, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			fuzz_assert(memchr(nb[i].ifname, '\0', sizeof(nb[i].ifname)) != NULL);
			fuzz_assert(nb[i].ifname[0] != '\0');
			(void)ospf_nsm_str(nb[i].state);
		}
		free(nb);
	}
	if (frrjson_parse_interfaces(json, &ifs, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			fuzz_assert(memchr(ifs[i].ifname, '\0', sizeof(ifs[i].ifname)) != NULL);
			fuzz_assert(memchr(ifs[i].area, '\0', sizeof(ifs[i].area)) != NULL);
			fuzz_assert(memchr(ifs[i].network_type, '\0', sizeof(ifs[i].network_type)) !=
			            NULL);
		}
		free(ifs);
	}
	if (frrjson_parse_routes(json, &rt, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			size_t k = 0;
			ssize_t at = frr_routes_find(rt, n, &rt[i].prefix, &k);

			/* every prefix is found, at or before its own entry */
			fuzz_assert(at >= 0 && (size_t)at <= i && k >= 1 && (size_t)at + k <= n);
		}
		frr_routes_free(rt, n);
	}
	if (frrjson_parse_bfd_peers(json, &bfd, &n) == 0) {
		for (size_t i = 0; i < n; i++)
			(void)bfd_status_str(bfd[i].status);
		free(bfd);
	}
	(void)frrjson_parse_router_id(json, &id);
	frr_state_parse(docs, &st);
	frr_state_free(&st);
	return 0;
}
