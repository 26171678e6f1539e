/* db.c - connections, the pool, transactions and migrations (db.h). */
#include "hub/db.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/i18n.h"
#include "hub/sql.h"

/* ---- the schema ----
 * Migrations are append-only: a released one is never edited, a change is a
 * new entry.  Each runs in its own transaction with its schema_migrations
 * row. */
static const struct migration {
	int version;
	const char *name;
	const char *sql;
} migrations[] = {
	{ 1, "kiosks, sales, events, postbacks, news",
	  /* The counters that may send events, by the SHA-256 of their token. */
	  "CREATE TABLE kiosks ("
	  " id bigserial PRIMARY KEY,"
	  " shop text NOT NULL,"
	  " counter text NOT NULL,"
	  " token_sha256 text NOT NULL UNIQUE,"
	  " created_at timestamptz NOT NULL DEFAULT now(),"
	  " token_issued_at timestamptz NOT NULL DEFAULT now(),"
	  " UNIQUE (shop, counter));"
	  /* The hub's view of each sale: its kiosk's last word.  A sale is
	   * its kiosk's journal row (kiosk_sale_id, sent in every event), not
	   * its ctid: a corrected Wavepay ID gives the sale a new ctid, and
	   * custom_transaction_id follows it (the latest event's). */
	  "CREATE TABLE sales ("
	  " id bigserial PRIMARY KEY,"
	  " kiosk_id bigint NOT NULL REFERENCES kiosks (id),"
	  " kiosk_sale_id bigint NOT NULL,"
	  " custom_transaction_id text NOT NULL,"
	  " method text NOT NULL,"
	  " currency text NOT NULL,"
	  " amount bigint NOT NULL,"
	  " label text NOT NULL DEFAULT '',"
	  " order_id text NOT NULL DEFAULT '',"
	  " key1 text NOT NULL DEFAULT '',"
	  " state text NOT NULL,"
	  " outcome text NOT NULL,"
	  " last_seq bigint NOT NULL,"
	  " created_at timestamptz NOT NULL,"
	  " updated_at timestamptz NOT NULL,"
	  " paid_at timestamptz,"
	  " UNIQUE (kiosk_id, kiosk_sale_id));"
	  "CREATE INDEX sales_ctid ON sales (custom_transaction_id);"
	  "CREATE INDEX sales_label ON sales (label);"
	  "CREATE INDEX sales_txid ON sales"
	  " ((CASE WHEN method = 'wavepay' THEN key1 ELSE order_id END));"
	  "CREATE INDEX sales_created ON sales (created_at);"
	  /* Every ctid a sale's events have carried (the current one too): a
	   * postback for an earlier attempt's ctid still finds its sale. */
	  "CREATE TABLE sale_ctids ("
	  " sale_id bigint NOT NULL REFERENCES sales (id),"
	  " custom_transaction_id text NOT NULL,"
	  " first_seq bigint NOT NULL,"
	  " PRIMARY KEY (sale_id, custom_transaction_id));"
	  "CREATE INDEX sale_ctids_ctid ON sale_ctids (custom_transaction_id);"
	  /* The kiosks' journal outboxes, each event once. */
	  "CREATE TABLE kiosk_events ("
	  " kiosk_id bigint NOT NULL REFERENCES kiosks (id),"
	  " seq bigint NOT NULL,"
	  " kiosk_sale_id bigint NOT NULL,"
	  " custom_transaction_id text NOT NULL,"
	  " from_state text NOT NULL,"
	  " to_state text NOT NULL,"
	  " outcome text NOT NULL,"
	  " at timestamptz NOT NULL,"
	  " note text NOT NULL DEFAULT '',"
	  " received_at timestamptz NOT NULL DEFAULT now(),"
	  " PRIMARY KEY (kiosk_id, seq));"
	  /* Every postback body as received, once per dedupe key. */
	  "CREATE TABLE postbacks ("
	  " id bigserial PRIMARY KEY,"
	  " body bytea NOT NULL,"
	  " trust text NOT NULL CHECK (trust IN ('trusted', 'untrusted', 'unreadable')),"
	  " problem text NOT NULL DEFAULT '',"
	  " dedupe_key text NOT NULL UNIQUE,"
	  " received_at timestamptz NOT NULL DEFAULT now(),"
	  " last_seen_at timestamptz NOT NULL DEFAULT now(),"
	  " times_seen integer NOT NULL DEFAULT 1);"
	  "CREATE INDEX postbacks_received ON postbacks (received_at);"
	  "CREATE INDEX postbacks_last_seen ON postbacks (last_seen_at);"
	  /* One row per additional_data[] element, and what it matched. */
	  "CREATE TABLE postback_txs ("
	  " id bigserial PRIMARY KEY,"
	  " postback_id bigint NOT NULL REFERENCES postbacks (id),"
	  " idx integer NOT NULL,"
	  " wallet_type text NOT NULL DEFAULT '',"
	  " currency text NOT NULL DEFAULT '',"
	  " amount bigint,"
	  " transaction_id text NOT NULL DEFAULT '',"
	  " plugin_custom_order_id text NOT NULL DEFAULT '',"
	  " activated_datetime text NOT NULL DEFAULT '',"
	  " label text NOT NULL DEFAULT '',"
	  " match_value text NOT NULL DEFAULT '',"
	  " match_result text NOT NULL,"
	  " sale_id bigint REFERENCES sales (id),"
	  " matched_at timestamptz,"
	  " UNIQUE (postback_id, idx));"
	  "CREATE INDEX postback_txs_value ON postback_txs (match_value);"
	  "CREATE INDEX postback_txs_sale ON postback_txs (sale_id);"
	  /* What a kiosk is told: a sale closed by a postback, at most once
	   * (custom_transaction_id: the sale's when it was written; the news
	   * answer sends the sale's current one and its kiosk_sale_id). */
	  "CREATE TABLE news ("
	  " id bigserial PRIMARY KEY,"
	  " kiosk_id bigint NOT NULL REFERENCES kiosks (id),"
	  " sale_id bigint NOT NULL UNIQUE REFERENCES sales (id),"
	  " postback_tx_id bigint NOT NULL REFERENCES postback_txs (id),"
	  " custom_transaction_id text NOT NULL,"
	  " order_id text NOT NULL DEFAULT '',"
	  " outcome text NOT NULL,"
	  " amount bigint NOT NULL,"
	  " currency text NOT NULL,"
	  " transaction_id text NOT NULL DEFAULT '',"
	  " at timestamptz NOT NULL DEFAULT now());"
	  "CREATE INDEX news_kiosk ON news (kiosk_id, id);" },
};

