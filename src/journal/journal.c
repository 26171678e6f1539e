/* journal.c - the durable sales journal on SQLite.
 * WAL + synchronous=FULL: every write is on disk when the call returns.
 * Prepared statements with bound parameters only; the secret never enters. */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/i18n.h"

struct pk_journal {
	sqlite3 *db;
	char *path;
	int lock_fd; /* the owner lock (pk_journal_lock), -1 if not taken */
	void (*on_change)(void *ud); /* after a committed state change */
	void *on_change_ud;
};

/* How long a write waits for another connection's (the hub link's) write
 * to end before it reports the journal busy. */
#define BUSY_TIMEOUT_MS 2000

/* Forward migrations: step i brings the schema from version i to i + 1. */
static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE schema_version (version INTEGER NOT NULL);"
	"CREATE TABLE sales ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  method TEXT NOT NULL,"
	"  currency TEXT NOT NULL,"
	"  amount INTEGER NOT NULL,"
	"  label TEXT NOT NULL,"
	"  ctid TEXT UNIQUE,"
	"  order_id TEXT NOT NULL DEFAULT '',"
	"  qr_data TEXT,"
	"  identifier TEXT NOT NULL DEFAULT '',"
	"  key1 TEXT NOT NULL DEFAULT '',"
	"  has_deposit INTEGER NOT NULL DEFAULT 0,"
	"  deposit_amount INTEGER NOT NULL DEFAULT 0,"
	"  lang TEXT NOT NULL DEFAULT 'en',"
	"  state TEXT NOT NULL,"
	"  message TEXT NOT NULL DEFAULT '',"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  deadline INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX sales_state ON sales(state);"
	"CREATE INDEX sales_created ON sales(created_at);"
	"CREATE TABLE sale_history ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  sale_id INTEGER NOT NULL REFERENCES sales(id),"
	"  from_state TEXT,"
	"  to_state TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  note TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX sale_history_sale ON sale_history(sale_id);",
	/* 1 -> 2: the hub's cursors (docs/HUB.md).  sale_history is the
	 * outbox: its id is the event's seq. */
	"CREATE TABLE hub_cursors ("
	"  name TEXT PRIMARY KEY,"
	"  value INTEGER NOT NULL);"
	"INSERT INTO hub_cursors(name, value) VALUES ('events_acked', 0), ('news_after', 0);",
};
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

static const char *const lang_codes[PK_LANG__COUNT] = {
	[PK_LANG_EN] = "en", [PK_LANG_MY] = "my", [PK_LANG_HI] = "hi",
};

static const char *lang_code(pk_lang l)
{
	return (unsigned)l < PK_LANG__COUNT ? lang_codes[l] : "en";
}

static pk_lang lang_from_code(const char *s)
{
	for (int i = 0; i < PK_LANG__COUNT; i++)
		if (s && strcmp(s, lang_codes[i]) == 0)
			return (pk_lang)i;
	return PK_LANG_EN;
}

static int db_error(pk_journal *j, pk_error *err, bool writing)
{
	int code = sqlite3_errcode(j->db);
	if (writing)
		return pk_error_setc(err, PK_ERR_JOURNAL, code,
				     _("Cannot write to the sales journal %s (%s)"), j->path,
				     sqlite3_errmsg(j->db));
	return pk_error_setc(err, PK_ERR_JOURNAL, code, _("Cannot read the sales journal %s (%s)"),
			     j->path, sqlite3_errmsg(j->db));
}

/* mkdir -p for the parent of path, mode 0700. */
static int make_parents(const char *path, pk_error *err)
{
	char *dir = strdup(path);
	if (!dir)
		return pk_error_set(err, PK_ERR_NOMEM, _("Out of memory"));
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir) {
		free(dir);
		return 0;
	}
	*slash = '\0';
	for (char *p = dir + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
				int e = errno;
				pk_error_setc(err, PK_ERR_IO, e,
					      _("Cannot create the folder %s for the sales journal: %s"),
					      dir, strerror(e));
				free(dir);
				return -1;
			}
			*p = c;
			if (c == '\0')
				break;
		}
	}
	free(dir);
	return 0;
}

