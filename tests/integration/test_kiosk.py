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
        st, _, _ = server.get("/lees-voor.wav?pad=%2Fnl%2F", {"Cookie": claim})
        check(st == 403, f"and no read-aloud: {st}")
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
    st, _, _ = server.get("/lees-voor.wav?pad=%2Fnl%2Fmantelzorg")
    check(st == 403, "read aloud only on a kiosk")
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
    ws = harness.WebSocket(server.port)
    ws.send(json.dumps({"type": "subscribe", "location": "ww-centrum", "date": harness.TODAY.isoformat()}))
    check(json.loads(ws.recv_text())["type"] == "slots", "the agenda subscribes")
    # the scanner types the QR code's URL and Enter
    url = f"http://127.0.0.1:{server.port}/nl/afspraak/{token}"
    st, _, body = _check_in(server, jar, url, source="127.0.0.31")
    check(st == 200 and "U bent aangemeld" in body and "Neem plaats" in body, f"scanned: checked in ({st})")
    status = json.loads(server.get(f"/api/v1/bookings/{token}")[2])["status"]
    check(status == "checked_in", f"the status is checked_in: {status}")
    msgs = [json.loads(ws.recv_text()) for _ in range(2)]
    check(any(m["type"] == "agenda_changed" for m in msgs), f"the agenda hears of it live: {[m['type'] for m in msgs]}")
    ws.close()
    st, _, body = _check_in(server, jar, url, source="127.0.0.31")
    check(st == 200 and "U bent aangemeld" in body, "a second scan: still checked in, no error")
    # typing the reference, in any case, with or without the dash
    t2, r2 = _booking_today(server, "ww-centrum", "14:00", "Typer")
    st, _, body = _check_in(server, jar, r2.lower().replace("-", " "), source="127.0.0.31", lang="ar")
    check(st == 200 and 'lang="ar"' in body, f"typed reference, in Arabic: {st}")
    # wrong input gets a clear message and a status
    st, _, body = _check_in(server, jar, "ABC-DEF", source="127.0.0.31")
    check(st == 404 and "We vinden geen afspraak met deze code" in body and 'aria-invalid="true"' in body,
          f"unknown code: 404 with the message at the field ({st})")
    st, _, body = _check_in(server, jar, other_ref, source="127.0.0.31")
    check(st == 409 and "bij een andere wijkwijzer" in body and "Wijkwijzer Noord" in body,
          f"today at another wijkwijzer: 409 says where ({st})")
    later_token, later_ref = _booking_today(server, "ww-centrum", "15:00", "Later")
    db = sqlite3.connect(os.path.join(server.data, "wijkwijzer.db"), timeout=10)
    db.execute("UPDATE booking SET start = ? WHERE reference = ?", (f"{harness.day(3)}T15:00", later_ref.replace("-", "")))
    db.commit()
    db.close()
    st, _, body = _check_in(server, jar, later_ref, source="127.0.0.31")
    check(st == 409 and "niet vandaag" in body, f"another day: 409 ({st})")
    status = json.loads(server.get(f"/api/v1/bookings/{later_token}")[2])["status"]
    check(status == "confirmed", "not checked in")
    server.request("DELETE", f"/api/v1/bookings/{t2}", b"", {"Content-Length": "0"})
    st, _, body = _check_in(server, jar, r2, source="127.0.0.31")
    check(st == 410 and "afgezegd" in body, f"a cancelled one: 410 ({st})")
    # rate-limited per terminal, whatever the address
    codes = [_check_in(server, harness.kiosk_headers(server, "test"), f"ZZZ-ZZ{i % 10}", source="127.0.0.32")[0]
             for i in range(30)]
    st, h, body = _check_in(server, harness.kiosk_headers(server, "test"), later_ref, source="127.0.0.33")
    check(codes.count(404) == 30 and st == 429 and h.get("retry-after") == "600",
          f"the 31st try of one terminal: 429 ({st}, {set(codes)})")
    st, _, _ = _check_in(server, jar, ref, source="127.0.0.33")
    check(st == 200, f"another terminal is not held up: {st}")
