/* report.c - the day's totals and mismatches (report.h). */
#include "hub/report.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "common/i18n.h"
#include "common/postback.h"
#include "hub/db.h"

static const struct {
	const char *csv, *heading;
	bool right;
} columns[PK_RCOL__COUNT] = {
#define PK_X(id, csv, heading, right) [PK_RCOL_##id] = { csv, heading, right },
	PK_HUB_REPORT_COLUMNS(PK_X)
#undef PK_X
};

/* The columns each section shows as text (CSV shows all of them). */
#define END_COLS PK_RCOL__COUNT
static const pk_hub_rcol section_cols[PK_SEC__COUNT][12] = {
	[PK_SEC_TOTALS] = { PK_RCOL_SHOP, PK_RCOL_COUNTER, PK_RCOL_METHOD, PK_RCOL_PAID_COUNT,
			    PK_RCOL_PAID_AMOUNT, PK_RCOL_NOT_PAID_COUNT, PK_RCOL_OPEN_COUNT,
			    END_COLS },
	[PK_SEC_NOT_RECORDED] = { PK_RCOL_SHOP, PK_RCOL_COUNTER, PK_RCOL_CTID, PK_RCOL_KIOSK_STATE,
				  PK_RCOL_SALE_AMOUNT, PK_RCOL_SALE_TIME, PK_RCOL_POSTBACK_ID,
				  PK_RCOL_POSTBACK_AMOUNT, PK_RCOL_TRANSACTION_ID,
				  PK_RCOL_POSTBACK_TIME, PK_RCOL_RESULT, END_COLS },
	[PK_SEC_PAID_NO_POSTBACK] = { PK_RCOL_SHOP, PK_RCOL_COUNTER, PK_RCOL_METHOD, PK_RCOL_CTID,
				      PK_RCOL_SALE_AMOUNT, PK_RCOL_SALE_TIME, PK_RCOL_SALE_REF,
				      END_COLS },
	[PK_SEC_NO_SALE] = { PK_RCOL_POSTBACK_ID, PK_RCOL_POSTBACK_TIME, PK_RCOL_POSTBACK_AMOUNT,
			     PK_RCOL_TRANSACTION_ID, PK_RCOL_MATCH_VALUE, END_COLS },
	[PK_SEC_AMBIGUOUS] = { PK_RCOL_POSTBACK_ID, PK_RCOL_POSTBACK_TIME, PK_RCOL_POSTBACK_AMOUNT,
			       PK_RCOL_TRANSACTION_ID, PK_RCOL_MATCH_VALUE, PK_RCOL_SHOP,
			       PK_RCOL_COUNTER, PK_RCOL_CTID, PK_RCOL_KIOSK_STATE,
			       PK_RCOL_SALE_AMOUNT, PK_RCOL_RESULT, END_COLS },
	[PK_SEC_UNTRUSTED] = { PK_RCOL_POSTBACK_ID, PK_RCOL_TRUST, PK_RCOL_POSTBACK_TIME,
			       PK_RCOL_LAST_SEEN, PK_RCOL_TIMES_SEEN, PK_RCOL_POSTBACK_AMOUNT,
			       PK_RCOL_TRANSACTION_ID, PK_RCOL_MATCH_VALUE, PK_RCOL_PROBLEM,
			       END_COLS },
};

/* ---- rows ---- */

void pk_hub_report_init(pk_hub_report *r)
{
	memset(r, 0, sizeof *r);
}

void pk_hub_report_free(pk_hub_report *r)
{
	free(r->rows);
	pk_hub_report_init(r);
}

pk_hub_report_row *pk_hub_report_add(pk_hub_report *r, pk_hub_section s)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		pk_hub_report_row *p = realloc(r->rows, cap * sizeof *p);
		if (!p)
			return NULL;
		r->rows = p;
		r->cap = cap;
	}
	pk_hub_report_row *row = &r->rows[r->n++];
	memset(row, 0, sizeof *row);
	row->section = s;
	return row;
}

/* ---- pure helpers ---- */

