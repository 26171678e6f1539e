# hub_tls.sh - the hub speaks HTTPS when given a certificate (docs/HUB.md):
#  - with tls_cert and tls_key it prints an https:// URL, answers /healthz
#    and a signed postback over TLS to a client that trusts the certificate,
#    and a client that does not trust it is refused (certificate check);
#  - plain HTTP to the TLS port gets no HTTP answer;
#  - listening off loopback without a certificate is refused at start
#    (exit 2, the message names TLS), and so is a tls_key others can read.
# Loopback only: the off-loopback case is refused before it listens.
source "$(dirname "$0")/../lib/hub.sh"
hub_init
command -v openssl >/dev/null || fail "openssl is missing (Debian package openssl)"

step "a self-signed certificate for 127.0.0.1"
(umask 077
 openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 \
	-keyout "$E2E_TMP/hub-key.pem" -out "$E2E_TMP/hub-cert.pem" 2> "$E2E_TMP/openssl.err") ||
	fail "openssl: $(cat "$E2E_TMP/openssl.err")"

step "the hub with tls_cert and tls_key: https, and only for clients that trust it"
HUB_CONF=("tls_cert = $E2E_TMP/hub-cert.pem" "tls_key = $E2E_TMP/hub-key.pem")
hub_start tls
case ${HUB_URL[tls]} in
https://*) ;;
*) fail "with a certificate the hub printed ${HUB_URL[tls]}, not an https:// URL" ;;
esac
HUB_CURL_OPTS=(--cacert "$E2E_TMP/hub-cert.pem")
hub_http tls GET /healthz
[ "$HTTP_CODE" = 200 ] || fail "healthz over TLS: HTTP $HTTP_CODE $HTTP_BODY ($(cat "$E2E_TMP/http.$HUB_HTTP_N.err"))"
json_check "$E2E_TMP/http.body" 'j["status"] == "ok"' >/dev/null || fail "healthz over TLS said $HTTP_BODY"

pb_make "$E2E_TMP/pb.json" --ctid "ct-tls-$(_hub_rand 4)" --amount 120.00
hub_post_postback tls "$E2E_TMP/pb.json"
[ "$HTTP_CODE" = 200 ] && [ "$HTTP_BODY" = '{"status":"ok"}' ] ||
	fail "signed postback over TLS: HTTP $HTTP_CODE $HTTP_BODY"
[ "$(hub_sql "select count(*) from postbacks where trust = 'trusted'")" = 1 ] ||
	fail "the postback sent over TLS was not stored once as trusted"

HUB_CURL_OPTS=()
hub_http tls GET /healthz
[ "$HTTP_CODE" = 000 ] || fail "a client that does not trust the certificate got HTTP $HTTP_CODE"
grep -qiE 'certificate|SSL' "$E2E_TMP/http.$HUB_HTTP_N.err" ||
	fail "curl without the certificate failed for another reason: $(cat "$E2E_TMP/http.$HUB_HTTP_N.err")"

step "plain HTTP to the TLS port: no HTTP answer"
plain=${HUB_URL[tls]/https:/http:}
code=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "$plain/healthz" 2>/dev/null)
[ "$code" = 000 ] || fail "plain HTTP to the TLS port got HTTP $code"
hub_stop tls

step "off loopback without a certificate: refused at start"
: > "$E2E_TMP/nokeys.conf"; chmod 600 "$E2E_TMP/nokeys.conf"
"$PK_HUB" serve --listen 0.0.0.0:0 --database "$PG_CONNINFO" --config "$E2E_TMP/nokeys.conf" \
	--exit-on-stdin-eof < /dev/null > "$E2E_TMP/off.out" 2> "$E2E_TMP/off.err"
st=$?
[ $st = 2 ] || fail "--listen 0.0.0.0 without TLS exited $st, not 2: $(cat "$E2E_TMP/off.err")"
grep -qi 'tls' "$E2E_TMP/off.err" || fail "the refusal does not name TLS: $(cat "$E2E_TMP/off.err")"
[ ! -s "$E2E_TMP/off.out" ] || fail "the refused hub printed a URL: $(cat "$E2E_TMP/off.out")"

step "a tls_key that others can read: refused at start"
chmod 644 "$E2E_TMP/hub-key.pem"
printf 'tls_cert = %s\ntls_key = %s\n' "$E2E_TMP/hub-cert.pem" "$E2E_TMP/hub-key.pem" > "$E2E_TMP/open.conf"
chmod 600 "$E2E_TMP/open.conf"
"$PK_HUB" serve --listen 127.0.0.1:0 --database "$PG_CONNINFO" --config "$E2E_TMP/open.conf" \
	--exit-on-stdin-eof < /dev/null > "$E2E_TMP/open.out" 2> "$E2E_TMP/open.err"
st=$?
[ $st = 2 ] || fail "a world-readable tls_key: exit $st, not 2: $(cat "$E2E_TMP/open.err")"
grep -qF "hub-key.pem" "$E2E_TMP/open.err" || fail "the refusal does not name the key file: $(cat "$E2E_TMP/open.err")"
chmod 600 "$E2E_TMP/hub-key.pem"

e2e_log "hub_tls: ok"
