#!/bin/bash
# 59-add-host.sh — issue 15 scenario 7: a host added to a running mesh, and
# removed again, with the agents under systemd on FRR 8.4, 10.3 and 10.7.
# pve-3 (id 4, Debian 12) is booted into the running lab and cabled to
# pve-1 nic5 and pve-2 nic5; the configuration grows by its [node] section
# and one `link =` line on each of pve-1 and pve-2, on every host, and
# `systemctl reload proxmesh` runs everywhere. Throughout, a 100 pps ping
# between old hosts, `ip monitor address` on them, and their adjacencies
# and BFD sessions (uptimes, discriminators) are watched: no address of
# theirs goes away or changes, no adjacency or BFD session restarts, the
# ping loses nothing that matters. pve-3's loopback is reachable from all
# and theirs from it; every agent is healthy. Then the reverse: the old
# configuration back and reloaded, pve-3 powered off and unplugged: the
# nic5 addresses and OSPF lines go, nothing else moves.
#
# The operator's order, and the one warning it gives: the mesh first, then
# the cluster (corosync often runs over the mesh), so between the reload and
# `pvecm add` the old hosts each warn once "node pve-3 is not external but
# not a cluster member"; on removal (the configuration reloaded on the PBS
# first, then on pve-3's neighbours; pve-3 powered off; `pvecm delnode`),
# between the reload and `pvecm delnode`, once "cluster member pve-3 has no
# [node] section". Those are asserted exactly; no other warning is
# accepted, none about a link or a destination.
LAB_MODE=bare
LAB_FRESH=1
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

OLD=(pve-1 pve-2 pbs)
NEW=pve-3
NEW_LO=192.168.102.4
PVE1_LO=192.168.102.1
PVE2_ADDR=192.168.103.9  # pve-2 has no loopback; its address to the PBS
W=$STATE/59
rm -rf "$W"
mkdir -p "$W"
declare -A MON=() pids=()
# Nothing of the old mesh changes, so no packet is lost: measured 0 lost in
# every run, longest gaps 0.06-0.23 s, which are the loaded 2-core machine
# delaying replies (none lost). A restarted adjacency or BFD session costs
# at least BFD's detection (0.3 s) and tens of packets.
MAX_GAP=0.5 MAX_LOST=5

# The reference configuration with pve-3 added (lib.sh).
conf_with_pve3 >"$W/with-pve-3.conf"

