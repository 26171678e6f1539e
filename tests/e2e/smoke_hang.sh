# smoke_hang.sh - a gateway that hangs never freezes the screen: while the
# create hangs the spinner moves and Esc answers at once (give up -> home);
# while a status poll hangs, Esc still asks "Cancel this payment?" at once.
# "At once" is measured through tmux (send-keys + capture-pane), which costs
# tens of ms itself and far more on a loaded 2-core machine, so the bound
# is 3 s: a loop blocked on the request would wait the client's 20 s.
source "$(dirname "$0")/lib.sh"
e2e_init
sandbox_start
kiosk_start

ms() { echo $(( $(date +%s%N) / 1000000 )); }
# The time from a key to a text on the screen, in ms: keys returns once
# the kiosk took the key and the pane shows what it drew after it.
key_to_screen() {
	local key=$1 text=$2 t0
	t0=$(ms)
	keys "$key"
	_has "$text" || fail "'$text' is not on the screen after $key"
	echo $(( $(ms) - t0 ))
}
status_polls() { sandbox_post /_sandbox/stats | grep -o '"upi_status":[0-9]*' | cut -d: -f2; }
polls_above() { [ "$(status_polls)" -gt "$1" ]; }

step "UPI create hangs: spinner moves"
wait_for "Choose the payment"
sandbox_fault upi_create hang 1 >/dev/null || fail "fault call failed"
keys 2
assert_screen "Amount in INR"
keys 2 0 Enter
wait_for "Asking the gateway"
a=$(screen | grep "Asking the gateway")
changed() { [ "$(screen | grep 'Asking the gateway')" != "$a" ]; }
poll_until 2 changed || fail "the spinner does not move while the create hangs"

step "Esc answers while the create hangs"
t=$(key_to_screen Escape "Give up this sale?")
e2e_log "Esc -> question in $t ms"
[ "$t" -lt 3000 ] || fail "Esc took $t ms"
t=$(key_to_screen Enter "Choose the payment")
e2e_log "Enter -> home in $t ms"
[ "$t" -lt 2000 ] || fail "giving up took $t ms"
[ "$(journal_sql "select state from sales order by id desc limit 1")" = abandoned ] ||
	fail "the hung create was not abandoned"

step "a status poll hangs: Esc still answers"
keys 2
assert_screen "Amount in INR"
keys 3 0 Enter
wait_for "Scan with any UPI app"
sandbox_fault upi_status hang 1 >/dev/null
# The sandbox counts a request when it arrives: the first status poll
# counted after the fault was queued is the one that hangs.
n0=$(status_polls)
poll_until 10 polls_above "$n0" || fail "no status poll was sent"
# A request in flight shows a spinner instead of "·"; the hung one stays.
busy() { screen | grep -qE '[|/\\-] Waiting for payment'; }
poll_until 6 busy || fail "the hung poll is not shown as in flight"
assert_stays 0.3 busy
t=$(key_to_screen Escape "Cancel this payment?")
e2e_log "Esc -> question in $t ms (poll hanging)"
[ "$t" -lt 3000 ] || fail "Esc took $t ms"
keys Enter
# The final check says processing: the sale stays open, never "Cancelled".
wait_for "Not confirmed yet" 10
refute_screen "Cancelled"
[ "$(journal_sql "select state from sales order by id desc limit 1")" = unconfirmed ] ||
	fail "the sale is not unconfirmed in the journal"
keys Enter
assert_screen "Choose the payment"

step "a poll without an answer: retrying, then paid"
keys 2
assert_screen "Amount in INR"
keys 4 0 Enter
wait_for "Scan with any UPI app"
order=$(screen_order_id)
sandbox_fault upi_status reset 2 >/dev/null
wait_for "Connection problem" 10
[ "$(journal_sql "select state from sales where order_id = '$order'")" = awaiting_payment ] ||
	fail "a lost poll changed the sale"
sandbox_settle "$order" success >/dev/null
wait_for "Paid" 20
keys Enter
assert_screen "Choose the payment"
keys Escape
kiosk_wait_exit 10
[ "$KIOSK_STATUS" = 0 ] || fail "exit status $KIOSK_STATUS"
e2e_log "smoke_hang: ok"
