/* server.c - the hub's HTTP endpoints and the news listener (server.h). */
#include "hub/server.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "common/i18n.h"
#include "common/log.h"
#include "hub/store.h"

struct pk_hub_server {
	const pk_hub_config *cfg;
	pk_hub_db *db;
	pk_hub_log *log;
	struct MHD_Daemon *daemon;
	char url[128];
	/* news: the listener bumps generation and broadcasts */
	pthread_mutex_t mu;
	pthread_cond_t cond;
	uint64_t generation;
	bool stopping;
	int inflight; /* requests begun and not completed (under mu) */
	int wake[2]; /* a byte here stops the listener's poll */
	pthread_t listener;
	bool listener_started;
};

/* ---- answers ---- */

static enum MHD_Result reply_text(struct MHD_Connection *conn, unsigned status, char *json)
{
	struct MHD_Response *resp =
		json ? MHD_create_response_from_buffer(strlen(json), json, MHD_RESPMEM_MUST_FREE)
		     : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(json);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", "application/json");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	enum MHD_Result r = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return r;
}

static enum MHD_Result reply_json(struct MHD_Connection *conn, unsigned status, cJSON *o)
{
	char *json = o ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	if (!json)
		return MHD_NO;
	return reply_text(conn, status, json);
}

static enum MHD_Result reply_status(struct MHD_Connection *conn, unsigned status,
				    const char *message)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", status == MHD_HTTP_OK ? "ok" : "error");
	if (message)
		cJSON_AddStringToObject(o, "message", message);
	return reply_json(conn, status, o);
}

static enum MHD_Result reply_unavailable(pk_hub_server *s, struct MHD_Connection *conn,
					 const char *what, const pk_error *err)
{
	char q[PK_ERR_MSG_MAX + 8];
	pk_hub_log_event(s->log, PK_HUB_ERR, "database", "during=%s kind=%s error=%s", what,
			 pk_err_kind_name(err->kind), pk_log_quote(err->msg, q, sizeof q));
	return reply_status(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "database unavailable");
}

/* ---- one request ---- */

typedef struct req_ctx {
	char *body;
	size_t len;
	bool too_big;
} req_ctx;

/* The kiosk of the request's bearer token: >0, 0 (answered 401) or -1
 * (answered 503). */
static int64_t authenticate(pk_hub_server *s, struct MHD_Connection *conn,
			    enum MHD_Result *answered)
{
	const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_AUTHORIZATION);
	const char *token = NULL;
	if (h && strncasecmp(h, "Bearer ", 7) == 0) {
		token = h + 7;
		while (*token == ' ')
			token++;
	}
	int64_t kiosk = 0;
	pk_error err = { 0 };
	if (token && *token && pk_hub_kiosk_by_token(s->db, token, &kiosk, &err) < 0) {
		*answered = reply_unavailable(s, conn, "token", &err);
		return -1;
	}
	if (kiosk <= 0) {
		*answered = reply_status(conn, MHD_HTTP_UNAUTHORIZED, "token");
		return 0;
	}
	return kiosk;
}

static void results_text(const pk_hub_postback_result *r, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int i = 0; i < PK_RESULT__COUNT; i++) {
		if (!r->results[i])
			continue;
		int n = snprintf(buf + o, len - o, "%s%s:%d", o ? "," : "",
				 pk_hub_result_name((pk_hub_result)i), r->results[i]);
		if (n < 0 || (size_t)n >= len - o)
			break;
		o += (size_t)n;
	}
	if (!o)
		snprintf(buf, len, "-");
}

