#!/bin/bash
# 61-metrics.sh — issue 17: Prometheus metrics, with the agent under systemd
# on every host (pve-1 FRR 8.4, pve-2 10.3, pbs 10.7). Debian's
# node_exporter folder /var/lib/prometheus/node-exporter exists on pve-1 and
# the PBS, not on pve-2 at first: the file appears where it exists and
# nowhere else (on pve-2 once the folder is made and the agent restarted),
# `promtool check metrics` accepts it, its values match the mesh and FRR;
# it is rewritten at least every poll interval; a silent cut shows on both
# ends within the dead interval and its healing too, while a reader that
# reads the file as fast as it can never sees a partial one; no secret
# is in it; `[metrics] textfile` moves it (to /run/proxmesh/metrics, which
# the unit lets the agent write) and the old file goes.
LAB_MODE=bare
LAB_FRESH=1  # hosts no agent ran on yet
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

declare -A FRRV=([pve-1]=8.4 [pve-2]=10.3 [pbs]=10.7)
PROM_DIR=/var/lib/prometheus/node-exporter
PROM=$PROM_DIR/proxmesh.prom
CONF=/etc/proxmesh/proxmesh.conf

healthy() { hexec "$1" proxmesh status >/dev/null; }
# value HOST SAMPLE: the value of the sample (name and labels exactly as
# written) in HOST's file; fails when there is none.
value() {
	hexec "$1" cat "${PROM_FILE:-$PROM}" 2>/dev/null |
		awk -v s="$2" 'index($0, s " ") == 1 { print substr($0, length(s) + 2); f = 1 } END { exit !f }'
}
# value_is HOST SAMPLE VALUE
value_is() {
	local v
	v=$(value "$1" "$2") || { echo "$1: no sample $2"; return 1; }
	[[ $v == "$3" ]] || { echo "$1: $2 is $v, expected $3"; return 1; }
}
link() { printf '%s{interface="%s",peer="%s",family="ipv4"}' "$1" "$2" "$3"; }
promtool_ok() {  # promtool's verdict on HOST's file, read through its root
	local out
	out=$(promtool check metrics <"$(hroot "$1")${PROM_FILE:-$PROM}" 2>&1) || { echo "$out"; return 1; }
	[[ -z $out ]] || { echo "$out"; return 1; }
}
stamp() { value "$1" proxmesh_last_update_timestamp_seconds; }
advanced() { awk -v a="$(stamp "$1")" -v b="$2" 'BEGIN { exit !(a > b) }'; }

"$LAB_DIR/install" >&2
hexec pve-1 mkdir -p "$PROM_DIR"
hexec pbs mkdir -p "$PROM_DIR"
hexec pve-2 rm -rf /var/lib/prometheus
for h in "${HOSTS[@]}"; do
	check "$h: systemctl enable --now proxmesh" hexec "$h" systemctl enable --now proxmesh
done
check_within 90 "mesh converged under the agents" "$LAB_DIR/wait-converged" -t 1
for h in "${HOSTS[@]}"; do check_within 30 "$h: the agent reports healthy" healthy "$h"; done

