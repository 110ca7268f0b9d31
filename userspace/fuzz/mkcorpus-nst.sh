#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Regenerate the seed corpus of the NewSessionTicket fuzz target,
# corpus/nst/: each file is one NewSessionTicket body (the message without
# its 4-byte handshake header), in the input format of fuzz_nst.c.
set -eu
cd "$(dirname "$0")"
d=corpus/nst
mkdir -p "$d"

# the bytes of the hex pairs given as arguments
hex() {
	for b in "$@"; do
		# shellcheck disable=SC2059
		printf "\\$(printf %03o "0x$b")"
	done
}

# lifetime 7200, age_add 01020304, nonce <00>, ticket <deadbeef>, then the
# extensions block length and contents given as arguments
nst() {
	hex 00 00 1c 20 01 02 03 04 01 00 00 04 de ad be ef "$@"
}

# RFC 8448 section 3, {server} construct a NewSessionTicket handshake
# message, without its header 04 00 00 c9
hex 00 00 00 1e fa d6 aa c5 02 00 00 00 b2 2c 03 5d 82 93 59 ee 5f f7 \
	af 4e c9 00 00 00 00 26 2a 64 94 dc 48 6d 2c 8a 34 cb 33 fa 90 bf \
	1b 00 70 ad 3c 49 88 83 c9 36 7c 09 a2 be 78 5a bc 55 cd 22 60 97 \
	a3 a9 82 11 72 83 f8 2a 03 a1 43 ef d3 ff 5d d3 6d 64 e8 61 be 7f \
	d6 1d 28 27 db 27 9c ce 14 50 77 d4 54 a3 66 4d 4e 6d a4 d2 9e e0 \
	37 25 a6 a4 da fc d0 fc 67 d2 ae a7 05 29 51 3e 3d a2 67 7f a5 90 \
	6c 5b 3f 7d 8f 92 f2 28 bd a4 0d da 72 14 70 f9 fb f2 97 b5 ae a6 \
	17 64 6f ac 5c 03 27 2e 97 07 27 c6 21 a7 91 41 ef 5f 7d e6 50 5e \
	5b fb c3 88 e9 33 43 69 40 93 93 4a e4 d3 57 00 08 00 2a 00 04 00 \
	00 04 00 > "$d/rfc8448"

# accepted
nst 00 00 > "$d/minimal"
nst 00 08 00 2a 00 04 00 00 40 00 > "$d/early-data"
# status_request as data, GREASE, early_data, and 0x102a (not early_data)
nst 00 1a 00 05 00 02 00 2a fa fa 00 00 00 2a 00 04 ff ff ff ff \
	10 2a 00 04 00 00 00 01 > "$d/unknown-extensions"
hex 00 09 3a 80 00 00 00 00 00 00 01 77 00 00 > "$d/lifetime-604800"
# one empty extension in each of the 16 windows of 4096 types
{
	hex 00 00 0e 10 00 00 00 00 00 00 01 01 00 40
	for w in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do
		hex "${w}0" 2b 00 00
	done
} > "$d/every-window"

# decode_error
hex 00 00 1c 20 01 02 03 > "$d/cut-in-age-add"
hex 00 00 1c 20 01 02 03 04 ff 00 00 04 de ad be ef 00 00 > "$d/nonce-overrun"
hex 00 00 1c 20 01 02 03 04 01 00 00 00 00 00 > "$d/ticket-length-0"
hex 00 00 1c 20 01 02 03 04 01 00 00 07 de ad be ef 00 00 > "$d/ticket-overrun"
nst 00 09 00 2a 00 04 00 00 04 00 > "$d/ext-length-long"
nst 00 08 00 2a 00 04 00 00 04 00 00 > "$d/trailing-byte"
nst 00 08 00 05 00 05 00 00 00 00 > "$d/ext-overrun"
nst 00 07 00 2a 00 03 00 04 00 > "$d/early-data-3-bytes"

# illegal_parameter
hex 00 09 3a 81 00 00 00 00 00 00 01 77 00 00 > "$d/lifetime-604801"
nst 00 10 00 2a 00 04 00 00 04 00 00 2a 00 04 00 00 04 00 > "$d/dup-early-data"
nst 00 0c fa fa 00 00 4a 4a 00 00 fa fa 00 00 > "$d/dup-grease"
