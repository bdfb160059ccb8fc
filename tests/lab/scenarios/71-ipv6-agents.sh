#!/bin/bash
# 71-ipv6-agents.sh — issue 16 under the agents: an IPv4 mesh turned
# dual-stack by a reload (no IPv4 packet lost beyond one interval), then
# IPv6 traffic through a silent cut and a carrier cut of pve-1 nic4 (BFD
# drives the failover; the journal names the family), on FRR 8.4, 10.3 and
# 10.7 (pve-1, pve-2, pbs); IPv6 addresses restored when flushed, kept while
# FRR is down, configured on a NIC that comes back; last, apply --confirm in a dual-stack mesh: a
# hold that loses every OSPFv3 adjacency (OSPF's stay Full) goes back on its
# own, and IPv6 taken away on purpose is not judged lost.
LAB_MODE=bare
LAB_FRESH=1
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

agents_start

# IPv6 turned on in the running IPv4 mesh, host by host, while pve-1 pings
# the PBS service address 100 times a second. The criterion is loss (at
# most one packet: one interval); the gap bound (0.3 s) only catches a stall,
# as a loaded machine delays replies by tens of ms without losing any (0.056
# and 0.123 s seen with CI's sanitizer builds running beside, 0 lost).
ping_start pve-1 v4 "$PBS_SERVICE"
sleep 1
for h in "${HOSTS[@]}"; do
	conf_dual_stack "$h"
	check "$h: systemctl reload proxmesh (dual-stack)" hexec "$h" systemctl reload proxmesh
done
check_within 60 "OSPFv3 Full on every link under the agents" ospf6_full_all
check_within 30 "every host reaches every loopback6" ping6_all
sleep 1
read -r gap lost sent <<<"$(ping_stop pve-1 v4)"
check "IPv4 to $PBS_SERVICE not interrupted by turning IPv6 on (gap $gap s, $lost of $sent lost)" \
	reachable "$gap" "$lost" "$sent" 0.3 1
check_within 30 "all hosts healthy, both families" healthy_all
check_within 30 "every BFD session up" bfd_up_all
# status.json: OSPFv3 and its BFD per link, each loopback6 a destination
status6() {  # status6 HOST PEER-ADDRESS6 VIA: both families Full and up, the
	# loopback6 reached on the preferred path via VIA; prints status otherwise
	hexec "$1" cat /run/proxmesh/status.json | python3 -c '
import json, sys
st = json.load(sys.stdin)
links = [(l["interface"], l.get("adjacency6"), l.get("bfd6")) for l in st["links"]]
dests = [d for d in st["destinations"] if d.get("family") == "ipv6" and d["address"] == sys.argv[1] + "/128"]
ok = all(a == "full" and b == "up" for _, a, b in links) and len(dests) == 1 and \
     dests[0]["reachable"] and dests[0]["preferred"] and dests[0]["via"] == sys.argv[2]
if not ok:
    print("links", links, "destinations", st["destinations"])
sys.exit(not ok)' "$2" "$3"
}
check_within 10 "pve-1: status.json shows OSPFv3 and BFD6 up, the PBS loopback6 via nic4" \
	status6 pve-1 "${LO6[pbs]}" nic4
check_within 10 "pbs: status.json shows pve-2's loopback6 via nic4" status6 pbs "${LO6[pve-2]}" nic4
check "pve-1: proxmesh status prints the OSPFv3 lines" \
	eval "[[ \$(hexec pve-1 proxmesh status) == *'(OSPFv3)'* ]]"
for h in "${HOSTS[@]}"; do check "$h: plan exits 0" hexec "$h" proxmesh plan; done

# The IPv6 addresses are the agent's to keep: flushed ones come back at
# once (the pass their removal triggers), they stay while FRR is down, and
# a NIC that vanishes and comes back gets them again.
global6() {  # global6 HOST IF: the global IPv6 addresses on IF
	hexec "$1" ip -o -6 addr show dev "$2" scope global | awk '{ print $4 }' | paste -sd' '
}
has6() {  # has6 HOST IF ADDR/LEN
	local got
	got=$(global6 "$1" "$2")
	[[ " $got " == *" $3 "* ]] || { echo "$1 $2: ${got:-no global address}"; return 1; }
}
hexec pve-2 ip -6 addr flush dev nic3 scope global
hexec pve-2 ip -6 addr del "${LO6[pve-2]}/128" dev lo
check_within 3 "pve-2: the flushed IPv6 address of nic3 is back (fd0c:103::2/64)" has6 pve-2 nic3 fd0c:103::2/64
check_within 3 "pve-2: its loopback6 is back on lo" has6 pve-2 lo "${LO6[pve-2]}/128"
"$LAB_DIR/fault" frr-stop pve-2 >&2
hexec pve-2 ip -6 addr flush dev nic4 scope global
check_within 3 "pve-2: nic4's IPv6 address restored with FRR stopped (fd0c:103:0:2::1/64)" \
	has6 pve-2 nic4 fd0c:103:0:2::1/64
check "pve-2: nic3 keeps its IPv6 address while FRR is down" has6 pve-2 nic3 fd0c:103::2/64
"$LAB_DIR/fault" frr-start pve-2 >&2
"$LAB_DIR/fault" nic-gone pve-1 nic3 >&2
sleep 1
"$LAB_DIR/fault" heal pve-1 nic3 >&2
check_within 5 "pve-1: nic3, back as a new NIC, gets its IPv6 address again (fd0c:103::1/64)" \
	has6 pve-1 nic3 fd0c:103::1/64
