#!/usr/bin/env bash
# pay_pos.sh - `paykiosk pay` called the way a till program calls it: no
# terminal, JSON lines read from a pipe, the exit status decides.  Against
# the real sandbox over loopback, with a syslog socket listening (python3)
# to check the operational log, and a receipt "printer" that is a file.
source "$(dirname "$0")/lib.sh"
e2e_init
command -v python3 >/dev/null || fail "python3 is missing"
sandbox_start

syslog_listen # the kiosk's log lines: $E2E_TMP/syslog.txt

PAY_ENV=(PAYKIOSK_LOG_SOCKET="$LOGSOCK")

step "UPI paid: JSON lines, exit 0, journal paid, syslog lines, receipt bytes"
pay_bg pay upi --amount 12.50 --label till-7-sale-1 --json
wait_state awaiting_payment
order=$(json_field order_id awaiting_payment)
qr=$(json_field qr_data awaiting_payment)
[ -n "$order" ] || fail "no order_id in the awaiting_payment line"
case $qr in upi://*) ;; *) fail "qr_data is not a upi:// link: $qr" ;; esac
[ "$(json_field amount awaiting_payment)" = "12.50" ] || fail "amount is not 12.50"
[ "$(json_field amount_minor awaiting_payment)" = "1250" ] || fail "amount_minor is not 1250"
sandbox_settle "$order" success >/dev/null
pay_wait 20
expect_exit 0
check_json_lines
[ "$(json_field state)" = paid ] || fail "the last line is not paid"
[ "$(last_sale state)" = paid ] || fail "the journal does not say paid"
[ "$(last_sale order_id)" = "$order" ] || fail "the journal has another order"
grep -q "event=sale sale_id=[0-9]* method=upi amount=12.50 currency=INR .*order_id=$order from=awaiting_payment state=paid" \
	"$E2E_TMP/syslog.txt" || fail "syslog has no paid line: $(cat "$E2E_TMP/syslog.txt")"
grep -q '^<13>[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]* paykiosk\[[0-9]*\]: event=start version=' \
	"$E2E_TMP/syslog.txt" || fail "syslog has no RFC 3164 start line"
grep -q 'event=stop status=0' "$E2E_TMP/syslog.txt" || fail "syslog has no stop line"

step "UPI failed at the gateway: exit 3"
pay_bg pay upi --amount 99 --json
wait_state awaiting_payment
sandbox_settle "$(json_field order_id awaiting_payment)" failed >/dev/null
pay_wait 20
expect_exit 3
check_json_lines
[ "$(last_sale state)" = failed ] || fail "the journal does not say failed"

step "UPI stopped by the till (SIGTERM) while the gateway says processing: left open, exit 5"
pay_bg pay upi --amount 150 --json
wait_state awaiting_payment
kill -TERM "$PAY_PID"
pay_wait 15
expect_exit 5 # the QR was shown: the customer may be paying, never "cancelled"
grep -q '"event":"interrupted"' "$E2E_TMP/out.$PAY_N" || fail "no interrupted line"
[ "$(last_sale state)" = unconfirmed ] || fail "the journal does not say unconfirmed: $(last_sale state)"

step "a second pay on the same journal is refused while one runs"
pay_bg pay upi --amount 170 --json
first=$PAY_PID; first_n=$PAY_N
wait_state awaiting_payment
pay_bg pay upi --amount 180 --json
pay_wait 10
expect_exit 1
grep -q "Another paykiosk (process $first)" "$E2E_TMP/out.$PAY_N" ||
	fail "the refusal does not name the first process: $(out)"
PAY_PID=$first; PAY_N=$first_n
kill -TERM "$PAY_PID"; pay_wait 15; expect_exit 5

