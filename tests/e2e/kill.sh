# kill.sh - the real kiosk killed with SIGKILL at the points where a sale
# is most fragile, then restarted on the same journal: every sale ends in
# the right state, no create is ever sent twice (the sandbox's request log
# proves it: one create per custom_transaction_id), and an activation
# whose answer was lost is re-sent identically (same key1, same ctid) and
# credited once.  Also: a journal file that is not a journal stops the
# kiosk with a clear message and is left untouched.
# (Killed after the QR was shown / mid-poll: smoke_screens.sh.)
source "$(dirname "$0")/lib.sh"
e2e_init
sandbox_start
kiosk_start

kill_kiosk() {
	kill -KILL "$(kiosk_proc)"
	kiosk_wait_exit 5
	kiosk_close
}

step "killed after the UPI create was sent (no answer yet)"
wait_for "Choose the payment"
sandbox_post /_sandbox/fault '{"call":"upi_create","mode":"hang","count":1}' >/dev/null
keys 2
assert_screen "Amount in INR"
keys 7 7 Enter
wait_for "Asking the gateway..."
poll_until 5 grep -q 'call=upi_create' "$E2E_TMP/sandbox.log" || fail "the create never reached the sandbox"
[ "$(last_sale state)" = creating ] || fail "the journal does not say creating before the answer"
kill_kiosk

step "restart: the sale is abandoned, nothing charged, no second create"
kiosk_start
wait_for "Sales from before the restart"
assert_screen "1 sale was stopped before the customer saw it; nothing was charged"
keys Enter
assert_screen "Choose the payment"
[ "$(last_sale state)" = abandoned ] || fail "the unanswered create is not abandoned"
[ "$(grep -c 'call=upi_create' "$E2E_TMP/sandbox.log")" = 1 ] || fail "the create was sent again"

step "killed after the Wavepay activation was sent"
keys 1
assert_screen "Amount in MMK"
keys 4 0 0 0 Enter
wait_for "Transaction ID:"
sandbox_post /_sandbox/fault '{"call":"wavepay_activate","mode":"hang","count":1}' >/dev/null
type_text "1777000111"
keys Enter
wait_for "Checking the transaction..."
poll_until 5 grep -q 'call=wavepay_activate' "$E2E_TMP/sandbox.log" || fail "the activation never reached the sandbox"
[ "$(last_sale state)" = activating ] || fail "the journal does not say activating before the answer"
ctid=$(last_sale ctid)
kill_kiosk

step "restart: the identical activation is re-sent once and credited once"
kiosk_start
wait_for "Sales from before the restart"
assert_screen "1 Wavepay transaction ID was sent again"
keys Enter
wait_for "Paid" 10
assert_screen "Credited 4,000 MMK"
[ "$(last_sale state)" = paid ] || fail "the re-sent activation did not end paid"
[ "$(last_sale ctid)" = "$ctid" ] || fail "the re-sent activation has another ctid"
acts=$(grep 'call=wavepay_activate' "$E2E_TMP/sandbox.log")
[ "$(printf '%s\n' "$acts" | wc -l)" = 2 ] || fail "want the activation and one re-send: $acts"
[ "$(printf '%s\n' "$acts" | grep -c "ctid=$ctid\$")" = 2 ] || fail "the re-send changed the ctid: $acts"
keys Enter
assert_screen "Choose the payment"

step "every create carried its own custom_transaction_id"
dups=$(grep -E 'call=(upi|wavepay)_create' "$E2E_TMP/sandbox.log" | grep -o 'ctid=[^ ]*' | sort | uniq -d)
[ -z "$dups" ] || fail "a ctid reached the sandbox twice in creates: $dups"
keys Escape
kiosk_wait_exit 10
kiosk_close

step "a journal that is not a journal: clear message, file untouched"
bad=$E2E_TMP/broken.db
head -c 8192 /dev/urandom > "$bad"
sum=$(sha256sum "$bad")
kiosk_start -j "$bad"
kiosk_wait_exit 10
[ "$KIOSK_STATUS" != 0 ] || fail "the kiosk started on a broken journal"
grep -q "is not a sales journal" "$E2E_TMP/kiosk.err" || _has "is not a sales journal" ||
	fail "no clear message about the broken journal: $(cat "$E2E_TMP/kiosk.err")"
[ "$(sha256sum "$bad")" = "$sum" ] || fail "the broken journal was modified"
e2e_log "kill: ok"
