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

step "Ctrl-C, Ctrl-Z, Ctrl-\\ and SIGINT do not leave the locked kiosk"
kiosk_start -e PAYKIOSK_LOG_SOCKET="$LOGSOCK" -- --kiosk
wait_for "Choose the payment"
assert_screen "Supervisor"
refute_screen "Quit"
keys C-c; keys C-z; keys 'C-\'; keys C-s; keys C-q
sleep 1
_exited && fail "a control key stopped the kiosk (status $(cat "$E2E_TMP/kiosk.status"))"
assert_screen "Choose the payment"
pid=$(kiosk_proc)
[ -n "$pid" ] || fail "no kiosk process"
kill -INT "$pid"; kill -TSTP "$pid"; kill -QUIT "$pid"
sleep 1
_exited && fail "a signal stopped the kiosk"
[ "$(ps -o stat= -p "$pid" | cut -c1)" != T ] || fail "the kiosk was stopped (job control)"
keys 2; wait_for "Amount in INR"; keys Escape; wait_for "Choose the payment" # still answers keys

step "self-service: the shop's sales (open sales, sales today) are not offered"
refute_screen "Open sales"
refute_screen "Sales today"
keys 3; sleep 0.5; assert_screen "Choose the payment"
keys 4; sleep 0.5; assert_screen "Choose the payment"
refute_screen "Sales today"; refute_screen "No open sales"

step "Esc on home asks the supervisor PIN; Esc closes the box"
keys Escape
wait_for "Supervisor PIN"
keys Escape
wait_gone "Supervisor PIN"
assert_screen "Choose the payment"
_exited && fail "Esc left the kiosk"

step "wrong PINs: refused, masked, logged; the third locks input"
keys Escape; wait_for "Supervisor PIN"
keys 1 1 1 1
wait_for "●●●●"
refute_screen "1111"
keys Enter
wait_for "Wrong PIN"
keys 2 2 2 2 Enter
wait_for "Wrong PIN"
keys 3 3 3 3 Enter
wait_for "Try again in"
keys 2 4 6 8 Enter          # the right PIN, but input is locked
sleep 1
_exited && fail "a PIN was taken during the lockout"
assert_screen "Try again in"
grep -q 'event=kiosk_pin_wrong failures=3 delay_s=5' "$E2E_TMP/syslog.txt" ||
	fail "no kiosk_pin_wrong line: $(cat "$E2E_TMP/syslog.txt")"
grep -q 2468 "$E2E_TMP/syslog.txt" && fail "a PIN is in the log"
wait_gone "Try again in" 10

step "idle: a half-typed sale goes home after idle_timeout, nothing recorded"
keys Escape; wait_gone "Supervisor PIN"
n0=$(journal_sql "select count(*) from sales" 2>/dev/null || echo 0)
keys 2; wait_for "Amount in INR"; keys 1 2
sleep 5
assert_screen "Amount in INR"        # not before the timeout
wait_for "Choose the payment" 12
[ "$(journal_sql "select count(*) from sales" 2>/dev/null || echo 0)" = "$n0" ] || fail "idle recorded a sale"
grep -q 'event=idle_home screen=amount idle_s=10' "$E2E_TMP/syslog.txt" || fail "no idle_home line"

step "the right PIN opens the supervisor's menu; idle locks it again"
keys Escape; wait_for "Supervisor PIN"
keys 2 4 6 8 Enter
wait_for "Open sales"
assert_screen "Sales today"
assert_screen "Quit"
grep -q 'event=kiosk_unlock' "$E2E_TMP/syslog.txt" || fail "no kiosk_unlock line"
keys 4; wait_for "No sales today"; keys Escape; wait_for "Choose the payment"
_exited && fail "the unlock left the kiosk"
wait_gone "Open sales" 14          # idle_timeout = 10 s
assert_screen "Supervisor"
grep -q 'event=kiosk_relock idle_s=10' "$E2E_TMP/syslog.txt" || fail "no kiosk_relock line"
keys 4; sleep 0.5; refute_screen "No sales today"

step "unlocked, Esc leaves: status 0, terminal restored"
keys Escape; wait_for "Supervisor PIN"
keys 2 4 6 8 Enter
wait_for "Open sales"
keys Escape
kiosk_wait_exit 10
[ "$KIOSK_STATUS" = 0 ] || fail "exit status $KIOSK_STATUS"
assert_terminal_restored
kiosk_close

step "SIGTERM (the service manager) still stops the locked kiosk cleanly"
kiosk_start -- --kiosk
wait_for "Choose the payment"
kill -TERM "$(kiosk_proc)"
kiosk_wait_exit 10
[ "$KIOSK_STATUS" = 0 ] || fail "exit status $KIOSK_STATUS after SIGTERM"
assert_terminal_restored
kiosk_close
e2e_log "kiosk_lock: all cases passed"
