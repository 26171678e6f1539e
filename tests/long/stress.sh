#!/usr/bin/env bash
# stress.sh - the e2e suite the hard way (not part of the README's test
# command: about 6 minutes a round on 2 cores).
#
#   bash tests/long/stress.sh [ROUNDS] [BUILD_DIR]     (default 5, build)
#
# Each round: every e2e test alone, then the whole e2e label under
# `ctest -j2` while two busy loops eat the CPU.  Any failure stops the run
# with the test's output.  Prints "N passed, N failed" at the end.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rounds=${1:-5}
build=${2:-$here/build}
[ -f "$build/CTestTestfile.cmake" ] || { echo "stress: no build in $build (bash assets/bootstrap.sh test first)" >&2; exit 2; }

hogs=()
stop_hogs() {
	local p
	for p in "${hogs[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	hogs=()
}
trap stop_hogs EXIT
start_hogs() {
	local i
	for i in 1 2; do
		# bounded: never outlives the run by more than its own limit
		timeout 1800 sh -c 'while :; do :; done' &
		hogs+=($!)
	done
}

mapfile -t tests < <(ctest --test-dir "$build" -N -L e2e | sed -n 's/^ *Test *#[0-9]*: \(e2e_[a-z_]*\)$/\1/p')
[ ${#tests[@]} -gt 0 ] || { echo "stress: no e2e tests found" >&2; exit 2; }
passed=0 failed=0
started=$(date +%s)
for ((r = 1; r <= rounds; r++)); do
	for t in "${tests[@]}"; do
		if ctest --test-dir "$build" -R "^$t\$" --output-on-failure >"$build/stress-last.log" 2>&1; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
			echo "stress: round $r: $t failed alone" >&2
			cat "$build/stress-last.log" >&2
		fi
	done
	start_hogs
	if ctest --test-dir "$build" -L e2e -j2 --output-on-failure >"$build/stress-last.log" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "stress: round $r: the e2e label under -j2 with two busy loops failed" >&2
		cat "$build/stress-last.log" >&2
	fi
	stop_hogs
	echo "stress: round $r of $rounds done ($(( $(date +%s) - started )) s): $passed passed, $failed failed" >&2
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
