#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Regenerate the seed corpus of the post-handshake authentication fuzz
# target, corpus/pha/: each file is one handshake message body (without its
# 4-byte header), in the input format of fuzz_pha.c (every parser sees
# every file).
set -eu
cd "$(dirname "$0")"
d=corpus/pha
mkdir -p "$d"

# the bytes of the hex pairs given as arguments
hex() {
	for b in "$@"; do
		# shellcheck disable=SC2059
		printf "\\$(printf %03o "0x$b")"
	done
}

# CertificateRequest: accepted
hex 00 00 08 00 0d 00 04 00 02 04 03 > "$d/cr-minimal"
hex 04 c0 ff ee 01 00 0c 00 0d 00 08 00 06 04 03 08 04 08 07 \
	> "$d/cr-context"
hex 01 2a 00 1a 00 1b 00 03 02 00 01 00 0d 00 04 00 02 08 04 \
	00 2f 00 07 00 05 00 03 30 01 00 > "$d/cr-compress-ca"
hex 00 00 18 0a 0a 00 00 00 30 00 02 00 00 00 0d 00 04 00 02 08 07 \
	ff 01 00 02 00 0d > "$d/cr-unknown"
# one empty extension in each of the 16 windows, and signature_algorithms
{
	hex 00 00 48 00 0d 00 04 00 02 04 03
	for w in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do
		hex "${w}1" 00 00 00
	done
} > "$d/cr-every-window"
# CertificateRequest: refused
hex 00 00 04 00 1b 00 00 > "$d/cr-no-sigalgs"
hex 00 00 09 00 0d 00 05 00 03 04 03 05 > "$d/cr-sigalgs-odd"
hex 00 00 06 00 0d 00 02 00 00 > "$d/cr-sigalgs-empty"
hex 00 00 10 00 0d 00 04 00 02 04 03 00 0d 00 04 00 02 08 04 \
	> "$d/cr-dup-sigalgs"
hex 00 00 08 00 0d 00 04 00 02 04 03 00 > "$d/cr-trailing-byte"
hex 05 01 02 > "$d/cr-context-overrun"

# Certificate (the target also parses each with its own context)
hex 04 c0 ff ee 01 00 00 00 > "$d/cert-empty"
hex 02 c1 c2 00 00 15 00 00 03 30 01 00 00 06 00 05 00 02 01 02 \
	00 00 02 30 00 00 00 > "$d/cert-two"
hex 02 c1 c2 00 00 0e 00 00 01 30 00 08 00 05 00 00 00 05 00 00 \
	> "$d/cert-dup-ext"
hex 02 c1 c2 00 00 05 00 00 00 00 00 > "$d/cert-data-empty"

# CertificateVerify
hex 04 03 00 08 30 06 02 01 01 02 01 02 > "$d/cv-ecdsa"
hex 08 07 00 00 > "$d/cv-empty-sig"
hex 04 01 00 02 aa bb > "$d/cv-not-offered"
hex 04 03 00 03 aa bb > "$d/cv-sig-overrun"

# Finished: RFC 8448 section 3, the client's verify_data; and 48 bytes
hex a8 ec 43 6d 67 76 34 ae 52 5a c1 fc eb e1 1a 03 9e c1 76 94 fa c6 \
	e9 85 27 b6 42 f2 ed d5 ce 61 > "$d/fin-rfc8448-client"
hex 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 \
	16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23 24 25 26 27 28 29 2a 2b \
	2c 2d 2e 2f > "$d/fin-48"
