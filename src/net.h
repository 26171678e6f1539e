/* net.h - the kiosk's network stack, loaded when the kiosk first goes
 * online.
 *
 * libcurl (Debian's build: OpenSSL, GnuTLS through librtmp, Kerberos,
 * LDAP, SASL, libssh2, nghttp2 ... about 30 libraries) takes longer to map
 * and start than everything else the kiosk does before its first frame
 * (docs/BENCHMARKS.md, "Light start").  So its two users, the gateway
 * client (gateway/client.c) and the hub link (hublink/hublink.c), are
 * built into a module of their own, paykiosk-net.so, next to
 * paykiosk-kiosk.so (kiosk.h), which exports one symbol: the table below.
 *
 * In the kiosk module, src/net.c implements gateway.h's client and
 * hublink.h with it: a gateway client loads the module when its first
 * request is sent (until then it waits on the caller's descriptors with
 * poll(2)), the hub link when it is started.  The journal, recovery, the
 * screens and every offline command never map libcurl.  Tests, the sandbox
 * and the benches link the static libraries as they are.
 *
 * The module and the kiosk module come from the same build: the table
 * takes gateway.h's and hublink.h's types as they are. */
#ifndef PK_NET_H
#define PK_NET_H

#include "common/error.h"
#include "gateway/gateway.h"
#include "hublink/hublink.h"

#define PK_NET_MODULE "paykiosk-net.so"
#define PK_NET_ENTRY "pk_net"

typedef struct pk_net_ops {
	/* curl_global_init / curl_global_cleanup (counted by libcurl: one
	 * cleanup per successful init) */
	int (*init)(pk_error *err);
	void (*cleanup)(void);
	/* gateway/gateway.h: the functions of client.c */
	int (*gw_client_new)(gw_client **out, const gw_options *opts, pk_error *err);
	void (*gw_client_free)(gw_client *c);
	gw_req_id (*gw_send)(gw_client *c, gw_call call, char *body, gw_done_fn done, void *ud,
			     pk_error *err);
	void (*gw_cancel)(gw_client *c, gw_req_id id);
	int (*gw_client_wait)(gw_client *c, struct pollfd *extra, unsigned n_extra,
			      int timeout_ms, pk_error *err);
	int (*gw_client_process)(gw_client *c, pk_error *err);
	int (*gw_run_blocking)(gw_client *c, gw_req_id id, int timeout_ms, pk_error *err);
	/* hublink/hublink.h */
	int (*hub_start)(pk_hublink **out, const pk_hublink_options *o, pk_error *err);
	void (*hub_stop)(pk_hublink *h, int drain_ms);
	int (*hub_fd)(const pk_hublink *h);
	bool (*hub_take)(pk_hublink *h, pk_hub_msg *msg);
	void (*hub_news_done)(pk_hublink *h);
	void (*hub_kick)(pk_hublink *h);
	bool (*hub_healthy)(pk_hublink *h);
} pk_net_ops;

#endif
