#!/usr/bin/env bash
# install_deb.sh - the Debian package, as a shop would get it: cpack -G DEB
# of the build in $PK_BUILD_DIR, its control data (dependencies are runtime
# libraries, never -dev packages; the config file is a conffile), its files
# (both programs, the catalogues, the man page, the config file mode 0600 in
# a 0700 folder, the systemd unit), then unpacked into a throw-away root:
# --version, the man page renders, the unit passes systemd-analyze verify,
# and one real training sale (Wavepay) run from the unpacked kiosk with the
# unpacked sandbox and the unpacked Burmese catalogue.  A file the install
# rules miss fails it.
#
# Env (CTest): PK_BUILD_DIR, PK_KIOSK, PK_SANDBOX (e2e_init wants them; the
# sale then runs the unpacked ones), PK_SANITIZE (1: the build is the
# sanitizer one; it is packaged alike, and its binaries need libasan).
# Needs: cpack, dpkg-deb and dpkg-shlibdeps (dpkg-dev), man (man-db), tmux;
# systemd-analyze (systemd) for the unit check, else grep of its keys.
source "$(dirname "$0")/e2e/lib.sh"
e2e_init
t0=$(date +%s)

for t in cpack dpkg-deb dpkg-shlibdeps man; do
	command -v "$t" >/dev/null 2>&1 || fail "$t is missing"
done
[ -n "${PK_BUILD_DIR:-}" ] && [ -f "$PK_BUILD_DIR/CPackConfig.cmake" ] ||
	fail "no CPackConfig.cmake in PK_BUILD_DIR=${PK_BUILD_DIR:-}"
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:[A-Z]*=//p' "$PK_BUILD_DIR/CMakeCache.txt")
[ -n "$version" ] || fail "no CMAKE_PROJECT_VERSION in $PK_BUILD_DIR/CMakeCache.txt"

step "cpack -G DEB (sanitizer build: ${PK_SANITIZE:-0})"
pkg="$E2E_TMP/pkg"
mkdir -p "$pkg"
(cd "$pkg" && cpack -G DEB --config "$PK_BUILD_DIR/CPackConfig.cmake" -B "$pkg") \
	> "$E2E_TMP/cpack.log" 2>&1 || { cat "$E2E_TMP/cpack.log" >&2; fail "cpack failed"; }
