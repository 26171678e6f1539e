# kill_open.sh - every state a sale can be left in before it is decided,
# with the real kiosk killed with SIGKILL there and restarted on the same
# journal.  What a cashier must see after each restart: the sale is shown
# (the recovery notice, and/or under Open sales, key 3), it can be finished
# (re-check, continue, a corrected ID, or closed with `/`), and the gateway
# never got a second create for it (the sandbox's ledger: one create per UPI
# custom_transaction_id, Wavepay creates and wallets issued unchanged).
#
#   kill 1  five open sales on the list, then a UPI create that never
#           answers: UPI unconfirmed, Wavepay pending / not_found / refused /
#           unknown, UPI creating
#   kill 2  a Wavepay create that never answers (creating)
#   kill 3  a Wavepay sale at its ID screen (awaiting_txid)
#   kill 4  a Wavepay activation that never answers (activating)
#   kill 5  a UPI QR on the screen (awaiting_payment)
#   then    the five listed sales, still open after five kills, finished
#
# Background re-checks are off (recheck_interval = 0): every change seen is
# the cashier's doing.  (kill.sh: the simplest kill points; smoke_screens.sh:
# killed with the QR shown.)
source "$(dirname "$0")/lib.sh"
e2e_init
command -v python3 >/dev/null || fail "python3 is missing"
sandbox_start

CONF=$E2E_TMP/paykiosk.conf
(
	umask 077
	printf '%s\n' 'recheck_interval = 0' 'poll_interval = 1' 'result_pause = 0' > "$CONF"
)
chmod 600 "$CONF"

start_kiosk() { kiosk_start -e "PAYKIOSK_CONFIG=$CONF"; }

kill_kiosk() {
	local p
	p=$(kiosk_proc)
	[ -n "$p" ] || fail "no kiosk process to kill"
	kill -KILL "$p"
	kiosk_wait_exit 5
	[ "$KIOSK_STATUS" = 137 ] || fail "the kiosk was not killed by SIGKILL (status $KIOSK_STATUS)"
	kiosk_close
}

# ---- the sandbox's ledger (the truth about money) -------------------------
ledger() { sandbox_post /_sandbox/ledger > "$E2E_TMP/ledger.json" || fail "no ledger"; }
# lq upi_creates CTID | wp_acts CTID | wp CTID FIELD | top KEY | upi_not_once
lq() {
	python3 - "$E2E_TMP/ledger.json" "$@" <<'EOF'
import json, sys
L = json.load(open(sys.argv[1]))
what, args = sys.argv[2], sys.argv[3:]
def unapplied(call, ctid):
    return sum(u["requests"] for u in L.get("unapplied", []) if u["call"] == call and u["ctid"] == ctid)
def show(v):
    return "null" if v is None else ("true" if v is True else "false" if v is False else str(v))
if what == "upi_creates":
    print(sum(o["creates"] for o in L["upi"] if o["ctid"] == args[0]) + unapplied("upi_create", args[0]))
elif what == "wp_acts":
    print(sum(a["activations"] for a in L["wavepay"] if a["ctid"] == args[0]) + unapplied("wavepay_activate", args[0]))
elif what == "wp":
    m = [a for a in L["wavepay"] if a["ctid"] == args[0]]
    print(show(m[0].get(args[1])) if m else "none")
elif what == "top":
    print(show(L[args[0]]))
elif what == "upi_not_once":
    ctids = {o["ctid"] for o in L["upi"]} | {u["ctid"] for u in L.get("unapplied", []) if u["call"] == "upi_create"}
    for c in sorted(ctids):
        n = sum(o["creates"] for o in L["upi"] if o["ctid"] == c) + unapplied("upi_create", c)
        if n != 1:
            print(c, n)
EOF
}
upi_creates_reach() { ledger && [ "$(lq upi_creates "$1")" -ge 1 ]; }
wp_creates_reach() { ledger && [ "$(lq top wavepay_creates)" -ge "$1" ]; }
wp_acts_reach() { ledger && [ "$(lq wp_acts "$1")" -ge "$2" ]; }
# expect WHAT... VALUE: the ledger (fetched now) says VALUE.
expect() {
	local want=${*: -1} got
	got=$(lq "${@:1:$#-1}")
	[ "$got" = "$want" ] || fail "ledger ${*:1:$#-1}: $got, want $want"
}

