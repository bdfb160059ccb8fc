#!/bin/bash
# 62-mesh-partial.sh — issue 17: `proxmesh mesh` on a partial mesh of four
# hosts, checked from each of them: pve-3 (FRR 8.4) is cabled to pve-1 and
# pve-2 but not to the PBS, so pve-3 and the PBS are two hops apart. With
# the agents running on all four: every configured link up and the pairs
# that are not cabled shown as such ("." in the matrix); a silent cut of
# pve-1 -- pve-3 seen as down from all four; pve-3's FRR stopped: gone on
# the three others, its links down, exit 2 on pve-3; back; --dot draws four
# hosts and five links. (60-mesh-view checks every field and the timing on
# the reference triangle.)
LAB_MODE=bare
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

NEW=pve-3
W=$STATE/62
pve3_scenario "$W"

# mesh4 HOST EXIT [LINK=STATE...] [gone=HOST]: `proxmesh mesh --json` on
# HOST exits EXIT and shows the four hosts and five links of the partial
# mesh, every link up and every host ok except as given (LINK is "pve-1/
# pve-3": the end with the lower id first); nothing unexpected.
MESH4='
import json, sys
host, code, want_code, spec = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
links = ["pve-1/pve-2", "pve-1/pbs", "pve-1/pve-3", "pve-2/pbs", "pve-2/pve-3"]
role = {"pve-1": "transit", "pve-2": "transit", "pbs": "endpoint", "pve-3": "transit"}
gone = {v for k, v in (s.split("=") for s in spec) if k == "gone"}
state = {k: v for k, v in (s.split("=") for s in spec) if k != "gone"}
err = []
def want(what, got, exp):
    if got != exp: err.append("%s: %r, expected %r" % (what, got, exp))
try:
    d = json.load(sys.stdin)
except ValueError as e:
    print("%s: not JSON: %s" % (host, e)); sys.exit(1)
want("exit", code, want_code)
want("node", d.get("node"), host)
hs = {h.get("name"): h for h in d.get("hosts", [])}
want("hosts", sorted(hs), sorted(role))
for n, h in hs.items():
    want(n + " state", h.get("state"), "gone" if n in gone else "ok")
    want(n + " reachable", h.get("reachable"), n not in gone)
    if n not in gone: want(n + " role", h.get("role"), role.get(n))
got = {}
for l in d.get("links", []):
    got[l["a"]["node"] + "/" + l["b"]["node"]] = l.get("state")
for k in links:
    a, b = k.split("/")
    want(k, got.get(k), state.get(k, "down" if a in gone or b in gone else "up"))
want("link count", len(d.get("links", [])), 5)
want("unexpected", d.get("unexpected"), [])
want("as_configured", d.get("as_configured"), not gone and all(v == "up" for v in state.values()))
if err:
    print("%s: %s" % (host, "; ".join(err))); sys.exit(1)
'
mesh4() {
	local h=$1 want=$2 out rc=0
	shift 2
	out=$(hexec "$h" proxmesh mesh --json 2>&1) || rc=$?
	python3 -c "$MESH4" "$h" "$rc" "$want" "$@" <<<"$out"
}
dot4() {  # --dot: four hosts, five green edges, and no edge pve-3 -- pbs
	hexec "$1" proxmesh mesh --dot | python3 -c '
import re, sys
t = sys.stdin.read().splitlines()
assert t[0] == "graph proxmesh {" and t[-1] == "}", (t[0], t[-1])
nodes = [l for l in t if re.fullmatch(r"\t\"[a-z0-9-]+\" \[label=.*\];", l)]
edges = [l for l in t if " -- " in l]
assert len(nodes) == 4, t
assert len(edges) == 5 and all("color=darkgreen" in e for e in edges), edges
assert not [e for e in edges if "pve-3" in e and "pbs" in e], edges'
}

check "pve-3 booted into the lab and cabled to pve-1 nic5 and pve-2 nic5" "$LAB_DIR/up" --add "$NEW"
lab_hosts
check "the lab has four hosts" test "${#HOSTS[@]}" = 4
PROXMESH_CONF=$W/four.conf "$LAB_DIR/install" >&2
"$LAB_DIR/api" join "$NEW" >&2
for h in "${HOSTS[@]}"; do
	hexec "$h" systemctl enable proxmesh 2>/dev/null
	check "$h: the four-host configuration, the agent (re)started" hexec "$h" systemctl restart proxmesh
done
check_within 90 "the partial mesh of four converged" "$LAB_DIR/wait-converged" -t 1
hosts_within 30 "four hosts, five links up, as configured, exit 0" "${HOSTS[@]}" -- mesh4 0
check "pve-3: the matrix shows pve-3 and the PBS not cabled (.)" eval \
	"hexec pve-3 proxmesh mesh | grep -Eq '^pve-3 +up +up +\\. +-\$|^pve-3 +up +up +- +\\.\$'"
for h in pbs pve-3; do check "$h: --dot draws four hosts and five links" dot4 "$h"; done

# A silent cut of pve-1 -- pve-3 (pve-3's nic3): down from all four.
"$LAB_DIR/fault" silent-cut "$NEW" nic3 >&2
hosts_within 15 "silent cut of pve-1 -- pve-3: down, exit 1" "${HOSTS[@]}" -- mesh4 1 pve-1/pve-3=down
"$LAB_DIR/fault" heal "$NEW" nic3 >&2
hosts_within 30 "healed: every link up, exit 0" "${HOSTS[@]}" -- mesh4 0

# pve-3's FRR stopped: gone on the three others, its links down.
"$LAB_DIR/fault" frr-stop "$NEW" >&2
hosts_within 15 "pve-3's FRR stopped: pve-3 gone, its links down, exit 1" pve-1 pve-2 pbs -- mesh4 1 gone=pve-3
check "pve-3: proxmesh mesh exits 2 while its FRR is stopped" \
	eval "hexec $NEW proxmesh mesh >/dev/null 2>&1; [[ \$? == 2 ]]"
"$LAB_DIR/fault" frr-start "$NEW" >&2
check_within 60 "pve-3's FRR back: the mesh of four converged" "$LAB_DIR/wait-converged" -t 1
hosts_within 30 "pve-3's FRR back: every link up, exit 0" "${HOSTS[@]}" -- mesh4 0
for h in "${HOSTS[@]}"; do check_within 30 "$h: the agent reports healthy" hexec "$h" proxmesh status; done

# Back to three hosts: the reference configuration everywhere.
cleanup
lab_hosts
"$LAB_DIR/install" >&2
for h in "${HOSTS[@]}"; do hexec "$h" systemctl restart proxmesh; done
check_within 60 "three hosts again: converged" "$LAB_DIR/wait-converged" -t 1
