#!/bin/bash
# 64-doctor.sh — issue 18, `proxmesh doctor` (DESIGN §13): every check shown
# passing and failing, on every FRR version (pve-1 8.4, pve-2 10.3, pbs
# 10.7). The Proxmox files are written into the PVE hosts' /etc/pve in the
# layout Proxmox writes them (tests/data/proxmox, with the lab's addresses:
# pve-2 has no mesh loopback here, so only pve-1's counts).
# - all good: exit 0 on the PVE hosts, each check ok or skipped with why;
#   the PBS (no /etc/pve) warns only that localhost:8006 does not answer
#   there (its first API URL; the agent fails over);
# - one at a time, on one host: jumbo frames on one end of a link, a kernel
#   setting changed by hand, the ifupdown2 source line gone, bfdd disabled,
#   a node certificate from another CA, a token with more than auditing
#   rights, corosync on link addresses only,
#   Ceph's cluster network off the mesh, a Ceph monitor on a link address,
#   an SDN fabric on a mesh NIC, a node with an FRR older than supported —
#   each names what is wrong, says what to change, and sets the exit code
#   (1 warning, 2 failure); healed, exit 0 again.
# Traffic: only to the peers' link addresses over the mesh links.
LAB_MODE=bare
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

DATA=$LAB_DIR/../data/proxmox
agents_start

# doctor_is HOST EXIT: `proxmesh doctor` on HOST exits EXIT; its output is in
# $STATE/doctor-HOST (printed when the exit differs).
doctor_is() {
	local rc=0
	hexec "$1" proxmesh doctor >"$STATE/doctor-$1" 2>&1 || rc=$?
	((rc == $2)) || { echo "exit $rc:"; cat "$STATE/doctor-$1"; return 1; }
}
# has HOST VERDICT CHECK TEXT: the last doctor output of HOST has a line
# "VERDICT CHECK ... TEXT" (and for warn/fail a "fix:" line after it).
has() {
	python3 - "$STATE/doctor-$1" "$2" "$3" "$4" <<-'PY' || { cat "$STATE/doctor-$1"; return 1; }
	import re, sys
	path, verdict, check, text = sys.argv[1:]
	lines = open(path).read().splitlines()
	for i, l in enumerate(lines):
	    m = re.match(r"^(ok|skip|warn|fail) +(.*?)  +(.*)$", l)
	    if not m or m.group(1) != verdict or m.group(2).strip() != check or text not in m.group(3):
	        continue
	    if verdict in ("warn", "fail") and not (i + 1 < len(lines) and "fix: " in lines[i + 1]):
	        print("no fix: line after", l)
	        sys.exit(1)
	    sys.exit(0)
	sys.exit(1)
	PY
}
# only_bad HOST CHECK...: the warnings and failures of the last output are
# exactly those checks
only_bad() {
	local h=$1 got want
	shift
	got=$(sed -n -E 's/^(warn|fail) +//p' "$STATE/doctor-$h" | sed 's/  .*//' |
		sort -u | paste -sd,)
	want=$(printf '%s\n' "$@" | sort -u | paste -sd,)
	[[ $got == "$want" ]] || { echo "bad checks: ${got:-none}, expected ${want:-none}"; cat "$STATE/doctor-$h"; return 1; }
}

# The Proxmox files, good: corosync link 1 on the loopbacks (fixture),
# Ceph on the loopbacks with pve-1's monitor, migration over the mesh.
ceph_good() {
	sed -e 's/^\tmon_host = .*/\tmon_host = 192.168.102.1/' "$DATA/ceph.conf" |
		awk '/^\[mon\.pve-[23]\]/ { skip = 1; next } /^\[/ { skip = 0 } !skip'
}
for h in "${PVE_HOSTS[@]}"; do
	hexec "$h" mkdir -p /etc/pve
	hexec "$h" sh -c 'cat >/etc/pve/corosync.conf' <"$DATA/corosync.conf"
	ceph_good | hexec "$h" sh -c 'cat >/etc/pve/ceph.conf'
	hexec "$h" sh -c 'cat >/etc/pve/datacenter.cfg' <"$DATA/datacenter.cfg"
