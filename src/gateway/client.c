/* client.c - the asynchronous gateway client: one CURLM, one easy handle per
 * request, driven by the caller's loop (gw_client_wait + gw_client_process).
 *
 * The secret lives only in the request URLs we hand to curl.  Error
 * messages are built here from our own words and the host name; curl's
 * error buffer is never used (its text can contain the URL and so the
 * secret).  curl_global_init() is the caller's job (the network module's
 * loader in the kiosk, src/net.h; main or test setup elsewhere). */
#include "gateway/gateway.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/i18n.h"

#define GW_EXTRA_FDS_MAX 16
#define GW_HOST_MAX 256

typedef struct gw_req {
	struct gw_req *next;
	gw_req_id id;
	gw_call call;
	CURL *easy;
	char *url;  /* holds the secret: wiped on free */
	char *body; /* request JSON */
	char *resp; /* answer bytes so far */
	size_t resp_len, resp_cap;
	bool too_large;
	bool completed; /* curl is done with it; callback pending */
	CURLcode code;
	gw_done_fn done;
	void *ud;
} gw_req;

struct gw_client {
	CURLM *multi;
	char *base;     /* api_url without trailing '/' */
	char *secret_q; /* the secret, URL-escaped: wiped on free */
	char host[GW_HOST_MAX];
	bool loopback;
	long connect_timeout_ms;
	long total_timeout_ms;
	char *ca_file;
	struct curl_slist *headers;
	gw_req *reqs;
	gw_req_id next_id;
	long connections;
};

/* ---- small helpers ----------------------------------------------------- */

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s);
	char *d = malloc(n + 1);
	if (d)
		memcpy(d, s, n + 1);
	return d;
}

static int nomem(pk_error *err)
{
	return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
}

static int is_loopback_host(const char *h)
{
	return strcasecmp(h, "localhost") == 0 || strcmp(h, "::1") == 0 ||
	       strcmp(h, "[::1]") == 0 || strncmp(h, "127.", 4) == 0;
}

/* Check and take apart the base URL: http(s) only, http only to loopback,
 * no query/fragment (the path and ?secret= are appended). */