#define N_MIGRATIONS (sizeof migrations / sizeof migrations[0])

int pk_hub_schema_latest(void)
{
	return migrations[N_MIGRATIONS - 1].version;
}

/* ---- statements ---- */

const char *pk_hub_num_of(pk_hub_num *n, int64_t v)
{
	snprintf(n->s, sizeof n->s, "%" PRId64, v);
	return n->s;
}

int64_t pk_hub_get_i64(const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return 0;
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static void first_line(char *s)
{
	s[strcspn(s, "\n")] = '\0';
}

int pk_hub_db_error(PGconn *c, const PGresult *r, pk_error *err)
{
	char msg[PK_ERR_MSG_MAX];
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	snprintf(msg, sizeof msg, "%s", primary ? primary : c ? PQerrorMessage(c) : "");
	first_line(msg);
	if (!msg[0])
		snprintf(msg, sizeof msg, "%s", _("no answer"));
	pk_err_kind kind = PK_ERR_IO;
	if (!c || PQstatus(c) != CONNECTION_OK)
		kind = PK_ERR_TRANSPORT;
	else if (state && strcmp(state, "57014") == 0)
		kind = PK_ERR_TIMEOUT; /* query_canceled: statement_timeout */
	else if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0))
		kind = PK_ERR_TRANSPORT; /* serialization failure, deadlock: run again */
	/* TRANSLATORS: %s is the database's own message */
	return pk_error_set(err, kind, _("database: %s"), msg);
}

PGresult *pk_hub_execb(PGconn *c, pk_error *err, const char *sql, int n,
		       const char *const *params, const int *lengths, const int *formats)
{
	return pk_hub_checked(c, PQexecParams(c, sql, n, NULL, params, lengths, formats, 0), err);
}

PGresult *pk_hub_checked(PGconn *c, PGresult *r, pk_error *err)
{
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
		return r;
	pk_hub_db_error(c, r, err);
	PQclear(r);
	return NULL;
}

PGresult *pk_hub_exec(PGconn *c, pk_error *err, const char *sql, int n,
		      const char *const *params)
{
	return pk_hub_execb(c, err, sql, n, params, NULL, NULL);
}

int pk_hub_cmd(PGconn *c, pk_error *err, const char *sql, int n, const char *const *params)
{
	PGresult *r = pk_hub_exec(c, err, sql, n, params);
	if (!r)
		return -1;
	PQclear(r);
	return 0;
}

/* ---- connections ---- */

static int set_timeout(PGconn *c, int ms, pk_error *err)
{
	char sql[64];
	snprintf(sql, sizeof sql, "SET statement_timeout = %d", ms);
	return pk_hub_cmd(c, err, sql, 0, NULL);
}

static void quiet_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message; /* NOTICEs ("relation exists, skipping") are not for the log */
}

