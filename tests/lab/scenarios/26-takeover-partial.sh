#!/bin/bash
# 26-takeover-partial.sh — issue 19: a hand-made partial mesh of four hosts
# (pve-3, FRR 8.4, cabled to pve-1 and pve-2 only, two hops from the PBS)
# taken over one host at a time, as an operator rolls out: pve-3 first
# (both its neighbours hand-made), then pve-1, the PBS, pve-2, each with
# `systemctl enable --now proxmesh` once the one before has settled. A link
# stays broadcast while its neighbour is hand-made (DESIGN §5) and turns
# point-to-point once both ends run proxmesh. Every loopback is reached
# from every host after each step (except around the hand-made PBS, DESIGN
# §1's fault 1, below). Pings at 100/s to the PBS service address from the
# three PVE hosts, and to pve-3's loopback from the PBS (two hops) once it
# is reached: never cut for 0.5 s. From the hand-made pve-2: no take-over
# resets an adjacency with a hand-made neighbour (its links keep the
# network form they were set up in, a link kept broadcast raises its OSPF
# priority rather than lowering it, the hand-made external routes stay
# while a neighbour is hand-made; 0.025-0.030 s measured, it was 1.2-1.7
# s). Between the hosts that run proxmesh, whose links turn
# point-to-point, bridged: a loopback turns from external to stub only in
# a quiet pass, and a bridge carries the host's own traffic from its
# loopback (0.026-0.033 s in five runs; 0.86-1.0 s before either).
# Before the bridges, a host taken over next to a hand-made neighbour
# routed nothing over that link (22-71 s of loss).
LAB_MODE=handmade
LAB_FRESH=1  # hosts never touched by proxmesh
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

NEW=pve-3
W=$STATE/26
pve3_scenario "$W"
: >"$W/steps"

check "pve-3 booted into the hand-made lab, cabled to pve-1 nic5 and pve-2 nic5" \
	"$LAB_DIR/up" --add "$NEW"
