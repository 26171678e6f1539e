/* hubconf.c - paykiosk-hub's settings: defaults, then the config file, the
 * environment, the command line; each value validated as it comes. */
#include "hub/hubconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libpq-fe.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/config.h"
#include "common/i18n.h"

static const struct {
	const char *name, *sql;
} match_fields[PK_MATCH__COUNT] = {
#define PK_X(id, name, sql) [PK_MATCH_##id] = { name, sql },
	PK_HUB_MATCH_FIELDS(PK_X)
#undef PK_X
};

const char *pk_hub_match_field_name(pk_hub_match_field f)
{
	return f < PK_MATCH__COUNT ? match_fields[f].name : "?";
}

const char *pk_hub_match_field_sql(pk_hub_match_field f)
{
	return match_fields[f < PK_MATCH__COUNT ? f : 0].sql;
}

enum vtype { T_STR, T_DATABASE, T_LISTEN, T_KEY, T_MATCH, T_INT };

enum hkey {
	K_DATABASE, K_LISTEN, K_ACCESS_KEY, K_PRIVATE_KEY, K_TLS_CERT, K_TLS_KEY, K_MATCH_FIELD,
	K_PAID_AFTER, K_LONG_POLL_MAX, K__COUNT
};

static const struct setting {
	const char *key;  /* in the file */
	const char *env;  /* or NULL */
	const char *flag; /* or NULL (never for a key) */
	enum vtype type;
	int min, max;     /* T_INT */
} settings[K__COUNT] = {
	[K_DATABASE] = { "database", NULL, "--database", T_DATABASE, 0, 0 },
	[K_LISTEN] = { "listen", NULL, "--listen", T_LISTEN, 0, 0 },
	[K_ACCESS_KEY] = { "access_key", "PAYKIOSK_HUB_ACCESS_KEY", NULL, T_KEY, 0, 0 },
	[K_PRIVATE_KEY] = { "private_key", "PAYKIOSK_HUB_PRIVATE_KEY", NULL, T_KEY, 0, 0 },
	[K_TLS_CERT] = { "tls_cert", NULL, NULL, T_STR, 0, 0 },
	[K_TLS_KEY] = { "tls_key", NULL, NULL, T_STR, 0, 0 },
	[K_MATCH_FIELD] = { "match_field", NULL, NULL, T_MATCH, 0, 0 },
	[K_PAID_AFTER] = { "paid_without_postback_after", NULL, NULL, T_INT, 1, 2592000 },
	[K_LONG_POLL_MAX] = { "long_poll_max", NULL, NULL, T_INT, 1, 600 },
};

static char **str_slot(pk_hub_config *cfg, enum hkey k)
{
	switch (k) {
	case K_DATABASE:
		return &cfg->database;
	case K_LISTEN:
		return &cfg->listen_text;
	case K_ACCESS_KEY:
		return &cfg->access_key;
	case K_PRIVATE_KEY:
		return &cfg->private_key;
	case K_TLS_CERT:
		return &cfg->tls_cert;
	case K_TLS_KEY:
		return &cfg->tls_key;
	default:
		return NULL;
	}
}

/* Where a value came from, for messages. */
struct source {
	const char *file; /* or NULL: name is the variable or flag */
	int line;
	const char *name;
};

static int fail_at(pk_error *err, const struct source *src, enum hkey k, const char *msg)
{
	if (src->file)
		/* TRANSLATORS: FILE:LINE: key 'name': problem */
		return pk_error_set(err, PK_ERR_CONFIG, _("%s:%d: key '%s': %s"), src->file,
				    src->line, settings[k].key, msg);
	return pk_error_set(err, PK_ERR_CONFIG, "%s: %s", src->name, msg);
}

int pk_hub_listen_parse(const char *text, pk_hub_listen *out, pk_error *err)
{
	memset(out, 0, sizeof *out);
	const char *colon;
	size_t hlen;
	const char *host = text;
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close || close[1] != ':')
			goto bad;
		host = text + 1;
		hlen = (size_t)(close - host);
		colon = close + 1;
		out->v6 = true;
	} else {
		colon = strrchr(text, ':');
		if (!colon || memchr(text, ':', (size_t)(colon - text)))
			goto bad;
		hlen = (size_t)(colon - text);
	}
	if (hlen == 0 || hlen >= sizeof out->host)
		goto bad;
	memcpy(out->host, host, hlen);
	out->host[hlen] = '\0';
	if (pk_config_parse_int(colon + 1, 0, 65535, &out->port) < 0)
		goto bad;
	if (!out->v6 && strcmp(out->host, "localhost") == 0)
		strcpy(out->host, "127.0.0.1");
	unsigned char addr[16];
	if (out->v6) {
		if (inet_pton(AF_INET6, out->host, addr) != 1)
			goto bad;
		static const unsigned char one[16] = { [15] = 1 };
		out->loopback = memcmp(addr, one, 16) == 0;
	} else {
		if (inet_pton(AF_INET, out->host, addr) != 1)
			goto bad;
		out->loopback = addr[0] == 127;
	}
	return 0;
