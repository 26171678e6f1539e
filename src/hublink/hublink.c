/* hublink.c - the link's thread: the outbox out, the news in, the hub's
 * health (see hublink.h).  Everything below "the thread" runs only in the
 * link's thread; the queue, the flags and the health are shared under mu. */
#include "hublink/hublink.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "common/i18n.h"
#include "hublink/proto.h"
#include "journal/journal.h"

#define ANSWER_MAX (1024 * 1024) /* a longer answer from the hub is refused */
#define TICK_MAX_MS 1000         /* the thread looks at its timers at least this often */

typedef struct msg_node {
	pk_hub_msg m;
	struct msg_node *next;
} msg_node;

/* One transfer in flight. */
typedef struct xfer {
	CURL *easy;
	char *answer;
	size_t len;
	bool too_large;
	char *request; /* the POST body */
	int64_t started_ms;
} xfer;

typedef enum health { HEALTH_UNKNOWN = 0, HEALTH_UP, HEALTH_DOWN } health;
typedef enum poll_state { POLL_IDLE = 0, POLL_WAITING, POLL_HANDED } poll_state;

struct pk_hublink {
	/* Set before the thread starts, read-only afterwards. */
	pk_hublink_options o;   /* defaults filled; the pointers below are the copies */
	char *base;             /* the URL without a trailing '/' */
	bool loopback;
	struct curl_slist *headers; /* holds the Authorization line: wiped on stop */
	pk_journal *j;          /* the thread's own connection */
	CURLM *multi;
	int efd;                /* eventfd: messages wait */
	pthread_t thread;

	/* Shared, under mu. */
	pthread_mutex_t mu;
	msg_node *head, *tail;
	bool stop;
	int drain_ms;
	bool kicked;
	bool news_done;
	health health;

	/* The thread's own. */
	struct {
		xfer x;
		int64_t acked;        /* -1: not read from the journal yet */
		int64_t first, last;  /* the batch in flight */
		bool want;            /* look at the outbox when allowed */
		int64_t next_try_ms;  /* not before (backoff) */
		int64_t next_check_ms;
		int backoff_ms;       /* 0: no failure since the last success */
	} ev;
	struct {
		xfer x;
		poll_state state;
		int64_t after;        /* -1: not read from the journal yet */
		int64_t batch_from;   /* news_after when the batch was handed over */
		bool quick;           /* ask with wait=0: the first poll, and after a failure,
		                         so that the hub's health is known at once */
		int64_t next_try_ms;
		int backoff_ms;
	} np;
};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the queue (any thread) ---------------------------------------------- */

static void signal_fd(pk_hublink *h)
{
	uint64_t one = 1;
	ssize_t w = write(h->efd, &one, sizeof one);
	(void)w; /* a full counter is still readable */
}

/* Append msgs (a chain of n nodes) at once, and signal.  Under mu. */
static void push_chain_locked(pk_hublink *h, msg_node *first, msg_node *last)
{
	if (!first)
		return;
	if (h->tail)
		h->tail->next = first;
	else
		h->head = first;
	h->tail = last;
	signal_fd(h);
}

static void push(pk_hublink *h, const pk_hub_msg *m)
{
	msg_node *n = calloc(1, sizeof *n);
	if (!n)
		return; /* a log line lost; news never goes this way */
	n->m = *m;
	pthread_mutex_lock(&h->mu);
	push_chain_locked(h, n, n);
	pthread_mutex_unlock(&h->mu);
}

static void push_simple(pk_hublink *h, pk_hub_msg_kind kind, int64_t value, const char *reason)
{
	pk_hub_msg m;
	memset(&m, 0, sizeof m);
	m.kind = kind;
	m.value = value;
	snprintf(m.reason, sizeof m.reason, "%s", reason ? reason : "");
	push(h, &m);
}

