"""Kiosk mode over HTTP: the start page, the kiosk layout, Stop without
JavaScript, read aloud, and the launcher (with a stand-in browser)."""
import html
import json
import os
import re
import sqlite3
import subprocess
import tempfile
import urllib.parse

import harness
from harness import check
from test_selfcheck import start

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def test_start_and_layout(server, binary, sanitizer):
    jar = harness.kiosk_headers(server)
    st, h, body = server.get("/kiosk/demo", jar)
    cookie = h.get("set-cookie", "")
    check(st == 200 and cookie.startswith(jar["Cookie"] + ";") and "HttpOnly" in cookie
          and "Max-Age=34560000" in cookie, f"the start screen renews the terminal's cookie: {cookie!r}")
    check(body.count('class="kiosk-lang"') == 7 and "العربية" in body and "Українська" in body, "languages in their own script")
    check('href="/nl/afspraak?locatie=ww-centrum"' in body, "booking preselects the terminal's location")
    check('data-idle="90"' in body and 'data-countdown="20"' in body, "terminal settings for the idle reset")
    check("no-store" in h.get("cache-control", ""), "kiosk pages are not cached")
    st, h, body = server.get("/nl/voorzieningen?q=koffie", jar)
    check('class="kiosk-bar' in body and "Stoppen" in body and "Bent u er nog?" in body, "kiosk layout on every page")
    check("no-store" in h.get("cache-control", ""), "no-store in kiosk mode")
    st, _, body = server.get(start(server, "s", jar) or "/nl/zelfcheck", jar)
    check("Vraag 1 van" in body, "the kiosk skips the postcode question (it knows its place)")
    st, _, body = server.get(start(server, "s") or "/nl/zelfcheck")
    check("Wat is uw postcode?" in body, "at home the postcode is asked")
    st, _, body = server.get("/kiosk/test?lang=ar", harness.kiosk_headers(server, "test"))
    check('dir="rtl"' in body and 'data-idle="5"' in body, "test terminal, in Arabic")
    st, _, body = server.get("/kiosk/bestaat-niet")
    check(st == 404, "unknown terminal 404")
    st, _, body = server.get("/nl/", {"Cookie": "ww_kiosk=%3Cscript%3E"})
    check(st == 200 and "kiosk-bar" not in body, "a forged kiosk cookie is ignored")


