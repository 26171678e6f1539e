#!/usr/bin/env python3
"""hub_gen.py - the requests and the timed probes of bench/hub.

  hub_gen.py postbacks N OUT
      N signed deposit postbacks (spec 2c/2d), each a new transaction that
      matches no sale, as hub_load request lines ("*" connection).
  hub_gen.py events KIOSKS PER_KIOSK TOKENS OUT
      PER_KIOSK events for each of KIOSKS kiosks (TOKENS: one token a
      line), one event per request, in seq order on the kiosk's own
      connection (hub_load connection = kiosk index).
  hub_gen.py screen ROUNDS HOOK_FILE KEYS_FIFO SANDBOX_URL JOURNAL
      ROUNDS UPI sales on a real kiosk (PAYKIOSK_TEST_HOOK / _KEYS) whose
      gateway status calls fail: ms from the sandbox's settle (its postback
      goes to the hub) to the kiosk's frame showing "Paid", one a line.
      The sandbox's secret from PAYKASSMA_SANDBOX_SECRET.
  hub_gen.py fsync DIR N
      N times: 8 KiB written and fdatasync'd in a file in DIR (then
      removed): "p50_ms=X p99_ms=X max_ms=X" - what a commit waits for on
      that disk now (the hub answers 200 only after its commit is there).
  hub_gen.py news ROUNDS BASE_URL TOKEN_FILE
      ROUNDS times: a new open UPI sale (events), a long poll on
      /kiosk/news held, then the matching signed postback; prints the
      latencies "postback sent -> news answer" in ms, one a line.

Keys from the environment: PB_ACCESS_KEY, PB_PRIVATE_KEY (never argv).
Tokens come from files (never argv).
"""
import hashlib
import zlib
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request


def signed_postback(ctid, amount_text, currency, wallet, txid, label="bench"):
    access = os.environ["PB_ACCESS_KEY"]
    private = os.environ["PB_PRIVATE_KEY"]
    ad = [{
        "activated_datetime": "2025-11-30 10:47:40",
        "amount": amount_text,
        "currency_code": currency,
        "wallet_type": wallet,
        "stockpiling_id": 1430926,
        "transaction_id": txid,
        "transaction_type": 0,
        "plugin_custom_order_id": ctid,
        "withdrawal_id": None,
        "bank_details": {"bank_code": "", "branch_code": ""},
    }]
    canon = json.dumps(ad, separators=(",", ":"), ensure_ascii=False)
    md5 = hashlib.md5(canon.encode()).hexdigest()
    sig = hashlib.sha1((access + private + md5).encode()).hexdigest()
    head = {"signature": sig, "wallet_type": wallet, "amount": float(amount_text),
            "currency_code": currency, "label": label, "direction": "ingoing",
            "created_datetime": "2025-11-30 10:47:40", "access_key": access}
    body = json.dumps(head, separators=(",", ":"), ensure_ascii=False)
    return body[:-1] + ',"additional_data":' + canon + "}"


def events_body(seq0, ctid, amount, created, states):
    sale = {"id": zlib.crc32(ctid.encode()) + 1, "ctid": ctid, "order_id": "o" + ctid[-14:], "method": "upi", "currency": "INR",
            "amount": amount, "label": "bench", "key1": "", "created_at": created}
    evs = []
    prev = None
    for i, (to, outcome) in enumerate(states):
        evs.append({"seq": seq0 + i, "from": prev, "to": to, "outcome": outcome,
                    "at": created + i, "note": "", "sale": sale})
        prev = to
    return json.dumps({"events": evs}, separators=(",", ":"))


OPEN = [("new", "none"), ("creating", "none"), ("awaiting_payment", "not_known")]


def cmd_postbacks(n, out):
    run = os.urandom(4).hex()
    with open(out, "w") as f:
        for i in range(int(n)):
            body = signed_postback("bench-%s-%d" % (run, i), "%d.%02d" % (100 + i % 900, i % 100),
                                   "INR", "upi_s", "9%s%07d" % (run[:4], i))
            f.write("*\t/paykassma/postback\t-\t%s\n" % body)


def cmd_events(kiosks, per, tokens, out):
    toks = [t.strip() for t in open(tokens) if t.strip()]
    kiosks, per = int(kiosks), int(per)
    assert len(toks) >= kiosks
    run = os.urandom(4).hex()
    now = int(time.time())
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        for k in range(kiosks):
            for j in range(per):
                # a sale every three events: new -> creating -> awaiting_payment
                sale, step = divmod(j, 3)
                ctid = "ev-%s-%d-%d" % (run, k, sale)
                st = OPEN[step]
                body = events_body(j + 1, ctid, 10000 + sale, now, [st])
                # "from" is the previous state of the same sale
                if step:
                    b = json.loads(body)
                    b["events"][0]["from"] = OPEN[step - 1][0]
                    body = json.dumps(b, separators=(",", ":"))
                f.write("%d\t/kiosk/events\tAuthorization: Bearer %s\t%s\n" % (k, toks[k], body))


