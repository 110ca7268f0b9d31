// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace unit test of libktlsph's GnuTLS glue, for what works without
 * kTLS: the cipher mapping (against GnuTLS's own suite table), and over
 * real in-process TLS 1.3 handshakes on a socketpair the captured secrets
 * (against GnuTLS's key log), the record sequence numbers (server tickets,
 * records GnuTLS read and sent before the hand-over), secrets that follow
 * KeyUpdates GnuTLS processed itself, and every refusal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "ktlsph.h"
#include "ktlsph_gnutls.h"
#include "tls13kdf.h"
#include "tap.h"
#include "test_cert.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PRIO_TLS13	"NORMAL:-VERS-ALL:+VERS-TLS1.3"

/* ---- cipher mapping ---------------------------------------------------- */

static void test_mapping(void)
{
	static const uint16_t ids[] = { 0x1301, 0x1302, 0x1303, 0x1304 };
	const struct ktlsph_suite *s;
	gnutls_kx_algorithm_t kx;
	gnutls_cipher_algorithm_t c;
	gnutls_mac_algorithm_t mac;
	gnutls_protocol_t ver;
	unsigned char id[2];
	const char *name;
	size_t i;
	int n = 0, good = 1;

	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		c = ktlsph_gnutls_cipher(ids[i]);
		name = gnutls_cipher_get_name(c);
		ok(c != GNUTLS_CIPHER_UNKNOWN &&
		   ktlsph_gnutls_suite_id(c) == ids[i] && name &&
		   gnutls_cipher_get_id(name) == c,
		   "mapping: 0x%04x <-> %s", ids[i], name ? name : "none");
	}
	ok(!ktlsph_gnutls_suite_id(GNUTLS_CIPHER_AES_128_CBC) &&
	   !ktlsph_gnutls_suite_id(GNUTLS_CIPHER_AES_128_CCM_8) &&
	   !ktlsph_gnutls_suite_id(GNUTLS_CIPHER_NULL) &&
	   !ktlsph_gnutls_suite_id(GNUTLS_CIPHER_UNKNOWN),
	   "mapping: ciphers kTLS cannot do in TLS 1.3 give 0");
	ok(ktlsph_gnutls_cipher(0x1305) == GNUTLS_CIPHER_UNKNOWN &&
	   ktlsph_gnutls_cipher(0xc02f) == GNUTLS_CIPHER_UNKNOWN,
	   "mapping: suites kTLS cannot do give GNUTLS_CIPHER_UNKNOWN");

	/* GnuTLS's table of TLS 1.3 suites must agree, name by name */
	for (i = 0; (name = gnutls_cipher_suite_info(i, id, &kx, &c, &mac,
						     &ver)); i++) {
		if (id[0] != 0x13)
			continue;
		s = ktlsph_suite_by_id(id[0] << 8 | id[1]);
		if (s) {
			n++;
			if (ktlsph_gnutls_suite_id(c) != s->id ||
			    strcmp(name, s->name))
				good = 0;
		} else if (ktlsph_gnutls_suite_id(c)) {
			good = 0;
		}
		if (!good) {
			printf("# GnuTLS suite %s 0x%02x%02x, cipher %s\n",
			       name, id[0], id[1], gnutls_cipher_get_name(c));
			break;
		}
	}
	ok(good && n == 4,
	   "mapping: agrees with GnuTLS's suite table (%d kTLS suites)", n);
}

/* ---- in-process handshakes --------------------------------------------- */

struct pair {
	gnutls_certificate_credentials_t scred, ccred;
	gnutls_datum_t tkey;
	gnutls_session_t c, s;
	int sv[2];
	/* the key log's application traffic secrets, [0] client [1] server */
	uint8_t log_c[2][KTLSPH_MAX_SECRET], log_s[2][KTLSPH_MAX_SECRET];
};

static int keylog(gnutls_session_t session, const char *label,
		  const gnutls_datum_t *secret)
{
	uint8_t (*out)[KTLSPH_MAX_SECRET] = gnutls_session_get_ptr(session);

	if (secret->size > KTLSPH_MAX_SECRET)
		return 0;
	if (!strcmp(label, "CLIENT_TRAFFIC_SECRET_0"))
		memcpy(out[0], secret->data, secret->size);
	if (!strcmp(label, "SERVER_TRAFFIC_SECRET_0"))
		memcpy(out[1], secret->data, secret->size);
	return 0;
}

