#!/bin/bash
# 55-sighup-broken.sh — issue 15: `systemctl reload proxmesh` with a broken
# file (an unknown key; a file without this host's section) is logged with
# the reason and ignored: the agent keeps enforcing the previous
# configuration, so drift made by hand afterwards is still repaired to it,
# not to what the broken file says.
LAB_MODE=bare
LAB_FRESH=1
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

conf=/etc/proxmesh/proxmesh.conf
mainpid() { hexec "$1" systemctl show -p MainPID --value proxmesh; }

agents_start
check "pve-1: nic3 cost 200" cost_is pve-1 nic3 200
pid=$(mainpid pve-1)
hexec pve-1 cp "$conf" /tmp/good.conf

# 1. An unknown key, and a cost change that must not take effect with it.
t=$(hexec pve-1 date +%s)
hexec pve-1 sed -i 's/^link = pve-2 nic3 cost 200/link = pve-2 nic3 cost 150/' "$conf"
hexec pve-1 sh -c "echo 'bogus = 1' >>$conf"
check "pve-1: systemctl reload with a broken file exits 0" hexec pve-1 systemctl reload proxmesh
check_within 10 "pve-1: the broken file is logged with file:line, previous configuration kept" \
	jhas pve-1 "$t" '"PRIORITY":"3"' 'proxmesh.conf:' 'keeping the previous configuration'
check "pve-1: the same agent process, active" \
	eval "[[ \$(mainpid pve-1) == $pid ]] && hexec pve-1 systemctl is-active proxmesh"
sleep 2
check "pve-1: the broken file's cost (150) not applied" cost_is pve-1 nic3 200
# Drift made by hand afterwards: FRR through vtysh, an address with ip.
hexec pve-1 vtysh -c 'configure terminal' -c 'interface nic3' -c 'ip ospf cost 77' >/dev/null
check_within 45 "pve-1: cost drift repaired to the previous configuration's 200 (periodic pass)" \
	cost_is pve-1 nic3 200
a=$(hexec pve-1 ip -o -4 addr show dev nic4 | awk '{ print $4 }')
hexec pve-1 ip addr del "$a" dev nic4
check_within 5 "pve-1: address $a removed by hand is back on nic4" \
	eval "hexec pve-1 ip -o -4 addr show dev nic4 | grep -q ' $a '"
check "pve-1: nothing failed in the passes" jnone pve-1 "$t" 'reconcile failed'

# 2. A file without this host's [node] section.
t=$(hexec pve-1 date +%s)
hexec pve-1 cp /tmp/good.conf "$conf"
hexec pve-1 sed -i 's/^\[node pve-1\]$/[node pve-9]/; s/^link = pve-1 /link = pve-9 /' "$conf"
check "pve-1: the file is valid for the mesh (check, --node pve-2)" hexec pve-1 proxmesh --node pve-2 check
check "pve-1: reload without [node pve-1] exits 0" hexec pve-1 systemctl reload proxmesh
check_within 10 "pve-1: logged, previous configuration kept" \
	jhas pve-1 "$t" 'no [node pve-1] section' 'keeping the previous configuration'
hexec pve-1 vtysh -c 'configure terminal' -c 'interface nic3' -c 'ip ospf cost 78' >/dev/null
check_within 45 "pve-1: drift repaired to the previous configuration again" cost_is pve-1 nic3 200
check "pve-1: status not idle, reconcile converged" \
	eval "hexec pve-1 cat /run/proxmesh/status.json | grep -q '\"state\": *\"converged\"'"

# 3. The good file back: reload logs it loaded.
t=$(hexec pve-1 date +%s)
hexec pve-1 cp /tmp/good.conf "$conf"
hexec pve-1 systemctl reload proxmesh
check_within 10 "pve-1: the good file loaded on reload" jhas pve-1 "$t" 'configuration' 'loaded: node pve-1'
check "adjacencies Full at the end" "$LAB_DIR/wait-converged" -t 30
