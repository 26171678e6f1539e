#!/usr/bin/env bash
# soak.sh (long form) - tests/integration/soak.sh at soak size: about 480
# sales (3 tills x 140 `paykiosk pay` runs + 60 kiosk sales), seeded chaos on
# every gateway call, random SIGKILLs, then the money judge.  Not part of
# the README's test command: about 10-15 minutes on 2 cores.
#
#   bash tests/long/soak.sh [BUILD_DIR]         (default build/)
#
# Sizes can be changed through the same variables as the short form
# (SOAK_TILLS SOAK_TILL_SALES SOAK_KIOSK_SALES SOAK_MINUTES SOAK_SEED
# SOAK_RATE SOAK_KILL_PCT SOAK_KEEP).  Prints the judge's counts and checks,
# ends with "N passed, N failed"; the whole output is also left in
# BUILD_DIR/soak-long.log, the journals, ledger and logs in
# BUILD_DIR/soak-long/ (docs/SOAK.md has the last recorded run).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "${1:-$here/build}" 2>/dev/null && pwd) || { echo "soak: no build dir ${1:-$here/build}" >&2; exit 2; }
for f in paykiosk paykassma-sandbox; do
	[ -x "$build/$f" ] || { echo "soak: no $build/$f (build first)" >&2; exit 2; }
done
export PK_KIOSK=$build/paykiosk PK_SANDBOX=$build/paykassma-sandbox
export PAYKIOSK_LOCALEDIR=$build/locale PK_BUILD_DIR=$build PK_SOURCE_DIR=$here
export SOAK_TILLS=${SOAK_TILLS:-3} SOAK_TILL_SALES=${SOAK_TILL_SALES:-140}
export SOAK_KIOSK_SALES=${SOAK_KIOSK_SALES:-60} SOAK_MINUTES=${SOAK_MINUTES:-25}
export SOAK_RATE=${SOAK_RATE:-0.15} SOAK_KILL_PCT=${SOAK_KILL_PCT:-10}
export SOAK_KEEP=${SOAK_KEEP:-$build/soak-long}
echo "soak (long): bash tests/long/soak.sh $build  ($(date -u '+%Y-%m-%d %H:%M UTC'))"
started=$(date +%s)
bash "$here/tests/integration/soak.sh" 2>&1 | tee "$build/soak-long.log"
rc=${PIPESTATUS[0]}
echo "soak (long): exit $rc after $(( $(date +%s) - started )) s"
exit "$rc"
