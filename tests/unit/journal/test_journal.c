/* test_journal.c - the sales journal: transitions, durability, refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal/journal.h"
#include "model/record.h"

typedef struct fixture {
	char dir[64];
	char path[128];
} fixture;

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int setup(void **state)
{
	fixture *fx = calloc(1, sizeof *fx);
	snprintf(fx->dir, sizeof fx->dir, "/tmp/pk-journal-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->path, sizeof fx->path, "%s/sub/dir/journal.db", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	fixture *fx = *state;
	nftw(fx->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

static void new_upi(pk_sale *s, const char *label)
{
	pk_sale_init(s);
	s->method = PK_METHOD_UPI;
	s->currency = PK_CUR_INR;
	s->amount = 10050;
	snprintf(s->label, sizeof s->label, "%s", label);
	assert_int_equal(pk_ctid_make(label, 1700000000, 1, s->ctid, sizeof s->ctid), 0);
}

static pk_journal *open_ok(const char *path)
{
	pk_journal *j = NULL;
	pk_error err;
	pk_error_clear(&err);
	int rc = pk_journal_open(&j, path, &err);
	if (rc != 0)
		fail_msg("open failed: %s", err.msg);
	return j;
}

static void test_creates_parents_and_mode_0600(void **state)
{
	fixture *fx = *state;
	mode_t old = umask(0);
	pk_journal *j = open_ok(fx->path);
	umask(old);
	struct stat sb;
	assert_int_equal(stat(fx->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	char parent[160];
	snprintf(parent, sizeof parent, "%s/sub/dir", fx->dir);
	assert_int_equal(stat(parent, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	/* A write creates the WAL: it must not be readable by others either. */
	pk_sale s;
	new_upi(&s, "alice");
	pk_error err;
	assert_int_equal(pk_journal_insert(j, &s, &err), 0);
	char wal[200];
	snprintf(wal, sizeof wal, "%s-wal", fx->path);
	if (stat(wal, &sb) == 0)
		assert_int_equal(sb.st_mode & 0077, 0);
	pk_journal_close(j);
}

