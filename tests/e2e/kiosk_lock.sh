#!/usr/bin/env bash
# kiosk_lock.sh - --kiosk for unattended self-service, in a real terminal:
# `paykiosk set-pin` stores a salted slow hash (never the PIN); Ctrl-C,
# Ctrl-Z, Ctrl-\ and an interrupt signal do not leave; Esc on home asks the
# supervisor PIN; wrong PINs are refused, logged, and from the third one
# input is locked for a while; the right PIN opens the supervisor's menu
# (open sales, sales today) until idle locks it again, and Esc there leaves
# (status 0, terminal restored); a half-typed sale goes home after idle_timeout with nothing
# recorded; SIGTERM (the service manager) still stops it.
source "$(dirname "$0")/lib.sh"
e2e_init
sandbox_start

CONF_DIR=$E2E_TMP/config/paykiosk
CONF=$CONF_DIR/paykiosk.conf
mkdir -p "$CONF_DIR"
install -m600 /dev/null "$CONF"
printf 'shop_name = Corner Shop\nidle_timeout = 10\n' > "$CONF"

step "set-pin refuses what is not 4-12 digits"
for bad in 12ab 123 1234567890123 ""; do
	printf '%s\n' "$bad" | "$PK_KIOSK" --config "$CONF" set-pin >/dev/null 2>"$E2E_TMP/pin.err" &&
		fail "set-pin took '$bad'"
	[ -s "$E2E_TMP/pin.err" ] || fail "set-pin gave no reason for '$bad'"
done
grep -q supervisor_pin "$CONF" && fail "a refused PIN was written"

step "set-pin stores a salted yescrypt hash, not the PIN, and keeps the file 0600"
printf '2468\n' | "$PK_KIOSK" --config "$CONF" set-pin > "$E2E_TMP/pin.out" || fail "set-pin failed"
grep -qF "$CONF" "$E2E_TMP/pin.out" || fail "set-pin does not say where it wrote"
grep -qE '^supervisor_pin = \$y\$[^ ]+$' "$CONF" || fail "no yescrypt hash: $(cat "$CONF")"
grep -q 2468 "$CONF" && fail "the PIN itself is in the config"
grep -q '^shop_name = Corner Shop$' "$CONF" || fail "set-pin lost the other settings"
[ "$(stat -c %a "$CONF")" = 600 ] || fail "the config is mode $(stat -c %a "$CONF")"
h1=$(grep supervisor_pin "$CONF")
printf '2468\n' | "$PK_KIOSK" --config "$CONF" set-pin >/dev/null || fail "set-pin failed twice"
h2=$(grep supervisor_pin "$CONF")
[ "$h1" != "$h2" ] || fail "the same PIN got the same hash twice: no salt"
[ "$(grep -c supervisor_pin "$CONF")" = 1 ] || fail "set-pin added a second supervisor_pin line"

step "--kiosk without a PIN refuses to start"
install -m600 /dev/null "$E2E_TMP/nopin.conf"
"$PK_KIOSK" --config "$E2E_TMP/nopin.conf" --kiosk --training report >/dev/null 2>&1 # report needs no PIN
kiosk_start -e PAYKIOSK_CONFIG="$E2E_TMP/nopin.conf" -- --kiosk
kiosk_wait_exit 10
[ "$KIOSK_STATUS" = 2 ] || fail "exit status $KIOSK_STATUS without a PIN"
grep -q "set-pin" "$E2E_TMP/kiosk.err" || fail "the refusal does not say how to set a PIN"
kiosk_close

syslog_listen # the kiosk's log lines: $E2E_TMP/syslog.txt

ms() { echo $(( $(date +%s%N) / 1000000 )); }

# wait_log PATTERN: the kiosk's log line arrives (a datagram, written to
# syslog.txt by the listener a moment after the kiosk sent it).
wait_log() {
	poll_until 5 grep -q -- "$1" "$E2E_TMP/syslog.txt" ||
		fail "no '$1' line in the log: $(cat "$E2E_TMP/syslog.txt" 2>/dev/null)"
}

