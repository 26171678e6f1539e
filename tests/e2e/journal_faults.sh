# journal_faults.sh - the kiosk cannot record, so it does not take the
# payment: a journal on a full disk (a 4 MiB tmpfs, filled), on a
# read-only disk (tmpfs remounted read-only) and locked by another program.
# Each time the cashier reads a clear message, no request reaches the
# gateway, and what was already recorded is still there afterwards.
# Needs root (mount), as the README's test command runs.
source "$(dirname "$0")/lib.sh"
e2e_init
sandbox_start

disk=$E2E_TMP/disk
mkdir -p "$disk"
mount -t tmpfs -o size=4m tmpfs "$disk" || fail "cannot mount a tmpfs for the full-disk test (run as root)"
cleanup_disk() { umount -l "$disk" 2>/dev/null || true; }
trap 'rc=$?; cleanup_disk; (exit $rc); e2e_cleanup' EXIT
creates() { grep -c 'call=upi_create' "$E2E_TMP/sandbox.log" || true; }
creates_are() { [ "$(creates)" = "$1" ]; }

step "a sale recorded while there is room"
kiosk_start -j "$disk/journal.db"
wait_for "Choose the payment"
keys 2
assert_screen "Amount in INR"
keys 1 1 Enter
wait_for "Scan with any UPI app"
sandbox_settle "$(screen_order_id)" success >/dev/null
wait_for "Paid" 10
keys Enter
assert_screen "Choose the payment"
[ "$(creates)" = 1 ] || fail "want 1 create so far"

step "disk full: the sale is refused with a clear message"
dd if=/dev/zero of="$disk/fill" bs=64k count=100 2>/dev/null || true
keys 2
assert_screen "Amount in INR"
keys 2 2 Enter
wait_for "Cannot write to the sales journal" 10
assert_screen "full"
assert_screen "22"                        # the amount typed is still there
refute_screen "Scan with any UPI app"
# An absence: no create reaches the gateway for a while after the refusal.
creates_are 1 || fail "a create reached the gateway although the sale was not recorded"
assert_stays 1 creates_are 1

step "room again: the same entry goes through"
rm -f "$disk/fill"
keys Enter                               # the same amount, again
wait_for "Scan with any UPI app" 10
sandbox_settle "$(screen_order_id)" success >/dev/null
wait_for "Paid" 10
keys Enter
assert_screen "Choose the payment"
keys Escape
kiosk_wait_exit 10
kiosk_close
n=$(sqlite3 "$disk/journal.db" "select count(*) from sales where state = 'paid'")
[ "$n" = 2 ] || fail "want the 2 paid sales in the journal, found $n"

step "read-only disk: the kiosk says so and takes no payment"
mount -o remount,ro "$disk" || fail "cannot remount read-only"
kiosk_start -j "$disk/journal.db"
kiosk_wait_exit 10
[ "$KIOSK_STATUS" != 0 ] || fail "the kiosk ran on a read-only journal"
grep -q "sales journal" "$E2E_TMP/kiosk.err" || fail "no clear message: $(cat "$E2E_TMP/kiosk.err")"
kiosk_close
mount -o remount,rw "$disk"
n=$(sqlite3 "$disk/journal.db" "select count(*) from sales where state = 'paid'")
[ "$n" = 2 ] || fail "the read-only start lost sales ($n)"

step "locked by another program"
# The other program (sqlite3, fed through a FIFO) holds the journal's write
# lock until it is told to commit.
mkfifo "$E2E_TMP/locker.in"
sqlite3 "$disk/journal.db" < "$E2E_TMP/locker.in" >/dev/null 2>"$E2E_TMP/locker.err" &
locker=$!
exec 7> "$E2E_TMP/locker.in"
printf '.bail on\n.timeout 5000\nBEGIN EXCLUSIVE;\nselect 1;\n' >&7
# Held: a third program's write transaction is refused as locked.
journal_locked() {
	local out
	out=$(sqlite3 "$disk/journal.db" "BEGIN IMMEDIATE; ROLLBACK;" 2>&1)
	case $out in *"database is locked"*) return 0 ;; esac
	return 1
}
poll_until 10 journal_locked || fail "the other program does not hold the lock: $(cat "$E2E_TMP/locker.err")"
kiosk_start -j "$disk/journal.db" 7>&- # the tmux server must not keep the FIFO open
kiosk_wait_exit 15
[ "$KIOSK_STATUS" != 0 ] || fail "the kiosk ran on a locked journal"
grep -q "in use by another program" "$E2E_TMP/kiosk.err" || fail "no clear message: $(cat "$E2E_TMP/kiosk.err")"
journal_locked || fail "the lock was let go before the kiosk gave up"
echo "COMMIT;" >&7
exec 7>&-
wait "$locker" || fail "the other program failed: $(cat "$E2E_TMP/locker.err")"
kiosk_close
[ "$(creates)" = 2 ] || fail "want exactly 2 creates in all"
e2e_log "journal_faults: ok"
