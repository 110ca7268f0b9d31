#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""sample-cpu.py LOG PID: follow the console log LOG of a VM started by
scripts/vm-run.sh (process PID) until PID exits; for each "mark: ..." line
the guest writes, print the line's text and the CPU time in ns used so far
by the QEMU process writing LOG (the sum over its threads).

The log is polled every few milliseconds, so a sample lands a few ms after
the guest wrote the line; ktls-ph-bench idles for 100 ms after each mark,
so a sample taken a little late still falls between the measured parts.
"""
import os
import sys
import time


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def find_qemu(log):
    """The QEMU process whose serial port writes to LOG (not timeout(1))."""
    want = ("file:" + log).encode()
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/comm", "rb") as f:
                if not f.read().startswith(b"qemu-system"):
                    continue
            with open(f"/proc/{d}/cmdline", "rb") as f:
                if want in f.read().split(b"\0"):
                    return int(d)
        except OSError:
            continue
    return None


def cpu_ns(qemu):
    total = 0
    for t in os.listdir(f"/proc/{qemu}/task"):
        try:
            with open(f"/proc/{qemu}/task/{t}/schedstat") as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def main():
    log, pid = os.path.abspath(sys.argv[1]), int(sys.argv[2])
    f = None
    buf = b""
    qemu = None
    while True:
        running = alive(pid)
        if f is None:
            try:
                f = open(log, "rb")
            except FileNotFoundError:
                if not running:
                    return
                time.sleep(0.05)
                continue
        data = f.read()
        if not data:
            if not running:
                return
            time.sleep(0.004)
            continue
        buf += data
        *lines, buf = buf.split(b"\n")
        for line in lines:
            line = line.rstrip(b"\r").decode("utf-8", "replace")
            if not line.startswith("mark: "):
                continue
            if qemu is None:
                qemu = find_qemu(log)
            if qemu is None:
                continue
            try:
                ns = cpu_ns(qemu)
            except OSError:
                continue
            print(f"{line[6:]} {ns}", flush=True)


if __name__ == "__main__":
    main()
