#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Regenerate the seed corpus of the ClientHello and ServerHello fuzz target,
# corpus/hello/: each file is one handshake message body (without its 4-byte
# header), in the input format of fuzz_hello.c (both parsers see every
# file).
set -eu
cd "$(dirname "$0")"
d=corpus/hello
mkdir -p "$d"

# the bytes of the hex pairs given as arguments
hex() {
	for b in "$@"; do
		# shellcheck disable=SC2059
		printf "\\$(printf %03o "0x$b")"
	done
}

# legacy_version and a random; the HelloRetryRequest random (RFC 8446 4.1.3)
head_random() {
	hex 03 03 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 \
		14 15 16 17 18 19 1a 1b 1c 1d 1e 1f
}
head_hrr() {
	hex 03 03 cf 21 ad 74 e5 9a 61 11 be 1d 8c 02 1e 65 b8 91 c2 a2 11 16 \
		7a bb 8c 5e 07 9e 09 e2 c8 a8 33 9c
}
# ClientHello: session id <c0 ff ee 00>, TLS_AES_128_GCM_SHA256, null
ch_head() {
	head_random
	hex 04 c0 ff ee 00 00 02 13 01 01 00
}

# Real ones, from OpenSSL 3.0 s_client -tls1_3 -msg: a ClientHello with
# -enable_pha and SNI, which s_server -groups P-256 answered with a
# HelloRetryRequest (TLS_AES_256_GCM_SHA384, key_share secp256r1); one
# without either (-noservername), and s_server's ServerHello to it
hex 03 03 b4 66 80 2c ad 68 ae 91 14 3e f5 89 9a 92 58 a7 13 da 00 c5 \
	75 c6 38 1d da 73 d9 5c 79 a3 02 74 20 b4 4e 6a d7 65 05 0f 1f 7a \
	29 13 12 d6 98 5a b3 aa 09 c7 8f 5d 75 7c 0b e6 ba 58 98 2b a1 23 \
	1e 00 08 13 02 13 03 13 01 00 ff 01 00 00 9d 00 00 00 0e 00 0c 00 \
	00 09 6c 6f 63 61 6c 68 6f 73 74 00 0b 00 04 03 00 01 02 00 0a 00 \
	16 00 14 00 1d 00 17 00 1e 00 19 00 18 01 00 01 01 01 02 01 03 01 \
	04 00 23 00 00 00 16 00 00 00 17 00 00 00 31 00 00 00 0d 00 1e 00 \
	1c 04 03 05 03 06 03 08 07 08 08 08 09 08 0a 08 0b 08 04 08 05 08 \
	06 04 01 05 01 06 01 00 2b 00 03 02 03 04 00 2d 00 02 01 01 00 33 \
	00 26 00 24 00 1d 00 20 eb b4 db b9 bb 01 90 bd a9 2b a3 6c 6f aa \
	57 b5 2b 01 ba 32 b7 70 0d 30 20 d6 b5 53 b0 2c 78 09 \
	> "$d/ch-openssl-pha"
hex 03 03 b9 b0 59 dc 12 7c a9 93 46 4f 88 26 16 7f a9 0a 35 92 3b 3d \
	5a 91 46 ea 7b 2a 7a d2 f1 ad d0 91 20 93 71 4e 71 b9 09 b6 d9 24 \
	ea ea 6a d3 96 00 da b8 f9 ab 98 91 b8 81 22 22 98 5a 45 08 41 ec \
	cd 00 08 13 02 13 03 13 01 00 ff 01 00 00 87 00 0b 00 04 03 00 01 \
	02 00 0a 00 16 00 14 00 1d 00 17 00 1e 00 19 00 18 01 00 01 01 01 \
	02 01 03 01 04 00 23 00 00 00 16 00 00 00 17 00 00 00 0d 00 1e 00 \
	1c 04 03 05 03 06 03 08 07 08 08 08 09 08 0a 08 0b 08 04 08 05 08 \
	06 04 01 05 01 06 01 00 2b 00 03 02 03 04 00 2d 00 02 01 01 00 33 \
	00 26 00 24 00 1d 00 20 47 5b f9 9c 8e 2f 9b cd ea 16 46 d3 88 e3 \
	42 a0 7a 6f 4a 44 ff 53 a8 86 7e 58 c5 ea dc ca b7 2e \
	> "$d/ch-openssl"
