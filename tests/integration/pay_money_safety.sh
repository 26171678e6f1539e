#!/usr/bin/env bash
# pay_money_safety.sh - `paykiosk pay` and `paykiosk recheck` as a till
# runs them, when the gateway gives no usable answer or the till stops
# pay: a sale that may have been paid stays open (exit 5, the last JSON
# state line final), one where nothing was shown ends abandoned (exit 4),
# a create is only ever re-sent with its own ctid, and `recheck` records a
# payment that came after pay stopped.  Against the real sandbox (checked
# in its ledger); each step has a fresh sandbox (queued faults do not
# carry over) and its own journal (pay finishes an open sale of the
# journal before its own).
# (g)..(k): the kiosk's money-safety cases (tests/e2e/money_safety.sh) as
# pay meets them: killed at the wallet line (the next pay leaves that sale
# open and takes no ID for it), a credited activation's lost answer re-sent
# and refused (open, never failed), a link asking another or no amount (no
# QR, abandoned), possible_transaction_created with 404 (not found), and
# SIGTERM when the final status check gets no answer (unconfirmed).
source "$(dirname "$0")/lib.sh"
e2e_init
command -v python3 >/dev/null || fail "python3 is missing"

# ---- helpers (pay_bg .. check_json_lines: lib.sh) ---------------------------

# fresh STEP: a new sandbox (the previous one stopped) and a new journal.
fresh() {
	if [ -n "$SANDBOX_PID" ]; then
		kill "$SANDBOX_PID" 2>/dev/null
		wait "$SANDBOX_PID" 2>/dev/null
		SANDBOX_PID=""
	fi
	: > "$E2E_TMP/sandbox.log" # this step's requests only
	sandbox_start
	SECRETS+=("$SANDBOX_SECRET")
	KIOSK_JOURNAL=$E2E_TMP/$1.db
}
SECRETS=()
CONF=$E2E_TMP/pay.conf
printf 'pay_unknown_after = 5\n' > "$CONF"
chmod 600 "$CONF"

PAY_ENV=(PAYKIOSK_CONFIG="$CONF")
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
# term_within MS: SIGTERM to pay, which must be gone within MS.
term_within() {
	local t0 took
	t0=$(date +%s%N)
	kill -TERM "$PAY_PID"
	pay_wait 10
	took=$(ms_since "$t0")
	[ "$took" -le "$1" ] || fail "pay took $took ms to stop after SIGTERM"
}
# The sandbox saw a request of CALL (its request log): it is in flight.
_reached() { grep -q "call=$1 " "$E2E_TMP/sandbox.log"; }
wait_reached() { poll_until 10 _reached "$1" || fail "no $1 request reached the sandbox"; }
# The sandbox's ledger: ledger_get upi|wavepay CTID FIELD, ledger_unapplied
# CALL CTID (requests); "none" when there is no such entry.
_ledger() {
	sandbox_post /_sandbox/ledger > "$E2E_TMP/ledger.json" || fail "no ledger"
	python3 - "$E2E_TMP/ledger.json" "$@" <<'EOF'
import json, sys
L = json.load(open(sys.argv[1]))
what, args = sys.argv[2], sys.argv[3:]
if what == "unapplied":
    rows = [r for r in L["unapplied"] if r["call"] == args[0] and r["ctid"] == args[1]]
    v = rows[0]["requests"] if rows else None
else:
    rows = [r for r in L[what] if r["ctid"] == args[0]]
    v = rows[0].get(args[1]) if rows else None
print("none" if v is None else (str(v).lower() if isinstance(v, bool) else v))
EOF
}
ledger_get() { _ledger "$@"; }
ledger_unapplied() { _ledger unapplied "$@"; }
expect_journal() { # expect_journal STATE: the newest sale
	[ "$(last_sale state)" = "$1" ] || fail "the journal says '$(last_sale state)', not '$1'"
}

