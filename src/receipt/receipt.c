/* receipt.c - the receipt's lines, by display columns (Burmese and Hindi
 * clusters are never split). */
#include "receipt/receipt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"
#include "common/money.h"
#include "layout/text.h"

static int item(pk_receipt *r, pk_receipt_kind kind, const char *a, const char *b, bool bold,
		pk_error *err)
{
	if (r->n_items >= PK_RECEIPT_MAX_LINES)
		return 0;
	pk_receipt_item *it = &r->item[r->n_items];
	it->kind = kind;
	it->bold = bold;
	it->a = strdup(a ? a : "");
	it->b = b ? strdup(b) : NULL;
	if (!it->a || (b && !it->b)) {
		free(it->a);
		free(it->b);
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	}
	r->n_items++;
	return 0;
}

static int add(pk_receipt *r, const char *text, pk_error *err)
{
	if (r->count >= PK_RECEIPT_MAX_LINES)
		return 0; /* cannot happen with the lines below; never overflow */
	char *copy = strdup(text);
	if (!copy)
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	r->line[r->count++] = copy;
	return 0;
}

/* Text wrapped to the width, each piece a line. */
static int add_wrapped(pk_receipt *r, const char *text, pk_error *err)
{
	pk_text_lines tl;
	if (pk_text_wrap(text, r->width, &tl) < 0)
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	int rc = 0;
	for (int i = 0; i < tl.count && rc == 0; i++)
		rc = add(r, tl.line[i], err);
	pk_text_lines_free(&tl);
	return rc;
}

/* "Name          value" on one line when it fits, else name then value. */
static int add_pair(pk_receipt *r, const char *name, const char *value, pk_error *err)
{
	int wn = pk_text_width(name), wv = pk_text_width(value);
	if (wn + 1 + wv <= r->width) {
		char buf[512];
		int pad = r->width - wn - wv;
		snprintf(buf, sizeof buf, "%s%*s%s", name, pad, "", value);
		return add(r, buf, err);
	}
	if (add_wrapped(r, name, err) < 0)
		return -1;
	char buf[512];
	int pad = r->width - wv > 0 ? r->width - wv : 0;
	snprintf(buf, sizeof buf, "%*s%s", pad, "", value);
	return wv <= r->width ? add(r, buf, err) : add_wrapped(r, value, err);
}

static int add_rule(pk_receipt *r, pk_error *err)
{
	char buf[80];
	int n = r->width < (int)sizeof buf - 1 ? r->width : (int)sizeof buf - 1;
	memset(buf, '-', (size_t)n);
	buf[n] = '\0';
	return add(r, buf, err);
}

