# tests/lib/hub.sh - the fleet hub (paykiosk-hub, docs/HUB.md) for the hub
# tests: a real PostgreSQL (tests/lib/pg.sh), real hubs on loopback, signed
# postbacks built here in python3, independently of the C code.  On top of
# tests/e2e/lib.sh (e2e_init, poll_until, fail, the secret sweep ...).
# Not a test itself (tests/lib is not globbed for scripts).
#
#   source "$(dirname "$0")/../lib/hub.sh"
#   hub_init                  e2e_init + a cluster (pg_start: $PG_CONNINFO) +
#                             fresh postback keys (HUB_ACCESS_KEY,
#                             HUB_PRIVATE_KEY, swept as secrets); everything
#                             is stopped and swept by the EXIT trap: the
#                             test's folder (lib.sh) and the cluster's files
#                             (no secret in a table or the WAL)
#   HUB_CONF=(key=value ...)  extra lines of the hubs' config file (no keys)
#   hub_start NAME [-p PORT] [ARGS...]
#                             serve --listen 127.0.0.1:PORT (default 0)
#                             --database $PG_CONNINFO --exit-on-stdin-eof,
#                             keys in its environment only;
#                             HUB_URL[NAME], HUB_PID[NAME]; stdout/stderr in
#                             $E2E_TMP/hub-NAME.{out,err}
#   hub_stop NAME             close its stdin, wait for it to exit (fails
#                             past 10 s); no sanitizer report on its stderr
#   hub_cli ARGS...           paykiosk-hub ARGS --database $PG_CONNINFO;
#                             stdout in $HUB_OUT, status in $HUB_STATUS
#   hub_add_kiosk SHOP COUNTER
#                             registers a counter; its token is swept as a
#                             secret and kept in $E2E_TMP/auth-SHOP-COUNTER.secret
#                             as a curl header file; HUB_TOKEN is the token
#   hub_http NAME METHOD PATH [AUTH_FILE] [BODY_FILE]
#                             -> HTTP_CODE, HTTP_BODY (curl, 10 s max;
#                             extra curl options in HUB_CURL_OPTS, e.g. --cacert)
#   pb_make FILE [--ctid X] [--amount 100.50] [--currency INR] [--wallet upi_s]
#           [--label L] [--txid T] [--comment C] [--key right|wrong]
#           [--style compact|spaced]
#                             a postback body (spec 2c) signed per spec 2d
#   hub_post_postback NAME FILE  -> HTTP_CODE, HTTP_BODY
#   hub_post_postback_bg NAME FILE; hub_post_wait SECONDS
#                             the same in the background, then its answer
#   hub_auth SHOP COUNTER     the counter's curl header file
#   ev_make FILE [--ctid C] [--method M] [--currency C] [--amount MINOR]
#           [--order-id O] [--key1 K] [--label L] [--created EPOCH] [--sale-id N]
#           SEQ:FROM:TO:OUTCOME[:NOTE]...
#                             a POST /kiosk/events body (one sale)
#   hub_news_bg NAME AUTH_FILE AFTER WAIT; news_wait SECONDS
#                             a long poll in the background -> $NEWS_OUT
#                             ({"code","t0","t1","body"}), NEWS_PID
#   json_get FILE EXPR / body_get EXPR
#                             a python expression over the JSON `j` (a file,
#                             or HTTP_BODY)
#   hub_lock_postbacks / hub_unlock_postbacks / hub_waiting_on_lock
#                             a session of ours holds the postback table:
#                             the database is slow; a hub's session waits
#   hub_lock_postbacks_prepared / hub_unlock_prepared
#                             the same lock held by a prepared transaction:
#                             no session's end releases it, not even a stop
#                             of the server (released after the restart)
#   hub_sql SQL               rows from the hub's database (pg_psql)
#   pb_rows [trusted|untrusted|unreadable]  postbacks stored (all kinds when
#                             no argument); pb_rows_txid TXID
#   event_rows                kiosk events stored
#   now_s                     the wall clock, seconds with nanoseconds
#
# Needs: python3, curl, psql, PostgreSQL 15 (tests/lib/pg.sh).  Env (set by
# CTest): PK_BUILD_DIR (PK_HUB: the program, default $PK_BUILD_DIR/paykiosk-hub).
_hub_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$_hub_lib_dir/../e2e/lib.sh"
source "$_hub_lib_dir/pg.sh"

