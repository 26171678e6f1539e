/* calls.c - the gateway calls: each builds its body (request.c) and hands
 * it to gw_send, the one way a request goes out (client.c, or in the kiosk
 * net.c: gateway.h). */
#include "gateway/gateway.h"

gw_req_id gw_wavepay_create(gw_client *c, const char *label, gw_done_fn done, void *ud,
			    pk_error *err)
{
	return gw_send(c, GW_WAVEPAY_CREATE, gw_body_wavepay_create(label), done, ud, err);
}

gw_req_id gw_wavepay_activate(gw_client *c, const char *label, const char *key1, int64_t amount_mmk,
			      const char *custom_transaction_id, gw_done_fn done, void *ud,
			      pk_error *err)
{
	return gw_send(c, GW_WAVEPAY_ACTIVATE,
		       gw_body_wavepay_activate(label, key1, amount_mmk, custom_transaction_id),
		       done, ud, err);
}

gw_req_id gw_upi_create(gw_client *c, const char *label, int64_t amount_paise,
			const char *custom_transaction_id, gw_done_fn done, void *ud, pk_error *err)
{
	return gw_send(c, GW_UPI_CREATE,
		       gw_body_upi_create(label, amount_paise, custom_transaction_id), done, ud,
		       err);
}

gw_req_id gw_upi_status(gw_client *c, const char *order_id, gw_done_fn done, void *ud,
			pk_error *err)
{
	return gw_send(c, GW_UPI_STATUS, gw_body_upi_status(order_id), done, ud, err);
}

gw_req_id gw_sandbox_settle(gw_client *c, const char *order_id, const char *outcome,
			    gw_done_fn done, void *ud, pk_error *err)
{
	return gw_send(c, GW_SANDBOX_SETTLE, gw_body_sandbox_settle(order_id, outcome), done,
		       ud, err);
}
