# graphics.sh - Burmese and Hindi drawn as sixel images, and the terminals
# that get text instead, on the real kiosk in tmux:
# - tmux does not answer that it draws sixel: text, and the log says why;
# - PAYKIOSK_GRAPHICS=sixel (a terminal that does not say so): every
#   Burmese run is an image over blank cells (tmux drops the images, so the
#   pane shows no Burmese at all) while English stays text; the kiosk still
#   reports each image run's text to the harness ("img" lines); `*` turns
#   them into Hindi images, then English text with no image left;
# - PAYKIOSK_GRAPHICS=text on a sixel terminal is the override the other
#   way (tests/unit/ui/test_sixel.c checks the decision);
# - the Linux console (TERM=linux) started in Burmese shows English and
#   says so in English, on the screen and in the log; `*` keeps English.
# The pixels themselves are judged by the screenshot suite (tests/screens.sh).
source "$(dirname "$0")/lib.sh"
e2e_init
syslog_listen

# The newest complete frame the kiosk reported: its run and img lines.
last_frame() {
	awk '$1 == "frame" { buf = ""; inf = 1; next }
	     $1 == "end" && inf { last = buf; inf = 0; next }
	     inf { buf = buf $0 "\n" }
	     END { printf "%s", last }' "$HOOK"
}
_frame_has() { last_frame | grep -qP -- "$1"; }
_frame_hasnt() { ! last_frame | grep -qP -- "$1"; }
wait_frame() { poll_until 10 _frame_has "$1" || fail "no frame with '$1': $(last_frame)"; }
wait_frame_without() { poll_until 10 _frame_hasnt "$1" || fail "still '$1': $(last_frame)"; }
wait_log() {
	poll_until 5 grep -q -- "$1" "$E2E_TMP/syslog.txt" ||
		fail "no '$1' line in the log: $(cat "$E2E_TMP/syslog.txt" 2>/dev/null)"
}
MY='[\x{1000}-\x{109F}]'
HI='[\x{0900}-\x{097F}]'
_pane_has_script() { screen | grep -qP "$1"; }

step "tmux, as it is: text, and the log says why"
kiosk_start -t -e "PAYKIOSK_LOG_SOCKET=$LOGSOCK" -- --lang my
wait_for "ငွေပေးချေနည်း ရွေးပါ"
wait_log "event=graphics mode=text reason=no-sixel"
grep -q '^img ' "$HOOK" && fail "images on a terminal that does not draw them"
kiosk_close

step "PAYKIOSK_GRAPHICS=sixel: Burmese runs are images over blank cells"
: > "$E2E_TMP/syslog.txt"
kiosk_start -t -e PAYKIOSK_GRAPHICS=sixel -e "PAYKIOSK_LOG_SOCKET=$LOGSOCK" -- --lang my
wait_screen home
wait_log "event=graphics mode=sixel"
# the harness still reads the title: as a run, and as an image at its cells
wait_frame '^img 2 [0-9]+ [0-9]+ ငွေပေးချေနည်း ရွေးပါ$'
wait_frame '^run 2 [0-9]+ [0-9]+ ငွေပေးချေနည်း ရွေးပါ$'
wait_frame '^img 0 [0-9]+ [0-9]+ မြန်မာ'   # the language, in the bar
# English stays text: on the pane, and no image
wait_for "Wavepay (MMK)"
_frame_has '^img .*Wavepay' && fail "an English run became an image"
# every Burmese run is an image: the pane (tmux drops sixel) shows none
_pane_has_script "$MY" && fail "Burmese text in cells: $(screen)"
n_my=$(last_frame | grep -c '^img ')
[ "$n_my" -ge 5 ] || fail "only $n_my Burmese images on the home screen"

step "* : Hindi images, the Burmese ones gone"
keys_nowait '*'
wait_frame '^img 2 [0-9]+ [0-9]+ भुगतान का तरीका चुनें$'
wait_frame_without "^img .*$MY"
poll_until 10 _pane_has_script '[A-Za-z]' || fail "the pane is empty"
_pane_has_script "$HI" && fail "Hindi text in cells: $(screen)"

step "* : English, text, no image left"
keys_nowait '*'
wait_frame '^run 2 [0-9]+ [0-9]+ Choose the payment$'
wait_frame_without '^img '
wait_for "Choose the payment"
kiosk_close

step "the Linux console: English, and the kiosk says why"
: > "$E2E_TMP/syslog.txt"
kiosk_start -t -e TERM=linux -e "PAYKIOSK_LOG_SOCKET=$LOGSOCK" -- --lang my
wait_for "Choose the payment"
wait_for "This terminal cannot draw Burmese or Hindi: the kiosk shows English"
wait_log "event=lang_fallback lang=my term=linux shown=en"
wait_log "event=graphics mode=text reason=override"
_pane_has_script "$MY" && fail "Burmese on the console: $(screen)"
keys 4
wait_for "Sales today"
refute_screen "cannot draw Burmese"
keys Escape
wait_for "Choose the payment"
keys '*'
assert_screen "Choose the payment"
assert_screen "This terminal cannot draw Burmese or Hindi"
_pane_has_script "$MY" && fail "* switched the console to Burmese"
keys Escape
kiosk_wait_exit 10
[ "$KIOSK_STATUS" = 0 ] || fail "exit status $KIOSK_STATUS"
echo "PASS graphics"