# The file where the folder exists, and only there.
for h in pve-1 pbs; do
	check_within 15 "$h: $PROM written" hexec "$h" test -s "$PROM"
	check_within 15 "$h: the file says healthy" value_is "$h" 'proxmesh_health{state="healthy"}' 1
	check "$h: promtool check metrics accepts it" promtool_ok "$h"
	check "$h: mode 0644" test "$(hexec "$h" stat -c %a "$PROM")" = 644
	check "$h: FRR's version (${FRRV[$h]})" \
		value_is "$h" "proxmesh_frr_info{version=\"${FRRV[$h]}\"}" 1
	check "$h: proxmesh's version and node name" \
		value_is "$h" "proxmesh_build_info{version=\"$(hexec "$h" proxmesh --version | awk 'NR == 1 { print $2 }')\",node=\"$h\"}" 1
	check "$h: the reconcile converged (no failure, a last success)" \
		eval "value_is $h proxmesh_reconcile_failing 0 && value $h proxmesh_reconcile_last_success_timestamp_seconds"
	while read -r ifn _ peer _; do
		# BFD comes up a second or two after the adjacency, and a session
		# coming up changes no route: the file shows it by the next poll (5 s)
		check_within 10 "$h: $ifn to $peer: carrier, adjacency Full, BFD up, diagnosis ok" eval "
			value_is $h '$(link proxmesh_link_carrier_up "$ifn" "$peer")' 1 &&
			value_is $h '$(link proxmesh_link_adjacency_full "$ifn" "$peer")' 1 &&
			value_is $h '$(link proxmesh_link_bfd_up "$ifn" "$peer")' 1 &&
			value_is $h 'proxmesh_link_diagnosis{interface=\"$ifn\",peer=\"$peer\",family=\"ipv4\",diagnosis=\"ok\"}' 1"
		check "$h: $ifn's cost as FRR has it ($(link_cost "$h" "$peer"))" \
			value_is "$h" "$(link proxmesh_link_cost "$ifn" "$peer")" "$(link_cost "$h" "$peer")"
	done < <(host_links "$h")
	check "$h: no temporary file left in $PROM_DIR" \
		test "$(hexec "$h" ls -A "$PROM_DIR")" = proxmesh.prom
	check "$h: no secret in the file (API token, its secret part)" \
		eval "test -s '$(hroot "$h")$PROM' &&
			! grep -qF -e \"\$(hexec $h cut -d= -f2 /etc/proxmesh/api-token)\" '$(hroot "$h")$PROM'"
done
check "pve-1: the API is up, a membership of 2 nodes, quorate" \
	eval "value_is pve-1 proxmesh_api_up 1 && value_is pve-1 proxmesh_membership_nodes 2 &&
		value_is pve-1 proxmesh_membership_quorate 1"
check "pve-1: the PBS's loopback reachable on its preferred path" \
	eval "value_is pve-1 'proxmesh_destination_reachable{node=\"pbs\",address=\"$PBS_SERVICE/32\",family=\"ipv4\"}' 1 &&
		value_is pve-1 'proxmesh_destination_preferred_path{node=\"pbs\",address=\"$PBS_SERVICE/32\",family=\"ipv4\"}' 1"
check "pve-2: no metrics without $PROM_DIR (the folder absent)" \
	eval "! hexec pve-2 test -e $PROM_DIR"
# node_exporter installed later: the folder appears, a restart picks it up.
hexec pve-2 mkdir -p "$PROM_DIR"
check "pve-2: the folder made, systemctl restart proxmesh" hexec pve-2 systemctl restart proxmesh
check_within 15 "pve-2: $PROM written after the restart" \
	value_is pve-2 'proxmesh_health{state="healthy"}' 1
check "pve-2: promtool check metrics accepts it" promtool_ok pve-2
check "pve-2: FRR's version (${FRRV[pve-2]}), adjacency Full on both links" eval "
	value_is pve-2 'proxmesh_frr_info{version=\"${FRRV[pve-2]}\"}' 1 &&
	value_is pve-2 '$(link proxmesh_link_adjacency_full nic3 pve-1)' 1 &&
	value_is pve-2 '$(link proxmesh_link_adjacency_full nic4 pbs)' 1"

# Rewritten at least every poll interval while nothing changes.
s0=$(stamp pve-1)
check_within 12 "pve-1: rewritten within the poll interval while nothing changes" advanced pve-1 "$s0"

