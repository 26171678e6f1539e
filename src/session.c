/* session.c - set up and tear down what taking payments needs. */
#include "session.h"

#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"
#include "sale/salelog.h"

int pk_session_open(pk_session *s, const pk_config *cfg, bool journal_given, pk_log *log,
		    pk_error *err)
{
	memset(s, 0, sizeof *s);
	s->training.stdin_fd = s->training.stdout_fd = -1;
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
	pk_pump_close(s->pump);
	pk_flow_free(s->flow);
	gw_client_free(s->gw);
	pk_journal_close(s->journal);
	pk_training_stop(&s->training);
	free(s->journal_path);
	memset(s, 0, sizeof *s);
	s->training.stdin_fd = s->training.stdout_fd = -1;
}
