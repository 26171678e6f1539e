# smoke.sh - the kiosk end to end against the sandbox: the home screen, a
# full UPI sale paid (the QR on the pane decodes to the sandbox's qr_data),
# a full Wavepay sale credited, and Esc quits with the terminal restored.
source "$(dirname "$0")/lib.sh"
e2e_init

# The countdown on the QR screen in seconds ("Time left M:SS"), empty if none.
time_left() { screen | grep -o 'Time left [0-9]*:[0-9][0-9]' | head -n 1 | awk '{ split($3, t, ":"); print t[1] * 60 + t[2] }'; }
_time_left_below() { local t; t=$(time_left); [ -n "$t" ] && [ "$t" -lt "$1" ]; }
sandbox_start
kiosk_start

step "home screen"
wait_for "Choose the payment"
assert_screen "Wavepay (MMK)"
assert_screen "UPI (INR)"

step "UPI: amount"
keys 2
wait_for "Amount in INR"
keys 1 2 5 . 5 0 Enter

step "UPI: QR screen"
wait_for "Scan with any UPI app"
assert_screen "125.50 INR"
order=$(screen_order_id)
[ -n "$order" ] || fail "no order id on the QR screen"
qr_data=$(journal_sql "select qr_data from sales where order_id = '$order'")
[ -n "$qr_data" ] || fail "the journal has no qr_data for order $order"
left=$(time_left)
[ -n "$left" ] || fail "no countdown on the QR screen"
decoded=$(qr_decode) || fail "the QR on the pane did not decode"
[ "$decoded" = "$qr_data" ] || fail "QR decodes to '$decoded', the sandbox sent '$qr_data'"
# The countdown moves on from what the QR screen first showed, under 5:00.
poll_until 10 _time_left_below "$left" || fail "the countdown stayed at $left s"
assert_screen "Time left 4:5"

step "UPI: paid via the sandbox"
sandbox_settle "$order" success >/dev/null || fail "settle call failed"
wait_for "Paid" 10
assert_screen "125.50 INR"
assert_screen "Order $order"
[ "$(journal_sql "select state from sales where order_id = '$order'")" = paid ] ||
	fail "the journal does not say paid"
keys Enter
wait_for "Choose the payment"

step "Wavepay: amount"
keys KP1
wait_for "Amount in MMK"
keys KP5 KP0 KP0 KP0 KPEnter   # the numeric keypad (application mode)
wait_for "Transaction ID:"
assert_screen "Pay 5,000 MMK to this Wavepay number"
wallet=$(journal_sql "select identifier from sales where method = 'wavepay' order by id desc limit 1")
[ -n "$wallet" ] || fail "no wallet recorded"
assert_screen "Wallet $wallet"

step "Wavepay: transaction ID, Burmese and Devanagari digits count"
type_text "1၂३4567890"
wait_for "1234567890"
keys Enter
wait_for "Paid" 10
assert_screen "Credited 5,000 MMK"
assert_screen "Transaction ID 1234567890"
[ "$(journal_sql "select state || ' ' || key1 from sales where method = 'wavepay' order by id desc limit 1")" = "paid 1234567890" ] ||
	fail "the journal does not have the credited Wavepay sale"
keys Enter
wait_for "Choose the payment"

step "quit restores the terminal"
keys Escape
kiosk_wait_exit 10
[ "$KIOSK_STATUS" = 0 ] || fail "exit status $KIOSK_STATUS"
assert_terminal_restored
wait_for "KIOSK EXITED 0"
e2e_log "smoke: ok"