bool pk_hublink_take(pk_hublink *h, pk_hub_msg *msg)
{
	pthread_mutex_lock(&h->mu);
	msg_node *n = h->head;
	if (n) {
		h->head = n->next;
		if (!h->head)
			h->tail = NULL;
	} else {
		/* Cleared under the lock that pushes: no wake-up is lost. */
		uint64_t v;
		ssize_t r = read(h->efd, &v, sizeof v);
		(void)r;
	}
	pthread_mutex_unlock(&h->mu);
	if (!n)
		return false;
	*msg = n->m;
	free(n);
	return true;
}

int pk_hublink_fd(const pk_hublink *h)
{
	return h ? h->efd : -1;
}

static void wake(pk_hublink *h)
{
	curl_multi_wakeup(h->multi);
}

void pk_hublink_kick(pk_hublink *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->kicked = true;
	pthread_mutex_unlock(&h->mu);
	wake(h);
}

void pk_hublink_news_done(pk_hublink *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->news_done = true;
	pthread_mutex_unlock(&h->mu);
	wake(h);
}

bool pk_hublink_healthy(pk_hublink *h)
{
	if (!h)
		return false;
	pthread_mutex_lock(&h->mu);
	bool up = h->health == HEALTH_UP;
	pthread_mutex_unlock(&h->mu);
	return up;
}

/* ---- the thread: transfers ------------------------------------------------ */

static size_t on_write(char *data, size_t size, size_t nmemb, void *ud)
{
	xfer *x = ud;
	size_t n = size * nmemb;
	if (x->len + n > ANSWER_MAX) {
		x->too_large = true;
		return 0; /* aborts the transfer */
	}
	char *grown = realloc(x->answer, x->len + n + 1);
	if (!grown)
		return 0;
	memcpy(grown + x->len, data, n);
	x->len += n;
	grown[x->len] = '\0';
	x->answer = grown;
	return n;
}

static void xfer_end(pk_hublink *h, xfer *x)
{
	if (x->easy) {
		curl_multi_remove_handle(h->multi, x->easy);
		curl_easy_cleanup(x->easy);
	}
	free(x->answer);
	free(x->request);
	memset(x, 0, sizeof *x);
}

/* Start a transfer of url (POST body if given, which x then owns). */
static int xfer_start(pk_hublink *h, xfer *x, const char *url, char *body, long timeout_ms,
		      int64_t now)
{
	memset(x, 0, sizeof *x);
	x->request = body;
	x->started_ms = now;
	x->easy = curl_easy_init();
	if (!x->easy) {
		xfer_end(h, x);
		return -1;
	}
	CURL *e = x->easy;
	int bad = 0;
#define SET(opt, val) bad |= curl_easy_setopt(e, opt, val) != CURLE_OK
	SET(CURLOPT_URL, url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_HTTPHEADER, h->headers);
	SET(CURLOPT_USERAGENT, "paykiosk/" PK_VERSION);
	SET(CURLOPT_CONNECTTIMEOUT_MS, (long)h->o.connect_timeout_ms);
	SET(CURLOPT_TIMEOUT_MS, timeout_ms);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_WRITEFUNCTION, on_write);
	SET(CURLOPT_WRITEDATA, x);
	if (h->loopback)
		SET(CURLOPT_NOPROXY, "*");
	if (body) {
		SET(CURLOPT_POST, 1L);
		SET(CURLOPT_POSTFIELDS, body);
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	}
#undef SET
	if (bad || curl_multi_add_handle(h->multi, e) != CURLM_OK) {
		xfer_end(h, x);
		return -1;
	}
	return 0;
}

/* Why a transfer gave nothing usable, as a log word; NULL when it was
 * answered 200. */
static const char *xfer_failure(const xfer *x, CURLcode rc, char *buf, size_t len)
{
	if (x->too_large)
		return "too_large";
	switch (rc) {
	case CURLE_OK:
		break;
	case CURLE_COULDNT_CONNECT:
		return "refused";
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return "dns";
	case CURLE_OPERATION_TIMEDOUT:
		return "timeout";
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
		return "tls";
	default:
		return "transport";
	}
	long code = 0;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	if (code == 200)
		return NULL;
	snprintf(buf, len, "http_%ld", code);
	return buf;
}

