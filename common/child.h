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
