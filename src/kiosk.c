/* kiosk.c - the module's entry (kiosk.h): the commands that need the
 * journal, the network or the terminal UI, and the kiosk itself. */
#include "kiosk.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ui/app.h"
#include "cli_pay.h"
#include "cli_recheck.h"
#include "cli_report.h"
#include "cli_set_pin.h"
#include "common/i18n.h"
#include "common/log.h"
#include "session.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

/* After the first frame: the hub link (it loads the network stack). */
static int start_hub(void *ud, pk_error *err)
{
	return pk_session_start_hub(ud, err);
}

static int run_kiosk(pk_config *cfg, const pk_start *st, pk_log *log)
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
	if (pk_session_open(&session, cfg, st->journal_given, log, &err) < 0) {
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
		.exit_after_first_frame = st->exit_after_first_frame,
		.recovery = &session.recovery,
		.recover_err = &session.recover_err,
		.log = log,
		.after_first_frame = start_hub,
		.after_first_frame_ud = &session,
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

/* The commands; the ones that take payments (NULL: the kiosk UI) get the
 * network (loaded when they first go online: net.h) and the log. */
typedef int offline_fn(const pk_config *cfg, int argc, char **argv);
typedef int online_fn(const pk_config *cfg, bool journal_given, pk_log *log, int argc, char **argv);
static const struct command {
	const char *name;
	offline_fn *offline;
	online_fn *online;
} commands[] = {
	{ "report", pk_cmd_report, NULL },
	{ "set-pin", pk_cmd_set_pin, NULL },
	{ "pay", NULL, pk_cmd_pay },
	{ "recheck", NULL, pk_cmd_recheck },
};

__attribute__((visibility("default"))) int pk_kiosk_main(pk_config *cfg, const pk_start *st)
{
	const struct command *cmd = NULL;
	if (cfg->argc > 0) {
		for (size_t i = 0; i < sizeof commands / sizeof commands[0] && !cmd; i++)
			if (strcmp(cfg->argv[0], commands[i].name) == 0)
				cmd = &commands[i];
		if (!cmd) {
			fprintf(stderr, "paykiosk: ");
			fprintf(stderr, _("unknown command '%s'"), cfg->argv[0]);
			fprintf(stderr, "\n%s\n", _("Try 'paykiosk --help'."));
			return EXIT_USAGE;
		}
		if (cmd->offline)
			return cmd->offline(cfg, cfg->argc, cfg->argv);
	}
	pk_log log;
	pk_log_open(&log, NULL);
	pk_log_set_mirror(&log, cfg->verbose);
	pk_log_set_redact(&log, cfg->secret);
	(void)pk_log_add_redact(&log, cfg->hub_token);
	pk_log_event(&log, PK_LOG_NOTICE, "start",
		     "version=%s command=%s mode=%s kiosk=%d config=%s label=%s lang=%s",
		     PK_VERSION, cmd ? cmd->name : "kiosk", cfg->training ? "training" : "live",
		     cfg->kiosk ? 1 : 0, cfg->config_path ? cfg->config_path : "none", cfg->label,
		     pk_lang_code(cfg->lang));
	int status = cmd ? cmd->online(cfg, st->journal_given, &log, cfg->argc, cfg->argv)
			 : run_kiosk(cfg, st, &log);
	pk_log_event(&log, status == 0 ? PK_LOG_NOTICE : PK_LOG_WARNING, "stop", "status=%d",
		     status);
	pk_log_close(&log);
	return status;
}
