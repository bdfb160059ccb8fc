#!/bin/bash
# 20-apply.sh — issue 4: `proxmesh apply` turns bare hosts (FRR with ospfd
# off, no mesh config) into the mesh, live and minimally, on FRR 8.4 and 10.3.
LAB_MODE=bare
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

conf=/etc/proxmesh/proxmesh.conf
pm() { local h=$1; shift; hexec "$h" proxmesh "$@"; }
set_cost() {  # set_cost HOST COST: the PVE-PVE link cost in HOST's configuration
	hexec "$1" sed -i "s/^link = \(pve-[12]\) nic3 cost [0-9]*/link = \1 nic3 cost $2/" "$conf"
}
addrs() { hexec "$1" ip -o -4 addr show | awk '{ print $2, $4 }' | sort; }

"$LAB_DIR/install" >&2
# pve-2 also runs bgpd, for the foreign-config check below.
hexec pve-2 sed -i 's/^bgpd=no/bgpd=yes/' /etc/frr/daemons

declare -A conf_mode
for h in "${HOSTS[@]}"; do
	conf_mode[$h]=$(hexec "$h" stat -c '%U:%G %a' /etc/frr/frr.conf)
done
for h in "${HOSTS[@]}"; do
	check "$h: proxmesh check" pm "$h" check
	check "$h: proxmesh plan has changes pending (exit 2)" \
		eval "hexec $h proxmesh plan >/dev/null; [[ \$? == 2 ]]"
	check "$h: proxmesh apply (exit 0)" pm "$h" apply
done
check_within 60 "all adjacencies Full on FRR 8.4 and 10.3" "$LAB_DIR/wait-converged" -t 1
check_within 10 "pve-2 reaches pve-1's loopback 192.168.102.1" hping pve-2 192.168.102.1
check_within 10 "pbs reaches pve-1's loopback 192.168.102.1" hping pbs 192.168.102.1
for h in "${PVE_HOSTS[@]}"; do
	check_within 10 "$h reaches the PBS loopback $PBS_SERVICE" hping "$h" "$PBS_SERVICE"
	check_within 10 "$h: route to $PBS_SERVICE via nic4 (preferred)" route_via "$h" "$PBS_SERVICE" nic4
done
check "pve-1 reaches 192.168.103.9: the hand-made black hole is gone" hping pve-1 192.168.103.9
check "pve-1: route to 192.168.103.9 not through the PBS" route_via pve-1 192.168.103.9 nic3
check "pbs forwards nothing (ip_forward 0)" eval '[[ $(hexec pbs sysctl -n net.ipv4.ip_forward) == 0 ]]'
check "pbs: kernel settings persisted in /etc/sysctl.d/90-proxmesh.conf" \
	eval '[[ $(hexec pbs cat /etc/sysctl.d/90-proxmesh.conf) == *"net.ipv4.ip_forward = 0"*"net.ipv4.conf.nic3.rp_filter = 2"* ]]'
check "pbs: max-metric router-lsa administrative" \
	eval "hexec pbs vtysh -c 'show running-config' | grep -q '^ max-metric router-lsa administrative'"
check "pbs: no redistribute anywhere" \
	eval "! hexec pbs vtysh -c 'show running-config' | grep -q redistribute"
check "pve-1: loopback labelled lo:proxmesh" \
	eval "hexec pve-1 ip -o -4 addr show dev lo | grep -q '192.168.102.1/32.*lo:proxmesh'"

for h in "${HOSTS[@]}"; do
	check "$h: second plan exits 0" pm "$h" plan
	# FRR is read over its daemons' sockets; nothing is configured.
	calls=$(frr_calls "$h" apply)
	check "$h: second apply runs no vtysh and opens no configuration session (strace: $calls)" \
		eval "[[ '$calls' == '0 0 '[1-9]* ]]"
	check "$h: frr.conf holds the mesh, owner and mode kept (${conf_mode[$h]})" \
		eval "[[ \$(hexec $h stat -c '%U:%G %a' /etc/frr/frr.conf) == '${conf_mode[$h]}' ]] &&
		      hexec $h grep -q '^router ospf' /etc/frr/frr.conf"
done

