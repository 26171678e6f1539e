# money_safety.sh - the rule "only the gateway's definitive answer closes a
# sale as paid or failed; only a person closes one the gateway has not
# decided; anything uncertain stays open, is shown, and is re-checked",
# seen by the cashier on the real kiosk, in the journal, and in the
# sandbox's ledger (the truth about money):
#   1. a Wavepay sale killed (SIGKILL) at its ID screen comes back after a
#      restart at the same wallet and amount, with no second create;
#   2. a UPI cancel without the gateway's word (processing, or no answer
#      to the final check) is "Not confirmed yet", listed, and the
#      background re-check records the payment that comes afterwards;
#   3. a Wavepay activation credited but whose answer was lost, re-sent
#      and refused ("already used"): refused (open), never failed; the
#      background re-check gets the true answer: paid;
#   4. an activation answered with an HTML 500 page: not known yet, open,
#      listed, and closed as not paid only by the cashier (with a note);
#   5. HTTP codes: possible_transaction_created with 404 is "not found"; a
#      create answered `fail` with 500 is no answer (no QR, retry/abandon);
#   6. a upi:// link asking another amount, or none: no QR, abandoned, the
#      cashier told what the link asked.
# Each case has its own journal; the sandbox is shared.
source "$(dirname "$0")/lib.sh"
e2e_init
command -v python3 >/dev/null || fail "python3 is missing"
sandbox_start

# ---- helpers ---------------------------------------------------------------

