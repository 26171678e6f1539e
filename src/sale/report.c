/* report.c - totals per method + currency + state, and the CSV listing. */
#include "sale/report.h"

#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"
#include "common/money.h"
#include "journal/journal.h"
#include "sale/flow_priv.h"

static int row_cmp(const void *a, const void *b)
{
	const pk_totals_row *x = a, *y = b;
	if (x->method != y->method)
		return x->method < y->method ? -1 : 1;
	if (x->currency != y->currency)
		return x->currency < y->currency ? -1 : 1;
	if (x->state != y->state)
		return x->state < y->state ? -1 : 1;
	return 0;
}

int pk_report_totals(pk_journal *j, time_t from, time_t to, pk_totals_row **rows, size_t *n,
		     pk_error *err)
{
	*rows = NULL;
	*n = 0;
	pk_sale_list list;
	if (pk_journal_list_range(j, from, to, &list, err))
		return -1;
	pk_totals_row *out = NULL;
	size_t count = 0, cap = 0;
	for (size_t i = 0; i < list.count; i++) {
		const pk_sale *s = &list.items[i];
		pk_totals_row *r = NULL;
		for (size_t k = 0; k < count; k++) {
			if (out[k].method == s->method && out[k].currency == s->currency &&
			    out[k].state == s->state) {
				r = &out[k];
				break;
			}
		}
		if (!r) {
			if (count == cap) {
				size_t ncap = cap ? cap * 2 : 8;
				pk_totals_row *nr = realloc(out, ncap * sizeof *nr);
				if (!nr) {
					free(out);
					pk_sale_list_free(&list);
					return pk_error_set(err, PK_ERR_NOMEM, _("Out of memory"));
				}
				out = nr;
				cap = ncap;
			}
			r = &out[count++];
			memset(r, 0, sizeof *r);
			r->method = s->method;
			r->currency = s->currency;
			r->state = s->state;
		}
		r->count++;
		r->sum += s->amount;
		if (s->state == PK_SALE_PAID)
			r->credited += s->has_deposit_amount ? s->deposit_amount : s->amount;
	}
	pk_sale_list_free(&list);
	if (count > 1)
		qsort(out, count, sizeof *out, row_cmp);
	*rows = out;
	*n = count;
	return 0;
}

int pk_flow_totals(pk_flow *f, time_t from, time_t to, pk_totals_row **rows, size_t *n,
		   pk_error *err)
{
	return pk_report_totals(f->journal, from, to, rows, n, err);
}

int pk_report_day(const char *text, time_t now, time_t *from, time_t *to, pk_error *err)
{
	struct tm tm;
	if (text) {
		int y, m, d;
		char extra;
		if (strlen(text) != 10 || sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 ||
		    text[4] != '-' || text[7] != '-' || m < 1 || m > 12 || d < 1 || d > 31 ||
		    y < 1970 || y > 9999)
			return pk_error_set(err, PK_ERR_INVALID,
					    _("Bad date \"%s\": use YYYY-MM-DD, e.g. 2026-01-31"), text);
		memset(&tm, 0, sizeof tm);
		tm.tm_year = y - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = d;
		tm.tm_isdst = -1;
		struct tm check = tm;
		time_t t = mktime(&check);
		if (t == (time_t)-1 || check.tm_mday != d || check.tm_mon != m - 1)
			return pk_error_set(err, PK_ERR_INVALID, _("There is no date %s"), text);
	} else {
		if (!localtime_r(&now, &tm))
			return pk_error_set(err, PK_ERR_INVALID, _("Cannot read the clock"));
	}
	tm.tm_hour = 0;
	tm.tm_min = 0;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	struct tm next = tm;
	*from = mktime(&tm);
	next.tm_mday += 1;
	*to = mktime(&next);
	if (*from == (time_t)-1 || *to == (time_t)-1)
		return pk_error_set(err, PK_ERR_INVALID, _("Cannot read the clock"));
	return 0;
}

static const char *method_title(pk_method m)
{
	return m == PK_METHOD_WAVEPAY ? _("Wavepay") : _("UPI");
}

