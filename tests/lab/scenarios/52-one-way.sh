#!/bin/bash
# 52-one-way.sh — issue 15: traffic lost in one direction only on one link
# (pve-1 nic4 -> pbs nic3; pve-1 still hears the PBS). pve-1, which sees the
# PBS's hellos without being heard, says one-way; the PBS, which hears
# nothing, says cable-or-nic; traffic takes the other links; both recover.
LAB_MODE=bare
LAB_FRESH=1
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

agents_start

t=$(hexec pve-1 date +%s)
ping_start pve-1 oneway "$PBS_SERVICE"
ping_start pve-2 oneway 192.168.102.1
sleep 1
"$LAB_DIR/fault" one-way pve-1 nic4 >&2
diag "$("$LAB_DIR/fault" show)"
# OSPF holds a neighbour in Init for 3 dead intervals before it counts as
# stuck; 9 s here, then one health poll.
check_within 30 "pve-1 (hears the PBS, is not heard): nic4 one-way in status.json" \
	diagnosis_is pve-1 nic4 one-way
check "pve-1: adjacency on nic4 stuck in init" eval "[[ \$(link_field pve-1 nic4 adjacency) == init ]]"
check_within 10 "pbs (hears nothing from pve-1): nic3 cable-or-nic in status.json" \
	diagnosis_is pbs nic3 cable-or-nic
check_within 5 "pve-1: warning one-way in the journal" \
	jhas pve-1 "$t" '"PRIORITY":"4"' '"PROXMESH_INTERFACE":"nic4"' '"PROXMESH_DIAGNOSIS":"one-way"'
check_within 5 "pbs: warning cable-or-nic in the journal" \
	jhas pbs "$t" '"PRIORITY":"4"' '"PROXMESH_INTERFACE":"nic3"' '"PROXMESH_DIAGNOSIS":"cable-or-nic"'
check "pve-1: $PBS_SERVICE now via nic3 (pve-2)" route_via pve-1 "$PBS_SERVICE" nic3
check "pbs: pve-1's loopback now via nic4 (pve-2)" route_via pbs 192.168.102.1 nic4
check "pve-1: ping $PBS_SERVICE during the fault" hping pve-1 "$PBS_SERVICE"
check "pve-1: status degraded, exit 1" eval "! hexec pve-1 proxmesh status >/dev/null"

t=$(hexec pve-1 date +%s)
"$LAB_DIR/fault" heal pve-1 nic4 >&2
check_within 30 "adjacency Full again after heal" "$LAB_DIR/wait-converged" -t 1
check_within 15 "pve-1: nic4 ok again in status.json" diagnosis_is pve-1 nic4 ok
check_within 15 "pbs: nic3 ok again in status.json" diagnosis_is pbs nic3 ok
check_within 15 "pve-1: info entry when the link recovers" \
	jhas pve-1 "$t" '"PRIORITY":"6"' '"PROXMESH_INTERFACE":"nic4"' '"PROXMESH_DIAGNOSIS":"ok"'
check_within 15 "pve-1: $PBS_SERVICE via nic4 again" route_via pve-1 "$PBS_SERVICE" nic4
check_within 30 "all hosts healthy again" healthy_all
read -r g lost sent <<<"$(ping_stop pve-1 oneway)"
diag "pve-1 -> $PBS_SERVICE through the fault: longest gap $g s, $lost of $sent lost"
# BFD (3 x 100 ms) takes the adjacency down; OSPF moves the route.
check "pve-1: $PBS_SERVICE reachable through the fault (gap $g s, $lost of $sent lost)" \
	reachable "$g" "$lost" "$sent" 1.5 150
read -r g lost sent <<<"$(ping_stop pve-2 oneway)"
check "pve-2: pve-1's loopback reachable throughout (gap $g s, $lost of $sent lost)" \
	reachable "$g" "$lost" "$sent" 0.2 20
