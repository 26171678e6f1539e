/* error.h - every fallible function returns int (0 = ok, -1 = error) and
 * fills a pk_error: a kind the caller can act on plus a human message that
 * is already translated (gettext) and never contains the secret. */
#ifndef PK_ERROR_H
#define PK_ERROR_H

#include <stddef.h>

typedef enum pk_err_kind {
	PK_OK = 0,
	PK_ERR_INVALID,      /* bad input: cashier, argv, a value out of range */
	PK_ERR_CONFIG,       /* config file / environment problem */
	PK_ERR_IO,           /* a local file or process problem */
	PK_ERR_NOMEM,
	PK_ERR_REFUSED,      /* transport: connection refused / unreachable */
	PK_ERR_DNS,          /* transport: name did not resolve */
	PK_ERR_TLS,          /* transport: certificate or handshake failure */
	PK_ERR_TRANSPORT,    /* transport: reset, closed mid-response, other */
	PK_ERR_TIMEOUT,      /* connect or total timeout */
	PK_ERR_HTTP,         /* non-2xx HTTP status; .code holds it */
	PK_ERR_NOT_JSON,     /* body does not parse as JSON */
	PK_ERR_BAD_SHAPE,    /* JSON of the wrong shape */
	PK_ERR_TOO_LARGE,    /* body over the size cap */
	PK_ERR_GATEWAY_FAIL, /* gateway answered {"status":"fail"}; msg = its message */
	PK_ERR_JOURNAL,      /* the journal cannot record (corrupt, locked, full, read-only) */
	PK_ERR_STATE,        /* an impossible sale state transition (a bug, refused) */
	PK_ERR_CANCELLED,    /* the request was cancelled by us */
	PK_ERR__COUNT
} pk_err_kind;

#define PK_ERR_MSG_MAX 512

typedef struct pk_error {
	pk_err_kind kind;
	long code;                 /* HTTP status, curl code, errno ... (0 if none) */
	char msg[PK_ERR_MSG_MAX];  /* human message, translated, secret-free */
	/* For messages the screen may show after the cashier switched the
	 * language: the untranslated N_() format and its one argument
	 * (pk_error_set_id), NULL when msg is all there is. */
	const char *msgid;
	char arg[256];
} pk_error;

/* Set kind, code 0 and a printf-formatted message. Returns -1 so that
 * `return pk_error_set(err, ...)` works. err may be NULL. */
int pk_error_set(pk_error *err, pk_err_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Like pk_error_set but also stores code. */
int pk_error_setc(pk_error *err, pk_err_kind kind, long code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Like pk_error_setc with a message that can be translated again later:
 * msgid is an N_() string with at most one "%s" (arg) and one "%ld" or
 * "%d" (code).
 * msg holds it in the current language. */
int pk_error_set_id(pk_error *err, pk_err_kind kind, long code, const char *msgid,
		    const char *arg);
/* The message in the language now in use (msg when there is no msgid). */
const char *pk_error_text(const pk_error *err, char *buf, size_t len);
void pk_error_clear(pk_error *err);
/* Stable ASCII name of a kind ("timeout", "http", ...), for logs and tests. */
const char *pk_err_kind_name(pk_err_kind kind);
/* True for kinds where the request may or may not have reached the gateway
 * (refused/dns are definite "never sent"; timeout/transport are unclear). */
int pk_err_is_transport(pk_err_kind kind);

#endif