static int exec_sql(pk_journal *j, const char *sql, pk_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(j->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int code = sqlite3_errcode(j->db);
		if (code == SQLITE_NOTADB) {
			sqlite3_free(msg);
			return pk_error_setc(err, PK_ERR_JOURNAL, code,
					     _("%s is not a sales journal (not an SQLite database)"),
					     j->path);
		}
		if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
			sqlite3_free(msg);
			return pk_error_setc(err, PK_ERR_JOURNAL, code,
					     _("The sales journal %s is in use by another program"),
					     j->path);
		}
		pk_error_setc(err, PK_ERR_JOURNAL, code, _("Cannot write to the sales journal %s (%s)"),
			      j->path, msg ? msg : sqlite3_errstr(code));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int prepare(pk_journal *j, const char *sql, sqlite3_stmt **st, pk_error *err)
{
	if (sqlite3_prepare_v2(j->db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return db_error(j, err, false);
	}
	return 0;
}

static int table_exists(pk_journal *j, const char *name, int *exists, pk_error *err)
{
	sqlite3_stmt *st;
	if (prepare(j, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?", &st,
		    err))
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return db_error(j, err, false);
	}
	*exists = sqlite3_column_int(st, 0) > 0;
	sqlite3_finalize(st);
	return 0;
}

static int count_tables(pk_journal *j, int *n, pk_error *err)
{
	sqlite3_stmt *st;
	if (prepare(j, "SELECT count(*) FROM sqlite_master WHERE type='table'", &st, err))
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return db_error(j, err, false);
	}
	*n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int read_version(pk_journal *j, int *version, pk_error *err)
{
	int exists = 0;
	if (table_exists(j, "schema_version", &exists, err))
		return -1;
	if (!exists) {
		int n = 0;
		if (count_tables(j, &n, err))
			return -1;
		if (n > 0)
			return pk_error_set(err, PK_ERR_JOURNAL,
					    _("%s is not a sales journal (another program's database)"),
					    j->path);
		*version = 0;
		return 0;
	}
	sqlite3_stmt *st;
	if (prepare(j, "SELECT max(version) FROM schema_version", &st, err))
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return db_error(j, err, false);
	}
	*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int migrate(pk_journal *j, pk_error *err)
{
	if (exec_sql(j, "BEGIN IMMEDIATE", err))
		return -1;
	int version = 0;
	if (read_version(j, &version, err))
		goto fail;
	if (version > SCHEMA_VERSION) {
		pk_error_set(err, PK_ERR_JOURNAL,
			     _("The sales journal %s was written by a newer paykiosk "
			       "(version %d, this one knows %d); refusing to touch it"),
			     j->path, version, SCHEMA_VERSION);
		goto fail;
	}
	for (int v = version; v < SCHEMA_VERSION; v++) {
		if (exec_sql(j, migrations[v], err))
			goto fail;
		sqlite3_stmt *st;
		if (exec_sql(j, "DELETE FROM schema_version", err))
			goto fail;
		if (prepare(j, "INSERT INTO schema_version(version) VALUES (?)", &st, err))
			goto fail;
		sqlite3_bind_int(st, 1, v + 1);
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			db_error(j, err, true);
			goto fail;
		}
	}
	if (exec_sql(j, "COMMIT", err))
		goto fail;
	return 0;
fail:
	sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int pk_journal_open(pk_journal **out, const char *path, pk_error *err)
{
	*out = NULL;
	if (!path || !*path)
		return pk_error_set(err, PK_ERR_CONFIG, _("No sales journal file is set"));
	if (make_parents(path, err))
		return -1;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		int e = errno;
		return pk_error_setc(err, PK_ERR_IO, e, _("Cannot open the sales journal %s: %s"),
				     path, strerror(e));
	}
	struct stat sb;
	if (fstat(fd, &sb) == 0 && sb.st_size == 0)
		(void)fchmod(fd, 0600); /* new file: whatever the umask */
	close(fd);

	pk_journal *j = calloc(1, sizeof *j);
	if (j)
		j->lock_fd = -1;
	if (!j || !(j->path = strdup(path))) {
		free(j);
		return pk_error_set(err, PK_ERR_NOMEM, _("Out of memory"));
	}
	int rc = sqlite3_open_v2(path, &j->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX,
				 NULL);
	if (rc != SQLITE_OK) {
		pk_error_setc(err, PK_ERR_JOURNAL, rc, _("Cannot open the sales journal %s: %s"),
			      path, j->db ? sqlite3_errmsg(j->db) : sqlite3_errstr(rc));
		pk_journal_close(j);
		return -1;
	}
	sqlite3_extended_result_codes(j->db, 0);
	sqlite3_busy_timeout(j->db, BUSY_TIMEOUT_MS);
	if (exec_sql(j, "PRAGMA journal_mode=WAL", err) ||
	    exec_sql(j, "PRAGMA synchronous=FULL", err) ||
	    exec_sql(j, "PRAGMA foreign_keys=ON", err) || migrate(j, err)) {
		pk_journal_close(j);
		return -1;
	}
	*out = j;
	return 0;
}