def test_terminals_are_enrolled(server, binary, sanitizer):
    """Kiosk privileges need an enrolled browser: a terminal's public id is
    not enough; the one-time link works once; enrolling again retires the
    earlier browser; an expired link is refused."""
    st, h, body = server.get("/kiosk/roombeek-1")
    check(st == 403 and "aangemeld" in body and "set-cookie" not in h,
          f"opening a terminal's address does not make a kiosk: {st}")
    for claim in ("ww_kiosk=roombeek-1", "ww_kiosk=roombeek-1." + "A" * 43):
        st, _, body = server.get("/nl/voorzieningen?q=koffie", {"Cookie": claim})
        check(st == 200 and "kiosk-bar" not in body, f"a claimed kiosk cookie gives no kiosk layout: {claim[:30]}")
    p = subprocess.run([binary, "--data", server.data, "--enroll-terminal", "bestaat-niet"],
                       capture_output=True, text=True, env=server.env, timeout=60)
    check(p.returncode == 1 and "bestaat-niet" in p.stderr and not p.stdout,
          f"an unknown terminal cannot be enrolled: {p.returncode} {p.stderr.strip()!r}")

    link = server.enrolment_link("roombeek-1")
    check(re.fullmatch(rf"http://127\.0\.0\.1:{server.port}/kiosk/roombeek-1/aanmelden\?code=[A-Za-z0-9_-]{{43}}", link),
          f"the CLI prints one link for the terminal's browser: {link!r}")
    path = link[link.index("/kiosk/"):]
    st, h, body = server.get(path)
    check(st == 200 and "noindex" in h.get("x-robots-tag", "") and "Zuil aanmelden" in body,
          f"the link shows a button, and is not indexed: {st}")
    st, first = server.enrol("roombeek-1")
    check(st == 303 and first and first.startswith("ww_kiosk=roombeek-1."), f"enrolled: {st} {first!r}")
    st, _, body = server.get("/kiosk/roombeek-1", {"Cookie": first})
    check(st == 200 and "kiosk-bar" in body, "the enrolled browser is the kiosk")
    st, _, body = server.get("/kiosk/demo", {"Cookie": first})
    check(st == 403, "but not another terminal")

    # the code of a link works once
    st, _, body = server.get(path)
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body)
    import urllib.parse
    data = urllib.parse.urlencode(fields).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}
    st, h, body = server.request("POST", "/kiosk/roombeek-1/aanmelden", data, headers)
    check(st == 403 and "set-cookie" not in h and "verlopen of al gebruikt" in body,
          f"a used link is refused: {st}")

    # enrolling again (a new browser) retires the first one
    st, second = server.enrol("roombeek-1")
    st, _, body = server.get("/nl/voorzieningen?q=koffie", {"Cookie": first})
    check("kiosk-bar" not in body, "the earlier browser is no longer the kiosk")
    st, _, body = server.get("/nl/voorzieningen?q=koffie", {"Cookie": second})
    check("kiosk-bar" in body, "the new one is")

    # a link not used within a day is refused (the same data, two days on)
    with tempfile.TemporaryDirectory() as d:
        now = harness.Server(binary, sanitizer=sanitizer, data=d)
        try:
            link = now.enrolment_link("roombeek-1")
            st, kept = now.enrol("roombeek-1")
            link = now.enrolment_link("test")
        finally:
            now.cleanup()
        later = harness.Server(binary, sanitizer=sanitizer, data=d,
                               now=harness.NOW.replace("2026-12-07", "2026-12-09"))
        try:
            path = link[link.index("/kiosk/"):]
            st, _, body = later.get(path)
            fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body)
            st, h, body = later.request("POST", "/kiosk/test/aanmelden",
                                        urllib.parse.urlencode(fields).encode(), headers)
            check(st == 403 and "set-cookie" not in h, f"an expired link is refused: {st}")
            st, _, body = later.get("/nl/voorzieningen?q=koffie", {"Cookie": kept})
            check("kiosk-bar" in body, "an enrolled browser stays a kiosk across a restart")
        finally:
            later.cleanup()


def test_stop_without_javascript(server, binary, sanitizer):
    st, h, _ = server.get("/kiosk/demo/stop")
    check(st == 303 and h.get("location") == "/kiosk/demo", "Stop goes back to the start")
    check('"cache"' in h.get("clear-site-data", "") and '"storage"' in h.get("clear-site-data", ""),
          "Stop clears the site's cache and storage")


def test_read_aloud(server, binary, sanitizer):
    jar = harness.kiosk_headers(server)
    for lang in ("nl", "ar", "uk"):
        st, h, _ = server.request("GET", f"/lees-voor.wav?pad=%2F{lang}%2Fmantelzorg", headers=jar)
        check(st == 200 and h.get("content-type") == "audio/wav", f"read aloud in {lang}")
    c = __import__("http.client").client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    c.request("GET", "/lees-voor.wav?pad=%2Fnl%2F", headers=jar)
    r = c.getresponse()
    data = r.read()
    c.close()
    check(data[:4] == b"RIFF" and data[8:12] == b"WAVE" and len(data) > 44 + 22050, "a real WAV with speech")
    for bad in ("http%3A%2F%2Fevil.example%2F", "%2F%2Fevil.example", "%2Flees-voor.wav%3Fpad%3D%2F", "%2Fnl%2Fbestaat-niet", ""):
        st, _, _ = server.get(f"/lees-voor.wav?pad={bad}", jar)
        check(st in (400, 422), f"read aloud refuses {bad!r}: {st}")
    # a staff session is never passed on to the page that is read
    st, _, _ = server.get("/lees-voor.wav?pad=%2Fnl%2Fmedewerker%2Fagenda", {"Cookie": jar["Cookie"] + "; ww_staff=" + "A" * 43})
    check(st == 422, "the staff agenda cannot be read aloud")


