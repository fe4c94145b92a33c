"""The execution model as a client sees it: full queues answer 503 (HTML
in the request's language, JSON for the API, an error message on the
WebSocket) instead of hanging; per-client caps on connections and
WebSockets; the response cache (ETag, 304, gzip and brotli, Vary) and
that it is never stale (opening hours at the minute, slot lists after a
booking, new content after SIGHUP); group commit keeps every 201; the
slot fan-out reaches 200 subscribers.

Every test starts its own server, with the flags it needs, so the shared
server is never put at risk; the cache checks that only read use the
shared one. Timeouts are scaled with the sanitizer flag."""
import calendar
import collections
import concurrent.futures
import contextlib
import datetime
import gzip
import http.client
import json
import os
import re
import resource
import selectors
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse

import harness
import test_faults as faults
from harness import check

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
API_HEADERS = {"Content-Type": "application/json"}
TOPIC = "iets-anders"  # 30 minutes: one slot per booking
# what must never reach a visitor: traces, sanitizer output, source lines
STACK_TRACE = re.compile(r"Traceback|AddressSanitizer|runtime error|Segmentation|\b\w+\.c:\d+|#\d+ 0x[0-9a-f]+")
BUSY_NL = "Het is nu erg druk"


def scale(sanitizer):
    return 3 if sanitizer else 1


@contextlib.contextmanager
def own_server(binary, sanitizer, extra=None, env=None, data=None, what="server"):
    """A server of the test's own; stopped with SIGTERM at the end, which
    must succeed without sanitizer reports."""
    s = harness.Server(binary, sanitizer=sanitizer, extra=extra, env=env, data=data)
    try:
        yield s
    finally:
        rc = s.stop()
        out = s.output()
        check(rc == 0, f"{what}: exit code {rc} after SIGTERM" + ("" if rc == 0 else ":\n" + out[-3000:]))
        check("AddressSanitizer" not in out and "runtime error" not in out,
              f"{what}: sanitizer reports:\n{out[-3000:]}")
        s.cleanup()


# ---- raw HTTP, many connections at once ----------------------------------

def connect(port, source=None, timeout=10):
    return socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                    source_address=(source, 0) if source else None)


def request_bytes(method, path, headers=None, body=b""):
    h = {"Host": "127.0.0.1", "Connection": "close"}
    h.update(headers or {})
    if body:
        h["Content-Length"] = str(len(body))
    lines = [f"{method} {path} HTTP/1.1"] + [f"{k}: {v}" for k, v in h.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def read_all(socks, timeout):
    """Reads every socket to its end, all at the same time. For each: the
    bytes received (b"" when it was closed without an answer), or None when
    it was still open at the deadline."""
    sel = selectors.DefaultSelector()
    parts = [[] for _ in socks]
    done = [False] * len(socks)
    for i, s in enumerate(socks):
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, i)
    left = len(socks)
    deadline = time.time() + timeout
    while left and time.time() < deadline:
        for key, _ in sel.select(timeout=min(1.0, max(0.01, deadline - time.time()))):
            i = key.data
            try:
                chunk = key.fileobj.recv(1 << 20)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            if chunk:
                parts[i].append(chunk)
            else:
                done[i] = True
                left -= 1
                sel.unregister(key.fileobj)
    sel.close()
    for s in socks:
        try:
            s.close()
        except OSError:
            pass
    return [b"".join(p) if d else None for p, d in zip(parts, done)]


def parse(raw):
    """(status, headers in lower case, body bytes); None for no answer."""
    if not raw:
        return None
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    m = re.match(r"HTTP/1\.[01] (\d{3})", lines[0])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return (int(m.group(1)) if m else 0), headers, body


def read_one(sock, timeout):
    """One keep-alive answer: (status, headers, body), b"" when the server
    closed the connection without answering, None when nothing came."""
    sock.settimeout(timeout)
    buf = b""
    try:
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(65536)
            if not chunk:
                return b"" if not buf else parse(buf)
            buf += chunk
        st, h, body = parse(buf)
        want = int(h.get("content-length", "0"))
        while len(body) < want:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
        return st, h, body
    except socket.timeout:
        return None
    except OSError:
        return b""  # reset: closed without an answer


def get_bytes(server, path, headers=None, timeout=10):
    """GET with the body as bytes (harness.get decodes it)."""
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


def try_websocket(port, source=None):
    """A WebSocket handshake; the WebSocket, or None when it was refused."""
    try:
        ws = harness.WebSocket(port, source=source)
    except OSError:
        return None
    if not ws.accepted:
        ws.close()
        return None
    return ws


def ws_ping(ws, timeout=5):
    try:
        ws.sock.settimeout(timeout)
        ws.send(json.dumps({"type": "ping"}))
        return json.loads(ws.recv_text()).get("type") == "pong"
    except (OSError, ConnectionError, ValueError):
        return False


# ---- bookings ------------------------------------------------------------

def slots_of(server, loc, day, topic=TOPIC):
    st, _, body = server.get(f"/api/v1/slots?location={loc}&date={day}&topic={topic}")
    return json.loads(body)["slots"] if st == 200 else []


def free_of(server, loc, start, topic=TOPIC):
    for s in slots_of(server, loc, start[:10], topic):
        if s["start"] == start:
            return s["free"]
    return None


def find_slots(server, locations, want, min_free=1, first_day=2, days=40, exclude=()):
    """Up to `want` (location, slot) pairs with at least min_free desks."""
    found = []
    today = datetime.date.today()
    for d in range(first_day, first_day + days):
        day = (today + datetime.timedelta(days=d)).isoformat()
        for loc in locations:
            for s in slots_of(server, loc, day):
                if s["free"] >= min_free and (loc, s["start"]) not in exclude:
                    found.append((loc, s))
                    if len(found) >= want:
                        return found
    return found


def book(port, loc, start, name, timeout=30):
    """One API booking: (status, parsed JSON or None); 0 when the
    connection broke. The same request as the fault tests make."""
    return faults.book(port, loc, start, name, timeout=timeout)


