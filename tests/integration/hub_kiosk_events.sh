# hub_kiosk_events.sh - the kiosk side of the hub's protocol (docs/HUB.md),
# spoken with curl and python3 the way a kiosk speaks it, on a real
# PostgreSQL:
#  - add-kiosk prints a token once (one line); events posted with it are
#    acked ({"acked":N}); re-sent events are stored once; a wrong or missing
#    token is 401; adding the counter again makes the old token stop working;
#  - the news long poll: with no news it is held (then answers
#    {"news":[],"next":after}); a signed postback for the kiosk's open sale
#    (same ctid, amount, currency) answers it within a second, with the
#    sale's news (outcome paid, the transaction id);
#  - a postback that comes before the kiosk's events is matched when they
#    come; another amount, or a forged signature, gives no news (the report
#    lists them: ambiguous, untrusted);
#  - two hubs on one database: a postback to hub A wakes the long poll held
#    by hub B (NOTIFY); the postback-to-answer latency is printed, < 2 s.
source "$(dirname "$0")/../lib/hub.sh"
hub_init
HUB_CONF=("long_poll_max = 25")
hub_start a

latency() { json_get "$NEWS_OUT" "round(j['t1'] - $1, 3)"; }
news_field() { json_get "$NEWS_OUT" "j['body']$1"; }

step "add-kiosk: a token, once"
hub_add_kiosk shop1 c1
auth1=$(hub_auth shop1 c1)
tok1=$HUB_TOKEN
pg_as "$PG_BIN/pg_dump" -h 127.0.0.1 -p "$PG_PORT" -U pktest pkhub > "$E2E_TMP/dump1.sql" || fail "pg_dump"
grep -qF shop1 "$E2E_TMP/dump1.sql" || fail "the counter is not in the database"
! grep -qF "$tok1" "$E2E_TMP/dump1.sql" || fail "the token is stored in clear"

step "events: acked, re-sent ones stored once"
ctid1="ct-$(_hub_rand 6)"
ev_make "$E2E_TMP/ev1.json" --ctid "$ctid1" --order-id ord1 --amount 10050 \
	1::new:none 2:new:creating:none 3:creating:awaiting_payment:not_known
hub_http a POST /kiosk/events "$auth1" "$E2E_TMP/ev1.json"
[ "$HTTP_CODE" = 200 ] || fail "events: HTTP $HTTP_CODE $HTTP_BODY"
[ "$(body_get 'j["acked"]')" = 3 ] || fail "events: acked '$HTTP_BODY', expected 3"
[ "$(event_rows)" = 3 ] || fail "$(event_rows) events stored, expected 3"
# the kiosk did not see the answer and sends them again, with one more
ev_make "$E2E_TMP/ev2.json" --ctid "$ctid1" --order-id ord1 --amount 10050 \
	2:new:creating:none 3:creating:awaiting_payment:not_known 4:awaiting_payment:unconfirmed:not_known
hub_http a POST /kiosk/events "$auth1" "$E2E_TMP/ev2.json"
[ "$HTTP_CODE" = 200 ] || fail "events again: HTTP $HTTP_CODE $HTTP_BODY"
[ "$(body_get 'j["acked"]')" = 4 ] || fail "events again: acked '$HTTP_BODY', expected 4"
[ "$(event_rows)" = 4 ] || fail "$(event_rows) events stored after a re-send, expected 4"

step "a wrong token, no token: 401, nothing stored"
(umask 077; printf 'Authorization: Bearer %s\n' "x${tok1:1}" > "$E2E_TMP/auth-wrong.secret")
ev_make "$E2E_TMP/ev3.json" --ctid "ct-other" 9::new:none
hub_http a POST /kiosk/events "$E2E_TMP/auth-wrong.secret" "$E2E_TMP/ev3.json"
[ "$HTTP_CODE" = 401 ] || fail "a wrong token got HTTP $HTTP_CODE"
hub_http a POST /kiosk/events - "$E2E_TMP/ev3.json"
[ "$HTTP_CODE" = 401 ] || fail "no token got HTTP $HTTP_CODE"
hub_http a GET "/kiosk/news?after=0&wait=0" "$E2E_TMP/auth-wrong.secret"
[ "$HTTP_CODE" = 401 ] || fail "news with a wrong token got HTTP $HTTP_CODE"
[ "$(event_rows)" = 4 ] || fail "a refused request stored events"

