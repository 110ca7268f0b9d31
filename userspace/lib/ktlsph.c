// SPDX-License-Identifier: GPL-2.0
/*
 * libktlsph: kTLS setup, the ktls_ph generic netlink API, kTLS socket I/O
 * and key log lines. The TLS library glue is in ktlsph_ossl.c and
 * ktlsph_gnutls.c. See ktlsph.h and Documentation/libktlsph.md.
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <linux/netlink.h>
#include <linux/tls.h>
#include <linux/ktls_ph.h>

#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include <openssl/crypto.h>

#include "ktlsph.h"
#include "ktlsph_int.h"
#include "tls13kdf.h"

#ifndef SOL_TLS
#define SOL_TLS		282
#endif
#ifndef TCP_ULP
#define TCP_ULP		31
#endif
#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

/* A request: a transcript of up to KTLSPH_MAX_TRANSCRIPT, secrets, the rest */
#define KTLSPH_NL_REQ_SIZE	(KTLSPH_MAX_TRANSCRIPT + 4096)

static_assert(KTLSPH_MAX_SECRET == KTLS_PH_MAX_SECRET_LEN, "secret length");
static_assert(KTLSPH_MAX_TRANSCRIPT == KTLS_PH_MAX_TRANSCRIPT_LEN,
	      "transcript length");
static_assert(KTLSPH_ROLE_CLIENT == KTLS_PH_ROLE_CLIENT, "role");
static_assert(KTLSPH_ROLE_SERVER == KTLS_PH_ROLE_SERVER, "role");
static_assert(KTLSPH_PEER_AUTH_UNKNOWN == KTLS_PH_PEER_AUTH_UNKNOWN, "auth");
static_assert(KTLSPH_PEER_AUTH_CERTIFICATE == KTLS_PH_PEER_AUTH_CERTIFICATE,
	      "auth");
static_assert(KTLSPH_PEER_AUTH_PSK == KTLS_PH_PEER_AUTH_PSK, "auth");
static_assert(KTLSPH_PHA_NONE == KTLS_PH_PHA_VERDICT_NONE, "verdict");
static_assert(KTLSPH_PHA_PENDING == KTLS_PH_PHA_VERDICT_PENDING, "verdict");
static_assert(KTLSPH_PHA_OK == KTLS_PH_PHA_VERDICT_OK, "verdict");
static_assert(KTLSPH_PHA_NO_CERTIFICATE ==
	      KTLS_PH_PHA_VERDICT_NO_CERTIFICATE, "verdict");
static_assert(KTLSPH_PHA_BAD_CERTIFICATE ==
	      KTLS_PH_PHA_VERDICT_BAD_CERTIFICATE, "verdict");
static_assert(KTLSPH_PHA_UNSUPPORTED_CERTIFICATE ==
	      KTLS_PH_PHA_VERDICT_UNSUPPORTED_CERTIFICATE, "verdict");
static_assert(KTLSPH_PHA_DECRYPT_ERROR == KTLS_PH_PHA_VERDICT_DECRYPT_ERROR,
	      "verdict");
static_assert(KTLSPH_PHA_ILLEGAL_PARAMETER ==
	      KTLS_PH_PHA_VERDICT_ILLEGAL_PARAMETER, "verdict");
static_assert(KTLSPH_PHA_DECODE_ERROR == KTLS_PH_PHA_VERDICT_DECODE_ERROR,
	      "verdict");
static_assert(KTLSPH_PHA_UNEXPECTED_MESSAGE ==
	      KTLS_PH_PHA_VERDICT_UNEXPECTED_MESSAGE, "verdict");
static_assert(KTLSPH_PHA_CERTIFICATE_REQUIRED ==
	      KTLS_PH_PHA_VERDICT_CERTIFICATE_REQUIRED, "verdict");
static_assert(KTLSPH_PHA_TIMEOUT == KTLS_PH_PHA_VERDICT_TIMEOUT, "verdict");
static_assert(KTLSPH_PHA_ERROR == KTLS_PH_PHA_VERDICT_ERROR, "verdict");
static_assert(sizeof(struct tls12_crypto_info_aes_gcm_256) <=
	       sizeof(struct ktlsph_crypto_info), "crypto_info");
static_assert(sizeof(struct tls12_crypto_info_chacha20_poly1305) <=
	       sizeof(struct ktlsph_crypto_info), "crypto_info");

static const struct ktlsph_suite suites[] = {
	{
		.id = 0x1301, .name = "TLS_AES_128_GCM_SHA256",
		.hash = "SHA256", .hash_len = 32, .key_len = 16,
		.salt_len = 4, .ktls_cipher = TLS_CIPHER_AES_GCM_128,
		.info_len = sizeof(struct tls12_crypto_info_aes_gcm_128),
	},
	{
		.id = 0x1302, .name = "TLS_AES_256_GCM_SHA384",
		.hash = "SHA384", .hash_len = 48, .key_len = 32,
		.salt_len = 4, .ktls_cipher = TLS_CIPHER_AES_GCM_256,
		.info_len = sizeof(struct tls12_crypto_info_aes_gcm_256),
	},
	{
		.id = 0x1303, .name = "TLS_CHACHA20_POLY1305_SHA256",
		.hash = "SHA256", .hash_len = 32, .key_len = 32,
		.salt_len = 0, .ktls_cipher = TLS_CIPHER_CHACHA20_POLY1305,
		.info_len = sizeof(struct tls12_crypto_info_chacha20_poly1305),
	},
	{
		.id = 0x1304, .name = "TLS_AES_128_CCM_SHA256",
		.hash = "SHA256", .hash_len = 32, .key_len = 16,
		.salt_len = 4, .ktls_cipher = TLS_CIPHER_AES_CCM_128,
		.info_len = sizeof(struct tls12_crypto_info_aes_ccm_128),
	},
};