step "a pay killed mid-sale (kill -9): the next pay finishes that sale first, then its own"
pay_bg pay upi --amount 111 --json
wait_state awaiting_payment
lost_order=$(json_field order_id awaiting_payment)
lost_id=$(json_field sale_id awaiting_payment)
kill -9 "$PAY_PID"; wait "$PAY_PID" 2>/dev/null
sandbox_settle "$lost_order" success >/dev/null   # the customer paid meanwhile
pay_bg pay upi --amount 112 --json
_recovered_paid() { grep -q "\"sale_id\":$lost_id,.*\"state\":\"paid\".*\"recovered\":true" "$E2E_TMP/out.$PAY_N"; }
poll_until 15 _recovered_paid || fail "the killed sale was not finished as paid: $(out)"
grep -q '"event":"recovering"' "$E2E_TMP/out.$PAY_N" || fail "no recovering line"
_own_qr() { grep '"state":"awaiting_payment"' "$E2E_TMP/out.$PAY_N" | grep -qv '"recovered"'; }
poll_until 10 _own_qr || fail "the new sale did not start after recovery: $(out)"
[ "$(journal_sql "select state from sales where id=$lost_id")" = paid ] || fail "the killed sale is not paid in the journal"
kill -TERM "$PAY_PID"; pay_wait 15; expect_exit 5

step "Wavepay: the transaction ID on stdin, credited more than asked, exit 0"
printf '2234567890\n' > "$E2E_TMP/in"
PAY_IN=$E2E_TMP/in pay_bg pay wavepay --amount 5000 --json
pay_wait 20
expect_exit 0
check_json_lines
[ -n "$(json_field wallet awaiting_txid)" ] || fail "no wallet in the awaiting_txid line"
[ "$(json_field transaction_id)" = 2234567890 ] || fail "no transaction_id"
[ "$(json_field credited)" = 5500 ] || fail "credited is not 5500: $(out)"
[ "$(last_sale state)" = paid ] || fail "the journal does not say paid"

step "Wavepay: a bad ID is refused, the next line is used"
printf 'abc\n1234567890\n' > "$E2E_TMP/in"
PAY_IN=$E2E_TMP/in pay_bg --verbose pay wavepay --amount 1000 --json
pay_wait 20
expect_exit 0
grep -q '"event":"input_error"' "$E2E_TMP/out.$PAY_N" || fail "no input_error for 'abc'"
check_json_lines # --verbose does not mix log lines into the JSON
grep -q '^paykiosk: event=sale sale_id=[0-9]* method=wavepay amount=1000 currency=MMK .*state=paid' \
	"$E2E_TMP/err.$PAY_N" || fail "--verbose did not mirror the log to stderr: $(cat "$E2E_TMP/err.$PAY_N")"

step "Wavepay: declined, not found, no ID: each left open (the wallet was shown), exit 5"
printf '5234567890\n' > "$E2E_TMP/in"
PAY_IN=$E2E_TMP/in pay_bg pay wavepay --amount 1000 --json; pay_wait 20; expect_exit 5
[ "$(last_sale state)" = refused ] || fail "the journal does not say refused"
printf '4234567890\n' > "$E2E_TMP/in"
PAY_IN=$E2E_TMP/in pay_bg pay wavepay --amount 1000 --json; pay_wait 20; expect_exit 5
[ "$(last_sale state)" = not_found ] || fail "the journal does not say not_found"
PAY_IN=/dev/null pay_bg pay wavepay --amount 1000 --json; pay_wait 20; expect_exit 5
[ "$(last_sale state)" = awaiting_txid ] || fail "the journal does not say awaiting_txid"

step "usage errors: exit 2, nothing recorded"
before=$(journal_sql "select count(*) from sales")
for args in "pay" "pay upi" "pay bitcoin --amount 5" "pay upi --amount 12.345" \
	"pay upi --amount -5" "pay wavepay --amount 10.5" "pay upi --amount 150 --bogus"; do
	# shellcheck disable=SC2086
	pay_bg $args; pay_wait 10; expect_exit 2
	[ -s "$E2E_TMP/err.$PAY_N" ] || fail "'$args' printed no reason"
