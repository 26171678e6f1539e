#!/usr/bin/env bash
# receipt.sh - after a paid sale the cashier presses + for the receipt: it
# shows on screen (shop name, date, method, amount, credited, transaction
# ID, kiosk) in the sale's language, Enter prints it as ESC/POS bytes to
# the configured printer (here a file), and a printer that cannot be opened
# gets a clear message while the sale stays paid.
source "$(dirname "$0")/lib.sh"
e2e_init
command -v python3 >/dev/null || fail "python3 is missing"
sandbox_start
PRINTER=$E2E_TMP/printer.bin
mkdir -p "$E2E_TMP/config/paykiosk"
install -m600 /dev/null "$E2E_TMP/config/paykiosk/paykiosk.conf"
printf 'shop_name = Corner Shop\nreceipt_printer = %s\nreceipt_width = 32\n' "$PRINTER" \
	> "$E2E_TMP/config/paykiosk/paykiosk.conf"

# Any language: the kiosk's own screen names (wait_screen), not its text.
wavepay_sale() { # wavepay_sale AMOUNT-DIGITS TXID: to the paid result screen
	keys 1
	wait_screen amount
	local d
	for d in $(echo "$1" | grep -o .); do keys "$d"; done
	keys Enter
	_txid_asked() { [ "$(last_sale state 2>/dev/null)" = awaiting_txid ]; }
	poll_until 15 _txid_asked || fail "no Wavepay sale awaiting the transaction ID"
	wait_screen wavepay 15 # the transaction ID field takes the keys
	type_text "$2"
	keys Enter
	_paid() { [ "$(last_sale state 2>/dev/null)" = paid ]; }
	poll_until 15 _paid || fail "the sale did not end paid"
	wait_screen result # + goes to the result screen, not the one before
}

syslog_listen # the kiosk's log lines: $E2E_TMP/syslog.txt

step "English sale: + shows the receipt, Enter prints it"
kiosk_start -e PAYKIOSK_LOG_SOCKET="$LOGSOCK"
wait_for "Choose the payment"
wavepay_sale 5000 2234567890
wait_for "Paid"
assert_screen "Receipt"
keys +
wait_for "Payment receipt"
for want in "Corner Shop" "Method" "Wavepay" "5,000 MMK" "5,500 MMK" "2234567890" \
	"e2e-counter" "$(date +%Y-%m-%d)" "Paid - thank you"; do
	assert_screen "$want"
done
assert_screen "Print"
keys Enter
wait_for "Receipt printed on"
python3 - "$PRINTER" <<'EOF' || fail "the printed bytes are wrong"
import sys
b = open(sys.argv[1], "rb").read()
assert b.startswith(b"\x1b@"), "no ESC @ (initialise) at the start"
assert b.endswith(b"\x1bd\x04\x1dV\x01"), "no feed + GS V cut at the end"
assert b"\x1bE\x01Corner Shop\n\x1bE\x00" in b, "the shop name is not the bold first line"
text = b.decode("utf-8")
lines = text.split("\n")
for want in ("Payment receipt", "Wavepay", "5,000 MMK", "Credited", "5,500 MMK",
             "2234567890", "e2e-counter", "Paid - thank you"):
    assert want in text, want
body = [l for l in lines if "MMK" in l]
assert all(len(l) <= 32 for l in body), "a line is wider than receipt_width"
amount = [l for l in lines if l.startswith("Amount")][0]
assert len(amount) == 32 and amount.endswith("5,000 MMK"), repr(amount)
EOF
size1=$(stat -c %s "$PRINTER")
step "the kiosk logged the sale's life and the receipt to syslog"
for re in 'event=start version=[^ ]* command=kiosk mode=live' \
	'event=sale sale_id=1 method=wavepay amount=5000 currency=MMK .* from=new state=creating' \
	'event=sale sale_id=1 method=wavepay .* from=awaiting_txid state=activating' \
	'event=sale sale_id=1 method=wavepay .*txid=2234567890 credited=5500 from=activating state=paid' \
	'event=receipt sale_id=1 printed=1'; do
	# The datagrams were sent before the frame; the listener writes them.
	poll_until 5 grep -qE "$re" "$E2E_TMP/syslog.txt" ||
		fail "no log line like '$re': $(cat "$E2E_TMP/syslog.txt")"
done
keys Escape
wait_for "Choose the payment"
[ "$(last_sale state)" = paid ] || fail "the receipt changed the sale"

step "Hindi sale: the receipt is in the sale's language, even after * switches the screen"
keys '*'; keys '*'           # en -> my -> hi
wavepay_sale 1000 1234567890
keys +
wait_for "भुगतान रसीद"
keys '*'                     # the screen goes English; the receipt stays Hindi
assert_screen "English"
assert_screen "Print"
refute_screen "हिन्दी"
assert_screen "भुगतान रसीद"
assert_screen "1,000 MMK"
keys Enter
assert_screen "Receipt printed on"  # the screen's language (English), not the receipt's
# No receipt printer has Devanagari in its font: the job is an image.
python3 - "$PRINTER" "$size1" <<'EOF' || fail "the Hindi receipt bytes are wrong"
import sys
b = open(sys.argv[1], "rb").read()[int(sys.argv[2]):]
assert b.startswith(b"\x1b@\x1dv0\x00\x30\x00"), "not ESC @ then a 384-dot GS v 0 image"
assert b.endswith(b"\x1bd\x04\x1dV\x01"), "no feed + cut at the end"
assert "भुगतान रसीद".encode() not in b, "the Hindi went as text"
rows, i = 0, 2
while b[i:i + 3] == b"\x1dv0":
    r = b[i + 6] | (b[i + 7] << 8)
    rows += r
    i += 8 + 48 * r
assert i == len(b) - 6 and rows > 200, (i, len(b), rows)
EOF
keys Escape
wait_for "Choose the payment"
keys Escape
kiosk_wait_exit 10
kiosk_close

step "a printer that cannot be opened: a clear message, the sale stays paid"
kiosk_start -e PAYKIOSK_RECEIPT_PRINTER=/nonexistent/lp0
wait_for "Choose the payment"
wavepay_sale 2000 1234567891
keys +
wait_for "Payment receipt"
keys Enter
wait_for "Cannot open the receipt printer /nonexistent/lp0"
[ "$(last_sale state)" = paid ] || fail "a printer failure changed the sale"
keys Escape
wait_for "Choose the payment"
keys Escape
kiosk_wait_exit 10
[ "$KIOSK_STATUS" = 0 ] || fail "exit status $KIOSK_STATUS"
e2e_log "receipt: all cases passed"