const struct ktlsph_suite *ktlsph_suite_by_id(uint16_t id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(suites); i++)
		if (suites[i].id == id)
			return &suites[i];
	return NULL;
}

const struct ktlsph_suite *ktlsph_suite_by_name(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(suites); i++)
		if (!strcasecmp(suites[i].name, name))
			return &suites[i];
	return NULL;
}

/* ---- kTLS ---------------------------------------------------------- */

int ktlsph_crypto_info(uint16_t suite, const uint8_t *secret,
		       size_t secret_len, uint64_t seq,
		       struct ktlsph_crypto_info *ci)
{
	const struct ktlsph_suite *s = ktlsph_suite_by_id(suite);
	uint8_t key[KTLSPH_MAX_KEY], iv[KTLSPH_IV_LEN], rec_seq[8];
	struct tls_crypto_info hdr;
	uint8_t *p;
	int i, ret = 0;

	if (!s || !secret || !ci || secret_len != s->hash_len)
		return -EINVAL;
	if (ktls_ph_u_expand_label(s->hash, secret, secret_len, "key", NULL,
				   0, key, s->key_len) ||
	    ktls_ph_u_expand_label(s->hash, secret, secret_len, "iv", NULL, 0,
				   iv, sizeof(iv))) {
		ret = -EIO;
		goto out;
	}
	for (i = 0; i < 8; i++)
		rec_seq[i] = (uint8_t)(seq >> (56 - 8 * i));

	/*
	 * All four layouts are: info, iv (the 12-byte TLS 1.3 iv minus the
	 * salt), key, salt (the iv's first salt_len bytes), rec_seq.
	 */
	memset(ci, 0, sizeof(*ci));
	hdr.version = TLS_1_3_VERSION;
	hdr.cipher_type = s->ktls_cipher;
	p = ci->buf;
	memcpy(p, &hdr, sizeof(hdr));
	p += sizeof(hdr);
	memcpy(p, iv + s->salt_len, sizeof(iv) - s->salt_len);
	p += sizeof(iv) - s->salt_len;
	memcpy(p, key, s->key_len);
	p += s->key_len;
	memcpy(p, iv, s->salt_len);
	p += s->salt_len;
	memcpy(p, rec_seq, sizeof(rec_seq));
	p += sizeof(rec_seq);
	if ((size_t)(p - ci->buf) != s->info_len)
		ret = -EINVAL;	/* layout assumption broken: refuse */
out:
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(iv, sizeof(iv));
	if (ret)
		OPENSSL_cleanse(ci, sizeof(*ci));
	return ret;
}

int ktlsph_ktls_setup(int fd, uint16_t suite, const uint8_t *tx_secret,
		      const uint8_t *rx_secret, size_t secret_len,
		      uint64_t tx_seq, uint64_t rx_seq, char *err,
		      size_t errlen)
{
	const struct ktlsph_suite *s = ktlsph_suite_by_id(suite);
	struct ktlsph_crypto_info tx, rx;
	int ret, e;

	if (!s)
		return fail(err, errlen, -EINVAL,
			    "cipher suite 0x%04x is not supported by kTLS",
			    suite);
	if (secret_len != s->hash_len)
		return fail(err, errlen, -EINVAL,
			    "%s needs %zu-byte secrets, got %zu", s->name,
			    s->hash_len, secret_len);
	ret = ktlsph_crypto_info(suite, tx_secret, secret_len, tx_seq, &tx);
	if (!ret)
		ret = ktlsph_crypto_info(suite, rx_secret, secret_len, rx_seq,
					 &rx);
	if (ret) {
		OPENSSL_cleanse(&tx, sizeof(tx));
		return fail(err, errlen, ret,
			    "deriving the %s key and iv failed", s->name);
	}

	if (setsockopt(fd, SOL_TCP, TCP_ULP, "tls", sizeof("tls")) < 0) {
		e = errno;
		if (e == ENOENT)
			ret = fail(err, errlen, -e,
				   "setsockopt(TCP_ULP, \"tls\"): %s: the kernel has no kTLS (CONFIG_TLS; try 'modprobe tls')",
				   strerror(e));
		else if (e == EEXIST)
			ret = fail(err, errlen, -e,
				   "setsockopt(TCP_ULP, \"tls\"): %s: the socket already has an upper layer protocol",
				   strerror(e));
		else
			ret = fail(err, errlen, -e,
				   "setsockopt(TCP_ULP, \"tls\"): %s",
				   strerror(e));
		goto out;
	}
	if (setsockopt(fd, SOL_TLS, TLS_TX, tx.buf, s->info_len) < 0) {
		e = errno;
		ret = fail(err, errlen, -e,
			   "setsockopt(SOL_TLS, TLS_TX, %s): %s", s->name,
			   strerror(e));
		goto out;
	}
	if (setsockopt(fd, SOL_TLS, TLS_RX, rx.buf, s->info_len) < 0) {
		e = errno;
		ret = fail(err, errlen, -e,
			   "setsockopt(SOL_TLS, TLS_RX, %s): %s", s->name,
			   strerror(e));
		goto out;
	}
	seterr_ok(err, errlen);
out:
	OPENSSL_cleanse(&tx, sizeof(tx));
	OPENSSL_cleanse(&rx, sizeof(rx));
	return ret;
}

