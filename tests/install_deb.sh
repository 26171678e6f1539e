#!/usr/bin/env bash
# install_deb.sh - the Debian package, as a shop would get it: cpack -G DEB
# of the build in $PK_BUILD_DIR, its control data (dependencies are runtime
# libraries, never -dev packages, and include the hub's libpq and
# libcrypto; PostgreSQL is suggested; what the kiosk session runs - cage,
# foot, xwayland, the Noto fonts - is recommended; the config files are
# conffiles), its files (the three programs, the catalogues, a man page per
# program, the Debian copyright and changelog, the lintian overrides, the
# config files mode 0600 in a 0700 folder, the example hub.conf holding no
# key, the systemd units in systemd's folder, the kiosk session's launcher
# and foot settings), lintian (no error, no warning but the overridden
# ones), then unpacked into a throw-away root: --version, the man pages
# render without a warning, the three units pass systemd-analyze verify,
# the session's launcher names the unpacked kiosk and foot settings, which
# foot accepts,
# the unpacked hub serves /healthz on a throw-away PostgreSQL with the
# unpacked example hub.conf, and one real training sale (Wavepay) runs from
# the unpacked kiosk with the unpacked sandbox and the unpacked Burmese
# catalogue.  A file the install rules miss fails it.
#
# Env (CTest): PK_BUILD_DIR, PK_KIOSK, PK_SANDBOX (e2e_init wants them; the
# sale then runs the unpacked ones), PK_SANITIZE (1: the build is the
# sanitizer one; it is packaged alike, unstripped, and its binaries need
# libasan).
# Needs: cpack, dpkg-deb and dpkg-shlibdeps (dpkg-dev), man (man-db), groff,
# lintian, tmux, PostgreSQL 15 (tests/lib/pg.sh); systemd-analyze (systemd)
# for the units' check, else grep of their keys.
source "$(dirname "$0")/e2e/lib.sh"
source "$(dirname "$0")/lib/pg.sh"
e2e_init
HUB_PID="" HUB_FD=""
stop_all() { # the unpacked hub and the cluster, then e2e's cleanup
	local rc=$?
	[ -n "$HUB_FD" ] && eval "exec $HUB_FD>&-"
	if [ -n "$HUB_PID" ]; then
		kill "$HUB_PID" 2>/dev/null
		wait "$HUB_PID" 2>/dev/null
	fi
	pg_cleanup
	(exit $rc)
	e2e_cleanup
}
trap stop_all EXIT
t0=$(date +%s)

for t in cpack dpkg-deb dpkg-shlibdeps man groff lintian; do
	command -v "$t" >/dev/null 2>&1 || fail "$t is missing"