PGconn *pk_hub_connect(const char *conninfo, int statement_timeout_ms, pk_error *err)
{
	/* Later keywords win: the conninfo (dbname, expanded) comes last. */
	const char *const keys[] = { "connect_timeout", "application_name", "dbname", NULL };
	const char *const vals[] = { "5", "paykiosk-hub", conninfo, NULL };
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	if (!c) {
		pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
		return NULL;
	}
	if (PQstatus(c) != CONNECTION_OK) {
		char msg[PK_ERR_MSG_MAX];
		snprintf(msg, sizeof msg, "%s", PQerrorMessage(c));
		first_line(msg);
		/* TRANSLATORS: %s is libpq's reason */
		pk_error_set(err, PK_ERR_REFUSED, _("cannot reach the database: %s"), msg);
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, quiet_notice, NULL);
	if (statement_timeout_ms > 0 && set_timeout(c, statement_timeout_ms, err) < 0) {
		PQfinish(c);
		return NULL;
	}
	return c;
}

/* ---- the pool ---- */

struct pk_hub_db {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	char *conninfo;
	int max;
	PGconn **conns; /* NULL: not open (yet, or closed after a failure) */
	bool *busy;
};

int pk_hub_db_open(pk_hub_db **out, const char *conninfo, int max, pk_error *err)
{
	pk_hub_db *db = calloc(1, sizeof *db);
	if (db) {
		db->conninfo = strdup(conninfo);
		db->conns = calloc((size_t)max, sizeof *db->conns);
		db->busy = calloc((size_t)max, sizeof *db->busy);
	}
	if (!db || !db->conninfo || !db->conns || !db->busy) {
		pk_hub_db_close(db);
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	}
	db->max = max;
	pthread_mutex_init(&db->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&db->cond, &ca);
	pthread_condattr_destroy(&ca);
	*out = db;
	return 0;
}

void pk_hub_db_close(pk_hub_db *db)
{
	if (!db)
		return;
	if (db->conns) {
		for (int i = 0; i < db->max; i++)
			if (db->conns[i])
				PQfinish(db->conns[i]);
		pthread_mutex_destroy(&db->mu);
		pthread_cond_destroy(&db->cond);
	}
	if (db->conninfo) {
		explicit_bzero(db->conninfo, strlen(db->conninfo));
		free(db->conninfo);
	}
	free(db->conns);
	free(db->busy);
	free(db);
}

/* An idle pooled connection has nothing to say: anything readable on it
 * is the server's goodbye (a restart, an administrator) or a lost socket. */
static bool idle_usable(PGconn *c)
{
	if (PQstatus(c) != CONNECTION_OK || PQtransactionStatus(c) != PQTRANS_IDLE)
		return false;
	struct pollfd p = { .fd = PQsocket(c), .events = POLLIN };
	return p.fd >= 0 && poll(&p, 1, 0) == 0;
}

static PGconn *acquire(pk_hub_db *db, int *slot, pk_error *err)
{
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += PK_HUB_STATEMENT_TIMEOUT_MS / 1000;
	pthread_mutex_lock(&db->mu);
	int pick = -1;
	for (;;) {
		for (int i = 0; i < db->max && pick < 0; i++)
			if (!db->busy[i] && db->conns[i])
				pick = i;
		for (int i = 0; i < db->max && pick < 0; i++)
			if (!db->busy[i])
				pick = i;
		if (pick >= 0)
			break;
		if (pthread_cond_timedwait(&db->cond, &db->mu, &deadline) == ETIMEDOUT) {
			pthread_mutex_unlock(&db->mu);
			pk_error_set(err, PK_ERR_TIMEOUT, "%s",
				     _("database: every connection is busy"));
			return NULL;
		}
	}
	db->busy[pick] = true;
	PGconn *c = db->conns[pick];
	db->conns[pick] = NULL; /* ours until release */
	pthread_mutex_unlock(&db->mu);
	if (c && !idle_usable(c)) {
		PQfinish(c);
		c = NULL;
	}
	if (!c) {
		/* a new session: its statements prepared before its first use */
		c = pk_hub_connect(db->conninfo, PK_HUB_STATEMENT_TIMEOUT_MS, err);
		if (c && pk_hub_prepare_all(c, err) < 0) {
			PQfinish(c);
			c = NULL;
		}
	}
	if (!c) {
		pthread_mutex_lock(&db->mu);
		db->busy[pick] = false;
		pthread_cond_signal(&db->cond);
		pthread_mutex_unlock(&db->mu);
		return NULL;
	}
	*slot = pick;
	return c;
}

static void release(pk_hub_db *db, int slot, PGconn *c)
{
	if (c && (PQstatus(c) != CONNECTION_OK || PQtransactionStatus(c) != PQTRANS_IDLE)) {
		PQfinish(c);
		c = NULL;
	}
	pthread_mutex_lock(&db->mu);
	db->conns[slot] = c;
	db->busy[slot] = false;
	pthread_cond_signal(&db->cond);
	pthread_mutex_unlock(&db->mu);
}

