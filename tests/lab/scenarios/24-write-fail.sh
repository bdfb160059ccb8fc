#!/bin/bash
# 24-write-fail.sh — issue 14: a file proxmesh cannot write fails the pass
# (apply exits 1 naming it) until it can; a host without interfaces.d gets a
# notice, not a failure; a symbolic link at frr.conf is refused, not
# followed; the addresses file is not rewritten by a pass that changes
# nothing; no temp file is left where `source …/interfaces.d/*` reads.
LAB_MODE=bare
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

h=pve-1
ifd=/etc/network/interfaces.d
addresses=/var/lib/proxmesh/addresses
# apply_out: apply's stdout and stderr, then "exit N"
apply_out() { hexec "$h" proxmesh apply 2>&1; echo "exit $?"; }
# got_has STR… / got_lacks STR…: what apply printed has (lacks) each STR;
# prints it otherwise
got_has() { local s; for s; do [[ $got == *"$s"* ]] || { echo "$got"; return 1; }; done; }
got_lacks() { local s; for s; do [[ $got != *"$s"* ]] || { echo "$got"; return 1; }; done; }
plan_code() { hexec "$h" proxmesh plan >/dev/null 2>&1; echo $?; }

"$LAB_DIR/install" "$h" >&2
check "$h: first apply (exit 0)" hexec "$h" proxmesh apply
check "$h: $ifd holds only proxmesh (no temp file left)" \
	eval "[[ \$(hexec $h ls -A $ifd) == proxmesh ]]"
before=$(hexec "$h" stat -c '%i %Y.%y' "$addresses")
check "$h: second apply (exit 0)" hexec "$h" proxmesh apply
check "$h: the addresses file not rewritten by a pass that changed nothing" \
	eval "[[ \$(hexec $h stat -c '%i %Y.%y' $addresses) == '$before' ]]"

# interfaces.d read-only (a full or read-only /etc): the pass fails.
hexec "$h" rm -f "$ifd/proxmesh"
hexec "$h" mount --bind "$ifd" "$ifd"
hexec "$h" mount -o remount,bind,ro "$ifd"
check "$h: plan with $ifd/proxmesh missing: pending (exit 2)" eval "[[ \$(plan_code) == 2 ]]"
got=$(apply_out)
check "$h: apply with $ifd read-only exits 1" got_has "exit 1"
check "$h: ... naming the file" \
	got_has "proxmesh: cannot write $ifd/proxmesh: Read-only file system"
check "$h: ... and not saying converged or cannot-write as a mere warning" \
	got_lacks "converged" "# warning: cannot write"
hexec "$h" umount "$ifd"
check "$h: writable again: apply exits 0" hexec "$h" proxmesh apply
check "$h: $ifd/proxmesh written" hexec "$h" grep -q '^auto nic3' "$ifd/proxmesh"
check "$h: plan exits 0" eval "[[ \$(plan_code) == 0 ]]"

# No interfaces.d at all (no ifupdown2): a notice; the pass converges.
hexec "$h" mv "$ifd" "$ifd.off"
got=$(apply_out)
check "$h: without $ifd apply exits 0 with a notice" \
	got_has "exit 0" "# note: $ifd: no such folder"
check "$h: without $ifd plan exits 0" eval "[[ \$(plan_code) == 0 ]]"
hexec "$h" mv "$ifd.off" "$ifd"

# frr.conf a symbolic link (planted by whoever can write /etc/frr): refused.
hexec "$h" mv /etc/frr/frr.conf /etc/frr/frr.conf.real
hexec "$h" ln -s frr.conf.real /etc/frr/frr.conf
sum=$(hexec "$h" md5sum /etc/frr/frr.conf.real)
got=$(apply_out)
check "$h: frr.conf a symbolic link: apply exits 1 naming it" \
	got_has "exit 1" "/etc/frr/frr.conf: a symbolic link"
check "$h: ... the file it points to untouched, the link still a link" \
	eval "[[ \$(hexec $h md5sum /etc/frr/frr.conf.real) == '$sum' ]] && hexec $h test -L /etc/frr/frr.conf"
hexec "$h" rm /etc/frr/frr.conf
hexec "$h" mv /etc/frr/frr.conf.real /etc/frr/frr.conf
check "$h: frr.conf back: apply exits 0" hexec "$h" proxmesh apply

# Proxmox SDN: frr.conf.local is checked on every pass like frr.conf; only
# a missing one counts as empty.
local=/etc/frr/frr.conf.local
hexec "$h" sh -c 'mkdir -p /etc/pve/sdn && touch /etc/pve/sdn/.running-config'
check "$h (SDN): apply writes frr.conf.local" \
	eval "hexec $h proxmesh apply >/dev/null && hexec $h grep -q '^ ip ospf cost' $local"
check "$h (SDN): plan exits 0" eval "[[ \$(plan_code) == 0 ]]"
hexec "$h" sed -i 's/^ ip ospf cost .*/ ip ospf cost 1/' "$local"
check "$h (SDN): proxmesh's lines edited in frr.conf.local: plan exits 2" \
	eval "[[ \$(plan_code) == 2 ]]"
got=$(apply_out)
check "$h (SDN): apply puts them back (FRR itself unchanged)" \
	got_has "exit 0" "# saved the mesh in $local"
check "$h (SDN): ... no stale cost left, plan exits 0" \
	eval "! hexec $h grep -qx ' ip ospf cost 1' $local && [[ \$(plan_code) == 0 ]]"
hexec "$h" sed -i 's/^ ip ospf cost .*/ ip ospf cost 1/' "$local"
hexec "$h" truncate -s 5M "$local"
got=$(apply_out)
check "$h (SDN): frr.conf.local that cannot be read: apply exits 1 naming it" \
	got_has "exit 1" "cannot read $local: File too large; nothing written"
check "$h (SDN): ... and the file is left as it was" \
	eval "[[ \$(hexec $h stat -c %s $local) == $((5 << 20)) ]]"
hexec "$h" rm -r /etc/pve/sdn "$local"
check "$h: without SDN again: apply exits 0" hexec "$h" proxmesh apply
