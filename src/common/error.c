#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"

static int error_vset(pk_error *err, pk_err_kind kind, long code, const char *fmt, va_list ap)
{
	if (!err)
		return -1;
	err->kind = kind;
	err->code = code;
	err->msgid = NULL;
	err->arg[0] = '\0';
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	return -1;
}

/* Cut a UTF-8 sequence that a length limit left incomplete at the end. */
static void utf8_trim_tail(char *s)
{
	size_t n = strlen(s), i = n;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--; /* back over continuation bytes */
	if (i == 0)
		return;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	if (n - (i - 1) < need)
		s[i - 1] = '\0';
}

/* fmt with its one "%s" replaced by arg and "%ld" by code ("%%" is "%"). */
static void render(const char *fmt, const char *arg, long code, char *buf, size_t len)
{
	size_t o = 0;
	if (!len)
		return;
	for (const char *p = fmt; *p && o + 1 < len;) {
		if (p[0] == '%' && p[1] == 's') {
			for (const char *a = arg; *a && o + 1 < len; a++)
				buf[o++] = *a;
			p += 2;
		} else if (p[0] == '%' && (p[1] == 'd' || (p[1] == 'l' && p[2] == 'd'))) {
			char num[32];
			snprintf(num, sizeof num, "%ld", code);
			for (const char *a = num; *a && o + 1 < len; a++)
				buf[o++] = *a;
			p += p[1] == 'd' ? 2 : 3;
		} else if (p[0] == '%' && p[1] == '%') {
			buf[o++] = '%';
			p += 2;
		} else {
			buf[o++] = *p++;
		}
	}
	buf[o] = '\0';
}

int pk_error_set_id(pk_error *err, pk_err_kind kind, long code, const char *msgid,
		    const char *arg)
{
	if (!err)
		return -1;
	err->kind = kind;
	err->code = code;
	err->msgid = msgid;
	snprintf(err->arg, sizeof err->arg, "%s", arg ? arg : "");
	utf8_trim_tail(err->arg);
	render(gettext(msgid), err->arg, code, err->msg, sizeof err->msg);
	return -1;
}

const char *pk_error_text(const pk_error *err, char *buf, size_t len)
{
	if (!err->msgid) {
		snprintf(buf, len, "%s", err->msg);
		return buf;
	}
	render(gettext(err->msgid), err->arg, err->code, buf, len);
	return buf;
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
	err->msgid = NULL;
	err->arg[0] = '\0';
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