static void pair_free(struct pair *p)
{
	ktlsph_gnutls_forget(p->c);
	ktlsph_gnutls_forget(p->s);
	if (p->c)
		gnutls_deinit(p->c);
	if (p->s)
		gnutls_deinit(p->s);
	if (p->scred)
		gnutls_certificate_free_credentials(p->scred);
	if (p->ccred)
		gnutls_certificate_free_credentials(p->ccred);
	gnutls_free(p->tkey.data);
	if (p->sv[0] >= 0)
		close(p->sv[0]);
	if (p->sv[1] >= 0)
		close(p->sv[1]);
	memset(p, 0, sizeof(*p));
	p->sv[0] = -1;
	p->sv[1] = -1;
}

/*
 * Both ends of a session over a non-blocking socketpair, the server with
 * tickets on (it sends 2 at the end of its handshake); capture on the
 * sessions chosen, both with the key log recorded.
 */
static int pair_init(struct pair *p, const char *prio, int cap_c, int cap_s)
{
	gnutls_datum_t key = {
		(unsigned char *)test_key, sizeof(test_key) - 1
	};
	gnutls_datum_t cert = {
		(unsigned char *)test_cert, sizeof(test_cert) - 1
	};

	memset(p, 0, sizeof(*p));
	p->sv[0] = -1;
	p->sv[1] = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, p->sv) ||
	    fcntl(p->sv[0], F_SETFL, O_NONBLOCK) ||
	    fcntl(p->sv[1], F_SETFL, O_NONBLOCK) ||
	    gnutls_certificate_allocate_credentials(&p->scred) ||
	    gnutls_certificate_allocate_credentials(&p->ccred) ||
	    gnutls_certificate_set_x509_key_mem(p->scred, &cert, &key,
						GNUTLS_X509_FMT_PEM) ||
	    gnutls_session_ticket_key_generate(&p->tkey) ||
	    gnutls_init(&p->c, GNUTLS_CLIENT | GNUTLS_NONBLOCK) ||
	    gnutls_init(&p->s, GNUTLS_SERVER | GNUTLS_NONBLOCK) ||
	    gnutls_priority_set_direct(p->c, prio, NULL) ||
	    gnutls_priority_set_direct(p->s, prio, NULL) ||
	    gnutls_credentials_set(p->c, GNUTLS_CRD_CERTIFICATE, p->ccred) ||
	    gnutls_credentials_set(p->s, GNUTLS_CRD_CERTIFICATE, p->scred) ||
	    gnutls_session_ticket_enable_server(p->s, &p->tkey) ||
	    gnutls_server_name_set(p->c, GNUTLS_NAME_DNS, "test", 4))
		return -1;
	gnutls_transport_set_int(p->c, p->sv[0]);
	gnutls_transport_set_int(p->s, p->sv[1]);
	gnutls_session_set_ptr(p->c, p->log_c);
	gnutls_session_set_ptr(p->s, p->log_s);
	gnutls_session_set_keylog_function(p->c, keylog);
	gnutls_session_set_keylog_function(p->s, keylog);
	if ((cap_c && ktlsph_gnutls_capture(p->c)) ||
	    (cap_s && ktlsph_gnutls_capture(p->s)))
		return -1;
	return 0;
}

static int handshake(struct pair *p)
{
	int i, rc = 1, rs = 1;

	for (i = 0; i < 1000 && (rc || rs); i++) {
		if (rc) {
			rc = gnutls_handshake(p->c);
			if (rc < 0 && gnutls_error_is_fatal(rc))
				return rc;
		}
		if (rs) {
			rs = gnutls_handshake(p->s);
			if (rs < 0 && gnutls_error_is_fatal(rs))
				return rs;
		}
	}
	return rc || rs ? -1 : 0;
}

/* gnutls_record_recv() until data (or an error other than EAGAIN). */
static ssize_t recv_data(gnutls_session_t s, void *buf, size_t len)
{
	ssize_t n = GNUTLS_E_AGAIN;
	int i;

	for (i = 0; i < 100 && n == GNUTLS_E_AGAIN; i++)
		n = gnutls_record_recv(s, buf, len);
	return n;
}

