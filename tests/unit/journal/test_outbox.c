/* test_outbox.c - the journal's side of the hub: sale_history read as the
 * outbox (in order, by pages, the sale as it is now), the hub's cursors
 * (start at 0, kept over a restart, a version-1 journal migrated forward
 * with its sales intact), the lookup by ctid, the change hook, and a write
 * that waits for another connection's write instead of failing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fixtures.h"
#include "journal/journal.h"
#include "model/record.h"

static int setup(void **state)
{
	pk_tmpjournal *t = calloc(1, sizeof *t);
	if (!t || pk_tmpjournal_open(t, "outbox"))
		return -1;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	pk_tmpjournal_close(*state);
	free(*state);
	return 0;
}

static int64_t insert(pk_journal *j, pk_method m, int64_t amount, const char *label)
{
	pk_sale s;
	pk_error err;
	pk_sale_init(&s);
	s.method = m;
	s.currency = m == PK_METHOD_UPI ? PK_CUR_INR : PK_CUR_MMK;
	s.amount = amount;
	s.created_at = 1790000000;
	snprintf(s.label, sizeof s.label, "%s", label);
	assert_int_equal(pk_ctid_make(label, s.created_at, 1, s.ctid, sizeof s.ctid), 0);
	assert_int_equal(pk_journal_insert(j, &s, &err), 0);
	int64_t id = s.id;
	pk_sale_clear(&s);
	return id;
}

static void move(pk_journal *j, int64_t id, pk_sale_state to, const char *note,
		 void (*edit)(pk_sale *))
{
	pk_sale s;
	pk_error err;
	assert_int_equal(pk_journal_get(j, id, &s, &err), 0);
	if (edit)
		edit(&s);
	assert_int_equal(pk_journal_save(j, &s, to, note, &err), 0);
	pk_sale_clear(&s);
}

static void give_order(pk_sale *s)
{
	snprintf(s->order_id, sizeof s->order_id, "ORD-7");
}

static void give_key1(pk_sale *s)
{
	snprintf(s->key1, sizeof s->key1, "1234567890");
}

static void test_outbox_in_order_by_pages(void **state)
{
	pk_tmpjournal *t = *state;
	pk_error err;
	int64_t u = insert(t->j, PK_METHOD_UPI, 10050, "shop-1");
	int64_t w = insert(t->j, PK_METHOD_WAVEPAY, 5000, "shop-1");
	move(t->j, u, PK_SALE_CREATING, "send create", NULL);
	move(t->j, w, PK_SALE_CREATING, "send create", NULL);
	move(t->j, u, PK_SALE_AWAITING_PAYMENT, "QR received", give_order);
	move(t->j, w, PK_SALE_AWAITING_TXID, "wallet received", NULL);
	move(t->j, w, PK_SALE_ACTIVATING, "activate", give_key1);
	/* a save that changes no state writes no event */
	move(t->j, u, PK_SALE_AWAITING_PAYMENT, NULL, NULL);
	move(t->j, u, PK_SALE_PAID, "status success", NULL);

	pk_outbox_event *ev;
	size_t n;
	assert_int_equal(pk_journal_outbox(t->j, 0, 100, &ev, &n, &err), 0);
	assert_int_equal(n, 8);
	static const struct {
		int sale; /* 0 upi, 1 wavepay */
		pk_sale_state from, to;
		const char *note;
	} want[] = {
		{ 0, PK_SALE_NEW, PK_SALE_NEW, "" },
		{ 1, PK_SALE_NEW, PK_SALE_NEW, "" },
		{ 0, PK_SALE_NEW, PK_SALE_CREATING, "send create" },
		{ 1, PK_SALE_NEW, PK_SALE_CREATING, "send create" },
		{ 0, PK_SALE_CREATING, PK_SALE_AWAITING_PAYMENT, "QR received" },
		{ 1, PK_SALE_CREATING, PK_SALE_AWAITING_TXID, "wallet received" },
		{ 1, PK_SALE_AWAITING_TXID, PK_SALE_ACTIVATING, "activate" },
		{ 0, PK_SALE_AWAITING_PAYMENT, PK_SALE_PAID, "status success" },
	};
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			assert_true(ev[i].seq > ev[i - 1].seq);
		assert_int_equal(ev[i].sale_id, want[i].sale ? w : u);
		assert_int_equal(ev[i].from, want[i].from);
		assert_int_equal(ev[i].to, want[i].to);
		assert_string_equal(ev[i].note, want[i].note);
		assert_true(ev[i].at > 0);
		assert_int_equal(ev[i].created_at, 1790000000);
		assert_string_equal(ev[i].label, "shop-1");
		assert_non_null(strstr(ev[i].ctid, "shop-1-"));
		if (want[i].sale) {
			assert_int_equal(ev[i].method, PK_METHOD_WAVEPAY);
			assert_int_equal(ev[i].currency, PK_CUR_MMK);
			assert_int_equal(ev[i].amount, 5000);
			/* the sale as it is now: its ID is on every line */
			assert_string_equal(ev[i].key1, "1234567890");
		} else {
			assert_int_equal(ev[i].method, PK_METHOD_UPI);
			assert_int_equal(ev[i].currency, PK_CUR_INR);
			assert_int_equal(ev[i].amount, 10050);
			assert_string_equal(ev[i].order_id, "ORD-7");
		}
	}
	int64_t third = ev[2].seq, last = ev[7].seq;

	/* pages: after a seq, at most limit */
	pk_outbox_event *page;
	size_t pn;
	assert_int_equal(pk_journal_outbox(t->j, ev[1].seq, 3, &page, &pn, &err), 0);
	assert_int_equal(pn, 3);
	assert_int_equal(page[0].seq, third);
	assert_int_equal(page[2].seq, ev[4].seq);
	free(page);
	assert_int_equal(pk_journal_outbox(t->j, ev[6].seq, 3, &page, &pn, &err), 0);
	assert_int_equal(pn, 1);
	assert_int_equal(page[0].seq, last);
	free(page);
	assert_int_equal(pk_journal_outbox(t->j, last, 3, &page, &pn, &err), 0);
	assert_int_equal(pn, 0);
	assert_null(page);
	free(ev);

	/* a restart: the same outbox, the same seqs */
	pk_journal_close(t->j);
	assert_int_equal(pk_journal_open(&t->j, t->path, &err), 0);
	assert_int_equal(pk_journal_outbox(t->j, 0, 100, &ev, &n, &err), 0);
	assert_int_equal(n, 8);
	assert_int_equal(ev[2].seq, third);
	assert_int_equal(ev[7].seq, last);
	free(ev);
}