# still_live WHAT: after WHAT the kiosk still takes a key (2 opens the UPI
# amount, Esc goes back home).  A kiosk that left or was stopped never
# takes it: wait for whichever of the three happens, and say which.
_stopped() { [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" = T ]; }
still_live() {
	local pid n
	pid=$(kiosk_proc) # empty if it is already gone
	n=$(( $(hook_inputs) + 1 ))
	keys_nowait 2
	_took_or_gone() { _inputs_reach "$n" || _exited || { [ -n "$pid" ] && _stopped "$pid"; }; }
	poll_until 10 _took_or_gone || fail "the kiosk did not take a key after $1"
	_exited && fail "$1 stopped the kiosk (status $(cat "$E2E_TMP/kiosk.status"))"
	[ -n "$pid" ] && _stopped "$pid" && fail "the kiosk was stopped (job control) after $1"
	wait_for "Amount in INR"
	keys Escape
	assert_screen "Choose the payment"
}

step "Ctrl-C, Ctrl-Z, Ctrl-\\ and SIGINT do not leave the locked kiosk"
kiosk_start -e PAYKIOSK_LOG_SOCKET="$LOGSOCK" -- --kiosk
wait_for "Choose the payment"
assert_screen "Supervisor"
refute_screen "Quit"
keys C-c; keys C-z; keys 'C-\'; keys C-s; keys C-q # raw keys: each one taken
assert_screen "Choose the payment"
still_live "a control key"
pid=$(kiosk_proc)
[ -n "$pid" ] || fail "no kiosk process"
kill -INT "$pid"; kill -TSTP "$pid"; kill -QUIT "$pid"
wait_log 'event=kiosk_ignored signal=INT' # the kiosk saw the SIGINT and stayed
still_live "a signal"                     # and took a key after all three
[ "$(kiosk_proc)" = "$pid" ] || fail "the kiosk process changed"

step "self-service: the shop's sales (open sales, sales today) are not offered"
refute_screen "Open sales"
refute_screen "Sales today"
keys 3; assert_screen "Choose the payment" # keys waits until 3 was taken and drawn
keys 4; assert_screen "Choose the payment"
refute_screen "Sales today"; refute_screen "No open sales"

step "Esc on home asks the supervisor PIN; Esc closes the box"
keys Escape
assert_screen "Supervisor PIN"
keys Escape
refute_screen "Supervisor PIN"
assert_screen "Choose the payment"
_exited && fail "Esc left the kiosk"

step "wrong PINs: refused, masked, logged; the third locks input"
keys Escape; assert_screen "Supervisor PIN"
keys 1 1 1 1
assert_screen "●●●●"
refute_screen "1111"
keys Enter
assert_screen "Wrong PIN"
refute_screen "●"           # the PIN was tried and cleared
wait_log 'event=kiosk_pin_wrong failures=1 delay_s=0'
keys 2 2 2 2
assert_screen "●●●●"
keys Enter                  # "Wrong PIN" stays from the first: the change is the cleared PIN
assert_screen "Wrong PIN"
refute_screen "●"
refute_screen "Try again in"
wait_log 'event=kiosk_pin_wrong failures=2 delay_s=0'
keys 3 3 3 3 Enter
assert_screen "Try again in"
keys 2 4 6 8 Enter          # the right PIN, but input is locked (the kiosk takes the keys)
_exited && fail "a PIN was taken during the lockout"
assert_screen "Try again in"
refute_screen "●"           # no digit counted
refute_screen "Open sales"  # no unlock
wait_log 'event=kiosk_pin_wrong failures=3 delay_s=5'
grep -q 2468 "$E2E_TMP/syslog.txt" && fail "a PIN is in the log"
wait_gone "Try again in" 10

step "idle: a half-typed sale goes home after idle_timeout, nothing recorded"
keys Escape; refute_screen "Supervisor PIN"
n0=$(journal_sql "select count(*) from sales" 2>/dev/null || echo 0)
keys 2; assert_screen "Amount in INR"
t0=$(ms)                             # before the last key: idle counts from it
keys 1 2
assert_screen "12_"
wait_for "Choose the payment" 20     # the idle timeout's change
t=$(( $(ms) - t0 ))
e2e_log "idle: home after $t ms"
# Not before the timeout (a little slack for the kiosk's clock vs date's).
[ "$t" -ge 9500 ] || fail "the half-typed sale went home after $t ms, before idle_timeout (10 s)"
[ "$(journal_sql "select count(*) from sales" 2>/dev/null || echo 0)" = "$n0" ] || fail "idle recorded a sale"
wait_log 'event=idle_home screen=amount idle_s=10'

step "the right PIN opens the supervisor's menu; idle locks it again"
keys Escape; assert_screen "Supervisor PIN"
keys 2 4 6 8 Enter
assert_screen "Open sales"
assert_screen "Sales today"
assert_screen "Quit"
wait_log 'event=kiosk_unlock'
keys 4; assert_screen "No sales today"; keys Escape; assert_screen "Choose the payment"
_exited && fail "the unlock left the kiosk"
wait_gone "Open sales" 14          # idle_timeout = 10 s
assert_screen "Supervisor"
wait_log 'event=kiosk_relock idle_s=10'
keys 4; refute_screen "No sales today"

step "unlocked, Esc leaves: status 0, terminal restored"
keys Escape; assert_screen "Supervisor PIN"
keys 2 4 6 8 Enter
assert_screen "Open sales"
keys Escape
kiosk_wait_exit 10
[ "$KIOSK_STATUS" = 0 ] || fail "exit status $KIOSK_STATUS"
assert_terminal_restored
kiosk_close
# The whole log, up to the second unlock: still no PIN in it.
_two_unlocks() { [ "$(grep -c 'event=kiosk_unlock' "$E2E_TMP/syslog.txt")" -ge 2 ]; }
poll_until 5 _two_unlocks ||
	fail "no second kiosk_unlock line: $(cat "$E2E_TMP/syslog.txt")"
grep -q 2468 "$E2E_TMP/syslog.txt" && fail "a PIN is in the log"

step "SIGTERM (the service manager) still stops the locked kiosk cleanly"
kiosk_start -- --kiosk
wait_for "Choose the payment"
kill -TERM "$(kiosk_proc)"
kiosk_wait_exit 10
[ "$KIOSK_STATUS" = 0 ] || fail "exit status $KIOSK_STATUS after SIGTERM"
assert_terminal_restored
kiosk_close
e2e_log "kiosk_lock: all cases passed"