/* The hub is answering again: whatever waits out a failure may go now. */
static void hub_answers(pk_hublink *h, int64_t now)
{
	if (h->ev.backoff_ms) {
		h->ev.backoff_ms = 0;
		h->ev.next_try_ms = now;
		h->ev.want = true;
	}
	if (h->np.backoff_ms && h->np.state == POLL_IDLE) {
		h->np.backoff_ms = 0;
		h->np.next_try_ms = now;
	}
}

static int next_backoff(const pk_hublink *h, int cur)
{
	if (cur <= 0)
		return h->o.backoff_min_ms;
	return cur >= h->o.backoff_max_ms / 2 ? h->o.backoff_max_ms : cur * 2;
}

/* True when the health changed. */
static bool set_health(pk_hublink *h, bool up, const char *reason)
{
	pk_hub_msg m;
	memset(&m, 0, sizeof m);
	pthread_mutex_lock(&h->mu);
	health was = h->health;
	h->health = up ? HEALTH_UP : HEALTH_DOWN;
	pthread_mutex_unlock(&h->mu);
	if (was == (up ? HEALTH_UP : HEALTH_DOWN))
		return false;
	m.kind = up ? PK_HUB_MSG_UP : PK_HUB_MSG_DOWN;
	snprintf(m.reason, sizeof m.reason, "%s", up ? "" : reason);
	push(h, &m);
	return true;
}

/* ---- the thread: events out ------------------------------------------------ */

static void events_failed(pk_hublink *h, const char *reason, int64_t now)
{
	h->ev.backoff_ms = next_backoff(h, h->ev.backoff_ms);
	h->ev.next_try_ms = now + h->ev.backoff_ms;
	h->ev.want = true; /* what is unsent goes when the wait is over */
	push_simple(h, PK_HUB_MSG_EVENTS_RETRY, h->ev.backoff_ms, reason);
}

/* Send the next batch of the outbox, if there is one.  True when a
 * request went out. */
static bool events_start(pk_hublink *h, int64_t now)
{
	pk_error err;
	if (h->ev.acked < 0 &&
	    pk_journal_hub_cursor_get(h->j, PK_HUB_EVENTS_ACKED, &h->ev.acked, &err) < 0) {
		h->ev.acked = -1;
		events_failed(h, "journal", now);
		return false;
	}
	pk_outbox_event *evs;
	size_t n;
	if (pk_journal_outbox(h->j, h->ev.acked, (size_t)h->o.batch, &evs, &n, &err) < 0) {
		events_failed(h, "journal", now);
		return false;
	}
	if (n == 0)
		return false;
	char *body = NULL;
	int rc = hub_events_body(evs, n, &body, &err);
	h->ev.first = evs[0].seq;
	h->ev.last = evs[n - 1].seq;
	free(evs);
	char url[2048];
	snprintf(url, sizeof url, "%s/kiosk/events", h->base);
	if (rc < 0 || xfer_start(h, &h->ev.x, url, body, h->o.events_timeout_ms, now) < 0) {
		if (rc < 0)
			free(body);
		events_failed(h, "local", now);
		return false;
	}
	return true;
}

static void events_done(pk_hublink *h, CURLcode rc, int64_t now)
{
	char why[32];
	const char *fail = xfer_failure(&h->ev.x, rc, why, sizeof why);
	int64_t acked = 0;
	pk_error err;
	if (!fail && hub_parse_acked(h->ev.x.answer, h->ev.x.len, &acked, &err) < 0)
		fail = "bad_answer";
	xfer_end(h, &h->ev.x);
	if (!fail) {
		if (acked > h->ev.last)
			acked = h->ev.last; /* never past what was sent */
		if (acked < h->ev.first)
			fail = "no_progress"; /* the hub stored none of them */
		else if (pk_journal_hub_cursor_set(h->j, PK_HUB_EVENTS_ACKED, acked, &err) < 0)
			fail = "journal";
	}
	if (fail) {
		events_failed(h, fail, now);
		return;
	}
	h->ev.acked = acked;
	hub_answers(h, now);
	h->ev.backoff_ms = 0;
	h->ev.next_try_ms = now;
	h->ev.want = true; /* more may wait */
	push_simple(h, PK_HUB_MSG_ACKED, acked, NULL);
}