done
[ "$(journal_sql "select count(*) from sales")" = "$before" ] || fail "a usage error recorded a sale"

step "human output: the QR code on stdout decodes to qr_data"
pay_bg pay upi --amount 300
_has_scan() { grep -q "Scan with any UPI app" "$E2E_TMP/out.$PAY_N"; }
poll_until 10 _has_scan || fail "no 'Scan with any UPI app' line: $(out)"
order=$(grep -o 'Order [0-9a-zA-Z_-]*' "$E2E_TMP/out.$PAY_N" | head -n 1 | cut -d' ' -f2)
sed -n '/[▀▄█]/p' "$E2E_TMP/out.$PAY_N" > "$E2E_TMP/qr.txt"
screen() { cat "$E2E_TMP/qr.txt"; } # qr_decode reads "the screen": here, stdout
decoded=$(qr_decode) || fail "the printed QR does not scan"
case $decoded in upi://pay*"$order"*) ;; *) fail "the QR says '$decoded'" ;; esac
sandbox_settle "$order" success >/dev/null
pay_wait 20
expect_exit 0

step "receipt: a paid sale prints ESC/POS bytes to the printer file"
PAYKIOSK_RECEIPT_PRINTER=$E2E_TMP/printer.bin
export PAYKIOSK_RECEIPT_PRINTER
pay_bg pay upi --amount 250 --json
wait_state awaiting_payment
sandbox_settle "$(json_field order_id awaiting_payment)" success >/dev/null
pay_wait 20
expect_exit 0
unset PAYKIOSK_RECEIPT_PRINTER
grep -q '"event":"receipt"' "$E2E_TMP/out.$PAY_N" || fail "no receipt line: $(out)"
python3 - "$E2E_TMP/printer.bin" <<'EOF' || fail "the receipt bytes are wrong"
import sys
b = open(sys.argv[1], "rb").read()
assert b.startswith(b"\x1b@"), "no ESC @ at the start"
assert b.endswith(b"\x1dV\x01"), "no GS V cut at the end"
text = b.decode("utf-8", "replace")
for want in ("Payment receipt", "Method", "UPI", "250.00 INR", "Order ID", "till-7", "Paid - thank you"):
    assert want in text, want
EOF

step "training: no account, its own sandbox; the trainer types the outcome"
PAY_N=$((PAY_N + 1))
printf 'maybe\npaid\n' | env -u TERM -u PAYKIOSK_API_URL -u PAYKIOSK_SECRET \
	PATH="$(dirname "$PK_SANDBOX"):$PATH" PAYKIOSK_JOURNAL="$E2E_TMP/training.db" \
	PAYKIOSK_LOG_SOCKET="$LOGSOCK" XDG_CONFIG_HOME="$E2E_TMP/config" \
	timeout 30 "$PK_KIOSK" --training pay upi --amount 120 --json \
	> "$E2E_TMP/out.$PAY_N" 2> "$E2E_TMP/err.$PAY_N"
PAY_STATUS=$?
expect_exit 0
check_json_lines
grep -q '"event":"input_error","message":"Training: type paid or failed"' "$E2E_TMP/out.$PAY_N" ||
	fail "'maybe' was not refused"
[ "$(sqlite3 -readonly "$E2E_TMP/training.db" "select state from sales")" = paid ] ||
	fail "the training journal does not say paid"
grep -q 'event=start .*command=pay mode=training' "$E2E_TMP/syslog.txt" || fail "no training start line"

step "no secret in anything this test wrote"
grep -rlF "$SANDBOX_SECRET" "$E2E_TMP"/out.* "$E2E_TMP"/err.* "$E2E_TMP/syslog.txt" "$KIOSK_JOURNAL"* \
	&& fail "the secret leaked"
e2e_log "pay_pos: all cases passed"