void pk_journal_close(pk_journal *j)
{
	if (!j)
		return;
	if (j->db)
		sqlite3_close_v2(j->db);
	if (j->lock_fd >= 0)
		close(j->lock_fd); /* releases the flock */
	free(j->path);
	free(j);
}

int pk_journal_lock(pk_journal *j, pk_error *err)
{
	if (j->lock_fd >= 0)
		return 0;
	size_t n = strlen(j->path) + sizeof ".lock";
	char *lp = malloc(n);
	if (!lp)
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	snprintf(lp, n, "%s.lock", j->path);
	int fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		int e = errno;
		pk_error_setc(err, PK_ERR_JOURNAL, e, _("Cannot lock the journal %s: %s"), lp,
			      strerror(e));
		free(lp);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		char pid[32] = "";
		ssize_t r = pread(fd, pid, sizeof pid - 1, 0);
		pid[r > 0 ? r : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		close(fd);
		if (e == EWOULDBLOCK)
			/* TRANSLATORS: %s is the journal file, the second %s a process id */
			pk_error_setc(err, PK_ERR_JOURNAL, e,
				      _("Another paykiosk (process %s) is taking payments with the "
					"journal %s: only one may, or a sale could be charged twice"),
				      pid[0] ? pid : "?", j->path);
		else
			pk_error_setc(err, PK_ERR_JOURNAL, e, _("Cannot lock the journal %s: %s"), lp,
				      strerror(e));
		free(lp);
		return -1;
	}
	free(lp);
	char pid[32];
	int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)len, 0) < 0) {
		/* the pid is only for the message above */
	}
	j->lock_fd = fd;
	return 0;
}

void pk_journal_on_change(pk_journal *j, void (*fn)(void *ud), void *ud)
{
	j->on_change = fn;
	j->on_change_ud = ud;
}

static void changed(pk_journal *j)
{
	if (j->on_change)
		j->on_change(j->on_change_ud);
}

static time_t now_wall(void)
{
	return time(NULL);
}

static void bind_text_or_null(sqlite3_stmt *st, int idx, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, idx);
}

/* Columns in the order of SALE_COLUMNS, from index 1. */
#define SALE_COLUMNS                                                                 \
	"method, currency, amount, label, ctid, order_id, qr_data, identifier, key1, " \
	"has_deposit, deposit_amount, lang, state, message, attempts, created_at, "    \
	"updated_at, deadline"