/* ---- the thread: news in ----------------------------------------------------- */

static void poll_failed(pk_hublink *h, const char *reason, int64_t now)
{
	set_health(h, false, reason);
	h->np.state = POLL_IDLE;
	h->np.quick = true;
	h->np.backoff_ms = next_backoff(h, h->np.backoff_ms);
	h->np.next_try_ms = now + h->np.backoff_ms;
}

static void poll_start(pk_hublink *h, int64_t now)
{
	pk_error err;
	if (h->np.after < 0 &&
	    pk_journal_hub_cursor_get(h->j, PK_HUB_NEWS_AFTER, &h->np.after, &err) < 0) {
		h->np.after = -1;
		poll_failed(h, "journal", now);
		return;
	}
	char url[2048];
	snprintf(url, sizeof url, "%s/kiosk/news?after=%lld&wait=%d", h->base,
		 (long long)h->np.after, h->np.quick ? 0 : h->o.wait_s);
	if (xfer_start(h, &h->np.x, url, NULL, (long)h->o.poll_timeout_s * 1000, now) < 0) {
		poll_failed(h, "local", now);
		return;
	}
	h->np.state = POLL_WAITING;
}

/* Hand a batch to the main thread at once: every item, then the end. */
static int hand_over(pk_hublink *h, const pk_hub_news *items, size_t n, int64_t next)
{
	msg_node *first = NULL, *last = NULL;
	for (size_t i = 0; i <= n; i++) {
		msg_node *m = calloc(1, sizeof *m);
		if (!m) {
			while (first) {
				msg_node *nx = first->next;
				free(first);
				first = nx;
			}
			return -1;
		}
		if (i < n) {
			m->m.kind = PK_HUB_MSG_NEWS;
			m->m.news = items[i];
			m->m.value = items[i].id;
		} else {
			m->m.kind = PK_HUB_MSG_NEWS_END;
			m->m.value = next;
		}
		if (last)
			last->next = m;
		else
			first = m;
		last = m;
	}
	pthread_mutex_lock(&h->mu);
	push_chain_locked(h, first, last);
	pthread_mutex_unlock(&h->mu);
	return 0;
}

static void poll_done(pk_hublink *h, CURLcode rc, int64_t now)
{
	char why[32];
	const char *fail = xfer_failure(&h->np.x, rc, why, sizeof why);
	pk_hub_news *items = NULL;
	size_t n = 0;
	int64_t next = 0;
	pk_error err;
	int64_t started = h->np.x.started_ms;
	if (!fail && hub_parse_news(h->np.x.answer, h->np.x.len, &items, &n, &next, &err) < 0)
		fail = "bad_answer";
	xfer_end(h, &h->np.x);
	if (fail) {
		poll_failed(h, fail, now);
		return;
	}
	if (set_health(h, true, NULL))
		hub_answers(h, now); /* it is back: events waiting out a failure go now */
	h->np.backoff_ms = 0;
	bool was_quick = h->np.quick;
	h->np.quick = false;
	if (n == 0 && next <= h->np.after) {
		/* Nothing new: ask again (and wait this time), not faster than
		 * min_poll_gap_ms after a long poll. */
		h->np.state = POLL_IDLE;
		h->np.next_try_ms = was_quick ? now : started + h->o.min_poll_gap_ms;
		return;
	}
	if (hand_over(h, items, n, next) < 0) {
		free(items);
		poll_failed(h, "local", now);
		return;
	}
	free(items);
	h->np.batch_from = h->np.after;
	h->np.state = POLL_HANDED;
}

/* The main thread dealt with the batch: go on from what the journal holds. */
static void poll_resume(pk_hublink *h, int64_t now)
{
	pk_error err;
	int64_t after;
	h->np.state = POLL_IDLE;
	if (pk_journal_hub_cursor_get(h->j, PK_HUB_NEWS_AFTER, &after, &err) < 0 ||
	    after <= h->np.batch_from) {
		/* Nothing of it was stored: the same news again, after a wait. */
		h->np.backoff_ms = next_backoff(h, h->np.backoff_ms);
		h->np.next_try_ms = now + h->np.backoff_ms;
		return;
	}
	h->np.after = after;
	h->np.backoff_ms = 0;
	h->np.next_try_ms = now;
}