sale_state() { journal_sql "select state from sales where id = $1"; }
sale_col() { journal_sql "select $2 from sales where id = $1"; }
last_id() { last_sale id; }
expect_state() {
	local got
	got=$(sale_state "$1")
	[ "$got" = "$2" ] || fail "sale $1 is $got, want $2"
}

# ---- screens ----------------------------------------------------------------
# The rows of the Open sales list as the pane shows them.
open_rows() { screen | grep -E '^ +[0-9]{2}:[0-9]{2} (UPI|Wavepay) '; }
# open_select ID: move the highlight to the row showing ID (an order id or a
# transaction ID), and check that row is the highlighted one.
open_select() {
	local idx
	idx=$(open_rows | grep -nF -- " $1 " | cut -d: -f1)
	[ -n "$idx" ] || fail "$1 is not under Open sales"
	local i
	for ((i = 1; i < idx; i++)); do keys +; done
	# The highlight is reverse video (the pane with its attributes).
	tmux -L "$E2E_SOCK" capture-pane -e -p -t kiosk | grep -F -- " $1 " | grep -qE $'\e\\[([0-9]+;)*7[;m]' ||
		fail "the row of $1 is not highlighted"
}
# home_open N: the home screen counts N open sales (0: no count).
home_open() {
	assert_screen "Choose the payment"
	if [ "$1" = 0 ]; then
		refute_screen "open sale"
	elif [ "$1" = 1 ]; then
		assert_screen "Open sales (1 open sale)"
	else
		assert_screen "Open sales ($1 open sales)"
	fi
}
# A new sale from the home screen: METHOD-KEY DIGITS... (then Enter).
new_sale() {
	local m=$1
	shift
	keys "$m"
	assert_screen "Amount in $([ "$m" = 1 ] && echo MMK || echo INR)"
	keys "$@" Enter
}

# =============================================================================
step "kill 1, before: the five listed states and a UPI create in flight"
start_kiosk
wait_for "Choose the payment"
home_open 0

# UPI unconfirmed: the cashier cancels while the gateway says processing.
new_sale 2 1 2 1
wait_for "Scan with any UPI app"
u_unc=$(last_id)
u_unc_order=$(sale_col "$u_unc" order_id)
u_unc_ctid=$(sale_col "$u_unc" ctid)
assert_screen "Order $u_unc_order"
keys Escape
assert_screen "Cancel this payment?"
keys Enter
wait_for "Not confirmed yet"
assert_screen "Stopped waiting"
expect_state "$u_unc" unconfirmed
keys Enter
home_open 1
# Status requests for this order so far: none may follow until the cashier
# re-checks it (no background re-check, no restart polls a listed sale).
u_unc_polls=$(grep -c "call=upi_status order=$u_unc_order " "$E2E_TMP/sandbox.log")
[ "$u_unc_polls" -ge 1 ] || fail "the sandbox log has no status request for $u_unc_order"

# Wavepay: pending (3...), not found (4...), refused (5...), unknown (an
# activation applied and credited, answered with an HTML 500).
wavepay_to_id() { # AMOUNT-DIGITS...: a Wavepay sale at its ID screen
	new_sale 1 "$@"
	wait_for "Transaction ID:"
}
wavepay_to_id 3 1 0 0
w_pend=$(last_id)
type_text 3000000001
keys Enter
wait_for "Still being checked"
expect_state "$w_pend" pending
keys Enter
home_open 2

