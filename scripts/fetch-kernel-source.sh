#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch the pinned Debian linux-source package and unpack it into the cache,
# without touching the system's apt configuration and without naming any
# package registry host: the mirror URI is read from this machine's own
# Debian sources. Prints the unpacked source directory on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernel.conf"

log() { echo "fetch-kernel-source: $*" >&2; }

. "$here/lib/debian-apt.sh"
mkdir -p "$KTLS_PH_CACHE/src"

if ! ktls_ph_apt_update; then
	log "private index update failed"
	# An unpacked tree from an earlier run is still usable offline.
	ls -d "$KTLS_PH_CACHE"/src/"$KTLS_PH_KSRC_PKG"_*/linux-source-* 2>/dev/null | tail -n1 | grep . && exit 0
	exit 1
fi

ver=$(apt-cache "${APT_OPTS[@]}" policy "$KTLS_PH_KSRC_PKG" 2>/dev/null | awk '/Candidate:/ { print $2 }')
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
	newest=$(apt-cache "${APT_OPTS[@]}" search --names-only '^linux-source-[0-9]+\.[0-9]+$' 2>/dev/null |
		awk '{ print $1 }' | sort -V | tail -n1)
	log "pinned package $KTLS_PH_KSRC_PKG is no longer available in: $KTLS_PH_KSRC_SUITES"
	log "newest available: ${newest:-none}; set KTLS_PH_KSRC_PKG in scripts/kernel.conf"
	exit 1
fi

dest="$KTLS_PH_CACHE/src/${KTLS_PH_KSRC_PKG}_$ver"
if [ -f "$dest/.unpacked" ]; then
	cat "$dest/.unpacked"
	exit 0
fi

log "downloading $KTLS_PH_KSRC_PKG $ver"
rm -rf "$dest"
mkdir -p "$dest/deb"
(cd "$dest/deb" && apt-get "${APT_OPTS[@]}" -q download "$KTLS_PH_KSRC_PKG=$ver" >&2)
deb=$(ls "$dest"/deb/*.deb)
dpkg-deb -x "$deb" "$dest/pkg"
tarball=$(ls "$dest"/pkg/usr/src/linux-source-*.tar.xz)
log "unpacking $(basename "$tarball")"
tar -C "$dest" -xJf "$tarball"
rm -rf "$dest/pkg" "$dest/deb"
srcdir=$(ls -d "$dest"/linux-source-*/ | head -n1)
srcdir=${srcdir%/}
echo "$srcdir" > "$dest/.unpacked"
echo "$srcdir"
