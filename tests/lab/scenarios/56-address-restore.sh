#!/bin/bash
# 56-address-restore.sh — issue 15 scenario 6 "Address restore", with the
# agent under systemd on every host (pve-1 FRR 8.4, pve-2 10.3, pbs 10.7):
# (a) `ip addr flush dev nicX`: the planned address is back within a second
#     (the pass the address's disappearance triggers), logged once;
# (b) `ifreload -a` with an /etc/network/interfaces that does not source
#     interfaces.d (ifupdown2 then removes the mesh addresses): back within
#     a second, logged once, and the agent warns, once, that interfaces does
#     not source interfaces.d.
# The time from the address's disappearance to its return is printed.
LAB_MODE=bare
LAB_LANE=1  # tests/meson.build runs the lab in two lanes side by side
LAB_FRESH=1  # hosts no agent ran on yet
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

declare -A FRRV=([pve-1]=8.4 [pve-2]=10.3 [pbs]=10.7)
APPLIED_MID=2a827be902174543a1eb4696e7b78b1e   # PM_MID_RECONCILE_APPLIED
RESTORED_MID=72ef705285d94f2890224982270d4f5f  # PM_MID_ADDRESS_RESTORED
IFMAIN=/etc/network/interfaces

# count_is N HOST SINCE-US [MID] [PRIORITY] [TEXT]: exactly N such entries
# (printed when not)
healthy() { hexec "$1" proxmesh status >/dev/null; }
# addrs_of HOST: "IF=ADDR" of every link of HOST (its planned addresses)
addrs_of() { host_links "$1" | awk '{ printf "%s=%s ", $1, $2 }'; }
has_addrs() {  # has_addrs HOST: every planned address on its interface
	local h=$1 p
	for p in $(addrs_of "$h"); do
		hexec "$h" ip -4 -o addr show dev "${p%%=*}" | grep -q " ${p#*=} " || return 1
	done
}
# timed HOST CMD IF=ADDR…: run CMD inside HOST, then poll every 10 ms until
# every address is on its interface; prints "RC END BACK": CMD's exit
# status, when it returned and when the addresses were all there (epoch
# seconds; BACK "none" if not within 10 s). CMD runs in the foreground: the
# restore can begin while it runs (ifreload), so BACK - END is the time left
# once CMD is done, and 0 if all were back by then.
timed() {
	hexec "$1" bash -c '
		cmd=$1; shift
		have() {
			local p
			for p in "$@"; do
				ip -4 -o addr show dev "${p%%=*}" | grep -q " ${p#*=} " || return 1
			done
		}
		bash -c "$cmd" >/tmp/timed.out 2>&1; rc=$?
		t=$(date +%s.%N) back=none end=$(($(date +%s) + 10))
		while (($(date +%s) < end)); do
			have "$@" && { back=$(date +%s.%N); break; }
			sleep 0.01
		done
		echo "$rc $t $back"' _ "${@:2}"
}
delta() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "none" || b == "none") print "none"; else printf "%.3f", b - a }'; }
under() { [[ $1 != none ]] && awk -v d="$1" -v m="$2" 'BEGIN { exit !(d < m) }'; }

"$LAB_DIR/install" >&2
for h in "${HOSTS[@]}"; do
	check "$h: systemctl enable --now proxmesh" hexec "$h" systemctl enable --now proxmesh
done
check_within 90 "mesh converged under the agents" "$LAB_DIR/wait-converged" -t 1
for h in "${HOSTS[@]}"; do check_within 30 "$h: the agent reports healthy" healthy "$h"; done
for h in "${HOSTS[@]}"; do check "$h: planned addresses in place ($(addrs_of "$h"))" has_addrs "$h"; done
sleep 2

