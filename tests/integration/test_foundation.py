"""Foundation scenarios: languages under concurrency, the access log,
static caching, WebSocket handshake and messages, command line, the
server's clock (WIJKWIJZER_NOW)."""
import concurrent.futures
import datetime
import json
import os
import re
import subprocess
import tempfile

import harness
from harness import check

LANG_MARKERS = {
    "nl": "Direct naar de inhoud",
    "en": "Skip to content",
}


def test_static_cache(server, binary, sanitizer):
    st, _, body = server.get("/nl/")
    m = re.search(r'href="(/static/style\.css\?v=[0-9a-f]{8})"', body)
    check(m is not None, "home links a versioned stylesheet")
    if m:
        st, h, css = server.get(m.group(1))
        check(st == 200 and "immutable" in h.get("cache-control", ""), "versioned asset is immutable")
        check("--c-primary" in css, "stylesheet content served")


def test_interleaved_languages(server, binary, sanitizer):
    langs = ["nl", "en", "de", "tr", "ar", "pl", "uk"]
    jobs = [langs[i % len(langs)] for i in range(350)]

    def fetch(lang):
        st, _, body = server.get(f"/{lang}/")
        return lang, st, body

    mixed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as ex:
        for lang, st, body in ex.map(fetch, jobs):
            ok = st == 200 and f'<html lang="{lang}"' in body
            for other, marker in LANG_MARKERS.items():
                if other == lang:
                    ok = ok and marker in body
                elif lang in LANG_MARKERS:
                    ok = ok and marker not in body
            mixed += 0 if ok else 1
    check(mixed == 0, f"{mixed} of {len(jobs)} interleaved responses had the wrong language")


def test_access_log_private(server, binary, sanitizer):
    server.get("/nl/?postcode=7511GEHEIM&q=mijn+naam")
    server.get("/nl/afspraak/SECRETTOKEN123")
    out = server.output()
    check("7511GEHEIM" not in out and "mijn" not in out, "query strings stay out of the log")
    check("SECRETTOKEN123" not in out, "raw paths stay out of the log")
    check(re.search(r"GET /\{lang\}/ 200 \d+ [\d.]+ms", out) is not None, "one line per request")


def test_websocket_hello(server, binary, sanitizer):
    ws = harness.WebSocket(server.port)
    check(ws.accepted, f"handshake accepted: {ws.status_line}")
    if ws.accepted:
        ws.send(json.dumps({"type": "hello"}))
        msg = json.loads(ws.recv_text())
        check(msg.get("type") == "hello" and msg.get("protocol") == "wijkwijzer.v1", f"hello reply {msg}")
        ws.send("{not json")
        msg = json.loads(ws.recv_text())
        check(msg == {"type": "error", "code": "bad_json"}, f"bad json answered: {msg}")
        ws.send(json.dumps({"type": "nonsense"}))
        msg = json.loads(ws.recv_text())
        check(msg.get("code") == "unknown_type", "unknown type answered")
        # a message in three fragments is put together
        ws.send('{"type"', opcode=1, fin=False)
        ws.send(':"pi', opcode=0, fin=False)
        ws.send('ng"}', opcode=0, fin=True)
        msg = json.loads(ws.recv_text())
        check(msg.get("type") == "pong", "fragmented message reassembled")
    ws.close()


def test_websocket_limits(server, binary, sanitizer):
    ws = harness.WebSocket(server.port)
    check(ws.accepted, "handshake for limits")
    ws.send("x" * 10000)
    try:
        ws.recv_text()
        check(False, "oversized message must close the connection")
    except ConnectionError as e:
        check("close 1009" in str(e), f"closed with 1009 (message too big): {e}")
    ws.close()
    ws = harness.WebSocket(server.port)
    ws.send(b"\x00\x01", opcode=2)
    try:
        ws.recv_text()
        check(False, "binary frame must close the connection")
    except ConnectionError as e:
        check("close 1003" in str(e), f"a binary frame is closed with 1003 (unacceptable): {e}")
    ws.close()
    st, _, _ = server.get("/healthz")
    check(st == 200, "server fine after websocket abuse")


