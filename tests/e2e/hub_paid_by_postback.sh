# hub_paid_by_postback.sh - the gateway's postback, through the hub, pays a
# sale the kiosk could not confirm itself: the real kiosk in tmux (test
# hook) with hub_url and a token file, the real sandbox sending signed
# postbacks (--postback-url) to the real hub, same keys, real PostgreSQL.
#  - UPI: the gateway's status calls fail (sandbox fault on every
#    upi_status), so polling never says paid; the customer pays (the
#    sandbox settles the order and sends its postback) -> the screen turns
#    "Paid"; the journal says paid with the note "postback <id>"; the
#    sandbox's postback was acknowledged (200); the hub's report has no
#    mismatch for the sale;
#  - Wavepay: the gateway says "pending" (the sale stays open); a postback
#    for it arrives (made and signed by the test, as Paykassma would send
#    it: the sandbox sends none for a pending activation) -> "Paid" on the
#    screen, the journal paid by postback, no mismatch.
source "$(dirname "$0")/../lib/hub.sh"
hub_init
hub_start a
PAYKASSMA_SANDBOX_POSTBACK_ACCESS_KEY=$HUB_ACCESS_KEY \
	PAYKASSMA_SANDBOX_POSTBACK_PRIVATE_KEY=$HUB_PRIVATE_KEY \
	sandbox_start --postback-url "${HUB_URL[a]}/paykassma/postback"
hub_add_kiosk shop-3 counter-2
(umask 077; printf '%s\n' "$HUB_TOKEN" > "$E2E_TMP/hub-token.secret")
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

step "UPI: the gateway's status calls fail, so polling cannot see the payment"
wait_for "Choose the payment"
sandbox_fault upi_status fail_http 100000 >/dev/null
keys 2; wait_for "Amount in INR"
keys 1 5 0 Enter; wait_for "Scan with any UPI app" 10
order=$(screen_order_id)
[ -n "$order" ] || fail "no order id on the screen"
ctid=$(last_sale ctid)
poll_until 10 _hub_sale_is "$ctid" awaiting_payment || fail "the hub never heard of the open sale"
assert_screen "Scan with any UPI app"
refute_screen "Paid"

step "UPI: the customer pays; the gateway's postback reaches the kiosk through the hub"
t0=$(now_s)
sandbox_settle "$order" success >/dev/null
wait_for "Paid" 10
e2e_log "settle -> postback -> hub -> kiosk screen: $(awk -v a="$t0" -v b="$(now_s)" 'BEGIN { printf "%.2f", b - a }') s"
[ "$(last_sale state)" = paid ] || fail "the journal says $(last_sale state)"
sale_id=$(last_sale id)
note=$(journal_sql "select note from sale_history where sale_id = $sale_id order by id desc limit 1")
case $note in *postback*) ;; *) fail "the paid event's note is '$note', not by postback" ;; esac
case $note in *"$order"*) ;; *) fail "the note '$note' does not name the transaction ($order)" ;; esac
pbs=$(sandbox_post /_sandbox/postbacks)
printf '%s' "$pbs" > "$E2E_TMP/sandbox-postbacks.json"
[ "$(json_get "$E2E_TMP/sandbox-postbacks.json" \
	"[p['delivered'] and p['last_http'] == 200 for p in j['postbacks'] if p['ctid'] == '$ctid']")" = "[true]" ] ||
	fail "the sandbox's postback was not acknowledged once: $pbs"
poll_until 10 _hub_sale_is "$ctid" paid || fail "the hub's sale is $(hub_sale_state "$ctid"), not paid"
m=$(mismatches_for "$ctid")
[ -z "$m" ] || fail "the report lists the UPI sale under: $m"
keys Enter; wait_for "Choose the payment"

step "Wavepay: the gateway says pending; the sale stays open"
keys 1; wait_for "Amount in MMK"
keys 4 0 0 0 Enter; wait_for "Transaction ID:" 10
type_text "3234567890"; keys Enter
wait_screen result 10
[ "$(last_sale state)" = pending ] || fail "the journal says $(last_sale state), not pending"
refute_screen "Paid"
wctid=$(last_sale ctid)
poll_until 10 _hub_sale_is "$wctid" pending || fail "the hub never heard of the pending sale"

step "Wavepay: a matching postback closes it"
pb_make "$E2E_TMP/pb-wave.json" --ctid "$wctid" --amount 4000 --currency MMK --wallet wavepay \
	--txid 3234567890 --label e2e-counter
hub_post_postback a "$E2E_TMP/pb-wave.json"
[ "$HTTP_CODE" = 200 ] || fail "the hub answered the postback $HTTP_CODE: $HTTP_BODY"
wait_for "Paid" 10
[ "$(last_sale state)" = paid ] || fail "the journal says $(last_sale state)"
note=$(journal_sql "select note from sale_history where sale_id = $(last_sale id) order by id desc limit 1")
case $note in *postback*3234567890*) ;; *) fail "the paid event's note is '$note'" ;; esac
poll_until 10 _hub_sale_is "$wctid" paid || fail "the hub's sale is $(hub_sale_state "$wctid"), not paid"
m=$(mismatches_for "$wctid")
[ -z "$m" ] || fail "the report lists the Wavepay sale under: $m"

keys Enter; wait_for "Choose the payment"
keys Escape
kiosk_wait_exit 10
hub_stop a
e2e_log "hub_paid_by_postback: ok"
