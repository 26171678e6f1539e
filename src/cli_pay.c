/* cli_pay.c - `paykiosk pay upi|wavepay --amount A [--label L] [--json]`:
 * one sale without the menu, for a till that calls us.  The same session
 * as the kiosk (journal + lock, recovery, gateway client, the log), one
 * poll loop over the gateway's sockets, stdin (Wavepay transaction IDs)
 * and a signalfd (INT/TERM/HUP: cancel the sale cleanly; a second one
 * leaves it to recovery).
 * Output: human lines (and the UPI QR code) on stdout, or with --json one
 * JSON object per line per event on stdout (the QR then goes to stderr when
 * that is a terminal).  Exit status: see cli_pay.h. */
#include "cli_pay.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "common/i18n.h"
#include "common/money.h"
#include "common/txid.h"
#include "layout/qr.h"
#include "receipt/receipt.h"
#include "sale/salelog.h"
#include "sale/pump.h"
#include "session.h"

#define PAY_RETRIES 3          /* re-sends of a request without a usable answer */
#define PAY_RETRY_GAP_MS 2000
#define PAY_STOP_MS 4000       /* after a signal, stop by then at the latest */

typedef struct pay_run {
	const pk_config *cfg;
	pk_log *log;
	bool json;
	pk_method method;
	pk_session s;
	bool stdin_open;
	char line[512];
	size_t line_len;
	bool line_too_long;
	int quit_signals;
	bool ours;             /* the active sale is the one we started */
	int64_t unknown_since_ms; /* no usable answer since then (0: we have one) */
	int64_t stop_by_ms;    /* a signal came: stop by then at the latest (0: none) */
	bool said_final;       /* the last state line said "final" */
} pay_run;

static bool settled(const pay_run *p, const pk_sale *sale);

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- output --------------------------------------------------------------- */

static char *fmt(char *buf, size_t len, const char *f, ...) __attribute__((format(printf, 3, 4)));
static char *fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	vsnprintf(buf, len, f, ap);
	va_end(ap);
	return buf;
}

static void json_line(cJSON *o)
{
	char *text = cJSON_PrintUnformatted(o);
	if (text) {
		fputs(text, stdout);
		fputc('\n', stdout);
		fflush(stdout);
		cJSON_free(text);
	}
	cJSON_Delete(o);
}

/* pay's last line for a sale says "final": pay stops there (settled()),
 * or stopped early with the sale open (emit_stopped). */
static void json_sale(cJSON *o, const pk_sale *sale, bool final)
{
	char amount[64];
	cJSON_AddNumberToObject(o, "sale_id", (double)sale->id);
	cJSON_AddStringToObject(o, "method", pk_method_name(sale->method));
	cJSON_AddStringToObject(o, "state", pk_state_name(sale->state));
	pk_money_decimal(sale->amount, sale->currency, amount, sizeof amount);
	cJSON_AddStringToObject(o, "amount", amount);
	cJSON_AddNumberToObject(o, "amount_minor", (double)sale->amount);
	cJSON_AddStringToObject(o, "currency", pk_currency_code(sale->currency));
	cJSON_AddStringToObject(o, "label", sale->label);
	cJSON_AddStringToObject(o, "custom_transaction_id", sale->ctid);
	if (sale->order_id[0])
		cJSON_AddStringToObject(o, "order_id", sale->order_id);
	if (sale->qr_data && sale->state == PK_SALE_AWAITING_PAYMENT)
		cJSON_AddStringToObject(o, "qr_data", sale->qr_data);
	if (sale->identifier[0])
		cJSON_AddStringToObject(o, "wallet", sale->identifier);
	if (sale->key1[0])
		cJSON_AddStringToObject(o, "transaction_id", sale->key1);
	if (sale->has_deposit_amount) {
		pk_money_decimal(sale->deposit_amount, sale->currency, amount, sizeof amount);
		cJSON_AddStringToObject(o, "credited", amount);
	}
	if (sale->message[0])
		cJSON_AddStringToObject(o, "message", sale->message);
	cJSON_AddBoolToObject(o, "final", final);
}

