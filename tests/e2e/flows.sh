# flows.sh - the outcomes the smoke tests do not reach, each read off the
# real screen and checked in the journal: a UPI payment the cashier cancels
# while the gateway still says processing (the sale stays open as "Not
# confirmed yet", never "Cancelled"; polling stops), one the customer never
# confirms (poll_timeout -> "Not confirmed yet" with the order id, not
# failed), a create the gateway answers with HTTP 500 (no QR, nothing
# charged), and Wavepay "pending" and "fail" (the gateway's own message;
# the sale stays open: the customer paid the wallet before the ID).
source "$(dirname "$0")/lib.sh"
e2e_init

# The countdown on the QR screen in seconds ("Time left M:SS"), empty if none.
time_left() { screen | grep -o 'Time left [0-9]*:[0-9][0-9]' | head -n 1 | awk '{ split($3, t, ":"); print t[1] * 60 + t[2] }'; }
_time_left_below() { local t; t=$(time_left); [ -n "$t" ] && [ "$t" -lt "$1" ]; }
# The sandbox's count of UPI status polls.
upi_polls() { sandbox_post /_sandbox/stats | sed -n 's/.*"upi_status":\([0-9]*\).*/\1/p'; }
# The sale's rows in the journal's history.
history_rows() { journal_sql "select count(*) from sale_history h join sales s on s.id = h.sale_id where s.order_id = '$order'"; }
# Neither the sandbox's status polls ($1 so far) nor the sale's history
# ($2 rows) moved.
_polls_stopped() {
	local p h
	p=$(upi_polls)
	h=$(history_rows)
	[ "$p" = "$1" ] || { e2e_log "status polls went on after the cancel ($1 -> $p)"; return 1; }
	[ "$h" = "$2" ] || { e2e_log "the sale's history moved after the cancel ($2 -> $h rows)"; return 1; }
}
sandbox_start
kiosk_start -- --poll-timeout 10 --poll-interval 1

step "UPI: the cashier cancels while the gateway says processing"
wait_for "Choose the payment"
keys 2
wait_for "Amount in INR"
keys 2 0 0 Enter
wait_for "Scan with any UPI app"
order=$(screen_order_id)
[ -n "$order" ] || fail "no order id"
keys Escape
wait_for "Cancel this payment?"
keys Escape                       # no: the QR stays
refute_screen "Cancel this payment?"
assert_screen "Scan with any UPI app"
keys Escape
wait_for "Cancel this payment?"
keys Enter                        # yes
wait_for "Not confirmed yet" 10   # the final check said processing
assert_screen "If the customer pays now, it will show as paid"
refute_screen "Cancelled"
[ "$(journal_sql "select state from sales where order_id = '$order'")" = unconfirmed ] ||
	fail "the journal does not say unconfirmed"
polls=$(history_rows)
before=$(upi_polls)
[ -n "$before" ] || fail "the sandbox's stats have no upi_status count"
# poll_interval is 1 s: 2.5 s without a poll (or a journal change) means
# the polling stopped.
assert_stays 2.5 _polls_stopped "$before" "$polls"
keys Enter
wait_for "Choose the payment"

step "UPI: never confirmed within poll_timeout"
keys 2
wait_for "Amount in INR"
keys 3 0 0 Enter
wait_for "Scan with any UPI app"
order=$(screen_order_id)
left=$(time_left)
[ -n "$left" ] || fail "no countdown on the QR screen"
# The countdown moves on from what the QR screen first showed, under 0:10.
poll_until 8 _time_left_below "$left" || fail "the countdown stayed at $left s"
assert_screen "Time left 0:0"
wait_for "Not confirmed yet" 15
assert_screen "$order"
[ "$(journal_sql "select state from sales where order_id = '$order'")" = unconfirmed ] ||
	fail "the journal does not say unconfirmed"
keys Enter
wait_for "Choose the payment"

step "UPI: the gateway answers the create with HTTP 500"
sandbox_post /_sandbox/fault '{"call":"upi_create","mode":"http500_html","count":1}' >/dev/null
keys 2
wait_for "Amount in INR"
keys 4 0 0 Enter
wait_for "HTTP 500" 10
assert_screen "The gateway's answer cannot be used"
refute_screen "Scan with any UPI app"
keys Escape
wait_for "Give up this sale? Nothing was charged."
keys Enter
wait_for "Choose the payment" 10
[ "$(last_sale state)" = abandoned ] || fail "the journal does not say abandoned"

step "Wavepay: pending"
keys 1
wait_for "Amount in MMK"
keys 1 5 0 0 Enter
wait_for "Transaction ID:"
type_text "3234567890"
keys Enter
wait_for "The gateway is still checking; this sale stays open" 10
[ "$(last_sale state)" = pending ] || fail "the journal does not say pending"
keys Enter
wait_for "Choose the payment"

step "Wavepay: the gateway refuses (its own message)"
keys 1
wait_for "Amount in MMK"
keys 2 5 0 0 Enter
wait_for "Transaction ID:"
type_text "5234567890"
keys Enter
wait_for "Transaction ID refused: Transaction declined" 10
[ "$(last_sale state)" = refused ] || fail "the journal does not say refused"
assert_screen "Leave it open"
keys Escape                       # leave it open: a person decides later
wait_for "Choose the payment"
assert_screen "4 open sales"      # cancelled-processing, unconfirmed, pending, refused
keys Escape
kiosk_wait_exit 10
[ "$KIOSK_STATUS" = 0 ] || fail "exit status $KIOSK_STATUS"
e2e_log "flows: ok"
