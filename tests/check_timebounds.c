/* check_timebounds.c - every wait bounded: hung children killed and reaped,
 * a pass's budget, the keep-alive while waiting, the rate floor under churn */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frrdaemons.h"
#include "frrvty.h"
#include "testutil.h"
#include "timebounds.h"
#include "vtysh.h"

static unsigned kept_alive;

static void
count_keepalive(void *userdata)
{
	(void)userdata;
	kept_alive++;
}

static void
setup(void)
{
	tu_tmpdir_setup();
	kept_alive = 0;
	tb_set_keepalive(count_keepalive, NULL);
}

static void
teardown(void)
{
	tb_pass_end();
	tb_set_keepalive(NULL, NULL);
	tu_tmpdir_teardown();
}

/* An executable script tu_tmpdir/name. */
static char *
script(const char *name, const char *body)
{
	char *path = xasprintf("%s/%s", tu_tmpdir, name);
	_cleanup_free_ char *text = xasprintf("#!/bin/sh\n%s\n", body);

	ck_assert_int_eq(write_file_atomic(path, text, strlen(text), 0755), 0);
	return path;
}

/* Is pid gone and reaped (no zombie left)? */
static bool
reaped(pid_t pid)
{
	return waitpid(pid, NULL, WNOHANG) < 0 && errno == ECHILD;
}

struct next_case {
	long long armed, want, last, gap, expect;
};

START_TEST(test_next_run)
{
	static const struct next_case cases[] = {
		{-1, 50, -1, 1000, 50},      /* the first run: when wanted */
		{-1, 1050, 1000, 1000, 2000}, /* right after a run: the floor */
		{-1, 5000, 1000, 1000, 5000}, /* long after: when wanted */
		{1500, 1600, 400, 1000, 1500}, /* armed earlier already: kept */
		{30000, 1100, 0, 1000, 1100},  /* the periodic pass brought forward */
		{30000, 1100, 900, 2000, 2900}, /* ... but not before the back-off */
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct next_case *c = &cases[i];

		ck_assert_msg(tb_next_run(c->armed, c->want, c->last, c->gap) == c->expect,
		              "case %zu: %lld", i, tb_next_run(c->armed, c->want, c->last, c->gap));
	}
}
END_TEST

/* An event every 2 ms for 10 s (churn): a one-shot timer armed through
 * tb_next_run fires at most once per gap, and it does fire (a stream of
 * events does not postpone it for ever). */
START_TEST(test_churn_floor)
{
	long long armed = -1, last = -1;
	unsigned runs = 0;

	for (long long t = 0; t < 10000; t++) {
		if (armed >= 0 && t >= armed) {
			ck_assert(last < 0 || t - last >= 1000);
			runs++;
			last = t + 30; /* a pass of 30 ms; the floor counts from its end */
			armed = -1;
		}
		if (t % 2 == 0)
			armed = tb_next_run(armed, t + 50, last, 1000);
	}
	ck_assert_uint_ge(runs, 9);
	ck_assert_uint_le(runs, 10);
}
END_TEST

/* 30-daemon, a silent cut: the PBS's routes moved on pve-1's flooding
 * (t = 0), its own BFD decided 100 ms later and changed no route; it was
 * seen at the next 5 s poll. Now: a look after BFD's time and after the
 * dead interval. */
START_TEST(test_health_followups)
{
	long long f[TB_HEALTH_FOLLOWUPS];

	tb_health_followups(1000, 300, 3000, f);
	ck_assert_int_eq(f[0], 1000 + 300 + TB_FOLLOWUP_MARGIN_MS);
	ck_assert_int_eq(f[1], 1000 + 3000 + TB_FOLLOWUP_MARGIN_MS);
	/* the poll the route change asked for, 50 ms on */
	ck_assert_int_eq(tb_health_next(1050, f), f[0]);
	/* the first follow-up */
	ck_assert_int_eq(tb_health_next(1500, f), 4200);
	ck_assert_int_eq(f[0], -1);
	/* the second, then the regular interval */
	ck_assert_int_eq(tb_health_next(4200, f), 4200 + TB_HEALTH_INTERVAL_MS);
	ck_assert_int_eq(f[1], -1);
	ck_assert_int_eq(tb_health_next(9200, f), 9200 + TB_HEALTH_INTERVAL_MS);
	/* without BFD, the dead interval alone */
	tb_health_followups(0, 0, 3000, f);
	ck_assert_int_eq(f[0], -1);
	ck_assert_int_eq(tb_health_next(10, f), 3000 + TB_FOLLOWUP_MARGIN_MS);
	/* a detection time past the dead interval adds nothing */
	tb_health_followups(0, 5000, 3000, f);
	ck_assert_int_eq(f[0], -1);
	/* a dead interval past the regular poll: the poll comes first */
	tb_health_followups(0, 300, 40000, f);
	ck_assert_int_eq(tb_health_next(600, f), 600 + TB_HEALTH_INTERVAL_MS);
}
END_TEST