/* The UPI code, as big as the terminal allows (or at its natural size). */
static void print_qr(FILE *out, const char *qr_data)
{
	struct winsize ws;
	pk_qr qr;
	pk_error err;
	int rc;
	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 4)
		rc = pk_qr_fit(qr_data, ws.ws_col, ws.ws_row - 4, &qr, &err);
	else
		rc = pk_qr_encode(qr_data, 1, 2, &qr, &err);
	if (rc < 0) {
		fprintf(out, "%s\n", err.msg);
		return;
	}
	char *text;
	size_t len;
	if (pk_qr_render(&qr, isatty(fileno(out)), &text, &len, &err) == 0) {
		fwrite(text, 1, len, out);
		free(text);
	}
	pk_qr_free(&qr);
	fflush(out);
}

static void prompt_txid(pay_run *p)
{
	if (p->json || !p->stdin_open)
		return;
	printf("%s ", _("Transaction ID:"));
	fflush(stdout);
}

static void human_state(pay_run *p, const pk_sale *sale)
{
	char money[64], buf[512];
	pk_money_display(sale->amount, sale->currency, money, sizeof money);
	switch (sale->state) {
	case PK_SALE_AWAITING_PAYMENT:
		print_qr(stdout, sale->qr_data ? sale->qr_data : "");
		printf("%s  %s  %s\n", _("Scan with any UPI app"), money,
		       fmt(buf, sizeof buf, _("Order %s"), sale->order_id));
		if (p->cfg->training)
			printf("%s\n", _("Training: type paid or failed"));
		fflush(stdout);
		return;
	case PK_SALE_AWAITING_TXID: {
		char plain[64];
		pk_money_display_plain(sale->amount, sale->currency, plain, sizeof plain);
		printf("%s\n", fmt(buf, sizeof buf, _("Wallet %s"), sale->identifier));
		printf("%s\n", fmt(buf, sizeof buf,
				      _("Pay %s MMK to this Wavepay number, then tell me the "
					"transaction ID"), plain));
		prompt_txid(p);
		return;
	}
	default:
		break;
	}
	printf("%s: %s", pk_state_label(sale->state), money);
	if (sale->key1[0])
		printf("  %s", fmt(buf, sizeof buf, _("Transaction ID %s"), sale->key1));
	else if (sale->order_id[0])
		printf("  %s", fmt(buf, sizeof buf, _("Order %s"), sale->order_id));
	if (sale->message[0] && sale->state != PK_SALE_PAID)
		printf("  (%s)", sale->message);
	printf("\n");
	if (sale->state == PK_SALE_NOT_FOUND)
		prompt_txid(p);
	fflush(stdout);
}

static void on_state(void *ud, const pk_sale *sale, pk_sale_state from, const char *note)
{
	pay_run *p = ud;
	pk_salelog_state(p->log, sale, from, note);
	if (p->json) {
		cJSON *o = cJSON_CreateObject();
		if (!o)
			return;
		cJSON_AddStringToObject(o, "event", "state");
		cJSON_AddStringToObject(o, "from", pk_state_name(from));
		p->said_final = settled(p, sale);
		json_sale(o, sale, p->said_final);
		if (!p->ours)
			cJSON_AddBoolToObject(o, "recovered", true);
		json_line(o);
		if (sale->state == PK_SALE_AWAITING_PAYMENT && sale->qr_data && isatty(STDERR_FILENO))
			print_qr(stderr, sale->qr_data);
	} else {
		human_state(p, sale);
	}
}

/* pay stops with its sale open (a signal, no ID, no usable answer): the
 * last line repeats the sale's state, final, so a till knows it is over. */
static void emit_stopped(pay_run *p)
{
	pk_flow_view v;
	pk_flow_view_get(p->s.flow, &v);
	if (!p->json || !v.sale || p->said_final)
		return; /* its last state line already said final */
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return;
	cJSON_AddStringToObject(o, "event", "state");
	cJSON_AddStringToObject(o, "from", pk_state_name(v.sale->state));
	json_sale(o, v.sale, true);
	p->said_final = true;
	if (!p->ours)
		cJSON_AddBoolToObject(o, "recovered", true);
	json_line(o);
}

