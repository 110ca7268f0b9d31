/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The certificate of the in-process handshakes of the userspace unit tests
 * (test_ktlsph.c with OpenSSL, test_ktlsph_gnutls.c with GnuTLS).
 */
#ifndef KTLSPH_TEST_CERT_H
#define KTLSPH_TEST_CERT_H

/* A throwaway self-signed P-256 certificate (CN=test) and its key. */
static const char test_key[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgr4BSIv3mo6GsGzM3\n"
	"WnZe96IBpV0FR4EqrLmiR2nrjHuhRANCAAS3uEN3S6+qvhNXwTzqclnbFX6lWPBP\n"
	"5ZDrraLaqvrM1YNDDxS6AptME8gTuMiBz6xRTYrAeP18UmfFPZ7L7cnu\n"
	"-----END PRIVATE KEY-----\n";

static const char test_cert[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBdDCCARugAwIBAgIUD5hFSqgzPUXAnKPtEQylVUa+PWEwCgYIKoZIzj0EAwIw\n"
	"DzENMAsGA1UEAwwEdGVzdDAgFw0yNjExMjMxMjE3MTJaGA8yMTI2MTAzMDEyMTcx\n"
	"MlowDzENMAsGA1UEAwwEdGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABLe4\n"
	"Q3dLr6q+E1fBPOpyWdsVfqVY8E/lkOutotqq+szVg0MPFLoCm0wTyBO4yIHPrFFN\n"
	"isB4/XxSZ8U9nsvtye6jUzBRMB0GA1UdDgQWBBT476dNINJzKV+NgacFyOUp69SL\n"
	"LDAfBgNVHSMEGDAWgBT476dNINJzKV+NgacFyOUp69SLLDAPBgNVHRMBAf8EBTAD\n"
	"AQH/MAoGCCqGSM49BAMCA0cAMEQCIQDWQ0ZIbv3vk8CMtA+EJPuXDB6kviNa1DO/\n"
	"qZH0E5lPvQIfM8yukurDtVr3/t4lkj4kzCrrMD7dDKNAXz0xhmMnbA==\n"
	"-----END CERTIFICATE-----\n";

#endif
