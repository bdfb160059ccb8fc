/* frrsend.c - a batch of FRR configuration commands, each to the daemon that takes it */
#include "frrsend.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frrvty.h"
#include "vtyroute.h"

#define LOCK_RETRIES 4
/* One configuration session with a daemon (a take-over's batch), as long
 * as vtysh is given. */
#define CONFIG_TIMEOUT_MS 30000

/* Run vtysh; retry FRR 9+'s "could not lock candidate DS" with back-off. */
static int
run_vtysh(struct vtysh *v, const char *const *cmds, size_t n, struct vtysh_result *res)
{
	for (int attempt = 0;; attempt++) {
		int r = vtysh_run(v, cmds, n, res);

		if (r < 0 || res->status == 0 || attempt == LOCK_RETRIES ||
		    strstr(vtysh_result_text(res), "could not lock") == NULL)
			return r;
		vtysh_result_free(res);
		usleep(100000u << attempt);
	}
}

/* What vtyroute gives to vtysh (route-maps and zebra's lines: rare, and
 * fanned out to daemons that differ between FRR versions), in one process. */
static int
send_vtysh(struct frrsend *s, const struct strv *cmds, char **error)
{
	struct strv batch = {0};
	struct vtysh_result vr = {0};
	int r;

	strv_push_dup(&batch, "configure terminal");
	for (size_t i = 0; i < cmds->n; i++)
		strv_push_dup(&batch, cmds->v[i]);
	strv_push_dup(&batch, "end");
	r = run_vtysh(s->vtysh, (const char *const *)batch.v, batch.n, &vr);
	if (r < 0) {
		*error = xasprintf("cannot run vtysh: %s", strerror(-r));
	} else if (vr.status != 0 && s->refused == NULL) {
		s->refused = xstrdup(vtysh_result_text(&vr));
		s->refused[strcspn(s->refused, "\n")] = '\0';
	}
	vtysh_result_free(&vr);
	strv_free(&batch);
	return r < 0 ? r : 0;
}

int
frrsend(struct frrsend *s, const struct strv *cmds, bool clear, char **error)
{
	struct strv part[VTY_TARGETS] = {{0}}, after = {0};
	enum vty_target order[VTY_TARGETS];
	size_t n_order = 0;
	struct frrvty v;
	int r = 0;

	*error = NULL;
	vtyroute_split(cmds, part, order, &n_order);
	if (clear) {
		strv_push_dup(&after, "clear ip ospf process");
		if (part[VTY_OSPFD].n == 0)
			order[n_order++] = VTY_OSPFD;
	}
	frrvty_init(&v);
	v.timeout_ms = CONFIG_TIMEOUT_MS;
	for (size_t k = 0; k < n_order && r == 0; k++) {
		enum vty_target t = order[k];
		const char *daemon = vtyroute_daemon(t);
		_cleanup_free_ char *msg = NULL;

		if (t == VTY_VTYSH) {
			r = send_vtysh(s, &part[t], error);
			continue;
		}
		r = frrvty_config(&v, daemon, &part[t], t == VTY_OSPFD ? &after : NULL, &msg);
		if (r == -EPROTO && msg) {
			if (s->refused == NULL)
				s->refused = xasprintf("%s refused %s", daemon, msg);
			r = 0;
		} else if (r < 0) {
			*error = xasprintf("cannot configure %s over its socket: %s", daemon,
			                   r == -ENOENT || r == -ECONNREFUSED ? "not running"
			                                                     : strerror(-r));
		}
	}
	s->sessions += v.calls;
	for (int t = 0; t < VTY_TARGETS; t++)
		strv_free(&part[t]);
	strv_free(&after);
	return r;
}

void
frrsend_free(struct frrsend *s)
{
	free(s->refused);
	s->refused = NULL;
}
