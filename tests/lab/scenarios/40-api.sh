#!/bin/bash
# 40-api.sh — issue 5: membership from the mock Proxmox VE API over real
# HTTPS from lab hosts: TLS verification (CA and fingerprint), failover
# between URLs, every fault, and the mesh untouched throughout.
LAB_MODE=bare
LAB_LANE=1  # tests/meson.build runs the lab in two lanes side by side
. "$(dirname "$0")/../lib.sh"
API_MID=d9da8dc755924b30870212a559a47c6d  # PM_MID_API_STATE
scenario_mode "$LAB_MODE"

conf=/etc/proxmesh/proxmesh.conf
api() { "$LAB_DIR/api" "$@" >/dev/null; }
field() {  # field HOST PYTHON-EXPR over the status document d
	hexec "$1" cat /run/proxmesh/status.json | python3 -c "import json, sys; d = json.load(sys.stdin); print($2)"
}
api_state() { [[ $(field "$1" 'd["api"]["state"]') == "$2" ]]; }
api_url() { [[ $(field "$1" 'd["api"]["url"]') == "$2" ]]; }
peer_online() {  # peer_online HOST IF VALUE (True/False/None)
	[[ $(field "$1" "[l['peer_online'] for l in d['links'] if l['interface'] == '$2'][0]") == "$3" ]]
}
healthy_all() { for h in "${HOSTS[@]}"; do hexec "$h" proxmesh status >/dev/null || return 1; done; }

api reset
"$LAB_DIR/install" >&2
for h in "${HOSTS[@]}"; do
	hexec "$h" systemctl daemon-reload
	hexec "$h" systemctl restart proxmesh
done
check_within 90 "mesh converged under the agents" "$LAB_DIR/wait-converged" -t 1
check_within 30 "all hosts healthy" healthy_all
for h in "${HOSTS[@]}"; do check_within 15 "$h: api ok" api_state "$h" ok; done
check "pve-1: api answered by its own node (localhost)" api_url pve-1 https://localhost:8006
check "pbs: nothing on its localhost, the next URL (pve-1) answered" \
	api_url pbs https://192.168.100.1:8006
check "pve-1: pve-2 is online per the cluster" peer_online pve-1 nic3 True
check "pve-1: the PBS (external) has no cluster opinion" peer_online pve-1 nic4 None
check "pve-1: quorate" eval "[[ \$(field pve-1 'd[\"api\"][\"quorate\"]') == True ]]"

# A node's online flag flips within one poll interval (10 s).
api online pve-2 0
check_within 12 "pve-1 sees pve-2 offline within one poll interval" peer_online pve-1 nic3 False
api online pve-2 1
check_within 12 "pve-1 sees pve-2 online again" peer_online pve-1 nic3 True

# Wrong CA on every API: tls-error, mesh untouched.
api cert pve-1 wrong; api cert pve-2 wrong
for h in "${HOSTS[@]}"; do check_within 40 "$h: wrong CA → tls-error" api_state "$h" tls-error; done
check "mesh untouched during tls-error" healthy_all
api cert pve-1 good; api cert pve-2 good
# Every host back to ok before the next fault: a host still in back-off
# from the TLS errors (20 s, then 40 s between tries) would otherwise meet
# the 401s with two failures counted and wait 40 s more after them.
for h in "${HOSTS[@]}"; do check_within 60 "$h: right CA again → ok" api_state "$h" ok; done

# 401 everywhere: unauthorized.
api fault pve-1 401; api fault pve-2 401
check_within 60 "pbs: 401 → unauthorized" api_state pbs unauthorized
check "mesh untouched during unauthorized" healthy_all
api fault pve-1 none; api fault pve-2 none
check_within 40 "pbs: ok again" api_state pbs ok