step "(a) Wavepay: the activation keeps getting an HTML 500 page"
fresh a
sandbox_fault wavepay_activate http500_html 20 >/dev/null
printf '1234567890\n' > "$E2E_TMP/in"
PAY_IN=$E2E_TMP/in pay_bg pay wavepay --amount 1000 --json
pay_wait 20 # pay_unknown_after = 5: it ends by itself well before
expect_exit 5
check_json_lines
[ "$(last_state_field state)" = unknown ] || fail "the last state line is not unknown: $(out)"
[ "$(last_state_field final)" = true ] || fail "the last state line is not final"
expect_journal unknown
ctid=$(last_sale ctid)
[ "$(ledger_get wavepay "$ctid" credited)" = none ] || fail "the sandbox applied an activation"
[ "$(ledger_unapplied wavepay_activate "$ctid")" -ge 1 ] || fail "no activation reached the sandbox"

step "(b) SIGTERM while the activation hangs: exit 5 within 6 s, the sale open"
fresh b
sandbox_post /_sandbox/fault '{"call":"wavepay_activate","mode":"hang","count":1,"hang_ms":30000}' >/dev/null
printf '1234567890\n' > "$E2E_TMP/in"
PAY_IN=$E2E_TMP/in pay_bg pay wavepay --amount 2000 --json
wait_state activating
wait_reached wavepay_activate
term_within 6000
expect_exit 5
check_json_lines
grep -q '"event":"interrupted"' "$E2E_TMP/out.$PAY_N" || fail "no interrupted line"
st=$(last_sale state)
case $st in activating | unknown) ;; *) fail "the sale is '$st', not open" ;; esac
[ "$(last_state_field state)" = "$st" ] || fail "the last state line is not the journal's $st"

step "(c) SIGTERM while the create hangs (nothing shown): exit 4, abandoned"
fresh c
sandbox_post /_sandbox/fault '{"call":"upi_create","mode":"hang","count":1,"hang_ms":30000}' >/dev/null
pay_bg pay upi --amount 75 --json
wait_state creating
wait_reached upi_create
term_within 6000
expect_exit 4
check_json_lines
expect_journal abandoned
ctid=$(last_sale ctid)
[ "$(ledger_get upi "$ctid" status)" = none ] || fail "the sandbox has an order for it"
! _has_state awaiting_payment || fail "a QR was shown"

step "(d) pay upi: the create is answered fail with HTTP 500, again and again"
fresh d
sandbox_fault upi_create fail_http 10 >/dev/null
pay_bg pay upi --amount 60 --json
pay_wait 30
expect_exit 4
check_json_lines
expect_journal abandoned
! _has_state awaiting_payment || fail "a QR was shown"
ctid=$(last_sale ctid)
[ "$(ledger_get upi "$ctid" status)" = none ] || fail "the sandbox has an order for it"
sent=$(ledger_unapplied upi_create "$ctid")
case $sent in none | 0 | 1) fail "the create was not retried (requests: $sent)" ;; esac
# Every create carried the sale's one ctid.
others=$(grep 'call=upi_create ' "$E2E_TMP/sandbox.log" | grep -vc "ctid=$ctid\$")
[ "$others" = 0 ] || fail "a create with another ctid: $(grep 'call=upi_create' "$E2E_TMP/sandbox.log")"
[ "$(grep -c 'call=upi_create ' "$E2E_TMP/sandbox.log")" = "$sent" ] || fail "the log and the ledger disagree"
json_sale_states=$(grep -o '"state":"[a-z_]*"' "$E2E_TMP/out.$PAY_N" | tr '\n' ' ')
case $json_sale_states in *failed*) fail "a 500 was taken as the gateway's refusal: $json_sale_states" ;; esac

step "(e) recheck: an open UPI sale paid afterwards"
fresh e
pay_bg pay upi --amount 120 --json
wait_state awaiting_payment
order=$(json_field order_id awaiting_payment)
[ -n "$order" ] || fail "no order id"
kill -TERM "$PAY_PID"
pay_wait 10
expect_exit 5
expect_journal unconfirmed
sale=$(last_sale id)
sandbox_settle "$order" success >/dev/null
pay_bg recheck
pay_wait 30
expect_exit 0
grep -qF "sale $sale (UPI, 120.00 INR): Not confirmed yet -> Paid" "$E2E_TMP/out.$PAY_N" ||
	fail "recheck did not print the change: $(out)"
