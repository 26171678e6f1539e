/* net.c - the gateway client and the hub link of the kiosk module, with
 * libcurl in the module paykiosk-net.so, loaded when first needed (net.h).
 *
 * This file stands in for gateway/client.c and hublink/hublink.c in
 * paykiosk-kiosk.so (the static libraries' objects are then not linked
 * in, so libcurl is not a dependency of the kiosk module): each object
 * here holds the module's table and the module's own object. */
#define _GNU_SOURCE /* dladdr */
#include "net.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"

/* ---- the module ---------------------------------------------------------- */

/* Load the module (once per process; dlopen counts) and start libcurl
 * (counted too: each successful call is matched by ops->cleanup).  It
 * lives next to this module, in the build tree as in the package. */
static int net_load(const pk_net_ops **out, pk_error *err)
{
	*out = NULL;
	char path[PATH_MAX];
	Dl_info self;
	if (!dladdr((void *)net_load, &self) || !self.dli_fname) {
		snprintf(path, sizeof path, "%s", PK_NET_MODULE);
	} else {
		const char *slash = strrchr(self.dli_fname, '/');
		int dir = slash ? (int)(slash - self.dli_fname) : 1;
		snprintf(path, sizeof path, "%.*s/%s", dir, slash ? self.dli_fname : ".",
			 PK_NET_MODULE);
	}
	/* Never unloaded: libcurl's resolver threads and OpenSSL's exit
	 * handlers outlive any one client. */
	void *mod = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	const pk_net_ops *ops = mod ? dlsym(mod, PK_NET_ENTRY) : NULL;
	if (!ops) {
		const char *why = dlerror();
		return pk_error_set(err, PK_ERR_IO, _("%s: cannot open: %s"), path, why ? why : "");
	}
	if (ops->init(err) < 0)
		return -1;
	*out = ops;
	return 0;
}

/* ---- gateway/gateway.h ----------------------------------------------------- */

/* The options are kept until the first request creates the module's
 * client with them (which checks them: the kiosk's configuration has
 * checked the URL already, common/config.h). */
struct gw_client {
	const pk_net_ops *ops;  /* NULL until the first request */
	gw_client *mod;         /* the module's client */
	gw_options opts;        /* its strings are ours: */
	char *api_url, *secret, *ca_file;
};

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

int gw_client_new(gw_client **out, const gw_options *opts, pk_error *err)
{
	pk_error_clear(err);
	if (!out || !opts)
		return pk_error_set(err, PK_ERR_INVALID, "%s", _("Internal error"));
	*out = NULL;
	gw_client *c = calloc(1, sizeof *c);
	if (!c)
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	c->opts = *opts;
	if ((opts->api_url && !(c->api_url = strdup(opts->api_url))) ||
	    (opts->secret && !(c->secret = strdup(opts->secret))) ||
	    (opts->ca_file && !(c->ca_file = strdup(opts->ca_file)))) {
		gw_client_free(c);
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	}
	c->opts.api_url = c->api_url;
	c->opts.secret = c->secret;
	c->opts.ca_file = c->ca_file;
	*out = c;
	return 0;
}

void gw_client_free(gw_client *c)
{
	if (!c)
		return;
	if (c->ops) {
		c->ops->gw_client_free(c->mod);
		c->ops->cleanup();
	}
	free(c->api_url);
	wipe_free(c->secret);
	free(c->ca_file);
	free(c);
}

/* The kiosk goes online: the module, then its client. */
static int online(gw_client *c, pk_error *err)
{
	if (c->ops)
		return 0;
	const pk_net_ops *ops;
	if (net_load(&ops, err) < 0)
		return -1;
	if (ops->gw_client_new(&c->mod, &c->opts, err) < 0) {
		ops->cleanup();
		return -1;
	}
	c->ops = ops;
	return 0;
}

