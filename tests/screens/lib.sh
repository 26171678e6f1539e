# tests/screens/lib.sh - the shipped kiosk session (assets/session), run
# headless and photographed: cage's headless backend with the pixman
# renderer (no GPU, no seat), foot with the shipped paykiosk-foot.ini,
# started by the shipped paykiosk-session launcher, paykiosk --training in
# it; keys through the test hook's FIFO, screenshots with grim.
#
#   source "$(dirname "$0")/screens/lib.sh"
#   screens_init                  temp folder, tools, copies of the programs
#   session_start [-i FOOT_INI] [-g] [-- KIOSK ARGS]   a session (-g: not
#                                 in training, against gateway_start's
#                                 sandbox); waits for its first frame
#   gateway_start                 a sandbox of the test's own (faults on
#                                 demand: sandbox_fault CALL MODE)
#   fifo_keys K...                keys by name (Enter Escape BSpace Up Down
#                                 Star) or literal text, one argument a line;
#                                 waits until the kiosk consumed them all
#   wait_screen NAME [S]          the kiosk's newest frame is screen NAME
#   wait_modal NAME [S]           ... with modal NAME ("-": none)
#   wait_lang LANG [S]            ... drawn in LANG (en, my, hi)
#   snap LANG LABEL               a screenshot that shows the newest frame,
#                                 kept with that frame in the manifest
#   snap_langs LABEL              snap in en, my and hi (Star between them),
#                                 back in en after
#   session_stop                  Escape (a clean exit), else SIGTERM
#
# The two-screen session (assets/session/paykiosk-session-dual: sway, the
# cashier's foot and the customer's; paykiosk --customer-display):
#   session_start -d              the dual session, started with one output
#   dual_plug                     a second output (swaymsg create_output):
#                                 the customer's window must move there and
#                                 the customer display fill it
#   on_customer CMD...            CMD with the customer's view: its frames
#                                 (the hook's dframe/drun/dend records, read
#                                 as frame/run/end) and its output
#   wait_dscreen NAME [S]         the customer display's newest frame is NAME
#   dsnap_langs LABEL             the customer's output in en, my and hi
#
# cage refuses to run as root: as root everything of the session (cage,
# foot, paykiosk, grim) runs as $PK_SCREENS_USER (default nobody) on copies
# of the programs, the catalogues and the session's files in a folder of
# the test's; XDG_RUNTIME_DIR is a 0700 folder of that user.
#
# Every wait is for the change under test: the kiosk's own report of the
# keys it took and the frames it drew (PAYKIOSK_TEST_HOOK), then two
# identical screenshots, differing from the previous one kept, with no
# frame showing anything else drawn between them, that show the frame's
# text where the frame has it (judge.py --shows).
#
# Needs: cage, foot, grim, Xwayland (Debian 12's cage will not start
# without it), python3 with PIL (python3-pil), tesseract-ocr with eng, mya,
# hin, hb-view (libharfbuzz-bin), zbarimg, sqlite3, fc-match.
# Env (CTest): PK_SOURCE_DIR, PK_BUILD_DIR, PK_KIOSK, PK_SANDBOX,
# PAYKIOSK_LOCALEDIR.

# The e2e harness's hook helpers: poll_until, hook_inputs, hook_frames,
# wait_screen, step, e2e_log (its tmux parts are not used).
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"

SCR_TMP=""
SCR_USER=""
SCR_MANIFEST=""
SCR_PY=""
SCR_JUDGE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/judge.py
SES_N=0
SES_PID=""
SES_DIR=""
SES_RUN=""
SES_CELL_W=""
SES_CELL_H=""
SES_PREV_SHOT=""
SES_SHOTS=0
SCR_LANG=en
FIFO=""
SES_DUAL=""
SES_VIEW=""     # "": the cashier's frames; "customer": the customer display's
SES_OUTPUT=""   # the output grim photographs ("": the only one)
SES_CASHIER_OUT=""
SES_CUSTOMER_OUT=""

