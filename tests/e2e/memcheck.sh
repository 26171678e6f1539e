# memcheck.sh - a full UPI sale and a full Wavepay sale with the kiosk under
# valgrind memcheck: no invalid read or write, no use of uninitialised
# memory, no definite or indirect leak (ncurses' still-reachable screen
# memory is not a leak).  In the sanitizer build the same sale runs under
# AddressSanitizer + LeakSanitizer instead (valgrind cannot run ASan code),
# and the harness fails on any sanitizer report.
source "$(dirname "$0")/lib.sh"
e2e_init
command -v valgrind >/dev/null || fail "valgrind is not installed"
sandbox_start
real=$PK_KIOSK
wrap=$E2E_TMP/kiosk-under-valgrind
if [ "${PK_SANITIZE:-0}" = 1 ]; then
	printf '#!/bin/bash\nexec %q "$@"\n' "$real" > "$wrap"
else
	printf '#!/bin/bash\nexec valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --track-origins=yes --error-exitcode=99 --log-file=%q %q "$@"\n' \
		"$E2E_TMP/memcheck.log" "$real" > "$wrap"
fi
chmod +x "$wrap"
PK_KIOSK=$wrap
kiosk_start

step "UPI sale"
wait_for "Choose the payment" 30
keys 2; assert_screen "Amount in INR"
keys 9 9 . 5 Enter; wait_for "Scan with any UPI app" 20
sandbox_settle "$(screen_order_id)" success >/dev/null
wait_for "Paid" 20
keys Enter
assert_screen "Choose the payment"

step "Wavepay sale"
keys 1; assert_screen "Amount in MMK"
keys 7 0 0 Enter; wait_for "Transaction ID:" 20
type_text "2444000111"; keys Enter
wait_for "more than asked" 20
keys Enter
assert_screen "Choose the payment"
keys Escape
kiosk_wait_exit 60
[ "$KIOSK_STATUS" = 0 ] || fail "exit status $KIOSK_STATUS: $(tail -n 40 "$E2E_TMP/memcheck.log" 2>/dev/null)"
if [ "${PK_SANITIZE:-0}" != 1 ]; then
	grep -q 'ERROR SUMMARY: 0 errors' "$E2E_TMP/memcheck.log" ||
		fail "memcheck found errors: $(grep -A30 'ERROR SUMMARY\|definitely lost\|Invalid' "$E2E_TMP/memcheck.log" | head -60)"
	grep -E 'ERROR SUMMARY|definitely lost|indirectly lost' "$E2E_TMP/memcheck.log" >&2 || true
fi
e2e_log "memcheck: ok"