static void bind_sale(sqlite3_stmt *st, const pk_sale *s, pk_sale_state state)
{
	sqlite3_bind_text(st, 1, pk_method_name(s->method), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, pk_currency_code(s->currency), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, s->amount);
	sqlite3_bind_text(st, 4, s->label, -1, SQLITE_TRANSIENT);
	bind_text_or_null(st, 5, s->ctid);
	sqlite3_bind_text(st, 6, s->order_id, -1, SQLITE_TRANSIENT);
	bind_text_or_null(st, 7, s->qr_data);
	sqlite3_bind_text(st, 8, s->identifier, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, s->key1, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 10, s->has_deposit_amount ? 1 : 0);
	sqlite3_bind_int64(st, 11, s->deposit_amount);
	sqlite3_bind_text(st, 12, lang_code(s->lang), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, pk_state_name(state), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 14, s->message, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 15, s->attempts);
	sqlite3_bind_int64(st, 16, (sqlite3_int64)s->created_at);
	sqlite3_bind_int64(st, 17, (sqlite3_int64)s->updated_at);
	sqlite3_bind_int64(st, 18, (sqlite3_int64)s->deadline);
}

static int add_history(pk_journal *j, int64_t sale_id, const char *from, pk_sale_state to,
		       time_t at, const char *note, pk_error *err)
{
	sqlite3_stmt *st;
	if (prepare(j,
		    "INSERT INTO sale_history(sale_id, from_state, to_state, at, note) "
		    "VALUES (?, ?, ?, ?, ?)",
		    &st, err))
		return -1;
	sqlite3_bind_int64(st, 1, sale_id);
	if (from)
		sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_text(st, 3, pk_state_name(to), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)at);
	sqlite3_bind_text(st, 5, note ? note : "", -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(j, err, true);
	return 0;
}

int pk_journal_insert(pk_journal *j, pk_sale *sale, pk_error *err)
{
	time_t now = now_wall();
	pk_sale row = *sale;
	if (!row.created_at)
		row.created_at = now;
	row.updated_at = now;
	if (exec_sql(j, "BEGIN IMMEDIATE", err))
		return -1;
	sqlite3_stmt *st;
	if (prepare(j,
		    "INSERT INTO sales(" SALE_COLUMNS ") VALUES "
		    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		    &st, err))
		goto fail;
	bind_sale(st, &row, PK_SALE_NEW);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		if (rc == SQLITE_CONSTRAINT)
			pk_error_setc(err, PK_ERR_JOURNAL, rc,
				      _("Sales journal %s: this transaction ID is already used"),
				      j->path);
		else
			db_error(j, err, true);
		goto fail;
	}
	int64_t id = sqlite3_last_insert_rowid(j->db);
	if (add_history(j, id, NULL, PK_SALE_NEW, now, "", err))
		goto fail;
	if (exec_sql(j, "COMMIT", err))
		goto fail;
	sale->id = id;
	sale->created_at = row.created_at;
	sale->updated_at = row.updated_at;
	sale->state = PK_SALE_NEW;
	changed(j);
	return 0;
