/* config.c - settings from one place with one precedence:
 * command line > environment > config file > built-in default.
 * Values are applied file first, then environment, then flags, each one
 * validated as it comes and overwriting the one before. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "txid.h"

enum vtype {
	T_STR, T_STR_EMPTY_OK, T_URL, T_SECRET, T_TOKEN, T_LABEL, T_LANG, T_INT, T_BOOL, T_PIN_HASH,
	T_TERM
};

enum key {
	K_API_URL, K_SECRET, K_LABEL, K_LANG, K_JOURNAL, K_POLL_INTERVAL, K_POLL_TIMEOUT,
	K_TRAINING, K_ASK_LABEL, K_RESULT_PAUSE, K_SHOP_NAME, K_KIOSK, K_IDLE_TIMEOUT,
	K_SUPERVISOR_PIN, K_RECEIPT_PRINTER, K_RECEIPT_WIDTH, K_VERBOSE, K_PAY_UNKNOWN_AFTER,
	K_RECHECK_INTERVAL, K_OPEN_SALE_MAX_AGE, K_HUB_URL, K_HUB_TOKEN, K_HUB_POLL_INTERVAL,
	K_CUSTOMER_DISPLAY, K_CUSTOMER_DISPLAY_TERM,
	K__COUNT
};

static const struct setting {
	const char *key;    /* in the config file */
	const char *env;    /* environment variable, or NULL */
	const char *flag;   /* command-line option, or NULL */
	enum vtype type;
	int min, max;       /* T_INT */
} settings[K__COUNT] = {
	[K_API_URL] = { "api_url", "PAYKIOSK_API_URL", "--api-url", T_URL, 0, 0 },
	[K_SECRET] = { "secret", NULL, NULL, T_SECRET, 0, 0 },
	[K_LABEL] = { "label", "PAYKIOSK_LABEL", "--label", T_LABEL, 0, 0 },
	[K_LANG] = { "lang", "PAYKIOSK_LANG", "--lang", T_LANG, 0, 0 },
	[K_JOURNAL] = { "journal", "PAYKIOSK_JOURNAL", "--journal", T_STR, 0, 0 },
	[K_POLL_INTERVAL] = { "poll_interval", NULL, "--poll-interval", T_INT, 1, 60 },
	[K_POLL_TIMEOUT] = { "poll_timeout", NULL, "--poll-timeout", T_INT, 10, 3600 },
	[K_TRAINING] = { "training", NULL, "--training", T_BOOL, 0, 0 },
	[K_ASK_LABEL] = { "ask_label", NULL, "--ask-label", T_BOOL, 0, 0 },
	[K_RESULT_PAUSE] = { "result_pause", NULL, NULL, T_INT, 0, 600 },
	[K_SHOP_NAME] = { "shop_name", NULL, NULL, T_STR_EMPTY_OK, 0, 0 },
	[K_KIOSK] = { "kiosk", NULL, "--kiosk", T_BOOL, 0, 0 },
	[K_IDLE_TIMEOUT] = { "idle_timeout", NULL, NULL, T_INT, 10, 3600 },
	[K_SUPERVISOR_PIN] = { "supervisor_pin", NULL, NULL, T_PIN_HASH, 0, 0 },
	[K_RECEIPT_PRINTER] = { "receipt_printer", "PAYKIOSK_RECEIPT_PRINTER", NULL, T_STR_EMPTY_OK,
				0, 0 },
	[K_RECEIPT_WIDTH] = { "receipt_width", NULL, NULL, T_INT, 24, 64 },
	[K_VERBOSE] = { "verbose", NULL, "--verbose", T_BOOL, 0, 0 },
	[K_PAY_UNKNOWN_AFTER] = { "pay_unknown_after", NULL, NULL, T_INT, 5, 3600 },
	[K_RECHECK_INTERVAL] = { "recheck_interval", NULL, NULL, T_INT, 0, 3600 },
	[K_OPEN_SALE_MAX_AGE] = { "open_sale_max_age", NULL, NULL, T_INT, 60, 2592000 },
	[K_HUB_URL] = { "hub_url", "PAYKIOSK_HUB_URL", NULL, T_URL, 0, 0 },
	/* (like the secret: never on the command line; its environment
	 * variables are read with the secret's, see secret_envs) */
	[K_HUB_TOKEN] = { "hub_token", NULL, NULL, T_TOKEN, 0, 0 },
	[K_HUB_POLL_INTERVAL] = { "hub_poll_interval", NULL, NULL, T_INT, 1, 300 },
	/* The customer's screen (ui/custdisp.h): a terminal device, and its
	 * terminal type (default: the kiosk's own $TERM). */
	[K_CUSTOMER_DISPLAY] = { "customer_display", NULL, "--customer-display", T_STR, 0, 0 },
	[K_CUSTOMER_DISPLAY_TERM] = { "customer_display_term", NULL, "--customer-display-term",
				      T_TERM, 0, 0 },
};