def test_read_aloud_at_home(server, binary, sanitizer):
    """"Lees voor" is on every page at home too, in all seven languages;
    a client address has its own hourly budget of new pages
    (--speech-rate), a page read before costs nothing, and a terminal's
    budget is its own."""
    for lang in ("nl", "en", "de", "tr", "ar", "pl", "uk"):
        st, _, body = server.get(f"/{lang}/mantelzorg")
        check(st == 200 and "data-read-aloud" in body and "kiosk-bar" not in body,
              f"the home page in {lang} offers read aloud")
    st, _, body = server.get("/nl/medewerker")
    check(st == 200 and "data-read-aloud" not in body, "not on staff pages: nothing of theirs goes to the speech cache")
    has = harness.supports(binary, "--speech-rate")
    check(has, "the server has --speech-rate")
    if not has:
        return
    with tempfile.TemporaryDirectory() as d:
        s = harness.Server(binary, sanitizer=sanitizer, data=d, extra=["--speech-rate", "2"])
        try:
            for lang in ("nl", "ar"):
                st, h, data = s.request("GET", f"/lees-voor.wav?pad=%2F{lang}%2Fmantelzorg", timeout=60)
                check(st == 200 and h.get("content-type") == "audio/wav" and data[:4] == "RIFF",
                      f"read aloud at home in {lang}: {st}")
            st, h, body = s.request("GET", "/lees-voor.wav?pad=%2Fnl%2Fzelfcheck", timeout=60,
                                    headers={"Accept-Language": "nl"})
            check(st == 429 and h.get("retry-after") and "Even geduld" in body,
                  f"a third new page within the hour is refused, in words: {st}")
            st, _, _ = s.request("GET", "/lees-voor.wav?pad=%2Fnl%2Fmantelzorg", timeout=60)
            check(st == 200, f"a page read before costs nothing: {st}")
            st, _, _ = s.request("GET", "/lees-voor.wav?pad=%2Fnl%2Fzelfcheck", timeout=60,
                                 headers=harness.kiosk_headers(s))
            check(st == 200, f"a kiosk terminal on the same address has its own budget: {st}")
        finally:
            s.stop()


def test_launcher(server, binary, sanitizer):
    """The launcher restarts the browser; before each start only the
    profile's cookie store (the terminal's enrolment) is kept; a one-time
    enrolment link in the enrol file is opened once."""
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "calls")
        fake = os.path.join(d, "chromium")
        profile = os.path.join(d, "state", "profile")
        # a stand-in browser that leaves history and a cookie store behind
        with open(fake, "w") as f:
            f.write(f"#!/bin/sh\necho \"$@\" >> {log}\n"
                    f"ls {profile}/Default >> {log}.files\n"
                    f"touch {profile}/Default/History {profile}/Default/Cookies '{profile}/Local State'\n"
                    f"mkdir -p {profile}/Default/Cache\nexit 0\n")
        os.chmod(fake, 0o755)
        os.makedirs(os.path.dirname(profile))
        with open(os.path.join(d, "state", "enrol-link"), "w") as f:
            f.write("http://127.0.0.1:1/kiosk/test/aanmelden?code=X\n")
        env = dict(os.environ, CHROMIUM=fake, WIJKWIJZER_KIOSK_RUNS="3", WIJKWIJZER_KIOSK_PROFILE=profile,
                   WIJKWIJZER_KIOSK_URL="http://127.0.0.1:1/kiosk/test")
        p = subprocess.run(["sh", os.path.join(REPO, "kiosk", "wijkwijzer-kiosk.sh")], env=env, timeout=30)
        calls = open(log).read().splitlines()
        check(p.returncode == 0 and len(calls) == 3, f"browser restarted after it exits: {calls}")
        for flag in ("--kiosk", "--noerrdialogs", "--disable-pinch", "--overscroll-history-navigation=0",
                     "--disable-translate", f"--user-data-dir={profile}"):
            check(flag in calls[0], f"launcher passes {flag}")
        check(calls[0].endswith("/kiosk/test/aanmelden?code=X") and calls[1].endswith(" http://127.0.0.1:1/kiosk/test")
              and not os.path.exists(os.path.join(d, "state", "enrol-link")),
              f"the enrolment link is opened once, then the kiosk page: {[c.split()[-1] for c in calls]}")
        seen = open(log + ".files").read().split()
        check("History" not in seen and "Cache" not in seen and seen.count("Cookies") == 2,
              f"each start keeps only the cookie store: {seen}")
        check(oct(os.stat(profile).st_mode & 0o777) == "0o700", "the profile is the kiosk user's alone")