/* Let @s process whatever is in its socket. */
static void drain(gnutls_session_t s)
{
	char buf[64];
	int i;

	for (i = 0; i < 10; i++)
		if (gnutls_record_recv(s, buf, sizeof(buf)) != GNUTLS_E_AGAIN)
			break;
}

/* The secret after one KeyUpdate: HKDF-Expand-Label(s, "traffic upd"). */
static int next_secret(const struct ktlsph_suite *s, const uint8_t *in,
		       uint8_t *out)
{
	return ktls_ph_u_expand_label(s->hash, in, s->hash_len, "traffic upd",
				      NULL, 0, out, s->hash_len);
}

static const char *prio_of(const struct ktlsph_suite *s, char *buf,
			   size_t len)
{
	snprintf(buf, len, PRIO_TLS13 ":-CIPHER-ALL:+%s",
		 gnutls_cipher_get_name(ktlsph_gnutls_cipher(s->id)));
	return buf;
}

/*
 * Right after the handshake: the server is 2 records (its tickets) into
 * its send key, the client at 0 both ways; the secrets are the key log's.
 * The client then hands over at kTLS setup (refused by AF_UNIX).
 */
static void test_fresh(const struct ktlsph_suite *s)
{
	struct ktlsph_gnutls_state st;
	struct pair p;
	char prio[128], err[512];
	int ret;

	if (pair_init(&p, prio_of(s, prio, sizeof(prio)), 1, 1) ||
	    ktlsph_gnutls_capture(p.c) || handshake(&p)) {
		ok(0, "%s: handshake", s->name);
		goto out;
	}
	ok(ktlsph_gnutls_suite_id(gnutls_cipher_get(p.c)) == s->id,
	   "%s: handshake", s->name);

	ret = ktlsph_gnutls_get_state(p.s, &st, err, sizeof(err));
	ok(!ret && st.suite == s->id && st.secret_len == s->hash_len &&
	   st.tx_seq == 2 && st.rx_seq == 0,
	   "%s: server state: tx_seq %llu (2 tickets sent), rx_seq %llu (%s)",
	   s->name, (unsigned long long)st.tx_seq,
	   (unsigned long long)st.rx_seq, err);
	ok(!ret && !memcmp(st.tx_secret, p.log_s[1], s->hash_len) &&
	   !memcmp(st.rx_secret, p.log_s[0], s->hash_len),
	   "%s: server secrets are the key log's (tx server, rx client)",
	   s->name);
	gnutls_memset(&st, 0, sizeof(st));
	ret = ktlsph_gnutls_get_state(p.s, &st, err, sizeof(err));
	ok(ret == -EINVAL && strstr(err, "not captured") && !st.suite,
	   "%s: the secrets are gone after use (%s)", s->name, err);

	/* all checks pass: kTLS setup is reached, which AF_UNIX refuses */
	ret = ktlsph_gnutls_attach(p.c, p.sv[0], KTLSPH_ROLE_CLIENT, err,
				   sizeof(err));
	ok(ret == -EOPNOTSUPP && strstr(err, "TCP_ULP"),
	   "%s: client reaches kTLS setup (%s)", s->name, err);
	ret = ktlsph_gnutls_attach(p.c, p.sv[0], KTLSPH_ROLE_CLIENT, err,
				   sizeof(err));
	ok(ret == -EINVAL && strstr(err, "not captured"),
	   "%s: secrets wiped after an attempt (%s)", s->name, err);
out:
	pair_free(&p);
}

/*
 * GnuTLS read the server's tickets and a data record and sent one record
 * before the hand-over: the client starts at rx 3, tx 1. Received data it
 * still holds is refused.
 */