hex 03 03 cf 21 ad 74 e5 9a 61 11 be 1d 8c 02 1e 65 b8 91 c2 a2 11 16 \
	7a bb 8c 5e 07 9e 09 e2 c8 a8 33 9c 20 b4 4e 6a d7 65 05 0f 1f 7a \
	29 13 12 d6 98 5a b3 aa 09 c7 8f 5d 75 7c 0b e6 ba 58 98 2b a1 23 \
	1e 13 02 00 00 0c 00 2b 00 02 03 04 00 33 00 02 00 17 \
	> "$d/hrr-openssl"
hex 03 03 4e 20 94 08 44 4e d1 59 b1 b5 72 18 a2 ea d7 fb 48 d5 61 9e \
	95 43 ee 51 ee 33 13 65 e8 bf 17 d7 20 93 71 4e 71 b9 09 b6 d9 24 \
	ea ea 6a d3 96 00 da b8 f9 ab 98 91 b8 81 22 22 98 5a 45 08 41 ec \
	cd 13 02 00 00 2e 00 2b 00 02 03 04 00 33 00 24 00 1d 00 20 f1 33 \
	83 85 64 de 0b be b7 13 8d 3e d0 31 57 16 9e b0 89 c4 e4 55 bf 2f \
	d6 55 3a c8 64 8f 00 5e \
	> "$d/sh-openssl"

# ClientHello: post_handshake_auth, 1
{ ch_head; hex 00 04 00 31 00 00; } > "$d/ch-pha-only"
{ ch_head; hex 00 0b 00 31 00 00 00 2b 00 03 02 03 04; } > "$d/ch-pha-first"
{ ch_head; hex 00 0b 00 2b 00 03 02 03 04 00 31 00 00; } > "$d/ch-pha-last"
# what follows the extension is not looked at
{ ch_head; hex 00 08 00 31 00 00 00 0a 00 ff; } > "$d/ch-pha-then-overrun"
# ClientHello: none, 0
{ ch_head; } > "$d/ch-no-extensions"
{ ch_head; hex 00 00; } > "$d/ch-empty-extensions"
{ ch_head; hex 00 0b 00 2b 00 03 02 03 04 00 30 00 00; } > "$d/ch-no-pha"
# ClientHello: does not parse, -1
{ head_random; } | head -c 30 > "$d/ch-cut-in-random"
{ head_random; hex 20 c0 ff ee; } > "$d/ch-session-id-overrun"
{ head_random; hex 00 00 04 13 01; } > "$d/ch-suites-overrun"
{ head_random; hex 00 00 02 13 01; } > "$d/ch-no-compression"
{ head_random; hex 00 00 02 13 01 02 00; } > "$d/ch-compression-overrun"
{ ch_head; hex 00; } > "$d/ch-extensions-length-cut"
{ ch_head; hex 00 05 00 31 00 00; } > "$d/ch-extensions-length-long"
{ ch_head; hex 00 03 00 31 00 00; } > "$d/ch-extensions-length-short"
{ ch_head; hex 00 01 00; } > "$d/ch-extension-type-cut"
{ ch_head; hex 00 08 00 2b 00 05 02 03 04 00; } > "$d/ch-extension-overrun"
{ ch_head; hex 00 0a 00 2b 00 03 02 03 04 00 0a 00; } \
	> "$d/ch-extension-length-cut"

# ServerHello: a HelloRetryRequest, 1 and its cipher suite
{ head_hrr; hex 00 13 01; } > "$d/hrr-minimal"
{
	head_hrr
	hex 20
	head_random | tail -c 32
	hex 13 02 00 00 06 00 2b 00 02 03 04
} > "$d/hrr-session-id"
# ServerHello: not one, 0; a bit away from one, 0
{ head_random; hex 00 13 01 00 00 06 00 2b 00 02 03 04; } > "$d/sh-minimal"
hex 03 03 cf 21 ad 74 e5 9a 61 11 be 1d 8c 02 1e 65 b8 91 c2 a2 11 16 \
	7a bb 8c 5e 07 9e 09 e2 c8 a8 33 9d 00 13 01 > "$d/sh-hrr-bit-flipped"
# ServerHello: does not parse, -1
{ head_hrr; } | head -c 33 > "$d/sh-cut-in-random"
{ head_hrr; } > "$d/hrr-no-session-id"
{ head_hrr; hex 04 c0 ff; } > "$d/hrr-session-id-overrun"
{ head_hrr; hex 00 13; } > "$d/hrr-cut-in-suite"
