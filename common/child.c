/* child.c - start a child with a clean signal mask and only the descriptors it is given */
#include "child.h"

#include <signal.h>

extern char **environ;

int
child_spawn(pid_t *pid, const char *path, char *const argv[], posix_spawn_file_actions_t *fa,
            bool search)
{
	posix_spawn_file_actions_t none;
	posix_spawnattr_t attr;
	sigset_t empty, all;
	int r;

	if (fa == NULL) {
		posix_spawn_file_actions_init(&none);
		fa = &none;
	}
	/* after the caller's dup2s: 0-2 are what the child is given */
	r = posix_spawn_file_actions_addclosefrom_np(fa, 3);
	sigemptyset(&empty);
	sigfillset(&all);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&attr, &empty);
	posix_spawnattr_setsigdefault(&attr, &all);
	if (r == 0)
		r = search ? posix_spawnp(pid, path, fa, &attr, argv, environ)
		           : posix_spawn(pid, path, fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	if (fa == &none)
		posix_spawn_file_actions_destroy(&none);
	return -r;
}
