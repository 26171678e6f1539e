/* sandbox_http.h - start the sandbox's HTTP server (libmicrohttpd). */
#ifndef PK_SANDBOX_HTTP_H
#define PK_SANDBOX_HTTP_H

#include <microhttpd.h>

#include "sandbox/sandbox.h"

/* Listen on a loopback address (127.0.0.1 or ::1) and port (0: any free);
 * writes the base URL ("http://127.0.0.1:PORT").  NULL on failure. */
struct MHD_Daemon *sb_http_start(sb_state *st, const char *listen, int port, char *url,
				 size_t url_len);

#endif