grep -qF "Asked about 1 open sale; 1 changed, 0 still open" "$E2E_TMP/out.$PAY_N" ||
	fail "recheck's summary: $(out)"
expect_journal paid
[ "$(ledger_get upi "$(last_sale ctid)" status)" = success ] || fail "the ledger does not say success"

step "(f) pay upi: the status polls keep getting HTML 500: pay stops after pay_unknown_after"
fresh f
sandbox_fault upi_status http500_html 100 >/dev/null
pay_bg --poll-interval 1 --poll-timeout 120 pay upi --amount 90 --json
wait_state awaiting_payment
t0=$(date +%s%N)
pay_wait 20 # pay_unknown_after = 5 (each poll answered with the error page)
took=$(ms_since "$t0")
[ "$took" -ge 4000 ] || fail "pay stopped after $took ms, before pay_unknown_after"
expect_exit 5
check_json_lines
st=$(last_sale state)
case $st in awaiting_payment | unconfirmed) ;; *) fail "the sale is '$st', not open" ;; esac

# ---- the kiosk's money-safety cases, as pay meets them ----------------------

# The journal by sale.
sale_col() { journal_sql "select $2 from sales where id = $1"; }
# ledger_is upi|wavepay|top CTID FIELD=VALUE...: one read of the ledger
# says all of that ("none": no such entry or field; top: its counts, CTID -).
ledger_is() {
	local bad
	sandbox_post /_sandbox/ledger > "$E2E_TMP/ledger.json" || fail "no ledger"
	bad=$(python3 - "$E2E_TMP/ledger.json" "$@" <<'PY'
import json, sys
L = json.load(open(sys.argv[1]))
what, ctid = sys.argv[2], sys.argv[3]
rows = [L] if what == "top" else [r for r in L[what] if r["ctid"] == ctid]
row = rows[0] if rows else {}
for c in sys.argv[4:]:
    k, want = c.split("=", 1)
    v = row.get(k)
    got = "none" if v is None else (str(v).lower() if isinstance(v, bool) else str(v))
    if got != want:
        print(f"{k} is {got}, not {want};", end=" ")
PY
) || fail "could not read the ledger"
	[ -z "$bad" ] || fail "the ledger ($1 $2): $bad"
}
# last_state_is FIELD=VALUE...: the last JSON state line says all of that.
last_state_is() {
	local bad
	bad=$(python3 - "$E2E_TMP/out.$PAY_N" "$@" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
states = [o for o in objs if o["event"] == "state"]
last = states[-1] if states else {}
for c in sys.argv[2:]:
    k, want = c.split("=", 1)
    v = last.get(k)
    got = "none" if v is None else (str(v).lower() if isinstance(v, bool) else str(v))
    if got != want:
        print(f"{k} is {got}, not {want};", end=" ")
PY
) || fail "bad JSON lines: $(out)"
	[ -z "$bad" ] || fail "the last state line: $bad $(out)"
}
# The last state line says final:true (check_json_lines).  A miss is kept
# and the test fails at its end, so every case's journal and ledger checks
# still run.
LATE=()
check_final_later() {
	python3 - "$E2E_TMP/out.$PAY_N" <<'PY' 2>/dev/null && return 0
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
states = [o for o in objs if o["event"] == "state"]
assert states and states[-1]["final"] is True
assert all(not s["final"] for s in states[:-1])
PY
	LATE+=("$E2E_STEP: the last JSON state line is not final:true (exit $PAY_STATUS): $(tail -n 1 "$E2E_TMP/out.$PAY_N")")
	e2e_log "kept for the end: ${LATE[-1]}"
}
no_qr_data() { # no JSON line carries a link to draw, no QR on stderr
	! grep -q '"qr_data"' "$E2E_TMP/out.$PAY_N" || fail "a JSON line carries qr_data: $(out)"
	! _has_state awaiting_payment || fail "a QR was shown: $(out)"
	! grep -q '[█▀▄]' "$E2E_TMP/err.$PAY_N" || fail "a QR on stderr"
}

