#!/usr/bin/env bash
# qr_cli.sh - `paykiosk qr TEXT` through the real binary: the printed half
# blocks are turned back into a PBM image (awk) and scanned with zbarimg;
# the decoded text must be the input exactly.
set -u

fail() { echo "FAIL: $*" >&2; exit 1; }

[ -n "${PK_KIOSK:-}" ] || fail "PK_KIOSK is not set: the paykiosk binary is not built yet (src/main.c missing?)"
[ -x "$PK_KIOSK" ] || fail "PK_KIOSK=$PK_KIOSK is not an executable: build the paykiosk target first"
command -v zbarimg >/dev/null || fail "zbarimg not found (apt-get install zbar-tools)"

tmp=$(mktemp -d) || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT

# half blocks on stdin -> PBM on stdout, each module 4x4 pixels
to_pbm() {
	LC_ALL=C awk '
	{
		gsub(/\033\[[0-9;]*m/, ""); gsub(/\r/, "")
		gsub(/\342\226\200/, "1"); gsub(/\342\226\204/, "2")
		gsub(/\342\226\210/, "3"); gsub(/ /, "0")
		if ($0 ~ /[^0-3]/) { print "bad character in QR output: " $0 > "/dev/stderr"; exit 2 }
		rows[n++] = $0
	}
	END {
		if (n == 0) exit 2
		w = length(rows[0]); s = 4
		print "P1"; print w * s, 2 * n * s
		for (r = 0; r < n; r++) {
			if (length(rows[r]) != w) { print "ragged QR output" > "/dev/stderr"; exit 2 }
			for (half = 0; half < 2; half++) {
				line = ""
				for (x = 1; x <= w; x++) {
					v = substr(rows[r], x, 1) + 0
					bit = (half == 0) ? v % 2 : int(v / 2)
					px = bit ? "1 1 1 1 " : "0 0 0 0 "
					line = line px
				}
				for (k = 0; k < s; k++) print line
			}
		}
	}'
}

# expect_scan WANT ARGS...: run paykiosk qr ARGS, scan, compare with WANT
expect_scan() {
	local want=$1; shift
	"$PK_KIOSK" qr "$@" >"$tmp/out.txt" 2>"$tmp/err.txt" ||
		fail "paykiosk qr $* exited $?: $(cat "$tmp/err.txt")"
	if grep -q $'\033' "$tmp/out.txt"; then
		fail "colour codes written to a pipe"
	fi
	to_pbm <"$tmp/out.txt" >"$tmp/qr.pbm" || fail "output of paykiosk qr $* is not a QR drawing"
	local got
	got=$(zbarimg --nodbus -q --raw "$tmp/qr.pbm") || fail "zbarimg could not read the code for: $*"
	[ "$got" = "$want" ] || fail "scanned '$got', wanted '$want'"
	echo "ok: qr $* -> scans ($(wc -l <"$tmp/out.txt") lines)"
}

spec='upi://pay?pa=test@bank&pn=Test%20test&am=100&tn=IT32021661770570987&tr=IT32021661770570987'
rest=${spec#upi://}

expect_scan "$spec" "$spec"
expect_scan "paytmmp://$rest" --app paytm "$spec"
expect_scan "phonepe://$rest" --app phonepe --ecc H "$spec"
expect_scan "tez://upi/$rest" --app gpay --ecc L --no-color "$spec"
expect_scan "$spec" --app upi "$spec"
long="upi://pay?pa=kiosk.Shop7@okAxis&pn=Pay%20Kiosk&am=1250.50&cu=INR&tr=$(printf 'Ab9%.0s' $(seq 60))"
expect_scan "$long" "$long"

# usage errors: exit 2, a message, nothing on stdout
for args in "--ecc X $spec" "--app bhim $spec" "--app paytm https://example.com" ""; do
	# shellcheck disable=SC2086
	"$PK_KIOSK" qr $args >"$tmp/out.txt" 2>"$tmp/err.txt"
	rc=$?
	[ "$rc" -eq 2 ] || fail "paykiosk qr $args: exit $rc, wanted 2"
	[ -s "$tmp/err.txt" ] || fail "paykiosk qr $args: no message"
	[ ! -s "$tmp/out.txt" ] || fail "paykiosk qr $args: wrote to stdout"
done
echo "ok: usage errors"

# fast: a large code prints well under a second
start=$(date +%s%N)
"$PK_KIOSK" qr "$long$long$long" >/dev/null || fail "large code"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -lt 2000 ] || fail "paykiosk qr took ${ms} ms"
echo "PASS"