static int parse_base(gw_client *c, const char *api_url, pk_error *err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *query = NULL, *frag = NULL;
	int rc = -1;
	if (!u)
		return nomem(err);
	if (curl_url_set(u, CURLUPART_URL, api_url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host || !*host) {
		pk_error_set(err, PK_ERR_CONFIG, "%s",
			     _("The gateway address is not a valid URL"));
		goto out;
	}
	curl_url_get(u, CURLUPART_QUERY, &query, 0);
	curl_url_get(u, CURLUPART_FRAGMENT, &frag, 0);
	if (query || frag) {
		pk_error_set(err, PK_ERR_CONFIG, "%s",
			     _("The gateway address must not contain '?' or '#'"));
		goto out;
	}
	if (strlen(host) >= sizeof c->host) {
		pk_error_set(err, PK_ERR_CONFIG, "%s",
			     _("The gateway address is not a valid URL"));
		goto out;
	}
	strcpy(c->host, host);
	c->loopback = is_loopback_host(host);
	if (strcasecmp(scheme, "https") != 0 && !(strcasecmp(scheme, "http") == 0 && c->loopback)) {
		pk_error_set(err, PK_ERR_CONFIG, "%s",
			     _("The gateway address must start with https:// "
			       "(http:// only for this computer)"));
		goto out;
	}
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(query);
	curl_free(frag);
	curl_url_cleanup(u);
	return rc;
}

/* ---- client ------------------------------------------------------------ */

int gw_client_new(gw_client **out, const gw_options *opts, pk_error *err)
{
	pk_error_clear(err);
	if (!out)
		return pk_error_set(err, PK_ERR_INVALID, "%s", _("Internal error"));
	*out = NULL;
	if (!opts || !opts->api_url || !*opts->api_url)
		return pk_error_set(err, PK_ERR_CONFIG, "%s", _("No gateway address is set"));
	if (!opts->secret || !*opts->secret)
		return pk_error_set(err, PK_ERR_CONFIG, "%s", _("No gateway secret is set"));

	gw_client *c = calloc(1, sizeof *c);
	if (!c)
		return nomem(err);
	c->next_id = 1;
	c->connect_timeout_ms = opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms : 5000;
	c->total_timeout_ms = opts->total_timeout_ms > 0 ? opts->total_timeout_ms : 20000;
	if (parse_base(c, opts->api_url, err) < 0)
		goto fail;

	c->base = dup_str(opts->api_url);
	if (!c->base)
		goto fail_nomem;
	size_t n = strlen(c->base);
	while (n > 0 && c->base[n - 1] == '/')
		c->base[--n] = '\0';

	CURL *tmp = curl_easy_init();
	char *esc = tmp ? curl_easy_escape(tmp, opts->secret, 0) : NULL;
	if (esc) {
		c->secret_q = dup_str(esc);
		explicit_bzero(esc, strlen(esc));
		curl_free(esc);
	}
	if (tmp)
		curl_easy_cleanup(tmp);
	if (!c->secret_q)
		goto fail_nomem;

	if (opts->ca_file && !(c->ca_file = dup_str(opts->ca_file)))
		goto fail_nomem;

	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	if (h)
		c->headers = h;
	if (!h || !(h = curl_slist_append(c->headers, "Accept: application/json")) ||
	    !(h = curl_slist_append(c->headers, "Expect:")))
		goto fail_nomem;

	c->multi = curl_multi_init();
	if (!c->multi)
		goto fail_nomem;
	*out = c;
	return 0;

fail_nomem:
	nomem(err);
fail:
	gw_client_free(c);
	return -1;
}

static void req_free(gw_req *r)
{
	if (!r)
		return;
	if (r->easy)
		curl_easy_cleanup(r->easy);
	wipe_free(r->url);
	free(r->body);
	free(r->resp);
	free(r);
}

/* Take r out of the list and out of the multi, then free it. */
static void req_drop(gw_client *c, gw_req *r)
{
	for (gw_req **pp = &c->reqs; *pp; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	}
	if (r->easy && !r->completed)
		curl_multi_remove_handle(c->multi, r->easy);
	req_free(r);
}

void gw_client_free(gw_client *c)
{
	if (!c)
		return;
	while (c->reqs)
		req_drop(c, c->reqs);
	if (c->multi)
		curl_multi_cleanup(c->multi);
	curl_slist_free_all(c->headers);
	free(c->base);
	wipe_free(c->secret_q);
	free(c->ca_file);
	free(c);
}

int gw_client_busy(const gw_client *c)
{
	int n = 0;
	if (!c)
		return 0;
	for (const gw_req *r = c->reqs; r; r = r->next)
		n++;
	return n;
}

long gw_client_connections(const gw_client *c)
{
	return c ? c->connections : 0;
}

/* ---- starting a request ------------------------------------------------ */

static size_t on_write(char *data, size_t size, size_t nmemb, void *ud)
{
	gw_req *r = ud;
	size_t n = size * nmemb;
	if (n > GW_BODY_MAX || r->resp_len + n > GW_BODY_MAX) {
		r->too_large = true;
		return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
	}
	if (r->resp_len + n + 1 > r->resp_cap) {
		size_t cap = r->resp_cap ? r->resp_cap : 4096;
		while (cap < r->resp_len + n + 1)
			cap *= 2;
		char *p = realloc(r->resp, cap);
		if (!p)
			return 0;
		r->resp = p;
		r->resp_cap = cap;
	}
	memcpy(r->resp + r->resp_len, data, n);
	r->resp_len += n;
	r->resp[r->resp_len] = '\0';
	return n;
}

/* Calls that create or move money: sent at most once per gw_* call. */
static bool call_not_idempotent(gw_call call)
{
	return call == GW_UPI_CREATE || call == GW_WAVEPAY_CREATE || call == GW_WAVEPAY_ACTIVATE;
}

static int setup_easy(gw_client *c, gw_req *r)
{
	CURL *e = r->easy;
	int bad = 0;
#define SET(opt, val) bad |= curl_easy_setopt(e, opt, val) != CURLE_OK
	SET(CURLOPT_URL, r->url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_POST, 1L);
	SET(CURLOPT_POSTFIELDS, r->body);
	SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(r->body));
	SET(CURLOPT_HTTPHEADER, c->headers);
	SET(CURLOPT_USERAGENT, "paykiosk/" PK_VERSION);
	SET(CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
	SET(CURLOPT_TIMEOUT_MS, c->total_timeout_ms);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)GW_BODY_MAX);
	SET(CURLOPT_WRITEFUNCTION, on_write);
	SET(CURLOPT_WRITEDATA, r);
	SET(CURLOPT_PRIVATE, r);
	if (c->ca_file)
		SET(CURLOPT_CAINFO, c->ca_file);
	if (c->loopback)
		SET(CURLOPT_NOPROXY, "*"); /* the sandbox is on this machine */
	if (call_not_idempotent(r->call)) {
		/* The program, not libcurl, decides every re-send of these.
		 * libcurl silently re-sends a request whose reused (kept-alive)
		 * connection turns out dead before any answer byte ("Connection
		 * died, retrying a fresh connect"), which the server may have
		 * acted on already.  A fresh connection is never a reused one, and
		 * it is closed after the transfer so no later request rides on it.
		 * HTTP/1.1: the other silent re-send (an HTTP/2 REFUSED_STREAM)
		 * and multiplexing other requests onto this connection cannot
		 * happen.  Redirects are not followed (above), "Expect:" is off
		 * (no 417 re-send), and no HTTP auth is set (no 401 round). */
		SET(CURLOPT_FRESH_CONNECT, 1L);
		SET(CURLOPT_FORBID_REUSE, 1L);
		SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
#if LIBCURL_VERSION_NUM >= 0x081000
		SET(CURLOPT_FORBID_RETRY_ON_REUSE, 1L); /* 8.16+: belt and braces */
#endif
	}