ssize_t ktlsph_recv(int fd, void *buf, size_t len, int *rtype)
{
	union {
		char buf[CMSG_SPACE(sizeof(unsigned char))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	do {
		n = recvmsg(fd, &msg, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (rtype) {
		*rtype = KTLSPH_RT_APPDATA;
		for (cmsg = CMSG_FIRSTHDR(&msg); cmsg;
		     cmsg = CMSG_NXTHDR(&msg, cmsg))
			if (cmsg->cmsg_level == SOL_TLS &&
			    cmsg->cmsg_type == TLS_GET_RECORD_TYPE)
				*rtype = *(unsigned char *)CMSG_DATA(cmsg);
	}
	return n;
}

int ktlsph_send_alert(int fd, uint8_t level, uint8_t desc)
{
	union {
		char buf[CMSG_SPACE(sizeof(unsigned char))];
		struct cmsghdr align;
	} control;
	uint8_t alert[2] = { level, desc };
	struct iovec iov = { .iov_base = alert, .iov_len = sizeof(alert) };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	memset(&control, 0, sizeof(control));
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_TLS;
	cmsg->cmsg_type = TLS_SET_RECORD_TYPE;
	cmsg->cmsg_len = CMSG_LEN(sizeof(unsigned char));
	*(unsigned char *)CMSG_DATA(cmsg) = KTLSPH_RT_ALERT;

	do {
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == sizeof(alert) ? 0 : -EIO;
}

/* ---- generic netlink ------------------------------------------------ */

struct nl_req {
	int done;
	int error;		/* negative errno from the kernel */
	int replies;
	char msg[256];		/* extack message */
	int (*parse)(struct nlattr **tb, void *arg);
	void *arg;
	int cb_ret;		/* non-zero: the dump callback stopped */
};

/* A libnl error code as a negative errno. */
static int nlerr_to_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_INTR:
		return -EINTR;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_PROTO_MISMATCH:
		return -EPROTO;
	default:
		return -EIO;
	}
}

/* See ktlsph_int.h. */
void ktlsph_extack_msg(char *msg, size_t msglen, void *attrs, int len)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	if (len <= 0 || nla_parse(tb, NLMSGERR_ATTR_MAX, attrs, len, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG]) {
		snprintf(msg, msglen, "%.*s", nla_len(tb[NLMSGERR_ATTR_MSG]),
			 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	} else if (tb[NLMSGERR_ATTR_MISS_TYPE]) {
		snprintf(msg, msglen, "missing attribute %u",
			 nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]));
	} else if (tb[NLMSGERR_ATTR_OFFS]) {
		snprintf(msg, msglen, "invalid attribute at offset %u",
			 nla_get_u32(tb[NLMSGERR_ATTR_OFFS]));
	}
}

/* See ktlsph_int.h. */
void ktlsph_nlmsgerr_extack(struct nlmsgerr *e, char *msg, size_t msglen)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	size_t off = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	if (nlh->nlmsg_len >= NLMSG_HDRLEN + off)
		ktlsph_extack_msg(msg, msglen, (char *)e + off,
				  nlh->nlmsg_len - NLMSG_HDRLEN - off);
}

static int nl_error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e,
		       void *arg)
{
	struct nl_req *r = arg;

	(void)nla;
	r->done = 1;
	r->error = e->error < 0 ? e->error : -EPROTO;
	ktlsph_nlmsgerr_extack(e, r->msg, sizeof(r->msg));
	return NL_STOP;
}

static int nl_ack_cb(struct nl_msg *msg, void *arg)
{
	struct nl_req *r = arg;

	(void)msg;
	r->done = 1;
	return NL_STOP;
}

/* NLMSG_DONE of a dump: it carries an int, negative if the dump failed. */
static int nl_finish_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nl_req *r = arg;
	int len = nlmsg_datalen(nlh);
	int error;

	r->done = 1;
	if (len >= (int)sizeof(int)) {
		memcpy(&error, nlmsg_data(nlh), sizeof(error));
		if (error < 0) {
			r->error = error;
			if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
				ktlsph_extack_msg(r->msg, sizeof(r->msg),
						  (char *)nlmsg_data(nlh) +
						  NLMSG_ALIGN(sizeof(int)),
						  len - NLMSG_ALIGN(sizeof(int)));
		}
	}
	return NL_STOP;
}

static int nl_valid_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[KTLS_PH_A_SOCK_MAX + 1];
	struct nl_req *r = arg;
	int ret;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, KTLS_PH_A_SOCK_MAX, NULL))
		return NL_SKIP;
	r->replies++;
	if (!r->parse)
		return NL_OK;
	ret = r->parse(tb, r->arg);
	if (ret) {
		r->cb_ret = ret;
		r->done = 1;
		return NL_STOP;
	}
	return NL_OK;
}

/*
 * Send one ktls-ph request built by @fill and collect the answer. @dump
 * selects a dump (no ACK, ends with NLMSG_DONE). Returns 0 or -errno.
 */