/* Secrets: never on the command line; in the environment as a value or a
 * file (0600) holding it, the value first. */
static const struct secret_env {
	enum key k;
	const char *env;       /* the value */
	const char *file_env;  /* a file holding it */
	const char *empty_msg; /* N_(): the file is empty (%s: its path) */
} secret_envs[] = {
	{ K_SECRET, "PAYKIOSK_SECRET", "PAYKIOSK_SECRET_FILE",
	  N_("PAYKIOSK_SECRET_FILE: %s is empty") },
	{ K_HUB_TOKEN, "PAYKIOSK_HUB_TOKEN", "PAYKIOSK_HUB_TOKEN_FILE",
	  N_("PAYKIOSK_HUB_TOKEN_FILE: %s is empty") },
};

static char **str_slot(pk_config *cfg, enum key k)
{
	switch (k) {
	case K_API_URL:
		return &cfg->api_url;
	case K_HUB_URL:
		return &cfg->hub_url;
	case K_SECRET:
		return &cfg->secret;
	case K_HUB_TOKEN:
		return &cfg->hub_token;
	case K_JOURNAL:
		return &cfg->journal;
	case K_SHOP_NAME:
		return &cfg->shop_name;
	case K_RECEIPT_PRINTER:
		return &cfg->receipt_printer;
	case K_SUPERVISOR_PIN:
		return &cfg->supervisor_pin;
	case K_CUSTOMER_DISPLAY:
		return &cfg->customer_display;
	case K_CUSTOMER_DISPLAY_TERM:
		return &cfg->customer_display_term;
	default:
		return NULL;
	}
}

static int *int_slot(pk_config *cfg, enum key k)
{
	switch (k) {
	case K_POLL_INTERVAL:
		return &cfg->poll_interval;
	case K_POLL_TIMEOUT:
		return &cfg->poll_timeout;
	case K_RESULT_PAUSE:
		return &cfg->result_pause;
	case K_IDLE_TIMEOUT:
		return &cfg->idle_timeout;
	case K_RECEIPT_WIDTH:
		return &cfg->receipt_width;
	case K_PAY_UNKNOWN_AFTER:
		return &cfg->pay_unknown_after;
	case K_RECHECK_INTERVAL:
		return &cfg->recheck_interval;
	case K_OPEN_SALE_MAX_AGE:
		return &cfg->open_sale_max_age;
	case K_HUB_POLL_INTERVAL:
		return &cfg->hub_poll_interval;
	default:
		return NULL;
	}
}

static bool *bool_slot(pk_config *cfg, enum key k)
{
	switch (k) {
	case K_TRAINING:
		return &cfg->training;
	case K_ASK_LABEL:
		return &cfg->ask_label;
	case K_KIOSK:
		return &cfg->kiosk;
	case K_VERBOSE:
		return &cfg->verbose;
	default:
		return NULL;
	}
}

/* Where a value came from, for messages: "FILE:LINE: key 'k': ",
 * "PAYKIOSK_X: " or "--flag: ". */
struct source {
	const char *file;
	int line;
	const char *name; /* env variable or flag when file is NULL */
};

/* What the command line said, pointers into argv. */
struct cmdline {
	const char *value[K__COUNT];
	const char *config;
	bool help, version;
};

/* Settings that were given (by any source), to know what is default. */
struct given {
	bool set[K__COUNT];
	bool training_explicit;
};

static int fail_at(pk_error *err, pk_err_kind kind, const struct source *src, enum key k,
		   const char *msg)
{
	if (src->file)
		/* TRANSLATORS: FILE:LINE: key 'name': problem */
		return pk_error_set(err, kind, _("%s:%d: key '%s': %s"), src->file, src->line,
				    settings[k].key, msg);
	return pk_error_set(err, kind, "%s: %s", src->name, msg);
}

void pk_config_wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