int pk_hub_day_window(const char *date, time_t now, time_t *from, time_t *to, char date_out[11])
{
	struct tm tm;
	if (date && *date) {
		int y, m, d;
		if (sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
			return -1;
		tm = (struct tm){ .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d };
	} else {
		localtime_r(&now, &tm);
		tm = (struct tm){ .tm_year = tm.tm_year, .tm_mon = tm.tm_mon, .tm_mday = tm.tm_mday };
	}
	struct tm next = tm;
	tm.tm_isdst = -1;
	*from = mktime(&tm);
	next.tm_mday++;
	next.tm_isdst = -1;
	*to = mktime(&next);
	if (*from == (time_t)-1 || *to == (time_t)-1)
		return -1;
	struct tm day;
	if (!localtime_r(from, &day) || strftime(date_out, 11, "%Y-%m-%d", &day) != 10)
		return -1;
	return 0;
}

const char *pk_hub_amount_text(int64_t minor, const char *currency, bool with_currency,
			       char *buf, size_t len)
{
	int dec = pk_postback_currency_decimals(currency);
	uint64_t mag = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	/* digits from the right: the minor unit's, the point, the rest */
	char rev[48];
	size_t n = 0;
	for (int i = 0; i < dec && i < 18; i++) {
		rev[n++] = (char)('0' + mag % 10);
		mag /= 10;
	}
	if (n)
		rev[n++] = '.';
	do {
		rev[n++] = (char)('0' + mag % 10);
		mag /= 10;
	} while (mag);
	if (minor < 0)
		rev[n++] = '-';
	char num[48];
	for (size_t i = 0; i < n; i++)
		num[i] = rev[n - 1 - i];
	num[n] = '\0';
	if (with_currency && currency && *currency)
		snprintf(buf, len, "%s %s", num, currency);
	else
		snprintf(buf, len, "%s", num);
	return buf;
}

void pk_hub_csv_field(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static const char *time_text(time_t t, char *buf, size_t len)
{
	struct tm tm;
	if (!t || !localtime_r(&t, &tm)) {
		buf[0] = '\0';
		return buf;
	}
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

static const char *num_text(int64_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRId64, v);
	return buf;
}

/* A row's cell in a column: text (amounts with their currency, results
 * and problems translated) or CSV (stable names, bare amounts). */
static const char *cell(const pk_hub_report_row *r, pk_hub_rcol c, bool csv, char *buf,
			size_t len)
{
	bool totals = r->section == PK_SEC_TOTALS;
	buf[0] = '\0';
	switch (c) {
	case PK_RCOL_SECTION:
		return pk_hub_section_name(r->section);
	case PK_RCOL_SHOP:
		return r->shop;
	case PK_RCOL_COUNTER:
		return r->counter;
	case PK_RCOL_METHOD:
		return r->method;
	case PK_RCOL_PAID_COUNT:
		return totals ? num_text(r->paid_count, buf, len) : buf;
	case PK_RCOL_PAID_AMOUNT:
		return totals ? pk_hub_amount_text(r->paid_amount, r->currency, !csv, buf, len) : buf;
	case PK_RCOL_NOT_PAID_COUNT:
		return totals ? num_text(r->not_paid_count, buf, len) : buf;
	case PK_RCOL_OPEN_COUNT:
		return totals ? num_text(r->open_count, buf, len) : buf;
	case PK_RCOL_CURRENCY:
		return r->currency;
	case PK_RCOL_CTID:
		return r->ctid;
	case PK_RCOL_KIOSK_STATE:
		return r->kiosk_state;
	case PK_RCOL_SALE_AMOUNT:
		return r->has_sale ? pk_hub_amount_text(r->sale_amount, r->currency, !csv, buf, len)
				   : buf;
	case PK_RCOL_SALE_TIME:
		return time_text(r->sale_time, buf, len);
	case PK_RCOL_SALE_REF:
		return r->sale_ref;
	case PK_RCOL_POSTBACK_ID:
		return r->postback_id ? num_text(r->postback_id, buf, len) : buf;
	case PK_RCOL_POSTBACK_TIME:
		return time_text(r->postback_time, buf, len);
	case PK_RCOL_LAST_SEEN:
		return time_text(r->last_seen, buf, len);
	case PK_RCOL_TIMES_SEEN:
		return r->times_seen ? num_text(r->times_seen, buf, len) : buf;
	case PK_RCOL_TRUST:
		return r->trust;
	case PK_RCOL_POSTBACK_AMOUNT:
		return r->has_pb_amount
			       ? pk_hub_amount_text(r->pb_amount, r->pb_currency, !csv, buf, len)
			       : buf;
	case PK_RCOL_POSTBACK_CURRENCY:
		return r->pb_currency;
	case PK_RCOL_TRANSACTION_ID:
		return r->transaction_id;
	case PK_RCOL_MATCH_VALUE:
		return r->match_value;
	case PK_RCOL_RESULT: {
		pk_hub_result res;
		if (csv || pk_hub_result_parse(r->result, &res) < 0)
			return r->result;
		return pk_hub_result_label(res);
	}
	case PK_RCOL_PROBLEM:
		return csv || !r->problem[0] ? r->problem : _(r->problem);
	case PK_RCOL__COUNT:
	default:
		return buf;
	}
}

/* Columns a string takes on a terminal. */
static size_t display_width(const char *s)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t w = 0, len = strlen(s);
	while (len > 0) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, len, &st);
		if (n == (size_t)-1 || n == (size_t)-2) {
			w++; /* a stray byte: one column */
			s++;
			len--;
			memset(&st, 0, sizeof st);
			continue;
		}
		if (n == 0)
			break;
		int cw = wcwidth(wc);
		w += cw > 0 ? (size_t)cw : cw < 0 ? (size_t)1 : (size_t)0; /* control: a space */
		s += n;
		len -= n;
	}
	return w;
}

