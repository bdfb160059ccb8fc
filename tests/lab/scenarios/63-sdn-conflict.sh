#!/bin/bash
# 63-sdn-conflict.sh — issue 18, Proxmox VE 9 SDN fabrics (DESIGN §13): a
# fabric in /etc/pve/sdn/fabrics.cfg that claims mesh interfaces, or runs
# OSPF on the host, is a conflict. With the agents running on every host
# (pve-1 FRR 8.4, pve-2 10.3, pbs 10.7):
# - pve-1: an OSPF fabric (both protocols' files as Proxmox writes them:
#   tests/data/proxmox) → nothing in FRR changes, not even drift on a link
#   (a second owner of router ospf);
# - pve-2: an OpenFabric fabric on nic4 → nic4 left as it is (its cost
#   drift stays, its address taken away stays away), nic3 still repaired;
# - pbs: an OpenFabric fabric on nic3, the same on FRR 10.7;
# each time: status reconcile "conflict", one journal warning naming both
# files, `plan` and `check` exit 1 naming both files, the mesh keeps
# running; fabric removed → the agent converges (by itself on pve-1, at
# its periodic pass; after `systemctl reload` on the others).
LAB_MODE=bare
LAB_FRESH=1
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

FABRICS=/etc/pve/sdn/fabrics.cfg
CONF=/etc/proxmesh/proxmesh.conf
CONFLICT_MID=77259c59977a48d39641d17ba03ff55d  # PM_MID_SDN_CONFLICT
TAB=$'\t'
drift() {  # drift HOST IF COST: an operator's cost typed into vtysh
	hexec "$1" vtysh -c 'configure terminal' -c "interface $2" -c "ip ospf cost $3" >/dev/null
}
reconcile_is() {  # reconcile_is HOST STATE [TEXT]: status.json's reconcile state and error
	status_json "$1" | python3 -c '
import json, sys
r = json.load(sys.stdin)["reconcile"]
ok = r["state"] == sys.argv[1] and sys.argv[2] in (r.get("last_error") or "")
sys.exit(0 if ok else print("reconcile:", r) or 1)' "$2" "${3:-}"
}
# says_both HOST CMD EXIT: `proxmesh CMD` exits EXIT and names both files
says_both() {
	local out rc=0
	out=$(hexec "$1" proxmesh "$2" 2>&1) || rc=$?
	[[ $rc == "$3" && $out == *"$FABRICS:"* && $out == *"$CONF"* ]] ||
		{ echo "exit $rc: $out"; return 1; }
}
fingerprint() {  # what must not change: FRR's configuration, the saved files, the addresses
	hexec "$1" sh -c "vtysh -c 'show running-config' | grep -v '^!\|^Building\|^Current'
		md5sum /etc/frr/frr.conf /etc/network/interfaces.d/proxmesh
		ip -4 -o addr show | awk '{ print \$2, \$4 }'"
}
same_as() { [[ $(fingerprint "$1") == "$2" ]] || { diff <(echo "$2") <(fingerprint "$1"); return 1; }; }
has_addr() { hexec "$1" ip -4 -o addr show dev "$2" | grep -q " $3 "; }
put_fabrics() {  # put_fabrics HOST < TEXT
	hexec "$1" mkdir -p "$(dirname "$FABRICS")"
	hexec "$1" sh -c "cat >$FABRICS"
}

agents_start
sleep 2

# pve-1 (FRR 8.4): an OSPF fabric on this host, as Proxmox writes it.
t=$(hexec pve-1 date +%s)
drift pve-1 nic3 77
before=$(fingerprint pve-1)
put_fabrics pve-1 <"$SRC_DIR/tests/data/proxmox/fabrics-ospf.cfg"
check "pve-1: systemctl reload proxmesh" hexec pve-1 systemctl reload proxmesh
check_within 10 "pve-1: one warning naming the fabric, both files and the claimed links" \
	jhas pve-1 "$t" '"PRIORITY":"4"' "\"MESSAGE_ID\":\"$CONFLICT_MID\"" \
	"$FABRICS:5: Proxmox SDN's OSPF fabric" "$CONF" 'nic3, nic4'
