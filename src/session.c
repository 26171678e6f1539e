/* session.c - set up and tear down what taking payments needs. */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"
#include "sale/salelog.h"

/* On exit, events the hub has not acknowledged yet may still go out for
 * this long (only while it answers; an open long poll is dropped). */
#define HUB_DRAIN_MS 1000

/* A value for a log line: as it is when it is one plain word (a ctid, a
 * transaction id, our own reason words), quoted otherwise (it came from
 * the network). */
static const char *log_word(const char *v, char *buf, size_t len)
{
	bool plain = *v != '\0';
	for (const char *p = v; *p && plain; p++)
		plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' || *p == ':';
	if (plain && strlen(v) < len) {
		memcpy(buf, v, strlen(v) + 1);
		return buf;
	}
	return pk_log_quote(v, buf, len);
}

static void hub_kick(void *ud)
{
	pk_hublink_kick(ud);
}

static void hub_cursor_store(pk_session *s, int64_t news_after)
{
	pk_error err;
	int64_t cur;
	if (pk_journal_hub_cursor_get(s->journal, PK_HUB_NEWS_AFTER, &cur, &err) == 0 &&
	    news_after <= cur)
		return;
	if (pk_journal_hub_cursor_set(s->journal, PK_HUB_NEWS_AFTER, news_after, &err) < 0) {
		char q[PK_ERR_MSG_MAX + 4];
		s->hub_news_failed = true; /* the rest comes again */
		pk_log_event(s->log, PK_LOG_ERR, "hub_news_failed", "news_id=%lld message=%s",
			     (long long)news_after, pk_log_quote(err.msg, q, sizeof q));
	}
}

/* One news item: applied (recorded) first, then news_after is stored.
 * The sale is the one the hub names by its journal id (its ctid may have
 * changed since: a corrected Wavepay ID), by ctid from an older hub. */
static void hub_news(pk_session *s, const pk_hub_news *n)
{
	if (s->hub_news_failed)
		return;
	char ctid[PK_CTID_MAX + 4], txid[sizeof n->transaction_id + 4], q[PK_ERR_MSG_MAX + 4];
	log_word(n->ctid, ctid, sizeof ctid);
	log_word(n->transaction_id, txid, sizeof txid);
	if (strcmp(n->outcome, "paid") != 0) {
		/* Nothing else closes a sale here: a person reads the hub's report. */
		pk_log_event(s->log, PK_LOG_WARNING, "hub_news",
			     "news_id=%lld sale_id=%lld ctid=%s outcome=%s result=ignored",
			     (long long)n->id, (long long)n->sale_id, ctid,
			     log_word(n->outcome, q, sizeof q));
		hub_cursor_store(s, n->id);
		return;
	}
	pk_flow_pb what;
	pk_error err;
	if (pk_flow_postback_paid_sale(s->flow, n->sale_id, n->ctid, n->transaction_id,
				       n->has_amount ? n->amount : -1, n->currency, &what,
				       &err) < 0) {
		s->hub_news_failed = true;
		pk_log_event(s->log, PK_LOG_ERR, "hub_news_failed",
			     "news_id=%lld sale_id=%lld ctid=%s message=%s", (long long)n->id,
			     (long long)n->sale_id, ctid, pk_log_quote(err.msg, q, sizeof q));
		return;
	}
	char amount[32] = "?";
	if (n->has_amount)
		snprintf(amount, sizeof amount, "%lld", (long long)n->amount);
	pk_log_event(s->log, what == PK_FLOW_PB_PAID || what == PK_FLOW_PB_ALREADY_PAID
				     ? PK_LOG_NOTICE
				     : PK_LOG_WARNING,
		     "hub_news", "news_id=%lld sale_id=%lld ctid=%s outcome=paid result=%s "
		     "transaction_id=%s amount_minor=%s currency=%s",
		     (long long)n->id, (long long)n->sale_id, ctid, pk_flow_pb_name(what), txid,
		     amount,
		     log_word(n->currency, q, sizeof q));
	hub_cursor_store(s, n->id);
}

/* The hub link has messages (the pump saw its descriptor). */
static void hub_ready(void *ud)
{
	pk_session *s = ud;
	pk_hub_msg m;
	char q[sizeof m.reason + 4];
	while (s->hub && pk_hublink_take(s->hub, &m)) {
		switch (m.kind) {
		case PK_HUB_MSG_NEWS:
			hub_news(s, &m.news);
			break;
		case PK_HUB_MSG_NEWS_END:
			if (!s->hub_news_failed)
				hub_cursor_store(s, m.value);
			s->hub_news_failed = false;
			pk_hublink_news_done(s->hub);
			break;
		case PK_HUB_MSG_ACKED:
			pk_log_event(s->log, PK_LOG_INFO, "hub_events_acked", "seq=%lld",
				     (long long)m.value);
			break;
		case PK_HUB_MSG_EVENTS_RETRY:
			pk_log_event(s->log, PK_LOG_WARNING, "hub_events_retry", "reason=%s in_ms=%lld",
				     log_word(m.reason, q, sizeof q), (long long)m.value);
			break;
		case PK_HUB_MSG_UP:
			pk_log_event(s->log, PK_LOG_NOTICE, "hub_up", "poll_interval=%d",
				     s->hub_poll_interval);
			pk_flow_set_poll_interval(s->flow, s->hub_poll_interval);
			break;
		case PK_HUB_MSG_DOWN:
			pk_log_event(s->log, PK_LOG_WARNING, "hub_down", "reason=%s poll_interval=%d",
				     log_word(m.reason, q, sizeof q), s->poll_interval);
			pk_flow_set_poll_interval(s->flow, s->poll_interval);
			break;
		}
	}
}