fail:
	sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int pk_journal_save(pk_journal *j, pk_sale *sale, pk_sale_state to, const char *note,
		    pk_error *err)
{
	if (sale->id <= 0)
		return pk_error_set(err, PK_ERR_STATE, _("This sale is not in the journal yet"));
	if (exec_sql(j, "BEGIN IMMEDIATE", err))
		return -1;
	sqlite3_stmt *st;
	if (prepare(j, "SELECT method, state FROM sales WHERE id = ?", &st, err))
		goto fail;
	sqlite3_bind_int64(st, 1, sale->id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc == SQLITE_DONE)
			pk_error_set(err, PK_ERR_STATE, _("Sale %lld is not in the journal"),
				     (long long)sale->id);
		else
			db_error(j, err, false);
		goto fail;
	}
	char method_name[32], from_name[32];
	snprintf(method_name, sizeof method_name, "%s",
		 (const char *)sqlite3_column_text(st, 0));
	snprintf(from_name, sizeof from_name, "%s", (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);

	pk_method method = strcmp(method_name, pk_method_name(PK_METHOD_WAVEPAY)) == 0
				   ? PK_METHOD_WAVEPAY
				   : PK_METHOD_UPI;
	pk_sale_state from;
	if (strcmp(method_name, pk_method_name(method)) != 0 || pk_state_parse(from_name, &from)) {
		pk_error_set(err, PK_ERR_JOURNAL, _("Sales journal %s: sale %lld is damaged"),
			     j->path, (long long)sale->id);
		goto fail;
	}
	if (method != sale->method || !pk_state_can(method, from, to)) {
		pk_error_set(err, PK_ERR_STATE, _("Sale %lld cannot go from %s to %s"),
			     (long long)sale->id, pk_state_name(from), pk_state_name(to));
		goto fail;
	}

	time_t now = now_wall();
	pk_sale row = *sale;
	row.updated_at = now;
	if (prepare(j,
		    "UPDATE sales SET method=?, currency=?, amount=?, label=?, ctid=?, "
		    "order_id=?, qr_data=?, identifier=?, key1=?, has_deposit=?, "
		    "deposit_amount=?, lang=?, state=?, message=?, attempts=?, created_at=?, "
		    "updated_at=?, deadline=? WHERE id=?",
		    &st, err))
		goto fail;
	bind_sale(st, &row, to);
	sqlite3_bind_int64(st, 19, sale->id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		if (rc == SQLITE_CONSTRAINT)
			pk_error_setc(err, PK_ERR_JOURNAL, rc,
				      _("Sales journal %s: this transaction ID is already used"),
				      j->path);
		else
			db_error(j, err, true);
		goto fail;
	}
	if (from != to && add_history(j, sale->id, pk_state_name(from), to, now, note, err))
		goto fail;
	if (exec_sql(j, "COMMIT", err))
		goto fail;
	sale->state = to;
	sale->updated_at = now;
	if (from != to)
		changed(j);
	return 0;
fail:
	sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

/* Row of "SELECT id, " SALE_COLUMNS -> sale. */
static int read_sale(pk_journal *j, sqlite3_stmt *st, pk_sale *out, pk_error *err)
{
	pk_sale_init(out);
	out->id = sqlite3_column_int64(st, 0);
	const char *m = col_text(st, 1);
	if (strcmp(m, "wavepay") == 0)
		out->method = PK_METHOD_WAVEPAY;
	else if (strcmp(m, "upi") == 0)
		out->method = PK_METHOD_UPI;
	else
		goto damaged;
	if (pk_currency_parse(col_text(st, 2), &out->currency))
		goto damaged;
	out->amount = sqlite3_column_int64(st, 3);
	snprintf(out->label, sizeof out->label, "%s", col_text(st, 4));
	snprintf(out->ctid, sizeof out->ctid, "%s", col_text(st, 5));
	snprintf(out->order_id, sizeof out->order_id, "%s", col_text(st, 6));
	if (sqlite3_column_type(st, 7) != SQLITE_NULL) {
		out->qr_data = strdup(col_text(st, 7));
		if (!out->qr_data)
			return pk_error_set(err, PK_ERR_NOMEM, _("Out of memory"));
	}
	snprintf(out->identifier, sizeof out->identifier, "%s", col_text(st, 8));
	snprintf(out->key1, sizeof out->key1, "%s", col_text(st, 9));
	out->has_deposit_amount = sqlite3_column_int(st, 10) != 0;
	out->deposit_amount = sqlite3_column_int64(st, 11);
	out->lang = lang_from_code(col_text(st, 12));
	if (pk_state_parse(col_text(st, 13), &out->state))
		goto damaged;
	snprintf(out->message, sizeof out->message, "%s", col_text(st, 14));
	out->attempts = sqlite3_column_int(st, 15);
	out->created_at = (time_t)sqlite3_column_int64(st, 16);
	out->updated_at = (time_t)sqlite3_column_int64(st, 17);
	out->deadline = (time_t)sqlite3_column_int64(st, 18);
	return 0;
damaged:
	pk_error_set(err, PK_ERR_JOURNAL, _("Sales journal %s: sale %lld is damaged"), j->path,
		     (long long)out->id);
	pk_sale_clear(out);
	return -1;
}

int pk_journal_get(pk_journal *j, int64_t id, pk_sale *out, pk_error *err)
{
	pk_sale_init(out);
	sqlite3_stmt *st;
	if (prepare(j, "SELECT id, " SALE_COLUMNS " FROM sales WHERE id = ?", &st, err))
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	int ret;
	if (rc == SQLITE_ROW)
		ret = read_sale(j, st, out, err);
	else if (rc == SQLITE_DONE)
		ret = pk_error_set(err, PK_ERR_INVALID, _("Sale %lld is not in the journal"),
				   (long long)id);
	else
		ret = db_error(j, err, false);
	sqlite3_finalize(st);
	return ret;
}


static int read_list(pk_journal *j, sqlite3_stmt *st, pk_sale_list *out, pk_error *err)
{
	size_t cap = 0;
	out->items = NULL;
	out->count = 0;
	for (;;) {
		int rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			break;
		if (rc != SQLITE_ROW) {
			db_error(j, err, false);
			goto fail;
		}
		if (out->count == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			pk_sale *n = realloc(out->items, ncap * sizeof *n);
			if (!n) {
				pk_error_set(err, PK_ERR_NOMEM, _("Out of memory"));
				goto fail;
			}
			out->items = n;
			cap = ncap;
		}
		if (read_sale(j, st, &out->items[out->count], err))
			goto fail;
		out->count++;
	}
	sqlite3_finalize(st);
	return 0;
fail:
	sqlite3_finalize(st);
	pk_sale_list_free(out);
	return -1;
}

int pk_journal_list_states(pk_journal *j, unsigned state_mask, pk_sale_list *out,
			   pk_error *err)
{
	out->items = NULL;
	out->count = 0;
	/* Build "state IN (?, ?, ...)" with bound names. */
	char sql[512];
	size_t n = 0;
	int len = snprintf(sql, sizeof sql, "SELECT id, " SALE_COLUMNS
				       " FROM sales WHERE state IN (''");
	for (int s = 0; s < PK_SALE__COUNT; s++) {
		if (state_mask & (1u << s)) {
			len += snprintf(sql + len, sizeof sql - (size_t)len, ", ?");
			n++;
		}
	}
	snprintf(sql + len, sizeof sql - (size_t)len, ") ORDER BY created_at DESC, id DESC");
	sqlite3_stmt *st;
	if (prepare(j, sql, &st, err))
		return -1;
	int idx = 1;
	for (int s = 0; s < PK_SALE__COUNT; s++)
		if (state_mask & (1u << s))
			sqlite3_bind_text(st, idx++, pk_state_name((pk_sale_state)s), -1,
					  SQLITE_STATIC);
	(void)n;
	return read_list(j, st, out, err);
}

int pk_journal_list_range(pk_journal *j, time_t from, time_t to, pk_sale_list *out,
			  pk_error *err)
{
	out->items = NULL;
	out->count = 0;
	sqlite3_stmt *st;
	if (prepare(j,
		    "SELECT id, " SALE_COLUMNS " FROM sales WHERE created_at >= ? AND "
		    "created_at < ? ORDER BY created_at ASC, id ASC",
		    &st, err))
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)from);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)to);
	return read_list(j, st, out, err);
}

