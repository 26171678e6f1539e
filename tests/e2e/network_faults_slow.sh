# network_faults_slow.sh - the slow and odd network cases of a UPI create,
# seen from the cashier's side: a gateway name that does not resolve, a
# server that accepts and never answers, a server that trickles a byte a
# second, and a success whose qr_data is a upi:// link too long for any QR
# code (sandbox fault long_qr).  Each one ends with a true message on the
# screen, no QR, the sale creating (retry possible) and then abandoned
# when the cashier gives up (never paid), exactly one create sent (no
# blind retry), and a kiosk that stays live: the spinner keeps moving while
# the request is in flight and `*` switches the language (en -> my -> hi
# -> en) both while waiting and on the message.
#
# The client's request timeout is 20 s (gw_options.total_timeout_ms, not
# configurable), so the hang and trickle cases take ~20 s each; the whole
# script takes about a minute.
source "$(dirname "$0")/lib.sh"
e2e_init
sandbox_start

ms() { echo $(( $(date +%s%N) / 1000000 )); }
T_START=$(ms)

# The translations used below (po/my.po, po/hi.po).
ASK_EN="Asking the gateway..."
ASK_MY="Gateway ကို မေးနေသည်..."
ASK_HI="गेटवे से पूछ रहे हैं..."
REACH_EN="Could not reach the gateway"
REACH_MY="Gateway ကို ဆက်သွယ်၍ မရပါ"
REACH_HI="गेटवे तक नहीं पहुँच सके"
UNUSABLE_EN="The gateway's answer cannot be used"
UNUSABLE_MY="Gateway ၏ အဖြေကို အသုံးမပြုနိုင်ပါ"
UNUSABLE_HI="गेटवे का जवाब इस्तेमाल नहीं हो सकता"


# `*` three times: Burmese, Hindi, back to English, each text in turn
# (keys waits until each * was taken and its frame is on the pane).
lang_cycle() { # lang_cycle EN MY HI
	keys '*'
	assert_screen "$2"
	refute_screen "$1"
	keys '*'
	assert_screen "$3"
	refute_screen "$2"
	keys '*'
	assert_screen "$1"
	refute_screen "$3"
}

# Until DONE is on the screen (at most SECS), the line holding LINE must
# change at least every 3 s: the spinner moves, the loop is not blocked.
watch_live() { # watch_live LINE DONE SECS
	local line=$1 done=$2 secs=$3 t0 now last prev="" cur s changes=0
	t0=$(ms)
	last=$t0
	while :; do
		s=$(screen)
		case $s in *"$done"*) break ;; esac
		now=$(ms)
		cur=$(printf '%s\n' "$s" | grep -F -- "$line" || true)
		if [ -n "$cur" ] && [ "$cur" != "$prev" ]; then
			prev=$cur
			last=$now
			changes=$((changes + 1))
		fi
		[ $((now - last)) -le 3000 ] || fail "the screen froze: '$line' did not change for 3 s"
		[ $((now - t0)) -le $((secs * 1000)) ] || fail "'$done' did not appear within $secs s"
		wait_next_frame 3 # the spinner's next step (a frozen loop draws none)
	done
	e2e_log "spinner changed $changes times in $(( ($(ms) - t0) / 1000 )) s"
	[ $changes -ge 5 ] || fail "the spinner changed only $changes times"
}

upi_creates() { sandbox_post /_sandbox/stats | grep -o '"upi_create":[0-9]*' | cut -d: -f2; }

# After a failed create: no QR anywhere, the sale still creating (nothing
# was shown, so Enter may retry the same ctid); giving up -> abandoned.
check_no_sale() {
	refute_screen "Scan with any UPI app"
	refute_screen "Make the terminal"
	if screen | grep -q '[█▀▄]'; then fail "QR blocks are on the screen"; fi
	assert_screen "Nothing was charged. Try again, or give up this sale."
	local st
	st=$(last_sale state)
	[ "$st" = creating ] || fail "while the message is shown the sale is '$st', not creating"
	[ -z "$(last_sale "coalesce(qr_data, '')")" ] || fail "a qr_data was recorded"
	[ -z "$(last_sale "coalesce(order_id, '')")" ] || fail "an order id was recorded"
	to_home
	st=$(last_sale state)
	case $st in abandoned|failed) ;; *) fail "after giving up the sale is '$st'" ;; esac
	e2e_log "journal: $st"
}

