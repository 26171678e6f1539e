/* store.h - what the hub keeps: postbacks (stored first, matched in the
 * same transaction), the kiosks' events (the hub's view of each sale),
 * the news for a kiosk, and the kiosks' tokens. */
#ifndef PK_HUB_STORE_H
#define PK_HUB_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/txid.h"
#include "hub/db.h"
#include "hub/hubconf.h"
#include "hub/model.h"

/* ---- postbacks ---- */

typedef enum pk_hub_trust {
	PK_TRUST_TRUSTED,
	PK_TRUST_UNTRUSTED,
	PK_TRUST_UNREADABLE
} pk_hub_trust;
const char *pk_hub_trust_name(pk_hub_trust t); /* "trusted" ... (postbacks.trust) */

typedef struct pk_hub_postback_result {
	int64_t id;             /* postbacks.id */
	pk_hub_trust trust;     /* as stored now */
	bool repeat;            /* seen before: its counter was raised */
	int64_t times_seen;
	char problem[PK_ERR_MSG_MAX]; /* why not trusted ("" when trusted) */
	int ntx;                /* transactions in it */
	int results[PK_RESULT__COUNT]; /* its transactions' match results, now */
} pk_hub_postback_result;

/* Keep a postback body as received, verify it with the configured keys,
 * and match its transactions, in one transaction: when this returns 0 the
 * row is committed (the HTTP side may answer).  A repeat (same canonical
 * additional_data and signature) is stored once and raises times_seen; a
 * repeat that verifies now (the keys were fixed) turns an untrusted row
 * trusted and matches it.  -1 only on a database error. */
int pk_hub_store_postback(pk_hub_db *db, const pk_hub_config *cfg, const char *body, size_t len,
			  pk_hub_postback_result *out, pk_error *err);

/* ---- kiosk events ---- */

typedef struct pk_hub_event {
	int64_t seq;
	char from[32], to[32];
	pk_hub_outcome outcome;
	int64_t at;
	char note[1024];
	/* the sale: sale_id (the kiosk journal's sales.id) is its identity at
	 * the hub; ctid and the rest are as the sale is now */
	int64_t sale_id;
	char ctid[PK_LABEL_MAX + 1];
	char order_id[257];
	char method[16];
	char currency[8];
	int64_t amount;
	char label[PK_LABEL_MAX + 1];
	char key1[64];
	int64_t created_at;
} pk_hub_event;

/* Read a POST /kiosk/events body (docs/HUB.md): every event complete and
 * well-formed, else -1 (PK_ERR_NOT_JSON / PK_ERR_BAD_SHAPE, a message
 * naming the event and field).  *events is malloc'd (free it). */
int pk_hub_events_parse(const char *body, size_t len, pk_hub_event **events, size_t *n,
			pk_error *err);

/* Store them (each (kiosk, seq) once), update the hub's view of their
 * sales (one row per (kiosk, sale_id): a later event's ctid replaces the
 * row's, every ctid seen stays in sale_ctids), and match again the
 * postbacks of the sales that changed or gained a ctid.
 * *acked: the highest seq stored for the kiosk. */
int pk_hub_store_events(pk_hub_db *db, const pk_hub_config *cfg, int64_t kiosk_id,
			const pk_hub_event *events, size_t n, int64_t *acked, pk_error *err);

/* ---- news ---- */

typedef struct pk_hub_news {
	int64_t id;
	int64_t sale_id;               /* the kiosk journal's sales.id */
	char ctid[PK_LABEL_MAX + 1];   /* the sale's current ctid */
	char order_id[257];
	char outcome[16];
	int64_t amount;
	char currency[8];
	char transaction_id[256];
	int64_t at;
} pk_hub_news;

#define PK_HUB_NEWS_BATCH 100

/* The kiosk's news with id > after, oldest first, at most
 * PK_HUB_NEWS_BATCH.  out has room for PK_HUB_NEWS_BATCH. */
int pk_hub_news_after(pk_hub_db *db, int64_t kiosk_id, int64_t after, pk_hub_news *out,
		      size_t *n, pk_error *err);

/* ---- kiosks ---- */

/* The kiosk whose token this is (looked up by its SHA-256): *kiosk_id, or 0
 * when no kiosk has it. */
int pk_hub_kiosk_by_token(pk_hub_db *db, const char *token, int64_t *kiosk_id, pk_error *err);

/* Register SHOP COUNTER (or issue it a new token: the old one stops
 * working).  token: 64 hex digits, for the caller to print once. */
int pk_hub_add_kiosk(PGconn *c, const char *shop, const char *counter, char token[65],
		     pk_error *err);

/* Does the database answer? */
int pk_hub_ping(pk_hub_db *db, pk_error *err);

#endif