/* ---- the thread's loop ------------------------------------------------------- */

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static void *run(void *arg)
{
	pk_hublink *h = arg;
	int64_t drain_until = -1;
	h->ev.want = true;
	for (;;) {
		pthread_mutex_lock(&h->mu);
		bool stop = h->stop, kicked = h->kicked, done = h->news_done;
		int drain = h->drain_ms;
		h->kicked = h->news_done = false;
		pthread_mutex_unlock(&h->mu);
		int64_t now = mono_ms();

		if (stop && drain_until < 0) {
			drain_until = now + (drain > 0 ? drain : 0);
			if (h->np.x.easy)
				xfer_end(h, &h->np.x); /* a long poll is never waited for */
		}
		if (done && h->np.state == POLL_HANDED)
			poll_resume(h, now);
		if (kicked || now >= h->ev.next_check_ms) {
			h->ev.want = true;
			h->ev.next_check_ms = now + h->o.outbox_every_ms;
		}
		if (stop && now >= drain_until)
			break;
		if (!h->ev.x.easy && (h->ev.want || stop) && now >= h->ev.next_try_ms) {
			h->ev.want = false;
			events_start(h, now);
		}
		if (stop && !h->ev.x.easy)
			break; /* nothing (more) to send, or the hub is not answering */
		if (!stop && h->np.state == POLL_IDLE && now >= h->np.next_try_ms)
			poll_start(h, now);
		int64_t overdue = h->np.x.started_ms + (int64_t)h->o.healthy_within_s * 1000;
		if (h->np.x.easy && now >= overdue)
			set_health(h, false, "no_answer");

		/* Sleep until the next timer, a socket, or a wake-up. */
		int64_t until = now + TICK_MAX_MS;
		if (!h->ev.x.easy && h->ev.want)
			until = min64(until, h->ev.next_try_ms);
		if (!h->ev.x.easy)
			until = min64(until, h->ev.next_check_ms);
		if (!stop && h->np.state == POLL_IDLE)
			until = min64(until, h->np.next_try_ms);
		if (h->np.x.easy && now < overdue)
			until = min64(until, overdue);
		if (stop)
			until = min64(until, drain_until);
		int timeout = until > now ? (int)(until - now) : 0;
		curl_multi_poll(h->multi, NULL, 0, timeout, NULL);
		int running;
		curl_multi_perform(h->multi, &running);
		CURLMsg *m;
		int left;
		while ((m = curl_multi_info_read(h->multi, &left))) {
			if (m->msg != CURLMSG_DONE)
				continue;
			now = mono_ms();
			if (h->ev.x.easy && m->easy_handle == h->ev.x.easy)
				events_done(h, m->data.result, now);
			else if (h->np.x.easy && m->easy_handle == h->np.x.easy)
				poll_done(h, m->data.result, now);
		}
	}
	xfer_end(h, &h->ev.x);
	xfer_end(h, &h->np.x);
	return NULL;
}

/* ---- start and stop --------------------------------------------------------------- */

static bool loopback_url(const char *url)
{
	const char *p = strstr(url, "://");
	if (!p)
		return false;
	p += 3;
	return strncmp(p, "127.", 4) == 0 || strncasecmp(p, "localhost", 9) == 0 ||
	       strncmp(p, "[::1]", 5) == 0;
}

/* A token fits in a header line: printable ASCII, no spaces. */
static bool token_ok(const char *t)
{
	if (!t || !*t || strlen(t) > 1024)
		return false;
	for (; *t; t++)
		if (*t <= ' ' || *t >= 0x7f)
			return false;
	return true;
}

