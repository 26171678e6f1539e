# lib.sh - helpers for the end-to-end tests: the real paykiosk in a private
# tmux server against a real paykassma-sandbox on loopback.
#
#   source "$(dirname "$0")/lib.sh"
#   e2e_init                      # temp dir, tmux socket, cleanup trap
#   sandbox_start [ARGS...]       # SANDBOX_URL, SANDBOX_SECRET, SANDBOX_PID
#   kiosk_start [-s COLSxROWS] [-e VAR=VALUE]... [ARGS...]
#   keys 2 1 0 0 Enter            # tmux send-keys (names: Enter Escape BSpace ...),
#                                 # then wait until the kiosk has consumed them and
#                                 # the pane shows what it drew after them
#   keys_nowait C-c               # send only (keys the kiosk never reads: signals)
#   type_text "१२३"                # literal text, waited for like keys
#   wait_for "Paid" [SECONDS]     # poll the pane every 50 ms (default 10 s)
#   wait_gone "Asking" [SECONDS]
#   wait_screen NAME [SECONDS]    # the kiosk's own report: it drew screen NAME
#   assert_stays SECONDS CMD...   # CMD holds for the whole window (absence checks)
#   screen                        # the pane as text
#   qr_decode [PANE]              # the QR on the pane (or tmux pane PANE) -> zbarimg text
#   journal_sql "select ..."      # read the kiosk's journal
#   last_sale state               # a column of the newest sale
#   wait_for_re REGEX [SECONDS]   # extended regex on the pane
#   sandbox_post PATH JSON        # control calls (settle, fault); GET if JSON empty
#   kiosk_wait_exit [SECONDS]     # KIOSK_STATUS = exit status
#   kiosk_close                   # stop the tmux server (before a restart)
#   fail "message"                # print the screen and exit 1
#
# The kiosk reports what it did (PAYKIOSK_TEST_HOOK, src/ui/testhook.h):
# "input N" after the Nth key was consumed (and drawn), and every frame
# with its screen name and text runs.  keys waits for the input count, then
# for the pane to show a frame drawn after those keys: no test waits for
# time to pass or for text that was already there.
#
# Needs: tmux, curl, zbarimg, sqlite3.  Env (set by CTest): PK_KIOSK,
# PK_SANDBOX, PAYKIOSK_LOCALEDIR.  Everything started is stopped by the
# EXIT trap (tmux server, sandbox), and the temp dir is removed.

set -u
set -o pipefail

E2E_TMP=""
E2E_SOCK=""
SANDBOX_PID=""
SANDBOX_URL=""
SANDBOX_SECRET=""
KIOSK_JOURNAL=""
KIOSK_STATUS=""
E2E_STEP="start"
HOOK=""

e2e_log() { printf '[%s] %s\n' "$(date +%H:%M:%S.%3N)" "$*" >&2; }

fail() {
	printf 'FAIL (%s): %s\n' "$E2E_STEP" "$*" >&2
	if [ -n "$E2E_SOCK" ] && tmux -L "$E2E_SOCK" has-session 2>/dev/null; then
		printf -- '--- screen ---\n' >&2
		screen >&2 || true
		printf -- '--------------\n' >&2
	fi
	if [ -n "$E2E_TMP" ] && [ -s "$E2E_TMP/kiosk.err" ]; then
		printf -- '--- kiosk stderr ---\n' >&2
		cat "$E2E_TMP/kiosk.err" >&2
	fi
	exit 1
}

step() { E2E_STEP="$*"; e2e_log "$*"; }

# Every artefact a test leaves (journal, WAL, stderr, sandbox log, syslog
# capture, every screen read, JSON output, receipts) must be free of the
# gateway secret and of every other secret the test registered
# (secret_register: the hub's and the sandbox's postback private key, kiosk
# hub tokens).  run-kiosk.sh (the harness's launcher, which hands the
# secret to the kiosk's environment) and files named *.secret (0600 files
# the harness made to hand a secret to a program: a config, a curl header)
# are the only files allowed to hold one.
E2E_SECRETS=()
# secret_register VALUE [WHAT]: sweep VALUE too, here and after the whole
# run (tests/secret_sweep.sh).
secret_register() {
	E2E_SECRETS+=("$1")
	if [ -n "${PK_BUILD_DIR:-}" ] && [ -d "$PK_BUILD_DIR" ]; then
		echo "$1" >> "$PK_BUILD_DIR/test-secrets.list"
	fi
}
secret_sweep() {
	[ -n "$E2E_TMP" ] && [ -d "$E2E_TMP" ] || return 0
	local found s rc=0
	for s in ${SANDBOX_SECRET:+"$SANDBOX_SECRET"} "${E2E_SECRETS[@]}"; do
		[ -n "$s" ] || continue
		found=$(grep -rlaF --exclude=run-kiosk.sh --exclude='*.secret' -- "$s" "$E2E_TMP" 2>/dev/null || true)
		if [ -n "$found" ]; then
			if [ "$s" = "$SANDBOX_SECRET" ]; then
				printf 'FAIL (secret sweep): the gateway secret is in: %s\n' "$found" >&2
			else
				printf 'FAIL (secret sweep): a secret (%s...) is in: %s\n' "${s:0:4}" "$found" >&2
			fi
			rc=1
		fi
	done
	return $rc
}