static void test_cursors_start_at_zero_and_survive_a_restart(void **state)
{
	pk_tmpjournal *t = *state;
	pk_error err;
	int64_t v = -1;
	assert_int_equal(pk_journal_hub_cursor_get(t->j, PK_HUB_EVENTS_ACKED, &v, &err), 0);
	assert_int_equal(v, 0);
	assert_int_equal(pk_journal_hub_cursor_get(t->j, PK_HUB_NEWS_AFTER, &v, &err), 0);
	assert_int_equal(v, 0);
	assert_int_equal(pk_journal_hub_cursor_set(t->j, PK_HUB_EVENTS_ACKED, 41, &err), 0);
	assert_int_equal(pk_journal_hub_cursor_set(t->j, PK_HUB_NEWS_AFTER, 7, &err), 0);
	assert_int_equal(pk_journal_hub_cursor_set(t->j, PK_HUB_EVENTS_ACKED, 42, &err), 0);

	pk_journal_close(t->j);
	assert_int_equal(pk_journal_open(&t->j, t->path, &err), 0);
	assert_int_equal(pk_journal_hub_cursor_get(t->j, PK_HUB_EVENTS_ACKED, &v, &err), 0);
	assert_int_equal(v, 42);
	assert_int_equal(pk_journal_hub_cursor_get(t->j, PK_HUB_NEWS_AFTER, &v, &err), 0);
	assert_int_equal(v, 7);
	assert_int_equal(pk_journal_hub_cursor_get(t->j, PK_HUB_CURSOR__COUNT, &v, &err), -1);
}

/* A journal written before the hub (schema version 1) is brought forward:
 * its sales and history stay, the cursors start at 0, and its whole
 * history is the outbox. */