check_within 60 "OSPFv3 Full on every link again" ospf6_full_all
check_within 30 "every BFD session up again" bfd_up_all
check_within 20 "every host reaches every loopback6 again" ping6_all

# cut_v6 FAULT BOUND MAX-LOST: IPv6 from pve-1 to the PBS loopback6 through
# FAULT on pve-1 nic4 (longest gap under BOUND s), then healed.
cut_v6() {
	local gap lost sent t
	ping_start pve-1 v6 "${LO6[pbs]}" -6
	sleep 1
	t=$(hexec pve-1 date +%s.%N)
	"$LAB_DIR/fault" "$1" pve-1 nic4 >&2
	sleep 2
	read -r gap lost sent <<<"$(ping_stop pve-1 v6)"
	diag "IPv6 $1: longest gap $gap s, $lost of $sent lost"
	check "IPv6 to the PBS loopback6 fails over a $1 within $2 s (gap $gap s)" \
		reachable "$gap" "$lost" "$sent" "$2" "$3"
	check "pve-1: IPv6 to the PBS now via nic3 ($1)" route_via pve-1 "${LO6[pbs]}" nic3
	check_within 10 "pve-1: the journal names the family of the OSPFv3 adjacency lost ($1)" \
		jhas pve-1 "$t" '"PROXMESH_FAMILY":"ipv6"' '"PROXMESH_INTERFACE":"nic4"'
	"$LAB_DIR/fault" heal pve-1 nic4 >&2
	check_within 30 "OSPFv3 Full again after the heal ($1)" ospf6_full_all
	check_within 30 "every BFD session up after the heal ($1)" bfd_up_all
	check_within 10 "pve-1: IPv6 to the PBS back on nic4 ($1)" route_via pve-1 "${LO6[pbs]}" nic4
}
# Silent cut: BFD (3 × 100 ms) drives IPv6 off the link; a carrier cut at once.
cut_v6 silent-cut 1.0 100
cut_v6 carrier-cut 0.3 30
check_within 30 "all hosts healthy again, both families" healthy_all

# apply --confirm watches both families (DESIGN §13): pve-1 holds a new
# cost, and both its cables then drop IPv6 only: every OSPFv3 adjacency it
# had is lost while OSPF's stay Full; the agent goes back on its own, well
# inside the window, and IPv4 is untouched.
CONF=/etc/proxmesh/proxmesh.conf
hexec pve-1 cp "$CONF" /root/dual-stack.conf
hexec pve-1 sed -i '/^\[node pve-1\]/,/^\[/ s/^link = pve-2 nic3 cost 200/link = pve-2 nic3 cost 150/' "$CONF"
ping_start pve-1 v4 "$PBS_SERVICE"
t=$(hexec pve-1 date +%s)
check "pve-1: apply --confirm 60 (cost 150 on nic3)" hexec pve-1 proxmesh apply --confirm 60
check "pve-1: FRR has cost 150" cost_is pve-1 nic3 150
"$LAB_DIR/fault" silent-cut6 pve-1 nic3 >&2
"$LAB_DIR/fault" silent-cut6 pve-1 nic4 >&2
check_within 25 "pve-1: back to the last confirmed configuration: every OSPFv3 adjacency was lost" \
	jhas pve-1 "$t" '"PRIORITY":"4"' 'lost every OSPFv3 adjacency it had'
check_within 10 "pve-1: FRR back at cost 200" cost_is pve-1 nic3 200
check "pve-1: OSPF (IPv4) Full on both links throughout" ospf_full pve-1 2
"$LAB_DIR/fault" heal pve-1 nic3 >&2
"$LAB_DIR/fault" heal pve-1 nic4 >&2
check_within 60 "OSPFv3 Full again on every link after the heal" ospf6_full_all
read -r gap lost sent <<<"$(ping_stop pve-1 v4)"
check "IPv4 to $PBS_SERVICE untouched by the IPv6 fault and the return (gap $gap s, $lost of $sent lost)" \
	reachable "$gap" "$lost" "$sent" 0.3 1
hexec pve-1 cp /root/dual-stack.conf "$CONF"
check "pve-1: systemctl reload proxmesh (the dual-stack file as before)" hexec pve-1 systemctl reload proxmesh
check_within 10 "pve-1: the file is in force again" jhas pve-1 "$t" 'in force again'

# IPv6 taken away on purpose under a hold is not a loss: nothing goes back.
hexec pve-1 sh -c "cat >$CONF" <"$LAB_DIR/proxmesh.conf"
t=$(hexec pve-1 date +%s)
check "pve-1: apply --confirm 30 without IPv6 exits 0" hexec pve-1 proxmesh apply --confirm 30
sleep 8
check "pve-1: not gone back 8 s later (more than twice the dead interval)" \
	eval "! jhas pve-1 $t 'lost every' >/dev/null"
check "pve-1: proxmesh confirm keeps the IPv4 file" hexec pve-1 proxmesh confirm
hexec pve-1 cp /root/dual-stack.conf "$CONF"
check "pve-1: systemctl reload proxmesh (dual-stack again)" hexec pve-1 systemctl reload proxmesh
check_within 60 "OSPFv3 Full on every link at the end" ospf6_full_all
check_within 30 "all hosts healthy at the end, both families" healthy_all