static int ktlsph_request(uint8_t cmd, int dump,
			  int (*fill)(struct nl_msg *msg, const void *arg),
			  const void *fill_arg, struct nl_req *r, char *err,
			  size_t errlen)
{
	struct nl_sock *sk;
	struct nl_cb *cb = NULL;
	struct nl_msg *msg = NULL;
	int family, ret, one = 1;

	sk = nl_socket_alloc();
	if (!sk)
		return fail(err, errlen, -ENOMEM, "nl_socket_alloc failed");
	ret = genl_connect(sk);
	if (ret < 0) {
		ret = fail(err, errlen, nlerr_to_errno(ret),
			   "generic netlink connect: %s", nl_geterror(ret));
		goto out;
	}
	/* replies may be large (a get with the peer's certificate) */
	nl_socket_enable_msg_peek(sk);
	/* Ask for extended ACKs: the kernel's reason for a failure. */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	family = genl_ctrl_resolve(sk, KTLS_PH_FAMILY_NAME);
	if (family < 0) {
		if (family == -NLE_OBJ_NOTFOUND)
			ret = fail(err, errlen, -ENOENT,
				   "generic netlink family \"%s\" not found: is the ktls_ph module loaded?",
				   KTLS_PH_FAMILY_NAME);
		else
			ret = fail(err, errlen, nlerr_to_errno(family),
				   "resolving generic netlink family \"%s\": %s",
				   KTLS_PH_FAMILY_NAME, nl_geterror(family));
		goto out;
	}

	/*
	 * Not nlmsg_alloc(): its default size, a page, does not hold an
	 * attach with a real handshake's transcript (certificate chains).
	 */
	msg = nlmsg_alloc_size(KTLSPH_NL_REQ_SIZE);
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!msg || !cb) {
		ret = fail(err, errlen, -ENOMEM, "out of memory");
		goto out;
	}
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
			 dump ? NLM_F_DUMP : 0, cmd, KTLS_PH_FAMILY_VERSION)) {
		ret = fail(err, errlen, -ENOMEM, "genlmsg_put failed");
		goto out;
	}
	if (fill) {
		ret = fill(msg, fill_arg);
		if (ret < 0) {
			ret = fail(err, errlen, -EMSGSIZE,
				   "building the request: %s",
				   nl_geterror(ret));
			goto out;
		}
	}
	if (dump)
		nl_socket_disable_auto_ack(sk);

	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, nl_valid_cb, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, nl_ack_cb, r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, nl_finish_cb, r);
	nl_cb_err(cb, NL_CB_CUSTOM, nl_error_cb, r);

	ret = nl_send_auto(sk, msg);
	if (ret < 0) {
		ret = fail(err, errlen, nlerr_to_errno(ret),
			   "sending the request: %s", nl_geterror(ret));
		goto out;
	}
	while (!r->done) {
		ret = nl_recvmsgs(sk, cb);
		if (ret < 0 && !r->done) {
			ret = fail(err, errlen, nlerr_to_errno(ret),
				   "receiving the answer: %s",
				   nl_geterror(ret));
			goto out;
		}
	}
	if (r->error) {
		ret = fail(err, errlen, r->error, "%s%s%s",
			   strerror(-r->error), r->msg[0] ? ": " : "",
			   r->msg);
		goto out;
	}
	ret = 0;
	seterr_ok(err, errlen);
out:
	/* the request may carry secrets */
	if (msg)
		OPENSSL_cleanse(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	nl_cb_put(cb);
	nl_socket_free(sk);
	return ret;
}

/* NLA_UINT: 4 or 8 bytes. */
static uint64_t get_uint(const struct nlattr *a)
{
	uint64_t v64;
	uint32_t v32;

	if (!a)
		return 0;
	if (nla_len(a) == sizeof(v64)) {
		memcpy(&v64, nla_data(a), sizeof(v64));
		return v64;
	}
	if (nla_len(a) == sizeof(v32)) {
		memcpy(&v32, nla_data(a), sizeof(v32));
		return v32;
	}
	return 0;
}

struct attach_req {
	const struct ktlsph_attach_args *a;
	int fd;
};

static int fill_attach(struct nl_msg *msg, const void *arg)
{
	const struct attach_req *req = arg;
	const struct ktlsph_attach_args *a = req->a;
	int ret;

	ret = nla_put_s32(msg, KTLS_PH_A_SOCK_SOCKFD, req->fd);
	if (!ret)
		ret = nla_put_u32(msg, KTLS_PH_A_SOCK_ROLE, a->role);
	if (!ret)
		ret = nla_put_u16(msg, KTLS_PH_A_SOCK_CIPHER_SUITE, a->suite);
	if (!ret)
		ret = nla_put(msg, KTLS_PH_A_SOCK_TX_SECRET, a->secret_len,
			      a->tx_secret);
	if (!ret)
		ret = nla_put(msg, KTLS_PH_A_SOCK_RX_SECRET, a->secret_len,
			      a->rx_secret);
	if (!ret && a->resumption_secret)
		ret = nla_put(msg, KTLS_PH_A_SOCK_RESUMPTION_SECRET,
			      a->secret_len, a->resumption_secret);
	if (!ret && a->server_name && a->server_name[0])
		ret = nla_put_string(msg, KTLS_PH_A_SOCK_SERVER_NAME,
				     a->server_name);
	if (!ret && a->rekey_records)
		ret = nla_put_u64(msg, KTLS_PH_A_SOCK_REKEY_RECORDS,
				  a->rekey_records);
	if (!ret && a->rekey_bytes)
		ret = nla_put_u64(msg, KTLS_PH_A_SOCK_REKEY_BYTES,
				  a->rekey_bytes);
	if (!ret && a->peer_auth)
		ret = nla_put_u32(msg, KTLS_PH_A_SOCK_PEER_AUTH, a->peer_auth);
	/* the kernel takes the transcript only with pha-offered */
	if (!ret && a->pha_offered)
		ret = nla_put(msg, KTLS_PH_A_SOCK_TRANSCRIPT, a->transcript_len,
			      a->transcript);
	if (!ret && a->pha_offered)
		ret = nla_put_flag(msg, KTLS_PH_A_SOCK_PHA_OFFERED);
	return ret;
}

