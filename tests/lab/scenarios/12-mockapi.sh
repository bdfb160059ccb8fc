#!/bin/bash
# 12-mockapi.sh — the mock Proxmox VE API answers over HTTPS from every host
# with the real API's shape, and each fault mode of `api` works.
# shellcheck disable=SC2034 # code, reason, secs, rc are read in eval'd checks
LAB_MODE=bare
LAB_LANE=1  # tests/meson.build runs the lab in two lanes side by side
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

API=$LAB_DIR/api
TOKEN=$("$API" token)
CA=/etc/proxmesh/pve-root-ca.pem
BODY=$(mktemp)
trap 'rm -f "$BODY"' EXIT
declare -A URL=([pve-1]=https://localhost:8006 [pve-2]=https://localhost:8006
	[pbs]=https://192.168.100.1:8006)

# fetch [--auth HEADER-VALUE|none] HOST URL [CURL-ARGS...]: sets code, reason,
# secs (time taken) and rc (curl's exit status); the body goes to $BODY.
fetch() {
	local auth="PVEAPIToken=$TOKEN" h url out hdr=()
	if [[ $1 == --auth ]]; then auth=$2; shift 2; fi
	h=$1 url=$2
	shift 2
	[[ $auth == none ]] || hdr=(-H "Authorization: $auth")
	rc=0
	out=$(hexec "$h" curl -s -i --max-time 10 --cacert "$CA" "${hdr[@]}" "$@" \
		-w '\n%{time_total}' "$url" 2>/dev/null) || rc=$?
	local head=${out%%$'\r\n\r\n'*} rest=${out#*$'\r\n\r\n'}
	[[ $out == *$'\r\n\r\n'* ]] || head=$out rest=$'\n'"${out##*$'\n'}"
	code=- reason=-
	read -r _ code reason <<<"${head%%$'\r'*}" || true
	secs=${rest##*$'\n'}
	printf '%s' "${rest%$'\n'*}" >"$BODY"
}
status_ok() {  # status_ok ANSWERING-NODE: the /cluster/status body is right
	python3 - "$BODY" "$1" "${2:-1}" "${3:-1}" <<-'PY'
		import json, sys
		d = json.load(open(sys.argv[1]))["data"]
		me, quorate, online2 = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
		assert d[0]["type"] == "cluster" and d[0]["quorate"] == quorate, d[0]
		assert type(d[0]["quorate"]) is int and d[0]["nodes"] == 2, d[0]
		nodes = {e["name"]: e for e in d[1:]}
		assert sorted(nodes) == ["pve-1", "pve-2"], nodes
		for n, e in nodes.items():
		    assert e["type"] == "node" and e["id"] == "node/" + n, e
		    assert e["local"] == int(n == me), e
		    assert e["nodeid"] == int(n[-1]) and e["level"] == "", e
		    assert e["ip"] == "192.168.100." + n[-1], e
		assert nodes["pve-1"]["online"] == 1, nodes
		assert nodes["pve-2"]["online"] == online2, nodes
	PY
}
is_json() { python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$BODY" 2>/dev/null; }
empty() { [[ ! -s $BODY ]]; }

S=/api2/json/cluster/status
for h in "${HOSTS[@]}"; do
	fetch "$h" "${URL[$h]}$S"
	me=pve-1
	[[ $h == pve-2 ]] && me=pve-2
	check "$h: GET ${URL[$h]}$S: 200" eval '[[ $code == 200 ]]'
	check "$h: /cluster/status has the API's shape (local = $me)" status_ok "$me"
done
fetch pbs "https://192.168.100.2:8006$S"
check "pbs: GET https://192.168.100.2:8006$S: 200, local = pve-2" eval '[[ $code == 200 ]] && status_ok pve-2'
fetch pbs "https://pve-1:8006$S"
check "pbs: https://pve-1:8006 verifies (host name in the certificate)" eval '[[ $code == 200 ]]'
check "pbs: nothing listens on localhost:8006 (refused)" \
	eval "! hexec pbs curl -s --max-time 5 -o /dev/null https://localhost:8006/"

orders=
for _ in $(seq 12); do
	fetch pve-1 "${URL[pve-1]}$S"
	orders+=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))["data"]; print(d[0]["type"], d[1]["name"])' "$BODY" || true)$'\n'
done
check "cluster entry always first" awk 'NF && $1 != "cluster" { exit 1 }' <<<"$orders"
check "node entries in random order" eval '(( $(sort -u <<<"$orders" | grep -c .) == 2 ))'

for p in /api2/json/version /api2/json/nodes /api2/json/cluster/config/nodes; do
	fetch pve-2 "${URL[pve-2]}$p"
	check "GET $p: 200 with JSON" eval '[[ $code == 200 ]] && is_json'
done
fetch pve-1 "${URL[pve-1]}/api2/json/cluster/config/nodes"
check "/cluster/config/nodes: every value a string" python3 -c '
import json, sys
for e in json.load(open(sys.argv[1]))["data"]:
    assert all(isinstance(v, str) for v in e.values()), e' "$BODY"
fetch pve-1 "${URL[pve-1]}/api2/json/no/such/path"
check "unknown path: 501" eval '[[ $code == 501 ]]'

fetch --auth "PVEAPIToken=root@pam!proxmesh=00000000-0000-0000-0000-000000000000" pve-1 "${URL[pve-1]}$S"
check "wrong token: 401 \"authentication failure\", empty body, after ~3 s" \
	eval '[[ $code == 401 && $reason == "authentication failure" ]] && empty && (( ${secs%.*} >= 2 ))'
diag "401 after $secs s"
fetch --auth none pve-1 "${URL[pve-1]}$S"
check "no token: 401 \"No ticket\", empty body" eval '[[ $code == 401 && $reason == "No ticket" ]] && empty'

"$API" fault pve-1 401
fetch pve-1 "${URL[pve-1]}$S"
check "fault 401: 401 with the right token, empty body" eval '[[ $code == 401 ]] && empty'
fetch pve-2 "${URL[pve-2]}$S"
check "fault 401 on pve-1: pve-2 still answers 200" eval '[[ $code == 200 ]]'
"$API" fault pve-1 500
fetch pve-1 "${URL[pve-1]}$S"
check "fault 500: 500 with {\"data\":null,\"message\":…}" \
	eval '[[ $code == 500 ]] && python3 -c "import json, sys; d = json.load(open(sys.argv[1])); assert d[\"data\"] is None and d[\"message\"]" "$BODY"'
"$API" fault pve-1 595
fetch pve-1 "${URL[pve-1]}$S"
check "fault 595: 595, empty body" eval '[[ $code == 595 ]] && empty'
"$API" fault pve-1 garbage
fetch pve-1 "${URL[pve-1]}$S"
check "fault garbage: 200, body not JSON" eval '[[ $code == 200 ]] && ! is_json && ! empty'
"$API" fault pve-1 truncated
fetch pve-1 "${URL[pve-1]}$S"
check "fault truncated: 200, body not JSON" eval '[[ $code == 200 ]] && ! is_json && ! empty'
"$API" fault pve-1 stall
fetch pve-1 "${URL[pve-1]}$S" --max-time 3
check "fault stall: no answer within 3 s (curl timeout)" eval '[[ $rc == 28 ]]'
"$API" fault pve-1 none
fetch pve-1 "${URL[pve-1]}$S"
check "fault none: 200 again" eval '[[ $code == 200 ]]'

"$API" cert pve-1 wrong
fetch pve-1 "${URL[pve-1]}$S"
check "cert wrong: verification fails (curl 60)" eval '[[ $rc == 60 ]]'
fetch pbs "https://192.168.100.1:8006$S"
check "cert wrong: fails from pbs as well" eval '[[ $rc == 60 ]]'
fetch pbs "https://192.168.100.2:8006$S"
check "cert wrong on pve-1: pve-2 still verifies" eval '[[ $code == 200 ]]'
"$API" cert pve-1 good
fetch pve-1 "${URL[pve-1]}$S"
check "cert good: verifies again" eval '[[ $code == 200 ]]'

"$API" online pve-2 0
for h in "${PVE_HOSTS[@]}"; do
	fetch "$h" "${URL[$h]}$S"
	check "online pve-2 0: seen by $h" status_ok "$h" 1 0
done
"$API" quorate 0
fetch pve-2 "${URL[pve-2]}$S"
check "quorate 0: seen by pve-2" status_ok pve-2 0 0
"$API" standalone 1
fetch pve-2 "${URL[pve-2]}$S"
check "standalone 1: only the answering node, nodeid 0, no cluster entry" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["data"]
assert len(d) == 1 and d[0]["name"] == "pve-2" and d[0]["nodeid"] == 0 and d[0]["local"] == 1, d' "$BODY"
"$API" reset
fetch pve-1 "${URL[pve-1]}$S"
check "reset: all online, quorate" status_ok pve-1 1 1
check "api show prints the state" eval "'$API' show | grep '^api  pve-1  fault none cert good' >/dev/null"