int pk_config_set_string(char **slot, const char *value, size_t len, pk_error *err)
{
	char *copy = malloc(len + 1);
	if (!copy)
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	memcpy(copy, value, len);
	copy[len] = '\0';
	pk_config_wipe_free(*slot);
	*slot = copy;
	return 0;
}

static int ascii_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "true", "yes", "1", "on" };
	static const char *const no[] = { "false", "no", "0", "off" };
	for (size_t i = 0; i < 4; i++) {
		if (ascii_ieq(v, yes[i])) {
			*out = true;
			return 0;
		}
		if (ascii_ieq(v, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

int pk_config_parse_int(const char *v, int min, int max, int *out)
{
	if (!*v || strlen(v) > 9)
		return -1;
	long n = 0;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		n = n * 10 + (*p - '0');
	}
	if (n < min || n > max)
		return -1;
	*out = (int)n;
	return 0;
}

/* Validate value for setting k and store it in cfg. */
static int apply(pk_config *cfg, struct given *given, enum key k, const char *value,
		 const struct source *src, pk_error *err)
{
	const struct setting *s = &settings[k];
	char msg[PK_ERR_MSG_MAX];
	pk_error sub = { 0 };

	if (!*value && s->type != T_STR_EMPTY_OK)
		return fail_at(err, PK_ERR_CONFIG, src, k, _("needs a value"));

	switch (s->type) {
	case T_STR:
	case T_STR_EMPTY_OK:
		if (pk_config_set_string(str_slot(cfg, k), value, strlen(value), err) < 0)
			return -1;
		break;
	case T_PIN_HASH:
		/* crypt(3) output: "$id$...", never a PIN in clear text. */
		if (value[0] != '$' || strlen(value) > 256 || strchr(value, ' '))
			return fail_at(err, PK_ERR_CONFIG, src, k,
				       _("is not a PIN hash: set it with 'paykiosk set-pin'"));
		if (pk_config_set_string(str_slot(cfg, k), value, strlen(value), err) < 0)
			return -1;
		break;
	case T_SECRET:
		if (pk_config_set_string(str_slot(cfg, k), value, strlen(value), err) < 0)
			return -1;
		break;
	case T_TERM:
		/* A terminfo name: letters, digits and - + . _ only. */
		for (const char *p = value; *p; p++)
			if (!isalnum((unsigned char)*p) && !strchr("-+._", *p))
				return fail_at(err, PK_ERR_CONFIG, src, k,
					       _("is not a terminal type name (such as linux or "
						 "xterm-256color)"));
		if (strlen(value) > 64)
			return fail_at(err, PK_ERR_CONFIG, src, k,
				       _("is not a terminal type name (such as linux or "
					 "xterm-256color)"));
		if (pk_config_set_string(str_slot(cfg, k), value, strlen(value), err) < 0)
			return -1;
		break;
	case T_TOKEN:
		/* It goes into an HTTP header line: printable, no spaces. */
		for (const char *p = value; *p; p++)
			if (*p <= ' ' || *p >= 0x7f)
				return fail_at(err, PK_ERR_CONFIG, src, k,
					       _("must be printable characters without spaces"));
		if (pk_config_set_string(str_slot(cfg, k), value, strlen(value), err) < 0)
			return -1;
		break;
	case T_URL: {
		if (pk_config_check_url(value, &sub) < 0)
			return fail_at(err, PK_ERR_CONFIG, src, k, sub.msg);
		size_t len = strlen(value);
		if (len > 0 && value[len - 1] == '/')
			len--;
		if (pk_config_set_string(str_slot(cfg, k), value, len, err) < 0)
			return -1;
		break;
	}
	case T_LABEL: {
		char label[PK_LABEL_MAX + 1];
		if (pk_label_normalise(value, label, sizeof label, &sub) < 0)
			return fail_at(err, PK_ERR_CONFIG, src, k, sub.msg);
		if (pk_config_set_string(&cfg->label, label, strlen(label), err) < 0)
			return -1;
		break;
	}
	case T_LANG:
		if (pk_lang_parse(value, &cfg->lang) < 0)
			return fail_at(err, PK_ERR_CONFIG, src, k,
				       _("language must be en, my or hi"));
		cfg->lang_set = true;
		break;
	case T_INT: {
		int n, *slot = int_slot(cfg, k);
		if (pk_config_parse_int(value, s->min, s->max, &n) < 0) {
			/* TRANSLATORS: %d and %d are the smallest and largest value. */
			snprintf(msg, sizeof msg, _("must be a whole number from %d to %d"),
				 s->min, s->max);
			return fail_at(err, PK_ERR_CONFIG, src, k, msg);
		}
		*slot = n;
		break;
	}
	case T_BOOL: {
		bool b;
		if (parse_bool(value, &b) < 0)
			return fail_at(err, PK_ERR_CONFIG, src, k,
				       _("must be true or false (yes/no, on/off, 1/0)"));
		*bool_slot(cfg, k) = b;
		if (k == K_TRAINING)
			given->training_explicit = b;
		break;
	}
	}
	given->set[k] = true;
	return 0;
}

/* ---- files ---- */

/* Open path for reading, refusing anything group/other can access.
 * *missing is set (and -1 returned without a message) when it does not exist
 * and missing_ok. */
static FILE *open_private(const char *path, bool missing_ok, bool *missing, pk_error *err)
{
	*missing = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT && missing_ok) {
			*missing = true;
			return NULL;
		}
		int e = errno;
		/* TRANSLATORS: FILE: system error text */
		pk_error_setc(err, PK_ERR_CONFIG, e, _("%s: cannot open: %s"), path, strerror(e));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		pk_error_set(err, PK_ERR_CONFIG, _("%s: not a regular file"), path);
		return NULL;
	}
	if (st.st_mode & 077) {
		close(fd);
		pk_error_set(err, PK_ERR_CONFIG,
			     _("%s is readable by other users; run: chmod 600 %s"), path, path);
		return NULL;
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	}
	return f;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
			 s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* Whether the key text is safe to repeat in a message: lower-case letters,
 * '_' and '-' only, like our keys (a garbled line might hold a secret). */
static int plain_key(const char *k)
{
	size_t n = strlen(k);
	if (n == 0 || n > 32)
		return 0;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || *k == '_' || *k == '-'))
			return 0;
	return 1;
}

