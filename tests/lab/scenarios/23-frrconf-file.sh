#!/bin/bash
# 23-frrconf-file.sh — issue 14: frr.conf as FRR reads it. A file with CRLF
# line ends, a comment inside an interface block, a block without "exit", a
# line without indentation and a stale duplicate of proxmesh's own line
# (" ip ospf cost 5" after the real cost) is pending for `plan`; `apply` rewrites it so that FRR, restarted
# from it, runs exactly the desired configuration, foreign lines kept. On
# FRR 8.4 (pve-1) and 10.3 (pve-2).
LAB_MODE=bare
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

pm() { local h=$1; shift; hexec "$h" proxmesh "$@"; }
if_cost() {  # if_cost HOST IF: the OSPF cost FRR runs on IF
	hexec "$1" vtysh -c "show ip ospf interface $2 json" | python3 -c '
import json, sys
j = json.load(sys.stdin)
print(j.get("interfaces", j)[sys.argv[1]]["cost"])' "$2"
}
cost_is() { [[ $(if_cost "$1" nic3) == "$2" && $(if_cost "$1" nic4) == "$3" ]]; }
running() { hexec "$1" vtysh -c 'show running-config'; }
nic3_block() {  # nic3_block TEXT-COMMAND…: the lines of "interface nic3" in its output
	"$@" | tr -d '\r' | sed -n '/^interface nic3$/,/^exit$/p'
}
# The file FRR reads, made the way an operator's editor and history leave it.
spoil() {
	hexec "$1" python3 -c '
p = "/etc/frr/frr.conf"
out, block, first = [], None, True
for l in open(p).read().split("\n"):
    if first and l.startswith("interface "):
        # a static route, and a block without "exit" closed by the next one
        out += ["ip route 10.99.0.0/24 Null0", "interface nic0", " description management"]
        first = False
    if block == "interface nic4" and l == "exit":
        out.append("ip ospf cost 77")  # not indented: FRR reads it in the block
    out.append(l)
    if l.startswith("interface ") or l == "exit":
        block = l
    if l == "interface nic3":
        out.append(" description to the other PVE")
    elif block == "interface nic3" and l.startswith(" ip ospf cost "):
        out += ["! the cost before the maintenance", " ip ospf cost 5"]
open(p, "w").write("\r\n".join(out))'
}

"$LAB_DIR/install" >&2
for h in "${HOSTS[@]}"; do
	check "$h: proxmesh apply (exit 0)" pm "$h" apply
done
check_within 60 "all adjacencies Full on FRR 8.4 and 10.3" "$LAB_DIR/wait-converged" -t 1

for h in "${PVE_HOSTS[@]}"; do
	v=$(hexec "$h" vtysh -c 'show version' | sed -n 's/^FRRouting \([0-9.]*\).*/\1/p')
	spoil "$h"
	check "$h (FRR $v): the file has CRLF lines and the stale costs" \
		eval "hexec $h grep -q \$'^ ip ospf cost 5\\r\$' /etc/frr/frr.conf &&
		      hexec $h grep -q \$'^ip ospf cost 77\\r\$' /etc/frr/frr.conf &&
		      hexec $h grep -q \$'^! the cost before the maintenance\\r\$' /etc/frr/frr.conf"
	check "$h (FRR $v): plan says frr.conf is pending (exit 2)" \
		eval "said=\$(hexec $h proxmesh plan); rc=\$?;
		      [[ \$rc == 2 && \$said == *'# save the mesh in /etc/frr/frr.conf'* ]]"
	# What FRR itself makes of that file: the stale line is inside the
	# interface block, CRLF and the block without exit are read.
	hexec "$h" systemctl restart frr
	check_within 60 "$h (FRR $v): FRR started from the spoiled file runs the stale costs 5 and 77" \
		cost_is "$h" 5 77
	check "$h (FRR $v): FRR read the CRLF file whole (static route, both descriptions)" \
		eval "r=\$(running $h); [[ \$r == *$'\\nip route 10.99.0.0/24 Null0\\n'* &&
		      \$r == *$'interface nic0\\n description management\\n'* &&
		      \$r == *$'interface nic3\\n description to the other PVE\\n'* ]]"

	check "$h (FRR $v): apply (exit 0)" pm "$h" apply
	check "$h (FRR $v): frr.conf's nic3 block holds one cost, the configured 200" \
		eval "[[ \$(nic3_block hexec $h cat /etc/frr/frr.conf | grep '^ ip ospf cost') == ' ip ospf cost 200' ]]"
	check "$h (FRR $v): the operator's comment, description and CRLF kept in frr.conf" \
		eval "hexec $h grep -q \$'^! the cost before the maintenance\\r\$' /etc/frr/frr.conf &&
		      hexec $h grep -q \$'^ description to the other PVE\\r\$' /etc/frr/frr.conf &&
		      hexec $h grep -q \$'^ip route 10.99.0.0/24 Null0\\r\$' /etc/frr/frr.conf"
	check "$h (FRR $v): no stale cost left in frr.conf" \
		eval "! hexec $h grep -Eq '^ ?ip ospf cost (5|77)' /etc/frr/frr.conf"
	check "$h (FRR $v): plan exits 0 after apply" pm "$h" plan

	hexec "$h" systemctl restart frr
	check_within 60 "$h (FRR $v): restarted from the patched file, nic3/nic4 run costs 200/10" \
		cost_is "$h" 200 10
	check "$h (FRR $v): running nic3 has one cost line, 200" \
		eval "[[ \$(nic3_block running $h | grep '^ ip ospf cost') == ' ip ospf cost 200' ]]"
	check "$h (FRR $v): foreign lines survived (static route, descriptions)" \
		eval "r=\$(running $h); [[ \$r == *$'\\nip route 10.99.0.0/24 Null0\\n'* &&
		      \$r == *$'interface nic0\\n description management\\n'* &&
		      \$r == *$'interface nic3\\n description to the other PVE\\n'* ]]"
	# plan compares FRR's running configuration with the desired one and
	# the file with its patch: 0 means both are exactly the desired.
	check "$h (FRR $v): plan exits 0 after the restart (running owned config is the desired)" \
		pm "$h" plan
done
check_within 60 "mesh converged at the end" "$LAB_DIR/wait-converged" -t 1
