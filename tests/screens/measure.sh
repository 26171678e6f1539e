#!/usr/bin/env bash
# measure.sh - the table of docs/SCREENS.md: the screenshot suite
# (tests/screens.sh) run once per foot configuration, each a variant of the
# shipped assets/session/paykiosk-foot.ini, and one line of figures per
# configuration and language.  Not a CTest test (minutes, not seconds):
#
#   PK_BUILD_DIR=build PK_KIOSK=build/paykiosk PK_SANDBOX=build/paykassma-sandbox \
#     PAYKIOSK_LOCALEDIR=build/locale bash tests/screens/measure.sh [VARIANT...]
#
# Variants (default: all): shipped (16 pt, Padauk and Lohit Devanagari
# before the Noto fonts), 12pt 14pt 18pt 20pt (the shipped file at another
# size), noshaping (tweak.grapheme-shaping=no), noto (Noto Sans Myanmar and
# Noto Sans Devanagari before Padauk and Lohit), noto-noshaping (both),
# xterm (xterm -fa 'Noto Sans Mono' -fs 16 under Xwayland in cage instead
# of foot: xterm-session; needs the xterm package).  Pictures and accuracy.tsv of
# each: $PK_BUILD_DIR/screens-measure/<variant>/; the table is printed and
# written to $PK_BUILD_DIR/screens-measure/table.md.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
shipped=$src/assets/session/paykiosk-foot.ini
: "${PK_BUILD_DIR:?}"
base=$PK_BUILD_DIR/screens-measure
mkdir -p "$base"
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(shipped 12pt 14pt 18pt 20pt noshaping noto noto-noshaping xterm)

NOTO_FIRST='font=Noto Sans Mono:size=16, Noto Sans Myanmar:size=16, Noto Sans Devanagari:size=16, Padauk:size=16, Lohit Devanagari:size=16'
make_ini() { # make_ini VARIANT OUT
	case $1 in
	shipped | xterm) cp "$shipped" "$2" ;;
	[0-9]*pt) sed -E "s/:size=[0-9.]+/:size=${1%pt}/g" "$shipped" > "$2" ;;
	noshaping) sed -E 's/^grapheme-shaping=yes/grapheme-shaping=no/' "$shipped" > "$2" ;;
	noto) sed -E "s/^font=.*/$NOTO_FIRST/" "$shipped" > "$2" ;;
	noto-noshaping) sed -E -e "s/^font=.*/$NOTO_FIRST/" -e 's/^grapheme-shaping=yes/grapheme-shaping=no/' \
		"$shipped" > "$2" ;;
	*) echo "measure: unknown variant $1" >&2; return 1 ;;
	esac
}

table=$base/table.md
{
	echo "| configuration | cells, grid | lang | runs | below goal | accuracy min | mean | reference min / mean | Noto reference min / mean |"
	echo "|---|---|---|---|---|---|---|---|---|"
} > "$table"
for v in "${variants[@]}"; do
	ini=$base/$v.ini
	make_ini "$v" "$ini" || exit 2
	out=$base/$v
	log=$base/$v.log
	echo "== $v" >&2
	launcher=
	[ "$v" = xterm ] && launcher=$here/xterm-session
	PK_SCREENS_LAUNCHER=$launcher PK_SCREENS_FOOT_INI=$ini PK_SCREENS_OUT=$out PK_SCREENS_NAME=$v \
		bash "$src/tests/screens.sh" > "$log" 2>&1
	cells=$(sed -n 's/.*session 1: size=\([0-9]*\)x\([0-9]*\), cells \([0-9x]*\) px.*/\3 px, \2x\1/p' "$log" | head -n 1)
	awk -v v="$v" -v cells="$cells" '
		/^lang +runs/ { on = 1; next }
		on && $1 ~ /^(en|my|hi)$/ {
			printf "| %s | %s | %s | %s | %s | %s | %s | %s / %s | %s / %s |\n", v, cells, $1, $2, $3, $4, $5, $6, $7, $8, $9
			v = ""; cells = ""
			next
		}
		on { on = 0 }' "$log" >> "$table"
	grep -q '^lang ' "$log" || echo "| $v | $cells | (no result: $(grep -m1 FAIL "$log")) |||||||" >> "$table"
done
cat "$table"