# A cost change is one changed line on each side; the adjacency stays up.
up0=$(nbr_uptime pve-1 nic3)
for h in "${PVE_HOSTS[@]}"; do
	set_cost "$h" 150
	check "$h: cost change plans exactly one ip ospf cost line" \
		eval "[[ \$({ hexec $h proxmesh plan || true; } | grep -c '^ *ip ospf') == 1 ]] &&
			{ hexec $h proxmesh plan || true; } | grep -q '^  ip ospf cost 150'"
	calls=$(frr_calls "$h" apply)
	check "$h: cost change applied: no vtysh, one session (ospfd) (strace: $calls)" \
		eval "[[ '$calls' == '0 1 '[1-9]* ]]"
	check "$h: cost change saved in frr.conf" hexec "$h" grep -q '^ ip ospf cost 150' /etc/frr/frr.conf
	check "$h: the file before kept as frr.conf.sav, owner and mode too" \
		eval "hexec $h grep -q '^ ip ospf cost 200' /etc/frr/frr.conf.sav &&
		      [[ \$(hexec $h stat -c '%U:%G %a' /etc/frr/frr.conf.sav) == '${conf_mode[$h]}' ]]"
	check "$h: plan exits 0 after the cost change" pm "$h" plan
done
up1=$(nbr_uptime pve-1 nic3)
check "pve-1/nic3 adjacency not reset by the cost change (${up0} -> ${up1} ms)" \
	eval "[[ -n '$up1' && '$up1' -gt '$up0' ]]"
for h in "${PVE_HOSTS[@]}"; do set_cost "$h" 200; pm "$h" apply >/dev/null; done

# Foreign configuration survives every apply.
hexec pve-2 vtysh -c 'configure terminal' -c 'ip route 10.99.0.0/24 Null0' \
	-c 'router bgp 65000' -c 'bgp router-id 192.168.102.2' -c 'exit' \
	-c 'interface nic0' -c 'description management' -c 'exit' >/dev/null
check "pve-2: apply with foreign config" pm pve-2 apply
check "pve-2: plan still exits 0 (foreign config is not ours)" pm pve-2 plan
for l in 'ip route 10.99.0.0/24 Null0' 'router bgp 65000' ' description management'; do
	check "pve-2: \"$l\" survived" eval "hexec pve-2 vtysh -c 'show running-config' | grep -q '^$l'"
done
# proxmesh saves its own lines only: what the operator did not save stays
# unsaved; once saved, it stays in frr.conf through proxmesh's changes.
check "pve-2: the unsaved static route is not saved by proxmesh" \
	eval "! hexec pve-2 grep -q '^ip route 10.99.0.0/24' /etc/frr/frr.conf"
hexec pve-2 vtysh -c 'write memory' >/dev/null
set_cost pve-2 170
check "pve-2: apply after the operator saved" pm pve-2 apply
for l in 'ip route 10.99.0.0/24 Null0' 'router bgp 65000' ' description management' ' ip ospf cost 170'; do
	check "pve-2: \"$l\" in frr.conf" hexec pve-2 grep -q "^$l" /etc/frr/frr.conf
done
set_cost pve-2 200; pm pve-2 apply >/dev/null

# Where Proxmox SDN manages frr.conf, proxmesh's lines go to frr.conf.local.
hexec pve-1 sh -c 'mkdir -p /etc/pve/sdn && touch /etc/pve/sdn/.running-config'
sum0=$(hexec pve-1 md5sum /etc/frr/frr.conf)
set_cost pve-1 160
check "pve-1 (SDN): cost change applied" pm pve-1 apply
check "pve-1 (SDN): frr.conf left to SDN" eval "[[ \"\$(hexec pve-1 md5sum /etc/frr/frr.conf)\" == '$sum0' ]]"
check "pve-1 (SDN): frr.conf.local holds proxmesh's part" \
	eval "hexec pve-1 sed -n '/^! proxmesh begin/,/^! proxmesh end/p' /etc/frr/frr.conf.local |
	      grep -q '^ ip ospf cost 160'"
check "pve-1 (SDN): plan exits 0" pm pve-1 plan
hexec pve-1 rm -r /etc/pve/sdn /etc/frr/frr.conf.local
check "pve-1: without SDN again, plan sees frr.conf out of date (exit 2)" \
	eval "said=\$(hexec pve-1 proxmesh plan); rc=\$?; [[ \$rc == 2 && \$said == *'# save the mesh in '* ]]"
check "pve-1: apply saves frr.conf (FRR itself unchanged)" \
	eval "said=\$(hexec pve-1 proxmesh apply) && [[ \$said == *'# saved the mesh in /etc/frr/frr.conf'* ]] &&
	      hexec pve-1 grep -q '^ ip ospf cost 160' /etc/frr/frr.conf"
set_cost pve-1 200
check "pve-1: cost back" pm pve-1 apply
check "pve-1: plan exits 0" pm pve-1 plan

# Drift by hand is detected and repaired.
hexec pve-1 vtysh -c 'configure terminal' -c 'interface nic4' -c 'ip ospf cost 999' >/dev/null
check "pve-1: plan detects drift (exit 2)" eval "hexec pve-1 proxmesh plan >/dev/null; [[ \$? == 2 ]]"
check "pve-1: apply repairs drift" pm pve-1 apply
check "pve-1: plan clean after repair" pm pve-1 plan

