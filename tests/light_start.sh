#!/usr/bin/env bash
# light_start: the kiosk draws its first screen without the network stack,
# and loads it when it goes online (docs/BENCHMARKS.md, "Light start";
# src/net.h):
#   - the kiosk module does not depend on libcurl; the network module
#     (paykiosk-net.so, next to it) does, and exports only its table;
#   - `paykiosk` draws its home screen (80x24 pty answering like a
#     terminal, bench/ptyrun.c) without loading libcurl or the network
#     module, with a hub configured too (its link starts after the frame);
#   - a training sale (`paykiosk --training pay upi`) loads the network
#     module when it sends its first request, and is paid;
#   - with the network module missing, the same sale reports a problem
#     naming the file, and is not recorded as paid.
set -uo pipefail
kiosk=${PK_KIOSK:?} sandbox=${PK_SANDBOX:?}
dir=$(dirname "$kiosk")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pk-light.XXXXXX")
trap '[ -n "${PK_KEEP:-}" ] || rm -rf "$tmp"' EXIT
fail() { echo "light_start: $*"; exit 1; }
step() { echo "light_start: $*"; }

needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
step "the modules' libraries"
[ -f "$dir/paykiosk-kiosk.so" ] && [ -f "$dir/paykiosk-net.so" ] ||
	fail "paykiosk-kiosk.so and paykiosk-net.so are not next to $kiosk"
needed "$dir/paykiosk-kiosk.so" | grep -q '^libcurl' && fail "paykiosk-kiosk.so needs libcurl"
needed "$dir/paykiosk-net.so" | grep -q '^libcurl' || fail "paykiosk-net.so does not need libcurl"
# (a sanitizer build adds AddressSanitizer's own __odr_asan.* markers)
exports=$(nm -D --defined-only "$dir/paykiosk-net.so" |
	awk '$2 ~ /^[A-Z]$/ && $2 != "A" && $3 !~ /^__odr_asan/ { print $3 }' | sort | tr '\n' ' ')
[ "$exports" = "pk_net " ] || fail "paykiosk-net.so exports '$exports', not only pk_net"

# which libraries a run loaded: the dynamic loader's own record
loaded() { cat "$tmp"/ld."$1".* 2>/dev/null | sed -n 's/.*file=\([^ ]*\) .*\[0\];  *generating link map.*/\1/p'; }

step "the first home screen, without the network stack"
${PK_CC:-cc} -std=c11 -O2 -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE "${PK_SOURCE_DIR:?}/bench/ptyrun.c" \
	-lutil -o "$tmp/ptyrun" || fail "cannot build bench/ptyrun.c"
env -u PAYKIOSK_HUB_URL -u PAYKIOSK_HUB_TOKEN PAYKIOSK_API_URL=http://127.0.0.1:9 \
	PAYKIOSK_SECRET=light-start-secret PAYKIOSK_JOURNAL="$tmp/frame.db" TERM=xterm-256color \
	LANG=C.UTF-8 LC_ALL=C.UTF-8 PAYKIOSK_LANG=en XDG_CONFIG_HOME="$tmp/config" \
	LD_DEBUG=files LD_DEBUG_OUTPUT="$tmp/ld.frame" \
	"$tmp/ptyrun" 1 80 24 "$kiosk" --exit-after-first-frame >"$tmp/frame.out" 2>&1 ||
	fail "the kiosk did not draw its first frame: $(cat "$tmp/frame.out")"
loaded frame | grep -q 'paykiosk-kiosk\.so$' || fail "no record of the kiosk module loading (LD_DEBUG)"
loaded frame | grep -q 'libncursesw' || fail "no record of ncurses loading (LD_DEBUG)"
if loaded frame | grep -E 'libcurl|paykiosk-net\.so|libssl|libgnutls'; then
	fail "the first frame loaded the network stack (above)"
fi

step "with a hub configured, the first home screen still comes first"
# The hub link starts right after the first frame (kiosk.c, pk_app's
# after_first_frame; e2e_hub_paid_by_postback shows it working then).
env PAYKIOSK_HUB_URL=http://127.0.0.1:9 PAYKIOSK_HUB_TOKEN=light-start-hub-token \
	PAYKIOSK_API_URL=http://127.0.0.1:9 PAYKIOSK_SECRET=light-start-secret \
	PAYKIOSK_JOURNAL="$tmp/hub.db" TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
	PAYKIOSK_LANG=en XDG_CONFIG_HOME="$tmp/config" LD_DEBUG=files LD_DEBUG_OUTPUT="$tmp/ld.hub" \
	"$tmp/ptyrun" 1 80 24 "$kiosk" --exit-after-first-frame >"$tmp/hub.out" 2>&1 ||
	fail "the kiosk with a hub did not draw its first frame: $(cat "$tmp/hub.out")"
loaded hub | grep -q 'libncursesw' || fail "no record of ncurses loading (LD_DEBUG)"
if loaded hub | grep -E 'libcurl|paykiosk-net\.so|libssl|libgnutls'; then
	fail "with a hub, the first frame waited for the network stack (above)"
fi

step "a training sale goes online: the network module is loaded, the sale is paid"
printf 'paid\n' >"$tmp/paid.in"
pay() { # pay NAME KIOSK: a training UPI sale, the trainer types "paid"
	exec env -u TERM -u PAYKIOSK_API_URL -u PAYKIOSK_SECRET -u PAYKIOSK_HUB_URL \
		-u PAYKIOSK_HUB_TOKEN PATH="$(dirname "$sandbox"):$PATH" \
		PAYKIOSK_JOURNAL="$tmp/$1.db" XDG_CONFIG_HOME="$tmp/config" \
		LD_DEBUG=files LD_DEBUG_OUTPUT="$tmp/ld.$1" \
		timeout 60 "$2" --training pay upi --amount 120 --json \
		<"$tmp/paid.in" >"$tmp/$1.out" 2>"$tmp/$1.err"
}
(pay online "$kiosk")
rc=$?
[ $rc -eq 0 ] || fail "the training sale exited $rc: $(cat "$tmp/online.err")"
loaded online | grep -q 'paykiosk-net\.so$' || fail "the sale did not load paykiosk-net.so"
loaded online | grep -q 'libcurl' || fail "the sale did not load libcurl"
[ "$(sqlite3 -readonly "$tmp/online.db" 'select state from sales')" = paid ] ||
	fail "the training journal does not say paid"

step "without the network module, the sale says which file is missing"
mkdir "$tmp/bin"
cp "$kiosk" "$dir/paykiosk-kiosk.so" "$tmp/bin/"
(pay missing "$tmp/bin/$(basename "$kiosk")") &
pid=$! # timeout's: it passes the signal on
# the first attempt's message is enough (the sale then retries for seconds
# before it gives up): poll for it, then stop the sale
deadline=$((SECONDS + 30))
until grep -qs "paykiosk-net\.so: cannot open" "$tmp/missing.out" "$tmp/missing.err"; do
	if ! kill -0 $pid 2>/dev/null || [ $SECONDS -ge $deadline ]; then
		kill $pid 2>/dev/null
		fail "no message names paykiosk-net.so: $(cat "$tmp/missing.out" "$tmp/missing.err")"
	fi
	sleep 0.05
done
kill $pid 2>/dev/null
wait $pid
state=$(sqlite3 -readonly "$tmp/missing.db" 'select group_concat(state) from sales' 2>/dev/null)
[ "${state:-none}" != paid ] || fail "a sale that never went online is recorded paid"
step "all cases passed"
