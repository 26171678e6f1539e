#!/usr/bin/env bash
# screens.sh - Burmese and Hindi a person can read: the shipped kiosk session
# (assets/session: cage, foot with paykiosk-foot.ini, paykiosk-session)
# started headless, every screen of the kiosk in training mode photographed
# in English, Burmese and Hindi, and each text run the kiosk drew read back
# with Tesseract OCR (tests/screens/judge.py): character accuracy >= 0.95,
# or at most 0.03 below HarfBuzz's own rendering of the same string (in the
# fonts foot draws each script with) read back the same way.  The UPI QR
# code on the screenshot must scan.
#
# Screens: home, amount (UPI and Wavepay), the UPI QR, its cancel question,
# the results (paid, paid a different amount, not paid, not confirmed yet,
# still being checked, transaction not found, ID refused, cancelled), the
# receipt, the Wavepay wallet with the ID field empty and typed, its
# "customer did not pay?" question, open sales and their "close as not
# paid?" question, sales today; then, against a sandbox of the test's own
# whose faults it sets (training mode cannot produce them), a Wavepay sale
# "not known yet" and a create whose answer cannot be used with its "give
# up?" question; and the too-small message (a session with a larger font).
#
# Kept for a person to look at: $PK_BUILD_DIR/screens/<lang>/<NN>-<screen>.png,
# the crops of the runs that missed (<lang>/miss/), accuracy.tsv (lang,
# screen, row, col, text, accuracy, reference, pass, what OCR read).
# OCR results are cached in $PK_BUILD_DIR/screens-cache (by the exact
# pixels read, references by string).
#
# Env: as every test (CTest).  For measurements (tests/screens/measure.sh,
# docs/SCREENS.md): PK_SCREENS_FOOT_INI=FILE photographs another foot
# configuration than the shipped one, PK_SCREENS_LAUNCHER=FILE another
# terminal (no too-small session then), PK_SCREENS_OUT=DIR keeps the
# pictures elsewhere, PK_SCREENS_NAME names the run in the summary.
source "$(dirname "$0")/screens/lib.sh"
screens_init
t0=$(date +%s)
ini=$SCR_TMP/session/paykiosk-foot.ini
if [ -n "${PK_SCREENS_FOOT_INI:-}" ]; then
	cp "$PK_SCREENS_FOOT_INI" "$SCR_TMP/session/variant-foot.ini"
	chmod 644 "$SCR_TMP/session/variant-foot.ini"
	ini=$SCR_TMP/session/variant-foot.ini
fi
out=${PK_SCREENS_OUT:-$PK_BUILD_DIR/screens}

step "the session: cage (headless), foot, paykiosk --training"
session_start -i "$ini"
wait_screen home
snap_langs 01-home

step "UPI: amount, QR, cancel question, not confirmed yet"
fifo_keys 2
wait_screen amount
fifo_keys 150
snap_langs 02-amount-upi
fifo_keys Enter
wait_screen upi_qr 15
snap_langs 03-upi-qr
fifo_keys Escape
wait_modal confirm
snap_langs 04-confirm-cancel-upi
fifo_keys Enter
wait_screen result 15
snap_langs 05-result-not-confirmed
fifo_keys Enter
wait_screen home

step "UPI: paid (trainer /), the receipt"
fifo_keys 2 150 Enter
wait_screen upi_qr 15
fifo_keys /
wait_screen result 15
snap_langs 06-result-paid-upi
fifo_keys +
wait_screen receipt
snap_langs 07-receipt
fifo_keys Escape
wait_screen home

step "UPI: not paid (trainer -)"
fifo_keys 2 150 Enter
wait_screen upi_qr 15
fifo_keys -
wait_screen result 15
snap_langs 08-result-not-paid
fifo_keys Enter
wait_screen home

# wavepay_sale TXID LABEL: a Wavepay sale of 5000 MMK answered by the
# training sandbox as the ID's first digit says (README, "Training mode");
# the screen it ends on is photographed as LABEL.
wavepay_to_wallet() {
	fifo_keys 1
	wait_screen amount
	fifo_keys 5000
}
wavepay_sale() {
	wavepay_to_wallet
	fifo_keys Enter
	wait_screen wavepay 15
	fifo_keys "$1"
	fifo_keys Enter
	poll_until 15 _settled_answer || fail "no answer to the activation of $1"
	snap_langs "$2"
}
# The activation was answered: no spinner ("Checking the transaction...",
# "Asking the gateway...") on the screen any more.
_settled_answer() { ! hook_last_frame_text | grep -qE 'Checking the transaction|Asking the gateway'; }

step "Wavepay: amount, wallet, ID, paid"
wavepay_to_wallet
snap_langs 09-amount-wavepay
fifo_keys Enter
wait_screen wavepay 15
snap_langs 10-wavepay-wallet
fifo_keys 1234567890
snap_langs 11-wavepay-id
fifo_keys Enter
wait_screen result 15
snap_langs 12-result-paid-wavepay
fifo_keys Enter
wait_screen home

step "Wavepay: a different amount, still being checked, not found, refused"
wavepay_sale 2234567890 13-result-paid-other-amount
fifo_keys Enter
wait_screen home
wavepay_sale 3234567890 14-result-pending
fifo_keys Enter
wait_screen home
wavepay_sale 4234567890 15-result-not-found
fifo_keys Escape
wait_screen home 10 || true
wavepay_sale 5234567890 16-wavepay-refused
fifo_keys Escape
wait_screen home 10 || true