step "(g) pay wavepay killed (SIGKILL) right after the wallet line"
fresh g
mkfifo "$E2E_TMP/hold"
exec 7<> "$E2E_TMP/hold" # an input that stays open: pay waits for the ID
PAY_IN=$E2E_TMP/hold pay_bg pay wavepay --amount 3000 --json
wait_state awaiting_txid
kill -KILL "$PAY_PID"
{ wait "$PAY_PID"; } 2>/dev/null
killed=$?
exec 7>&-
[ "$killed" = 137 ] || fail "pay ended with $killed before the SIGKILL: $(out)"
old=$(last_sale id)
old_ctid=$(last_sale ctid)
old_wallet=$(last_sale identifier)
last_state_is sale_id="$old" state=awaiting_txid wallet="$old_wallet"
expect_journal awaiting_txid
old_history=$(history_states "$old")
ledger_is top - wavepay_creates=1

step "(g) the next pay wavepay on that journal: its own sale, the old one left open"
printf '1234567890\n' > "$E2E_TMP/in"
PAY_IN=$E2E_TMP/in pay_bg pay wavepay --amount 5000 --json
pay_wait 20
expect_exit 0
check_json_lines
new=$(last_sale id)
[ "$new" != "$old" ] || fail "no new sale"
# Not one line about the old sale: it was not resumed and took no ID.
python3 - "$E2E_TMP/out.$PAY_N" "$new" <<'PY' || fail "pay spoke of another sale than its own ($new): $(out)"
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert not any(o["event"] == "recovering" or o.get("recovered") for o in objs)
assert all(o["sale_id"] == int(sys.argv[2]) for o in objs if "sale_id" in o)
PY
last_state_is state=paid transaction_id=1234567890 final=true
expect_journal paid
[ "$(sale_col "$new" key1)" = 1234567890 ] || fail "the new sale has another ID"
[ "$(sale_col "$old" state)" = awaiting_txid ] || fail "the old sale is '$(sale_col "$old" state)' now"
[ -z "$(sale_col "$old" key1)" ] || fail "the old sale took an ID: $(sale_col "$old" key1)"
[ "$(sale_col "$old" identifier)" = "$old_wallet" ] || fail "the old sale's wallet changed"
[ "$(history_states "$old")" = "$old_history" ] || fail "the old sale moved: $(history_states "$old")"
ledger_is top - wavepay_creates=2 wavepay_identifiers=2 # one create per sale
ledger_is wavepay "$old_ctid" activations=none
[ "$(ledger_unapplied wavepay_activate "$old_ctid")" = none ] || fail "an activation for the old sale"
ledger_is wavepay "$(last_sale ctid)" key1=1234567890 credited=true deposit_amount=5000 activations=1
# Listed: the old sale counts as open (recheck has nothing to ask it).
pay_bg recheck
pay_wait 30
expect_exit 0
grep -qF "Asked about 0 open sales; 0 changed, 1 still open" "$E2E_TMP/out.$PAY_N" ||
	fail "the old sale is not among the open sales: $(out)"
ledger_is top - wavepay_creates=2

step "(h) a credited activation's answer lost, pay's re-send answered fail (already used)"
fresh h
sandbox_fault wavepay_activate reset_after 1 >/dev/null
sandbox_fault wavepay_activate resend_fail 1 >/dev/null
printf '1876543210\n' > "$E2E_TMP/in"
PAY_IN=$E2E_TMP/in pay_bg pay wavepay --amount 4000 --json
pay_wait 30
# What pay does: its retry meets the refusal, the sale stays refused (open);
# no further ID on the input, so pay stops there.
expect_exit 5
expect_journal refused
sale=$(last_sale id)
ctid=$(last_sale ctid)
[ "$(history_states "$sale")" = "new creating awaiting_txid activating unknown activating refused " ] ||
	fail "the sale went another way: $(history_states "$sale")"
