#!/bin/bash
# 22-takeover-daemon.sh — issue 4, the take-over as README "Taking over a
# hand-made mesh" tells an operator to do it: `systemctl enable --now
# proxmesh` on all hosts at once. The agents bridge the neighbours'
# loopbacks, take over, and remove the bridges themselves; the PBS service
# address stays reachable from both PVE hosts.
LAB_MODE=handmade
LAB_FRESH=1  # a host never touched by proxmesh
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"


"$LAB_DIR/install" >&2
handmade_ready
for h in "${PVE_HOSTS[@]}"; do ping_start "$h" takeover-agent "$PBS_SERVICE"; done
sleep 1
at_once "systemctl enable --now proxmesh" enable systemctl enable --now proxmesh
for h in "${PVE_HOSTS[@]}"; do
	check_within 30 "$h: the agent bridged $PBS_SERVICE and removed the bridge once OSPF settled" \
		jhas "$h" 0 "bridge $PBS_SERVICE/32 removed: OSPF carries it"
done
for h in "${HOSTS[@]}"; do check_within 30 "$h: no bridge left" no_bridge "$h"; done
check "mesh converged after take-over" "$LAB_DIR/wait-converged" -t 30
for h in "${HOSTS[@]}"; do
	check_within 30 "$h: the agent reports healthy" hexec "$h" proxmesh status
done
sleep 1
for h in "${PVE_HOSTS[@]}"; do
	read -r g lost sent <<<"$(ping_stop "$h" takeover-agent)"
	diag "$h: longest interruption to $PBS_SERVICE during the agents' take-over: $g s, $lost of $sent lost"
	check "$h: $PBS_SERVICE reachable throughout (longest gap $g s, $lost of $sent lost)" \
		reachable "$g" "$lost" "$sent" 0.2 20
done
for h in "${HOSTS[@]}"; do
	check "$h: the configuration is proxmesh's (plan exit 0)" hexec "$h" proxmesh plan
	check "$h: the agent logged no failure" jnone "$h" 0 'reconcile failed'
done
