#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-run.sh: boot a test kernel under QEMU (TCG) with an initramfs holding
# busybox, tls.ko, the given modules, real TLS peers from the host (openssl,
# gnutls-cli, gnutls-serv with their shared libraries) and any extra files,
# run a test script inside, and return its exit status.
#
#   vm-run.sh --kbuild DIR --script FILE [--ko FILE]... [--add PATH]...
#             [--timeout SEC] [--log FILE] [--mem MB] [--quiet]
#
# Fails (exit 1, never hangs) on a kernel panic, oops, BUG, KASAN or UBSAN
# report, lockdep splat, WARN, kmemleak report (kernels with kmemleak),
# timeout, or a guest that never reports its exit status; it prints which.
# The console log is written to --log (default: out/vm-<pid>.log).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")

kbuild="" script="" timeout=600 log="" mem=1024 quiet=0
kos=() adds=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kbuild) kbuild=$2; shift 2 ;;
	--script) script=$2; shift 2 ;;
	--ko) kos+=("$2"); shift 2 ;;
	--add) adds+=("$2"); shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--quiet) quiet=1; shift ;;
	*) echo "vm-run: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ -n "$kbuild" ] && [ -n "$script" ] || { echo "vm-run: --kbuild and --script are required" >&2; exit 2; }
bz="$kbuild/arch/x86/boot/bzImage"
[ -f "$bz" ] || { echo "vm-run: no kernel at $bz" >&2; exit 2; }
mkdir -p "$top/out"
log=${log:-$top/out/vm-$$.log}

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,etc,root,ktls_ph}

# Copy a host file (and, for ELF files, its shared libraries) to the same path.
copy_host() {
	local f=$1 lib
	[ -e "$root$f" ] && return 0
	mkdir -p "$root$(dirname "$f")"
	cp -L "$f" "$root$f"
	if file -L "$f" 2>/dev/null | grep -q 'dynamically linked'; then
		for lib in $(ldd "$f" | awk '/=> \// { print $3 } /^\t\// { print $1 }'); do
			copy_host "$lib"
		done
	fi
}

cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
for b in openssl gnutls-cli gnutls-serv certtool; do
	p=$(command -v "$b" || true)
	[ -n "$p" ] && copy_host "$p"
done
# Libraries loaded at run time, not listed by ldd.
for f in /etc/ssl/openssl.cnf /usr/lib/x86_64-linux-gnu/ossl-modules/legacy.so; do
	[ -e "$f" ] && copy_host "$f"
done
mkdir -p "$root/usr/lib/ssl" && ln -sf /etc/ssl/openssl.cnf "$root/usr/lib/ssl/openssl.cnf"
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$root/etc/hosts"

cp "$kbuild/net/tls/tls.ko" "$root/ktls_ph/"
for k in "${kos[@]}"; do cp "$k" "$root/ktls_ph/"; done
for a in "${adds[@]}"; do
	a=$(readlink -f "$a")
	if [ -d "$a" ]; then
		mkdir -p "$root$a" && cp -a "$a/." "$root$a/"
		# and the shared libraries of the programs in it
		while IFS= read -r f; do
			file -L "$f" | grep -q 'dynamically linked' || continue
			for lib in $(ldd "$f" | awk '/=> \// { print $3 } /^\t\// { print $1 }'); do
				copy_host "$lib"
			done
		done < <(find "$a" -type f -perm -u+x)
	else
		copy_host "$a"
	fi
done
cp "$script" "$root/ktls_ph/test.sh"

cat > "$root/init" <<'INIT'
#!/bin/sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
# /tmp stays on the initramfs: --add paths under /tmp must stay visible
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
ip link set lo up
hostname ktls-ph-vm
leak=/sys/kernel/debug/kmemleak
if [ -w $leak ]; then
	# Forget whatever the boot itself left behind: only the test counts.
	echo scan > $leak; echo clear > $leak
