#!/bin/bash
# 60-mesh-view.sh — issue 17: `proxmesh mesh`, the whole mesh from OSPF's
# own database, checked from every host (pve-1 FRR 8.4, pve-2 10.3, pbs
# 10.7): converged (table, --json field by field, --dot), a silent cut and
# a carrier cut (down everywhere within the dead interval), FRR stopped on
# one host (gone on the others, exit 2 on it), a cost changed by hand
# (flagged). The Proxmox API is down and only pve-2 runs its agent
# throughout: the command needs nothing but the configuration and the local
# ospfd. MESH_RECORD=DIR also records each state's router LSAs into
# DIR/frr-VERSION/ (the fixtures of tests/data).
LAB_MODE=bare
LAB_FRESH=1
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

# mesh_is HOST EXIT [SPEC...]: `proxmesh mesh --json` on HOST exits EXIT and
# shows the reference mesh, except for SPEC: LINK=STATE (LINK "pve-1/pbs",
# the lower id first), LINK=up:COST_A:COST_B, gone=HOST, mismatch=LINK:a|b
# (a cost that differs from the configuration). Every field is checked.
MESH_CHECK='
import json, sys
host, code, want_code, spec = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
rid = {"pve-1": "192.168.102.1", "pve-2": "192.168.102.2", "pbs": "192.168.102.3"}
role = {"pve-1": "transit", "pve-2": "transit", "pbs": "endpoint"}
links = [("pve-1", "nic3", "pve-2", "nic3", 200, 200), ("pve-1", "nic4", "pbs", "nic3", 10, 65535),
         ("pve-2", "nic4", "pbs", "nic4", 10, 65535)]
gone, state, cost, mismatch = set(), {}, {}, set()
for s in spec:
    k, v = s.split("=")
    if k == "gone": gone.add(v)
    elif k == "mismatch": mismatch.add(tuple(v.split(":")))
    else:
        st, *c = v.split(":")
        state[k] = st
        if c: cost[k] = tuple(map(int, c))
err = []
def want(what, got, exp):
    if got != exp: err.append("%s: %r, expected %r" % (what, got, exp))
try:
    d = json.load(sys.stdin)
except ValueError as e:
    print("%s: not JSON: %s" % (host, e)); sys.exit(1)
want("exit", code, want_code)
want("format", d.get("format"), 1)
want("node", d.get("node"), host)
want("router_id", d.get("router_id"), rid[host])
want("area", d.get("area"), "0.0.0.0")
want("host names", [h.get("name") for h in d.get("hosts", [])], ["pve-1", "pve-2", "pbs"])
for h in d.get("hosts", []):
    n = h.get("name"); p = "host " + str(n)
    want(p + " router_id", h.get("router_id"), rid.get(n))
    want(p + " self", h.get("self"), n == host)
    want(p + " configured_role", h.get("configured_role"), role.get(n))
    want(p + " role_mismatch", h.get("role_mismatch"), False)
    want(p + " behind_endpoint", h.get("behind_endpoint"), False)
    if n in gone:
        want(p + " state", h.get("state"), "gone")
        want(p + " reachable", h.get("reachable"), False)
    else:
        want(p + " state", h.get("state"), "ok")
        want(p + " reachable", h.get("reachable"), True)
        want(p + " role", h.get("role"), role.get(n))
        a = h.get("lsa_age")
        if not (isinstance(a, int) and 0 <= a < 3600): err.append(p + " lsa_age: %r" % a)
nl = d.get("links", [])
want("link count", len(nl), 3)
problems = len(gone)
for l, (a, ia, b, ib, ca, cb) in zip(nl, links):
    k = a + "/" + b; p = "link " + k
    exp = state.get(k, "down" if a in gone or b in gone else "up")
    problems += exp != "up"
    want(p + " state", l.get("state"), exp)
    ca, cb = cost.get(k, (ca, cb))
    mm = False
    for end, node, ifn, c, ref in (("a", a, ia, ca, links[[x[0] + "/" + x[2] for x in links].index(k)][4]),
                                   ("b", b, ib, cb, links[[x[0] + "/" + x[2] for x in links].index(k)][5])):
        e = l.get(end, {}); q = p + " " + end + "."
        want(q + "node", e.get("node"), node)
        want(q + "router_id", e.get("router_id"), rid[node])
        want(q + "interface", e.get("interface"), ifn)
        want(q + "configured_cost", e.get("configured_cost"), ref)
        if exp == "up":
            want(q + "listed", e.get("listed"), True)
            want(q + "cost", e.get("cost"), c)
        elif exp == "down":
            want(q + "listed", e.get("listed"), False)
            want(q + "cost", e.get("cost"), None)
        m = (k, end) in mismatch
        want(q + "cost_mismatch", e.get("cost_mismatch"), m)
        mm = mm or m
        problems += m
    want(p + " cost_mismatch", l.get("cost_mismatch"), mm)