wavepay_to_id 3 2 0 0
w_nf=$(last_id)
type_text 4000000002
keys Enter
wait_for "Ask the customer for the ID again"
assert_screen "Transaction not found - check the ID"
expect_state "$w_nf" not_found
keys Escape
home_open 3

wavepay_to_id 3 3 0 0
w_ref=$(last_id)
type_text 5000000003
keys Enter
wait_for "Transaction ID refused: Transaction declined"
assert_screen "5000000003"
expect_state "$w_ref" refused
keys Escape
home_open 4

wavepay_to_id 3 4 0 0
w_unk=$(last_id)
sandbox_fault wavepay_activate html500_after >/dev/null
type_text 1000000004
keys Enter
wait_for "The gateway's answer cannot be used"
assert_screen "Not known yet"
expect_state "$w_unk" unknown
keys Escape
home_open 5

# The ctids of the activations, and the gateway's truth before the kills.
w_pend_ctid=$(sale_col "$w_pend" ctid)
w_nf_ctid=$(sale_col "$w_nf" ctid)
w_ref_ctid=$(sale_col "$w_ref" ctid)
w_unk_ctid=$(sale_col "$w_unk" ctid)
ledger
expect upi_creates "$u_unc_ctid" 1
expect top wavepay_creates 4
expect top wavepay_identifiers 4
for c in "$w_pend_ctid" "$w_nf_ctid" "$w_ref_ctid" "$w_unk_ctid"; do expect wp_acts "$c" 1; done
expect wp "$w_unk_ctid" credited true # the gateway applied what the kiosk could not read

# UPI creating: the create reached the gateway, its answer never came.
sandbox_fault upi_create hang >/dev/null
new_sale 2 7 7
assert_screen "Asking the gateway..."
u_cre=$(last_id)
u_cre_ctid=$(sale_col "$u_cre" ctid)
poll_until 5 upi_creates_reach "$u_cre_ctid" || fail "the UPI create never reached the sandbox"
expect_state "$u_cre" creating
kill_kiosk

step "restart 1: UPI creating abandoned (notice), the five listed under Open sales"
start_kiosk
wait_for "Sales from before the restart"
assert_screen "1 sale was stopped before the customer saw it; nothing was charged"
refute_screen "waiting for"
refute_screen "sent again"
expect_state "$u_cre" abandoned
keys Enter
home_open 5
keys 3
assert_screen "5 open sales"
[ "$(open_rows | wc -l)" = 5 ] || fail "want 5 rows under Open sales"
open_rows | grep -F " $u_unc_order " | grep -q "121.00 INR.*Not confirmed yet" || fail "UPI unconfirmed not listed"
open_rows | grep -F " 3000000001 " | grep -q "3,100 MMK.*Pending check" || fail "pending not listed"
open_rows | grep -F " 4000000002 " | grep -q "3,200 MMK.*Transaction not found" || fail "not_found not listed"
open_rows | grep -F " 5000000003 " | grep -q "3,300 MMK.*Transaction ID refused" || fail "refused not listed"
open_rows | grep -F " 1000000004 " | grep -q "3,400 MMK.*Not known yet" || fail "unknown not listed"
keys Escape
home_open 5
ledger
expect upi_creates "$u_cre_ctid" 1
expect upi_not_once ""

# =============================================================================
step "kill 2, before: a Wavepay create in flight"
sandbox_fault wavepay_create hang >/dev/null
new_sale 1 2 5 0 0
assert_screen "Asking the gateway..."
w_cre=$(last_id)
poll_until 5 wp_creates_reach 5 || fail "the Wavepay create never reached the sandbox"
expect_state "$w_cre" creating
kill_kiosk

step "restart 2: Wavepay creating abandoned (notice), no wallet, no second create"
start_kiosk
wait_for "Sales from before the restart"
assert_screen "1 sale was stopped before the customer saw it; nothing was charged"
refute_screen "waiting for"
expect_state "$w_cre" abandoned
[ -z "$(sale_col "$w_cre" identifier)" ] || fail "the abandoned Wavepay sale has a wallet"
keys Enter
home_open 5
ledger
expect top wavepay_creates 5
expect top wavepay_identifiers 4