done

for h in "${PVE_HOSTS[@]}"; do
	check "$h: doctor exits 0 with the mesh and Proxmox's files as they should be" doctor_is "$h" 0
	diag "$h: $(cat "$STATE/doctor-$h")"
	check "$h: ok path MTU on nic3" has "$h" ok "mtu nic3" "answers 1500-byte don't-fragment packets; 1501 bytes are refused here"
	check "$h: ok path MTU on nic4" has "$h" ok "mtu nic4" "1500-byte"
	check "$h: ok kernel" has "$h" ok kernel "as the node's role wants"
	check "$h: ok ifupdown2" has "$h" ok ifupdown2 "sources"
	check "$h: ok FRR daemons" has "$h" ok "frr daemons" "ospfd and bfdd enabled"
	check "$h: ok plan" has "$h" ok plan "as configured"
	check "$h: ok API on 192.168.100.1" has "$h" ok "api https://192.168.100.1:8006" "TLS verified, token accepted"
	check "$h: ok API privileges (auditor)" has "$h" ok "api privileges" "may audit, nothing more"
	check "$h: ok corosync (link 1 on the loopbacks)" has "$h" ok corosync "on mesh loopbacks"
	check "$h: ok Ceph public network" has "$h" ok "ceph network" "public_network 192.168.102.0/24 holds the mesh loopbacks of pve-1"
	check "$h: ok Ceph monitor" has "$h" ok "ceph monitor" "the monitor is on a mesh loopback"
	check "$h: migration over the mesh (informational)" has "$h" ok migration "holds the mesh loopbacks"
	check "$h: ok Proxmox SDN" has "$h" ok "proxmox sdn" "no fabric"
done
# FRR's versions: this host's from FRR, the other PVE node's from its
# packages through the API (proxied to that node), the PBS not a member.
check "pve-1: frr versions: 8.4.4 here, 10.3 on pve-2 (API), pbs unknown" has pve-1 ok "frr versions" \
	"pve-1 8.4.4 (this host), pve-2 10.3, pbs ? (not a Proxmox VE cluster node)"
check "pve-2: frr versions: 8.4.4 on pve-1 (API), 10.3 here" has pve-2 ok "frr versions" \
	"pve-1 8.4.4, pve-2 10.3 (this host), pbs ? (not a Proxmox VE cluster node)"
check "pbs: doctor exits 1: localhost:8006 does not answer there" doctor_is pbs 1
diag "pbs: $(cat "$STATE/doctor-pbs")"
check "pbs: that is its only warning" only_bad pbs "api https://localhost:8006"
check "pbs: ok path MTU on nic3 (FRR 10.7 host)" has pbs ok "mtu nic3" "1500-byte"
check "pbs: ok kernel (endpoint: no forwarding)" has pbs ok kernel "as the node's role wants"
check "pbs: corosync skipped, not a cluster node" has pbs skip corosync "no /etc/pve/corosync.conf"
check "pbs: Ceph skipped" has pbs skip ceph "no /etc/ceph/ceph.conf"
check "pbs: frr versions: both PVE nodes through the API, 10.7.1 here" has pbs ok "frr versions" \
	"pve-1 8.4.4, pve-2 10.3, pbs 10.7.1 (this host)"

# A node whose FRR is older than proxmesh supports (a Proxmox VE 7 node's
# 7.5.1, as its package list reports it).
"$LAB_DIR/api" frr-version pve-2 7.5.1-1+pve3
check "pve-1: pve-2 runs FRR 7.5.1: doctor exits 1" doctor_is pve-1 1
check "pve-1: warn frr versions names pve-2 and its version" \
	has pve-1 warn "frr versions" "pve-2 runs 7.5.1: older than proxmesh supports"
check "pve-1: ... and nothing else" only_bad pve-1 "frr versions"
"$LAB_DIR/api" frr-version pve-2 real

