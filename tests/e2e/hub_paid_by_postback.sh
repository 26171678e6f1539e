# hub_paid_by_postback.sh - the gateway's postback, through the hub, pays a
# sale before the gateway's own answers say so (real life: the postback can
# beat the status): the real kiosk in tmux (test hook) with hub_url and a
# token file, the real sandbox sending signed postbacks (--postback-url) to
# the real hub, same keys, real PostgreSQL.  Every postback is the
# sandbox's own, sent on demand (POST /_sandbox/postback,
# docs/SANDBOX-POSTBACKS.md) while the order or activation stays as it was.
#  - UPI: the order stays "processing" and the kiosk's status polls keep
#    getting "processing" (the sandbox's log says what each poll answered);
#    the gateway's postback arrives -> the screen turns "Paid"; the journal
#    says paid with the note "postback <order id>"; the sandbox's postback
#    was acknowledged (200); the gateway still says processing; the hub's
#    report has no mismatch for the sale;
#  - Wavepay: the activation answers "pending" (key1 starting with 3), the
#    sale stays open; the gateway's postback for it -> "Paid" on the screen,
#    the journal paid by postback, no mismatch, the activation still pending
#    at the gateway;
#  - a postback whose amount is one paisa less than the sale's is stored
#    and matched by the hub, but does not close the sale: the kiosk keeps
#    showing the QR (for 2 s after the hub matched it), the journal keeps it
#    open, the hub writes no news for it, and its report lists it under
#    "ambiguous".
# hub_poll_interval = 1 in the kiosk's config so that its status polls are
# seen within the test (the default slows them to 10 s while the hub is up);
# result_pause = 600 so no result screen leaves by itself.
source "$(dirname "$0")/../lib/hub.sh"
hub_init
hub_start a
PAYKASSMA_SANDBOX_POSTBACK_ACCESS_KEY=$HUB_ACCESS_KEY \
	PAYKASSMA_SANDBOX_POSTBACK_PRIVATE_KEY=$HUB_PRIVATE_KEY \
	sandbox_start --postback-url "${HUB_URL[a]}/paykassma/postback"
hub_add_kiosk shop-3 counter-2
(umask 077; printf '%s\n' "$HUB_TOKEN" > "$E2E_TMP/hub-token.secret")
mkdir -p "$E2E_TMP/config/paykiosk"
(umask 077; printf '%s\n' 'hub_poll_interval = 1' 'result_pause = 600' \
	> "$E2E_TMP/config/paykiosk/paykiosk.conf")
kiosk_start -e PAYKIOSK_HUB_URL="${HUB_URL[a]}" \
	-e PAYKIOSK_HUB_TOKEN_FILE="$E2E_TMP/hub-token.secret" -- --poll-interval 1 --poll-timeout 120

