/* vtysh.c - run vtysh with a fixed argv and a timeout, never through a shell */
#include "vtysh.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "child.h"
#include "timebounds.h"
#include "util.h"

void
vtysh_init(struct vtysh *v)
{
	const char *p = getenv("PROXMESH_VTYSH");
	const char *ns = getenv("PROXMESH_VTYSH_PATHSPACE");

	*v = (struct vtysh){
		.path = p && *p ? p : "/usr/bin/vtysh",
		.pathspace = ns && *ns ? ns : NULL,
		.timeout_ms = TB_STEP_MS,
	};
}

int
vtysh_run(struct vtysh *v, const char *const *cmds, size_t n, struct vtysh_result *res)
{
	_cleanup_free_ const char **argv = xcalloc(2 * n + 5, sizeof(char *));
	struct child_result cr;
	size_t a = 0;
	int r;

	*res = (struct vtysh_result){.status = -1};
	argv[a++] = v->path;
	if (v->pathspace) {
		argv[a++] = "-N";
		argv[a++] = v->pathspace;
	}
	if (v->echo)
		argv[a++] = "-E";
	for (size_t i = 0; i < n; i++) {
		if (!str_is_printable(cmds[i]) || cmds[i][0] == '\0')
			return -EINVAL;
		argv[a++] = "-c";
		argv[a++] = cmds[i];
	}
	r = child_run(v->path, (char *const *)argv, false, v->timeout_ms, &cr);
	if (cr.out) /* it was started */
		v->calls++;
	res->status = cr.status;
	res->out = cr.out;
	res->err = cr.err;
	return r;
}

const char *
vtysh_result_text(const struct vtysh_result *res)
{
	if (res->out && res->out[strspn(res->out, " \n")])
		return res->out;
	return res->err ? res->err : "";
}

void
vtysh_result_free(struct vtysh_result *res)
{
	free(res->out);
	free(res->err);
	*res = (struct vtysh_result){0};
}