bad:
	return pk_error_set(err, PK_ERR_CONFIG, "%s",
			    _("listen must be IP:PORT, [IPv6]:PORT or localhost:PORT "
			      "(port 0 picks a free one)"));
}

/* A libpq conninfo (key=value or URI): 1 when it holds a password, 0 when
 * not, -1 when libpq cannot read it (its message is not repeated: it may
 * quote a piece of the string). */
static int conninfo_password(const char *conninfo)
{
	if (!strchr(conninfo, '=') && !strstr(conninfo, "://"))
		return 0; /* a database name alone (libpq's dbname) */
	char *msg = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &msg);
	PQfreemem(msg);
	if (!opts)
		return -1;
	int has = 0;
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val && o->val[0])
			has = 1;
	PQconninfoFree(opts);
	return has;
}

static int apply(pk_hub_config *cfg, enum hkey k, const char *value, const struct source *src,
		 pk_error *err)
{
	const struct setting *s = &settings[k];
	pk_error sub = { 0 };
	if (!*value)
		return fail_at(err, src, k, _("needs a value"));
	switch (s->type) {
	case T_STR:
	case T_KEY:
		return pk_config_set_string(str_slot(cfg, k), value, strlen(value), err);
	case T_DATABASE: {
		int pw = conninfo_password(value);
		if (pw < 0)
			return fail_at(err, src, k,
				       _("is not a PostgreSQL connection string "
					 "(host=... dbname=... user=..., or postgresql://...)"));
		if (pw && !src->file)
			return fail_at(err, src, k,
				       _("a password does not go on the command line (other users "
					 "can read it): put the connection string in the config file "
					 "(chmod 600), or the password in ~/.pgpass"));
		cfg->database_has_password = pw == 1;
		return pk_config_set_string(&cfg->database, value, strlen(value), err);
	}
	case T_LISTEN:
		if (pk_hub_listen_parse(value, &cfg->listen, &sub) < 0)
			return fail_at(err, src, k, sub.msg);
		return pk_config_set_string(&cfg->listen_text, value, strlen(value), err);
	case T_MATCH:
		for (int f = 0; f < PK_MATCH__COUNT; f++) {
			if (strcmp(value, match_fields[f].name) == 0) {
				cfg->match_field = (pk_hub_match_field)f;
				return 0;
			}
		}
		return fail_at(err, src, k,
			       _("must be plugin_custom_order_id, label or transaction_id"));
	case T_INT: {
		int n;
		if (pk_config_parse_int(value, s->min, s->max, &n) < 0) {
			char msg[PK_ERR_MSG_MAX];
			/* TRANSLATORS: %d and %d are the smallest and largest value. */
			snprintf(msg, sizeof msg, _("must be a whole number from %d to %d"), s->min,
				 s->max);
			return fail_at(err, src, k, msg);
		}
		if (k == K_PAID_AFTER)
			cfg->paid_without_postback_after = n;
		else
			cfg->long_poll_max = n;
		return 0;
	}
	}
	return 0;
}

/* ---- the file ---- */

static bool plain_key(const char *k)
{
	size_t n = strlen(k);
	if (n == 0 || n > 40)
		return false;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || *k == '_'))
			return false;
	return true;
}