static void test_after_data(const struct ktlsph_suite *s)
{
	struct ktlsph_gnutls_state st;
	struct pair p;
	char prio[128], err[512], buf[64];
	int ret;

	if (pair_init(&p, prio_of(s, prio, sizeof(prio)), 1, 1) ||
	    handshake(&p)) {
		ok(0, "%s: handshake", s->name);
		goto out;
	}
	if (gnutls_record_send(p.s, "hello", 5) != 5 ||
	    recv_data(p.c, buf, sizeof(buf)) != 5 ||
	    gnutls_record_send(p.c, "x", 1) != 1) {
		ok(0, "%s: data before the hand-over", s->name);
		goto out;
	}
	ret = ktlsph_gnutls_get_state(p.c, &st, err, sizeof(err));
	ok(!ret && st.rx_seq == 3 && st.tx_seq == 1 &&
	   !memcmp(st.tx_secret, p.log_c[0], s->hash_len) &&
	   !memcmp(st.rx_secret, p.log_c[1], s->hash_len),
	   "%s: client after 2 tickets + 1 record in, 1 out: rx_seq %llu, tx_seq %llu (%s)",
	   s->name, (unsigned long long)st.rx_seq,
	   (unsigned long long)st.tx_seq, err);
	gnutls_memset(&st, 0, sizeof(st));

	/* the server has its sequence numbers too: tx 3, rx 1 */
	if (recv_data(p.s, buf, sizeof(buf)) != 1 ||
	    gnutls_record_send(p.s, "hello world", 11) != 11) {
		ok(0, "%s: more data", s->name);
		goto out;
	}
	ret = ktlsph_gnutls_get_state(p.s, &st, err, sizeof(err));
	ok(!ret && st.tx_seq == 4 && st.rx_seq == 1,
	   "%s: server after 2 tickets + 2 records out, 1 in: tx_seq %llu, rx_seq %llu (%s)",
	   s->name, (unsigned long long)st.tx_seq,
	   (unsigned long long)st.rx_seq, err);
	gnutls_memset(&st, 0, sizeof(st));
out:
	pair_free(&p);
}

/* Received data left in GnuTLS: refused, it would be lost. */
static void test_pending(const struct ktlsph_suite *s)
{
	struct pair p;
	char prio[128], err[512], buf[5];
	int ret;

	if (pair_init(&p, prio_of(s, prio, sizeof(prio)), 1, 1) ||
	    handshake(&p) ||
	    gnutls_record_send(p.s, "hello world", 11) != 11 ||
	    recv_data(p.c, buf, sizeof(buf)) != 5) {
		ok(0, "%s: setup", s->name);
		goto out;
	}
	ret = ktlsph_gnutls_attach(p.c, p.sv[0], KTLSPH_ROLE_CLIENT, err,
				   sizeof(err));
	ok(ret == -EINVAL && strstr(err, "holds 6 bytes"),
	   "%s: unread data in GnuTLS refused (%s)", s->name, err);
out:
	pair_free(&p);
}

/*
 * KeyUpdates GnuTLS processed before the hand-over (the server's, with
 * update_requested, and the client's answer): the captured secrets follow.
 */
static void test_key_update(const struct ktlsph_suite *s)
{
	uint8_t c1[KTLSPH_MAX_SECRET], s1[KTLSPH_MAX_SECRET];
	struct ktlsph_gnutls_state st;
	struct pair p;
	char prio[128], err[512], buf[64];
	int ret;

	if (pair_init(&p, prio_of(s, prio, sizeof(prio)), 1, 1) ||
	    handshake(&p) ||
	    gnutls_session_key_update(p.s, GNUTLS_KU_PEER) ||
	    gnutls_record_send(p.s, "after", 5) != 5 ||
	    recv_data(p.c, buf, sizeof(buf)) != 5 ||
	    next_secret(s, p.log_c[0], c1) || next_secret(s, p.log_c[1], s1)) {
		ok(0, "%s: KeyUpdate before the hand-over", s->name);
		goto out;
	}
	/*
	 * GnuTLS owes the server a KeyUpdate (its answer waits for the next
	 * gnutls_record_send()): get_state() has it sent first.
	 */
	ret = ktlsph_gnutls_get_state(p.c, &st, err, sizeof(err));
	ok(!ret && !memcmp(st.tx_secret, c1, s->hash_len) &&
	   !memcmp(st.rx_secret, s1, s->hash_len) && st.rx_seq == 1 &&
	   st.tx_seq == 0,
	   "%s: client secrets follow the KeyUpdates, the owed one sent (rx_seq %llu, tx_seq %llu) (%s)",
	   s->name, (unsigned long long)st.rx_seq,
	   (unsigned long long)st.tx_seq, err);
	gnutls_memset(&st, 0, sizeof(st));
	drain(p.s);	/* the client's answering KeyUpdate */
	ret = ktlsph_gnutls_get_state(p.s, &st, err, sizeof(err));
	ok(!ret && !memcmp(st.tx_secret, s1, s->hash_len) &&
	   !memcmp(st.rx_secret, c1, s->hash_len) && st.tx_seq == 1 &&
	   st.rx_seq == 0,
	   "%s: server secrets follow the KeyUpdates (tx_seq %llu, rx_seq %llu) (%s)",
	   s->name, (unsigned long long)st.tx_seq,
	   (unsigned long long)st.rx_seq, err);
	gnutls_memset(&st, 0, sizeof(st));
out:
	gnutls_memset(c1, 0, sizeof(c1));
	gnutls_memset(s1, 0, sizeof(s1));
	pair_free(&p);
}

