/* db.h - paykiosk-hub's PostgreSQL: connections, a small pool for the
 * request threads, one way to run a transaction, and the schema's
 * versioned migrations (table schema_migrations).
 *
 * Every connection has statement_timeout 5 s (the pool's) so a slow
 * database gives an error (the HTTP side answers 503), never a hang.  A
 * connection found broken (the server restarted) is opened again on its
 * next use.  Error kinds: PK_ERR_REFUSED the database cannot be reached,
 * PK_ERR_TRANSPORT the connection was lost or the transaction lost a
 * deadlock (worth running again), PK_ERR_TIMEOUT a statement ran out of
 * time, PK_ERR_IO any other database error.  Messages are libpq's primary
 * text, never the conninfo (it may hold a password). */
#ifndef PK_HUB_DB_H
#define PK_HUB_DB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"

#define PK_HUB_STATEMENT_TIMEOUT_MS 5000
#define PK_HUB_POOL_MAX 16

/* The schema version this program writes. */
int pk_hub_schema_latest(void);

/* One connection: the conninfo's own settings win over connect_timeout=5
 * and application_name=paykiosk-hub; then SET statement_timeout (ms, 0 =
 * none).  NULL and err (PK_ERR_REFUSED) on failure. */
PGconn *pk_hub_connect(const char *conninfo, int statement_timeout_ms, pk_error *err);

/* Statements.  params are text (NULL = SQL NULL) unless lengths/formats
 * say binary (for bytea).  The result on PGRES_TUPLES_OK / COMMAND_OK (the
 * caller PQclears it), else NULL and err. */
PGresult *pk_hub_execb(PGconn *c, pk_error *err, const char *sql, int n,
		       const char *const *params, const int *lengths, const int *formats);
PGresult *pk_hub_exec(PGconn *c, pk_error *err, const char *sql, int n,
		      const char *const *params);
/* Same, result dropped: 0 / -1. */
int pk_hub_cmd(PGconn *c, pk_error *err, const char *sql, int n, const char *const *params);
/* Fill err from a failed result (or from the connection when r is NULL). */
int pk_hub_db_error(PGconn *c, const PGresult *r, pk_error *err);
/* r if it holds rows or a command's success (the caller PQclears it), else
 * NULL with err filled from it, and r cleared.  Every exec goes through it. */
PGresult *pk_hub_checked(PGconn *c, PGresult *r, pk_error *err);

/* The pool. */
typedef struct pk_hub_db pk_hub_db;
int pk_hub_db_open(pk_hub_db **out, const char *conninfo, int max, pk_error *err);
void pk_hub_db_close(pk_hub_db *db);

/* Run fn(c, ctx, err) between BEGIN and COMMIT on a pooled connection;
 * ROLLBACK when it returns -1.  All of the hub's transactions are
 * idempotent, so one that lost its connection or a deadlock (kind
 * PK_ERR_TRANSPORT) is run again, at most twice more, on a fresh
 * connection: fn must set its outputs from scratch each time.  A pooled
 * connection has the statements of sql.h prepared (pk_hub_run). */
typedef int (*pk_hub_tx_fn)(PGconn *c, void *ctx, pk_error *err);
int pk_hub_db_run(pk_hub_db *db, pk_hub_tx_fn fn, void *ctx, pk_error *err);
/* The same without BEGIN and COMMIT, for an fn that runs one statement
 * (its own transaction): a read, one round trip instead of three. */
int pk_hub_db_run1(pk_hub_db *db, pk_hub_tx_fn fn, void *ctx, pk_error *err);

/* Bring the schema to pk_hub_schema_latest() under a session advisory
 * lock (two hubs starting on one database take turns).  *from and *to: the
 * versions before and after.  -1 when the database's schema is newer than
 * this program's (PK_ERR_CONFIG) or on a database error. */
int pk_hub_migrate(PGconn *c, int *from, int *to, pk_error *err);
/* The database's schema version (0: none) without changing anything
 * (works on a read-only replica). */
int pk_hub_schema_version(PGconn *c, int *version, pk_error *err);

/* Advisory lock keys (two-int form: their own space).  Decimal, so that
 * PK_HUB_SQL_INT can write them into SQL text. */
#define PK_HUB_LOCK_CLASS_MIGRATE 1886088551 /* 0x706b6d67 "pkmg" */
#define PK_HUB_LOCK_CLASS_MATCH 1886088564   /* 0x706b6d74 "pkmt" */
#define PK_HUB_SQL_INT(x) PK_HUB_SQL_INT_(x)
#define PK_HUB_SQL_INT_(x) #x

/* Text of an int64 for a parameter. */
typedef struct pk_hub_num {
	char s[24];
} pk_hub_num;
const char *pk_hub_num_of(pk_hub_num *n, int64_t v);
/* A column as int64 (0 when NULL or not a number). */
int64_t pk_hub_get_i64(const PGresult *r, int row, int col);

#endif
