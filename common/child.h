/* child.h - start a child with a clean signal mask and only the descriptors it is given */
#pragma once

#include <spawn.h>
#include <stdbool.h>
#include <sys/types.h>

/* posix_spawn (posix_spawnp with search) of path with argv and the
 * environment, after the file actions of fa (NULL: none): the child starts
 * with no signal blocked and every signal at its default action (the
 * daemon blocks the ones sd-event reads through a signalfd), and with no
 * descriptor above 2 (whatever the parent has open, CLOEXEC or not).
 * 0 with *pid, or -errno. */
int child_spawn(pid_t *pid, const char *path, char *const argv[], posix_spawn_file_actions_t *fa,
                bool search);

/* What child_run collected. */
struct child_result {
	int status; /* exit status, or -1 when killed by a signal */
	char *out;  /* stdout ("" when none) */
	char *err;  /* stderr */
};

/* Run path (searched in PATH when search) with argv, stdin /dev/null,
 * collecting stdout and stderr (16 MB each at most), for at most
 * timeout_ms (capped by a pass's budget, tb_bound; the loop's keep-alive
 * runs meanwhile). 0 when it ran (see res->status), -ETIMEDOUT when it was
 * killed (SIGKILL, reaped) after its bound, or another negative errno. */
int child_run(const char *path, char *const argv[], bool search, int timeout_ms,
              struct child_result *res);
void child_result_free(struct child_result *res);
