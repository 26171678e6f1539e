# lib.sh - `paykiosk pay` driven like a till, for the integration scripts
# (pay_pos.sh, pay_money_safety.sh); on top of tests/e2e/lib.sh (e2e_init,
# sandbox_start, poll_until, fail ...).  Not a test itself.
#
#   PAY_ENV=(VAR=VALUE ...)   extra environment for every pay (a log
#                             socket, a config file)
#   pay_bg ARGS...            start paykiosk ARGS as a till does: no TERM,
#                             stdin from $PAY_IN (or /dev/null), JSON lines
#                             into $E2E_TMP/out.N, stderr into err.N; PAY_N,
#                             PAY_PID
#   pay_wait SECONDS          wait for it -> PAY_STATUS (fails past SECONDS)
#   out                       its stdout so far
#   json_field FIELD [STATE]  FIELD of its last line (of the last STATE line)
#   last_state_field FIELD    FIELD of its last "state" line
#   wait_state STATE [SECS]   until a line says that state
#   expect_exit N             PAY_STATUS is N
#   check_json_lines          every line one JSON object; the last state
#                             line, and only it, says final
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"

PAY_N=0
PAY_ENV=()
pay_bg() {
	PAY_N=$((PAY_N + 1))
	env -u TERM PAYKIOSK_API_URL="$SANDBOX_URL" PAYKIOSK_SECRET="$SANDBOX_SECRET" \
		PAYKIOSK_JOURNAL="$KIOSK_JOURNAL" PAYKIOSK_LABEL=till-7 \
		XDG_CONFIG_HOME="$E2E_TMP/config" "${PAY_ENV[@]}" \
		"$PK_KIOSK" "$@" < "${PAY_IN:-/dev/null}" > "$E2E_TMP/out.$PAY_N" 2> "$E2E_TMP/err.$PAY_N" &
	PAY_PID=$!
}
pay_wait() {
	local end=$((SECONDS + $1))
	while kill -0 "$PAY_PID" 2>/dev/null; do
		[ $SECONDS -ge $end ] && {
			kill -9 "$PAY_PID"
			fail "pay did not finish in $1 s; its last lines: $(tail -n 3 "$E2E_TMP/out.$PAY_N")"
		}
		sleep 0.05
	done
	wait "$PAY_PID"
	PAY_STATUS=$?
}
out() { cat "$E2E_TMP/out.$PAY_N"; }
json_field() {
	python3 - "$E2E_TMP/out.$PAY_N" "$1" "${2:-}" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
want = sys.argv[3]
if want:
    lines = [l for l in lines if l.get("state") == want]
v = lines[-1].get(sys.argv[2], "") if lines else ""
print(str(v).lower() if isinstance(v, bool) else v)
PY
}
last_state_field() {
	python3 - "$E2E_TMP/out.$PAY_N" "$1" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
states = [l for l in lines if l.get("event") == "state"]
v = states[-1].get(sys.argv[2], "") if states else ""
print(str(v).lower() if isinstance(v, bool) else v)
PY
}
_has_state() { grep -q "\"state\":\"$1\"" "$E2E_TMP/out.$PAY_N"; }
wait_state() { poll_until "${2:-10}" _has_state "$1" || fail "no '$1' line: $(out) $(cat "$E2E_TMP/err.$PAY_N")"; }
expect_exit() {
	[ "$PAY_STATUS" = "$1" ] || fail "exit status $PAY_STATUS, expected $1; out: $(out); err: $(cat "$E2E_TMP/err.$PAY_N")"
}
check_json_lines() {
	python3 - "$E2E_TMP/out.$PAY_N" <<'PY' || fail "bad JSON lines: $(out)"
import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
assert lines, "no output"
objs = [json.loads(l) for l in lines]
assert all(isinstance(o, dict) and "event" in o for o in objs)
states = [o for o in objs if o["event"] == "state"]
assert states and states[-1]["final"] is True, "the last state is not final"
assert all(not s["final"] for s in states[:-1]), "a final state before the end"
PY
}