static enum MHD_Result on_postback(pk_hub_server *s, struct MHD_Connection *conn,
				   const req_ctx *rq)
{
	pk_hub_postback_result res;
	pk_error err = { 0 };
	if (pk_hub_store_postback(s->db, s->cfg, rq->body, rq->len, &res, &err) < 0)
		return reply_unavailable(s, conn, "postback", &err);
	char match[256], problem[PK_ERR_MSG_MAX + 8];
	results_text(&res, match, sizeof match);
	pk_log_quote(res.problem, problem, sizeof problem);
	pk_hub_log_event(s->log, res.trust == PK_TRUST_TRUSTED ? PK_HUB_INFO : PK_HUB_ERR,
			 "postback",
			 "id=%" PRId64 " trust=%s repeat=%s times_seen=%" PRId64
			 " transactions=%d match=%s%s%s",
			 res.id, pk_hub_trust_name(res.trust), res.repeat ? "yes" : "no",
			 res.times_seen, res.ntx, match, res.problem[0] ? " problem=" : "",
			 res.problem[0] ? problem : "");
	switch (res.trust) {
	case PK_TRUST_TRUSTED:
		return reply_status(conn, MHD_HTTP_OK, NULL);
	case PK_TRUST_UNTRUSTED:
		return reply_status(conn, MHD_HTTP_FORBIDDEN, "signature");
	case PK_TRUST_UNREADABLE:
	default:
		return reply_status(conn, MHD_HTTP_BAD_REQUEST, "unreadable");
	}
}

static enum MHD_Result on_events(pk_hub_server *s, struct MHD_Connection *conn,
				 const req_ctx *rq)
{
	enum MHD_Result answered = MHD_NO;
	int64_t kiosk = authenticate(s, conn, &answered);
	if (kiosk <= 0)
		return answered;
	pk_hub_event *events = NULL;
	size_t n = 0;
	pk_error err = { 0 };
	if (pk_hub_events_parse(rq->body ? rq->body : "", rq->len, &events, &n, &err) < 0) {
		char q[PK_ERR_MSG_MAX + 8];
		pk_hub_log_event(s->log, PK_HUB_WARN, "events_refused", "kiosk=%" PRId64 " error=%s",
				 kiosk, pk_log_quote(err.msg, q, sizeof q));
		return reply_status(conn, MHD_HTTP_BAD_REQUEST, err.msg);
	}
	int64_t acked = 0;
	int rc = pk_hub_store_events(s->db, s->cfg, kiosk, events, n, &acked, &err);
	free(events);
	if (rc < 0)
		return reply_unavailable(s, conn, "events", &err);
	pk_hub_log_event(s->log, PK_HUB_INFO, "events", "kiosk=%" PRId64 " events=%zu acked=%" PRId64,
			 kiosk, n, acked);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "acked", (double)acked);
	return reply_json(conn, MHD_HTTP_OK, o);
}

/* A query argument: absent -> def; digits only, at most 15. */
static int arg_int(struct MHD_Connection *conn, const char *name, int64_t def, int64_t *out)
{
	const char *v = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
	if (!v) {
		*out = def;
		return 0;
	}
	size_t len = strlen(v);
	if (len == 0 || len > 15 || strspn(v, "0123456789") != len)
		return -1;
	*out = strtoll(v, NULL, 10);
	return 0;
}

static uint64_t generation_now(pk_hub_server *s)
{
	pthread_mutex_lock(&s->mu);
	uint64_t g = s->generation;
	pthread_mutex_unlock(&s->mu);
	return g;
}

/* Until news may have come (another generation), the deadline, or the
 * stop.  False once the deadline passed or the server stops. */
static bool wait_news(pk_hub_server *s, uint64_t seen, const struct timespec *deadline)
{
	pthread_mutex_lock(&s->mu);
	int rc = 0;
	while (!s->stopping && s->generation == seen && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&s->cond, &s->mu, deadline);
	bool again = !s->stopping && rc != ETIMEDOUT;
	pthread_mutex_unlock(&s->mu);
	return again;
}

static enum MHD_Result on_news(pk_hub_server *s, struct MHD_Connection *conn)
{
	enum MHD_Result answered = MHD_NO;
	int64_t kiosk = authenticate(s, conn, &answered);
	if (kiosk <= 0)
		return answered;
	int64_t after, wait;
	if (arg_int(conn, "after", 0, &after) < 0 || arg_int(conn, "wait", 0, &wait) < 0)
		return reply_status(conn, MHD_HTTP_BAD_REQUEST,
				    "after and wait must be whole numbers");
	if (wait > s->cfg->long_poll_max)
		wait = s->cfg->long_poll_max;
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += (time_t)wait;