int pk_config_split_line(char *line, char **key, char **value)
{
	char *eq = strchr(line, '=');
	if (!eq)
		return -1;
	*eq = '\0';
	*key = trim(line);
	char *v = trim(eq + 1);
	if (*v == '"') {
		char *close = strchr(v + 1, '"');
		if (!close)
			return -1;
		*close = '\0';
		char *rest = trim(close + 1);
		if (*rest && *rest != '#')
			return -1;
		*value = v + 1;
		return 0;
	}
	for (char *p = v; *p; p++) {
		if (*p == '#' && p > v && (p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			break;
		}
	}
	*value = trim(v);
	return 0;
}

int pk_config_next_pair(FILE *f, char **line, size_t *cap, int *lineno, char **key,
			char **value)
{
	while (getline(line, cap, f) >= 0) {
		(*lineno)++;
		char *l = trim(*line);
		if (!*l || *l == '#')
			continue;
		return pk_config_split_line(l, key, value) < 0 || !**key ? -1 : 1;
	}
	return 0;
}

static int read_config_file(pk_config *cfg, struct given *given, const char *path,
			    bool missing_ok, pk_error *err)
{
	bool missing;
	FILE *f = open_private(path, missing_ok, &missing, err);
	if (!f)
		return missing ? 0 : -1;
	if (pk_config_set_string(&cfg->config_path, path, strlen(path), err) < 0) {
		fclose(f);
		return -1;
	}
	bool seen[K__COUNT] = { false };
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, rc = 0;
	char *key, *value;
	int got;
	while (rc == 0 && (got = pk_config_next_pair(f, &line, &cap, &lineno, &key, &value)) != 0) {
		if (got < 0) {
			/* TRANSLATORS: FILE:LINE: problem; the line is not repeated (it may hold the secret). */
			rc = pk_error_set(err, PK_ERR_CONFIG, _("%s:%d: expected key = value"),
					  path, lineno);
			break;
		}
		int k;
		for (k = 0; k < K__COUNT && strcmp(key, settings[k].key) != 0; k++)
			;
		if (k == K__COUNT) {
			if (plain_key(key))
				rc = pk_error_set(err, PK_ERR_CONFIG, _("%s:%d: key '%s': unknown key"),
						  path, lineno, key);
			else
				rc = pk_error_set(err, PK_ERR_CONFIG, _("%s:%d: unknown key"), path,
						  lineno);
			break;
		}
		struct source src = { path, lineno, NULL };
		if (seen[k]) {
			rc = fail_at(err, PK_ERR_CONFIG, &src, (enum key)k,
				     _("given twice in the file"));
			break;
		}
		seen[k] = true;
		rc = apply(cfg, given, (enum key)k, value, &src, err);
	}
	if (rc == 0 && ferror(f))
		rc = pk_error_set(err, PK_ERR_CONFIG, _("%s: read error"), path);
	if (line) {
		explicit_bzero(line, cap); /* may have held the secret */
		free(line);
	}
	fclose(f);
	return rc;
}

static int read_secret_file(pk_config *cfg, struct given *given, const struct secret_env *se,
			    const char *path, pk_error *err)
{
	bool missing;
	FILE *f = open_private(path, false, &missing, err);
	if (!f) {
		/* prefix which setting named the file */
		char msg[PK_ERR_MSG_MAX];
		snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
		return pk_error_set(err, PK_ERR_CONFIG, "%s: %s", se->file_env, msg);
	}
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;
	if (getline(&line, &cap, f) < 0 || !*trim(line)) {
		rc = pk_error_set_id(err, PK_ERR_CONFIG, 0, se->empty_msg, path);
	} else {
		struct source src = { NULL, 0, se->file_env };
		rc = apply(cfg, given, se->k, trim(line), &src, err);
	}
	if (line) {
		explicit_bzero(line, cap);
		free(line);
	}
	fclose(f);
	return rc;
}

/* ---- command line ---- */

static int parse_argv(pk_config *cfg, struct cmdline *cl, int argc, char **argv, pk_error *err)
{
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0')
			break; /* the first positional argument: subcommand */
		const char *eq = strchr(a, '=');
		size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
		const char *inline_val = eq ? eq + 1 : NULL;
#define IS(name) (nlen == strlen(name) && strncmp(a, name, nlen) == 0)
		if (IS("--secret"))
			return pk_error_set(err, PK_ERR_INVALID, "%s",
					    _("--secret is refused: other users can read the command line; "
					      "use PAYKIOSK_SECRET, PAYKIOSK_SECRET_FILE or the config file"));
		bool is_bool = IS("--help") || IS("-h") || IS("--version") || IS("--training") ||
			       IS("--ask-label") || IS("--kiosk") || IS("--verbose");
		if (is_bool && inline_val)
			return pk_error_set(err, PK_ERR_INVALID, _("option '%.*s' takes no value"),
					    (int)nlen, a);
		if (IS("--help") || IS("-h")) {
			cl->help = true;
			continue;
		}
		if (IS("--version")) {
			cl->version = true;
			continue;
		}
		int k = -1;
		for (int j = 0; j < K__COUNT; j++)
			if (settings[j].flag && IS(settings[j].flag))
				k = j;
		bool is_config = IS("--config");
#undef IS
		if (k < 0 && !is_config) {
			/* only the name: whatever follows '=' is not repeated */
			return pk_error_set(err, PK_ERR_INVALID, _("unknown option '%.*s' (see --help)"),
					    (int)nlen, a);
		}
		if (k >= 0 && settings[k].type == T_BOOL) {
			cl->value[k] = "true";
			continue;
		}
		const char *v = inline_val;
		if (!v) {
			if (i + 1 >= argc)
				return pk_error_set(err, PK_ERR_INVALID,
						    _("option '%s' needs a value"), a);
			v = argv[++i];
		}
		if (is_config)
			cl->config = v;
		else
			cl->value[k] = v;
	}
	cfg->argc = argc - i;
	cfg->argv = argv + i;
	return 0;
}