PK_HUB=${PK_HUB:-${PK_BUILD_DIR:+$PK_BUILD_DIR/paykiosk-hub}}
HUB_CONF=()
declare -A HUB_URL=() HUB_PID=() HUB_HOLDER=() # HUB_HOLDER: the pid holding its stdin open
HUB_ACCESS_KEY="" HUB_PRIVATE_KEY="" HUB_TOKEN="" HUB_OUT="" HUB_STATUS=""
HTTP_CODE="" HTTP_BODY=""

_hub_rand() { head -c "${1:-16}" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

_hub_cleanup() {
	local rc=$? n f
	if [ $rc -ne 0 ] && [ -n "$E2E_TMP" ]; then
		for f in "$E2E_TMP"/hub-*.err; do
			[ -s "$f" ] || continue
			printf -- '--- %s (tail) ---\n' "${f##*/}" >&2
			tail -n 15 "$f" >&2
		done
	fi
	for n in "${!HUB_PID[@]}"; do
		[ -n "${HUB_HOLDER[$n]:-}" ] && kill "${HUB_HOLDER[$n]}" 2>/dev/null
		kill "${HUB_PID[$n]}" 2>/dev/null
		wait "${HUB_PID[$n]}" 2>/dev/null
	done
	[ -n "$LOCK_PID" ] && kill "$LOCK_PID" 2>/dev/null
	# No secret in the database's files (tables, WAL): tokens are kept
	# hashed, the private key never.
	local sec hits
	if [ -n "$PG_DIR" ] && [ -d "$PG_DIR" ]; then
		for sec in ${SANDBOX_SECRET:+"$SANDBOX_SECRET"} "${E2E_SECRETS[@]}"; do
			hits=$(grep -rlaF -- "$sec" "$PG_DIR" 2>/dev/null || true)
			if [ -n "$hits" ]; then
				printf 'FAIL (secret sweep): a secret (%s...) is in the database files: %s\n' \
					"${sec:0:4}" "$hits" >&2
				rc=1
			fi
		done
	fi
	pg_cleanup
	(exit $rc)
	e2e_cleanup
}

hub_init() {
	local t
	for t in python3 curl psql; do
		command -v "$t" >/dev/null 2>&1 || { echo "hub: $t is missing" >&2; exit 1; }
	done
	[ -n "$PK_HUB" ] && [ -x "$PK_HUB" ] ||
		{ echo "hub: paykiosk-hub is not built (${PK_HUB:-PK_HUB and PK_BUILD_DIR unset})" >&2; exit 1; }
	e2e_init
	trap _hub_cleanup EXIT
	pg_start || fail "no PostgreSQL"
	# The pair Paykassma issues for postbacks: access_key travels in every
	# body (public); the private key only in the hub's (and the sandbox's)
	# environment.
	HUB_ACCESS_KEY="AK$(_hub_rand 12)"
	HUB_PRIVATE_KEY="PK$(_hub_rand 16)"
	secret_register "$HUB_PRIVATE_KEY"
	e2e_log "cluster at port $PG_PORT"
}

_hub_url_ready() { [ -s "$E2E_TMP/hub-$1.out" ] && grep -q '^http' "$E2E_TMP/hub-$1.out"; }
_hub_exited() { ! kill -0 "${HUB_PID[$1]}" 2>/dev/null; }

# hub_start NAME [-p PORT] [ARGS...]
hub_start() {
	local name=$1 port=0
	shift
	[ "${1:-}" = -p ] && { port=$2; shift 2; }
	local conf=$E2E_TMP/hub.conf
	(umask 077; printf '%s\n' "# the hub tests' config (no keys: they come from the environment)" \
		"${HUB_CONF[@]}" > "$conf")
	local fifo=$E2E_TMP/hub-$name.in
	rm -f "$fifo"
	mkfifo "$fifo"
	: > "$E2E_TMP/hub-$name.out"
	# The hub's stdin is a FIFO whose only writer is a sleep of its own
	# (not this shell: every later child - the database server, tmux -
	# would inherit the open end and the hub would never see EOF).
	sleep 100000 > "$fifo" &
	HUB_HOLDER[$name]=$!
	env PAYKIOSK_HUB_ACCESS_KEY="$HUB_ACCESS_KEY" PAYKIOSK_HUB_PRIVATE_KEY="$HUB_PRIVATE_KEY" \
		"$PK_HUB" serve --listen "127.0.0.1:$port" --database "$PG_CONNINFO" \
		--config "$conf" --exit-on-stdin-eof "$@" \
		< "$fifo" > "$E2E_TMP/hub-$name.out" 2>> "$E2E_TMP/hub-$name.err" &
	HUB_PID[$name]=$!
	poll_until 15 _hub_url_ready "$name" ||
		fail "hub $name printed no URL: $(cat "$E2E_TMP/hub-$name.err")"
	HUB_URL[$name]=$(head -n 1 "$E2E_TMP/hub-$name.out")
	case ${HUB_URL[$name]} in
	http://127.0.0.1:[0-9]*) ;;
	https://127.0.0.1:[0-9]*) ;; # tls_cert and tls_key in HUB_CONF
	*) fail "hub $name printed '${HUB_URL[$name]}', not http(s)://127.0.0.1:PORT" ;;
	esac
	e2e_log "hub $name at ${HUB_URL[$name]} (pid ${HUB_PID[$name]})"
}

