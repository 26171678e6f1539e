# network_faults.sh - a hostile network seen from the cashier's side: every
# broken answer to a UPI create gets a true message on the screen, no QR is
# shown for it, the sale ends abandoned/failed (never paid), and the kiosk
# stays live; a status poll that keeps failing for a while ("Connection
# problem") still ends paid; connection refused and a TLS failure (a
# self-signed certificate on loopback: refused, no way to skip it) too.
source "$(dirname "$0")/lib.sh"
e2e_init
command -v openssl >/dev/null || fail "openssl is not installed"
sandbox_start
kiosk_start

try_create() { # try_create MODE EXPECTED-TEXT
	step "UPI create answered with fault '$1'"
	sandbox_post /_sandbox/fault "{\"call\":\"upi_create\",\"mode\":\"$1\",\"count\":1}" >/dev/null
	keys 2; assert_screen "Amount in INR"
	keys 1 2 3 Enter
	wait_for "$2" 25
	refute_screen "Scan with any UPI app"
	to_home
	local st; st=$(last_sale state)
	case $st in abandoned|failed|creating) ;; *) fail "after '$1' the sale is '$st'" ;; esac
}
wait_for "Choose the payment"
try_create empty "The gateway sent an answer the kiosk does not understand"
try_create wrong_shape "The gateway sent an answer the kiosk does not understand"
try_create not_upi "The gateway sent an answer the kiosk does not understand"
try_create single_quote_fail "MESSAGE"
try_create http500_html "HTTP 500"
try_create huge_body "too large"
try_create reset "failed"

step "status polls that fail for a while, then the payment"
keys 2; assert_screen "Amount in INR"
keys 2 3 4 Enter
wait_for "Scan with any UPI app"
order=$(screen_order_id)
sandbox_post /_sandbox/fault '{"call":"upi_status","mode":"reset","count":2}' >/dev/null
sandbox_post /_sandbox/fault '{"call":"upi_status","mode":"http500_html","count":2}' >/dev/null
wait_for "Connection problem" 15
[ "$(last_sale state)" = awaiting_payment ] || fail "a poll error changed the sale's state"
sandbox_settle "$order" success >/dev/null
wait_for "Paid" 30
[ "$(last_sale state)" = paid ] || fail "the sale did not end paid"
keys Enter
assert_screen "Choose the payment"
keys Escape
kiosk_wait_exit 10
kiosk_close

step "connection refused"
SANDBOX_URL=http://127.0.0.1:9   # the discard port: nothing listens
kiosk_start
wait_for "Choose the payment"
keys 2; assert_screen "Amount in INR"
keys 1 0 0 Enter
wait_for "Could not connect to the gateway" 15
to_home
keys Escape
kiosk_wait_exit 10
kiosk_close

step "TLS: a self-signed certificate on loopback is refused"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 \
	-keyout "$E2E_TMP/k.pem" -out "$E2E_TMP/c.pem" >/dev/null 2>&1 || fail "openssl req failed"
port=$((20000 + RANDOM % 20000))
openssl s_server -accept "127.0.0.1:$port" -cert "$E2E_TMP/c.pem" -key "$E2E_TMP/k.pem" -www -quiet \
	</dev/null >/dev/null 2>&1 &
tls=$!
trap 'rc=$?; kill $tls 2>/dev/null; (exit $rc); e2e_cleanup' EXIT
# Wait until it listens (127.0.0.1:port in state LISTEN in /proc/net/tcp).
tls_listening() {
	kill -0 "$tls" 2>/dev/null || fail "openssl s_server exited (port $port in use?)"
	awk -v a="$(printf '0100007F:%04X' "$port")" '$2 == a && $4 == "0A" { f = 1 } END { exit !f }' /proc/net/tcp
}
poll_until 10 tls_listening || fail "openssl s_server does not listen on $port"
SANDBOX_URL=https://127.0.0.1:$port
kiosk_start
wait_for "Choose the payment"
keys 2; assert_screen "Amount in INR"
keys 1 0 0 Enter
wait_for "The secure connection to the gateway (127.0.0.1) failed" 15
to_home
keys Escape
kiosk_wait_exit 10
e2e_log "network_faults: ok"
