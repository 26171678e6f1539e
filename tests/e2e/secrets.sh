# secrets.sh - the gateway secret never leaves the kiosk: after a UPI sale,
# a Wavepay sale and a create the gateway answers with HTTP 500, it is in
# none of the journal (and its WAL), the kiosk's stderr, the sandbox's
# request log, the screens shown (captured at every step), the kiosk's
# command line; and the kiosk runs with core dumps off.
source "$(dirname "$0")/lib.sh"
e2e_init
sandbox_start
kiosk_start
caps=$E2E_TMP/captures
mkdir -p "$caps"
n=0
snap() { n=$((n + 1)); screen > "$caps/$n.txt"; }

[ ${#SANDBOX_SECRET} -ge 16 ] || fail "no secret to look for"
pid=$(kiosk_proc)
[ -n "$pid" ] || fail "no kiosk process"
# the kiosk turns core dumps off before it draws: its first home screen
# says it is past that point
wait_for "Choose the payment"
step "no secret on the command line, core dumps off"
if tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF "$SANDBOX_SECRET"; then
	fail "the secret is on the kiosk's command line"
fi
grep -E '^Max core file size +0 +0' "/proc/$pid/limits" >/dev/null || fail "core dumps are not off: $(grep core /proc/$pid/limits)"

step "a UPI sale"
snap
keys 2; wait_for "Amount in INR"; snap
keys 5 5 Enter; wait_for "Scan with any UPI app"; snap
sandbox_settle "$(screen_order_id)" success >/dev/null
wait_for "Paid" 10; snap
keys Enter

step "a Wavepay sale"
wait_for "Choose the payment"
keys 1; wait_for "Amount in MMK"; snap
keys 6 0 0 Enter; wait_for "Transaction ID:"; snap
type_text "1555000111"; keys Enter
wait_for "Paid" 10; snap
keys Enter

step "a create answered with an error"
wait_for "Choose the payment"
sandbox_post /_sandbox/fault '{"call":"upi_create","mode":"http500_html","count":1}' >/dev/null
keys 2; wait_for "Amount in INR"
keys 7 7 Enter; wait_for "HTTP 500" 10; snap
keys Escape; wait_for "Give up this sale?"; keys Enter
wait_for "Choose the payment"; keys Escape
kiosk_wait_exit 10

step "grep every artefact"
[ "$n" -ge 8 ] || fail "only $n screens captured"
# run-kiosk.sh is the harness's own launcher: it sets PAYKIOSK_SECRET for
# the kiosk (the environment, as an operator would), so it is skipped.
found=$(grep -rlaF "$SANDBOX_SECRET" "$E2E_TMP" --exclude=run-kiosk.sh 2>/dev/null || true)
[ -z "$found" ] || fail "the secret is in: $found"
ls "$E2E_TMP"/journal.db* >/dev/null || fail "no journal to check"
e2e_log "secrets: ok ($n screens, $(ls "$E2E_TMP" | wc -l) files checked)"