step "Wavepay: the customer did not pay (cancelled)"
wavepay_to_wallet
fifo_keys Enter
wait_screen wavepay 15
fifo_keys Escape
wait_modal confirm
snap_langs 17-confirm-did-not-pay
fifo_keys Enter
wait_screen result 15
snap_langs 18-result-cancelled
fifo_keys Enter
wait_screen home

step "open sales, the close question, sales today"
fifo_keys 3
wait_screen open_sales
snap_langs 19-open-sales
fifo_keys /
wait_modal confirm
snap_langs 20-confirm-close-sale
fifo_keys Escape
wait_modal -
fifo_keys Escape
wait_screen home
fifo_keys 4
wait_screen today
snap_langs 21-today
fifo_keys Escape
wait_screen home
session_stop

step "a gateway's faults (a sandbox of the test's own): not known yet, an answer that cannot be used"
gateway_start
session_start -i "$ini" -g
wait_screen home
fifo_keys 1
wait_screen amount
fifo_keys 5000 Enter
wait_screen wavepay 15
sandbox_fault wavepay_activate ok_no_deposit 1 > /dev/null || fail "sandbox fault not set"
fifo_keys 1234567890 Enter
poll_until 15 frame_has "Not known yet" || fail "the Wavepay sale did not become 'not known yet'"
snap_langs 23-wavepay-not-known
fifo_keys Escape
wait_screen home
sandbox_fault upi_create http500_html 1 > /dev/null || fail "sandbox fault not set"
fifo_keys 2
wait_screen amount
fifo_keys 150 Enter
wait_screen wait 15
poll_until 15 frame_has "cannot be used" || fail "the failed create is not on the screen"
snap_langs 24-gateway-error
fifo_keys Escape
wait_modal confirm
snap_langs 25-confirm-give-up
fifo_keys Enter
wait_screen home
session_stop

step "two screens: sway, the cashier's foot and the customer's (paykiosk-session-dual)"
# Started with one output (the customer's window hidden, the kiosk runs for
# the cashier), then a second plugged in: the customer display there, full
# screen.  Idle, a UPI sale (its QR must scan from the customer's output as
# the sale's link), paid, a Wavepay sale: each in en, my and hi.
session_start -i "$ini" -d
wait_screen home
dual_plug
wait_dscreen idle
dsnap_langs 26-customer-idle
fifo_keys 2 150 Enter
wait_screen upi_qr 15
wait_dscreen upi 15
# The cashier's output of the same moment (README's picture of both
# screens: tests/screens/dual-picture.py).
snap en 27-dual-cashier-upi
dsnap_langs 27-customer-upi
fifo_keys /
wait_screen result 15
wait_dscreen result 15
dsnap_langs 28-customer-paid
fifo_keys Enter
wait_screen home
wait_dscreen idle
fifo_keys 1
wait_screen amount
fifo_keys 5000 Enter
wait_screen wavepay 15
wait_dscreen wavepay 15
dsnap_langs 29-customer-wavepay
fifo_keys Escape
wait_modal confirm
fifo_keys Enter
wait_screen result 15
fifo_keys Enter
wait_screen home
session_stop

step "too small: the same session with a font too large for the screen"
if [ -n "${PK_SCREENS_LAUNCHER:-}" ]; then
	e2e_log "(another terminal than foot: no too-small session)"
else
	big=$SCR_TMP/session/toosmall-foot.ini
	sed -E 's/:size=[0-9.]+/:size=36/g' "$ini" > "$big"
	chmod 644 "$big"
	session_start -i "$big"
	wait_screen home
	poll_until 10 frame_has 'Make the terminal at least' || fail "no too-small message at size 36"
	snap_langs 22-too-small
	session_stop
fi
e2e_log "walked $SES_SHOTS screenshots in $(($(date +%s) - t0)) s"

step "OCR: every run against the goal"
"$SCR_PY" "$(dirname "$0")/screens/judge.py" --manifest "$SCR_MANIFEST" --out "$out" \
	--cache "$PK_BUILD_DIR/screens-cache" --selftest --fonts-from "$ini" \
	--name "${PK_SCREENS_NAME:-$(basename "$ini")}"
rc=$?
# The customer display's runs on their own (docs/SCREENS.md, table C).
if [ -s "$out/accuracy.tsv" ]; then
	awk -F'\t' '$2 ~ /customer/ {
		n[$1]++; s[$1] += $6; if (!($1 in lo) || $6 < lo[$1]) lo[$1] = $6
		if ($8 != "yes") miss[$1]++
		rs[$1] += $7; if (!($1 in rlo) || $7 < rlo[$1]) rlo[$1] = $7 }
	END { for (l in n) printf "customer display %s: %d runs, %d below goal, accuracy min %.3f mean %.3f, reference min %.3f mean %.3f\n",
		l, n[l], miss[l] + 0, lo[l], s[l] / n[l], rlo[l], rs[l] / n[l] }' "$out/accuracy.tsv" | sort
fi
e2e_log "screens: $(($(date +%s) - t0)) s; pictures and accuracy.tsv in $out"
[ $rc = 0 ] || fail "runs missed the goal or a check failed (status $rc): $out/accuracy.tsv"
