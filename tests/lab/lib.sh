# shellcheck shell=bash
# Common code of the proxmesh lab. Source it; it sets `set -euo pipefail`.
#
# Topology (DESIGN §1): three hosts, each a network namespace plus its own
# mount/pid/uts/cgroup namespaces running systemd as PID 1 on an overlayfs
# root. Cables are veth pairs joined by a bridge in a "wire" namespace that no
# host can see, so a carrier cut made there cannot be undone by an agent.

set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034 # used by the scripts
SRC_DIR=$(cd "$LAB_DIR/../.." && pwd)
PREFIX=${PMLAB_PREFIX:-pmlab-}
if [[ $PREFIX == pmlab- ]]; then
	STATE=${PMLAB_STATE:-/run/proxmesh-lab}
else
	STATE=${PMLAB_STATE:-/run/proxmesh-lab.${PREFIX%-}}
fi
CACHE=${PMLAB_CACHE:-/var/cache/proxmesh-lab}
MIRROR=${PMLAB_MIRROR:-http://deb.debian.org/debian}

HOSTS=(pve-1 pve-2 pbs)
PVE_HOSTS=(pve-1 pve-2)
# A fourth host that `up --add pve-3` boots into a running lab and `down
# pve-3` removes (issue 15 scenario 7: a host added to a running mesh): a PVE
# node (id 4) cabled to pve-1 nic5 (on its nic3) and pve-2 nic5 (on its
# nic4), with the addresses of DESIGN §4 for ids 1-4 and 2-4. The hosts
# added are listed in $STATE/extra-hosts ("HOST SUITE" lines); lab_hosts
# adds them to HOSTS, PVE_HOSTS, SUITE and CABLES.
declare -A EXTRA_CABLES=(
	[pve-3]="pve-1 nic5 192.168.103.13/30 pve-3 nic3 192.168.103.14/30
pve-2 nic5 192.168.103.17/30 pve-3 nic4 192.168.103.18/30"
)
# One host per FRR version proxmesh claims: 8.4 (Debian 12), 10.3 (Debian 13),
# 10.7 (Debian unstable). PMLAB_SUITE="bookworm" (or trixie, sid) gives every
# host the same one; PMLAB_SUITES="HOST=SUITE ..." boots single hosts on
# another Debian (so another FRR), as record-fixtures does to record every
# host on every FRR.
declare -A SUITE=([pve-1]=bookworm [pve-2]=trixie [pbs]=sid)
if [[ -n ${PMLAB_SUITE:-} ]]; then
	SUITE=([pve-1]=$PMLAB_SUITE [pve-2]=$PMLAB_SUITE [pbs]=$PMLAB_SUITE)
fi
for _hs in ${PMLAB_SUITES:-}; do SUITE[${_hs%%=*}]=${_hs#*=}; done
# The FRR version each suite carries (checked by 10-handmade).
declare -A FRR_OF_SUITE=([bookworm]=8.4 [trixie]=10.3 [sid]=10.7)
declare -A HOSTNUM=([pve-1]=1 [pve-2]=2 [pbs]=3 [pve-3]=4)
declare -A MGMT=([pve-1]=192.168.100.1 [pve-2]=192.168.100.2 [pbs]=192.168.100.3
	[pve-3]=192.168.100.4)
MGMT_NET=192.168.100
# One line per cable: HOST-A IF-A ADDR-A HOST-B IF-B ADDR-B (DESIGN §1).
CABLES=(
	"pve-1 nic3 192.168.103.1/30 pve-2 nic3 192.168.103.2/30"
	"pve-1 nic4 192.168.103.5/30 pbs nic3 192.168.103.6/30"
	"pve-2 nic4 192.168.103.9/30 pbs nic4 192.168.103.10/30"
)
PBS_SERVICE=192.168.103.254
BASE_HOSTS=("${HOSTS[@]}") BASE_PVE_HOSTS=("${PVE_HOSTS[@]}") BASE_CABLES=("${CABLES[@]}")
lab_hosts() {  # the hosts above and those `up --add` booted
	local h suite c
	HOSTS=("${BASE_HOSTS[@]}") PVE_HOSTS=("${BASE_PVE_HOSTS[@]}") CABLES=("${BASE_CABLES[@]}")
	[[ -r $STATE/extra-hosts ]] || return 0
	while read -r h suite; do
		is_host "$h" && continue
		HOSTS+=("$h")
		is_pve "$h" && PVE_HOSTS+=("$h")
		SUITE[$h]=$suite
		while IFS= read -r c; do CABLES+=("$c"); done <<<"${EXTRA_CABLES[$h]}"
	done <"$STATE/extra-hosts"
}

# Root filesystem recipe; changing it changes the cache key.
ROOTFS_RECIPE=4
PKGS_COMMON=(systemd systemd-sysv dbus frr frr-pythontools ifupdown2 bridge-utils
	iproute2 nftables iputils-ping procps python3 openssl ca-certificates less
	curl tcpdump man-db)
declare -A PKGS_SUITE=(
	[bookworm]="libcurl4 libjansson4 libinih1 libnl-route-3-200 libsystemd0"
	[trixie]="libcurl4t64 libjansson4 libinih1 libnl-route-3-200 libsystemd0"
	[sid]="libcurl4t64 libjansson4 libinih1 libnl-route-3-200 libsystemd0"
)
# Units masked on every host (at boot, not in the cached root filesystem):
# they fail in a namespace, would touch the real machine's kernel settings or
# devices, or only add noise and time (timers, getty, module loading).
MASKED_UNITS=(systemd-modules-load.service systemd-udevd.service
	systemd-udevd-control.socket systemd-udevd-kernel.socket
	systemd-udev-trigger.service systemd-udev-settle.service
	systemd-networkd.service systemd-networkd.socket
	systemd-networkd-wait-online.service systemd-resolved.service
	systemd-timesyncd.service getty.target getty@tty1.service
	console-getty.service serial-getty@.service systemd-firstboot.service
	systemd-remount-fs.service systemd-binfmt.service
	proc-sys-fs-binfmt_misc.automount proc-sys-fs-binfmt_misc.mount
	sys-kernel-debug.mount sys-kernel-tracing.mount sys-kernel-config.mount
	sys-fs-fuse-connections.mount dev-hugepages.mount
	systemd-journald-audit.socket systemd-hwdb-update.service
	systemd-random-seed.service systemd-pstore.service
	modprobe@.service apt-daily.timer apt-daily-upgrade.timer
	dpkg-db-backup.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer
	man-db.timer logrotate.timer systemd-tmpfiles-clean.timer)

log() { printf '%s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
need_root() { [[ $EUID -eq 0 ]] || die "must run as root"; }
ns() { printf '%s%s' "$PREFIX" "$1"; }  # namespace name of a host / mgmt / wire
is_host() { local h; for h in "${HOSTS[@]}"; do [[ $h == "$1" ]] && return 0; done; return 1; }
check_host() { is_host "$1" || die "unknown host \"$1\" (one of: ${HOSTS[*]})"; }
is_pve() { [[ $1 == pve-* ]]; }
lab_hosts
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Cache key and paths of a suite's root filesystem.
rootfs_pkgs() {
	local extra
	read -ra extra <<<"${PKGS_SUITE[$1]}"
	printf '%s\n' "${PKGS_COMMON[@]}" "${extra[@]}" | sort -u | paste -sd,
}
rootfs_key() {
	printf '%s\n' "$ROOTFS_RECIPE" "$1" "$MIRROR" "$(rootfs_pkgs "$1")" |
		sha256sum | cut -c1-12
}
rootfs_tar() { printf '%s/%s-%s.tar' "$CACHE" "$1" "$(rootfs_key "$1")"; }
rootfs_dir() { printf '%s/%s-%s.d' "$CACHE" "$1" "$(rootfs_key "$1")"; }

# The cgroup v2 hierarchy that holds one cgroup per host.
cgroot() {
	local m
	m=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
	if [[ -z $m ]]; then
		m=/run/proxmesh-lab-cgroup2
		mkdir -p "$m"
		mount -t cgroup2 cgroup2 "$m"
	fi
	printf '%s' "$m"
}
host_cg() { printf '%s/%s%s' "$(cgroot)" "$PREFIX" "$1"; }
cg_kill() {  # kill every process of a cgroup tree and remove it
	local cg=$1 i
	[[ -d $cg ]] || return 0
	if [[ -e $cg/cgroup.kill ]]; then
		echo 1 >"$cg/cgroup.kill" 2>/dev/null || true
	else
		xargs -r kill -KILL <"$cg/cgroup.procs" 2>/dev/null || true
	fi
	for i in $(seq 50); do
		find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
		[[ -d $cg ]] || return 0
		sleep 0.1
	done
	log "warning: cannot remove cgroup $cg"
}

# The host-side PID of a host's systemd, if it runs.
host_pid() {
	local f=$STATE/hosts/$1/pid pid
	[[ -r $f ]] || return 1
	pid=$(<"$f")
	[[ -d /proc/$pid && $(cat "/proc/$pid/comm" 2>/dev/null) == systemd ]] || return 1
	printf '%s' "$pid"
}
host_running() { host_pid "$1" >/dev/null; }

# Run a command inside a host (all its namespaces, its root, a clean env).
hexec() {
	local h=$1 pid
	shift
	pid=$(host_pid "$h") || die "host $h is not running"
	nsenter -t "$pid" -m -u -p -n -C -r -w \
		env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		TERM="${TERM:-dumb}" HOME=/root LANG=C.UTF-8 "$@"
}
# Path of a file inside a running host, seen from outside.
hroot() { printf '/proc/%s/root' "$(host_pid "$1")"; }

# Wait until CMD succeeds, at most TIMEOUT seconds. wait_for TIMEOUT CMD...
wait_for() {
	local t=$1 end
	shift
	end=$(($(date +%s) + t))
	until "$@"; do
		(($(date +%s) < end)) || return 1
		sleep 0.2
	done
}

# Cable lookup: prints "HOST IF" of the other end of HOST IF.
cable_peer() {
	local c a ai aa b bi ba
	for c in "${CABLES[@]}"; do
		read -r a ai aa b bi ba <<<"$c"
		[[ $a == "$1" && $ai == "$2" ]] && { echo "$b $bi"; return 0; }
		[[ $b == "$1" && $bi == "$2" ]] && { echo "$a $ai"; return 0; }
	done
	return 1
}
# Cable number (1-based) of HOST IF, and the wire-namespace names.
cable_index() {
	local i=0 c a ai aa b bi ba
	for c in "${CABLES[@]}"; do
		i=$((i + 1))
		read -r a ai aa b bi ba <<<"$c"
		if [[ $a == "$1" && $ai == "$2" ]] || [[ $b == "$1" && $bi == "$2" ]]; then
			echo "$i"
			return 0
		fi
	done
	return 1
}
wire_port() { printf '%s-%s' "$1" "$2"; }  # wire-side end of HOST IF
# Interfaces of a host that are cable ends, with their mesh addresses.
host_links() {  # prints "IF ADDR PEER PEER-IF" lines
	local c a ai aa b bi ba
	for c in "${CABLES[@]}"; do
		read -r a ai aa b bi ba <<<"$c"
		if [[ $a == "$1" ]]; then echo "$ai $aa $b $bi"; fi
		if [[ $b == "$1" ]]; then echo "$bi $ba $a $ai"; fi
	done
}
link_cost() {  # hand-made costs: PVE↔PVE 200, everything to/from the PBS 10
	[[ $1 == pve-* && $2 == pve-* ]] && echo 200 || echo 10
}

# Cables run through a bridge in the wire namespace; to behave like a direct
# cable, the wire-side port of each end follows the admin state of the other
# end (carrierd calls this on every link event), unless the cable is pulled.
admin_up() { ip -n "$(ns "$1")" -o link show "$2" 2>/dev/null | grep -q '<[^>]*\bUP\b'; }
cables_lock() { exec 8>"$STATE/cables.lock"; flock 8; }  # against carrierd
cables_unlock() { exec 8>&-; }
sync_cables() {
	local i=0 c a ai aa b bi ba want w
	w=$(ns wire)
	cables_lock
	for c in "${CABLES[@]}"; do
		i=$((i + 1))
		read -r a ai aa b bi ba <<<"$c"
		[[ -e $STATE/faults/cable$i.carrier ]] && continue
		admin_up "$b" "$bi" && want=up || want=down
		ip -n "$w" link set "$(wire_port "$a" "$ai")" "$want" 2>/dev/null || true
		admin_up "$a" "$ai" && want=up || want=down
		ip -n "$w" link set "$(wire_port "$b" "$bi")" "$want" 2>/dev/null || true
	done
	cables_unlock
}
carrierd_start() {
	setsid ip netns exec "$(ns wire)" "$LAB_DIR/carrierd" </dev/null >>"$STATE/carrierd.log" 2>&1 &
	echo $! >"$STATE/carrierd.pid"
}
carrierd_stop() {
	local pid
	pid=$(cat "$STATE/carrierd.pid" 2>/dev/null) || return 0
	[[ $(cat "/proc/$pid/comm" 2>/dev/null) == carrierd ]] && kill "$pid"
	rm -f "$STATE/carrierd.pid"
}

lab_mode() { cat "$STATE/mode" 2>/dev/null || true; }

# ---------------------------------------------------------------------------
# Network: host namespaces, management LAN, cables.

mac() { printf '02:6c:%02x:%02x:00:%02x' "$1" "$2" "$3"; }  # HOSTNUM KIND IFNUM

net_create() {
	local h c i=0 w m
	m=$(ns mgmt) w=$(ns wire)
	for h in mgmt wire "${HOSTS[@]}"; do ip netns add "$(ns "$h")"; done
	ip -n "$m" link set lo up
	ip -n "$m" link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
	ip -n "$m" addr add "$MGMT_NET.254/24" dev br0
	ip -n "$m" link set br0 up
	ip -n "$w" link set lo up
	# a cable is not a node: its bridge and ports take no IPv6 address (else
	# they answer ff02::1 and neighbour discovery beside the far end)
	ip netns exec "$w" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1
	for h in "${HOSTS[@]}"; do mgmt_plug "$h"; done
	for c in "${CABLES[@]}"; do
		i=$((i + 1))
		cable_create "$i" "$c"
	done
	ip netns exec "$w" nft add table netdev pmlab
	for h in "${HOSTS[@]}"; do sysctl_record "$h"; done
}
mgmt_plug() {  # HOST's nic0, a port of the management LAN's bridge
	local h=$1 m
	m=$(ns mgmt)
	ip -n "$(ns "$h")" link add nic0 address "$(mac "${HOSTNUM[$h]}" 0 0)" type veth \
		peer name "$h" address "$(mac "${HOSTNUM[$h]}" 254 0)" netns "$m"
	ip -n "$m" link set "$h" master br0 up
}
# A cable: HOST-A IF-A <-veth-> port | bridge cableN | port <-veth-> IF-B HOST-B
cable_create() {  # cable_create N "HOST-A IF-A ADDR-A HOST-B IF-B ADDR-B"
	local i=$1 a ai aa b bi ba h w
	w=$(ns wire)
	read -r a ai aa b bi ba <<<"$2"
	ip -n "$w" link add "cable$i" type bridge stp_state 0 forward_delay 0 mcast_snooping 0
	ip -n "$w" link set "cable$i" up
	for h in "$a:$ai" "$b:$bi"; do
		ip -n "$(ns "${h%%:*}")" link add "${h#*:}" \
			address "$(mac "${HOSTNUM[${h%%:*}]}" 0 "${h#*:nic}")" type veth \
			peer name "$(wire_port "${h%%:*}" "${h#*:}")" \
			address "$(mac "${HOSTNUM[${h%%:*}]}" 255 "${h#*:nic}")" netns "$w"
		ip -n "$w" link set "$(wire_port "${h%%:*}" "${h#*:}")" mtu 9000 master "cable$i"
	done
}
# What a freshly booted kernel has: restored when a host is stopped.
sysctl_record() {
	mkdir -p "$STATE/hosts/$1"
	ip netns exec "$(ns "$1")" sysctl -a 2>/dev/null |
		grep -E '^net\.ipv[46]\.(conf\.|ip_forward |fib_multipath)' \
		>"$STATE/hosts/$1/sysctl.init" || true
}

# Put a stopped host's network namespace back into the state of a machine
# that just powered up: links down, no addresses or routes, no bridges, default
# kernel settings. Cables and the NIC to the management LAN stay.
net_reset() {
	local h=$1 n dev keep
	n=$(ns "$h")
	keep=" lo nic0 $(host_links "$h" | awk '{ printf "%s ", $1 }')"
	for dev in $(ip -n "$n" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
		if [[ $keep == *" $dev "* ]]; then
			ip -n "$n" link set "$dev" nomaster 2>/dev/null || true
			ip -n "$n" link set "$dev" down
			ip -n "$n" addr flush dev "$dev"
		else
			ip -n "$n" link del "$dev" 2>/dev/null || true
		fi
	done
	ip -n "$n" route flush table all 2>/dev/null || true
	ip -n "$n" -6 route flush table all 2>/dev/null || true
	ip netns exec "$n" nft flush ruleset 2>/dev/null || true
	ip netns exec "$n" sysctl -q -e -p "$STATE/hosts/$h/sysctl.init" >/dev/null 2>&1 || true
}

# ---------------------------------------------------------------------------
# PKI and mock API state.

pki_cert() {  # pki_cert CA NAME SUBJECT SAN → $STATE/pki/NAME.{key,pem}
	local d=$STATE/pki
	openssl req -new -newkey rsa:2048 -nodes -keyout "$d/$2.key" -out "$d/$2.csr" \
		-subj "$3" 2>/dev/null
	openssl x509 -req -in "$d/$2.csr" -CA "$d/$1.pem" -CAkey "$d/$1.key" \
		-CAcreateserial -days 700 -out "$d/$2.pem" -extfile <(printf '%s\n' \
		"subjectAltName=$4" basicConstraints=CA:FALSE extendedKeyUsage=serverAuth \
		keyUsage=digitalSignature,keyEncipherment) 2>/dev/null
	rm -f "$d/$2.csr"
}

pki_create() {
	local d=$STATE/pki ca h
	mkdir -p "$d"
	chmod 700 "$d"
	for ca in ca wrong-ca; do
		openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout "$d/$ca.key" \
			-out "$d/$ca.pem" -subj "/CN=Proxmox Virtual Environment/OU=$ca $(cat /proc/sys/kernel/random/uuid)/O=PVE Cluster Manager CA" \
			-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
	done
	for h in "${PVE_HOSTS[@]}"; do pki_host "$h"; done
	wait
}
pki_host() {  # a PVE host's certificates from both CAs, in the background
	local h=$1 san
	san="DNS:localhost,DNS:$h,DNS:$h.pmlab,IP:127.0.0.1,IP:::1,IP:${MGMT[$h]}"
	pki_cert ca "$h" "/OU=PVE Cluster Node/O=Proxmox Virtual Environment/CN=$h.pmlab" "$san" &
	pki_cert wrong-ca "$h-wrong" "/OU=PVE Cluster Node/O=Proxmox Virtual Environment/CN=$h.pmlab" "$san" &
}

api_dir() { printf '%s/api' "$STATE"; }
# Write a file of the API state atomically (the mock may read it any time).
api_write() { local f; f=$(api_dir)/$1; cat >"$f.tmp"; mv "$f.tmp" "$f"; }
# Edit cluster.json with a Python expression on `c`.
api_edit() {
	python3 - "$(api_dir)/cluster.json" "$1" <<-'PY'
		import json, os, sys
		path, code = sys.argv[1], sys.argv[2]
		with open(path) as f:
		    c = json.load(f)
		exec(code)
		c["version"] = c.get("version", 1) + 1
		with open(path + ".tmp", "w") as f:
		    json.dump(c, f, indent=1)
		os.rename(path + ".tmp", path)
	PY
}

api_node() {  # a PVE host's entry in cluster.json
	local fp
	fp=$(openssl x509 -noout -fingerprint -sha256 -in "$STATE/pki/$1.pem" | cut -d= -f2)
	printf '{"name": "%s", "nodeid": %s, "online": 1, "ip": "%s", "fingerprint": "%s"}' \
		"$1" "${HOSTNUM[$1]}" "${MGMT[$1]}" "$fp"
}
api_answers() {  # the mock API on HOST answers locally
	hexec "$1" curl -sf -o /dev/null --cacert /etc/pve/pve-root-ca.pem \
		-H "Authorization: PVEAPIToken=$(cat "$(api_dir)/token")" \
		https://localhost:8006/api2/json/version
}
api_create() {
	local d h nodes=()
	d=$(api_dir)
	mkdir -p "$d"
	chmod 700 "$d"
	printf 'root@pam!proxmesh=%s\n' "$(cat /proc/sys/kernel/random/uuid)" | api_write token
	for h in "${PVE_HOSTS[@]}"; do
		nodes+=("$(api_node "$h")")
		echo '{"fault": "none", "cert": "good"}' | api_write "$h.json"
	done
	printf '{"name": "pmlab", "version": 1, "quorate": 1, "standalone": 0, "nodes": [%s]}\n' \
		"$(IFS=,; echo "${nodes[*]}")" | api_write cluster.json
}

# ---------------------------------------------------------------------------
# Host disks (overlay upper dirs) and boot.

render_interfaces() {  # render_interfaces HOST MODE
	local h=$1 mode=$2 ifc addr peer pif
	printf 'auto lo\niface lo inet loopback\n\n'
	printf 'iface nic0 inet manual\n\n'
	for ifc in nic1 nic2; do printf 'iface %s inet manual\n\n' "$ifc"; done
	printf 'auto vmbr0\niface vmbr0 inet static\n\taddress %s/24\n\tgateway %s.254\n' \
		"${MGMT[$h]}" "$MGMT_NET"
	printf '\tbridge-ports nic0\n\tbridge-stp off\n\tbridge-fd 0\n\n'
	while read -r ifc addr peer pif; do
		if [[ $mode == handmade ]]; then
			printf 'auto %s\niface %s inet static\n\taddress %s\n# link to %s %s\n\n' \
				"$ifc" "$ifc" "$addr" "$peer" "$pif"
		else
			printf 'iface %s inet manual\n\n' "$ifc"
		fi
	done < <(host_links "$h")
	if [[ $mode == handmade && $h == pbs ]]; then
		printf 'auto lo:backup\niface lo:backup inet static\n\taddress %s/32\n\n' "$PBS_SERVICE"
	fi
	printf 'source /etc/network/interfaces.d/*\n'
}

render_frr_handmade() {  # the §1 hand-made frr.conf of HOST
	local h=$1 ifc addr peer pif
	printf 'frr defaults traditional\nhostname %s\nlog syslog informational\n' "$h"
	[[ $h == pbs ]] && printf 'no ip forwarding\n'
	printf 'service integrated-vtysh-config\n!\n'
	while read -r ifc addr peer pif; do
		printf 'interface %s\n ip ospf cost %s\n ip ospf dead-interval 3\n ip ospf hello-interval 1\n!\n' \
			"$ifc" "$(link_cost "$h" "$peer")"
	done < <(host_links "$h")
	printf 'router ospf\n ospf router-id 192.168.102.%s\n' "${HOSTNUM[$h]}"
	[[ $h == pbs ]] && printf ' redistribute connected\n'
	while read -r ifc addr peer pif; do
		local o=${addr%/*}  # the /30 network of the address
		printf ' network %s.%s/30 area 0.0.0.0\n' "${o%.*}" $((${o##*.} & 252))
	done < <(host_links "$h")
	printf '!\nline vty\n!\n'
}

# Write a file into a host's disk before it boots, with owner and mode.
put() {  # put UPPER PATH MODE OWNER < content
	local f=$1$2
	mkdir -p "$(dirname "$f")"
	cat >"$f"
	chmod "$3" "$f"
	chown "$4" "$f"
}

# Replace a file of the root filesystem, keeping its owner and mode.
replace() {  # replace LOWER UPPER PATH < content
	mkdir -p "$(dirname "$2$3")"
	cp -a "$1$3" "$2$3"
	cat >"$2$3"
}

prepare_host() {  # prepare_host HOST MODE: a fresh disk for HOST
	local h=$1 mode=$2 u lower www
	u=$STATE/hosts/$h/upper
	lower=$(rootfs_dir "${SUITE[$h]}")
	rm -rf "$u" "$STATE/hosts/$h/work"
	mkdir -p "$u" "$STATE/hosts/$h/work" "$STATE/hosts/$h/root"
	www=$(awk -F: '$1 == "www-data" { print $3 }' "$lower/etc/group")
	echo "$h" | put "$u" /etc/hostname 644 0:0
	od -An -N16 -tx1 /dev/urandom | tr -d ' \n' | put "$u" /etc/machine-id 444 0:0
	{
		printf '127.0.0.1 localhost.localdomain localhost\n'
		local x
		for x in "${HOSTS[@]}"; do printf '%s %s.pmlab %s\n' "${MGMT[$x]}" "$x" "$x"; done
		printf '\n::1 ip6-localhost ip6-loopback\nff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n'
	} | put "$u" /etc/hosts 644 0:0
	render_interfaces "$h" "$mode" | put "$u" /etc/network/interfaces 644 0:0
	mkdir -p "$u/etc/network/interfaces.d" "$u/etc/proxmesh" "$u/var/lib/pmlab-api" \
		"$u/etc/systemd/system"
	# Debian 13's iproute2 has no /etc/iproute2, and its ifupdown2 fails every
	# ifup/ifreload writing rt_tables.d/ifupdown2_vrf_map.conf there
	# (CumulusNetworks/ifupdown2#348); Proxmox VE's ifupdown2 does not.
	mkdir -p "$u/etc/iproute2/rt_tables.d"
	local unit
	for unit in "${MASKED_UNITS[@]}"; do ln -s /dev/null "$u/etc/systemd/system/$unit"; done
	put "$u" /etc/proxmesh/api-token 600 0:0 <"$(api_dir)/token"
	put "$u" /etc/proxmesh/pve-root-ca.pem 644 0:0 <"$STATE/pki/ca.pem"
	if is_pve "$h"; then
		put "$u" /etc/pve/pve-root-ca.pem 640 "0:$www" <"$STATE/pki/ca.pem"
		put "$u" /etc/pve/local/pve-ssl.pem 640 "0:$www" <"$STATE/pki/$h.pem"
		put "$u" /etc/pve/local/pve-ssl.key 640 "0:$www" <"$STATE/pki/$h.key"
		put "$u" /etc/pve/local/pmlab-wrong-ssl.pem 640 "0:$www" <"$STATE/pki/$h-wrong.pem"
		put "$u" /etc/pve/local/pmlab-wrong-ssl.key 640 "0:$www" <"$STATE/pki/$h-wrong.key"
		put "$u" /usr/local/lib/pmlab/mockpve.py 755 0:0 <"$LAB_DIR/mockpve.py"
		put "$u" /etc/systemd/system/pve-mockapi.service 644 0:0 <<-EOF2
			[Unit]
			Description=Mock Proxmox VE API (proxmesh lab)
			After=network.target

			[Service]
			ExecStart=/usr/bin/python3 /usr/local/lib/pmlab/mockpve.py
			SyslogIdentifier=pve-mockapi
			Restart=always
			RestartSec=1

			[Install]
			WantedBy=multi-user.target
		EOF2
		mkdir -p "$u/etc/systemd/system/multi-user.target.wants"
		ln -s /etc/systemd/system/pve-mockapi.service \
			"$u/etc/systemd/system/multi-user.target.wants/pve-mockapi.service"
	fi
	if [[ $mode == handmade ]]; then
		sed 's/^ospfd=no/ospfd=yes/' "$lower/etc/frr/daemons" | replace "$lower" "$u" /etc/frr/daemons
		render_frr_handmade "$h" | replace "$lower" "$u" /etc/frr/frr.conf
		if [[ $h == pbs ]]; then
			printf 'net.ipv4.ip_forward = 0\n'
		else
			printf 'net.ipv4.ip_forward = 1\n'
		fi | put "$u" /etc/sysctl.d/90-mesh.conf 644 0:0
	fi
}

boot_host() {  # start HOST's systemd on its disk; returns at once
	local h=$1 d cg lower
	d=$STATE/hosts/$h
	lower=$(rootfs_dir "${SUITE[$h]}")
	[[ -d $lower && -d $d/upper ]] || die "host $h has no disk (run tests/lab/up)"
	cg=$(host_cg "$h")
	cg_kill "$cg"
	mkdir -p "$cg"
	rm -f "$d/pid"
	# shellcheck disable=SC2016
	setsid bash -c 'echo $$ >"$1/cgroup.procs"; shift; exec "$@"' _ "$cg" \
		ip netns exec "$(ns "$h")" unshare -m -p -f -u -C --kill-child \
		"$LAB_DIR/boot-inner" "$h" "$lower" "$d/upper" "$d/work" "$d/root" \
		"$(api_dir)" "$d/pid" </dev/null >>"$d/console.log" 2>&1 &
}

# Wait until HOST's systemd finished booting; warn about failed units.
wait_booted() {
	local h=$1 t=${2:-90} state
	local f=$STATE/hosts/$h/pid end=$(($(date +%s) + t))
	until host_running "$h"; do
		if (($(date +%s) > end)) || { [[ -s $f ]] && [[ ! -d /proc/$(<"$f") ]]; }; then
			die "host $h: systemd did not start: $(tail -n 3 "$STATE/hosts/$h/console.log")"
		fi
		sleep 0.1
	done
	while :; do
		state=$(hexec "$h" systemctl is-system-running 2>/dev/null) || true
		[[ $state == running || $state == degraded ]] && break
		(($(date +%s) <= end)) || break
		sleep 0.2
	done
	case $state in
	running) ;;
	degraded) log "warning: host $h: failed units: $(hexec "$h" systemctl --failed --plain --no-legend | awk '{ printf "%s ", $1 }')" ;;
	*) die "host $h: boot did not finish (state \"$state\")" ;;
	esac
}

# Stop HOST like a power cut: its processes die, its disk and cables stay.
host_kill() {
	local h=$1 pid
	if pid=$(host_pid "$h"); then
		kill -KILL "$pid" 2>/dev/null || true
		wait_for 10 eval "[[ ! -d /proc/$pid ]]" || log "warning: host $h: PID $pid survives"
	fi
	cg_kill "$(host_cg "$h")"
	rm -f "$STATE/hosts/$h/pid"
}
# An extra host (EXTRA_CABLES) booted into the running lab, and removed.
# Its cables are numbered after the others; carrierd restarts to see them.
extra_cables() {  # prints "N CABLE" for the cables of extra host HOST
	local i=0 c
	for c in "${CABLES[@]}"; do
		i=$((i + 1))
		[[ $'\n'${EXTRA_CABLES[$1]}$'\n' == *$'\n'"$c"$'\n'* ]] && echo "$i $c"
	done
	return 0
}
host_add() {  # host_add HOST: boot HOST, cable it; returns once it runs
	local h=$1 mode i c
	mode=$(lab_mode)
	[[ $mode == bare || $mode == handmade ]] || die "the lab is not up"
	[[ -n ${EXTRA_CABLES[$h]:-} ]] || die "no extra host \"$h\" (one of: ${!EXTRA_CABLES[*]})"
	is_host "$h" && die "host $h is already up"
	echo "$h ${SUITE[$h]:-${SUITE[pve-1]}}" >>"$STATE/extra-hosts"
	lab_hosts
	"$LAB_DIR/rootfs.sh" "${SUITE[$h]}" >/dev/null
	ip netns add "$(ns "$h")"
	mgmt_plug "$h"
	while read -r i c; do cable_create "$i" "$c"; done < <(extra_cables "$h")
	sysctl_record "$h"
	if is_pve "$h"; then
		pki_host "$h"
		wait
		echo '{"fault": "none", "cert": "good"}' | api_write "$h.json"
	fi
	prepare_host "$h" "$mode"
	carrierd_stop
	carrierd_start
	boot_host "$h"
	wait_booted "$h"
	wait_for 30 hexec "$h" vtysh -c 'show version' >/dev/null 2>&1 || die "host $h: FRR does not answer"
	if is_pve "$h"; then wait_for 30 api_answers "$h" || die "host $h: mock API does not answer"; fi
}
host_remove() {  # host_remove HOST: power HOST off, unplug its cables, forget it
	local h=$1 i c a ai aa b bi ba w
	w=$(ns wire)
	[[ -n ${EXTRA_CABLES[$h]:-} ]] || die "no extra host \"$h\" (one of: ${!EXTRA_CABLES[*]})"
	host_kill "$h"
	while read -r i c; do
		read -r a ai aa b bi ba <<<"$c"
		# a veth goes with its peer: the far end's NIC vanishes with the port
		ip -n "$w" link del "$(wire_port "$a" "$ai")" 2>/dev/null || true
		ip -n "$w" link del "$(wire_port "$b" "$bi")" 2>/dev/null || true
		ip -n "$w" link del "cable$i" 2>/dev/null || true
		rm -f "$STATE/faults/cable$i".* "$STATE/faults/$a-$ai".* "$STATE/faults/$b-$bi".*
	done < <(extra_cables "$h")
	ip netns pids "$(ns "$h")" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
	ip netns del "$(ns "$h")" 2>/dev/null || true
	if [[ -r $STATE/extra-hosts ]]; then
		awk -v h="$h" '$1 != h' "$STATE/extra-hosts" >"$STATE/extra-hosts.tmp"
		mv "$STATE/extra-hosts.tmp" "$STATE/extra-hosts"
	fi
	rm -rf "$STATE/hosts/$h" "$(api_dir)/$h.json"
	carrierd_stop
	carrierd_start
}
elapsed_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# Faults injected by `fault`, recorded as files in $STATE/faults:
#   cableN.silent, cableN.silent6 (IPv6 only), cableN.carrier (the whole
#   cable), cableN.oneway (one direction), HOST-IF.down, HOST-IF.gone (one
#   end).
cable_faulted() {  # cable_faulted HOST IF: is any fault on that cable?
	local i p
	i=$(cable_index "$1" "$2") || return 1
	p=$(cable_peer "$1" "$2")
	[[ -e $STATE/faults/cable$i.silent || -e $STATE/faults/cable$i.silent6 ||
		-e $STATE/faults/cable$i.carrier ||
		-e $STATE/faults/cable$i.oneway ||
		-e $STATE/faults/$1-$2.down || -e $STATE/faults/${p% *}-${p#* }.down ||
		-e $STATE/faults/$1-$2.gone || -e $STATE/faults/${p% *}-${p#* }.gone ]]
}

# ---------------------------------------------------------------------------
# TAP helpers for scenarios. Scenarios print unnumbered lines; `run` numbers
# them and prints the plan.

diag() { local l; while IFS= read -r l; do echo "# $l"; done <<<"$*"; }
ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }
skip() { echo "ok - $1 # SKIP ${2:-}"; }
# check DESC CMD...: ok if CMD succeeds; its output becomes a diagnostic if not.
check() {
	local d=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$d"; else not_ok "$d"; [[ -z $out ]] || diag "$out"; fi
}
# check_within SECONDS DESC CMD...: ok once CMD succeeds within SECONDS.
check_within() {
	local t=$1 d=$2 t0
	shift 2
	t0=$(now)
	if wait_for "$t" "$@" >/dev/null 2>&1; then
		ok "$d ($(elapsed "$t0") s)"
	else
		not_ok "$d (not within $t s)"
		diag "$("$@" 2>&1 || true)"
	fi
}
# todo DESC REASON CMD...: a known failure; CMD is expected to fail.
todo() {
	local d=$1 r=$2
	shift 2
	if "$@" >/dev/null 2>&1; then echo "ok - $d # TODO $r"; else echo "not ok - $d # TODO $r"; fi
}
# Bring the lab up in MODE unless it already is (scenarios run alone, too).
scenario_mode() {
	[[ $(lab_mode) == "$1" ]] || "$LAB_DIR/up" --mode "$1" >&2
}

# Helpers for checks inside hosts.
hping() { hexec "$1" ping -c 1 -W 1 "$2" >/dev/null; }  # hping HOST ADDR
# handmade_ready: the hand-made mesh carries the PBS service address to both
# PVE hosts. Adjacencies are Full (wait-converged) before OSPF has computed
# and installed the routes; a ping started then loses up to a second that
# is not the take-over's (the "1.1 s take-over gap" of 21 and 22, 2026-12).
handmade_ready() {
	local h
	check "hand-made mesh converged" "$LAB_DIR/wait-converged" -t 30
	for h in "${PVE_HOSTS[@]}"; do
		check_within 30 "$h: the hand-made mesh routes $PBS_SERVICE" hping "$h" "$PBS_SERVICE"
	done
}
cost_is() {  # cost_is HOST IF COST: FRR's running configuration has that cost on IF
	local rc got
	rc=$(hexec "$1" vtysh -c 'show running-config') || return 1
	got=$(awk -v i="$2" '/^interface / { cur = $2; next } /^[^ ]/ { cur = "" }
		/^ ip ospf cost / && cur == i { print $4 }' <<<"$rc" | paste -sd,)
	[[ $got == "$3" ]] || { echo "$1 $2: ip ospf cost ${got:-none}"; return 1; }
}
# network_form HOST CONF: a host taken over from the hand-made network
# statements keeps that form (render.h): one statement per link and for its
# loopback in CONF (a proxmesh.conf), no "ip ospf area" line, nothing
# redistributed.
network_form() {
	local rc n want
	want=$(awk -v s="[node $1]" '$0 == s { n = 1; next } /^\[/ { n = 0 }
		n && ($1 == "link" || $1 == "loopback") { c++ } END { print c + 0 }' "$2")
	set -- "$1" "$want"
	rc=$(hexec "$1" vtysh -c 'show running-config') || return 1
	n=$(grep -c '^ network ' <<<"$rc" || true)
	((n == $2)) || { echo "$1: $n network statements, not $2"; return 1; }
	! grep -q '^ ip ospf area ' <<<"$rc" || { echo "$1: an ip ospf area line"; return 1; }
	! grep -q '^ redistribute ' <<<"$rc" || { echo "$1: still redistributes"; return 1; }
}
route_dev() {  # the interface of HOST's route to ADDR
	hexec "$1" ip -o route get "$2" 2>/dev/null | sed -n 's/.* dev \([^ ]*\).*/\1/p'
}
nbr_uptime() {  # nbr_uptime HOST IF: ms the adjacency on IF has been up
	hexec "$1" vtysh -c 'show ip ospf neighbor json' | python3 -c '
import json, sys
for lst in json.load(sys.stdin)["neighbors"].values():
    for n in lst:
        if n["ifaceName"].split(":")[0] == sys.argv[1]: print(n["upTimeInMsec"])' "$2"
}
route_via() {  # route_via HOST ADDR IF; prints the route it got when not via IF
	local r
	r=$(hexec "$1" ip -o route get "$2" 2>&1) || { echo "$1: ip route get $2: $r"; return 1; }
	[[ $r == *" dev $3 "* ]] || { echo "$1: route to $2 not via $3: $r"; return 1; }
}
# 100 pings a second from HOST to ADDR in the background, as NAME (extra
# ping options after ADDR, e.g. -I SRC). ping_stop HOST NAME stops them and
# prints "GAP LOST SENT": the longest time without a reply in seconds,
# counted from the start and up to the stop (the whole time when no reply
# came), and the packets lost of those sent. ping_gap prints GAP alone.
ping_start() {  # ping_start HOST NAME ADDR [OPTION...]
	local h=$1 name=$2
	shift 2
	hexec "$h" sh -c "date +%s.%N >/tmp/$name.t0
		ping -D -i 0.01 -W 1 $* >/tmp/$name.ping 2>&1 & echo \$! >/tmp/$name.pid"
}
ping_stop() {
	hexec "$1" sh -c "t1=\$(date +%s.%N); kill -INT \$(cat /tmp/$2.pid) || exit 1
		sleep 0.2; echo \"start \$(cat /tmp/$2.t0) stop \$t1\"; cat /tmp/$2.ping" |
		awk -F'[][]' '
		/^start / { split($0, w, " "); t0 = w[2]; t1 = w[4]; p = t0 }
		/bytes from/ { t = $2 + 0; if (t - p > g) g = t - p; p = t }
		/packets transmitted/ { split($0, w, " "); sent = w[1]; got = w[4] }
		END { if (t1 - p > g) g = t1 - p
		      if (sent == "") sent = got = 0
		      printf "%.3f %d %d\n", g, sent - got, sent }'
}
ping_gap() { ping_stop "$@" | cut -d' ' -f1; }
# reachable GAP LOST SENT MAX-GAP MAX-LOST: the figures of ping_stop are
# "reachable throughout": replies came, no gap of MAX-GAP seconds or more,
# at most MAX-LOST packets lost. Says what is wrong otherwise.
reachable() {
	local g=$1 lost=$2 sent=$3
	((sent > 0 && lost < sent)) || { echo "no reply ($lost of $sent lost)"; return 1; }
	awk -v g="$g" -v m="$4" 'BEGIN { exit !(g < m) }' || { echo "gap $g s (limit $4 s)"; return 1; }
	((lost <= $5)) || { echo "$lost of $sent packets lost (limit $5)"; return 1; }
}
# Journal of the agent. jsince HOST EPOCH: its entries since then, one JSON
# document a line; fails when journalctl does. jhas HOST EPOCH PATTERN...:
# an entry matching every pattern (2 when journalctl fails). jnone HOST
# EPOCH [PATTERN...]: journalctl works and no entry matches (any entry, with
# no pattern); prints those that do.
us_now() { date +%s%6N; }
# entries HOST SINCE-US [MID] [PRIORITY] [TEXT]: proxmesh's own journal
# entries since SINCE-US (µs since the epoch) with that MESSAGE_ID, priority
# and text in the message ("" for any), one "PRIORITY MESSAGE" line each;
# a journalctl failure fails.
entries() {
	local j
	j=$(hexec "$1" journalctl -u proxmesh -o json -q --no-pager --since "@$(($2 / 1000000))") ||
		{ echo "journalctl failed on $1"; return 1; }
	python3 -c '
import json, sys
since, mid, prio, text = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
for line in filter(str.strip, sys.stdin):
    e = json.loads(line)
    if (e.get("SYSLOG_IDENTIFIER") == "proxmesh" and int(e["__REALTIME_TIMESTAMP"]) >= since
            and (not mid or e.get("MESSAGE_ID") == mid) and (not prio or e.get("PRIORITY") == prio)
            and text in e.get("MESSAGE", "")):
        print(e.get("PRIORITY"), e.get("MESSAGE"))' "$2" "${3:-}" "${4:-}" "${5:-}" <<<"$j"
}
# count_is N HOST SINCE-US [MID] [PRIORITY] [TEXT]: exactly N such entries
# (printed when not)
count_is() {  # count_is N HOST SINCE-US [MID] [PRIORITY] [TEXT]: exactly N entries
	local n=$1 out
	shift
	out=$(entries "$@") || { echo "$out"; return 1; }
	[[ $(grep -c . <<<"$out") == "$n" ]] || { echo "${out:-no entry}"; return 1; }
}
jsince() { hexec "$1" journalctl -u proxmesh --since "@$2" -o json -q --no-pager; }
jmatch() {  # the JSON lines of stdin that contain every pattern
	local line p m
	while IFS= read -r line; do
		m=1
		for p in "$@"; do [[ $line == *"$p"* ]] || { m=0; break; }; done
		((m)) && printf '%s\n' "$line"
	done
	return 0
}
jhas() {  # (when none matches, prints the entries there were, for the diagnosis)
	local out
	out=$(jsince "$1" "$2") || return 2
	[[ -n $(jmatch "${@:3}" <<<"$out") ]] && return 0
	echo "no entry on $1 matches ${*:3}; its entries since then:"
	[[ -z $out ]] || jshow <<<"$out" | tail -n 20
	return 1
}
jnone() {
	local out found
	out=$(jsince "$1" "$2") || { echo "$1: journalctl failed (see above)"; return 1; }
	[[ -n $out ]] || return 0
	found=$(jmatch "${@:3}" <<<"$out")
	[[ -n $found ]] || return 0
	jshow <<<"$found"
	return 1
}
jshow() {  # journal JSON lines → "TIME PRIORITY MESSAGE" lines
	python3 -c '
import datetime, json, sys
for l in sys.stdin:
    e = json.loads(l)
    t = datetime.datetime.fromtimestamp(int(e["__REALTIME_TIMESTAMP"]) / 1e6)
    print(t.strftime("%H:%M:%S.%f")[:-3], "<%s>" % e.get("PRIORITY", "?"), e.get("MESSAGE"))'
}
# at_once DESC LOG CMD...: CMD on all three hosts at the same moment, as an
# operator's loop over them would; then one check per host that it exited
# 0. Each host's output goes to $STATE/LOG-HOST.log.
at_once() {
	local desc=$1 log=$2 h i=0 rc pids=()
	shift 2
	for h in pbs pve-1 pve-2; do
		hexec "$h" "$@" >"$STATE/$log-$h.log" 2>&1 &
		pids+=($!)
	done
	for h in pbs pve-1 pve-2; do
		rc=0
		wait "${pids[i]}" || rc=$?
		check "$h: $desc (exit $rc)" test "$rc" -eq 0
		i=$((i + 1))
	done
}
# frr_calls HOST ARG…: "VTYSH SESSIONS CONNECTIONS" of one `proxmesh ARG…`
# in HOST, seen from outside the binary (strace -f of the machine): vtysh
# processes started, configuration sessions ("configure terminal" sent to a
# daemon's vty socket), connections to the daemons' vty sockets (reads too).
frr_calls() {
	local tr
	tr=$(mktemp)
	strace -f -qq -s 64 -e trace=execve,connect,sendto,write -o "$tr" \
		"$LAB_DIR/exec" "$1" proxmesh "${@:2}" >/dev/null 2>&1 || true
	awk '/execve\("[^"]*\/vtysh"/ { v++ } /^[0-9]+ +(sendto|write)\([0-9]+, "configure terminal\\0"/ { s++ }
	     /connect\([0-9]+, \{sa_family=AF_UNIX, sun_path="[^"]*\.vty"/ { c++ }
	     END { print v + 0, s + 0, c + 0 }' "$tr"
	rm -f "$tr"
}
# catalog_shown HOST SUBJECT: `journalctl -u proxmesh -x` shows proxmesh's
# own catalog entry with that subject (not only systemd's for the unit).
catalog_shown() {
	local t
	t=$(hexec "$1" journalctl -u proxmesh -x -q --no-pager) || return 1
	if ! grep -Fxq "░░ Subject: $2" <<<"$t" || ! grep -Fxq '░░ Defined-By: proxmesh' <<<"$t"; then
		echo "$1: no proxmesh catalog entry \"$2\" in journalctl -x; it shows:"
		grep -E '^░░ (Subject|Defined-By):' <<<"$t" | sort | uniq -c
		return 1
	fi
}
# The agent's status file. link_field HOST IF KEY: KEY of IF's entry in
# links; diagnosis_is HOST IF DIAG (says what it is otherwise); healthy_all:
# `proxmesh status` exits 0 on every host.
link_field() {
	hexec "$1" cat /run/proxmesh/status.json | python3 -c '
import json, sys
print([l for l in json.load(sys.stdin)["links"] if l["interface"] == sys.argv[1]][0][sys.argv[2]])' "$2" "$3"
}
diagnosis_is() {
	local d
	d=$(link_field "$1" "$2" diagnosis) || return 1
	[[ $d == "$3" ]] || {
		echo "$1 $2: diagnosis $d, link $(link_field "$1" "$2" link), adjacency $(link_field "$1" "$2" adjacency)"
		return 1
	}
}
healthy_all() { local h; for h in "${HOSTS[@]}"; do hexec "$h" proxmesh status >/dev/null || return 1; done; }
status_json() { hexec "$1" proxmesh status --json || true; }  # exits 1 unless healthy
# bfd_up_all: every link of every host has its BFD session up (or BFD off).
# Adjacencies are Full and hosts healthy a second or more before bfdd's
# sessions are: a fault injected in between is detected at the dead
# interval, not through BFD (52-one-way's 2.1 s gap, 2026-12).
bfd_up_all() {
	local h
	for h in "${HOSTS[@]}"; do
		hexec "$h" cat /run/proxmesh/status.json | python3 -c '
import json, sys
bad = [l["interface"] + " " + str(l.get("bfd")) for l in json.load(sys.stdin)["links"]
       if l.get("bfd") not in ("up", "off")]
if bad:
    print(sys.argv[1] + ": BFD not up on " + ", ".join(bad))
    sys.exit(1)' "$h" || return 1
	done
}
# agents_start: the build installed on every host, its agent enabled and
# started; checks that the mesh converges, every host is healthy and every
# BFD session is up.
agents_start() {
	local h
	"$LAB_DIR/install" >&2
	for h in "${HOSTS[@]}"; do hexec "$h" systemctl enable --now proxmesh 2>/dev/null; done
	check_within 90 "mesh converged under the agents" "$LAB_DIR/wait-converged" -t 1
	check_within 30 "all hosts healthy" healthy_all
	check_within 30 "every BFD session up" bfd_up_all
}
# No bridge (agent/bridge.h) left on HOST: no rule to table 32700.
no_bridge() { [[ -z $(hexec "$1" ip rule show table 32700) ]]; }
# pve3_scenario DIR: a scenario with pve-3 added (62, 26): the four-host
# configuration in DIR/four.conf, and pve-3 gone at the scenario's exit
# whatever happened (cleanup, also callable), so later scenarios see three
# hosts.
pve3_scenario() {
	rm -rf "$1"
	mkdir -p "$1"
	conf_with_pve3 >"$1/four.conf"
	trap cleanup EXIT
}
cleanup() {
	if [[ -n $(awk '$1 == "pve-3"' "$STATE/extra-hosts" 2>/dev/null) ]]; then
		"$LAB_DIR/down" pve-3 >&2 || true
	fi
	"$LAB_DIR/api" leave pve-3 >/dev/null 2>&1 || true
}

# conf_with_pve3: the lab's configuration with pve-3 (`up --add pve-3`)
# added, on stdout: its [node] section (id 4, loopback 192.168.102.4, cost
# 200 on both links) and one `link =` line on pve-1 and pve-2 (DESIGN §4:
# ids 1-4 and 2-4 get the link subnets 3 and 4 of the pool; nothing else
# moves).
conf_with_pve3() {
	python3 - "$LAB_DIR/proxmesh.conf" <<-'PY'
	import sys
	out, sec = [], None
	def close():
	    if sec in ("node pve-1", "node pve-2"):
	        while out and not out[-1].strip():
	            out.pop()
	        out.append("link = pve-3 nic5 cost 200")
	        out.append("")
	for line in open(sys.argv[1]).read().splitlines():
	    if line.startswith("["):
	        close()
	        sec = line.strip("[]")
	    out.append(line)
	close()
	print("\n".join(out).rstrip("\n"))
	print("""
	[node pve-3]
	id = 4
	router-id = 192.168.102.4
	loopback = 192.168.102.4/32
	link = pve-1 nic3 cost 200
	link = pve-2 nic4 cost 200""")
PY
}
# poll SECS CMD...: CMD until it succeeds, at most SECS (a fraction too).
poll() {
	local end
	end=$(awk -v a="$(now)" -v t="$1" 'BEGIN { printf "%.3f", a + t }')
	shift
	until "$@"; do
		awk -v a="$(now)" -v e="$end" 'BEGIN { exit !(a < e) }' || return 1
		sleep 0.1
	done
}
# hosts_within SECS DESC HOST... -- CMD [ARG...]: `CMD HOST ARG...` on the
# hosts at once, each polled until it holds; one check per host with its
# time (no bound on it: on a loaded machine one call through nsenter took
# up to 9 s), and CMD's output as the diagnosis of a host where it did not.
hosts_within() {
	local t=$1 d=$2 h t0 r hosts=()
	shift 2
	while [[ $1 != -- ]]; do hosts+=("$1"); shift; done
	shift
	t0=$(now)
	for h in "${hosts[@]}"; do
		(
			if poll "$t" "$1" "$h" "${@:2}" >/dev/null 2>&1; then
				echo "ok $(elapsed "$t0")"
			else
				echo "fail $("$1" "$h" "${@:2}" 2>&1 | head -c 2000)"
			fi >"$STATE/within-$h"
		) &
	done
	wait
	for h in "${hosts[@]}"; do
		r=$(<"$STATE/within-$h")
		if [[ $r == ok* ]]; then
			ok "$h: $d (${r#ok } s)"
		else
			not_ok "$h: $d (not within $t s)"
			diag "${r#fail }"
		fi
	done
}

# IPv6 (issue 16). The reference mesh dual-stack: LO6 the hosts' loopback6.
declare -A LO6=([pve-1]=fd0c:103:ff::1 [pve-2]=fd0c:103:ff::2 [pbs]=fd0c:103:ff::fe)
# conf_dual_stack HOST [MESH-LINES]: the lab's configuration on HOST turned
# dual-stack: ipv6 = yes, MESH-LINES (default "prefix6 = fd0c:103::/56";
# lines separated by \n) in [mesh], a loopback6 in every [node].
conf_dual_stack() {
	hexec "$1" python3 - /etc/proxmesh/proxmesh.conf "${2-prefix6 = fd0c:103::/56}" \
		"${LO6[pve-1]}" "${LO6[pve-2]}" "${LO6[pbs]}" <<-'PY'
		import sys
		path, mesh, l1, l2, l3 = sys.argv[1:]
		t = open(path).read()
		mesh = mesh.replace("\\n", "\n")
		t = t.replace("[mesh]\n", "[mesh]\nipv6 = yes\n" + (mesh + "\n" if mesh else ""), 1)
		for node, a in (("pve-1", l1), ("pve-2", l2), ("pbs", l3)):
		    t = t.replace("[node %s]\n" % node, "[node %s]\nloopback6 = %s/128\n" % (node, a), 1)
		open(path, "w").write(t)
	PY
}
# ospf6_full HOST N: HOST has N OSPFv3 neighbours in state Full.
ospf6_full() {
	local got
	got=$(hexec "$1" vtysh -c 'show ipv6 ospf6 neighbor json' | python3 -c '
import json, sys
print(sum(1 for n in json.load(sys.stdin).get("neighbors", []) if n.get("state") == "Full"))') ||
		return 1
	[[ $got == "$2" ]] || { echo "$1: $got OSPFv3 neighbours Full, not $2"; return 1; }
}
# ospf_full HOST N: HOST has N OSPF (IPv4) neighbours in state Full.
ospf_full() {
	local got
	got=$(hexec "$1" vtysh -c 'show ip ospf neighbor json' | python3 -c '
import json, sys
ns = json.load(sys.stdin).get("neighbors", {})
print(sum(1 for l in ns.values() for n in l if n.get("nbrState", "").startswith("Full")))') ||
		return 1
	[[ $got == "$2" ]] || { echo "$1: $got OSPF neighbours Full, not $2"; return 1; }
}
# ospf6_full_all: every host has its two OSPFv3 adjacencies Full.
ospf6_full_all() { local h; for h in "${HOSTS[@]}"; do ospf6_full "$h" 2 || return 1; done; }
# ping6_all: every host reaches every other host's loopback6.
ping6_all() {
	local h t
	for h in "${HOSTS[@]}"; do
		for t in "${HOSTS[@]}"; do
			[[ $t == "$h" ]] || hexec "$h" ping -6 -c 1 -W 1 "${LO6[$t]}" >/dev/null ||
				{ echo "$h cannot reach $t's loopback6 ${LO6[$t]}"; return 1; }
		done
	done
}