def http(method, url, token, body=None, timeout=30):
    headers = {"Authorization": "Bearer " + token} if token else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
        body = body.encode()
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def cmd_news(rounds, base, token_file):
    token = open(token_file).read().strip()
    run = os.urandom(4).hex()
    seq = int(time.time())  # above anything this kiosk sent before
    after = 0
    code, body = http("GET", base + "/kiosk/news?after=0&wait=0", token)
    if code == 200:
        after = json.loads(body).get("next", 0)
    for r in range(int(rounds)):
        ctid = "news-%s-%d" % (run, r)
        code, body = http("POST", base + "/kiosk/events", token,
                          events_body(seq, ctid, 10050, int(time.time()), OPEN))
        seq += len(OPEN)
        if code != 200:
            sys.exit("events: HTTP %d %s" % (code, body[:200]))
        got = {}

        def poll():
            c, b = http("GET", base + "/kiosk/news?after=%d&wait=20" % after, token)
            got["t"] = time.monotonic()
            got["code"], got["body"] = c, b
        th = threading.Thread(target=poll)
        th.start()
        time.sleep(0.3)  # the poll is held by now (a benchmark, not a test)
        t0 = time.monotonic()
        code, body = http("POST", base + "/paykassma/postback", None,
                          signed_postback(ctid, "100.50", "INR", "upi_s", "7%011d" % r))
        if code != 200:
            sys.exit("postback: HTTP %d %s" % (code, body[:200]))
        th.join(30)
        if "t" not in got or got["code"] != 200:
            sys.exit("news: no answer (%r)" % got.get("code"))
        ans = json.loads(got["body"])
        if not any(n.get("ctid") == ctid for n in ans.get("news", [])):
            sys.exit("news: the answer has no news for %s: %s" % (ctid, got["body"][:300]))
        after = ans["next"]
        print("%.1f" % ((got["t"] - t0) * 1000))


def cmd_fsync(folder, n):
    path = os.path.join(folder, "pk-bench-fsync.%d" % os.getpid())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    block = b"\x01" * 8192
    ms = []
    try:
        for i in range(int(n)):
            os.pwrite(fd, block, (i % 128) * 8192)
            t0 = time.monotonic()
            os.fdatasync(fd)
            ms.append((time.monotonic() - t0) * 1000)
    finally:
        os.close(fd)
        os.unlink(path)
    ms.sort()
    pick = lambda q: ms[int(q * (len(ms) - 1) + 0.5)]
    print("p50_ms=%.2f p99_ms=%.2f max_ms=%.2f" % (pick(0.5), pick(0.99), ms[-1]))


class Hook:
    """The kiosk's test hook file (src/ui/testhook.h), read as it grows:
    each frame's text, blanks removed, with the time it was seen."""

    def __init__(self, path):
        self.f = open(path, encoding="utf-8", errors="replace")
        self.rows = {}
        self.part = ""

    def frames(self):
        out = []
        while True:
            line = self.f.readline()
            if not line:
                return out
            if not line.endswith("\n"):
                self.part += line
                continue
            line, self.part = self.part + line[:-1], ""
            w = line.split(" ", 4)
            if w[0] == "frame":
                self.rows = {}
            elif w[0] == "run" and len(w) == 5:
                self.rows[int(w[1])] = self.rows.get(int(w[1]), "") + "".join(w[4].split())
            elif w[0] == "end":
                out.append("\n".join(self.rows[r] for r in sorted(self.rows)))

    def wait(self, text, secs=10):
        want = "".join(text.split())
        end = time.monotonic() + secs
        while time.monotonic() < end:
            for fr in self.frames():
                if want in fr:
                    return time.monotonic()
            time.sleep(0.001)
        sys.exit("screen: no frame with %r within %d s" % (text, secs))


def cmd_screen(rounds, hook_path, keys_fifo, sandbox_url, journal):
    """ROUNDS UPI sales on the real kiosk; the gateway's status calls fail
    (a sandbox fault), the sandbox settles the order and sends its postback
    to the hub: ms from the settle call to the kiosk's frame with "Paid"."""
    import sqlite3
    secret = os.environ["PAYKASSMA_SANDBOX_SECRET"]
    hook = Hook(hook_path)
    keys = open(keys_fifo, "w")

    def key(*ks):
        for k in ks:
            keys.write(k + "\n")
        keys.flush()

    def ctl(path, obj):
        c, b = http("POST", "%s%s?secret=%s" % (sandbox_url, path, secret), None, json.dumps(obj))
        if c != 200:
            sys.exit("sandbox %s: HTTP %d" % (path, c))

    ctl("/_sandbox/fault", {"call": "upi_status", "mode": "fail_http", "count": 100000})
    hook.wait("Choose the payment")
    db = sqlite3.connect("file:%s?mode=ro" % journal, uri=True)
    for r in range(int(rounds)):
        key("2")
        hook.wait("Amount in INR")
        key("100", "Enter")
        hook.wait("Scan with any UPI app")
        order = db.execute("select order_id from sales order by id desc limit 1").fetchone()[0]
        hook.frames()  # what was drawn so far does not count
        t0 = time.monotonic()
        ctl("/_sandbox/settle", {"order_id": order, "status": "success"})
        t1 = hook.wait("Paid")
        print("%.1f" % ((t1 - t0) * 1000))
        sys.stdout.flush()
        key("Enter")
        hook.wait("Choose the payment")
    key("Escape")


if __name__ == "__main__":
    cmds = {"postbacks": cmd_postbacks, "events": cmd_events, "news": cmd_news,
            "screen": cmd_screen, "fsync": cmd_fsync}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])
