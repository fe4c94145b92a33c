"""The public address (issue 12, item 4): absolute URLs in QR codes and
calendar files come from --public-url or the loopback listen address,
never from the Host header; a server reachable from other machines needs
--public-url; Origin checks compare scheme, host and port with it;
cookies are Secure when it is https; a kiosk without a public address
warns staff instead of showing a QR code a phone cannot open."""
import subprocess
import tempfile
import urllib.parse

import harness
from harness import check
from test_booking import book_html, free_slot, form_fields

PUBLIC = "https://wijkwijzer.enschede.example"


def book(server, skip):
    book.n += 1
    slot = free_slot(server, "ww-centrum", "wonen", skip=skip)
    (res, _) = book_html(server, "ww-centrum", "wonen", slot["start"][:16], name="Adres",
                         phone=f"06 5555 {book.n:04d}")
    return res[1]["location"].split("/afspraak/")[1].split("?")[0]


book.n = 0


def test_absolute_urls_ignore_host(server, binary, sanitizer):
    token = book(server, 7)
    own = f"127.0.0.1:{server.port}"
    st, _, qr_own = server.get(f"/afspraak/{token}/qr.svg", {"Host": own})
    st2, _, qr_evil = server.get(f"/afspraak/{token}/qr.svg", {"Host": "evil.example"})
    check(st == 200 and st2 == 200 and qr_own == qr_evil,
          f"the QR code is the same whatever Host says ({st}, {st2}, same: {qr_own == qr_evil})")
    st, _, ics = server.get(f"/afspraak/{token}/afspraak.ics", {"Host": "evil.example"})
    check(st == 200 and "evil.example" not in ics and f"http://{own}/" in ics,
          f"the calendar file links the listen address, not the Host header ({st})")

    with tempfile.TemporaryDirectory() as d:
        s = harness.Server(binary, sanitizer=sanitizer, data=d, extra=["--public-url", PUBLIC + "/"])
        try:
            token = book(s, 0)
            st, _, ics = s.get(f"/afspraak/{token}/afspraak.ics", {"Host": "evil.example"})
            check(st == 200 and f"{PUBLIC}/nl/afspraak/{token}" in ics.replace("\r\n ", "")
                  and "evil.example" not in ics,
                  f"with --public-url the calendar file links it ({st})")
            a = s.get(f"/afspraak/{token}/qr.svg", {"Host": "evil.example"})[2]
            b = s.get(f"/afspraak/{token}/qr.svg")[2]
            check(a == b and a != qr_own, "the QR code follows --public-url, not Host")
        finally:
            s.cleanup()


def test_public_url_required_off_loopback(server, binary, sanitizer):
    with tempfile.TemporaryDirectory() as d:
        p = subprocess.run([binary, "--listen", "0.0.0.0", "--port", str(harness.free_port()),
                            "--data", d], capture_output=True, text=True, timeout=60)
        lines = p.stderr.strip().splitlines()
        check(p.returncode == 2 and len(lines) == 1 and "--public-url" in lines[0],
              f"a non-loopback listener without --public-url stops with one line: {p.returncode} {lines}")
        for bad in ("ftp://x.example", "https://x.example/portal", "https://user@x.example",
                    "https://x.example:99999", "https://"):
            p = subprocess.run([binary, "--public-url", bad, "--data", d], capture_output=True,
                               text=True, timeout=60)
            check(p.returncode == 2 and p.stderr.startswith("wijkwijzer: --public-url"),
                  f"--public-url {bad} refused: {p.returncode} {p.stderr.strip()!r}")


def origin_post(s, origin):
    """A cancel form posted with the given Origin (and no Sec-Fetch-Site)."""
    token = book(s, 3)
    st, _, body = s.get(f"/nl/afspraak/{token}/annuleren")
    action, fields = form_fields(body, "/annuleren")
    data = urllib.parse.urlencode(fields).encode()
    st, _, _ = s.request("POST", action, data, {"Content-Type": "application/x-www-form-urlencoded",
                                                "Origin": origin})
    return st