fail() {
	printf 'FAIL (%s): %s\n' "$E2E_STEP" "$*" >&2
	if [ -n "$HOOK" ] && [ -s "$HOOK" ]; then
		printf -- '--- the newest frame ---\n' >&2
		hook_last_frame_text >&2 || true
	fi
	if [ -n "$SES_DIR" ] && [ -s "$SES_DIR/session.log" ]; then
		printf -- '--- session log (cage, foot, paykiosk; tail) ---\n' >&2
		grep -v 'Basic output test failed' "$SES_DIR/session.log" | tail -n 30 >&2
	fi
	exit 1
}

as_user() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u "$SCR_USER" -- "$@"
	else
		"$@"
	fi
}

# A folder the session's user owns (mode 0700 unless told).
user_dir() {
	mkdir -p "$1"
	chmod "${2:-700}" "$1"
	[ "$(id -u)" = 0 ] && chown "$SCR_USER" "$1"
	return 0
}

screens_cleanup() {
	local rc=$?
	session_kill
	if [ -n "$SANDBOX_PID" ]; then
		kill "$SANDBOX_PID" 2>/dev/null
		wait "$SANDBOX_PID" 2>/dev/null
		secret_sweep || rc=1 # the sandbox's secret in no artefact
	fi
	if [ -n "$SCR_TMP" ] && [ -d "$SCR_TMP" ]; then
		if [ $rc -ne 0 ] && [ -n "${PK_SCREENS_KEEP:-}" ]; then
			e2e_log "kept $SCR_TMP"
		else
			rm -rf "$SCR_TMP"
		fi
	fi
	exit $rc
}

# The python with PIL: Debian's (a python3 earlier in PATH, e.g. pyenv's,
# may lack python3-pil).
find_python() {
	local p
	for p in python3 /usr/bin/python3; do
		if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import PIL' 2>/dev/null; then
			SCR_PY=$(command -v "$p")
			return 0
		fi
	done
	return 1
}

