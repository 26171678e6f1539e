# smoke_training.sh - training mode as a new shop starts it: no gateway
# configured, the kiosk runs its own sandbox, shows the TRAINING banner on
# every screen, the trainer keys settle UPI orders, the README's Wavepay
# IDs give their outcomes, sales go to training.db, and quitting stops the
# sandbox.
source "$(dirname "$0")/lib.sh"
e2e_init
kiosk_start -t
data="$E2E_TMP/data/paykiosk"
KIOSK_JOURNAL="$data/training.db"

step "banner on home"
wait_for "Choose the payment"
assert_screen "TRAINING - no real money"
kpid=$(kiosk_proc)
sb=$(pgrep -P "$kpid" | head -n 1)
[ -n "$sb" ] || fail "no sandbox child process"
ps -o args= -p "$sb" | grep -q -- "--exit-on-stdin-eof" || fail "sandbox not started with --exit-on-stdin-eof"
if ps -o args= -p "$sb" | grep -qi secret; then fail "the secret is on the sandbox's command line"; fi

step "UPI: / marks paid"
keys 2
wait_for "Amount in INR"
keys 4 2 Enter
wait_for "Scan with any UPI app"
assert_screen "TRAINING - no real money"
assert_screen "Trainer: paid"
keys /
wait_for "Paid" 10
keys Enter

step "UPI: - marks failed"
wait_for "Choose the payment"
keys 2
wait_for "Amount in INR"
keys 4 3 Enter
wait_for "Scan with any UPI app"
keys -
wait_for "Not paid" 10
keys Enter

step "Wavepay: 2... credits 500 MMK more"
wait_for "Choose the payment"
keys 1
wait_for "Amount in MMK"
keys 3 0 0 0 Enter
wait_for "Transaction ID:"
type_text "2234567890"
keys Enter
wait_for "500 MMK more than asked" 10
assert_screen "Credited 3,500 MMK"
keys Enter

step "Wavepay: 4... not found, corrected to 1... paid"
wait_for "Choose the payment"
keys 1
wait_for "Amount in MMK"
keys 2 0 0 0 Enter
wait_for "Transaction ID:"
type_text "4234567890"
keys Enter
wait_for "Transaction not found - check the ID" 10
keys Enter
wait_for "4234567890_"
keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace
type_text "1234567890"
keys Enter
wait_for "Credited 2,000 MMK" 10
keys Enter
wait_for "Choose the payment"

step "the sales are in training.db"
[ -f "$KIOSK_JOURNAL" ] || fail "no training.db in $data"
n=$(journal_sql "select count(*) from sales")
[ "$n" = 4 ] || fail "$n sales in training.db, want 4"
[ ! -e "$data/journal.db" ] || fail "training wrote the real journal"

step "quit stops the sandbox"
keys Escape
kiosk_wait_exit 10
[ "$KIOSK_STATUS" = 0 ] || fail "exit status $KIOSK_STATUS"
gone() { ! kill -0 "$sb" 2>/dev/null; }
poll_until 5 gone || fail "the training sandbox is still running"
assert_terminal_restored
e2e_log "smoke_training: ok"
