/* config.h - the kiosk's settings, from one place with one precedence:
 * command line > environment > config file > built-in default.
 *
 * Config file: `key = value` lines, `#` comments, blank lines.  Keys:
 *   api_url secret label lang journal poll_interval poll_timeout training
 *   ask_label result_pause shop_name kiosk idle_timeout supervisor_pin
 *   receipt_printer receipt_width verbose pay_unknown_after recheck_interval
 *   open_sale_max_age hub_url hub_token hub_poll_interval customer_display
 *   customer_display_term
 * Environment: PAYKIOSK_API_URL PAYKIOSK_SECRET PAYKIOSK_SECRET_FILE
 *   PAYKIOSK_LABEL PAYKIOSK_LANG PAYKIOSK_JOURNAL PAYKIOSK_CONFIG
 *   PAYKIOSK_RECEIPT_PRINTER PAYKIOSK_HUB_URL PAYKIOSK_HUB_TOKEN
 *   PAYKIOSK_HUB_TOKEN_FILE
 * Flags: --api-url --label --lang --journal --poll-interval --poll-timeout
 *   --training --ask-label --kiosk --verbose --customer-display PATH
 *   --customer-display-term TERM --config FILE --help --version (never --secret: argv is public)
 * The config file and the secret and token files must not be readable by
 * group/others (the config file may hold the secret and the hub token).
 * Default config file: $XDG_CONFIG_HOME/paykiosk/paykiosk.conf (if present),
 * else /etc/paykiosk/paykiosk.conf (if present). */
#ifndef PK_CONFIG_H
#define PK_CONFIG_H

#include <stdio.h>

#include <stdbool.h>

#include "error.h"
#include "i18n.h"

#define PK_POLL_INTERVAL_DEFAULT 2     /* seconds */
#define PK_POLL_TIMEOUT_DEFAULT 300    /* seconds */
#define PK_RESULT_PAUSE_DEFAULT 15     /* seconds before a result screen goes home */
#define PK_IDLE_TIMEOUT_DEFAULT 120    /* seconds of no key before an unsent sale goes home */
#define PK_PAY_UNKNOWN_AFTER_DEFAULT 120 /* seconds without a usable answer before `pay` stops */
#define PK_RECHECK_INTERVAL_DEFAULT 60   /* seconds between background re-checks of open sales */
#define PK_OPEN_SALE_MAX_AGE_DEFAULT 86400 /* open sales older than this: a person only */
#define PK_RECEIPT_WIDTH_DEFAULT 32    /* characters per receipt line (58 mm paper) */
#define PK_HUB_POLL_INTERVAL_DEFAULT 10 /* UPI status poll period while the hub is healthy */

typedef enum pk_config_action {
	PK_CONFIG_RUN = 0,   /* go on: run the kiosk or the subcommand */
	PK_CONFIG_HELP,      /* --help: usage was requested (print pk_config_usage) */
	PK_CONFIG_VERSION    /* --version */
} pk_config_action;

typedef struct pk_config {
	char *api_url;       /* NULL in training mode until training sets it */
	char *secret;        /* never printed; NULL in training mode */
	char *label;         /* default: the terminal's name (hostname) */
	pk_lang lang;
	bool lang_set;       /* lang came from flag/env/file (else from LANGUAGE/LANG) */
	char *journal;       /* default: $XDG_DATA_HOME/paykiosk/journal.db
	                        (~/.local/share/paykiosk/journal.db) */
	int poll_interval;   /* seconds, 1..60 */
	int poll_timeout;    /* seconds, 10..3600 */
	int result_pause;    /* seconds, 0 = stay until Enter, max 600 */
	bool training;       /* explicit --training, or no api_url and no secret */
	bool ask_label;      /* ask each customer's account ID (top-up kiosk) */
	char *shop_name;     /* for receipts; default "" */
	bool kiosk;          /* self-service lock: leaving needs the supervisor PIN */
	int idle_timeout;    /* seconds, 10..3600: an idle unsent sale goes home */
	char *supervisor_pin; /* crypt(3) hash from `paykiosk set-pin`, or NULL */
	char *receipt_printer; /* ESC/POS device or file; "" = no printing */
	int receipt_width;   /* characters per receipt line, 24..64 */
	int pay_unknown_after; /* seconds, 5..3600: `pay` stops (exit 5, sale open) when no
	                          usable answer came for this long */
	int recheck_interval;  /* seconds, 0..3600: the kiosk re-checks one open sale this
	                          often in the background (0: never) */
	int open_sale_max_age; /* seconds: older open sales stay listed, not re-checked */
	char *hub_url;       /* the fleet hub (docs/HUB.md), or NULL: no hub link */
	char *hub_token;     /* this counter's token at the hub; never printed; set
	                        together with hub_url */
	int hub_poll_interval; /* seconds, 1..300: the UPI status poll period while the
	                          hub is healthy (else poll_interval) */
	char *customer_display; /* the customer's terminal device (ui/custdisp.h), or NULL:
	                           none; refused with kiosk (the screen is the customer's) */
	char *customer_display_term; /* its TERM, or NULL: the kiosk's own */
	bool verbose;        /* mirror log lines to stderr (not in the UI) */
	char *config_path;   /* the file that was read, or NULL */
	/* Positional arguments left after the options: a subcommand and its
	 * arguments ("report", "qr", "pay" ...), pointers into argv. */
	int argc;
	char **argv;
} pk_config;

/* Fill cfg with defaults, then file, environment and argv (argv[0] is the
 * program name).  Options stop at the first positional argument; the rest
 * (subcommand + its arguments, options included) go to cfg->argc/argv.
 * Validates everything (URL scheme rules, ranges, file permissions, the
 * api_url/secret pair) and returns -1 with a translated message naming the
 * file, line and key on any problem; the cfg is then freed.  *action says
 * whether --help/--version was asked. */
int pk_config_load(pk_config *cfg, int argc, char **argv, pk_config_action *action,
		   pk_error *err);
void pk_config_free(pk_config *cfg);
/* The --help text, translated. */
const char *pk_config_usage(void);
/* Whether a URL is acceptable as api_url: https://..., or http:// to a
 * loopback host (127.0.0.0/8, ::1, localhost).  0 or -1 with a message. */
int pk_config_check_url(const char *url, pk_error *err);
/* One line of a "key = value" file (the kiosk's config, the hub's), split
 * in place; blanks around both trimmed.  Value: optional double quotes;
 * unquoted values end at a '#' that follows whitespace.  0, or -1 if
 * malformed. */
int pk_config_split_line(char *line, char **key, char **value);
/* The next "key = value" line of f, blank lines and '#' comments skipped:
 * 1 with key and value pointing into *line (a getline buffer), 0 at the
 * end, -1 for a malformed line (*lineno counts the lines read). */
int pk_config_next_pair(FILE *f, char **line, size_t *cap, int *lineno, char **key,
			char **value);
/* A copy of the first len bytes of value into *slot; the old value is
 * wiped (it may be a secret) and freed.  0, or -1 (NOMEM). */
int pk_config_set_string(char **slot, const char *value, size_t len, pk_error *err);
/* Wipe (it may be a secret) and free s; NULL is fine. */
void pk_config_wipe_free(char *s);
/* A decimal number of at most 9 digits within [min, max]: 0, else -1. */
int pk_config_parse_int(const char *v, int min, int max, int *out);

#endif