int pk_report_print_totals(pk_journal *j, time_t from, time_t to, const char *title,
			   FILE *out, pk_error *err)
{
	pk_totals_row *rows;
	size_t n;
	if (pk_report_totals(j, from, to, &rows, &n, err))
		return -1;
	if (title)
		fprintf(out, "%s\n", title);
	if (n == 0) {
		fprintf(out, "%s\n", _("No sales"));
		free(rows);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		const pk_totals_row *r = &rows[i];
		if (i == 0 || r->method != rows[i - 1].method || r->currency != rows[i - 1].currency) {
			int cnt = 0, open_cnt = 0;
			int64_t paid = 0, open_sum = 0;
			for (size_t k = i; k < n && rows[k].method == r->method &&
					   rows[k].currency == r->currency; k++) {
				cnt += rows[k].count;
				paid += rows[k].credited;
				if (pk_state_is_open(rows[k].state)) {
					open_cnt += rows[k].count;
					open_sum += rows[k].sum;
				}
			}
			char money[64];
			pk_money_display(paid, r->currency, money, sizeof money);
			/* TRANSLATORS: "Wavepay (MMK): 4 sales, paid 15,000 MMK" */
			fprintf(out, ngettext("%s (%s): %d sale, paid %s",
					      "%s (%s): %d sales, paid %s", (unsigned long)cnt),
				method_title(r->method), pk_currency_code(r->currency), cnt, money);
			fputc('\n', out);
			if (open_cnt > 0) {
				/* Counted apart: money may still move on these. */
				pk_money_display(open_sum, r->currency, money, sizeof money);
				/* TRANSLATORS: sales whose outcome the gateway has not given yet */
				fprintf(out, ngettext("  not known yet: %d sale, %s (still open)",
						      "  not known yet: %d sales, %s (still open)",
						      (unsigned long)open_cnt),
					open_cnt, money);
				fputc('\n', out);
			}
		}
		char money[64];
		pk_money_display(r->sum, r->currency, money, sizeof money);
		fprintf(out, "  %4d  %20s  %s", r->count, money, pk_state_label(r->state));
		if (r->state == PK_SALE_PAID && r->credited != r->sum) {
			char cred[64];
			pk_money_display(r->credited, r->currency, cred, sizeof cred);
			/* TRANSLATORS: after "Paid": the gateway credited another amount */
			fprintf(out, _(" (credited %s)"), cred);
		}
		fputc('\n', out);
	}
	free(rows);
	return 0;
}

/* "100.50" / "5000": exact, no grouping, for spreadsheets. */
static void plain_amount(int64_t minor, pk_currency cur, char *buf, size_t len)
{
	int exp = pk_currency_exponent(cur);
	int64_t div = 1;
	for (int i = 0; i < exp; i++)
		div *= 10;
	const char *sign = minor < 0 ? "-" : "";
	uint64_t mag = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	if (exp == 0)
		snprintf(buf, len, "%s%llu", sign, (unsigned long long)mag);
	else
		snprintf(buf, len, "%s%llu.%0*llu", sign, (unsigned long long)(mag / (uint64_t)div),
			 exp, (unsigned long long)(mag % (uint64_t)div));
}

/* RFC 4180 field; a leading = + - @ is neutralised so a spreadsheet does not
 * run a customer-typed label as a formula. */
static void csv_field(FILE *out, const char *s)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	bool formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@';
	if (!quote && !formula) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	if (formula)
		fputc('\'', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

int pk_report_print_csv(pk_journal *j, time_t from, time_t to, FILE *out, pk_error *err)
{
	pk_sale_list list;
	if (pk_journal_list_range(j, from, to, &list, err))
		return -1;
	fputs("id,created_at,method,currency,amount,state,label,ctid,order_id,key1,"
	      "deposit_amount\n",
	      out);
	for (size_t i = 0; i < list.count; i++) {
		const pk_sale *s = &list.items[i];
		char when[40] = "";
		struct tm tm;
		time_t t = s->created_at;
		if (localtime_r(&t, &tm))
			strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S%z", &tm);
		char amount[40], deposit[40] = "";
		plain_amount(s->amount, s->currency, amount, sizeof amount);
		if (s->has_deposit_amount)
			plain_amount(s->deposit_amount, s->currency, deposit, sizeof deposit);
		fprintf(out, "%lld,%s,%s,%s,%s,%s,", (long long)s->id, when,
			pk_method_name(s->method), pk_currency_code(s->currency), amount,
			pk_state_name(s->state));
		csv_field(out, s->label);
		fputc(',', out);
		csv_field(out, s->ctid);
		fputc(',', out);
		csv_field(out, s->order_id);
		fputc(',', out);
		csv_field(out, s->key1);
		fprintf(out, ",%s\n", deposit);
	}
	pk_sale_list_free(&list);
	if (ferror(out))
		return pk_error_set(err, PK_ERR_IO, _("Cannot write the report"));
	return 0;
}