/*
 * The owed KeyUpdate cannot go out (the socket's send buffer is full):
 * -EAGAIN with the secrets kept, then success once there is room.
 */
static void test_eagain(const struct ktlsph_suite *s)
{
	uint8_t c1[KTLSPH_MAX_SECRET], junk[4096] = { 0 };
	struct ktlsph_gnutls_state st;
	struct pair p;
	char prio[128], err[512], buf[64];
	int ret, i;

	if (pair_init(&p, prio_of(s, prio, sizeof(prio)), 1, 1) ||
	    handshake(&p) ||
	    gnutls_session_key_update(p.s, GNUTLS_KU_PEER) ||
	    gnutls_record_send(p.s, "after", 5) != 5 ||
	    recv_data(p.c, buf, sizeof(buf)) != 5 ||
	    next_secret(s, p.log_c[0], c1)) {
		ok(0, "%s: setup", s->name);
		goto out;
	}
	for (i = 0; i < 10000 && write(p.sv[0], junk, sizeof(junk)) > 0; i++)
		;
	ret = ktlsph_gnutls_get_state(p.c, &st, err, sizeof(err));
	ok(ret == -EAGAIN && strstr(err, "try again"),
	   "%s: owed KeyUpdate blocked by a full socket: EAGAIN (%s)", s->name,
	   err);
	for (i = 0; i < 10000 && read(p.sv[1], junk, sizeof(junk)) > 0; i++)
		;
	ret = ktlsph_gnutls_get_state(p.c, &st, err, sizeof(err));
	ok(!ret && !memcmp(st.tx_secret, c1, s->hash_len),
	   "%s: then, with room, it goes out and the secrets are still there (%s)",
	   s->name, err);
	gnutls_memset(&st, 0, sizeof(st));
out:
	gnutls_memset(c1, 0, sizeof(c1));
	pair_free(&p);
}

/* An application's own secret function that forwards to ours. */
static int app_secret_calls;

static int app_secret_func(gnutls_session_t session,
			   gnutls_record_encryption_level_t level,
			   const void *secret_read, const void *secret_write,
			   size_t secret_size)
{
	app_secret_calls++;
	return ktlsph_gnutls_secret_func(session, level, secret_read,
					 secret_write, secret_size);
}

