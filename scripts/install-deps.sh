#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian 12 packages ktls_ph needs to build the test kernel,
# the module, the userspace tools, to run the VM tests and to fuzz (clang's
# libFuzzer runtime is in libclang-rt-14-dev, which clang only recommends
# and --no-install-recommends skips). Idempotent:
# packages already present are not touched, apt-get update runs only
# when something is missing.
set -euo pipefail

PKGS=(
	build-essential bc bison flex libelf-dev libssl-dev dwarves
	xz-utils cpio busybox-static kmod file
	qemu-system-x86
	python3 python3-yaml python3-jsonschema
	sparse perl
	openssl gnutls-bin libgnutls28-dev
	libnl-3-dev libnl-genl-3-dev pkg-config
	linux-headers-amd64
	clang libclang-rt-14-dev
)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#PKGS[@]} packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}" >&2
	echo "install-deps: run as root (or install them) and retry" >&2
	exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
