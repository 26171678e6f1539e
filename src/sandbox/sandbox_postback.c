/* sandbox_postback.c - deposit postbacks to --postback-url: POST the spec
 * 2c JSON, re-send with backoff (1, 2, 4 ... 30 s) until HTTP 200 with
 * {"status":"ok"}, as Paykassma does. */
#include "sandbox/sandbox.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

void sb_postback_queue(sb_state *st, const char *json)
{
	if (st->n_pb == st->cap_pb) {
		size_t cap = st->cap_pb ? st->cap_pb * 2 : 8;
		sb_postback *p = realloc(st->pb, cap * sizeof *p);
		if (!p) {
			free((char *)json);
			return;
		}
		st->pb = p;
		st->cap_pb = cap;
	}
	st->pb[st->n_pb++] = (sb_postback){ .json = (char *)json, .next_at = time(NULL) };
	pthread_cond_broadcast(&st->cond);
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

static bool deliver(const char *url, const char *json)
{
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
	long code = 0;
	bool ok = curl_easy_perform(h) == CURLE_OK &&
		  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK && code == 200;
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
		st->postback_attempts++;
		pthread_mutex_unlock(&st->mu);
		bool ok = json && deliver(url, json);
		free(json);
		pthread_mutex_lock(&st->mu);
		sb_postback *p = &st->pb[idx];
		if (ok) {
			p->delivered = true;
			st->postback_delivered++;
		} else {
			int delay = 1 << (p->attempts < 5 ? p->attempts : 5);
			p->attempts++;
			p->next_at = time(NULL) + (delay > 30 ? 30 : delay);
		}
	}
	pthread_mutex_unlock(&st->mu);
	return NULL;
}

int sb_postback_start(sb_state *st, pthread_t *thread)
{
	return pthread_create(thread, NULL, postback_thread, st) == 0 ? 0 : -1;
}