# A silent cut of pve-1 nic4 (the link to the PBS), then its healing, while
# a reader inside pve-1 reads the file as fast as it can: every read whole (the
# last line is the timestamp), none empty.
cat >"$(hroot pve-1)/tmp/reader.sh" <<EOF
n=0 bad=0 changes=0 prev=
while [[ ! -e /tmp/reader.stop ]]; do
	c=\$(<$PROM)
	[[ \${c##*\$'\\n'} == "proxmesh_last_update_timestamp_seconds "* ]] || bad=\$((bad + 1))
	[[ \$c == "\$prev" ]] || changes=\$((changes + 1))
	prev=\$c n=\$((n + 1))
done
echo \$n \$bad \$changes >/tmp/reader.out
EOF
hexec pve-1 sh -c 'rm -f /tmp/reader.stop /tmp/reader.out; nohup bash /tmp/reader.sh >/dev/null 2>&1 &'
sleep 1
t0=$(now)
"$LAB_DIR/fault" silent-cut pve-1 nic4 >&2
check_within 5 "pve-1: silent cut of nic4: adjacency 0 and cable-or-nic in the file" eval "
	value_is pve-1 '$(link proxmesh_link_adjacency_full nic4 pbs)' 0 &&
	value_is pve-1 'proxmesh_link_diagnosis{interface=\"nic4\",peer=\"pbs\",family=\"ipv4\",diagnosis=\"cable-or-nic\"}' 1"
diag "pve-1: the cut in the file $(elapsed "$t0") s after it was made (dead interval 3 s)"
check_within 5 "pbs: the same cut seen on its nic3" \
	value_is pbs "$(link proxmesh_link_adjacency_full nic3 pve-1)" 0
check "pve-1: health degraded" value_is pve-1 'proxmesh_health{state="degraded"}' 1
check "pve-1: the PBS off its preferred path" \
	value_is pve-1 "proxmesh_destination_preferred_path{node=\"pbs\",address=\"$PBS_SERVICE/32\",family=\"ipv4\"}" 0
check "pve-1: promtool accepts the file during the fault" promtool_ok pve-1
"$LAB_DIR/fault" heal pve-1 nic4 >&2
check_within 15 "pve-1: healed: adjacency 1 again, one flap counted" eval "
	value_is pve-1 '$(link proxmesh_link_adjacency_full nic4 pbs)' 1 &&
	value_is pve-1 '$(link proxmesh_link_flaps_total nic4 pbs)' 1"
check_within 15 "pve-1: healthy again" value_is pve-1 'proxmesh_health{state="healthy"}' 1
hexec pve-1 touch /tmp/reader.stop
wait_for 5 hexec pve-1 test -s /tmp/reader.out >/dev/null 2>&1 || true
read -r reads bad changes < <(hexec pve-1 cat /tmp/reader.out 2>/dev/null || echo "0 0 0")
diag "pve-1: the reader read the file $reads times, saw $changes versions, $bad partial"
check "pve-1: the reader saw several versions ($changes) and read often ($reads reads)" \
	eval "((changes >= 3 && reads >= 100))"
check "pve-1: no read saw a partial or empty file ($bad)" test "$bad" = 0

# [metrics] textfile moves the file; the old one goes.
hexec pve-1 sh -c "printf '\n[metrics]\ntextfile = /run/proxmesh/metrics/mesh.prom\n' >>$CONF && mkdir -p /run/proxmesh/metrics"
check "pve-1: systemctl reload proxmesh" hexec pve-1 systemctl reload proxmesh
check_within 15 "pve-1: [metrics] textfile: written there" \
	eval "PROM_FILE=/run/proxmesh/metrics/mesh.prom value_is pve-1 'proxmesh_health{state=\"healthy\"}' 1"
check_within 15 "pve-1: ... and the file at the old path removed" eval "! hexec pve-1 test -e $PROM"
hexec pve-1 sed -i '/^\[metrics\]$/,$d' "$CONF"
check "pve-1: reload with the section removed" hexec pve-1 systemctl reload proxmesh
check_within 15 "pve-1: back at the default path" hexec pve-1 test -s "$PROM"
check_within 15 "pve-1: ... and the configured one removed" \
	eval "! hexec pve-1 test -e /run/proxmesh/metrics/mesh.prom"
for h in "${HOSTS[@]}"; do check_within 30 "$h: the agent reports healthy at the end" healthy "$h"; done