# syslog_listen: a syslog socket of the test's own, for the kiosk's
# PAYKIOSK_LOG_SOCKET=$LOGSOCK; each datagram is a line of
# $E2E_TMP/syslog.txt.  Stopped by e2e_cleanup.
LOGGER_PID=""
syslog_listen() {
	command -v python3 >/dev/null || fail "python3 is missing"
	LOGSOCK=$E2E_TMP/log.sock
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(65536) + b"\n")
' "$LOGSOCK" "$E2E_TMP/syslog.txt" &
	LOGGER_PID=$!
	poll_until 5 test -S "$LOGSOCK" || fail "the test syslog socket did not appear"
}

e2e_cleanup() {
	local rc=$?
	[ -n "$LOGGER_PID" ] && kill "$LOGGER_PID" 2>/dev/null
	# The screen as it was last, for the sweep.
	if [ -n "$E2E_SOCK" ] && [ -n "$E2E_TMP" ] && tmux -L "$E2E_SOCK" has-session 2>/dev/null; then
		tmux -L "$E2E_SOCK" capture-pane -p -S - -t kiosk >> "$E2E_TMP/screens.log" 2>/dev/null || true
	fi
	if [ -n "$E2E_SOCK" ]; then
		tmux -L "$E2E_SOCK" kill-server 2>/dev/null || true
	fi
	if [ -n "$SANDBOX_PID" ]; then
		kill "$SANDBOX_PID" 2>/dev/null || true
		wait "$SANDBOX_PID" 2>/dev/null || true
	fi
	if [ -n "$SANDBOX_PID" ] || [ -n "$E2E_SOCK" ]; then
		secret_sweep || rc=1
	fi
	if [ -n "$E2E_TMP" ] && [ -d "$E2E_TMP" ]; then
		if [ $rc -ne 0 ] && [ -s "$E2E_TMP/sandbox.log" ]; then
			printf -- '--- sandbox log (tail) ---\n' >&2
			tail -n 20 "$E2E_TMP/sandbox.log" >&2
		fi
		rm -rf "$E2E_TMP"
	fi
	exit $rc
}

e2e_init() {
	local t
	for t in tmux curl zbarimg sqlite3; do
		command -v "$t" >/dev/null 2>&1 || { echo "e2e: $t is missing" >&2; exit 1; }
	done
	[ -n "${PK_KIOSK:-}" ] && [ -x "$PK_KIOSK" ] || { echo "e2e: PK_KIOSK not set" >&2; exit 1; }
	[ -n "${PK_SANDBOX:-}" ] && [ -x "$PK_SANDBOX" ] || { echo "e2e: PK_SANDBOX not set" >&2; exit 1; }
	export LANG=C.UTF-8 LC_ALL=C.UTF-8
	unset LANGUAGE TMUX TMUX_PANE
	E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/pk-e2e.XXXXXX")
	E2E_SOCK="pk-e2e-$$-${RANDOM}"
	KIOSK_JOURNAL="$E2E_TMP/journal.db"
	trap e2e_cleanup EXIT
	trap 'exit 130' INT TERM
}

# Wait until a command succeeds, polling every 50 ms; $1 = seconds.
poll_until() {
	local secs=$1
	shift
	local end=$(( $(date +%s%N) / 1000000 + secs * 1000 ))
	while :; do
		"$@" && return 0
		[ $(( $(date +%s%N) / 1000000 )) -ge $end ] && return 1
		sleep 0.05
	done
}

_url_ready() { [ -s "$E2E_TMP/sandbox.url" ] && grep -q '^http' "$E2E_TMP/sandbox.url"; }