hub_stop() {
	local name=$1
	[ -n "${HUB_HOLDER[$name]:-}" ] && { kill "${HUB_HOLDER[$name]}" 2>/dev/null; wait "${HUB_HOLDER[$name]}" 2>/dev/null; }
	HUB_HOLDER[$name]=
	poll_until 10 _hub_exited "$name" || {
		kill -9 "${HUB_PID[$name]}" 2>/dev/null
		fail "hub $name did not exit within 10 s of its stdin closing"
	}
	wait "${HUB_PID[$name]}" 2>/dev/null
	unset "HUB_PID[$name]"
	hub_assert_clean "$name"
}

# No sanitizer report or crash text on a hub's stderr.
hub_assert_clean() { _no_sanitizer_report "$E2E_TMP/hub-$1.err" "hub $1"; }

HUB_CLI_N=0
hub_cli() {
	HUB_CLI_N=$((HUB_CLI_N + 1))
	HUB_OUT=$E2E_TMP/cli.$HUB_CLI_N.out
	"$PK_HUB" "$@" --database "$PG_CONNINFO" > "$HUB_OUT" 2> "$E2E_TMP/cli.$HUB_CLI_N.err"
	HUB_STATUS=$?
	_no_sanitizer_report "$E2E_TMP/cli.$HUB_CLI_N.err" "paykiosk-hub $1"
	return 0
}
_no_sanitizer_report() {
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehavior' "$1" 2>/dev/null; then
		fail "sanitizer report from $2: $(cat "$1")"
	fi
}
hub_cli_err() { cat "$E2E_TMP/cli.$HUB_CLI_N.err"; }