static void test_version_1_journal_migrated(void **state)
{
	pk_tmpjournal *t = *state;
	pk_error err;
	int64_t id = insert(t->j, PK_METHOD_UPI, 700, "old");
	move(t->j, id, PK_SALE_CREATING, "send create", NULL);
	pk_journal_close(t->j);
	t->j = NULL;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "DROP TABLE hub_cursors; UPDATE schema_version SET version = 1",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(pk_journal_open(&t->j, t->path, &err), 0);
	int64_t v = -1;
	assert_int_equal(pk_journal_hub_cursor_get(t->j, PK_HUB_EVENTS_ACKED, &v, &err), 0);
	assert_int_equal(v, 0);
	pk_outbox_event *ev;
	size_t n;
	assert_int_equal(pk_journal_outbox(t->j, 0, 10, &ev, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ev[1].to, PK_SALE_CREATING);
	assert_int_equal(ev[1].amount, 700);
	free(ev);
	assert_int_equal(pk_journal_state_of(t->j, id), PK_SALE_CREATING);
}

static void test_find_by_ctid(void **state)
{
	pk_tmpjournal *t = *state;
	pk_error err;
	int64_t id = insert(t->j, PK_METHOD_WAVEPAY, 5000, "k9");
	pk_sale s, found_sale;
	assert_int_equal(pk_journal_get(t->j, id, &s, &err), 0);
	bool found = false;
	assert_int_equal(pk_journal_find_ctid(t->j, s.ctid, &found_sale, &found, &err), 0);
	assert_true(found);
	assert_int_equal(found_sale.id, id);
	assert_int_equal(found_sale.amount, 5000);
	pk_sale_clear(&found_sale);
	assert_int_equal(pk_journal_find_ctid(t->j, "k9-nobody", &found_sale, &found, &err), 0);
	assert_false(found);
	assert_int_equal(pk_journal_find_ctid(t->j, "", &found_sale, &found, &err), 0);
	assert_false(found);
	pk_sale_clear(&s);
}

static void count(void *ud)
{
	(*(int *)ud)++;
}

/* The hub link is woken by every insert and state change, and by nothing
 * else (a save that changes no state, a refused move). */
static void test_change_hook(void **state)
{
	pk_tmpjournal *t = *state;
	int calls = 0;
	pk_journal_on_change(t->j, count, &calls);
	int64_t id = insert(t->j, PK_METHOD_UPI, 100, "h");
	assert_int_equal(calls, 1);
	move(t->j, id, PK_SALE_CREATING, "send create", NULL);
	assert_int_equal(calls, 2);
	move(t->j, id, PK_SALE_CREATING, NULL, NULL);
	assert_int_equal(calls, 2);
	pk_sale s;
	pk_error err;
	assert_int_equal(pk_journal_get(t->j, id, &s, &err), 0);
	assert_int_equal(pk_journal_save(t->j, &s, PK_SALE_PAID, "x", &err), -1);
	assert_int_equal(calls, 2);
	pk_sale_clear(&s);
	pk_journal_on_change(t->j, NULL, NULL);
	move(t->j, id, PK_SALE_ABANDONED, "gone", NULL);
	assert_int_equal(calls, 2);
}

typedef struct writer {
	pk_journal *j;
	atomic_int started;
	int rc;
	pk_error err;
} writer;

static void *write_cursor(void *arg)
{
	writer *w = arg;
	atomic_store(&w->started, 1);
	w->rc = pk_journal_hub_cursor_set(w->j, PK_HUB_EVENTS_ACKED, 5, &w->err);
	return NULL;
}

/* Two connections (the kiosk's and the hub link's): a write that meets
 * the other's write waits for it instead of failing. */
static void test_second_connection_waits(void **state)
{
	pk_tmpjournal *t = *state;
	pk_error err;
	writer w = { 0 };
	assert_int_equal(pk_journal_open(&w.j, t->path, &err), 0);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, write_cursor, &w), 0);
	/* the other connection holds its write a moment after the writer is
	 * ready to write */
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	for (int i = 0; i < 500 && !atomic_load(&w.started); i++)
		nanosleep(&tick, NULL);
	assert_true(atomic_load(&w.started));
	struct timespec hold = { 0, 200 * 1000 * 1000 };
	nanosleep(&hold, NULL);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	pthread_join(th, NULL);
	pk_journal_close(w.j);
	if (w.rc != 0)
		fail_msg("the second connection's write failed: %s", w.err.msg);
	int64_t v;
	assert_int_equal(pk_journal_hub_cursor_get(t->j, PK_HUB_EVENTS_ACKED, &v, &err), 0);
	assert_int_equal(v, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_outbox_in_order_by_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cursors_start_at_zero_and_survive_a_restart,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_version_1_journal_migrated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_by_ctid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_change_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_connection_waits, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
