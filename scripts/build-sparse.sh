#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-sparse.sh KSRC: print the path of a sparse the kernel in KSRC accepts.
#
# Kernels >= 6.14 require a sparse that understands __typeof_unqual__;
# Debian 12's sparse 0.6.4 does not. Use the system's sparse when the
# kernel's own scripts/checker-valid.sh accepts it; otherwise build sparse
# from the newest Debian source package in the suites of scripts/kernel.conf
# (source only: no binary package from a newer suite is installed) into the
# cache.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernel.conf"
ksrc=$1

log() { echo "build-sparse: $*" >&2; }
valid() { [ "$(sh "$ksrc/scripts/checker-valid.sh" "$1" -m64 2>/dev/null)" = 1 ]; }

if command -v sparse >/dev/null && valid "$(command -v sparse)"; then
	command -v sparse
	exit 0
fi

for s in "$KTLS_PH_CACHE"/tools/sparse-*/sparse; do
	[ -x "$s" ] && valid "$s" && { echo "$s"; exit 0; }
done

. "$here/lib/debian-apt.sh"
ktls_ph_apt_update || { log "cannot refresh the private package index"; exit 1; }
ver=$(apt-cache "${APT_OPTS[@]}" showsrc sparse 2>/dev/null |
	awk '/^Version:/ { print $2 }' | sort -V | tail -n1)
[ -n "$ver" ] || { log "no sparse source package in: $KTLS_PH_KSRC_SUITES"; exit 1; }

dest="$KTLS_PH_CACHE/tools/sparse-$ver"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log "building sparse $ver from its Debian source package"
(cd "$work" && apt-get "${APT_OPTS[@]}" -q source --download-only "sparse=$ver" >&2)
tar -C "$work" -xf "$(ls "$work"/sparse_*.orig.tar.*)"
srcdir=$(ls -d "$work"/sparse-*/ | head -n1)
make -s -C "$srcdir" -j"$(nproc)" HAVE_LLVM=no HAVE_GTK=no HAVE_SQLITE=no \
	HAVE_LIBXML=no sparse >&2
mkdir -p "$dest"
cp "$srcdir/sparse" "$dest/sparse"
valid "$dest/sparse" || { log "sparse $ver is still not accepted by $ksrc"; exit 1; }
echo "$dest/sparse"
