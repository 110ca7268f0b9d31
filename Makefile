# SPDX-License-Identifier: GPL-2.0
#
# ktls_ph: out-of-tree build.
#
#   make                      build ktls_ph.ko (and ktls_ph_kunit.ko if the
#                             kernel has CONFIG_KUNIT) against KDIR
#   make KDIR=/path/to/build  ... against another kernel build tree
#   make modules_install      install into /lib/modules/<kver>/updates
#   make clean
#   make userspace            userspace tools and unit tests
#   make fuzz                 fuzz the handshake message parser (libFuzzer,
#                             FUZZ_TIME=60 seconds; see Documentation/testing.md)
#   make vectors              regenerate kunit/keysched_vectors.h
#   make netlink              regenerate the netlink code from the YAML spec
#   make check                the whole test suite (see README.md)
#   make demo                 the demo in a VM (see README.md)
#   make bench                benchmarks in one VM boot: throughput with and
#                             without ktls_ph and KeyUpdates, rekey cost,
#                             memory per socket (BENCH_SUITES=...; see
#                             Documentation/testing.md)

KDIR ?= /lib/modules/$(shell uname -r)/build
MAKEFLAGS += --no-print-directory

all: modules

kdir-check:
	@if [ ! -f "$(KDIR)/Makefile" ]; then \
		echo "ktls_ph: no kernel build tree at KDIR=$(KDIR)" >&2; \
		echo "ktls_ph: install linux-headers-$$(uname -r), pass KDIR=..., or run" >&2; \
		echo "ktls_ph: scripts/build-kernel.sh to build the test kernel" >&2; \
		exit 1; \
	fi

modules: kdir-check
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

modules_install: kdir-check
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

clean:
	@if [ -f "$(KDIR)/Makefile" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	$(MAKE) -C userspace clean
	rm -rf out

userspace:
	$(MAKE) -C userspace

fuzz:
	$(MAKE) -C userspace fuzz

vectors: userspace
	userspace/build/ktls-ph-vectors > kunit/keysched_vectors.h

netlink:
	scripts/ynl-gen.sh "$$(scripts/fetch-kernel-source.sh)"

check:
	scripts/check.sh

demo:
	scripts/demo.sh

bench:
	tests/bench/run.sh

.PHONY: all kdir-check modules modules_install clean userspace fuzz vectors netlink \
	check demo bench