def test_websocket_refused(server, binary, sanitizer):
    """A handshake that is refused is answered with its HTTP status (lws
    4.1.6 lets the server answer at LWS_CALLBACK_HTTP_CONFIRM_UPGRADE), with
    the security headers, and then closed; no session is left behind."""
    for kwargs, what, status in [
        ({"origin": "http://evil.example"}, "wrong origin", 403),
        ({"origin": ""}, "missing origin", 403),
        ({"protocol": None}, "no subprotocol", 400),
        ({"protocol": "chat"}, "other subprotocol", 400),
        ({"protocol": "http"}, "the protocol of pages", 400),
        ({"path": "/nl/"}, "wrong path", 404),
        ({"path": "/ws/x"}, "a path below /ws", 404),
    ]:
        ws = harness.WebSocket(server.port, **kwargs)
        check(not ws.accepted and ws.status == status,
              f"{what} refused with {status}: {ws.status_line!r}")
        ws.close()
    # what lws itself needs (it would close without a word): a 400
    for drop, what in (("Sec-WebSocket-Key", "no Sec-WebSocket-Key"), ("Connection", "no Connection: Upgrade")):
        lines = [f"GET /ws HTTP/1.1", f"Host: 127.0.0.1:{server.port}", "Upgrade: websocket",
                 "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                 "Sec-WebSocket-Version: 13", "Sec-WebSocket-Protocol: wijkwijzer.v1",
                 f"Origin: http://127.0.0.1:{server.port}"]
        out = server.raw(("\r\n".join(l for l in lines if not l.startswith(drop + ":")) + "\r\n\r\n").encode())
        head = out.split(b"\r\n\r\n")[0].decode(errors="replace").lower()
        check(re.match(r"http/1\.[01] 400 ", head) is not None, f"{what}: 400 ({head[:40]!r})")
        check("content-security-policy:" in head and "x-content-type-options: nosniff" in head,
              f"{what}: the refusal has the security headers")
    ws = harness.WebSocket(server.port)
    check(ws.accepted, f"a correct handshake is still accepted: {ws.status_line}")
    if ws.accepted:
        ws.send(json.dumps({"type": "ping"}))
        check(json.loads(ws.recv_text()).get("type") == "pong", "and answers")
    ws.close()
    st, _, _ = server.get("/healthz")
    check(st == 200, "server fine after refused handshakes")


def live_slot(server, location):
    """A free slot (start, ISO) on an open day of location, for a booking
    that makes the subscribers of that day hear of it."""
    for d in harness.open_days(location)[:10]:
        st, _, body = server.get(f"/api/v1/slots?location={location}&date={d}&topic=iets-anders")
        for sl in json.loads(body)["slots"] if st == 200 else []:
            if sl["free"] > 0:
                return d, sl["start"]
    return None, None


def book_api(server, location, start, name):
    st, _, _ = server.request("POST", "/api/v1/bookings", json.dumps({
        "location": location, "start": start, "topic": "iets-anders", "name": name,
        "lang": "nl"}).encode(), {"Content-Type": "application/json"})
    return st


def recv_type(ws, want, timeout=5):
    """The next message of type want (others are skipped), or None."""
    ws.sock.settimeout(timeout)
    try:
        for _ in range(20):
            m = json.loads(ws.recv_text())
            if m.get("type") == want:
                return m
    except (OSError, ConnectionError, ValueError):
        pass
    return None