step "the long poll with no news: held, then empty with next = after"
hub_news_bg a "$auth1" 0 2
assert_stays 1 kill -0 "$NEWS_PID"   # held, not answered at once
news_wait 5
json_check "$NEWS_OUT" "j['code'] == 200" "j['body']['news'] == []" "j['body']['next'] == 0" \
	"1.8 <= j['t1'] - j['t0'] < 4" || fail "an empty long poll of 2 s: $(cat "$NEWS_OUT")"

step "a signed postback for the open sale wakes the long poll within a second"
hub_news_bg a "$auth1" 0 20
assert_stays 0.5 kill -0 "$NEWS_PID"
pb_make "$E2E_TMP/pb1.json" --ctid "$ctid1" --amount 100.50 --currency INR --txid 322711110001
t0=$(now_s)
hub_post_postback a "$E2E_TMP/pb1.json"
[ "$HTTP_CODE" = 200 ] || fail "postback: HTTP $HTTP_CODE $HTTP_BODY"
news_wait 5
lat=$(latency "$t0")
e2e_log "postback -> news answer (one hub): $lat s"
awk -v l="$lat" 'BEGIN { exit !(l < 1.0) }' || fail "the news came $lat s after the postback"
json_check "$NEWS_OUT" "j['code'] == 200" "len(j['body']['news']) == 1" \
	"j['body']['news'][0]['ctid'] == '$ctid1'" "j['body']['news'][0]['outcome'] == 'paid'" \
	"j['body']['news'][0]['amount'] == 10050" "j['body']['news'][0]['currency'] == 'INR'" \
	"j['body']['news'][0]['transaction_id'] == '322711110001'" \
	"j['body']['next'] == j['body']['news'][-1]['id']" || fail "news: $(cat "$NEWS_OUT")"
next1=$(news_field "['next']")
# asked again after it: nothing new (a repeat of the postback adds no news)
hub_post_postback a "$E2E_TMP/pb1.json"
[ "$HTTP_CODE" = 200 ] || fail "the repeated postback: HTTP $HTTP_CODE"
hub_http a GET "/kiosk/news?after=$next1&wait=0" "$auth1"
[ "$HTTP_CODE" = 200 ] && [ "$(body_get 'j["news"]')" = "[]" ] ||
	fail "news after $next1: $HTTP_CODE $HTTP_BODY"
# asked from the start: the news is still there (a kiosk that lost it)
hub_http a GET "/kiosk/news?after=0&wait=0" "$auth1"
[ "$(body_get 'j["news"][0]["ctid"]')" = "$ctid1" ] || fail "news from 0: $HTTP_BODY"

step "a postback before the kiosk's events: matched when the events arrive"
ctid3="ct-$(_hub_rand 6)"
pb_make "$E2E_TMP/pb3.json" --ctid "$ctid3" --amount 20.00 --currency INR --txid 322711110003
hub_post_postback a "$E2E_TMP/pb3.json"
[ "$HTTP_CODE" = 200 ] || fail "early postback: HTTP $HTTP_CODE $HTTP_BODY"
hub_http a GET "/kiosk/news?after=$next1&wait=0" "$auth1"
[ "$(body_get 'j["news"]')" = "[]" ] || fail "news before the sale exists: $HTTP_BODY"
hub_news_bg a "$auth1" "$next1" 10
ev_make "$E2E_TMP/ev5.json" --ctid "$ctid3" --order-id ord3 --amount 2000 \
	5::new:none 6:new:creating:none 7:creating:awaiting_payment:not_known
hub_http a POST /kiosk/events "$auth1" "$E2E_TMP/ev5.json"
[ "$(body_get 'j["acked"]')" = 7 ] || fail "events: $HTTP_CODE $HTTP_BODY"
news_wait 5
json_check "$NEWS_OUT" "j['body']['news'][0]['ctid'] == '$ctid3'" ||
	fail "no news for the early postback: $(cat "$NEWS_OUT")"
next1=$(news_field "['next']")

step "another amount, a forged signature: no news, the report says so"
ctid4="ct-$(_hub_rand 6)"
ev_make "$E2E_TMP/ev6.json" --ctid "$ctid4" --order-id ord4 --amount 30000 \
	8::new:none 9:new:creating:none 10:creating:awaiting_payment:not_known
