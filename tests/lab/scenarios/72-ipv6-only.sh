#!/bin/bash
# 72-ipv6-only.sh — issue 16: the reference mesh IPv6-only (no [mesh]
# prefix: no IPv4 on the links, no OSPF for IPv4), first with /127 link
# subnets, then with link-local addresses only (no prefix6), on FRR 8.4,
# 10.3 and 10.7: OSPFv3 Full, every loopback6 reached, plan exits 0, and each
# change of the address plan takes away the addresses it no longer plans.
LAB_MODE=bare
LAB_FRESH=1
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

conf=/etc/proxmesh/proxmesh.conf
v4_on_links() {  # v4_on_links HOST: any IPv4 address on nic3/nic4
	[[ -n $(hexec "$1" ip -o -4 addr show dev nic3; hexec "$1" ip -o -4 addr show dev nic4) ]]
}
global6_on() {  # global6_on HOST IF: the global IPv6 addresses on IF
	hexec "$1" ip -o -6 addr show dev "$2" scope global | awk '{ print $4 }' | paste -sd' '
}
apply_all() {
	local h
	for h in "${HOSTS[@]}"; do check "$h: proxmesh apply ($1)" hexec "$h" proxmesh apply; done
}

"$LAB_DIR/install" >&2
# The IPv4 mesh first, as a host would run it before.
for h in "${HOSTS[@]}"; do check "$h: proxmesh apply (IPv4)" hexec "$h" proxmesh apply; done
check_within 60 "the IPv4 mesh converged" "$LAB_DIR/wait-converged" -t 1

# IPv6-only with /127 links.
for h in "${HOSTS[@]}"; do
	conf_dual_stack "$h" 'prefix6 = fd0c:103::/64\nlink-prefix-length6 = 127'
	hexec "$h" sed -i '/^prefix = /d; /^link-prefix-length = /d' "$conf"
	check "$h: proxmesh check (IPv6-only, /127)" hexec "$h" proxmesh check
done
apply_all "IPv6-only, /127"
check_within 60 "OSPFv3 Full on every link" ospf6_full_all
check_within 20 "every host reaches every loopback6" ping6_all
for h in "${HOSTS[@]}"; do
	check "$h: no IPv4 address left on the links" eval "! v4_on_links $h"
	check "$h: no OSPF for IPv4 (no router ospf)" \
		eval "! hexec $h vtysh -c 'show running-config' | grep -q '^router ospf\$'"
	check "$h: plan exits 0" hexec "$h" proxmesh plan
done
check "pve-1 nic3 holds fd0c:103::/127 (the lower id, the first address)" \
	eval "[[ \$(global6_on pve-1 nic3) == fd0c:103::/127 ]]"
check "pve-2 nic3 holds fd0c:103::1/127" eval "[[ \$(global6_on pve-2 nic3) == fd0c:103::1/127 ]]"
check "pbs nic4 holds fd0c:103::5/127" eval "[[ \$(global6_on pbs nic4) == fd0c:103::5/127 ]]"
check "pve-2 reaches pve-1 over the /127 (fd0c:103::)" hexec pve-2 ping -6 -c 1 -W 1 fd0c:103::

# Link-local only: no prefix6; the loopbacks are routed over link-local next hops.
for h in "${HOSTS[@]}"; do
	hexec "$h" sed -i '/^prefix6 = /d; /^link-prefix-length6 = /d' "$conf"
	check "$h: proxmesh check (link-local links)" hexec "$h" proxmesh check
done
apply_all "link-local links"
check_within 60 "OSPFv3 Full on every link (link-local)" ospf6_full_all
check_within 20 "every host reaches every loopback6 over link-local links" ping6_all
for h in "${HOSTS[@]}"; do
	check "$h: no global address left on the links ($(global6_on "$h" nic3) $(global6_on "$h" nic4))" \
		eval "[[ -z \"\$(global6_on $h nic3)\$(global6_on $h nic4)\" ]]"
	check "$h: plan exits 0" hexec "$h" proxmesh plan
done
check "pve-1: the route to the PBS loopback6 has a link-local next hop" \
	eval "hexec pve-1 ip -6 route show ${LO6[pbs]} | grep -q 'via fe80::.* dev nic4'"
