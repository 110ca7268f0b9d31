// SPDX-License-Identifier: GPL-2.0
/*
 * libktlsph: the TLS 1.3 resumption master secret of an OpenSSL connection.
 *
 * OpenSSL 3.0 has no getter for it and does not log it (ssl/tls13_enc.c
 * derives it into the SSL object's resumption_master_secret and only uses
 * it for its own tickets), but libssl derives every TLS 1.3 secret with the
 * "TLS13-KDF" it fetches from the SSL_CTX's library context with the
 * SSL_CTX's property query. This file is a small built-in provider
 * ("ktlsph") whose TLS13-KDF, with the property ktlsph.rms=yes, hands every
 * call to the TLS13-KDF of another provider (normally "default") and
 * records, per thread, the outputs of two HKDF-Expand-Label derivations
 * from one master secret: "res master" (the resumption master secret) and
 * "c ap traffic" (the client application traffic secret). libssl derives
 * both in one step of the handshake, the latter right before it logs it as
 * CLIENT_TRAFFIC_SECRET_0; the keylog callback of ktlsph_ossl.c then takes
 * the resumption master secret if, and only if, the logged secret is the
 * recorded one (ktlsph_rms_take()). An SSL_CTX uses the provider when it
 * was created with KTLSPH_OSSL_PROPQ (ktlsph_ossl_ctx_new()).
 * See ktlsph_ticket.h and Documentation/libktlsph.md.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core.h>
#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/provider.h>

#include "ktlsph.h"
#include "ktlsph_ticket.h"
#include "ktlsph_ticket_int.h"

#define PROV_NAME	"ktlsph"
/* what the wrapped TLS13-KDF is fetched with: anything but this provider */
#define INNER_PROPQ	"provider!=" PROV_NAME

/* RFC 8446 section 7.1 labels, without the "tls13 " prefix */
static const char label_res_master[] = "res master";
static const char label_c_ap[] = "c ap traffic";

enum label_kind { LABEL_OTHER, LABEL_RES_MASTER, LABEL_C_AP };

/* One TLS13-KDF context: the wrapped one and what we need to know of it. */
struct rms_kdf {
	EVP_KDF_CTX *inner;
	enum label_kind label;
	uint8_t key[KTLSPH_MAX_SECRET];
	size_t key_len;			/* 0: none, or longer than a secret */
};

/* This thread's last derivations from one master secret. */
#define HAVE_RMS	1
#define HAVE_C_AP	2

struct rms_record {
	uint8_t ms[KTLSPH_MAX_SECRET];	/* the master secret */
	uint8_t rms[KTLSPH_MAX_SECRET];
	uint8_t c_ap[KTLSPH_MAX_SECRET];
	size_t len;			/* of all three: Hash.length */
	unsigned int have;
};

static __thread struct rms_record rec;

static void rec_wipe(void)
{
	OPENSSL_cleanse(&rec, sizeof(rec));
}

int ktlsph_rms_take(const uint8_t *c_ap, size_t len, uint8_t *rms)
{
	int ret = -ENOENT;

	if (rec.have == (HAVE_RMS | HAVE_C_AP) && rec.len == len &&
	    !CRYPTO_memcmp(rec.c_ap, c_ap, len)) {
		memcpy(rms, rec.rms, len);
		ret = 0;
	}
	rec_wipe();
	return ret;
}

/* After a successful derivation of @outlen bytes into @out. */
static void record(const struct rms_kdf *k, const uint8_t *out,
		   size_t outlen)
{
	if (k->label == LABEL_OTHER) {
		/*
		 * Between "c ap traffic" and the keylog callback libssl only
		 * derives the record key and iv from that secret; anything
		 * else means the record will not be taken: drop it.
		 */
		if (rec.have && !((rec.have & HAVE_C_AP) &&
				  k->key_len == rec.len &&
				  !CRYPTO_memcmp(k->key, rec.c_ap, rec.len)))
			rec_wipe();
		return;
	}
	/* both are Derive-Secret(master secret, ...): Hash.length bytes */
	if (!k->key_len || outlen != k->key_len)
		return;
	if (rec.len != k->key_len || CRYPTO_memcmp(rec.ms, k->key, rec.len)) {
		rec_wipe();
		memcpy(rec.ms, k->key, k->key_len);
		rec.len = k->key_len;
	}
	if (k->label == LABEL_RES_MASTER) {
		memcpy(rec.rms, out, outlen);
		rec.have |= HAVE_RMS;
	} else {
		memcpy(rec.c_ap, out, outlen);
		rec.have |= HAVE_C_AP;
	}
}

/* ---- the TLS13-KDF wrapper --------------------------------------------- */

static EVP_KDF *fetch_inner(void *provctx)
{
	return EVP_KDF_fetch(provctx, OSSL_KDF_NAME_TLS1_3_KDF, INNER_PROPQ);
}