int pk_journal_history(pk_journal *j, int64_t sale_id, pk_history_entry **out, size_t *count,
		       pk_error *err)
{
	*out = NULL;
	*count = 0;
	sqlite3_stmt *st;
	if (prepare(j,
		    "SELECT from_state, to_state, at, note FROM sale_history WHERE sale_id = ? "
		    "ORDER BY id ASC",
		    &st, err))
		return -1;
	sqlite3_bind_int64(st, 1, sale_id);
	size_t cap = 0;
	for (;;) {
		int rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			break;
		if (rc != SQLITE_ROW) {
			db_error(j, err, false);
			goto fail;
		}
		if (*count == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			pk_history_entry *n = realloc(*out, ncap * sizeof *n);
			if (!n) {
				pk_error_set(err, PK_ERR_NOMEM, _("Out of memory"));
				goto fail;
			}
			*out = n;
			cap = ncap;
		}
		pk_history_entry *e = &(*out)[*count];
		memset(e, 0, sizeof *e);
		/* The first line (insert) has no from-state: it reads as new -> new. */
		if (sqlite3_column_type(st, 0) == SQLITE_NULL ||
		    pk_state_parse(col_text(st, 0), &e->from))
			e->from = PK_SALE_NEW;
		if (pk_state_parse(col_text(st, 1), &e->to)) {
			pk_error_set(err, PK_ERR_JOURNAL, _("Sales journal %s: sale %lld is damaged"),
				     j->path, (long long)sale_id);
			goto fail;
		}
		e->at = (time_t)sqlite3_column_int64(st, 2);
		snprintf(e->note, sizeof e->note, "%s", col_text(st, 3));
		(*count)++;
	}
	sqlite3_finalize(st);
	return 0;
fail:
	sqlite3_finalize(st);
	free(*out);
	*out = NULL;
	*count = 0;
	return -1;
}