static void pad(FILE *out, size_t n)
{
	while (n-- > 0)
		fputc(' ', out);
}

/* Control characters never reach the terminal from a row. */
static void put_clean(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, out);
}

static void write_section_text(FILE *out, const pk_hub_report *r, pk_hub_section sec)
{
	size_t count = 0;
	for (size_t i = 0; i < r->n; i++)
		count += r->rows[i].section == sec;
	fprintf(out, "\n== %s (%zu) ==\n", pk_hub_section_heading(sec), count);
	if (!count) {
		fprintf(out, "%s\n", _("None."));
		return;
	}
	const pk_hub_rcol *cols = section_cols[sec];
	size_t ncols = 0, width[12] = { 0 };
	char buf[512];
	while (ncols < 12 && cols[ncols] != END_COLS) {
		width[ncols] = display_width(_(columns[cols[ncols]].heading));
		ncols++;
	}
	for (size_t i = 0; i < r->n; i++) {
		if (r->rows[i].section != sec)
			continue;
		for (size_t c = 0; c < ncols; c++) {
			size_t w = display_width(cell(&r->rows[i], cols[c], false, buf, sizeof buf));
			if (w > width[c])
				width[c] = w;
		}
	}
	/* heading line, then the rows; the last column is not padded */
	for (size_t c = 0; c < ncols; c++) {
		const char *h = _(columns[cols[c]].heading);
		size_t gap = width[c] - display_width(h);
		if (columns[cols[c]].right)
			pad(out, gap);
		fputs(h, out);
		if (c + 1 < ncols) {
			if (!columns[cols[c]].right)
				pad(out, gap);
			fputs("  ", out);
		}
	}
	fputc('\n', out);
	for (size_t i = 0; i < r->n; i++) {
		if (r->rows[i].section != sec)
			continue;
		for (size_t c = 0; c < ncols; c++) {
			const char *v = cell(&r->rows[i], cols[c], false, buf, sizeof buf);
			size_t gap = width[c] - display_width(v);
			if (columns[cols[c]].right)
				pad(out, gap);
			put_clean(out, v);
			if (c + 1 < ncols) {
				if (!columns[cols[c]].right)
					pad(out, gap);
				fputs("  ", out);
			}
		}
		fputc('\n', out);
	}
}