# ---- 1. backpressure -------------------------------------------------------

def test_backpressure_read_aloud(server, binary, sanitizer):
    """40 read-alouds of different pages at once on a kiosk: one page is
    spoken at a time (speech.h, SPEECH_MAX_AT_ONCE), and the slow pool
    (2 threads, 16 waiting) takes what it can; the rest get a 503 with
    Retry-After, as an HTML page in the request's language (here from
    Accept-Language: the path /lees-voor.wav has no language of its own)."""
    k = scale(sanitizer)
    with own_server(binary, sanitizer, what="read-aloud flood") as s:
        st, _, body = s.get("/api/v1/services?limit=100")
        ids = [x["id"] for x in json.loads(body)["services"]][:40]
        check(len(ids) == 40, f"40 different pages to read: {len(ids)}")
        langs = ("nl", "ar", "tr")
        plan = [(langs[i % 3], sid) for i, sid in enumerate(ids)]
        socks = [connect(s.port, timeout=60 * k) for _ in plan]
        time.sleep(0.2)
        for sock, (lang, sid) in zip(socks, plan):
            pad = urllib.parse.quote(f"/{lang}/voorzieningen/{sid}", safe="")
            sock.sendall(request_bytes("GET", f"/lees-voor.wav?pad={pad}",
                                       dict(harness.kiosk_headers(s), **{"Accept-Language": lang})))
        # the loop and the reader pool are not held up by the speech queue
        t0 = time.time()
        st, _, _ = s.get("/healthz")
        dt = time.time() - t0
        check(st == 200 and dt < 0.5 * k, f"/healthz during the read-aloud flood: {st} in {dt * 1000:.0f} ms")
        t0 = time.time()
        st, _, page = s.get("/nl/mantelzorg?tijdens=voorlezen")
        dt = time.time() - t0
        check(st == 200 and dt < 1.0 * k, f"an ordinary page during the read-aloud flood: {st} in {dt * 1000:.0f} ms")
        answers = [parse(r) for r in read_all(socks, 90 * k)]
        statuses = [a[0] if a else None for a in answers]
        count = collections.Counter(statuses)
        check(all(x in (200, 503) for x in statuses), f"every read-aloud is answered 200 or 503: {dict(count)}")
        check(count[503] >= 1, f"a full speech queue answers 503: {dict(count)}")
        check(count[200] >= 1, f"what fits is read: {dict(count)}")
        bad_wav = [plan[i] for i, a in enumerate(answers)
                   if a and a[0] == 200 and (a[1].get("content-type") != "audio/wav" or a[2][:4] != b"RIFF")]
        check(not bad_wav, f"each 200 is a WAV: {bad_wav[:3]}")
        refused = collections.defaultdict(list)
        for (lang, sid), a in zip(plan, answers):
            if a and a[0] == 503:
                refused[lang].append(a)
        for lang in langs:
            got = refused[lang]
            check(got, f"some read-alouds in {lang} were refused (so their 503 page is checked)")
            ra = [a[1].get("retry-after", "") for a in got]
            check(all(r.isdigit() and int(r) > 0 for r in ra), f"{lang}: every 503 has Retry-After: {ra[:5]}")
            check(all(a[1].get("content-type", "").startswith("text/html") for a in got), f"{lang}: the 503 is an HTML page")
            bodies = [a[2].decode("utf-8", "replace") for a in got]
            check(all(f'<html lang="{lang}"' in b for b in bodies), f"{lang}: the 503 page is marked as {lang}")
            if lang == "ar":
                check(all('dir="rtl"' in b for b in bodies), "ar: the 503 page is right to left")
            check(not any(STACK_TRACE.search(b) for b in bodies), f"{lang}: no stack trace in a 503")
            if lang != "nl":
                check(not any(BUSY_NL in b for b in bodies),
                      f"{lang}: the 503 message is in {lang}, not the Dutch '{BUSY_NL}...'")
            else:
                check(all(BUSY_NL in b for b in bodies), "nl: the 503 says it is busy")
        # afterwards: answered at once again, and a refused page can be read now
        t0 = time.time()
        st, _, _ = s.get("/healthz")
        dt = time.time() - t0
        check(st == 200 and dt < 0.5 * k, f"/healthz after the flood: {st} in {dt * 1000:.0f} ms")
        again = next((p for p, a in zip(plan, answers) if a and a[0] == 503), None)
        if again:
            pad = urllib.parse.quote(f"/{again[0]}/voorzieningen/{again[1]}", safe="")
            st, h, _ = get_bytes(s, f"/lees-voor.wav?pad={pad}", harness.kiosk_headers(s), timeout=30 * k)
            check(st == 200 and h.get("content-type") == "audio/wav", f"a refused read-aloud works when tried again: {st}")


def test_backpressure_api_json(server, binary, sanitizer):
    """With one reader thread (queue bound 256): 2000 API requests
    (distinct, so the cache cannot answer them) arrive faster than one
    thread answers them, 300 WebSocket subscribe messages come on top, and
    API requests that come then are refused: 503 with a JSON error code;
    a WebSocket message is told "busy" and its connection stays open."""
    k = scale(sanitizer)
    nplug = 2000
    limits = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = 2 * (nplug + 400) + 500
    if limits[0] < need <= limits[1]:
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, limits[1]))
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < need:
        print(f"  reader queue: skipped, {need} open files needed, limit {limits[0]}", flush=True)
        return
    try:
        api_json_busy(binary, sanitizer, k, nplug)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, limits)