def test_websocket_subscribe_rate(server, binary, sanitizer):
    """--subscribe-rate 5: one client address gets five slot lists a minute;
    the sixth subscribe, on any of its sessions, is answered with an error
    of the live protocol, is not computed and leaves the subscription as it
    was; the sessions stay open; another address still subscribes."""
    if not check(harness.supports(binary, "--subscribe-rate"), "the server has --subscribe-rate"):
        return
    k = 4 if sanitizer else 1
    s = harness.Server(binary, sanitizer=sanitizer, extra=["--subscribe-rate", "5"])
    try:
        day, start = live_slot(s, "ww-boswinkel")
        later = harness.open_day("ww-boswinkel", after=day)
        check(day and start and later, "an open day with a free slot, and a later one")

        def sub(d):
            return json.dumps({"type": "subscribe", "location": "ww-boswinkel", "date": d,
                               "topic": "iets-anders"})
        a, b = harness.WebSocket(s.port, timeout=5 * k), harness.WebSocket(s.port, timeout=5 * k)
        check(a.accepted and b.accepted, "two sessions of one address")
        got = []
        for i in range(5):
            (a if i < 3 else b).send(sub(day))
            got.append(json.loads((a if i < 3 else b).recv_text()).get("type"))
        check(got == ["slots"] * 5, f"five subscribes within the rate: {got}")
        a.send(sub(later))
        m = json.loads(a.recv_text())
        check(m == {"type": "error", "code": "too_many_subscriptions"}, f"the sixth is refused: {m}")
        b.send(sub(later))
        m = json.loads(b.recv_text())
        check(m.get("code") == "too_many_subscriptions", f"on the other session of that address too: {m}")
        for ws, what in ((a, "first"), (b, "second")):
            ws.send(json.dumps({"type": "ping"}))
            check(recv_type(ws, "pong", 5 * k) is not None, f"the {what} session stays open")
        try:
            other = harness.WebSocket(s.port, source="127.0.0.2", timeout=5 * k)
        except OSError as e:
            other = None
            print(f"  subscribe rate: no second loopback address ({e}); other-client check skipped", flush=True)
        if other:
            other.send(sub(later))
            m = json.loads(other.recv_text())
            check(m.get("type") == "slots" and m.get("date") == later,
                  f"another address still subscribes: {m.get('type')} {m.get('code')}")
            other.close()
        # the refused subscribe changed nothing: a is still on day
        check(book_api(s, "ww-boswinkel", start, "Rate") == 201, "a booking on the subscribed day")
        m = recv_type(a, "slots", 5 * k)
        check(m is not None and m.get("date") == day,
              f"the refused subscribe left the subscription as it was: {m and m.get('date')}")
        a.close()
        b.close()
    finally:
        s.cleanup()