# hub_add_kiosk SHOP COUNTER: HUB_TOKEN; the header file for curl
# (-H @FILE: the token is never on a command line) is
# $E2E_TMP/auth-SHOP-COUNTER.secret.
hub_add_kiosk() {
	local lines
	HUB_TOKEN=$("$PK_HUB" add-kiosk "$1" "$2" --database "$PG_CONNINFO" 2> "$E2E_TMP/add-kiosk.err")
	local st=$?
	[ $st = 0 ] || fail "add-kiosk $1 $2 exited $st: $(cat "$E2E_TMP/add-kiosk.err")"
	_no_sanitizer_report "$E2E_TMP/add-kiosk.err" "paykiosk-hub add-kiosk"
	lines=$(printf '%s\n' "$HUB_TOKEN" | wc -l)
	[ "$lines" = 1 ] || fail "add-kiosk printed $lines lines, not one token"
	[ ${#HUB_TOKEN} -ge 16 ] || fail "add-kiosk printed a token of ${#HUB_TOKEN} characters"
	secret_register "$HUB_TOKEN"
	(umask 077; printf 'Authorization: Bearer %s\n' "$HUB_TOKEN" > "$E2E_TMP/auth-$1-$2.secret")
}
hub_auth() { echo "$E2E_TMP/auth-$1-$2.secret"; }

# hub_http NAME METHOD PATH [AUTH_FILE|-] [BODY_FILE]
HUB_HTTP_N=0
HUB_CURL_OPTS=()
hub_http() {
	local name=$1 method=$2 path=$3 auth=${4:--} body=${5:-}
	local args=(-sS --max-time "${HUB_HTTP_MAX:-10}" -X "$method" -o "$E2E_TMP/http.body" -w '%{http_code}'
		"${HUB_CURL_OPTS[@]}")
	[ "$auth" != - ] && args+=(-H "@$auth")
	[ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "@$body")
	HUB_HTTP_N=$((HUB_HTTP_N + 1))
	: > "$E2E_TMP/http.body"
	HTTP_CODE=$(curl "${args[@]}" "${HUB_URL[$name]}$path" 2> "$E2E_TMP/http.$HUB_HTTP_N.err")
	HTTP_BODY=$(cat "$E2E_TMP/http.body")
	return 0
}
hub_post_postback() { hub_http "$1" POST /paykassma/postback - "$2"; }

# The postback body of spec 2c, signed per spec 2d with python's own json
# and hashlib: sha1(access_key . private_key . md5(compact JSON of
# additional_data, "/" and non-ASCII as themselves)).  --style spaced
# sends additional_data with whitespace, "\/" and \uXXXX escapes (a
# surrogate pair too); the signature still covers the compact form.
# --key wrong signs with another private key (a forger).
pb_make() {
	local out=$1
	shift
	PB_ACCESS_KEY="$HUB_ACCESS_KEY" PB_PRIVATE_KEY="$HUB_PRIVATE_KEY" \
		python3 - "$out" "$@" <<'PY' || fail "pb_make failed"
import argparse, hashlib, json, os, sys

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--ctid", default="")
ap.add_argument("--amount", default="100.00")       # decimal text, as Paykassma sends it
ap.add_argument("--currency", default="INR")
ap.add_argument("--wallet", default="upi_s")
ap.add_argument("--label", default="till-7")
ap.add_argument("--txid", default="322712363408")
ap.add_argument("--comment", default="")
ap.add_argument("--key", choices=["right", "wrong"], default="right")
ap.add_argument("--style", choices=["compact", "spaced"], default="compact")
a = ap.parse_args()

access = os.environ["PB_ACCESS_KEY"]
private = os.environ["PB_PRIVATE_KEY"]
if a.key == "wrong":
    private = "forged-" + private[::-1]

tx = {
    "activated_datetime": "2025-11-30 10:47:40",
    "exchanger_identifier": "s132nfinite0-4@okhdfcbank",
    "comment": a.comment,
    "amount": a.amount,
    "currency_code": a.currency,
    "wallet_type": a.wallet,
    "stockpiling_id": 1430926,
    "transaction_id": a.txid,
    "transaction_type": 0,
    "plugin_custom_order_id": a.ctid,
    "withdrawal_id": None,
    "withdrawal_status": None,
    "account_number": "",
    "account_name": "",
    "account_email": "",
    "bank_details": {"bank_code": "", "branch_code": ""},
}
ad = [tx]
canonical = json.dumps(ad, separators=(",", ":"), ensure_ascii=False)
md5 = hashlib.md5(canonical.encode("utf-8")).hexdigest()
sig = hashlib.sha1((access + private + md5).encode("utf-8")).hexdigest()

if a.style == "compact":
    raw_ad = canonical
else:
    # Whitespace, "\/" for every "/" (only strings hold one), \uXXXX for
    # everything non-ASCII (python writes a surrogate pair above U+FFFF).
    raw_ad = json.dumps(ad, indent=2, ensure_ascii=True).replace("/", "\\/")
    assert json.loads(raw_ad) == ad

num = a.amount if "." not in a.amount else a.amount.rstrip("0").rstrip(".")
head = {
    "signature": sig,
    "wallet_type": a.wallet,
    "amount": json.loads(num),
    "currency_code": a.currency,
    "label": a.label,
    "converted_amount": {"USD": 4.61, "INR": 380, "EUR": 4.2},
    "direction": "ingoing",
    "created_datetime": "2025-11-30 10:47:40",
    "access_key": access,
}
sep = (", ", ": ") if a.style == "spaced" else (",", ":")
body = json.dumps(head, separators=sep, ensure_ascii=False)
body = body[:-1] + sep[0] + '"additional_data"' + sep[1] + raw_ad + "}"
assert json.loads(body)["additional_data"] == ad
with open(a.out, "w", encoding="utf-8") as f:
    f.write(body)
PY
}

hub_sql() { pg_psql "$1"; }
# What the hub stored, read with SQL (the schema: src/hub/db.c).
HUB_PB_TABLE=postbacks
pb_rows() {
	if [ -n "${1:-}" ]; then
		hub_sql "select count(*) from postbacks where trust = '$1'"
	else
		hub_sql "select count(*) from postbacks"
	fi
}
# Postbacks (not repeats) carrying transaction id $1.
pb_rows_txid() {
	hub_sql "select count(distinct p.id) from postbacks p join postback_txs t on t.postback_id = p.id
		where t.transaction_id = '$1'"
}
event_rows() { hub_sql "select count(*) from kiosk_events"; }

# ev_make FILE [--ctid C] [--method upi|wavepay] [--currency INR|MMK]
#         [--amount MINOR] [--order-id O] [--key1 K] [--label L]
#         [--created EPOCH] [--sale-id N] SEQ:FROM:TO:OUTCOME[:NOTE]...
# The body of POST /kiosk/events (docs/HUB.md): one sale, these events.
ev_make() {
	local out=$1
	shift
	python3 - "$out" "$@" <<'PY' || fail "ev_make failed"
import argparse, json, time, zlib
ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--ctid", default="")
ap.add_argument("--method", default="upi")
ap.add_argument("--currency", default="INR")
ap.add_argument("--amount", type=int, default=10050)
ap.add_argument("--order-id", default="")
ap.add_argument("--key1", default="")
ap.add_argument("--label", default="till-7")
ap.add_argument("--created", type=int, default=int(time.time()) - 60)
ap.add_argument("--sale-id", type=int, default=0)
ap.add_argument("events", nargs="+")
a = ap.parse_args()
# the kiosk journal's sales.id, the sale's identity at the hub; by default
# one per ctid (a number made from it)
sale_id = a.sale_id or zlib.crc32(a.ctid.encode("utf-8")) + 1
sale = {"id": sale_id, "ctid": a.ctid, "order_id": a.order_id, "method": a.method, "currency": a.currency,
        "amount": a.amount, "label": a.label, "key1": a.key1, "created_at": a.created}
evs = []
for i, e in enumerate(a.events):
    p = e.split(":", 4)
    evs.append({"seq": int(p[0]), "from": p[1] or None, "to": p[2], "outcome": p[3],
                "at": a.created + i, "note": p[4] if len(p) > 4 else "", "sale": sale})
with open(a.out, "w") as f:
    json.dump({"events": evs}, f, ensure_ascii=False)
PY
}

# json_get FILE EXPR: a python expression over the parsed JSON `j`,
# printed (JSON for lists and objects; "" when it cannot be read).
json_get() {
	python3 - "$1" "$2" <<'PY'
import json, sys
try:
    j = json.load(open(sys.argv[1], encoding="utf-8"))
    v = eval(sys.argv[2], {"j": j})
except Exception:
    v = ""
print(json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict, bool)) or v is None else v)
PY
}
# json_check FILE EXPR...: every python expression over `j` is true; else
# prints the first that is not, and returns 1 (one python run for many).
json_check() {
	python3 - "$@" <<'PY'
import json, sys
try:
    j = json.load(open(sys.argv[1], encoding="utf-8"))
except Exception as e:
    sys.exit("not JSON: %s" % e)
for e in sys.argv[2:]:
    try:
        ok = eval(e, {"j": j})
    except Exception as x:
        ok, e = False, "%s (%s)" % (e, x)
    if not ok:
        sys.exit("not true: %s" % e)
PY
}
body_get() { printf '%s' "$HTTP_BODY" > "$E2E_TMP/body.json"; json_get "$E2E_TMP/body.json" "$1"; }