static void on_problem(void *ud, const pk_sale *sale, const pk_error *e)
{
	pay_run *p = ud;
	pk_salelog_problem(p->log, sale, e);
	if (p->json) {
		cJSON *o = cJSON_CreateObject();
		if (!o)
			return;
		cJSON_AddStringToObject(o, "event", "problem");
		if (sale)
			cJSON_AddNumberToObject(o, "sale_id", (double)sale->id);
		cJSON_AddStringToObject(o, "kind", pk_err_kind_name(e->kind));
		cJSON_AddStringToObject(o, "message", e->msg);
		json_line(o);
	} else {
		fprintf(stderr, "paykiosk: %s\n", e->msg);
	}
}

/* A message for the caller that is not a state (bad input, giving up). */
static void note(pay_run *p, const char *kind, const char *msg)
{
	if (p->json) {
		cJSON *o = cJSON_CreateObject();
		if (!o)
			return;
		cJSON_AddStringToObject(o, "event", kind);
		cJSON_AddStringToObject(o, "message", msg);
		json_line(o);
	} else {
		fprintf(stderr, "paykiosk: %s\n", msg);
	}
}

/* ---- input ---------------------------------------------------------------- */

/* The ID screen, or an answer a corrected ID can follow. */
static bool wants_txid(const pk_sale *sale)
{
	return sale && sale->method == PK_METHOD_WAVEPAY &&
	       (sale->state == PK_SALE_AWAITING_TXID || sale->state == PK_SALE_NOT_FOUND ||
		sale->state == PK_SALE_REFUSED);
}

/* Training has no customer: for UPI the trainer types what the customer
 * does ("paid" or "failed") where a cashier would press / or -. */
static bool wants_training_outcome(const pay_run *p, const pk_sale *sale)
{
	return p->cfg->training && sale && sale->method == PK_METHOD_UPI &&
	       sale->state == PK_SALE_AWAITING_PAYMENT;
}

static bool wants_input(const pay_run *p, const pk_sale *sale)
{
	return wants_txid(sale) || wants_training_outcome(p, sale);
}

static void submit_line(pay_run *p, const char *text)
{
	pk_flow_view v;
	pk_flow_view_get(p->s.flow, &v);
	if (wants_training_outcome(p, v.sale)) {
		pk_error e;
		if (strcmp(text, "paid") == 0 || strcmp(text, "failed") == 0) {
			if (pk_flow_training_settle(p->s.flow, text[0] == 'p', &e) < 0)
				note(p, "input_error", e.msg);
		} else if (*text) {
			note(p, "input_error", _("Training: type paid or failed"));
		}
		return;
	}
	if (!wants_txid(v.sale) || v.busy)
		return; /* nothing asks for a transaction ID now */
	char key1[PK_KEY1_MAX + 1];
	pk_error err;
	if (!*text) {
		prompt_txid(p);
		return;
	}
	if (pk_key1_normalise(text, key1, sizeof key1, &err) < 0) {
		note(p, "input_error", err.msg);
		prompt_txid(p);
		return;
	}
	if (pk_flow_submit_key1(p->s.flow, key1, &err) < 0) {
		note(p, "input_error", err.msg);
		prompt_txid(p);
	}
}

/* One byte per call: after a complete line the sale is busy and the rest
 * stays in the pipe for the next question. */
static void read_stdin(pay_run *p)
{
	char chunk[1];
	ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		p->stdin_open = false;
		if (p->line_len > 0) { /* a last line without a newline */
			p->line[p->line_len] = '\0';
			p->line_len = 0;
			submit_line(p, p->line);
		}
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		char c = chunk[i];
		if (c == '\n') {
			p->line[p->line_len] = '\0';
			if (p->line_len > 0 && p->line[p->line_len - 1] == '\r')
				p->line[p->line_len - 1] = '\0';
			if (p->line_too_long) {
				note(p, "input_error", _("Transaction ID: digits only"));
				prompt_txid(p);
			} else {
				submit_line(p, p->line);
			}
			p->line_len = 0;
			p->line_too_long = false;
		} else if (p->line_len + 1 < sizeof p->line) {
			p->line[p->line_len++] = c;
		} else {
			p->line_too_long = true;
		}
	}
}