def test_origin_is_the_public_url(server, binary, sanitizer):
    own = f"127.0.0.1:{server.port}"
    check(origin_post(server, f"https://{own}") == 403,
          "Origin https:// on a plain http listener is refused")
    check(origin_post(server, f"http://{own}") == 303, "the listener's own origin is accepted")
    ws = harness.WebSocket(server.port, origin=f"https://{own}")
    check(not ws.accepted, f"WebSocket with Origin https:// refused: {ws.status_line!r}")
    ws.close()

    with tempfile.TemporaryDirectory() as d:
        s = harness.Server(binary, sanitizer=sanitizer, data=d, extra=["--public-url", PUBLIC])
        try:
            check(origin_post(s, PUBLIC) == 303, "the public origin is accepted")
            for other in (f"http://{own}", "http://wijkwijzer.enschede.example",
                          PUBLIC + ":8443", "https://evil.example"):
                check(origin_post(s, other) == 403, f"Origin {other} refused")
            ws = harness.WebSocket(s.port, origin=PUBLIC)
            check(ws.accepted, f"WebSocket from the public origin accepted: {ws.status_line!r}")
            ws.close()
            ws = harness.WebSocket(s.port, origin=f"http://127.0.0.1:{s.port}")
            check(not ws.accepted, "WebSocket from the listen address refused when --public-url is set")
            ws.close()
            st, h, _ = s.get("/nl/")
            check("Secure" in h.get("set-cookie", ""), f"cookies are Secure with an https public URL: {h.get('set-cookie')!r}")
            # the staff session cookie is __Host-: no other host can plant one
            from test_booking import add_staff
            add_staff(s, "https.staff", "https-wachtwoord-1")
            st, _, body = s.get("/nl/medewerker")
            action, fields = form_fields(body, "/medewerker")
            data = urllib.parse.urlencode([(k, v) for k, v in fields if k != "naam"] +
                                          [("naam", "https.staff"), ("wachtwoord", "https-wachtwoord-1")]).encode()
            st, h, _ = s.request("POST", action, data, {"Content-Type": "application/x-www-form-urlencoded",
                                                        "Origin": PUBLIC})
            cookie = h.get("set-cookie", "")
            check(st == 303 and cookie.startswith("__Host-ww_staff=") and "Secure" in cookie and "Path=/" in cookie,
                  f"the staff cookie on https: {cookie!r}")
            st, _, _ = s.get("/nl/medewerker/agenda", {"Cookie": cookie.split(";")[0]})
            check(st == 200, f"and it is the session: {st}")
            st, _, _ = s.get("/nl/medewerker/agenda", {"Cookie": "ww_staff=" + cookie.split(";")[0].split("=", 1)[1]})
            check(st == 303, f"the same token without the prefix is no session there: {st}")
        finally:
            s.cleanup()
    st, h, _ = server.get("/en/")
    check(h.get("set-cookie", "").startswith("lang=en") and "Secure" not in h.get("set-cookie", ""),
          f"no Secure flag on plain http: {h.get('set-cookie')!r}")


def test_kiosk_without_public_url_warns(server, binary, sanitizer):
    token = book(server, 9)
    st, _, body = server.get(f"/nl/afspraak/{token}", harness.kiosk_headers(server))
    check(st == 200 and "--public-url" in body and 'class="qr"' not in body,
          f"a kiosk without a public address warns staff instead of a QR code ({st})")
    st, _, body = server.get(f"/nl/afspraak/{token}")
    check(st == 200 and 'class="qr"' in body, "at home the QR code is shown")
    with tempfile.TemporaryDirectory() as d:
        s = harness.Server(binary, sanitizer=sanitizer, data=d, extra=["--public-url", PUBLIC])
        try:
            token = book(s, 0)
            st, _, body = s.get(f"/nl/afspraak/{token}", harness.kiosk_headers(s))
            check(st == 200 and 'class="qr"' in body and "--public-url" not in body,
                  "with a public address the kiosk shows the QR code")
        finally:
            s.cleanup()