# ifreload -a changes no address and drops no adjacency.
for h in "${HOSTS[@]}"; do
	before=$(addrs "$h"); u0=$(nbr_uptime "$h" "$(hexec "$h" awk '/^auto nic/ { print $2; exit }' /etc/network/interfaces.d/proxmesh)")
	check "$h: ifreload -a exits 0" hexec "$h" ifreload -a
	check "$h: ifreload -a changes no address" eval "[[ \"\$(addrs $h)\" == '$before' ]]"
	check "$h: plan clean after ifreload -a" pm "$h" plan
done
check "adjacencies still Full after ifreload -a" "$LAB_DIR/wait-converged" -t 5

# FRR restart and a host reboot come back from persisted configuration.
hexec pve-1 systemctl restart frr
check_within 60 "mesh back after systemctl restart frr on pve-1" "$LAB_DIR/wait-converged" -t 1
check "pve-1: plan clean after FRR restart" pm pve-1 plan
"$LAB_DIR/fault" host-stop pve-2 >&2
"$LAB_DIR/fault" host-start pve-2 >&2
check_within 90 "mesh back after rebooting pve-2" "$LAB_DIR/wait-converged" -t 1
# The kernel settings come back at boot from /etc/sysctl.d (systemd-sysctl),
# before any proxmesh runs; one apply then finds the plan clean.
check "pve-2: kernel settings right after reboot, before any apply (systemd-sysctl)" \
	eval '[[ $(hexec pve-2 sysctl -n net.ipv4.conf.nic3.rp_filter net.ipv4.fib_multipath_hash_policy) == $'"'"'2\n1'"'"' ]]'
check "pve-2: apply after reboot (what the agent does at boot)" pm pve-2 apply
check "pve-2: plan exits 0 after reboot and apply" pm pve-2 plan
check_within 10 "pbs: service address reachable after its neighbour's reboot" hping pve-2 "$PBS_SERVICE"

# Failure paths.
"$LAB_DIR/fault" frr-stop pbs >&2
rc=0; out=$(hexec pbs proxmesh apply 2>&1) || rc=$?
check "pbs: FRR stopped: apply exits 1" eval "[[ $rc == 1 ]]"
check "pbs: FRR stopped: clear error" eval "grep -q 'FRR is not answering' <<<'$out'"
check "pbs: FRR stopped: addresses kept" \
	eval "[[ \$(hexec pbs ip -o -4 addr show) == *' 192.168.103.254/32 '* ]]"
"$LAB_DIR/fault" frr-start pbs >&2
check_within 60 "mesh back after FRR started on pbs" "$LAB_DIR/wait-converged" -t 1

hexec pve-1 cp "$conf" /tmp/good.conf
hexec pve-1 sh -c "echo 'bogus-key = 1' >>$conf"
rc0=$(hexec pve-1 vtysh -c 'show running-config' | md5sum)
rc=0; out=$(hexec pve-1 proxmesh apply 2>&1) || rc=$?
check "pve-1: invalid configuration: apply exits 1 naming file:line" \
	eval "[[ $rc == 1 ]] && grep -q 'proxmesh.conf:[0-9]*: unknown key' <<<'$out'"
check "pve-1: invalid configuration: FRR untouched" \
	eval "[[ \"\$(hexec pve-1 vtysh -c 'show running-config' | md5sum)\" == '$rc0' ]]"
hexec pve-1 sed -i 's/^link = pbs nic4/link = pbs nic9/' "$conf"
hexec pve-1 sed -i '/^bogus-key/d' "$conf"
hexec pve-1 sed -i 's/^link = pve-1 nic3$/link = pve-1 nic9/' "$conf"
out=$(hexec pve-1 proxmesh apply 2>&1) || true
check "pve-1: missing interface reported" eval "grep -q 'nic9' <<<'$out'"
nic3_full() {
	hexec pve-1 vtysh -c 'show ip ospf neighbor json' | python3 -c '
import json, sys
n = [x for l in json.load(sys.stdin)["neighbors"].values() for x in l
     if x["ifaceName"].startswith("nic3:")]
sys.exit(not (n and n[0]["nbrState"].startswith("Full")))'
}
check_within 10 "pve-1: the other link (nic3) still Full" nic3_full
hexec pve-1 cp /tmp/good.conf "$conf"
check "pve-1: back to the good configuration" pm pve-1 apply
check_within 30 "mesh converged at the end" "$LAB_DIR/wait-converged" -t 1
