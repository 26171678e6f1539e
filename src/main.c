/* main.c - paykiosk: configuration, subcommands, training, the journal,
 * the gateway client, the sale controller, recovery, then the loop.
 * Exit status: 0 normal, 1 runtime error, 2 usage or configuration. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <curl/curl.h>

#include "ui/app.h"
#include "cli_pay.h"
#include "cli_qr.h"
#include "cli_recheck.h"
#include "cli_report.h"
#include "cli_set_pin.h"
#include "common/log.h"
#include "session.h"
#include "common/config.h"
#include "common/i18n.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

/* Our hidden options are taken out of argv before the config sees it. */
struct hidden {
	bool exit_after_first_frame;
	bool journal_given; /* --journal or PAYKIOSK_JOURNAL: training uses it as is */
};

static int strip_hidden(int argc, char **argv, struct hidden *h)
{
	int out = 1;
	bool options = true;
	for (int i = 1; i < argc; i++) {
		if (options && strcmp(argv[i], "--exit-after-first-frame") == 0) {
			h->exit_after_first_frame = true;
			continue;
		}
		if (options && (strcmp(argv[i], "--journal") == 0 ||
				strncmp(argv[i], "--journal=", 10) == 0))
			h->journal_given = true;
		if (options && argv[i][0] != '-')
			options = false; /* a subcommand: the rest is its own */
		argv[out++] = argv[i];
	}
	argv[out] = NULL;
	if (getenv("PAYKIOSK_JOURNAL"))
		h->journal_given = true;
	return out;
}

static int run_kiosk(pk_config *cfg, const struct hidden *h, pk_log *log)
{
	pk_error err;
	pk_error_clear(&err);
	int status = EXIT_RUNTIME;
	pk_session session;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "paykiosk: %s\n",
			_("The kiosk needs a terminal: run it in a terminal window "
			  "(for reports use: paykiosk report)"));
		return EXIT_USAGE;
	}
	if (cfg->kiosk && !cfg->supervisor_pin) {
		fprintf(stderr, "paykiosk: %s\n",
			_("--kiosk needs a supervisor PIN to leave the kiosk: set one with "
			  "'paykiosk set-pin'"));
		return EXIT_USAGE;
	}
	/* The session blocks the quit signals before any thread or child
	 * exists: the pump reads them. */
	if (pk_session_open(&session, cfg, h->journal_given, log, &err) < 0) {
		fprintf(stderr, "paykiosk: %s\n", err.msg);
		pk_log_event(log, PK_LOG_ERR, "stop", "status=%d kind=%s",
			     err.kind == PK_ERR_CONFIG ? EXIT_USAGE : EXIT_RUNTIME,
			     pk_err_kind_name(err.kind));
		return err.kind == PK_ERR_CONFIG ? EXIT_USAGE : EXIT_RUNTIME;
	}
	/* The kiosk works on its open sales while it runs (`pay` does not). */
	pk_flow_set_recheck(session.flow, cfg->recheck_interval, cfg->open_sale_max_age);
	pk_app_options ao = {
		.cfg = cfg,
		.flow = session.flow,
		.pump = session.pump,
		.training = cfg->training,
		.exit_after_first_frame = h->exit_after_first_frame,
		.recovery = &session.recovery,
		.recover_err = &session.recover_err,
		.log = log,
	};
	/* The screen is the UI's now: log lines go to syslog only. */
	bool mirror = log->mirror;
	pk_log_set_mirror(log, false);
	status = pk_app_run(&ao, &err);
	pk_log_set_mirror(log, mirror);
	if (err.kind != PK_OK) {
		fprintf(stderr, "paykiosk: %s\n", err.msg);
		status = EXIT_RUNTIME;
	}
	pk_session_close(&session);
	return status;
}

