/* test_hublink.c - the kiosk's hub link against a test double of the hub:
 * a tiny HTTP server on loopback, in this process, that speaks the
 * protocol of docs/HUB.md (POST /kiosk/events, GET /kiosk/news long poll,
 * Bearer token) and can be told to fail (503), to hang, or to hold news.
 * The real hub is tested end to end elsewhere.  What is checked is what a
 * shop would notice: every sale event reaches the hub once, in order, also
 * after a day offline; the news is handed over and asked again until the
 * kiosk has stored it; the link says when the hub is down; stopping never
 * waits for a long poll; the token is only ever in the header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fixtures.h"
#include "hublink/hublink.h"
#include "journal/journal.h"

#define TOKEN "tok-7f3a9c"
#define MAX_SEQ 4096

/* ---- the hub's test double ------------------------------------------------ */

enum mode { HUB_OK = 0, HUB_503, HUB_HANG };

typedef struct news_item {
	int64_t id;
	char ctid[PK_CTID_MAX + 1];
	int64_t amount;
} news_item;

typedef struct fakehub {
	int lfd;
	char url[64];
	pthread_t acceptor;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stopping;
	pthread_t *conns;
	size_t nconns, capconns;
	/* behaviour */
	enum mode mode;
	int long_poll_max_ms;
	/* what it saw */
	bool seen[MAX_SEQ];
	int64_t order[MAX_SEQ];   /* new seqs in the order they arrived */
	size_t norder;
	int64_t acked;
	int received; /* events in all POSTs, re-sent ones too */
	int posts, polls, unauthorized, bad_requests;
	int64_t last_after;
	int64_t max_after;     /* (a dropped request of an earlier link may come late) */
	bool token_in_url;
	/* what it holds */
	news_item news[16];
	size_t nnews;
} fakehub;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct conn {
	fakehub *hub;
	int fd;
} conn;

/* Case-insensitive strstr (header names). */
static char *find_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return (char *)hay;
	return NULL;
}

/* Read until the headers and the body (Content-Length) are in; false on
 * EOF, error, stop or a 5 s silence. */
static bool read_request(fakehub *hub, int fd, char *buf, size_t cap, size_t *len,
			 char **body)
{
	*len = 0;
	int64_t until = now_ms() + 5000;
	for (;;) {
		buf[*len] = '\0';
		char *end = strstr(buf, "\r\n\r\n");
		if (end) {
			size_t clen = 0;
			char *cl = find_ci(buf, "\r\ncontent-length:");
			if (cl && cl < end)
				clen = strtoul(cl + 17, NULL, 10);
			*body = end + 4;
			if ((size_t)(buf + *len - *body) >= clen)
				return true;
		}
		if (*len + 1 >= cap || now_ms() > until)
			return false;
		pthread_mutex_lock(&hub->mu);
		bool stop = hub->stopping;
		pthread_mutex_unlock(&hub->mu);
		if (stop)
			return false;
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 50) <= 0)
			continue;
		ssize_t r = read(fd, buf + *len, cap - 1 - *len);
		if (r <= 0)
			return false;
		*len += (size_t)r;
	}
}

static void reply(int fd, int code, const char *body)
{
	char head[256];
	int n = snprintf(head, sizeof head,
			 "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
			 "Connection: close\r\n\r\n",
			 code, strlen(body));
	ssize_t w = send(fd, head, (size_t)n, MSG_NOSIGNAL);
	w = send(fd, body, strlen(body), MSG_NOSIGNAL);
	(void)w;
}