/* A statement without parameters by the simple protocol (BEGIN, COMMIT):
 * one message, nothing to plan. */
static int simple_cmd(PGconn *c, const char *sql, pk_error *err)
{
	PGresult *r = pk_hub_checked(c, PQexec(c, sql), err);
	int rc = r ? 0 : -1;
	PQclear(r);
	return rc;
}

static int run(pk_hub_db *db, bool tx, pk_hub_tx_fn fn, void *ctx, pk_error *err)
{
	int rc = -1;
	for (int attempt = 0; attempt < 3; attempt++) {
		int slot;
		PGconn *c = acquire(db, &slot, err);
		if (!c)
			return -1;
		rc = tx ? simple_cmd(c, "BEGIN", err) : 0;
		if (rc == 0)
			rc = fn(c, ctx, err);
		if (tx && rc == 0) {
			rc = simple_cmd(c, "COMMIT", err);
		} else if (tx && PQstatus(c) == CONNECTION_OK) {
			PGresult *r = PQexec(c, "ROLLBACK");
			PQclear(r);
		}
		release(db, slot, c);
		if (rc == 0 || !err || err->kind != PK_ERR_TRANSPORT)
			return rc;
	}
	return rc;
}

int pk_hub_db_run(pk_hub_db *db, pk_hub_tx_fn fn, void *ctx, pk_error *err)
{
	return run(db, true, fn, ctx, err);
}

int pk_hub_db_run1(pk_hub_db *db, pk_hub_tx_fn fn, void *ctx, pk_error *err)
{
	return run(db, false, fn, ctx, err);
}

/* ---- migrations ---- */

int pk_hub_schema_version(PGconn *c, int *version, pk_error *err)
{
	*version = 0;
	PGresult *r = pk_hub_exec(c, err, "SELECT to_regclass('schema_migrations') IS NOT NULL", 0,
				  NULL);
	if (!r)
		return -1;
	bool exists = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	if (!exists)
		return 0;
	r = pk_hub_exec(c, err, "SELECT coalesce(max(version), 0) FROM schema_migrations", 0, NULL);
	if (!r)
		return -1;
	*version = (int)pk_hub_get_i64(r, 0, 0);
	PQclear(r);
	return 0;
}

static int migrate_locked(PGconn *c, int *from, int *to, pk_error *err)
{
	if (pk_hub_cmd(c, err,
		       "CREATE TABLE IF NOT EXISTS schema_migrations ("
		       " version integer PRIMARY KEY,"
		       " name text NOT NULL,"
		       " applied_at timestamptz NOT NULL DEFAULT now())",
		       0, NULL) < 0 ||
	    pk_hub_schema_version(c, from, err) < 0)
		return -1;
	*to = *from;
	if (*from > pk_hub_schema_latest())
		return pk_error_set(err, PK_ERR_CONFIG,
				    _("The database's schema (version %d) is newer than this "
				      "paykiosk-hub's (version %d): upgrade paykiosk-hub"),
				    *from, pk_hub_schema_latest());
	for (size_t i = 0; i < N_MIGRATIONS; i++) {
		const struct migration *m = &migrations[i];
		if (m->version <= *from)
			continue;
		pk_hub_num v;
		const char *params[] = { pk_hub_num_of(&v, m->version), m->name };
		if (pk_hub_cmd(c, err, "BEGIN", 0, NULL) < 0)
			return -1;
		/* PQexec: a migration is several statements, no parameters */
		PGresult *r = pk_hub_checked(c, PQexec(c, m->sql), err);
		bool ok = r != NULL;
		PQclear(r);
		if (!ok || pk_hub_cmd(c, err,
				      "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
				      2, params) < 0 ||
		    pk_hub_cmd(c, err, "COMMIT", 0, NULL) < 0) {
			PGresult *rb = PQexec(c, "ROLLBACK");
			PQclear(rb);
			return -1;
		}
		*to = m->version;
	}
	return 0;
}

int pk_hub_migrate(PGconn *c, int *from, int *to, pk_error *err)
{
	*from = *to = 0;
	char lock[96], unlock[96];
	snprintf(lock, sizeof lock, "SELECT pg_advisory_lock(%d, 0)", PK_HUB_LOCK_CLASS_MIGRATE);
	snprintf(unlock, sizeof unlock, "SELECT pg_advisory_unlock(%d, 0)",
		 PK_HUB_LOCK_CLASS_MIGRATE);
	if (pk_hub_cmd(c, err, lock, 0, NULL) < 0)
		return -1;
	int rc = migrate_locked(c, from, to, err);
	pk_error ignored;
	pk_hub_cmd(c, &ignored, unlock, 0, NULL);
	return rc;
}
