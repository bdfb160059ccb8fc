#!/bin/bash
# 50-checks-fail.sh — issue 15: the lab's own checks fail when what they
# check is broken. Each helper the scenarios rely on is run against a
# subject broken on purpose and must say "not so"; then against the real
# one. A helper that passes here on a broken subject proves nothing
# elsewhere.
LAB_MODE=bare
LAB_FRESH=1
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

conf=/etc/proxmesh/proxmesh.conf
# fails DESC CMD...: ok when CMD fails (its words become a diagnostic)
fails() {
	local d=$1 out
	shift
	if out=$("$@" 2>&1); then not_ok "$d (it passed)"; else ok "$d"; fi
	[[ -z $out ]] || diag "$out"
}
# drop_icmp HOST SECONDS: HOST's own pings dropped for that long
drop_icmp() {
	hexec "$1" nft add table inet pmcheck
	hexec "$1" nft add chain inet pmcheck out '{ type filter hook output priority 0; }'
	hexec "$1" nft add rule inet pmcheck out icmp type echo-request drop
	sleep "$2"
	hexec "$1" nft delete table inet pmcheck
}
pings() {  # pings HOST NAME SECONDS ACTION...: ping PBS_SERVICE meanwhile; prints ping_stop
	local h=$1 n=$2 s=$3
	shift 3
	ping_start "$h" "$n" "$PBS_SERVICE"
	sleep 0.5
	"$@"
	sleep "$s"
	ping_stop "$h" "$n"
}

"$LAB_DIR/install" >&2
for h in "${HOSTS[@]}"; do hexec "$h" proxmesh apply >/dev/null; done
check_within 60 "mesh converged" "$LAB_DIR/wait-converged" -t 1

# reachable: replies required, a gap counted up to the stop, loss bounded.
read -r g l n <<<"$(pings pve-1 c0 1 true)"
check "reachable: a clean run passes (gap $g s, $l of $n lost)" reachable "$g" "$l" "$n" 0.2 20
ping_start pve-1 c1 192.168.103.250  # nobody has it: no reply ever
sleep 1
read -r g l n <<<"$(ping_stop pve-1 c1)"
fails "reachable: no reply at all fails (gap $g s, $l of $n lost)" reachable "$g" "$l" "$n" 0.2 20
read -r g l n <<<"$(pings pve-1 c2 0 drop_icmp pve-1 1)"  # lost until the stop
fails "reachable: a loss lasting until the stop fails (gap $g s)" reachable "$g" "$l" "$n" 0.2 20
read -r g l n <<<"$(pings pve-1 c3 0.5 drop_icmp pve-1 0.3)"
fails "reachable: a 0.3 s interruption fails the 0.2 s bound (gap $g s)" reachable "$g" "$l" "$n" 0.2 20
hexec pve-1 nft add table inet pmcheck
hexec pve-1 nft add chain inet pmcheck out '{ type filter hook output priority 0; }'
hexec pve-1 nft add rule inet pmcheck out icmp type echo-request numgen random mod 4 == 0 drop
read -r g l n <<<"$(pings pve-1 c4 2 true)"
hexec pve-1 nft delete table inet pmcheck
fails "reachable: short gaps but a quarter lost fails ($l of $n lost, gap $g s)" \
	reachable "$g" "$l" "$n" 0.2 20

# Negative journal checks: journalctl failing is no "nothing logged".
hexec pve-1 systemctl start proxmesh
t=$(hexec pve-1 date +%s)
check "jnone: passes with a working journalctl" jnone pve-1 "$t" 'no such entry'
hexec pve-1 mount --bind /bin/false /usr/bin/journalctl
fails "jnone: fails when journalctl fails" jnone pve-1 "$t" 'no such entry'
check "jhas: says 2 when journalctl fails" eval "jhas pve-1 $t proxmesh; [[ \$? == 2 ]]"
hexec pve-1 umount /usr/bin/journalctl
fails "jnone: fails on an entry that matches, and prints it" jnone pve-1 0 'proxmesh' 'starting'

# The catalog check wants proxmesh's entry, not systemd's for the unit.
t=$(hexec pve-1 date +%s)
"$LAB_DIR/fault" silent-cut pve-1 nic4 >&2
check_within 10 "pve-1: warning for the cut" jhas pve-1 "$t" '"PROXMESH_DIAGNOSIS":"cable-or-nic"'
subject="Mesh link nic4 to pbs: no adjacency, check cable or NIC"
hexec pve-1 rm -f /usr/lib/systemd/catalog/proxmesh.catalog
hexec pve-1 journalctl --update-catalog
diag "pve-1: catalog lines journalctl -x shows without proxmesh's catalog: $(hexec pve-1 journalctl -u proxmesh -x -q --no-pager | grep -c '^░░' || true)"
fails "catalog_shown: fails without proxmesh's catalog" catalog_shown pve-1 "$subject"
hexec pve-1 mkdir -p /usr/lib/systemd/catalog
cp "$SRC_DIR/packaging/proxmesh.catalog" "$(hroot pve-1)/usr/lib/systemd/catalog/proxmesh.catalog"
hexec pve-1 journalctl --update-catalog
check "catalog_shown: passes with it" catalog_shown pve-1 "$subject"
"$LAB_DIR/fault" heal pve-1 nic4 >&2
hexec pve-1 systemctl stop proxmesh

# ifreload -a's exit status: an interfaces file it cannot apply.
# (A static stanza for a NIC that does not exist is no error to ifupdown2.)
hexec pve-2 sh -c 'printf "auto pmcheck0\niface pmcheck0\n\tlink-type dummy\n\tup /bin/false\n" >/etc/network/interfaces.d/zz-check'
fails "ifreload -a exits non-zero on an interface it cannot bring up" hexec pve-2 ifreload -a
hexec pve-2 rm /etc/network/interfaces.d/zz-check
check "ifreload -a exits 0 again" hexec pve-2 ifreload -a

# frr_calls counts from outside: a pass that runs vtysh is seen.
calls=$(frr_calls pve-1 apply)
check "frr_calls: a pass with nothing to do: no vtysh, no session ($calls)" \
	eval "[[ '$calls' == '0 0 '[1-9]* ]]"
hexec pve-1 sed -i '/^\[node pve-1\]/,/^\[/ s|^loopback = 192.168.102.1/32|loopback = 192.168.102.11/32|' "$conf"
calls=$(frr_calls pve-1 apply)
fails "frr_calls: a loopback change goes through vtysh, and is counted ($calls)" \
	eval "[[ '$calls' == 0\ * ]]"
hexec pve-1 sed -i '/^\[node pve-1\]/,/^\[/ s|^loopback = 192.168.102.11/32|loopback = 192.168.102.1/32|' "$conf"
hexec pve-1 proxmesh apply >/dev/null
check_within 30 "mesh converged at the end" "$LAB_DIR/wait-converged" -t 1
