# hook_keys.sh - the test hook's other half: keys from a FIFO
# (PAYKIOSK_TEST_KEYS), for terminals with no keyboard (a terminal emulator
# under a headless compositor).  Nothing is typed through tmux here: the
# kiosk takes key names and literal text from the FIFO, reports each key it
# consumed (the input count) and the frames it drew, and a UPI sale goes
# from home to its QR and back, with a language switch on the way.
source "$(dirname "$0")/lib.sh"
e2e_init
sandbox_start
FIFO=$E2E_TMP/keys.fifo
mkfifo "$FIFO"
kiosk_start -e PAYKIOSK_TEST_KEYS="$FIFO"
wait_screen home

# fifo_keys LINE...: each line to the FIFO, then wait until the kiosk has
# consumed that many keys (a name is one key, text one per character).
fifo_keys() {
	local n=0 l
	for l in "$@"; do
		case $l in Enter | Escape | BSpace | Up | Down | Star) n=$((n + 1)) ;; *) n=$((n + ${#l})) ;; esac
	done
	local target=$(( $(hook_inputs) + n ))
	for l in "$@"; do printf '%s\n' "$l" > "$FIFO"; done
	poll_until 10 _inputs_reach "$target" || fail "the kiosk took $(hook_inputs) of $target keys from the FIFO"
}

step "a digit from the FIFO opens the amount screen"
fifo_keys 2
wait_screen amount
assert_screen "Amount in INR"

step "literal text and a key name: the amount, then Enter starts the sale"
fifo_keys 150 Enter
wait_screen upi_qr 15
wait_for "Scan with any UPI app"
[ "$(last_sale state)" = awaiting_payment ] || fail "the journal does not say awaiting_payment"
[ "$(last_sale amount)" = 15000 ] || fail "the amount typed through the FIFO is not 150.00 INR"

step "Star switches the language like the * key"
fifo_keys Star
assert_screen "UPI app တစ်ခုခုဖြင့် scan ဖတ်ပါ" # Burmese
refute_screen "Scan with any UPI app"
fifo_keys Star Star
wait_for "Scan with any UPI app"

step "Escape asks, Enter answers: the sale stays open (processing)"
fifo_keys Escape
assert_screen "Cancel this payment?"
fifo_keys Enter
wait_for "Not confirmed yet" 10
[ "$(last_sale state)" = unconfirmed ] || fail "the journal does not say unconfirmed"
fifo_keys Enter
wait_screen home
fifo_keys Escape
kiosk_wait_exit 10
[ "$KIOSK_STATUS" = 0 ] || fail "exit status $KIOSK_STATUS"
e2e_log "hook_keys: ok"