def api_json_busy(binary, sanitizer, k, nplug):
    day = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    sub = json.dumps({"type": "subscribe", "location": "ww-centrum", "date": day, "topic": TOPIC})
    with own_server(binary, sanitizer, extra=["--workers", "1"], what="reader queue") as s:
        probes, replies = [], []
        for attempt in range(3):
            wss = [harness.WebSocket(s.port, timeout=10 * k) for _ in range(300)]
            check(all(w.accepted for w in wss), f"300 WebSockets open (attempt {attempt + 1})")
            plug = [connect(s.port, timeout=60 * k) for _ in range(nplug)]
            late = [connect(s.port, timeout=60 * k) for _ in range(40)]
            time.sleep(0.2)
            tag = f"{attempt}-{int(time.time() * 1000)}"
            for i, c in enumerate(plug):
                c.sendall(request_bytes("GET", f"/api/v1/services?limit=100&near=7511&plug={tag}-{i}"))
            for w in wss:
                w.send(sub)
            time.sleep(0.02)
            for i, c in enumerate(late):
                c.sendall(request_bytes("GET", f"/api/v1/services?limit=100&probe={tag}-{i}",
                                        {"Accept-Language": "en"}))
            answers = [parse(r) for r in read_all(plug + late, 90 * k)]
            plugs, probes = answers[:nplug], answers[nplug:]
            replies = []
            for w in wss:
                try:
                    w.sock.settimeout(20 * k)
                    replies.append((w, json.loads(w.recv_text())))
                except (OSError, ConnectionError, ValueError) as e:
                    replies.append((w, {"type": "none", "error": repr(e)}))
            if any(a and a[0] == 503 for a in probes):
                break
            for w in wss:
                w.close()
        pc = collections.Counter(a[0] if a else None for a in plugs)
        qc = collections.Counter(a[0] if a else None for a in probes)
        check(set(pc) <= {200, 503} and set(qc) <= {200, 503},
              f"every API request is answered 200 or 503: plug {dict(pc)}, late {dict(qc)}")
        check(qc[503] >= 1, f"API requests that find the reader queue full get 503: {dict(qc)} "
                            f"(attempts {attempt + 1})")
        busy = [a for a in plugs + probes if a and a[0] == 503]

        def busy_json(a):
            try:
                err = json.loads(a[2]).get("error", {})
            except ValueError:
                return False
            return a[1].get("content-type", "").startswith("application/json") and \
                err.get("code") == "busy" and bool(err.get("message"))

        bad = [a[2][:200] for a in busy if not busy_json(a)]
        check(not bad, f"each refused API request gets JSON with the error code 'busy': {bad[:2]}")
        ra = [a[1].get("retry-after", "") for a in busy]
        check(all(r.isdigit() and int(r) > 0 for r in ra), f"each refused API request has Retry-After: {ra[:5]}")
        check(not any(STACK_TRACE.search(a[2].decode("utf-8", "replace")) for a in busy),
              "no stack trace in a JSON 503")
        kinds = collections.Counter((m.get("type"), m.get("code")) for _, m in replies)
        check(set(kinds) <= {("slots", None), ("error", "busy")},
              f"each subscribe is answered with slots or a busy error: {dict(kinds)}")
        check(kinds[("error", "busy")] >= 1, f"WebSocket messages that find the queue full are told so: {dict(kinds)}")
        told = [w for w, m in replies if m.get("code") == "busy"][:5]
        check(all(ws_ping(w, 10 * k) for w in told), "a WebSocket that was told 'busy' stays open and answers")
        if told:
            told[0].send(sub)
            m = json.loads(told[0].recv_text())
            check(m.get("type") == "slots", f"its subscribe works when sent again: {m.get('type')}")
        for w, _ in replies:
            w.close()
        t0 = time.time()
        st, _, _ = s.get("/healthz")
        dt = time.time() - t0
        check(st == 200 and dt < 0.5 * k, f"/healthz after the full reader queue: {st} in {dt * 1000:.0f} ms")
        st, _, body = s.get("/api/v1/services?limit=5&na=vol")
        check(st == 200 and json.loads(body)["services"], f"the API answers again: {st}")


def test_backpressure_overload_answered(server, binary, sanitizer):
    """More requests than the server can take in its timeout: each one must
    still be answered, 200 or 503 with Retry-After, never dropped without
    an answer. 5000 distinct API requests on one reader thread (about 5 ms
    each, so about 30 s of work)."""
    want = 6000
    limits = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = 2 * want + 500
    if limits[0] < need <= limits[1]:
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, limits[1]))
    try:
        if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < need:
            print(f"  overload: skipped, {need} open files needed, limit {limits[0]}", flush=True)
            return
        overload(binary, sanitizer, want)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, limits)


def overload(binary, sanitizer, want):
    k = scale(sanitizer)
    with own_server(binary, sanitizer, extra=["--workers", "1"], what="overload") as s:
        socks = []
        try:
            for _ in range(want):
                socks.append(connect(s.port, timeout=120 * k))
        except OSError as e:
            check(False, f"overload: could open only {len(socks)} connections: {e}")
        time.sleep(0.5)
        t0 = time.time()
        for i, c in enumerate(socks):
            c.sendall(request_bytes("GET", f"/api/v1/services?limit=100&near=7511&flood={i}"))
        raws = read_all(socks, 120 * k)
        took = time.time() - t0
        answers = [parse(r) for r in raws]
        count = collections.Counter(a[0] if a else ("dropped" if r == b"" else "open") for a, r in zip(answers, raws))
        print(f"  overload: {len(socks)} requests in {took:.1f} s: {dict(count)}", flush=True)
        check(count["dropped"] == 0 and count["open"] == 0,
              f"overload: every request gets an answer (200, or 503 with Retry-After); "
              f"{count['dropped']} of {len(socks)} were closed without one: {dict(count)}")
        r503 = [a for a in answers if a and a[0] == 503]
        check(all(a[1].get("retry-after") for a in r503), "overload: every 503 has Retry-After")
        st, _, _ = s.get("/healthz")
        check(st == 200, "overload: healthy afterwards")


# ---- 2. per-client caps ----------------------------------------------------