static void on_events(fakehub *hub, int fd, const char *body)
{
	cJSON *root = cJSON_Parse(body);
	const cJSON *arr = root ? cJSON_GetObjectItemCaseSensitive(root, "events") : NULL;
	if (!cJSON_IsArray(arr)) {
		hub->bad_requests++;
		pthread_mutex_unlock(&hub->mu);
		cJSON_Delete(root);
		reply(fd, 400, "{\"status\":\"error\"}");
		return;
	}
	const cJSON *e;
	cJSON_ArrayForEach(e, arr)
	{
		const cJSON *seq = cJSON_GetObjectItemCaseSensitive(e, "seq");
		const cJSON *sale = cJSON_GetObjectItemCaseSensitive(e, "sale");
		int64_t s = cJSON_IsNumber(seq) ? (int64_t)seq->valuedouble : -1;
		if (s <= 0 || s >= MAX_SEQ || !cJSON_IsObject(sale) ||
		    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "outcome"))) {
			hub->bad_requests++;
			continue;
		}
		hub->received++;
		if (!hub->seen[s]) {
			hub->seen[s] = true;
			hub->order[hub->norder++] = s;
		}
		if (s > hub->acked)
			hub->acked = s;
	}
	char out[64];
	snprintf(out, sizeof out, "{\"acked\":%lld}", (long long)hub->acked);
	pthread_mutex_unlock(&hub->mu);
	cJSON_Delete(root);
	reply(fd, 200, out);
}

/* Under mu; unlocks. */
static void on_news(fakehub *hub, int fd, const char *target)
{
	const char *a = strstr(target, "after="), *w = strstr(target, "wait=");
	int64_t after = a ? strtoll(a + 6, NULL, 10) : -1;
	int wait_s = w ? atoi(w + 5) : 0;
	hub->polls++;
	hub->last_after = after;
	if (after > hub->max_after)
		hub->max_after = after;
	pthread_cond_broadcast(&hub->cv);
	int64_t wait_ms = (int64_t)wait_s * 1000;
	if (wait_ms > hub->long_poll_max_ms)
		wait_ms = hub->long_poll_max_ms;
	int64_t until = now_ms() + wait_ms;
	for (;;) {
		bool any = false;
		for (size_t i = 0; i < hub->nnews; i++)
			any |= hub->news[i].id > after;
		if (any || hub->stopping || now_ms() >= until)
			break;
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 20 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&hub->cv, &hub->mu, &ts);
	}
	char out[4096];
	int64_t next = after;
	int n = snprintf(out, sizeof out, "{\"news\":[");
	for (size_t i = 0; i < hub->nnews; i++) {
		const news_item *it = &hub->news[i];
		if (it->id <= after)
			continue;
		n += snprintf(out + n, sizeof out - (size_t)n,
			      "%s{\"id\":%lld,\"ctid\":\"%s\",\"order_id\":\"O\",\"outcome\":\"paid\","
			      "\"amount\":%lld,\"currency\":\"INR\",\"transaction_id\":\"UTR%lld\","
			      "\"at\":1764470001}",
			      next > after ? "," : "", (long long)it->id, it->ctid,
			      (long long)it->amount, (long long)it->id);
		next = it->id;
	}
	snprintf(out + n, sizeof out - (size_t)n, "],\"next\":%lld}", (long long)next);
	pthread_mutex_unlock(&hub->mu);
	reply(fd, 200, out);
}

static void *serve(void *arg)
{
	conn *c = arg;
	fakehub *hub = c->hub;
	int fd = c->fd;
	free(c);
	char buf[256 * 1024], *body;
	size_t len;
	if (!read_request(hub, fd, buf, sizeof buf, &len, &body)) {
		close(fd);
		return NULL;
	}
	char method[8] = "", target[1024] = "";
	sscanf(buf, "%7s %1023s", method, target);
	const char *auth = find_ci(buf, "\r\nAuthorization: Bearer ");
	bool authorized = auth && strncmp(auth + 24, TOKEN "\r\n", strlen(TOKEN) + 2) == 0;
	pthread_mutex_lock(&hub->mu);
	if (strstr(target, TOKEN))
		hub->token_in_url = true;
	if (hub->mode == HUB_HANG) {
		/* accepts, reads, never answers */
		while (!hub->stopping)
			pthread_cond_wait(&hub->cv, &hub->mu);
		pthread_mutex_unlock(&hub->mu);
		close(fd);
		return NULL;
	}
	if (!authorized) {
		hub->unauthorized++;
		pthread_mutex_unlock(&hub->mu);
		reply(fd, 401, "{\"status\":\"error\"}");
	} else if (hub->mode == HUB_503) {
		pthread_mutex_unlock(&hub->mu);
		reply(fd, 503, "{\"status\":\"error\"}");
	} else if (strcmp(method, "POST") == 0 && strcmp(target, "/kiosk/events") == 0) {
		hub->posts++;
		on_events(hub, fd, body);
	} else if (strcmp(method, "GET") == 0 && strncmp(target, "/kiosk/news?", 12) == 0) {
		on_news(hub, fd, target);
	} else {
		hub->bad_requests++;
		pthread_mutex_unlock(&hub->mu);
		reply(fd, 404, "{}");
	}
	close(fd);
	return NULL;
}