	pk_hub_news *news = calloc(PK_HUB_NEWS_BATCH, sizeof *news);
	if (!news)
		return MHD_NO;
	size_t n = 0;
	for (;;) {
		uint64_t seen = generation_now(s); /* before the query: no wake-up is lost */
		pk_error err = { 0 };
		if (pk_hub_news_after(s->db, kiosk, after, news, &n, &err) < 0) {
			free(news);
			return reply_unavailable(s, conn, "news", &err);
		}
		if (n > 0 || !wait_news(s, seen, &deadline))
			break;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "news");
	int64_t next = after;
	for (size_t i = 0; i < n; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "id", (double)news[i].id);
		cJSON_AddNumberToObject(e, "sale_id", (double)news[i].sale_id);
		cJSON_AddStringToObject(e, "ctid", news[i].ctid);
		cJSON_AddStringToObject(e, "order_id", news[i].order_id);
		cJSON_AddStringToObject(e, "outcome", news[i].outcome);
		cJSON_AddNumberToObject(e, "amount", (double)news[i].amount);
		cJSON_AddStringToObject(e, "currency", news[i].currency);
		cJSON_AddStringToObject(e, "transaction_id", news[i].transaction_id);
		cJSON_AddNumberToObject(e, "at", (double)news[i].at);
		cJSON_AddItemToArray(arr, e);
		next = news[i].id;
	}
	cJSON_AddNumberToObject(o, "next", (double)next);
	free(news);
	return reply_json(conn, MHD_HTTP_OK, o);
}

static enum MHD_Result on_health(pk_hub_server *s, struct MHD_Connection *conn)
{
	pk_error err = { 0 };
	if (pk_hub_ping(s->db, &err) < 0)
		return reply_unavailable(s, conn, "healthz", &err);
	return reply_status(conn, MHD_HTTP_OK, NULL);
}

/* The routes: path, method, handler. */
enum route { R_POSTBACK, R_EVENTS, R_NEWS, R_HEALTH, R__COUNT };
static const struct {
	const char *path, *method;
} routes[R__COUNT] = {
	[R_POSTBACK] = { "/paykassma/postback", MHD_HTTP_METHOD_POST },
	[R_EVENTS] = { "/kiosk/events", MHD_HTTP_METHOD_POST },
	[R_NEWS] = { "/kiosk/news", MHD_HTTP_METHOD_GET },
	[R_HEALTH] = { "/healthz", MHD_HTTP_METHOD_GET },
};

static enum MHD_Result dispatch(pk_hub_server *s, struct MHD_Connection *conn, const char *url,
				const char *method, const req_ctx *rq)
{
	int r;
	for (r = 0; r < R__COUNT && strcmp(url, routes[r].path) != 0; r++)
		;
	if (r == R__COUNT)
		return reply_status(conn, MHD_HTTP_NOT_FOUND, "not found");
	if (strcmp(method, routes[r].method) != 0) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "status", "error");
		cJSON_AddStringToObject(o, "message", "method not allowed");
		char *json = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
		struct MHD_Response *resp =
			json ? MHD_create_response_from_buffer(strlen(json), json,
							       MHD_RESPMEM_MUST_FREE)
			     : NULL;
		if (!resp) {
			free(json);
			return MHD_NO;
		}
		MHD_add_response_header(resp, "Content-Type", "application/json");
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, routes[r].method);
		enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_METHOD_NOT_ALLOWED, resp);
		MHD_destroy_response(resp);
		return ret;
	}
	if (rq->too_big)
		return reply_status(conn, MHD_HTTP_CONTENT_TOO_LARGE, "body too large");
	switch ((enum route)r) {
	case R_POSTBACK:
		return on_postback(s, conn, rq);
	case R_EVENTS:
		return on_events(s, conn, rq);
	case R_NEWS:
		return on_news(s, conn);
	case R_HEALTH:
	default:
		return on_health(s, conn);
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	(void)version;
	pk_hub_server *s = cls;
	req_ctx *rq = *con_cls;
	if (!rq) {
		rq = calloc(1, sizeof *rq);
		if (!rq)
			return MHD_NO;
		*con_cls = rq;
		pthread_mutex_lock(&s->mu);
		s->inflight++;
		pthread_mutex_unlock(&s->mu);
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > PK_HUB_BODY_MAX) {
			rq->too_big = true;
			/* answered before the body is read: the connection closes after */
			return reply_status(conn, MHD_HTTP_CONTENT_TOO_LARGE, "body too large");
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (!rq->too_big && rq->len + *upload_size <= PK_HUB_BODY_MAX) {
			char *p = realloc(rq->body, rq->len + *upload_size + 1);
			if (!p)
				return MHD_NO;
			memcpy(p + rq->len, upload, *upload_size);
			rq->body = p;
			rq->len += *upload_size;
			rq->body[rq->len] = '\0';
		} else {
			rq->too_big = true;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	return dispatch(s, conn, url, method, rq);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)conn;
	(void)toe;
	pk_hub_server *s = cls;
	req_ctx *rq = *con_cls;
	if (rq) {
		free(rq->body);
		free(rq);
		*con_cls = NULL;
		pthread_mutex_lock(&s->mu);
		s->inflight--;
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->mu);
	}
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	pk_hub_server *s = cls;
	char msg[512], q[600];
	vsnprintf(msg, sizeof msg, fmt, ap);
	pk_hub_log_event(s->log, PK_HUB_WARN, "http", "message=%s",
			 pk_log_quote(msg, q, sizeof q));
}

