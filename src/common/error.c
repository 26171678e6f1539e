#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int error_vset(pk_error *err, pk_err_kind kind, long code, const char *fmt, va_list ap)
{
	if (!err)
		return -1;
	err->kind = kind;
	err->code = code;
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	return -1;
}

int pk_error_set(pk_error *err, pk_err_kind kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_vset(err, kind, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int pk_error_setc(pk_error *err, pk_err_kind kind, long code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_vset(err, kind, code, fmt, ap);
	va_end(ap);
	return -1;
}

void pk_error_clear(pk_error *err)
{
	if (!err)
		return;
	err->kind = PK_OK;
	err->code = 0;
	err->msg[0] = '\0';
}

const char *pk_err_kind_name(pk_err_kind kind)
{
	static const char *const names[PK_ERR__COUNT] = {
		[PK_OK] = "ok",
		[PK_ERR_INVALID] = "invalid",
		[PK_ERR_CONFIG] = "config",
		[PK_ERR_IO] = "io",
		[PK_ERR_NOMEM] = "nomem",
		[PK_ERR_REFUSED] = "refused",
		[PK_ERR_DNS] = "dns",
		[PK_ERR_TLS] = "tls",
		[PK_ERR_TRANSPORT] = "transport",
		[PK_ERR_TIMEOUT] = "timeout",
		[PK_ERR_HTTP] = "http",
		[PK_ERR_NOT_JSON] = "not_json",
		[PK_ERR_BAD_SHAPE] = "bad_shape",
		[PK_ERR_TOO_LARGE] = "too_large",
		[PK_ERR_GATEWAY_FAIL] = "gateway_fail",
		[PK_ERR_JOURNAL] = "journal",
		[PK_ERR_STATE] = "state",
		[PK_ERR_CANCELLED] = "cancelled",
	};
	if ((unsigned)kind >= PK_ERR__COUNT)
		return "unknown";
	return names[kind];
}

int pk_err_is_transport(pk_err_kind kind)
{
	return kind == PK_ERR_REFUSED || kind == PK_ERR_DNS || kind == PK_ERR_TLS ||
	       kind == PK_ERR_TRANSPORT || kind == PK_ERR_TIMEOUT;
}