static void test_upi_path_and_history(void **state)
{
	fixture *fx = *state;
	pk_journal *j = open_ok(fx->path);
	pk_error err;
	pk_sale s;
	new_upi(&s, "alice");
	assert_int_equal(pk_journal_insert(j, &s, &err), 0);
	assert_true(s.id > 0);
	assert_int_equal(s.state, PK_SALE_NEW);
	assert_int_equal(pk_journal_save(j, &s, PK_SALE_CREATING, "send create", &err), 0);
	snprintf(s.order_id, sizeof s.order_id, "ord-1");
	s.qr_data = strdup("upi://pay?pa=x@bank&am=100.5");
	assert_int_equal(pk_journal_save(j, &s, PK_SALE_AWAITING_PAYMENT, "qr", &err), 0);
	/* same -> same: a field update, no history line */
	snprintf(s.message, sizeof s.message, "still processing");
	assert_int_equal(pk_journal_save(j, &s, PK_SALE_AWAITING_PAYMENT, NULL, &err), 0);
	assert_int_equal(pk_journal_save(j, &s, PK_SALE_PAID, "success", &err), 0);
	assert_int_equal(s.state, PK_SALE_PAID);

	pk_history_entry *h = NULL;
	size_t n = 0;
	assert_int_equal(pk_journal_history(j, s.id, &h, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_int_equal(h[0].to, PK_SALE_NEW);
	assert_int_equal(h[1].from, PK_SALE_NEW);
	assert_int_equal(h[1].to, PK_SALE_CREATING);
	assert_string_equal(h[1].note, "send create");
	assert_int_equal(h[2].to, PK_SALE_AWAITING_PAYMENT);
	assert_int_equal(h[3].from, PK_SALE_AWAITING_PAYMENT);
	assert_int_equal(h[3].to, PK_SALE_PAID);
	assert_string_equal(h[3].note, "success");
	free(h);

	pk_sale got;
	assert_int_equal(pk_journal_get(j, s.id, &got, &err), 0);
	assert_int_equal(got.state, PK_SALE_PAID);
	assert_string_equal(got.order_id, "ord-1");
	assert_string_equal(got.qr_data, "upi://pay?pa=x@bank&am=100.5");
	assert_string_equal(got.message, "still processing");
	assert_int_equal(got.amount, 10050);
	assert_int_equal(got.currency, PK_CUR_INR);
	assert_int_equal(got.method, PK_METHOD_UPI);
	pk_sale_clear(&got);
	pk_sale_clear(&s);
	pk_journal_close(j);
}

static void test_refused_transition_leaves_db_unchanged(void **state)
{
	fixture *fx = *state;
	pk_journal *j = open_ok(fx->path);
	pk_error err;
	pk_sale s;
	new_upi(&s, "bob");
	assert_int_equal(pk_journal_insert(j, &s, &err), 0);
	assert_int_equal(pk_journal_save(j, &s, PK_SALE_CREATING, NULL, &err), 0);
	/* creating -> paid is impossible (nobody saw a QR) */
	snprintf(s.order_id, sizeof s.order_id, "should-not-be-stored");
	pk_error_clear(&err);
	assert_int_equal(pk_journal_save(j, &s, PK_SALE_PAID, NULL, &err), -1);
	assert_int_equal(err.kind, PK_ERR_STATE);
	assert_int_equal(s.state, PK_SALE_CREATING);
	pk_sale got;
	assert_int_equal(pk_journal_get(j, s.id, &got, &err), 0);
	assert_int_equal(got.state, PK_SALE_CREATING);
	assert_string_equal(got.order_id, "");
	pk_sale_clear(&got);
	pk_history_entry *h;
	size_t n;
	assert_int_equal(pk_journal_history(j, s.id, &h, &n, &err), 0);
	assert_int_equal(n, 2);
	free(h);

	/* The check is against the database, not the struct: a stale struct
	 * claiming awaiting_payment cannot push the row to paid. */
	s.state = PK_SALE_AWAITING_PAYMENT;
	assert_int_equal(pk_journal_save(j, &s, PK_SALE_PAID, NULL, &err), -1);
	assert_int_equal(err.kind, PK_ERR_STATE);
	assert_int_equal(pk_journal_get(j, s.id, &got, &err), 0);
	assert_int_equal(got.state, PK_SALE_CREATING);
	pk_sale_clear(&got);
	pk_journal_close(j);
}

static void test_transition_table(void **state)
{
	(void)state;
	const pk_method U = PK_METHOD_UPI, W = PK_METHOD_WAVEPAY;
	assert_true(pk_state_can(U, PK_SALE_NEW, PK_SALE_CREATING));
	assert_true(pk_state_can(U, PK_SALE_NEW, PK_SALE_ABANDONED));
	assert_true(pk_state_can(U, PK_SALE_CREATING, PK_SALE_AWAITING_PAYMENT));
	assert_true(pk_state_can(U, PK_SALE_CREATING, PK_SALE_FAILED));
	assert_true(pk_state_can(U, PK_SALE_CREATING, PK_SALE_ABANDONED));
	assert_true(pk_state_can(U, PK_SALE_AWAITING_PAYMENT, PK_SALE_PAID));
	assert_true(pk_state_can(U, PK_SALE_AWAITING_PAYMENT, PK_SALE_FAILED));
	/* only the gateway or a person decides: a cancel leaves it unconfirmed */
	assert_false(pk_state_can(U, PK_SALE_AWAITING_PAYMENT, PK_SALE_CANCELLED));
	assert_true(pk_state_can(U, PK_SALE_UNCONFIRMED, PK_SALE_CANCELLED));
	assert_true(pk_state_can(U, PK_SALE_AWAITING_PAYMENT, PK_SALE_UNCONFIRMED));
	assert_true(pk_state_can(U, PK_SALE_UNCONFIRMED, PK_SALE_AWAITING_PAYMENT));
	assert_true(pk_state_can(U, PK_SALE_UNCONFIRMED, PK_SALE_PAID));
	assert_true(pk_state_can(U, PK_SALE_UNCONFIRMED, PK_SALE_FAILED));
	assert_true(pk_state_can(W, PK_SALE_CREATING, PK_SALE_AWAITING_TXID));
	assert_true(pk_state_can(W, PK_SALE_AWAITING_TXID, PK_SALE_ACTIVATING));
	assert_true(pk_state_can(W, PK_SALE_AWAITING_TXID, PK_SALE_CANCELLED));
	assert_true(pk_state_can(W, PK_SALE_ACTIVATING, PK_SALE_PAID));
	assert_true(pk_state_can(W, PK_SALE_ACTIVATING, PK_SALE_PENDING));
	assert_true(pk_state_can(W, PK_SALE_ACTIVATING, PK_SALE_NOT_FOUND));
	/* no activation answer proves that no money moved */
	assert_false(pk_state_can(W, PK_SALE_ACTIVATING, PK_SALE_FAILED));
	assert_false(pk_state_can(W, PK_SALE_ACTIVATING, PK_SALE_CANCELLED));
	assert_true(pk_state_can(W, PK_SALE_ACTIVATING, PK_SALE_REFUSED));
	assert_true(pk_state_can(W, PK_SALE_ACTIVATING, PK_SALE_UNKNOWN));
	assert_true(pk_state_can(W, PK_SALE_NOT_FOUND, PK_SALE_ACTIVATING));
	assert_true(pk_state_can(W, PK_SALE_PENDING, PK_SALE_ACTIVATING));
	assert_false(pk_state_can(W, PK_SALE_FAILED, PK_SALE_ACTIVATING));
	assert_true(pk_state_can(W, PK_SALE_REFUSED, PK_SALE_ACTIVATING));
	assert_true(pk_state_can(W, PK_SALE_UNKNOWN, PK_SALE_ACTIVATING));
	/* every listed state: a person may close it as not paid */
	for (int s = 0; s < PK_SALE__COUNT; s++) {
		if (!pk_state_is_listed((pk_sale_state)s))
			continue;
		pk_method m = s == PK_SALE_UNCONFIRMED ? U : W;
		assert_true(pk_state_can(m, (pk_sale_state)s, PK_SALE_CANCELLED));
	}
	for (int s = 0; s < PK_SALE__COUNT; s++)
		assert_true(pk_state_can(U, (pk_sale_state)s, (pk_sale_state)s));

	/* refused */
	assert_false(pk_state_can(U, PK_SALE_CREATING, PK_SALE_PAID));
	assert_false(pk_state_can(U, PK_SALE_NEW, PK_SALE_AWAITING_PAYMENT));
	assert_false(pk_state_can(U, PK_SALE_PAID, PK_SALE_AWAITING_PAYMENT));
	assert_false(pk_state_can(U, PK_SALE_CANCELLED, PK_SALE_PAID));
	assert_false(pk_state_can(U, PK_SALE_FAILED, PK_SALE_ACTIVATING));
	assert_false(pk_state_can(U, PK_SALE_CREATING, PK_SALE_AWAITING_TXID));
	assert_false(pk_state_can(U, PK_SALE_AWAITING_PAYMENT, PK_SALE_ABANDONED));
	assert_false(pk_state_can(W, PK_SALE_CREATING, PK_SALE_AWAITING_PAYMENT));
	assert_false(pk_state_can(W, PK_SALE_PAID, PK_SALE_ACTIVATING));
	assert_false(pk_state_can(W, PK_SALE_ABANDONED, PK_SALE_CREATING));
	assert_false(pk_state_can(W, PK_SALE_ACTIVATING, PK_SALE_UNCONFIRMED));
	/* a background re-check of a pending sale is the same activation: its answer lands directly */
	assert_true(pk_state_can(W, PK_SALE_PENDING, PK_SALE_PAID));
	assert_false(pk_state_can(W, PK_SALE_PENDING, PK_SALE_FAILED));
	assert_false(pk_state_can(U, PK_SALE__COUNT, PK_SALE_PAID));
	/* the gateway's word by postback (through the hub): every open sale may
	 * become paid, nothing else (final or being set up) may */
	assert_true(pk_state_can(W, PK_SALE_AWAITING_TXID, PK_SALE_PAID));
	assert_true(pk_state_can(W, PK_SALE_NOT_FOUND, PK_SALE_PAID));
	assert_true(pk_state_can(W, PK_SALE_REFUSED, PK_SALE_PAID));
	assert_true(pk_state_can(W, PK_SALE_UNKNOWN, PK_SALE_PAID));
	for (int m = 0; m < PK_METHOD__COUNT; m++)
		for (int s = 0; s < PK_SALE__COUNT; s++)
			if (s != PK_SALE_PAID)
				assert_int_equal(pk_state_can((pk_method)m, (pk_sale_state)s, PK_SALE_PAID),
						 pk_state_is_open((pk_sale_state)s));
	assert_false(pk_state_can(W, PK_SALE_FAILED, PK_SALE_PAID));
	assert_false(pk_state_can(W, PK_SALE_ABANDONED, PK_SALE_PAID));
	assert_false(pk_state_can(U, PK_SALE_NEW, PK_SALE_PAID));
}

static void test_reopen_keeps_everything(void **state)
{
	fixture *fx = *state;
	pk_journal *j = open_ok(fx->path);
	pk_error err;
	pk_sale s;
	pk_sale_init(&s);
	s.method = PK_METHOD_WAVEPAY;
	s.currency = PK_CUR_MMK;
	s.amount = 5000;
	s.lang = PK_LANG_MY;
	snprintf(s.label, sizeof s.label, "kiosk1");
	assert_int_equal(pk_ctid_make("kiosk1", 1700000000, 1, s.ctid, sizeof s.ctid), 0);
	assert_int_equal(pk_journal_insert(j, &s, &err), 0);
	assert_int_equal(pk_journal_save(j, &s, PK_SALE_CREATING, NULL, &err), 0);
	snprintf(s.identifier, sizeof s.identifier, "324342342");
	assert_int_equal(pk_journal_save(j, &s, PK_SALE_AWAITING_TXID, NULL, &err), 0);
	snprintf(s.key1, sizeof s.key1, "1394646476");
	s.attempts = 1;
	assert_int_equal(pk_journal_save(j, &s, PK_SALE_ACTIVATING, NULL, &err), 0);
	s.has_deposit_amount = true;
	s.deposit_amount = 6000;
	assert_int_equal(pk_journal_save(j, &s, PK_SALE_PAID, NULL, &err), 0);
	int64_t id = s.id;
	char ctid[PK_CTID_MAX + 1];
	snprintf(ctid, sizeof ctid, "%s", s.ctid);
	pk_journal_close(j);

	j = open_ok(fx->path);
	pk_sale got;
	assert_int_equal(pk_journal_get(j, id, &got, &err), 0);
	assert_int_equal(got.method, PK_METHOD_WAVEPAY);
	assert_int_equal(got.currency, PK_CUR_MMK);
	assert_int_equal(got.amount, 5000);
	assert_int_equal(got.lang, PK_LANG_MY);
	assert_int_equal(got.state, PK_SALE_PAID);
	assert_string_equal(got.identifier, "324342342");
	assert_string_equal(got.key1, "1394646476");
	assert_string_equal(got.ctid, ctid);
	assert_true(got.has_deposit_amount);
	assert_int_equal(got.deposit_amount, 6000);
	assert_int_equal(got.attempts, 1);
	assert_null(got.qr_data);
	pk_sale_clear(&got);

	pk_sale_list list;
	assert_int_equal(pk_journal_list_states(j, 1u << PK_SALE_PAID, &list, &err), 0);
	assert_int_equal(list.count, 1);
	assert_int_equal(list.items[0].id, id);
	pk_sale_list_free(&list);
	assert_int_equal(pk_journal_list_states(j, 1u << PK_SALE_PENDING, &list, &err), 0);
	assert_int_equal(list.count, 0);
	pk_sale_list_free(&list);
	pk_history_entry *h;
	size_t n;
	assert_int_equal(pk_journal_history(j, id, &h, &n, &err), 0);
	assert_int_equal(n, 5);
	assert_int_equal(h[4].to, PK_SALE_PAID);
	free(h);
	pk_journal_close(j);
}

static void test_list_range(void **state)
{
	fixture *fx = *state;
	pk_journal *j = open_ok(fx->path);
	pk_error err;
	for (int i = 0; i < 3; i++) {
		pk_sale s;
		new_upi(&s, "r");
		s.created_at = 1000 + i * 100;
		assert_int_equal(pk_journal_insert(j, &s, &err), 0);
		assert_int_equal(s.created_at, 1000 + i * 100);
	}
	pk_sale_list list;
	assert_int_equal(pk_journal_list_range(j, 1000, 1200, &list, &err), 0);
	assert_int_equal(list.count, 2);
	assert_int_equal(list.items[0].created_at, 1000);
	assert_int_equal(list.items[1].created_at, 1100);
	pk_sale_list_free(&list);
	pk_journal_close(j);
}

static void test_future_schema_refused(void **state)
{
	fixture *fx = *state;
	pk_journal *j = open_ok(fx->path);
	pk_journal_close(j);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE schema_version SET version = 99", NULL, NULL,
				      NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	pk_error err;
	pk_error_clear(&err);
	j = NULL;
	assert_int_equal(pk_journal_open(&j, fx->path, &err), -1);
	assert_null(j);
	assert_int_equal(err.kind, PK_ERR_JOURNAL);
	assert_non_null(strstr(err.msg, fx->path));
	assert_non_null(strstr(err.msg, "newer"));
}

static void test_not_sqlite_refused(void **state)
{
	fixture *fx = *state;
	char path[200];
	snprintf(path, sizeof path, "%s/notes.txt", fx->dir);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	for (int i = 0; i < 200; i++)
		fputs("this is a shopping list, not a database\n", fp);
	fclose(fp);
	pk_error err;
	pk_journal *j = NULL;
	assert_int_equal(pk_journal_open(&j, path, &err), -1);
	assert_null(j);
	assert_int_equal(err.kind, PK_ERR_JOURNAL);
	assert_non_null(strstr(err.msg, path));
	assert_non_null(strstr(err.msg, "not a sales journal"));
	/* and the file was not touched */
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, 200 * 40);
}

static void test_other_sqlite_refused(void **state)
{
	fixture *fx = *state;
	char path[200];
	snprintf(path, sizeof path, "%s/other.db", fx->dir);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE photos(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	pk_error err;
	pk_journal *j = NULL;
	assert_int_equal(pk_journal_open(&j, path, &err), -1);
	assert_non_null(strstr(err.msg, "not a sales journal"));
}

static void test_locked_journal_refused(void **state)
{
	fixture *fx = *state;
	pk_journal *j = open_ok(fx->path);
	pk_journal_close(j);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	pk_error err;
	j = NULL;
	assert_int_equal(pk_journal_open(&j, fx->path, &err), -1);
	assert_null(j);
	assert_int_equal(err.kind, PK_ERR_JOURNAL);
	assert_non_null(strstr(err.msg, fx->path));
	assert_non_null(strstr(err.msg, "in use"));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	j = open_ok(fx->path);
	pk_journal_close(j);
}

static void test_ctid_unique_and_bounded(void **state)
{
	fixture *fx = *state;
	char label[PK_LABEL_MAX + 1];
	memset(label, 'x', PK_LABEL_MAX);
	label[PK_LABEL_MAX] = '\0';
	char a[PK_CTID_MAX + 1], b[PK_CTID_MAX + 1], c[PK_CTID_MAX + 1];
	assert_int_equal(pk_ctid_make(label, 1700000000, 1, a, sizeof a), 0);
	assert_int_equal(pk_ctid_make(label, 1700000000, 1, b, sizeof b), 0);
	assert_int_equal(pk_ctid_make(label, 1700000000, 7, c, sizeof c), 0);
	assert_true(strlen(a) <= PK_CTID_MAX);
	assert_true(strlen(c) <= PK_CTID_MAX);
	assert_string_not_equal(a, b);
	assert_non_null(strstr(a, "-20231114221320-"));
	assert_non_null(strstr(c, "-a7"));
	assert_int_equal(strncmp(a, "xxxx", 4), 0);

	char s[PK_CTID_MAX + 1];
	assert_int_equal(pk_ctid_make("shop7", 1700000000, 1, s, sizeof s), 0);
	assert_int_equal(strncmp(s, "shop7-20231114221320-", 21), 0);
	assert_int_equal(strlen(s), 21 + 16);

	/* the journal refuses a duplicate ctid */
	pk_journal *j = open_ok(fx->path);
	pk_error err;
	pk_sale s1, s2;
	new_upi(&s1, "dup");
	new_upi(&s2, "dup");
	snprintf(s2.ctid, sizeof s2.ctid, "%s", s1.ctid);
	assert_int_equal(pk_journal_insert(j, &s1, &err), 0);
	assert_int_equal(pk_journal_insert(j, &s2, &err), -1);
	assert_int_equal(err.kind, PK_ERR_JOURNAL);
	pk_journal_close(j);
}

static void test_labels_translated_words(void **state)
{
	(void)state;
	assert_string_equal(pk_state_label(PK_SALE_PAID), "Paid");
	assert_string_equal(pk_state_label(PK_SALE_FAILED), "Not paid");
	assert_string_equal(pk_state_label(PK_SALE_UNCONFIRMED), "Not confirmed yet");
	pk_sale_state st;
	for (int s = 0; s < PK_SALE__COUNT; s++) {
		assert_int_equal(pk_state_parse(pk_state_name((pk_sale_state)s), &st), 0);
		assert_int_equal(st, s);
	}
	assert_int_equal(pk_state_parse("bogus", &st), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_creates_parents_and_mode_0600, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upi_path_and_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_transition_leaves_db_unchanged, setup,
						teardown),
		cmocka_unit_test(test_transition_table),
		cmocka_unit_test_setup_teardown(test_reopen_keeps_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_future_schema_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_sqlite_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_sqlite_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_locked_journal_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctid_unique_and_bounded, setup, teardown),
		cmocka_unit_test(test_labels_translated_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