# hub_news_bg NAME AUTH_FILE AFTER WAIT: GET /kiosk/news in the background
# (python3: the token is read from the header file, never on a command
# line).  NEWS_PID; when it is done, $NEWS_OUT holds the answer as
# {"code":N,"t0":EPOCH,"t1":EPOCH,"body":{...}} (t0 sent, t1 answered).
HUB_NEWS_N=0
hub_news_bg() {
	HUB_NEWS_N=$((HUB_NEWS_N + 1))
	NEWS_OUT=$E2E_TMP/news.$HUB_NEWS_N.json
	python3 - "${HUB_URL[$1]}/kiosk/news?after=$3&wait=$4" "$2" "$NEWS_OUT" <<'PY' &
import json, sys, time, urllib.request, urllib.error
url, auth, out = sys.argv[1:4]
name, value = open(auth).read().strip().split(": ", 1)
req = urllib.request.Request(url, headers={name: value})
t0 = time.time()
try:
    with urllib.request.urlopen(req, timeout=60) as r:
        code, body = r.status, r.read()
except urllib.error.HTTPError as e:
    code, body = e.code, e.read()
t1 = time.time()
try:
    body = json.loads(body)
except Exception:
    body = body.decode("utf-8", "replace")
tmp = out + ".part"
with open(tmp, "w") as f:
    json.dump({"code": code, "t0": t0, "t1": t1, "body": body}, f)
import os
os.rename(tmp, out)
PY
	NEWS_PID=$!
}
_news_done() { [ -s "$1" ]; }
# news_wait SECONDS: the background news request answered (-> $NEWS_OUT).
news_wait() {
	poll_until "$1" _news_done "$NEWS_OUT" || fail "the news request did not answer within $1 s"
	wait "$NEWS_PID" 2>/dev/null
}
now_s() { date +%s.%N; }

