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
source "$(dirname "$0")/../e2e/lib.sh"
e2e_init
command -v python3 >/dev/null || fail "python3 is missing"

# ---- helpers (pay_bg .. check_json_lines as in pay_pos.sh) ------------------

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

# pay [ARGS...]: the command as a till runs it (stdin from $PAY_IN or
# /dev/null), JSON lines into $E2E_TMP/out.N, stderr into err.N; sets PAY_N.
PAY_N=0
pay_bg() {
	PAY_N=$((PAY_N + 1))
	env -u TERM PAYKIOSK_API_URL="$SANDBOX_URL" PAYKIOSK_SECRET="$SANDBOX_SECRET" \
		PAYKIOSK_JOURNAL="$KIOSK_JOURNAL" PAYKIOSK_CONFIG="$CONF" \
		PAYKIOSK_LABEL=till-7 XDG_CONFIG_HOME="$E2E_TMP/config" \
		"$PK_KIOSK" "$@" < "${PAY_IN:-/dev/null}" > "$E2E_TMP/out.$PAY_N" 2> "$E2E_TMP/err.$PAY_N" &
	PAY_PID=$!
}
pay_wait() { # pay_wait SECONDS -> PAY_STATUS
	local end=$((SECONDS + $1))
	while kill -0 "$PAY_PID" 2>/dev/null; do
		[ $SECONDS -ge $end ] && { kill -9 "$PAY_PID"; fail "pay did not finish in $1 s; its last lines: $(tail -n 3 "$E2E_TMP/out.$PAY_N")"; }
		sleep 0.05
	done
	wait "$PAY_PID"
	PAY_STATUS=$?
}
out() { cat "$E2E_TMP/out.$PAY_N"; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
# json FIELD [STATE]: a field of the last line (or of the last line for
# that state).
json_field() {
	python3 - "$E2E_TMP/out.$PAY_N" "$1" "${2:-}" <<'EOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
want = sys.argv[3]
if want:
    lines = [l for l in lines if l.get("state") == want]
v = lines[-1].get(sys.argv[2], "") if lines else ""
print(str(v).lower() if isinstance(v, bool) else v)
EOF
}
# The last "state" line's FIELD.
last_state_field() {
	python3 - "$E2E_TMP/out.$PAY_N" "$1" <<'EOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
states = [l for l in lines if l.get("event") == "state"]
v = states[-1].get(sys.argv[2], "") if states else ""
print(str(v).lower() if isinstance(v, bool) else v)
EOF
}
_has_state() { grep -q "\"state\":\"$1\"" "$E2E_TMP/out.$PAY_N"; }
wait_state() { poll_until "${2:-10}" _has_state "$1" || fail "no '$1' line: $(out) $(cat "$E2E_TMP/err.$PAY_N")"; }
expect_exit() {
	[ "$PAY_STATUS" = "$1" ] || fail "exit status $PAY_STATUS, expected $1; out: $(out); err: $(cat "$E2E_TMP/err.$PAY_N")"
}
check_json_lines() { # every line is one JSON object; the last state says final
	python3 - "$E2E_TMP/out.$PAY_N" <<'EOF' || fail "bad JSON lines: $(out)"
import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
assert lines, "no output"
objs = [json.loads(l) for l in lines]
assert all(isinstance(o, dict) and "event" in o for o in objs)
states = [o for o in objs if o["event"] == "state"]
assert states and states[-1]["final"] is True, "the last state is not final"
assert all(not s["final"] for s in states[:-1]), "a final state before the end"
EOF
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
t0=$(date +%s%N)
kill -TERM "$PAY_PID"
pay_wait 10
took=$(ms_since "$t0")
[ "$took" -le 6000 ] || fail "pay took $took ms to stop after SIGTERM"
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
t0=$(date +%s%N)
kill -TERM "$PAY_PID"
pay_wait 10
took=$(ms_since "$t0")
[ "$took" -le 6000 ] || fail "pay took $took ms to stop after SIGTERM"
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

step "no secret (of any of the sandboxes) in anything this test wrote"
for s in "${SECRETS[@]}"; do
	grep -rlaF "$s" "$E2E_TMP" --exclude=run-kiosk.sh && fail "a secret leaked"
done
e2e_log "pay_money_safety: all cases passed"