def test_client_connection_cap(server, binary, sanitizer):
    """--client-connections 4: of 6 connections from one address, 4 are
    served and 2 are closed without an answer; another address is not
    affected; after closing, new connections work; a WebSocket counts as
    a connection until it is gone."""
    k = scale(sanitizer)
    with own_server(binary, sanitizer, extra=["--client-connections", "4"], what="connection cap") as s:
        # the harness's own start-up probes must be gone before we count
        time.sleep(0.5 * k)
        socks = [connect(s.port, timeout=5 * k) for _ in range(6)]
        time.sleep(0.3 * k)  # lws accepts them all and closes what is over the cap
        for c in socks:
            try:
                c.sendall(request_bytes("GET", "/healthz", {"Connection": "keep-alive"}))
            except OSError:
                pass
        got = [read_one(c, 3 * k) for c in socks]
        answered = [g for g in got if isinstance(g, tuple) and g[0] == 200]
        closed = [g for g in got if g == b""]
        check(len(answered) == 4 and len(closed) == 2,
              f"6 connections, cap 4: {len(answered)} answered, {len(closed)} closed without an answer, "
              f"{len(got) - len(answered) - len(closed)} other")
        # the 4 stay open (keep-alive) and are still served; a 5th is refused
        alive = [c for c, g in zip(socks, got) if isinstance(g, tuple)]
        ok = 0
        for c in alive:
            try:
                c.sendall(request_bytes("GET", "/healthz", {"Connection": "keep-alive"}))
                g = read_one(c, 3 * k)
                ok += isinstance(g, tuple) and g[0] == 200
            except OSError:
                pass
        check(ok == 4, f"the 4 admitted connections keep being served: {ok}")
        extra = connect(s.port, timeout=5 * k)
        time.sleep(0.1 * k)
        try:
            extra.sendall(request_bytes("GET", "/healthz"))
        except OSError:
            pass
        check(read_one(extra, 3 * k) == b"", "a 5th connection while 4 are open is closed without an answer")
        extra.close()
        # another client address is counted apart
        try:
            other = connect(s.port, source="127.0.0.2", timeout=5 * k)
        except OSError as e:
            other = None
            print(f"  connection cap: no second loopback address ({e}); other-client check skipped", flush=True)
        if other:
            other.sendall(request_bytes("GET", "/healthz"))
            g = read_one(other, 3 * k)
            check(isinstance(g, tuple) and g[0] == 200, f"another client is served while the first is at its cap: {g!r:.80}")
            other.close()
        for c in socks:
            c.close()
        # once the server saw them close, the client may connect again
        deadline = time.time() + 3 * k
        served = 0
        while time.time() < deadline:
            fresh = [connect(s.port, timeout=5 * k) for _ in range(4)]
            for c in fresh:
                c.sendall(request_bytes("GET", "/healthz", {"Connection": "keep-alive"}))
            served = sum(isinstance(g, tuple) and g[0] == 200 for g in (read_one(c, 3 * k) for c in fresh))
            for c in fresh:
                c.close()
            if served == 4:
                break
            time.sleep(0.2)
        check(served == 4, f"after closing them, 4 new connections are served: {served}")
        # WebSockets are connections too, counted until they are destroyed
        time.sleep(0.3 * k)
        wss = [try_websocket(s.port) for _ in range(4)]
        check(all(wss), f"4 WebSockets within the cap of 4: {sum(1 for w in wss if w)}")
        over = connect(s.port, timeout=5 * k)
        time.sleep(0.1 * k)
        try:
            over.sendall(request_bytes("GET", "/healthz"))
        except OSError:
            pass
        check(read_one(over, 3 * k) == b"", "with 4 WebSockets open, an HTTP connection is over the cap")
        over.close()
        for w in wss:
            if w:
                w.close()
        deadline = time.time() + 3 * k
        g = None
        while time.time() < deadline:
            c = connect(s.port, timeout=5 * k)
            c.sendall(request_bytes("GET", "/healthz"))
            g = read_one(c, 3 * k)
            c.close()
            if isinstance(g, tuple):
                break
            time.sleep(0.2)
        check(isinstance(g, tuple) and g[0] == 200, "closed WebSockets no longer count")


def test_client_websocket_cap(server, binary, sanitizer):
    """--client-websockets 2: the third handshake from one address is
    refused (429), the first two keep working, another address may open its own;
    after closing one, a new one is accepted (and the cap still holds)."""
    k = scale(sanitizer)
    with own_server(binary, sanitizer, extra=["--client-websockets", "2"], what="websocket cap") as s:
        a, b = try_websocket(s.port), try_websocket(s.port)
        check(a is not None and b is not None, "two WebSockets accepted")
        third = harness.WebSocket(s.port)
        check(not third.accepted and third.status == 429,
              f"the third WebSocket of the same client is refused with 429: {third.status_line!r}")
        third.close()
        check(a is not None and ws_ping(a) and b is not None and ws_ping(b), "the first two still answer")
        try:
            other = harness.WebSocket(s.port, source="127.0.0.2")
        except OSError as e:
            other = None
            print(f"  websocket cap: no second loopback address ({e}); other-client check skipped", flush=True)
        if other:
            check(other.accepted, f"another client may open its own WebSocket: {other.status_line}")
            other.close()
        st, _, _ = s.get("/nl/")
        check(st == 200, "pages are still served to a client at its WebSocket cap")
        if a:
            a.close()
        deadline = time.time() + 3 * k
        again = None
        while time.time() < deadline and again is None:
            again = try_websocket(s.port)
            if again is None:
                time.sleep(0.1)
        check(again is not None and ws_ping(again), "after closing one, a new WebSocket is accepted")
        extra = try_websocket(s.port)
        check(extra is None, "and the cap of 2 still holds")
        for w in (b, again, extra):
            if w:
                w.close()


# ---- 3. cache correctness --------------------------------------------------

def etag_base(tag):
    """The identity ETag an encoded form was made from: "abc-gzip" -> "abc"."""
    return re.sub(r'-(gzip|br)"$', '"', tag or "")


