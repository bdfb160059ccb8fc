/* vtysh.h - run vtysh with a fixed argv and a timeout, never through a shell */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct vtysh {
	const char *path;      /* default "/usr/bin/vtysh" */
	const char *pathspace; /* "-N NAME" for a named FRR instance, or NULL */
	int timeout_ms; /* TB_STEP_MS, capped by a pass's budget (timebounds.h) */
	bool echo;      /* "-E": each command echoed after the prompt, before its output */
	unsigned calls; /* processes spawned so far */
};

struct vtysh_result {
	int status; /* exit status, or -1 when killed */
	char *out;  /* stdout: command output and FRR's error text */
	char *err;  /* stderr: "ospfd is not running" and the like */
};

/* Defaults, with PROXMESH_VTYSH and PROXMESH_VTYSH_PATHSPACE from the
 * environment (tests and the lab use them). */
void vtysh_init(struct vtysh *v);

/* Run `vtysh -c CMD …` once for all commands. Every command must be free of
 * control characters (-EINVAL otherwise, nothing run). Returns 0 when the
 * process ran (see res->status), -ETIMEDOUT when it was killed (SIGKILL,
 * reaped) after its bound, or another negative errno. */
int vtysh_run(struct vtysh *v, const char *const *cmds, size_t n, struct vtysh_result *res);

/* The result's text for an error message: stdout if any, else stderr. */
const char *vtysh_result_text(const struct vtysh_result *res);

void vtysh_result_free(struct vtysh_result *res);