screens_init() {
	local t
	for t in cage sway swaymsg foot grim tesseract hb-view zbarimg sqlite3 fc-match runuser mkfifo setsid; do
		command -v "$t" >/dev/null 2>&1 || { echo "screens: $t is missing (assets/bootstrap.sh test installs it)" >&2; exit 1; }
	done
	# cage 0.1.4 (Debian 12) stops at start without the Xwayland binary.
	[ -x /usr/bin/Xwayland ] || { echo "screens: /usr/bin/Xwayland is missing (package xwayland): Debian 12's cage will not start without it" >&2; exit 1; }
	find_python || { echo "screens: python3 with PIL is missing (package python3-pil)" >&2; exit 1; }
	for t in eng mya hin; do
		tesseract --list-langs 2>/dev/null | grep -qx "$t" ||
			{ echo "screens: tesseract has no '$t' (package tesseract-ocr-$t)" >&2; exit 1; }
	done
	[ -n "${PK_KIOSK:-}" ] && [ -x "$PK_KIOSK" ] || { echo "screens: PK_KIOSK not set" >&2; exit 1; }
	[ -n "${PK_SANDBOX:-}" ] && [ -x "$PK_SANDBOX" ] || { echo "screens: PK_SANDBOX not set" >&2; exit 1; }
	[ -n "${PK_BUILD_DIR:-}" ] && [ -d "$PK_BUILD_DIR" ] || { echo "screens: PK_BUILD_DIR not set" >&2; exit 1; }
	PK_SOURCE_DIR=${PK_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
	export LANG=C.UTF-8 LC_ALL=C.UTF-8
	SCR_USER=${PK_SCREENS_USER:-nobody}
	[ "$(id -u)" = 0 ] || SCR_USER=$(id -un)
	SCR_TMP=$(mktemp -d "${TMPDIR:-/tmp}/pk-screens.XXXXXX")
	chmod 755 "$SCR_TMP"
	trap screens_cleanup EXIT
	trap 'exit 130' INT TERM
	# The programs, next to each other (training mode finds the sandbox next
	# to the kiosk), the catalogues, and the session's files as shipped.
	mkdir -p "$SCR_TMP/bin" "$SCR_TMP/session"
	cp "$PK_KIOSK" "$SCR_TMP/bin/paykiosk"
	# The kiosk's modules (src/kiosk.h), found next to the program (a
	# build's layout).
	local mod
	for mod in "$(dirname "$PK_KIOSK")"/paykiosk-*.so; do
		[ -f "$mod" ] && cp "$mod" "$SCR_TMP/bin/"
	done
	cp "$PK_SANDBOX" "$SCR_TMP/bin/paykassma-sandbox"
	if [ -n "${PAYKIOSK_LOCALEDIR:-}" ] && [ -d "$PAYKIOSK_LOCALEDIR" ]; then
		cp -r "$PAYKIOSK_LOCALEDIR" "$SCR_TMP/locale"
	else
		cp -r "$PK_BUILD_DIR/locale" "$SCR_TMP/locale"
	fi
	cp "$PK_SOURCE_DIR/assets/session/paykiosk-session" "$PK_SOURCE_DIR/assets/session/paykiosk-foot.ini" \
		"$PK_SOURCE_DIR/assets/session/paykiosk-session-dual" "$PK_SOURCE_DIR/assets/session/paykiosk-sway.conf" \
		"$SCR_TMP/session/"
	# Measurements only (tests/screens/measure.sh): another terminal's
	# launcher in place of the shipped one.
	if [ -n "${PK_SCREENS_LAUNCHER:-}" ]; then
		cp "$PK_SCREENS_LAUNCHER" "$SCR_TMP/session/paykiosk-session"
	fi
	chmod -R a+rX "$SCR_TMP/bin" "$SCR_TMP/locale" "$SCR_TMP/session"
	# The user's home: config (results stay until Enter, no idle return),
	# data (training.db), caches (fontconfig), one folder per session.
	user_dir "$SCR_TMP/home"
	user_dir "$SCR_TMP/home/config"
	user_dir "$SCR_TMP/home/config/paykiosk"
	printf 'result_pause = 0\nidle_timeout = 3600\nrecheck_interval = 0\n' > "$SCR_TMP/home/config/paykiosk/paykiosk.conf"
	chmod 600 "$SCR_TMP/home/config/paykiosk/paykiosk.conf"
	[ "$(id -u)" = 0 ] && chown "$SCR_USER" "$SCR_TMP/home/config/paykiosk/paykiosk.conf"
	SCR_MANIFEST=$SCR_TMP/manifest.tsv
	: > "$SCR_MANIFEST"
}

# gateway_start: the e2e harness's sandbox (loopback, a random secret in
# its environment), its secret handed to the kiosk in a 0600 file of the
# session's user.
gateway_start() {
	E2E_TMP=$SCR_TMP # sandbox_start's files; swept for the secret at the end
	sandbox_start
	(umask 077 && printf '%s\n' "$SANDBOX_SECRET" > "$SCR_TMP/home/gateway.secret")
	[ "$(id -u)" = 0 ] && chown "$SCR_USER" "$SCR_TMP/home/gateway.secret"
	return 0
}

# ---- one session ----------------------------------------------------------

# The newest complete frame record of the view (SES_VIEW): the cashier's
# frame/run/img/end records, or the customer display's dframe/drun/dimg/dend
# read as those (the judge reads both alike).
hook_last_frame_text() {
	awk -v p="${SES_VIEW:+d}" '
	     substr($1, 1, length(p)) != p { next }
	     { t = substr($1, length(p) + 1) }
	     t != "frame" && t != "run" && t != "img" && t != "end" { next }
	     p != "" { sub(/^d/, "") }
	     t == "frame" { n = 0; delete L; open = $2 }
	     { if (open != "") L[++n] = $0 }
	     t == "end" && $2 == open { m = n; delete K; for (i = 1; i <= n; i++) K[i] = L[i]; open = "" }
	     END { for (i = 1; i <= m; i++) print K[i] }' "$HOOK"
}
hook_last_frame_line() { hook_last_frame_text | head -n 1; }
hook_complete_frames() {
	local n
	n=$(grep -c '^end ' "$HOOK" 2>/dev/null)
	echo "${n:-0}"
}
_has_frame() { [ "$(hook_complete_frames)" -ge 1 ] || ! kill -0 "$SES_PID" 2>/dev/null; }
_socket_up() { compgen -G "$SES_RUN/wayland-[0-9]" >/dev/null; }
_sway_up() { compgen -G "$SES_RUN/sway-ipc.*.sock" >/dev/null; }
# swaymsg_ses ARGS...: to the session's sway, as its user.
swaymsg_ses() {
	as_user env SWAYSOCK="$(compgen -G "$SES_RUN/sway-ipc.*.sock" | head -n 1)" swaymsg "$@"
}
# _placed [2]: the dual launcher said where it put each window ("cashier on
# OUT, customer on OUT|(hidden: one screen)"); sets SES_CASHIER_OUT and
# SES_CUSTOMER_OUT from its newest placement (2: one with both outputs).
_placed() {
	local line
	line=$(grep -a '^paykiosk-session-dual: cashier on ' "$SES_DIR/session.log" | tail -n 1)
	[ -n "$line" ] || return 1
	SES_CASHIER_OUT=$(printf '%s' "$line" | sed -n 's/^paykiosk-session-dual: cashier on \([^,]*\), customer on .*/\1/p')
	SES_CUSTOMER_OUT=$(printf '%s' "$line" | sed -n 's/.*, customer on \([^ (][^ ]*\)$/\1/p')
	[ -n "$SES_CASHIER_OUT" ] || return 1
	[ "${1:-1}" = 1 ] || [ -n "$SES_CUSTOMER_OUT" ]
}

# session_start [-i FOOT_INI] [-g] [-d] [-- KIOSK ARGS]: a fresh session (-g:
# not in training, against gateway_start's sandbox; -d: the two-screen
# session, started with one output); waits for the kiosk's first frame.
# Sets SES_DIR, HOOK, FIFO, SES_CELL_W/H.
session_start() {
	local ini=$SCR_TMP/session/paykiosk-foot.ini
	local extra_env=() kiosk_args=(--training)
	local launcher=$SCR_TMP/session/paykiosk-session
	SES_DUAL=""
	SES_VIEW=""
	SES_OUTPUT=""
	while [ $# -gt 0 ]; do
		case $1 in
		-i) ini=$2; shift 2 ;;
		-d)
			SES_DUAL=1
			launcher=$SCR_TMP/session/paykiosk-session-dual
			extra_env+=(PAYKIOSK_SESSION_SWAY_CONF="$SCR_TMP/session/paykiosk-sway.conf")
			shift ;;
		-g)
			[ -n "$SANDBOX_URL" ] || fail "session_start -g before gateway_start"
			# The secret stays in its file (never on a command line).
			extra_env=(PAYKIOSK_API_URL="$SANDBOX_URL" PAYKIOSK_SECRET_FILE="$SCR_TMP/home/gateway.secret"
				PAYKIOSK_JOURNAL="$SCR_TMP/home/data/gateway.db")
			kiosk_args=()
			shift ;;
		--) shift; break ;;
		*) break ;;
		esac
	done
	SES_N=$((SES_N + 1))
	SES_DIR=$SCR_TMP/home/s$SES_N
	SES_RUN=$SES_DIR/run
	user_dir "$SES_DIR"
	user_dir "$SES_RUN"
	HOOK=$SES_DIR/hook.log
	FIFO=$SES_DIR/keys.fifo
	as_user mkfifo -m 600 "$FIFO"
	: > "$SES_DIR/session.log"
	SES_PREV_SHOT=""
	SCR_LANG=en
	# Only what the session needs: the headless backend and its one output
	# (1280x720), the pixman renderer, no input devices; the hook; the
	# test's copies of the programs; a UTF-8 locale; the training
	# sandbox's seed (the same order ids and wallets every run: the judge
	# reads them back, and a random draw must not decide whether one run
	# of digits reads well).
	local who=()
	[ "$(id -u)" = 0 ] && who=("$(command -v runuser)" -u "$SCR_USER" -m --)
	setsid "${who[@]}" env -i PATH=/usr/bin:/bin HOME="$SCR_TMP/home" \
		XDG_RUNTIME_DIR="$SES_RUN" XDG_CONFIG_HOME="$SCR_TMP/home/config" \
		XDG_DATA_HOME="$SCR_TMP/home/data" XDG_CACHE_HOME="$SCR_TMP/home/cache" \
		LANG=C.UTF-8 WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 \
		WLR_HEADLESS_OUTPUTS=1 PAYKIOSK_TEST_HOOK="$HOOK" PAYKIOSK_TEST_KEYS="$FIFO" \
		PAYKIOSK_LOCALEDIR="$SCR_TMP/locale" PAYKIOSK_SESSION_KIOSK="$SCR_TMP/bin/paykiosk" \
		PAYKIOSK_SESSION_FOOT_INI="$ini" PAYKIOSK_LABEL=screens-counter \
		PAYKASSMA_SANDBOX_SEED=20261130 \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
		"${extra_env[@]}" "$launcher" "${kiosk_args[@]}" "$@" \
		>> "$SES_DIR/session.log" 2>&1 < /dev/null &
	SES_PID=$!
	poll_until 30 _has_frame || fail "the session drew no frame in 30 s"
	kill -0 "$SES_PID" 2>/dev/null || fail "the session stopped at start"
	poll_until 10 _socket_up || fail "the compositor made no Wayland socket"
	if [ -n "$SES_DUAL" ]; then
		# One output: the cashier's window on it, the customer's hidden.
		poll_until 10 _sway_up || fail "sway made no IPC socket"
		poll_until 10 _placed || fail "the dual launcher placed no window"
		[ -z "$SES_CUSTOMER_OUT" ] || fail "one output, yet the customer's window is on $SES_CUSTOMER_OUT"
		SES_OUTPUT=$SES_CASHIER_OUT
	fi
	# foot says its cell size (again when it reloads its fonts for the
	# output); the judge checks it against the screenshot's size and the
	# kiosk's rows and columns.
	poll_until 10 read_cell_size || fail "foot did not log its cell size"
	# foot's first window is small (700x500) until cage makes it full
	# screen: wait for the kiosk's frame of the full-screen grid.
	poll_until 10 _full_grid || fail "the kiosk drew no frame of the whole screen: $(hook_last_frame_line)"
	e2e_log "session $SES_N: $(hook_last_frame_line | grep -o 'size=[0-9x]*'), cells ${SES_CELL_W}x${SES_CELL_H} px ($(basename "$ini"))"
}

