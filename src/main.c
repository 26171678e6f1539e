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

#include "app.h"
#include "cli_qr.h"
#include "cli_report.h"
#include "common/config.h"
#include "common/i18n.h"
#include "gateway/gateway.h"
#include "journal/journal.h"
#include "sale/flow.h"
#include "training.h"

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

static int run_kiosk(pk_config *cfg, const struct hidden *h)
{
	pk_error err;
	pk_error_clear(&err);
	int status = EXIT_RUNTIME;
	pk_training training;
	memset(&training, 0, sizeof training);
	training.stdin_fd = training.stdout_fd = -1;
	pk_journal *journal = NULL;
	gw_client *gw = NULL;
	pk_flow *flow = NULL;
	char *journal_path = NULL;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "paykiosk: %s\n",
			_("The kiosk needs a terminal: run it in a terminal window "
			  "(for reports use: paykiosk report)"));
		return EXIT_USAGE;
	}
	/* Before any thread or child exists: quit signals go to the signalfd. */
	if (pk_app_block_signals(&err) < 0)
		goto fail;

	const char *api_url = cfg->api_url;
	const char *secret = cfg->secret;
	const char *jpath = cfg->journal;
	if (cfg->training) {
		if (pk_training_start(&training, &err) < 0)
			goto fail;
		api_url = training.url;
		secret = training.secret;
		if (!h->journal_given) {
			journal_path = pk_training_journal(cfg->journal);
			if (!journal_path) {
				pk_error_set(&err, PK_ERR_NOMEM, _("Out of memory"));
				goto fail;
			}
			jpath = journal_path;
		}
	}
	if (pk_journal_open(&journal, jpath, &err) < 0)
		goto fail;
	gw_options opts;
	memset(&opts, 0, sizeof opts);
	opts.api_url = api_url;
	opts.secret = secret;
	if (gw_client_new(&gw, &opts, &err) < 0)
		goto fail;
	pk_flow_settings settings = { .poll_interval_s = cfg->poll_interval,
				      .poll_timeout_s = cfg->poll_timeout };
	if (pk_flow_new(&flow, journal, gw, &settings, &pk_clock_system, &err) < 0)
		goto fail;

	pk_recovery_report report;
	memset(&report, 0, sizeof report);
	pk_error rerr;
	pk_error_clear(&rerr);
	pk_flow_recover(flow, &report, &rerr);

	pk_app_options ao = {
		.cfg = cfg,
		.flow = flow,
		.journal = journal,
		.gw = gw,
		.training = cfg->training,
		.exit_after_first_frame = h->exit_after_first_frame,
		.recovery = &report,
		.recover_err = &rerr,
	};
	status = pk_app_run(&ao, &err);
	if (err.kind != PK_OK) {
		fprintf(stderr, "paykiosk: %s\n", err.msg);
		status = EXIT_RUNTIME;
	}
	goto out;
fail:
	fprintf(stderr, "paykiosk: %s\n", err.msg);
	status = err.kind == PK_ERR_CONFIG ? EXIT_USAGE : EXIT_RUNTIME;
out:
	pk_flow_free(flow);
	gw_client_free(gw);
	pk_journal_close(journal);
	pk_training_stop(&training);
	free(journal_path);
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
		} else {
			fprintf(stderr, "paykiosk: ");
			fprintf(stderr, _("unknown command '%s'"), cfg.argv[0]);
			fprintf(stderr, "\n%s\n", _("Try 'paykiosk --help'."));
			status = EXIT_USAGE;
		}
		pk_config_free(&cfg);
		return status;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "paykiosk: %s\n", _("Cannot start the network library"));
		pk_config_free(&cfg);
		return EXIT_RUNTIME;
	}
	status = run_kiosk(&cfg, &h);
	curl_global_cleanup();
	pk_config_free(&cfg);
	return status;
}