# =============================================================================
step "kill 3, before: a Wavepay sale at its ID screen"
wavepay_to_id 2 6 0 0
w_txid=$(last_id)
wallet=$(sale_col "$w_txid" identifier)
[ -n "$wallet" ] || fail "no wallet in the journal"
assert_screen "Wallet $wallet"
assert_screen "Amount 2,600 MMK"
expect_state "$w_txid" awaiting_txid
kill_kiosk

step "restart 3: back at its ID screen (notice), same wallet and amount, then paid"
start_kiosk
wait_for "Sales from before the restart"
assert_screen "1 Wavepay sale is waiting for its transaction ID again"
keys Enter
assert_screen "Wallet $wallet"
assert_screen "Amount 2,600 MMK"
assert_screen "Transaction ID:"
ledger
expect top wavepay_creates 6
expect top wavepay_identifiers 5
type_text 1000000005
keys Enter
wait_for "Paid"
assert_screen "Credited 2,600 MMK"
expect_state "$w_txid" paid
ledger
expect wp "$(sale_col "$w_txid" ctid)" credited true
expect top wavepay_creates 6
keys Enter
home_open 5

# =============================================================================
step "kill 4, before: a Wavepay activation in flight"
wavepay_to_id 2 7 0 0
w_act=$(last_id)
sandbox_fault wavepay_activate hang >/dev/null
type_text 1000000006
keys Enter
assert_screen "Checking the transaction..."
w_act_ctid=$(sale_col "$w_act" ctid)
poll_until 5 wp_acts_reach "$w_act_ctid" 1 || fail "the activation never reached the sandbox"
expect_state "$w_act" activating
kill_kiosk

step "restart 4: the identical activation re-sent once (notice), credited once"
start_kiosk
wait_for "Sales from before the restart"
assert_screen "1 Wavepay transaction ID was sent again"
keys Enter
wait_for "Paid"
assert_screen "Credited 2,700 MMK"
assert_screen "Transaction ID 1000000006"
expect_state "$w_act" paid
[ "$(sale_col "$w_act" ctid)" = "$w_act_ctid" ] || fail "the re-sent activation has another ctid"
ledger
expect wp_acts "$w_act_ctid" 2
expect wp "$w_act_ctid" credited true
expect wp "$w_act_ctid" deposit_amount 2700
expect top wavepay_creates 7
expect top wavepay_identifiers 6
keys Enter
home_open 5

# =============================================================================
step "kill 5, before: a UPI QR on the screen"
new_sale 2 1 3 1
wait_for "Scan with any UPI app"
u_pay=$(last_id)
u_pay_order=$(sale_col "$u_pay" order_id)
u_pay_ctid=$(sale_col "$u_pay" ctid)
expect_state "$u_pay" awaiting_payment
kill_kiosk

step "restart 5: polling the same order again (notice), settled -> paid"
start_kiosk
wait_for "Sales from before the restart"
assert_screen "1 UPI sale is waiting for payment again"
keys Enter
assert_screen "Order $u_pay_order"
assert_screen "Pay 131.00 INR"
[ "$(qr_decode)" = "$(sale_col "$u_pay" qr_data)" ] || fail "the QR after the restart is not the order's link"
sandbox_settle "$u_pay_order" success >/dev/null
wait_for "Paid"
expect_state "$u_pay" paid
ledger
expect upi_creates "$u_pay_ctid" 1
keys Enter
home_open 5

# =============================================================================
step "UPI unconfirmed (open through 5 kills): settled, Enter re-checks -> paid"
[ "$(grep -c "call=upi_status order=$u_unc_order " "$E2E_TMP/sandbox.log")" = "$u_unc_polls" ] ||
	fail "the unconfirmed sale was asked about before the cashier re-checked it"