lab_hosts
# pve-1's and pve-2's new NICs by hand, as §1 does it: the address, the
# interface's OSPF timers and cost, a network statement.
while read -r a ai aa b bi ba; do
	for end in "$a $ai $aa" "$b $bi $ba"; do
		read -r h ifc addr <<<"$end"
		[[ $h == "$NEW" ]] && continue
		o=${addr%/*}
		hexec "$h" ip addr add "$addr" dev "$ifc"
		hexec "$h" ip link set "$ifc" up
		hexec "$h" vtysh -c 'configure terminal' -c "interface $ifc" \
			-c 'ip ospf cost 200' -c 'ip ospf dead-interval 3' -c 'ip ospf hello-interval 1' \
			-c 'exit' -c 'router ospf' -c "network ${o%.*}.$((${o##*.} & 252))/30 area 0.0.0.0" >/dev/null
	done
done < <(extra_cables "$NEW" | cut -d' ' -f2-)
PROXMESH_CONF=$W/four.conf "$LAB_DIR/install" >&2
"$LAB_DIR/api" join "$NEW" >&2
handmade_ready
check_within 30 "pve-3: the hand-made mesh routes $PBS_SERVICE (two hops)" hping "$NEW" "$PBS_SERVICE"

# The loopbacks of the hosts taken over so far, "HOST ADDR" lines.
loopback_of() {
	awk -v s="[node $1]" '$0 == s { n = 1; next } /^\[/ { n = 0 }
		n && $1 == "loopback" { sub(/\/.*/, "", $3); print $3 }' "$W/four.conf"
}
taken() { local t; for t in "${TAKEN[@]}"; do [[ $t == "$1" ]] && return 0; done; return 1; }
# every loopback of a host taken over reached from every host; but a
# hand-made host that routes one through the still hand-made PBS (nic4,
# cost 10 + 10 < 200) loses it there: DESIGN §1's fault 1 of the hand-made
# setup (the PBS forwards nothing and does not say so), which its own
# take-over mends
all_reach() {
	local h t a bad=""
	for t in "${TAKEN[@]}"; do
		a=$(loopback_of "$t")
		[[ -n $a ]] || continue
		for h in "${HOSTS[@]}"; do
			[[ $h == "$t" ]] && continue
			if ! taken pbs && ! taken "$h" && [[ $(route_dev "$h" "$a") == nic4 ]]; then
				echo "# $h routes $a through the hand-made PBS (DESIGN §1, fault 1): not checked"
				continue
			fi
			hping "$h" "$a" || bad+=" $h->$t($a)"
		done
	done
	for h in "${PVE_HOSTS[@]}"; do hping "$h" "$PBS_SERVICE" || bad+=" $h->$PBS_SERVICE"; done
	[[ -z $bad ]] || { echo "not reached:$bad"; return 1; }
}
# net_type HOST IFNAME: ospfd's network type of the interface
net_type() {
	hexec "$1" vtysh -c "show ip ospf interface $2 json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
i = d.get("interfaces", d).get(sys.argv[1], {})
print(i.get("networkType", "?"))' "$2"
}
# dialects_right: each link of a host taken over is point-to-point when
# both ends are taken over, broadcast otherwise (both ends alike)
dialects_right() {
	local c a ai aa b bi ba want ta tb bad=""
	for c in "${CABLES[@]}"; do
		read -r a ai aa b bi ba <<<"$c"
		want=BROADCAST
		[[ " ${TAKEN[*]} " == *" $a "* && " ${TAKEN[*]} " == *" $b "* ]] && want=POINTOPOINT
		ta=$(net_type "$a" "$ai") tb=$(net_type "$b" "$bi")
		[[ $ta == "$want" && $tb == "$want" ]] || bad+=" $a/$ai=$ta,$b/$bi=$tb(want $want)"
	done
	[[ -z $bad ]] || { echo "$bad"; return 1; }
}
no_bridges() {
	local h bad=""
	for h in "${HOSTS[@]}"; do no_bridge "$h" || bad+=" $h"; done
	[[ -z $bad ]] || { echo "bridges left on:$bad"; return 1; }
}
# worst_gap HOST NAME: when the longest gap between replies of the pinger
# NAME on HOST was, and the take-over step it came in ("0.9 s from 2.1 s
# after pve-1's take-over began")
worst_gap() {
	hexec "$1" cat "/tmp/$2.ping" | awk -F'[][]' -v steps="$W/steps" '
		BEGIN { while ((getline l < steps) > 0) { split(l, w, " "); n++; st[n] = w[1]; sh[n] = w[2] } }
		/bytes from/ { t = $2 + 0; if (p && t - p > g) { g = t - p; a = p } p = t }
		END { if (!g) { print "no gap"; exit }
		      for (i = 1; i <= n; i++) if (st[i] <= a) k = i
		      if (k) printf "%.3f s from %.1f s after %s'"'"'s take-over began\n", g, a - st[k], sh[k]
		      else printf "%.3f s before the first take-over\n", g }'
}
# status_right: on every host taken over the agent reports healthy (from
# the second step on: until pve-1 is taken over, pve-3 rightly finds pve-1's
# planned loopback unreachable), and status.json marks exactly the links
# whose neighbour is hand-made
status_right() {
	local h bad="" out
	for h in "${TAKEN[@]}"; do
		((${#TAKEN[@]} == 1)) || hexec "$h" proxmesh status >/dev/null 2>&1 ||
			bad+=" $h:not-healthy"
		out=$(hexec "$h" cat /run/proxmesh/status.json | python3 -c '
import json, sys
taken = sys.argv[1].split()
for l in json.load(sys.stdin)["links"]:
    want = l["peer"] not in taken
    if l.get("peer_handmade") != want:
        print("%s(%s)=%s" % (l["interface"], l["peer"], l.get("peer_handmade")))' "${TAKEN[*]}")
		[[ -z $out ]] || bad+=" $h:$out"
	done
	[[ -z $bad ]] || { echo "$bad"; return 1; }
}
plan_all_zero() {  # plan exits 0 on every host taken over
	local h bad=""
	for h in "${TAKEN[@]}"; do hexec "$h" proxmesh plan >/dev/null 2>&1 || bad+=" $h"; done
	[[ -z $bad ]] || { echo "plan pending or failed on:$bad"; return 1; }
}

for h in pve-1 pve-2 "$NEW"; do ping_start "$h" partial "$PBS_SERVICE"; done
LB3=$(loopback_of "$NEW")
TAKEN=()
t0=$(date +%s)
for h in "$NEW" pve-1 pbs pve-2; do
	TAKEN+=("$h")
	step=$(date +%s)
	echo "$(date +%s.%N) $h" >>"$W/steps"
	check "$h: taken over (systemctl enable --now proxmesh)" hexec "$h" systemctl enable --now proxmesh
	check_within 60 "after $h: each link point-to-point between hosts taken over, broadcast next to a hand-made one" \
		dialects_right
	check_within 30 "after $h: plan exits 0 on every host taken over" plan_all_zero
	check_within 30 "after $h: every loopback reached from every host" all_reach
	# pve-3's loopback from the PBS from now on (it is new at this step)
	[[ $h == "$NEW" ]] && ping_start pbs partial-lb "$LB3"
	check_within 30 "after $h: healthy, status marks the links to hand-made neighbours" status_right
	if [[ $h != pve-2 ]]; then  # a neighbour left hand-made: said once, as information
		check "$h: the journal says which link stays broadcast, and for whom" \
			jhas "$h" "$step" 'stays broadcast for it until it is' '"PRIORITY":"6"'
	fi
	sleep 2  # a moment of steady state between two hosts
done
check "the partial mesh of four converged" "$LAB_DIR/wait-converged" -t 30
# (a host bridges a hand-made neighbour's planned loopback, which does not
# exist until that neighbour is taken over: the bridge stays till then)
check_within 30 "no bridge left" no_bridges
for h in "${HOSTS[@]}"; do
	check "$h: the agent logged no failure" jnone "$h" "$t0" 'reconcile failed'
	check "$h: network statements for its own links and loopback, nothing redistributed" \
		network_form "$h" "$W/four.conf"
done
for h in pve-1 pve-2 "$NEW"; do
	read -r g lost sent <<<"$(ping_stop "$h" partial)"
	diag "$h: longest interruption to $PBS_SERVICE during the take-over of four hosts: $g s, $lost of $sent lost (longest between replies: $(worst_gap "$h" partial))"
	# 0.025-0.033 s in five runs, none lost (see the top); the bound
	# leaves room for a machine busy with CI beside the lab
	limit=0.5 most=50
	check "$h: $PBS_SERVICE never cut for $limit s or more (longest gap $g s, $lost of $sent lost)" \
		reachable "$g" "$lost" "$sent" "$limit" "$most"
done
read -r g lost sent <<<"$(ping_stop pbs partial-lb)"
diag "pbs: longest interruption to pve-3's loopback $LB3 once reached: $g s, $lost of $sent lost (longest between replies: $(worst_gap pbs partial-lb))"
check "pbs: pve-3's loopback $LB3 (two hops) never cut for 0.5 s or more (longest gap $g s, $lost of $sent lost)" \
	reachable "$g" "$lost" "$sent" 0.5 50

# Back to three hosts with the reference configuration.
for h in "${HOSTS[@]}"; do hexec "$h" systemctl disable --now proxmesh 2>/dev/null || true; done
cleanup
lab_hosts