/* ---- the loop ------------------------------------------------------------- */

static bool settled(const pay_run *p, const pk_sale *sale)
{
	if (pk_state_is_final(sale->state))
		return true;
	if (pk_state_in_progress(sale->state))
		return false;
	/* Listed (open): another sale's stays for the kiosk's open sales; ours
	 * waits for a corrected ID while the caller may still send one, and an
	 * activation without a usable answer is sent again (bounded by the
	 * retries and pay_unknown_after). */
	if (p->ours && sale->state == PK_SALE_UNKNOWN)
		return false;
	/* (at the end of the input settle() stops, saying so, the sale open) */
	return !(p->ours && wants_txid(sale));
}

/* A payment could have been made: a QR or a wallet was shown. */
static bool shown(const pk_sale *sale)
{
	return sale->qr_data || sale->identifier[0];
}

static void on_signal(pay_run *p, const pk_sale *sale)
{
	pk_error err;
	p->quit_signals++;
	if (p->quit_signals > 1 || !sale)
		return;
	/* Ended within a few seconds whatever the gateway does. */
	p->stop_by_ms = now_ms() + PAY_STOP_MS;
	if (!shown(sale)) {
		/* Nothing was shown: no payment can have been made. */
		note(p, "interrupted", _("Stopping: the sale is being cancelled"));
		pk_flow_abandon(p->s.flow, &err);
		return;
	}
	note(p, "interrupted", _("Stopping: the sale stays open (the customer may have paid)"));
	if (sale->state == PK_SALE_AWAITING_PAYMENT)
		pk_flow_cancel(p->s.flow, &err); /* asks the status one last time */
	else
		p->quit_signals = 2; /* the journal keeps it open; recovery goes on */
}

/* The controller re-sent the request as often as pay allows and it still
 * has no usable answer: nothing shown -> abandoned (nothing charged); a QR
 * or wallet shown -> stop, the sale open (recovery and re-checks go on). */
static void gave_up(pay_run *p, const pk_flow_view *v)
{
	pk_error err;
	if (!shown(v->sale)) {
		pk_flow_abandon(p->s.flow, &err);
		return;
	}
	note(p, "gave_up",
	     _("The gateway could not be reached; the sale stays open and is "
	       "checked again at the next start"));
	p->quit_signals = 2; /* leave it to recovery */
}

/* Run until the active sale (if any) has settled.  -1: stopped early. */
static int settle(pay_run *p)
{
	for (;;) {
		pk_flow_view v;
		pk_flow_view_get(p->s.flow, &v);
		if (!v.sale || settled(p, v.sale))
			return 0;
		if (p->quit_signals > 1)
			return -1;
		int64_t t = now_ms();
		if (p->stop_by_ms && t >= p->stop_by_ms) {
			note(p, "gave_up", _("Stopped: the sale stays open and is checked again later"));
			return -1;
		}
		/* No usable answer for pay_unknown_after: stop, the sale open.
		 * The clock runs from the first unusable answer until a usable
		 * one clears the error (requests in flight do not reset it). */
		bool unknown = v.last_error->kind != PK_OK || (v.busy && p->unknown_since_ms);
		if (!unknown)
			p->unknown_since_ms = 0;
		else if (!p->unknown_since_ms)
			p->unknown_since_ms = t;
		else if (t - p->unknown_since_ms >= (int64_t)p->cfg->pay_unknown_after * 1000 &&
			 shown(v.sale)) {
			note(p, "gave_up",
			     _("No usable answer from the gateway: the sale stays open (not known "
			       "yet) and is checked again later"));
			return -1;
		}
		if (v.gave_up) {
			gave_up(p, &v);
			if (p->quit_signals > 1)
				return -1;
			continue;
		}
		if (wants_txid(v.sale) && !p->stdin_open && !v.busy && p->ours) {
			/* The wallet was shown: the customer may have paid it.
			 * Only a person closes it (the kiosk's open sales). */
			note(p, "input_error",
			     _("No transaction ID came on the input: the sale stays open"));
			return -1;
		}

		int timeout = 1000; /* (the pump wakes sooner for the flow's timers) */
		/* stdin is read only when a transaction ID is asked for: what a
		 * till writes ahead waits in the pipe until then. */
		bool want_input = p->stdin_open && wants_input(p, v.sale) &&
				  (!v.busy || wants_training_outcome(p, v.sale));
		struct pollfd in = { .fd = want_input ? STDIN_FILENO : -1, .events = POLLIN };
		pk_pump_wake wake;
		pk_error err;
		pk_pump_step(p->s.pump, &in, 1, timeout, &wake, &err);
		for (int i = 0; i < wake.nsignals; i++) {
			pk_flow_view_get(p->s.flow, &v);
			on_signal(p, v.sale);
		}
		if (want_input && (in.revents & (POLLIN | POLLHUP | POLLERR)))
			read_stdin(p);
	}
}

