# hub_sale_identity.sh - a sale keeps one identity at the hub when its ctid
# changes (docs/HUB.md, "POST /kiosk/events": sale.id).  A Wavepay sale
# whose transaction ID the cashier corrects gets a new ctid (...-a2); the
# kiosk sends its journal's sale id in every event, and the hub keeps ONE
# sale, with the latest state and ctid - never a phantom open sale beside
# the paid one.  Spoken with curl and python3 the way a kiosk speaks, on a
# real PostgreSQL:
#  - refused under ctid A, then paid under A-a2: one sale, paid, ctid A-a2;
#    the report counts it paid and shows no open sale; re-sending an old
#    event changes nothing;
#  - an open sale whose ctid changed: a signed postback for its current
#    ctid closes it (news: the kiosk's sale id and the current ctid); one
#    for the EARLIER attempt's ctid finds it too; a postback that comes
#    before the event with the new ctid is matched when it comes;
#  - an event without sale.id (an older kiosk) is refused with 400 naming
#    the field, nothing stored.
source "$(dirname "$0")/../lib/hub.sh"
hub_init
hub_start a
hub_add_kiosk shop1 c1
auth=$(hub_auth shop1 c1)

# ev_sale FILE SALE_ID CTID SEQ:FROM:TO:OUTCOME...: a Wavepay sale's events
# (5,000 MMK) as the kiosk sends them: the sale as it is now, with its
# journal id.
ev_sale() {
	local out=$1 id=$2 ctid=$3
	shift 3
	ev_make "$out" --ctid "$ctid" --method wavepay --currency MMK --amount 5000 \
		--key1 "${KEY1:-1234567890}" --label till-7 "$@"
	python3 - "$out" "$id" <<'PY' || fail "ev_sale: cannot add sale.id"
import json, sys
path, sale_id = sys.argv[1], int(sys.argv[2])
j = json.load(open(path))
for e in j["events"]:
    e["sale"]["id"] = sale_id
json.dump(j, open(path, "w"))
PY
}
post_events() { # FILE EXPECTED_ACKED
	hub_http a POST /kiosk/events "$auth" "$1"
	[ "$HTTP_CODE" = 200 ] || fail "events $1: HTTP $HTTP_CODE $HTTP_BODY"
	[ "$(body_get 'j["acked"]')" = "$2" ] || fail "events $1: '$HTTP_BODY', expected acked $2"
}
# what the hub holds for the kiosk's sale id: "rows ctid state outcome"
hub_sale() {
	hub_sql "select count(*) over (), custom_transaction_id, state, outcome from sales
		where kiosk_sale_id = $1" | tr '|' ' '
}
sales_rows() { hub_sql "select count(*) from sales"; }
ctids_of() { hub_sql "select string_agg(c.custom_transaction_id, ' ' order by c.first_seq) from sale_ctids c
	join sales s on s.id = c.sale_id where s.kiosk_sale_id = $1"; }
# the report's totals for Wavepay: "paid_count paid_amount open_count"
report_wavepay() {
	hub_cli report --csv
	[ "$HUB_STATUS" = 0 ] || fail "report exited $HUB_STATUS: $(hub_cli_err)"
	python3 - "$HUB_OUT" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8", newline=""))
        if r["section"] == "totals" and r["method"] == "wavepay"]
print(" ".join("%s %s %s" % (r["paid_count"], r["paid_amount"], r["open_count"]) for r in rows))
PY
}
report_has_ctid() { python3 - "$HUB_OUT" "$1" <<'PY'
import csv, sys
sys.exit(0 if any(r["ctid"] == sys.argv[2]
                  for r in csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
         else 1)
PY
}
news_for() { # SALE_ID: the news items for it, as "sale_id ctid outcome transaction_id"
	hub_http a GET "/kiosk/news?after=0&wait=0" "$auth"
	[ "$HTTP_CODE" = 200 ] || fail "news: HTTP $HTTP_CODE $HTTP_BODY"
	body_get "' '.join('%s %s %s %s' % (n.get('sale_id'), n['ctid'], n['outcome'],
		n['transaction_id']) for n in j['news'] if n.get('sale_id') == $1)"
}