static void *rms_kdf_new(void *provctx)
{
	struct rms_kdf *k;
	EVP_KDF *kdf;

	k = OPENSSL_zalloc(sizeof(*k));
	if (!k)
		return NULL;
	kdf = fetch_inner(provctx);
	k->inner = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	EVP_KDF_free(kdf);	/* the context holds its own reference */
	if (!k->inner) {
		OPENSSL_free(k);
		return NULL;
	}
	return k;
}

static void rms_kdf_free(void *vk)
{
	struct rms_kdf *k = vk;

	if (!k)
		return;
	EVP_KDF_CTX_free(k->inner);
	OPENSSL_clear_free(k, sizeof(*k));
}

static void *rms_kdf_dup(void *vsrc)
{
	const struct rms_kdf *src = vsrc;
	struct rms_kdf *k;

	k = OPENSSL_malloc(sizeof(*k));
	if (!k)
		return NULL;
	*k = *src;
	k->inner = EVP_KDF_CTX_dup(src->inner);
	if (!k->inner) {
		OPENSSL_clear_free(k, sizeof(*k));
		return NULL;
	}
	return k;
}

static void rms_kdf_reset(void *vk)
{
	struct rms_kdf *k = vk;

	EVP_KDF_CTX_reset(k->inner);
	k->label = LABEL_OTHER;
	OPENSSL_cleanse(k->key, sizeof(k->key));
	k->key_len = 0;
}

static int rms_kdf_set_params(void *vk, const OSSL_PARAM params[])
{
	struct rms_kdf *k = vk;
	const OSSL_PARAM *p;
	const void *v;
	size_t len;

	if (!params)
		return 1;
	if (!EVP_KDF_CTX_set_params(k->inner, params))
		return 0;
	/* The wrapped KDF took them: note the key and the label. */
	p = OSSL_PARAM_locate_const(params, OSSL_KDF_PARAM_KEY);
	if (p) {
		OPENSSL_cleanse(k->key, sizeof(k->key));
		k->key_len = 0;
		if (OSSL_PARAM_get_octet_string_ptr(p, &v, &len) &&
		    len && len <= sizeof(k->key)) {
			memcpy(k->key, v, len);
			k->key_len = len;
		}
	}
	p = OSSL_PARAM_locate_const(params, OSSL_KDF_PARAM_LABEL);
	if (p) {
		k->label = LABEL_OTHER;
		if (!OSSL_PARAM_get_octet_string_ptr(p, &v, &len))
			return 1;
		if (len == sizeof(label_res_master) - 1 &&
		    !memcmp(v, label_res_master, len))
			k->label = LABEL_RES_MASTER;
		else if (len == sizeof(label_c_ap) - 1 &&
			 !memcmp(v, label_c_ap, len))
			k->label = LABEL_C_AP;
	}
	return 1;
}

static int rms_kdf_derive(void *vk, unsigned char *out, size_t outlen,
			  const OSSL_PARAM params[])
{
	struct rms_kdf *k = vk;

	if (!rms_kdf_set_params(k, params) ||
	    EVP_KDF_derive(k->inner, out, outlen, NULL) <= 0)
		return 0;
	record(k, out, outlen);
	return 1;
}

static int rms_kdf_get_params(void *vk, OSSL_PARAM params[])
{
	struct rms_kdf *k = vk;

	return EVP_KDF_CTX_get_params(k->inner, params);
}

static const OSSL_PARAM *rms_kdf_settable(void *vk, void *provctx)
{
	struct rms_kdf *k = vk;
	const OSSL_PARAM *ret;
	EVP_KDF *kdf;

	if (k)
		return EVP_KDF_CTX_settable_params(k->inner);
	/* the wrapped provider's table: static, it outlives the EVP_KDF */
	kdf = fetch_inner(provctx);
	ret = kdf ? EVP_KDF_settable_ctx_params(kdf) : NULL;
	EVP_KDF_free(kdf);
	return ret;
}

static const OSSL_PARAM *rms_kdf_gettable(void *vk, void *provctx)
{
	struct rms_kdf *k = vk;
	const OSSL_PARAM *ret;
	EVP_KDF *kdf;

	if (k)
		return EVP_KDF_CTX_gettable_params(k->inner);
	kdf = fetch_inner(provctx);
	ret = kdf ? EVP_KDF_gettable_ctx_params(kdf) : NULL;
	EVP_KDF_free(kdf);
	return ret;
}

typedef void (*dispatch_fn)(void);

static const OSSL_DISPATCH rms_kdf_functions[] = {
	{ OSSL_FUNC_KDF_NEWCTX, (dispatch_fn)rms_kdf_new },
	{ OSSL_FUNC_KDF_DUPCTX, (dispatch_fn)rms_kdf_dup },
	{ OSSL_FUNC_KDF_FREECTX, (dispatch_fn)rms_kdf_free },
	{ OSSL_FUNC_KDF_RESET, (dispatch_fn)rms_kdf_reset },
	{ OSSL_FUNC_KDF_DERIVE, (dispatch_fn)rms_kdf_derive },
	{ OSSL_FUNC_KDF_SETTABLE_CTX_PARAMS, (dispatch_fn)rms_kdf_settable },
	{ OSSL_FUNC_KDF_SET_CTX_PARAMS, (dispatch_fn)rms_kdf_set_params },
	{ OSSL_FUNC_KDF_GETTABLE_CTX_PARAMS, (dispatch_fn)rms_kdf_gettable },
	{ OSSL_FUNC_KDF_GET_CTX_PARAMS, (dispatch_fn)rms_kdf_get_params },
	{ 0, NULL },
};

