"""Test harness: starts the real server on a free port with a temporary
data folder, speaks HTTP and WebSocket to it, counts checks and prints
"N passed, N failed" at the end.

Every server the tests start runs on one fixed instant, NOW (through the
server's WIJKWIJZER_NOW): the tests derive their dates from it, never from
the real date, so they mean the same thing in any year."""
import base64
import csv
import datetime
import http.client
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback

PASSED = 0
FAILED = 0

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# The instant every test server starts at (its clock runs on from there in
# real time). A Monday morning inside the demo content's validity (its
# holidays run to the end of 2027), chosen so that the dates the tests need
# fall in the booking horizon of 42 days with the notice of 20 hours:
# Tuesday 8 December is bookable from its first slot, the closed day of
# 10 December (all wijkwijzers) and Christmas (Friday 25 December, a day
# ww-centrum otherwise opens) lie inside the horizon, the horizon ends on
# Monday 18 January 2027, and no clock switch falls inside it.
NOW = "2026-12-07T09:00:00+01:00"
NOW_DT = datetime.datetime.fromisoformat(NOW)
TODAY = NOW_DT.date()
# subprocesses the tests run themselves (the CLI, staff passwords) see the
# same instant as the servers
os.environ["WIJKWIJZER_NOW"] = NOW


def day(n):
    """The date n days after the test instant's day, as YYYY-MM-DD."""
    return (TODAY + datetime.timedelta(days=n)).isoformat()


def _read_rows(rel):
    with open(os.path.join(REPO, "content", rel), encoding="utf-8") as f:
        return list(csv.DictReader(f))


def content_rows(rel):
    """The rows of a content file. In catalog/ every uuid (ids and
    references) is replaced by its slug from x_slugs.csv, as the portal
    shows them (content/README.md, "Ids")."""
    rows = _read_rows(rel)
    if rel.startswith("catalog/") and rel != "catalog/x_slugs.csv":
        slug = {r["link_id"]: r["slug"] for r in _read_rows("catalog/x_slugs.csv")}
        rows = [{k: slug.get(v, v) for k, v in r.items()} for r in rows]
    return rows


WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def opening_weekdays(location):
    """The weekdays (0 = Monday) with appointment hours at a wijkwijzer."""
    return {WEEKDAYS.index(r["byday"]) for r in content_rows("appointments/hours.csv")
            if r["location_id"] == location}


def place_config(location):
    """(notice_hours, horizon_days) of a wijkwijzer."""
    for r in content_rows("appointments/locations.csv"):
        if r["location_id"] == location:
            return int(r["notice_hours"]), int(r["horizon_days"])
    raise KeyError(location)


def holidays():
    return {r["date"] for r in content_rows("catalog/x_holidays.csv")}


def closed_days(location):
    """Days the wijkwijzer takes no appointments (its own and all-location rows)."""
    return {r["date"] for r in content_rows("appointments/closed_days.csv")
            if r["location_id"] in ("", location)}


def _weekday(iso):
    return datetime.date.fromisoformat(iso).weekday()


def horizon_dates(location):
    """Every date from the first bookable day (after the notice) to the
    last day of the horizon, inclusive."""
    notice, horizon = place_config(location)
    first = (NOW_DT + datetime.timedelta(hours=notice)).date()
    return [day(n) for n in range((first - TODAY).days, horizon + 1)]


def open_days(location):
    """The dates inside the horizon on which the location has hours and is
    neither on a holiday nor on a closed day."""
    shut = holidays() | closed_days(location)
    days = opening_weekdays(location)
    return [d for d in horizon_dates(location) if _weekday(d) in days and d not in shut]


def open_day(location, after=None, weekday=None):
    """The first open day (after `after`, a date string, if given; on that
    weekday, 0 = Monday, if given), or None."""
    return next((d for d in open_days(location) if (not after or d > after) and
                 (weekday is None or _weekday(d) == weekday)), None)


def holiday_in_horizon(location):
    """A public holiday inside the horizon on a weekday the location opens
    (so that "no slots" on it means something)."""
    days = opening_weekdays(location)
    return next((d for d in horizon_dates(location) if d in holidays() and _weekday(d) in days
                 and d not in closed_days(location)), None)


def closed_day_in_horizon(location):
    """A closed day of the wijkwijzers inside the horizon on a weekday the
    location opens that is not also a holiday."""
    days = opening_weekdays(location)
    return next((d for d in horizon_dates(location) if d in closed_days(location) and
                 _weekday(d) in days and d not in holidays()), None)


def past_horizon(location):
    """The first day after the horizon on which the location would open."""
    _, horizon = place_config(location)
    return next((day(n) for n in range(horizon + 1, horizon + 8)
                 if _weekday(day(n)) in opening_weekdays(location)), None)


def sanitizer_report(out):
    """The first line of a sanitizer report in a server log, or None."""
    for line in out.splitlines():
        if any(m in line for m in ("AddressSanitizer", "ThreadSanitizer", "LeakSanitizer", "runtime error:")):
            return line
    return None