want("unexpected", d.get("unexpected"), [])
want("problems", d.get("problems"), problems)
want("as_configured", d.get("as_configured"), problems == 0)
if err:
    print("%s: %s" % (host, "; ".join(err))); sys.exit(1)
'
mesh_is() {
	local h=$1 want=$2 out rc=0
	shift 2
	out=$(hexec "$h" proxmesh mesh --json 2>&1) || rc=$?
	python3 -c "$MESH_CHECK" "$h" "$rc" "$want" "$@" <<<"$out"
}
# mesh_text HOST REGEX...: the table of `proxmesh mesh` matches each REGEX
# (python re, multi-line).
mesh_text() {
	local h=$1 out
	shift
	out=$(hexec "$h" proxmesh mesh 2>&1)
	python3 -c '
import re, sys
t = sys.stdin.read()
bad = [r for r in sys.argv[1:] if not re.search(r, t, re.M)]
if bad: print("no match for %s in:\n%s" % (bad, t)); sys.exit(1)' "$@" <<<"$out"
}
# every_host_within SECS DESC EXIT SPEC...: mesh_is on the three hosts at
# once (hosts_within).
every_host_within() { hosts_within "$1" "$2" "${HOSTS[@]}" -- mesh_is "${@:3}"; }
# seen_within SECS DESC REGEX CUT FAULT...: watchers in the three hosts
# poll `proxmesh mesh` (every 50 ms) until its table matches REGEX; FAULT
# is injected once they run; each host's time from the cut to the match,
# on its own clock (the machine's: every host shares it), so nsenter and a
# loaded machine do not count. The cut is the moment the fault script runs
# its first command that matches CUT (its xtrace, stamped with
# $EPOCHREALTIME): on a loaded machine the script itself takes seconds. One
# check per host.
seen_within() {
	local t=$1 d=$2 re=$3 cut=$4 h t0 tc r
	shift 4
	for h in "${HOSTS[@]}"; do
		rm -f "$STATE/mesh-seen-$h"
		hexec "$h" bash -c '
			end=$(($(date +%s%N) + $1 * 1000000000))
			until proxmesh mesh 2>/dev/null | grep -Eq "$2"; do
				(($(date +%s%N) < end)) || exit 1
				sleep 0.05
			done
			date +%s.%N' _ "$((${t%.*} + 10))" "$re" >"$STATE/mesh-seen-$h" &
	done
	sleep 1
	t0=$(now)
	# (bash takes no PS4 from the environment as root: set it inside)
	bash -c 'PS4="+ \$EPOCHREALTIME "; set -x; . "$0" "$@"' "$LAB_DIR/fault" "$@" \
		2>"$STATE/mesh-fault.trace"
	wait
	tc=$(grep -E -m 1 "^\++ [0-9.]+ .*$cut" "$STATE/mesh-fault.trace" | awk '{ print $2 }')
	if [[ -z $tc ]]; then
		not_ok "$d (no \"$cut\" in the fault script's trace)"
		return
	fi
	diag "the fault script ran its cut $(awk -v a="$t0" -v b="$tc" 'BEGIN { printf "%.2f", b - a }') s after it started"
	for h in "${HOSTS[@]}"; do
		r=$(<"$STATE/mesh-seen-$h")
		if [[ -z $r ]]; then
			not_ok "$h: $d (not seen within $t s)"
			diag "$(hexec "$h" proxmesh mesh 2>&1)"
			continue
		fi
		r=$(awk -v a="$tc" -v b="$r" 'BEGIN { printf "%.2f", b - a }')
		check "$h: $d ($r s)" awk -v r="$r" -v t="$t" 'BEGIN { exit !(r <= t) }'
	done
}
rec_dir=${MESH_RECORD:-}
record() {  # record STATE HOST...: the router LSAs as vtysh prints them
	local st=$1 h v
	shift
	[[ -n $rec_dir ]] || return 0
	for h in "$@"; do
		v=$(hexec "$h" vtysh -c 'show version' | sed -n 's/^FRRouting \([0-9]*\.[0-9]*\).*/\1/p' | head -n 1)
		mkdir -p "$rec_dir/frr-$v"
		hexec "$h" vtysh -c 'show ip ospf database router json' \
			>"$rec_dir/frr-$v/$h${st:+.$st}.ip-ospf-database-router-json.txt"
		[[ -z $st ]] || continue
		# the converged state's other documents, to compare with reference/frr.md
		for c in "ip ospf neighbor json" "ip ospf interface json" "ip route ospf json" \
			"bfd peers json" "ip ospf json" "ip ospf route json"; do
			hexec "$h" vtysh -c "show $c" >"$rec_dir/frr-$v/$h.${c// /-}.txt"
		done
	done
}