# One URL faulty: the next is tried. All faulty: an error state.
for mode in 500 garbage stall; do
	api fault pve-1 "$mode"
	check_within 60 "pbs: pve-1 answers $mode → pve-2 answers" api_url pbs https://192.168.100.2:8006
	check "pbs: state ok through pve-2 while pve-1 answers $mode" api_state pbs ok
	api fault pve-1 none
	check_within 60 "pbs: back on pve-1" api_url pbs https://192.168.100.1:8006
done
api fault pve-1 500; api fault pve-2 garbage
check_within 60 "pbs: both faulty → bad-answer" api_state pbs bad-answer
check "mesh untouched while the API is faulty" healthy_all
api fault pve-1 none; api fault pve-2 none

# pve-1's API down: the PBS fails over to pve-2.
hexec pve-1 systemctl stop pve-mockapi
check_within 60 "pbs: pve-1's API down → pve-2" api_url pbs https://192.168.100.2:8006
hexec pve-1 systemctl start pve-mockapi

# Fingerprint pinning on the PBS: right, then wrong.
fp=$(openssl x509 -in "$STATE/pki/pve-1.pem" -outform DER | sha256sum | cut -c1-64 |
	sed 's/../&:/g; s/:$//' | tr a-f A-F)
bad=$(sed 's/^../00/' <<<"$fp"); [[ $bad != "$fp" ]] || bad=$(sed 's/^../11/' <<<"$fp")
hexec pbs cp "$conf" /tmp/good.conf
pin() {
	hexec pbs sed -i "s|^url = .*|url = https://192.168.100.1:8006|; s|^ca-file = .*|fingerprint = $1|; s|^fingerprint = .*|fingerprint = $1|" "$conf"
	hexec pbs systemctl reload proxmesh
}
pin "$fp"
check_within 30 "pbs: right fingerprint → ok" api_state pbs ok
pin "$bad"
check_within 30 "pbs: wrong fingerprint → tls-error" api_state pbs tls-error
hexec pbs cp /tmp/good.conf "$conf"
hexec pbs systemctl reload proxmesh
check_within 30 "pbs: CA again → ok" api_state pbs ok

# Restart with the API down keeps the last membership.
api online pve-2 0
check_within 12 "pve-1 sees pve-2 offline" peer_online pve-1 nic3 False
for h in "${PVE_HOSTS[@]}"; do hexec "$h" systemctl stop pve-mockapi; done
t0=$(us_now)
hexec pve-1 systemctl restart proxmesh
check_within 40 "pve-1 restarted with the API down: unreachable" api_state pve-1 unreachable
check "pve-1 keeps the last membership (pve-2 offline) across the restart" peer_online pve-1 nic3 False
# An API not up yet at start is no fault for its first minute (pveproxy
# starts late in a boot): one informational entry, then one warning once
# the start-up grace is over and it still has not answered.
check "pve-1: the API down since start is logged as information" \
	count_is 1 pve-1 "$t0" "$API_MID" 6 "unreachable since start"
check "pve-1: and not warned of inside the start-up grace" \
	count_is 0 pve-1 "$t0" "$API_MID" 4
check_within 80 "pve-1: warned of once the grace (60 s) is over" \
	count_is 1 pve-1 "$t0" "$API_MID" 4 "keeping the last known membership"
for h in "${PVE_HOSTS[@]}"; do hexec "$h" systemctl start pve-mockapi; done
api online pve-2 1
check_within 40 "pve-1: membership current again" peer_online pve-1 nic3 True

# A world-readable token file is rejected.
hexec pve-1 chmod 644 /etc/proxmesh/api-token
out=$(hexec pve-1 proxmesh check 2>&1) && rc=0 || rc=$?
check "pve-1: proxmesh check rejects a world-readable token file" \
	eval "[[ $rc == 1 ]] && grep -q 'readable by group or others' <<<'$out'"
hexec pve-1 chmod 600 /etc/proxmesh/api-token
check "pve-1: and accepts it at 0600" hexec pve-1 proxmesh check
check "mesh healthy at the end" healthy_all
