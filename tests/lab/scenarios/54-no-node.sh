#!/bin/bash
# 54-no-node.sh — issue 15: a host that has no [node] section for its name
# (here the PBS, given a valid file of a two-node mesh): check and apply say
# so in one sentence; the agent idles without touching the network, says why
# in `proxmesh status` and status.json, and starts once the file has the host.
LAB_MODE=bare
LAB_FRESH=1
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

conf=/etc/proxmesh/proxmesh.conf
# What proxmesh would change: links, addresses, routes and rules, kernel
# settings, FRR's daemons and running configuration, ifupdown files.
network() {
	hexec pbs sh -c 'ip -o link show; ip -o addr show; ip route show table all; ip rule show
		sysctl net.ipv4.ip_forward net.ipv4.conf.all.rp_filter
		cat /etc/frr/daemons /etc/frr/frr.conf; ls /etc/network/interfaces.d /etc/sysctl.d
		vtysh -c "show running-config" | grep -v "^Building\|^Current"' 2>&1 |
		sed 's/ \(valid_lft\|preferred_lft\) [^ ]*//g'
}
said() { hexec pbs sh -c "$1" 2>&1 || true; }
quiet() {  # quiet HOST EPOCH: no entry above notice (priority 0-4) since then
	local p
	for p in 0 1 2 3 4; do jnone "$1" "$2" "\"PRIORITY\":\"$p\"" || return 1; done
}

"$LAB_DIR/install" pbs >&2
# The reference file without the PBS: pve-1 and pve-2, cabled to each other.
hexec pbs python3 - "$conf" <<-'PY'
	import re, sys
	t = open(sys.argv[1]).read()
	t = re.sub(r"\n\[node pbs\]\n(.*\n)*", "\n", t)
	t = re.sub(r"link = pbs .*\n", "", t)
	open(sys.argv[1], "w").write(t)
PY
# The kernel's own IPv6 link-local addresses finish duplicate address
# detection a moment after boot (and add an anycast route then): not a
# change of proxmesh's, so the snapshot waits for that first.
check_within 10 "pbs: no tentative address left (DAD done)" \
	eval "! hexec pbs ip -o addr show | grep -q tentative"
before=$(network)
text=$(said 'proxmesh check; echo "exit $?"')
diag "pbs: proxmesh check: $text"
check "pbs: check says in one sentence that the file has no [node pbs] (exit 0)" \
	eval "[[ \$text == *'no [node pbs] section for this host'* && \$(wc -l <<<\"\$text\") == 2 &&
	        \$text == *'exit 0' ]]"
text=$(said 'proxmesh apply; echo "exit $?"')
diag "pbs: proxmesh apply: $text"
check "pbs: apply says in one sentence that the file has no [node pbs] (exit 1)" \
	eval "[[ \$text == *'no [node pbs] section for this host'* && \$(wc -l <<<\"\$text\") == 2 &&
	        \$text == *'exit 1' ]]"

t=$(hexec pbs date +%s)
check "pbs: systemctl enable --now proxmesh" hexec pbs systemctl enable --now proxmesh
sleep 35  # longer than a periodic pass (30 s) and than a status file's staleness (30 s)
check "pbs: agent active (idle, not failed)" hexec pbs systemctl is-active proxmesh
check "pbs: the network untouched" eval "diff <(echo \"\$before\") <(network)"
text=$(said 'proxmesh status')
diag "$text"
check "pbs: proxmesh status says why it idles (and is not stale)" \
	eval "[[ \$text == *'reconcile: idle'* && \$text == *'no [node pbs] section'* && \$text != *stale* ]]"
check "pbs: status.json: reconcile idle, the reason as its last error" \
	eval "hexec pbs cat /run/proxmesh/status.json | python3 -c '
import json, sys
r = json.load(sys.stdin)[\"reconcile\"]
sys.exit(not (r[\"state\"] == \"idle\" and \"no [node pbs] section\" in r[\"last_error\"]))'"
check "pbs: systemctl status shows the reason" \
	eval "hexec pbs systemctl status proxmesh --no-pager | grep -q 'Status: \"idle: no \[node pbs\] section'"
check "pbs: the journal says it once" \
	eval "[[ \$(jsince pbs $t | grep -c 'no \[node pbs\] section') == 1 ]]"
check "pbs: nothing logged above notice" quiet pbs "$t"

# With its section back, a reload starts the agent's work.
"$LAB_DIR/install" pbs >&2
hexec pbs systemctl reload proxmesh
check_within 60 "pbs: after the reload with [node pbs], the agent configured the host (plan exit 0)" \
	hexec pbs proxmesh plan
check "pbs: ospfd runs" hexec pbs pgrep -x ospfd