hub_http a POST /kiosk/events "$auth1" "$E2E_TMP/ev6.json"
[ "$(body_get 'j["acked"]')" = 10 ] || fail "events: $HTTP_CODE $HTTP_BODY"
pb_make "$E2E_TMP/pb4.json" --ctid "$ctid4" --amount 299.00 --currency INR --txid 322711110004
hub_post_postback a "$E2E_TMP/pb4.json"
[ "$HTTP_CODE" = 200 ] || fail "postback of another amount: HTTP $HTTP_CODE $HTTP_BODY"
pb_make "$E2E_TMP/pb5.json" --ctid "$ctid4" --amount 300.00 --currency INR --txid 322711110005 --key wrong
hub_post_postback a "$E2E_TMP/pb5.json"
[ "$HTTP_CODE" = 403 ] || fail "forged postback: HTTP $HTTP_CODE $HTTP_BODY"
# a news row is written before the postback's 200: none now means none
hub_http a GET "/kiosk/news?after=$next1&wait=0" "$auth1"
[ "$HTTP_CODE" = 200 ] && [ "$(body_get 'j["news"]')" = "[]" ] ||
	fail "news for another amount or a forged postback: $HTTP_BODY"
hub_cli report --csv
[ "$HUB_STATUS" = 0 ] || fail "report exited $HUB_STATUS: $(hub_cli_err)"
python3 - "$HUB_OUT" "$ctid4" <<'PY' || fail "report: $(cat "$HUB_OUT")"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
amb = [r for r in rows if r["section"] == "ambiguous" and r["transaction_id"] == "322711110004"]
assert amb and amb[0]["ctid"] == sys.argv[2], "another amount is not listed as ambiguous: %r" % amb
unt = [r for r in rows if r["section"] == "untrusted_postback" and r["transaction_id"] == "322711110005"]
assert unt, "the forged postback is not listed as untrusted"
PY

step "another kiosk does not get this kiosk's news"
hub_add_kiosk shop1 c2
auth2=$(hub_auth shop1 c2)
hub_http a GET "/kiosk/news?after=0&wait=0" "$auth2"
[ "$HTTP_CODE" = 200 ] && [ "$(body_get 'j["news"]')" = "[]" ] || fail "c2 sees: $HTTP_BODY"

step "two hubs on one database: a postback to A wakes the long poll held by B"
hub_start b
ctid2="ct-$(_hub_rand 6)"
ev_make "$E2E_TMP/ev4.json" --ctid "$ctid2" --method wavepay --currency MMK --amount 5000 \
	--key1 3234567890 1::new:none 2:new:awaiting_txid:not_known 3:awaiting_txid:activating:not_known \
	4:activating:pending:not_known
hub_http b POST /kiosk/events "$auth2" "$E2E_TMP/ev4.json"
[ "$(body_get 'j["acked"]')" = 4 ] || fail "events to B: $HTTP_CODE $HTTP_BODY"
hub_news_bg b "$auth2" 0 20
assert_stays 0.5 kill -0 "$NEWS_PID"
pb_make "$E2E_TMP/pb2.json" --ctid "$ctid2" --amount 5000 --currency MMK --wallet wavepay --txid 3234567890
t0=$(now_s)
hub_post_postback a "$E2E_TMP/pb2.json"
[ "$HTTP_CODE" = 200 ] || fail "postback to A: HTTP $HTTP_CODE $HTTP_BODY"
news_wait 5
lat=$(latency "$t0")
echo "postback to hub A -> news answer from hub B: $lat s"
awk -v l="$lat" 'BEGIN { exit !(l < 2.0) }' || fail "hub B answered $lat s after the postback to A"
json_check "$NEWS_OUT" "j['body']['news'][0]['ctid'] == '$ctid2'" \
	"j['body']['news'][0]['outcome'] == 'paid'" "j['body']['news'][0]['amount'] == 5000" \
	"j['body']['news'][0]['currency'] == 'MMK'" || fail "news from B: $(cat "$NEWS_OUT")"

step "add-kiosk again: a new token; the old one stops working"
hub_add_kiosk shop1 c1
[ "$HUB_TOKEN" != "$tok1" ] || fail "the same token twice"
hub_http a GET "/kiosk/news?after=0&wait=0" "$auth1"   # auth1 file now holds the new token
[ "$HTTP_CODE" = 200 ] || fail "the new token: HTTP $HTTP_CODE"
(umask 077; printf 'Authorization: Bearer %s\n' "$tok1" > "$E2E_TMP/auth-old.secret")
hub_http a GET "/kiosk/news?after=0&wait=0" "$E2E_TMP/auth-old.secret"
[ "$HTTP_CODE" = 401 ] || fail "the replaced token still works: HTTP $HTTP_CODE"

hub_stop b
hub_stop a
e2e_log "hub_kiosk_events: ok"