# (a) ip addr flush dev nicX, one link per host.
for h in "${HOSTS[@]}"; do
	read -r ifn addr _ < <(host_links "$h")
	t=$(us_now)
	read -r rc gone back < <(timed "$h" "ip addr flush dev $ifn" "$ifn=$addr")
	d=$(delta "$gone" "$back")
	diag "$h (FRR ${FRRV[$h]}): ip addr flush dev $ifn: $addr back ${d} s after the flush"
	check "$h: ip addr flush dev $ifn succeeded (exit $rc)" test "$rc" = 0
	check "$h: $addr back on $ifn within 1 s of the flush (${d} s)" under "$d" 1
	sleep 3  # a second entry, if the agent made one, comes by now
	check "$h: the restore logged once (one address-restored entry, MESSAGE_ID $RESTORED_MID)" \
		count_is 1 "$h" "$t" "$RESTORED_MID"
	check "$h: ... naming the address, and 1 interface change" \
		count_is 1 "$h" "$t" "$RESTORED_MID" 5 "put back 1 planned address that had gone ($ifn $addr); 0 FRR commands and 1 interface change in"
	check "$h: ... and no reconcile-applied entry besides it" count_is 0 "$h" "$t" "$APPLIED_MID"
	# (FRR drops the adjacency when the address goes: a health warning
	# for the link is right; a failure is not)
	check "$h: no error from proxmesh for the flush" count_is 0 "$h" "$t" "" 3
done
check_within 30 "mesh converged after the flushes" "$LAB_DIR/wait-converged" -t 1

# (b) ifreload -a with an interfaces file that does not source interfaces.d.
for h in "${HOSTS[@]}"; do
	# ifupdown2 on Debian 13 and later fails (exit 1, after doing its work)
	# without this folder, which iproute2 no longer creates; a PVE host has it
	hexec "$h" mkdir -p /etc/iproute2/rt_tables.d
	hexec "$h" cp "$IFMAIN" /tmp/interfaces.good
	# from the edit on: a pass that a neighbour's ifreload triggers here
	# (carrier of the shared cable) may see the file before ifreload runs
	t=$(us_now)
	# as an operator's file that names the NICs itself (auto, manual):
	# ifupdown2 then brings them up without the mesh addresses
	hexec "$h" sed -i '/^source \/etc\/network\/interfaces.d/d
		s/^iface \(nic[34]\) inet manual/auto \1\niface \1 inet manual/' "$IFMAIN"
	check "$h: $IFMAIN no longer sources interfaces.d" \
		eval "! hexec $h grep -q '^source' $IFMAIN"
	set -- $(addrs_of "$h")
	read -r rc gone back < <(timed "$h" "ifreload -a" "$@")
	d=$(delta "$gone" "$back")
	diag "$h (FRR ${FRRV[$h]}): ifreload -a without the source line: $* back ${d} s after ifreload returned"
	check "$h: ifreload -a succeeded (exit $rc)" test "$rc" = 0
	check "$h: the mesh addresses back within 1 s of ifreload's end (${d} s)" under "$d" 1
	sleep 3
	check "$h: ifreload removed mesh addresses, restored and logged once (one address-restored entry)" \
		count_is 1 "$h" "$t" "$RESTORED_MID"
	check "$h: ... and no reconcile-applied entry besides it" count_is 0 "$h" "$t" "$APPLIED_MID"
	check "$h: the agent warns once that $IFMAIN does not source interfaces.d" \
		count_is 1 "$h" "$t" "" 4 "$IFMAIN: does not source /etc/network/interfaces.d/*"
	check "$h: planned addresses in place after the ifreload" has_addrs "$h"
	# A second ifreload: restored again, but the warning not repeated.
	t=$(us_now)
	read -r rc gone back < <(timed "$h" "ifreload -a" "$@")
	d=$(delta "$gone" "$back")
	check "$h: a second ifreload -a: addresses back within 1 s again (${d} s)" under "$d" 1
	sleep 3
	check "$h: ... the warning not repeated while the file is unchanged" \
		count_is 0 "$h" "$t" "" 4 "does not source"
	hexec "$h" cp /tmp/interfaces.good "$IFMAIN"
	t=$(us_now)
	check "$h: ifreload -a with the source line back" hexec "$h" ifreload -a
	sleep 3
	check "$h: ... changes nothing the agent must repair (no reconcile-applied entry)" \
		count_is 0 "$h" "$t" "$APPLIED_MID"
	check "$h: ... nor an address-restored one" count_is 0 "$h" "$t" "$RESTORED_MID"
	check "$h: planned addresses in place" has_addrs "$h"
done
check_within 30 "mesh converged at the end" "$LAB_DIR/wait-converged" -t 1
for h in "${HOSTS[@]}"; do check_within 30 "$h: the agent reports healthy at the end" healthy "$h"; done