step "1 DNS: the gateway's name does not resolve"
# .invalid never resolves (RFC 6761); one try of 1 s per name server keeps
# the case short even when the resolver cannot be reached.
kiosk_start -e PAYKIOSK_API_URL=https://paykassma-gateway.invalid \
	-e "RES_OPTIONS=timeout:1 attempts:1"
wait_for "Choose the payment"
keys 2
assert_screen "Amount in INR"
t0=$(ms)
keys 1 0 0 Enter
DNS_MSG="The gateway's name (paykassma-gateway.invalid) could not be found"
wait_for "$DNS_MSG" 10
e2e_log "DNS failure shown after $(( $(ms) - t0 )) ms"
assert_screen "$REACH_EN"
# Live on the message: the heading and the reason follow the language.
lang_cycle "$REACH_EN" "$REACH_MY" "$REACH_HI"
lang_cycle "$DNS_MSG" "Gateway အမည် (paykassma-gateway.invalid) ကို ရှာမတွေ့ပါ" \
	"गेटवे का नाम (paykassma-gateway.invalid) नहीं मिला"
assert_screen "$DNS_MSG"
check_no_sale
keys Escape
kiosk_wait_exit 10
kiosk_close

kiosk_start
wait_for "Choose the payment"

TIMEOUT_MSG="The gateway (127.0.0.1) did not answer in time"
# slow_create MODE DIGIT: a create the sandbox answers with MODE; the
# spinner keeps moving and * works while it is in flight, the client's 20 s
# timeout ends it (not before), one create was sent, nothing was recorded
# as charged.
slow_create() {
	local mode=$1 n0 t0 t
	n0=$(upi_creates)
	sandbox_fault upi_create "$mode" 1 >/dev/null || fail "fault call failed"
	keys 2
	assert_screen "Amount in INR"
	t0=$(ms)
	keys 1 "$2" 0 Enter
	wait_for "$ASK_EN" 5
	lang_cycle "$ASK_EN" "$ASK_MY" "$ASK_HI"   # while the request is in flight
	watch_live "$ASK_EN" "$TIMEOUT_MSG" 35
	t=$(( $(ms) - t0 ))
	e2e_log "$mode: the timeout message after $t ms"
	[ $t -ge 15000 ] || fail "the kiosk gave up after $t ms, before the client's 20 s timeout"
	assert_screen "$REACH_EN"
	[ "$(upi_creates)" = $((n0 + 1)) ] || fail "not exactly one create was sent"
}

step "2 hang: the server accepts the create and never answers"
slow_create hang 1
check_no_sale

step "3 trickle: the server sends its answer a byte a second"
slow_create trickle 2
# The 35-byte answer ({"status":"fail","message":"slow"}) never arrived whole.
refute_screen "slow"
check_no_sale

step "4 long_qr: a valid upi:// link too long for any QR code"
n0=$(upi_creates)
sandbox_fault upi_create long_qr 1 >/dev/null || fail "fault call failed"
keys 2
assert_screen "Amount in INR"
keys 1 3 0 Enter
BAD_MSG="The gateway sent a payment link too long for a QR code"
wait_for "$BAD_MSG" 10
[ "$(upi_creates)" = $((n0 + 1)) ] || fail "not exactly one create was sent"
# The sandbox did answer a success with an order (the fault is in qr_data).
grep 'call=upi_create' "$E2E_TMP/sandbox.log" | tail -n 1 | grep -qE ' 200 call=upi_create order=[0-9a-f]{16} ' ||
	fail "the sandbox did not answer the long_qr create with an order"
# The gateway was reached: the heading says its answer cannot be used.
refute_screen "$REACH_EN"
assert_screen "$UNUSABLE_EN"
lang_cycle "$UNUSABLE_EN" "$UNUSABLE_MY" "$UNUSABLE_HI"
check_no_sale

step "the kiosk quits cleanly"
keys Escape
kiosk_wait_exit 10
[ "$KIOSK_STATUS" = 0 ] || fail "exit status $KIOSK_STATUS"
[ "$(journal_sql "select count(*) from sales where state = 'paid'")" = 0 ] || fail "a sale is paid"
e2e_log "network_faults_slow: ok in $(( ($(ms) - T_START) / 1000 )) s"
