#!/bin/bash
# 72-ipv6-only.sh — issue 16: the reference mesh IPv6-only (no [mesh]
# prefix: no IPv4 on the links, no OSPF for IPv4), first with /127 link
# subnets, then with link-local addresses only (no prefix6), on FRR 8.4,
# 10.3 and 10.7: OSPFv3 Full, every loopback6 reached, the PBS forwards no
# IPv6, plan exits 0, a second apply sends nothing to FRR, and each
# change of the address plan takes away the addresses it no longer plans;
# doctor probes each link's path MTU over IPv6 (the /127 peer, or ff02::1 on
# a link-local link) and finds a smaller MTU at the far end; proxmesh mesh
# reads OSPFv3's database and sees a cut link.
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
# doctor_mtu HOST IF VERDICT TEXT: doctor --json on HOST has "mtu IF" with
# VERDICT and TEXT in its detail
doctor_mtu() {
	local out
	out=$(hexec "$1" proxmesh doctor --json) || true  # exit 1 with a failure
	python3 -c '
import json, sys
d = json.load(sys.stdin)
c = [c for c in d["checks"] if c["check"] == "mtu " + sys.argv[1]]
ok = len(c) == 1 and c[0]["verdict"] == sys.argv[2] and sys.argv[3] in c[0]["detail"]
sys.exit(0 if ok else print(c or d["checks"]) or 1)' "$2" "$3" "$4" <<<"$out"
}
# mesh6 HOST EXIT STATES: proxmesh mesh --json on HOST exits EXIT, reads
# OSPFv3 ("family": "ipv6", no IPv4 view) and its links' states (in
# configuration order: pve-1–pve-2, pve-1–pbs, pve-2–pbs) are STATES
mesh6() {
	local rc=0 out
	out=$(hexec "$1" proxmesh mesh --json) || rc=$?
	((rc == $2)) || { echo "exit $rc"; echo "$out"; return 1; }
	python3 -c '
import json, sys
d = json.loads(sys.argv[1])
got = ",".join(l["state"] for l in d["links"])
ok = d.get("family") == "ipv6" and "ipv6" not in d and got == sys.argv[2]
sys.exit(0 if ok else print(got, d) or 1)' "$out" "$3"
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
check "pbs forwards no IPv6 (net.ipv6.conf.all.forwarding 0)" \
	eval '[[ $(hexec pbs sysctl -n net.ipv6.conf.all.forwarding) == 0 ]]'
check "pve-1 forwards IPv6" eval '[[ $(hexec pve-1 sysctl -n net.ipv6.conf.all.forwarding) == 1 ]]'
for h in "${HOSTS[@]}"; do
	calls=$(frr_calls "$h" apply)
	check "$h: a second apply runs no vtysh and opens no configuration session (strace: $calls)" \
		eval "[[ '$calls' == '0 0 '[1-9]* ]]"
done
check "pve-1 nic3 holds fd0c:103::/127 (the lower id, the first address)" \
	eval "[[ \$(global6_on pve-1 nic3) == fd0c:103::/127 ]]"
check "pve-2 nic3 holds fd0c:103::1/127" eval "[[ \$(global6_on pve-2 nic3) == fd0c:103::1/127 ]]"
check "pbs nic4 holds fd0c:103::5/127" eval "[[ \$(global6_on pbs nic4) == fd0c:103::5/127 ]]"
check "pve-2 reaches pve-1 over the /127 (fd0c:103::)" hexec pve-2 ping -6 -c 1 -W 1 fd0c:103::
check_within 20 "pve-2: doctor probes nic3's path MTU over IPv6 (fd0c:103::, the peer's /127)" \
	doctor_mtu pve-2 nic3 ok "pve-1 (fd0c:103::) answers 1500-byte don't-fragment packets"
check_within 10 "pve-1: proxmesh mesh reads OSPFv3's database: every link up, exit 0" mesh6 pve-1 0 up,up,up

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
check_within 20 "pve-1: doctor probes nic4's path MTU over link-local IPv6 (ff02::1)" \
	doctor_mtu pve-1 nic4 ok "pbs (all nodes on the link, ff02::1) answers 1500-byte"
hexec pbs ip link set nic3 mtu 1400
check "pve-1: doctor finds the PBS's smaller MTU on nic4 over IPv6" \
	doctor_mtu pve-1 nic4 fail "does not answer a don't-fragment ping of 1500 bytes over nic4"
hexec pbs ip link set nic3 mtu 1500
"$LAB_DIR/fault" silent-cut pve-1 nic4 >&2
check_within 15 "pve-1: proxmesh mesh sees the cut pve-1–pbs link down in OSPFv3's database, exit 1" \
	mesh6 pve-1 1 up,down,up
"$LAB_DIR/fault" heal pve-1 nic4 >&2
check_within 60 "OSPFv3 Full on every link after the heal" ospf6_full_all
check_within 15 "pve-1: proxmesh mesh: every link up again, exit 0" mesh6 pve-1 0 up,up,up