static void defaults(pk_hublink_options *o)
{
#define DEF(f, v) \
	do { \
		if (o->f <= 0) \
			o->f = (v); \
	} while (0)
	DEF(wait_s, 25);
	DEF(poll_timeout_s, o->wait_s + 10);
	DEF(healthy_within_s, 30);
	DEF(outbox_every_ms, 3000);
	DEF(backoff_min_ms, 1000);
	DEF(backoff_max_ms, 60000);
	DEF(min_poll_gap_ms, 1000);
	DEF(batch, 100);
	DEF(connect_timeout_ms, 5000);
	DEF(events_timeout_ms, 15000);
#undef DEF
	if (o->backoff_max_ms < o->backoff_min_ms)
		o->backoff_max_ms = o->backoff_min_ms;
}

static void free_link(pk_hublink *h)
{
	if (h->multi)
		curl_multi_cleanup(h->multi);
	/* The Authorization line holds the token: wiped before it is freed. */
	for (struct curl_slist *l = h->headers; l; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(h->headers);
	pk_journal_close(h->j);
	while (h->head) {
		msg_node *n = h->head->next;
		free(h->head);
		h->head = n;
	}
	if (h->efd >= 0)
		close(h->efd);
	pthread_mutex_destroy(&h->mu);
	free(h->base);
	free(h);
}

int pk_hublink_start(pk_hublink **out, const pk_hublink_options *o, pk_error *err)
{
	*out = NULL;
	if (!o || !o->url || !*o->url || !o->journal_path)
		return pk_error_set(err, PK_ERR_CONFIG, "hub link: no hub URL or journal");
	if (!token_ok(o->token))
		return pk_error_set(err, PK_ERR_CONFIG,
				    "hub link: the token is missing or has spaces or control characters");
	pk_hublink *h = calloc(1, sizeof *h);
	if (!h)
		return pk_error_set(err, PK_ERR_NOMEM, _("Out of memory"));
	h->efd = -1;
	pthread_mutex_init(&h->mu, NULL);
	h->o = *o;
	h->o.url = h->o.token = h->o.journal_path = NULL;
	defaults(&h->o);
	h->ev.acked = h->np.after = -1;
	h->np.quick = true;

	size_t ulen = strlen(o->url);
	while (ulen > 0 && o->url[ulen - 1] == '/')
		ulen--;
	h->base = strndup(o->url, ulen);
	h->loopback = loopback_url(o->url);
	h->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	h->multi = curl_multi_init();
	if (!h->base || h->efd < 0 || !h->multi) {
		free_link(h);
		return pk_error_set(err, PK_ERR_NOMEM, _("Out of memory"));
	}
	size_t alen = strlen(o->token) + sizeof "Authorization: Bearer ";
	char *auth = malloc(alen);
	if (!auth) {
		free_link(h);
		return pk_error_set(err, PK_ERR_NOMEM, _("Out of memory"));
	}
	snprintf(auth, alen, "Authorization: Bearer %s", o->token);
	static const char *const more[] = { "Content-Type: application/json",
					    "Accept: application/json", "Expect:" };
	h->headers = curl_slist_append(NULL, auth);
	explicit_bzero(auth, alen);
	free(auth);
	bool ok = h->headers != NULL;
	for (size_t i = 0; ok && i < sizeof more / sizeof more[0]; i++)
		ok = curl_slist_append(h->headers, more[i]) != NULL;
	if (!ok) {
		free_link(h); /* (wipes the Authorization line) */
		return pk_error_set(err, PK_ERR_NOMEM, _("Out of memory"));
	}
	if (pk_journal_open(&h->j, o->journal_path, err) < 0) {
		free_link(h);
		return -1;
	}
	int rc = pthread_create(&h->thread, NULL, run, h);
	if (rc != 0) {
		free_link(h);
		return pk_error_setc(err, PK_ERR_IO, rc, "hub link: cannot start its thread: %s",
				     strerror(rc));
	}
	*out = h;
	return 0;
}

void pk_hublink_stop(pk_hublink *h, int drain_ms)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->stop = true;
	h->drain_ms = drain_ms;
	pthread_mutex_unlock(&h->mu);
	wake(h);
	pthread_join(h->thread, NULL);
	free_link(h);
}