/* ---- defaults ---- */

static int default_journal(pk_config *cfg, pk_error *err)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char path[PATH_MAX];
	int n;
	if (xdg && xdg[0] == '/')
		n = snprintf(path, sizeof path, "%s/paykiosk/journal.db", xdg);
	else if (home && home[0] == '/')
		n = snprintf(path, sizeof path, "%s/.local/share/paykiosk/journal.db", home);
	else
		return pk_error_set(err, PK_ERR_CONFIG, "%s",
				    _("No place for the journal: set PAYKIOSK_JOURNAL or HOME"));
	if (n < 0 || (size_t)n >= sizeof path)
		return pk_error_set(err, PK_ERR_CONFIG, "%s", _("Journal path too long"));
	return pk_config_set_string(&cfg->journal, path, (size_t)n, err);
}

static int default_label(pk_config *cfg, pk_error *err)
{
	char host[256] = "";
	char label[PK_LABEL_MAX + 1];
	if (gethostname(host, sizeof host - 1) < 0 || !host[0] ||
	    pk_label_normalise(host, label, sizeof label, NULL) < 0)
		strcpy(label, "kiosk");
	return pk_config_set_string(&cfg->label, label, strlen(label), err);
}

/* The config file to read: --config, PAYKIOSK_CONFIG (both must exist), or
 * the first default that exists. */
