#!/bin/bash
# 57-no-frr-reload.sh — issue 15 scenario 10 "FRR without frr-reload.py":
# on a bare lab (ospfd=no, bfdd=no in /etc/frr/daemons) with frr-reload.py
# gone from every host (frr-pythontools removed where it is a package of its
# own, the script moved away where it ships in frr), the agent's first pass
# enables ospfd and bfdd and, having no reload, restarts FRR: the journal
# names the fallback, and the mesh comes back (adjacencies Full, BFD up,
# loopbacks reachable) on FRR 8.4 (pve-1), 10.3 (pve-2) and 10.7 (pbs).
LAB_MODE=bare
LAB_FRESH=1  # FRR as installed: ospfd and bfdd not enabled yet
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

declare -A FRRV=([pve-1]=8.4 [pve-2]=10.3 [pbs]=10.7)
# the loopbacks of proxmesh.conf (pve-2 has none)
declare -A LOOPBACK=([pve-1]=192.168.102.1 [pbs]=$PBS_SERVICE)
SCRIPT=/usr/lib/frr/frr-reload.py
FAILED_MID=f9b706d937554fe98356abc72f1cefdd  # PM_MID_RECONCILE_FAILED
FRR_MID=c2b5bccea3034b6983cf20e65d42d75a     # PM_MID_FRR_RESTARTED (catalog)

frr_pid() { hexec "$1" systemctl show -p MainPID --value frr; }
healthy() { hexec "$1" proxmesh status >/dev/null; }
bfd_up() {  # bfd_up HOST: every link's BFD peer up
	hexec "$1" vtysh -c 'show bfd peers json' | python3 -c '
import json, sys
p = json.load(sys.stdin)
sys.exit(not (len(p) == 2 and all(x.get("status") == "up" for x in p)))'
}

declare -A PID0
for h in "${HOSTS[@]}"; do
	if hexec "$h" dpkg -s frr-pythontools >/dev/null 2>&1; then
		check "$h: dpkg -r frr-pythontools" eval "hexec $h dpkg -r frr-pythontools >/dev/null 2>&1"
	fi
	# where the script ships in frr itself (or was left behind): moved away
	if hexec "$h" test -e "$SCRIPT"; then hexec "$h" mv "$SCRIPT" "$SCRIPT.away"; fi
	check "$h: no $SCRIPT" eval "! hexec $h test -e $SCRIPT"
	check "$h: ospfd and bfdd not enabled (bare FRR)" \
		eval "! hexec $h grep -Eq '^(ospfd|bfdd)=yes' /etc/frr/daemons"
	PID0[$h]=$(frr_pid "$h")
	check "$h: FRR running before the agent (zebra answers)" hexec "$h" vtysh -c 'show version'
done

"$LAB_DIR/install" >&2
t=$(us_now)
for h in "${HOSTS[@]}"; do
	check "$h: systemctl enable --now proxmesh" hexec "$h" systemctl enable --now proxmesh
done
for h in "${HOSTS[@]}"; do
	check "$h: the agent enabled ospfd and bfdd" \
		eval "hexec $h grep -q '^ospfd=yes' /etc/frr/daemons && hexec $h grep -q '^bfdd=yes' /etc/frr/daemons"
	check_within 20 "$h: the journal names the fallback: restart for want of $SCRIPT (FRR ${FRRV[$h]})" \
		count_is 1 "$h" "$t" "$FRR_MID" 5 "FRR restarted: no $SCRIPT"
	check "$h: FRR was restarted (frr.service main PID ${PID0[$h]} -> $(frr_pid "$h"))" \
		eval "p=\$(frr_pid $h); [[ \$p != 0 && \$p != ${PID0[$h]} ]]"
done
check_within 90 "mesh back: every adjacency Full" "$LAB_DIR/wait-converged" -t 1
for h in "${HOSTS[@]}"; do
	check_within 30 "$h: bfdd runs and both BFD peers are up (FRR ${FRRV[$h]})" bfd_up "$h"
	for o in "${HOSTS[@]}"; do
		[[ $o == "$h" || -z ${LOOPBACK[$o]:-} ]] && continue
		check_within 30 "$h: $o's loopback ${LOOPBACK[$o]} reachable" hping "$h" "${LOOPBACK[$o]}"
	done
	check_within 30 "$h: the agent reports healthy" healthy "$h"
	check "$h: FRR restarted once, not on every pass (one fallback entry)" \
		count_is 1 "$h" "$t" "$FRR_MID" 5 "FRR restarted"
	diag "$h: reconcile failures meanwhile: $(entries "$h" "$t" "$FAILED_MID" | grep -c . || true)"
done
# put the script back where it was moved (the disk is the host's own)
for h in "${HOSTS[@]}"; do
	hexec "$h" sh -c "[ ! -e $SCRIPT.away ] || mv $SCRIPT.away $SCRIPT"
done
