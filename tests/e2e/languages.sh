# languages.sh - full sales in Burmese and in Hindi, read off the real
# screen: the translated strings are there (Myanmar / Devanagari code
# points on every screen) and no English is left except ids, amounts,
# brand names and loan words; `*` mid-sale switches the language and keeps
# the sale (the same QR, the same order, the typed transaction ID).
source "$(dirname "$0")/lib.sh"
e2e_init
sandbox_start
kiosk_start -- --lang my

export LC_ALL=C.UTF-8
# Words of Latin letters allowed on a translated screen.
ALLOWED=' paykiosk e2e counter UPI INR MMK Wavepay QR Paytm PhonePe GPay Enter Esc ID Transaction transaction app scan link OK '
script_only() { # script_only NAME REGEX: the screen has that script and no stray English
	local s word
	s=$(screen)
	printf '%s' "$s" | grep -qP "$2" || fail "no $1 text on the screen"
	for word in $(printf '%s' "$s" | grep -oP '\b[A-Za-z]{3,}\b' | sort -u); do
		case "$ALLOWED" in *" $word "*) ;; *) fail "English word '$word' on the $1 screen" ;; esac
	done
}
MY='[\x{1000}-\x{109F}]'
HI='[\x{0900}-\x{097F}]'

step "Burmese: home"
wait_for "ငွေပေးချေနည်း ရွေးပါ"
script_only Burmese "$MY"

step "Burmese: UPI amount and QR"
keys 2
wait_for "ငွေပမာဏ (INR)"
script_only Burmese "$MY"
keys 2 5 0 Enter
wait_for "UPI app တစ်ခုခုဖြင့် scan ဖတ်ပါ"
script_only Burmese "$MY"
order=$(last_sale order_id)
qr_data=$(last_sale qr_data)
assert_screen "အော်ဒါ $order"
[ "$(qr_decode)" = "$qr_data" ] || fail "the Burmese QR screen does not decode to qr_data"

step "* mid-sale: Hindi, same QR and order"
keys '*'
wait_for "किसी भी UPI ऐप से स्कैन करें"
script_only Hindi "$HI"
assert_screen "ऑर्डर $order"
[ "$(qr_decode)" = "$qr_data" ] || fail "the QR changed when the language did"
[ "$(journal_sql "select count(*) from sales")" = 1 ] || fail "the switch made another sale"
sandbox_settle "$order" success >/dev/null
wait_for "भुगतान हो गया" 10
script_only Hindi "$HI"
[ "$(last_sale state)" = paid ] || fail "the journal does not say paid"
keys Enter

step "Hindi: Wavepay credited"
wait_for "भुगतान का तरीका चुनें"
script_only Hindi "$HI"
keys 1
wait_for "रकम (MMK में)"
keys 3 0 0 0 Enter
wait_for "ट्रांज़ैक्शन ID:"
script_only Hindi "$HI"
type_text "१२३४५६७८९०"            # Devanagari digits
wait_for "1234567890"

step "* mid-entry: English then Burmese, the typed ID kept"
keys '*'
wait_for "Transaction ID:"
assert_screen "1234567890"
keys '*'
wait_for "ဤ Wavepay နံပါတ်သို့ ပေးပါ"
assert_screen "1234567890"
script_only Burmese "$MY"
keys Enter
wait_for "ငွေရရှိပြီး" 10
assert_screen "3,000 MMK"
script_only Burmese "$MY"
[ "$(last_sale state)" = paid ] || fail "the journal does not say paid"
[ "$(last_sale key1)" = 1234567890 ] || fail "key1 is not 1234567890"
keys Enter
wait_for "ငွေပေးချေနည်း ရွေးပါ"
keys Escape
kiosk_wait_exit 10
[ "$KIOSK_STATUS" = 0 ] || fail "exit status $KIOSK_STATUS"
e2e_log "languages: ok"