def _form(body, part):
    m = None
    for m in re.finditer(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', body, re.S):
        if part in m.group(1):
            break
    else:
        return None, []
    return (html.unescape(m.group(1)),
            [(k, html.unescape(v)) for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', m.group(2))])


def _check_in(server, jar, code, source=None, lang="nl"):
    import http.client
    st, _, body = server.get(f"/{lang}/aanmelden", jar)
    action, fields = _form(body, "/aanmelden")
    data = urllib.parse.urlencode(fields + [("code", code)]).encode()
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30,
                                   source_address=(source, 0) if source else None)
    try:
        c.request("POST", action or f"/{lang}/aanmelden", data, server.browser_headers(dict(jar, **{
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"http://127.0.0.1:{server.port}", "Sec-Fetch-Site": "same-origin"})))
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode()
    finally:
        c.close()


def _booking_today(server, location, hhmm, name):
    """An API booking moved in the database to today (the test instant's
    day) at hhmm: (token, reference). No form can book today (the notice)."""
    for n in range(1, 30):
        st, _, body = server.get(f"/api/v1/slots?location={location}&date={harness.day(n)}&topic=iets-anders")
        free = [s for s in json.loads(body)["slots"] if s["free"] > 0]
        if free:
            break
    st, _, body = server.request("POST", "/api/v1/bookings", json.dumps({
        "location": location, "start": free[0]["start"], "topic": "iets-anders", "name": name,
        "lang": "nl"}).encode(), {"Content-Type": "application/json"})
    b = json.loads(body)
    today = harness.TODAY.isoformat()
    db = sqlite3.connect(os.path.join(server.data, "wijkwijzer.db"), timeout=10)
    db.execute("UPDATE booking SET start = ?, end = ? WHERE reference = ?",
               (f"{today}T{hhmm}", f"{today}T{hhmm[:3]}59", b["reference"].replace("-", "")))
    db.commit()
    db.close()
    return b["token"], b["reference"]


def test_check_in(server, binary, sanitizer):
    jar = harness.kiosk_headers(server)
    st, _, body = server.get("/kiosk/demo", jar)
    check('href="/nl/aanmelden"' in body and "Ik heb een afspraak" in body, "the start screen offers checking in")
    st, _, body = server.get("/nl/aanmelden")
    check(st == 403, f"checking in only on an enrolled terminal: {st}")
    st, _, body = server.get("/nl/aanmelden", jar)
    check(st == 200 and 'id="f-aanmeldcode"' in body and "autofocus" in body, "the code field, focused for the scanner")
    token, ref = _booking_today(server, "ww-centrum", "11:00", "Aanmelder")
    other_token, other_ref = _booking_today(server, "ww-noord", "11:00", "Elders")
    # staff of ww-centrum listen on today's agenda
    ws = harness.WebSocket(server.port, headers={"Cookie": staff_jar(server, binary)})
    ws.send(json.dumps({"type": "staff_hello", "location": "ww-centrum"}))
    check(json.loads(ws.recv_text())["type"] == "staff_ready", "a staff session")
    ws.send(json.dumps({"type": "subscribe", "location": "ww-centrum", "date": harness.TODAY.isoformat()}))
    check(json.loads(ws.recv_text())["type"] == "slots", "the agenda subscribes")
    # the scanner types the QR code's URL and Enter
    url = f"http://127.0.0.1:{server.port}/nl/afspraak/{token}"
    st, _, body = _check_in(server, jar, url, source="127.0.0.31")
    check(st == 200 and "U bent aangemeld" in body and "Neem plaats" in body, f"scanned: checked in ({st})")
    status = json.loads(server.get(f"/api/v1/bookings/{token}")[2])["status"]
    check(status == "checked_in", f"the status is checked_in: {status}")
    msgs = ws.recv_until("agenda_changed")
    check(any(m["type"] == "agenda_changed" for m in msgs), f"the agenda hears of it live: {[m['type'] for m in msgs]}")
    ws.close()
    st, _, body = _check_in(server, jar, url, source="127.0.0.31")
    check(st == 200 and "U bent aangemeld" in body, "a second scan: still checked in, no error")
    # typing the reference, in any case, with or without the dash
    t2, r2 = _booking_today(server, "ww-centrum", "14:00", "Typer")
    st, _, body = _check_in(server, jar, r2.lower().replace("-", " "), source="127.0.0.31", lang="ar")
    check(st == 200 and 'lang="ar"' in body, f"typed reference, in Arabic: {st}")
    # wrong input gets a clear message and a status; a typed reference is
    # no proof, so every failure then gets the same answer, without details
    generic = "We kunnen u met deze code nu niet aanmelden"
    st, _, body = _check_in(server, jar, "ABC-DEF", source="127.0.0.31")
    check(st == 404 and generic in body and 'aria-invalid="true"' in body,
          f"unknown code: 404 with the message at the field ({st})")
    st, _, body = _check_in(server, jar, other_ref, source="127.0.0.31")
    check(st == 404 and generic in body and "Wijkwijzer Noord" not in body.split("<footer")[0],
          f"typed, today at another wijkwijzer: the same 404, nothing about it ({st})")
    other_url = f"http://127.0.0.1:{server.port}/nl/afspraak/{other_token}"
    st, _, body = _check_in(server, jar, other_url, source="127.0.0.31")
    check(st == 409 and "bij een andere wijkwijzer" in body and "Wijkwijzer Noord" in body,
          f"scanned, today at another wijkwijzer: 409 says where ({st})")
    check(other_token not in body, "the scanned link is not shown on the public screen")
    later_token, later_ref = _booking_today(server, "ww-centrum", "15:00", "Later")
    db = sqlite3.connect(os.path.join(server.data, "wijkwijzer.db"), timeout=10)
    db.execute("UPDATE booking SET start = ? WHERE reference = ?", (f"{harness.day(3)}T15:00", later_ref.replace("-", "")))
    db.commit()
    db.close()
    st, _, body = _check_in(server, jar, later_ref, source="127.0.0.31")
    check(st == 404 and generic in body, f"typed, another day: the same 404 ({st})")
    st, _, body = _check_in(server, jar, f"http://127.0.0.1:{server.port}/nl/afspraak/{later_token}",
                            source="127.0.0.31")
    check(st == 409 and "niet vandaag" in body and later_token not in body, f"scanned, another day: 409 ({st})")
    status = json.loads(server.get(f"/api/v1/bookings/{later_token}")[2])["status"]
    check(status == "confirmed", "not checked in")
    server.request("DELETE", f"/api/v1/bookings/{t2}", b"", {"Content-Length": "0"})
    st, _, body = _check_in(server, jar, r2, source="127.0.0.31")
    check(st == 404 and generic in body, f"typed, cancelled: the same 404 ({st})")
    st, _, body = _check_in(server, jar, f"http://127.0.0.1:{server.port}/nl/afspraak/{t2}", source="127.0.0.31")
    check(st == 410 and "afgezegd" in body, f"scanned, cancelled: 410 ({st})")
    # rate-limited per terminal, whatever the address
    codes = [_check_in(server, harness.kiosk_headers(server, "test"), f"ZZZ-ZZ{i % 10}", source="127.0.0.32")[0]
             for i in range(30)]
    st, h, body = _check_in(server, harness.kiosk_headers(server, "test"), later_ref, source="127.0.0.33")
    check(codes.count(404) == 30 and st == 429 and h.get("retry-after") == "600",
          f"the 31st try of one terminal: 429 ({st}, {set(codes)})")
    st, _, _ = _check_in(server, jar, ref, source="127.0.0.33")
    check(st == 200, f"another terminal is not held up: {st}")


def staff_jar(server, binary, location="ww-centrum", password="zuil-wachtwoord-voor-test"):
    """A staff session of a medewerker of location (made on the command line)."""
    from test_booking import staff_login
    return staff_login(server, location, password)["Cookie"]


def call(server, terminal, headers, back="/nl/voorzieningen?q=koffie"):
    import urllib.parse
    h = {"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin",
         "Origin": f"http://127.0.0.1:{server.port}"}
    h.update(headers or {})
    return server.request("POST", f"/kiosk/{terminal}/medewerker",
                          urllib.parse.urlencode([("terug", back)]).encode(), h)


def test_call_staff(server, binary, sanitizer):
    """"Roep een medewerker": only the enrolled terminal's browser may call;
    the staff of its wijkwijzer hear it live over the WebSocket (a staff
    session, staff_hello); once a minute per terminal."""
    import json
    staff = staff_jar(server, binary)
    ws = harness.WebSocket(server.port, headers={"Cookie": staff})
    check(ws.accepted, "staff WebSocket open")
    ws.send(json.dumps({"type": "staff_hello", "location": "ww-centrum"}))
    check(json.loads(ws.recv_text()).get("type") == "staff_ready", "a staff session is recognised")
    # a WebSocket without a staff session hears nothing
    anon = harness.WebSocket(server.port)
    anon.send(json.dumps({"type": "staff_hello", "location": "ww-centrum"}))
    check(json.loads(anon.recv_text()) == {"type": "error", "code": "not_staff"}, "staff_hello needs a staff session")
    forged = harness.WebSocket(server.port, headers={"Cookie": "ww_staff=" + "A" * 43})
    forged.send(json.dumps({"type": "staff_hello", "location": "ww-centrum"}))
    check(json.loads(forged.recv_text()).get("code") == "not_staff", "a made-up staff token is refused")
    # the staff agenda has the live notice region
    st, _, body = server.get("/nl/medewerker/agenda", {"Cookie": staff})
    check(st == 200 and "data-staff-calls" in body and 'aria-live="assertive"' in body, "agenda has the notice region")

    # not a kiosk, another terminal's browser, a claimed cookie, another site
    st, _, body = call(server, "demo", {})
    check(st == 403, f"a browser that is no terminal cannot call: {st}")
    st, _, _ = call(server, "demo", {"Cookie": "ww_kiosk=demo." + "A" * 43})
    check(st == 403, f"a claimed kiosk cookie cannot call: {st}")
    test_jar = harness.kiosk_headers(server, "test")
    st, _, _ = call(server, "demo", test_jar)
    check(st == 403, f"terminal test cannot call as demo: {st}")
    jar = harness.kiosk_headers(server, "demo")
    st, _, _ = call(server, "demo", dict(jar, Origin="http://evil.example", **{"Sec-Fetch-Site": "cross-site"}))
    check(st == 403, f"not from another site: {st}")
    st, _, _ = call(server, "bestaat-niet", jar)
    check(st == 404, f"unknown terminal: {st}")
    st, _, _ = server.request("GET", "/kiosk/demo/medewerker", headers=jar)
    check(st == 405, f"only POST: {st}")

    st, h, body = call(server, "demo", jar)
    check(st == 200 and "Er komt iemand naar u toe" in body and 'href="/nl/voorzieningen?q=koffie"' in body
          and "kiosk-bar" in body, f"the call is confirmed, with the way back: {st}")
    msg = json.loads(ws.recv_text())
    check(msg.get("type") == "staff_call" and msg.get("terminal") == "demo"
          and re.fullmatch(r"\d\d:\d\d", msg.get("time", "")), f"the staff session hears it live: {msg}")
    # once a minute per terminal
    st, h, body = call(server, "demo", jar, back="//evil.example/")
    check(st == 429 and h.get("retry-after") == "60" and "net al" in body, f"a second call within the minute: {st}")
    check("evil.example" not in body, "the way back stays on this site")
    ws.sock.settimeout(1.5)
    try:
        extra = ws.recv_text()
    except Exception:
        extra = None
    check(extra is None, f"and no second notice: {extra}")
    # a terminal of another wijkwijzer does not reach these staff
    st, roombeek = server.enrol("roombeek-1")
    st, _, _ = call(server, "roombeek-1", {"Cookie": roombeek})
    check(st == 200, f"roombeek calls: {st}")
    try:
        other = ws.recv_text()
    except Exception:
        other = None
    check(other is None, f"ww-centrum's staff do not hear roombeek: {other}")
    # Arabic: the confirmation in the page's language
    st, _, body = call(server, "test", test_jar, back="/ar/")
    check(st == 200 and 'dir="rtl"' in body and 'href="/ar/"' in body, f"in the page's language: {st}")
    for w in (ws, anon, forged):
        w.close()


EXTERNAL = re.compile(r'href="(?:https?:)?//(?!127\.0\.0\.1[:/])[^"]*"')


def test_nothing_leads_out_of_the_kiosk(server, binary, sanitizer):
    """On an enrolled terminal no page links to another site, offers a
    calendar file or asks for the browser's location; at home they do."""
    from test_booking import book_html, free_slot
    from test_selfcheck import walk, by_letters
    jar = harness.kiosk_headers(server)
    s = free_slot(server, "ww-centrum", "wonen")
    (res, _) = book_html(server, "ww-centrum", "wonen", s["start"][:16], name="Zuil Test")
    manage = res[1]["location"].split("?")[0]
    st, _, search = server.get("/nl/voorzieningen?q=koffie")
    svc = re.search(r'href="(/nl/voorzieningen/[^"?#]+)[?"]', search).group(1)
    result, _ = walk(server, "s", by_letters("xxxxxnxje"), headers=jar, kiosk=True)
    pages = ["/nl/", "/nl/voorzieningen?q=koffie", "/nl/voorzieningen?postcode=7511AB", svc, manage,
             "/nl/mantelzorg", "/nl/afspraak", result, "/ar/", "/ar" + svc[3:], "/ar" + manage[3:]]
    home = {}
    for p in pages:
        st, _, body = server.get(p, jar)
        check(st == 200 and "kiosk-bar" in body, f"kiosk page {p}: {st}")
        out = EXTERNAL.findall(body)
        check(not out, f"no link to another site on {p}: {out[:3]}")
        check(".ics" not in body, f"no calendar file on {p}")
        check("use-location" not in body and "Gebruik mijn locatie" not in body, f"no geolocation on {p}")
        check('href="mailto:' not in body and 'href="tel:' not in body, f"no mail or phone links on {p}")
        home[p] = server.get(p)[2]
    # the same pages at home do have them (the test can fail)
    check(EXTERNAL.search(home[svc]) or 'href="mailto:' in home[svc], "at home the service links out")
    check(".ics" in home[manage] and "openstreetmap" in home[manage], "at home: calendar and route")
    check("use-location" in home["/nl/voorzieningen?q=koffie"], "at home: Gebruik mijn locatie")
    # the safety quick exit ends the kiosk session instead of leaving
    st, _, body = server.get(result, jar)
    if "quick-exit" in body:
        check('href="/kiosk/demo/stop"' in body, "the quick exit is the kiosk's Stop")


def test_receipts(server, binary, sanitizer):
    """Printen on a kiosk opens a short receipt (?bon=1) with the kiosk bar
    on screen and a Terug button to where it came from."""
    from test_booking import book_html, free_slot
    from test_selfcheck import walk, by_letters
    jar = harness.kiosk_headers(server)
    s = free_slot(server, "ww-centrum", "wonen")
    (res, _) = book_html(server, "ww-centrum", "wonen", s["start"][:16], name="Bon Test")
    manage = res[1]["location"].split("?")[0]
    st, _, body = server.get(manage, jar)
    check(f'href="{manage}?bon=1"' in body, "Printen on the appointment")
    st, _, body = server.get(manage + "?bon=1", jar)
    check(st == 200 and 'class="receipt kiosk"' in body and "kiosk-bar" in body and "data-autoprint" in body
          and f'href="{manage}"' in body and ">Terug<" in body, "the receipt keeps the bar and has Terug")
    check("Wat wilt u doen?" not in body, "no actions on the receipt")
    result, body = walk(server, "c", lambda i, labels: 0, headers=jar, kiosk=True)
    receipt = result.replace("/zelfcheck/uitslag?", "/zelfcheck/bon?")
    check(f'href="{receipt}"' in body, "Printen on the advice")
    st, _, rec = server.get(receipt, jar)
    def main_text(page):
        m = re.search(r"<main[^>]*>(.*)</main>", page, re.S)
        return re.sub(r"<svg.*?</svg>|<[^>]+>", "", m.group(1) if m else "", flags=re.S)
    check(st == 200 and 'class="receipt kiosk"' in rec and "data-autoprint" in rec and ("<svg" in rec or "--public-url" in rec)
          and len(main_text(rec)) < len(main_text(body)) / 3,
          f"the advice receipt is short, with the QR code: {len(main_text(rec))} of {len(main_text(body))} characters")
    # a terminal without a printer offers no Printen
    st, roombeek = server.enrol("roombeek-1")
    st, _, body = server.get(manage, {"Cookie": roombeek})
    check("?bon=1" not in body, "no Printen without a receipt printer")
