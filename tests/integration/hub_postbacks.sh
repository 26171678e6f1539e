# hub_postbacks.sh - Paykassma's deposit postbacks at the real hub, on a
# real PostgreSQL: what an operator sees in the database and the report.
# Bodies and signatures are made here in python3 (spec 2d: sha1(access_key .
# private_key . md5(compact JSON of additional_data)), json and hashlib),
# independently of the C code.
#  - signed (non-ASCII text and a "/" in a field): 200 {"status":"ok"}, one
#    trusted row; the same body again: 200, still one row;
#  - the same kind of body sent with whitespace, "\/" and \uXXXX escapes
#    (a surrogate pair too): the signature over the compact form verifies;
#  - forged (another private key): 403, kept untrusted, never money;
#  - not JSON, and JSON without additional_data: 400, kept;
#  - the database slow (a lock: statement timeout), stopped while a postback
#    waits on it, and stopped before one: 503 within seconds, nothing
#    answered ok; back up: the re-sent postback is 200 and stored once;
#  - the report: money with no sale, the untrusted and unreadable ones;
#    --csv is CSV;
#  - the private key is in none of the hub's stderr, the database (pg_dump
#    and the cluster's files) or the report.
source "$(dirname "$0")/../lib/hub.sh"
hub_init
hub_start a

expect_http() { # expect_http CODE [STATUS_FIELD]
	[ "$HTTP_CODE" = "$1" ] || fail "HTTP $HTTP_CODE (expected $1): $HTTP_BODY"
	if [ -n "${2:-}" ]; then
		[ "$(body_get 'j["status"]')" = "$2" ] || fail "answer '$HTTP_BODY', expected status $2"
	fi
}

step "healthz"
hub_http a GET /healthz
expect_http 200 ok

step "a signed postback (Hindi, Burmese, a '/'): 200 ok, one trusted row"
nosale_ctid="nosale-$(_hub_rand 6)"
pb_make "$E2E_TMP/pb1.json" --ctid "$nosale_ctid" --amount 250.00 --txid 322700000001 \
	--comment 'दुकान/7 ဆိုင် 1/2'
grep -q 'दुकान/7' "$E2E_TMP/pb1.json" || fail "the body does not carry the text as UTF-8 with a '/'"
hub_post_postback a "$E2E_TMP/pb1.json"
expect_http 200 ok
[ "$HTTP_BODY" = '{"status":"ok"}' ] || fail "the answer is '$HTTP_BODY', not exactly {\"status\":\"ok\"}"
[ "$(pb_rows trusted)" = 1 ] || fail "$(pb_rows trusted) trusted rows, expected 1"
[ "$(pb_rows)" = 1 ] || fail "$(pb_rows) rows, expected 1"

step "the same body again (Paykassma re-sends): 200 ok, still one row"
hub_post_postback a "$E2E_TMP/pb1.json"
expect_http 200 ok
[ "$(pb_rows)" = 1 ] || fail "a repeat made $(pb_rows) rows"

step "the same postback with whitespace, \\/ and \\uXXXX escapes: the same signature verifies, still one row"
pb_make "$E2E_TMP/pb1s.json" --ctid "$nosale_ctid" --amount 250.00 --txid 322700000001 \
	--comment 'दुकान/7 ဆိုင် 1/2' --style spaced
[ "$(json_get "$E2E_TMP/pb1s.json" "j['signature']")" = "$(json_get "$E2E_TMP/pb1.json" "j['signature']")" ] ||
	fail "the re-encoded body does not carry the same signature"
grep -qF 'दुकान' "$E2E_TMP/pb1s.json" && fail "the re-encoded body has the text unescaped"
hub_post_postback a "$E2E_TMP/pb1s.json"
expect_http 200 ok
[ "$(pb_rows_txid 322700000001)" = 1 ] || fail "the re-encoded repeat made $(pb_rows_txid 322700000001) rows"
[ "$(pb_rows trusted)" = 1 ] || fail "$(pb_rows trusted) trusted rows after the re-encoded repeat"

step "another postback sent only with escapes (quotes, a backslash, a surrogate pair): verifies"
pb_make "$E2E_TMP/pb2.json" --ctid "nosale-$(_hub_rand 6)" --amount 120.50 --txid 322700000002 \
	--comment 'कियोस्क/7 😀 "quoted" back\slash' --style spaced