def test_cache_validators(server, binary, sanitizer):
    """ETag and If-None-Match give 304 without a body; every encoding has
    its own ETag; the gzip body is the identity body; Vary is set."""
    for path in ("/nl/", "/nl/voorzieningen/wijkwijzer-inloop", "/static/style.css"):
        for _ in range(3):  # an entry may expire at a minute between the requests
            st, h, body = get_bytes(server, path, {"Accept-Encoding": "identity"})
            stg, hg, bodyg = get_bytes(server, path, {"Accept-Encoding": "gzip"})
            if etag_base(hg.get("etag")) == h.get("etag"):
                break
        etag = h.get("etag", "")
        check(st == 200 and re.fullmatch(r'"[^"]+"', etag), f"{path}: a strong ETag: {etag!r}")
        check("accept-encoding" in h.get("vary", "").lower(), f"{path}: Vary: Accept-Encoding ({h.get('vary')!r})")
        check("content-encoding" not in h, f"{path}: identity asked, identity given")
        st2, h2, b2 = get_bytes(server, path, {"Accept-Encoding": "identity", "If-None-Match": etag})
        check(st2 == 304 and b2 == b"", f"{path}: If-None-Match gives 304 without a body: {st2}, {len(b2)} bytes")
        check(h2.get("etag") == etag, f"{path}: the 304 repeats the ETag")
        check(h2.get("content-length", "0") == "0", f"{path}: a 304 claims no body length: {h2.get('content-length')}")
        st3, _, _ = get_bytes(server, path, {"Accept-Encoding": "identity", "If-None-Match": f'"nope", {etag}'})
        check(st3 == 304, f"{path}: a matching ETag in a list gives 304: {st3}")
        st4, _, b4 = get_bytes(server, path, {"Accept-Encoding": "identity", "If-None-Match": '"nope"'})
        check(st4 == 200 and b4 == body, f"{path}: an unknown ETag gives the full page: {st4}")
        # gzip
        etag_gz = hg.get("etag", "")
        check(stg == 200 and hg.get("content-encoding") == "gzip", f"{path}: gzip served: {hg.get('content-encoding')}")
        check(etag_gz and etag_gz != etag, f"{path}: gzip has its own ETag: {etag_gz} vs {etag}")
        check("accept-encoding" in hg.get("vary", "").lower(), f"{path}: Vary on the gzip answer")
        try:
            plain = gzip.decompress(bodyg)
        except OSError as e:
            plain = repr(e).encode()
        check(plain == body, f"{path}: the gzip body decodes to exactly the identity body "
                             f"({len(plain)} vs {len(body)} bytes)")
        st5, _, b5 = get_bytes(server, path, {"Accept-Encoding": "gzip", "If-None-Match": etag_gz})
        check(st5 == 304 and b5 == b"", f"{path}: gzip ETag revalidates: {st5}")
        st6, h6, _ = get_bytes(server, path, {"Accept-Encoding": "gzip", "If-None-Match": etag})
        check(st6 == 200 and h6.get("content-encoding") == "gzip",
              f"{path}: the identity ETag does not validate the gzip form: {st6}")
        # brotli
        stb, hb, bodyb = get_bytes(server, path, {"Accept-Encoding": "br"})
        check(stb == 200 and hb.get("content-encoding") == "br" and bodyb and bodyb != body and len(bodyb) < len(body),
              f"{path}: brotli served, smaller: {hb.get('content-encoding')} {len(bodyb)} < {len(body)}")
        check(hb.get("etag") not in (etag, etag_gz, None), f"{path}: brotli has its own ETag: {hb.get('etag')}")
        check("accept-encoding" in hb.get("vary", "").lower(), f"{path}: Vary on the brotli answer")
        st7, _, _ = get_bytes(server, path, {"Accept-Encoding": "br", "If-None-Match": hb.get("etag", "")})
        check(st7 == 304, f"{path}: brotli ETag revalidates: {st7}")
        # refused codings are not used
        st8, h8, b8 = get_bytes(server, path, {"Accept-Encoding": "br;q=0, gzip;q=0"})
        check(st8 == 200 and "content-encoding" not in h8 and h8.get("etag") == etag,
              f"{path}: q=0 refuses a coding: {h8.get('content-encoding')}")
        st9, h9, _ = get_bytes(server, path, {"Accept-Encoding": "br;q=0, gzip"})
        check(h9.get("content-encoding") == "gzip", f"{path}: br;q=0, gzip gives gzip: {h9.get('content-encoding')}")


def test_cache_not_for_personal_pages(server, binary, sanitizer):
    """Pages that depend on the person or change with every booking carry
    no ETag from the cache, and If-None-Match never gives them a 304."""
    slot = find_slots(server, ["ww-wesselerbrink"], 1)
    check(slot, "a free slot for a booking to look at")
    token = None
    if slot:
        st, data = book(server.port, "ww-wesselerbrink", slot[0][1]["start"], "Cache")
        check(st == 201, f"a booking to look at: {st}")
        token = data["token"] if st == 201 else None
    day = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    paths = ["/nl/afspraak", "/nl/afspraak?locatie=ww-centrum", f"/nl/afspraak?locatie=ww-centrum&onderwerp=wonen&dag={day}",
             "/nl/zelfcheck", "/nl/medewerker", "/nl/medewerker/agenda", "/medewerker/export.csv",
             f"/api/v1/slots?location=ww-centrum&date={day}", "/api/v1/locations", "/kiosk/demo"]
    if token:
        paths += [f"/nl/afspraak/{token}", f"/api/v1/bookings/{token}", f"/afspraak/{token}/qr.svg",
                  f"/afspraak/{token}/afspraak.ics", f"/nl/afspraak/{token}/annuleren"]
    for p in paths:
        for _ in range(2):  # a second request would be the one answered from a cache
            st, h, body = get_bytes(server, p, {"Accept-Encoding": "gzip, br"})
        check("etag" not in h, f"{p}: no ETag on a page that is not cached ({st}, {h.get('etag')})")
        st2, h2, _ = get_bytes(server, p, {"If-None-Match": "*"})
        check(st2 != 304, f"{p}: If-None-Match: * does not give a 304 for it: {st2}")
    # a cacheable route that answers an error is not cached either
    for _ in range(2):
        st, h, _ = get_bytes(server, "/nl/voorzieningen/bestaat-niet")
    check(st == 404 and "etag" not in h, f"a 404 on a cached route is not cached: {st} {h.get('etag')}")
    # a kiosk gets its own entry: the kiosk layout never reaches a resident
    st, _, kiosk_body = get_bytes(server, "/nl/voorzieningen/wijkwijzer-inloop", harness.kiosk_headers(server))
    st2, _, home_body = get_bytes(server, "/nl/voorzieningen/wijkwijzer-inloop")
    check(b"kiosk-bar" in kiosk_body and b"kiosk-bar" not in home_body,
          "a kiosk's cached page and a resident's are kept apart")
    if token:
        server.request("DELETE", f"/api/v1/bookings/{token}", b"", {"Content-Length": "0"})


