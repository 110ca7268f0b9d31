/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/ktls_ph.yaml */
/* YNL-GEN uapi header */
/* To regenerate run: tools/net/ynl/ynl-regen.sh */

#ifndef _UAPI_LINUX_KTLS_PH_H
#define _UAPI_LINUX_KTLS_PH_H

#define KTLS_PH_FAMILY_NAME	"ktls-ph"
#define KTLS_PH_FAMILY_VERSION	1

#define KTLS_PH_MAX_SECRET_LEN		48
#define KTLS_PH_MAX_TRANSCRIPT_LEN	65000

/*
 * Which side of the TLS connection the socket is.
 */
enum ktls_ph_role {
	KTLS_PH_ROLE_CLIENT,
	KTLS_PH_ROLE_SERVER,
};

/*
 * How the peer proved its identity in the main handshake, as the application
 * reports it at attach (stored with each ticket).
 */
enum ktls_ph_peer_auth {
	KTLS_PH_PEER_AUTH_UNKNOWN,
	KTLS_PH_PEER_AUTH_CERTIFICATE,
	KTLS_PH_PEER_AUTH_PSK,
};

/**
 * enum ktls_ph_event_type - What an event queued for the helper carries.
 * @KTLS_PH_EVENT_TYPE_TICKET: A NewSessionTicket (the ticket nest is present).
 * @KTLS_PH_EVENT_TYPE_CERT_REQUEST: Client role: the server sent a
 *   CertificateRequest (post-handshake authentication). The pha nest carries
 *   the transcript and the request; the helper answers with event-reply
 *   (certificate and certificate-verify, or decline), matched by event id. No
 *   answer within the module's pha_timeout_ms: ktls_ph declines.
 * @KTLS_PH_EVENT_TYPE_CLIENT_CERT: Server role: the client answered our
 *   CertificateRequest and its Finished verified. The pha nest carries the
 *   transcript, our request, the client's certificate and certificate-verify
 *   (absent when it declined); the helper answers with event-reply (verdict,
 *   alert).
 */
enum ktls_ph_event_type {
	KTLS_PH_EVENT_TYPE_TICKET,
	KTLS_PH_EVENT_TYPE_CERT_REQUEST,
	KTLS_PH_EVENT_TYPE_CLIENT_CERT,
};

/**
 * enum ktls_ph_pha_verdict - Outcome of a post-handshake authentication this
 *   server socket asked for (get, pha-done), or the helper's verdict in
 *   event-reply.
 * @KTLS_PH_PHA_VERDICT_NONE: No authentication was requested.
 * @KTLS_PH_PHA_VERDICT_PENDING: Requested, the client's answer or the helper's
 *   verdict awaited.
 * @KTLS_PH_PHA_VERDICT_OK: Chain trusted and CertificateVerify valid;
 *   peer-cert is set.
 * @KTLS_PH_PHA_VERDICT_NO_CERTIFICATE: The client declined (empty Certificate)
 *   and policy allowed it.
 * @KTLS_PH_PHA_VERDICT_BAD_CERTIFICATE: Chain not trusted or unparsable (alert
 *   bad_certificate).
 * @KTLS_PH_PHA_VERDICT_UNSUPPORTED_CERTIFICATE: Key type or purpose not
 *   acceptable (unsupported_certificate).
 * @KTLS_PH_PHA_VERDICT_DECRYPT_ERROR: CertificateVerify signature or Finished
 *   did not verify (decrypt_error).
 * @KTLS_PH_PHA_VERDICT_ILLEGAL_PARAMETER: Scheme not offered or not the key's
 *   (illegal_parameter).
 * @KTLS_PH_PHA_VERDICT_DECODE_ERROR: A message did not parse (decode_error).
 * @KTLS_PH_PHA_VERDICT_UNEXPECTED_MESSAGE: Messages out of order
 *   (unexpected_message).
 * @KTLS_PH_PHA_VERDICT_CERTIFICATE_REQUIRED: The client declined but policy
 *   requires a certificate.
 * @KTLS_PH_PHA_VERDICT_TIMEOUT: No verdict from the helper within
 *   pha_timeout_ms (the connection is kept; the application decides).
 * @KTLS_PH_PHA_VERDICT_ERROR: The helper could not check the answer (the
 *   connection is kept).
 */
enum ktls_ph_pha_verdict {
	KTLS_PH_PHA_VERDICT_NONE,
	KTLS_PH_PHA_VERDICT_PENDING,
	KTLS_PH_PHA_VERDICT_OK,
	KTLS_PH_PHA_VERDICT_NO_CERTIFICATE,
	KTLS_PH_PHA_VERDICT_BAD_CERTIFICATE,
	KTLS_PH_PHA_VERDICT_UNSUPPORTED_CERTIFICATE,
	KTLS_PH_PHA_VERDICT_DECRYPT_ERROR,
	KTLS_PH_PHA_VERDICT_ILLEGAL_PARAMETER,
	KTLS_PH_PHA_VERDICT_DECODE_ERROR,
	KTLS_PH_PHA_VERDICT_UNEXPECTED_MESSAGE,
	KTLS_PH_PHA_VERDICT_CERTIFICATE_REQUIRED,
	KTLS_PH_PHA_VERDICT_TIMEOUT,
	KTLS_PH_PHA_VERDICT_ERROR,
};