/* The exit status says what the state table says of the money. */
static int exit_for(pk_sale_state st)
{
	switch (pk_state_outcome(st)) {
	case PK_OUTCOME_PAID:
		return PK_PAY_EXIT_PAID;
	case PK_OUTCOME_NOT_PAID:
		return PK_PAY_EXIT_FAILED;
	case PK_OUTCOME_NOTHING:
		return PK_PAY_EXIT_CANCELLED;
	default:
		return PK_PAY_EXIT_UNKNOWN;
	}
}

static void print_receipt(pay_run *p, const pk_sale *sale)
{
	if (!p->cfg->receipt_printer || !*p->cfg->receipt_printer)
		return;
	pk_receipt r;
	pk_error err;
	pk_receipt_info info = { p->cfg->shop_name, p->cfg->label, p->cfg->training,
				 p->cfg->receipt_width };
	if (pk_receipt_build(sale, &info, &r, &err) == 0 &&
	    pk_receipt_print(&r, p->cfg->receipt_printer, &err) == 0) {
		pk_log_event(p->log, PK_LOG_INFO, "receipt", "sale_id=%lld printed=1",
			     (long long)sale->id);
		if (p->json) {
			cJSON *o = cJSON_CreateObject();
			if (o) {
				cJSON_AddStringToObject(o, "event", "receipt");
				cJSON_AddNumberToObject(o, "sale_id", (double)sale->id);
				cJSON_AddBoolToObject(o, "printed", true);
				json_line(o);
			}
		}
	} else {
		note(p, "receipt_error", err.msg);
	}
	pk_receipt_free(&r);
}

static int usage_error(const char *msg)
{
	fprintf(stderr, "paykiosk: %s\n%s\n", msg,
		_("Usage: paykiosk pay upi|wavepay --amount AMOUNT [--label ID] [--json]"));
	return PK_PAY_EXIT_USAGE;
}