# ---- 4. never stale --------------------------------------------------------

def server_clock(s):
    """The offset in whole seconds between the server's clock and ours,
    read from the access log (the server's clock is time(NULL) + offset)."""
    for _ in range(5):
        before = time.time()
        s.get("/healthz?klok=1")
        after = time.time()
        if int(before) != int(after):
            continue
        lines = re.findall(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)Z GET /healthz ", s.output(), re.M)
        if lines:
            logged = calendar.timegm(time.strptime(lines[-1], "%Y-%m-%dT%H:%M:%S"))
            return logged - int(before)
    return None


def wait_until(server_epoch, offset):
    """Sleeps until the server's clock reads server_epoch (a whole second)."""
    real = server_epoch - offset
    while time.time() < real:
        time.sleep(min(0.05, max(0.001, real - time.time())))


def test_never_stale_opening_hours(server, binary, sanitizer):
    """Monday 7 December 2026 (no holiday), three seconds before 09:00 when
    the wijkwijzers open: the page and search say closed, and are cached;
    just after 09:00 they say open. Also requests made across the minute
    itself: none of them may be served after 09:00 with what was true
    before."""
    k = scale(sanitizer)
    opening = calendar.timegm((2026, 12, 7, 8, 0, 0))  # 09:00 in Amsterdam (UTC+1)
    lead = 8 * k  # time to start the server
    start = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(opening - lead))
    # four readers: more answers in the making when the minute turns
    with own_server(binary, sanitizer, extra=["--workers", "4"], env={"WIJKWIJZER_NOW": start},
                    what="opening hours") as s:
        off = server_clock(s)
        check(off is not None, "the server's clock can be read from its log")
        if off is None:
            return
        now = int(time.time()) + off
        check(now <= opening - 3, f"the server started in time: {opening - now} s before 09:00")
        page = "/nl/voorzieningen/wijkwijzer-inloop"
        search = "/nl/voorzieningen?open=nu&q=inloop"
        api = "/api/v1/services?limit=100"

        def open_count(body):
            return sum(1 for x in json.loads(body)["services"] if x.get("open_now"))

        wait_until(opening - 3, off)
        st, h, before = s.get(page)
        etag = h.get("etag", "")
        check(st == 200 and "Opent vandaag om 9.00 uur" in before and "Nu open" not in before,
              "08:59:57: the service page says closed, opens at 9")
        st, h2, again = s.get(page)
        st3, _, _ = s.get(page, {"If-None-Match": etag})
        check(h2.get("etag") == etag and st3 == 304, f"08:59:57: the page is cached: 304 for its ETag ({st3})")
        st, _, sbefore = s.get(search)
        st, _, abefore = s.get(api)
        n_search_before = len(re.findall(r'class="result-title"', sbefore))
        n_api_before = open_count(abefore)
        # the minute itself: distinct questions asked across 09:00:00, by
        # 8 clients, so every reader has one in hand when the minute turns
        urls = [f"/api/v1/services?limit=100&grens={i}" for i in range(240)]
        answers = {}
        wait_until(opening - 1, off)
        flip = opening - off  # our time when the server's minute turns
        while time.time() < flip - 0.15:
            time.sleep(0.005)
        t_first = time.time()

        def ask(part):
            for i in range(part, len(urls), 8):
                answers[i] = s.get(urls[i])

        threads = [threading.Thread(target=ask, args=(p,)) for p in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        t_last = time.time()
        check(t_first < flip < t_last, f"the requests spanned 09:00:00 ({t_first - flip:.2f} s to {t_last - flip:.2f} s)")
        wait_until(opening + 1, off)
        st, h, after = s.get(page)
        check(st == 200 and "Nu open" in after and "Opent vandaag om 9.00 uur" not in after,
              "09:00:01: the same page now says open (the cached 'closed' is not served)")
        check(h.get("etag") != etag, "09:00:01: it has a new ETag")
        st, _, _ = s.get(page, {"If-None-Match": etag})
        check(st == 200, f"09:00:01: the ETag from 08:59 no longer validates: {st}")
        st, _, safter = s.get(search)
        n_search_after = len(re.findall(r'class="result-title"', safter))
        check(n_search_after > n_search_before,
              f"09:00:01: 'open now' search finds more: {n_search_before} -> {n_search_after}")
        st, _, aafter = s.get(api)
        n_api_after = open_count(aafter)
        check(n_api_after > n_api_before, f"09:00:01: open_now in the API: {n_api_before} -> {n_api_after}")
        stale = [u for i, u in enumerate(urls) if open_count(s.get(u)[2]) != n_api_after]
        check(not stale, f"requests made across 09:00:00 and asked again at 09:00:01 are fresh: "
                         f"{len(stale)} of {len(urls)} still say what was true before 09:00 ({stale[:3]})")
        after_s = int(time.time()) + off
        check(after_s < opening + 60, f"the checks ran within the minute after 09:00 ({after_s - opening} s)")


def test_never_stale_slots(server, binary, sanitizer):
    """After each booking the slots API, the booking page and a new
    WebSocket subscriber show one free place fewer at once; a cancel gives
    it back at once."""
    with own_server(binary, sanitizer, what="slot freshness") as s:
        found = find_slots(s, ["ww-roombeek"], 1, min_free=3)
        check(found, "a slot with three free desks")
        if not found:
            return
        loc, slot = found[0]
        start, day, local = slot["start"], slot["start"][:10], slot["start"][:16]
        page = f"/nl/afspraak?locatie={loc}&onderwerp={TOPIC}&dag={day}"

        def page_offers():
            st, _, body = s.get(page)
            return st == 200 and f'value="{local}"' in body

        def subscriber_free():
            ws = harness.WebSocket(s.port)
            try:
                ws.send(json.dumps({"type": "subscribe", "location": loc, "date": day, "topic": TOPIC}))
                m = json.loads(ws.recv_text())
                return [x["free"] for x in m.get("slots", []) if x["start"] == start][:1] or [None]
            finally:
                ws.close()

        free = slot["free"]
        for _ in range(2):  # warm every cache there is
            check(free_of(s, loc, start) == free and page_offers(), "before: the slot is free")
        tokens = []
        for n in range(1, free + 1):
            st, data = book(s.port, loc, start, f"Vers {n}")
            check(st == 201, f"booking {n}: {st}")
            if st == 201:
                tokens.append(data["token"])
            now = free_of(s, loc, start)
            check(now == free - n, f"after booking {n} the slots API shows {free - n} free at once: {now}")
            check(page_offers() == (free - n > 0),
                  f"after booking {n} the booking page {'still offers' if free - n else 'no longer offers'} {local}")
            check(subscriber_free() == [free - n], f"after booking {n} a new subscriber sees {free - n} free")
        st, _ = book(s.port, loc, start, "Te laat")
        check(st == 409, f"the full slot refuses one more: {st}")
        if tokens:
            st, _, _ = s.request("DELETE", f"/api/v1/bookings/{tokens[0]}", b"", {"Content-Length": "0"})
            check(st == 200, f"cancel: {st}")
            now = free_of(s, loc, start)
            check(now == 1, f"after the cancel the slots API shows 1 free at once: {now}")
            check(page_offers(), "after the cancel the booking page offers the time again")
            check(subscriber_free() == [1], "after the cancel a new subscriber sees 1 free")


def run_import(src, out):
    return subprocess.run([os.path.join(REPO, "build", "wijkwijzer-import"), src, out],
                          capture_output=True, text=True, timeout=120)


def test_never_stale_after_reload(server, binary, sanitizer):
    """SIGHUP with changed content changes a cached page, the cached API
    answer and a cached search at once (within the same minute, so the
    content generation did it, not the minute)."""
    k = scale(sanitizer)
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "content")
        shutil.copytree(os.path.join(REPO, "content"), src)
        built = os.path.join(d, "built")
        os.mkdir(built)
        out = os.path.join(built, "content.db")
        check(run_import(src, out).returncode == 0, "content for the reload test")
        # the start of a minute: the whole test fits in it
        env = {"WIJKWIJZER_NOW": "2026-12-08T10:00:00+01:00"}
        with own_server(binary, sanitizer, extra=["--content", built], env=env, what="reload") as s:
            page = "/nl/voorzieningen/zorgbelang-clientondersteuning"
            api = "/api/v1/services/zorgbelang-clientondersteuning"
            search = "/nl/voorzieningen?q=ondersteuning"
            old, new = "Onafhankelijke cliëntondersteuning", "Nieuwe naam ondersteuning"
            tags = {}
            for p in (page, api, search):
                st, h, body = s.get(p)
                check(st == 200 and old in body and new not in body, f"{p}: the old name before the reload")
                st2, _, _ = s.get(p, {"If-None-Match": h.get("etag", "")})
                check(st2 == 304, f"{p}: cached before the reload ({st2})")
                tags[p] = h.get("etag", "")
            text = open(os.path.join(src, "catalog", "services.csv"), encoding="utf-8").read()
            check(old in text, "the test data has the name to change")
            open(os.path.join(src, "catalog", "services.csv"), "w", encoding="utf-8").write(text.replace(old, new, 1))
            check(run_import(src, out).returncode == 0, "re-import")
            s.proc.send_signal(1)
            deadline = time.time() + 10 * k
            while time.time() < deadline and "content reloaded" not in s.output():
                time.sleep(0.02)
            check("content reloaded" in s.output(), "the server reloaded")
            for p in (page, api, search):
                st, h, body = s.get(p)
                check(st == 200 and new in body and old not in body, f"{p}: the new name at once after SIGHUP")
                check(h.get("etag") != tags[p], f"{p}: a new ETag")
                st2, _, _ = s.get(p, {"If-None-Match": tags[p]})
                check(st2 == 200, f"{p}: the old ETag no longer validates: {st2}")
            minutes = re.findall(r"^\d{4}-\d\d-\d\dT(\d\d:\d\d):\d\dZ GET /\{lang\}/voorzieningen/\{id\} ", s.output(), re.M)
            check(len(set(minutes)) == 1, f"all of it within one minute of the server's clock: {sorted(set(minutes))}")


