"""Kiosk mode over HTTP: the start page, the kiosk layout, Stop without
JavaScript, read aloud, and the launcher (with a stand-in browser)."""
import os
import re
import subprocess
import tempfile

from harness import check
from test_selfcheck import start

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def test_start_and_layout(server, binary, sanitizer):
    st, h, body = server.get("/kiosk/demo")
    cookie = h.get("set-cookie", "")
    check(st == 200 and cookie.startswith("ww_kiosk=demo") and "HttpOnly" in cookie, "kiosk session cookie")
    check(body.count('class="kiosk-lang"') == 7 and "العربية" in body and "Українська" in body, "languages in their own script")
    check('href="/nl/afspraak?locatie=ww-centrum"' in body, "booking preselects the terminal's location")
    check('data-idle="90"' in body and 'data-countdown="20"' in body, "terminal settings for the idle reset")
    check("no-store" in h.get("cache-control", ""), "kiosk pages are not cached")
    jar = {"Cookie": "ww_kiosk=demo"}
    st, h, body = server.get("/nl/voorzieningen?q=koffie", jar)
    check('class="kiosk-bar' in body and "Stoppen" in body and "Bent u er nog?" in body, "kiosk layout on every page")
    check("no-store" in h.get("cache-control", ""), "no-store in kiosk mode")
    st, _, body = server.get(start(server, "s", jar) or "/nl/zelfcheck", jar)
    check("Vraag 1 van" in body, "the kiosk skips the postcode question (it knows its place)")
    st, _, body = server.get(start(server, "s") or "/nl/zelfcheck")
    check("Wat is uw postcode?" in body, "at home the postcode is asked")
    st, _, body = server.get("/kiosk/test?lang=ar")
    check('dir="rtl"' in body and 'data-idle="5"' in body, "test terminal, in Arabic")
    st, _, body = server.get("/kiosk/bestaat-niet")
    check(st == 404, "unknown terminal 404")
    st, _, body = server.get("/nl/", {"Cookie": "ww_kiosk=%3Cscript%3E"})
    check(st == 200 and "kiosk-bar" not in body, "a forged kiosk cookie is ignored")


def test_stop_without_javascript(server, binary, sanitizer):
    st, h, _ = server.get("/kiosk/demo/stop")
    check(st == 303 and h.get("location") == "/kiosk/demo", "Stop goes back to the start")
    check('"cache"' in h.get("clear-site-data", "") and '"storage"' in h.get("clear-site-data", ""),
          "Stop clears the site's cache and storage")


def test_read_aloud(server, binary, sanitizer):
    jar = {"Cookie": "ww_kiosk=demo"}
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
    st, _, _ = server.get("/lees-voor.wav?pad=%2Fnl%2Fmedewerker%2Fagenda", {"Cookie": "ww_kiosk=demo; ww_staff=" + "A" * 43})
    check(st == 422, "the staff agenda cannot be read aloud")


def test_launcher(server, binary, sanitizer):
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "calls")
        fake = os.path.join(d, "chromium")
        with open(fake, "w") as f:
            f.write(f"#!/bin/sh\necho \"$@\" >> {log}\nexit 0\n")
        os.chmod(fake, 0o755)
        env = dict(os.environ, CHROMIUM=fake, WIJKWIJZER_KIOSK_RUNS="2", WIJKWIJZER_KIOSK_URL="http://127.0.0.1:1/kiosk/test")
        p = subprocess.run(["sh", os.path.join(REPO, "kiosk", "wijkwijzer-kiosk.sh")], env=env, timeout=30)
        calls = open(log).read().splitlines()
        check(p.returncode == 0 and len(calls) == 2, f"browser restarted after it exits: {calls}")
        for flag in ("--kiosk", "--incognito", "--noerrdialogs", "--disable-pinch", "--overscroll-history-navigation=0",
                     "--disable-translate", "http://127.0.0.1:1/kiosk/test"):
            check(flag in calls[0], f"launcher passes {flag}")
        dirs = [re.search(r"--user-data-dir=(\S+)", c).group(1) for c in calls]
        check(dirs[0] != dirs[1] and not any(os.path.exists(x) for x in dirs), "a fresh profile each run, removed after")