# hub_post_postback_bg NAME FILE / hub_post_wait SECONDS: a postback in
# the background (-> HTTP_CODE, HTTP_BODY when it answered).
hub_post_postback_bg() {
	HUB_HTTP_N=$((HUB_HTTP_N + 1))
	local n=$HUB_HTTP_N
	POST_OUT=$E2E_TMP/post.$n
	( curl -sS --max-time "${HUB_HTTP_MAX:-10}" -X POST -H 'Content-Type: application/json' \
		--data-binary "@$2" -o "$POST_OUT.body" -w '%{http_code}' \
		"${HUB_URL[$1]}/paykassma/postback" > "$POST_OUT.code.part" 2> "$POST_OUT.err"
	  mv "$POST_OUT.code.part" "$POST_OUT.code" ) &
	POST_PID=$!
}
_post_done() { [ -e "$POST_OUT.code" ]; }
hub_post_wait() {
	poll_until "$1" _post_done || fail "the postback did not answer within $1 s"
	wait "$POST_PID" 2>/dev/null
	HTTP_CODE=$(cat "$POST_OUT.code")
	HTTP_BODY=$(cat "$POST_OUT.body" 2>/dev/null)
}

# hub_lock_postbacks / hub_unlock_postbacks: a session of our own holds the
# hub's postback table (ACCESS EXCLUSIVE) in an open transaction: the
# database is "slow" for every postback until it ends.
LOCK_PID="" LOCK_FD=""
_lock_held() { grep -q '^locked$' "$E2E_TMP/lock.out" 2>/dev/null; }
hub_lock_postbacks() {
	local fifo=$E2E_TMP/lock.in
	rm -f "$fifo"
	mkfifo "$fifo"
	psql -X -q -At -h 127.0.0.1 -p "$PG_PORT" -U pktest -d pkhub < "$fifo" > "$E2E_TMP/lock.out" 2>&1 &
	LOCK_PID=$!
	exec {LOCK_FD}> "$fifo"
	printf 'BEGIN;\nLOCK TABLE %s IN ACCESS EXCLUSIVE MODE;\nSELECT %s;\n' \
		"$HUB_PB_TABLE" "'locked'" >&"$LOCK_FD"
	poll_until 5 _lock_held || fail "could not lock $HUB_PB_TABLE: $(cat "$E2E_TMP/lock.out")"
}
hub_unlock_postbacks() {
	[ -n "$LOCK_FD" ] && eval "exec $LOCK_FD>&-"
	LOCK_FD=
	[ -n "$LOCK_PID" ] && wait "$LOCK_PID" 2>/dev/null
	LOCK_PID=
}
# hub_lock_postbacks_prepared: the lock in a prepared transaction (two-phase
# commit), which belongs to no session: when the server stops, every
# session ends at once and in no set order, so a lock held by a session
# could be released before the hub's waiting session ends, and the hub's
# transaction commit.  This one stays until hub_unlock_prepared.
hub_lock_postbacks_prepared() {
	pg_psql "BEGIN; LOCK TABLE $HUB_PB_TABLE IN ACCESS EXCLUSIVE MODE;
		PREPARE TRANSACTION 'pk_test_lock';" >/dev/null ||
		fail "could not lock $HUB_PB_TABLE in a prepared transaction"
}
hub_unlock_prepared() {
	pg_psql "ROLLBACK PREPARED 'pk_test_lock';" >/dev/null ||
		fail "could not release the prepared transaction's lock"
}
# Some session (the hub's) waits for a lock.
hub_waiting_on_lock() {
	[ "$(pg_psql "select count(*) from pg_stat_activity
		where wait_event_type = 'Lock' and application_name = 'paykiosk-hub'" 2>/dev/null)" -ge 1 ] 2>/dev/null
}