/* ---- the news listener ---- */

static void wake_waiters(pk_hub_server *s)
{
	pthread_mutex_lock(&s->mu);
	s->generation++;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->mu);
}

static bool stopping(pk_hub_server *s)
{
	pthread_mutex_lock(&s->mu);
	bool st = s->stopping;
	pthread_mutex_unlock(&s->mu);
	return st;
}

/* Wait for fd to be readable (or -1: only the stop), up to ms.  False when
 * stopping. */
static bool listener_poll(pk_hub_server *s, int fd, int ms, bool *readable)
{
	struct pollfd p[2] = { { .fd = s->wake[0], .events = POLLIN },
			       { .fd = fd, .events = POLLIN } };
	*readable = false;
	int n = poll(p, 2, ms);
	if (n < 0 && errno != EINTR)
		return false;
	if (n > 0 && p[0].revents)
		return false;
	*readable = n > 0 && p[1].revents;
	return !stopping(s);
}

static void *listener_main(void *arg)
{
	pk_hub_server *s = arg;
	PGconn *c = NULL;
	bool down_logged = false;
	while (!stopping(s)) {
		bool readable;
		if (!c) {
			pk_error err = { 0 };
			c = pk_hub_connect(s->cfg->database, PK_HUB_STATEMENT_TIMEOUT_MS, &err);
			if (c && pk_hub_cmd(c, &err, "LISTEN pk_news", 0, NULL) < 0) {
				PQfinish(c);
				c = NULL;
			}
			if (!c) {
				if (!down_logged) {
					char q[PK_ERR_MSG_MAX + 8];
					pk_hub_log_event(s->log, PK_HUB_ERR, "news_listener",
							 "state=down error=%s",
							 pk_log_quote(err.msg, q, sizeof q));
					down_logged = true;
				}
				if (!listener_poll(s, -1, 1000, &readable))
					break;
				continue;
			}
			if (down_logged)
				pk_hub_log_event(s->log, PK_HUB_INFO, "news_listener", "state=up");
			down_logged = false;
			wake_waiters(s); /* news may have come while nobody listened */
		}
		if (!listener_poll(s, PQsocket(c), 30000, &readable))
			break;
		bool ok = true;
		if (readable) {
			ok = PQconsumeInput(c) == 1;
		} else { /* quiet for a while: is the server still there? */
			pk_error err;
			ok = pk_hub_cmd(c, &err, "SELECT 1", 0, NULL) == 0;
		}
		bool news = false;
		PGnotify *n;
		while (ok && (n = PQnotifies(c)) != NULL) {
			news = true;
			PQfreemem(n);
		}
		if (news)
			wake_waiters(s);
		if (!ok || PQstatus(c) != CONNECTION_OK) {
			PQfinish(c);
			c = NULL;
		}
	}
	if (c)
		PQfinish(c);
	return NULL;
}

/* ---- start and stop ---- */

static int bind_address(const pk_hub_listen *l, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (l->v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)l->port);
		return inet_pton(AF_INET6, l->host, &a->sin6_addr) == 1 ? 0 : -1;
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)l->port);
	return inet_pton(AF_INET, l->host, &a->sin_addr) == 1 ? 0 : -1;
}

