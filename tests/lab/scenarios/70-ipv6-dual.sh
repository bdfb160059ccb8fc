#!/bin/bash
# 70-ipv6-dual.sh — issue 16: the reference mesh dual-stack (ipv6 = yes,
# prefix6, a loopback6 on every host), on FRR 8.4, 10.3 and 10.7: every
# OSPFv3 adjacency Full, every loopback6 reachable from every host by ping -6,
# the planned IPv6 link addresses on both ends, the PBS forwards no IPv6,
# plan exits 0 and a second apply configures nothing, proxmesh mesh shows
# both databases as configured; IPv4 as before.
LAB_MODE=bare
LAB_FRESH=1  # hosts never touched by proxmesh
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

conf=/etc/proxmesh/proxmesh.conf
# the planned link addresses (DESIGN §4): link k gets the k-th /64, the
# lower id ::1
declare -A link6=([pve-1 nic3]=fd0c:103::1 [pve-2 nic3]=fd0c:103::2
	[pve-1 nic4]=fd0c:103:0:1::1 [pbs nic3]=fd0c:103:0:1::2
	[pve-2 nic4]=fd0c:103:0:2::1 [pbs nic4]=fd0c:103:0:2::2)
has_lo6() {  # has_lo6 HOST: its loopback6 on lo; prints lo's addresses otherwise
	local a
	a=$(hexec "$1" ip -o -6 addr show dev lo 2>&1) || { echo "$1: ip: $a"; return 1; }
	[[ $a == *" ${LO6[$1]}/128 "* ]] || { echo "$1: lo has: $a"; hexec "$1" journalctl -q --no-pager -n 20; return 1; }
}
has_addr6() {  # has_addr6 HOST IF ADDR: ADDR/64 on IF, usable (not tentative)
	local a
	a=$(hexec "$1" ip -o -6 addr show dev "$2" | grep " $3/64 ") ||
		{ echo "$1 $2: no $3/64"; return 1; }
	[[ $a != *tentative* ]] || { echo "$1 $2: $a"; return 1; }
}

"$LAB_DIR/install" >&2
for h in "${HOSTS[@]}"; do
	conf_dual_stack "$h"
	check "$h: proxmesh check (dual-stack)" \
		eval "hexec $h grep -qx 'ipv6 = yes' $conf && hexec $h proxmesh check"
done
for h in "${HOSTS[@]}"; do check "$h: proxmesh apply" hexec "$h" proxmesh apply; done
check_within 60 "all OSPF adjacencies Full" "$LAB_DIR/wait-converged" -t 1
for h in "${HOSTS[@]}"; do
	check_within 30 "$h: both OSPFv3 adjacencies Full" ospf6_full "$h" 2
	check "$h: ospf6d enabled in /etc/frr/daemons" hexec "$h" grep -qx 'ospf6d=yes' /etc/frr/daemons
	check "$h: loopback6 ${LO6[$h]}/128 on lo" has_lo6 "$h"
done
for k in "${!link6[@]}"; do
	read -r kh ki <<<"$k"
	check "$k: ${link6[$k]}/64, usable at once" has_addr6 "$kh" "$ki" "${link6[$k]}"
done
check_within 20 "every host reaches every loopback6 (ping -6)" ping6_all
check "pve-1 reaches the PBS loopback6 over nic4 (cost 10, not 200+10)" \
	route_via pve-1 "${LO6[pbs]}" nic4
check "pve-1: IPv6 mesh routes prefer loopback6 as their source" \
	eval "hexec pve-1 ip -6 route get ${LO6[pbs]} | grep -q 'src ${LO6[pve-1]}'"
check "pbs forwards no IPv6 (net.ipv6.conf.all.forwarding 0)" \
	eval '[[ $(hexec pbs sysctl -n net.ipv6.conf.all.forwarding) == 0 ]]'
check "pve-1 forwards IPv6" eval '[[ $(hexec pve-1 sysctl -n net.ipv6.conf.all.forwarding) == 1 ]]'
check "pbs: OSPFv3 links at the maximum cost" \
	eval "[[ \$(hexec pbs vtysh -c 'show running-config' | grep -c '^ ipv6 ospf6 cost 65535') == 2 ]]"
check "pbs reaches pve-2's loopback6 (an endpoint routes for itself)" \
	hexec pbs ping -6 -c 1 -W 1 "${LO6[pve-2]}"
check "pve-2 reaches pve-1's loopback6 through nic3, not through the PBS" \
	route_via pve-2 "${LO6[pve-1]}" nic3
# IPv4 as before
for h in "${PVE_HOSTS[@]}"; do
	check_within 10 "$h reaches $PBS_SERVICE" hping "$h" "$PBS_SERVICE"
done
for h in "${HOSTS[@]}"; do
	check "$h: plan exits 0" hexec "$h" proxmesh plan
	calls=$(frr_calls "$h" apply)
	check "$h: second apply runs no vtysh and opens no configuration session (strace: $calls)" \
		eval "[[ '$calls' == '0 0 '[1-9]* ]]"
	check "$h: frr.conf holds router ospf6" hexec "$h" grep -q '^router ospf6' /etc/frr/frr.conf
done
# proxmesh mesh: both databases, OSPF's as before and OSPFv3's as "ipv6";
# the PBS is an endpoint in both (its OSPFv3 links at the maximum cost).
mesh_dual() {  # mesh_dual HOST: exit 0, both views as configured
	local rc=0 out
	out=$(hexec "$1" proxmesh mesh --json) || rc=$?
	((rc == 0)) || { echo "exit $rc"; echo "$out"; return 1; }
	python3 -c '
import json, sys
d = json.loads(sys.argv[1])
v6 = d.get("ipv6") or {}
def fine(v):
    return v.get("as_configured") and [l["state"] for l in v["links"]] == ["up"] * 3 and \
        [h["role"] for h in v["hosts"]] == ["transit", "transit", "endpoint"]
ok = "family" not in d and v6.get("family") == "ipv6" and fine(d) and fine(v6)
sys.exit(0 if ok else print(d) or 1)' "$out"
}
for h in "${HOSTS[@]}"; do
	check_within 10 "$h: proxmesh mesh shows OSPF's and OSPFv3's databases as configured" mesh_dual "$h"
done
check "pve-1: proxmesh mesh's text has the OSPFv3 view" \
	eval "hexec pve-1 proxmesh mesh | grep -q '^OSPFv3 mesh seen from pve-1 (router id 192.168.102.1), area 0.0.0.0: as configured'"
# FRR restarted from frr.conf keeps the IPv6 mesh.
check "pve-2: systemctl restart frr" hexec pve-2 systemctl restart frr
check_within 30 "pve-2: both OSPFv3 adjacencies Full again after a restart of FRR" ospf6_full pve-2 2
check "pve-2: plan exits 0 after FRR's restart" hexec pve-2 proxmesh plan
check_within 20 "pve-2 reaches the PBS loopback6 after FRR's restart" \
	hexec pve-2 ping -6 -c 1 -W 1 "${LO6[pbs]}"
