/* hubconf.h - paykiosk-hub's settings (docs/HUB.md "Configuration"), one
 * precedence: command line > environment > config file > default.
 *
 * Config file: `key = value` lines, `#` comments (the kiosk's syntax).
 * Keys: database listen access_key private_key tls_cert tls_key
 *   match_field paid_without_postback_after long_poll_max
 * File: --config FILE, else $PAYKIOSK_HUB_CONFIG, else /etc/paykiosk/hub.conf
 *   when it exists.  A file holding access_key, private_key or a database
 *   password must not be readable by group/others; tls_key (a file)
 *   neither.  A password never comes from the command line (--database).
 * Environment: PAYKIOSK_HUB_ACCESS_KEY, PAYKIOSK_HUB_PRIVATE_KEY (override
 *   the file; keys never come from the command line).
 * Flags (anywhere on the line): --listen HOST:PORT --database CONNINFO
 *   --config FILE --exit-on-stdin-eof --date YYYY-MM-DD --csv --help
 *   --version; the first positional word is the command (serve by default). */
#ifndef PK_HUBCONF_H
#define PK_HUBCONF_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"

#define PK_HUB_DEFAULT_CONFIG "/etc/paykiosk/hub.conf"
#define PK_HUB_DEFAULT_LISTEN "127.0.0.1:8470"
#define PK_HUB_PAID_WITHOUT_POSTBACK_DEFAULT 3600
#define PK_HUB_LONG_POLL_MAX_DEFAULT 25

/* What match_field may say, and what each compares (docs/HUB.md
 * "Matching"): X(ID, name, the sale's SQL expression (alias s)).  The
 * postback's side is pk_hub_tx_match_value (match.c). */
#define PK_HUB_MATCH_FIELDS(X) \
	X(PLUGIN_CUSTOM_ORDER_ID, "plugin_custom_order_id", "s.custom_transaction_id") \
	X(LABEL, "label", "s.label") \
	X(TRANSACTION_ID, "transaction_id", \
	  "(CASE WHEN s.method = 'wavepay' THEN s.key1 ELSE s.order_id END)")

typedef enum pk_hub_match_field {
#define PK_X(id, name, sql) PK_MATCH_##id,
	PK_HUB_MATCH_FIELDS(PK_X)
#undef PK_X
	PK_MATCH__COUNT
} pk_hub_match_field;

const char *pk_hub_match_field_name(pk_hub_match_field f);
/* The sale's value for f as an SQL expression over `sales s`. */
const char *pk_hub_match_field_sql(pk_hub_match_field f);

typedef enum pk_hub_command {
	PK_HUB_SERVE = 0,
	PK_HUB_MIGRATE,
	PK_HUB_ADD_KIOSK,
	PK_HUB_REPORT,
	PK_HUB_HELP,
	PK_HUB_VERSION,
} pk_hub_command;

/* A parsed listen address. */
typedef struct pk_hub_listen {
	char host[64];   /* numeric, without brackets: "127.0.0.1", "::1" */
	int port;        /* 0..65535, 0 = any free port */
	bool v6;
	bool loopback;   /* 127.0.0.0/8 or ::1 */
} pk_hub_listen;

typedef struct pk_hub_config {
	pk_hub_command command;
	char *database;      /* libpq conninfo; never logged (it may hold a password) */
	bool database_has_password; /* then only from a private file */
	char *listen_text;
	pk_hub_listen listen;
	char *access_key;    /* NULL when not set */
	char *private_key;   /* NULL when not set; wiped on free, never logged */
	char *tls_cert;      /* paths */
	char *tls_key;
	pk_hub_match_field match_field;
	int paid_without_postback_after; /* seconds */
	int long_poll_max;               /* seconds */
	bool exit_on_stdin_eof;
	bool csv;            /* report --csv */
	char date[11];       /* report --date, "" = today */
	char *config_path;   /* the file read, or NULL */
	/* add-kiosk SHOP COUNTER (pointers into argv) */
	const char *shop;
	const char *counter;
} pk_hub_config;

/* Defaults, then the file, the environment and argv (argv[0] is the
 * program).  -1 with a translated message (naming file, line and key, never
 * a value of a key) on any usage or configuration problem: exit status 2.
 * cfg is then freed. */
int pk_hub_config_load(pk_hub_config *cfg, int argc, char **argv, pk_error *err);
void pk_hub_config_free(pk_hub_config *cfg);
const char *pk_hub_usage(void);

/* "HOST:PORT", "[V6]:PORT", "localhost:PORT" -> out.  0 / -1. */
int pk_hub_listen_parse(const char *text, pk_hub_listen *out, pk_error *err);

/* Read a whole file (a TLS certificate or key) into a malloc'd string;
 * private: refuse one readable by group/others.  0 / -1 (PK_ERR_CONFIG). */
int pk_hub_read_file(const char *path, bool private, char **out, pk_error *err);

#endif