# Jumbo frames on one end only: pve-1 nic4 at 9000, the PBS at 1500.
hexec pve-1 ip link set nic4 mtu 9000
check "pve-1: nic4 at 9000 on one end: doctor exits 2" doctor_is pve-1 2
check "pve-1: fail mtu nic4 says the PBS answers 1500 but not 9000" \
	has pve-1 fail "mtu nic4" "answers 1500-byte packets but not 9000-byte ones over nic4"
check "pve-1: ... and nothing else" only_bad pve-1 "mtu nic4"
hexec pve-1 ip link set nic4 mtu 1500
check "pve-1: MTU back: doctor exits 0" doctor_is pve-1 0

# The agent on pve-2 stopped (it would repair these within a pass), then
# a kernel setting and the daemons file changed by hand, the source line
# gone: a failure each, and plan pending.
hexec pve-2 systemctl stop proxmesh
hexec pve-2 sysctl -qw net.ipv4.conf.nic3.rp_filter=1
hexec pve-2 cp /etc/network/interfaces /tmp/interfaces.doctor
hexec pve-2 sed -i '/^source/d' /etc/network/interfaces
hexec pve-2 cp -p /etc/frr/daemons /tmp/daemons.doctor
hexec pve-2 sed -i 's/^bfdd=yes/bfdd=no/' /etc/frr/daemons
check "pve-2: hand changes: doctor exits 2" doctor_is pve-2 2
check "pve-2: fail kernel names rp_filter" has pve-2 fail kernel "net.ipv4.conf.nic3.rp_filter = 1 (want 2)"
check "pve-2: warn ifupdown2 source line" has pve-2 warn ifupdown2 "interfaces.d"
check "pve-2: fail frr daemons bfdd" has pve-2 fail "frr daemons" "bfdd not enabled"
check "pve-2: warn plan pending" has pve-2 warn plan "pending"
check "pve-2: ... and nothing else" only_bad pve-2 kernel ifupdown2 "frr daemons" plan
hexec pve-2 cp /tmp/interfaces.doctor /etc/network/interfaces
hexec pve-2 cp -p /tmp/daemons.doctor /etc/frr/daemons
hexec pve-2 systemctl start proxmesh
check_within 30 "pve-2: the agent repaired rp_filter: doctor exits 0" doctor_is pve-2 0

# A node certificate from another CA: TLS fails on that URL.
"$LAB_DIR/api" cert pve-2 wrong
check "pve-1: pve-2's certificate from another CA: doctor exits 2" doctor_is pve-1 2
check "pve-1: fail api on 192.168.100.2 (TLS)" has pve-1 fail "api https://192.168.100.2:8006" "certificate"
check "pve-1: ... and nothing else" only_bad pve-1 "api https://192.168.100.2:8006"
"$LAB_DIR/api" reset

# A token that may do more than audit (an Administrator's).
"$LAB_DIR/api" role admin
check "pve-1: a token that may change the cluster: doctor exits 1" doctor_is pve-1 1
check "pve-1: warn api privileges names what it may change" \
	has pve-1 warn "api privileges" "may change the cluster: "
check "pve-1: ... and nothing else" only_bad pve-1 "api privileges"
"$LAB_DIR/api" reset

# corosync on mesh link addresses only (pve-1 192.168.103.1, pve-2
# 192.168.103.2: the nic3 cable between them): warnings, exit 1.
sed -e 's/ring0_addr: 192.168.100.1/ring0_addr: 192.168.103.1/' \
	-e 's/ring0_addr: 192.168.100.2/ring0_addr: 192.168.103.2/' \
	-e '/ring1_addr/d' "$DATA/corosync.conf" | hexec pve-1 sh -c 'cat >/etc/pve/corosync.conf'
check "pve-1: corosync on link addresses only: doctor exits 1" doctor_is pve-1 1
check "pve-1: warn corosync: pve-1's link on nic3's address dies with the cable" \
	has pve-1 warn corosync "pve-1's link 0 is 192.168.103.1, the address of pve-1's nic3 (the cable to pve-2): the link dies with that cable"
