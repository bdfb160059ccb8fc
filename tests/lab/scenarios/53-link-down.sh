#!/bin/bash
# 53-link-down.sh — issue 15: a cable pulled while the agents run (link-down
# on both ends) and a configured NIC that vanishes (interface-missing, as an
# unplugged Thunderbolt link), each in status.json and the journal, with
# traffic failing over to the other path and coming back.
LAB_MODE=bare
LAB_FRESH=1
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

warned() {  # warned HOST EPOCH IF DIAG: a warning with that diagnosis in the journal
	jhas "$1" "$2" '"PRIORITY":"4"' "\"PROXMESH_INTERFACE\":\"$3\"" "\"PROXMESH_DIAGNOSIS\":\"$4\""
}

agents_start

# 1. The cable pve-1 nic4 <-> pbs nic3 pulled.
t=$(hexec pve-1 date +%s)
ping_start pve-1 cut "$PBS_SERVICE"
sleep 1
"$LAB_DIR/fault" carrier-cut pve-1 nic4 >&2
for end in "pve-1 nic4" "pbs nic3"; do
	read -r h ifn <<<"$end"
	check_within 5 "$h: $ifn link-down in status.json" diagnosis_is "$h" "$ifn" link-down
	check "$h: $ifn link state down in status.json" eval "[[ \$(link_field $h $ifn link) == down ]]"
	check_within 5 "$h: warning link-down for $ifn in the journal" warned "$h" "$t" "$ifn" link-down
done
check_within 5 "pve-1: $PBS_SERVICE via nic3 (through pve-2)" route_via pve-1 "$PBS_SERVICE" nic3
check "pve-1: ping $PBS_SERVICE over the other path" hping pve-1 "$PBS_SERVICE"
"$LAB_DIR/fault" heal pve-1 nic4 >&2
check_within 30 "adjacency Full again after the cable is back" "$LAB_DIR/wait-converged" -t 1
check_within 15 "pve-1: nic4 ok again" diagnosis_is pve-1 nic4 ok
check_within 15 "pve-1: $PBS_SERVICE via nic4 again" route_via pve-1 "$PBS_SERVICE" nic4
read -r g lost sent <<<"$(ping_stop pve-1 cut)"
diag "pve-1 -> $PBS_SERVICE through the cable cut: longest gap $g s, $lost of $sent lost"
# Carrier loss takes the adjacency down at once (measured ~0.1 s here);
# 0.5 s leaves room for a loaded machine, a dead interval (3 s) does not.
check "pve-1: $PBS_SERVICE reachable through the cut (gap $g s, $lost of $sent lost)" \
	reachable "$g" "$lost" "$sent" 0.5 50

# 2. pve-2's nic4 vanishes (its addresses with it), then comes back (another
# link: the changes of the cut above are no part of this one's story).
check_within 30 "all hosts healthy before the NIC goes" healthy_all
t=$(hexec pve-2 date +%s)
ping_start pve-2 gone "$PBS_SERVICE"
sleep 1
"$LAB_DIR/fault" nic-gone pve-2 nic4 >&2
check "pve-2: nic4 no longer exists" eval "! hexec pve-2 ip link show nic4 >/dev/null 2>&1"
check_within 5 "pve-2: nic4 interface-missing in status.json" diagnosis_is pve-2 nic4 interface-missing
check "pve-2: nic4 link state missing in status.json" eval "[[ \$(link_field pve-2 nic4 link) == missing ]]"
check_within 5 "pve-2: warning interface-missing in the journal" warned pve-2 "$t" nic4 interface-missing
check_within 5 "pbs: nic4 link-down (no carrier from the vanished NIC)" diagnosis_is pbs nic4 link-down
check_within 5 "pve-2: $PBS_SERVICE via nic3 (through pve-1)" route_via pve-2 "$PBS_SERVICE" nic3
check "pve-2: agent still active" hexec pve-2 systemctl is-active proxmesh
"$LAB_DIR/fault" heal pve-2 nic4 >&2
# The NIC comes back down and without an address: the agent configures it.
check_within 15 "pve-2: nic4 back with its mesh address" \
	eval "hexec pve-2 ip -o -4 addr show dev nic4 | grep -q ' 192\.168\.103\.'"
check_within 30 "adjacency Full again after the NIC is back" "$LAB_DIR/wait-converged" -t 1
check_within 15 "pve-2: nic4 ok again" diagnosis_is pve-2 nic4 ok
check_within 15 "pve-2: $PBS_SERVICE via nic4 again" route_via pve-2 "$PBS_SERVICE" nic4
check_within 30 "all hosts healthy again" healthy_all
read -r g lost sent <<<"$(ping_stop pve-2 gone)"
diag "pve-2 -> $PBS_SERVICE through the vanished NIC: longest gap $g s, $lost of $sent lost"
check "pve-2: $PBS_SERVICE reachable while the NIC was gone (gap $g s, $lost of $sent lost)" \
	reachable "$g" "$lost" "$sent" 0.5 50
