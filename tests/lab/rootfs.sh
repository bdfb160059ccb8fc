#!/bin/bash
# rootfs.sh SUITE... — build (or reuse) the cached root filesystem of each
# Debian SUITE (bookworm, trixie) and print the path of its extracted tree.
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
		command -v mmdebstrap >/dev/null || apt-get install -y mmdebstrap >&2
		log "rootfs: building $suite ($(basename "$dir"))"
		t0=$(now)
		tmp=$dir.tmp
		rm -rf "$tmp"
		hook='ln -sf /usr/lib/systemd/system/multi-user.target "$1/etc/systemd/system/default.target"'
		hook+='; : >"$1/etc/machine-id"; rm -f "$1/var/lib/dbus/machine-id"'
		mmdebstrap --variant=apt --format=directory --include="$(rootfs_pkgs "$suite")" \
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
	[[ -n ${PKGS_SUITE[$s]:-} ]] || die "unknown suite \"$s\" (bookworm or trixie)"
	build "$s"
done
