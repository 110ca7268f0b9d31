/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktls_ph fuzzing: the post-handshake authentication messages
 * (module/pha_msg.c). See fuzz_pha.c.
 */
#ifndef _KTLS_PH_FUZZ_PHA_H
#define _KTLS_PH_FUZZ_PHA_H

#include <stddef.h>
#include <stdint.h>

/* What the target saw, summed over all inputs (printed by fuzz-replay-pha) */
enum fuzz_pha_event {
	FUZZ_PHA_INPUTS,	/* bodies parsed */
	FUZZ_PHA_CR_OK,		/* CertificateRequests accepted */
	FUZZ_PHA_CR_COMPRESS,	/* ... with compress_certificate */
	FUZZ_PHA_CR_CA,		/* ... with certificate_authorities */
	FUZZ_PHA_CR_DECODE,	/* CertificateRequest: decode_error */
	FUZZ_PHA_CR_ILLEGAL,	/* ... illegal_parameter (repeated type) */
	FUZZ_PHA_CR_MISSING,	/* ... missing_extension */
	FUZZ_PHA_CERT_OK,	/* Certificates accepted, with certificates */
	FUZZ_PHA_CERT_EMPTY,	/* ... empty (declined) */
	FUZZ_PHA_CERT_DECODE,	/* Certificate: decode_error */
	FUZZ_PHA_CERT_ILLEGAL,	/* ... illegal_parameter (repeated type) */
	FUZZ_PHA_CV_OK,		/* CertificateVerify accepted */
	FUZZ_PHA_CV_NOT_OFFERED, /* ... scheme not offered */
	FUZZ_PHA_CV_DECODE,	/* CertificateVerify: decode_error */
	FUZZ_PHA_FIN_OK,	/* Finished accepted (32 or 48 bytes) */
	FUZZ_PHA_NR_EVENTS
};

extern unsigned long fuzz_pha_events[FUZZ_PHA_NR_EVENTS];
extern const char * const fuzz_pha_event_names[FUZZ_PHA_NR_EVENTS];

int fuzz_pha_one_input(const uint8_t *data, size_t size);

#endif /* _KTLS_PH_FUZZ_PHA_H */