int pk_hub_server_start(pk_hub_server **out, const pk_hub_config *cfg, pk_hub_db *db,
			pk_hub_log *log, const char *tls_pem_cert, const char *tls_pem_key,
			pk_error *err)
{
	*out = NULL;
	bool tls = tls_pem_cert && tls_pem_key;
	if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return pk_error_set(err, PK_ERR_CONFIG, "%s",
				    _("This libmicrohttpd has no TLS support"));
	pk_hub_server *s = calloc(1, sizeof *s);
	if (!s)
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	s->cfg = cfg;
	s->db = db;
	s->log = log;
	s->wake[0] = s->wake[1] = -1;
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pipe(s->wake) < 0 || fcntl(s->wake[0], F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(s->wake[1], F_SETFD, FD_CLOEXEC) < 0) {
		pk_hub_server_stop(s);
		return pk_error_set(err, PK_ERR_IO, "pipe: %s", strerror(errno));
	}
	if (pthread_create(&s->listener, NULL, listener_main, s) != 0) {
		pk_hub_server_stop(s);
		return pk_error_set(err, PK_ERR_IO, "%s", _("cannot start a thread"));
	}
	s->listener_started = true;

	struct sockaddr_storage ss;
	bind_address(&cfg->listen, &ss);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
			 MHD_USE_ITC | MHD_USE_ERROR_LOG;
	if (cfg->listen.v6)
		flags |= MHD_USE_IPv6;
	if (tls)
		flags |= MHD_USE_TLS;
	unsigned timeout = (unsigned)cfg->long_poll_max + 60;
	struct MHD_OptionItem opts[] = {
		{ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, s }, /* first: all messages */
		{ MHD_OPTION_SOCK_ADDR, 0, &ss },
		{ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, s },
		{ MHD_OPTION_CONNECTION_TIMEOUT, timeout, NULL },
		{ MHD_OPTION_CONNECTION_LIMIT, 1000, NULL },
		{ tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, (void *)tls_pem_cert },
		{ tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, (void *)tls_pem_key },
		{ MHD_OPTION_END, 0, NULL },
	};
	s->daemon = MHD_start_daemon(flags, (uint16_t)cfg->listen.port, NULL, NULL, on_request, s,
				     MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (!s->daemon) {
		int e = errno;
		pk_hub_server_stop(s);
		/* TRANSLATORS: ADDRESS: system error text */
		return pk_error_set(err, PK_ERR_IO, _("cannot listen on %s: %s"), cfg->listen_text,
				    e ? strerror(e) : _("the TLS certificate or key is not usable"));
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	int port = info ? info->port : cfg->listen.port;
	snprintf(s->url, sizeof s->url, cfg->listen.v6 ? "%s://[%s]:%d" : "%s://%s:%d",
		 tls ? "https" : "http", cfg->listen.host, port);
	*out = s;
	return 0;
}

const char *pk_hub_server_url(const pk_hub_server *s)
{
	return s->url;
}

void pk_hub_server_stop(pk_hub_server *s)
{
	if (!s)
		return;
	/* No new connections; the long polls answer at once (no news); the
	 * requests under way get (a bounded) time to send their answers. */
	MHD_socket listen_fd = s->daemon ? MHD_quiesce_daemon(s->daemon) : MHD_INVALID_SOCKET;
	if (listen_fd != MHD_INVALID_SOCKET)
		close(listen_fd); /* ours once quiesced */
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += PK_HUB_STATEMENT_TIMEOUT_MS / 1000 + 1;
	pthread_mutex_lock(&s->mu);
	s->stopping = true;
	pthread_cond_broadcast(&s->cond);
	while (s->daemon && s->inflight > 0 &&
	       pthread_cond_timedwait(&s->cond, &s->mu, &deadline) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&s->mu);
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	if (s->wake[1] >= 0) {
		ssize_t w = write(s->wake[1], "x", 1);
		(void)w;
	}
	if (s->listener_started)
		pthread_join(s->listener, NULL);
	if (s->wake[0] >= 0)
		close(s->wake[0]);
	if (s->wake[1] >= 0)
		close(s->wake[1]);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