read_cell_size() {
	local cell
	cell=$(sed -n 's/.*cell width=\([0-9]*\), height=\([0-9]*\).*/\1 \2/p' "$SES_DIR/session.log" | tail -n 1)
	if [ -z "$cell" ] && [ -n "${PK_SCREENS_LAUNCHER:-}" ]; then
		# Another terminal than foot (measurements): cells tile the screen
		# from its top left corner; the judge checks it on known text.
		grab "$SES_DIR/geo.ppm" || return 1
		local wh size
		wh=$(head -c 20 "$SES_DIR/geo.ppm" | sed -n 2p)
		size=$(hook_last_frame_line | sed -n 's/.* size=\([0-9]*\)x\([0-9]*\).*/\1 \2/p')
		[ -n "$wh" ] && [ -n "$size" ] || return 1
		cell="$(( ${wh% *} / ${size#* } )) $(( ${wh#* } / ${size% *} ))"
	fi
	[ -n "$cell" ] || return 1
	SES_CELL_W=${cell% *}
	SES_CELL_H=${cell#* }
}

_full_grid() {
	read_cell_size || return 1
	grab "$SES_DIR/geo.ppm" || return 1
	local wh w cols
	wh=$(head -c 20 "$SES_DIR/geo.ppm" | sed -n 2p)
	w=${wh% *}
	cols=$(hook_last_frame_line | sed -n 's/.* size=[0-9]*x\([0-9]*\).*/\1/p')
	[ -n "$w" ] && [ -n "$cols" ] || return 1
	[ $((cols * SES_CELL_W)) -le "$w" ] && [ "$w" -lt $(((cols + 1) * SES_CELL_W)) ]
}

# dual_plug: a second output, as a monitor plugged in: the launcher must
# put the customer's window there, full screen, and the customer display
# (resized with it) must fill that output's grid.
dual_plug() {
	swaymsg_ses -q create_output || fail "swaymsg create_output failed"
	poll_until 10 _placed 2 || fail "the customer's window was not placed on the new output"
	[ "$SES_CUSTOMER_OUT" != "$SES_CASHIER_OUT" ] || fail "both windows on $SES_CASHIER_OUT"
	on_customer poll_until 10 _full_grid ||
		fail "the customer display does not fill $SES_CUSTOMER_OUT: $(on_customer hook_last_frame_line)"
	e2e_log "dual: cashier on $SES_CASHIER_OUT, customer on $SES_CUSTOMER_OUT: $(on_customer hook_last_frame_line | grep -o 'size=[0-9x]*')"
}
# on_customer CMD...: CMD with the customer display's frames and output.
on_customer() {
	local view=$SES_VIEW out=$SES_OUTPUT rc=0
	SES_VIEW=customer
	SES_OUTPUT=$SES_CUSTOMER_OUT
	"$@" || rc=$?
	SES_VIEW=$view
	SES_OUTPUT=$out
	return $rc
}
_dscreen_is() { on_customer hook_last_frame_line | grep -q " screen=$1 "; }
wait_dscreen() {
	poll_until "${2:-10}" _dscreen_is "$1" ||
		fail "the customer display did not show $1 within ${2:-10} s: $(on_customer hook_last_frame_line)"
}
_dlang_is() { on_customer hook_last_frame_line | grep -qE " lang=$1( |\$)"; }
# dsnap_langs LABEL: the customer's output in en, my and hi (* on the
# cashier's keyboard switches both screens), then back in en.
dsnap_langs() {
	local lang
	[ "$SCR_LANG" = en ] || fail "dsnap_langs starts in $SCR_LANG"
	for lang in en my hi; do
		if [ "$lang" != en ]; then
			fifo_keys Star
			wait_lang "$lang"
		fi
		poll_until 10 _dlang_is "$lang" ||
			fail "the customer display is not in $lang: $(on_customer hook_last_frame_line)"
		on_customer snap "$lang" "$1"
	done
	fifo_keys Star
	wait_lang en
	SCR_LANG=en
}

_session_gone() { ! kill -0 "$SES_PID" 2>/dev/null; }
session_kill() {
	[ -n "$SES_PID" ] || return 0
	if kill -0 "$SES_PID" 2>/dev/null; then
		kill -TERM -- "-$SES_PID" 2>/dev/null
		poll_until 10 _session_gone || kill -KILL -- "-$SES_PID" 2>/dev/null
	fi
	wait "$SES_PID" 2>/dev/null
	SES_PID=""
}

# session_stop: Escape on the home screen ends the kiosk, and with it foot,
# cage and the session (the kiosk must leave cleanly: status 0).
session_stop() {
	printf 'Escape\n' > "$FIFO"
	poll_until 15 _session_gone || fail "the session did not end after Escape on the home screen"
	wait "$SES_PID"
	local st=$?
	SES_PID=""
	[ $st = 0 ] || fail "the session ended with status $st"
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$SES_DIR/session.log"; then
		fail "a sanitizer report in the session's log"
	fi
}

# fifo_keys LINE...: each line to the FIFO, then wait until the kiosk has
# consumed that many keys (a name is one key, text one per character).
fifo_keys() {
	local n=0 l
	for l in "$@"; do
		case $l in Enter | Escape | BSpace | Up | Down | Star) n=$((n + 1)) ;; *) n=$((n + ${#l})) ;; esac
	done
	local target=$(($(hook_inputs) + n))
	for l in "$@"; do printf '%s\n' "$l" > "$FIFO"; done
	poll_until 10 _inputs_reach "$target" || fail "the kiosk took $(hook_inputs) of $target keys ($*)"
}

_last_modal_is() { hook_last_frame_line | grep -q " modal=$1 "; }
wait_modal() {
	poll_until "${2:-10}" _last_modal_is "$1" ||
		fail "the kiosk did not show modal $1 within ${2:-10} s: $(hook_last_frame_line)"
}
# The language a frame is drawn in, from its scripts.
frame_lang() {
	local t
	t=$(hook_last_frame_text | sed -n 's/^run [0-9]* [0-9]* [0-9]* //p')
	if printf '%s' "$t" | grep -qP '[\x{1000}-\x{109F}]'; then
		echo my
	elif printf '%s' "$t" | grep -qP '[\x{0900}-\x{097F}]'; then
		echo hi
	else
		echo en
	fi
}
# frame_has TEXT: the newest frame has TEXT in a run.
frame_has() { hook_last_frame_text | grep -qF -- "$1"; }
_lang_is() { [ "$(frame_lang)" = "$1" ]; }
wait_lang() {
	poll_until "${2:-10}" _lang_is "$1" || fail "the kiosk's frame is not in $1: $(hook_last_frame_line)"
}

# ---- screenshots ----------------------------------------------------------

grab() { # grab FILE.ppm: the output (SES_OUTPUT's, if set), as the session's user
	local o=()
	[ -z "$SES_OUTPUT" ] || o=(-o "$SES_OUTPUT")
	as_user env XDG_RUNTIME_DIR="$SES_RUN" WAYLAND_DISPLAY="$(basename "$(compgen -G "$SES_RUN/wayland-[0-9]" | head -n 1)")" \
		grim "${o[@]}" -t ppm "$1" 2>> "$SES_DIR/grim.log"
}
# What a frame shows: its screen, modal, size and runs (not its number: a
# screen with a question or a spinner is redrawn ten times a second, most
# often identically, and ncurses then sends the terminal nothing).
_frame_shows() {
	hook_last_frame_text | sed -E -e '1s/^frame [0-9]+ (input=[0-9]+ )?//' -e '/^end /d'
}
_settled() {
	local before after
	before=$(_frame_shows)
	grab "$SES_DIR/a.ppm" || return 1
	grab "$SES_DIR/b.ppm" || return 1
	after=$(_frame_shows)
	[ "$before" = "$after" ] || return 1
	cmp -s "$SES_DIR/a.ppm" "$SES_DIR/b.ppm" || return 1
	if [ -n "$SES_PREV_SHOT" ] && cmp -s "$SES_DIR/b.ppm" "$SES_PREV_SHOT"; then
		return 1
	fi
	# The frame kept is one that shows this, and the picture shows it (its
	# runs' text where the frame says: not a picture drawn before it).
	hook_last_frame_text > "$SES_DIR/b.frame"
	[ "$(_frame_shows)" = "$after" ] || return 1
	read_cell_size || return 1
	"$SCR_PY" "$SCR_JUDGE" --shows "$SES_DIR/b.frame" "$SES_DIR/b.ppm" "$SES_CELL_W" "$SES_CELL_H"
}
# snap LANG LABEL: a screenshot of the newest frame (two identical grabs,
# no frame showing anything else drawn between them, not the picture kept
# before), kept with the frame's record for the judge.
snap() {
	local lang=$1 label=$2
	poll_until 15 _settled || fail "no settled screenshot of $label ($lang) in 15 s"
	SES_SHOTS=$((SES_SHOTS + 1))
	read_cell_size || fail "foot's cell size is not known"
	local base
	base=$SCR_TMP/shot-$(printf '%03d' "$SES_SHOTS")
	mv "$SES_DIR/b.ppm" "$base.ppm"
	mv "$SES_DIR/b.frame" "$base.frame"
	SES_PREV_SHOT=$base.ppm
	local qr=-
	# The link the QR must scan as: the sale's (the cashier's UPI QR screen;
	# the customer's UPI view shows the same link while no app is chosen
	# with +).
	local qr_screen=upi_qr
	[ -z "$SES_VIEW" ] || qr_screen=upi
	if hook_last_frame_line | grep -q " screen=$qr_screen "; then
		qr=$(sqlite3 -readonly "$SCR_TMP/home/data/paykiosk/training.db" \
			"select qr_data from sales order by id desc limit 1" 2>/dev/null)
		[ -n "$qr" ] || qr=-
	fi
	[ -n "${PK_SCREENS_DEBUG:-}" ] && e2e_log "snap $label ($lang)"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$lang" "$label" "$base.ppm" "$base.frame" \
		"$SES_CELL_W" "$SES_CELL_H" "$qr" >> "$SCR_MANIFEST"
}

# snap_langs LABEL: the screen in en, my and hi (* switches the language on
# every screen), then back in en.
snap_langs() {
	local lang
	[ "$SCR_LANG" = en ] || fail "snap_langs starts in $SCR_LANG"
	for lang in en my hi; do
		if [ "$lang" != en ]; then
			fifo_keys Star
			wait_lang "$lang"
		fi
		snap "$lang" "$1"
	done
	fifo_keys Star
	wait_lang en
	SCR_LANG=en
}