grep -qF '\/' "$E2E_TMP/pb2.json" || fail "the spaced body has no \\/"
grep -qF '\ud83d\ude00' "$E2E_TMP/pb2.json" || fail "the spaced body has no surrogate pair"
grep -q '^.*"additional_data": \[$' "$E2E_TMP/pb2.json" || grep -qF '": [' "$E2E_TMP/pb2.json" ||
	fail "the spaced body has no whitespace"
hub_post_postback a "$E2E_TMP/pb2.json"
expect_http 200 ok
[ "$(pb_rows trusted)" = 2 ] || fail "$(pb_rows trusted) trusted rows, expected 2"

step "forged (another private key): 403, kept untrusted, logged"
pb_make "$E2E_TMP/pb3.json" --ctid "forged-$(_hub_rand 6)" --amount 999.99 --txid 322700000003 --key wrong
err_before=$(wc -l < "$E2E_TMP/hub-a.err")
hub_post_postback a "$E2E_TMP/pb3.json"
expect_http 403 error
[ "$(body_get 'j["message"]')" = signature ] || fail "the 403 says '$HTTP_BODY'"
[ "$(pb_rows untrusted)" = 1 ] || fail "$(pb_rows untrusted) untrusted rows, expected 1"
[ "$(pb_rows trusted)" = 2 ] || fail "the forged postback was stored as trusted"
_err_logged() { tail -n +"$((err_before + 1))" "$E2E_TMP/hub-a.err" | grep -qi 'signature'; }
poll_until 5 _err_logged || fail "no log line about the signature on the hub's stderr"

step "not JSON, and JSON without additional_data: 400, the raw body kept"
printf 'amount=700&currency=INR' > "$E2E_TMP/pb4.txt"
hub_post_postback a "$E2E_TMP/pb4.txt"
expect_http 400
printf '{"signature":"00","amount":700}' > "$E2E_TMP/pb5.json"
hub_post_postback a "$E2E_TMP/pb5.json"
expect_http 400
[ "$(pb_rows unreadable)" = 2 ] || fail "$(pb_rows unreadable) unreadable rows, expected 2"

step "the database slow (a lock held): 503 after the statement timeout, not ok"
pb_make "$E2E_TMP/pb6.json" --ctid "nosale-$(_hub_rand 6)" --amount 77.00 --txid 322700000006
hub_lock_postbacks                     # a session holds the table
t0=$(now_s)
HUB_HTTP_MAX=20 hub_post_postback a "$E2E_TMP/pb6.json"
t1=$(now_s)
expect_http 503
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
awk -v t="$took" 'BEGIN { exit !(t < 8) }' || fail "the 503 took $took s (statement timeout 5 s)"
e2e_log "503 after $took s"

step "the database stopped while a postback waits on it: 503, nothing stored"
hub_unlock_postbacks
# held by no session, so the stop cannot release it before it ends the
# hub's session: the postback's transaction can only be cut off
hub_lock_postbacks_prepared
HUB_HTTP_MAX=20 hub_post_postback_bg a "$E2E_TMP/pb6.json"
poll_until 5 hub_waiting_on_lock || fail "the postback never reached the database"
pg_stop_server || fail "the cluster did not stop" # ends every session
t0=$(now_s) # from the moment it is down (a stop under load takes its time)
hub_post_wait 15
t1=$(now_s)
[ "$HTTP_CODE" = 503 ] || fail "a postback cut off by the database answered $HTTP_CODE: $HTTP_BODY"
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
awk -v t="$took" 'BEGIN { exit !(t < 6) }' || fail "the 503 came $took s after the database stopped"

step "the database still down: a postback gets 503 within seconds, healthz 503"
t0=$(now_s)
hub_post_postback a "$E2E_TMP/pb6.json"
t1=$(now_s)
expect_http 503
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
awk -v t="$took" 'BEGIN { exit !(t < 6) }' || fail "the 503 took $took s"
hub_http a GET /healthz
expect_http 503

step "the database back: the re-sent postback is 200 and stored once"
pg_start_server || fail "the cluster did not start again"
hub_unlock_prepared
[ "$(pb_rows_txid 322700000006)" = 0 ] || fail "a postback answered 503 was stored"
hub_post_postback a "$E2E_TMP/pb6.json"
expect_http 200 ok
[ "$(pb_rows_txid 322700000006)" = 1 ] || fail "$(pb_rows_txid 322700000006) rows for the re-sent postback"
hub_http a GET /healthz
expect_http 200 ok

