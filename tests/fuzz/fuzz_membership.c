/* fuzz_membership.c - a Proxmox API /cluster/status answer body: parse, and
 * the saved form reads back as the same membership */
#include "fuzz.h"
#include "membership.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct membership m = {0}, back = {0};
	_cleanup_free_ char *err = NULL;
	json_t *j;

	if (membership_parse((const char *)data, size, &m, &err) < 0) {
		fuzz_assert(err != NULL && m.members == NULL);
		return 0;
	}
	fuzz_assert(m.n <= MEMBERSHIP_MEMBERS_MAX);
	for (size_t i = 0; i < m.n; i++) {
		fuzz_assert(membership_find(&m, m.members[i].name) == &m.members[i]);
		fuzz_assert(i == 0 || strcmp(m.members[i - 1].name, m.members[i].name) < 0);
	}
	j = membership_to_json(&m);
	fuzz_assert(membership_from_json(j, &back) == 0);
	fuzz_assert(membership_equal(&m, &back));
	json_decref(j);
	membership_free(&back);
	membership_free(&m);
	return 0;
}