def test_websocket_limits_behind_proxy(server, binary, sanitizer):
    """Behind the proxy the WebSocket cap and the subscribe rate count the
    address the proxy saw (the last X-Forwarded-For entry), as the booking
    rate does: one client is held to them, another behind the same proxy
    is not."""
    has_rate = harness.supports(binary, "--subscribe-rate")
    k = 4 if sanitizer else 1
    s = harness.Server(binary, sanitizer=sanitizer,
                       extra=["--behind-proxy", "--client-websockets", "1"] +
                       (["--subscribe-rate", "2"] if has_rate else []))
    try:
        day = harness.open_day("ww-boswinkel")
        sub = json.dumps({"type": "subscribe", "location": "ww-boswinkel", "date": day, "topic": "iets-anders"})
        one = {"X-Forwarded-For": "198.51.100.7"}
        a = harness.WebSocket(s.port, headers=one, timeout=5 * k)
        check(a.accepted, f"the first WebSocket of a client behind the proxy: {a.status_line}")
        a2 = harness.WebSocket(s.port, headers=one, timeout=5 * k)
        check(not a2.accepted and a2.status == 429, f"its second is over --client-websockets 1: {a2.status_line!r}")
        a2.close()
        b = harness.WebSocket(s.port, headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9"}, timeout=5 * k)
        check(b.accepted, f"another client behind the same proxy has its own: {b.status_line}")
        if check(has_rate, "the server has --subscribe-rate") and a.accepted and b.accepted:
            got = []
            for _ in range(3):
                a.send(sub)
                m = json.loads(a.recv_text())
                got.append(m.get("type") if m.get("type") == "slots" else m.get("code"))
            check(got == ["slots", "slots", "too_many_subscriptions"], f"one client's subscribe rate: {got}")
            b.send(sub)
            m = json.loads(b.recv_text())
            check(m.get("type") == "slots", f"the other client still subscribes: {m}")
        a.close()
        b.close()
    finally:
        s.cleanup()


def test_kiosk_reset_needs_hello(server, binary, sanitizer):
    """kiosk_reset is for the session that said kiosk_hello: on any other
    session (none, an unknown terminal, another session's hello, after the
    reset itself) it is refused with an error and does nothing. Only the
    browser enrolled as the terminal may say kiosk_hello for it."""
    kiosk = harness.kiosk_headers(server)
    ws, other = harness.WebSocket(server.port, headers=kiosk), harness.WebSocket(server.port, headers=kiosk)
    stranger = harness.WebSocket(server.port, headers={"Cookie": "ww_kiosk=demo"})
    reset = json.dumps({"type": "kiosk_reset"})
    try:
        stranger.send(json.dumps({"type": "kiosk_hello", "terminal": "demo"}))
        m = json.loads(stranger.recv_text())
        check(m == {"type": "error", "code": "not_enrolled"}, f"kiosk_hello from a browser that is not the terminal: {m}")
        ws.send(json.dumps({"type": "kiosk_hello", "terminal": "test"}))
        m = json.loads(ws.recv_text())
        check(m.get("code") == "not_enrolled", f"kiosk_hello for another terminal than the browser is: {m}")
        day, start = live_slot(server, "ww-noord")
        check(day is not None, "a free slot for the subscription")
        ws.send(json.dumps({"type": "subscribe", "location": "ww-noord", "date": day, "topic": "iets-anders"}))
        check(json.loads(ws.recv_text()).get("type") == "slots", "subscribed")
        ws.send(reset)
        m = json.loads(ws.recv_text())
        check(m == {"type": "error", "code": "not_a_kiosk_session"}, f"kiosk_reset without kiosk_hello: {m}")
        other.send(json.dumps({"type": "kiosk_hello", "terminal": "demo"}))
        check(json.loads(other.recv_text()).get("type") == "kiosk_ready", "another session is a kiosk")
        ws.send(reset)
        m = json.loads(ws.recv_text())
        check(m.get("code") == "not_a_kiosk_session", f"another session's kiosk_hello does not count: {m}")
        ws.send(json.dumps({"type": "kiosk_hello", "terminal": "bestaat-niet"}))
        check(json.loads(ws.recv_text()).get("code") == "unknown_terminal", "an unknown terminal")
        ws.send(reset)
        m = json.loads(ws.recv_text())
        check(m.get("code") == "not_a_kiosk_session", f"is no kiosk session: {m}")
        # nothing was done: the subscription still hears of a booking
        check(book_api(server, "ww-noord", start, "Kiosk") == 201, "a booking on the subscribed day")
        m = recv_type(ws, "slots")
        check(m is not None and m.get("date") == day, "the refused resets left the subscription alone")
        ws.send(json.dumps({"type": "kiosk_hello", "terminal": "demo"}))
        check(recv_type(ws, "kiosk_ready") is not None, "kiosk_hello on this session")
        ws.send(reset)
        check(recv_type(ws, "kiosk_reset_done") is not None, "then kiosk_reset is done")
        ws.send(reset)
        m = json.loads(ws.recv_text())
        check(m.get("code") == "not_a_kiosk_session", f"the reset ended the kiosk session: {m}")
        other.send(reset)
        check(recv_type(other, "kiosk_reset_done") is not None, "the other kiosk session resets itself")
    finally:
        ws.close()
        other.close()
        stranger.close()


def run_cli(binary, args, timeout=10, env=None):
    p = subprocess.run([binary] + args, capture_output=True, text=True, timeout=timeout,
                       env=dict(os.environ, **(env or {})))
    return p.returncode, p.stdout, p.stderr


def test_data_folder_private(server, binary, sanitizer):
    """The data folder holds names, phone numbers, staff hashes and the
    server secret: 0700, its database files 0600, also when the folder was
    made by someone else with 0755 and a database file is 0644, and also
    when the server was started under an open umask (022)."""
    import stat
    with tempfile.TemporaryDirectory() as parent:
        d = os.path.join(parent, "data")
        os.mkdir(d, 0o755)
        os.chmod(d, 0o755)
        old = os.umask(0o022)
        try:
            s = harness.Server(binary, sanitizer=sanitizer, data=d)
        finally:
            os.umask(old)
        try:
            st, _, _ = s.get("/api/v1/topics")  # the server is up and has its database
            mode = stat.S_IMODE(os.stat(d).st_mode)
            check(mode == 0o700, f"data folder made 0755 by someone else is 0700 now: {mode:o}")
            files = [f for f in os.listdir(d) if f.startswith("wijkwijzer.db")]
            check("wijkwijzer.db" in files, f"the database is there: {files}")
            modes = {f: stat.S_IMODE(os.stat(os.path.join(d, f)).st_mode) for f in files}
            check(all(m == 0o600 for m in modes.values()),
                  f"every database file is 0600: { {f: oct(m) for f, m in modes.items()} }")
        finally:
            s.cleanup()
        # a database file left 0644 (an old version, a copy) is tightened
        os.chmod(os.path.join(d, "wijkwijzer.db"), 0o644)
        os.chmod(d, 0o755)
        s = harness.Server(binary, sanitizer=sanitizer, data=d)
        try:
            mode = stat.S_IMODE(os.stat(os.path.join(d, "wijkwijzer.db")).st_mode)
            check(mode == 0o600, f"a 0644 database file is 0600 after a start: {mode:o}")
            check(stat.S_IMODE(os.stat(d).st_mode) == 0o700, "and the folder 0700 again")
        finally:
            s.cleanup()


def test_cli(server, binary, sanitizer):
    rc, out, err = run_cli(binary, ["--help"])
    check(rc == 0 and "--port" in out and "--data" in out, "--help")
    rc, out, err = run_cli(binary, ["--port", "70000"])
    check(rc != 0 and err.count("\n") == 1, f"bad port: one line, got {err!r}")
    rc, out, err = run_cli(binary, ["--nonsense"])
    check(rc != 0, "unknown option fails")
    with tempfile.TemporaryDirectory() as d:
        supp = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lws-failed-start.supp")
        rc, out, err = run_cli(binary, ["--port", str(server.port), "--data", d],
                               env={"LSAN_OPTIONS": "print_suppressions=0:suppressions=" + supp})
        lines = [l for l in err.splitlines() if l.strip()]
        check(rc != 0 and len(lines) == 1 and "cannot listen" in err, f"busy port: {err!r}")
        blocker = os.path.join(d, "file")
        open(blocker, "w").close()
        rc, out, err = run_cli(binary, ["--port", str(harness.free_port()), "--data", blocker + "/sub"])
        lines = [l for l in err.splitlines() if l.strip()]
        check(rc != 0 and len(lines) == 1 and "data folder" in err, f"unusable data folder: {err!r}")
        if os.geteuid() != 0:
            ro = os.path.join(d, "ro")
            os.mkdir(ro, 0o500)
            rc, out, err = run_cli(binary, ["--port", str(harness.free_port()), "--data", ro])
            check(rc != 0, "read-only data folder refused")
        rc, out, err = run_cli(binary, ["--port", str(harness.free_port()), "--data", d, "--content", "/nonexistent"])
        check(rc != 0 and "content folder" in err, "missing content folder")


def test_sigint_clean(server, binary, sanitizer):
    with tempfile.TemporaryDirectory() as d:
        s = harness.Server(binary, sanitizer=sanitizer, data=d)
        try:
            st, _, _ = s.get("/nl/")
            check(st == 200, "second server serves")
            rc = s.stop(sig=2)
            check(rc == 0, f"SIGINT exit code {rc}")
            check("shutting down" in s.output(), "clean shutdown message")
            # the database is consistent and reopens
            p = subprocess.run(["sqlite3", os.path.join(d, "wijkwijzer.db"), "PRAGMA integrity_check; PRAGMA user_version;"],
                               capture_output=True, text=True)
            check(p.stdout.split() [:1] == ["ok"], f"integrity: {p.stdout!r}")
        finally:
            s.cleanup()


def test_clock_from_environment(server, binary, sanitizer):
    """The test servers run on harness.NOW, not on the real date: the days
    around the instant answer as they would on it, whatever the date."""
    def slots(date):
        st, _, body = server.get(f"/api/v1/slots?location=ww-centrum&date={date}")
        return json.loads(body)["slots"] if st == 200 else None
    open_weekdays = harness.opening_weekdays("ww-centrum")
    shut = harness.holidays() | harness.closed_days("ww-centrum")
    before = next(harness.day(-n) for n in range(1, 8) if harness.day(-n) not in shut and
                  datetime.date.fromisoformat(harness.day(-n)).weekday() in open_weekdays)
    check(slots(before) == [], f"the last open day before the instant ({before}) is past: no slots")
    check(slots(harness.day(0)) == [], f"the instant's own day ({harness.day(0)}) is inside the notice period")
    first = slots(harness.day(1))
    check(first and first[0]["start"] == f"{harness.day(1)}T09:00:00+01:00",
          f"the next morning is bookable from 09:00, 24 hours after the instant: {first and first[0]}")
    last = harness.open_days("ww-centrum")[-1]
    check(slots(last), f"the last open day of the instant's horizon ({last}) has slots")
    for bad in ("morgen", "2026-12-07T09:00:00", "2026-12-07", "2026-12-07T09:00:00+25:00"):
        with tempfile.TemporaryDirectory() as d:
            rc, out, err = run_cli(binary, ["--port", str(harness.free_port()), "--data", d],
                                   env={"WIJKWIJZER_NOW": bad})
        lines = [l for l in err.splitlines() if l.strip()]
        check(rc != 0 and len(lines) == 1 and "WIJKWIJZER_NOW" in err,
              f"WIJKWIJZER_NOW={bad!r} refused with one line: {rc} {err!r}")
