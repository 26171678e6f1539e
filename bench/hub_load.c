/* hub_load.c - load generator for bench/hub: many concurrent keep-alive
 * HTTP/1.1 connections over loopback, one request at a time on each
 * (closed loop), every request timed from its first byte sent to the last
 * byte of its answer.
 *
 *   hub_load HOST PORT CONNS FILE [RATE]
 *
 * RATE (requests/s, default 0 = as fast as the answers come): open loop
 * for the "*" requests: request i is due at start + i/RATE and its time
 * runs from then, so waiting for a free connection counts (no coordinated
 * omission).
 *
 * FILE: one request per line, four TAB-separated fields:
 *   CONN  the connection that must send it (0..CONNS-1, in file order:
 *         a kiosk's events go in order on its own connection), or "*"
 *         (any free connection)
 *   PATH  /paykassma/postback, /kiosk/events ...
 *   HDR   one extra header line ("Authorization: Bearer ...") or "-"
 *   BODY  the JSON body (one line), sent with POST
 * Prints one line:
 *   hub_load requests=N ok=N errors=N secs=S rps=R p50_ms=X p99_ms=X max_ms=X
 *   codes=200:N,503:N
 * ok: HTTP 200.  errors: anything else (another status, a connection that
 * closed before the answer, no answer in 10 s).  Exit 0 if every request
 * got an answer of any status, 1 otherwise.
 * HUB_LOAD_TRACE=FILE (environment): one line per request, in file order:
 * "START_MS LATENCY_MS CODE", START_MS from the run's start (when it was
 * due, with RATE), to see whether slow answers come together (a stall) or
 * spread out. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct req {
	int conn;          /* -1: any */
	char *wire;        /* the whole request */
	size_t len;
	double t0;         /* when its time started (ms since the run's start) */
	double ms;         /* answer time, -1 none */
	int code;
} req;

typedef struct conn {
	int fd;
	int idx;           /* the request in flight, -1 none */
	size_t sent;
	char *in;
	size_t in_len, in_cap;
	double t0;
	size_t *own;       /* its own requests, in order */
	size_t n_own, next_own;
} conn;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int connect_to(const char *host, int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
	    (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 && errno != EINPROGRESS)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Is `word` in [p, end) (case-insensitive)? */
static int has_word(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);
	for (; p + n <= end; p++)
		if (!strncasecmp(p, word, n))
			return 1;
	return 0;
}