static int read_config(pk_hub_config *cfg, const char *path, bool missing_ok, pk_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT && missing_ok)
			return 0;
		if (e == EACCES && missing_ok)
			/* TRANSLATORS: FILE: the default config, readable by root only */
			return pk_error_setc(err, PK_ERR_CONFIG, e,
					     _("%s: only root can read it; give your own with "
					       "--config FILE"),
					     path);
		/* TRANSLATORS: FILE: system error text */
		return pk_error_setc(err, PK_ERR_CONFIG, e, _("%s: cannot open: %s"), path,
				     strerror(e));
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return pk_error_set(err, PK_ERR_CONFIG, _("%s: not a regular file"), path);
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	}
	int rc = pk_config_set_string(&cfg->config_path, path, strlen(path), err);
	bool seen[K__COUNT] = { false };
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0;
	char *key, *value;
	int got;
	while (rc == 0 && (got = pk_config_next_pair(f, &line, &cap, &lineno, &key, &value)) != 0) {
		if (got < 0) {
			/* TRANSLATORS: FILE:LINE: problem; the line is not repeated (it may hold a key). */
			rc = pk_error_set(err, PK_ERR_CONFIG, _("%s:%d: expected key = value"), path,
					  lineno);
			break;
		}
		int k;
		for (k = 0; k < K__COUNT && strcmp(key, settings[k].key) != 0; k++)
			;
		struct source src = { path, lineno, NULL };
		if (k == K__COUNT) {
			if (plain_key(key))
				rc = pk_error_set(err, PK_ERR_CONFIG,
						  _("%s:%d: key '%s': unknown key"), path, lineno,
						  key);
			else
				rc = pk_error_set(err, PK_ERR_CONFIG, _("%s:%d: unknown key"), path,
						  lineno);
		} else if (seen[k]) {
			rc = fail_at(err, &src, (enum hkey)k, _("given twice in the file"));
		} else {
			seen[k] = true;
			rc = apply(cfg, (enum hkey)k, value, &src, err);
		}
	}
	if (rc == 0 && ferror(f))
		rc = pk_error_set(err, PK_ERR_CONFIG, _("%s: read error"), path);
	if (line) {
		explicit_bzero(line, cap); /* may have held a key */
		free(line);
	}
	fclose(f);
	bool secret = seen[K_ACCESS_KEY] || seen[K_PRIVATE_KEY] ||
		      (seen[K_DATABASE] && cfg->database_has_password);
	if (rc == 0 && secret && (st.st_mode & 077))
		rc = pk_error_set(err, PK_ERR_CONFIG,
				  _("%s holds a postback key or a database password and is "
				    "readable by other users; run: chmod 600 %s"),
				  path, path);
	return rc;
}

int pk_hub_read_file(const char *path, bool private, char **out, pk_error *err)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		return pk_error_setc(err, PK_ERR_CONFIG, e, _("%s: cannot open: %s"), path,
				     strerror(e));
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > 1024 * 1024) {
		close(fd);
		return pk_error_set(err, PK_ERR_CONFIG, _("%s: not a regular file"), path);
	}
	if (private && (st.st_mode & 077)) {
		close(fd);
		return pk_error_set(err, PK_ERR_CONFIG,
				    _("%s is readable by other users; run: chmod 600 %s"), path,
				    path);
	}
	size_t size = (size_t)st.st_size;
	char *buf = malloc(size + 1);
	if (!buf) {
		close(fd);
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	}
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != size) {
		explicit_bzero(buf, size);
		free(buf);
		return pk_error_set(err, PK_ERR_CONFIG, _("%s: read error"), path);
	}
	buf[size] = '\0';
	*out = buf;
	return 0;
}

/* ---- the command line ---- */

struct cmdline {
	const char *value[K__COUNT];
	const char *config;
	const char *date;
	bool csv, exit_on_eof, help, version;
	const char *words[4];
	int nwords;
};

static int parse_argv(struct cmdline *cl, int argc, char **argv, pk_error *err)
{
	bool options = true;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (options && strcmp(a, "--") == 0) {
			options = false;
			continue;
		}
		if (!options || a[0] != '-' || a[1] == '\0') {
			if (cl->nwords == (int)(sizeof cl->words / sizeof *cl->words))
				return pk_error_set(err, PK_ERR_INVALID, "%s",
						    _("too many arguments (see --help)"));
			cl->words[cl->nwords++] = a;
			continue;
		}
		const char *eq = strchr(a, '=');
		size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
		const char *inline_val = eq ? eq + 1 : NULL;
#define IS(name) (nlen == strlen(name) && strncmp(a, name, nlen) == 0)
		if (IS("--access-key") || IS("--private-key"))
			return pk_error_set(err, PK_ERR_INVALID, "%s",
					    _("postback keys are refused on the command line (other "
					      "users can read it): use PAYKIOSK_HUB_ACCESS_KEY, "
					      "PAYKIOSK_HUB_PRIVATE_KEY or the config file"));
		bool *flag = IS("--help") || IS("-h") ? &cl->help
			     : IS("--version")	     ? &cl->version
			     : IS("--csv")		     ? &cl->csv
			     : IS("--exit-on-stdin-eof") ? &cl->exit_on_eof
							 : NULL;
		if (flag) {
			if (inline_val)
				return pk_error_set(err, PK_ERR_INVALID,
						    _("option '%.*s' takes no value"), (int)nlen, a);
			*flag = true;
			continue;
		}
		const char **slot = NULL;
		if (IS("--config"))
			slot = &cl->config;
		else if (IS("--date"))
			slot = &cl->date;
		for (int k = 0; !slot && k < K__COUNT; k++)
			if (settings[k].flag && IS(settings[k].flag))
				slot = &cl->value[k];
#undef IS
		if (!slot)
			/* only the name: whatever follows '=' is not repeated */
			return pk_error_set(err, PK_ERR_INVALID,
					    _("unknown option '%.*s' (see --help)"), (int)nlen, a);
		if (!inline_val) {
			if (i + 1 >= argc)
				return pk_error_set(err, PK_ERR_INVALID,
						    _("option '%s' needs a value"), a);
			inline_val = argv[++i];
		}
		*slot = inline_val;
	}
	return 0;
}

