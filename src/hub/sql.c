/* sql.c - preparing and running the hub's statements (sql.h). */
#include "hub/sql.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

enum kind { PLAIN, WITH_VALUE, VALUES_OF };

static const struct {
	const char *id;
	enum kind kind;
	const char *sql;
} stmts[PK_STMT__COUNT] = {
#define PK_X(id_, kind_, sql_) [PK_STMT_##id_] = { #id_, kind_, sql_ },
	PK_HUB_STATEMENTS(PK_X)
#undef PK_X
};

/* Where a sale's values of field f are: the ctid has every value the
 * sale's events carried (table sale_ctids: a corrected Wavepay ID gives
 * the sale a new ctid, and a postback for the earlier attempt's ctid still
 * finds it); the other fields are the sale's current columns. */
static bool from_sale_ctids(pk_hub_match_field f)
{
	return f == PK_MATCH_PLUGIN_CUSTOM_ORDER_ID;
}

/* The SQL fragment a statement of this kind needs for field f. */
static void fragment(enum kind k, pk_hub_match_field f, char *buf, size_t cap)
{
	const char *expr = pk_hub_match_field_sql(f);
	if (k == WITH_VALUE && from_sale_ctids(f))
		snprintf(buf, cap, "%s",
			 "s.id IN (SELECT c.sale_id FROM sale_ctids c"
			 " WHERE c.custom_transaction_id = $1::text)");
	else if (k == WITH_VALUE)
		snprintf(buf, cap, "%s = $1::text", expr);
	else if (from_sale_ctids(f))
		snprintf(buf, cap, "%s",
			 "SELECT c.custom_transaction_id AS val FROM sale_ctids c"
			 " WHERE c.sale_id = ANY($1::bigint[])");
	else
		snprintf(buf, cap, "SELECT %s AS val FROM sales s WHERE s.id = ANY($1::bigint[])",
			 expr);
}

/* The prepared statement's name: pk_ID, or pk_ID_FIELD. */
static void name_of(pk_hub_stmt s, pk_hub_match_field f, char *buf, size_t cap)
{
	if (stmts[s].kind == PLAIN)
		snprintf(buf, cap, "pk_%s", stmts[s].id);
	else
		snprintf(buf, cap, "pk_%s_%s", stmts[s].id, pk_hub_match_field_name(f));
}

/* tmpl with its "%s" replaced by frag. */
static void splice(char *buf, size_t cap, const char *tmpl, const char *frag)
{
	const char *at = strstr(tmpl, "%s");
	int head = at ? (int)(at - tmpl) : (int)strlen(tmpl);
	snprintf(buf, cap, "%.*s%s%s", head, tmpl, at ? frag : "", at ? at + 2 : "");
}

/* Statement s's SQL for field f. */
static void sql_of(pk_hub_stmt s, pk_hub_match_field f, char *buf, size_t cap)
{
	if (stmts[s].kind == PLAIN) {
		snprintf(buf, cap, "%s", stmts[s].sql);
	} else {
		char frag[256];
		fragment(stmts[s].kind, f, frag, sizeof frag);
		splice(buf, cap, stmts[s].sql, frag);
	}
}

int pk_hub_prepare_all(PGconn *c, pk_error *err)
{
	/* One round trip: every Parse in a pipeline, then one Sync. */
	if (PQenterPipelineMode(c) != 1)
		return pk_hub_db_error(c, NULL, err);
	int sent = 0, rc = 0;
	for (int s = 0; rc == 0 && s < PK_STMT__COUNT; s++) {
		int fields = stmts[s].kind == PLAIN ? 1 : PK_MATCH__COUNT;
		for (int f = 0; rc == 0 && f < fields; f++) {
			char name[64], sql[4096];
			name_of((pk_hub_stmt)s, (pk_hub_match_field)f, name, sizeof name);
			sql_of((pk_hub_stmt)s, (pk_hub_match_field)f, sql, sizeof sql);
			if (PQsendPrepare(c, name, sql, 0, NULL) == 1)
				sent++;
			else
				rc = pk_hub_db_error(c, NULL, err);
		}
	}
	if (PQpipelineSync(c) != 1)
		return rc < 0 ? rc : pk_hub_db_error(c, NULL, err); /* the caller drops c */
	/* each Parse's result (then a NULL), up to the Sync's */
	for (int nulls = 0; nulls <= sent;) {
		PGresult *r = PQgetResult(c);
		if (!r) {
			nulls++;
			continue;
		}
		ExecStatusType st = PQresultStatus(r);
		if (st != PGRES_COMMAND_OK && st != PGRES_PIPELINE_SYNC && rc == 0)
			rc = pk_hub_db_error(c, r, err); /* later ones: PGRES_PIPELINE_ABORTED */
		PQclear(r);
		if (st == PGRES_PIPELINE_SYNC) {
			if (PQexitPipelineMode(c) != 1 && rc == 0)
				rc = pk_hub_db_error(c, NULL, err);
			return rc;
		}
	}
	return rc < 0 ? rc : pk_hub_db_error(c, NULL, err); /* no Sync: the connection broke */
}

PGresult *pk_hub_runb(PGconn *c, pk_error *err, pk_hub_stmt s, pk_hub_match_field f, int n,
		      const char *const *params, const int *lengths, const int *formats)
{
	char name[64];
	name_of(s, f, name, sizeof name);
	return pk_hub_checked(c, PQexecPrepared(c, name, n, params, lengths, formats, 0), err);
}

PGresult *pk_hub_run(PGconn *c, pk_error *err, pk_hub_stmt s, int n, const char *const *params)
{
	return pk_hub_runb(c, err, s, PK_MATCH_PLUGIN_CUSTOM_ORDER_ID, n, params, NULL, NULL);
}

PGresult *pk_hub_run_field(PGconn *c, pk_error *err, pk_hub_stmt s, pk_hub_match_field f, int n,
			   const char *const *params)
{
	return pk_hub_runb(c, err, s, f, n, params, NULL, NULL);
}

int pk_hub_run_cmd(PGconn *c, pk_error *err, pk_hub_stmt s, int n, const char *const *params)
{
	PGresult *r = pk_hub_run(c, err, s, n, params);
	if (!r)
		return -1;
	PQclear(r);
	return 0;
}