START_TEST(test_pass_budget)
{
	ck_assert_int_eq(tb_bound(TB_STEP_MS), TB_STEP_MS);
	tb_pass_begin(300);
	ck_assert_int_le(tb_bound(TB_STEP_MS), 300);
	ck_assert_int_eq(tb_bound(100), 100);
	tb_keepalive();
	ck_assert_uint_eq(kept_alive, 1);
	usleep(350000);
	ck_assert_int_eq(tb_bound(TB_STEP_MS), 0);
	tb_keepalive(); /* a pass past its budget: the watchdog judges */
	ck_assert_uint_eq(kept_alive, 1);
	tb_pass_end();
	ck_assert_int_eq(tb_bound(TB_STEP_MS), TB_STEP_MS);
	tb_pass_cut(); /* outside a pass: nothing to cut */
	ck_assert_int_eq(tb_bound(TB_STEP_MS), TB_STEP_MS);
	tb_pass_begin(TB_PASS_MS);
	tb_pass_cut();
	ck_assert_int_eq(tb_bound(TB_STEP_MS), 0);
}
END_TEST

/* The bounds fit in the unit's watchdog, the one the unit file sets. */
START_TEST(test_bounds_fit)
{
	_cleanup_free_ char *unit = NULL;
	const char *w;

	ck_assert_int_eq(read_file(TEST_DATA "/../../packaging/proxmesh.service", 65536, &unit, NULL),
	                 0);
	w = strstr(unit, "\nWatchdogSec=");
	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(atoi(w + 13) * 1000, TB_WATCHDOG_MS);
	ck_assert_int_le(TB_STEP_MS, TB_PASS_MS);
	ck_assert_int_le(TB_FRR_RELOAD_MS, TB_PASS_MS);
	ck_assert_int_lt(TB_PASS_MS, TB_WATCHDOG_MS);
	ck_assert_int_lt(4 * TB_HEALTH_VTY_MS, TB_WATCHDOG_MS / 2);
	ck_assert_int_lt(TB_KEEPALIVE_MS, TB_WATCHDOG_MS / 2);
}
END_TEST

START_TEST(test_wait_child_kills)
{
	long long t0 = now_mono_ms();
	int status = 0;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		sleep(100);
		_exit(0);
	}
	ck_assert_int_eq(tb_wait_child(pid, t0 + 1500, &status), -ETIMEDOUT);
	ck_assert_int_lt(now_mono_ms() - t0, 2500);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	ck_assert(reaped(pid));
	ck_assert_uint_ge(kept_alive, 1); /* the loop's keep-alive ran meanwhile */

	pid = fork();
	if (pid == 0)
		_exit(3);
	ck_assert_int_eq(tb_wait_child(pid, now_mono_ms() + 5000, &status), 0);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 3);
}
END_TEST

/* A vtysh that hangs, even one that closed its output first, is killed
 * within the pass's budget and reaped. */
START_TEST(test_vtysh_hangs)
{
	static const char *const bodies[] = {
		"echo started; exec sleep 1000",
		"exec >/dev/null 2>&1; exec sleep 1000",
	};
	const char *cmds[] = {"show version"};

	for (size_t i = 0; i < ARRAY_SIZE(bodies); i++) {
		_cleanup_free_ char *path = script("vtysh", bodies[i]);
		struct vtysh_result res;
		struct vtysh v;
		long long t0;

		setenv("PROXMESH_VTYSH", path, 1);
		vtysh_init(&v);
		unsetenv("PROXMESH_VTYSH");
		ck_assert_int_le(v.timeout_ms, TB_STEP_MS);
		tb_pass_begin(1500);
		t0 = now_mono_ms();
		ck_assert_int_eq(vtysh_run(&v, cmds, 1, &res), -ETIMEDOUT);
		ck_assert_int_lt(now_mono_ms() - t0, 2500);
		tb_pass_end();
		vtysh_result_free(&res);
	}
	ck_assert_uint_ge(kept_alive, 1);
}
END_TEST