hub_sale_state() { hub_sql "select state from sales where custom_transaction_id = '$1'"; }
_hub_sale_is() { [ "$(hub_sale_state "$1")" = "$2" ]; }
# The sale's rows in sections of the report other than the day's totals.
mismatches_for() {
	hub_cli report --csv
	[ "$HUB_STATUS" = 0 ] || fail "report exited $HUB_STATUS: $(hub_cli_err)"
	python3 - "$HUB_OUT" "$1" <<'PY'
import csv, sys
rows = csv.DictReader(open(sys.argv[1], encoding="utf-8", newline=""))
for r in rows:
    if r["section"] != "totals" and r["ctid"] == sys.argv[2]:
        print(r["section"])
PY
}
# sandbox_postback_now JSON: the sandbox sends the gateway's postback now
# (POST /_sandbox/postback); it must answer 200 {"status":"ok"}.
sandbox_postback_now() {
	local code
	code=$(curl -sS --max-time 5 -o "$E2E_TMP/postback-now.json" -w '%{http_code}' -X POST \
		-H 'Content-Type: application/json' --data "$1" \
		"$SANDBOX_URL/_sandbox/postback?secret=$SANDBOX_SECRET")
	[ "$code" = 200 ] && [ "$(json_get "$E2E_TMP/postback-now.json" "j['status']")" = ok ] ||
		fail "POST /_sandbox/postback $1: HTTP $code $(cat "$E2E_TMP/postback-now.json")"
}
# What the gateway itself says: a UPI order's status / an activation's.
ledger_get() {
	sandbox_post /_sandbox/ledger > "$E2E_TMP/ledger.json"
	json_get "$E2E_TMP/ledger.json" "$1"
}
upi_gateway_status() { ledger_get "[o['status'] for o in j['upi'] if o['order_id'] == '$1'][0]"; }
wavepay_gateway_status() { ledger_get "[a['status'] for a in j['wavepay'] if a['ctid'] == '$1'][0]"; }
# The sandbox's postbacks for ctid $1: [[amount, on_demand, delivered, last_http]...]
sandbox_postbacks_for() {
	sandbox_post /_sandbox/postbacks > "$E2E_TMP/sandbox-postbacks.json"
	json_get "$E2E_TMP/sandbox-postbacks.json" \
		"[[p['amount'], p['on_demand'], p['delivered'], p['last_http']] for p in j['postbacks'] if p['ctid'] == '$1']"
}
# The sandbox's log: what each status poll of order $1 answered, one a line
# ("-" for a request that got no status: a fault, a refusal).
status_answers() {
	grep -F " call=upi_status order=$1 " "$E2E_TMP/sandbox.log" |
		awk '{ a = "-"; for (i = 1; i <= NF; i++) if ($i ~ /^answer=/) a = substr($i, 8); print a }'
}
_polled_processing() { status_answers "$1" | grep -qx processing; }
# Every status poll of order $1 so far answered processing (and there was one).
all_polls_processing() {
	local answers
	answers=$(status_answers "$1")
	[ -n "$answers" ] || fail "the kiosk never polled the status of $1"
	[ -z "$(printf '%s\n' "$answers" | grep -vx processing)" ] ||
		fail "a status poll of $1 did not answer processing: $(printf '%s' "$answers" | tr '\n' ' ')"
	e2e_log "status polls of $1: $(printf '%s\n' "$answers" | wc -l), all processing"
}
# The hub has stored and matched the postback of ctid $1: its result.
hub_match_result() {
	hub_sql "select t.match_result from postback_txs t join postbacks p on p.id = t.postback_id
		where p.trust = 'trusted' and t.plugin_custom_order_id = '$1'"
}
_hub_matched() { [ "$(hub_match_result "$1")" = "$2" ]; }
hub_news_for() {
	hub_sql "select count(*) from news n join sales s on s.id = n.sale_id
		where s.custom_transaction_id = '$1'"
}

step "UPI: the order stays processing; the kiosk's polls say so"
wait_for "Choose the payment"
keys 2; wait_for "Amount in INR"
keys 1 5 0 Enter; wait_for "Scan with any UPI app" 10
order=$(screen_order_id)
[ -n "$order" ] || fail "no order id on the screen"
ctid=$(last_sale ctid)
poll_until 10 _hub_sale_is "$ctid" awaiting_payment || fail "the hub never heard of the open sale"
poll_until 10 _polled_processing "$order" || fail "no status poll of $order answered processing"
assert_screen "Scan with any UPI app"
refute_screen "Paid"

step "UPI: the gateway's postback beats its status"
t0=$(now_s)
sandbox_postback_now "{\"order_id\":\"$order\"}"
wait_for "Paid" 10
e2e_log "postback -> hub -> kiosk screen: $(awk -v a="$t0" -v b="$(now_s)" 'BEGIN { printf "%.2f", b - a }') s"
[ "$(last_sale state)" = paid ] || fail "the journal says $(last_sale state)"
sale_id=$(last_sale id)
note=$(journal_sql "select note from sale_history where sale_id = $sale_id order by id desc limit 1")
case $note in *postback*) ;; *) fail "the paid event's note is '$note', not by postback" ;; esac
case $note in *"$order"*) ;; *) fail "the note '$note' does not name the transaction ($order)" ;; esac
all_polls_processing "$order"
[ "$(upi_gateway_status "$order")" = processing ] ||
	fail "the gateway's order is $(upi_gateway_status "$order"), not processing"
