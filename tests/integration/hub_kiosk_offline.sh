# hub_kiosk_offline.sh - a kiosk whose hub is down keeps selling, and the
# hub catches up when it comes: the real paykiosk (tmux, test hook) with
# hub_url and a token file, the real sandbox, the real hub on a real
# PostgreSQL.
#  - with the hub down: a UPI sale paid, a UPI sale failed, a Wavepay sale
#    paid, each shown to the cashier as usual;
#  - the hub starts (on the URL the kiosk has): every event of the kiosk's
#    journal arrives, in order (received in seq order), none missing, none
#    extra; the kiosk records them acknowledged;
#  - the hub's view of each sale is the kiosk's, and the report's totals
#    (per method: paid count and amount, not paid) match the journal.
source "$(dirname "$0")/../lib/hub.sh"
hub_init
sandbox_start
hub_add_kiosk shop-7 counter-1
(umask 077; printf '%s\n' "$HUB_TOKEN" > "$E2E_TMP/hub-token.secret")
port=$(pg_free_port)
kiosk_start -e PAYKIOSK_HUB_URL="http://127.0.0.1:$port" \
	-e PAYKIOSK_HUB_TOKEN_FILE="$E2E_TMP/hub-token.secret" -- --poll-interval 1

step "the hub is down: a UPI sale paid"
wait_for "Choose the payment"
keys 2; wait_for "Amount in INR"
keys 1 0 0 Enter; wait_for "Scan with any UPI app" 10
sandbox_settle "$(screen_order_id)" success >/dev/null
wait_for "Paid" 10
keys Enter; wait_for "Choose the payment"

step "the hub is down: a UPI sale failed"
keys 2; wait_for "Amount in INR"
keys 2 0 0 Enter; wait_for "Scan with any UPI app" 10
sandbox_settle "$(screen_order_id)" failed >/dev/null
wait_for "Not paid" 10
keys Enter; wait_for "Choose the payment"

step "the hub is down: a Wavepay sale paid"
keys 1; wait_for "Amount in MMK"
keys 5 0 0 0 Enter; wait_for "Transaction ID:" 10
type_text "1234567890"; keys Enter
wait_for "Paid" 10
keys Enter; wait_for "Choose the payment"

journal_events=$(journal_sql "select count(*) from sale_history")
[ "$journal_events" -ge 6 ] || fail "only $journal_events events in the journal"
[ "$(journal_sql "select value from hub_cursors where name = 'events_acked'")" = 0 ] ||
	fail "events acknowledged while the hub was down"

step "the hub starts: every event arrives"
hub_start a -p "$port"
_all_events() { [ "$(event_rows)" = "$journal_events" ]; }
poll_until 25 _all_events || fail "$(event_rows) of $journal_events events at the hub"
max_seq=$(journal_sql "select max(id) from sale_history")
_acked() { [ "$(journal_sql "select value from hub_cursors where name = 'events_acked'")" = "$max_seq" ]; }
poll_until 10 _acked || fail "the kiosk did not record the events acknowledged"

step "in order, none missing, none extra, as the journal has them"
journal_sql "select h.id, coalesce(h.from_state, '*'), h.to_state, s.ctid from sale_history h
	join sales s on s.id = h.sale_id order by h.id" | tr '|' ' ' > "$E2E_TMP/journal.events"
hub_sql "select e.seq, e.from_state, e.to_state, e.custom_transaction_id from kiosk_events e
	join kiosks k on k.id = e.kiosk_id where k.shop = 'shop-7' and k.counter = 'counter-1'
	order by e.seq" | tr '|' ' ' > "$E2E_TMP/hub.events"
# (a sale's first event has no from_state in the journal: '*' matches what the hub keeps)
python3 - "$E2E_TMP/journal.events" "$E2E_TMP/hub.events" <<'PY' ||
import sys
j = [l.split() for l in open(sys.argv[1])]
h = [l.split() for l in open(sys.argv[2])]
ok = len(j) == len(h) and all(
    a[0] == b[0] and a[2:] == b[2:] and a[1] in ("*", b[1]) for a, b in zip(j, h))
if not ok:
    print("journal:\n" + "".join(" ".join(a) + "\n" for a in j) +
          "hub:\n" + "".join(" ".join(b) + "\n" for b in h), file=sys.stderr)
sys.exit(0 if ok else 1)
PY
	fail "the hub's events are not the journal's (above)"
# received in seq order: no event arrived before one with a smaller seq
out_of_order=$(hub_sql "select count(*) from kiosk_events a join kiosk_events b
	on a.kiosk_id = b.kiosk_id and a.seq < b.seq and a.received_at > b.received_at")
[ "$out_of_order" = 0 ] || fail "$out_of_order pairs of events arrived out of order"

step "the hub's sales are the kiosk's"
journal_sql "select ctid, state, amount, currency, method from sales order by ctid" | tr '|' ' ' \
	> "$E2E_TMP/journal.sales"
hub_sql "select custom_transaction_id, state, amount, currency, method from sales
	order by custom_transaction_id" | tr '|' ' ' > "$E2E_TMP/hub.sales"
diff "$E2E_TMP/journal.sales" "$E2E_TMP/hub.sales" >&2 ||
	fail "the hub's sales are not the journal's (diff above)"

step "the report's totals match the journal"
hub_cli report --csv
[ "$HUB_STATUS" = 0 ] || fail "report exited $HUB_STATUS: $(hub_cli_err)"
journal_sql "select method, currency,
	sum(state = 'paid'), sum(case when state = 'paid' then amount else 0 end),
	sum(state in ('failed')) from sales group by method, currency order by method" \
	> "$E2E_TMP/journal.totals"
python3 - "$HUB_OUT" "$E2E_TMP/journal.totals" <<'PY' || fail "report totals: $(cat "$HUB_OUT")"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
tot = {r["method"]: r for r in rows if r["section"] == "totals"}
for line in open(sys.argv[2]):
    method, cur, paid_n, paid_sum, failed_n = line.strip().split("|")
    r = tot.get(method)
    assert r, "no totals for %s: %r" % (method, list(tot))
    assert (r["shop"], r["counter"]) == ("shop-7", "counter-1"), r
    assert r["currency"] == cur, (r, cur)
    assert int(r["paid_count"]) == int(paid_n), (r, paid_n)
    minor = int(paid_sum)
    text = "%d.%02d" % divmod(minor, 100) if cur == "INR" else str(minor)
    assert r["paid_amount"] == text, (r["paid_amount"], text)
    assert int(r["not_paid_count"]) == int(failed_n), (r, failed_n)
mism = [r for r in rows if r["section"] not in ("totals",)]
assert not [r for r in mism if r["section"] != "kiosk_paid_no_postback"], mism
PY

keys Escape
kiosk_wait_exit 10
hub_stop a
e2e_log "hub_kiosk_offline: ok"
