# customer_display.sh - the customer display (issue 17) end to end: the
# kiosk in one tmux pane, its customer display on a second pane's tty that
# the kiosk reaches through a symlink the test controls ($CD), the second
# pane running nothing that reads or draws on its tty.
# - `--customer-display` (or the config key) with `--kiosk` is refused:
#   exit status 2 and a message that says why;
# - the display plugged in after the kiosk started opens (hook + log) and
#   shows the shop's name and "Welcome", and no TRAINING;
# - a UPI sale: the customer pane shows the amount typed in big digits and
#   a QR that decodes (zbarimg) to the same link as the cashier's QR; `*`
#   switches both screens to Burmese, Hindi and back (the translations of
#   po/my.po and po/hi.po on the customer pane, the same QR); settled
#   paid by the sandbox: "Paid" and the amount on both;
# - a Wavepay sale: the wallet number and amount in big digits and "Read
#   out your transaction ID" on the customer pane, the ID typed on the
#   cashier's, "Paid" on both;
# - mid-sale the display's pane is closed and the symlink removed: the
#   kiosk logs and reports "display lost", the cashier's keys still work
#   (`+`: the Paytm link); a new pane and the symlink back: the display
#   opens again and shows the current sale (the Paytm link's QR, the
#   amount); "Not paid" on both; quitting gives the display's tty its
#   settings back;
# - training mode (customer_display from the config file): TRAINING on the
#   customer pane.
source "$(dirname "$0")/lib.sh"
e2e_init
syslog_listen