# sandbox_start [EXTRA ARGS]: a fresh sandbox with a random secret in its
# environment (never on its command line).
sandbox_start() {
	SANDBOX_SECRET=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
	: > "$E2E_TMP/sandbox.url"
	PAYKASSMA_SANDBOX_SECRET="$SANDBOX_SECRET" "$PK_SANDBOX" --port 0 \
		--log "$E2E_TMP/sandbox.log" "$@" > "$E2E_TMP/sandbox.url" 2> "$E2E_TMP/sandbox.err" &
	SANDBOX_PID=$!
	poll_until 10 _url_ready || fail "the sandbox printed no URL: $(cat "$E2E_TMP/sandbox.err")"
	SANDBOX_URL=$(head -n 1 "$E2E_TMP/sandbox.url")
	# For the sweep after the whole run (tests/secret_sweep.sh).
	if [ -n "${PK_BUILD_DIR:-}" ] && [ -d "$PK_BUILD_DIR" ]; then
		echo "$SANDBOX_SECRET" >> "$PK_BUILD_DIR/test-secrets.list"
	fi
	e2e_log "sandbox at $SANDBOX_URL (pid $SANDBOX_PID)"
}

# sandbox_post PATH [JSON]: prints the answer body; GET when JSON is empty.
sandbox_post() {
	local path=$1 body=${2:-}
	if [ -n "$body" ]; then
		curl -sS --max-time 5 -X POST -H 'Content-Type: application/json' \
			--data "$body" "$SANDBOX_URL$path?secret=$SANDBOX_SECRET"
	else
		curl -sS --max-time 5 "$SANDBOX_URL$path?secret=$SANDBOX_SECRET"
	fi
}

sandbox_settle() { sandbox_post /_sandbox/settle "{\"order_id\":\"$1\",\"status\":\"$2\"}"; }
sandbox_fault() { sandbox_post /_sandbox/fault "{\"call\":\"$1\",\"mode\":\"$2\",\"count\":${3:-1}}"; }

# kiosk_start [-s COLSxROWS] [-e VAR=VALUE]... [-j JOURNAL] [-t] [-- ] [KIOSK ARGS]
# -t: training as a new user would start it: no gateway, no journal given
# (the kiosk starts its own sandbox; PATH has $PK_SANDBOX's folder).
# Runs the kiosk against the sandbox in a private tmux server.  The pane
# stays after the kiosk exits (its status in $E2E_TMP/kiosk.status, the
# terminal settings before/after in kiosk.stty.{before,after}).
kiosk_start() {
	local size=80x24 envs=() journal=$KIOSK_JOURNAL training=0
	while [ $# -gt 0 ]; do
		case $1 in
		-t) training=1; shift ;;
		-s) size=$2; shift 2 ;;
		-e) envs+=("$2"); shift 2 ;;
		-j) journal=$2; shift 2 ;;
		--) shift; break ;;
		*) break ;;
		esac
	done
	local cols=${size%x*} rows=${size#*x}
	rm -f "$E2E_TMP/kiosk.status" "$E2E_TMP/kiosk.stty.before" "$E2E_TMP/kiosk.stty.after"
	HOOK=$E2E_TMP/hook.log
	: > "$HOOK"
	local run="$E2E_TMP/run-kiosk.sh"
	{
		echo '#!/bin/bash'
		printf 'stty -g > %q\n' "$E2E_TMP/kiosk.stty.before"
		printf 'export TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8\n'
		printf 'unset LANGUAGE PAYKIOSK_CONFIG\n'
		printf 'export XDG_CONFIG_HOME=%q XDG_DATA_HOME=%q\n' "$E2E_TMP/config" "$E2E_TMP/data"
		printf 'unset PAYKIOSK_API_URL PAYKIOSK_SECRET PAYKIOSK_SECRET_FILE PAYKIOSK_JOURNAL\n'
		if [ $training = 1 ]; then
			printf 'export PATH=%q:"$PATH"\n' "$(dirname "$PK_SANDBOX")"
		else
			if [ -n "$SANDBOX_URL" ]; then
				printf 'export PAYKIOSK_API_URL=%q PAYKIOSK_SECRET=%q\n' "$SANDBOX_URL" "$SANDBOX_SECRET"
			fi
			printf 'export PAYKIOSK_JOURNAL=%q\n' "$journal"
		fi
		printf 'export PAYKIOSK_LABEL=e2e-counter PAYKIOSK_TEST_HOOK=%q\n' "$HOOK"
		[ -n "${PAYKIOSK_LOCALEDIR:-}" ] && printf 'export PAYKIOSK_LOCALEDIR=%q\n' "$PAYKIOSK_LOCALEDIR"
		printf 'export ASAN_OPTIONS=%q UBSAN_OPTIONS=%q\n' "${ASAN_OPTIONS:-}" "${UBSAN_OPTIONS:-}"
		local e
		for e in "${envs[@]}"; do printf 'export %q\n' "$e"; done
		printf '%q' "$PK_KIOSK"
		local a
		for a in "$@"; do printf ' %q' "$a"; done
		printf ' 2>%q\n' "$E2E_TMP/kiosk.err"
		printf 'st=$?\nstty -g > %q\necho $st > %q\n' "$E2E_TMP/kiosk.stty.after" "$E2E_TMP/kiosk.status"
		printf 'echo "KIOSK EXITED $st"\nexec sleep 600\n'
	} > "$run"
	chmod +x "$run"
	# A server that is still shutting down (kiosk_close) can refuse once.
	_tmux_new() { tmux -L "$E2E_SOCK" -f /dev/null new-session -d -x "$cols" -y "$rows" -s kiosk "$run" 2>/dev/null; }
	poll_until 5 _tmux_new || fail "tmux did not start"
	tmux -L "$E2E_SOCK" set-option -g status off >/dev/null
	tmux -L "$E2E_SOCK" resize-window -t kiosk -x "$cols" -y "$rows" 2>/dev/null || true
}

