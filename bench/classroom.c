/* classroom.c - a classroom of kiosks against one sandbox: each simulated
 * kiosk creates one UPI order, then polls its status once a second over one
 * kept-alive connection (libcurl multi, one easy handle per kiosk).
 *   classroom URL KIOSKS SECONDS      secret from PAYKASSMA_SANDBOX_SECRET
 * Prints:
 *   classroom kiosks=N seconds=S requests=R errors=E rps=X p50_ms=A p99_ms=B
 *             max_ms=C connections=K
 * An error is a transport failure, an HTTP status other than 200, or an
 * answer that is not the expected "ok"/"processing"/"success". */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct kiosk {
	CURL *easy;
	char url[512];
	char body[512];
	char answer[4096];
	size_t answer_len;
	char order_id[64];
	double sent_ms;       /* when the request in flight was sent, 0 = idle */
	double next_ms;       /* when to send the next poll */
	int created;
} kiosk;

typedef struct run {
	kiosk *k;
	int n;
	double *lat;          /* latencies in ms, one per finished request */
	size_t nlat, caplat;
	long errors;
	long connects;
} run;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static size_t on_data(char *p, size_t size, size_t nmemb, void *user)
{
	kiosk *k = user;
	size_t n = size * nmemb, room = sizeof k->answer - 1 - k->answer_len;

	if (n > room)
		n = room;  /* keep the head; the answers we expect are tiny */
	memcpy(k->answer + k->answer_len, p, n);
	k->answer_len += n;
	k->answer[k->answer_len] = '\0';
	return size * nmemb;
}

static int send_request(CURLM *multi, kiosk *k, const char *base, const char *secret,
			double t)
{
	if (!k->created) {
		snprintf(k->url, sizeof k->url, "%s/api/v1/payment/create/upi_s?secret=%s",
			 base, secret);
	} else {
		snprintf(k->url, sizeof k->url, "%s/api/v1/payment/upi_s/status?secret=%s",
			 base, secret);
		snprintf(k->body, sizeof k->body, "{\"order_id\":\"%s\"}", k->order_id);
	}
	curl_easy_setopt(k->easy, CURLOPT_URL, k->url);
	curl_easy_setopt(k->easy, CURLOPT_POSTFIELDS, k->body);
	k->answer_len = 0;
	k->answer[0] = '\0';
	k->sent_ms = t;
	return curl_multi_add_handle(multi, k->easy) == CURLM_OK ? 0 : -1;
}

static void add_latency(run *r, double ms)
{
	if (r->nlat == r->caplat) {
		size_t cap = r->caplat ? r->caplat * 2 : 1024;
		double *p = realloc(r->lat, cap * sizeof *p);

		if (!p)
			return;
		r->lat = p;
		r->caplat = cap;
	}
	r->lat[r->nlat++] = ms;
}

