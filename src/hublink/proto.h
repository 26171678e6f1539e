/* proto.h - the hub protocol's bodies (docs/HUB.md): what the kiosk sends
 * and how it reads the answers.  Pure: no I/O, no state; used by the link's
 * thread (hublink.c) and by the tests. */
#ifndef PK_HUBLINK_PROTO_H
#define PK_HUBLINK_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "hublink/hublink.h"
#include "journal/journal.h"

/* The body of POST /kiosk/events for ev[0..n): {"events":[...]}, each with
 * seq, from, to, outcome (the stable outcome name of `to`), at, note and
 * the sale (id - the journal's sales.id, the sale's identity at the hub
 * whatever its ctid becomes -, ctid, order_id, method, currency, amount in
 * minor units, label, key1, created_at).  *out malloc'd. */
int hub_events_body(const pk_outbox_event *ev, size_t n, char **out, pk_error *err);

/* {"acked":N} -> N (a whole number >= 0). */
int hub_parse_acked(const char *body, size_t len, int64_t *acked, pk_error *err);

/* {"news":[{id, sale_id, ctid, order_id, outcome, amount, currency,
 * transaction_id, at}...], "next":N}.  Items are checked one by one: one
 * without a usable id or ctid, or with a sale_id that is not a whole number
 * >= 1, makes the whole answer unusable (the hub is ours: a bug, not news
 * to skip).  No sale_id (an older hub): 0.  *items malloc'd (NULL when
 * none). */
int hub_parse_news(const char *body, size_t len, pk_hub_news **items, size_t *n, int64_t *next,
		   pk_error *err);

#endif