/* A whole answer in c->in?  1 yes (*code, *close_after), 0 not yet, -1 bad. */
static int answer_done(conn *c, int *code, int *close_after, size_t *used)
{
	char *end = NULL;
	for (size_t i = 0; i + 3 < c->in_len; i++)
		if (!memcmp(c->in + i, "\r\n\r\n", 4)) {
			end = c->in + i + 4;
			break;
		}
	if (!end)
		return 0;
	if (sscanf(c->in, "HTTP/1.%*d %d", code) != 1)
		return -1;
	size_t head = (size_t)(end - c->in);
	long clen = -1;
	int chunked = 0;
	*close_after = 0;
	for (char *p = c->in; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		if (!strncasecmp(p, "Content-Length:", 15))
			clen = strtol(p + 15, NULL, 10);
		else if (!strncasecmp(p, "Transfer-Encoding:", 18))
			chunked = has_word(p + 18, nl, "chunked");
		else if (!strncasecmp(p, "Connection:", 11))
			*close_after = has_word(p + 11, nl, "close");
		p = nl + 1;
	}
	if (chunked) { /* the last chunk: "0" on a line of its own, then an empty line */
		for (size_t i = head; i + 5 <= c->in_len; i++)
			if (!memcmp(c->in + i, "0\r\n\r\n", 5) && (i == head || c->in[i - 1] == '\n')) {
				*used = i + 5;
				return 1;
			}
		return 0;
	}
	if (clen < 0)
		clen = 0;
	if (c->in_len < head + (size_t)clen)
		return 0;
	*used = head + (size_t)clen;
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: hub_load HOST PORT CONNS FILE [RATE]\n");
		return 2;
	}
	const char *host = argv[1];
	int port = atoi(argv[2]), nconn = atoi(argv[3]);
	double rate = argc == 6 ? atof(argv[5]) : 0;
	if (port <= 0 || nconn <= 0 || nconn > 4096) {
		fprintf(stderr, "hub_load: bad PORT or CONNS\n");
		return 2;
	}
	FILE *f = fopen(argv[4], "r");
	if (!f) {
		perror(argv[4]);
		return 2;
	}
	req *reqs = NULL;
	size_t nreq = 0, cap = 0;
	char *line = NULL;
	size_t lcap = 0;
	ssize_t n;
	while ((n = getline(&line, &lcap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		char *f1 = line, *f2 = strchr(f1, '\t');
		char *f3 = f2 ? strchr(f2 + 1, '\t') : NULL;
		char *f4 = f3 ? strchr(f3 + 1, '\t') : NULL;
		if (!f4) {
			fprintf(stderr, "hub_load: line %zu: need CONN PATH HDR BODY\n", nreq + 1);
			return 2;
		}
		*f2++ = '\0';
		*f3++ = '\0';
		*f4++ = '\0';
		if (nreq == cap) {
			cap = cap ? cap * 2 : 1024;
			reqs = realloc(reqs, cap * sizeof *reqs);
			if (!reqs)
				return 2;
		}
		req *r = &reqs[nreq++];
		r->conn = strcmp(f1, "*") ? atoi(f1) % nconn : -1;
		size_t blen = strlen(f4);
		size_t wcap = blen + strlen(f2) + strlen(f3) + 256;
		r->wire = malloc(wcap);
		if (!r->wire)
			return 2;
		int w = snprintf(r->wire, wcap,
				 "POST %s HTTP/1.1\r\nHost: %s:%d\r\n%s%s"
				 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
				 f2, host, port, strcmp(f3, "-") ? f3 : "", strcmp(f3, "-") ? "\r\n" : "",
				 blen);
		memcpy(r->wire + w, f4, blen);
		r->len = (size_t)w + blen;
		r->ms = -1;
		r->t0 = 0;
		r->code = 0;
	}
	free(line);
	fclose(f);

	conn *cs = calloc((size_t)nconn, sizeof *cs);
	size_t *any = malloc((nreq + 1) * sizeof *any);
	size_t n_any = 0, next_any = 0;
	if (!cs || !any)
		return 2;
	for (int i = 0; i < nconn; i++) {
		cs[i].own = malloc((nreq + 1) * sizeof(size_t));
		if (!cs[i].own)
			return 2;
	}
	for (size_t i = 0; i < nreq; i++) {
		if (reqs[i].conn < 0) {
			any[n_any++] = i;
		} else {
			conn *c = &cs[reqs[i].conn];
			c->own[c->n_own++] = i;
		}
	}
	int ep = epoll_create1(EPOLL_CLOEXEC);
	size_t done = 0;
	double start = now_ms(), last_progress = start;
	for (int i = 0; i < nconn; i++) {
		cs[i].fd = -1;
		cs[i].idx = -1;
	}
	struct epoll_event evs[256];
	while (done < nreq) {
		/* give every idle connection its next request (that is due) */
		double now = now_ms(), sched = now;
		int wait_ms = 200;
		for (int i = 0; i < nconn; i++) {
			conn *c = &cs[i];
			if (c->idx >= 0)
				continue;
			size_t pick;
			sched = now;
			if (c->next_own < c->n_own) {
				pick = c->own[c->next_own++];
			} else if (next_any < n_any) {
				if (rate > 0) {
					sched = start + (double)next_any * 1000.0 / rate;
					if (sched > now) {
						int w = (int)(sched - now) + 1;
						wait_ms = w < wait_ms ? w : wait_ms;
						continue;
					}
				}
				pick = any[next_any++];
			} else {
				continue;
			}
			if (c->fd < 0) {
				c->fd = connect_to(host, port);
				if (c->fd < 0) {
					reqs[pick].code = -1;
					done++;
					continue;
				}
				struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.u32 = (uint32_t)i };
				epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
			} else {
				struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.u32 = (uint32_t)i };
				epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
			}
			c->idx = (int)pick;
			c->sent = 0;
			c->in_len = 0;
			c->t0 = sched;
			reqs[pick].t0 = sched - start;
		}
		if (done >= nreq)
			break;
		int k = epoll_wait(ep, evs, 256, wait_ms);
		double t = now_ms();
		if (k <= 0) {
			int idle = 1; /* nothing in flight: waiting for the next due time */
			for (int i = 0; i < nconn && idle; i++)
				idle = cs[i].idx < 0;
			if (idle)
				last_progress = t;
			if (t - last_progress > 10000) {
				fprintf(stderr, "hub_load: no answer for 10 s\n");
				break;
			}
			continue;
		}
		for (int e = 0; e < k; e++) {
			conn *c = &cs[evs[e].data.u32];
			if (c->idx < 0 || c->fd < 0)
				continue;
			req *r = &reqs[c->idx];
			int broken = 0;
			if ((evs[e].events & EPOLLOUT) && c->sent < r->len) {
				ssize_t w = send(c->fd, r->wire + c->sent, r->len - c->sent, MSG_NOSIGNAL);
				if (w > 0)
					c->sent += (size_t)w;
				else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
					broken = 1;
				if (c->sent == r->len) {
					struct epoll_event ev = { .events = EPOLLIN, .data.u32 = evs[e].data.u32 };
					epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
				}
			}
			if (!broken && (evs[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
				for (;;) {
					if (c->in_cap - c->in_len < 4096) {
						c->in_cap = c->in_cap ? c->in_cap * 2 : 16384;
						c->in = realloc(c->in, c->in_cap);
						if (!c->in)
							return 2;
					}
					ssize_t rd = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len - 1, 0);
					if (rd > 0) {
						c->in_len += (size_t)rd;
						continue;
					}
					if (rd == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
						broken = 1;
					break;
				}
				c->in[c->in_len] = '\0';
				int code = 0, close_after = 0;
				size_t used = 0;
				int st = answer_done(c, &code, &close_after, &used);
				if (st == 1) {
					r->ms = t - c->t0;
					r->code = code;
					done++;
					last_progress = t;
					c->idx = -1;
					if (close_after || broken || used != c->in_len) {
						close(c->fd);
						c->fd = -1;
					}
					continue;
				}
				if (st < 0)
					broken = 1;
			}
			if (broken) {
				r->code = -1;
				done++;
				last_progress = t;
				c->idx = -1;
				close(c->fd);
				c->fd = -1;
			}
		}
	}
	double secs = (now_ms() - start) / 1e3;
	double *lat = malloc((nreq + 1) * sizeof *lat);
	size_t nl = 0, ok = 0, answered = 0;
	int codes[600] = { 0 };
	for (size_t i = 0; i < nreq; i++) {
		if (reqs[i].code == 200)
			ok++;
		if (reqs[i].code >= 100 && reqs[i].code < 600) {
			answered++;
			codes[reqs[i].code]++;
			lat[nl++] = reqs[i].ms;
		}
	}
	qsort(lat, nl, sizeof *lat, cmp_double);
	double p50 = nl ? lat[(size_t)(0.50 * (double)(nl - 1) + 0.5)] : 0;
	double p99 = nl ? lat[(size_t)(0.99 * (double)(nl - 1) + 0.5)] : 0;
	double mx = nl ? lat[nl - 1] : 0;
	printf("hub_load requests=%zu ok=%zu errors=%zu secs=%.2f rps=%.0f p50_ms=%.2f p99_ms=%.2f "
	       "max_ms=%.2f codes=",
	       nreq, ok, nreq - ok, secs, secs > 0 ? (double)answered / secs : 0, p50, p99, mx);
	int first = 1;
	for (int i = 0; i < 600; i++)
		if (codes[i]) {
			printf("%s%d:%d", first ? "" : ",", i, codes[i]);
			first = 0;
		}
	if (answered < nreq)
		printf("%sno_answer:%zu", first ? "" : ",", nreq - answered);
	printf("\n");
	const char *trace = getenv("HUB_LOAD_TRACE");
	FILE *tf = trace && *trace ? fopen(trace, "w") : NULL;
	for (size_t i = 0; tf && i < nreq; i++)
		fprintf(tf, "%.2f %.2f %d\n", reqs[i].t0, reqs[i].ms, reqs[i].code);
	if (tf)
		fclose(tf);
	for (size_t i = 0; i < nreq; i++)
		free(reqs[i].wire);
	for (int i = 0; i < nconn; i++) {
		if (cs[i].fd >= 0)
			close(cs[i].fd);
		free(cs[i].own);
		free(cs[i].in);
	}
	free(cs);
	free(any);
	free(reqs);
	free(lat);
	close(ep);
	return answered == nreq ? 0 : 1;
}
