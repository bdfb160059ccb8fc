/* fuzz_config.c - the configuration file: parse, validate, and what the
 * agent computes from a valid one (address plan, FRR configuration) */
#include <errno.h>
#include <stdbool.h>

#include "addrplan.h"
#include "config.h"
#include "frrconf.h"
#include "fuzz.h"
#include "render.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fuzz_text(data, size);
	_cleanup_free_ char *err = NULL;
	struct config *c = NULL;
	int r;

	r = config_parse_string(text, "fuzz.conf", true, &c, &err);
	if (r < 0) {
		fuzz_assert(c == NULL);
		fuzz_assert(err != NULL || r == -ENODATA);
		return 0;
	}
	fuzz_assert(c != NULL);
	for (size_t i = 0; i < c->n_nodes; i++) {
		const struct node_conf *n = &c->nodes[i];
		_cleanup_free_ char *perr = NULL;
		struct link_plan *lp = NULL;
		struct frrconf fc;

		fuzz_assert(config_find_node(c, n->name) == n);
		/* validation guarantees both */
		fuzz_assert(addrplan_node(c, n, &lp, &perr) == 0);
		for (size_t k = 0; k < n->n_links; k++)
			fuzz_assert(config_find_reverse_link(c, n, &n->links[k]) != NULL);
		render_frr(c, n, lp, (struct frr_version){10, 3}, RENDER_AREA_INTERFACE, &fc);
		free(frrconf_format(&fc));
		frrconf_free(&fc);
		free(render_frr_text(c, n, lp, (struct frr_version){8, 4}));
		free(lp);
	}
	config_free(c);
	return 0;
}