CD=$E2E_TMP/customer-display # the symlink the kiosk is given
CSIZE=140x50                 # the customer's terminal (COLSxROWS)
CROWSxCOLS=${CSIZE#*x}x${CSIZE%x*} # as the kiosk reports it
SHOP="Sharma Stores"
SRC=${PK_SOURCE_DIR:-$(dirname "$0")/../..}

# po_msgstr LANG MSGID: the translation in po/LANG.po.
po_msgstr() {
	awk -v id="$2" '
	function unq(s) { sub(/^[^"]*"/, "", s); sub(/"[^"]*$/, "", s); return s }
	/^msgid / { cur = unq($0); inid = 1; instr = 0; next }
	/^msgstr / { inid = 0; if (cur == id) { out = unq($0); instr = 1 } next }
	/^"/ { if (inid) cur = cur unq($0); else if (instr) out = out unq($0); next }
	{ inid = 0; instr = 0 }
	END { print out }' "$SRC/po/$1.po"
}
# big_has PANE AMOUNT: AMOUNT is drawn in big digits on the pane
# (thousands separators aside).
big_has() { big_text "$1" | tr -d , | grep -qx -- "${2//,/}"; }
assert_big() { big_has "$1" "$2" || fail "no '$2' in big digits on pane $1 (it has: $(big_text "$1" | tr '\n' ' '))"; }
# plug NAME: a new pane of the customer's size, and the symlink to its tty.
plug() {
	pane_start "$1" "$CSIZE"
	ln -sfn "$(pane_tty "$1")" "$CD"
}
write_config() {
	mkdir -p "$E2E_TMP/config/paykiosk"
	install -m600 /dev/null "$E2E_TMP/config/paykiosk/paykiosk.conf"
	printf '%s\n' "$@" > "$E2E_TMP/config/paykiosk/paykiosk.conf"
}
# refused ARGS...: the kiosk refuses to start (no terminal needed to say so).
refused() {
	local out st
	out=$(env -i PATH="$PATH" HOME="$E2E_TMP" LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color \
		XDG_CONFIG_HOME="$E2E_TMP/config" XDG_DATA_HOME="$E2E_TMP/data" \
		PAYKIOSK_JOURNAL="$E2E_TMP/refused.db" PAYKIOSK_LOCALEDIR="${PAYKIOSK_LOCALEDIR:-}" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
		timeout 10 "$PK_KIOSK" "$@" 2>&1 < /dev/null)
	st=$?
	[ "$st" = 2 ] || fail "'paykiosk $*' exited $st, want 2: $out"
	printf '%s' "$out" | grep -qF -- "--customer-display cannot be used with --kiosk" ||
		fail "'paykiosk $*' does not say why: $out"
}

step "--customer-display with --kiosk is refused"
refused --kiosk --customer-display "$CD"
write_config "customer_display = $CD"
refused --kiosk

step "the display plugged in after the start: the shop's name and Welcome"
write_config "shop_name = $SHOP"
sandbox_start
kiosk_start -e "PAYKIOSK_LOG_SOCKET=$LOGSOCK" -- --poll-interval 1 --customer-display "$CD"
wait_for "Choose the payment"
mark=$(hook_mark)
plug cust1
wait_hook "$mark" "^display open $CROWSxCOLS\$"
wait_log "customer_display_open"
wait_dshown cust1 "$mark" 'screen=idle .*lang=en'
pane_assert cust1 "Welcome"
pane_assert cust1 "$SHOP"
pane_refute cust1 "TRAINING"

step "UPI: the amount and the QR on the customer's pane"
mark=$(hook_mark)
keys 2
wait_for "Amount in INR"
keys 1 2 5 . 5 0 Enter
wait_for "Scan with any UPI app"
order=$(screen_order_id)
qr_data=$(journal_sql "select qr_data from sales where order_id = '$order'")
[ -n "$qr_data" ] || fail "the journal has no qr_data for order $order"
wait_dshown cust1 "$mark" 'screen=upi '
pane_assert cust1 "Scan with any UPI app"
assert_big cust1 125.50
# 140x50 has room for full blocks: two columns and one row a module.
pane_text cust1 | grep -q '[▀▄]' && fail "half blocks on a customer display that has room for full ones"
[ "$(qr_decode)" = "$qr_data" ] || fail "the cashier's QR does not decode to qr_data"
cust=$(qr_decode cust1) || fail "the QR on the customer's pane did not decode"
[ "$cust" = "$qr_data" ] || fail "the customer's QR decodes to '$cust', the cashier's to '$qr_data'"

step "* switches both screens: Burmese, Hindi, English"
my_scan=$(po_msgstr my "Scan with any UPI app")
hi_scan=$(po_msgstr hi "Scan with any UPI app")
[ -n "$my_scan" ] && [ -n "$hi_scan" ] || fail "no translation of 'Scan with any UPI app'"
mark=$(hook_mark)
keys '*'
wait_for "$my_scan"
wait_dshown cust1 "$mark" 'screen=upi .*lang=my'
pane_assert cust1 "$my_scan"
pane_refute cust1 "Scan with any UPI app"
[ "$(qr_decode cust1)" = "$qr_data" ] || fail "the customer's QR changed with the language"
mark=$(hook_mark)
keys '*'
wait_for "$hi_scan"
wait_dshown cust1 "$mark" 'screen=upi .*lang=hi'
pane_assert cust1 "$hi_scan"
mark=$(hook_mark)
keys '*'
wait_for "Scan with any UPI app"
wait_dshown cust1 "$mark" 'screen=upi .*lang=en'
pane_assert cust1 "Scan with any UPI app"

step "UPI: paid - on both screens"
mark=$(hook_mark)
sandbox_settle "$order" success >/dev/null || fail "settle call failed"
wait_for "Paid" 10
wait_dshown cust1 "$mark" 'screen=result '
pane_assert cust1 "Paid"
assert_big cust1 125.50
[ "$(last_sale state)" = paid ] || fail "the journal does not say paid"
mark=$(hook_mark)
keys Enter
wait_for "Choose the payment"
wait_dshown cust1 "$mark" 'screen=idle '
pane_assert cust1 "Welcome"

step "Wavepay: the wallet, the amount and 'read out' on the customer's pane"
mark=$(hook_mark)
keys 1
wait_for "Amount in MMK"
keys 5 0 0 0 Enter
wait_for "Transaction ID:"
wallet=$(last_sale identifier)
[ -n "$wallet" ] || fail "no wallet recorded"
wait_dshown cust1 "$mark" 'screen=wavepay '
pane_assert cust1 "Read out your transaction ID"
assert_big cust1 "$wallet"
assert_big cust1 5000
mark=$(hook_mark)
type_text "1234567890"
keys Enter
wait_for "Credited 5,000 MMK" 10
wait_dshown cust1 "$mark" 'screen=result '
pane_assert cust1 "Paid"
assert_big cust1 5000
pane_refute cust1 "Read out your transaction ID"
mark=$(hook_mark)
keys Enter
wait_for "Choose the payment"
wait_dshown cust1 "$mark" 'screen=idle '

step "the display removed mid-sale: the cashier goes on"
mark=$(hook_mark)
keys 2
wait_for "Amount in INR"
keys 3 0 0 Enter
wait_for "Scan with any UPI app"
order=$(screen_order_id)
qr_data=$(journal_sql "select qr_data from sales where order_id = '$order'")
wait_dshown cust1 "$mark" 'screen=upi '
assert_big cust1 300.00
mark=$(hook_mark)
pane_kill cust1
rm "$CD"
wait_hook "$mark" '^display lost '
wait_log "customer_display_lost"
keys +                           # a key still has its effect
assert_screen "QR for: Paytm"
paytm=$(qr_decode) || fail "the cashier's Paytm QR did not decode"
[ "$paytm" = "paytmmp://${qr_data#upi://}" ] || fail "the Paytm QR decodes to '$paytm'"

step "the display back: the current sale on it again"
mark=$(hook_mark)
pane_start cust2 "$CSIZE"
tty2=$(pane_tty cust2)
stty -g -F "$tty2" > "$E2E_TMP/cust.stty.before"
ln -sfn "$tty2" "$CD"
wait_hook "$mark" "^display open $CROWSxCOLS\$"
wait_dshown cust2 "$mark" 'screen=upi '
pane_assert cust2 "QR for: Paytm"
assert_big cust2 300.00
cust=$(qr_decode cust2) || fail "the QR on the new customer pane did not decode"
[ "$cust" = "$paytm" ] || fail "the customer's QR decodes to '$cust', the cashier's to '$paytm'"
mark=$(hook_mark)
sandbox_settle "$order" failed >/dev/null || fail "settle call failed"
wait_for "Not paid" 10
wait_dshown cust2 "$mark" 'screen=result '
pane_assert cust2 "Not paid"
assert_big cust2 300.00
keys Enter
wait_for "Choose the payment"
keys Escape
kiosk_wait_exit 10
[ "$KIOSK_STATUS" = 0 ] || fail "exit status $KIOSK_STATUS"
stty -g -F "$tty2" > "$E2E_TMP/cust.stty.after"
cmp -s "$E2E_TMP/cust.stty.before" "$E2E_TMP/cust.stty.after" ||
	fail "the display's tty settings changed: $(cat "$E2E_TMP/cust.stty.before") -> $(cat "$E2E_TMP/cust.stty.after")"
kiosk_close
rm -f "$CD"

step "training mode (customer_display in the config): TRAINING on the customer's pane"
write_config "shop_name = $SHOP" "customer_display = $CD"
kiosk_start -t
wait_for "TRAINING"
mark=$(hook_mark)
plug cust3
wait_hook "$mark" '^display open '
wait_dshown cust3 "$mark" 'screen=idle '
pane_assert cust3 "TRAINING"
pane_assert cust3 "Welcome"
keys Escape
kiosk_wait_exit 10
[ "$KIOSK_STATUS" = 0 ] || fail "exit status $KIOSK_STATUS"
e2e_log "customer_display: ok"