int pk_hub_report_write(FILE *out, const pk_hub_report *r, bool csv)
{
	char buf[512];
	if (csv) {
		for (int c = 0; c < PK_RCOL__COUNT; c++) {
			if (c)
				fputc(',', out);
			fputs(columns[c].csv, out);
		}
		fputs("\r\n", out);
		for (size_t i = 0; i < r->n; i++) {
			for (int c = 0; c < PK_RCOL__COUNT; c++) {
				if (c)
					fputc(',', out);
				pk_hub_csv_field(out, cell(&r->rows[i], (pk_hub_rcol)c, true, buf,
							   sizeof buf));
			}
			fputs("\r\n", out);
		}
	} else {
		/* TRANSLATORS: %s is a date YYYY-MM-DD */
		fprintf(out, _("paykiosk-hub report for %s (the hub's time zone)"), r->date);
		fputc('\n', out);
		for (int s = 0; s < PK_SEC__COUNT; s++)
			write_section_text(out, r, (pk_hub_section)s);
	}
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/* ---- loading ---- */

/* A row's fields as a query's columns fill them: X(ID, member, kind).  A
 * NULL amount leaves has_sale / has_pb_amount false (no sale matched, a
 * postback without a readable amount). */
#define ROW_FIELDS(X) \
	X(SHOP, shop, STR) X(COUNTER, counter, STR) X(METHOD, method, STR) \
	X(CURRENCY, currency, STR) X(PAID_COUNT, paid_count, I64) \
	X(PAID_AMOUNT, paid_amount, I64) X(NOT_PAID_COUNT, not_paid_count, I64) \
	X(OPEN_COUNT, open_count, I64) X(RESULT, result, STR) X(CTID, ctid, STR) \
	X(KIOSK_STATE, kiosk_state, STR) X(SALE_AMOUNT, sale_amount, I64) \
	X(SALE_TIME, sale_time, TIME) X(SALE_REF, sale_ref, STR) \
	X(POSTBACK_ID, postback_id, I64) X(POSTBACK_TIME, postback_time, TIME) \
	X(LAST_SEEN, last_seen, TIME) X(TIMES_SEEN, times_seen, I64) X(TRUST, trust, STR) \
	X(PROBLEM, problem, STR) X(PB_AMOUNT, pb_amount, I64) \
	X(PB_CURRENCY, pb_currency, STR) X(TRANSACTION_ID, transaction_id, STR) \
	X(MATCH_VALUE, match_value, STR)

typedef enum rfield {
#define PK_X_ENUM(id, member, kind) F_##id,
	ROW_FIELDS(PK_X_ENUM)
#undef PK_X_ENUM
	F__COUNT
} rfield;

enum rkind { STR, I64, TIME };
static const struct {
	size_t off, size;
	enum rkind kind;
} row_fields[F__COUNT] = {
#define PK_X_FIELD(id, member, k) \
	[F_##id] = { offsetof(pk_hub_report_row, member), \
		     sizeof ((pk_hub_report_row *)0)->member, k },
	ROW_FIELDS(PK_X_FIELD)
#undef PK_X_FIELD
};

static void fill(pk_hub_report_row *row, rfield f, const PGresult *res, int i, int c)
{
	char *at = (char *)row + row_fields[f].off;
	switch (row_fields[f].kind) {
	case STR:
		snprintf(at, row_fields[f].size, "%s", PQgetvalue(res, i, c));
		break;
	case I64:
		*(int64_t *)at = pk_hub_get_i64(res, i, c);
		break;
	case TIME:
		*(time_t *)at = (time_t)pk_hub_get_i64(res, i, c);
		break;
	}
	if (f == F_SALE_AMOUNT)
		row->has_sale = !PQgetisnull(res, i, c);
	else if (f == F_PB_AMOUNT)
		row->has_pb_amount = !PQgetisnull(res, i, c);
}

/* One section's rows: column k of the query fills fields[k]. */
static int load_rows(PGconn *c, pk_error *err, pk_hub_report *r, pk_hub_section sec,
		     const char *sql, int nparams, const char *const *params,
		     const rfield *fields, int nfields)
{
	PGresult *res = pk_hub_exec(c, err, sql, nparams, params);
	if (!res)
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		pk_hub_report_row *row = pk_hub_report_add(r, sec);
		if (!row) {
			PQclear(res);
			return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
		}
		for (int k = 0; k < nfields; k++)
			fill(row, fields[k], res, i, k);
	}
	PQclear(res);
	return 0;
}
#define FIELDS(...) (const rfield[]){ __VA_ARGS__ }, \
	(int)(sizeof (const rfield[]){ __VA_ARGS__ } / sizeof(rfield))

