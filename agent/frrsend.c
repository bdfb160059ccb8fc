/* frrsend.c - a batch of FRR configuration commands, each to the daemon that takes it */
#include "frrsend.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frrvty.h"
#include "redact.h"
#include "timebounds.h"
#include "vtyroute.h"

#define LOCK_RETRIES 4

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

/* The block headers open at cmds->v[upto] (their depth: stack->n). */
static void
open_blocks(const struct strv *cmds, size_t upto, struct strv *stack)
{
	for (size_t i = 0; i < upto; i++) {
		if (!strcmp(cmds->v[i], "exit")) {
			if (stack->n > 0)
				free(stack->v[--stack->n]);
			stack->v[stack->n] = NULL;
		} else if (vtyroute_opens_block(cmds->v[i], (unsigned)stack->n)) {
			strv_push_dup(stack, cmds->v[i]);
		}
	}
}

/* How many commands of batch vtysh ran, told by its echo (with -E, each
 * command after the prompt, "pve-1(config)# CMD", before its output);
 * *answer: the first line after the last one echoed (owned). */
static size_t
echoed(const char *out, const struct strv *batch, char **answer)
{
	const char *after = NULL;
	size_t j = 0;

	for (const char *l = out; *l && j < batch->n;) {
		const char *e = strchrnul(l, '\n');
		size_t n = strlen(batch->v[j]);

		if ((size_t)(e - l) >= n + 2 && !strncmp(e - n - 2, "# ", 2) &&
		    !strncmp(e - n, batch->v[j], n)) {
			j++;
			after = *e ? e + 1 : e;
		}
		l = *e ? e + 1 : e;
	}
	*answer = after ? xstrndup(after, strcspn(after, "\n")) : xstrdup("");
	return j;
}

/* Keep vtysh's refusal of cmd (NULL: of the batch as a whole), redacted. */
static void
vtysh_refusal(struct frrsend *s, const char *cmd, const char *answer)
{
	_cleanup_free_ char *c = cmd ? redact_known(cmd) : NULL;
	_cleanup_free_ char *a = redact_known(answer);

	a[strcspn(a, "\n")] = '\0';
	if (c)
		strv_pushf(&s->refused, "vtysh refused \"%s\": %s", c, *a ? a : "refused");
	else
		strv_pushf(&s->refused, "vtysh refused: %s", *a ? a : "refused");
}

/* What vtyroute gives to vtysh (route-maps and zebra's lines: rare, and
 * fanned out to daemons that differ between FRR versions), in one process.
 * vtysh stops at the first command it refuses: it is started again on the
 * rest, inside the blocks the rest belongs to (the lines of a refused
 * block header skipped), as frrvty_config goes on over a socket. */
static int
send_vtysh(struct frrsend *s, const struct strv *cmds, char **error)
{
	int bound = tb_bound(s->vtysh->timeout_ms), r = 0;
	size_t from = 0;

	s->vtysh->echo = true;
	while (from < cmds->n && r >= 0) {
		struct strv batch = {0}, stack = {0};
		struct vtysh_result vr = {0};
		_cleanup_free_ char *answer = NULL;
		size_t first = from, ctx, ran, k;

		open_blocks(cmds, first, &stack);
		strv_push_dup(&batch, "configure terminal");
		for (size_t i = 0; i < stack.n; i++)
			strv_push_dup(&batch, stack.v[i]);
		ctx = batch.n;
		for (size_t i = first; i < cmds->n; i++)
			strv_push_dup(&batch, cmds->v[i]);
		strv_push_dup(&batch, "end");
		strv_free(&stack);
		r = run_vtysh(s->vtysh, (const char *const *)batch.v, batch.n, &vr);
		from = cmds->n;
		if (r == -ETIMEDOUT) {
			*error = xasprintf("vtysh (%zu command%s) did not finish in %d s", cmds->n - first,
			                   cmds->n - first == 1 ? "" : "s", (bound + 999) / 1000);
		} else if (r < 0) {
			*error = xasprintf("cannot run vtysh: %s", strerror(-r));
		} else if (vr.status != 0) {
			ran = echoed(vr.out, &batch, &answer);
			if (ran <= ctx || ran >= batch.n) { /* not one of cmds: give up */
				vtysh_refusal(s, NULL, vtysh_result_text(&vr));
			} else {
				k = first + (ran - 1 - ctx); /* the last one echoed */
				vtysh_refusal(s, cmds->v[k], answer);
				open_blocks(cmds, k, &stack);
				from = vtyroute_opens_block(cmds->v[k], (unsigned)stack.n)
				           ? vtyroute_block_end(cmds, k, (unsigned)stack.n)
				           : k + 1;
				strv_free(&stack);
			}
		}
		vtysh_result_free(&vr);
		strv_free(&batch);
	}
	s->vtysh->echo = false;
	return r < 0 ? r : 0;
}

/* A daemon refused "configure terminal" on its socket: its configuration
 * moved behind mgmtd (as zebra's did in FRR 10), which vtysh knows how to
 * reach. Its part goes through vtysh instead, then the enable-node
 * commands of after; the refusal is replaced by a note saying so. */
static int
send_moved(struct frrsend *s, const struct strv *cmds,
           const struct strv *after, size_t n_refused, char **error)
{
	struct vtysh_result vr = {0};
	int r;

	while (s->refused.n > n_refused)
		free(s->refused.v[--s->refused.n]);
	s->refused.v[s->refused.n] = NULL;
	s->moved++;
	r = cmds->n > 0 ? send_vtysh(s, cmds, error) : 0;
	if (r < 0 || after == NULL || after->n == 0)
		return r;
	r = run_vtysh(s->vtysh, (const char *const *)after->v, after->n, &vr);
	if (r < 0)
		*error = xasprintf("cannot run vtysh: %s", strerror(-r));
	else if (vr.status != 0)
		vtysh_refusal(s, after->v[0], vtysh_result_text(&vr));
	vtysh_result_free(&vr);
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
	v.timeout_ms = TB_VTY_CONFIG_MS;
	/* A daemon that cannot be reached fails the batch, but the other
	 * daemons' parts still go out (an interface's ip ospf lines do not
	 * wait for bfdd). */
	for (size_t k = 0; k < n_order; k++) {
		enum vty_target t = order[k];
		const char *daemon = vtyroute_daemon(t);
		size_t n_refused = s->refused.n;
		_cleanup_free_ char *err = NULL;
		int q;

		if (t == VTY_VTYSH) {
			q = send_vtysh(s, &part[t], &err);
		} else {
			int bound = tb_bound(v.timeout_ms);

			q = frrvty_config(&v, daemon, &part[t], t == VTY_OSPFD ? &after : NULL,
			                  &s->refused);
			if (q == -EPROTO && s->refused.n > n_refused)
				q = send_moved(s, &part[t], t == VTY_OSPFD ? &after : NULL,
				               n_refused, &err);
			else if (q == -ETIMEDOUT)
				err = xasprintf("%s did not finish its configuration session in %d s",
				                daemon, (bound + 999) / 1000);
			else if (q < 0)
				err = xasprintf("cannot configure %s over its socket: %s", daemon,
				                q == -ENOENT || q == -ECONNREFUSED ? "not running"
				                                                   : strerror(-q));
		}
		if (q < 0 && r == 0) {
			r = q;
			*error = TAKE_PTR(err);
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
	strv_free(&s->refused);
}