# use_journal NAME [CONFIG-LINES...]: the next kiosk runs on its own journal
# and, with lines, a config file of its own (mode 0600, PAYKIOSK_CONFIG).
KIOSK_CONF=""
use_journal() {
	KIOSK_JOURNAL=$E2E_TMP/$1.db
	shift
	KIOSK_CONF=""
	if [ $# -gt 0 ]; then
		KIOSK_CONF=$E2E_TMP/$(basename "$KIOSK_JOURNAL" .db).conf
		printf '%s\n' "$@" > "$KIOSK_CONF"
		chmod 600 "$KIOSK_CONF"
	fi
}
start() { # start [KIOSK ARGS]: the kiosk on the case's journal and config
	if [ -n "$KIOSK_CONF" ]; then
		kiosk_start -e "PAYKIOSK_CONFIG=$KIOSK_CONF" -- "$@"
	else
		kiosk_start -- "$@"
	fi
}
stop_kiosk() {
	keys Escape
	kiosk_wait_exit 10
	[ "$KIOSK_STATUS" = 0 ] || fail "exit status $KIOSK_STATUS"
	kiosk_close
}
to_home() { # from a result screen
	keys Enter
	wait_screen home
}

# The sandbox's ledger and stats (JSON), read with python3.
# ledger_top KEY; ledger_wavepay CTID FIELD; ledger_upi CTID FIELD;
# ledger_unapplied CALL CTID (requests).  Missing -> "none".
_ledger() {
	sandbox_post /_sandbox/ledger > "$E2E_TMP/ledger.json" || fail "no ledger"
	python3 - "$E2E_TMP/ledger.json" "$@" <<'EOF'
import json, sys
L = json.load(open(sys.argv[1]))
what, args = sys.argv[2], sys.argv[3:]
def show(v):
    print("none" if v is None else (str(v).lower() if isinstance(v, bool) else v))
if what == "top":
    show(L.get(args[0]))
elif what in ("wavepay", "upi"):
    rows = [r for r in L[what] if r["ctid"] == args[0]]
    show(rows[0].get(args[1]) if rows else None)
elif what == "unapplied":
    rows = [r for r in L["unapplied"] if r["call"] == args[0] and r["ctid"] == args[1]]
    show(rows[0]["requests"] if rows else None)
EOF
}
ledger_top() { _ledger top "$1"; }
ledger_wavepay() { _ledger wavepay "$1" "$2"; }
ledger_upi() { _ledger upi "$1" "$2"; }
ledger_unapplied() { _ledger unapplied "$1" "$2"; }
sb_stat() { # sb_stat KEY: a request count or a top-level count of /_sandbox/stats
	sandbox_post /_sandbox/stats | python3 -c '
import json, sys
s = json.load(sys.stdin); k = sys.argv[1]
print(s["requests"].get(k, s.get(k)))' "$1"
}

sale_col() { journal_sql "select $2 from sales where id = $1"; }
sale_state() { sale_col "$1" state; }
_state_is() { [ "$(sale_state "$1")" = "$2" ]; }
# wait_state ID STATE [SECONDS]: the journal says so (the change under test
# when no key causes it).
wait_state() {
	poll_until "${3:-10}" _state_is "$1" "$2" ||
		fail "sale $1 is '$(sale_state "$1")', not '$2', after ${3:-10} s"
}
expect_state() {
	[ "$(sale_state "$1")" = "$2" ] || fail "the journal says sale $1 is '$(sale_state "$1")', not '$2'"
}
history_notes() { journal_sql "select note from sale_history where sale_id = $1 order by id"; }
# How many status calls reached the sandbox (its request log).
status_calls() { grep -c "call=upi_status " "$E2E_TMP/sandbox.log"; }
no_qr() { ! screen | grep -q '[█▀▄]'; } # no QR module on the pane

wallet_on_screen() { screen | grep -o 'Wallet [0-9]*' | head -n 1 | cut -d' ' -f2; }

# ---- 1 ----------------------------------------------------------------------

step "1. Wavepay: the kiosk is killed at the transaction-ID screen"
use_journal case1
start
wait_for "Choose the payment"
keys 1
assert_screen "Amount in MMK"
keys 3 0 0 0 Enter
wait_for "Transaction ID:" 10
wallet=$(wallet_on_screen)
[ -n "$wallet" ] || fail "no wallet number on the screen"
assert_screen "Amount 3,000 MMK"
sale=$(last_sale id)
expect_state "$sale" awaiting_txid
[ "$(sale_col "$sale" identifier)" = "$wallet" ] || fail "the journal has another wallet"
[ "$(ledger_top wavepay_creates)" = 1 ] || fail "want one Wavepay create in the sandbox"
pid=$(kiosk_proc)
[ -n "$pid" ] || fail "no kiosk process"
kill -KILL "$pid"
kiosk_wait_exit 5
kiosk_close
expect_state "$sale" awaiting_txid

step "1. restart on the same journal: the sale waits for its ID again"
start
wait_for "Sales from before the restart"
assert_screen "1 Wavepay sale is waiting for its transaction ID again"
keys Enter
wait_screen wavepay
assert_screen "Wallet $wallet"
assert_screen "Amount 3,000 MMK"
assert_screen "Transaction ID:"
[ "$(ledger_top wavepay_creates)" = 1 ] || fail "the restart sent a second Wavepay create"
[ "$(sb_stat wavepay_create)" = 1 ] || fail "the sandbox saw another create request"
[ "$(journal_sql 'select count(*) from sales')" = 1 ] || fail "the restart recorded another sale"
type_text "1234567890"
keys Enter
wait_for "Paid" 10
assert_screen "Credited 3,000 MMK"
expect_state "$sale" paid
ctid=$(sale_col "$sale" ctid)
[ "$(ledger_wavepay "$ctid" credited)" = true ] || fail "the ledger has no credit for the sale"
[ "$(ledger_wavepay "$ctid" activations)" = 1 ] || fail "want one activation"
[ "$(ledger_top wavepay_creates)" = 1 ] || fail "a second Wavepay create after the ID"
to_home
stop_kiosk

# ---- 2 ----------------------------------------------------------------------

# poll_interval 30: no status poll happens on its own while the cases below
# run, so the one status call at the cancel is the cancel's final check.
step "2. UPI: the final check at the cancel gets no answer"
use_journal case2 "recheck_interval = 2"
start --poll-interval 30 --poll-timeout 600
wait_for "Choose the payment"
keys 2
assert_screen "Amount in INR"
keys 1 5 0 Enter
wait_for "Scan with any UPI app" 10
order_a=$(screen_order_id)
sale_a=$(last_sale id)
[ "$(sale_col "$sale_a" order_id)" = "$order_a" ] || fail "the journal has another order"
[ "$(status_calls)" = 0 ] || fail "a status poll before the cancel"
sandbox_fault upi_status reset 1 >/dev/null
keys Escape
assert_screen "Cancel this payment?"
keys Enter
wait_for "Not confirmed yet" 15
refute_screen "Cancelled"
assert_screen "Order $order_a"
assert_screen "If the customer pays now, it will show as paid"
expect_state "$sale_a" unconfirmed
never_in "$sale_a" cancelled failed
# The cancel's final check (the first status call to reach the sandbox:
# nothing else asks before the sale is unconfirmed) met the reset.
grep "call=upi_status " "$E2E_TMP/sandbox.log" | head -n 1 | grep -q "fault=reset" ||
	fail "the final check did not meet the reset: $(grep "call=upi_status" "$E2E_TMP/sandbox.log")"
to_home
assert_screen "Open sales (1 open sale)"

step "2. UPI: cancelled while the gateway says processing"
keys 2
assert_screen "Amount in INR"
keys 2 5 0 Enter
wait_for "Scan with any UPI app" 10
order_b=$(screen_order_id)
sale_b=$(last_sale id)
[ "$sale_b" != "$sale_a" ] || fail "no new sale"
keys Escape
assert_screen "Cancel this payment?"
keys Enter
wait_for "Not confirmed yet" 15
refute_screen "Cancelled"
assert_screen "Order $order_b"
expect_state "$sale_b" unconfirmed
never_in "$sale_b" cancelled failed
[ "$(ledger_upi "$(sale_col "$sale_b" ctid)" status)" = processing ] ||
	fail "the sandbox's order is not processing"
to_home
assert_screen "Open sales (2 open sales)"
keys 3
wait_screen open_sales
assert_screen "2 open sales"
screen | grep "$order_b" | grep -qF "Not confirmed yet" ||
	fail "Open sales does not list $order_b as not confirmed yet"
screen | grep -q "$order_a" || fail "Open sales does not list $order_a"
keys Escape
wait_screen home

step "2. the customer pays afterwards: the background re-check records it"
sandbox_settle "$order_b" success >/dev/null
# No key: the kiosk's own re-check (every 2 s) is the change under test.
wait_state "$sale_b" paid 20
history_notes "$sale_b" | grep -q "background re-check" ||
	fail "the payment was not recorded by the background re-check: $(history_notes "$sale_b")"
assert_screen "Choose the payment"
keys 3
wait_screen open_sales
assert_screen "1 open sale"
refute_screen "$order_b"
sandbox_settle "$order_a" failed >/dev/null
wait_state "$sale_a" failed 20
keys Escape
wait_screen home
stop_kiosk

# ---- 3 ----------------------------------------------------------------------

step "3. Wavepay: the activation is credited, its answer lost (reset_after)"
use_journal case3 "recheck_interval = 2"
start
wait_for "Choose the payment"
keys 1
assert_screen "Amount in MMK"
keys 4 0 0 0 Enter
wait_for "Transaction ID:" 10
sale=$(last_sale id)
ctid=$(sale_col "$sale" ctid)
sandbox_fault wavepay_activate reset_after 1 >/dev/null
type_text "1876543210"
keys Enter
wait_for "Could not reach the gateway" 15
assert_screen "Not known yet"
assert_screen "Try again"
expect_state "$sale" unknown
[ "$(ledger_wavepay "$ctid" credited)" = true ] || fail "the sandbox did not credit the activation"
[ "$(ledger_wavepay "$ctid" activations)" = 1 ] || fail "want one activation so far"

step "3. Try again: the re-send is answered fail (already used) -> refused, open"
sandbox_fault wavepay_activate resend_fail 1 >/dev/null
keys Enter
wait_for "Transaction ID refused" 15
assert_screen "already used"
assert_screen "do not ask for the money" # a refusal never proves that nothing was paid
expect_state "$sale" refused
never_in "$sale" failed cancelled
[ "$(sale_col "$sale" ctid)" = "$ctid" ] || fail "the re-send used another ctid"
[ "$(ledger_wavepay "$ctid" activations)" = 2 ] || fail "want the activation and one re-send"
[ "$(ledger_wavepay "$ctid" credited)" = true ] || fail "the ledger lost the credit"
[ "$(ledger_wavepay "$ctid" deposit_amount)" = 4000 ] || fail "the ledger credited another amount"
keys Escape                       # Leave it open
wait_screen home
assert_screen "Open sales (1 open sale)"

step "3. the background re-check gets the replayed true answer: paid"
wait_state "$sale" paid 20
never_in "$sale" failed cancelled
[ "$(sale_col "$sale" deposit_amount)" = 4000 ] || fail "the journal has no credited amount"
[ "$(ledger_wavepay "$ctid" activations)" = 3 ] || fail "want exactly one background re-send"
[ "$(sale_col "$sale" ctid)" = "$ctid" ] || fail "the re-check used another ctid"
stop_kiosk

# ---- 4 ----------------------------------------------------------------------

# No background re-checks here: only the cashier decides.
step "4. Wavepay: the activation is answered with an HTML 500 page"
use_journal case4 "recheck_interval = 0"
start
wait_for "Choose the payment"
keys 1
assert_screen "Amount in MMK"
keys 2 0 0 0 Enter
wait_for "Transaction ID:" 10
sale=$(last_sale id)
ctid=$(sale_col "$sale" ctid)
sandbox_fault wavepay_activate http500_html 1 >/dev/null
type_text "1555555555"
keys Enter
wait_for "The gateway's answer cannot be used" 15
assert_screen "Not known yet"
assert_screen "HTTP 500"
expect_state "$sale" unknown
keys Escape                       # Leave it open
wait_screen home
expect_state "$sale" unknown
assert_screen "Open sales (1 open sale)"
keys 3
wait_screen open_sales
assert_screen "1 open sale"
screen | grep "1555555555" | grep -qF "Not known yet" ||
	fail "Open sales does not list the sale as not known yet"

step "4. the cashier closes it as not paid"
keys /
assert_screen "Close this sale as not paid?"
expect_state "$sale" unknown      # asked first
keys Enter
wait_for "Cancelled" 5
expect_state "$sale" cancelled
history_notes "$sale" | grep -q "closed as not paid by the cashier at e2e-counter: the customer did not pay" ||
	fail "no note who closed it: $(history_notes "$sale")"
never_in "$sale" failed paid
[ "$(ledger_wavepay "$ctid" credited)" = none ] || fail "the sandbox has an activation for it"
keys Enter
wait_screen home
assert_screen "Open sales"
refute_screen "open sale)"

# ---- 5 ----------------------------------------------------------------------

step "5. possible_transaction_created with HTTP 404: not found, not stuck"
keys 1
assert_screen "Amount in MMK"
keys 1 0 0 0 Enter
wait_for "Transaction ID:" 10
sale=$(last_sale id)
ctid=$(sale_col "$sale" ctid)
sandbox_post /_sandbox/fault '{"call":"wavepay_activate","mode":"http_code","count":1,"http":404}' >/dev/null
type_text "4234567890"
keys Enter
wait_for "Transaction not found" 15
refute_screen "Checking the transaction..."
expect_state "$sale" not_found
[ "$(ledger_wavepay "$ctid" status)" = possible_transaction_created ] ||
	fail "the sandbox did not answer possible_transaction_created"
keys Escape
wait_screen home
expect_state "$sale" not_found

step "5. a create answered fail with HTTP 500: no QR, stays creating, abandoned"
sandbox_fault upi_create fail_http 1 >/dev/null
keys 2
assert_screen "Amount in INR"
keys 3 3 3 Enter
wait_for "The gateway's answer cannot be used" 15
sale=$(last_sale id)
ctid=$(sale_col "$sale" ctid)
no_qr || fail "a QR is on the screen"
refute_screen "Scan with any UPI app"
expect_state "$sale" creating
[ "$(ledger_upi "$ctid" status)" = none ] || fail "the sandbox has an order for it"
keys Escape
assert_screen "Give up this sale? Nothing was charged."
keys Enter
wait_screen home
expect_state "$sale" abandoned
never_in "$sale" failed
[ "$(ledger_unapplied upi_create "$ctid")" = 1 ] || fail "want the one unapplied create"

# ---- 6 ----------------------------------------------------------------------

step "6. a upi:// link that asks another amount: no QR, abandoned, the cashier told"
sandbox_fault upi_create qr_wrong_amount 1 >/dev/null
keys 2
assert_screen "Amount in INR"
keys 1 0 0 Enter
_asked_or_qr() { _has "asks for" || _has "Scan with any UPI app" || _has "Nothing was charged"; }
poll_until 15 _asked_or_qr || fail "no answer to the create on the screen"
sale=$(last_sale id)
no_qr || fail "a QR for the wrong amount is on the screen"
refute_screen "Scan with any UPI app"
expect_state "$sale" abandoned
never_in "$sale" awaiting_payment
assert_screen "asks for 999.00 INR"
keys Enter
wait_screen home

step "6. a upi:// link that names no amount"
sandbox_fault upi_create qr_no_amount 1 >/dev/null
keys 2
assert_screen "Amount in INR"
keys 1 2 0 Enter
_named_or_qr() { _has "names no amount" || _has "Scan with any UPI app" || _has "Nothing was charged"; }
poll_until 15 _named_or_qr || fail "no answer to the create on the screen"
sale=$(last_sale id)
no_qr || fail "a QR without an amount is on the screen"
expect_state "$sale" abandoned
assert_screen "names no amount"
keys Enter
wait_screen home
stop_kiosk
e2e_log "money_safety: ok"