check_within 10 "pve-1: status says reconcile conflict, naming $FABRICS" \
	reconcile_is pve-1 conflict "$FABRICS"
check "pve-1: the cost drift on nic3 stays (FRR left as it is)" cost_is pve-1 nic3 77
check "pve-1: FRR, frr.conf, interfaces.d and the addresses unchanged" same_as pve-1 "$before"
check "pve-1: proxmesh plan exits 1 naming both files" says_both pve-1 plan 1
check "pve-1: proxmesh check exits 1 naming both files" says_both pve-1 check 1
check "pve-1: the mesh still runs (adjacencies Full)" "$LAB_DIR/wait-converged" -t 5
# Taken away: the periodic pass (30 s) converges without being told.
t=$(hexec pve-1 date +%s)
hexec pve-1 rm "$FABRICS"
check_within 40 "pve-1: fabric gone: the agent converges by itself (reconcile converged)" \
	reconcile_is pve-1 converged
check "pve-1: ... and repaired the drift (nic3 cost 200)" cost_is pve-1 nic3 200
check "pve-1: ... and said the conflict is over" jhas pve-1 "$t" 'no conflict with Proxmox SDN'
check "pve-1: proxmesh plan exits 0" hexec pve-1 proxmesh plan

# pve-2 (FRR 10.3), pbs (FRR 10.7): an OpenFabric fabric on one mesh link.
for spec in "pve-2 nic4 nic3 10 200" "pbs nic3 nic4 65535 65535"; do
	read -r h claimed other ccost ocost <<<"$spec"
	t=$(hexec "$h" date +%s)
	put_fabrics "$h" <<-EOF
		openfabric_fabric: mesh
		${TAB}hello_interval 1
		${TAB}ip_prefix 10.14.14.0/24

		openfabric_node: mesh_$h
		${TAB}interfaces name=$claimed,hello_multiplier=3
		${TAB}ip 10.14.14.2
	EOF
	drift "$h" "$claimed" 77
	drift "$h" "$other" 78
	check "$h: systemctl reload proxmesh" hexec "$h" systemctl reload proxmesh
	check_within 10 "$h: one warning naming the fabric, both files and $claimed" \
		jhas "$h" "$t" '"PRIORITY":"4"' "\"MESSAGE_ID\":\"$CONFLICT_MID\"" \
		"$FABRICS:6: Proxmox SDN's openfabric fabric" "claims $claimed of the mesh in $CONF"
	check_within 10 "$h: status says reconcile conflict" reconcile_is "$h" conflict "$FABRICS"
	check "$h: the claimed $claimed keeps its drift (77)" cost_is "$h" "$claimed" 77
	check "$h: the other link, $other, repaired ($ocost)" cost_is "$h" "$other" "$ocost"
	check "$h: proxmesh plan exits 1 naming both files" says_both "$h" plan 1
	check "$h: proxmesh check exits 1 naming both files" says_both "$h" check 1
	read -r _ addr _ < <(host_links "$h" | grep "^$claimed ")
	if [[ $h == pve-2 ]]; then  # an address taken from the claimed link stays away
		hexec "$h" ip addr del "$addr" dev "$claimed"
		hexec "$h" systemctl reload proxmesh
		sleep 3
		check "$h: $addr taken from $claimed is not put back" eval "! has_addr $h $claimed $addr"
	fi
	check "$h: one conflict entry for all those passes" count_is 1 "$h" "${t}000000" "$CONFLICT_MID"
	hexec "$h" rm "$FABRICS"
	check "$h: fabric gone: systemctl reload proxmesh" hexec "$h" systemctl reload proxmesh
	check_within 10 "$h: reconcile converged" reconcile_is "$h" converged
	check "$h: $claimed repaired ($ccost)" cost_is "$h" "$claimed" "$ccost"
	check "$h: $addr on $claimed again" has_addr "$h" "$claimed" "$addr"
done
check_within 30 "mesh converged" "$LAB_DIR/wait-converged" -t 1
check_within 30 "all hosts healthy" healthy_all
for h in "${HOSTS[@]}"; do
	check "$h: plan exits 0" hexec "$h" proxmesh plan
	check "$h: no reconcile failure logged" jnone "$h" 0 'reconcile failed'
done
