#!/bin/bash
# 25-secrets.sh — issue 14: the OSPF key and the API token appear nowhere:
# not in `plan`/`apply` output, the journal (every field of every entry),
# status.json or an error, through a first key, a key change, and a key
# command that ospfd refuses (FRR echoes a refused command back); a key file
# that is not root's is one clear error naming it.
LAB_MODE=bare
. "$(dirname "$0")/../lib.sh"
scenario_mode "$LAB_MODE"

conf=/etc/proxmesh/proxmesh.conf
keyfile=/etc/proxmesh/ospf.key
KEY1=Sk1AlphaQz7w
KEY2=Sk2BravoXv9p
KEY3=Sk3CharlieJ4m
out=$STATE/secrets
rm -rf "$out"
mkdir -p "$out"

set_key() {  # set_key KEY HOST…: the key file of each HOST, root's and 0600
	local k=$1 h
	shift
	for h in "$@"; do
		printf '%s\n' "$k" | hexec "$h" sh -c "umask 077; cat >$keyfile.new; mv $keyfile.new $keyfile"
	done
}
frr_has_key() { hexec "$1" vtysh -c 'show running-config' | grep -q "message-digest-key 1 md5 $2\$"; }
state_is() { hexec "$1" cat /run/proxmesh/status.json 2>/dev/null | grep -q "\"state\": *\"$2\""; }

# A stand-in for ospfd's socket that passes everything to the real one,
# except a key command: that it refuses as FRR refuses a command it does
# not know, echoing it back. The other daemons' sockets are the real ones.
refuse_key() {  # refuse_key HOST: start it in HOST, in /run/refuse-key
	hexec "$1" sh -c 'mkdir -p /run/refuse-key && cd /run/refuse-key &&
		for d in zebra bfdd ospf6d; do ln -sf /var/run/frr/$d.vty .; done'
	hexec "$1" sh -c 'cat >/run/refuse-key/proxy.py' <<'PY'
import os, socket, threading
path = "/run/refuse-key/ospfd.vty"
open("/run/refuse-key/pid", "w").write(str(os.getpid()))
try: os.unlink(path)
except FileNotFoundError: pass
srv = socket.socket(socket.AF_UNIX); srv.bind(path); srv.listen(8)
def reply(real):
    buf = b""
    while not (len(buf) >= 4 and buf[-4:-1] == b"\0\0\0"):
        c = real.recv(65536)
        if not c: raise EOFError
        buf += c
    return buf
def serve(cli):
    real = socket.socket(socket.AF_UNIX); real.connect("/var/run/frr/ospfd.vty")
    buf = b""
    try:
        while True:
            c = cli.recv(65536)
            if not c: break
            buf += c
            while b"\0" in buf:
                cmd, buf = buf.split(b"\0", 1)
                if b"message-digest-key" in cmd and b" md5 " in cmd:
                    cli.sendall(b"% Unknown command: " + cmd + b"\n\0\0\0\2")
                else:
                    real.sendall(cmd + b"\0"); cli.sendall(reply(real))
    except (EOFError, OSError): pass
    cli.close(); real.close()
while True:
    c, _ = srv.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
	hexec "$1" sh -c 'python3 /run/refuse-key/proxy.py </dev/null >/dev/null 2>&1 &'
	wait_for 5 hexec "$1" test -S /run/refuse-key/ospfd.vty
}
refuse_key_stop() {
	hexec "$1" sh -c 'kill "$(cat /run/refuse-key/pid)"; rm -rf /run/refuse-key'
}

"$LAB_DIR/install" >&2
for h in "${HOSTS[@]}"; do
	hexec "$h" sed -i 's|^# auth-key-file = |auth-key-file = |' "$conf"