static int load_file(pk_config *cfg, struct given *given, const char *flag_path, pk_error *err)
{
	const char *env = getenv("PAYKIOSK_CONFIG");
	if (flag_path)
		return read_config_file(cfg, given, flag_path, false, err);
	if (env && *env)
		return read_config_file(cfg, given, env, false, err);
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char path[PATH_MAX];
	int n = -1;
	if (xdg && xdg[0] == '/')
		n = snprintf(path, sizeof path, "%s/paykiosk/paykiosk.conf", xdg);
	else if (home && home[0] == '/')
		n = snprintf(path, sizeof path, "%s/.config/paykiosk/paykiosk.conf", home);
	if (n > 0 && (size_t)n < sizeof path && access(path, F_OK) == 0)
		return read_config_file(cfg, given, path, true, err);
	return read_config_file(cfg, given, "/etc/paykiosk/paykiosk.conf", true, err);
}

static void set_defaults(pk_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->poll_interval = PK_POLL_INTERVAL_DEFAULT;
	cfg->poll_timeout = PK_POLL_TIMEOUT_DEFAULT;
	cfg->result_pause = PK_RESULT_PAUSE_DEFAULT;
	cfg->idle_timeout = PK_IDLE_TIMEOUT_DEFAULT;
	cfg->receipt_width = PK_RECEIPT_WIDTH_DEFAULT;
	cfg->pay_unknown_after = PK_PAY_UNKNOWN_AFTER_DEFAULT;
	cfg->recheck_interval = PK_RECHECK_INTERVAL_DEFAULT;
	cfg->open_sale_max_age = PK_OPEN_SALE_MAX_AGE_DEFAULT;
	cfg->hub_poll_interval = PK_HUB_POLL_INTERVAL_DEFAULT;
	cfg->lang = PK_LANG_EN;
}