gw_req_id gw_send(gw_client *c, gw_call call, char *body, gw_done_fn done, void *ud,
		  pk_error *err)
{
	pk_error_clear(err);
	if (!c) {
		free(body);
		pk_error_set(err, PK_ERR_INVALID, "%s", _("Internal error"));
		return 0;
	}
	if (online(c, err) < 0) {
		free(body);
		return 0;
	}
	return c->ops->gw_send(c->mod, call, body, done, ud, err);
}

void gw_cancel(gw_client *c, gw_req_id id)
{
	if (c && c->ops)
		c->ops->gw_cancel(c->mod, id);
}

int gw_client_wait(gw_client *c, struct pollfd *extra, unsigned n_extra, int timeout_ms,
		   pk_error *err)
{
	pk_error_clear(err);
	if (!c || (n_extra && !extra))
		return pk_error_set(err, PK_ERR_INVALID, "%s", _("Internal error"));
	if (c->ops)
		return c->ops->gw_client_wait(c->mod, extra, n_extra, timeout_ms, err);
	/* Offline: nothing in flight, only the caller's descriptors, told
	 * apart as libcurl's wait does (in, priority, out; a signal is a
	 * wait with nothing ready). */
	if (poll(extra, n_extra, timeout_ms < 0 ? 0 : timeout_ms) < 0) {
		if (errno != EINTR)
			return pk_error_setc(err, PK_ERR_IO, errno, "%s",
					     _("Waiting for the gateway failed"));
		for (unsigned i = 0; i < n_extra; i++)
			extra[i].revents = 0;
	}
	for (unsigned i = 0; i < n_extra; i++)
		extra[i].revents &= POLLIN | POLLPRI | POLLOUT;
	return 0;
}

int gw_client_process(gw_client *c, pk_error *err)
{
	pk_error_clear(err);
	if (!c)
		return pk_error_set(err, PK_ERR_INVALID, "%s", _("Internal error"));
	return c->ops ? c->ops->gw_client_process(c->mod, err) : 0;
}

int gw_run_blocking(gw_client *c, gw_req_id id, int timeout_ms, pk_error *err)
{
	pk_error_clear(err);
	if (!c)
		return pk_error_set(err, PK_ERR_INVALID, "%s", _("Internal error"));
	/* offline, nothing is in flight */
	return c->ops ? c->ops->gw_run_blocking(c->mod, id, timeout_ms, err) : 0;
}

/* ---- hublink/hublink.h ----------------------------------------------------- */

/* The hub link goes online as it starts. */
struct pk_hublink {
	const pk_net_ops *ops;
	pk_hublink *mod;        /* the module's link */
};

int pk_hublink_start(pk_hublink **out, const pk_hublink_options *o, pk_error *err)
{
	*out = NULL;
	pk_hublink *h = calloc(1, sizeof *h);
	if (!h)
		return pk_error_set(err, PK_ERR_NOMEM, "%s", _("Out of memory"));
	if (net_load(&h->ops, err) < 0) {
		free(h);
		return -1;
	}
	if (h->ops->hub_start(&h->mod, o, err) < 0) {
		h->ops->cleanup();
		free(h);
		return -1;
	}
	*out = h;
	return 0;
}

void pk_hublink_stop(pk_hublink *h, int drain_ms)
{
	if (!h)
		return;
	h->ops->hub_stop(h->mod, drain_ms);
	h->ops->cleanup();
	free(h);
}

int pk_hublink_fd(const pk_hublink *h)
{
	return h->ops->hub_fd(h->mod);
}

bool pk_hublink_take(pk_hublink *h, pk_hub_msg *msg)
{
	return h->ops->hub_take(h->mod, msg);
}

void pk_hublink_news_done(pk_hublink *h)
{
	h->ops->hub_news_done(h->mod);
}

void pk_hublink_kick(pk_hublink *h)
{
	h->ops->hub_kick(h->mod);
}

bool pk_hublink_healthy(pk_hublink *h)
{
	return h->ops->hub_healthy(h->mod);
}
