/* proto.c - see proto.h. */
#include "hublink/proto.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_INT_MAX 9007199254740992.0 /* 2^53: every whole number a double holds */

static cJSON *add_int(cJSON *o, const char *name, int64_t v)
{
	return cJSON_AddNumberToObject(o, name, (double)v);
}

static cJSON *event_json(const pk_outbox_event *e)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *sale = cJSON_CreateObject();
	if (!o || !sale)
		goto fail;
	bool ok = add_int(o, "seq", e->seq) &&
		  cJSON_AddStringToObject(o, "from", pk_state_name(e->from)) &&
		  cJSON_AddStringToObject(o, "to", pk_state_name(e->to)) &&
		  cJSON_AddStringToObject(o, "outcome",
					  pk_outcome_name(pk_state_outcome(e->to))) &&
		  add_int(o, "at", (int64_t)e->at) && cJSON_AddStringToObject(o, "note", e->note) &&
		  add_int(sale, "id", e->sale_id) &&
		  cJSON_AddStringToObject(sale, "ctid", e->ctid) &&
		  cJSON_AddStringToObject(sale, "order_id", e->order_id) &&
		  cJSON_AddStringToObject(sale, "method", pk_method_name(e->method)) &&
		  cJSON_AddStringToObject(sale, "currency", pk_currency_code(e->currency)) &&
		  add_int(sale, "amount", e->amount) &&
		  cJSON_AddStringToObject(sale, "label", e->label) &&
		  cJSON_AddStringToObject(sale, "key1", e->key1) &&
		  add_int(sale, "created_at", (int64_t)e->created_at);
	if (!ok)
		goto fail;
	cJSON_AddItemToObject(o, "sale", sale);
	return o;
fail:
	cJSON_Delete(sale);
	cJSON_Delete(o);
	return NULL;
}

int hub_events_body(const pk_outbox_event *ev, size_t n, char **out, pk_error *err)
{
	*out = NULL;
	cJSON *root = cJSON_CreateObject();
	cJSON *arr = root ? cJSON_AddArrayToObject(root, "events") : NULL;
	if (!arr)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		cJSON *e = event_json(&ev[i]);
		if (!e)
			goto nomem;
		cJSON_AddItemToArray(arr, e);
	}
	*out = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (!*out)
		return pk_error_set(err, PK_ERR_NOMEM, "out of memory");
	return 0;
nomem:
	cJSON_Delete(root);
	return pk_error_set(err, PK_ERR_NOMEM, "out of memory");
}

static cJSON *parse_object(const char *body, size_t len, pk_error *err)
{
	cJSON *root = body ? cJSON_ParseWithLength(body, len) : NULL;
	if (!root) {
		pk_error_set(err, PK_ERR_NOT_JSON, "the hub's answer is not JSON");
		return NULL;
	}
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		pk_error_set(err, PK_ERR_BAD_SHAPE, "the hub's answer is not a JSON object");
		return NULL;
	}
	return root;
}

/* A whole number in [min, 2^53]. */
static bool whole(const cJSON *item, double min, int64_t *out)
{
	if (!cJSON_IsNumber(item))
		return false;
	double d = item->valuedouble;
	if (!isfinite(d) || d < min || d > JSON_INT_MAX || d != (double)(int64_t)d)
		return false;
	*out = (int64_t)d;
	return true;
}

int hub_parse_acked(const char *body, size_t len, int64_t *acked, pk_error *err)
{
	cJSON *root = parse_object(body, len, err);
	if (!root)
		return -1;
	int rc = whole(cJSON_GetObjectItemCaseSensitive(root, "acked"), 0, acked)
			 ? 0
			 : pk_error_set(err, PK_ERR_BAD_SHAPE, "the hub's answer has no \"acked\"");
	cJSON_Delete(root);
	return rc;
}

/* A string field copied whole into buf (false when missing, not a string,
 * or too long). */
static bool take_str(const cJSON *o, const char *name, char *buf, size_t len)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
	if (!cJSON_IsString(it) || !it->valuestring || strlen(it->valuestring) >= len)
		return false;
	memcpy(buf, it->valuestring, strlen(it->valuestring) + 1);
	return true;
}

/* Printable ASCII only (what goes into the journal's note and the log),
 * cut to fit; "" when missing. */
static void take_printable(const cJSON *o, const char *name, char *buf, size_t len)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
	size_t n = 0;
	if (cJSON_IsString(it) && it->valuestring)
		for (const char *p = it->valuestring; *p && n + 1 < len; p++)
			if (*p > ' ' && *p < 0x7f)
				buf[n++] = *p;
	buf[n] = '\0';
}

static int read_item(const cJSON *o, pk_hub_news *n, pk_error *err)
{
	memset(n, 0, sizeof *n);
	if (!cJSON_IsObject(o) || !whole(cJSON_GetObjectItemCaseSensitive(o, "id"), 1, &n->id))
		return pk_error_set(err, PK_ERR_BAD_SHAPE, "a news item has no id");
	const cJSON *sale_id = cJSON_GetObjectItemCaseSensitive(o, "sale_id");
	if (sale_id && !whole(sale_id, 1, &n->sale_id))
		return pk_error_set(err, PK_ERR_BAD_SHAPE, "news %lld has no usable sale_id",
				    (long long)n->id);
	if (!take_str(o, "ctid", n->ctid, sizeof n->ctid) || !n->ctid[0])
		return pk_error_set(err, PK_ERR_BAD_SHAPE, "news %lld has no usable ctid",
				    (long long)n->id);
	if (!take_str(o, "outcome", n->outcome, sizeof n->outcome))
		return pk_error_set(err, PK_ERR_BAD_SHAPE, "news %lld has no outcome",
				    (long long)n->id);
	if (!take_str(o, "order_id", n->order_id, sizeof n->order_id))
		n->order_id[0] = '\0';
	if (!take_str(o, "currency", n->currency, sizeof n->currency))
		n->currency[0] = '\0';
	n->has_amount =
		whole(cJSON_GetObjectItemCaseSensitive(o, "amount"), -JSON_INT_MAX, &n->amount);
	take_printable(o, "transaction_id", n->transaction_id, sizeof n->transaction_id);
	int64_t at = 0;
	if (whole(cJSON_GetObjectItemCaseSensitive(o, "at"), 0, &at))
		n->at = (time_t)at;
	return 0;
}

int hub_parse_news(const char *body, size_t len, pk_hub_news **items, size_t *n, int64_t *next,
		   pk_error *err)
{
	*items = NULL;
	*n = 0;
	cJSON *root = parse_object(body, len, err);
	if (!root)
		return -1;
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "news");
	int rc = -1;
	if (!cJSON_IsArray(arr)) {
		pk_error_set(err, PK_ERR_BAD_SHAPE, "the hub's answer has no \"news\" list");
		goto out;
	}
	if (!whole(cJSON_GetObjectItemCaseSensitive(root, "next"), 0, next)) {
		pk_error_set(err, PK_ERR_BAD_SHAPE, "the hub's answer has no \"next\"");
		goto out;
	}
	size_t count = (size_t)cJSON_GetArraySize(arr);
	if (count > 0) {
		*items = calloc(count, sizeof **items);
		if (!*items) {
			pk_error_set(err, PK_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
	{
		if (read_item(it, &(*items)[*n], err) < 0) {
			free(*items);
			*items = NULL;
			*n = 0;
			goto out;
		}
		if ((*items)[*n].id > *next)
			*next = (*items)[*n].id; /* never poll again for what we hold */
		(*n)++;
	}
	rc = 0;
out:
	cJSON_Delete(root);
	return rc;
}
