/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-process OpenSSL handshakes of the userspace unit tests (test_ktlsph.c,
 * test_ktlsph_ticket.c): the test certificate, and both ends of one
 * handshake driven from one thread over non-blocking sockets.
 */
#ifndef KTLSPH_OSSL_PAIR_H
#define KTLSPH_OSSL_PAIR_H

#include <openssl/decoder.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "test_cert.h"

/* Give @ctx test_cert.h's certificate and key: 1 on success. */
static int use_test_cert(SSL_CTX *ctx)
{
	const unsigned char *p = (const unsigned char *)test_key;
	size_t len = sizeof(test_key) - 1;
	OSSL_DECODER_CTX *dctx;
	EVP_PKEY *pkey = NULL;
	X509 *x = NULL;
	BIO *bio;
	int ret = 0;

	dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, "PEM", NULL, "EC",
					     OSSL_KEYMGMT_SELECT_KEYPAIR, NULL,
					     NULL);
	if (!dctx || !OSSL_DECODER_from_data(dctx, &p, &len))
		goto out;
	bio = BIO_new_mem_buf(test_cert, -1);
	if (bio)
		x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	ret = x && SSL_CTX_use_cert_and_key(ctx, x, pkey, NULL, 1) == 1;
out:
	OSSL_DECODER_CTX_free(dctx);
	X509_free(x);
	EVP_PKEY_free(pkey);
	return ret;
}

/* Both ends of one handshake in this thread: 0 or -1. */
static int handshake(SSL *c, SSL *s)
{
	int i, rc = 0, rs = 0, e;

	for (i = 0; i < 1000 && (rc != 1 || rs != 1); i++) {
		if (rc != 1) {
			rc = SSL_connect(c);
			e = SSL_get_error(c, rc);
			if (rc != 1 && e != SSL_ERROR_WANT_READ &&
			    e != SSL_ERROR_WANT_WRITE)
				return -1;
		}
		if (rs != 1) {
			rs = SSL_accept(s);
			e = SSL_get_error(s, rs);
			if (rs != 1 && e != SSL_ERROR_WANT_READ &&
			    e != SSL_ERROR_WANT_WRITE)
				return -1;
		}
	}
	return rc == 1 && rs == 1 ? 0 : -1;
}

#endif
