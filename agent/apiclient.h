/* apiclient.h - Proxmox API rounds in a helper process, driven by sd-event
 *
 * libcurl and its TLS stacks (OpenSSL, and GnuTLS through librtmp and
 * libldap) cost the agent 7-8 MB of resident memory merely by being linked.
 * So the agent does not link them: `proxmesh-api --serve` (which does, see
 * apimain.c) runs a round for each line it reads on its stdin and answers
 * with one line of JSON (apiresult.h). The helper lives across rounds
 * while rounds come every poll interval (starting it, mostly the dynamic
 * loading of libcurl's libraries, costs ~30 ms of CPU) and is stopped when
 * they come rarely (keeping it costs ~7 MB); each round still makes its own
 * TLS connection and verifies the certificate. Another configuration starts
 * a new helper; one round at a time; a round that takes too long (its URLs' timeouts, 3 s
 * more, and 10 s more when it starts the helper) kills the helper and
 * counts as unreachable. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "apiresult.h"
#include "config.h"
#include "pveapi.h"

/* Where the daemon finds the helper: PROXMESH_API_CLIENT, else this. */
#ifndef PROXMESH_API_CLIENT
#define PROXMESH_API_CLIENT "/usr/libexec/proxmesh/proxmesh-api"
#endif

/* Completion callback; r is only valid during the call. */
typedef void (*apiclient_done_fn)(void *userdata, const struct api_result *r);

struct apiclient;

/* The helper to run: PROXMESH_API_CLIENT, else the installed one. */
const char *apiclient_helper(void);

/* The helper's argv for conf and opts (NULL: the defaults), a
 * NULL-terminated strv. */
void apiclient_argv(const char *helper, const struct api_conf *conf, const struct pveapi_opts *opts,
                    struct strv *argv);

int apiclient_new(sd_event *event, struct apiclient **out);
/* Start a round with conf (opts: NULL for the defaults); done is called
 * from the event loop when it ends (it may start the next round). -EBUSY
 * while a round is in flight, -EINVAL if conf is not enabled. */
int apiclient_start(struct apiclient *c, const struct api_conf *conf,
                    const struct pveapi_opts *opts, apiclient_done_fn done, void *userdata);
bool apiclient_busy(const struct apiclient *c);
/* The helper serving rounds, -1 when none runs. */
pid_t apiclient_pid(const struct apiclient *c);
/* Kill the round in flight, if any (and its helper), without calling its
 * callback. */
void apiclient_cancel(struct apiclient *c);
/* Stop the helper if it waits for no round: the next round starts a new
 * one (for rounds far apart, see pveapi_keep_helper()). */
void apiclient_release(struct apiclient *c);
/* Cancel and free; NULL is fine. */
void apiclient_free(struct apiclient *c);
