#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh [normal|debug]
#
# Build the minimal x86_64 test kernel (tinyconfig + scripts/kconfig/*.config)
# from the pinned Debian linux-source, out of tree, cached by
# (source version, config hash). Prints the build directory on stdout:
# it holds arch/x86/boot/bzImage, net/tls/tls.ko and is a valid KDIR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernel.conf"
variant=${1:-normal}

log() { echo "build-kernel[$variant]: $*" >&2; }

frags=("$here/kconfig/base.config")
case "$variant" in
normal) ;;
debug) frags+=("$here/kconfig/debug.config") ;;
*) log "unknown variant (normal|debug)"; exit 2 ;;
esac

src=$("$here/fetch-kernel-source.sh")
srcver=$(basename "$(dirname "$src")")
hash=$(cat "${frags[@]}" | sha256sum | cut -c1-12)
out="$KTLS_PH_CACHE/kbuild/$srcver-$variant-$hash"

if [ -f "$out/.built" ]; then
	log "cached: $out"
	echo "$out"
	exit 0
fi

log "building $srcver ($variant, config $hash) in $out"
start=$(date +%s)
rm -rf "$out"
mkdir -p "$out"
make -s -C "$src" O="$out" tinyconfig >&2
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "${frags[@]}" >&2
make -s -C "$src" O="$out" olddefconfig >&2

# Every requested option must have survived dependency resolution.
bad=0
while IFS= read -r line; do
	case "$line" in CONFIG_*) ;; *) continue ;; esac
	opt=${line%%=*}
	want=${line#*=}
	if [ "$want" = n ]; then
		grep -qx "$opt=[ym]" "$out/.config" && { log "$opt is set, wanted n"; bad=1; }
	else
		grep -qx "$line" "$out/.config" || { log "$line did not stick"; bad=1; }
	fi
done < <(cat "${frags[@]}")
[ $bad -eq 0 ] || { log "config check failed"; exit 1; }

make -s -C "$src" O="$out" -j"$(nproc)" bzImage modules >&2
log "built in $(( $(date +%s) - start ))s"
touch "$out/.built"
echo "$out"