step "refused under ctid A, paid under A-a2: one sale, paid"
A="till-7-20251130104700-$(_hub_rand 8)"
ev_sale "$E2E_TMP/s1a.json" 11 "$A" 1::new:none 2:new:awaiting_txid:not_known \
	3:awaiting_txid:activating:not_known 4:activating:refused:not_known
post_events "$E2E_TMP/s1a.json" 4
[ "$(hub_sale 11)" = "1 $A refused not_known" ] || fail "after A refused: '$(hub_sale 11)'"
totals=$(report_wavepay)
[ "$totals" = "0 0 1" ] || fail "report before the correction: wavepay totals '$totals', one open sale expected"
# the cashier corrects the ID: a new ctid for the same journal sale
KEY1=2234567890 ev_sale "$E2E_TMP/s1b.json" 11 "$A-a2" 5:refused:activating:not_known \
	6:activating:paid:paid
post_events "$E2E_TMP/s1b.json" 6
[ "$(hub_sale 11)" = "1 $A-a2 paid paid" ] || fail "after A-a2 paid: '$(hub_sale 11)'"
[ "$(sales_rows)" = 1 ] || fail "$(sales_rows) sales at the hub for one kiosk sale"
[ "$(ctids_of 11)" = "$A $A-a2" ] || fail "the sale's ctids: '$(ctids_of 11)'"
[ "$(hub_sql "select key1 from sales where kiosk_sale_id = 11")" = 2234567890 ] ||
	fail "the sale's key1 is not the corrected ID"
[ "$(hub_sql "select count(distinct kiosk_sale_id) || ' ' || count(*) from kiosk_events")" = "1 6" ] ||
	fail "kiosk events: $(hub_sql "select seq, kiosk_sale_id, custom_transaction_id from kiosk_events")"
# what a shop owner reads: one paid sale of 5,000 MMK, nothing open
totals=$(report_wavepay)
[ "$totals" = "1 5000 0" ] || fail "report: wavepay totals '$totals', expected 1 paid (5000), 0 open"
hub_cli report --csv # report_wavepay ran in a subshell: read the report here
[ "$HUB_STATUS" = 0 ] && [ -s "$HUB_OUT" ] || fail "report --csv: exit $HUB_STATUS: $(hub_cli_err)"
grep -q '^totals,.*,wavepay,1,' "$HUB_OUT" || fail "the report has no wavepay totals row: $(cat "$HUB_OUT")"
! report_has_ctid "$A" || fail "the report still shows the first attempt's ctid $A: $(cat "$HUB_OUT")"
# the kiosk did not see the answer and re-sends the first batch: nothing moves back
post_events "$E2E_TMP/s1a.json" 6
[ "$(hub_sale 11)" = "1 $A-a2 paid paid" ] || fail "a re-sent old event changed the sale: '$(hub_sale 11)'"

step "an event without sale.id (an older kiosk): 400 naming the field"
ev_make "$E2E_TMP/old.json" --ctid "ct-old-$(_hub_rand 4)" 7::new:none
python3 - "$E2E_TMP/old.json" <<'PY' || fail "cannot drop sale.id"
import json, sys
body = json.load(open(sys.argv[1]))
for e in body["events"]:
    del e["sale"]["id"]
json.dump(body, open(sys.argv[1], "w"))
PY
hub_http a POST /kiosk/events "$auth" "$E2E_TMP/old.json"
[ "$HTTP_CODE" = 400 ] || fail "an event without sale.id got HTTP $HTTP_CODE $HTTP_BODY"
case $HTTP_BODY in *sale.id*) ;; *) fail "the refusal does not name sale.id: $HTTP_BODY" ;; esac
[ "$(event_rows)" = 6 ] && [ "$(sales_rows)" = 1 ] || fail "a refused event was stored"

step "open under B-a2: a signed postback for B-a2 closes it (news: sale id, current ctid)"
B="till-7-20251130104800-$(_hub_rand 8)"
ev_sale "$E2E_TMP/s2a.json" 12 "$B" 7::new:none 8:new:awaiting_txid:not_known \
	9:awaiting_txid:activating:not_known 10:activating:refused:not_known
post_events "$E2E_TMP/s2a.json" 10
KEY1=3234567890 ev_sale "$E2E_TMP/s2b.json" 12 "$B-a2" 11:refused:activating:not_known \
	12:activating:unknown:not_known