static int check_date(const char *d, pk_error *err)
{
	int y, m, day;
	char tail;
	if (strlen(d) == 10 && sscanf(d, "%4d-%2d-%2d%c", &y, &m, &day, &tail) == 3 &&
	    d[4] == '-' && d[7] == '-') {
		struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = day,
				 .tm_hour = 12, .tm_isdst = -1 };
		if (y >= 1970 && mktime(&tm) != (time_t)-1 && tm.tm_mday == day &&
		    tm.tm_mon == m - 1)
			return 0;
	}
	return pk_error_set(err, PK_ERR_INVALID, "%s", _("--date must be a date YYYY-MM-DD"));
}

static const struct {
	const char *word;
	pk_hub_command cmd;
	int args; /* positional arguments after the word */
} commands[] = {
	{ "serve", PK_HUB_SERVE, 0 },
	{ "migrate", PK_HUB_MIGRATE, 0 },
	{ "add-kiosk", PK_HUB_ADD_KIOSK, 2 },
	{ "report", PK_HUB_REPORT, 0 },
};

static int load(pk_hub_config *cfg, int argc, char **argv, pk_error *err)
{
	struct cmdline cl = { 0 };
	if (parse_argv(&cl, argc, argv, err) < 0)
		return -1;
	if (cl.help || cl.version) {
		cfg->command = cl.help ? PK_HUB_HELP : PK_HUB_VERSION;
		return 0;
	}
	int nargs = 0;
	if (cl.nwords > 0) {
		size_t c;
		for (c = 0; c < sizeof commands / sizeof *commands; c++)
			if (strcmp(cl.words[0], commands[c].word) == 0)
				break;
		if (c == sizeof commands / sizeof *commands)
			return pk_error_set(err, PK_ERR_INVALID, _("unknown command '%s' (see --help)"),
					    cl.words[0]);
		cfg->command = commands[c].cmd;
		nargs = commands[c].args;
	}
	if (cl.nwords > 0 && cl.nwords - 1 != nargs) {
		if (cfg->command == PK_HUB_ADD_KIOSK)
			return pk_error_set(err, PK_ERR_INVALID, "%s",
					    _("usage: paykiosk-hub add-kiosk SHOP COUNTER"));
		return pk_error_set(err, PK_ERR_INVALID, _("'%s' takes no arguments (see --help)"),
				    cl.words[0]);
	}
	if ((cl.csv || cl.date) && cfg->command != PK_HUB_REPORT)
		return pk_error_set(err, PK_ERR_INVALID, "%s",
				    _("--date and --csv go with the report command"));
	if (cl.exit_on_eof && cfg->command != PK_HUB_SERVE)
		return pk_error_set(err, PK_ERR_INVALID, "%s",
				    _("--exit-on-stdin-eof goes with the serve command"));
	if (cfg->command == PK_HUB_ADD_KIOSK) {
		cfg->shop = cl.words[1];
		cfg->counter = cl.words[2];
	}
	cfg->csv = cl.csv;
	cfg->exit_on_stdin_eof = cl.exit_on_eof;
	if (cl.date) {
		if (check_date(cl.date, err) < 0)
			return -1;
		snprintf(cfg->date, sizeof cfg->date, "%s", cl.date);
	}

	/* file, environment, flags */
	const char *env_cfg = getenv("PAYKIOSK_HUB_CONFIG");
	int rc = cl.config		? read_config(cfg, cl.config, false, err)
		 : env_cfg && *env_cfg ? read_config(cfg, env_cfg, false, err)
					: read_config(cfg, PK_HUB_DEFAULT_CONFIG, true, err);
	if (rc < 0)
		return -1;
	for (int k = 0; k < K__COUNT; k++) {
		const char *v = settings[k].env ? getenv(settings[k].env) : NULL;
		struct source src = { NULL, 0, settings[k].env };
		if (v && *v && apply(cfg, (enum hkey)k, v, &src, err) < 0)
			return -1;
	}
	for (int k = 0; k < K__COUNT; k++) {
		struct source src = { NULL, 0, settings[k].flag };
		if (cl.value[k] && apply(cfg, (enum hkey)k, cl.value[k], &src, err) < 0)
			return -1;
	}

	if (!cfg->listen_text) {
		if (pk_config_set_string(&cfg->listen_text, PK_HUB_DEFAULT_LISTEN,
					 strlen(PK_HUB_DEFAULT_LISTEN), err) < 0 ||
		    pk_hub_listen_parse(cfg->listen_text, &cfg->listen, err) < 0)
			return -1;
	}
	if (!cfg->database)
		return pk_error_set(err, PK_ERR_CONFIG, "%s",
				    _("No database: give --database CONNINFO or 'database = ...' "
				      "in the config file"));
	if (!cfg->tls_cert != !cfg->tls_key)
		return pk_error_set(err, PK_ERR_CONFIG, "%s",
				    _("tls_cert and tls_key go together: set both or neither"));
	if (cfg->command == PK_HUB_SERVE && !cfg->listen.loopback && !cfg->tls_cert)
		return pk_error_set(err, PK_ERR_CONFIG,
				    _("Refusing to listen on %s without TLS: set tls_cert and "
				      "tls_key in the config file, or listen on loopback "
				      "(127.0.0.1) behind a proxy that ends TLS"),
				    cfg->listen_text);
	return 0;
}

