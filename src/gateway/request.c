/* request.c - request bodies for the four gateway calls (pure, cJSON).
 * Amounts go in as raw JSON number text from pk_money_json, so 10050 paise
 * is written "100.5" exactly, never a binary-floating approximation. */
#include "gateway/gateway.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#define GW_FIELD_MAX 190 /* label, custom_transaction_id: bytes */
#define GW_KEY1_MAX 11   /* key1: characters */

static const char *const call_paths[GW_CALL__COUNT] = {
	[GW_WAVEPAY_CREATE] = "/api/v1/transaction/create/wavepay",
	[GW_WAVEPAY_ACTIVATE] = "/api/v1/transaction/activate",
	[GW_UPI_CREATE] = "/api/v1/payment/create/upi_s",
	[GW_UPI_STATUS] = "/api/v1/payment/upi_s/status",
	[GW_SANDBOX_SETTLE] = "/_sandbox/settle",
};

const char *gw_call_path(gw_call call)
{
	if ((unsigned)call >= GW_CALL__COUNT)
		return NULL;
	return call_paths[call];
}

pk_currency gw_call_currency(gw_call call)
{
	switch (call) {
	case GW_UPI_CREATE:
	case GW_UPI_STATUS:
	case GW_SANDBOX_SETTLE:
		return PK_CUR_INR;
	default:
		return PK_CUR_MMK;
	}
}

static int field_ok(const char *s, size_t max_bytes)
{
	return s && *s && strlen(s) <= max_bytes;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static int add_amount(cJSON *obj, int64_t amount, pk_currency cur)
{
	char num[64];
	if (amount <= 0 || pk_money_json(amount, cur, num, sizeof num) < 0)
		return -1;
	return cJSON_AddRawToObject(obj, "amount", num) ? 0 : -1;
}

static char *finish(cJSON *obj, int ok)
{
	char *text = ok ? cJSON_PrintUnformatted(obj) : NULL;
	cJSON_Delete(obj);
	return text;
}

char *gw_body_wavepay_create(const char *label)
{
	if (!field_ok(label, GW_FIELD_MAX))
		return NULL;
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	int ok = cJSON_AddStringToObject(o, "currency", pk_currency_code(PK_CUR_MMK)) &&
		 cJSON_AddStringToObject(o, "label", label);
	return finish(o, ok);
}

char *gw_body_wavepay_activate(const char *label, const char *key1, int64_t amount,
			       const char *custom_transaction_id)
{
	if (!field_ok(label, GW_FIELD_MAX) || !field_ok(custom_transaction_id, GW_FIELD_MAX) ||
	    !key1 || !*key1 || utf8_chars(key1) > GW_KEY1_MAX || strlen(key1) > 4 * GW_KEY1_MAX)
		return NULL;
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	int ok = cJSON_AddStringToObject(o, "currency_code", pk_currency_code(PK_CUR_MMK)) &&
		 cJSON_AddStringToObject(o, "wallet_type", "Wavepay") &&
		 cJSON_AddStringToObject(o, "label", label) &&
		 add_amount(o, amount, PK_CUR_MMK) == 0 &&
		 cJSON_AddStringToObject(o, "key1", key1) &&
		 cJSON_AddStringToObject(o, "custom_transaction_id", custom_transaction_id);
	return finish(o, ok);
}

char *gw_body_upi_create(const char *label, int64_t amount, const char *custom_transaction_id)
{
	if (!field_ok(label, GW_FIELD_MAX) || !field_ok(custom_transaction_id, GW_FIELD_MAX))
		return NULL;
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	int ok = cJSON_AddStringToObject(o, "mode", "upi_collect_qr") &&
		 cJSON_AddStringToObject(o, "currency", pk_currency_code(PK_CUR_INR)) &&
		 cJSON_AddStringToObject(o, "label", label) &&
		 cJSON_AddStringToObject(o, "wallet_type", "upi_s") &&
		 add_amount(o, amount, PK_CUR_INR) == 0 &&
		 cJSON_AddStringToObject(o, "custom_transaction_id", custom_transaction_id);
	return finish(o, ok);
}

char *gw_body_upi_status(const char *order_id)
{
	if (!field_ok(order_id, GW_ID_MAX - 1))
		return NULL;
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	int ok = cJSON_AddStringToObject(o, "order_id", order_id) != NULL;
	return finish(o, ok);
}

char *gw_body_sandbox_settle(const char *order_id, const char *outcome)
{
	if (!field_ok(order_id, GW_ID_MAX - 1) || !field_ok(outcome, 32))
		return NULL;
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	int ok = cJSON_AddStringToObject(o, "order_id", order_id) &&
		 cJSON_AddStringToObject(o, "status", outcome);
	return finish(o, ok);
}