static int parse_cookie(struct nlattr **tb, void *arg)
{
	uint64_t *cookie = arg;

	if (tb[KTLS_PH_A_SOCK_COOKIE])
		*cookie = get_uint(tb[KTLS_PH_A_SOCK_COOKIE]);
	return 0;
}

int ktlsph_attach(int fd, const struct ktlsph_attach_args *a,
		  uint64_t *cookie, char *err, size_t errlen)
{
	struct attach_req req = { .a = a, .fd = fd };
	struct nl_req r = { 0 };
	uint64_t c = 0;
	int ret;

	if (!a || !a->tx_secret || !a->rx_secret)
		return fail(err, errlen, -EINVAL, "missing secrets");
	if (a->role != KTLSPH_ROLE_CLIENT && a->role != KTLSPH_ROLE_SERVER)
		return fail(err, errlen, -EINVAL, "invalid role %d", a->role);
	if (!a->secret_len || a->secret_len > KTLSPH_MAX_SECRET)
		return fail(err, errlen, -EINVAL, "invalid secret length %zu",
			    a->secret_len);
	if (a->peer_auth < KTLSPH_PEER_AUTH_UNKNOWN ||
	    a->peer_auth > KTLSPH_PEER_AUTH_PSK)
		return fail(err, errlen, -EINVAL, "invalid peer_auth %d",
			    a->peer_auth);
	if (a->pha_offered && (!a->transcript || !a->transcript_len))
		return fail(err, errlen, -EINVAL,
			    "pha_offered needs the handshake transcript");
	if (a->pha_offered && a->transcript_len > KTLSPH_MAX_TRANSCRIPT)
		return fail(err, errlen, -EMSGSIZE,
			    "handshake transcript of %zu bytes: ktls_ph takes at most %d",
			    a->transcript_len, KTLSPH_MAX_TRANSCRIPT);
	r.parse = parse_cookie;
	r.arg = &c;
	ret = ktlsph_request(KTLS_PH_CMD_ATTACH, 0, fill_attach, &req, &r,
			     err, errlen);
	if (!ret && cookie)
		*cookie = c;
	return ret;
}

static int fill_fd(struct nl_msg *msg, const void *arg)
{
	return nla_put_s32(msg, KTLS_PH_A_SOCK_SOCKFD, *(const int *)arg);
}

int ktlsph_detach(int fd, char *err, size_t errlen)
{
	struct nl_req r = { 0 };

	return ktlsph_request(KTLS_PH_CMD_DETACH, 0, fill_fd, &fd, &r, err,
			      errlen);
}

static int fill_key_update(struct nl_msg *msg, const void *arg)
{
	const int *v = arg;	/* { fd, request_peer } */
	int ret;

	ret = nla_put_s32(msg, KTLS_PH_A_SOCK_SOCKFD, v[0]);
	if (!ret && v[1])
		ret = nla_put_flag(msg, KTLS_PH_A_SOCK_REQUEST_PEER);
	return ret;
}

int ktlsph_key_update(int fd, int request_peer, char *err, size_t errlen)
{
	int v[2] = { fd, !!request_peer };
	struct nl_req r = { 0 };

	return ktlsph_request(KTLS_PH_CMD_KEY_UPDATE, 0, fill_key_update, v,
			      &r, err, errlen);
}

