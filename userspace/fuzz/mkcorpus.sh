#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Regenerate the seed corpus of the handshake message fuzz target,
# corpus/hsmsg/, in the input format of fuzz_hsmsg.c: each record is one
# length byte and its bytes (fe: two length bytes; ff: two length bytes and
# a fill byte). A message is type, 3-byte length, body.
set -eu
cd "$(dirname "$0")"
d=corpus/hsmsg
mkdir -p "$d"

# NewSessionTicket: lifetime 7200, age_add, nonce <00>, ticket <deadbeef>,
# no extensions
nst() {
	printf '\004\000\000\022\000\000\034\040\001\002\003\004'
	printf '\001\000\000\004\336\255\276\357\000\000'
}

printf '\005\030\000\000\001\000' > "$d/keyupdate-0"
printf '\005\030\000\000\001\001' > "$d/keyupdate-1"
{ printf '\026'; nst; } > "$d/new-session-ticket"
# the ticket split inside its body, then a KeyUpdate split after its header
printf '\012\004\000\000\022\000\000\034\040\001\002' > "$d/split-records"
printf '\014\003\004\001\000\000\004\336\255\276\357\000\000' >> "$d/split-records"
printf '\004\030\000\000\001\001\001' >> "$d/split-records"
# a ticket, then a KeyUpdate ending the same record
{ printf '\033'; nst; printf '\030\000\000\001\000'; } > "$d/ticket-then-keyupdate"
# a KeyUpdate, then a ticket in the same record: unexpected_message
{ printf '\033\030\000\000\001\000'; nst; } > "$d/keyupdate-not-last"
printf '\005\030\000\000\001\002' > "$d/keyupdate-bad-value"
printf '\006\030\000\000\002\000\000' > "$d/keyupdate-bad-length"
printf '\004\015\000\000\000' > "$d/certificate-request"
# declared length 65536 > KTLS_PH_HS_MAX_MSG - 4
printf '\004\004\001\000\000' > "$d/too-long"
printf '\000' > "$d/zero-length-record"
# a 65536-byte ticket, the largest accepted, in 4 + 3 * 16384 + 16380 bytes
printf '\004\004\000\377\374\377\100\000\000\377\100\000\000' > "$d/ticket-max"
printf '\377\100\000\000\377\077\374\000' >> "$d/ticket-max"
# the same, the last record also starting the next message (accepted: only
# the 64 KiB message itself is buffered)
printf '\004\004\000\377\374\377\100\000\000\377\100\000\000' > "$d/ticket-max-then-more"
printf '\377\100\000\000\377\100\000\000' >> "$d/ticket-max-then-more"
