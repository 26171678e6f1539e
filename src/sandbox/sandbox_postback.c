/* sandbox_postback.c - deposit postbacks to --postback-url: POST the spec
 * 2c JSON (built and signed once by sandbox_api.c), re-send with backoff
 * (1, 2, 4 ... 30 s) until HTTP 200 with {"status":"ok"}, as Paykassma
 * does.  Every attempt sends the same bytes. */
#include "sandbox/sandbox.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

int sb_postback_queue(sb_state *st, sb_postback *pb)
{
	if (st->n_pb == st->cap_pb) {
		size_t cap = st->cap_pb ? st->cap_pb * 2 : 8;
		sb_postback *p = realloc(st->pb, cap * sizeof *p);
		if (!p) {
			free(pb->json);
			pb->json = NULL;
			return -1;
		}
		st->pb = p;
		st->cap_pb = cap;
	}
	sb_postback *p = &st->pb[st->n_pb++];
	*p = *pb;
	p->attempts = 0;
	p->last_http = 0;
	p->delivered = false;
	p->next_at = time(NULL);
	pb->json = NULL;
	pthread_cond_broadcast(&st->cond);
	return 0;
}

typedef struct answer { char data[256]; size_t len; } answer;

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	answer *a = ud;
	size_t len = size * n;
	size_t room = sizeof a->data - 1 - a->len;
	size_t take = len < room ? len : room;
	memcpy(a->data + a->len, p, take);
	a->len += take;
	a->data[a->len] = '\0';
	return len;
}

/* POST json; true when answered 200 {"status":"ok"}.  *http: the HTTP
 * status, 0 when there was no answer. */
static bool deliver(const char *url, const char *json, long *http)
{
	*http = 0;
	CURL *h = curl_easy_init();
	if (!h)
		return false;
	answer a = { .len = 0 };
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
	bool ok = curl_easy_perform(h) == CURLE_OK &&
		  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, http) == CURLE_OK && *http == 200;
	if (ok) {
		cJSON *o = cJSON_Parse(a.data);
		cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "status");
		ok = cJSON_IsString(s) && strcmp(s->valuestring, "ok") == 0;
		cJSON_Delete(o);
	}
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	return ok;
}

static void *postback_thread(void *arg)
{
	sb_state *st = arg;
	pthread_mutex_lock(&st->mu);
	while (!st->stopping) {
		time_t now = time(NULL);
		sb_postback *due = NULL;
		for (size_t i = 0; i < st->n_pb && !due; i++)
			if (!st->pb[i].delivered && st->pb[i].next_at <= now)
				due = &st->pb[i];
		if (!due) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += 200000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&st->cond, &st->mu, &until);
			continue;
		}
		char *json = strdup(due->json);
		size_t idx = (size_t)(due - st->pb);
		char url[sizeof st->opt.postback_url];
		memcpy(url, st->opt.postback_url, sizeof url);
		due->attempts++;
		st->postback_attempts++;
		pthread_mutex_unlock(&st->mu);
		long http = 0;
		bool ok = json && deliver(url, json, &http);
		free(json);
		pthread_mutex_lock(&st->mu);
		sb_postback *p = &st->pb[idx]; /* st->pb may have moved */
		p->last_http = http;
		if (ok) {
			p->delivered = true;
			st->postback_delivered++;
		} else {
			int delay = 1 << (p->attempts - 1 < 5 ? p->attempts - 1 : 5);
			p->next_at = time(NULL) + (delay > 30 ? 30 : delay);
		}
		if (st->log) { /* the body and the keys are not logged */
			char when[32];
			sb_log_stamp(when, sizeof when);
			fprintf(st->log, "%s POSTBACK %ld attempt=%d delivered=%s ctid=%s\n", when,
				http, p->attempts, ok ? "yes" : "no", p->ctid);
			fflush(st->log);
		}
	}
	pthread_mutex_unlock(&st->mu);
	return NULL;
}

int sb_postback_start(sb_state *st, pthread_t *thread)
{
	return pthread_create(thread, NULL, postback_thread, st) == 0 ? 0 : -1;
}
