/* sandbox_http.c - the HTTP side of the sandbox (libmicrohttpd, one thread
 * per connection so a "hang" fault blocks only its own connection):
 * collects bodies up to a cap, hands each request to sb_handle, sends the
 * reply, and plays the transports sb_handle asks for (hang for a while,
 * trickle, reset). */
#include "sandbox/sandbox_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

typedef struct req_ctx {
	char *body;
	size_t len;
	bool too_big;
} req_ctx;

typedef struct trickle {
	sb_state *st;
	char *body;
	size_t len;
} trickle;

static ssize_t trickle_read(void *cls, uint64_t pos, char *out, size_t max)
{
	trickle *t = cls;
	if (pos >= t->len)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (sb_wait_or_stop(t->st, 1000))
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if (max < 1)
		return 0;
	out[0] = t->body[pos];
	return 1;
}

static void trickle_free(void *cls)
{
	trickle *t = cls;
	free(t->body);
	free(t);
}

static void log_request(sb_state *st, const char *method, const char *path,
			const sb_reply *r)
{
	if (!st->log)
		return;
	char when[32];
	sb_log_stamp(when, sizeof when);
	pthread_mutex_lock(&st->mu);
	/* the path only: the query holds the secret; ctid stays last */
	char fault[48] = "", answer[32] = "";
	if (r->fault != SB_FAULT_NONE)
		snprintf(fault, sizeof fault, " fault=%s", sb_fault_name(r->fault));
	if (r->answer[0]) /* a UPI status sent: what it said */
		snprintf(answer, sizeof answer, " answer=%s", r->answer);
	fprintf(st->log, "%s %s %s %u call=%s order=%s%s%s ctid=%s\n", when, method, path,
		r->status, sb_call_name(r->call), r->order_id[0] ? r->order_id : "-", fault, answer,
		r->ctid[0] ? r->ctid : "-");
	fflush(st->log);
	pthread_mutex_unlock(&st->mu);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload, size_t *upload_size, void **con_cls)
{
	(void)version;
	sb_state *st = cls;
	req_ctx *ctx = *con_cls;
	if (!ctx) {
		ctx = calloc(1, sizeof *ctx);
		if (!ctx)
			return MHD_NO;
		*con_cls = ctx;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!ctx->too_big && ctx->len + *upload_size <= SB_BODY_MAX) {
			char *p = realloc(ctx->body, ctx->len + *upload_size + 1);
			if (!p)
				return MHD_NO;
			memcpy(p + ctx->len, upload, *upload_size);
			ctx->body = p;
			ctx->len += *upload_size;
			ctx->body[ctx->len] = '\0';
		} else {
			ctx->too_big = true;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (st->opt.delay_ms > 0 && sb_wait_or_stop(st, st->opt.delay_ms))
		return MHD_NO;
	const char *secret = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "secret");
	sb_reply r;
	sb_handle(st, method, url, secret, ctx->body, ctx->too_big ? SB_BODY_MAX + 1 : ctx->len,
		  &r);
	log_request(st, method, url, &r);
	if (r.transport == SB_HANG || r.transport == SB_RESET) {
		/* returning MHD_NO closes the connection without an answer */
		if (r.transport == SB_HANG)
			sb_wait_or_stop(st, r.hang_ms > 0 ? r.hang_ms : 600000);
		sb_reply_free(&r);
		return MHD_NO;
	}
	struct MHD_Response *resp;
	if (r.transport == SB_TRICKLE) {
		trickle *t = malloc(sizeof *t);
		if (!t) {
			sb_reply_free(&r);
			return MHD_NO;
		}
		*t = (trickle){ .st = st, .body = r.body, .len = r.len };
		r.body = NULL;
		resp = MHD_create_response_from_callback(t->len, 1, trickle_read, t, trickle_free);
	} else if (r.body) {
		resp = MHD_create_response_from_buffer(r.len, r.body, MHD_RESPMEM_MUST_FREE);
		r.body = NULL;
	} else {
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	sb_reply_free(&r);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type",
				r.content_type ? r.content_type : "application/json");
	enum MHD_Result ret = MHD_queue_response(conn, r.status ? r.status : 500, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	req_ctx *ctx = *con_cls;
	if (ctx) {
		free(ctx->body);
		free(ctx);
		*con_cls = NULL;
	}
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_ctx,
			  enum MHD_ConnectionNotificationCode toe)
{
	(void)conn;
	(void)socket_ctx;
	sb_state *st = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		pthread_mutex_lock(&st->mu);
		st->connections++;
		pthread_mutex_unlock(&st->mu);
	}
}

struct MHD_Daemon *sb_http_start(sb_state *st, const char *listen, int port, char *url,
				 size_t url_len)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
	bool v6 = strchr(listen, ':') != NULL;
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, listen, &a->sin6_addr) != 1)
			return NULL;
		flags |= MHD_USE_IPv6;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, listen, &a->sin_addr) != 1)
			return NULL;
	}
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, (uint16_t)port, NULL, NULL, on_request, st, MHD_OPTION_SOCK_ADDR, &ss,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_NOTIFY_CONNECTION,
		on_connection, st, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)500, MHD_OPTION_END);
	if (!d)
		return NULL;
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	int bound = info ? info->port : port;
	if (v6)
		snprintf(url, url_len, "http://[%s]:%d", listen, bound);
	else
		snprintf(url, url_len, "http://%s:%d", listen, bound);
	return d;
}