enum {
	KTLS_PH_A_STATS_RX_REKEYS = 1,
	KTLS_PH_A_STATS_TX_REKEYS,
	KTLS_PH_A_STATS_UPDATE_REQUESTED,
	KTLS_PH_A_STATS_AUTO_REKEYS,
	KTLS_PH_A_STATS_TX_RECORDS,
	KTLS_PH_A_STATS_TX_BYTES,
	KTLS_PH_A_STATS_HS_RECORDS,
	KTLS_PH_A_STATS_TICKETS,
	KTLS_PH_A_STATS_PHA_REQUESTS,
	KTLS_PH_A_STATS_PHA_ANSWERED,
	KTLS_PH_A_STATS_PHA_DECLINED,
	KTLS_PH_A_STATS_PHA_TIMEOUTS,

	__KTLS_PH_A_STATS_MAX,
	KTLS_PH_A_STATS_MAX = (__KTLS_PH_A_STATS_MAX - 1)
};

enum {
	KTLS_PH_A_SOCK_SOCKFD = 1,
	KTLS_PH_A_SOCK_ROLE,
	KTLS_PH_A_SOCK_CIPHER_SUITE,
	KTLS_PH_A_SOCK_TX_SECRET,
	KTLS_PH_A_SOCK_RX_SECRET,
	KTLS_PH_A_SOCK_RESUMPTION_SECRET,
	KTLS_PH_A_SOCK_TRANSCRIPT,
	KTLS_PH_A_SOCK_PHA_OFFERED,
	KTLS_PH_A_SOCK_SERVER_NAME,
	KTLS_PH_A_SOCK_REKEY_RECORDS,
	KTLS_PH_A_SOCK_REKEY_BYTES,
	KTLS_PH_A_SOCK_REQUEST_PEER,
	KTLS_PH_A_SOCK_COOKIE,
	KTLS_PH_A_SOCK_STATS,
	KTLS_PH_A_SOCK_PEER_AUTH,
	KTLS_PH_A_SOCK_PHA_VERDICT,
	KTLS_PH_A_SOCK_PHA_ALERT,
	KTLS_PH_A_SOCK_PEER_CERT,

	__KTLS_PH_A_SOCK_MAX,
	KTLS_PH_A_SOCK_MAX = (__KTLS_PH_A_SOCK_MAX - 1)
};

enum {
	KTLS_PH_A_PHA_TRANSCRIPT = 1,
	KTLS_PH_A_PHA_REQUEST,
	KTLS_PH_A_PHA_CERTIFICATE,
	KTLS_PH_A_PHA_CERTIFICATE_VERIFY,
	KTLS_PH_A_PHA_DECLINE,
	KTLS_PH_A_PHA_VERDICT,
	KTLS_PH_A_PHA_ALERT,

	__KTLS_PH_A_PHA_MAX,
	KTLS_PH_A_PHA_MAX = (__KTLS_PH_A_PHA_MAX - 1)
};

enum {
	KTLS_PH_A_TICKET_LIFETIME = 1,
	KTLS_PH_A_TICKET_AGE_ADD,
	KTLS_PH_A_TICKET_NONCE,
	KTLS_PH_A_TICKET_TICKET,
	KTLS_PH_A_TICKET_MAX_EARLY_DATA,
	KTLS_PH_A_TICKET_EXTENSIONS,
	KTLS_PH_A_TICKET_PSK,
	KTLS_PH_A_TICKET_RECEIVED_MS,

	__KTLS_PH_A_TICKET_MAX,
	KTLS_PH_A_TICKET_MAX = (__KTLS_PH_A_TICKET_MAX - 1)
};

enum {
	KTLS_PH_A_EVENT_ID = 1,
	KTLS_PH_A_EVENT_TYPE,
	KTLS_PH_A_EVENT_COOKIE,
	KTLS_PH_A_EVENT_ROLE,
	KTLS_PH_A_EVENT_CIPHER_SUITE,
	KTLS_PH_A_EVENT_FAMILY,
	KTLS_PH_A_EVENT_PEER_ADDR,
	KTLS_PH_A_EVENT_PEER_PORT,
	KTLS_PH_A_EVENT_SERVER_NAME,
	KTLS_PH_A_EVENT_PEER_AUTH,
	KTLS_PH_A_EVENT_TICKET,
	KTLS_PH_A_EVENT_PHA,

	__KTLS_PH_A_EVENT_MAX,
	KTLS_PH_A_EVENT_MAX = (__KTLS_PH_A_EVENT_MAX - 1)
};

enum {
	KTLS_PH_A_HELPER_QUEUE_LIMIT = 1,
	KTLS_PH_A_HELPER_QUEUED,
	KTLS_PH_A_HELPER_DROPPED,

	__KTLS_PH_A_HELPER_MAX,
	KTLS_PH_A_HELPER_MAX = (__KTLS_PH_A_HELPER_MAX - 1)
};

enum {
	KTLS_PH_CMD_ATTACH = 1,
	KTLS_PH_CMD_DETACH,
	KTLS_PH_CMD_KEY_UPDATE,
	KTLS_PH_CMD_GET,
	KTLS_PH_CMD_HELPER_REGISTER,
	KTLS_PH_CMD_HELPER_UNREGISTER,
	KTLS_PH_CMD_EVENT_READY,
	KTLS_PH_CMD_EVENT_POP,
	KTLS_PH_CMD_EVENT_REPLY,
	KTLS_PH_CMD_PHA_REQUEST,
	KTLS_PH_CMD_PHA_DONE,

	__KTLS_PH_CMD_MAX,
	KTLS_PH_CMD_MAX = (__KTLS_PH_CMD_MAX - 1)
};

#define KTLS_PH_MCGRP_PHA	"pha"

#endif /* _UAPI_LINUX_KTLS_PH_H */