static void test_misuse(void)
{
	struct ktlsph_gnutls_state st;
	struct pair p;
	char err[512];
	int ret;

	/* before the handshake */
	if (pair_init(&p, PRIO_TLS13, 1, 1)) {
		ok(0, "misuse: setup");
		goto out;
	}
	ret = ktlsph_gnutls_attach(p.c, p.sv[0], KTLSPH_ROLE_CLIENT, err,
				   sizeof(err));
	ok(ret == -EINVAL && strstr(err, "handshake is not done"),
	   "misuse: attach before the handshake (%s)", err);
	pair_free(&p);

	/* no capture; capture undone; capture forgotten */
	if (pair_init(&p, PRIO_TLS13, 0, 1) || ktlsph_gnutls_capture(p.s)) {
		ok(0, "misuse: setup");
		goto out;
	}
	gnutls_handshake_set_secret_function(p.s, NULL);
	if (handshake(&p)) {
		ok(0, "misuse: handshake");
		goto out;
	}
	ret = ktlsph_gnutls_get_state(p.c, &st, err, sizeof(err));
	ok(ret == -EINVAL && strstr(err, "not captured"),
	   "misuse: no capture (%s)", err);
	ret = ktlsph_gnutls_get_state(p.s, &st, err, sizeof(err));
	ok(ret == -EINVAL && strstr(err, "another secret function"),
	   "misuse: secret function replaced after capture (%s)", err);
	pair_free(&p);

	if (pair_init(&p, PRIO_TLS13, 1, 1)) {
		ok(0, "misuse: setup");
		goto out;
	}
	ktlsph_gnutls_forget(p.c);
	/* the application's own secret function, forwarding to ours */
	gnutls_handshake_set_secret_function(p.s, app_secret_func);
	if (handshake(&p)) {
		ok(0, "misuse: handshake");
		goto out;
	}
	ret = ktlsph_gnutls_get_state(p.c, &st, err, sizeof(err));
	ok(ret == -EINVAL && strstr(err, "not captured"),
	   "misuse: forgotten before the handshake (%s)", err);
	ret = ktlsph_gnutls_get_state(p.s, &st, err, sizeof(err));
	ok(!ret && app_secret_calls > 0 && st.tx_seq == 2,
	   "misuse: an application secret function can forward to ktlsph_gnutls_secret_func() (%s)",
	   err);
	gnutls_memset(&st, 0, sizeof(st));
	pair_free(&p);

	/* wrong fd, bad role */
	if (pair_init(&p, PRIO_TLS13, 1, 1) || handshake(&p)) {
		ok(0, "misuse: handshake");
		goto out;
	}
	ret = ktlsph_gnutls_attach(p.c, p.sv[1], KTLSPH_ROLE_CLIENT, err,
				   sizeof(err));
	ok(ret == -EINVAL && strstr(err, "session's socket"),
	   "misuse: fd must be the session's (%s)", err);
	ret = ktlsph_gnutls_attach(p.s, p.sv[1], 7, err, sizeof(err));
	ok(ret == -EINVAL && strstr(err, "role"), "misuse: bad role (%s)",
	   err);
	pair_free(&p);

	/* TLS 1.2 */
	if (pair_init(&p, "NORMAL:-VERS-ALL:+VERS-TLS1.2", 1, 1) ||
	    handshake(&p)) {
		ok(0, "misuse: TLS 1.2 handshake");
		goto out;
	}
	ret = ktlsph_gnutls_attach(p.c, p.sv[0], KTLSPH_ROLE_CLIENT, err,
				   sizeof(err));
	ok(ret == -EPROTONOSUPPORT && strstr(err, "TLS1.2"),
	   "misuse: TLS 1.2 refused (%s)", err);
	pair_free(&p);

	/* a TLS 1.3 suite kTLS cannot do */
	if (pair_init(&p, PRIO_TLS13 ":-CIPHER-ALL:+AES-128-CCM-8", 1, 1) ||
	    handshake(&p)) {
		printf("# skipped: GnuTLS did not negotiate TLS_AES_128_CCM_8_SHA256\n");
		goto out;
	}
	ret = ktlsph_gnutls_attach(p.c, p.sv[0], KTLSPH_ROLE_CLIENT, err,
				   sizeof(err));
	ok(ret == -EOPNOTSUPP && strstr(err, "AES-128-CCM-8"),
	   "misuse: AES-128-CCM-8 refused (%s)", err);
out:
	pair_free(&p);
	ok(ktlsph_gnutls_capture(NULL) == -EINVAL, "misuse: capture NULL");
	ok(ktlsph_gnutls_get_state(NULL, &st, err, sizeof(err)) == -EINVAL &&
	   ktlsph_gnutls_get_state(NULL, NULL, err, sizeof(err)) == -EINVAL,
	   "misuse: get_state NULL");
}

int main(void)
{
	static const uint16_t ids[] = { 0x1301, 0x1302, 0x1303, 0x1304 };
	const struct ktlsph_suite *s;
	size_t i;

	printf("TAP version 13\n");
	test_mapping();
	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		s = ktlsph_suite_by_id(ids[i]);
		test_fresh(s);
		test_after_data(s);
		test_pending(s);
		test_key_update(s);
	}
	test_eagain(ktlsph_suite_by_id(0x1301));
	test_misuse();
	printf("1..%d\n", passed + failed);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