/* A finished request: check the answer, remember the order id. */
static void finish(run *r, kiosk *k, CURLcode res, double t)
{
	long code = 0, conns = 0;

	curl_easy_getinfo(k->easy, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(k->easy, CURLINFO_NUM_CONNECTS, &conns);
	r->connects += conns;
	add_latency(r, t - k->sent_ms);
	k->sent_ms = 0;
	if (res != CURLE_OK || code != 200) {
		r->errors++;
		return;
	}
	if (!k->created) {
		const char *p = strstr(k->answer, "\"order_id\"");
		size_t n = 0;

		if (p)
			p = strchr(p + 10, '"');
		if (p) {
			p++;
			while (p[n] && p[n] != '"' && n < sizeof k->order_id - 1)
				n++;
		}
		if (!p || n == 0) {
			r->errors++;
			return;
		}
		memcpy(k->order_id, p, n);
		k->order_id[n] = '\0';
		k->created = 1;
	} else if (!strstr(k->answer, "\"processing\"") && !strstr(k->answer, "\"success\"")) {
		r->errors++;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double pct(const double *v, size_t n, double p)
{
	size_t i;

	if (n == 0)
		return 0;
	i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

int main(int argc, char **argv)
{
	const char *secret = getenv("PAYKASSMA_SANDBOX_SECRET");
	run r = { 0 };
	CURLM *multi;
	double start, end, t;
	int seconds, rc = 0;

	if (argc != 4 || !secret) {
		fprintf(stderr, "usage: PAYKASSMA_SANDBOX_SECRET=... classroom URL KIOSKS SECONDS\n");
		return 2;
	}
	r.n = atoi(argv[2]);
	seconds = atoi(argv[3]);
	if (r.n < 1 || seconds < 1)
		return 2;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	multi = curl_multi_init();
	r.k = calloc((size_t)r.n, sizeof *r.k);
	if (!multi || !r.k)
		return 1;
	start = now_ms();
	end = start + seconds * 1000.0;
	for (int i = 0; i < r.n; i++) {
		kiosk *k = &r.k[i];

		k->easy = curl_easy_init();
		if (!k->easy)
			return 1;
		curl_easy_setopt(k->easy, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(k->easy, CURLOPT_WRITEDATA, k);
		curl_easy_setopt(k->easy, CURLOPT_TIMEOUT_MS, 10000L);
		curl_easy_setopt(k->easy, CURLOPT_NOSIGNAL, 1L);
		snprintf(k->body, sizeof k->body,
			 "{\"mode\":\"upi_collect_qr\",\"currency\":\"INR\",\"label\":\"bench-%d\","
			 "\"wallet_type\":\"upi_s\",\"amount\":100,"
			 "\"custom_transaction_id\":\"bench-%ld-%d\"}",
			 i, (long)getpid(), i);
		/* kiosks spread over the first second, like a real room */
		k->next_ms = start + 1000.0 * i / r.n;
	}
	for (;;) {
		CURLMsg *msg;
		int running = 0, left, busy = 0;
		double wake;

		t = now_ms();
		for (int i = 0; i < r.n; i++) {
			kiosk *k = &r.k[i];

			if (k->sent_ms == 0 && t < end && t >= k->next_ms) {
				k->next_ms += 1000.0;
				if (send_request(multi, k, argv[1], secret, t) < 0)
					r.errors++;
			}
		}
		curl_multi_perform(multi, &running);
		while ((msg = curl_multi_info_read(multi, &left))) {
			kiosk *k = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			for (int i = 0; i < r.n && !k; i++)
				if (r.k[i].easy == msg->easy_handle)
					k = &r.k[i];
			curl_multi_remove_handle(multi, msg->easy_handle);
			finish(&r, k, msg->data.result, now_ms());
		}
		t = now_ms();
		wake = end;
		for (int i = 0; i < r.n; i++) {
			if (r.k[i].sent_ms != 0)
				busy = 1;
			else if (r.k[i].next_ms < wake)
				wake = r.k[i].next_ms;
		}
		if (t >= end && !busy)
			break;
		int wait = wake > t ? (int)(wake - t) + 1 : 0;
		curl_multi_poll(multi, NULL, 0, busy && wait > 50 ? 50 : wait, NULL);
	}
	double elapsed = (now_ms() - start) / 1000.0;

	qsort(r.lat, r.nlat, sizeof *r.lat, cmp_double);
	printf("classroom kiosks=%d seconds=%d requests=%zu errors=%ld rps=%.1f "
	       "p50_ms=%.2f p99_ms=%.2f max_ms=%.2f connections=%ld\n",
	       r.n, seconds, r.nlat, r.errors, (double)r.nlat / elapsed,
	       pct(r.lat, r.nlat, 0.50), pct(r.lat, r.nlat, 0.99),
	       r.nlat ? r.lat[r.nlat - 1] : 0.0, r.connects);
	if (r.nlat == 0)
		rc = 1;
	for (int i = 0; i < r.n; i++)
		curl_easy_cleanup(r.k[i].easy);
	curl_multi_cleanup(multi);
	curl_global_cleanup();
	free(r.k);
	free(r.lat);
	return rc;
}