fi
echo "KTLS_PH_VM: running test"
cd /ktls_ph
sh /ktls_ph/test.sh
rc=$?
if [ -w $leak ]; then
	sleep 6
	echo scan > $leak; echo scan > $leak
	# debugfs files have no size: read the report before testing it
	cat $leak > /tmp/kmemleak.txt
	if [ -s /tmp/kmemleak.txt ]; then
		echo "KTLS_PH_VM: kmemleak report:"
		cat /tmp/kmemleak.txt
	fi
fi
echo "KTLS_PH_VM_EXIT=$rc"
sync
reboot -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$root.cpio.gz"
trap 'rm -rf "$root" "$root.cpio.gz"' EXIT

cmdline="console=ttyS0 rdinit=/init panic=-1 oops=panic panic_on_warn=0 printk.time=1"
[ $quiet -eq 1 ] || echo "vm-run: booting $(basename "$kbuild") (log: $log, timeout ${timeout}s)" >&2
# The failure patterns: panic, KASAN, UBSAN, lockdep/atomic sleep, oops, WARN,
# kmemleak (one extended regex each, in the order they are reported)
pats=("Kernel panic" "BUG: KASAN|KASAN:" "UBSAN:"
	"possible circular locking|possible recursive locking|inconsistent lock state|INFO: trying to register non-static key|BUG: sleeping function called from invalid context|suspicious RCU usage"
	"Oops:|general protection fault|BUG: (unable|kernel)"
	"WARNING: CPU:|------------\\[ cut here \\]------------"
	"unreferenced object|suspected memory leak")
names=("kernel panic" "KASAN report" "UBSAN report" "lockdep/atomic-sleep splat"
	"oops" "WARN" "kmemleak report")

# boot: run the VM once; sets qrc, secs and fail
boot() {
	local i
	set +e
	start=$(date +%s)
	timeout --kill-after=10 "$timeout" qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m "$mem" \
		-no-reboot -display none -monitor none -serial "file:$log" \
		-kernel "$bz" -initrd "$root.cpio.gz" -append "$cmdline" </dev/null
	qrc=$?
	set -e
	secs=$(( $(date +%s) - start ))
	fail=""
	for i in "${!pats[@]}"; do
		grep -Eq "${pats[$i]}" "$log" && fail+="${names[$i]}; "
	done
	[ $qrc -eq 124 ] || [ $qrc -eq 137 ] && fail+="timeout after ${timeout}s; "
	rc=$(sed -n 's/.*KTLS_PH_VM_EXIT=\([0-9]*\).*/\1/p' "$log" | tail -n1)
	[ -z "$rc" ] && [ -z "$fail" ] && fail+="guest did not report an exit status (qemu rc $qrc); "
	return 0
}

# A report printed while the kernel itself was still booting, before it ran
# /init: nothing of the test (modules, scripts) has run yet. Seen once in
# many boots of the debug kernel under TCG (KASAN in handle_edge_irq during
# identify_cpu, an interrupt arriving before its descriptor was set up).
boot_splat() {
	local i pre
	pre=$(sed -n '1,/Run \/init as init process/p' "$log")
	grep -q "Run /init as init process" "$log" || return 1
	for i in "${!pats[@]}"; do
		grep -Eq "${pats[$i]}" <<< "$pre" && return 0
	done
	return 1
}

boot
if [ -n "$fail" ] && boot_splat; then
	mv "$log" "$log.boot-splat"
	echo "vm-run: ${fail%; } while the kernel was booting, before /init ran (not the test's; log: $log.boot-splat): booting once more" >&2
	boot
fi

if [ -n "$fail" ]; then
	echo "vm-run: FAILED: ${fail%; } (after ${secs}s, log: $log)" >&2
	echo "----- last console lines -----" >&2
	tail -n 60 "$log" >&2
	exit 1
fi
[ $quiet -eq 1 ] || echo "vm-run: guest exit status $rc after ${secs}s" >&2
exit "$rc"
