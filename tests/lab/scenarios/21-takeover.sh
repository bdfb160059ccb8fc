#!/bin/bash
# 21-takeover.sh — issue 4: proxmesh takes over the hand-made setup of
# DESIGN §1 (network statements, redistribute connected, lo:backup); the
# PBS service address stays reachable from both PVE hosts.
LAB_MODE=handmade
LAB_FRESH=1  # a host never touched by proxmesh
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

"$LAB_DIR/install" >&2
handmade_ready
# 100 pings a second from both PVE hosts to the PBS service address: one
# with the source address the host picks (what a new connection gets), one
# from the address of the host's link to the PBS (an established one).
for h in "${PVE_HOSTS[@]}"; do
	src=$(hexec "$h" ip -o -4 addr show dev nic4 | awk '{ sub(/\/.*/, "", $4); print $4 }')
	ping_start "$h" takeover "$PBS_SERVICE"
	ping_start "$h" takeover-src "$PBS_SERVICE" -I "$src"
done
# what the kernels did meanwhile, for the diagnostics of a late reply
for h in "${HOSTS[@]}"; do
	hexec "$h" sh -c 'ip -ts monitor route neigh address rule link >/tmp/takeover.mon 2>&1 &
		echo $! >/tmp/takeover.mon.pid'
done
sleep 1
# All three hosts at once, as an operator rolls proxmesh out: a host taken
# over alone cannot route with a hand-made neighbour (point-to-point against
# broadcast), whatever proxmesh does.
at_once "take-over apply" takeover proxmesh apply
for h in pbs pve-1 pve-2; do
	check "$h: bfdd started by reloading FRR, not restarting it" \
		grep -q 'FRR reloaded' "$STATE/takeover-$h.log"
done
check "mesh converged after take-over" "$LAB_DIR/wait-converged" -t 30
sleep 2
for h in "${HOSTS[@]}"; do hexec "$h" sh -c 'kill $(cat /tmp/takeover.mon.pid)'; done
for h in "${PVE_HOSTS[@]}"; do
	read -r g lost sent <<<"$(ping_stop "$h" takeover)"
	read -r gs losts sents <<<"$(ping_stop "$h" takeover-src)"
	diag "$h: longest interruption to $PBS_SERVICE during take-over: $g s, $lost of $sent lost ($gs s, $losts of $sents from the nic4 address)"
	# Each link leaves OSPF when its network statement goes and comes
	# back point-to-point (~1 s without a route, 0.7-4 s measured before
	# bridging); the bridge over nic4 carries the traffic meanwhile.
	# 20-50 ms measured (a few pings of 100 a second); 0.2 s is what a
	# correct take-over always meets here, loaded or not.
	# (The "~1.1 s take-over gap" of CI runs 4 and stop 21 was the first
	# second of the pings, before any apply: they started once the
	# hand-made adjacencies were Full but before OSPF had installed the
	# route. handmade_ready waits for that now.)
	check "$h: $PBS_SERVICE reachable throughout (longest gap $g s, $lost of $sent lost)" \
		reachable "$g" "$lost" "$sent" 0.2 20
	check "$h: ... and from the nic4 address (longest gap $gs s, $losts of $sents lost)" \
		reachable "$gs" "$losts" "$sents" 0.2 20
	tight=0
	reachable "$g" "$lost" "$sent" 0.2 20 >/dev/null &&
		reachable "$gs" "$losts" "$sents" 0.2 20 >/dev/null || tight=1
	if ((tight)); then
		# when: the pings' start, first and last reply, the longest gap
		# between replies (ping_stop's gap also counts start and stop);
		# what: each host's apply and FRR's own log around it
		diag "$h: $(hexec "$h" sh -c 'cat /tmp/takeover.t0; cat /tmp/takeover.ping' |
			awk -F'[][]' 'NR == 1 { t0 = $0; next } /bytes from/ { if (!f) f = $2
				if (p && $2 - p > g) { g = $2 - p; a = p; b = $2 } p = $2 }
			END { printf "pings from %s: first reply %s, last %s, longest gap between replies %.3f to %.3f", t0, f, p, a, b }')"
		diag "$h: what ping said besides replies: $(hexec "$h" grep -v 'bytes from' /tmp/takeover.ping | head -n 20)"
		for x in "${HOSTS[@]}"; do
			diag "$x: proxmesh apply said: $(cat "$STATE/takeover-$x.log")"
			diag "$x: FRR: $(hexec "$x" journalctl -u frr --since -60s -o short-unix -q --no-pager | tail -n 25)"
			diag "$x: kernel events: $(hexec "$x" head -n 60 /tmp/takeover.mon)"
		done
	fi
	check "$h: apply said it bridged $PBS_SERVICE and took the bridge away" \
		grep -q "bridge $PBS_SERVICE/32 removed: OSPF carries it" "$STATE/takeover-$h.log"
done
for h in "${HOSTS[@]}"; do check "$h: no bridge left after apply" no_bridge "$h"; done
for h in "${HOSTS[@]}"; do
	check "$h: after take-over the configuration is proxmesh's (plan exit 0)" hexec "$h" proxmesh plan
	# in the form it was set up in (changing forms would take every link
	# out of OSPF at once)
	check "$h: network statements for its own links and loopback, nothing redistributed" \
		network_form "$h" "$LAB_DIR/proxmesh.conf"
done
for h in "${PVE_HOSTS[@]}"; do check "$h reaches $PBS_SERVICE" hping "$h" "$PBS_SERVICE"; done

# A bridge left behind (an apply killed while OSPF settled): plan names it,
# the next apply removes it at once, since OSPF routes the address.
hexec pve-1 ip route add "$PBS_SERVICE/32" via 192.168.103.6 dev nic4 table 32700
hexec pve-1 ip rule add to "$PBS_SERVICE/32" lookup 32700 pref 32700
said=$(hexec pve-1 proxmesh plan 2>&1) && rc=0 || rc=$?
check "pve-1: plan names the bridge left behind and exits 0 (exit $rc)" \
	eval "[[ $rc == 0 && \$said == *'bridge $PBS_SERVICE/32 via 192.168.103.6 dev nic4 in place (OSPF routes it too'* ]]"
said=$(hexec pve-1 proxmesh apply 2>&1) && rc=0 || rc=$?
check "pve-1: apply removes it (exit $rc)" \
	eval "[[ $rc == 0 && \$said == *'bridge $PBS_SERVICE/32 removed: OSPF carries it'* ]]"
check "pve-1: no bridge left" no_bridge pve-1
