# smoke_signals.sh - the terminal is restored on every way out: Esc on the
# home screen, Ctrl-C (SIGINT), SIGTERM and SIGHUP in the middle of a sale,
# and a crash signal (SIGSEGV: the handler restores, then dies of it).
source "$(dirname "$0")/lib.sh"
e2e_init
sandbox_start

# start_in_sale: a kiosk showing a UPI QR (a request cycle in flight).
# Each run has its own journal (else the next start shows the recovery).
start_in_sale() {
	KIOSK_JOURNAL="$E2E_TMP/journal-$1.db"
	kiosk_start -j "$KIOSK_JOURNAL"
	wait_for "Choose the payment"
	keys 2
	assert_screen "Amount in INR"
	keys 5 0 Enter
	wait_for "Scan with any UPI app"
}

for sig in TERM HUP INT; do
	step "SIG$sig during a UPI sale"
	start_in_sale $sig
	pid=$(kiosk_proc)
	[ -n "$pid" ] || fail "no kiosk process"
	if [ $sig = INT ]; then
		keys_nowait C-c
	else
		kill -s $sig "$pid"
	fi
	kiosk_wait_exit 10
	[ "$KIOSK_STATUS" = 0 ] || fail "exit status $KIOSK_STATUS after SIG$sig"
	assert_terminal_restored
	# The sale is still open in the journal: nothing was decided for it.
	state=$(journal_sql "select state from sales order by id desc limit 1")
	[ "$state" = awaiting_payment ] || fail "sale state after SIG$sig: $state"
	kiosk_close
done

step "SIGSEGV: the crash handler restores the terminal"
start_in_sale SEGV
pid=$(kiosk_proc)
kill -s SEGV "$pid"
kiosk_wait_exit 10
[ "$KIOSK_STATUS" = 139 ] || fail "exit status $KIOSK_STATUS after SIGSEGV (want 139)"
assert_terminal_restored
kiosk_close

step "not a terminal: a clear message, exit 2"
out=$(PAYKIOSK_API_URL=$SANDBOX_URL PAYKIOSK_SECRET=$SANDBOX_SECRET \
	PAYKIOSK_JOURNAL=$KIOSK_JOURNAL "$PK_KIOSK" < /dev/null 2>&1)
st=$?
[ $st = 2 ] || fail "exit status $st without a terminal"
case $out in *terminal*) ;; *) fail "no clear message: $out" ;; esac
e2e_log "smoke_signals: ok"
