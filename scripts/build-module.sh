#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-module.sh KDIR OUTDIR [make args...]
#
# Build ktls_ph.ko (and ktls_ph_kunit.ko) against KDIR with objects in
# OUTDIR (kbuild's MO=), so one source tree builds for several kernels.
# Extra arguments go to make (W=1, C=1, ...). Prints make's output.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
kdir=$1 out=$2
shift 2
mkdir -p "$out"
out=$(cd "$out" && pwd)	# kbuild resolves a relative MO= against KDIR
make -C "$kdir" M="$top" MO="$out" -j"$(nproc)" "$@" modules
