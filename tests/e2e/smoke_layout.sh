# smoke_layout.sh - the QR screen lays itself out again on resize without
# losing the sale: too small -> the size message (the sale polls on), back
# to 80x24 and up to 160x50 -> the QR decodes to the sandbox's qr_data;
# `+` shows the Paytm link; `*` mid-sale keeps the QR and the order.
source "$(dirname "$0")/lib.sh"
e2e_init
sandbox_start
kiosk_start -s 80x24

step "UPI sale to the QR"
wait_for "Choose the payment"
keys 2
wait_for "Amount in INR"
keys 9 9 9 . 9 9 Enter
wait_for "Scan with any UPI app"
order=$(screen_order_id)
qr_data=$(journal_sql "select qr_data from sales where order_id = '$order'")
[ -n "$qr_data" ] || fail "no qr_data recorded"
[ "$(qr_decode)" = "$qr_data" ] || fail "QR at 80x24 does not decode to qr_data"

step "too small: says how large, the sale goes on"
resize 50 15
wait_for "Make the terminal at least"
assert_screen "(now 50x15)"
polls_before=$(grep -c 'upi_s/status' "$E2E_TMP/sandbox.log" || true)
more_polls() { [ "$(grep -c 'upi_s/status' "$E2E_TMP/sandbox.log")" -gt "$polls_before" ]; }
poll_until 8 more_polls || fail "polling stopped while the terminal was too small"

step "back to 80x24: same order, QR decodes"
resize 80 24
wait_for "Scan with any UPI app"
[ "$(screen_order_id)" = "$order" ] || fail "a different order after resize"
[ "$(qr_decode)" = "$qr_data" ] || fail "QR after resize does not decode"

step "160x50: QR decodes"
resize 160 50                      # waits for the 160x50 frame on the pane
assert_screen "Scan with any UPI app"
[ "$(qr_decode)" = "$qr_data" ] || fail "QR at 160x50 does not decode"

step "+ shows the Paytm link"
keys +
wait_for "QR for: Paytm"
want="paytmmp://${qr_data#upi://}"
[ "$(qr_decode)" = "$want" ] || fail "Paytm QR decodes to '$(qr_decode)', want '$want'"
keys + + +
wait_for "QR for: UPI"

step "* mid-sale keeps the sale"
keys '*'
wait_for "မြန်မာ"
[ "$(qr_decode)" = "$qr_data" ] || fail "QR changed with the language"
assert_screen "$order"
[ "$(journal_sql "select lang from sales where order_id = '$order'")" = my ] ||
	fail "the sale's language was not recorded"
keys '*' '*'
wait_for "English"

step "paid after all that"
sandbox_settle "$order" success >/dev/null
wait_for "Paid"
assert_screen "999.99 INR"
keys Enter
wait_for "Choose the payment"
keys Escape
kiosk_wait_exit 10
[ "$KIOSK_STATUS" = 0 ] || fail "exit status $KIOSK_STATUS"
e2e_log "smoke_layout: ok"
