/* main.c - paykiosk-hub: the fleet hub (docs/HUB.md).  serve (default),
 * migrate, add-kiosk SHOP COUNTER, report.  Exit status: 0 ok, 1 runtime
 * failure (database unreachable ...), 2 usage or configuration error. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/config.h"
#include "common/i18n.h"
#include "common/quitsig.h"
#include "common/log.h"
#include "hub/db.h"
#include "hub/hubconf.h"
#include "hub/hublog.h"
#include "hub/report.h"
#include "hub/server.h"
#include "hub/store.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2
#define MIGRATE_TIMEOUT_MS 60000

static int fail(const pk_error *err, int status)
{
	fprintf(stderr, "paykiosk-hub: %s\n", err->msg);
	return status;
}

/* A connection with the schema brought up to date. */
static PGconn *connect_migrated(const pk_hub_config *cfg, int *from, int *to, pk_error *err)
{
	PGconn *c = pk_hub_connect(cfg->database, MIGRATE_TIMEOUT_MS, err);
	if (c && pk_hub_migrate(c, from, to, err) < 0) {
		PQfinish(c);
		c = NULL;
	}
	return c;
}

static int cmd_migrate(const pk_hub_config *cfg)
{
	pk_error err = { 0 };
	int from, to;
	PGconn *c = connect_migrated(cfg, &from, &to, &err);
	if (!c)
		return fail(&err, EXIT_RUNTIME);
	PQfinish(c);
	if (from == to)
		printf(_("The schema is at version %d already.\n"), to);
	else
		printf(_("The schema is now at version %d (it was %d).\n"), to, from);
	return fflush(stdout) == 0 ? 0 : EXIT_RUNTIME;
}

static int cmd_add_kiosk(const pk_hub_config *cfg)
{
	pk_error err = { 0 };
	int from, to;
	PGconn *c = connect_migrated(cfg, &from, &to, &err);
	if (!c)
		return fail(&err, EXIT_RUNTIME);
	char token[65];
	int rc = pk_hub_add_kiosk(c, cfg->shop, cfg->counter, token, &err);
	PQfinish(c);
	if (rc < 0)
		return fail(&err, err.kind == PK_ERR_INVALID ? EXIT_USAGE : EXIT_RUNTIME);
	/* stdout: the token alone, once; the words go to stderr */
	printf("%s\n", token);
	explicit_bzero(token, sizeof token);
	if (fflush(stdout) != 0)
		return EXIT_RUNTIME;
	fprintf(stderr,
		_("paykiosk-hub: counter '%s' of shop '%s' registered; its token was printed "
		  "once (set it as hub_token on the kiosk; an older token no longer works)\n"),
		cfg->counter, cfg->shop);
	return 0;
}

static int cmd_report(const pk_hub_config *cfg)
{
	pk_error err = { 0 };
	PGconn *c = pk_hub_connect(cfg->database, MIGRATE_TIMEOUT_MS, &err);
	if (!c)
		return fail(&err, EXIT_RUNTIME);
	int version;
	if (pk_hub_schema_version(c, &version, &err) < 0) {
		PQfinish(c);
		return fail(&err, EXIT_RUNTIME);
	}
	if (version == 0) {
		PQfinish(c);
		fprintf(stderr, "paykiosk-hub: %s\n",
			_("The database has no paykiosk-hub schema: run 'paykiosk-hub migrate' "
			  "(or 'serve') on the primary first"));
		return EXIT_RUNTIME;
	}
	pk_hub_report r;
	pk_hub_report_init(&r);
	int rc = pk_hub_report_load(c, cfg, time(NULL), &r, &err);
	PQfinish(c);
	if (rc < 0) {
		pk_hub_report_free(&r);
		return fail(&err, EXIT_RUNTIME);
	}
	rc = pk_hub_report_write(stdout, &r, cfg->csv);
	pk_hub_report_free(&r);
	return rc == 0 ? 0 : EXIT_RUNTIME;
}

