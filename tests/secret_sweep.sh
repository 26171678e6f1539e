#!/usr/bin/env bash
# secret_sweep.sh - runs after every other test (ctest DEPENDS): every
# secret the run used (each e2e/integration test adds its random gateway
# secret, and the hub tests their postback private keys and kiosk hub
# tokens, to $PK_BUILD_DIR/test-secrets.list) must appear nowhere in
# what the run left behind: ctest's captured output of every test
# (Testing/Temporary/LastTest.log[.tmp]), anything left in the temp folders the
# harness uses, the build tree's logs, and syslog if this machine has one.
# Each test also sweeps its own folder before deleting it (lib.sh).
# run-kiosk.sh and *.secret (0600 files the harness made to hand a secret
# to a program) are the only files allowed to hold one.
set -u
fail() { echo "FAIL: $*" >&2; exit 1; }
build=${PK_BUILD_DIR:?}
list=$build/test-secrets.list
[ -s "$list" ] || fail "no test secrets were recorded: did the e2e tests run first?"
n=$(sort -u "$list" | wc -l)
[ "$n" -ge 5 ] || fail "only $n test secrets recorded; expected one per sandbox-using test"

targets=()
# LastTest.log.tmp while ctest runs (LastTest.log after): every finished
# test's output so far, which is every other test (they run first).
for f in "$build"/Testing/Temporary/LastTest*; do [ -f "$f" ] && targets+=("$f"); done
[ ${#targets[@]} -gt 0 ] || fail "no ctest logs to sweep"
for d in "${TMPDIR:-/tmp}"/pk-e2e.* "${TMPDIR:-/tmp}"/pk-*; do [ -e "$d" ] && targets+=("$d"); done
for f in /var/log/syslog /var/log/messages /var/log/user.log; do [ -r "$f" ] && targets+=("$f"); done

leaks=0
while read -r secret; do
	[ ${#secret} -ge 16 ] || continue
	hits=$(grep -rlaF --exclude=run-kiosk.sh --exclude='*.secret' --exclude=test-secrets.list -- "$secret" "${targets[@]}" 2>/dev/null || true)
	if [ -n "$hits" ]; then
		echo "secret ${secret:0:4}... found in: $hits" >&2
		leaks=$((leaks + 1))
	fi
done < <(sort -u "$list")
[ $leaks -eq 0 ] || fail "$leaks test secrets leaked"
echo "secret sweep: $n secrets, ${#targets[@]} artefacts (ctest logs, temp folders, syslog) clean"
rm -f "$list"