int pk_hub_config_load(pk_hub_config *cfg, int argc, char **argv, pk_error *err)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->match_field = PK_MATCH_PLUGIN_CUSTOM_ORDER_ID;
	cfg->paid_without_postback_after = PK_HUB_PAID_WITHOUT_POSTBACK_DEFAULT;
	cfg->long_poll_max = PK_HUB_LONG_POLL_MAX_DEFAULT;
	if (load(cfg, argc, argv, err) < 0) {
		pk_hub_config_free(cfg);
		return -1;
	}
	return 0;
}

void pk_hub_config_free(pk_hub_config *cfg)
{
	if (!cfg)
		return;
	pk_config_wipe_free(cfg->database);
	pk_config_wipe_free(cfg->listen_text);
	pk_config_wipe_free(cfg->access_key);
	pk_config_wipe_free(cfg->private_key);
	pk_config_wipe_free(cfg->tls_cert);
	pk_config_wipe_free(cfg->tls_key);
	pk_config_wipe_free(cfg->config_path);
	memset(cfg, 0, sizeof *cfg);
}

const char *pk_hub_usage(void)
{
	return _("Usage: paykiosk-hub [COMMAND] [OPTIONS]\n"
		 "\n"
		 "Commands:\n"
		 "  serve                 receive postbacks and kiosk events (the default)\n"
		 "  migrate               bring the database schema to this version\n"
		 "  add-kiosk SHOP COUNTER  register a counter; prints its token once\n"
		 "  report [--date YYYY-MM-DD] [--csv]  the day's totals and mismatches\n"
		 "\n"
		 "Options:\n"
		 "  --database CONNINFO   PostgreSQL connection (libpq conninfo or URI)\n"
		 "  --listen HOST:PORT    where to listen (default 127.0.0.1:8470; port 0\n"
		 "                        picks a free port and prints the URL)\n"
		 "  --config FILE         the config file (default /etc/paykiosk/hub.conf)\n"
		 "  --exit-on-stdin-eof   serve: stop when standard input closes\n"
		 "  --help, --version\n"
		 "\n"
		 "Config file (key = value, # comments; chmod 600 when it holds a key):\n"
		 "  database listen access_key private_key tls_cert tls_key match_field\n"
		 "  paid_without_postback_after long_poll_max\n"
		 "Environment: PAYKIOSK_HUB_CONFIG PAYKIOSK_HUB_ACCESS_KEY PAYKIOSK_HUB_PRIVATE_KEY\n"
		 "Keys never go on the command line.  Listening off loopback needs TLS.\n"
		 "Exit status: 0 ok, 1 runtime failure, 2 usage or configuration error.\n");
}
