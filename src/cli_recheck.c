/* cli_recheck.c - `paykiosk recheck [--all]`: one pass over the open sales
 * (UPI: a status call; Wavepay: the identical activation), every answer
 * recorded in the journal as the kiosk would; then what is still open. */
#include "cli_recheck.h"

#include <stdio.h>
#include <string.h>

#include "common/i18n.h"
#include "common/money.h"
#include "sale/salelog.h"
#include "session.h"

#define RECHECK_TIMEOUT_MS 25000

typedef struct recheck_run {
	pk_log *log;
	int changed;
} recheck_run;

static void on_state(void *ud, const pk_sale *sale, pk_sale_state from, const char *note)
{
	recheck_run *r = ud;
	pk_salelog_state(r->log, sale, from, note);
	char money[64];
	pk_money_display(sale->amount, sale->currency, money, sizeof money);
	/* TRANSLATORS: "sale 12 (UPI, 120.00 INR): Not confirmed yet -> Paid" */
	printf(_("sale %lld (%s, %s): %s -> %s"), (long long)sale->id,
	       sale->method == PK_METHOD_UPI ? "UPI" : "Wavepay", money, pk_state_label(from),
	       pk_state_label(sale->state));
	putchar('\n');
	r->changed++;
}

static void on_problem(void *ud, const pk_sale *sale, const pk_error *e)
{
	recheck_run *r = ud;
	pk_salelog_problem(r->log, sale, e);
}

int pk_cmd_recheck(const pk_config *cfg, bool journal_given, pk_log *log, int argc,
		   char **argv)
{
	bool all = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--all") == 0) {
			all = true;
		} else {
			fprintf(stderr, "paykiosk: ");
			fprintf(stderr, _("unknown option '%s'"), argv[i]);
			fprintf(stderr, "\n%s\n", _("Usage: paykiosk recheck [--all]"));
			return 2;
		}
	}
	pk_session s;
	pk_error err;
	if (pk_session_open(&s, cfg, journal_given, log, &err) < 0) {
		fprintf(stderr, "paykiosk: %s\n", err.msg);
		return err.kind == PK_ERR_CONFIG ? 2 : 1;
	}
	if (pk_session_start_hub(&s, &err) < 0) {
		fprintf(stderr, "paykiosk: %s\n", err.msg);
		pk_session_close(&s);
		return err.kind == PK_ERR_CONFIG ? 2 : 1;
	}
	recheck_run r = { log, 0 };
	pk_flow_observer obs = { on_state, on_problem, &r };
	pk_flow_set_observer(s.flow, &obs);
	/* What recovery resumed goes back to the journal as it is: recheck
	 * touches open sales only. */
	pk_flow_close(s.flow);
	int asked = 0;
	int rc = pk_flow_recheck_pass(s.flow, all ? 0 : cfg->open_sale_max_age,
				      RECHECK_TIMEOUT_MS, &asked, &err);
	if (rc < 0 && asked == 0)
		fprintf(stderr, "paykiosk: %s\n", err.msg);
	pk_sale_list left;
	int open = 0;
	if (pk_journal_list_states(s.journal, pk_state_mask(pk_state_is_listed), &left, &err) == 0) {
		open = (int)left.count;
		pk_sale_list_free(&left);
	}
	printf(ngettext("Asked about %d open sale; %d changed, %d still open",
			"Asked about %d open sales; %d changed, %d still open", (unsigned long)asked),
	       asked, r.changed, open);
	putchar('\n');
	pk_log_event(log, PK_LOG_NOTICE, "recheck", "asked=%d changed=%d open=%d", asked,
		     r.changed, open);
	pk_flow_set_observer(s.flow, NULL);
	pk_session_close(&s);
	return rc < 0 ? 1 : 0;
}