cleanup() {  # pve-3 gone whatever happened, so later scenarios see three hosts
	local h
	for h in "${!MON[@]}"; do kill "${MON[$h]}" 2>/dev/null || true; done
	if [[ -n $(awk -v h="$NEW" '$1 == h' "$STATE/extra-hosts" 2>/dev/null) ]]; then
		"$LAB_DIR/down" "$NEW" >&2 || true
	fi
	"$LAB_DIR/api" leave "$NEW" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Every address of HOST: "IF FAMILY ADDRESS/LEN" lines, sorted.
addrs() {
	hexec "$1" ip -j addr | python3 -c '
import json, sys
for i in json.load(sys.stdin):
    for a in i.get("addr_info", []):
        print(i["ifname"], a["family"], "%s/%s" % (a["local"], a["prefixlen"]))' | sort
}
# The adjacencies of HOST: "ROUTER-ID IF UPTIME-MS STATE" lines.
adjacencies() {
	hexec "$1" vtysh -c 'show ip ospf neighbor json' | python3 -c '
import json, sys
for rid, lst in json.load(sys.stdin)["neighbors"].items():
    for n in lst:
        print(rid, n["ifaceName"].split(":")[0], n["upTimeInMsec"], n["nbrState"].split("/")[0])'
}
# The BFD sessions of HOST: "PEER IF LOCAL-ID REMOTE-ID UPTIME-S STATUS" lines.
bfd_sessions() {
	hexec "$1" vtysh -c 'show bfd peers json' | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    print(p["peer"], p.get("interface", "-"), p["id"], p["remote-id"], p.get("uptime", 0), p["status"])'
}
# snapshot: the three records of every old host; the adjacencies and BFD
# sessions stamped with the time right after they were read
snapshot() {
	local h
	for h in "${OLD[@]}"; do
		addrs "$h" >"$W/$h.start.addr"
		adjacencies "$h" >"$W/$h.start.adj"
		date +%s%3N >"$W/$h.start.adj.t"
		bfd_sessions "$h" >"$W/$h.start.bfd"
		date +%s%3N >"$W/$h.start.bfd.t"
	done
}
# since_start HOST KIND READER CHECK: read KIND (adj, bfd) of HOST now with
# READER and compare it with the start through the Python program CHECK
# (argv: start file, now file, the times of both readings in ms, HOST).
since_start() {
	local h=$1 now_ms
	now_ms=$(date +%s%3N)
	"$3" "$h" >"$W/$h.now.$2" || { echo "$h: cannot read $2"; return 1; }
	python3 -c "$4" "$W/$h.start.$2" "$W/$h.now.$2" "$(<"$W/$h.start.$2.t")" "$now_ms" "$h"
}
# kept HOST: the adjacencies recorded at the start are all still Full, with
# the same neighbour on the same interface, and up for at least as long as
# passed between the two readings (less 0.5 s): none restarted.
KEPT_PY='
import sys
def read(p):
    return {(l.split()[0], l.split()[1]): (int(l.split()[2]), l.split()[3])
            for l in open(p) if l.strip()}
before, after = read(sys.argv[1]), read(sys.argv[2])
dt = int(sys.argv[4]) - int(sys.argv[3])
bad = []
for k, (up, st) in before.items():
    if k not in after:
        bad.append("%s on %s: gone" % k)
    elif after[k][1] != "Full":
        bad.append("%s on %s: %s" % (k + (after[k][1],)))
    elif after[k][0] < up + dt - 500:
        bad.append("%s on %s: up %d ms, was %d ms %d ms ago (restarted)" % (k + (after[k][0], up, dt)))
for b in bad:
    print(sys.argv[5] + ": adjacency " + b)
sys.exit(1 if bad or not before else 0)'
kept() { since_start "$1" adj adjacencies "$KEPT_PY"; }
# bfd_kept HOST: the BFD sessions recorded at the start are the same sessions
# (same discriminators both ways), up, and up for as long as passed between
# the two readings (in whole seconds, as FRR counts).
BFD_KEPT_PY='
import sys
def read(p):
    return {tuple(l.split()[:2]): l.split()[2:] for l in open(p) if l.strip()}
before, after = read(sys.argv[1]), read(sys.argv[2])
dt = (int(sys.argv[4]) - int(sys.argv[3])) // 1000
bad = []
for k, (lid, rid, up, st) in before.items():
    a = after.get(k)
    if a is None:
        bad.append("%s on %s: gone" % k)
    elif a[3] != "up" or a[:2] != [lid, rid]:
        bad.append("%s on %s: %s (discriminators %s/%s, were %s/%s)" % (k + (a[3], a[0], a[1], lid, rid)))
    elif int(a[2]) < int(up) + dt - 1:
        bad.append("%s on %s: up %s s, was %s s %d s ago (restarted)" % (k + (a[2], up, dt)))
for b in bad:
    print(sys.argv[5] + ": BFD session " + b)
sys.exit(1 if bad or not before else 0)'
bfd_kept() { since_start "$1" bfd bfd_sessions "$BFD_KEPT_PY"; }
# same_addrs HOST: every address HOST had at the start is still there, and
# the interfaces it had carry no other address.
same_addrs() {
	local h=$1 ifs
	addrs "$h" >"$W/$h.now.addr" || return 1
	ifs=$(cut -d' ' -f1 "$W/$h.start.addr" | sort -u | paste -sd'|')
	diff <(cat "$W/$h.start.addr") <(grep -E "^($ifs) " "$W/$h.now.addr") >&2 || {
		echo "$h: the addresses of its interfaces changed (diff above)"
		return 1
	}
}
# untouched HOST: `ip monitor address` saw no address of HOST added,
# replaced or deleted, except on nic5 (pve-3's cable).
untouched() {
	local d
	d=$(grep -v -E '^(Deleted )?[0-9]+: nic5 ' "$W/$1.monitor") || true
	[[ -z $d ]] || { echo "$1: address events:"; echo "$d"; return 1; }
}
# warnings HOST SINCE-US: proxmesh's entries at warning or above since then
warnings() {
	local out
	out=$(entries "$1" "$2") || { echo "$out"; return 1; }
	grep -E '^[0-4] ' <<<"$out" || true
}
# only_warning HOST SINCE-US TEXT: exactly one entry at warning or above
# since then, and it is TEXT
only_warning() {
	local out
	out=$(warnings "$1" "$2") || { echo "$out"; return 1; }
	[[ $out == "4 $3" ]] || { echo "$1: expected only \"4 $3\", got:"; echo "${out:-nothing}"; return 1; }
}
has_addr() { hexec "$1" ip -o -4 addr show dev "$2" | grep -q " $3 "; }
no_addr() { ! hexec "$1" ip -o -4 addr show dev "$2" 2>/dev/null | grep -q " $3 "; }
# unplanned HOST: nic5 is no longer in HOST's plan: not in status.json, the
# interfaces.d file, ospfd's interfaces or its running configuration
unplanned() {
	local h=$1 st
	st=$(hexec "$h" cat /run/proxmesh/status.json) || return 1
	python3 -c 'import json, sys; sys.exit(any(l["interface"] == "nic5" for l in json.loads(sys.argv[1])["links"]))' "$st" ||
		{ echo "$h: nic5 still in status.json"; return 1; }
	! hexec "$h" grep -n nic5 /etc/network/interfaces.d/proxmesh || { echo "$h: nic5 in interfaces.d/proxmesh"; return 1; }
	hexec "$h" vtysh -c 'show running-config' | awk '
		/^interface nic5$/ { i = 1; next } /^(exit|!)/ { i = 0 }
		i && /ip ospf|bfd/ { print "'"$h"': nic5 still has: " $0; bad = 1 } END { exit bad }'
}
# old_mesh_kept WHAT SINCE-US WARNING: while pve-3 was WHAT (added,
# removed), nothing of the old mesh moved since the start, the old hosts
# logged WARNING alone, and the pings (pingers WHAT1 on pve-1 to the PBS,
# WHAT2 on pve-2 to pve-1) lost nothing.
old_mesh_kept() {
	local h g lost sent p ph pn pa
	for h in "${OLD[@]}"; do
		check "$h: no adjacency restarted since the start: same neighbours, uptimes kept" kept "$h"
		check "$h: no BFD session restarted since the start" bfd_kept "$h"
		check "$h: the addresses of its interfaces at the start, unchanged" same_addrs "$h"
		check "$h: no address of it touched, but nic5's (ip monitor)" untouched "$h"
		check "$h: no warning but \"$3\"" only_warning "$h" "$2" "$3"
	done
	for p in "pve-1 ${1}1 $PBS_SERVICE" "pve-2 ${1}2 $PVE1_LO"; do
		read -r ph pn pa <<<"$p"
		read -r g lost sent <<<"$(ping_stop "$ph" "$pn")"
		diag "$ph -> $pa while pve-3 was $1: longest gap $g s, $lost of $sent lost"
		check "$ph: $pa reachable throughout (gap $g s, $lost of $sent lost)" \
			reachable "$g" "$lost" "$sent" "$MAX_GAP" "$MAX_LOST"
	done
}

# 1. The mesh of three, converged under the agents; the records at the start.
agents_start
sleep 2
snapshot
for h in "${OLD[@]}"; do
	check "$h: adjacencies and BFD sessions recorded ($(grep -c . "$W/$h.start.adj") / $(grep -c . "$W/$h.start.bfd"))" \
		eval "[[ -s $W/$h.start.adj && -s $W/$h.start.bfd ]]"
	ip -n "$(ns "$h")" -o monitor address >"$W/$h.monitor" 2>&1 &
	MON[$h]=$!
done
ping_start pve-1 added1 "$PBS_SERVICE"
ping_start pve-2 added2 "$PVE1_LO"

# 2. pve-3 booted and cabled; the new configuration on every host.
t0=$(now)
check "pve-3 booted into the running lab (up --add)" "$LAB_DIR/up" --add "$NEW"
lab_hosts
diag "pve-3 up in $(elapsed "$t0") s"
check "pve-1 and pve-2 have a new nic5, pve-3 nic3 and nic4" eval \
	"hexec pve-1 ip link show nic5 && hexec pve-2 ip link show nic5 && hexec $NEW ip link show nic3 && hexec $NEW ip link show nic4 >/dev/null"
PROXMESH_CONF=$W/with-pve-3.conf "$LAB_DIR/install" "$NEW" >&2
for h in "${OLD[@]}"; do install -m 644 "$W/with-pve-3.conf" "$(hroot "$h")/etc/proxmesh/proxmesh.conf"; done
check "the new configuration is valid on pve-1 (proxmesh check)" hexec pve-1 proxmesh check
t_add=$(us_now)
t0=$(now)
check "pve-3: systemctl enable --now proxmesh" hexec "$NEW" systemctl enable --now proxmesh
diag "pve-3: the agent's first pass done $(elapsed "$t0") s after its start (it starts ospfd and bfdd)"
at_once "systemctl reload proxmesh" 59-reload systemctl reload proxmesh
# How long after the reload pve-1's nic5 has its address and pve-3 Full
# on it, polled inside pve-1.
read -r t_addr t_full < <(hexec pve-1 bash -c '
	t0=$(date +%s.%N) a=none end=$(($(date +%s) + 60))
	while (($(date +%s) < end)); do
		if [[ $a == none ]] && ip -4 -o addr show dev nic5 2>/dev/null | grep -q " 192.168.103.13/30 "; then
			a=$(date +%s.%N)
		fi
		if vtysh -c "show ip ospf neighbor" 2>/dev/null | grep -q "^192.168.102.4 .*Full.*nic5"; then
			awk -v t0="$t0" -v a="$a" -v b="$(date +%s.%N)" \
				"BEGIN { printf \"%s %.1f\n\", a == \"none\" ? a : sprintf(\"%.1f\", a - t0), b - t0 }"
			exit 0
		fi
		sleep 0.05
	done
	echo "$a none"') || true
diag "pve-1 nic5 after the reload: address ${t_addr:-none} s, pve-3 Full ${t_full:-none} s"

check_within 60 "the mesh of four converged (pve-3 Full with pve-1 and pve-2)" "$LAB_DIR/wait-converged" -t 1
for a in "pve-1 nic5 192.168.103.13/30" "pve-2 nic5 192.168.103.17/30" \
	"$NEW nic3 192.168.103.14/30" "$NEW nic4 192.168.103.18/30"; do
	read -r h ifn addr <<<"$a"
	check "$h: $ifn has its planned address $addr" has_addr "$h" "$ifn" "$addr"
done
for h in "${OLD[@]}"; do
	check_within 15 "$h: pve-3's loopback $NEW_LO reachable" hping "$h" "$NEW_LO"
done
for a in "$PVE1_LO pve-1's loopback" "$PBS_SERVICE the PBS's loopback" \
	"$PVE2_ADDR pve-2 (which has no loopback: its address to the PBS)"; do
	check_within 15 "pve-3: ${a#* } ${a%% *} reachable" hping "$NEW" "${a%% *}"
done
check_within 30 "all four hosts healthy" healthy_all
# The cluster learns of pve-3 (pvecm add); a poll later (10 s) nobody warns.
"$LAB_DIR/api" join "$NEW"
sleep 12
check "all four hosts still healthy with pve-3 in the cluster" healthy_all
for a in "pve-1 nic5" "pve-2 nic5" "$NEW nic3"; do
	check "${a% *}: the cluster says the peer on ${a#* } is online (status.json)" \
		eval "[[ \$(link_field $a peer_online) == True ]]"
done
old_mesh_kept added "$t_add" "node pve-3 is not external but not a cluster member"

# 3. pve-3 removed: the old configuration back and reloaded on the old
# hosts, pve-3 powered off and unplugged, then removed from the cluster.
ping_start pve-1 removed1 "$PBS_SERVICE"
ping_start pve-2 removed2 "$PVE1_LO"
for h in "${OLD[@]}"; do install -m 644 "$LAB_DIR/proxmesh.conf" "$(hroot "$h")/etc/proxmesh/proxmesh.conf"; done
t_rm=$(us_now)
# The hosts that only route to pve-3 first, then its neighbours, which
# unplug it from OSPF: in the other order a far host still configured
# with pve-3 would rightly warn that its loopback went unreachable.
check "pbs: systemctl reload proxmesh (pve-3 removed)" hexec pbs systemctl reload proxmesh
for h in pve-1 pve-2; do hexec "$h" systemctl reload proxmesh & pids[$h]=$!; done
for h in pve-1 pve-2; do
	rc=0
	wait "${pids[$h]}" || rc=$?
	check "$h: systemctl reload proxmesh (pve-3 removed) (exit $rc)" test "$rc" -eq 0
done
for a in "pve-1 192.168.103.13" "pve-2 192.168.103.17"; do
	read -r h addr <<<"$a"
	check_within 10 "$h: nic5's address $addr/30 removed" no_addr "$h" nic5 "$addr/30"
	check_within 10 "$h: nic5 out of its plan (status, interfaces.d, ospfd)" unplanned "$h"
done
check "pve-3 powered off and unplugged (down pve-3)" "$LAB_DIR/down" "$NEW"
"$LAB_DIR/api" leave "$NEW"
lab_hosts
check "pve-1 and pve-2: nic5 gone with the cable" eval \
	"! hexec pve-1 ip link show nic5 2>/dev/null && ! hexec pve-2 ip link show nic5 2>/dev/null"
sleep 12  # an API poll after pvecm delnode
check_within 30 "the three hosts healthy" healthy_all
check "the mesh of three converged" "$LAB_DIR/wait-converged" -t 1
old_mesh_kept removed "$t_rm" "cluster member pve-3 has no [node] section"