# ---- 5. group commit -------------------------------------------------------

def test_group_commit_keeps_every_201(server, binary, sanitizer):
    """60 concurrent bookings on distinct free slots, plus racers on 5 more
    slots: every distinct one is 201, each raced slot takes exactly its
    free desks, every 201 reads back (also after a restart) and no slot is
    over capacity."""
    k = scale(sanitizer)
    locations = ["ww-centrum", "ww-zuid", "ww-glanerbrug", "ww-roombeek", "ww-noord", "ww-west"]
    data = tempfile.mkdtemp(prefix="ww-group-")
    try:
        with own_server(binary, sanitizer, data=data, what="group commit") as s:
            distinct = find_slots(s, locations, 60)
            raced = find_slots(s, ["ww-oost", "ww-boswinkel"], 5, min_free=2,
                               exclude={(l, x["start"]) for l, x in distinct})
            check(len(distinct) == 60 and len(raced) == 5, f"free slots: {len(distinct)} distinct, {len(raced)} raced")
            jobs = [(loc, x["start"], f"Groep {i}") for i, (loc, x) in enumerate(distinct)]
            for j, (loc, x) in enumerate(raced):
                jobs += [(loc, x["start"], f"Race {j}.{r}") for r in range(x["free"] + 2)]
            barrier = threading.Barrier(len(jobs))

            def go(job):
                try:
                    barrier.wait(timeout=30 * k)
                except threading.BrokenBarrierError:
                    pass
                return job, book(s.port, *job, timeout=60 * k)

            with concurrent.futures.ThreadPoolExecutor(max_workers=len(jobs)) as ex:
                results = list(ex.map(go, jobs))
            by_slot = collections.defaultdict(list)
            for (loc, start, name), (st, body) in results:
                by_slot[(loc, start)].append((st, body))
            codes = collections.Counter(st for _, (st, _) in results)
            check(set(codes) <= {201, 409}, f"only 201 and 409: {dict(codes)}")
            d201 = sum(1 for loc, x in distinct if [st for st, _ in by_slot[(loc, x["start"])]] == [201])
            check(d201 == 60, f"each of the 60 distinct slots: 201 ({d201})")
            for loc, x in raced:
                got = [st for st, _ in by_slot[(loc, x["start"])]]
                check(got.count(201) == x["free"], f"{loc} {x['start']}: {x['free']} desks, {got.count(201)} booked")
            made = [(loc, start, body) for (loc, start), rs in by_slot.items() for st, body in rs if st == 201]

            def read_back(srv):
                bad = []
                for loc, start, body in made:
                    st, _, resp = srv.get(f"/api/v1/bookings/{body['token']}")
                    b = json.loads(resp) if st == 200 else {}
                    if not (b.get("status") == "confirmed" and b.get("start", "")[:16] == start[:16]
                            and b.get("reference") == body.get("reference")):
                        bad.append((st, loc, start, b.get("status")))
                return bad

            bad = read_back(s)
            check(not bad, f"every 201 reads back: {len(made) - len(bad)} of {len(made)} ({bad[:3]})")
            over = []
            for (loc, start), rs in by_slot.items():
                free = free_of(s, loc, start)
                taken = sum(1 for st, _ in rs if st == 201)
                before = next(x["free"] for l, x in distinct + raced if (l, x["start"]) == (loc, start))
                if free is None or free < 0 or free != before - taken:
                    over.append((loc, start, before, taken, free))
            check(not over, f"no slot over capacity, free counts add up: {over[:3]}")
        with own_server(binary, sanitizer, data=data, what="group commit restart") as s2:
            bad = read_back(s2)
            check(not bad, f"every 201 is still there after a restart: {len(made) - len(bad)} of {len(made)}")
    finally:
        shutil.rmtree(data, ignore_errors=True)


