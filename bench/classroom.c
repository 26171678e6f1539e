/* classroom.c - a classroom of kiosks against one sandbox: each simulated
 * kiosk (a thread with its own libcurl easy handle, so its own kept-alive
 * connection, like a real kiosk) creates one UPI order, then polls its
 * status once a second.  Kiosks start spread over the first second.
 *   classroom URL KIOSKS SECONDS      secret from PAYKASSMA_SANDBOX_SECRET
 * Prints:
 *   classroom kiosks=N seconds=S requests=R errors=E rps=X p50_ms=A p99_ms=B
 *             max_ms=C connections=K
 * An error is a transport failure, an HTTP status other than 200, or an
 * answer that is not the expected "ok" (create) / "processing" or
 * "success" (status).  connections = connections libcurl opened. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct kiosk {
	int index, count, seconds;
	const char *base, *secret;
	double start_ms;
	char answer[4096];
	size_t answer_len;
	double *lat;          /* latencies in ms, one per finished request */
	size_t nlat, caplat;
	long errors, connects;
} kiosk;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_until(double t_ms)
{
	double d = t_ms - now_ms();

	if (d > 0) {
		struct timespec ts = { .tv_sec = (time_t)(d / 1000),
				       .tv_nsec = (long)((d - (double)(long)(d / 1000) * 1000) * 1e6) };
		nanosleep(&ts, NULL);
	}
}

static size_t on_data(char *p, size_t size, size_t nmemb, void *user)
{
	kiosk *k = user;
	size_t n = size * nmemb, room = sizeof k->answer - 1 - k->answer_len;

	if (n > room)
		n = room;  /* keep the head; the answers we expect are small */
	memcpy(k->answer + k->answer_len, p, n);
	k->answer_len += n;
	k->answer[k->answer_len] = '\0';
	return size * nmemb;
}

static void add_latency(kiosk *k, double ms)
{
	if (k->nlat == k->caplat) {
		size_t cap = k->caplat ? k->caplat * 2 : 128;
		double *p = realloc(k->lat, cap * sizeof *p);

		if (!p)
			return;
		k->lat = p;
		k->caplat = cap;
	}
	k->lat[k->nlat++] = ms;
}

/* One request; 0 with the answer in k->answer, -1 counted as an error. */
static int request(kiosk *k, CURL *easy, const char *url, const char *body)
{
	long code = 0, conns = 0;
	double t0 = now_ms();
	CURLcode res;

	curl_easy_setopt(easy, CURLOPT_URL, url);
	curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body);
	k->answer_len = 0;
	k->answer[0] = '\0';
	res = curl_easy_perform(easy);
	add_latency(k, now_ms() - t0);
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &conns);
	k->connects += conns;
	if (res != CURLE_OK || code != 200) {
		k->errors++;
		return -1;
	}
	return 0;
}

static void *kiosk_main(void *arg)
{
	kiosk *k = arg;
	CURL *easy = curl_easy_init();
	char url[512], body[512], order[64] = "";
	double end = k->start_ms + k->seconds * 1000.0, next;

	if (!easy) {
		k->errors++;
		return NULL;
	}
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, k);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	next = k->start_ms + 1000.0 * k->index / k->count;
	sleep_until(next);

	snprintf(url, sizeof url, "%s/api/v1/payment/create/upi_s?secret=%s", k->base, k->secret);
	snprintf(body, sizeof body,
		 "{\"mode\":\"upi_collect_qr\",\"currency\":\"INR\",\"label\":\"bench-%d\","
		 "\"wallet_type\":\"upi_s\",\"amount\":100,"
		 "\"custom_transaction_id\":\"bench-%ld-%d\"}",
		 k->index, (long)getpid(), k->index);
	if (request(k, easy, url, body) == 0) {
		const char *p = strstr(k->answer, "\"order_id\"");
		size_t n = 0;

		p = p ? strchr(p + 10, '"') : NULL;
		if (p) {
			p++;
			while (p[n] && p[n] != '"' && n < sizeof order - 1)
				n++;
			memcpy(order, p, n);
			order[n] = '\0';
		}
		if (!order[0])
			k->errors++;
	}
	if (!order[0])
		goto out;
	snprintf(url, sizeof url, "%s/api/v1/payment/upi_s/status?secret=%s", k->base, k->secret);
	snprintf(body, sizeof body, "{\"order_id\":\"%s\"}", order);
	for (next += 1000.0; next < end; next += 1000.0) {
		sleep_until(next);
		if (request(k, easy, url, body) == 0 &&
		    !strstr(k->answer, "\"processing\"") && !strstr(k->answer, "\"success\""))
			k->errors++;
	}
out:
	curl_easy_cleanup(easy);
	return NULL;
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
	int n, seconds;
	kiosk *k;
	pthread_t *th;
	double start, elapsed, *all;
	size_t total = 0;
	long errors = 0, connects = 0;

	if (argc != 4 || !secret) {
		fprintf(stderr, "usage: PAYKASSMA_SANDBOX_SECRET=... classroom URL KIOSKS SECONDS\n");
		return 2;
	}
	n = atoi(argv[2]);
	seconds = atoi(argv[3]);
	if (n < 1 || seconds < 1)
		return 2;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	k = calloc((size_t)n, sizeof *k);
	th = calloc((size_t)n, sizeof *th);
	if (!k || !th)
		return 1;
	start = now_ms() + 50;
	for (int i = 0; i < n; i++) {
		k[i] = (kiosk){ .index = i, .count = n, .seconds = seconds, .base = argv[1],
				.secret = secret, .start_ms = start };
		if (pthread_create(&th[i], NULL, kiosk_main, &k[i]) != 0) {
			fprintf(stderr, "classroom: cannot start kiosk %d\n", i);
			return 1;
		}
	}
	for (int i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		total += k[i].nlat;
		errors += k[i].errors;
		connects += k[i].connects;
	}
	elapsed = (now_ms() - start) / 1000.0;
	all = malloc((total ? total : 1) * sizeof *all);
	if (!all)
		return 1;
	total = 0;
	for (int i = 0; i < n; i++) {
		memcpy(all + total, k[i].lat, k[i].nlat * sizeof *all);
		total += k[i].nlat;
		free(k[i].lat);
	}
	qsort(all, total, sizeof *all, cmp_double);
	printf("classroom kiosks=%d seconds=%d requests=%zu errors=%ld rps=%.1f "
	       "p50_ms=%.2f p99_ms=%.2f max_ms=%.2f connections=%ld\n",
	       n, seconds, total, errors, (double)total / elapsed,
	       pct(all, total, 0.50), pct(all, total, 0.99),
	       total ? all[total - 1] : 0.0, connects);
	free(all);
	free(k);
	free(th);
	curl_global_cleanup();
	return total ? 0 : 1;
}