! grep -q '"state":"\(failed\|cancelled\)"' "$E2E_TMP/out.$PAY_N" || fail "pay said failed/cancelled: $(out)"
last_state_is state=refused transaction_id=1876543210 message="custom_transaction_id already used"
# The ledger: credited once, the re-send (same ctid) refused.  Open does not
# contradict that; failed or cancelled would.
ledger_is wavepay "$ctid" credited=true deposit_amount=4000 activations=2
[ "$(grep -c 'call=wavepay_activate ' "$E2E_TMP/sandbox.log")" = 2 ] || fail "want two activation requests"
[ "$(grep 'call=wavepay_activate ' "$E2E_TMP/sandbox.log" | grep -vc "ctid=$ctid\$")" = 0 ] ||
	fail "an activation with another ctid"
check_final_later
# Open, so a re-check gets the replayed true answer: paid, the ledger's amount.
pay_bg recheck
pay_wait 30
expect_exit 0
grep -qF "sale $sale (Wavepay, 4,000 MMK): Transaction ID refused -> Paid" "$E2E_TMP/out.$PAY_N" ||
	fail "recheck did not print the change: $(out)"
expect_journal paid
never_in "$sale" failed cancelled
[ "$(sale_col "$sale" deposit_amount)" = 4000 ] || fail "the journal's credit differs from the ledger's"
ledger_is wavepay "$ctid" activations=3

step "(i) pay upi: the link asks another amount, then one naming none: no QR, abandoned"
fresh i
sandbox_fault upi_create qr_wrong_amount 1 >/dev/null
pay_bg pay upi --amount 100 --json
pay_wait 20
expect_exit 4
check_json_lines
no_qr_data
expect_journal abandoned
last_state_is state=abandoned \
	message="The gateway's payment link asks for 999.00 INR, not the sale's amount: no QR was shown"
ledger_is upi "$(last_sale ctid)" creates=1
sandbox_fault upi_create qr_no_amount 1 >/dev/null
pay_bg pay upi --amount 120 --json
pay_wait 20
expect_exit 4
check_json_lines
no_qr_data
expect_journal abandoned
last_state_is state=abandoned \
	message="The gateway's payment link names no amount (the sale is 120.00 INR): no QR was shown"
ledger_is upi "$(last_sale ctid)" creates=1

step "(j) possible_transaction_created with HTTP 404, then no more input"
fresh j
sandbox_post /_sandbox/fault '{"call":"wavepay_activate","mode":"http_code","http":404,"count":1}' >/dev/null
printf '4234567890\n' > "$E2E_TMP/in"
PAY_IN=$E2E_TMP/in pay_bg pay wavepay --amount 1000 --json
pay_wait 20
expect_exit 5
expect_journal not_found
last_state_is state=not_found transaction_id=4234567890
grep -q " 404 call=wavepay_activate .*fault=http_code" "$E2E_TMP/sandbox.log" ||
	fail "the activation was not answered with 404: $(grep activate "$E2E_TMP/sandbox.log")"
ledger_is wavepay "$(last_sale ctid)" status=possible_transaction_created credited=false activations=1
check_final_later

step "(k) pay upi: SIGTERM, the final status check gets no answer"
fresh k
pay_bg --poll-interval 30 --poll-timeout 600 pay upi --amount 150 --json
wait_state awaiting_payment
sandbox_fault upi_status reset 5 >/dev/null
term_within 6000
expect_exit 5
check_json_lines
grep -q '"event":"interrupted"' "$E2E_TMP/out.$PAY_N" || fail "no interrupted line"
last_state_is state=unconfirmed final=true
expect_journal unconfirmed
never_in "$(last_sale id)" cancelled failed
# The first status call of the run (no poll before it: poll interval 30 s)
# was the final check, and it met the reset.
grep "call=upi_status " "$E2E_TMP/sandbox.log" | head -n 1 | grep -q "fault=reset" ||
	fail "the final check did not meet the reset: $(grep "call=upi_status" "$E2E_TMP/sandbox.log")"
ledger_is upi "$(last_sale ctid)" status=processing

step "the final-line checks kept from (g)..(k)"
[ ${#LATE[@]} = 0 ] || fail "$(printf '%s\n' "${LATE[@]}")"

step "no secret (of any of the sandboxes) in anything this test wrote"
for s in "${SECRETS[@]}"; do
	grep -rlaF "$s" "$E2E_TMP" --exclude=run-kiosk.sh && fail "a secret leaked"
done
e2e_log "pay_money_safety: all cases passed"