# The mesh by `proxmesh apply`, the agent on pve-2 alone, the API down.
"$LAB_DIR/install" >&2
for h in "${HOSTS[@]}"; do
	check "$h: proxmesh apply" hexec "$h" proxmesh apply
done
check_within 60 "all adjacencies Full" "$LAB_DIR/wait-converged" -t 1
hexec pve-2 systemctl enable --now proxmesh 2>/dev/null
for h in "${PVE_HOSTS[@]}"; do hexec "$h" systemctl stop pve-mockapi; done
check "the Proxmox API is down" eval "! hexec pve-1 systemctl is-active pve-mockapi && ! hexec pve-2 systemctl is-active pve-mockapi"
check "pve-2: its agent runs" hexec pve-2 systemctl is-active proxmesh
check "pve-1 and pbs: no agent" eval "! hexec pve-1 systemctl is-active proxmesh && ! hexec pbs systemctl is-active proxmesh"

# 1. Converged: the same whole mesh from every host.
every_host_within 30 "proxmesh mesh: exit 0, every link up, every field as configured" 0
record "" "${HOSTS[@]}"
for h in "${HOSTS[@]}"; do
	check "$h: proxmesh mesh exits 0" hexec "$h" proxmesh mesh
	check "$h: the table says as configured, every link up, the PBS an endpoint" mesh_text "$h" \
		': as configured$' '^pve-1 nic3 -- pve-2 nic3 +up +200 +200$' \
		'^pve-1 nic4 -- pbs nic3 +up +10 +65535$' '^pve-2 nic4 -- pbs nic4 +up +10 +65535$' \
		'^pbs +192\.168\.102\.3 +endpoint +(yes|self) +[0-9]+ s +ok$' \
		'^ +pve-1 +pve-2 +pbs$' '^pve-1 +- +up +up$' '^pve-2 +up +- +up$' '^pbs +up +up +-$'
done
# --dot: through Graphviz where there is one (in the host or here), else
# its structure: three hosts, three green edges with both costs.
dot_ok() {
	local out
	out=$(hexec "$1" proxmesh mesh --dot) || return 1
	if hexec "$1" sh -c 'command -v dot' >/dev/null 2>&1; then
		hexec "$1" dot -Tsvg <<<"$out" | grep -c '<g id="node' | grep -qx 3 || return 1
	elif command -v dot >/dev/null; then
		dot -Tsvg <<<"$out" | grep -c '<g id="node' | grep -qx 3 || return 1
	fi
	python3 -c '
import re, sys
t = sys.stdin.read().splitlines()
assert t[0] == "graph proxmesh {" and t[-1] == "}", (t[0], t[-1])
nodes = [l for l in t if re.fullmatch(r"\t\"[a-z0-9-]+\" \[label=\"[^\"]*\"(, [a-z]+=(\"[^\"]*\"|[a-z0-9]+))*\];", l)]
edges = [l for l in t if re.fullmatch(r"\t\"[a-z0-9-]+\" -- \"[a-z0-9-]+\" \[color=darkgreen, label=\"up\", taillabel=\"[0-9]+\", headlabel=\"[0-9]+\"\];", l)]
assert len(nodes) == 3 and len(edges) == 3, t
assert len(t) == 3 + 3 + 3 + 1, t  # graph, label, node defaults, 3 nodes, 3 edges, }
assert "\t\"pve-1\" -- \"pbs\" [color=darkgreen, label=\"up\", taillabel=\"10\", headlabel=\"65535\"];" in t, t
' <<<"$out"
}
for h in "${HOSTS[@]}"; do
	check "$h: proxmesh mesh --dot is a Graphviz graph of the mesh$(command -v dot >/dev/null && echo ' (dot -Tsvg)')" dot_ok "$h"
done
check "pbs: two formats at once refused" eval "! hexec pbs proxmesh mesh --json --dot 2>/dev/null"
calls=$(frr_calls pve-1 mesh)
check "pve-1: proxmesh mesh is one vty connection, no vtysh, no configuration session (strace: $calls)" \
	eval "[[ '$calls' == '0 0 1' ]]"
# wall time of one call inside the host, averaged over 20
ms=$(hexec pve-1 bash -c 's=$(date +%s%N); for i in $(seq 20); do proxmesh mesh >/dev/null; done; echo $((($(date +%s%N) - s) / 20000000))')
diag "pve-1: proxmesh mesh takes $ms ms (mean of 20 calls, FRR 8.4), one vty connection"