static void parse_stats(struct nlattr **tb, struct ktlsph_stats *st)
{
	struct nlattr *sa[KTLS_PH_A_STATS_MAX + 1];

	memset(st, 0, sizeof(*st));
	st->cookie = get_uint(tb[KTLS_PH_A_SOCK_COOKIE]);
	if (tb[KTLS_PH_A_SOCK_ROLE])
		st->role = nla_get_u32(tb[KTLS_PH_A_SOCK_ROLE]);
	if (tb[KTLS_PH_A_SOCK_CIPHER_SUITE])
		st->suite = nla_get_u16(tb[KTLS_PH_A_SOCK_CIPHER_SUITE]);
	if (tb[KTLS_PH_A_SOCK_PHA_VERDICT])
		st->pha_verdict = nla_get_u32(tb[KTLS_PH_A_SOCK_PHA_VERDICT]);
	if (tb[KTLS_PH_A_SOCK_PHA_ALERT])
		st->pha_alert = nla_get_u8(tb[KTLS_PH_A_SOCK_PHA_ALERT]);
	if (!tb[KTLS_PH_A_SOCK_STATS] ||
	    nla_parse_nested(sa, KTLS_PH_A_STATS_MAX, tb[KTLS_PH_A_SOCK_STATS],
			     NULL))
		return;
	st->rx_rekeys = get_uint(sa[KTLS_PH_A_STATS_RX_REKEYS]);
	st->tx_rekeys = get_uint(sa[KTLS_PH_A_STATS_TX_REKEYS]);
	st->update_requested = get_uint(sa[KTLS_PH_A_STATS_UPDATE_REQUESTED]);
	st->auto_rekeys = get_uint(sa[KTLS_PH_A_STATS_AUTO_REKEYS]);
	st->tx_records = get_uint(sa[KTLS_PH_A_STATS_TX_RECORDS]);
	st->tx_bytes = get_uint(sa[KTLS_PH_A_STATS_TX_BYTES]);
	st->hs_records = get_uint(sa[KTLS_PH_A_STATS_HS_RECORDS]);
	st->tickets = get_uint(sa[KTLS_PH_A_STATS_TICKETS]);
	st->pha_requests = get_uint(sa[KTLS_PH_A_STATS_PHA_REQUESTS]);
	st->pha_answered = get_uint(sa[KTLS_PH_A_STATS_PHA_ANSWERED]);
	st->pha_declined = get_uint(sa[KTLS_PH_A_STATS_PHA_DECLINED]);
	st->pha_timeouts = get_uint(sa[KTLS_PH_A_STATS_PHA_TIMEOUTS]);
}

static int parse_get(struct nlattr **tb, void *arg)
{
	parse_stats(tb, arg);
	return 0;
}

int ktlsph_get(int fd, struct ktlsph_stats *out, char *err, size_t errlen)
{
	struct nl_req r = { 0 };
	struct ktlsph_stats st;
	int ret;

	r.parse = parse_get;
	r.arg = &st;
	ret = ktlsph_request(KTLS_PH_CMD_GET, 0, fill_fd, &fd, &r, err,
			     errlen);
	if (ret)
		return ret;
	if (!r.replies)
		return fail(err, errlen, -EPROTO, "no reply from the kernel");
	if (out)
		*out = st;
	return 0;
}

int ktlsph_stats_format(const struct ktlsph_stats *st, char *buf,
			size_t len)
{
	const struct ktlsph_suite *s = ktlsph_suite_by_id(st->suite);

	return snprintf(buf, len,
			"cookie=%llu role=%s suite=%s rx_rekeys=%llu tx_rekeys=%llu update_requested=%llu auto_rekeys=%llu tx_records=%llu tx_bytes=%llu hs_records=%llu tickets=%llu pha_requests=%llu pha_answered=%llu pha_declined=%llu pha_timeouts=%llu pha_verdict=%s pha_alert=%u",
			(unsigned long long)st->cookie,
			st->role == KTLSPH_ROLE_SERVER ? "server" : "client",
			s ? s->name : "unknown",
			(unsigned long long)st->rx_rekeys,
			(unsigned long long)st->tx_rekeys,
			(unsigned long long)st->update_requested,
			(unsigned long long)st->auto_rekeys,
			(unsigned long long)st->tx_records,
			(unsigned long long)st->tx_bytes,
			(unsigned long long)st->hs_records,
			(unsigned long long)st->tickets,
			(unsigned long long)st->pha_requests,
			(unsigned long long)st->pha_answered,
			(unsigned long long)st->pha_declined,
			(unsigned long long)st->pha_timeouts,
			ktlsph_pha_verdict_name(st->pha_verdict),
			st->pha_alert);
}

/* ---- post-handshake authentication ----------------------------------- */

const char *ktlsph_pha_verdict_name(uint32_t verdict)
{
	static const char * const names[] = {
		[KTLSPH_PHA_NONE] = "none",
		[KTLSPH_PHA_PENDING] = "pending",
		[KTLSPH_PHA_OK] = "ok",
		[KTLSPH_PHA_NO_CERTIFICATE] = "no-certificate",
		[KTLSPH_PHA_BAD_CERTIFICATE] = "bad-certificate",
		[KTLSPH_PHA_UNSUPPORTED_CERTIFICATE] = "unsupported-certificate",
		[KTLSPH_PHA_DECRYPT_ERROR] = "decrypt-error",
		[KTLSPH_PHA_ILLEGAL_PARAMETER] = "illegal-parameter",
		[KTLSPH_PHA_DECODE_ERROR] = "decode-error",
		[KTLSPH_PHA_UNEXPECTED_MESSAGE] = "unexpected-message",
		[KTLSPH_PHA_CERTIFICATE_REQUIRED] = "certificate-required",
		[KTLSPH_PHA_TIMEOUT] = "timeout",
		[KTLSPH_PHA_ERROR] = "error",
	};

	if (verdict >= ARRAY_SIZE(names) || !names[verdict])
		return "unknown";
	return names[verdict];
}

void ktlsph_pha_result_free(struct ktlsph_pha_result *res)
{
	if (!res)
		return;
	free(res->peer_cert);
	memset(res, 0, sizeof(*res));
}

int ktlsph_pha_request(int fd, char *err, size_t errlen)
{
	struct nl_req r = { 0 };

	return ktlsph_request(KTLS_PH_CMD_PHA_REQUEST, 0, fill_fd, &fd, &r,
			      err, errlen);
}