def check(cond, what):
    global PASSED, FAILED
    if cond:
        PASSED += 1
    else:
        FAILED += 1
        frame = traceback.extract_stack()[-2]
        print(f"FAIL {os.path.basename(frame.filename)}:{frame.lineno}: {what}", flush=True)
    return cond


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


_SUPPORTS = {}


def supports(binary, option):
    """Whether the server's --help lists an option."""
    if binary not in _SUPPORTS:
        try:
            p = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=30)
            _SUPPORTS[binary] = p.stdout
        except (OSError, subprocess.SubprocessError):
            _SUPPORTS[binary] = ""
    return option in _SUPPORTS[binary]


class Server:
    def __init__(self, binary, extra=None, sanitizer=False, data=None, now=NOW, workers=None, env=None):
        self.binary = binary
        self.port = free_port()
        # one test browser: its form-binding cookie (__Host- on https)
        args_ = list(extra or [])
        https = "--public-url" in args_ and args_[args_.index("--public-url") + 1].startswith("https:")
        self.form_cookie = ("__Host-ww_form=" if https else "ww_form=") + \
            base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("=")
        self.own_data = data is None
        self.data = data or tempfile.mkdtemp(prefix="ww-data-")
        self.log = tempfile.NamedTemporaryFile(prefix="ww-log-", delete=False)
        self.sanitizer = sanitizer
        # the load tests book far more than a resident would: no rate limit
        # unless a test asks for one
        rate = [] if any(a == "--booking-rate" for a in (extra or [])) else ["--booking-rate", "0"]
        # every test client is 127.0.0.1: the per-client caps would count
        # them all as one, so they are off unless a test sets them (the
        # newer ones only where the server has them)
        for flag in ("--client-connections", "--client-websockets", "--subscribe-rate",
                     "--client-bookings"):
            if flag in ("--subscribe-rate", "--client-bookings") and not supports(binary, flag):
                continue
            if not any(a == flag for a in (extra or [])):
                rate += [flag, "0"]
        # several request workers where the server has them (issue 11), so
        # that concurrent tests really run on several threads
        threads = []
        if workers is None:
            workers = int(os.environ.get("WW_WORKERS", "4"))
        if workers and supports(binary, "--workers") and "--workers" not in (extra or []):
            threads = ["--workers", str(workers)]
        args = [binary, "--port", str(self.port), "--data", self.data] + rate + threads + (extra or [])
        # WW_SERVER_WRAPPER runs the server under a tool, e.g. valgrind
        wrapper = os.environ.get("WW_SERVER_WRAPPER", "").split()
        args = wrapper + args
        if wrapper:
            sanitizer = True  # slow start: use the long timeouts
        self.sanitizer = sanitizer
        # the server's clock starts at `now` (None: the real clock); env:
        # extra environment for the server (it may set WIJKWIJZER_NOW too)
        penv = dict(os.environ)
        penv.pop("WIJKWIJZER_NOW", None)
        if now:
            penv["WIJKWIJZER_NOW"] = now
        penv.update(env or {})
        self.env = penv
        self.extra = list(extra or [])
        self.kiosks = {}
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, env=penv)
        deadline = time.time() + (30 if sanitizer else 10)
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited early:\n" + self.output())
            try:
                st, _, _ = self.get("/healthz")
                if st == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("server did not become ready:\n" + self.output())

    def enrolment_link(self, terminal):
        """The one-time link of --enroll-terminal, as an administrator gets it."""
        opts = []
        for flag in ("--content", "--locale", "--public-url"):
            if flag in self.extra:
                opts += [flag, self.extra[self.extra.index(flag) + 1]]
        p = subprocess.run([self.binary, "--data", self.data, "--enroll-terminal", terminal] + opts,
                           capture_output=True, text=True, env=self.env, timeout=60)
        if p.returncode != 0:
            raise RuntimeError(f"--enroll-terminal {terminal}: {p.returncode} {p.stderr}")
        return p.stdout.strip()

    def enrol(self, terminal):
        """Enrols a new browser as the terminal: (status, its kiosk cookie)."""
        import html as html_mod
        import re
        import urllib.parse
        link = self.enrolment_link(terminal)
        path = link[link.index("/kiosk/"):]
        st, _, body = self.get(path)
        m = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', body, re.S)
        if st != 200 or not m:
            return st, None
        fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', m.group(2))
        data = urllib.parse.urlencode([(k, html_mod.unescape(v)) for k, v in fields]).encode()
        st, h, _ = self.request("POST", html_mod.unescape(m.group(1)), data, {
            "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"})
        cookie = h.get("set-cookie", "").split(";")[0]
        return st, cookie if cookie.startswith("ww_kiosk=") else None

    def kiosk_cookie(self, terminal="demo"):
        """The kiosk cookie of this test's browser on the terminal (enrolled once)."""
        if terminal not in self.kiosks:
            st, cookie = self.enrol(terminal)
            if st != 303 or not cookie:
                raise RuntimeError(f"enrolling {terminal}: {st}")
            self.kiosks[terminal] = cookie
        return self.kiosks[terminal]

    def output(self):
        self.log.flush()
        with open(self.log.name, "r", encoding="utf-8", errors="replace") as f:
            return f.read()

    def browser_headers(self, headers):
        """The headers a browser would send: the caller's, plus this test
        browser's form-binding cookie (csrf.c), which a browser keeps for
        the session. A caller that names the cookie itself, or passes
        browser=False, sends exactly its own headers."""
        h = dict(headers or {})
        key = next((k for k in h if k.lower() == "cookie"), None)
        if key is None:
            h["Cookie"] = self.form_cookie
        elif "ww_form=" not in h[key]:
            h[key] = h[key] + "; " + self.form_cookie
        return h

    def request(self, method, path, body=None, headers=None, timeout=10, browser=True):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=self.browser_headers(headers) if browser else (headers or {}))
            r = c.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data.decode("utf-8", "replace")
        finally:
            c.close()

    def get(self, path, headers=None, browser=True):
        return self.request("GET", path, headers=headers, browser=browser)

    def raw(self, payload, timeout=5, read_all=True):
        """Sends raw bytes, returns what came back until close or timeout."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        try:
            s.sendall(payload)
            out = b""
            while True:
                try:
                    chunk = s.recv(65536)
                except socket.timeout:
                    break
                if not chunk:
                    break
                out += chunk
                if not read_all and b"\r\n\r\n" in out:
                    break
            return out
        finally:
            s.close()

    def stop(self, sig=15):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30 if self.sanitizer else 10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def cleanup(self):
        self.stop()
        # every server the tests start, not only the shared one: a report
        # at shutdown counts too
        report = sanitizer_report(self.output())
        check(report is None, f"sanitizer report from the server on port {self.port}: {report}\n"
              + (self.output()[-3000:] if report else ""))
        if self.own_data:
            shutil.rmtree(self.data, ignore_errors=True)
        os.unlink(self.log.name)


def kiosk_headers(server, terminal="demo"):
    """Request headers of a browser enrolled as the kiosk terminal."""
    return {"Cookie": server.kiosk_cookie(terminal)}


class WebSocket:
    """A minimal RFC 6455 client, enough to test our endpoint."""

    def __init__(self, port, path="/ws", protocol="wijkwijzer.v1", origin=None, timeout=5, source=None,
                 headers=None):
        # source: a local address such as 127.0.0.2, to be another client;
        # headers: more handshake headers, such as X-Forwarded-For
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                             source_address=(source, 0) if source else None)
        key = base64.b64encode(os.urandom(16)).decode()
        origin = origin if origin is not None else f"http://127.0.0.1:{port}"
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket",
                 "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
        if protocol:
            lines.append(f"Sec-WebSocket-Protocol: {protocol}")
        if origin:
            lines.append(f"Origin: {origin}")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        resp = b""
        while b"\r\n\r\n" not in resp:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            resp += chunk
        head, _, self.buf = resp.partition(b"\r\n\r\n")
        self.status_line = head.split(b"\r\n")[0].decode(errors="replace") if head else ""
        self.accepted = self.status_line.startswith("HTTP/1.1 101")
        # the HTTP status of the answer (101 when accepted), 0 when the
        # server closed without one
        parts = self.status_line.split(" ")
        self.status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0

    def send(self, text, opcode=1, fin=True, mask=True):
        payload = text.encode() if isinstance(text, str) else text
        head = bytes([(0x80 if fin else 0) | opcode])
        n = len(payload)
        mbit = 0x80 if mask else 0
        if n < 126:
            head += bytes([mbit | n])
        elif n < 65536:
            head += bytes([mbit | 126]) + struct.pack(">H", n)
        else:
            head += bytes([mbit | 127]) + struct.pack(">Q", n)
        if mask:
            key = os.urandom(4)
            payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
            head += key
        self.sock.sendall(head + payload)

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self):
        """Returns (opcode, payload bytes)."""
        b0, b1 = self._read(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack(">H", self._read(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", self._read(8))[0]
        return b0 & 0x0F, self._read(n)

    def recv_text(self):
        while True:
            op, data = self.recv()
            if op == 1:
                return data.decode()
            if op == 8:
                raise ConnectionError("close %s" % (struct.unpack(">H", data[:2])[0] if len(data) >= 2 else "-"))

    def recv_until(self, kind, most=5):
        """The JSON messages that arrive up to and including the first of
        type kind (at most most of them)."""
        msgs = []
        while len(msgs) < most:
            msgs.append(json.loads(self.recv_text()))
            if msgs[-1].get("type") == kind:
                break
        return msgs

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def summary(name):
    print(f"{name}: {PASSED} passed, {FAILED} failed", flush=True)
    return 1 if FAILED else 0
