/* server.h - paykiosk-hub's HTTP side (docs/HUB.md "HTTP"): libmicrohttpd,
 * one thread per connection so a long poll holds only its own; a listener
 * thread on its own connection (LISTEN pk_news) wakes the long polls of
 * every kiosk when any hub instance writes news.
 *
 *   POST /paykassma/postback  stored first, answered second: 200 only after
 *                             COMMIT; untrusted 403; unreadable 400;
 *                             database trouble 503; over 1 MiB 413
 *   POST /kiosk/events        Bearer token; 200 {"acked":N}
 *   GET  /kiosk/news          Bearer token; ?after=ID&wait=SECONDS
 *   GET  /healthz             200 when the database answers, else 503 */
#ifndef PK_HUB_SERVER_H
#define PK_HUB_SERVER_H

#include "common/error.h"
#include "hub/db.h"
#include "hub/hubconf.h"
#include "hub/hublog.h"

#define PK_HUB_BODY_MAX (1024 * 1024)

typedef struct pk_hub_server pk_hub_server;

/* Listen on cfg->listen (TLS when tls_pem_cert/key are given: PEM text).
 * The base URL is then pk_hub_server_url (the port really bound). */
int pk_hub_server_start(pk_hub_server **out, const pk_hub_config *cfg, pk_hub_db *db,
			pk_hub_log *log, const char *tls_pem_cert, const char *tls_pem_key,
			pk_error *err);
const char *pk_hub_server_url(const pk_hub_server *s);
/* Answer the waiting long polls at once, stop listening, join every
 * thread. */
void pk_hub_server_stop(pk_hub_server *s);

#endif
