#!/bin/bash
# 31-hang.sh — issue 14 "Time": a step of a pass that hangs does not get the
# agent killed by its watchdog (WatchdogSec=60s). On pve-1, a frr-reload.py
# that hangs (behind `systemctl reload frr`, when bfdd is newly enabled) and
# then a vtysh that hangs (a route-map line drifted, which goes through
# vtysh): each is killed after its bound, the journal names the step, no
# watchdog restart, status.json keeps being updated, the mesh keeps
# working, and the host converges once the wrapper is gone.
LAB_MODE=bare
LAB_LANE=1  # tests/meson.build runs the lab in two lanes side by side
# bfdd must not run yet: the lab a scenario before left may have it
LAB_FRESH=1
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

conf=/etc/proxmesh/proxmesh.conf
hnow() { hexec "$1" date +%s; }
jsince() { hexec "$1" journalctl -u proxmesh --since "@$2" -q --no-pager -o cat 2>/dev/null || true; }
jhas() { [[ $(jsince "$1" "$2") == *"$3"* ]]; }
restarts() { hexec "$1" systemctl show -p NRestarts --value proxmesh; }
updated() { hexec "$1" sed -n 's/.*"updated": *"\([^"]*\)".*/\1/p' /run/proxmesh/status.json; }
# The longest time (s) status.json's "updated" stayed the same, sampled
# every second for SECS seconds.
status_stall() {  # status_stall HOST SECS
	local h=$1 n=$2 i u prev='' same=0 worst=0
	for ((i = 0; i < n; i++)); do
		u=$(updated "$h")
		if [[ $u == "$prev" ]]; then same=$((same + 1)); else same=0; fi
		((same > worst)) && worst=$same
		prev=$u
		sleep 1
	done
	echo "$worst"
}
no_watchdog_kill() {
	[[ $(restarts "$1") == 0 ]] &&
		! hexec "$1" journalctl -u proxmesh -q --no-pager | grep -qi 'watchdog timeout'
}
# wrap HOST PATH BODY: PATH becomes a script running BODY (the real one kept
# as PATH.real); unwrap HOST PATH puts it back.
wrap() {
	hexec "$1" sh -c "mv $2 $2.real && printf '#!/bin/sh\n%s\n' '$3' >$2 && chmod 755 $2"
}
unwrap() { hexec "$1" sh -c "[ -e $2.real ] && mv -f $2.real $2 || true"; }
# mesh_ok HOST NAME: the ping NAME (ping_start) got answers all along.
mesh_ok() {
	local g n
	g=$(ping_gap "$1" "$2")
	n=$(hexec "$1" grep -c 'bytes from' "/tmp/$2.ping" || true)
	check "$1: $PBS_SERVICE reachable throughout ($n replies, longest gap $g s)" \
		eval "((n > 100)) && awk -v g=$g 'BEGIN { exit !(g < 1) }'"
}
vtysh_real() { hexec pve-1 sh -c "if [ -e /usr/bin/vtysh.real ]; then exec /usr/bin/vtysh.real \"\$@\"; else exec vtysh \"\$@\"; fi" sh "$@"; }

# Every host runs the agent, without BFD at first.
sed 's/^bfd = yes$/bfd = no/' "$LAB_DIR/proxmesh.conf" >"$STATE/hang.conf"
PROXMESH_CONF=$STATE/hang.conf "$LAB_DIR/install" >&2
for h in "${HOSTS[@]}"; do
	check "$h: systemctl enable --now proxmesh" hexec "$h" systemctl enable --now proxmesh
done
check_within 90 "mesh converged under the agents (no BFD)" "$LAB_DIR/wait-converged" -t 1
check_within 30 "pve-1: healthy" hexec pve-1 proxmesh status
check "pve-1: bfdd not running" eval "! hexec pve-1 pgrep -x bfdd >/dev/null"

# 1. frr-reload.py hangs: bfdd newly enabled needs `systemctl reload frr`.
# It hangs until released, then does its work: killing it would leave
# frr.service without its main process (the reload replaced watchfrr), and
# systemd would stop FRR.
wrap pve-1 /usr/lib/frr/frr-reload.py \
	'echo $$ >/run/pmlab-hang.pid; while [ ! -e /run/pmlab-hang.release ]; do sleep 0.2; done; exec /usr/lib/frr/frr-reload.py.real "$@"'
t=$(hnow pve-1)
ping_start pve-1 hang1 "$PBS_SERVICE"
for h in "${HOSTS[@]}"; do
	hexec "$h" sed -i 's/^bfd = no$/bfd = yes/' "$conf"
	hexec "$h" systemctl reload proxmesh
done
stall=$(status_stall pve-1 45)
check "pve-1: status.json updated while systemctl reload frr hung (longest stall ${stall} s)" \
	eval "((stall <= 7))"
check "pve-1: the journal names the stuck step" \
	jhas pve-1 "$t" 'systemctl reload frr did not finish in 30 s'