done
[ -n "${PK_BUILD_DIR:-}" ] && [ -f "$PK_BUILD_DIR/CPackConfig.cmake" ] ||
	fail "no CPackConfig.cmake in PK_BUILD_DIR=${PK_BUILD_DIR:-}"
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:[A-Z]*=//p' "$PK_BUILD_DIR/CMakeCache.txt")
[ -n "$version" ] || fail "no CMAKE_PROJECT_VERSION in $PK_BUILD_DIR/CMakeCache.txt"
# Where the package puts the systemd units (systemd.pc's folder; Debian 12:
# /lib/systemd/system), as the build decided.
unitdir=$(sed -n 's/^PK_SYSTEMD_UNITDIR:[A-Z]*=//p' "$PK_BUILD_DIR/CMakeCache.txt")
unitdir=${unitdir#/}
[ -n "$unitdir" ] || fail "no PK_SYSTEMD_UNITDIR in $PK_BUILD_DIR/CMakeCache.txt"

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
# The kiosk's libraries, and the hub's: libpq5 (PostgreSQL), libssl3 (its
# libcrypto: SHA-256 of the tokens, the postbacks' MD5 and SHA-1).
for want in 'libncursesw6|libncurses6' libcurl4 libcjson1 libqrencode4 libsqlite3-0 libmicrohttpd12 \
	libpq5 libssl3; do
	printf '%s\n' "$names" | grep -qxE "$want" || fail "Depends lacks $want: $depends"
done
if printf '%s\n' "$names" | grep -E -- '-dev$'; then
	fail "Depends names a -dev package: $depends"
fi
if [ "${PK_SANITIZE:-0}" = 1 ]; then
	printf '%s\n' "$names" | grep -qE '^libasan[0-9]+$' ||
		fail "a sanitizer build whose Depends lacks libasan: $depends"
fi
# The kiosk session (paykiosk-session@.service) runs cage, foot and the
# Noto fonts; Debian 12's cage will not start without Xwayland.  The
# two-screen session (paykiosk-session-dual@.service) runs sway.
recommends=$(dpkg-deb -f "$deb" Recommends | tr ',|' '\n\n' | sed 's/(.*)//; s/^ *//; s/ *$//')
for want in cage foot xwayland fonts-noto-mono fonts-noto-core sway; do
	printf '%s\n' "$recommends" | grep -qx "$want" ||
		fail "Recommends lacks $want: $(dpkg-deb -f "$deb" Recommends)"
done
# The hub's database may be anywhere: PostgreSQL is suggested, not needed.
dpkg-deb -f "$deb" Suggests | tr ',' '\n' | sed 's/(.*)//; s/^ *//; s/ *$//' | grep -qx postgresql ||
	fail "Suggests lacks postgresql: $(dpkg-deb -f "$deb" Suggests)"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles > "$E2E_TMP/conffiles" 2>/dev/null ||
	fail "no conffiles in the control archive"
for conf in paykiosk.conf hub.conf; do
	grep -qx "/etc/paykiosk/$conf" "$E2E_TMP/conffiles" ||
		fail "$conf is not a conffile: $(cat "$E2E_TMP/conffiles")"
done

step "contents"
dpkg-deb -c "$deb" > "$E2E_TMP/contents" || fail "dpkg-deb -c failed"
has_file() { # has_file MODE PATH: a regular file of that mode at ./PATH
	awk -v m="$1" -v p="./$2" '$1 == m && $NF == p { f = 1 } END { exit !f }' "$E2E_TMP/contents" ||
		fail "the package lacks $1 ./$2: $(grep -F "$2" "$E2E_TMP/contents" || echo none)"
}
programs=(paykiosk paykassma-sandbox paykiosk-hub)
for p in "${programs[@]}"; do
	has_file -rwxr-xr-x "usr/bin/$p"
	has_file -rw-r--r-- "usr/share/man/man1/$p.1.gz"
done
has_file -rw-r--r-- usr/share/locale/my/LC_MESSAGES/paykiosk.mo
has_file -rw-r--r-- usr/share/locale/hi/LC_MESSAGES/paykiosk.mo
has_file -rw-r--r-- usr/share/doc/paykiosk/README.md
has_file -rw-r--r-- usr/share/doc/paykiosk/HUB.md
has_file -rw-r--r-- usr/share/doc/paykiosk/copyright
has_file -rw-r--r-- usr/share/doc/paykiosk/changelog.gz
has_file -rw-r--r-- usr/share/lintian/overrides/paykiosk
has_file -rw------- etc/paykiosk/paykiosk.conf
has_file -rw------- etc/paykiosk/hub.conf
has_file drwx------ etc/paykiosk/
has_file -rw-r--r-- "$unitdir/paykiosk@.service"
has_file -rw-r--r-- "$unitdir/paykiosk-hub.service"
has_file -rw-r--r-- "$unitdir/paykiosk-session@.service"
has_file -rwxr-xr-x usr/libexec/paykiosk/paykiosk-session
has_file -rw-r--r-- usr/share/paykiosk/paykiosk-foot.ini
has_file -rw-r--r-- "$unitdir/paykiosk-session-dual@.service"
has_file -rwxr-xr-x usr/libexec/paykiosk/paykiosk-session-dual
has_file -rw-r--r-- usr/share/paykiosk/paykiosk-sway.conf
has_file -rw-r--r-- usr/share/doc/paykiosk/SCREENS.md
if awk '$2 != "root/root"' "$E2E_TMP/contents" | grep .; then fail "files not owned by root"; fi
if grep -E '(^|/)(build|usr/local|tmp)/' "$E2E_TMP/contents"; then fail "a build or staging path in the package"; fi

step "lintian"
# Errors and warnings fail.  The deliberate ones are overridden by the
# package itself, each with its reason (usr/share/lintian/overrides/paykiosk):
# the config files' 0600 and their folder's 0700, the hub's unit without an
# init.d script, and a sanitizer build's unstripped programs.
lintian --tag-display-limit 0 "$deb" > "$E2E_TMP/lintian.txt" 2>&1
lintian_rc=$?
if grep -qE '^(E|W): ' "$E2E_TMP/lintian.txt" || [ $lintian_rc -ne 0 ]; then
	cat "$E2E_TMP/lintian.txt" >&2
	fail "lintian (status $lintian_rc) found errors or warnings: $(grep -E '^(E|W): ' "$E2E_TMP/lintian.txt" | tr '\n' ' ')"
fi
# The overrides are those, nothing else.
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/lintian/overrides/paykiosk > "$E2E_TMP/overrides" ||
	fail "cannot read the lintian overrides"
over=$(sed -n 's/^paykiosk: \([a-z0-9.-]*\) .*/\1/p' "$E2E_TMP/overrides" | sort -u | tr '\n' ' ')
want="non-standard-dir-perm non-standard-file-perm package-supports-alternative-init-but-no-init.d-script "
[ "${PK_SANITIZE:-0}" = 1 ] && want="${want}unstripped-binary-or-object "
[ "$over" = "$want" ] || fail "lintian overrides: $over; want $want"
e2e_log "lintian: no error, no warning (overridden: $over)"

step "unpack; --version; man pages; copyright, changelog, hub.conf"
root="$E2E_TMP/root"
dpkg -x "$deb" "$root" || fail "dpkg -x failed"
out=$("$root/usr/bin/paykiosk" --version 2>&1) || fail "--version failed: $out"
[ "$out" = "paykiosk $version" ] || fail "--version printed '$out', want 'paykiosk $version'"
out=$("$root/usr/bin/paykiosk-hub" --version 2>&1) || fail "paykiosk-hub --version failed: $out"
[ "$out" = "paykiosk-hub $version" ] || fail "paykiosk-hub --version printed '$out', want 'paykiosk-hub $version'"
# Each page: rendered by man without a word on stderr, groff's own
# warnings (-ww) none, and the sections a reader looks for.
declare -A man_name=([paykiosk]='paykiosk - checkout kiosk'
	[paykassma-sandbox]='paykassma-sandbox - stand-in for the Paykassma gateway'
	[paykiosk-hub]='paykiosk-hub - fleet hub of paykiosk kiosks')
for p in "${programs[@]}"; do
	page="$root/usr/share/man/man1/$p.1.gz"
	man -l "$page" > "$E2E_TMP/man-$p.txt" 2> "$E2E_TMP/man-$p.err" ||
		fail "man -l $p.1.gz failed: $(cat "$E2E_TMP/man-$p.err")"
	[ ! -s "$E2E_TMP/man-$p.err" ] || fail "man -l $p.1.gz warned: $(cat "$E2E_TMP/man-$p.err")"
	zcat "$page" | groff -man -Tutf8 -ww -z 2> "$E2E_TMP/groff-$p.err" ||
		fail "groff failed on $p.1.gz: $(cat "$E2E_TMP/groff-$p.err")"
	[ ! -s "$E2E_TMP/groff-$p.err" ] || fail "groff -ww warned on $p.1.gz: $(cat "$E2E_TMP/groff-$p.err")"
	for sec in NAME SYNOPSIS DESCRIPTION 'EXIT STATUS' SECURITY; do
		grep -qx "$sec" "$E2E_TMP/man-$p.txt" || fail "$p.1 has no $sec section"
	done
	grep -qF "${man_name[$p]}" "$E2E_TMP/man-$p.txt" || fail "$p.1's NAME is not '${man_name[$p]}'"
done
# The hub's page names what it is run with.
for w in serve migrate add-kiosk report --listen --database --config PAYKIOSK_HUB_CONFIG \
	PAYKIOSK_HUB_ACCESS_KEY PAYKIOSK_HUB_PRIVATE_KEY access_key private_key tls_cert tls_key \
	match_field paid_without_postback_after long_poll_max /paykassma/postback /kiosk/events \
	/kiosk/news /healthz /etc/paykiosk/hub.conf; do
	grep -qF -- "$w" "$E2E_TMP/man-paykiosk-hub.txt" || fail "paykiosk-hub.1 does not mention $w"
done
for w in --postback-url --postback-keys-file PAYKASSMA_SANDBOX_POSTBACK_ACCESS_KEY \
	PAYKASSMA_SANDBOX_POSTBACK_PRIVATE_KEY PAYKASSMA_SANDBOX_SECRET --secret-file; do
	grep -qF -- "$w" "$E2E_TMP/man-paykassma-sandbox.txt" || fail "paykassma-sandbox.1 does not mention $w"
done
# copyright: machine-readable (DEP-5); changelog: this version on top,
# gzip -9 without a name or a time stamp.
doc="$root/usr/share/doc/paykiosk"
head -n 1 "$doc/copyright" | grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' ||
	fail "the copyright file is not DEP-5: $(head -n 1 "$doc/copyright")"
zcat "$doc/changelog.gz" | head -n 1 | grep -q "^paykiosk ($version) " ||
	fail "the changelog's newest entry is not $version: $(zcat "$doc/changelog.gz" | head -n 1)"
# gzip header: flags byte 0 (no name), mtime 0, XFL 2 (-9)
hdr=$(head -c 10 "$doc/changelog.gz" | od -An -tx1 | tr -d ' \n')
[ "${hdr:6:10}" = 0000000000 ] && [ "${hdr:16:2}" = 02 ] ||
	fail "changelog.gz is not gzip -9n (header $hdr)"
# The example hub.conf sets nothing: every key is commented out (no key
# ships in a package).
if grep -nE '^[[:space:]]*[a-z_]+[[:space:]]*=' "$root/etc/paykiosk/hub.conf"; then
	fail "the example hub.conf sets a key"
fi
if ! grep -aqF /usr/share/locale "$root/usr/bin/paykiosk"; then
	# Not a failure here (the sale below names the catalogue folder), but the
	# installed kiosk would not find its catalogues by itself.
	e2e_log "NOTE: the packaged paykiosk has no /usr/share/locale compiled in (the build's prefix is not /usr)"
fi

step "systemd units"
unit="$root/$unitdir/paykiosk@.service"
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
# The hub: its own made-up user, hub.conf handed over by systemd (root's
# file stays root's), confined, not restarted after a configuration error.
hubunit="$root/$unitdir/paykiosk-hub.service"
for kv in 'Documentation=man:paykiosk-hub(1)' 'ExecStart=/usr/bin/paykiosk-hub serve --config %d/hub.conf' \
	'LoadCredential=hub.conf:/etc/paykiosk/hub.conf' 'DynamicUser=yes' 'Restart=on-failure' \
	'RestartPreventExitStatus=2' 'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes' \
	'PrivateDevices=yes' 'NoNewPrivileges=yes' 'CapabilityBoundingSet=' 'UMask=0077' \
	'SystemCallFilter=@system-service' 'MemoryDenyWriteExecute=yes' \
	'WantedBy=multi-user.target'; do
	grep -qxF -- "$kv" "$hubunit" || fail "paykiosk-hub.service lacks the line $kv"
done
if grep -nE '^(User|Group)=|^ExecStart=.*(--database|key)' "$hubunit"; then
	fail "paykiosk-hub.service names a fixed user or passes settings on the command line"
fi
# The kiosk session: cage (a login session of the instance's user on tty1,
# for its seat) running the unpacked launcher, which runs foot and the
# locked kiosk; the config handed over by systemd; the same journal and
# confinement as the tty1 unit where a graphical session allows it.
sesunit="$root/$unitdir/paykiosk-session@.service"
for kv in 'ExecStart=/usr/libexec/paykiosk/paykiosk-session --kiosk' 'User=%i' 'PAMName=login' \
	'TTYPath=/dev/tty1' 'StandardInput=tty-fail' 'TTYVHangup=yes' 'TTYVTDisallocate=yes' \
	'Conflicts=getty@tty1.service paykiosk@tty1.service' \
	'LoadCredential=paykiosk.conf:/etc/paykiosk/paykiosk.conf' \
	'Environment=PAYKIOSK_JOURNAL=/var/lib/paykiosk/journal.db' 'StateDirectory=paykiosk' \
	'Restart=always' 'RestartPreventExitStatus=2' 'ProtectSystem=strict' \
	'ReadWritePaths=/var/lib/paykiosk /run/user' 'ProtectHome=yes' 'PrivateTmp=yes' \
	'NoNewPrivileges=yes' 'CapabilityBoundingSet=' 'SystemCallFilter=@system-service' \
	'WantedBy=multi-user.target'; do
	grep -qxF -- "$kv" "$sesunit" || fail "paykiosk-session@.service lacks the line $kv"
done
# The two-screen session: the same unit but for its launcher (the
# customer's screen is the second monitor's, so no --kiosk), and never
# together with the one-screen session of the same user.
dualunit="$root/$unitdir/paykiosk-session-dual@.service"
grep -qxF 'ExecStart=/usr/libexec/paykiosk/paykiosk-session-dual' "$dualunit" ||
	fail "paykiosk-session-dual@.service does not start the dual launcher: $(grep -n ExecStart "$dualunit")"
grep -q '^Conflicts=.*paykiosk-session@%i.service' "$dualunit" ||
	fail "paykiosk-session-dual@.service does not conflict with paykiosk-session@%i: $(grep -n Conflicts "$dualunit")"
sh -n "$root/usr/libexec/paykiosk/paykiosk-session-dual" || fail "the dual launcher is not valid sh"
# The unpacked launcher: valid sh, its defaults the unpacked kiosk and foot
# settings (the ones in the source tree, which the screenshot suite
# photographs), cage running foot running the kiosk.
launcher="$root/usr/libexec/paykiosk/paykiosk-session"
sh -n "$launcher" || fail "the session launcher is not valid sh"
grep -qF 'kiosk=${PAYKIOSK_SESSION_KIOSK:-/usr/bin/paykiosk}' "$launcher" ||
	fail "the session launcher does not run /usr/bin/paykiosk: $(grep -n 'kiosk=' "$launcher")"
grep -qF 'foot_ini=${PAYKIOSK_SESSION_FOOT_INI:-/usr/share/paykiosk/paykiosk-foot.ini}' "$launcher" ||
	fail "the session launcher does not use the packaged foot settings: $(grep -n 'foot_ini=' "$launcher")"
grep -qF 'cage -- foot --config="$foot_ini" /bin/sh -c' "$launcher" && grep -qF '"$run" "$kiosk" "$@"' "$launcher" ||
	fail "the session launcher does not run cage -- foot ... paykiosk"
cmp -s "$root/usr/share/paykiosk/paykiosk-foot.ini" "$PK_SOURCE_DIR/assets/session/paykiosk-foot.ini" ||
	fail "the packaged paykiosk-foot.ini is not assets/session/paykiosk-foot.ini"
if command -v foot >/dev/null 2>&1; then
	foot --config="$root/usr/share/paykiosk/paykiosk-foot.ini" --check-config > "$E2E_TMP/foot.check" 2>&1 ||
		{ cat "$E2E_TMP/foot.check" >&2; fail "foot refuses the packaged paykiosk-foot.ini"; }
	if grep -E '^ *(err|warn):' "$E2E_TMP/foot.check"; then fail "foot warns about paykiosk-foot.ini"; fi
else
	e2e_log "NOTE: no foot (package foot): paykiosk-foot.ini was not checked by foot"
fi
if command -v systemd-analyze >/dev/null 2>&1; then
	# verify resolves ExecStart= and the man pages inside the root; the units
	# they depend on (sysinit.target ...) come from this machine's systemd,
	# never over the package's own (-n).
	mkdir -p "$root/lib/systemd"
	cp -a -n /lib/systemd/system "$root/lib/systemd/" || fail "cannot copy the systemd units"
	MANPATH="$root/usr/share/man" systemd-analyze verify --root="$root" paykiosk@tty1.service \
		paykiosk-hub.service paykiosk-session@cashier.service paykiosk-session-dual@cashier.service > "$E2E_TMP/verify" 2>&1 ||
		{ cat "$E2E_TMP/verify" >&2; fail "systemd-analyze verify failed"; }
	# It only warns (status 0) about unknown keys or bad values: none allowed.
	[ ! -s "$E2E_TMP/verify" ] || { cat "$E2E_TMP/verify" >&2; fail "systemd-analyze verify warned"; }
else
	e2e_log "NOTE: no systemd-analyze (package systemd): the units' keys were checked with grep only"
fi

step "the unpacked hub, with the unpacked hub.conf, on a throw-away PostgreSQL"
pg_start || fail "no PostgreSQL"
# What the unit does: serve --config (a copy of) /etc/paykiosk/hub.conf.
cp -p "$root/etc/paykiosk/hub.conf" "$E2E_TMP/hub.conf"
mkfifo "$E2E_TMP/hub.in"
"$root/usr/bin/paykiosk-hub" serve --config "$E2E_TMP/hub.conf" --listen 127.0.0.1:0 \
	--database "$PG_CONNINFO" --exit-on-stdin-eof < "$E2E_TMP/hub.in" \
	> "$E2E_TMP/hub.out" 2> "$E2E_TMP/hub.err" &
HUB_PID=$!
exec {HUB_FD}> "$E2E_TMP/hub.in"
hub_up() { [ -s "$E2E_TMP/hub.out" ] || ! kill -0 "$HUB_PID" 2>/dev/null; }
poll_until 20 hub_up || fail "the hub printed no URL: $(cat "$E2E_TMP/hub.err")"
url=$(head -n 1 "$E2E_TMP/hub.out")
[[ "$url" == http://127.0.0.1:* ]] || fail "the hub printed '$url' (stderr: $(cat "$E2E_TMP/hub.err"))"
health=$(curl -sS -m 10 "$url/healthz") || fail "GET /healthz failed"
[ "$(printf '%s' "$health" | tr -d ' \n')" = '{"status":"ok"}' ] || fail "/healthz answered $health"
eval "exec $HUB_FD>&-"
HUB_FD=""
hub_gone() { ! kill -0 "$HUB_PID" 2>/dev/null; }
poll_until 10 hub_gone || fail "the hub did not stop at the end of its input"
wait "$HUB_PID"
hub_rc=$?
HUB_PID=""
[ $hub_rc = 0 ] || fail "the hub exited $hub_rc: $(cat "$E2E_TMP/hub.err")"
pg_cleanup

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