static int parse_pha_result(struct nlattr **tb, void *arg)
{
	struct ktlsph_pha_result *res = arg;
	struct nlattr *pc = tb[KTLS_PH_A_SOCK_PEER_CERT];

	/* one reply to a do; ignore any further one */
	if (res->stats.cookie || res->peer_cert)
		return 0;
	parse_stats(tb, &res->stats);
	res->verdict = res->stats.pha_verdict;
	res->alert = res->stats.pha_alert;
	if (pc && nla_len(pc) > 0) {
		res->peer_cert = malloc(nla_len(pc));
		if (!res->peer_cert)
			return -ENOMEM;
		memcpy(res->peer_cert, nla_data(pc), nla_len(pc));
		res->peer_cert_len = nla_len(pc);
	}
	return 0;
}

int ktlsph_pha_result(int fd, struct ktlsph_pha_result *res, char *err,
		      size_t errlen)
{
	struct ktlsph_pha_result tmp;
	struct nl_req r = { 0 };
	int ret;

	if (res)
		memset(res, 0, sizeof(*res));
	memset(&tmp, 0, sizeof(tmp));
	r.parse = parse_pha_result;
	r.arg = &tmp;
	ret = ktlsph_request(KTLS_PH_CMD_GET, 0, fill_fd, &fd, &r, err,
			     errlen);
	if (!ret && r.cb_ret)
		ret = fail(err, errlen, r.cb_ret, "out of memory");
	else if (!ret && !r.replies)
		ret = fail(err, errlen, -EPROTO, "no reply from the kernel");
	if (ret || !res) {
		ktlsph_pha_result_free(&tmp);
		return ret;
	}
	*res = tmp;
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Safety poll of ktlsph_pha_wait() while subscribed to the pha-done
 * notifications, in case one is lost; and its poll step without them.
 */
#define PHA_WAIT_SAFETY_MS	250
#define PHA_WAIT_STEP_MS	25

/*
 * Join the family's "pha" multicast group (no permission needed), for one
 * ktlsph_pha_wait() call. NULL: module without it, no netlink socket:
 * poll instead.
 */
static struct nl_sock *pha_mcast_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int grp;

	if (!sk)
		return NULL;
	if (genl_connect(sk) < 0)
		goto fail;
	grp = genl_ctrl_resolve_grp(sk, KTLS_PH_FAMILY_NAME,
				    KTLS_PH_MCGRP_PHA);
	if (grp < 0 || nl_socket_add_membership(sk, grp) < 0)
		goto fail;
	nl_socket_disable_seq_check(sk);
	return sk;
fail:
	nl_socket_free(sk);
	return NULL;
}

/*
 * Drain the subscription without blocking. Returns 1 when a pha-done for
 * @cookie (0: any) arrived or notifications were lost (ENOBUFS: the
 * receive buffer overran) or cut short, 0 when only others arrived,
 * -errno when the socket failed.
 */
static int pha_mcast_drain(struct nl_sock *sk, uint64_t cookie)
{
	union {
		struct nlmsghdr h;
		uint8_t b[4096];
	} buf;
	struct nlattr *tb[KTLS_PH_A_SOCK_MAX + 1];
	int sfd = nl_socket_get_fd(sk);
	struct sockaddr_nl from;
	struct nlmsghdr *nlh;
	socklen_t fromlen;
	int ours = 0, len;
	ssize_t n;

	for (;;) {
		fromlen = sizeof(from);
		n = recvfrom(sfd, &buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fromlen);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return ours;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			ours = 1;
			continue;
		}
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		/* the kernel's only: ktls_ph's group is all we joined */
		if (from.nl_pid)
			continue;
		len = (int)n;
		for (nlh = &buf.h; nlmsg_ok(nlh, len);
		     nlh = nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE ||
			    !genlmsg_valid_hdr(nlh, 0) ||
			    ((struct genlmsghdr *)nlmsg_data(nlh))->cmd !=
			    KTLS_PH_CMD_PHA_DONE ||
			    genlmsg_parse(nlh, 0, tb, KTLS_PH_A_SOCK_MAX, NULL))
				continue;
			if (!cookie || !tb[KTLS_PH_A_SOCK_COOKIE] ||
			    get_uint(tb[KTLS_PH_A_SOCK_COOKIE]) == cookie)
				ours = 1;
		}
		/* a message cut short (larger than the buffer) */
		if (len > 0)
			ours = 1;
	}
}