static const OSSL_ALGORITHM rms_kdfs[] = {
	{ OSSL_KDF_NAME_TLS1_3_KDF, "provider=" PROV_NAME ",ktlsph.rms=yes",
	  rms_kdf_functions, "TLS13-KDF recording the resumption master secret" },
	{ NULL, NULL, NULL, NULL },
};

/* ---- the provider ------------------------------------------------------ */

static const OSSL_ALGORITHM *rms_query(void *provctx, int operation_id,
				       int *no_cache)
{
	(void)provctx;
	*no_cache = 0;
	return operation_id == OSSL_OP_KDF ? rms_kdfs : NULL;
}

static const OSSL_DISPATCH rms_provider_functions[] = {
	{ OSSL_FUNC_PROVIDER_QUERY_OPERATION, (dispatch_fn)rms_query },
	{ 0, NULL },
};

/*
 * The provider context is the library context the provider was loaded
 * into (for a built-in provider the core's context is the OSSL_LIB_CTX),
 * where the wrapped TLS13-KDF is fetched.
 */
static int rms_provider_init(const OSSL_CORE_HANDLE *handle,
			     const OSSL_DISPATCH *in,
			     const OSSL_DISPATCH **out, void **provctx)
{
	OSSL_FUNC_core_get_libctx_fn *get_libctx = NULL;

	for (; in->function_id; in++)
		if (in->function_id == OSSL_FUNC_CORE_GET_LIBCTX)
			get_libctx = OSSL_FUNC_core_get_libctx(in);
	if (!get_libctx)
		return 0;
	*provctx = (void *)get_libctx(handle);
	*out = rms_provider_functions;
	return 1;
}

/* The library contexts the provider is loaded into, with our handle. */
struct loaded {
	OSSL_LIB_CTX *libctx;
	OSSL_PROVIDER *prov;
	struct loaded *next;
};

static struct loaded *loaded_list;
static int atexit_registered;
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

/* The entry of @libctx; the caller holds load_lock. */
static struct loaded **find_loaded(OSSL_LIB_CTX *libctx)
{
	struct loaded **pp;

	for (pp = &loaded_list; *pp; pp = &(*pp)->next)
		if ((*pp)->libctx == libctx)
			return pp;
	return NULL;
}

/*
 * At exit, before OpenSSL's own clean-up (registered earlier, so run
 * later): give back the handle of the default library context, or OpenSSL
 * cannot free the provider. Nothing once OpenSSL is cleaned up already
 * (OPENSSL_init_crypto() then returns 0).
 */
static void unload_default(void)
{
	if (OPENSSL_init_crypto(0, NULL))
		ktlsph_ossl_provider_unload(NULL);
}

int ktlsph_ossl_provider_load(OSSL_LIB_CTX *libctx)
{
	struct loaded *l = NULL;
	int ret = 0;

	pthread_mutex_lock(&load_lock);
	if (find_loaded(libctx))
		goto out;
	l = OPENSSL_zalloc(sizeof(*l));
	if (!l) {
		ret = -ENOMEM;
		goto out;
	}
	ERR_set_mark();
	/*
	 * Registering the built-in twice in one context is harmless (the
	 * first is found); retain_fallbacks: loading a provider must not
	 * keep OpenSSL from loading "default" as it does when none is
	 * loaded explicitly.
	 */
	if (OSSL_PROVIDER_add_builtin(libctx, PROV_NAME, rms_provider_init))
		l->prov = OSSL_PROVIDER_try_load(libctx, PROV_NAME, 1);
	ERR_pop_to_mark();
	if (!l->prov) {
		ret = -EIO;
		goto out;
	}
	if (!libctx && !atexit_registered)
		atexit_registered = !atexit(unload_default);
	l->libctx = libctx;
	l->next = loaded_list;
	loaded_list = l;
	l = NULL;
out:
	pthread_mutex_unlock(&load_lock);
	OPENSSL_free(l);
	return ret;
}

void ktlsph_ossl_provider_unload(OSSL_LIB_CTX *libctx)
{
	struct loaded **pp, *l = NULL;

	pthread_mutex_lock(&load_lock);
	pp = find_loaded(libctx);
	if (pp) {
		l = *pp;
		*pp = l->next;
	}
	pthread_mutex_unlock(&load_lock);
	if (!l)
		return;
	OSSL_PROVIDER_unload(l->prov);
	OPENSSL_free(l);
}