post_events "$E2E_TMP/s2b.json" 12
[ "$(hub_sale 12)" = "1 $B-a2 unknown not_known" ] || fail "B-a2 open: '$(hub_sale 12)'"
pb_make "$E2E_TMP/pb2.json" --ctid "$B-a2" --amount 5000 --currency MMK --wallet wavepay \
	--txid 3234567890
hub_post_postback a "$E2E_TMP/pb2.json"
[ "$HTTP_CODE" = 200 ] || fail "postback for B-a2: HTTP $HTTP_CODE $HTTP_BODY"
[ "$(news_for 12)" = "12 $B-a2 paid 3234567890" ] || fail "news for sale 12: '$(news_for 12)'"
[ "$(hub_sql "select t.match_result from postback_txs t join sales s on s.id = t.sale_id
	where s.kiosk_sale_id = 12")" = closed ] || fail "the postback did not close sale 12"
# the kiosk records it paid (by postback) and says so: still one sale, confirmed
KEY1=3234567890 ev_sale "$E2E_TMP/s2c.json" 12 "$B-a2" "13:unknown:paid:paid:postback 3234567890"
post_events "$E2E_TMP/s2c.json" 13
[ "$(hub_sale 12)" = "1 $B-a2 paid paid" ] || fail "sale 12 after the kiosk's paid: '$(hub_sale 12)'"
[ "$(hub_sql "select match_result from postback_txs where transaction_id = '3234567890'")" = confirmed ] ||
	fail "the postback is not confirmed by the kiosk's paid"

step "a postback for the EARLIER attempt's ctid finds the sale (open under C-a2)"
C="till-7-20251130104900-$(_hub_rand 8)"
ev_sale "$E2E_TMP/s3a.json" 13 "$C" 14::new:none 15:new:awaiting_txid:not_known \
	16:awaiting_txid:activating:not_known 17:activating:not_found:not_known
post_events "$E2E_TMP/s3a.json" 17
KEY1=4234567890 ev_sale "$E2E_TMP/s3b.json" 13 "$C-a2" 18:not_found:activating:not_known \
	19:activating:pending:not_known
post_events "$E2E_TMP/s3b.json" 19
pb_make "$E2E_TMP/pb3.json" --ctid "$C" --amount 5000 --currency MMK --wallet wavepay \
	--txid 4234567890
hub_post_postback a "$E2E_TMP/pb3.json"
[ "$HTTP_CODE" = 200 ] || fail "postback for C: HTTP $HTTP_CODE $HTTP_BODY"
[ "$(news_for 13)" = "13 $C-a2 paid 4234567890" ] || fail "news for sale 13: '$(news_for 13)'"

step "a postback for D-a2 before the event that brings D-a2: matched when it comes"
D="till-7-20251130105000-$(_hub_rand 8)"
ev_sale "$E2E_TMP/s4a.json" 14 "$D" 20::new:none 21:new:awaiting_txid:not_known \
	22:awaiting_txid:activating:not_known 23:activating:refused:not_known
post_events "$E2E_TMP/s4a.json" 23
pb_make "$E2E_TMP/pb4.json" --ctid "$D-a2" --amount 5000 --currency MMK --wallet wavepay \
	--txid 5234567890
hub_post_postback a "$E2E_TMP/pb4.json"
[ "$HTTP_CODE" = 200 ] || fail "postback for D-a2: HTTP $HTTP_CODE $HTTP_BODY"
[ -z "$(news_for 14)" ] || fail "news before the hub knows D-a2: '$(news_for 14)'"
KEY1=5234567890 ev_sale "$E2E_TMP/s4b.json" 14 "$D-a2" 24:refused:activating:not_known
post_events "$E2E_TMP/s4b.json" 24
[ "$(news_for 14)" = "14 $D-a2 paid 5234567890" ] || fail "news for sale 14: '$(news_for 14)'"

step "four kiosk sales, four hub sales"
[ "$(sales_rows)" = 4 ] || fail "$(sales_rows) sales at the hub: $(hub_sql "select kiosk_sale_id,
	custom_transaction_id, state from sales order by id")"
totals=$(report_wavepay)
[ "$totals" = "2 10000 2" ] || fail "report: wavepay totals '$totals', expected 2 paid (10000), 2 open"

hub_stop a
e2e_log "hub_sale_identity: ok"
