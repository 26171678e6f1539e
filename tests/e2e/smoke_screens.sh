# smoke_screens.sh - the screens around the sales: a pending Wavepay sale
# shows up under Open sales and can be re-checked from there; Sales today
# counts it; a kiosk killed mid-poll shows the recovery notice on restart
# and goes back to the same QR (no second create), which then gets paid.
source "$(dirname "$0")/lib.sh"
e2e_init
sandbox_start
kiosk_start

step "Wavepay pending"
wait_for "Choose the payment"
keys 1
wait_for "Amount in MMK"
keys 7 0 0 Enter
wait_for "Transaction ID:"
type_text "3000000001"
keys Enter
wait_for "Still being checked" 10
assert_screen "this sale stays open"
keys Enter
wait_for "Open sales (1 open sale)"

step "Open sales: re-check"
keys 3
refute_screen "Open sales (1 open sale)"   # home's menu line is gone
assert_screen "1 open sale"                # the open sales screen's title
assert_screen "3000000001"
keys Enter
wait_for "Still being checked" 10
[ "$(last_sale state)" = pending ] || fail "re-check changed the sale to $(last_sale state)"
[ "$(last_sale attempts)" = 1 ] || fail "re-check made a new attempt"
keys Enter
wait_for "Choose the payment"

step "Sales today"
keys 4
refute_screen "Choose the payment"         # home (its menu has "Sales today") is gone
assert_screen "Sales today"
wait_for_re "Wavepay +700 MMK +1 sale"
keys Escape
wait_for "Choose the payment"

step "killed mid-poll"
keys 2
wait_for "Amount in INR"
keys 6 6 Enter
wait_for "Scan with any UPI app"
order=$(screen_order_id)
qr_data=$(last_sale qr_data)
kill -KILL "$(kiosk_proc)"
kiosk_wait_exit 5
kiosk_close
creates=$(grep -c 'create/upi_s' "$E2E_TMP/sandbox.log")

step "restart: recovery notice, same QR"
kiosk_start
wait_for "Sales from before the restart"
assert_screen "1 UPI sale is waiting for payment again"
keys Enter
wait_for "Scan with any UPI app"
[ "$(screen_order_id)" = "$order" ] || fail "not the same order after the restart"
[ "$(qr_decode)" = "$qr_data" ] || fail "the QR after the restart does not decode to qr_data"
[ "$(grep -c 'create/upi_s' "$E2E_TMP/sandbox.log")" = "$creates" ] || fail "a second create was sent"
sandbox_settle "$order" success >/dev/null
wait_for "Paid" 10
keys Enter
wait_for "Choose the payment"
keys Escape
kiosk_wait_exit 10
[ "$KIOSK_STATUS" = 0 ] || fail "exit status $KIOSK_STATUS"
e2e_log "smoke_screens: ok"
