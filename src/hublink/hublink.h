/* hublink.h - the kiosk's link to the fleet hub (docs/HUB.md, "Protocol").
 *
 * A thread of its own, with its own journal connection and its own libcurl
 * multi handle, so the screen never waits for the hub:
 *   - it sends the journal's outbox (sale_history, in seq order) in
 *     batches, POST /kiosk/events, stores events_acked after the hub's
 *     `acked`, and re-sends until acknowledged (backoff 1 s doubling to
 *     60 s): a kiosk that was offline for a day catches up;
 *   - it holds a long poll, GET /kiosk/news?after=<news_after>&wait=25,
 *     and hands each news item to the main thread, which applies it and
 *     only then stores news_after (pk_hublink_news_done: the next poll
 *     starts from what is on disk);
 *   - it says whether the hub is healthy: the last long poll answered, and
 *     none has been waiting for longer than healthy_within_s.
 * The main thread talks to it through a queue and a descriptor
 * (pk_hublink_fd, readable when messages wait), and wakes it after every
 * state change (pk_hublink_kick); it also looks at the outbox every few
 * seconds on its own.  Stopping is prompt: an open long poll is dropped.
 * The token goes only into the Authorization header: never into a URL,
 * a message or a log line. */
#ifndef PK_HUBLINK_H
#define PK_HUBLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/error.h"
#include "model/record.h"

typedef struct pk_hublink pk_hublink;

typedef struct pk_hublink_options {
	const char *url;           /* the hub's base URL: https://, or http:// to loopback */
	const char *token;         /* the kiosk's token (copied; wiped when stopped) */
	const char *journal_path;  /* the thread opens its own connection to it */
	/* 0 for each: the default in brackets */
	int wait_s;                /* [25] the long poll's wait asked of the hub */
	int poll_timeout_s;        /* [wait_s + 10] a long poll is dropped after this */
	int healthy_within_s;      /* [30] a long poll waiting longer: the hub is down */
	int outbox_every_ms;       /* [3000] the outbox is looked at this often unkicked */
	int backoff_min_ms;        /* [1000] the first wait after a failure, doubling */
	int backoff_max_ms;        /* [60000] ... up to this */
	int min_poll_gap_ms;       /* [1000] an empty answer faster than this waits for it */
	int batch;                 /* [100] events per POST */
	int connect_timeout_ms;    /* [5000] */
	int events_timeout_ms;     /* [15000] one POST /kiosk/events */
} pk_hublink_options;

/* What the hub said about one of this kiosk's sales. */
typedef struct pk_hub_news {
	int64_t id;
	int64_t sale_id;           /* the journal's sales.id; 0: the hub did not say */
	char ctid[PK_CTID_MAX + 1]; /* the sale's ctid as the hub last heard it */
	char order_id[257];
	char outcome[32];          /* "paid" ... (the hub's stable outcome names) */
	bool has_amount;
	int64_t amount;            /* minor units */
	char currency[8];
	char transaction_id[128];  /* printable ASCII only */
	time_t at;
} pk_hub_news;

typedef enum pk_hub_msg_kind {
	PK_HUB_MSG_NEWS = 0,    /* news: apply, then store news_after = news.id */
	PK_HUB_MSG_NEWS_END,    /* the end of a batch: store news_after = value (if it
	                           moves), then pk_hublink_news_done */
	PK_HUB_MSG_ACKED,       /* events_acked is now value (stored by the link) */
	PK_HUB_MSG_EVENTS_RETRY,/* sending events failed (reason); again in value ms */
	PK_HUB_MSG_UP,          /* a long poll was answered: the hub is healthy */
	PK_HUB_MSG_DOWN,        /* the hub is not healthy (reason) */
} pk_hub_msg_kind;

typedef struct pk_hub_msg {
	pk_hub_msg_kind kind;
	pk_hub_news news;
	int64_t value;
	char reason[128];          /* a word or two: refused, timeout, http_401, no_answer ... */
} pk_hub_msg;

/* Check the options, open the thread's journal connection, start the
 * thread.  curl_global_init must have been called (in the kiosk the
 * network module's loader does it: src/net.h); the caller should have
 * blocked the signals it reads elsewhere (the thread inherits its mask). */
int pk_hublink_start(pk_hublink **out, const pk_hublink_options *o, pk_error *err);
/* Stop the thread and free everything.  drain_ms > 0: events not yet
 * acknowledged may still be sent for that long (if the hub is answering);
 * an open long poll is dropped at once.  NULL is fine. */
void pk_hublink_stop(pk_hublink *h, int drain_ms);

/* Readable when messages wait (poll it with POLLIN). */
int pk_hublink_fd(const pk_hublink *h);
/* The next message, in order; false (and the descriptor cleared) when
 * there is none. */
bool pk_hublink_take(pk_hublink *h, pk_hub_msg *msg);
/* The main thread has dealt with a batch of news (PK_HUB_MSG_NEWS_END)
 * and stored what it applied: the next long poll starts after what the
 * journal holds. */
void pk_hublink_news_done(pk_hublink *h);
/* Something was written to the journal: look at the outbox now. */
void pk_hublink_kick(pk_hublink *h);
/* The hub answered the last long poll and none is overdue. */
bool pk_hublink_healthy(pk_hublink *h);

#endif