int ktlsph_pha_wait(int fd, int timeout_ms, struct ktlsph_pha_result *res,
		    char *err, size_t errlen)
{
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = -1, .events = POLLIN },
	};
	struct nl_sock *mc;
	int64_t deadline, left;
	int ret, e, step, recheck = 1;
	uint64_t cookie = 0;
	uint8_t byte;
	ssize_t n;

	if (!res)
		return fail(err, errlen, -EINVAL, "no result buffer");
	memset(res, 0, sizeof(*res));
	if (timeout_ms < 0)
		timeout_ms = 10000;
	deadline = now_ms() + timeout_ms;
	/*
	 * Woken by the pha-done notification for the socket's cookie; the
	 * get stays the source of truth. Subscribed before the first get,
	 * so that no notification falls in between.
	 */
	step = PHA_WAIT_STEP_MS;
	mc = pha_mcast_open();
	if (mc) {
		pfd[1].fd = nl_socket_get_fd(mc);
		step = PHA_WAIT_SAFETY_MS;
	}
	for (;;) {
		if (recheck) {
			ktlsph_pha_result_free(res);
			ret = ktlsph_pha_result(fd, res, err, errlen);
			if (ret || res->verdict != KTLSPH_PHA_PENDING)
				goto out;
			cookie = res->stats.cookie;
		}
		recheck = 1;
		left = deadline - now_ms();
		if (left <= 0) {
			ret = fail(err, errlen, -ETIMEDOUT,
				   "no outcome within %d ms (still pending)",
				   timeout_ms);
			goto out;
		}
		pfd[0].revents = 0;
		pfd[1].revents = 0;
		ret = poll(pfd, 2, left < step ? (int)left : step);
		if (ret < 0 && errno != EINTR) {
			ret = fail(err, errlen, -errno, "poll: %s",
				   strerror(errno));
			goto out;
		}
		if (ret <= 0)
			continue;
		if (pfd[1].revents) {
			ret = pha_mcast_drain(mc, cookie);
			if (ret < 0) {
				/* the subscription failed: poll instead */
				nl_socket_free(mc);
				mc = NULL;
				pfd[1].fd = -1;
				step = PHA_WAIT_STEP_MS;
			} else if (!ret && !pfd[0].revents) {
				/* only other sockets' outcomes: no get */
				recheck = 0;
				continue;
			}
		}
		if (!pfd[0].revents)
			continue;
		/*
		 * ktls_ph acts on the handshake records at the head of the
		 * queue when the socket is read, also by a peek, which
		 * leaves application data where it is.
		 */
		n = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
		e = n < 0 ? errno : 0;
		if (n < 0 && (e == EAGAIN || e == EWOULDBLOCK || e == EINTR))
			continue;
		if (n > 0) {
			ktlsph_pha_result_free(res);
			ret = ktlsph_pha_result(fd, res, err, errlen);
			if (!ret && res->verdict == KTLSPH_PHA_PENDING)
				ret = fail(err, errlen, -EAGAIN,
					   "a record from the client (application data or an alert) is waiting to be read before its answer: read it, then wait again");
			goto out;
		}
		/* the end of the connection, or its error */
		ktlsph_pha_result_free(res);
		ret = ktlsph_pha_result(fd, res, err, errlen);
		if (ret)
			goto out;
		if (n == 0)
			ret = fail(err, errlen, -ENOTCONN,
				   "the connection ended (verdict %s)",
				   ktlsph_pha_verdict_name(res->verdict));
		else
			ret = fail(err, errlen, -e,
				   "receive: %s (verdict %s)", strerror(e),
				   ktlsph_pha_verdict_name(res->verdict));
		goto out;
	}
out:
	nl_socket_free(mc);
	return ret;
}

struct dump_arg {
	ktlsph_dump_cb cb;
	void *arg;
};

static int parse_dump(struct nlattr **tb, void *arg)
{
	struct dump_arg *d = arg;
	struct ktlsph_stats st;

	parse_stats(tb, &st);
	return d->cb ? d->cb(&st, d->arg) : 0;
}

int ktlsph_dump(ktlsph_dump_cb cb, void *arg, char *err, size_t errlen)
{
	struct dump_arg d = { .cb = cb, .arg = arg };
	struct nl_req r = { 0 };
	int ret;

	r.parse = parse_dump;
	r.arg = &d;
	ret = ktlsph_request(KTLS_PH_CMD_GET, 1, NULL, NULL, &r, err, errlen);
	if (ret)
		return ret;
	return r.cb_ret ? r.cb_ret : r.replies;
}

/* ---- key log lines -------------------------------------------------- */

/* Decode exactly 2 * @len hex digits at @s. */
static int unhex(const char *s, uint8_t *out, size_t len)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < len; i++) {
		hi = hexval((unsigned char)s[2 * i]);
		lo = hi < 0 ? -1 : hexval((unsigned char)s[2 * i + 1]);
		if (lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int ktlsph_keylog_parse(const char *line, struct ktlsph_keylog *out)
{
	const char *p, *sp;
	size_t n;

	if (!line || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));

	/* LABEL: [A-Z0-9_]+ */
	sp = strchr(line, ' ');
	if (!sp || sp == line || (size_t)(sp - line) >= sizeof(out->label))
		goto bad;
	for (p = line; p < sp; p++)
		if (!isupper((unsigned char)*p) &&
		    !isdigit((unsigned char)*p) && *p != '_')
			goto bad;
	memcpy(out->label, line, sp - line);

	/* client_random: 32 bytes */
	p = sp + 1;
	sp = strchr(p, ' ');
	if (!sp || sp - p != 2 * (ptrdiff_t)sizeof(out->client_random) ||
	    unhex(p, out->client_random, sizeof(out->client_random)))
		goto bad;

	/* secret: 32 or 48 bytes, then the end (one newline allowed) */
	p = sp + 1;
	n = strcspn(p, "\n");
	if (p[n] == '\n' && p[n + 1] != '\0')
		goto bad;
	if (n != 64 && n != 96)
		goto bad;
	out->secret_len = n / 2;
	if (unhex(p, out->secret, out->secret_len))
		goto bad;
	return 0;
bad:
	OPENSSL_cleanse(out, sizeof(*out));
	return -EINVAL;
}