static int load(pk_config *cfg, int argc, char **argv, pk_config_action *action, pk_error *err)
{
	struct cmdline cl = { 0 };
	struct given given = { 0 };
	if (parse_argv(cfg, &cl, argc, argv, err) < 0)
		return -1;
	if (cl.help || cl.version) {
		*action = cl.help ? PK_CONFIG_HELP : PK_CONFIG_VERSION;
		pk_lang lang;
		const char *want = cl.value[K_LANG] ? cl.value[K_LANG] : getenv("PAYKIOSK_LANG");
		cfg->lang = (want && pk_lang_parse(want, &lang) == 0) ? lang : pk_lang_from_env();
		return 0;
	}

	if (load_file(cfg, &given, cl.config, err) < 0)
		return -1;

	for (int k = 0; k < K__COUNT; k++) {
		const char *v = settings[k].env ? getenv(settings[k].env) : NULL;
		struct source src = { NULL, 0, settings[k].env };
		if (v && *v && apply(cfg, &given, (enum key)k, v, &src, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < sizeof secret_envs / sizeof secret_envs[0]; i++) {
		const struct secret_env *se = &secret_envs[i];
		const char *value = getenv(se->env);
		const char *file = getenv(se->file_env);
		struct source src = { NULL, 0, se->env };
		if (value && *value) {
			if (apply(cfg, &given, se->k, value, &src, err) < 0)
				return -1;
		} else if (file && *file) {
			if (read_secret_file(cfg, &given, se, file, err) < 0)
				return -1;
		}
	}

	for (int k = 0; k < K__COUNT; k++) {
		struct source src = { NULL, 0, settings[k].flag };
		if (cl.value[k] && apply(cfg, &given, (enum key)k, cl.value[k], &src, err) < 0)
			return -1;
	}

	if (!cfg->label && default_label(cfg, err) < 0)
		return -1;
	if (!cfg->journal && default_journal(cfg, err) < 0)
		return -1;
	if (!cfg->shop_name && pk_config_set_string(&cfg->shop_name, "", 0, err) < 0)
		return -1;
	if (!cfg->receipt_printer && pk_config_set_string(&cfg->receipt_printer, "", 0, err) < 0)
		return -1;
	if (!cfg->lang_set)
		cfg->lang = pk_lang_from_env();

	if (!cfg->api_url && !cfg->secret) {
		cfg->training = true;
	} else if (!given.training_explicit && (!cfg->api_url || !cfg->secret)) {
		if (!cfg->api_url)
			return pk_error_set(err, PK_ERR_CONFIG, "%s",
					    _("A secret is set but no API URL: set api_url, "
					      "PAYKIOSK_API_URL or --api-url (or use --training)"));
		return pk_error_set(err, PK_ERR_CONFIG, "%s",
				    _("An API URL is set but no secret: set PAYKIOSK_SECRET, "
				      "PAYKIOSK_SECRET_FILE or secret in the config file "
				      "(or use --training)"));
	}
	if (!cfg->hub_url != !cfg->hub_token)
		return pk_error_set(err, PK_ERR_CONFIG, "%s",
				    _("hub_url and hub_token go together: set both (or neither)"));
	if (cfg->kiosk && cfg->customer_display)
		return pk_error_set(err, PK_ERR_CONFIG, "%s",
				    _("--customer-display cannot be used with --kiosk: in "
				      "self-service mode the main screen is the customer's"));
	return 0;
}

int pk_config_load(pk_config *cfg, int argc, char **argv, pk_config_action *action,
		   pk_error *err)
{
	pk_config_action dummy;
	if (!action)
		action = &dummy;
	*action = PK_CONFIG_RUN;
	set_defaults(cfg);
	if (load(cfg, argc, argv, action, err) < 0) {
		pk_config_free(cfg);
		return -1;
	}
	return 0;
}

void pk_config_free(pk_config *cfg)
{
	if (!cfg)
		return;
	char *secrets[] = { cfg->secret, cfg->hub_token };
	for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
		if (secrets[i]) {
			explicit_bzero(secrets[i], strlen(secrets[i]));
			free(secrets[i]);
		}
	}
	free(cfg->api_url);
	free(cfg->hub_url);
	free(cfg->label);
	free(cfg->journal);
	free(cfg->shop_name);
	free(cfg->receipt_printer);
	free(cfg->supervisor_pin);
	free(cfg->customer_display);
	free(cfg->customer_display_term);
	free(cfg->config_path);
	memset(cfg, 0, sizeof *cfg);
}

const char *pk_config_usage(void)
{
	return _("Usage: paykiosk [OPTIONS] [COMMAND [ARGS...]]\n"
		 "\n"
		 "Options:\n"
		 "  --api-url URL        gateway address (https://, or http:// to this computer)\n"
		 "  --label NAME         this kiosk's name (default: the computer's name)\n"
		 "  --lang en|my|hi      screen language\n"
		 "  --journal FILE       where sales are recorded\n"
		 "  --poll-interval SEC  seconds between status checks (1-60)\n"
		 "  --poll-timeout SEC   give up waiting after this many seconds (10-3600)\n"
		 "  --training           practice mode: no money moves\n"
		 "  --ask-label          ask for the customer's account ID on each sale\n"
		 "  --kiosk              self-service lock: leaving needs the supervisor PIN\n"
		 "  --customer-display TTY  the customer's screen: a second terminal\n"
		 "                       (/dev/tty2, or a second terminal window's tty)\n"
		 "  --customer-display-term TERM\n"
		 "                       its terminal type (default: $TERM)\n"
		 "  --verbose            also write the log lines to stderr (commands)\n"
		 "  --config FILE        read this config file\n"
		 "  --help, --version\n"
		 "\n"
		 "Commands:\n"
		 "  pay upi|wavepay --amount A [--label L] [--json]   one sale for a till\n"
		 "  recheck [--all]       ask the gateway again about the open sales\n"
		 "  report [--date YYYY-MM-DD] [--csv]   the day's totals\n"
		 "  qr TEXT               draw a QR code\n"
		 "  set-pin               set the supervisor PIN for --kiosk\n"
		 "\n"
		 "The secret is never given on the command line: use PAYKIOSK_SECRET,\n"
		 "PAYKIOSK_SECRET_FILE or 'secret = ...' in the config file (chmod 600).\n"
		 "Environment: PAYKIOSK_API_URL PAYKIOSK_LABEL PAYKIOSK_LANG PAYKIOSK_JOURNAL\n"
		 "  PAYKIOSK_CONFIG PAYKIOSK_SECRET PAYKIOSK_SECRET_FILE PAYKIOSK_RECEIPT_PRINTER\n"
		 "Config file (key = value, # comments): api_url secret label lang journal\n"
		 "  poll_interval poll_timeout training ask_label result_pause shop_name\n"
		 "  kiosk idle_timeout supervisor_pin receipt_printer receipt_width verbose\n"
		 "  pay_unknown_after recheck_interval open_sale_max_age customer_display\n"
		 "  customer_display_term\n"
		 "Default config file: $XDG_CONFIG_HOME/paykiosk/paykiosk.conf, else\n"
		 "  /etc/paykiosk/paykiosk.conf\n");
}

/* ---- URL check ---- */

static int is_loopback_v4(const char *h, size_t n)
{
	/* 127.a.b.c, each part 0..255, digits only */
	int parts = 0;
	size_t i = 0;
	while (i <= n) {
		size_t start = i;
		int val = 0;
		while (i < n && h[i] >= '0' && h[i] <= '9' && i - start < 3)
			val = val * 10 + (h[i++] - '0');
		if (i == start || val > 255 || (parts == 0 && val != 127))
			return 0;
		parts++;
		if (i == n)
			break;
		if (h[i] != '.')
			return 0;
		i++;
	}
	return parts == 4;
}

int pk_config_check_url(const char *url, pk_error *err)
{
	if (!url || !*url)
		return pk_error_set(err, PK_ERR_CONFIG, "%s", _("API URL is empty"));
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return pk_error_set(err, PK_ERR_CONFIG, "%s",
					    _("API URL must not contain spaces or special characters"));
	bool https;
	const char *rest;
	if (strncasecmp(url, "https://", 8) == 0) {
		https = true;
		rest = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		https = false;
		rest = url + 7;
	} else {
		return pk_error_set(err, PK_ERR_CONFIG, "%s",
				    _("API URL must start with https://"));
	}
	size_t alen = strcspn(rest, "/?#");
	if (memchr(rest, '@', alen))
		return pk_error_set(err, PK_ERR_CONFIG, "%s",
				    _("API URL must not contain a user name or password"));
	const char *host = rest, *port = NULL;
	size_t hlen;
	if (alen > 0 && rest[0] == '[') {
		const char *close = memchr(rest, ']', alen);
		if (!close)
			return pk_error_set(err, PK_ERR_CONFIG, "%s", _("API URL has a bad host"));
		hlen = (size_t)(close - rest) + 1;
		if (hlen < alen) {
			if (rest[hlen] != ':')
				return pk_error_set(err, PK_ERR_CONFIG, "%s",
						    _("API URL has a bad host"));
			port = rest + hlen + 1;
		}
		if (hlen == 2)
			hlen = 0; /* "[]" */
	} else {
		const char *colon = memchr(rest, ':', alen);
		hlen = colon ? (size_t)(colon - rest) : alen;
		if (colon)
			port = colon + 1;
	}
	if (hlen == 0)
		return pk_error_set(err, PK_ERR_CONFIG, "%s", _("API URL has no host"));
	if (port) {
		size_t plen = (size_t)(rest + alen - port);
		long pv = 0;
		bool ok = plen > 0 && plen <= 5;
		for (size_t i = 0; ok && i < plen; i++) {
			ok = port[i] >= '0' && port[i] <= '9';
			pv = pv * 10 + (port[i] - '0');
		}
		if (!ok || pv < 1 || pv > 65535)
			return pk_error_set(err, PK_ERR_CONFIG, "%s", _("API URL has a bad port"));
	}
	if (host[0] != '[') {
		for (size_t i = 0; i < hlen; i++)
			if (!isalnum((unsigned char)host[i]) && host[i] != '-' && host[i] != '.')
				return pk_error_set(err, PK_ERR_CONFIG, "%s",
						    _("API URL has a bad host"));
	}
	if (!https) {
		bool loop = (hlen == 5 && strncmp(host, "[::1]", 5) == 0) ||
			    (hlen == 9 && strncasecmp(host, "localhost", 9) == 0) ||
			    is_loopback_v4(host, hlen);
		if (!loop)
			return pk_error_set(err, PK_ERR_CONFIG, "%s",
					    _("API URL must use https:// (plain http:// only to this "
					      "computer: 127.0.0.1, [::1], localhost)"));
	}
	return 0;
}
