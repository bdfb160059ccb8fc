#!/bin/bash
# 41-api-healthy.sh — issue 19: membership is polled every poll-interval
# only while it can matter. While every link is healthy the agents poll
# every poll-interval-healthy (here 300 s) and keep no API helper between
# rounds; a link's health changing polls at once, and while a link is down
# they poll every poll-interval (10 s) with the helper kept. On every host,
# so on every FRR version of the lab.
LAB_MODE=bare
LAB_LANE=1  # tests/meson.build runs the lab in two lanes side by side
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

conf=/etc/proxmesh/proxmesh.conf
field() {  # field HOST PYTHON-EXPR over the status document d
	hexec "$1" cat /run/proxmesh/status.json | python3 -c "import json, sys; d = json.load(sys.stdin); print($2)"
}
link_is() {  # link_is HOST IF KEY VALUE: status.json's link on IF has KEY = VALUE
	[[ $(field "$1" "[l['$3'] for l in d['links'] if l['interface'] == '$2'][0]") == "$4" ]]
}
healthy_all() { for h in "${HOSTS[@]}"; do hexec "$h" proxmesh status >/dev/null || return 1; done; }
helper() { hexec "$1" pgrep -x proxmesh-api || true; }  # the API helper's pid, if one runs
no_helper() { [[ -z $(helper "$1") ]]; }
# The same helper (pid) 11 s apart, more than a poll interval: kept across
# rounds. kept HOST yes|no.
kept() {
	local a b
	a=$(helper "$1")
	sleep 11
	b=$(helper "$1")
	if [[ $2 == yes ]]; then [[ -n $a && $a == "$b" ]]; else [[ -z $a || $a != "$b" ]]; fi
}

"$LAB_DIR/api" reset >/dev/null
"$LAB_DIR/install" >&2
for h in "${HOSTS[@]}"; do
	hexec "$h" sed -i 's/^poll-interval-healthy = .*/poll-interval-healthy = 300/' "$conf"
	hexec "$h" systemctl restart proxmesh
done
check_within 90 "mesh converged under the agents" "$LAB_DIR/wait-converged" -t 1
check_within 30 "all hosts healthy" healthy_all
for h in "${HOSTS[@]}"; do
	check_within 15 "$h: api ok" eval "[[ \$(field $h 'd[\"api\"][\"state\"]') == ok ]]"
done

# 1. Healthy: the helper goes after the round that finds the mesh healthy,
# and no round comes for a while: the cluster's flags change unseen.
for h in "${HOSTS[@]}"; do
	check_within 40 "$h: healthy, no API helper kept" no_helper "$h"
done
for h in "${HOSTS[@]}"; do check "$h: none started across 11 s" kept "$h" no; done
"$LAB_DIR/api" online pve-1 0 >/dev/null
"$LAB_DIR/api" online pve-2 0 >/dev/null
sleep 15
check "pve-1: healthy, no round in 15 s (pve-2 still online to it)" link_is pve-1 nic3 peer_online True
check "pve-2: healthy, no round in 15 s (pve-1 still online to it)" link_is pve-2 nic3 peer_online True
check "pbs: healthy, no round in 15 s (pve-2 still online to it)" link_is pbs nic4 peer_online True

# 2. A link fails: a round at once, the peer is seen offline, the failure
# is expected (peer-offline), not a cable fault.
"$LAB_DIR/fault" silent-cut pve-1 nic3 >&2
"$LAB_DIR/fault" silent-cut pve-2 nic4 >&2
check_within 10 "pve-1: nic3 down, a round at once: pve-2 offline, peer-offline" eval \
	"link_is pve-1 nic3 peer_online False && link_is pve-1 nic3 diagnosis peer-offline"
check_within 10 "pve-2: nic3 down, a round at once: pve-1 offline, peer-offline" eval \
	"link_is pve-2 nic3 peer_online False && link_is pve-2 nic3 diagnosis peer-offline"
check_within 10 "pbs: nic4 down, a round at once: pve-2 offline, peer-offline" eval \
	"link_is pbs nic4 peer_online False && link_is pbs nic4 diagnosis peer-offline"

# 3. While a link is down: rounds every poll interval, the helper kept.
for h in "${HOSTS[@]}"; do check "$h: a link down, the API helper kept" kept "$h" yes; done
"$LAB_DIR/api" online pve-1 1 >/dev/null
"$LAB_DIR/api" online pve-2 1 >/dev/null
check_within 15 "pve-1: pve-2 online again within a poll interval: cable-or-nic" eval \
	"link_is pve-1 nic3 peer_online True && link_is pve-1 nic3 diagnosis cable-or-nic"
check_within 15 "pve-2: pve-1 online again within a poll interval: cable-or-nic" eval \
	"link_is pve-2 nic3 peer_online True && link_is pve-2 nic3 diagnosis cable-or-nic"
check_within 15 "pbs: pve-2 online again within a poll interval: cable-or-nic" eval \
	"link_is pbs nic4 peer_online True && link_is pbs nic4 diagnosis cable-or-nic"

# 4. Healed: healthy again, the helper goes again.
"$LAB_DIR/fault" heal pve-1 nic3 >&2
"$LAB_DIR/fault" heal pve-2 nic4 >&2
check_within 30 "all hosts healthy again" healthy_all
for h in "${HOSTS[@]}"; do
	check_within 25 "$h: healthy again, no API helper kept" no_helper "$h"
done

# The lab's configuration back for the scenarios after this one.
"$LAB_DIR/install" >&2
for h in "${HOSTS[@]}"; do hexec "$h" systemctl reload proxmesh; done
