#!/bin/bash
# 11-handmade-failover.sh — silent and carrier cuts of pve-1 nic4 move
# pve-1's traffic to the PBS service address over pve-2 (nic3); healing the
# cable brings back the preferred path (nic4).
LAB_MODE=handmade
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

carrier() { hexec "$1" ip -o link show "$2" | grep -q LOWER_UP; }
check "OSPF converged" "$LAB_DIR/wait-converged" -t 30
check "pve-1: route to $PBS_SERVICE via nic4" route_via pve-1 "$PBS_SERVICE" nic4
for cut in silent-cut carrier-cut; do
	"$LAB_DIR/fault" "$cut" pve-1 nic4
	if [[ $cut == silent-cut ]]; then
		check "$cut: pve-1 nic4 keeps its carrier" carrier pve-1 nic4
		check "$cut: pbs nic3 keeps its carrier" carrier pbs nic3
	else
		check "$cut: pve-1 nic4 lost its carrier" eval '! carrier pve-1 nic4'
		check "$cut: pbs nic3 lost its carrier" eval '! carrier pbs nic3'
	fi
	check_within 15 "$cut: pve-1 routes $PBS_SERVICE via nic3 (over pve-2)" \
		route_via pve-1 "$PBS_SERVICE" nic3
	check_within 5 "$cut: pve-1 pings $PBS_SERVICE" hping pve-1 "$PBS_SERVICE"
	check "$cut: pve-2 still pings $PBS_SERVICE" hping pve-2 "$PBS_SERVICE"
	check "$cut: fault show lists it" eval "'$LAB_DIR/fault' show | grep -q '^$cut pve-1 nic4'"
	"$LAB_DIR/fault" heal pve-1 nic4
	check_within 30 "heal after $cut: pve-1 routes $PBS_SERVICE via nic4 again" \
		route_via pve-1 "$PBS_SERVICE" nic4
	check "heal after $cut: pve-1 pings $PBS_SERVICE" hping pve-1 "$PBS_SERVICE"
	check "heal after $cut: OSPF converged" "$LAB_DIR/wait-converged" -t 30
done