# ---- 6. fan-out --------------------------------------------------------------

def test_fanout_200_subscribers(server, binary, sanitizer):
    """200 subscribers of one location and day (150 for the topic, 50
    without one); 20 go away, some while the booking is being made; every
    remaining subscriber gets the new free count within 5 s; a second
    booking reaches them again."""
    k = scale(sanitizer)
    with own_server(binary, sanitizer, what="fan-out") as s:
        found = find_slots(s, ["ww-centrum"], 1, min_free=3)
        check(found, "a slot with three free desks for the fan-out")
        if not found:
            return
        loc, slot = found[0]
        start, day = slot["start"], slot["start"][:10]
        free0 = slot["free"]
        subs = []
        for i in range(200):
            ws = harness.WebSocket(s.port, timeout=10 * k)
            subs.append(ws)
            msg = {"type": "subscribe", "location": loc, "date": day}
            if i % 4:
                msg["topic"] = TOPIC
            ws.send(json.dumps(msg))
        check(all(ws.accepted for ws in subs), f"200 subscribers connected: {sum(ws.accepted for ws in subs)}")
        initial = 0
        for ws in subs:
            try:
                m = json.loads(ws.recv_text())
                initial += m.get("type") == "slots" and [x["free"] for x in m["slots"] if x["start"] == start] == [free0]
            except (OSError, ConnectionError, ValueError):
                pass
        check(initial == 200, f"each subscriber got the slot list ({initial} of 200)")

        def wait_for(clients, want_free, deadline):
            late = []
            for ws in clients:
                try:
                    while True:
                        ws.sock.settimeout(max(0.01, deadline - time.time()))
                        m = json.loads(ws.recv_text())
                        if m.get("type") == "slots" and m.get("date") == day and \
                                [x["free"] for x in m["slots"] if x["start"] == start] == [want_free]:
                            break
                except (OSError, ConnectionError, ValueError):
                    late.append(ws)
            return late

        gone, stay = subs[:20], subs[20:]
        for ws in gone[:10]:
            ws.close()
        t0 = time.time()
        result = {}
        poster = threading.Thread(target=lambda: result.update(r=book(s.port, loc, start, "Fan-out 1")))
        poster.start()
        for ws in gone[10:]:  # while the booking and its pushes are under way
            ws.close()
        poster.join()
        st, data = result.get("r", (0, None))
        check(st == 201, f"the booking that is pushed: {st}")
        late = wait_for(stay, free0 - 1, t0 + 5 * k)
        took = time.time() - t0
        check(not late, f"all {len(stay)} remaining subscribers got free={free0 - 1} within {5 * k} s: "
                        f"{len(stay) - len(late)} did, in {took:.2f} s")
        print(f"  fan-out: {len(stay) - len(late)} subscribers reached in {took * 1000:.0f} ms", flush=True)
        st, _, _ = s.get("/healthz")
        check(st == 200 and s.proc.poll() is None, "healthy after subscribers left during a fan-out")
        fresh = harness.WebSocket(s.port)
        fresh.send(json.dumps({"type": "subscribe", "location": loc, "date": day, "topic": TOPIC}))
        m = json.loads(fresh.recv_text())
        check([x["free"] for x in m.get("slots", []) if x["start"] == start] == [free0 - 1],
              "a new subscriber sees the booking")
        stay.append(fresh)
        t0 = time.time()
        st, _ = book(s.port, loc, start, "Fan-out 2")
        check(st == 201, f"a second booking: {st}")
        late = wait_for(stay, free0 - 2, t0 + 5 * k)
        check(not late, f"the second push reaches all {len(stay)} again: {len(stay) - len(late)} did")
        for ws in subs + [fresh]:
            ws.close()
