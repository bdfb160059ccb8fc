#!/bin/bash
# 13-bare.sh — the bare lab is the starting point for proxmesh: FRR with its
# default daemons, mesh NICs unconfigured; the management LAN works and is
# closed; cables, host reboots and `install` behave.
LAB_MODE=bare
LAB_LANE=1  # tests/meson.build runs the lab in two lanes side by side
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

carrier() { hexec "$1" ip -o link show "$2" | grep -q LOWER_UP; }
no_carrier() { hexec "$1" ip -o link show "$2" | grep -q NO-CARRIER; }
for h in "${HOSTS[@]}"; do
	check "$h: hostname $h" eval "[[ \$(hexec $h hostname) == $h ]]"
	check "$h: frr.service active" hexec "$h" systemctl is-active -q frr
	check "$h: journald keeps the boot log" eval "hexec $h journalctl -b -q -n 1 -u frr | grep -q ."
	check "$h: default daemons file (ospfd=no, bfdd=no)" \
		eval "hexec $h grep -qx ospfd=no /etc/frr/daemons && hexec $h grep -qx bfdd=no /etc/frr/daemons"
	check "$h: ospfd not running" eval "! hexec $h pgrep -x ospfd"
	for ifc in $(host_links "$h" | awk '{ print $1 }'); do
		check "$h: $ifc present, down, no IPv4 address" \
			eval "hexec $h ip -o link show $ifc | grep -q 'state DOWN' && ! hexec $h ip -o -4 addr show dev $ifc | grep -q ."
	done
	check "$h: /etc/network/interfaces sources interfaces.d" \
		hexec "$h" grep -qx 'source /etc/network/interfaces.d/\*' /etc/network/interfaces
	check "$h: API token file is 0600 root" eval "[[ \$(hexec $h stat -c %a:%U /etc/proxmesh/api-token) == 600:root ]]"
done
check "pve-1: pings pve-2 and pbs on the management LAN" eval 'hping pve-1 pve-2 && hping pve-1 pbs'
check "management LAN has no way out (no route to 1.1.1.1)" \
	eval "! ip -n $(ns mgmt) route get 1.1.1.1 >/dev/null 2>&1"
check "pve-1: 1.1.1.1 is unreachable" eval '! hping pve-1 1.1.1.1'

# Cables behave like direct cables.
hexec pve-2 ip link set nic4 up
hexec pbs ip link set nic4 up
check_within 3 "pve-2 nic4 and pbs nic4 up: carrier on both" eval 'carrier pve-2 nic4 && carrier pbs nic4'
check "pve-2 nic3 up, pve-1 nic3 down: pve-2 nic3 has no carrier" \
	eval 'hexec pve-2 ip link set nic3 up; sleep 0.5; no_carrier pve-2 nic3'
hexec pve-2 ip link set nic3 down
"$LAB_DIR/fault" link-down pve-2 nic4
check_within 3 "link-down pve-2 nic4: pbs nic4 loses carrier" no_carrier pbs nic4
"$LAB_DIR/fault" heal pve-2 nic4
check_within 3 "heal: carrier back on both" eval 'carrier pve-2 nic4 && carrier pbs nic4'
"$LAB_DIR/fault" carrier-cut pbs nic4
check "carrier-cut pbs nic4: no carrier on either end" eval 'no_carrier pve-2 nic4 && no_carrier pbs nic4'
hexec pbs ip link set nic4 up
check "carrier-cut: a host cannot undo it" eval 'sleep 0.5; no_carrier pbs nic4'
"$LAB_DIR/fault" heal pbs nic4
check_within 3 "heal: carrier back" eval 'carrier pve-2 nic4 && carrier pbs nic4'
pbs_ll=fe80::6c:3ff:fe00:4%nic4  # pbs nic4's link-local address (fixed MAC)
check_within 5 "pve-2 pings pbs over nic4 (IPv6 link-local)" hping pve-2 "$pbs_ll"
"$LAB_DIR/fault" silent-cut pve-2 nic4
check "silent-cut: carrier stays, pings fail" eval "carrier pve-2 nic4 && carrier pbs nic4 && ! hping pve-2 $pbs_ll"
"$LAB_DIR/fault" heal pve-2 nic4

# A host reboot keeps its disk and cables; a powered-off host has no link.
hexec pbs sh -c 'echo kept >/root/disk-marker'
"$LAB_DIR/fault" host-stop pbs
check "host-stop pbs: stopped" eval '! host_running pbs'
check_within 3 "host-stop pbs: pve-2 nic4 loses carrier" no_carrier pve-2 nic4
check "host-stop pbs: management address gone" eval '! hping pve-1 pbs'
t0=$(now)
check "host-start pbs" "$LAB_DIR/fault" host-start pbs
diag "pbs rebooted in $(elapsed "$t0") s"
check "host-start pbs: disk kept" eval "[[ \$(hexec pbs cat /root/disk-marker) == kept ]]"
check "host-start pbs: cables kept, unconfigured NICs down again" \
	eval "hexec pbs ip -o link show nic3 | grep -q 'state DOWN' && hexec pbs ip -o link show nic4 | grep -q 'state DOWN'"
check "host-start pbs: frr.service active" hexec pbs systemctl is-active -q frr
check_within 10 "host-start pbs: management LAN back" hping pve-1 pbs
check "host-stop and host-start pve-1" \
	eval "'$LAB_DIR/fault' host-stop pve-1 && '$LAB_DIR/fault' host-start pve-1"
check "frr-stop pve-2" eval "'$LAB_DIR/fault' frr-stop pve-2 && ! hexec pve-2 systemctl is-active -q frr"
check "frr-start pve-2" eval "'$LAB_DIR/fault' frr-start pve-2 && hexec pve-2 systemctl is-active -q frr"
hexec pve-2 ip link set nic4 down  # as found

# install: the binary (when built) and the lab configuration.
bin=${PROXMESH_BIN:-$SRC_DIR/build/agent/proxmesh}
if [[ -x $bin ]]; then
	check "install copies proxmesh and its configuration" "$LAB_DIR/install"
	for h in "${HOSTS[@]}"; do
		check "$h: proxmesh --version runs" hexec "$h" /usr/sbin/proxmesh --version
		check "$h: proxmesh check accepts the lab configuration" \
			eval "hexec $h proxmesh check | grep -q 'configuration OK'"
	done
else
	skip "install" "no proxmesh binary at $bin"
fi
