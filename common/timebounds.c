/* timebounds.c - bounded waits, a pass's budget and the loop's keep-alive */
#include "timebounds.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "util.h"

/* How often tb_wait_child looks at the child. */
#define TB_CHILD_POLL_MS 10

static void (*keepalive_fn)(void *);
static void *keepalive_data;
static bool keepalive_busy;
static long long pass_deadline = -1; /* monotonic ms, -1: not in a pass */

void
tb_set_keepalive(void (*fn)(void *userdata), void *userdata)
{
	keepalive_fn = fn;
	keepalive_data = userdata;
}

void
tb_keepalive(void)
{
	if (keepalive_fn == NULL || keepalive_busy)
		return;
	if (pass_deadline >= 0 && now_mono_ms() >= pass_deadline)
		return; /* a pass past its budget: let the watchdog judge */
	keepalive_busy = true;
	keepalive_fn(keepalive_data);
	keepalive_busy = false;
}

void
tb_pass_begin(int budget_ms)
{
	pass_deadline = now_mono_ms() + budget_ms;
}

void
tb_pass_end(void)
{
	pass_deadline = -1;
}

void
tb_pass_cut(void)
{
	if (pass_deadline >= 0)
		pass_deadline = now_mono_ms();
}

int
tb_bound(int bound_ms)
{
	long long left;

	if (pass_deadline < 0)
		return bound_ms;
	left = pass_deadline - now_mono_ms();
	if (left <= 0)
		return 0;
	return left < bound_ms ? (int)left : bound_ms;
}

static void
sleep_ms(long long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int
tb_wait_child(pid_t pid, long long deadline_ms, int *status)
{
	for (;;) {
		pid_t w = waitpid(pid, status, WNOHANG);
		long long left;

		if (w == pid)
			return 0;
		if (w < 0 && errno != EINTR)
			return -errno;
		left = deadline_ms - now_mono_ms();
		if (left <= 0)
			break;
		tb_keepalive();
		sleep_ms(left < TB_CHILD_POLL_MS ? left : TB_CHILD_POLL_MS);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return -ETIMEDOUT;
}

long long
tb_next_run(long long armed_ms, long long want_ms, long long last_ms, long long gap_ms)
{
	long long at = want_ms;

	if (last_ms >= 0 && last_ms + gap_ms > at)
		at = last_ms + gap_ms;
	if (armed_ms >= 0 && armed_ms <= at)
		return armed_ms;
	return at;
}

void
tb_health_followups(long long now_ms, unsigned detect_ms, unsigned dead_ms,
                    long long out[TB_HEALTH_FOLLOWUPS])
{
	out[0] = detect_ms ? now_ms + detect_ms + TB_FOLLOWUP_MARGIN_MS : -1;
	out[1] = now_ms + dead_ms + TB_FOLLOWUP_MARGIN_MS;
	if (out[0] >= out[1])
		out[0] = -1;
}

long long
tb_health_next(long long now_ms, long long followups[TB_HEALTH_FOLLOWUPS])
{
	long long at = now_ms + TB_HEALTH_INTERVAL_MS;

	for (size_t i = 0; i < TB_HEALTH_FOLLOWUPS; i++) {
		if (followups[i] >= 0 && followups[i] <= now_ms)
			followups[i] = -1;
		if (followups[i] >= 0 && followups[i] < at)
			at = followups[i];
	}
	return at;
}