/* What the receipt says, as items (raster.c draws these in dots). */
static int build(const pk_sale *s, const pk_receipt_info *info, pk_receipt *r, pk_error *err)
{
	char val[256];
	if (info->shop_name && *info->shop_name &&
	    item(r, PK_RI_CENTER, info->shop_name, NULL, true, err) < 0)
		return -1;
	if (info->training && item(r, PK_RI_CENTER, _("TRAINING - no real money"), NULL, false,
				   err) < 0)
		return -1;
	/* TRANSLATORS: the title of the customer's receipt */
	if (item(r, PK_RI_CENTER, _("Payment receipt"), NULL, false, err) < 0 ||
	    item(r, PK_RI_RULE, NULL, NULL, false, err) < 0)
		return -1;

	struct tm tm;
	time_t when = s->updated_at ? s->updated_at : s->created_at;
	localtime_r(&when, &tm);
	strftime(val, sizeof val, "%Y-%m-%d %H:%M", &tm);
	/* TRANSLATORS: receipt line "Date   2026-11-25 12:40" */
	if (item(r, PK_RI_PAIR, _("Date"), val, false, err) < 0)
		return -1;
	/* TRANSLATORS: receipt line "Method   UPI" / "Method   Wavepay" */
	if (item(r, PK_RI_PAIR, _("Method"), s->method == PK_METHOD_UPI ? "UPI" : "Wavepay", false,
		 err) < 0)
		return -1;
	pk_money_display(s->amount, s->currency, val, sizeof val);
	/* TRANSLATORS: receipt line "Amount   5,000 MMK" */
	if (item(r, PK_RI_PAIR, _("Amount"), val, false, err) < 0)
		return -1;
	if (s->has_deposit_amount && s->deposit_amount != s->amount) {
		pk_money_display(s->deposit_amount, s->currency, val, sizeof val);
		/* TRANSLATORS: receipt line: what the gateway credited when it
		 * differs from the amount asked */
		if (item(r, PK_RI_PAIR, _("Credited"), val, false, err) < 0)
			return -1;
	}
	/* TRANSLATORS: receipt line "Order ID   abc123" */
	if (s->method == PK_METHOD_UPI && s->order_id[0] &&
	    item(r, PK_RI_PAIR, _("Order ID"), s->order_id, false, err) < 0)
		return -1;
	/* TRANSLATORS: receipt line "Transaction ID   2234567890" */
	if (s->method == PK_METHOD_WAVEPAY && s->key1[0] &&
	    item(r, PK_RI_PAIR, _("Transaction ID"), s->key1, false, err) < 0)
		return -1;
	snprintf(val, sizeof val, "#%lld", (long long)s->id);
	/* TRANSLATORS: receipt line "Sale   #12" (the kiosk's own number) */
	if (item(r, PK_RI_PAIR, _("Sale"), val, false, err) < 0)
		return -1;
	/* TRANSLATORS: receipt line "Kiosk   shop-1" */
	if (info->kiosk_label && *info->kiosk_label &&
	    item(r, PK_RI_PAIR, _("Kiosk"), info->kiosk_label, false, err) < 0)
		return -1;
	/* TRANSLATORS: the last line of the receipt (centred) */
	if (item(r, PK_RI_RULE, NULL, NULL, false, err) < 0 ||
	    item(r, PK_RI_CENTER, _("Paid - thank you"), NULL, false, err) < 0)
		return -1;
	return 0;
}

/* The items as text lines of r->width columns.  The centred items before
 * the first rule are the header (centred by whoever shows the lines:
 * center_lines); later ones are padded to the middle here. */
static int lay_out_text(pk_receipt *r, pk_error *err)
{
	bool header = true;
	for (int i = 0; i < r->n_items; i++) {
		const pk_receipt_item *it = &r->item[i];
		int rc;
		if (it->kind != PK_RI_CENTER && header) {
			header = false;
			r->center_lines = r->count;
		}
		if (it->kind == PK_RI_RULE) {
			rc = add_rule(r, err);
		} else if (it->kind == PK_RI_PAIR) {
			rc = add_pair(r, it->a, it->b ? it->b : "", err);
		} else if (header || pk_text_width(it->a) >= r->width) {
			rc = add_wrapped(r, it->a, err);
		} else {
			char buf[512];
			snprintf(buf, sizeof buf, "%*s%s", (r->width - pk_text_width(it->a)) / 2, "",
				 it->a);
			rc = add(r, buf, err);
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

int pk_receipt_build(const pk_sale *sale, const pk_receipt_info *info, pk_receipt *out,
		     pk_error *err)
{
	memset(out, 0, sizeof *out);
	if (sale->state != PK_SALE_PAID)
		return pk_error_set(err, PK_ERR_INVALID, "%s",
				    _("Only a paid sale has a receipt"));
	out->width = info->width < 24 ? 24 : info->width > 64 ? 64 : info->width;
	out->lang = sale->lang;
	pk_lang before = pk_i18n_lang();
	pk_i18n_set_lang(sale->lang);
	int rc = build(sale, info, out, err);
	pk_i18n_set_lang(before);
	if (rc == 0)
		rc = lay_out_text(out, err);
	if (rc < 0)
		pk_receipt_free(out);
	return rc;
}

void pk_receipt_free(pk_receipt *r)
{
	for (int i = 0; i < r->count; i++)
		free(r->line[i]);
	for (int i = 0; i < r->n_items; i++) {
		free(r->item[i].a);
		free(r->item[i].b);
	}
	memset(r, 0, sizeof *r);
}