done
set_key "$KEY1" "${HOSTS[@]}"
token=$(hexec pve-1 cat /etc/proxmesh/api-token)
token_secret=${token##*=}

# A first key.
for h in "${HOSTS[@]}"; do
	check "$h: plan with a key (exit 2)" \
		eval "hexec $h proxmesh plan >$out/plan1-$h 2>&1; [[ \$? == 2 ]]"
	check "$h: apply with a key (exit 0)" eval "hexec $h proxmesh apply >$out/apply1-$h 2>&1"
	check "$h: apply shows the key command with the key as <secret>" \
		grep -q 'message-digest-key 1 md5 <secret>$' "$out/apply1-$h"
done
check_within 60 "all adjacencies Full with the key" "$LAB_DIR/wait-converged" -t 1
for h in "${HOSTS[@]}"; do
	check "$h: FRR runs with the first key" frr_has_key "$h" "$KEY1"
done

# A key change, made by the agent: the journal and status.json.
for h in "${HOSTS[@]}"; do hexec "$h" systemctl enable --now proxmesh >&2; done
set_key "$KEY2" "${HOSTS[@]}"
for h in "${HOSTS[@]}"; do hexec "$h" systemctl reload proxmesh; done
for h in "${HOSTS[@]}"; do
	check_within 60 "$h: the agent changed the key" frr_has_key "$h" "$KEY2"
done
check_within 60 "all adjacencies Full with the new key" "$LAB_DIR/wait-converged" -t 1

# A key command ospfd refuses, echoing it: by `apply`, then by the agent.
hexec pve-1 systemctl stop proxmesh
set_key "$KEY3" pve-1
refuse_key pve-1
check "pve-1: apply with the key command refused exits 1" \
	eval "! hexec pve-1 env PROXMESH_FRR_VTY_DIR=/run/refuse-key proxmesh apply >$out/apply3-pve-1 2>&1"
check "pve-1: apply reports the refusal, key as <secret>" \
	eval "grep -q 'refused \"ip ospf message-digest-key 1 md5 <secret>\": % Unknown command: ip ospf message-digest-key 1 md5 <secret>' $out/apply3-pve-1"
diag "$(grep -i 'refused\|did not take' "$out/apply3-pve-1" | head -n 3)"
check "pve-1: both links' key commands were sent and reported, not only the first" \
	eval "[[ \$(grep -o 'ospfd refused' $out/apply3-pve-1 | wc -l) -ge 2 ]]"
hexec pve-1 systemctl set-environment PROXMESH_FRR_VTY_DIR=/run/refuse-key
hexec pve-1 systemctl start proxmesh
check_within 60 "pve-1: the agent's pass fails on the refused key command" state_is pve-1 failed
check "pve-1: status.json names the refusal, key as <secret>" \
	eval "hexec pve-1 cat /run/proxmesh/status.json | grep -q 'md5 <secret>'"
hexec pve-1 systemctl stop proxmesh
hexec pve-1 systemctl unset-environment PROXMESH_FRR_VTY_DIR
refuse_key_stop pve-1

# A key file that is not root's.
hexec pve-1 chown nobody "$keyfile"
check "pve-1: a key file owned by nobody is an error naming it" \
	eval "! hexec pve-1 proxmesh check >$out/check-owner 2>&1 && grep -q '$keyfile is owned by uid' $out/check-owner"
hexec pve-1 chown root "$keyfile"
set_key "$KEY2" pve-1
hexec pve-1 systemctl start proxmesh
check_within 60 "pve-1: back to the shared key, converged" state_is pve-1 converged
check_within 60 "all adjacencies Full again" "$LAB_DIR/wait-converged" -t 1

# Everything any of that printed, logged or stored.
for h in "${HOSTS[@]}"; do
	hexec "$h" journalctl -o json --no-pager >"$out/journal-$h" 2>&1 || true
	hexec "$h" cat /run/proxmesh/status.json >"$out/status-$h" 2>&1 || true
	hexec "$h" proxmesh plan >"$out/plan-end-$h" 2>&1 || true
	check "$h: the journal has entries from proxmesh" grep -q '"SYSLOG_IDENTIFIER":"proxmesh"' "$out/journal-$h"
done
for s in "$KEY1" "$KEY2" "$KEY3" "$token_secret"; do
	what=$([[ $s == "$token_secret" ]] && echo "the API token" || echo "key $s")
	check "$what: in no journal, status.json, plan, apply or check output" \
		eval "! grep -rlF -- '$s' $out"
done
