#!/bin/bash
# 65-confirm.sh — issue 18, changes that undo themselves (DESIGN §13), on
# the PBS (FRR 10.7), pve-2 (10.3) and pve-1 (8.4), agents running:
# - a wrong area on one host with `apply --confirm 20`: its adjacencies
#   drop, the agent goes back to the last confirmed configuration on its
#   own well inside the window, the mesh is whole again; status, plan and
#   the journal say it runs the last confirmed configuration and why, until
#   the file changes;
# - a harmless change not confirmed: back when the time is up (FRR and the
#   saved frr.conf);
# - a change confirmed with `proxmesh confirm`: kept past its window.
LAB_MODE=bare
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

CONF=/etc/proxmesh/proxmesh.conf
REVERTED_MID=468f4f26fceb4c249247afd289787198  # PM_MID_CONFIRM_REVERTED
agents_start

saved_cost_is() {  # the same in /etc/frr/frr.conf
	hexec "$1" awk -v i="$2" -v c="$3" '/^interface / { cur = $2; next } /^[^ ]/ { cur = "" }
		/^ ip ospf cost / && cur == i { got = $4 } END { exit got != c }' /etc/frr/frr.conf ||
		{ echo "$1: frr.conf: $(hexec "$1" grep -A3 "^interface $2" /etc/frr/frr.conf | paste -sd' ')"; return 1; }
}
conf_state() {  # conf_state HOST STATE [TEXT]: status.json's configuration
	status_json "$1" | python3 -c '
import json, sys
c = json.load(sys.stdin).get("configuration") or {}
ok = c.get("state") == sys.argv[1] and sys.argv[2] in (c.get("detail") or "")
sys.exit(0 if ok else print("configuration:", c) or 1)' "$2" "${3:-}"
}
edit() {  # edit HOST SED-EXPRESSION: change HOST's configuration file
	hexec "$1" sed -i "$2" "$CONF"
}
restore() {  # HOST: the lab's configuration again, reloaded
	hexec "$1" sh -c "cat >$CONF" <"$LAB_DIR/proxmesh.conf"
	hexec "$1" systemctl reload proxmesh
}
areas_are() {  # areas_are HOST AREA: every mesh interface of HOST in AREA
	local got
	got=$(hexec "$1" vtysh -c 'show running-config' | awk '/^ ip ospf area / { print $4 }' | sort -u | paste -sd,)
	[[ $got == "$2" ]] || { echo "$1: areas $got"; return 1; }
}

for h in "${HOSTS[@]}"; do
	check "$h: the agent keeps the configuration it loaded as the confirmed one" \
		hexec "$h" cmp -s "$CONF" /var/lib/proxmesh/confirmed.conf
done

# 1. A wrong area on the PBS alone (FRR 10.7): every adjacency it has goes.
t=$(hexec pbs date +%s)
edit pbs 's/^area = 0.0.0.0/area = 0.0.0.1/'
t0=$(date +%s%3N)
check "pbs: apply --confirm 20 with a wrong area exits 0" hexec pbs proxmesh apply --confirm 20
check "pbs: FRR has the wrong area" areas_are pbs 0.0.0.1
check "pbs: the change is held" conf_state pbs holding "proxmesh confirm keeps it"
check_within 25 "pbs: back to the last confirmed configuration: every adjacency was lost" \
	jhas pbs "$t" "\"MESSAGE_ID\":\"$REVERTED_MID\"" '"PRIORITY":"4"' 'lost every adjacency it had'
check_within 20 "pbs: FRR back in area 0.0.0.0" areas_are pbs 0.0.0.0
check_within 30 "mesh converged again" "$LAB_DIR/wait-converged" -t 1
ms=$(( $(date +%s%3N) - t0 ))
check "the mesh is whole again within the 20 s window ($ms ms after the apply)" eval "((ms < 20000))"
check "pbs: frr.conf saved with area 0.0.0.0" eval "! hexec pbs grep -q 'area 0.0.0.1' /etc/frr/frr.conf"
check_within 10 "pbs: status says reverted, and why" conf_state pbs reverted "lost every adjacency"
check "pbs: proxmesh status shows it" eval "hexec pbs proxmesh status | grep -q '^config: *reverted: it lost every adjacency'"
planout=$(hexec pbs proxmesh plan 2>&1) && rc=0 || rc=$?
check "pbs: plan exits 0 against the confirmed configuration, and says so (exit $rc)" \
	eval "[[ $rc == 0 && \$planout == *'runs the last confirmed configuration'* ]]"