/* The hub link, when one is configured (never in training: no real sale
 * may reach the fleet's books). */
int pk_session_start_hub(pk_session *s, pk_error *err)
{
	const pk_config *cfg = s->cfg;
	if (!cfg->hub_url || s->hub_asked)
		return 0;
	s->hub_asked = true;
	if (cfg->training) {
		pk_log_event(s->log, PK_LOG_NOTICE, "hub_link", "state=off reason=training");
		return 0;
	}
	pk_hublink_options o;
	memset(&o, 0, sizeof o);
	o.url = cfg->hub_url;
	o.token = cfg->hub_token;
	o.journal_path = s->hub_journal;
	if (pk_hublink_start(&s->hub, &o, err) < 0)
		return -1;
	pk_journal_on_change(s->journal, hub_kick, s->hub);
	if (pk_pump_watch(s->pump, pk_hublink_fd(s->hub), hub_ready, s, err) < 0)
		return -1;
	pk_log_event(s->log, PK_LOG_NOTICE, "hub_link", "state=on url=%s poll_interval=%d",
		     cfg->hub_url, s->poll_interval);
	return 0;
}

int pk_session_open(pk_session *s, const pk_config *cfg, bool journal_given, pk_log *log,
		    pk_error *err)
{
	memset(s, 0, sizeof *s);
	s->training.stdin_fd = s->training.stdout_fd = -1;
	s->log = log;
	s->poll_interval = cfg->poll_interval;
	s->hub_poll_interval = cfg->hub_poll_interval;
	pk_error_clear(&s->recover_err);
	if (pk_pump_block_signals(err) < 0)
		return -1;

	const char *api_url = cfg->api_url;
	const char *secret = cfg->secret;
	const char *jpath = cfg->journal;
	if (cfg->training) {
		if (pk_training_start(&s->training, err) < 0)
			goto fail;
		api_url = s->training.url;
		secret = s->training.secret;
		if (!journal_given) {
			s->journal_path = pk_training_journal(cfg->journal);
			if (!s->journal_path) {
				pk_error_set(err, PK_ERR_NOMEM, _("Out of memory"));
				goto fail;
			}
			jpath = s->journal_path;
		}
	}
	pk_log_set_redact(log, secret);
	(void)pk_log_add_redact(log, cfg->hub_token);
	if (pk_journal_open(&s->journal, jpath, err) < 0 || pk_journal_lock(s->journal, err) < 0)
		goto fail;
	gw_options opts;
	memset(&opts, 0, sizeof opts);
	opts.api_url = api_url;
	opts.secret = secret;
	if (gw_client_new(&s->gw, &opts, err) < 0)
		goto fail;
	pk_flow_settings settings = { .poll_interval_s = cfg->poll_interval,
				      .poll_timeout_s = cfg->poll_timeout };
	if (pk_flow_new(&s->flow, s->journal, s->gw, &settings, &pk_clock_system, err) < 0)
		goto fail;
	if (pk_pump_open(&s->pump, s->gw, s->flow, err) < 0)
		goto fail;
	pk_flow_observer obs = pk_salelog_observer(log);
	pk_flow_set_observer(s->flow, &obs);
	pk_log_event(log, PK_LOG_NOTICE, "journal", "path=%s training=%d", jpath,
		     cfg->training ? 1 : 0);
	s->cfg = cfg;
	s->hub_journal = jpath;

	pk_flow_recover(s->flow, &s->recovery, &s->recover_err);
	if (s->recover_err.kind != PK_OK) {
		char q[PK_ERR_MSG_MAX + 4];
		pk_log_event(log, PK_LOG_ERR, "recovery_failed", "message=%s",
			     pk_log_quote(s->recover_err.msg, q, sizeof q));
	} else {
		pk_log_event(log, PK_LOG_NOTICE, "recovery",
			     "resumed=%d abandoned=%d reactivated=%d unconfirmed=%d waiting_id=%d "
			     "unknown=%d",
			     s->recovery.resumed, s->recovery.abandoned, s->recovery.reactivated,
			     s->recovery.unconfirmed, s->recovery.waiting_id, s->recovery.unknown);
	}
	return 0;
fail:
	pk_session_close(s);
	return -1;
}

void pk_session_close(pk_session *s)
{
	if (s->hub) {
		pk_journal_on_change(s->journal, NULL, NULL);
		pk_hublink_stop(s->hub, HUB_DRAIN_MS);
		s->hub = NULL;
	}
	pk_pump_close(s->pump);
	pk_flow_free(s->flow);
	gw_client_free(s->gw);
	pk_journal_close(s->journal);
	pk_training_stop(&s->training);
	free(s->journal_path);
	memset(s, 0, sizeof *s);
	s->training.stdin_fd = s->training.stdout_fd = -1;
}
