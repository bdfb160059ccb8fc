/* timebounds.h - every time bound of proxmesh in one place, and the helpers
 * that keep a wait bounded and the event loop alive while it waits
 *
 * The agent has one sd-event loop and a pass blocks it. systemd kills the
 * agent when the loop does not send WATCHDOG=1 within WatchdogSec, so:
 * - every wait is bounded (a child is killed with SIGKILL and reaped when it
 *   overruns, a socket read gives up), each step by TB_STEP_MS or less, and
 *   a whole pass by TB_PASS_MS;
 * - a wait longer than TB_KEEPALIVE_MS calls tb_keepalive() at least that
 *   often, through which the daemon sends WATCHDOG=1 and keeps health and
 *   status.json current while a pass waits. Once a pass is past its budget
 *   tb_keepalive() does nothing, so a pass that ran away is still caught by
 *   the watchdog. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* packaging/proxmesh.service's WatchdogSec= (the bounds below are meant
 * for it; the daemon pings at half the value systemd gives it). */
#define TB_WATCHDOG_MS 60000

/* A whole reconcile pass, from taking the lock to persisting. */
#define TB_PASS_MS 45000
/* One step that runs a child or talks to FRR: one vtysh process, one
 * configuration session. */
#define TB_STEP_MS 10000
/* `systemctl reload frr` (frr-reload.py compares the whole configuration
 * with a dozen vtysh runs: 3-4 s idle, over 10 s on a busy 2-core host in a
 * take-over) or `systemctl restart frr`, and the daemons it starts until
 * they answer. */
#define TB_FRR_RELOAD_MS 30000
/* One show command over a daemon's vty socket, in a pass. */
#define TB_VTY_SHOW_MS 3000
/* One show command of a health poll (four per poll). */
#define TB_HEALTH_VTY_MS 2000
/* One configuration session with a daemon over its socket. */
#define TB_VTY_CONFIG_MS TB_STEP_MS
/* How often a wait calls tb_keepalive(), at most this far apart: often
 * enough that a cable pulled during a pass is reported within a health gap. */
#define TB_KEEPALIVE_MS 200
/* The daemon's WATCHDOG=1 and status while a pass waits: at most this often. */
#define TB_KEEPALIVE_NOTIFY_MS 1000

/* The daemon's timers. */
#define TB_RECONCILE_INTERVAL_MS 30000 /* a pass at least this often */
#define TB_RECONCILE_RETRY_MIN_MS 1000 /* a failed pass: 2, 4, … 30 s */
#define TB_RECONCILE_BUSY_RETRY_MS 1000 /* while `proxmesh apply` holds the lock */
#define TB_HEALTH_INTERVAL_MS 5000      /* a health poll at least this often */
#define TB_EVENT_DELAY_MS 50            /* after a netlink event, to batch a burst */
/* Rate floors: however many events come (route churn, a flapping NIC), at
 * most one pass per TB_PASS_GAP_MS (counted from the end of the last one)
 * and one health poll per TB_HEALTH_GAP_MS. */
#define TB_PASS_GAP_MS 1000
#define TB_HEALTH_GAP_MS 250
/* After a follow-up's detection time (tb_health_followups), this much more
 * for FRR to act on it and answer. */
#define TB_FOLLOWUP_MARGIN_MS 200
#define TB_HEALTH_FOLLOWUPS 2

/* The daemon's hook: called by tb_keepalive() (never re-entered). */
void tb_set_keepalive(void (*fn)(void *userdata), void *userdata);
/* Let the event loop's keep-alive run (a no-op in the command line, inside
 * the hook itself, and once the pass is past its budget). */
void tb_keepalive(void);

/* A pass's budget: steps take tb_bound() of their own bound. Passes do not
 * nest; tb_pass_end() lifts the budget. */
void tb_pass_begin(int budget_ms);
void tb_pass_end(void);
/* Spend what is left of the pass's budget now (the agent is stopping): the
 * waits still to come give up at once. */
void tb_pass_cut(void);
/* ms, the smaller of bound_ms and what is left of the pass's budget (0 when
 * it is spent); bound_ms outside a pass. */
int tb_bound(int bound_ms);

/* Wait for child pid until deadline_ms (monotonic), calling tb_keepalive()
 * meanwhile. 0 with *status set, -ETIMEDOUT after the child was killed
 * (SIGKILL) and reaped, or another negative errno. */
int tb_wait_child(pid_t pid, long long deadline_ms, int *status);

/* A rate floor with coalescing, for a one-shot timer (pure): the time to arm
 * it at for work wanted at want_ms, given the time it is armed at (armed_ms,
 * -1 when not armed) and the last run (last_ms, -1 when never). Not before
 * last_ms + gap_ms, and never later than an earlier armed time: a burst of
 * events is one run, and a steady stream of them neither runs the work more
 * often than the floor nor postpones it for ever. */
long long tb_next_run(long long armed_ms, long long want_ms, long long last_ms, long long gap_ms);

/* OSPF changed the routes at now_ms: a fault somewhere. The end that saw
 * it first floods it and our routes move before our own BFD or dead timer
 * has noticed the same fault, and once ours does no route may change. So
 * look again when our own detection must have decided: after BFD's
 * detection time (detect_ms; 0 without BFD) and after the dead interval
 * (dead_ms), each plus TB_FOLLOWUP_MARGIN_MS. out: monotonic ms, -1 for
 * none, earliest first. */
void tb_health_followups(long long now_ms, unsigned detect_ms, unsigned dead_ms,
                         long long out[TB_HEALTH_FOLLOWUPS]);
/* When the health poll that ran at now_ms is due again: the earliest
 * follow-up after now_ms, or TB_HEALTH_INTERVAL_MS on. Follow-ups at or
 * before now_ms are spent (set to -1). */
long long tb_health_next(long long now_ms, long long followups[TB_HEALTH_FOLLOWUPS]);
