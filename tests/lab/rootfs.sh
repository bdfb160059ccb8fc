#!/bin/bash
# rootfs.sh SUITE... — build (or reuse) the cached root filesystem of each
# Debian SUITE (bookworm, trixie, sid) and print the path of its extracted tree.
# The cache key is a hash of the recipe: suite, mirror, package list. The
# tarball is the cache; the extracted tree next to it is the hosts' lower layer.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
need_root
(($#)) || die "usage: rootfs.sh SUITE..."

build() {
	local suite=$1 tar dir tmp hook t0
	tar=$(rootfs_tar "$suite")
	dir=$(rootfs_dir "$suite")
	mkdir -p "$CACHE"
	exec 9>"$CACHE/$suite.lock"
	flock 9
	if [[ ! -d $dir && -s $tar ]]; then
		log "rootfs: extracting $(basename "$tar")"
		tmp=$dir.tmp
		rm -rf "$tmp"
		mkdir -p "$tmp"
		tar -C "$tmp" --numeric-owner --xattrs --xattrs-include='*' -xpf "$tar"
		mv "$tmp" "$dir"
	fi
	if [[ ! -d $dir ]]; then
		log "rootfs: building $suite ($(basename "$dir"))"
		t0=$(now)
		tmp=$dir.tmp
		rm -rf "$tmp"
		hook='ln -sf /usr/lib/systemd/system/multi-user.target "$1/etc/systemd/system/default.target"'
		hook+='; : >"$1/etc/machine-id"; rm -f "$1/var/lib/dbus/machine-id"'
		# Debian unstable's Release file on this machine's mirror (a snapshot)
		# is past its Valid-Until.
		local aptopt=()
		[[ $suite == sid ]] && aptopt=(--aptopt='Acquire::Check-Valid-Until "false"')
		mmdebstrap --variant=apt --format=directory --include="$(rootfs_pkgs "$suite")" \
			"${aptopt[@]}" \
			--dpkgopt='path-exclude=/usr/share/locale/*' \
			--dpkgopt='path-exclude=/usr/share/doc/*' \
			--dpkgopt='path-include=/usr/share/doc/*/copyright' \
			--customize-hook="$hook" \
			"$suite" "$tmp" "$MIRROR" >&2
		tar -C "$tmp" --numeric-owner --xattrs --xattrs-include='*' -cf "$tar.tmp" .
		mv "$tar.tmp" "$tar"
		mv "$tmp" "$dir"
		log "rootfs: $suite built in $(elapsed "$t0") s"
	fi
	# Drop stale versions of this suite (an older recipe) unless a lab uses them.
	local old
	for old in "$CACHE/$suite"-*; do
		[[ $old == "$tar" || $old == "$dir" || ! -e $old ]] && continue
		grep -qsF "${old%.tar}.d" /proc/[0-9]*/mountinfo || rm -rf "$old"
	done
	exec 9>&-
	printf '%s\n' "$dir"
}

for s in "$@"; do
	[[ -n ${PKGS_SUITE[$s]:-} ]] || die "unknown suite \"$s\" (bookworm, trixie or sid)"
done
# The suites are built side by side (each under its own lock): on a clean
# machine that is most of the lab's first boot, and one build alone leaves
# a core idle while it downloads. The paths come out in the order asked.
for s in "$@"; do
	[[ -d $(rootfs_dir "$s") || -s $(rootfs_tar "$s") ]] && continue
	command -v mmdebstrap >/dev/null || apt-get install -y mmdebstrap >&2
	break
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pids=()
for s in "$@"; do
	build "$s" >"$out/$s" &
	pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
((rc == 0)) || die "rootfs: a build failed (see above)"
for s in "$@"; do cat "$out/$s"; done