# 2. A silent cut of pve-1 nic4 <-> pbs nic3: down everywhere within the
# dead interval, 3 s, and half a second of margin for the loaded machine
# (BFD sees it in ~0.3 s; the LSAs flood after that).
seen_within 3.5 "silent cut of pve-1 nic4: down in the table within the dead interval" \
	'^pve-1 nic4 -- pbs nic3 +down ' 'nft add chain' silent-cut pve-1 nic4
every_host_within 30 "silent cut of pve-1 nic4: pve-1/pbs down, exit 1, every field" 1 pve-1/pbs=down
record cut "${HOSTS[@]}"
check "pve-2: the table names the cut link" mesh_text pve-2 \
	'^pve-1 nic4 -- pbs nic3 +down +- +-$' '^pve-1 +- +up +DOWN$' \
	'^link pve-1 nic4 -- pbs nic3: down \(neither end lists it\)$' ': 1 difference from the configuration$'
"$LAB_DIR/fault" heal pve-1 nic4 >&2
every_host_within 30 "healed: every link up again, exit 0" 0

# 3. A carrier cut of pve-2 nic4 <-> pbs nic4.
seen_within 3.5 "carrier cut of pve-2 nic4: down in the table within the dead interval" \
	'^pve-2 nic4 -- pbs nic4 +down ' 'ip -n [^ ]+ link set [^ ]+ down' carrier-cut pve-2 nic4
every_host_within 30 "carrier cut of pve-2 nic4: pve-2/pbs down, exit 1, every field" 1 pve-2/pbs=down
record carrier "${HOSTS[@]}"
"$LAB_DIR/fault" heal pve-2 nic4 >&2
every_host_within 30 "healed: every link up again, exit 0" 0

no_ospfd() {  # no_ospfd HOST: `proxmesh mesh` says ospfd does not answer
	local out
	out=$(hexec "$1" proxmesh mesh 2>&1)
	[[ $out == "proxmesh: ospfd is not running (no answer on /var/run/frr/ospfd.vty)" ]] || {
		echo "$out"
		return 1
	}
}
# 4. FRR stopped on one host: gone on the others (its flushed LSA still
# lists its links: they are down, not half); on that host, exit 2.
for g in pbs pve-1; do
	"$LAB_DIR/fault" frr-stop "$g" >&2
	others=()
	for h in "${HOSTS[@]}"; do [[ $h == "$g" ]] || others+=("$h"); done
	t0=$(now)
	for h in "${others[@]}"; do
		check_within 10 "$g's FRR stopped: $h shows $g gone, its links down, exit 1" mesh_is "$h" 1 "gone=$g"
	done
	record "$g-stopped" "${others[@]}"
	check_within 10 "$g's FRR stopped: the table on ${others[0]} says gone" mesh_text "${others[0]}" \
		"^$g +192\\.168\\.102\\.[0-9] +[-a-z]+ +no +(-|[0-9]+ s) +gone\$" "^host $g \\(192\\.168\\.102\\.[0-9]\\): gone: "
	check "$g: proxmesh mesh exits 2 while its FRR is stopped" \
		eval "hexec $g proxmesh mesh >/dev/null 2>&1; [[ \$? == 2 ]]"
	check "$g: and says ospfd is not running" no_ospfd "$g"
	"$LAB_DIR/fault" frr-start "$g" >&2
	check_within 60 "$g's FRR back: adjacencies Full" "$LAB_DIR/wait-converged" -t 1
	every_host_within 30 "$g's FRR back: every link up, exit 0" 0
done

# 5. A cost changed by hand on one end (pve-1 nic3, 200 -> 150): flagged on
# every host, on pve-1's end only; `proxmesh apply` puts it back.
hexec pve-1 vtysh -c 'configure terminal' -c 'interface nic3' -c 'ip ospf cost 150' >&2
every_host_within 30 "cost 150 on pve-1 nic3 by hand: flagged on pve-1's end, exit 1" 1 \
	pve-1/pve-2=up:150:200 mismatch=pve-1/pve-2:a
record cost "${HOSTS[@]}"
check "pbs: the table flags the cost" mesh_text pbs \
	'^pve-1 nic3 -- pve-2 nic3 +up +150 \(configured 200\) +200$' \
	'^link pve-1 nic3 -- pve-2 nic3: pve-1 advertises cost 150, configured 200$'
check "pve-1: proxmesh apply" hexec pve-1 proxmesh apply
every_host_within 30 "cost back to 200: as configured, exit 0" 0

for h in "${PVE_HOSTS[@]}"; do hexec "$h" systemctl start pve-mockapi; done