static int cmd_serve(const pk_hub_config *cfg)
{
	pk_error err = { 0 };
	char *cert = NULL, *key = NULL;
	if (cfg->tls_cert && (pk_hub_read_file(cfg->tls_cert, false, &cert, &err) < 0 ||
			      pk_hub_read_file(cfg->tls_key, true, &key, &err) < 0)) {
		free(cert);
		return fail(&err, EXIT_USAGE);
	}
	if (cert && (!strstr(cert, "-----BEGIN CERTIFICATE-----") ||
		     !strstr(key, "PRIVATE KEY-----"))) {
		fprintf(stderr, "paykiosk-hub: %s\n",
			_("tls_cert and tls_key must be PEM files (a certificate, a private key)"));
		pk_config_wipe_free(key);
		free(cert);
		return EXIT_USAGE;
	}
	/* Quit signals are read from a signalfd; every thread inherits the mask. */
	int sfd = pk_quit_signals_block(&err) < 0 ? -1 : pk_quit_signals_fd(0, &err);
	if (sfd < 0) {
		fprintf(stderr, "paykiosk-hub: %s\n", err.msg);
		pk_config_wipe_free(key);
		free(cert);
		return EXIT_RUNTIME;
	}

	pk_hub_log log;
	pk_hub_log_open(&log, stderr, cfg->private_key);
	int rc = EXIT_RUNTIME, from = 0, to = 0;
	pk_hub_db *db = NULL;
	pk_hub_server *srv = NULL;
	PGconn *c = connect_migrated(cfg, &from, &to, &err);
	if (!c)
		goto out;
	PQfinish(c);
	if (pk_hub_db_open(&db, cfg->database, PK_HUB_POOL_MAX, &err) < 0 ||
	    pk_hub_server_start(&srv, cfg, db, &log, cert, key, &err) < 0)
		goto out;
	/* the URL first (the journal's first line of a start), then the log */
	printf("%s\n", pk_hub_server_url(srv));
	fflush(stdout);
	if (from != to)
		pk_hub_log_event(&log, PK_HUB_INFO, "migrate", "from=%d to=%d", from, to);
	bool keys = cfg->access_key && cfg->private_key;
	if (!keys)
		pk_hub_log_event(&log, PK_HUB_WARN, "config",
				 "message=\"no postback keys (access_key, private_key): every "
				 "postback is kept untrusted and answered 403\"");
	pk_hub_log_event(&log, PK_HUB_INFO, "start",
			 "version=%s url=%s schema=%d match_field=%s keys=%s long_poll_max=%d",
			 PK_VERSION, pk_hub_server_url(srv), to,
			 pk_hub_match_field_name(cfg->match_field), keys ? "yes" : "no",
			 cfg->long_poll_max);

	pk_quit_why why = pk_quit_wait(sfd, cfg->exit_on_stdin_eof);
	pk_hub_log_event(&log, PK_HUB_INFO, "stop", "reason=%s",
			 why == PK_QUIT_STDIN ? "stdin_closed" : "signal");
	rc = 0;
out:
	if (rc != 0) {
		char q[PK_ERR_MSG_MAX + 8];
		pk_hub_log_event(&log, PK_HUB_ERR, "start_failed", "error=%s",
				 pk_log_quote(err.msg, q, sizeof q));
		fprintf(stderr, "paykiosk-hub: %s\n", err.msg);
	}
	pk_hub_server_stop(srv);
	pk_hub_db_close(db);
	pk_hub_log_close(&log);
	if (sfd >= 0)
		close(sfd);
	if (key) {
		pk_config_wipe_free(key);
	}
	free(cert);
	return rc;
}

int main(int argc, char **argv)
{
	pk_i18n_init();
	pk_hub_config cfg;
	pk_error err = { 0 };
	if (pk_hub_config_load(&cfg, argc, argv, &err) < 0)
		return fail(&err, EXIT_USAGE);
	int rc = 0;
	switch (cfg.command) {
	case PK_HUB_HELP:
		fputs(pk_hub_usage(), stdout);
		break;
	case PK_HUB_VERSION:
		printf("paykiosk-hub %s\n", PK_VERSION);
		break;
	case PK_HUB_MIGRATE:
		rc = cmd_migrate(&cfg);
		break;
	case PK_HUB_ADD_KIOSK:
		rc = cmd_add_kiosk(&cfg);
		break;
	case PK_HUB_REPORT:
		rc = cmd_report(&cfg);
		break;
	case PK_HUB_SERVE:
	default:
		rc = cmd_serve(&cfg);
		break;
	}
	pk_hub_config_free(&cfg);
	return rc;
}