struct window {
	pk_hub_num from, to;
};

static int load_totals(PGconn *c, const struct window *w, pk_hub_report *r, pk_error *err)
{
	char groups[3][128];
	if (pk_hub_group_array(PK_GROUP_PAID, groups[0], sizeof groups[0]) < 0 ||
	    pk_hub_group_array(PK_GROUP_NOT_PAID, groups[1], sizeof groups[1]) < 0 ||
	    pk_hub_group_array(PK_GROUP_OPEN, groups[2], sizeof groups[2]) < 0)
		return pk_error_set(err, PK_ERR_INVALID, "outcome groups");
	const char *params[] = { w->from.s, w->to.s, groups[0], groups[1], groups[2] };
	return load_rows(
		c, err, r, PK_SEC_TOTALS,
		"SELECT k.shop, k.counter, s.method, s.currency,"
		" count(*) FILTER (WHERE s.outcome = ANY($3::text[])),"
		" coalesce(sum(s.amount) FILTER (WHERE s.outcome = ANY($3::text[])), 0)::text,"
		" count(*) FILTER (WHERE s.outcome = ANY($4::text[])),"
		" count(*) FILTER (WHERE s.outcome = ANY($5::text[]))"
		" FROM sales s JOIN kiosks k ON k.id = s.kiosk_id"
		" WHERE s.created_at >= to_timestamp($1::bigint)"
		" AND s.created_at < to_timestamp($2::bigint)"
		" GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
		5, params,
		FIELDS(F_SHOP, F_COUNTER, F_METHOD, F_CURRENCY, F_PAID_COUNT, F_PAID_AMOUNT,
		       F_NOT_PAID_COUNT, F_OPEN_COUNT));
}

/* The sections made of postback transactions and what they matched. */
static int load_tx_section(PGconn *c, const struct window *w, pk_hub_section sec,
			   pk_hub_report *r, pk_error *err)
{
	char results[256];
	if (pk_hub_section_results_array(sec, results, sizeof results) < 0)
		return pk_error_set(err, PK_ERR_INVALID, "section results");
	const char *params[] = { w->from.s, w->to.s, results };
	return load_rows(
		c, err, r, sec,
		"SELECT t.match_result, k.shop, k.counter, s.method, s.custom_transaction_id, s.state,"
		" s.amount, s.currency, extract(epoch FROM s.updated_at)::bigint,"
		" CASE WHEN s.method = 'wavepay' THEN s.key1 ELSE s.order_id END,"
		" p.id, extract(epoch FROM p.received_at)::bigint, t.amount, t.currency,"
		" t.transaction_id, t.match_value, p.trust"
		" FROM postback_txs t JOIN postbacks p ON p.id = t.postback_id"
		" LEFT JOIN sales s ON s.id = t.sale_id LEFT JOIN kiosks k ON k.id = s.kiosk_id"
		" WHERE p.trust = 'trusted' AND t.match_result = ANY($3::text[])"
		" AND ((p.received_at >= to_timestamp($1::bigint)"
		"   AND p.received_at < to_timestamp($2::bigint))"
		"  OR (s.created_at >= to_timestamp($1::bigint)"
		"   AND s.created_at < to_timestamp($2::bigint)))"
		" ORDER BY p.id, t.idx",
		3, params,
		FIELDS(F_RESULT, F_SHOP, F_COUNTER, F_METHOD, F_CTID, F_KIOSK_STATE, F_SALE_AMOUNT,
		       F_CURRENCY, F_SALE_TIME, F_SALE_REF, F_POSTBACK_ID, F_POSTBACK_TIME,
		       F_PB_AMOUNT, F_PB_CURRENCY, F_TRANSACTION_ID, F_MATCH_VALUE, F_TRUST));
}