step "the report: money with no sale, untrusted and unreadable postbacks"
hub_cli report
[ "$HUB_STATUS" = 0 ] || fail "report exited $HUB_STATUS: $(hub_cli_err)"
report=$(cat "$HUB_OUT")
e2e_log "report:"$'\n'"$report"
# section TITLE: the lines under the heading "== TITLE ..." of the text report
section() { awk -v h="== $1" '/^== / { on = index($0, h) == 1; next } on' "$HUB_OUT"; }
section "Money with no sale" | grep -F 322700000001 | grep -qF '250.00 INR' ||
	fail "the report does not list the 250.00 INR that matches no sale"
section "Untrusted and unreadable" | grep -F 322700000003 | grep -qF untrusted ||
	fail "the report does not list the forged postback as untrusted"
[ "$(section "Untrusted and unreadable" | grep -c unreadable)" = 2 ] ||
	fail "the report does not list the two unreadable postbacks"
section "Totals of the day" | grep -qF 999.99 && fail "the forged 999.99 is in the day's totals"
section "Money with no sale" | grep -qF 999.99 && fail "the forged 999.99 is counted as money"
hub_cli report --csv
[ "$HUB_STATUS" = 0 ] || fail "report --csv exited $HUB_STATUS: $(hub_cli_err)"
python3 - "$HUB_OUT" <<'PY' || fail "report --csv: $(cat "$HUB_OUT")"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
assert len(rows) >= 2, "fewer than two rows"
width = len(rows[0])
bad = [r for r in rows if len(r) != width]
assert not bad, "rows of another width: %r" % bad[:2]
d = [dict(zip(rows[0], r)) for r in rows[1:]]
def sec(name):
    return [r for r in d if r["section"] == name]
nosale = {r["transaction_id"]: r for r in sec("money_without_sale")}
assert set(nosale) == {"322700000001", "322700000002", "322700000006"}, \
    "money with no sale: %r" % sorted(nosale)
assert nosale["322700000001"]["postback_amount"] == "250.00", nosale["322700000001"]
assert nosale["322700000001"]["postback_currency"] == "INR", nosale["322700000001"]
unt = sec("untrusted_postback")
assert sorted(r["trust"] for r in unt) == ["unreadable", "unreadable", "untrusted"], unt
forged = [r for r in unt if r["trust"] == "untrusted"][0]
assert forged["transaction_id"] == "322700000003", forged
# the forged money is never money: in no section but the untrusted one
for r in d:
    if r["section"] != "untrusted_postback":
        assert "999.99" not in r.values() and r["transaction_id"] != "322700000003", r
assert not any(r["paid_amount"] not in ("", "0", "0.00") for r in sec("totals")), sec("totals")
PY

step "the private key is nowhere: the hub's stderr, the database, the report"
hub_stop a
pg_as "$PG_BIN/pg_dump" -h 127.0.0.1 -p "$PG_PORT" -U pktest pkhub > "$E2E_TMP/dump.sql" ||
	fail "pg_dump failed"
[ -s "$E2E_TMP/dump.sql" ] || fail "empty dump"
# bodies are kept as bytes (bytea: hex in the dump): look for both forms
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
grep -qF "$(hex "$HUB_ACCESS_KEY")" "$E2E_TMP/dump.sql" ||
	fail "the dump does not even hold the bodies (no access key)"
! grep -qaF "$HUB_PRIVATE_KEY" "$E2E_TMP/dump.sql" || fail "the private key is in the database"
! grep -qaF "$(hex "$HUB_PRIVATE_KEY")" "$E2E_TMP/dump.sql" || fail "the private key is in the database (bytes)"
pg_stop_server
hits=$(grep -rlaF -- "$HUB_PRIVATE_KEY" "$PG_DIR" 2>/dev/null || true)
[ -z "$hits" ] || fail "the private key is in the cluster's files: $hits"
! grep -qaF "$HUB_PRIVATE_KEY" "$E2E_TMP/hub-a.err" || fail "the private key is on the hub's stderr"
# (every other artefact in $E2E_TMP - reports, answers - is swept on exit)
e2e_log "hub_postbacks: ok"