check "pve-1: warn corosync: the mesh is pve-2's only link" \
	has pve-1 warn corosync "every corosync link of pve-2 is on the mesh"
check "pve-1: ... and nothing else" only_bad pve-1 corosync
hexec pve-1 sh -c 'cat >/etc/pve/corosync.conf' <"$DATA/corosync.conf"

# Ceph's cluster network off the mesh.
ceph_good | sed 's|^\tcluster_network = .*|\tcluster_network = 10.0.0.0/24|' |
	hexec pve-2 sh -c 'cat >/etc/pve/ceph.conf'
check "pve-2: Ceph cluster network off the mesh: doctor exits 1" doctor_is pve-2 1
check "pve-2: warn ceph network names cluster_network and pve-1" \
	has pve-2 warn "ceph network" "cluster_network 10.0.0.0/24 does not hold the mesh loopback of pve-1"
check "pve-2: ... and nothing else" only_bad pve-2 "ceph network"
# A monitor on pve-1's nic3 address.
ceph_good | sed 's/^\tmon_host = .*/\tmon_host = 192.168.103.1/' |
	hexec pve-2 sh -c 'cat >/etc/pve/ceph.conf'
check "pve-2: a Ceph monitor on a link address: doctor exits 1" doctor_is pve-2 1
check "pve-2: warn ceph monitor: pve-1's nic3 address dies with the cable" \
	has pve-2 warn "ceph monitor" "monitor 192.168.103.1 is pve-1's address on nic3 (the cable to pve-2): it dies with that cable"
check "pve-2: ... and nothing else" only_bad pve-2 "ceph monitor"
ceph_good | hexec pve-2 sh -c 'cat >/etc/pve/ceph.conf'

# No migration network: informational, still ok.
hexec pve-2 sh -c 'cat >/etc/pve/datacenter.cfg' <"$DATA/datacenter-none.cfg"
check "pve-2: no migration network: doctor exits 0" doctor_is pve-2 0
check "pve-2: migration says the management network" has pve-2 ok migration "no migration network"

# A Proxmox SDN OpenFabric fabric on pve-2's nic4.
hexec pve-2 mkdir -p /etc/pve/sdn
printf 'openfabric_fabric: mesh\n\thello_interval 1\n\tip_prefix 10.14.14.0/24\n\nopenfabric_node: mesh_pve-2\n\tinterfaces name=nic4\n\tip 10.14.14.2\n' |
	hexec pve-2 sh -c 'cat >/etc/pve/sdn/fabrics.cfg'
check "pve-2: an SDN fabric on nic4: doctor exits 2" doctor_is pve-2 2
check "pve-2: fail proxmox sdn names both files and nic4" \
	has pve-2 fail "proxmox sdn" "/etc/pve/sdn/fabrics.cfg:6"
check "pve-2: ... and nothing else" only_bad pve-2 "proxmox sdn"
hexec pve-2 rm /etc/pve/sdn/fabrics.cfg

# --json: the same verdicts for scripts.
check "pve-2: doctor --json: every check with a verdict, exit 0" eval "hexec pve-2 proxmesh doctor --json |
	python3 -c 'import json, sys
d = json.load(sys.stdin)
assert d[\"exit\"] == 0 and d[\"failures\"] == 0, d
assert all(c[\"verdict\"] in (\"ok\", \"skip\") for c in d[\"checks\"]), d
assert any(c[\"check\"] == \"mtu nic3\" for c in d[\"checks\"]), d'"

for h in "${PVE_HOSTS[@]}"; do hexec "$h" rm -f /etc/pve/corosync.conf /etc/pve/ceph.conf /etc/pve/datacenter.cfg; done
for h in "${HOSTS[@]}"; do
	check "$h: doctor sent nothing the agent had to repair (plan exits 0)" hexec "$h" proxmesh plan
done