sandbox_settle "$u_unc_order" success >/dev/null
expect_state "$u_unc" unconfirmed
keys 3
open_select "$u_unc_order"
keys Enter
wait_for "Paid"
assert_screen "Order $u_unc_order"
expect_state "$u_unc" paid
keys Enter
home_open 4

step "Wavepay pending: closed as not paid with /"
keys 3
open_select 3000000001
keys /
assert_screen "Close this sale as not paid?"
keys Enter
assert_screen "Cancelled"
expect_state "$w_pend" cancelled
note=$(journal_sql "select note from sale_history where sale_id = $w_pend order by id desc limit 1")
case $note in
*"closed as not paid by the cashier at e2e-counter: the customer did not pay"*) ;;
*) fail "the history does not say who closed it: $note" ;;
esac
ledger
expect wp_acts "$w_pend_ctid" 1 # closing sends nothing
keys Enter
home_open 3

step "Wavepay not_found: re-checked (same answer), a corrected ID -> paid"
keys 3
open_select 4000000002
keys Enter
wait_for "Ask the customer for the ID again"
expect_state "$w_nf" not_found
keys Enter
assert_screen "Transaction not found - check the ID"
assert_screen "4000000002"
keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace
type_text 1000000007
keys Enter
wait_for "Paid"
assert_screen "Credited 3,200 MMK"
expect_state "$w_nf" paid
w_nf_ctid2=$(sale_col "$w_nf" ctid)
[ "$w_nf_ctid2" != "$w_nf_ctid" ] || fail "the corrected ID kept the old ctid"
ledger
expect wp_acts "$w_nf_ctid" 2 # the first and the re-check (identical)
expect wp "$w_nf_ctid" credited false
expect wp_acts "$w_nf_ctid2" 1
expect wp "$w_nf_ctid2" credited true
keys Enter
home_open 2

step "Wavepay refused: re-checked (same answer), a corrected ID -> paid"
keys 3
open_select 5000000003
keys Enter
wait_for "Transaction ID refused: Transaction declined"
assert_screen "5000000003"
expect_state "$w_ref" refused
keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace
type_text 1000000008
keys Enter
wait_for "Paid"
assert_screen "Credited 3,300 MMK"
expect_state "$w_ref" paid
w_ref_ctid2=$(sale_col "$w_ref" ctid)
[ "$w_ref_ctid2" != "$w_ref_ctid" ] || fail "the corrected ID kept the old ctid"
ledger
expect wp_acts "$w_ref_ctid" 2
expect wp "$w_ref_ctid" credited false
expect wp "$w_ref_ctid2" credited true
keys Enter
home_open 1

step "Wavepay unknown: Enter re-sends the identical activation -> paid, credited once"
keys 3
open_select 1000000004
keys Enter
wait_for "Paid"
assert_screen "Credited 3,400 MMK"
expect_state "$w_unk" paid
[ "$(sale_col "$w_unk" ctid)" = "$w_unk_ctid" ] || fail "the re-check changed the ctid"
ledger
expect wp_acts "$w_unk_ctid" 2
expect wp "$w_unk_ctid" credited true
expect wp "$w_unk_ctid" deposit_amount 3400
keys Enter
home_open 0
keys 3
assert_screen "No open sales"
keys Escape

step "the whole run: one create per sale, nothing left open"
ledger
expect upi_not_once ""
expect top wavepay_creates 7
expect top wavepay_identifiers 6
open_left=$(journal_sql "select count(*) from sales where state not in ('paid','failed','cancelled','abandoned')")
[ "$open_left" = 0 ] || fail "$open_left sales are still open"
keys Escape
kiosk_wait_exit 10
[ "$KIOSK_STATUS" = 0 ] || fail "exit status $KIOSK_STATUS"
e2e_log "kill_open: ok"