pbs=$(sandbox_postbacks_for "$ctid")
[ "$pbs" = "[[15000, true, true, 200]]" ] || fail "the sandbox's postbacks for the sale: $pbs"
poll_until 10 _hub_sale_is "$ctid" paid || fail "the hub's sale is $(hub_sale_state "$ctid"), not paid"
m=$(mismatches_for "$ctid")
[ -z "$m" ] || fail "the report lists the UPI sale under: $m"
keys Enter; wait_for "Choose the payment"

step "Wavepay: the activation answers pending; the sale stays open"
keys 1; wait_for "Amount in MMK"
keys 4 0 0 0 Enter; wait_for "Transaction ID:" 10
type_text "3234567890"; keys Enter
wait_for "The gateway is still checking; this sale stays open" 10
[ "$(last_sale state)" = pending ] || fail "the journal says $(last_sale state), not pending"
refute_screen "Paid"
wctid=$(last_sale ctid)
poll_until 10 _hub_sale_is "$wctid" pending || fail "the hub never heard of the pending sale"
[ "$(wavepay_gateway_status "$wctid")" = pending ] ||
	fail "the gateway's activation is $(wavepay_gateway_status "$wctid"), not pending"
[ "$(sandbox_postbacks_for "$wctid")" = "[]" ] || fail "a postback went for the pending activation"

step "Wavepay: the gateway's postback closes it"
sandbox_postback_now "{\"ctid\":\"$wctid\"}"
wait_for "Paid" 10
[ "$(last_sale state)" = paid ] || fail "the journal says $(last_sale state)"
note=$(journal_sql "select note from sale_history where sale_id = $(last_sale id) order by id desc limit 1")
case $note in *postback*3234567890*) ;; *) fail "the paid event's note is '$note'" ;; esac
pbs=$(sandbox_postbacks_for "$wctid")
[ "$pbs" = "[[4000, true, true, 200]]" ] || fail "the sandbox's postbacks for the sale: $pbs"
[ "$(wavepay_gateway_status "$wctid")" = pending ] ||
	fail "the gateway's activation is $(wavepay_gateway_status "$wctid"), not pending"
poll_until 10 _hub_sale_is "$wctid" paid || fail "the hub's sale is $(hub_sale_state "$wctid"), not paid"
m=$(mismatches_for "$wctid")
[ -z "$m" ] || fail "the report lists the Wavepay sale under: $m"
keys Enter; wait_for "Choose the payment"

step "UPI: a postback one paisa short does not close the sale"
keys 2; wait_for "Amount in INR"
keys 2 0 0 Enter; wait_for "Scan with any UPI app" 10
order3=$(screen_order_id)
[ -n "$order3" ] || fail "no order id on the screen"
ctid3=$(last_sale ctid)
poll_until 10 _hub_sale_is "$ctid3" awaiting_payment || fail "the hub never heard of the open sale"
sandbox_postback_now "{\"order_id\":\"$order3\",\"amount\":19999}"
poll_until 10 _hub_matched "$ctid3" amount_differs ||
	fail "the hub did not store and match the short postback: '$(hub_match_result "$ctid3")'"
_still_open() {
	_has "Scan with any UPI app" && _hasnt "Paid" &&
		[ "$(last_sale state)" = awaiting_payment ] && [ "$(hub_news_for "$ctid3")" = 0 ]
}
assert_stays 2 _still_open
pbs=$(sandbox_postbacks_for "$ctid3")
[ "$pbs" = "[[19999, true, true, 200]]" ] || fail "the sandbox's postbacks for the sale: $pbs"
m=$(mismatches_for "$ctid3")
[ "$m" = ambiguous ] || fail "the report lists the short postback under '$m', not ambiguous"
all_polls_processing "$order3"

step "UPI: the cashier gives up waiting; the sale stays open"
keys Escape; wait_for "Cancel this payment?"
keys Enter; wait_for "Not confirmed yet" 10
[ "$(last_sale state)" = unconfirmed ] || fail "the journal says $(last_sale state), not unconfirmed"
keys Enter; wait_for "Choose the payment"
keys Escape
kiosk_wait_exit 10
hub_stop a
e2e_log "hub_paid_by_postback: ok"
