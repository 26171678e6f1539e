#!/usr/bin/env bash
# bench_smoke: `bench/run --quick` runs every benchmark and each prints its
# numbers.  The numbers themselves are not judged (docs/BENCHMARKS.md).
# A benchmark may only be skipped when the program it measures is not part
# of this build (CTest then leaves PK_KIOSK / PK_SANDBOX unset).
set -uo pipefail
src=${PK_SOURCE_DIR:?} build=${PK_BUILD_DIR:?}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

PK_BUILD_DIR=$build bash "$src/bench/run" --quick >"$out" 2>&1
rc=$?
cat "$out"
[ $rc -eq 0 ] || { echo "bench_smoke: bench/run exited $rc"; exit 1; }

bad=0
need() { # need BENCH KEY...   a RESULT line for BENCH with a number for each KEY
	local b=$1 line k; shift
	line=$(grep "^RESULT $b " "$out" | head -n1)
	if [ -z "$line" ]; then
		echo "bench_smoke: no numbers from $b"; bad=1; return
	fi
	for k in "$@"; do
		grep -Eq "(^| )$k=[0-9][0-9.]*( |$)" <<<"$line" ||
			{ echo "bench_smoke: $b printed no number for $k"; bad=1; }
	done
}
need_or_skip() { # need_or_skip PROGRAM_ENV BENCH KEY...
	local prog=$1; shift
	if [ -z "$prog" ]; then
		grep -q "^SKIP $1: " "$out" || { echo "bench_smoke: $1 neither ran nor said why"; bad=1; }
		return
	fi
	need "$@"
}

need machine nproc
grep -c '^RESULT qr_inproc bytes=\(60\|120\|250\) ' "$out" | grep -qx 3 ||
	{ echo "bench_smoke: qr_inproc did not report all of 60, 120 and 250 bytes"; bad=1; }
need qr_inproc us_fit_render us_encode us_render
need_or_skip "${PK_SANDBOX:-}" classroom requests errors rps p99_ms
need_or_skip "${PK_KIOSK:-}" qr_cli paykiosk_ms qrencode_ms python_ms paykiosk_vs_qrencode python_vs_paykiosk
both="${PK_KIOSK:-}"; [ -z "${PK_SANDBOX:-}" ] && both=
need_or_skip "$both" startup p50_ms pty_baseline_p50_ms
need_or_skip "$both" rss upi_peak_kib wavepay_peak_kib
need_or_skip "$both" keys p50_ms p99_ms
need_or_skip "$both" detect settle_to_paid_p50_ms status_requests_per_sale connections_per_sale
if [ -n "$both" ]; then
	[ "$(grep -c '^RESULT detect poll_interval=[12] ' "$out")" = 2 ] ||
		{ echo "bench_smoke: detect did not run for poll_interval 1 and 2"; bad=1; }
fi
# the goal table (docs/BENCHMARKS.md): a row for each goal that ran
if [ -n "$both" ]; then
	for g in 'paykiosk qr / qrencode' 'python3-qrcode / paykiosk qr' 'exec -> first home screen' 'peak RSS, full UPI sale'; do
		grep -Eq "^GOAL $g.* (yes|NO)\$" "$out" || { echo "bench_smoke: no goal row for '$g'"; bad=1; }
	done
fi
# the hub: when paykiosk-hub is part of this build
if [ -x "${PK_HUB:-$build/paykiosk-hub}" ]; then
	need hub_postbacks rps p50_ms p99_ms errors lost
	need hub_postbacks_at_rate offered_rps rps p99_ms errors lost
	need hub_events rps p50_ms p99_ms errors lost
	need hub_news postback_to_news_p50_ms postback_to_news_max_ms
	need_or_skip "$both" hub_screen settle_to_screen_p50_ms settle_to_screen_max_ms
else
	grep -q '^SKIP hub: ' "$out" || { echo "bench_smoke: hub neither ran nor said why"; bad=1; }
fi
[ $bad = 0 ] && echo "bench_smoke: every benchmark ran and printed its numbers"
exit $bad
