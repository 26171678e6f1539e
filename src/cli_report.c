/* cli_report.c - `paykiosk report`: argument handling around sale/report.c. */
#include "cli_report.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/i18n.h"
#include "journal/journal.h"
#include "sale/report.h"

static void usage(FILE *out)
{
	fprintf(out, "%s\n", _("Usage: paykiosk report [--date YYYY-MM-DD] [--csv]"));
}

int pk_cmd_report(const pk_config *cfg, int argc, char **argv)
{
	const char *date = NULL;
	bool csv = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--csv") == 0) {
			csv = true;
		} else if (strcmp(a, "--date") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "%s\n", _("--date needs a date, e.g. 2026-01-31"));
				return 2;
			}
			date = argv[++i];
		} else if (strncmp(a, "--date=", 7) == 0) {
			date = a + 7;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, _("Unknown report option: %s"), a);
			fputc('\n', stderr);
			usage(stderr);
			return 2;
		}
	}

	pk_error err;
	pk_error_clear(&err);
	time_t from, to;
	if (pk_report_day(date, time(NULL), &from, &to, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 2;
	}
	char day[16];
	struct tm tm;
	if (!localtime_r(&from, &tm) || !strftime(day, sizeof day, "%Y-%m-%d", &tm))
		snprintf(day, sizeof day, "?");

	if (!cfg || !cfg->journal || !*cfg->journal) {
		fprintf(stderr, "%s\n", _("No sales journal file is set"));
		return 1;
	}
	/* Do not create a journal just to say it is empty. */
	if (access(cfg->journal, F_OK) != 0) {
		if (csv) {
			fputs("id,created_at,method,currency,amount,state,label,ctid,order_id,key1,"
			      "deposit_amount\n",
			      stdout);
		} else {
			printf(_("Sales on %s"), day);
			printf("\n%s\n", _("No sales"));
		}
		return 0;
	}
	pk_journal *j = NULL;
	if (pk_journal_open(&j, cfg->journal, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	int rc;
	if (csv) {
		rc = pk_report_print_csv(j, from, to, stdout, &err);
	} else {
		char title[128];
		/* TRANSLATORS: %s is a date, YYYY-MM-DD */
		snprintf(title, sizeof title, _("Sales on %s"), day);
		rc = pk_report_print_totals(j, from, to, title, stdout, &err);
	}
	pk_journal_close(j);
	if (rc) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	if (fflush(stdout) != 0)
		return 1;
	return 0;
}