check_within 30 "pbs: healthy again" hexec pbs proxmesh status
restore pbs
check_within 10 "pbs: the file changed and reloaded: in force again" conf_state pbs file
check "pbs: ... and said so" jhas pbs "$t" 'in force again'
check "pbs: reverted.json gone" eval "! hexec pbs test -e /var/lib/proxmesh/reverted.json"

# 2. A harmless change not confirmed in time (pve-2, FRR 10.3): nic3's cost.
t=$(hexec pve-2 date +%s)
edit pve-2 '/^\[node pve-2\]/,/^\[/ s/^link = pve-1 nic3 cost 200/link = pve-1 nic3 cost 150/'
check "pve-2: apply --confirm 8 (cost 150 on nic3)" hexec pve-2 proxmesh apply --confirm 8
check "pve-2: FRR has cost 150" cost_is pve-2 nic3 150
check_within 20 "pve-2: no confirmation in 8 s: back" \
	jhas pve-2 "$t" "\"MESSAGE_ID\":\"$REVERTED_MID\"" 'no proxmesh confirm within 8 s'
check_within 10 "pve-2: FRR back to cost 200" cost_is pve-2 nic3 200
check_within 5 "pve-2: frr.conf back to cost 200" saved_cost_is pve-2 nic3 200
check "pve-2: status says reverted, no confirmation" conf_state pve-2 reverted "no proxmesh confirm within 8 s"
restore pve-2
check_within 10 "pve-2: in force again after the file changed" conf_state pve-2 file

# The agent stopped during a hold and started after its deadline (a host
# fenced by a bad change boots again): back at once, never confirmed.
t=$(hexec pve-2 date +%s)
edit pve-2 '/^\[node pve-2\]/,/^\[/ s/^link = pve-1 nic3 cost 200/link = pve-1 nic3 cost 150/'
check "pve-2: apply --confirm 3 (cost 150 on nic3)" hexec pve-2 proxmesh apply --confirm 3
hexec pve-2 systemctl stop proxmesh
sleep 4
hexec pve-2 systemctl start proxmesh
check_within 10 "pve-2: started past the deadline: back to the confirmed configuration" \
	jhas pve-2 "$t" "\"MESSAGE_ID\":\"$REVERTED_MID\"" 'no proxmesh confirm within 3 s'
check_within 10 "pve-2: FRR back to cost 200" cost_is pve-2 nic3 200
check "pve-2: confirmed.conf still the lab's" eval "hexec pve-2 grep -q 'link = pve-1 nic3 cost 200' /var/lib/proxmesh/confirmed.conf"
restore pve-2
check_within 10 "pve-2: in force again" conf_state pve-2 file

# 3. The same kind of change confirmed (pve-1, FRR 8.4).
t=$(hexec pve-1 date +%s)
edit pve-1 '/^\[node pve-1\]/,/^\[/ s/^link = pve-2 nic3 cost 200/link = pve-2 nic3 cost 150/'
check "pve-1: apply --confirm 10 (cost 150 on nic3)" hexec pve-1 proxmesh apply --confirm 10
check "pve-1: proxmesh confirm" eval "hexec pve-1 proxmesh confirm | grep -q confirmed"
check "pve-1: confirmed.conf holds the change" hexec pve-1 grep -q 'link = pve-2 nic3 cost 150' /var/lib/proxmesh/confirmed.conf
sleep 12
check "pve-1: kept past its window: FRR has cost 150" cost_is pve-1 nic3 150
check "pve-1: status says the file is in force" conf_state pve-1 file
check "pve-1: no going back logged" jnone pve-1 "$t" "\"MESSAGE_ID\":\"$REVERTED_MID\""
check "pve-1: confirm again: nothing waits" eval "hexec pve-1 proxmesh confirm | grep -q 'nothing waits'"
restore pve-1
check_within 10 "pve-1: back to the lab's cost" cost_is pve-1 nic3 200

check_within 30 "mesh converged at the end" "$LAB_DIR/wait-converged" -t 1
for h in "${HOSTS[@]}"; do
	check "$h: plan exits 0 at the end" hexec "$h" proxmesh plan
done