static void *accept_loop(void *arg)
{
	fakehub *hub = arg;
	for (;;) {
		pthread_mutex_lock(&hub->mu);
		bool stop = hub->stopping;
		pthread_mutex_unlock(&hub->mu);
		if (stop)
			return NULL;
		struct pollfd p = { hub->lfd, POLLIN, 0 };
		if (poll(&p, 1, 50) <= 0)
			continue;
		int fd = accept(hub->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		conn *c = malloc(sizeof *c);
		c->hub = hub;
		c->fd = fd;
		pthread_mutex_lock(&hub->mu);
		if (hub->nconns == hub->capconns) {
			hub->capconns = hub->capconns ? hub->capconns * 2 : 64;
			hub->conns = realloc(hub->conns, hub->capconns * sizeof *hub->conns);
		}
		pthread_create(&hub->conns[hub->nconns++], NULL, serve, c);
		pthread_mutex_unlock(&hub->mu);
	}
}

static void hub_start(fakehub *hub)
{
	memset(hub, 0, sizeof *hub);
	pthread_mutex_init(&hub->mu, NULL);
	pthread_cond_init(&hub->cv, NULL);
	hub->long_poll_max_ms = 25000;
	hub->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(hub->lfd >= 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	assert_int_equal(bind(hub->lfd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(hub->lfd, 64), 0);
	socklen_t al = sizeof a;
	getsockname(hub->lfd, (struct sockaddr *)&a, &al);
	snprintf(hub->url, sizeof hub->url, "http://127.0.0.1:%u/", ntohs(a.sin_port));
	assert_int_equal(pthread_create(&hub->acceptor, NULL, accept_loop, hub), 0);
}

static void hub_stop(fakehub *hub)
{
	pthread_mutex_lock(&hub->mu);
	hub->stopping = true;
	pthread_cond_broadcast(&hub->cv);
	pthread_mutex_unlock(&hub->mu);
	pthread_join(hub->acceptor, NULL);
	for (size_t i = 0; i < hub->nconns; i++)
		pthread_join(hub->conns[i], NULL);
	free(hub->conns);
	close(hub->lfd);
	pthread_cond_destroy(&hub->cv);
	pthread_mutex_destroy(&hub->mu);
}

static void hub_set(fakehub *hub, enum mode m)
{
	pthread_mutex_lock(&hub->mu);
	hub->mode = m;
	pthread_cond_broadcast(&hub->cv);
	pthread_mutex_unlock(&hub->mu);
}

static void hub_add_news(fakehub *hub, int64_t id, const char *ctid, int64_t amount)
{
	pthread_mutex_lock(&hub->mu);
	news_item *it = &hub->news[hub->nnews++];
	it->id = id;
	snprintf(it->ctid, sizeof it->ctid, "%s", ctid);
	it->amount = amount;
	pthread_cond_broadcast(&hub->cv);
	pthread_mutex_unlock(&hub->mu);
}

/* ---- the test's side -------------------------------------------------------- */

typedef struct fx {
	fakehub hub;
	pk_tmpjournal t;
	pk_hublink *link;
	pk_hub_msg msgs[512]; /* every message taken, in order */
	size_t nmsgs;
} fx;

static int setup(void **state)
{
	fx *x = calloc(1, sizeof *x);
	if (!x || pk_tmpjournal_open(&x->t, "hublink"))
		return -1;
	hub_start(&x->hub);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	fx *x = *state;
	pk_hublink_stop(x->link, 0);
	hub_stop(&x->hub);
	/* nothing the link said carries the token */
	for (size_t i = 0; i < x->nmsgs; i++)
		assert_null(strstr(x->msgs[i].reason, TOKEN));
	pk_tmpjournal_close(&x->t);
	free(x);
	return 0;
}

static pk_hublink_options fast_options(fx *x)
{
	pk_hublink_options o;
	memset(&o, 0, sizeof o);
	o.url = x->hub.url;
	o.token = TOKEN;
	o.journal_path = x->t.path;
	o.wait_s = 25;
	o.backoff_min_ms = 50;
	o.backoff_max_ms = 200;
	o.min_poll_gap_ms = 20;
	o.outbox_every_ms = 60000; /* only a kick (or the start) sends */
	return o;
}

static void start(fx *x, const pk_hublink_options *o)
{
	pk_error err;
	if (pk_hublink_start(&x->link, o, &err) < 0)
		fail_msg("pk_hublink_start: %s", err.msg);
}

/* Take what the link says until a message of `kind` came (true) or the
 * deadline passed (false).  Everything taken is kept in x->msgs. */
static bool take_until(fx *x, pk_hub_msg_kind kind, int deadline_ms, pk_hub_msg *out)
{
	int64_t until = now_ms() + deadline_ms;
	for (;;) {
		pk_hub_msg m;
		while (pk_hublink_take(x->link, &m)) {
			if (x->nmsgs < sizeof x->msgs / sizeof x->msgs[0])
				x->msgs[x->nmsgs++] = m;
			if (m.kind == kind) {
				if (out)
					*out = m;
				return true;
			}
		}
		int64_t left = until - now_ms();
		if (left <= 0)
			return false;
		struct pollfd p = { pk_hublink_fd(x->link), POLLIN, 0 };
		poll(&p, 1, (int)(left < 100 ? left : 100));
	}
}

/* Poll the double until cond holds (under its lock), with a deadline. */
#define HUB_WAIT(x, deadline_ms, cond)                                      \
	({                                                                    \
		int64_t until_ = now_ms() + (deadline_ms);                    \
		bool ok_;                                                     \
		for (;;) {                                                    \
			pthread_mutex_lock(&(x)->hub.mu);                     \
			ok_ = (cond);                                         \
			pthread_mutex_unlock(&(x)->hub.mu);                   \
			if (ok_ || now_ms() > until_)                         \
				break;                                        \
			struct timespec t_ = { 0, 10 * 1000 * 1000 };         \
			nanosleep(&t_, NULL);                                 \
		}                                                             \
		ok_;                                                          \
	})

/* What the double saw so far (asserted on outside its lock: a failed
 * assertion must not leave it locked). */
typedef struct seen {
	int received, posts, polls, unauthorized;
	int64_t acked, last_after;
	bool token_in_url;
} seen;

static seen hub_seen(fx *x)
{
	pthread_mutex_lock(&x->hub.mu);
	seen v = { x->hub.received, x->hub.posts,  x->hub.polls,     x->hub.unauthorized,
		   x->hub.acked,    x->hub.last_after, x->hub.token_in_url };
	pthread_mutex_unlock(&x->hub.mu);
	return v;
}

static int64_t insert_sale(fx *x, const char *label, int moves)
{
	static const pk_sale_state path[] = { PK_SALE_CREATING, PK_SALE_AWAITING_PAYMENT,
					      PK_SALE_UNCONFIRMED };
	pk_sale s;
	pk_error err;
	pk_sale_init(&s);
	s.amount = 10050;
	snprintf(s.label, sizeof s.label, "%s", label);
	assert_int_equal(pk_ctid_make(label, 1790000000, 1, s.ctid, sizeof s.ctid), 0);
	assert_int_equal(pk_journal_insert(x->t.j, &s, &err), 0);
	for (int i = 0; i < moves; i++)
		assert_int_equal(pk_journal_save(x->t.j, &s, path[i], "step", &err), 0);
	int64_t id = s.id;
	pk_sale_clear(&s);
	return id;
}

static int64_t last_seq(fx *x)
{
	pk_outbox_event *ev;
	size_t n;
	pk_error err;
	assert_int_equal(pk_journal_outbox(x->t.j, 0, MAX_SEQ, &ev, &n, &err), 0);
	int64_t last = n ? ev[n - 1].seq : 0;
	free(ev);
	return last;
}

static int64_t cursor(fx *x, pk_hub_cursor c)
{
	int64_t v;
	pk_error err;
	assert_int_equal(pk_journal_hub_cursor_get(x->t.j, c, &v, &err), 0);
	return v;
}

/* Every seq 1..last arrived once, in increasing order. */
static void assert_all_in_order(fx *x, int64_t last)
{
	pthread_mutex_lock(&x->hub.mu);
	size_t n = x->hub.norder;
	bool ordered = true;
	for (size_t i = 1; i < n; i++)
		ordered &= x->hub.order[i] > x->hub.order[i - 1];
	int bad = x->hub.bad_requests;
	pthread_mutex_unlock(&x->hub.mu);
	assert_int_equal(n, (size_t)last);
	assert_true(ordered);
	assert_int_equal(bad, 0);
}

static void test_events_reach_the_hub_in_order(void **state)
{
	fx *x = *state;
	for (int i = 0; i < 3; i++)
		insert_sale(x, "k", 3); /* 4 events each */
	int64_t last = last_seq(x);
	assert_int_equal(last, 12);
	pk_hublink_options o = fast_options(x);
	o.batch = 5; /* three POSTs */
	start(x, &o);
	pk_hub_msg m;
	do
		assert_true(take_until(x, PK_HUB_MSG_ACKED, 5000, &m));
	while (m.value < last);
	assert_int_equal(m.value, last);
	assert_int_equal(cursor(x, PK_HUB_EVENTS_ACKED), last); /* on disk */
	assert_all_in_order(x, last);
	seen v = hub_seen(x);
	assert_int_equal(v.posts, 3);
	assert_int_equal(v.unauthorized, 0);
	assert_false(v.token_in_url);
	/* the acks came one batch at a time */
	int64_t acks[8];
	size_t na = 0;
	for (size_t i = 0; i < x->nmsgs; i++)
		if (x->msgs[i].kind == PK_HUB_MSG_ACKED && na < 8)
			acks[na++] = x->msgs[i].value;
	assert_int_equal(na, 3);
	assert_int_equal(acks[0], 5);
	assert_int_equal(acks[1], 10);
	assert_int_equal(acks[2], 12);
}

/* A state change is at the hub at once (the session kicks the link after
 * every journal write), not at the next look at the outbox (a minute). */
static void test_kick_sends_at_once(void **state)
{
	fx *x = *state;
	insert_sale(x, "k", 1);
	pk_hublink_options o = fast_options(x);
	start(x, &o);
	assert_true(HUB_WAIT(x, 5000, x->hub.acked == 2));
	insert_sale(x, "k", 2);
	int64_t last = last_seq(x);
	pk_hublink_kick(x->link);
	assert_true(HUB_WAIT(x, 3000, x->hub.acked == last));
	assert_all_in_order(x, last);
}

/* The hub is away (503) for a while: the link keeps every event, waits
 * 1 s doubling to 60 s in real life (50 ms to 200 ms here) between tries,
 * says the hub is down, and catches up in order when it is back. */
static void test_offline_then_catch_up(void **state)
{
	fx *x = *state;
	hub_set(&x->hub, HUB_503);
	for (int i = 0; i < 4; i++)
		insert_sale(x, "k", 3);
	int64_t last = last_seq(x);
	pk_hublink_options o = fast_options(x);
	o.batch = 6;
	start(x, &o);
	pk_hub_msg m;
	assert_true(take_until(x, PK_HUB_MSG_DOWN, 5000, &m));
	assert_string_equal(m.reason, "http_503");
	assert_false(pk_hublink_healthy(x->link));
	int64_t waits[5];
	size_t nw = 0;
	while (nw < 5) {
		for (size_t i = 0; i < x->nmsgs && nw < 5; i++) {
			if (x->msgs[i].kind != PK_HUB_MSG_EVENTS_RETRY)
				continue;
			assert_string_equal(x->msgs[i].reason, "http_503");
			waits[nw++] = x->msgs[i].value;
		}
		if (nw < 5) {
			nw = 0;
			assert_true(take_until(x, PK_HUB_MSG_EVENTS_RETRY, 5000, NULL));
		}
	}
	assert_int_equal(waits[0], 50);
	assert_int_equal(waits[1], 100);
	assert_int_equal(waits[2], 200);
	assert_int_equal(waits[3], 200);
	assert_int_equal(waits[4], 200);
	assert_int_equal(cursor(x, PK_HUB_EVENTS_ACKED), 0);

	/* more sales while it is away */
	insert_sale(x, "k", 2);
	last = last_seq(x);
	pk_hublink_kick(x->link);
	hub_set(&x->hub, HUB_OK);
	assert_true(take_until(x, PK_HUB_MSG_UP, 5000, NULL));
	assert_true(pk_hublink_healthy(x->link));
	do
		assert_true(take_until(x, PK_HUB_MSG_ACKED, 5000, &m));
	while (m.value < last);
	assert_all_in_order(x, last);
	assert_int_equal(cursor(x, PK_HUB_EVENTS_ACKED), last);
}

/* News is handed over; the next long poll asks after what the kiosk has
 * stored, so news it could not store comes again. */
static void test_news_until_stored(void **state)
{
	fx *x = *state;
	hub_add_news(&x->hub, 5, "k-abc", 10050);
	pk_hublink_options o = fast_options(x);
	start(x, &o);
	pk_hub_msg m;
	assert_true(take_until(x, PK_HUB_MSG_NEWS, 5000, &m));
	assert_int_equal(m.news.id, 5);
	assert_string_equal(m.news.ctid, "k-abc");
	assert_string_equal(m.news.outcome, "paid");
	assert_true(m.news.has_amount);
	assert_int_equal(m.news.amount, 10050);
	assert_string_equal(m.news.currency, "INR");
	assert_string_equal(m.news.transaction_id, "UTR5");
	assert_true(take_until(x, PK_HUB_MSG_NEWS_END, 5000, &m));
	assert_int_equal(m.value, 5);
	/* no new poll until the kiosk says it dealt with the batch */
	assert_int_equal(hub_seen(x).polls, 1);

	/* the kiosk applied it and stored news_after: the next poll is after 5 */
	pk_error err;
	assert_int_equal(pk_journal_hub_cursor_set(x->t.j, PK_HUB_NEWS_AFTER, 5, &err), 0);
	pk_hublink_news_done(x->link);
	assert_true(HUB_WAIT(x, 3000, x->hub.polls == 2 && x->hub.last_after == 5));

	/* news 6 comes while the poll is held; the kiosk cannot store it */
	hub_add_news(&x->hub, 6, "k-def", 500);
	assert_true(take_until(x, PK_HUB_MSG_NEWS, 5000, &m));
	assert_int_equal(m.news.id, 6);
	assert_true(take_until(x, PK_HUB_MSG_NEWS_END, 5000, NULL));
	pk_hublink_news_done(x->link);
	/* ... so it is asked for again, after what is on disk */
	assert_true(HUB_WAIT(x, 3000, x->hub.polls == 3));
	assert_int_equal(hub_seen(x).last_after, 5);
	assert_true(take_until(x, PK_HUB_MSG_NEWS, 5000, &m));
	assert_int_equal(m.news.id, 6);
	assert_true(take_until(x, PK_HUB_MSG_NEWS_END, 5000, NULL));
	assert_int_equal(pk_journal_hub_cursor_set(x->t.j, PK_HUB_NEWS_AFTER, 6, &err), 0);
	pk_hublink_news_done(x->link);
	assert_true(HUB_WAIT(x, 3000, x->hub.last_after == 6));
}

/* A hub that takes the long poll and never answers is down after
 * healthy_within_s; stopping does not wait for the open request. */
static void test_hanging_hub_is_down_and_stop_is_prompt(void **state)
{
	fx *x = *state;
	x->hub.long_poll_max_ms = 100; /* empty answers come quickly */
	pk_hublink_options o = fast_options(x);
	o.healthy_within_s = 1;
	start(x, &o);
	assert_true(take_until(x, PK_HUB_MSG_UP, 5000, NULL));
	assert_true(pk_hublink_healthy(x->link));
	hub_set(&x->hub, HUB_HANG);
	pk_hub_msg m;
	int64_t t0 = now_ms();
	assert_true(take_until(x, PK_HUB_MSG_DOWN, 5000, &m));
	assert_string_equal(m.reason, "no_answer");
	assert_true(now_ms() - t0 < 3000);
	assert_false(pk_hublink_healthy(x->link));
	t0 = now_ms();
	pk_hublink_stop(x->link, 1000);
	x->link = NULL;
	/* nothing to send: no drain; the long poll (35 s) is dropped */
	int64_t took = now_ms() - t0;
	if (took > 1500)
		fail_msg("stopping took %lld ms", (long long)took);
}

/* A token the hub does not know: said plainly (down, http_401). */
static void test_unknown_token(void **state)
{
	fx *x = *state;
	insert_sale(x, "k", 0);
	pk_hublink_options o = fast_options(x);
	o.token = "not-the-token";
	start(x, &o);
	pk_hub_msg m;
	assert_true(take_until(x, PK_HUB_MSG_DOWN, 5000, &m));
	assert_string_equal(m.reason, "http_401");
	assert_true(take_until(x, PK_HUB_MSG_EVENTS_RETRY, 5000, &m));
	assert_string_equal(m.reason, "http_401");
	assert_int_equal(cursor(x, PK_HUB_EVENTS_ACKED), 0);
	/* a token that cannot go into a header is refused at once */
	pk_hublink *other = NULL;
	pk_error err;
	o.token = "two words";
	assert_int_equal(pk_hublink_start(&other, &o, &err), -1);
	assert_null(other);
	assert_null(strstr(err.msg, "two words"));
}

/* After a restart the link goes on from the journal's cursors: nothing
 * the hub has is sent again, the news poll asks after news_after. */
static void test_restart_goes_on_from_the_cursors(void **state)
{
	fx *x = *state;
	insert_sale(x, "k", 2);
	int64_t last = last_seq(x);
	pk_hublink_options o = fast_options(x);
	start(x, &o);
	pk_hub_msg m;
	do /* (acknowledged and stored) */
		assert_true(take_until(x, PK_HUB_MSG_ACKED, 5000, &m));
	while (m.value < last);
	pk_hublink_stop(x->link, 0);
	x->link = NULL;
	pk_error err;
	assert_int_equal(pk_journal_hub_cursor_set(x->t.j, PK_HUB_NEWS_AFTER, 41, &err), 0);
	seen before = hub_seen(x);
	assert_int_equal(before.received, last);

	start(x, &o);
	assert_true(HUB_WAIT(x, 5000, x->hub.max_after == 41));
	/* a new sale: only its own events go, nothing the hub had */
	insert_sale(x, "k", 1);
	int64_t now_last = last_seq(x);
	pk_hublink_kick(x->link);
	assert_true(HUB_WAIT(x, 5000, x->hub.acked == now_last));
	assert_int_equal(hub_seen(x).received, now_last);
	assert_all_in_order(x, now_last);
}

/* What was recorded just before the program ends still reaches a hub that
 * answers (pay's last state, the kiosk's last sale). */
static void test_stop_drains_the_outbox(void **state)
{
	fx *x = *state;
	pk_hublink_options o = fast_options(x);
	start(x, &o);
	assert_true(take_until(x, PK_HUB_MSG_UP, 5000, NULL));
	insert_sale(x, "k", 3);
	int64_t last = last_seq(x);
	pk_hublink_kick(x->link);
	pk_hublink_stop(x->link, 3000);
	x->link = NULL;
	assert_int_equal(hub_seen(x).acked, last);
	assert_int_equal(cursor(x, PK_HUB_EVENTS_ACKED), last);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN); /* as the kiosk does (pk_pump_block_signals) */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_events_reach_the_hub_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kick_sends_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offline_then_catch_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_news_until_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hanging_hub_is_down_and_stop_is_prompt, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unknown_token, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_goes_on_from_the_cursors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stop_drains_the_outbox, setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
