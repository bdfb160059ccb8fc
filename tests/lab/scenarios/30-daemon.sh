#!/bin/bash
# 30-daemon.sh — issues 6 and 7: the .deb installed in every host (Debian 12
# and 13), `systemctl enable --now proxmesh`, health reported to journald,
# the status file and `proxmesh status`; reload, crash, watchdog, upgrade.
LAB_MODE=bare
LAB_LANE=1  # tests/meson.build runs the lab in two lanes side by side
LAB_FRESH=1  # whatever earlier scenarios left in a reused lab (agents, FRR state) stays out
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

conf=/etc/proxmesh/proxmesh.conf
debdir=$STATE/deb
build_deb() {  # build_deb VERSION → path of the .deb
	local v=$1 out
	out=$(DEB_BUILD_OPTIONS=nocheck "$SRC_DIR/packaging/build-deb" --version "$v" \
		--output "$debdir/$v" 2>>"$debdir/build.log" | tail -n 1)
	[[ -f $out ]] || die "package build failed: see $debdir/build.log"
	printf '%s' "$out"
}
mainpid() { hexec "$1" systemctl show -p MainPID --value proxmesh; }
hnow() { hexec "$1" date +%s.%N; }  # for journalctl --since @…, to the ns
status_ok() { hexec "$1" proxmesh status >/dev/null; }
status_is() {
	local j
	j=$(status_json "$1")
	[[ $j =~ \"health\":\ *\"$2\" ]]
}

mkdir -p "$debdir"
deb1=$(build_deb 0.1.0)
check "package built: $(basename "$deb1")" test -f "$deb1"
"$LAB_DIR/install" --deb "$deb1" >&2
for h in "${HOSTS[@]}"; do
	check "$h: package installed with dpkg" eval "hexec $h dpkg -s proxmesh | grep -q '^Status: install ok installed'"
	check "$h: systemctl enable --now proxmesh" hexec "$h" systemctl enable --now proxmesh
done
check_within 90 "mesh converged under the agents" "$LAB_DIR/wait-converged" -t 1
for h in "${HOSTS[@]}"; do
	check_within 30 "$h: proxmesh status exits 0 (healthy)" status_ok "$h"
	check "$h: systemctl status shows the health summary" \
		eval "t=\$(hexec $h systemctl status proxmesh --no-pager) && [[ \$t == *'Status: \"healthy: '* ]]"
	check "$h: journal shows the start and the first reconcile" \
		eval "t=\$(hexec $h journalctl -u proxmesh -q --no-pager -o cat) &&
		      [[ \$t == *'proxmesh 0.1.0 starting'* && \$t == *'reconcile: converged'* ]]"
	check "$h: status file world-readable" \
		eval "[[ \$(hexec $h stat -c %a /run/proxmesh/status.json) == 644 ]]"
done
check "pve-1: systemd-analyze verify proxmesh.service" \
	hexec pve-1 systemd-analyze verify proxmesh.service
for h in pve-1 pve-2; do
	diag "$h: $(hexec "$h" systemd-analyze security proxmesh --no-pager 2>/dev/null | tail -n 1)"
done

# Steady state: nothing in the journal for 35 s (a whole reconcile
# interval, seven health polls, three API polls).
t=$(hnow pve-1)
sleep 35
for h in "${HOSTS[@]}"; do
	check "$h: no journal entry from proxmesh in 35 s of steady state" jnone "$h" "$t"
done

# Silent cut of pve-1 nic4: a warning within 1 s (BFD) on both ends. BFD
# can only be that fast when its session is up on both ends beforehand.
for end in "pve-1 nic4" "pbs nic3"; do
	read -r h ifn <<<"$end"
	check "$h: BFD up on $ifn before the cut ($(link_field "$h" "$ifn" bfd))" \
		eval "[[ \$(link_field $h $ifn bfd) == up ]]"
	diag "$h: $(hexec "$h" vtysh -c 'show bfd peers brief' | tail -n +2)"
done
sleep 1
t=$(hnow pve-1)
t_ms=$(date +%s%3N)
"$LAB_DIR/fault" silent-cut pve-1 nic4 >&2
# The cut is in place when `fault` returns, at the latest: on a loaded
# machine the script alone takes half a second, no part of the agent's delay.
t_cut=$(date +%s%3N)
for end in "pve-1 pbs nic4" "pbs pve-1 nic3"; do
	read -r h peer ifn <<<"$end"
	check_within 5 "$h: warning cable-or-nic for $peer/$ifn" \
		jhas "$h" "$t" '"PRIORITY":"4"' "\"PROXMESH_PEER\":\"$peer\"" \
		"\"PROXMESH_INTERFACE\":\"$ifn\"" '"PROXMESH_DIAGNOSIS":"cable-or-nic"'
	# The delay from the cut to the entry, from the entry's own timestamp.
	us=$(jsince "$h" "$t" | grep '"PROXMESH_DIAGNOSIS":"cable-or-nic"' | head -n 1 |
		sed -n 's/.*"__REALTIME_TIMESTAMP":"\([0-9]*\)".*/\1/p' || true)
	ms=$(( ${us:-0} / 1000 - t_cut ))
	# (Until 2026-12-02 one end warned 3-5 s late in one run in five: the
	# other end's flooding had moved its routes before its own BFD
	# decided, which then changed no route, and only route changes made
	# the agent look before its 5 s poll. It now looks again once BFD
	# must have decided: tb_health_followups.)
	check "$h: the warning came within 1 s of the cut, through BFD ($ms ms; $(( ${us:-0} / 1000 - t_ms )) ms from the start of \`fault\`, which took $((t_cut - t_ms)) ms)" \
		eval "((${us:-0} / 1000 > t_ms && ms < 1000))"
	if ((ms >= 1000)); then  # what the host saw meanwhile, for the diagnosis
		diag "$(jsince "$h" "$t" | jshow)"
		diag "$(hexec "$h" journalctl -u frr --since "@$t" -o short-precise -q --no-pager | tail -n 20)"
	fi
done
check_within 10 "pve-1: status degraded" status_is pve-1 degraded
check "pve-1: 192.168.103.254 reachable via nic3, not preferred" \
	eval "status_json pve-1 | python3 -c '
import json, sys
d = [x for x in json.load(sys.stdin)[\"destinations\"] if x[\"node\"] == \"pbs\"][0]
sys.exit(not (d[\"reachable\"] and d[\"via\"] == \"nic3\" and not d[\"preferred\"]))'"
check "pve-1: proxmesh status exits 1 while degraded" eval "! hexec pve-1 proxmesh status >/dev/null"
t=$(hnow pve-1)
"$LAB_DIR/fault" heal pve-1 nic4 >&2
check_within 15 "pve-1: info entry when the link recovers" \
	jhas pve-1 "$t" '"PRIORITY":"6"' '"PROXMESH_INTERFACE":"nic4"' '"PROXMESH_DIAGNOSIS":"ok"'
check_within 20 "pve-1: healthy again" status_ok pve-1

# journalctl -x explains the event from the catalog.
check "pve-1: journalctl -x shows proxmesh's catalog entry for the cut" \
	catalog_shown pve-1 "Mesh link nic4 to pbs: no adjacency, check cable or NIC"

# Peer down: the PBS's FRR stops (the PBS is external: judged by OSPF alone).
t=$(hnow pve-1)
"$LAB_DIR/fault" frr-stop pbs >&2
for h in "${PVE_HOSTS[@]}"; do
	check_within 15 "$h: notice peer-offline for pbs" \
		jhas "$h" "$t" '"PRIORITY":"5"' '"PROXMESH_PEER":"pbs"' '"PROXMESH_DIAGNOSIS":"peer-offline"'
	check_within 15 "$h: broken (192.168.103.254 unreachable)" status_is "$h" broken
done
"$LAB_DIR/fault" frr-start pbs >&2
check_within 60 "mesh back after the PBS's FRR starts" "$LAB_DIR/wait-converged" -t 1
check_within 30 "pve-1: healthy again" status_ok pve-1

# FRR stopped on a host: unknown, then healthy without restarting proxmesh.
pid=$(mainpid pve-2)
"$LAB_DIR/fault" frr-stop pve-2 >&2
check_within 15 "pve-2: health unknown while FRR is stopped" status_is pve-2 unknown
"$LAB_DIR/fault" frr-start pve-2 >&2
check_within 60 "pve-2: healthy again after FRR starts" status_ok pve-2
check "pve-2: the same proxmesh process throughout" eval "[[ \$(mainpid pve-2) == $pid ]]"

# Reload: a valid change is applied live; a broken file is logged and ignored.
for h in "${PVE_HOSTS[@]}"; do
	hexec "$h" sed -i 's/^link = \(pve-[12]\) nic3 cost 200/link = \1 nic3 cost 150/' "$conf"
	hexec "$h" systemctl reload proxmesh
done
for h in "${PVE_HOSTS[@]}"; do
	check_within 10 "$h: reload applied the new cost live" \
		eval "hexec $h vtysh -c 'show running-config' | grep -q 'ip ospf cost 150'"
done
t=$(hnow pve-1)
hexec pve-1 cp "$conf" /tmp/good.conf
hexec pve-1 sh -c "echo 'bogus = 1' >>$conf"
hexec pve-1 systemctl reload proxmesh
check_within 10 "pve-1: broken file on reload is logged with file:line" \
	jhas pve-1 "$t" 'proxmesh.conf:' 'keeping the previous configuration'
check "pve-1: agent still active after a broken reload" hexec pve-1 systemctl is-active proxmesh
hexec pve-1 cp /tmp/good.conf "$conf"
for h in "${PVE_HOSTS[@]}"; do
	hexec "$h" sed -i 's/^link = \(pve-[12]\) nic3 cost 150/link = \1 nic3 cost 200/' "$conf"
	hexec "$h" systemctl reload proxmesh
done

# One applying pass at a time (RUN_DIR/reconcile.lock, held here by flock
# as a stand-in): apply waits for it; the agent, told to reload meanwhile,
# tries again a second later without logging a failure.
t=$(hnow pve-1)
said=$(hexec pve-1 sh -c 'flock /run/proxmesh/reconcile.lock sleep 3 & sleep 0.3
	systemctl reload proxmesh; proxmesh apply 2>&1') && rc=0 || rc=$?
check "pve-1: apply waits while another pass holds the lock (exit $rc)" \
	eval "[[ $rc == 0 && \$said == *'waiting for another pass'* ]]"
check "pve-1: the agent logged no failure while the lock was held" jnone pve-1 "$t" 'reconcile failed'

# A change that resets adjacencies, by every agent at once (the dead
# interval): each bridges its neighbours' loopbacks over the links until
# OSPF has settled, then takes the bridges away on its own.
t=$(hnow pve-1)
ping_start pve-1 dead "$PBS_SERVICE"
# At once: one after the other, on a loaded machine the last reload came
# more than a dead interval after the first (nsenter alone takes up to a
# second), and the first host's neighbours dropped it before they bridged.
for h in "${HOSTS[@]}"; do
	hexec "$h" sed -i 's/^dead-interval = 3$/dead-interval = 4/' "$conf" &
done
wait
for h in "${HOSTS[@]}"; do hexec "$h" systemctl reload proxmesh & done
wait
check_within 30 "pve-1: the agent bridged $PBS_SERVICE and removed the bridge once OSPF settled" \
	jhas pve-1 "$t" "bridge $PBS_SERVICE/32 removed: OSPF carries it"
check_within 30 "mesh converged with dead interval 4" "$LAB_DIR/wait-converged" -t 1
for h in "${HOSTS[@]}"; do check_within 25 "$h: no bridge left by the agent" no_bridge "$h"; done
read -r g lost sent <<<"$(ping_stop pve-1 dead)"
check "pve-1: $PBS_SERVICE reachable throughout the change (longest gap $g s, $lost of $sent lost)" \
	reachable "$g" "$lost" "$sent" 0.2 20
for h in "${HOSTS[@]}"; do
	hexec "$h" sed -i 's/^dead-interval = 4$/dead-interval = 3/' "$conf"
	hexec "$h" systemctl reload proxmesh
done
check_within 30 "mesh converged with dead interval 3 again" "$LAB_DIR/wait-converged" -t 1
for h in "${HOSTS[@]}"; do check_within 25 "$h: no bridge left" no_bridge "$h"; done

# A bridge OSPF cannot replace (to an address nobody routes) is kept and
# said once, not on every pass.
t=$(hnow pve-1)
hexec pve-1 ip route add 192.168.103.250/32 via 192.168.103.6 dev nic4 table 32700
hexec pve-1 ip rule add to 192.168.103.250/32 lookup 32700 pref 32700
hexec pve-1 systemctl reload proxmesh
check_within 10 "pve-1: the agent warns about a bridge OSPF does not replace" \
	jhas pve-1 "$t" "1 bridge kept: OSPF does not route its loopback"
hexec pve-1 systemctl reload proxmesh
sleep 2
n=$(jsince pve-1 "$t" | grep -c 'bridge kept' || true)
check "pve-1: ... once, not on every pass ($n)" test "$n" -eq 1
check "pve-1: ... and keeps it" eval "! no_bridge pve-1"
hexec pve-1 ip rule del to 192.168.103.250/32 lookup 32700 pref 32700
hexec pve-1 ip route del 192.168.103.250/32 table 32700

# Drift made by hand is repaired by the periodic pass, which reads FRR
# through vtysh only when a daemon's running configuration changed.
hexec pve-1 vtysh -c 'configure terminal' -c 'interface nic3' -c 'ip ospf cost 77' >/dev/null
check_within 45 "pve-1: drift made by hand through vtysh repaired by the daemon" \
	eval "t=\$(hexec pve-1 vtysh -c 'show running-config') && [[ \$t == *'ip ospf cost 200'* && \$t != *'ip ospf cost 77'* ]]"

# kill -9: systemd restarts the agent; the mesh does not notice.
up0=$(nbr_uptime pve-1 nic4)
pid=$(mainpid pve-1)
hexec pve-1 kill -9 "$pid"
check_within 10 "pve-1: systemd restarted the agent after kill -9" \
	eval "p=\$(mainpid pve-1); [[ \$p != 0 && \$p != $pid ]]"
check "pve-1: adjacency on nic4 not reset by the crash" \
	eval "[[ \$(nbr_uptime pve-1 nic4) -gt $up0 ]]"

# Watchdog: a stalled agent is restarted. The unit's 60 s made this wait
# 30-60 s; a drop-in of 10 s shows the same mechanism (the agent reads
# WATCHDOG_USEC at start) in a fifth of it. Restarting the agent does not
# touch the mesh.
dropin=/run/systemd/system/proxmesh.service.d/pmlab-watchdog.conf
hexec pve-2 sh -c "mkdir -p ${dropin%/*} && printf '[Service]\nWatchdogSec=10s\n' >$dropin &&
	systemctl daemon-reload && systemctl restart proxmesh"
check_within 30 "pve-2: agent ready with WatchdogSec=10s" \
	eval "[[ \$(hexec pve-2 systemctl show -p WatchdogUSec --value proxmesh) == 10s ]] &&
		hexec pve-2 systemctl is-active -q proxmesh"
pid=$(mainpid pve-2)
hexec pve-2 kill -STOP "$pid"
check_within 25 "pve-2: watchdog restarted the stalled agent" \
	eval "p=\$(mainpid pve-2); [[ \$p != 0 && \$p != $pid ]]"
hexec pve-2 sh -c "rm -f $dropin && systemctl daemon-reload && systemctl restart proxmesh"

# Upgrade: a higher version restarts the agent without an adjacency flap.
deb2=$(build_deb 0.1.1)
declare -A up
for h in "${HOSTS[@]}"; do up[$h]=$(nbr_uptime "$h" nic3); done
for h in "${HOSTS[@]}"; do
	pid=$(mainpid "$h")
	cp "$deb2" "$(hroot "$h")/tmp/proxmesh2.deb"
	check "$h: upgrade to 0.1.1 with dpkg" eval "hexec $h dpkg -i /tmp/proxmesh2.deb >/dev/null 2>&1"
	check "$h: agent restarted by the upgrade" eval "p=\$(mainpid $h); [[ \$p != 0 && \$p != $pid ]]"
done
for h in "${HOSTS[@]}"; do
	check "$h: no adjacency flap during the upgrade" \
		eval "[[ \$(nbr_uptime $h nic3) -gt ${up[$h]} ]]"
done

# Flap storm: a link cut and healed every second for a minute.
pid=$(mainpid pve-1)
rss0=$(hexec pve-1 awk '/VmRSS/ { print $2 }' "/proc/$pid/status")
t=$(hnow pve-1)
for ((i = 0; i < 30; i++)); do
	"$LAB_DIR/fault" silent-cut pve-1 nic4 >/dev/null; sleep 1
	"$LAB_DIR/fault" heal pve-1 nic4 >/dev/null; sleep 1
done
n=$(jsince pve-1 "$t" | wc -l)
rss1=$(hexec pve-1 awk '/VmRSS/ { print $2 }' "/proc/$pid/status")
check "pve-1: agent stayed up through the flap storm" eval "[[ \$(mainpid pve-1) == $pid ]]"
check "pve-1: bounded journal during the storm ($n entries for 60 state changes)" eval "((n < 40))"
check "pve-1: memory flat through the storm (${rss0} -> ${rss1} kB)" eval "((rss1 - rss0 < 1024))"
check_within 60 "mesh converged after the storm" "$LAB_DIR/wait-converged" -t 1

# MTU mismatch: mtu = 9000 everywhere, then pve-2's end forced to 1500.
for h in "${HOSTS[@]}"; do
	hexec "$h" sed -i 's/^\[mesh\]$/[mesh]\nmtu = 9000/' "$conf"
	hexec "$h" systemctl reload proxmesh
done
check_within 20 "pve-1: nic3 at MTU 9000" eval "hexec pve-1 ip link show nic3 | grep -q 'mtu 9000'"
hexec pve-2 systemctl stop proxmesh
hexec pve-2 ip link set nic3 mtu 1500
for h in "${PVE_HOSTS[@]}"; do hexec "$h" vtysh -c 'clear ip ospf process' >/dev/null; done
check_within 40 "pve-1 (larger MTU) diagnoses mtu-mismatch on nic3" \
	eval "[[ \$(status_json pve-1) =~ \\\"diagnosis\\\":\\ *\\\"mtu-mismatch\\\" ]]"
hexec pve-2 systemctl start proxmesh
check_within 60 "mesh converged once pve-2's agent restores the MTU" "$LAB_DIR/wait-converged" -t 1
