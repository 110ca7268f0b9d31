#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# ynl-gen.sh KSRC [OUTDIR]
#
# Generate the netlink code from Documentation/netlink/specs/ktls_ph.yaml with
# the kernel tree's own YNL generator (tools/net/ynl/pyynl/ynl_gen_c.py):
#   module/netlink-gen.c, module/netlink-gen.h   kernel policies and ops
#   include/uapi/linux/ktls_ph.h                 UAPI header
# With OUTDIR, write there instead of the source tree (make check uses that to
# detect drift between the spec and the committed files). Never edit the
# generated files by hand: change the spec and run `make netlink`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
ksrc=$1
out=${2:-$top}
gen="$ksrc/tools/net/ynl/pyynl/ynl_gen_c.py"
spec=Documentation/netlink/specs/ktls_ph.yaml
[ -f "$gen" ] || { echo "ynl-gen: no YNL generator at $gen" >&2; exit 1; }
mkdir -p "$out/module" "$out/include/uapi/linux"
out=$(cd "$out" && pwd)
# The generator validates the spec against the schema next to the specs
# directory (Documentation/netlink/genetlink.yaml) and names the spec in the
# output relative to the tree root it finds by looking for MAINTAINERS: lay
# out the kernel's schema beside our spec in a scratch tree.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/Documentation/netlink/specs"
cp "$ksrc/Documentation/netlink/genetlink.yaml" "$work/Documentation/netlink/"
cp "$top/$spec" "$work/$spec"
touch "$work/MAINTAINERS"
spec="$work/$spec"
timeout 120 /usr/bin/python3 "$gen" --mode kernel --spec "$spec" --source -o "$out/module/netlink-gen.c"
timeout 120 /usr/bin/python3 "$gen" --mode kernel --spec "$spec" --header -o "$out/module/netlink-gen.h"
timeout 120 /usr/bin/python3 "$gen" --mode uapi --spec "$spec" --header -o "$out/include/uapi/linux/ktls_ph.h"