int pk_journal_find_ctid(pk_journal *j, const char *ctid, pk_sale *out, bool *found,
			 pk_error *err)
{
	pk_sale_init(out);
	*found = false;
	if (!ctid || !*ctid)
		return 0;
	sqlite3_stmt *st;
	if (prepare(j, "SELECT id, " SALE_COLUMNS " FROM sales WHERE ctid = ?", &st, err))
		return -1;
	sqlite3_bind_text(st, 1, ctid, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	int ret = 0;
	if (rc == SQLITE_ROW) {
		ret = read_sale(j, st, out, err);
		*found = ret == 0;
	} else if (rc != SQLITE_DONE) {
		ret = db_error(j, err, false);
	}
	sqlite3_finalize(st);
	return ret;
}

/* ---- the hub's outbox and cursors --------------------------------------- */

int pk_journal_outbox(pk_journal *j, int64_t after_seq, size_t limit, pk_outbox_event **out,
		      size_t *count, pk_error *err)
{
	*out = NULL;
	*count = 0;
	if (limit == 0)
		return 0;
	sqlite3_stmt *st;
	if (prepare(j,
		    "SELECT h.id, h.from_state, h.to_state, h.at, h.note, s.id, s.ctid, "
		    "s.order_id, s.method, s.currency, s.amount, s.label, s.key1, s.created_at "
		    "FROM sale_history h JOIN sales s ON s.id = h.sale_id "
		    "WHERE h.id > ? ORDER BY h.id ASC LIMIT ?",
		    &st, err))
		return -1;
	sqlite3_bind_int64(st, 1, after_seq);
	sqlite3_bind_int64(st, 2, limit > INT64_MAX ? INT64_MAX : (sqlite3_int64)limit);
	pk_outbox_event *ev = calloc(limit < 64 ? limit : 64, sizeof *ev);
	size_t cap = limit < 64 ? limit : 64;
	if (!ev) {
		sqlite3_finalize(st);
		return pk_error_set(err, PK_ERR_NOMEM, _("Out of memory"));
	}
	size_t n = 0;
	for (;;) {
		int rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			break;
		if (rc != SQLITE_ROW) {
			db_error(j, err, false);
			goto fail;
		}
		if (n == cap) {
			size_t ncap = cap * 2 > limit ? limit : cap * 2;
			pk_outbox_event *m = realloc(ev, ncap * sizeof *m);
			if (!m) {
				pk_error_set(err, PK_ERR_NOMEM, _("Out of memory"));
				goto fail;
			}
			ev = m;
			cap = ncap;
		}
		pk_outbox_event *e = &ev[n];
		memset(e, 0, sizeof *e);
		e->seq = sqlite3_column_int64(st, 0);
		/* The first line (insert) has no from-state: it reads as new -> new. */
		if (sqlite3_column_type(st, 1) == SQLITE_NULL ||
		    pk_state_parse(col_text(st, 1), &e->from))
			e->from = PK_SALE_NEW;
		int64_t sale_id = sqlite3_column_int64(st, 5);
		if (pk_state_parse(col_text(st, 2), &e->to) ||
		    pk_currency_parse(col_text(st, 9), &e->currency))
			goto damaged;
		e->at = (time_t)sqlite3_column_int64(st, 3);
		snprintf(e->note, sizeof e->note, "%s", col_text(st, 4));
		e->sale_id = sale_id;
		snprintf(e->ctid, sizeof e->ctid, "%s", col_text(st, 6));
		snprintf(e->order_id, sizeof e->order_id, "%s", col_text(st, 7));
		const char *m = col_text(st, 8);
		if (strcmp(m, pk_method_name(PK_METHOD_WAVEPAY)) == 0)
			e->method = PK_METHOD_WAVEPAY;
		else if (strcmp(m, pk_method_name(PK_METHOD_UPI)) == 0)
			e->method = PK_METHOD_UPI;
		else
			goto damaged;
		e->amount = sqlite3_column_int64(st, 10);
		snprintf(e->label, sizeof e->label, "%s", col_text(st, 11));
		snprintf(e->key1, sizeof e->key1, "%s", col_text(st, 12));
		e->created_at = (time_t)sqlite3_column_int64(st, 13);
		n++;
		continue;
damaged:
		pk_error_set(err, PK_ERR_JOURNAL, _("Sales journal %s: sale %lld is damaged"),
			     j->path, (long long)sale_id);
		goto fail;
	}
	sqlite3_finalize(st);
	if (n == 0) {
		free(ev);
		ev = NULL;
	}
	*out = ev;
	*count = n;
	return 0;
fail:
	sqlite3_finalize(st);
	free(ev);
	return -1;
}

static const char *const cursor_names[PK_HUB_CURSOR__COUNT] = {
	[PK_HUB_EVENTS_ACKED] = "events_acked",
	[PK_HUB_NEWS_AFTER] = "news_after",
};

int pk_journal_hub_cursor_get(pk_journal *j, pk_hub_cursor c, int64_t *value, pk_error *err)
{
	*value = 0;
	if ((unsigned)c >= PK_HUB_CURSOR__COUNT)
		return pk_error_set(err, PK_ERR_INVALID, "hub cursor %d", (int)c);
	sqlite3_stmt *st;
	if (prepare(j, "SELECT value FROM hub_cursors WHERE name = ?", &st, err))
		return -1;
	sqlite3_bind_text(st, 1, cursor_names[c], -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	int ret = 0;
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		ret = db_error(j, err, false);
	sqlite3_finalize(st);
	return ret;
}

int pk_journal_hub_cursor_set(pk_journal *j, pk_hub_cursor c, int64_t value, pk_error *err)
{
	if ((unsigned)c >= PK_HUB_CURSOR__COUNT)
		return pk_error_set(err, PK_ERR_INVALID, "hub cursor %d", (int)c);
	sqlite3_stmt *st;
	if (prepare(j,
		    "INSERT INTO hub_cursors(name, value) VALUES (?, ?) "
		    "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
		    &st, err))
		return -1;
	sqlite3_bind_text(st, 1, cursor_names[c], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, value);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(j, err, true);
	return 0;
}