grep -A6 'CMake Warning' "$E2E_TMP/cpack.log" >&2 || true
debs=("$pkg"/paykiosk_*.deb)
[ ${#debs[@]} = 1 ] && [ -f "${debs[0]}" ] || fail "cpack made no single paykiosk_*.deb: $(ls "$pkg")"
deb=${debs[0]}
arch=$(dpkg --print-architecture)
[ "$(basename "$deb")" = "paykiosk_${version}_${arch}.deb" ] ||
	fail "package file $(basename "$deb"), want paykiosk_${version}_${arch}.deb"
e2e_log "$(basename "$deb"), $(stat -c %s "$deb") bytes"

step "control: name, version, dependencies"
dpkg-deb -I "$deb" > "$E2E_TMP/info" || fail "dpkg-deb -I failed"
[ "$(dpkg-deb -f "$deb" Package)" = paykiosk ] || fail "Package: $(dpkg-deb -f "$deb" Package)"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version: $(dpkg-deb -f "$deb" Version), want $version"
[ -n "$(dpkg-deb -f "$deb" Maintainer)" ] || fail "no Maintainer"
depends=$(dpkg-deb -f "$deb" Depends)
e2e_log "Depends: $depends"
# The package names alone, one a line (alternatives too).
names=$(printf '%s\n' "$depends" | tr ',|' '\n\n' | sed 's/(.*)//; s/^ *//; s/ *$//' | sed '/^$/d')
for want in 'libncursesw6|libncurses6' libcurl4 libcjson1 libqrencode4 libsqlite3-0 libmicrohttpd12; do
	printf '%s\n' "$names" | grep -qxE "$want" || fail "Depends lacks $want: $depends"
done
if printf '%s\n' "$names" | grep -E -- '-dev$'; then
	fail "Depends names a -dev package: $depends"
fi
if [ "${PK_SANITIZE:-0}" = 1 ]; then
	printf '%s\n' "$names" | grep -qE '^libasan[0-9]+$' ||
		fail "a sanitizer build whose Depends lacks libasan: $depends"
fi
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles > "$E2E_TMP/conffiles" 2>/dev/null ||
	fail "no conffiles in the control archive"
grep -qx /etc/paykiosk/paykiosk.conf "$E2E_TMP/conffiles" ||
	fail "paykiosk.conf is not a conffile: $(cat "$E2E_TMP/conffiles")"

step "contents"
dpkg-deb -c "$deb" > "$E2E_TMP/contents" || fail "dpkg-deb -c failed"
has_file() { # has_file MODE PATH: a regular file of that mode at ./PATH
	awk -v m="$1" -v p="./$2" '$1 == m && $NF == p { f = 1 } END { exit !f }' "$E2E_TMP/contents" ||
		fail "the package lacks $1 ./$2: $(grep -F "$2" "$E2E_TMP/contents" || echo none)"
}
has_file -rwxr-xr-x usr/bin/paykiosk
has_file -rwxr-xr-x usr/bin/paykassma-sandbox
has_file -rw-r--r-- usr/share/man/man1/paykiosk.1.gz
has_file -rw-r--r-- usr/share/locale/my/LC_MESSAGES/paykiosk.mo
has_file -rw-r--r-- usr/share/locale/hi/LC_MESSAGES/paykiosk.mo
has_file -rw-r--r-- usr/share/doc/paykiosk/README.md
has_file -rw------- etc/paykiosk/paykiosk.conf
has_file drwx------ etc/paykiosk/
has_file -rw-r--r-- usr/lib/systemd/system/paykiosk@.service
if awk '$2 != "root/root"' "$E2E_TMP/contents" | grep .; then fail "files not owned by root"; fi
if grep -E '(^|/)(build|usr/local|tmp)/' "$E2E_TMP/contents"; then fail "a build or staging path in the package"; fi

step "unpack; --version; man page"
root="$E2E_TMP/root"
dpkg -x "$deb" "$root" || fail "dpkg -x failed"
out=$("$root/usr/bin/paykiosk" --version 2>&1) || fail "--version failed: $out"
[ "$out" = "paykiosk $version" ] || fail "--version printed '$out', want 'paykiosk $version'"
man -l "$root/usr/share/man/man1/paykiosk.1.gz" > "$E2E_TMP/man.txt" 2> "$E2E_TMP/man.err" ||
	fail "man -l failed: $(cat "$E2E_TMP/man.err")"
[ ! -s "$E2E_TMP/man.err" ] || fail "man -l warned: $(cat "$E2E_TMP/man.err")"
grep -q '^NAME' "$E2E_TMP/man.txt" && grep -q 'paykiosk - checkout kiosk' "$E2E_TMP/man.txt" &&
	grep -q '^EXIT STATUS' "$E2E_TMP/man.txt" || fail "the man page did not render"
if ! grep -aqF /usr/share/locale/ "$root/usr/bin/paykiosk"; then
	# Not a failure here (the sale below names the catalogue folder), but the
	# installed kiosk would not find its catalogues by itself.
	e2e_log "NOTE: the packaged paykiosk has no /usr/share/locale compiled in (the build's prefix is not /usr)"
fi

step "systemd unit"
unit="$root/usr/lib/systemd/system/paykiosk@.service"
for kv in 'Conflicts=getty@%i.service' 'Wants=network-online.target' \
	'ExecStart=/usr/bin/paykiosk --kiosk' 'StandardInput=tty' 'StandardOutput=tty' \
	'StandardError=journal' 'TTYPath=/dev/%I' 'TTYReset=yes' 'TTYVHangup=yes' \
	'TTYVTDisallocate=yes' 'Environment=TERM=linux LANG=C.UTF-8' 'Restart=always' \
	'RestartSec=1' 'StateDirectory=paykiosk' \
	'Environment=PAYKIOSK_JOURNAL=/var/lib/paykiosk/journal.db' 'ProtectSystem=strict' \
	'ReadWritePaths=/var/lib/paykiosk' 'PrivateTmp=yes' 'NoNewPrivileges=yes' \
	'ProtectHome=yes' 'WantedBy=multi-user.target'; do
	grep -qxF -- "$kv" "$unit" || fail "the unit lacks the line $kv"
done
grep -qE '^After=.*systemd-user-sessions\.service.*getty@%i\.service.*plymouth-quit-wait\.service.*network-online\.target' "$unit" ||
	fail "the unit's After= is not the getty-like one"
if command -v systemd-analyze >/dev/null 2>&1; then
	# verify resolves ExecStart= and the man page inside the root; the units
	# it depends on (sysinit.target ...) come from this machine's systemd.
	mkdir -p "$root/lib/systemd"
	cp -a /lib/systemd/system "$root/lib/systemd/" || fail "cannot copy the systemd units"
	MANPATH="$root/usr/share/man" systemd-analyze verify --root="$root" paykiosk@tty1.service \
		> "$E2E_TMP/verify" 2>&1 || { cat "$E2E_TMP/verify" >&2; fail "systemd-analyze verify failed"; }
	# It only warns (status 0) about unknown keys or bad values: none allowed.
	[ ! -s "$E2E_TMP/verify" ] || { cat "$E2E_TMP/verify" >&2; fail "systemd-analyze verify warned"; }
else
	e2e_log "NOTE: no systemd-analyze (package systemd): the unit's keys were checked with grep only"
fi

step "a training sale from the unpacked kiosk"
export PK_KIOSK="$root/usr/bin/paykiosk" PK_SANDBOX="$root/usr/bin/paykassma-sandbox"
export PAYKIOSK_LOCALEDIR="$root/usr/share/locale"
kiosk_start -t
KIOSK_JOURNAL="$E2E_TMP/data/paykiosk/training.db"
wait_for "Choose the payment"
assert_screen "TRAINING - no real money"
kpid=$(kiosk_proc)
[ -n "$kpid" ] || fail "the unpacked kiosk is not running"
[ "$(readlink "/proc/$kpid/exe")" = "$PK_KIOSK" ] || fail "the kiosk runs $(readlink "/proc/$kpid/exe")"
sb=$(pgrep -P "$kpid" | head -n 1)
[ -n "$sb" ] || fail "no sandbox child process"
[ "$(readlink "/proc/$sb/exe")" = "$PK_SANDBOX" ] || fail "the training sandbox is $(readlink "/proc/$sb/exe")"
keys 1
wait_for "Amount in MMK"
keys 5 0 0 0 Enter
wait_for "Transaction ID:"
type_text "1234567890"
keys Enter
wait_for "Paid" 10
assert_screen "Credited 5,000 MMK"
[ "$(journal_sql "select count(*) from sales")" = 1 ] || fail "not one sale in training.db"
[ "$(last_sale state)" = paid ] || fail "the journal says $(last_sale state), not paid"

step "* : the unpacked Burmese catalogue"
keys '*'
wait_for "ငွေရရှိပြီး"
assert_screen "လေ့ကျင့်ရေး - ငွေအစစ် မဟုတ်ပါ"
keys Enter
wait_for "ငွေပေးချေနည်း ရွေးပါ"
keys Escape
kiosk_wait_exit 10
[ "$KIOSK_STATUS" = 0 ] || fail "exit status $KIOSK_STATUS"
gone() { ! kill -0 "$sb" 2>/dev/null; }
poll_until 5 gone || fail "the training sandbox is still running"
e2e_log "install_deb: ok ($(( $(date +%s) - t0 )) s)"