int pk_cmd_pay(const pk_config *cfg, bool journal_given, pk_log *log, int argc, char **argv)
{
	pay_run p;
	memset(&p, 0, sizeof p);
	p.cfg = cfg;
	p.log = log;
	const char *amount_text = NULL, *label_text = NULL, *method = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--json") == 0) {
			p.json = true;
		} else if (strcmp(a, "--amount") == 0 || strcmp(a, "--label") == 0) {
			if (i + 1 >= argc)
				return usage_error(_("--amount and --label need a value"));
			if (a[2] == 'a')
				amount_text = argv[++i];
			else
				label_text = argv[++i];
		} else if (strncmp(a, "--amount=", 9) == 0) {
			amount_text = a + 9;
		} else if (strncmp(a, "--label=", 8) == 0) {
			label_text = a + 8;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			printf("%s\n", _("Usage: paykiosk pay upi|wavepay --amount AMOUNT [--label ID] "
					 "[--json]"));
			return 0;
		} else if (a[0] == '-') {
			char msg[256];
			return usage_error(fmt(msg, sizeof msg, _("unknown option '%s'"), a));
		} else if (!method) {
			method = a;
		} else {
			return usage_error(_("Give one payment method: upi or wavepay"));
		}
	}
	if (!method || (strcmp(method, "upi") != 0 && strcmp(method, "wavepay") != 0))
		return usage_error(_("Give one payment method: upi or wavepay"));
	p.method = strcmp(method, "upi") == 0 ? PK_METHOD_UPI : PK_METHOD_WAVEPAY;
	pk_currency cur = p.method == PK_METHOD_UPI ? PK_CUR_INR : PK_CUR_MMK;
	int64_t amount;
	pk_error err;
	if (!amount_text)
		return usage_error(_("--amount is required"));
	if (pk_money_parse(amount_text, cur, &amount, &err) < 0)
		return usage_error(err.msg);
	char label[PK_LABEL_MAX + 1];
	if (pk_label_normalise(label_text ? label_text : cfg->label, label, sizeof label, &err) < 0)
		return usage_error(err.msg);

	/* The session blocks the quit signals (the pump reads them) before
	 * the training sandbox is spawned. */
	int status = PK_PAY_EXIT_RUNTIME;
	if (pk_session_open(&p.s, cfg, journal_given, log, &err) < 0) {
		note(&p, "error", err.msg);
		return err.kind == PK_ERR_CONFIG ? PK_PAY_EXIT_USAGE : PK_PAY_EXIT_RUNTIME;
	}
	if (pk_session_start_hub(&p.s, &err) < 0) {
		note(&p, "error", err.msg);
		pk_session_close(&p.s);
		return err.kind == PK_ERR_CONFIG ? PK_PAY_EXIT_USAGE : PK_PAY_EXIT_RUNTIME;
	}
	if (p.s.recover_err.kind != PK_OK) {
		note(&p, "error", p.s.recover_err.msg);
		goto out;
	}
	pk_flow_observer obs = { on_state, on_problem, &p };
	pk_flow_set_observer(p.s.flow, &obs);
	/* A till has nobody to press Enter: the controller re-sends itself. */
	pk_flow_set_retries(p.s.flow, PAY_RETRIES, PAY_RETRY_GAP_MS);
	p.stdin_open = p.method == PK_METHOD_WAVEPAY || cfg->training;

	/* A sale recovery resumed (a crash mid-sale) is finished first. */
	pk_flow_view v;
	pk_flow_view_get(p.s.flow, &v);
	if (v.sale && !settled(&p, v.sale)) {
		note(&p, "recovering",
		     _("A sale from before a restart is being finished first"));
		if (settle(&p) < 0) {
			status = PK_PAY_EXIT_UNKNOWN; /* stopped: recovery's again */
			emit_stopped(&p);
			goto out;
		}
	}
	pk_flow_close(p.s.flow);

	p.ours = true;
	if ((p.method == PK_METHOD_UPI
		     ? pk_flow_start_upi(p.s.flow, amount, label, pk_i18n_lang(), &err)
		     : pk_flow_start_wavepay(p.s.flow, amount, label, pk_i18n_lang(), &err)) < 0) {
		note(&p, "error", err.msg); /* nothing recorded (PK_FLOW_RECORDED: settle() retries) */
		goto out;
	}
	if (settle(&p) < 0) {
		status = PK_PAY_EXIT_UNKNOWN;
		emit_stopped(&p);
		goto out;
	}
	emit_stopped(&p); /* (only if its last line did not say final) */
	pk_flow_view_get(p.s.flow, &v);
	if (v.sale) {
		status = exit_for(v.sale->state);
		if (v.sale->state == PK_SALE_PAID)
			print_receipt(&p, v.sale);
	}
out:
	pk_flow_set_observer(p.s.flow, NULL);
	pk_session_close(&p.s);
	return status;
}