#undef SET
	return bad ? -1 : 0;
}

gw_req_id gw_send(gw_client *c, gw_call call, char *body, gw_done_fn done, void *ud,
		  pk_error *err)
{
	pk_error_clear(err);
	if (!c || !done) {
		free(body);
		pk_error_set(err, PK_ERR_INVALID, "%s", _("Internal error"));
		return 0;
	}
	if (!body) {
		pk_error_set(err, PK_ERR_INVALID, "%s",
			     _("The payment details are not valid for the gateway"));
		return 0;
	}
	gw_req *r = calloc(1, sizeof *r);
	const char *path = gw_call_path(call);
	if (!r || !path)
		goto nomem;
	r->body = body;
	body = NULL;
	r->call = call;
	r->done = done;
	r->ud = ud;
	size_t len = strlen(c->base) + strlen(path) + strlen("?secret=") + strlen(c->secret_q) + 1;
	r->url = malloc(len);
	if (!r->url)
		goto nomem;
	snprintf(r->url, len, "%s%s?secret=%s", c->base, path, c->secret_q);
	r->easy = curl_easy_init();
	if (!r->easy || setup_easy(c, r) < 0)
		goto nomem;
	if (curl_multi_add_handle(c->multi, r->easy) != CURLM_OK)
		goto nomem;
	r->id = c->next_id++;
	if (c->next_id == 0)
		c->next_id = 1;
	/* append: callbacks of one batch fire in the order requests started */
	gw_req **pp = &c->reqs;
	while (*pp)
		pp = &(*pp)->next;
	*pp = r;
	return r->id;
nomem:
	free(body);
	req_free(r);
	nomem(err);
	return 0;
}

void gw_cancel(gw_client *c, gw_req_id id)
{
	if (!c || id == 0)
		return;
	for (gw_req *r = c->reqs; r; r = r->next) {
		if (r->id == id) {
			req_drop(c, r);
			return;
		}
	}
}

/* ---- waiting and processing -------------------------------------------- */

int gw_client_wait(gw_client *c, struct pollfd *extra, unsigned n_extra, int timeout_ms,
		   pk_error *err)
{
	struct curl_waitfd wfd[GW_EXTRA_FDS_MAX];
	int numfds = 0;
	pk_error_clear(err);
	if (!c || n_extra > GW_EXTRA_FDS_MAX || (n_extra && !extra))
		return pk_error_set(err, PK_ERR_INVALID, "%s", _("Internal error"));
	for (unsigned i = 0; i < n_extra; i++) {
		wfd[i].fd = extra[i].fd;
		wfd[i].events = (short)(((extra[i].events & POLLIN) ? CURL_WAIT_POLLIN : 0) |
					((extra[i].events & POLLPRI) ? CURL_WAIT_POLLPRI : 0) |
					((extra[i].events & POLLOUT) ? CURL_WAIT_POLLOUT : 0));
		wfd[i].revents = 0;
		extra[i].revents = 0;
	}
	if (timeout_ms < 0)
		timeout_ms = 0;
	CURLMcode mc =
		curl_multi_poll(c->multi, n_extra ? wfd : NULL, n_extra, timeout_ms, &numfds);
	if (mc != CURLM_OK)
		return pk_error_setc(err, PK_ERR_IO, (long)mc, "%s",
				     _("Waiting for the gateway failed"));
	for (unsigned i = 0; i < n_extra; i++) {
		short re = wfd[i].revents;
		extra[i].revents = (short)(((re & CURL_WAIT_POLLIN) ? POLLIN : 0) |
					   ((re & CURL_WAIT_POLLPRI) ? POLLPRI : 0) |
					   ((re & CURL_WAIT_POLLOUT) ? POLLOUT : 0));
	}
	return 0;
}