# Close the tmux server (and whatever runs in it); wait until it is gone
# so the next kiosk_start gets a fresh one.
_tmux_gone() { ! tmux -L "$E2E_SOCK" list-sessions >/dev/null 2>&1; }
kiosk_close() {
	tmux -L "$E2E_SOCK" kill-server 2>/dev/null || true
	poll_until 5 _tmux_gone || fail "the tmux server did not stop"
}

kiosk_pid() { tmux -L "$E2E_SOCK" display -p -t kiosk '#{pane_pid}'; }

# ---- the kiosk's own report (PAYKIOSK_TEST_HOOK) --------------------------

# Keys the kiosk has consumed so far.
hook_inputs() { awk '$1 == "input" { n = $2 } END { print n + 0 }' "$HOOK"; }
_inputs_reach() { [ "$(hook_inputs)" -ge "$1" ]; }

# The newest frames (at most 5) drawn after input $1, each row's text
# without blanks, frames separated by "==".
_hook_frames() {
	awk -v min="$1" '
	$1 == "frame" {
		split($3, a, "="); keep = (a[2] + 0 >= min)
		if (keep) { split($6, sz, "="); split(sz[2], rc, "x"); nrows = rc[1] + 0; delete R }
		next
	}
	$1 == "run" && keep {
		t = $0; sub(/^run [0-9]+ [0-9]+ [0-9]+ /, "", t); gsub(/[ \t]/, "", t)
		R[$2] = R[$2] t; next
	}
	$1 == "end" && keep {
		out = ""; for (i = 0; i < nrows; i++) out = out R[i] "\n"
		F[++nf] = out; keep = 0
	}
	END { for (i = (nf > 5 ? nf - 4 : 1); i <= nf; i++) printf "%s==\n", F[i] }' "$HOOK"
}
# The pane shows one of the frames drawn after input $1 (or the kiosk has
# exited, and the pane shows the shell again).
_pane_synced() {
	_exited && return 0
	local pane frames f
	pane=$(tmux -L "$E2E_SOCK" capture-pane -p -t kiosk | sed 's/[[:space:]]//g'; echo x)
	pane=${pane%x}
	frames=$(_hook_frames "$1"; echo x)
	frames=${frames%x}
	[ -n "$frames" ] || return 0 # nothing was drawn after it: the pane is as it was
	while [ -n "$frames" ]; do
		f=${frames%%==$'\n'*}
		frames=${frames#*==$'\n'}
		[ "$f" = "$pane" ] && return 0
	done
	return 1
}
# How many keys an argument list of send-keys is (a key name is one, a
# literal string one per character).
_key_count() {
	local n=0 a
	for a; do
		case $a in
		Enter | Escape | BSpace | Up | Down | Left | Right | Tab | Space | DC | \
			Home | End | NPage | PPage | [CM]-? | KP* | F[0-9]*) n=$((n + 1)) ;;
		*) n=$((n + ${#a})) ;;
		esac
	done
	echo "$n"
}
# _send_and_wait COUNT SEND-KEYS-ARGS...: send, wait until the kiosk took
# COUNT more keys, then until the pane shows what it drew after them.
_send_and_wait() {
	local count=$1
	shift
	local target=$(( $(hook_inputs) + count ))
	tmux -L "$E2E_SOCK" send-keys -t kiosk "$@"
	poll_until 10 _inputs_reach "$target" ||
		fail "the kiosk did not take the keys ($*): $(hook_inputs) of $target"
	poll_until 10 _pane_synced "$target" || fail "the pane does not show the kiosk's frame after ($*)"
}
keys() { _send_and_wait "$(_key_count "$@")" "$@"; }
type_text() { _send_and_wait "${#1}" -l "$1"; }
# For keys the kiosk never reads as keys (C-c as a signal, keys for a
# kiosk that has stopped): send and do not wait.
keys_nowait() { tmux -L "$E2E_SOCK" send-keys -t kiosk "$@"; }

_hook_last_frame() { awk '$1 == "frame" { f = $0 } END { print f }' "$HOOK"; }
hook_frames() { grep -c '^frame ' "$HOOK"; }
_frames_above() { [ "$(hook_frames)" -gt "$1" ]; }
# wait_next_frame [SECONDS]: the kiosk draws another frame (a live screen
# redraws at least every second).
wait_next_frame() {
	local n
	n=$(hook_frames)
	poll_until "${1:-5}" _frames_above "$n" || fail "the kiosk drew nothing for ${1:-5} s"
}
_last_screen_is() { _hook_last_frame | grep -q " screen=$1 "; }
_last_size_is() { _hook_last_frame | grep -q " size=$1\$"; }
# wait_screen NAME [SECONDS]: the kiosk's newest frame is screen NAME.
wait_screen() {
	poll_until "${2:-10}" _last_screen_is "$1" ||
		fail "the kiosk did not show the $1 screen within ${2:-10} s: $(_hook_last_frame)"
}
# resize COLS ROWS: the window changes and the kiosk has drawn a frame of
# that size that the pane shows.
resize() {
	tmux -L "$E2E_SOCK" resize-window -t kiosk -x "$1" -y "$2"
	poll_until 10 _last_size_is "${2}x${1}" || fail "the kiosk did not redraw at $1x$2"
	poll_until 10 _pane_synced 0 || fail "the pane does not show the kiosk's $1x$2 frame"
}
# assert_stays SECONDS CMD...: CMD is true now and stays true for the whole
# window (an absence can only be seen over time: this is not a wait).
assert_stays() {
	local secs=$1
	shift
	local end=$(( $(date +%s%N) / 1000000 + $(awk -v s="$secs" 'BEGIN { printf "%d", s * 1000 }') ))
	while :; do
		"$@" || fail "'$*' stopped holding"
		[ $(( $(date +%s%N) / 1000000 )) -ge $end ] && return 0
		sleep 0.05
	done
}
# Every screen a test reads is kept (screens.log) for the secret sweep.
screen() { tmux -L "$E2E_SOCK" capture-pane -p -t kiosk | tee -a "$E2E_TMP/screens.log"; }

_has() { screen | grep -qF -- "$1"; }
_hasnt() { ! screen | grep -qF -- "$1"; }

wait_for() {
	poll_until "${2:-10}" _has "$1" || fail "'$1' did not appear within ${2:-10} s"
}
wait_gone() {
	poll_until "${2:-10}" _hasnt "$1" || fail "'$1' did not go away within ${2:-10} s"
}
# assert_screen TEXT / refute_screen TEXT: right now, no waiting.
assert_screen() { _has "$1" || fail "'$1' is not on the screen"; }
refute_screen() { _hasnt "$1" || fail "'$1' should not be on the screen"; }

_exited() { [ -s "$E2E_TMP/kiosk.status" ]; }
kiosk_wait_exit() {
	poll_until "${1:-10}" _exited || fail "the kiosk did not exit within ${1:-10} s"
	KIOSK_STATUS=$(cat "$E2E_TMP/kiosk.status")
	assert_kiosk_stderr_clean
}
# No sanitizer report or crash text on the kiosk's stderr.
assert_kiosk_stderr_clean() {
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehavior' "$E2E_TMP/kiosk.err"; then
		fail "sanitizer report on stderr"
	fi
}

# The kiosk process itself (the child of the pane's shell script).
kiosk_proc() { pgrep -P "$(kiosk_pid)" -f "$PK_KIOSK" | head -n 1; }

# After kiosk_wait_exit: the terminal is back as it was.
assert_terminal_restored() {
	cmp -s "$E2E_TMP/kiosk.stty.before" "$E2E_TMP/kiosk.stty.after" ||
		fail "terminal settings changed: $(cat "$E2E_TMP/kiosk.stty.before") -> $(cat "$E2E_TMP/kiosk.stty.after")"
	local alt
	alt=$(tmux -L "$E2E_SOCK" display -p -t kiosk '#{alternate_on}')
	[ "$alt" = 0 ] || fail "still on the alternate screen"
	local cur
	cur=$(tmux -L "$E2E_SOCK" display -p -t kiosk '#{cursor_flag}')
	[ "$cur" = 1 ] || fail "the cursor is still hidden"
}

journal_sql() { sqlite3 -readonly "$KIOSK_JOURNAL" "$1"; }

# The QR on the pane -> a PBM -> zbarimg.  The code is the block of
# half-block characters (█ ▀ ▄) at the left; light modules are spaces.
# Each character is two modules (upper, lower); 4 pixels per module and a
# 4-module light border are added.
# qr_pbm OUT [PANE]: from the kiosk's pane (what `screen` reads), or from
# tmux pane PANE (pane_start: a customer display).  Full blocks (a module
# two cells wide and one high, layout/qr.h) come out as square modules the
# same way; big digits beside the code stay in the picture (zbarimg finds
# the code among them, as a phone would).
qr_pbm() {
	local out=$1
	local -a lines
	if [ -n "${2:-}" ]; then
		mapfile -t lines < <(pane_text "$2")
	else
		mapfile -t lines < <(screen)
	fi
	local r c ch rmin=-1 rmax=-1 cmin=100000 cmax=-1 line
	for r in "${!lines[@]}"; do
		line=${lines[$r]}
		case $line in *[█▀▄]*) ;; *) continue ;; esac
		[ $rmin -lt 0 ] && rmin=$r
		rmax=$r
		# Leftmost and rightmost ink in this row (the text beside has none).
		local pre=${line%%[█▀▄]*}
		[ ${#pre} -lt $cmin ] && cmin=${#pre}
		local keep=${line%[█▀▄]*}
		[ ${#keep} -gt $cmax ] && cmax=${#keep}
	done
	[ $rmin -ge 0 ] || return 1
	local w=$((cmax - cmin + 1)) mrows=$(( (rmax - rmin + 1) * 2 ))
	local scale=4 border=4
	local pw=$(( (w + 2 * border) * scale )) ph=$(( (mrows + 2 * border) * scale ))
	{
		printf 'P1\n%d %d\n' "$pw" "$ph"
		local blank
		blank=$(printf '0 %.0s' $(seq 1 "$pw"))
		local i
		for ((i = 0; i < border * scale; i++)); do echo "$blank"; done
		for ((r = rmin; r <= rmax; r++)); do
			line=${lines[$r]}
			local up="" lo=""
			for ((c = cmin; c <= cmax; c++)); do
				ch=${line:$c:1}
				case $ch in
				█) up+=1; lo+=1 ;;
				▀) up+=1; lo+=0 ;;
				▄) up+=0; lo+=1 ;;
				*) up+=0; lo+=0 ;;
				esac
			done
			local half px k s
			for half in "$up" "$lo"; do
				px=""
				for ((k = 0; k < border * scale; k++)); do px+="0 "; done
				for ((k = 0; k < ${#half}; k++)); do
					for ((s = 0; s < scale; s++)); do px+="${half:$k:1} "; done
				done
				for ((k = 0; k < border * scale; k++)); do px+="0 "; done
				for ((s = 0; s < scale; s++)); do echo "$px"; done
			done
		done
		for ((i = 0; i < border * scale; i++)); do echo "$blank"; done
	} > "$out"
}

# qr_decode [PANE]: the kiosk's pane, or tmux pane PANE.
qr_decode() {
	local pbm="$E2E_TMP/qr${1:+-$1}.pbm"
	qr_pbm "$pbm" ${1:+"$1"} || return 1
	zbarimg --nodbus -q --raw "$pbm" 2>/dev/null
}

# wait_for_re REGEX [SECONDS]: like wait_for with an extended regex.
_has_re() { screen | grep -qE -- "$1"; }
wait_for_re() {
	poll_until "${2:-10}" _has_re "$1" || fail "/$1/ did not appear within ${2:-10} s"
}

# to_home: leave a sale whose create failed: Esc, then "give up" if it
# asks (nothing was shown) -> home.
to_home() {
	keys Escape # keys waits until Esc was taken and drawn
	if _has "Give up this sale?"; then
		keys Enter
		wait_for "Choose the payment" 10
	else
		_has "Choose the payment" || fail "Esc led nowhere"
	fi
}

# Every state sale ID went through (its history), on one line.
history_states() { journal_sql "select to_state from sale_history where sale_id = $1 order by id" | tr '\n' ' '; }
# never_in ID STATE...: the sale's history never went to any of them.
never_in() {
	local id=$1 h s
	shift
	h=" $(history_states "$id")"
	for s; do
		case $h in *" $s "*) fail "sale $id went through '$s': $h" ;; esac
	done
}

# A column of the newest sale in the kiosk's journal (any language):
# last_sale order_id | state | qr_data | identifier | key1 ...
last_sale() { journal_sql "select $1 from sales order by id desc limit 1"; }

# The order id shown on the QR or result screen ("Order 0123abcd...";
# English screens only - use last_sale order_id otherwise).
screen_order_id() { screen | grep -o 'Order [0-9a-zA-Z_-]*' | head -n 1 | cut -d' ' -f2; }

# ---- more panes: a customer display (issue 17) ------------------------------
#
#   pane_start NAME [COLSxROWS]  # a pane of its own in the test's tmux server
#                                # running `sleep` (nothing reads or draws on
#                                # its tty but what the kiosk writes there)
#   pane_tty NAME                # its terminal device (/dev/pts/N)
#   pane_kill NAME               # close it (its tty goes away)
#   pane_text NAME               # the pane as text (kept for the sweep)
#   pane_assert NAME TEXT / pane_refute NAME TEXT   # right now, no waiting
#   big_text NAME                # the strings in big digits on the pane
#   hook_mark                    # where the hook's report is now
#   wait_hook MARK REGEX [S]     # a record matching REGEX written after MARK
#   wait_dframe MARK REGEX [S]   # a customer frame after MARK whose header
#                                # ("dframe F screen=NAME size=RxC lang=L")
#                                # matches REGEX
#   wait_dpane NAME MARK [S]     # pane NAME shows a customer frame drawn
#                                # after MARK
#   wait_dshown NAME MARK REGEX [S]  # both: the first such frame after
#                                # MARK (or a later one) is on pane NAME
#   wait_log TEXT [SECONDS]      # a line of the kiosk's log (syslog_listen)
#
# The kiosk reports its customer display in the same hook file:
# "display open ROWSxCOLS", "display lost REASON", and each customer frame
# as "dframe F screen=NAME size=ROWSxCOLS lang=CODE", its "drun ROW COL
# WIDTH TEXT" lines, "dend F".

pane_start() {
	local name=$1 size=${2:-80x24}
	local cols=${size%x*} rows=${size#*x}
	tmux -L "$E2E_SOCK" -f /dev/null new-session -d -x "$cols" -y "$rows" -s "$name" \
		'exec sleep 100000' || fail "tmux did not start pane $name"
	tmux -L "$E2E_SOCK" set-option -t "$name" status off >/dev/null
	tmux -L "$E2E_SOCK" resize-window -t "$name" -x "$cols" -y "$rows" 2>/dev/null || true
}
pane_tty() { tmux -L "$E2E_SOCK" display -p -t "$1" '#{pane_tty}'; }
_pane_gone() { ! tmux -L "$E2E_SOCK" has-session -t "$1" 2>/dev/null; }
pane_kill() {
	tmux -L "$E2E_SOCK" kill-session -t "$1" 2>/dev/null || true
	poll_until 5 _pane_gone "$1" || fail "pane $1 did not close"
}
pane_text() { tmux -L "$E2E_SOCK" capture-pane -p -t "$1" | tee -a "$E2E_TMP/screens.log"; }
_pane_has() { pane_text "$1" | grep -qF -- "$2"; }
_pane_hasnt() { ! pane_text "$1" | grep -qF -- "$2"; }
pane_assert() { _pane_has "$1" "$2" || fail "'$2' is not on pane $1; it shows:
$(pane_text "$1")"; }
pane_refute() { _pane_hasnt "$1" "$2" || fail "'$2' should not be on pane $1"; }

# big_text NAME: each string drawn in big digits on the pane (ui/draw.h's
# 3x5 block font, read from ui/bigtext.c's glyph table), one per line,
# e.g. "125.50": what a customer reads from a step away.  A string starts
# with a digit, its glyphs 4 columns apart with a blank column between.
big_text() {
	local src=${PK_SOURCE_DIR:-$(dirname "${BASH_SOURCE[0]}")/../..}
	local font
	font=$(grep -o "{ '.', { [0-9, ]* } }" "$src/src/ui/bigtext.c" |
		sed -E "s/^\{ '(.)', \{ ([0-9]), ([0-9]), ([0-9]), ([0-9]), ([0-9]) \} \}\$/\1\2\3\4\5\6/" |
		tr '\n' '|') && [ -n "$font" ] || fail "no glyph table in $src/src/ui/bigtext.c"
	local l
	pane_text "$1" | while IFS= read -r l; do
		l=${l//█/#}
		printf '%s\n' "${l//[^#]/.}"
	done | awk -v font="$font" '
	function bits(v,   s, b) { s = ""; for (b = 4; b >= 1; b = b / 2) s = s (int(v / b) % 2 ? "#" : "."); return s }
	function key(r, x,   k, i) { k = ""; for (i = 0; i < 5; i++) k = k substr(L[r + i], x, 3); return k }
	function col_blank(r, x,   i) { for (i = 0; i < 5; i++) if (substr(L[r + i], x, 1) == "#") return 0; return 1 }
	BEGIN {
		n = split(font, g, "|")
		for (i = 1; i <= n; i++) {
			if (length(g[i]) != 6) continue
			k = ""; for (j = 2; j <= 6; j++) k = k bits(substr(g[i], j, 1) + 0)
			D[k] = substr(g[i], 1, 1)
		}
	}
	{ L[nl++] = $0; if (length($0) > w) w = length($0) }
	END {
		for (i = 0; i < nl; i++) { while (length(L[i]) < w + 4) L[i] = L[i] "."; L[i] = "." L[i] }
		for (r = 0; r + 5 <= nl; r++) for (x = 2; x + 2 <= w + 1; x++) {
			if ((r, x) in used) continue
			k = key(r, x)
			if (!(k in D) || D[k] !~ /[0-9]/ || !col_blank(r, x - 1)) continue
			s = ""; cx = x
			while ((k = key(r, cx)) in D && k !~ /^\.+$/ && col_blank(r, cx + 3)) {
				s = s D[k]; used[r, cx] = 1; cx += 4
			}
			if (s != "") print s
		}
	}'
}

# The hook's report: a mark is its line count; what came after it.
hook_mark() { wc -l < "$HOOK" | tr -d ' '; }
hook_since() { tail -n +"$(( $1 + 1 ))" "$HOOK"; }
_hook_since_has() { hook_since "$1" | grep -qE -- "$2"; }
wait_hook() {
	poll_until "${3:-10}" _hook_since_has "$1" "$2" ||
		fail "the kiosk reported no /$2/ within ${3:-10} s; since the mark: $(hook_since "$1" | grep -E '^(display|dframe|input) ' | tail -n 5)"
}
# The customer frames completed after mark $1 (at most the newest 5): the
# header, then each row's text without blanks; frames separated by "==".
_dframes() {
	hook_since "$1" | awk '
	$1 == "dframe" { keep = 1; head = $0; split($4, sz, "="); split(sz[2], rc, "x"); nrows = rc[1] + 0; delete R; next }
	$1 == "drun" && keep { t = $0; sub(/^drun [0-9]+ [0-9]+ [0-9]+ /, "", t); gsub(/[ \t]/, "", t); R[$2] = R[$2] t; next }
	$1 == "dend" && keep {
		out = head "\n"; for (i = 0; i < nrows; i++) out = out R[i] "\n"
		F[++nf] = out; keep = 0
	}
	END { for (i = (nf > 5 ? nf - 4 : 1); i <= nf; i++) printf "%s==\n", F[i] }'
}
_dframe_since() { hook_since "$1" | grep -E '^dframe ' | grep -qE -- "$2"; }
wait_dframe() {
	poll_until "${3:-10}" _dframe_since "$1" "$2" ||
		fail "no customer frame /$2/ within ${3:-10} s; since the mark: $(hook_since "$1" | grep -E '^(display|dframe) ' | tail -n 3)"
}
# Pane $1 shows one of the customer frames drawn after mark $2.
_dpane_synced() {
	local pane frames f
	pane=$(tmux -L "$E2E_SOCK" capture-pane -p -t "$1" | sed 's/[[:space:]]//g'; echo x)
	pane=${pane%x}
	frames=$(_dframes "$2"; echo x)
	frames=${frames%x}
	[ -n "$frames" ] || return 1
	while [ -n "$frames" ]; do
		f=${frames%%==$'\n'*}
		frames=${frames#*==$'\n'}
		[ "${f#*$'\n'}" = "$pane" ] && return 0
	done
	return 1
}
wait_dpane() {
	poll_until "${3:-10}" _dpane_synced "$1" "$2" ||
		fail "pane $1 does not show the customer frame drawn after the mark ($(_dframes "$2" | grep '^dframe ' | tail -n 1)); it shows:
$(pane_text "$1")"
}

# wait_log TEXT [SECONDS]: the kiosk sent a log line with TEXT
# (kiosk_start -e "PAYKIOSK_LOG_SOCKET=$LOGSOCK" after syslog_listen).
wait_log() {
	poll_until "${2:-5}" grep -q -- "$1" "$E2E_TMP/syslog.txt" ||
		fail "no '$1' line in the log: $(cat "$E2E_TMP/syslog.txt" 2>/dev/null)"
}
# wait_dshown NAME MARK REGEX [SECONDS]: the kiosk drew a customer frame
# after MARK whose header matches REGEX (e.g. 'screen=upi .*lang=my'), and
# pane NAME shows that frame or one drawn after it.
_dframe_line() { hook_since "$1" | grep -nE '^dframe ' | grep -E -- "$2" | head -n 1 | cut -d: -f1; }
wait_dshown() {
	local n
	wait_dframe "$2" "$3" "${4:-10}"
	n=$(_dframe_line "$2" "$3")
	wait_dpane "$1" "$(( $2 + n - 1 ))" "${4:-10}"
}
