/* netmod.c - the module paykiosk-net.so (net.h): the gateway client and
 * the hub link with libcurl, behind one table. */
#include <curl/curl.h>

#include "common/i18n.h"
#include "net.h"

static int net_init(pk_error *err)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return pk_error_set(err, PK_ERR_IO, "%s", _("Cannot start the network library"));
	return 0;
}

__attribute__((visibility("default"))) const pk_net_ops pk_net = {
	.init = net_init,
	.cleanup = curl_global_cleanup,
	.gw_client_new = gw_client_new,
	.gw_client_free = gw_client_free,
	.gw_send = gw_send,
	.gw_cancel = gw_cancel,
	.gw_client_wait = gw_client_wait,
	.gw_client_process = gw_client_process,
	.gw_run_blocking = gw_run_blocking,
	.hub_start = pk_hublink_start,
	.hub_stop = pk_hublink_stop,
	.hub_fd = pk_hublink_fd,
	.hub_take = pk_hublink_take,
	.hub_news_done = pk_hublink_news_done,
	.hub_kick = pk_hublink_kick,
	.hub_healthy = pk_hublink_healthy,
};