static void transport_error(gw_client *c, gw_req *r, gw_result *res)
{
	pk_error *e = &res->err;
	res->status = GW_ST_NONE;
	switch (r->code) {
	case CURLE_COULDNT_CONNECT:
		pk_error_set_id(e, PK_ERR_REFUSED, r->code, N_("Could not connect to the gateway (%s)"), c->host);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		pk_error_set_id(e, PK_ERR_DNS, r->code, N_("The gateway's name (%s) could not be found"), c->host);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		pk_error_set_id(e, PK_ERR_TIMEOUT, r->code, N_("The gateway (%s) did not answer in time"), c->host);
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CLIENTCERT:
	case CURLE_USE_SSL_FAILED:
		pk_error_set_id(e, PK_ERR_TLS, r->code, N_("The secure connection to the gateway (%s) failed"), c->host);
		break;
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (r->too_large || r->code == CURLE_FILESIZE_EXCEEDED)
			pk_error_set_id(e, PK_ERR_TOO_LARGE, r->code,
					N_("The gateway's answer was too large"), NULL);
		else
			nomem(e); /* our write callback could not grow the buffer */
		break;
	default:
		pk_error_set_id(e, PK_ERR_TRANSPORT, r->code, N_("The connection to the gateway (%s) failed"), c->host);
		break;
	}
	gw_utf8_trim_tail(e->msg);
}

/* Turn a completed transfer into its typed result. */
static void build_result(gw_client *c, gw_req *r, gw_result *res)
{
	gw_result_init(res, r->call);
	if (r->code == CURLE_OK) {
		long http = 0;
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &http);
		gw_parse_response(r->call, r->resp, r->resp_len, http, gw_call_currency(r->call),
				  res);
		res->request_sent = true;
		return;
	}
	long http = 0;
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &http);
	res->http_code = http;
	transport_error(c, r, res);
	if (r->code == CURLE_COULDNT_CONNECT || r->code == CURLE_COULDNT_RESOLVE_HOST) {
		res->request_sent = false;
	} else {
		/* Not sent only if curl never wrote a request (handshake, connect
		 * timeout ...).  When unsure, say sent: never retry blindly. */
		long req_size = 0;
		curl_off_t pretransfer = 0;
		curl_easy_getinfo(r->easy, CURLINFO_REQUEST_SIZE, &req_size);
		curl_easy_getinfo(r->easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
		res->request_sent = req_size > 0 || pretransfer > 0;
	}
}

int gw_client_process(gw_client *c, pk_error *err)
{
	int running = 0;
	pk_error_clear(err);
	if (!c)
		return pk_error_set(err, PK_ERR_INVALID, "%s", _("Internal error"));
	CURLMcode mc = curl_multi_perform(c->multi, &running);
	if (mc != CURLM_OK)
		return pk_error_setc(err, PK_ERR_IO, (long)mc, "%s",
				     _("Talking to the gateway failed"));
	CURLMsg *m;
	int left = 0;
	while ((m = curl_multi_info_read(c->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		char *priv = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
		gw_req *r = (gw_req *)(void *)priv;
		CURLcode code = m->data.result; /* m is invalid after remove_handle */
		if (!r)
			continue;
		r->code = code;
		r->completed = true;
		curl_multi_remove_handle(c->multi, r->easy);
		long conns = 0;
		if (curl_easy_getinfo(r->easy, CURLINFO_NUM_CONNECTS, &conns) == CURLE_OK)
			c->connections += conns;
	}
	/* Fire callbacks one at a time, re-scanning the list each time: a
	 * callback may start requests (they are not completed yet) or cancel
	 * others (they leave the list and are never called). */
	for (;;) {
		gw_req *r = c->reqs;
		while (r && !r->completed)
			r = r->next;
		if (!r)
			break;
		for (gw_req **pp = &c->reqs; *pp; pp = &(*pp)->next) {
			if (*pp == r) {
				*pp = r->next;
				break;
			}
		}
		gw_result res;
		build_result(c, r, &res);
		r->done(r->ud, &res);
		gw_result_free(&res);
		req_free(r);
	}
	return 0;
}

/* ---- blocking helper --------------------------------------------------- */

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int in_flight(const gw_client *c, gw_req_id id)
{
	for (const gw_req *r = c->reqs; r; r = r->next)
		if (r->id == id)
			return 1;
	return 0;
}

int gw_run_blocking(gw_client *c, gw_req_id id, int timeout_ms, pk_error *err)
{
	pk_error_clear(err);
	if (!c)
		return pk_error_set(err, PK_ERR_INVALID, "%s", _("Internal error"));
	long long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	for (;;) {
		if (gw_client_process(c, err) < 0)
			return -1;
		if (!in_flight(c, id))
			return 0;
		long long left = deadline - now_ms();
		if (left <= 0) {
			gw_cancel(c, id);
			return pk_error_set(err, PK_ERR_TIMEOUT,
					    _("The gateway (%s) did not answer in time"), c->host);
		}
		if (gw_client_wait(c, NULL, 0, left > 1000 ? 1000 : (int)left, err) < 0)
			return -1;
	}
}
