#!/bin/bash
# 51-slash31.sh — issue 15: the reference mesh with link-prefix-length = 31
# (RFC 3021, both addresses of a /31 used): addresses, adjacencies, routes,
# and `ifreload -a` changes nothing, on FRR 8.4 and 10.3.
LAB_MODE=bare
LAB_FRESH=1  # hosts never touched by proxmesh
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

conf=/etc/proxmesh/proxmesh.conf
addr_of() {  # addr_of HOST IF: its IPv4 address/len on IF (one expected)
	hexec "$1" ip -o -4 addr show dev "$2" | awk '{ print $4 }'
}
addrs() { hexec "$1" ip -o -4 addr show | awk '{ print $2, $4 }' | sort; }
# both_ends HOST IF: the two ends of the cable hold the two addresses of
# one /31, and nothing else; prints them otherwise.
both_ends() {
	local p a b
	p=$(cable_peer "$1" "$2")
	a=$(addr_of "$1" "$2")
	b=$(addr_of ${p% *} ${p#* })
	python3 - "$a" "$b" <<-'PY' || { echo "$1 $2: $a, $p: $b"; return 1; }
		import ipaddress, sys
		a, b = (ipaddress.ip_interface(x) for x in sys.argv[1:])
		sys.exit(not (a.network.prefixlen == 31 and a.network == b.network and a.ip != b.ip
		              and a.network.subnet_of(ipaddress.ip_network("192.168.103.0/24"))))
	PY
}

"$LAB_DIR/install" >&2
for h in "${HOSTS[@]}"; do
	hexec "$h" sed -i 's/^link-prefix-length = 30$/link-prefix-length = 31/' "$conf"
	check "$h: proxmesh check (link-prefix-length = 31)" \
		eval "hexec $h grep -qx 'link-prefix-length = 31' $conf && hexec $h proxmesh check"
done
for h in "${HOSTS[@]}"; do check "$h: proxmesh apply" hexec "$h" proxmesh apply; done
check_within 60 "all adjacencies Full over /31 links" "$LAB_DIR/wait-converged" -t 1
for c in "${CABLES[@]}"; do
	read -r a ai _ b bi _ <<<"$c"
	check "$a $ai <-> $b $bi: the two addresses of one /31 ($(addr_of "$a" "$ai") - $(addr_of "$b" "$bi"))" \
		both_ends "$a" "$ai"
	peer=$(addr_of "$b" "$bi")
	check "$a pings $b across $ai (${peer%/*})" hping "$a" "${peer%/*}"
done
for h in "${HOSTS[@]}"; do
	check "$h: no /30 address left" eval "! hexec $h ip -o -4 addr show | grep -q '/30 '"
	check "$h: OSPF sees its links as point-to-point /31 networks" \
		eval "hexec $h vtysh -c 'show ip ospf interface json' | python3 -c '
import json, sys
ifs = json.load(sys.stdin)[\"interfaces\"]
links = [i for n, i in ifs.items() if n.startswith(\"nic\")]
sys.exit(not (len(links) == 2 and all(i[\"ipAddressPrefixlen\"] == 31 and
              i[\"networkType\"] == \"POINTOPOINT\" for i in links)))'"
done
check_within 10 "pve-2 reaches pve-1's loopback 192.168.102.1" hping pve-2 192.168.102.1
check_within 10 "pbs reaches pve-1's loopback 192.168.102.1" hping pbs 192.168.102.1
for h in "${PVE_HOSTS[@]}"; do
	check_within 10 "$h reaches $PBS_SERVICE" hping "$h" "$PBS_SERVICE"
	check_within 10 "$h: route to $PBS_SERVICE via nic4 (preferred)" route_via "$h" "$PBS_SERVICE" nic4
done
for h in "${HOSTS[@]}"; do check "$h: plan exits 0" hexec "$h" proxmesh plan; done

# ifreload -a changes no address and resets no adjacency.
declare -A up0
for h in "${HOSTS[@]}"; do up0[$h]=$(nbr_uptime "$h" nic3); done
for h in "${HOSTS[@]}"; do
	before=$(addrs "$h")
	check "$h: ifreload -a exits 0" hexec "$h" ifreload -a
	check "$h: ifreload -a changes no address" eval "[[ \"\$(addrs $h)\" == '$before' ]]"
	check "$h: plan exits 0 after ifreload -a" hexec "$h" proxmesh plan
done
check "adjacencies still Full after ifreload -a" "$LAB_DIR/wait-converged" -t 5
for h in "${HOSTS[@]}"; do
	u=$(nbr_uptime "$h" nic3)
	check "$h: nic3 adjacency not reset by ifreload -a (${up0[$h]} -> $u ms)" \
		eval "[[ -n '$u' && '$u' -gt '${up0[$h]}' ]]"
done