static int load_paid_no_postback(PGconn *c, const struct window *w, time_t due,
				 pk_hub_report *r, pk_error *err)
{
	pk_hub_num before;
	const char *params[] = { w->from.s, w->to.s, pk_hub_num_of(&before, (int64_t)due),
				 pk_hub_outcome_name(PK_HUB_OUTCOME_PAID) };
	return load_rows(
		c, err, r, PK_SEC_PAID_NO_POSTBACK,
		"SELECT k.shop, k.counter, s.method, s.custom_transaction_id, s.state, s.amount, s.currency,"
		" extract(epoch FROM s.paid_at)::bigint,"
		" CASE WHEN s.method = 'wavepay' THEN s.key1 ELSE s.order_id END"
		" FROM sales s JOIN kiosks k ON k.id = s.kiosk_id"
		" WHERE s.outcome = $4 AND s.created_at >= to_timestamp($1::bigint)"
		" AND s.created_at < to_timestamp($2::bigint)"
		" AND s.paid_at < to_timestamp($3::bigint)"
		" AND NOT EXISTS (SELECT 1 FROM postback_txs t"
		"  JOIN postbacks p ON p.id = t.postback_id"
		"  WHERE t.sale_id = s.id AND p.trust = 'trusted')"
		" ORDER BY k.shop, k.counter, s.paid_at, s.id",
		4, params,
		FIELDS(F_SHOP, F_COUNTER, F_METHOD, F_CTID, F_KIOSK_STATE, F_SALE_AMOUNT, F_CURRENCY,
		       F_SALE_TIME, F_SALE_REF));
}

static int load_untrusted(PGconn *c, const struct window *w, pk_hub_report *r, pk_error *err)
{
	const char *params[] = { w->from.s, w->to.s };
	return load_rows(
		c, err, r, PK_SEC_UNTRUSTED,
		"SELECT p.id, p.trust, p.problem, p.times_seen,"
		" extract(epoch FROM p.received_at)::bigint,"
		" extract(epoch FROM p.last_seen_at)::bigint,"
		" t.amount, t.currency, t.transaction_id, t.match_value"
		" FROM postbacks p LEFT JOIN postback_txs t ON t.postback_id = p.id AND t.idx = 0"
		" WHERE p.trust <> 'trusted'"
		" AND ((p.received_at >= to_timestamp($1::bigint)"
		"   AND p.received_at < to_timestamp($2::bigint))"
		"  OR (p.last_seen_at >= to_timestamp($1::bigint)"
		"   AND p.last_seen_at < to_timestamp($2::bigint)))"
		" ORDER BY p.id",
		2, params,
		FIELDS(F_POSTBACK_ID, F_TRUST, F_PROBLEM, F_TIMES_SEEN, F_POSTBACK_TIME, F_LAST_SEEN,
		       F_PB_AMOUNT, F_PB_CURRENCY, F_TRANSACTION_ID, F_MATCH_VALUE));
}

int pk_hub_report_load(PGconn *c, const pk_hub_config *cfg, time_t now, pk_hub_report *r,
		       pk_error *err)
{
	if (pk_hub_day_window(cfg->date, now, &r->from, &r->to, r->date) < 0)
		return pk_error_set(err, PK_ERR_INVALID, "%s", _("--date must be a date YYYY-MM-DD"));
	struct window w;
	pk_hub_num_of(&w.from, (int64_t)r->from);
	pk_hub_num_of(&w.to, (int64_t)r->to);
	/* one snapshot for every section; nothing written (a replica is fine) */
	if (pk_hub_cmd(c, err, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL) < 0)
		return -1;
	int rc = load_totals(c, &w, r, err);
	if (rc == 0)
		rc = load_tx_section(c, &w, PK_SEC_NOT_RECORDED, r, err);
	if (rc == 0)
		rc = load_paid_no_postback(c, &w, now - cfg->paid_without_postback_after, r, err);
	if (rc == 0)
		rc = load_tx_section(c, &w, PK_SEC_NO_SALE, r, err);
	if (rc == 0)
		rc = load_tx_section(c, &w, PK_SEC_AMBIGUOUS, r, err);
	if (rc == 0)
		rc = load_untrusted(c, &w, r, err);
	PGresult *end = PQexec(c, rc == 0 ? "COMMIT" : "ROLLBACK");
	PQclear(end);
	return rc;
}