int main(int argc, char **argv)
{
	/* The secret lives in this process's memory: never in a core dump. */
	struct rlimit no_core = { 0, 0 };
	setrlimit(RLIMIT_CORE, &no_core);
	if (pk_i18n_init() < 0)
		fprintf(stderr, "paykiosk: no UTF-8 locale; text may look wrong\n");
	struct hidden h = { 0 };
	argc = strip_hidden(argc, argv, &h);

	pk_config cfg;
	pk_config_action action;
	pk_error err;
	pk_error_clear(&err);
	if (pk_config_load(&cfg, argc, argv, &action, &err) < 0) {
		fprintf(stderr, "paykiosk: %s\n", err.msg);
		fprintf(stderr, "%s\n", _("Try 'paykiosk --help'."));
		return EXIT_USAGE;
	}
	int status;
	if (action == PK_CONFIG_HELP) {
		pk_i18n_set_lang(cfg.lang);
		fputs(pk_config_usage(), stdout);
		pk_config_free(&cfg);
		return 0;
	}
	if (action == PK_CONFIG_VERSION) {
		printf("paykiosk %s\n", PK_VERSION);
		pk_config_free(&cfg);
		return 0;
	}
	pk_i18n_set_lang(cfg.lang);

	/* Subcommands first: they need no network, so no libcurl/TLS set-up
	 * (it costs more than the whole `paykiosk qr`). */
	if (cfg.argc > 0) {
		if (strcmp(cfg.argv[0], "qr") == 0) {
			status = pk_cmd_qr(cfg.argc, cfg.argv);
		} else if (strcmp(cfg.argv[0], "report") == 0) {
			status = pk_cmd_report(&cfg, cfg.argc, cfg.argv);
		} else if (strcmp(cfg.argv[0], "set-pin") == 0) {
			status = pk_cmd_set_pin(&cfg, cfg.argc, cfg.argv);
		} else if (strcmp(cfg.argv[0], "pay") == 0 ||
			   strcmp(cfg.argv[0], "recheck") == 0) {
			status = -1; /* below, with the network */
		} else {
			fprintf(stderr, "paykiosk: ");
			fprintf(stderr, _("unknown command '%s'"), cfg.argv[0]);
			fprintf(stderr, "\n%s\n", _("Try 'paykiosk --help'."));
			status = EXIT_USAGE;
		}
		if (status >= 0) {
			pk_config_free(&cfg);
			return status;
		}
	}
	bool pay = cfg.argc > 0 && strcmp(cfg.argv[0], "pay") == 0;
	bool recheck = cfg.argc > 0 && strcmp(cfg.argv[0], "recheck") == 0;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "paykiosk: %s\n", _("Cannot start the network library"));
		pk_config_free(&cfg);
		return EXIT_RUNTIME;
	}
	pk_log log;
	pk_log_open(&log, NULL);
	pk_log_set_mirror(&log, cfg.verbose);
	pk_log_set_redact(&log, cfg.secret);
	(void)pk_log_add_redact(&log, cfg.hub_token);
	pk_log_event(&log, PK_LOG_NOTICE, "start",
		     "version=%s command=%s mode=%s kiosk=%d config=%s label=%s lang=%s",
		     PK_VERSION, pay ? "pay" : recheck ? "recheck" : "kiosk",
		     cfg.training ? "training" : "live",
		     cfg.kiosk ? 1 : 0, cfg.config_path ? cfg.config_path : "none", cfg.label,
		     pk_lang_code(cfg.lang));
	if (pay)
		status = pk_cmd_pay(&cfg, h.journal_given, &log, cfg.argc, cfg.argv);
	else if (recheck)
		status = pk_cmd_recheck(&cfg, h.journal_given, &log, cfg.argc, cfg.argv);
	else
		status = run_kiosk(&cfg, &h, &log);
	pk_log_event(&log, status == 0 ? PK_LOG_NOTICE : PK_LOG_WARNING, "stop", "status=%d",
		     status);
	pk_log_close(&log);
	curl_global_cleanup();
	pk_config_free(&cfg);
	return status;
}