/* A daemon whose socket takes the connection and never answers. */
START_TEST(test_vty_silent)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	_cleanup_free_ char *out = NULL;
	struct frrvty v;
	long long t0;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/ospfd.vty", tu_tmpdir);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	setenv("PROXMESH_FRR_VTY_DIR", tu_tmpdir, 1);
	frrvty_init(&v);
	unsetenv("PROXMESH_FRR_VTY_DIR");
	ck_assert_int_le(v.timeout_ms, TB_VTY_SHOW_MS);
	t0 = now_mono_ms();
	ck_assert_int_eq(frrvty_show(&v, "ospfd", "show ip ospf json", &out), -ETIMEDOUT);
	ck_assert_int_lt(now_mono_ms() - t0, TB_VTY_SHOW_MS + 1000);
	ck_assert_uint_ge(kept_alive, 2); /* every second while it waited */

	/* within a pass, its budget */
	v.timeout_ms = TB_STEP_MS;
	tb_pass_begin(500);
	t0 = now_mono_ms();
	ck_assert_int_eq(frrvty_show(&v, "ospfd", "show ip ospf json", &out), -ETIMEDOUT);
	ck_assert_int_lt(now_mono_ms() - t0, 1500);
}
END_TEST

/* `systemctl reload frr` that hangs (frr-reload.py stuck): killed and
 * reaped within the bound, and not followed by a restart. */
START_TEST(test_systemctl_hangs)
{
	_cleanup_free_ char *path = NULL, *got = NULL, *log = xasprintf("%s/systemctl.got", tu_tmpdir);
	_cleanup_free_ char *body = xasprintf("echo \"$*\" >>%s; exec sleep 1000", log);
	_cleanup_free_ char *oldpath = xstrdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	_cleanup_free_ char *newpath = xasprintf("%s:%s", tu_tmpdir, oldpath);
	bool restarted = true, reload = access(FRR_RELOAD_SCRIPT, X_OK) == 0;
	long long t0;

	path = script("systemctl", body);
	setenv("PATH", newpath, 1);
	tb_pass_begin(1500);
	t0 = now_mono_ms();
	ck_assert_int_eq(frrdaemons_start(true, &restarted), -ETIMEDOUT);
	ck_assert_int_lt(now_mono_ms() - t0, 2500);
	tb_pass_end();
	ck_assert(restarted == !reload);
	tb_pass_begin(1000);
	ck_assert_int_eq(frrdaemons_start(false, &restarted), -ETIMEDOUT);
	tb_pass_end();
	setenv("PATH", oldpath, 1);
	ck_assert(restarted);
	ck_assert_int_eq(read_file(log, 4096, &got, NULL), 0);
	ck_assert_str_eq(got, reload ? "reload frr.service\nrestart frr.service\n"
	                             : "restart frr.service\nrestart frr.service\n");
}
END_TEST

static Suite *
timebounds_suite(void)
{
	Suite *s = suite_create("timebounds");
	TCase *tc = tcase_create("pure");
	TCase *tw = tcase_create("waits");

	tcase_add_test(tc, test_next_run);
	tcase_add_test(tc, test_churn_floor);
	tcase_add_test(tc, test_health_followups);
	tcase_add_test(tc, test_bounds_fit);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tw, setup, teardown);
	tcase_add_test(tw, test_pass_budget);
	tcase_add_test(tw, test_wait_child_kills);
	tcase_add_test(tw, test_vtysh_hangs);
	tcase_add_test(tw, test_vty_silent);
	tcase_add_test(tw, test_systemctl_hangs);
	tcase_set_timeout(tw, 60);
	suite_add_tcase(s, tw);
	return s;
}

int
main(void)
{
	return tu_run(timebounds_suite());
}