check "pve-1: no watchdog restart (NRestarts $(restarts pve-1))" no_watchdog_kill pve-1
mesh_ok pve-1 hang1
check "pve-1: the agent is active" hexec pve-1 systemctl is-active -q proxmesh
# The hung reload is released and finishes; the wrapper goes.
hexec pve-1 sh -c 'touch /run/pmlab-hang.release; p=$(cat /run/pmlab-hang.pid)
	for i in $(seq 100); do kill -0 $p 2>/dev/null || break; sleep 0.2; done
	rm -f /run/pmlab-hang.pid /run/pmlab-hang.release'
unwrap pve-1 /usr/lib/frr/frr-reload.py
check "pve-1: frr.service active after the reload" hexec pve-1 systemctl is-active -q frr
check_within 60 "pve-1: converged with bfdd once the wrapper is gone" \
	eval "hexec pve-1 pgrep -x bfdd >/dev/null && hexec pve-1 proxmesh plan >/dev/null"
check_within 60 "mesh converged with BFD" "$LAB_DIR/wait-converged" -t 1
check_within 30 "pve-1: healthy again" hexec pve-1 proxmesh status

# 2. vtysh hangs: the route-map line zebra takes (`ip protocol ospf
# route-map`) drifted away, and it goes through vtysh.
t=$(hnow pve-1)
wrap pve-1 /usr/bin/vtysh 'exec sleep 1000'
vtysh_real -c 'configure terminal' -c "no ip protocol ospf route-map proxmesh-src" >/dev/null
ping_start pve-1 hang2 "$PBS_SERVICE"
hexec pve-1 systemctl reload proxmesh
# A cable pulled while the pass hangs is reported as fast as between passes
# (the loop is blocked, netlink is still read): twice, each time 1 s into a
# hung vtysh that is still running when the warning comes.
for round in 1 2; do
	check_within 20 "pve-1: a pass hangs in vtysh (round $round)" \
		eval "hexec pve-1 pgrep -n -x -f 'sleep 1000' >/dev/null"
	hung=$(hexec pve-1 pgrep -n -x -f 'sleep 1000')
	sleep 1
	t0=$(us_now)
	"$LAB_DIR/fault" carrier-cut pve-1 nic3 >&2
	check_within 8 "pve-1: nic3 link-down in the journal during the hung pass (round $round)" \
		eval "[[ -n \$(entries pve-1 $t0 '' 4 nic3) ]]"
	late=$(hexec pve-1 journalctl -u proxmesh -o json -q --no-pager --since "@$((t0 / 1000000))" |
		python3 -c '
import json, sys
t0 = int(sys.argv[1])
for line in sys.stdin:
    e = json.loads(line)
    if e.get("PROXMESH_INTERFACE") == "nic3" and e.get("PROXMESH_DIAGNOSIS") == "link-down" \
            and int(e["__REALTIME_TIMESTAMP"]) >= t0:
        print(int(e["__REALTIME_TIMESTAMP"]) - t0); break' "$t0")
	check "pve-1: the hung vtysh still ran when the warning came (pid $hung)" \
		hexec pve-1 kill -0 "$hung"
	diag "pve-1: carrier cut to warning during a hung pass: ${late:-none} us"
	# 5 s is the health poll interval a blocked loop fell back to
	check "pve-1: link-down warned within 1 s of the cut (${late:-none} us)" \
		eval "[[ -n '$late' ]] && ((late <= 1000000))"
	"$LAB_DIR/fault" heal pve-1 nic3 >&2
	# the next round in the next hung vtysh
	check_within 30 "pve-1: the hung vtysh of round $round was killed" \
		eval "! hexec pve-1 kill -0 $hung 2>/dev/null"
done
stall=$(status_stall pve-1 20)
check "pve-1: status.json updated while vtysh hung (longest stall ${stall} s)" eval "((stall <= 7))"
check "pve-1: the journal names the stuck step" \
	jhas pve-1 "$t" 'did not finish in 10 s'
diag "pve-1: $(jsince pve-1 "$t" | grep 'did not finish' | head -n 2)"
check "pve-1: no watchdog restart (NRestarts $(restarts pve-1))" no_watchdog_kill pve-1
mesh_ok pve-1 hang2
unwrap pve-1 /usr/bin/vtysh
check_within 60 "pve-1: the route-map line is back once vtysh works" \
	eval "hexec pve-1 vtysh -c 'show running-config' | grep -q 'ip protocol ospf route-map proxmesh-src'"
check_within 30 "pve-1: converged (plan exit 0)" hexec pve-1 proxmesh plan
check "pve-1: every hung vtysh was killed (none left)" \
	eval "! hexec pve-1 sh -c 'ps -eo args | grep -qx \"sleep 1000\"'"
check_within 30 "pve-1: healthy" hexec pve-1 proxmesh status
check "pve-1: the agent logged the repair" \
	jhas pve-1 "$t" 'reconcile: applied 1 FRR command'
check "pve-1: still no watchdog restart (NRestarts $(restarts pve-1))" no_watchdog_kill pve-1

for h in "${HOSTS[@]}"; do hexec "$h" systemctl disable --now proxmesh >/dev/null 2>&1; done
