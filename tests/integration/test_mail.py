"""E-mail to residents (--smtp): the confirmation, the reminder and the
notices of a move or a cancellation, sent from the outbox by the mail
thread to a real SMTP server on loopback (aiosmtpd, started here), with
retries across a relay that is down and a restart, STARTTLS, and the
log without personal data. Without --smtp the form asks no e-mail
address and nothing is queued."""
import datetime
import email
import email.policy
import json
import os
import re
import shutil
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time

import harness
from harness import check
import test_booking as tb

try:
    import aiosmtpd  # noqa: F401
except ImportError:  # a Python of its own beside Debian's python3-aiosmtpd
    sys.path.append("/usr/lib/python3/dist-packages")
from aiosmtpd.controller import Controller  # noqa: E402
import logging  # noqa: E402

# aiosmtpd logs the refused handshake of test_starttls as an exception
logging.getLogger("mail.log").setLevel(logging.CRITICAL)

FROM = "wijkwijzer@example.org"


class Relay:
    """An SMTP server on a loopback port that keeps what arrives."""

    def __init__(self, port=None, tls=None, host="127.0.0.1"):
        self.port = port or harness.free_port()
        self.messages = []
        self.lock = threading.Lock()
        kw = {"tls_context": tls, "require_starttls": True} if tls else {}
        self.ctl = Controller(self, hostname=host, port=self.port, **kw)
        self.ctl.start()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append({
                "from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                "raw": envelope.original_content or envelope.content,
                "tls": session.ssl is not None,
                "helo": session.host_name,
            })
        return "250 OK"

    def wait(self, n, timeout=20):
        """The first n messages once they are there (None after timeout)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if len(self.messages) >= n:
                    return list(self.messages[:n])
            time.sleep(0.1)
        return None

    def stop(self):
        self.ctl.stop()


class RefusingRelay(Relay):
    """A relay that answers one command with a fixed reply ("MAIL",
    "RCPT"): a relay that wants authentication, or refuses a recipient."""

    def __init__(self, command, answer, **kw):
        self.command, self.answer = command, answer
        super().__init__(**kw)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.command == "MAIL":
            return self.answer
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.command == "RCPT":
            return self.answer
        envelope.rcpt_tos.append(address)
        return "250 OK"


class HookRelay(Relay):
    """A relay that runs hook() before it accepts a message."""

    def __init__(self, port, hook):
        self.hook = hook
        super().__init__(port)

    async def handle_DATA(self, server, session, envelope):
        self.hook()
        return await super().handle_DATA(server, session, envelope)


def mail_server(binary, port, extra=None, **kw):
    return harness.Server(binary, ["--smtp", f"127.0.0.1:{port}", "--mail-from", FROM] + list(extra or []), **kw)


def parse(m):
    return email.message_from_bytes(m["raw"], policy=email.policy.default)


def parts(msg):
    """(text, calendar part's Content-Type, calendar text) of a message."""
    text = cal = cal_type = None
    for p in msg.iter_parts():
        if p.get_content_type() == "text/plain":
            text = p.get_content()
        elif p.get_content_type() == "text/calendar":
            cal_type = f'method={p.get_param("method")} name={p.get_param("name")}'
            cal = p.get_content()
            if isinstance(cal, bytes):
                cal = cal.decode()
    return text, cal_type, cal


def lines_ok(raw):
    """Every line ends in CRLF and none is longer than 78 characters."""
    body = raw.split(b"\r\n")
    return all(b"\n" not in l and len(l) <= 78 for l in body)


def outbox_sent(server, booking_ref, timeout=5):
    """The outbox rows of booking_ref once none is pending any more (or the
    timeout passed): the relay has a message a moment before the mail
    thread has recorded it through the writer."""
    deadline = time.time() + timeout
    rows = outbox(server, booking_ref)
    while time.time() < deadline and any(st == "pending" for _, st, _ in rows):
        time.sleep(0.05)
        rows = outbox(server, booking_ref)
    return rows


def outbox(server, booking_ref=None):
    """The outbox rows: [(kind, status, attempts)] (of one reference)."""
    db = sqlite3.connect(f"file:{os.path.join(server.data, 'wijkwijzer.db')}?mode=ro", uri=True)
    try:
        if booking_ref:
            rows = db.execute("SELECT o.kind, o.status, o.attempts FROM outbox o JOIN booking b ON "
                              "b.id = o.booking_id WHERE b.reference = ? ORDER BY o.id",
                              (booking_ref.replace("-", ""),)).fetchall()
        else:
            rows = db.execute("SELECT kind, status, attempts FROM outbox ORDER BY id").fetchall()
        return rows
    finally:
        db.close()


def api_book(server, start, name, mail, lang="nl", location="ww-centrum", topic="wonen"):
    st, _, body = server.request("POST", "/api/v1/bookings", json.dumps(
        {"location": location, "start": start, "topic": topic, "name": name, "email": mail,
         "lang": lang}).encode(), {"Content-Type": "application/json"})
    return st, json.loads(body) if body.startswith("{") else {}


def no_personal_data(server, secrets, what):
    log = server.output()
    leaked = [s for s in secrets if s and s in log]
    check(not leaked, f"{what}: the log holds no address, name or reference: {leaked}")


def test_confirmation_move_cancel(server, binary, sanitizer):
    relay = Relay()
    srv = mail_server(binary, relay.port, ["--reminder-hours", "0"], sanitizer=sanitizer)
    try:
        addr, name = "renee.elise@example.org", "Renée Élise"
        slot = tb.free_slot(srv, "ww-centrum", "wonen")
        st, _, body = srv.get(f"/nl/afspraak?locatie=ww-centrum&onderwerp=wonen&tijd={slot['start'][:16]}")
        check('name="email"' in body and "U krijgt een bevestiging per e-mail." in body,
              "with --smtp the form asks the e-mail address, and says what comes")
        st, page = tb.details_errors(srv, slot["start"][:16], email="renee@voorbeeld", location="ww-centrum",
                                     topic="wonen")
        check(st == 422 and "Dit e-mailadres klopt niet" in page, f"the form refuses a malformed address: {st}")
        res, body = tb.book_html(srv, "ww-centrum", "wonen", slot["start"][:16], name=name,
                                 extra=[("email", addr)])
        token = tb.token_of(res)
        check(token, f"booked with an e-mail address: {res}")
        if not token:
            return
        st, _, page = srv.get(res[1]["location"])
        check("We hebben u een e-mail gestuurd" in page, "the confirmation page says an e-mail was sent")
        got = relay.wait(1)
        check(got is not None, "the confirmation arrives")
        if not got:
            return
        m = got[0]
        msg = parse(m)
        st, _, api = srv.get(f"/api/v1/bookings/{token}")
        ref = json.loads(api)["reference"]
        check(m["from"] == FROM and m["to"] == [addr], f"envelope from {FROM} to the resident: {m['from']} {m['to']}")
        check(FROM in msg["From"] and addr in msg["To"], f"From and To headers: {msg['From']} / {msg['To']}")
        subject = str(msg["Subject"])
        check(subject.startswith("Uw afspraak bij de wijkwijzer op ") and subject.endswith(" uur"),
              f"the Dutch subject with the day and time: {subject!r}")
        check(msg["Date"] and msg["Message-ID"] and msg["Content-Language"] == "nl",
              f"Date, Message-ID, Content-Language nl: {msg['Content-Language']}")
        check(msg.get_content_type() == "multipart/mixed", f"multipart/mixed: {msg.get_content_type()}")
        check(lines_ok(m["raw"]), "CRLF line ends, no line over 78 characters")
        text, cal_type, cal = parts(msg)
        check(text is not None and cal is not None, "a text part and a calendar part")
        if not text or not cal:
            return
        check(f"Beste {name}," in text, "the greeting has the name, in UTF-8")
        check(ref in text, f"the reference {ref} in the text")
        link = re.search(r"http://127\.0\.0\.1:%d/nl/afspraak/([A-Za-z0-9_-]{43})" % srv.port, text)
        check(link is not None, "the absolute manage link in the text")
        check("Kunt u niet? Zeg af of verzet de afspraak via deze link" in text, "how to cancel or move")
        check("053 000 7379" in text, "the wijkwijzer's phone")
        if link:
            st, _, page = srv.get(f"/nl/afspraak/{link.group(1)}")
            check(st == 200 and ref in page, f"the mailed link opens the appointment: {st}")
        check("method=PUBLISH" in cal_type and 'name=invite.ics' in cal_type, f"the calendar part: {cal_type}")
        first, method, _ = tb.ics_props(cal)
        check(method == "PUBLISH" and first.get("SEQUENCE") == "0" and first.get("UID"),
              f"the calendar file: UID, SEQUENCE 0 ({method}, {first.get('SEQUENCE')})")

        # a move: a notice with the new time and a raised SEQUENCE
        st, _, body = srv.get(f"/nl/afspraak/{token}/verzetten")
        action, fields = tb.form_fields(body, "/verzetten")
        options = re.findall(r'name="tijd" id="t-\d+" value="([^"]+)"', body)
        check(action and options, "the move form offers times")
        st, h, _ = tb.post_form(srv, action, fields, [("tijd", options[-1])])
        check(st == 303, f"moved: {st}")
        st, _, page = srv.get(h.get("location", ""))
        check("We hebben u een e-mail gestuurd met de nieuwe tijd" in page, "the page says an e-mail tells the new time")
        got = relay.wait(2)
        check(got is not None, "the notice of the move arrives")
        if got:
            moved = parse(got[1])
            check("is verzet naar" in str(moved["Subject"]), f"the subject says it moved: {moved['Subject']}")
            _, _, cal = parts(moved)
            props, method, _ = tb.ics_props(cal or "")
            check(props.get("UID") == first.get("UID") and props.get("SEQUENCE") == "1",
                  f"the updated calendar file: same UID, SEQUENCE 1 ({props.get('SEQUENCE')})")
            check(props.get("DTSTART") != first.get("DTSTART"), "with the new start")

        # a cancellation: METHOD:CANCEL, so a calendar removes it
        st, _, body = srv.get(f"/nl/afspraak/{token}/annuleren")
        action, fields = tb.form_fields(body, "/annuleren")
        st, _, _ = tb.post_form(srv, action, fields)
        check(st == 303, f"cancelled: {st}")
        got = relay.wait(3)
        check(got is not None, "the notice of the cancellation arrives")
        if got:
            gone = parse(got[2])
            check("is afgezegd" in str(gone["Subject"]), f"the subject says it is cancelled: {gone['Subject']}")
            text, cal_type, cal = parts(gone)
            props, method, _ = tb.ics_props(cal or "")
            check(method == "CANCEL" and props.get("STATUS") == "CANCELLED" and "method=CANCEL" in (cal_type or ""),
                  f"METHOD:CANCEL, STATUS:CANCELLED: {method} {props.get('STATUS')} {cal_type}")
            check(props.get("SEQUENCE") == "2", f"SEQUENCE 2: {props.get('SEQUENCE')}")
        rows = outbox_sent(srv, ref)
        check([k for k, s, _ in rows] == ["confirmation", "moved", "cancelled"] and
              all(s == "sent" for _, s, _ in rows), f"the outbox: {rows}")
        no_personal_data(srv, [addr, name, "Renée", ref, ref.replace("-", "")], "confirmation, move, cancel")
    finally:
        srv.cleanup()
        relay.stop()


def test_language_follows_booking(server, binary, sanitizer):
    relay = Relay()
    srv = mail_server(binary, relay.port, ["--reminder-hours", "0"], sanitizer=sanitizer)
    try:
        a = tb.free_slot(srv, "ww-west", "wonen")
        b = tb.free_slot(srv, "ww-west", "wonen", skip=1)
        st, ar = api_book(srv, a["start"], "محمد", "m@example.org", lang="ar", location="ww-west")
        check(st == 201, f"an Arabic booking: {st}")
        got = relay.wait(1)
        st, en = api_book(srv, b["start"], "Anne", "anne@example.org", lang="en", location="ww-west")
        check(st == 201, f"an English booking: {st}")
        got = relay.wait(2)
        check(got is not None, "both messages arrive")
        if not got:
            return
        by_to = {g["to"][0]: parse(g) for g in got}
        m = by_to.get("m@example.org")
        check(m is not None and m["Content-Language"] == "ar", "the Arabic booking's mail is in Arabic (Content-Language)")
        if m:
            text, _, cal = parts(m)
            check("محمد" in text and ar["reference"] in text, "the Arabic name, decoded as UTF-8, and the reference")
            check(f"/ar/afspraak/" in text, "the manage link in the booking's language")
            check("محمد" not in str(m["Subject"]) and str(m["Subject"]), "a subject")
        e = by_to.get("anne@example.org")
        check(e is not None and e["Content-Language"] == "en" and "/en/afspraak/" in parts(e)[0],
              "the English booking's mail: Content-Language en, an /en/ link")
        no_personal_data(srv, ["m@example.org", "anne@example.org", "محمد", ar["reference"], en.get("reference")],
                         "languages")
    finally:
        srv.cleanup()
        relay.stop()


def test_reminder(server, binary, sanitizer):
    """A reminder --reminder-hours before: the server's clock starts a
    little before a slot's reminder is due, so it goes out soon; a
    booking whose reminder time has passed gets none."""
    margin = 40 if sanitizer or os.environ.get("WW_SERVER_WRAPPER") else 12
    probe = harness.Server(binary)
    try:
        # a free slot on the hour (not the first free one, which is
        # booked too, earlier, so its reminder time has passed), and how
        # many whole hours it is from NOW
        slot = None
        for skip in range(1, 40):
            s = tb.free_slot(probe, "ww-zuid", "wonen", skip=skip)
            if s and s["start"][14:16] == "00":
                slot = s
                break
    finally:
        probe.cleanup()
    check(slot is not None, "a free slot on the hour")
    if not slot:
        return
    start = datetime.datetime.fromisoformat(slot["start"])
    hours = int((start - harness.NOW_DT).total_seconds() // 3600)
    now = (harness.NOW_DT - datetime.timedelta(seconds=margin)).isoformat()
    relay = Relay()
    srv = mail_server(binary, relay.port, ["--reminder-hours", str(hours)], now=now, sanitizer=sanitizer)
    try:
        st, res = api_book(srv, slot["start"], "Herinnering", "her@example.org", location="ww-zuid")
        check(st == 201, f"booked: {st}")
        # an earlier one: its reminder time has passed at booking
        early = tb.free_slot(srv, "ww-zuid", "wonen")
        st2, res2 = api_book(srv, early["start"], "Vroeg", "vroeg@example.org", location="ww-zuid") \
            if early and early["start"] < slot["start"] else (None, {})
        got = relay.wait(1)
        check(got is not None and "Uw afspraak" in str(parse(got[0])["Subject"]), "first the confirmation")
        got = relay.wait(3 if st2 == 201 else 2, timeout=margin + 20)
        check(got is not None, "then the reminder, when it is due")
        if got:
            subjects = [(g["to"][0], str(parse(g)["Subject"])) for g in got]
            rem = [s for to, s in subjects if to == "her@example.org" and s.startswith("Herinnering:")]
            check(len(rem) == 1, f"one reminder: {subjects}")
            m = [parse(g) for g in got if g["to"][0] == "her@example.org" and
                 str(parse(g)["Subject"]).startswith("Herinnering:")]
            if m:
                text, _, cal = parts(m[0])
                check(res["reference"] in text and "/nl/afspraak/" in text, "the reminder has the reference and the link")
        check(st2 == 201, f"an earlier appointment booked too: {st2}")
        if st2 == 201:
            kinds = [k for k, _, _ in outbox(srv, res2["reference"])]
            check(kinds == ["confirmation"], f"no reminder when its time has passed at booking: {kinds}")
        no_personal_data(srv, ["her@example.org", "vroeg@example.org", "Herinnering", res.get("reference")],
                         "reminder")
    finally:
        srv.cleanup()
        relay.stop()


def wait_log(srv, pattern, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if re.search(pattern, srv.output()):
            return True
        time.sleep(0.1)
    return False


def test_relay_down_retry_and_restart(server, binary, sanitizer):
    """No booking waits for the relay or is lost with it: the message
    is retried with backoff (the first retry after --mail-retry-seconds)
    until the relay is back, also across a restart of the server."""
    port = harness.free_port()
    data = tempfile.mkdtemp(prefix="ww-data-")
    extra = ["--reminder-hours", "0", "--mail-retry-seconds", "1"]
    srv = mail_server(binary, port, extra, data=data, sanitizer=sanitizer)
    relay = None
    try:
        a = tb.free_slot(srv, "ww-oost", "wonen")
        t0 = time.time()
        st, res = api_book(srv, a["start"], "Zonder Relay", "down@example.org", location="ww-oost")
        check(st == 201 and time.time() - t0 < 5, f"booked while the relay is down: {st}")
        check(wait_log(srv, r"wijkwijzer: mail: relay 127\.0\.0\.1:%d refused the connection, retry 1 in 1 s" % port),
              "the failure is one log line with the retry: " + srv.output()[-500:])
        relay = Relay(port)
        got = relay.wait(1, timeout=30)
        check(got is not None and got[0]["to"] == ["down@example.org"], "the message arrives when the relay is back")
        check(wait_log(srv, r"mail: a confirmation sent at try \d"), "and the log says it went at a later try")
        relay.stop()
        relay = None
        # again, and now the server stops while the message waits
        b = tb.free_slot(srv, "ww-oost", "wonen")
        st, res2 = api_book(srv, b["start"], "Na Herstart", "restart@example.org", location="ww-oost")
        check(st == 201, f"booked again: {st}")
        check(wait_log(srv, r"retry 1 in 1 s[\s\S]*retry 1 in 1 s"), "it failed too")
        rows = outbox(srv, res2["reference"])
        check(rows and rows[0][1] == "pending" and rows[0][2] >= 1, f"pending with a try: {rows}")
        no_personal_data(srv, ["down@example.org", "restart@example.org", "Zonder Relay", "Na Herstart",
                               res["reference"], res2["reference"]], "retries")
        rc = srv.stop()
        check(rc == 0, f"stops cleanly with mail pending: {rc}")
        srv.cleanup()
        relay = Relay(port)
        srv = mail_server(binary, port, extra, data=data, sanitizer=sanitizer)
        got = relay.wait(1, timeout=30)
        check(got is not None and got[0]["to"] == ["restart@example.org"], "after the restart the message arrives")
        check(outbox_sent(srv, res2["reference"])[0][1] == "sent", "and is marked sent")
    finally:
        srv.cleanup()
        if relay:
            relay.stop()
        shutil.rmtree(data, ignore_errors=True)


def test_relay_refuses_us(server, binary, sanitizer):
    """A 5xx that refuses every message alike (530 authentication
    required to MAIL FROM) is a set-up problem: retried with its own log
    line, never given up at once; a 5xx to the recipient is."""
    relay = RefusingRelay("MAIL", "530 5.7.0 Authentication required")
    extra = ["--reminder-hours", "0", "--mail-retry-seconds", "60"]
    srv = mail_server(binary, relay.port, extra, sanitizer=sanitizer)
    try:
        a = tb.free_slot(srv, "ww-oost", "wonen", skip=2)
        st, res = api_book(srv, a["start"], "Geen Auth", "auth@example.org", location="ww-oost")
        check(st == 201, f"booked: {st}")
        check(wait_log(srv, r"mail: relay 127\.0\.0\.1:%d refuses us \(530 to MAIL FROM\): check "
                            r"--mail-from / relay settings, retry 1 in 60 s" % relay.port),
              "530 to MAIL FROM: a retry, and a log line that points at the set-up: " + srv.output()[-400:])
        rows = outbox(srv, res.get("reference"))
        check(rows == [("confirmation", "pending", 1)], f"still pending, not failed: {rows}")
    finally:
        srv.cleanup()
        relay.stop()
    relay = RefusingRelay("RCPT", "550 5.1.1 No such user")
    srv = mail_server(binary, relay.port, extra, sanitizer=sanitizer)
    try:
        a = tb.free_slot(srv, "ww-oost", "wonen", skip=3)
        st, res = api_book(srv, a["start"], "Geen Bus", "nobody@example.org", location="ww-oost")
        check(st == 201, f"booked: {st}")
        check(wait_log(srv, r"mail: relay 127\.0\.0\.1:%d refused the recipient \(550\), a confirmation "
                            r"given up after 1 tries" % relay.port),
              "550 to RCPT TO: given up at once: " + srv.output()[-400:])
        deadline = time.time() + 10
        while time.time() < deadline and outbox(srv, res.get("reference"))[0][1] == "pending":
            time.sleep(0.1)
        rows = outbox(srv, res.get("reference"))
        check(rows == [("confirmation", "failed", 1)], f"failed: {rows}")
    finally:
        srv.cleanup()
        relay.stop()


def html_move(srv, token):
    st, _, body = srv.get(f"/nl/afspraak/{token}/verzetten")
    action, fields = tb.form_fields(body, "/verzetten")
    options = re.findall(r'name="tijd" id="t-\d+" value="([^"]+)"', body)
    if not action or not options:
        return 0
    st, _, _ = tb.post_form(srv, action, fields, [("tijd", options[-1])])
    return st


def html_cancel(srv, token):
    st, _, body = srv.get(f"/nl/afspraak/{token}/annuleren")
    action, fields = tb.form_fields(body, "/annuleren")
    st, _, _ = tb.post_form(srv, action, fields)
    return st


def test_latest_state_only(server, binary, sanitizer):
    """While the relay is down the messages wait. A move then replaces a
    confirmation or a move not sent yet by one notice of the move; a
    cancellation drops all that waits: once the relay is back only the
    cancellation goes out, never a confirmation after it."""
    port = harness.free_port()
    extra = ["--reminder-hours", "1", "--mail-retry-seconds", "1"]
    srv = mail_server(binary, port, extra, sanitizer=sanitizer)
    relay = None
    try:
        res, _ = tb.book_html(srv, "ww-zuid", "wonen", tb.free_slot(srv, "ww-zuid", "wonen", skip=5)["start"][:16],
                              name="Laatste Stand", extra=[("email", "latest@example.org")])
        token = tb.token_of(res)
        check(token, "booked")
        if not token:
            return
        st, _, api = srv.get(f"/api/v1/bookings/{token}")
        ref = json.loads(api)["reference"]
        check(wait_log(srv, r"refused the connection, retry 1 in 1 s"), "the confirmation waits for the relay")
        check([k for k, s, _ in outbox(srv, ref)] == ["confirmation", "reminder"], f"queued: {outbox(srv, ref)}")
        check(html_move(srv, token) == 303, "moved")
        check(html_move(srv, token) == 303, "moved again")
        pending = [k for k, s, _ in outbox(srv, ref) if s == "pending"]
        check(pending == ["moved", "reminder"], f"after two moves one notice of the move and one reminder wait: {pending}")
        check(html_cancel(srv, token) == 303, "cancelled")
        rows = outbox(srv, ref)
        check([k for k, s, _ in rows] == ["cancelled"], f"after the cancellation only it waits: {rows}")
        relay = Relay(port)
        got = relay.wait(1, timeout=30)
        check(got is not None and "is afgezegd" in str(parse(got[0])["Subject"]),
              f"the cancellation arrives: {got and str(parse(got[0])['Subject'])}")
        deadline = time.time() + 10
        while time.time() < deadline and outbox(srv, ref)[0][1] == "pending":
            time.sleep(0.1)
        rows = outbox(srv, ref)
        check(len(relay.messages) == 1 and [(k, s) for k, s, _ in rows] == [("cancelled", "sent")],
              f"and nothing else: {[str(parse(m)['Subject']) for m in relay.messages]} {rows}")
    finally:
        srv.cleanup()
        if relay:
            relay.stop()


def _immutable(paths, on):
    """chattr +i / -i (as test_faults.py): no writes, even through open files."""
    ok = True
    for p in paths:
        if os.path.exists(p):
            ok = subprocess.run(["chattr", "+i" if on else "-i", p], capture_output=True).returncode == 0 and ok
    return ok


def test_sent_but_not_recorded(server, binary, sanitizer):
    """A message went out but its outcome could not be written (the
    bookings database stops taking writes): it is not sent again and
    again, the log has one line for it, not one a turn, and once the
    database takes writes again it is recorded as sent."""
    if os.geteuid() != 0 or not shutil.which("chattr"):
        print("SKIP test_mail.test_sent_but_not_recorded: needs root and chattr", flush=True)
        return
    port = harness.free_port()
    data = tempfile.mkdtemp(prefix="ww-data-")
    db = os.path.join(data, "wijkwijzer.db")
    files = [db, db + "-wal", data]
    srv = mail_server(binary, port, ["--reminder-hours", "0", "--mail-retry-seconds", "1"], data=data,
                      sanitizer=sanitizer)
    relay = None
    try:
        a = tb.free_slot(srv, "ww-west", "wonen", skip=6)
        st, res = api_book(srv, a["start"], "Niet Vastgelegd", "unrec@example.org", location="ww-west")
        check(st == 201, f"booked: {st}")
        check(wait_log(srv, r"refused the connection, retry 1 in 1 s"), "first try: the relay is down")
        if not _immutable(files, True) or not _immutable(files, False):
            _immutable(files, False)
            print("SKIP test_mail.test_sent_but_not_recorded: chattr +i not supported", flush=True)
            return
        try:
            # the message's link is written before it goes; the database
            # stops taking writes while the relay takes the message
            relay = HookRelay(port, lambda: _immutable(files, True))
            got = relay.wait(1, timeout=30)
            check(got is not None, "the message goes out")
            check(wait_log(srv, r"a message was sent, but that could not be recorded"),
                  "the log says it was not recorded: " + srv.output()[-600:])
            # a turn comes at least every 5 s, and one that took it again
            # would have sent it within a second
            time.sleep(6)
            check(len(relay.messages) == 1, f"sent once, not again and again: {len(relay.messages)}")
            check(srv.output().count("could not be recorded") == 1,
                  "one log line, not one a turn: " + srv.output()[-800:])
        finally:
            _immutable(files, False)
        deadline = time.time() + 30
        while time.time() < deadline and outbox(srv, res.get("reference"))[0][1] != "sent":
            time.sleep(0.2)
        rows = outbox(srv, res.get("reference"))
        check(rows and rows[0][1] == "sent", f"recorded as sent once writes work again: {rows}")
        check(len(relay.messages) == 1 and wait_log(srv, r"what could not be recorded is recorded now"),
              f"still one message, and the log says it is over: {len(relay.messages)}")
        rc = srv.stop()
        check(rc == 0, f"stops cleanly: {rc}")
    finally:
        _immutable(files, False)
        srv.cleanup()
        if relay:
            relay.stop()
        shutil.rmtree(data, ignore_errors=True)


def test_starttls(server, binary, sanitizer):
    tmp = tempfile.mkdtemp(prefix="ww-tls-")
    try:
        cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        p = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                            "-days", "1", "-keyout", key, "-out", cert,
                            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                           capture_output=True, timeout=60)
        check(p.returncode == 0, f"a self-signed certificate: {p.stderr[-300:]}")
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(cert, key)
        relay = Relay(tls=ctx)
        srv = mail_server(binary, relay.port, ["--reminder-hours", "0", "--smtp-ca", cert], sanitizer=sanitizer)
        try:
            a = tb.free_slot(srv, "ww-noord", "wonen")
            st, _ = api_book(srv, a["start"], "Veilig", "tls@example.org", location="ww-noord")
            check(st == 201, f"booked: {st}")
            got = relay.wait(1)
            check(got is not None and got[0]["tls"], "the message arrives over STARTTLS")
        finally:
            srv.cleanup()
        # without the CA the certificate is not trusted: nothing is sent
        srv = mail_server(binary, relay.port, ["--reminder-hours", "0", "--mail-retry-seconds", "60"],
                          sanitizer=sanitizer)
        try:
            a = tb.free_slot(srv, "ww-noord", "wonen", skip=1)
            st, _ = api_book(srv, a["start"], "Onveilig", "notls@example.org", location="ww-noord")
            check(wait_log(srv, r"mail: relay 127\.0\.0\.1:%d TLS handshake failed: [^\n]*retry 1 in 60 s" % relay.port),
                  "an untrusted certificate: one log line, and a retry later: " + srv.output()[-400:])
            check(len(relay.messages) == 1, "and nothing was sent in the clear")
        finally:
            srv.cleanup()
            relay.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_ehlo_address_literal(server, binary, sanitizer):
    """EHLO names us by the public address: a host name as it is, an IP
    address as an address literal (RFC 5321 4.1.3)."""
    relay = Relay()
    try:
        for url, want in ((None, "[127.0.0.1]"), ("http://[::1]:8080", "[IPv6:::1]"),
                          ("https://wijkwijzer.example.nl", "wijkwijzer.example.nl")):
            extra = ["--reminder-hours", "0"] + (["--public-url", url] if url else [])
            srv = mail_server(binary, relay.port, extra, sanitizer=sanitizer)
            try:
                n = len(relay.messages)
                slot = tb.free_slot(srv, "ww-west", "wonen", skip=3)
                st, _ = api_book(srv, slot["start"], "Helo", "helo@example.org", location="ww-west")
                check(st == 201, f"booked ({url}): {st}")
                got = relay.wait(n + 1)
                check(got is not None and got[n]["helo"] == want,
                      f"EHLO {want} for {url or 'the listen address'}: {got and got[n]['helo']}")
            finally:
                srv.cleanup()
    finally:
        relay.stop()


def own_address():
    """An address of this machine that is not loopback (None: none)."""
    import socket
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("192.0.2.1", 9))  # no packet is sent: only the route is chosen
        a = s.getsockname()[0]
        return None if a.startswith("127.") else a
    except OSError:
        return None
    finally:
        s.close()


def test_starttls_required(server, binary, sanitizer):
    """A man in the middle can strip STARTTLS from the relay's offer.
    With --smtp-tls required (the default for a relay that is not on a
    loopback address) a relay without STARTTLS gets nothing: one log
    line and a retry, never the message in plain text."""
    no_tls = r"mail: relay %s:%d offers no STARTTLS; not sending in plain text, retry 1 in 60 s"
    extra = ["--reminder-hours", "0", "--mail-retry-seconds", "60"]
    relay = Relay()
    srv = mail_server(binary, relay.port, extra + ["--smtp-tls", "required"], sanitizer=sanitizer)
    try:
        a = tb.free_slot(srv, "ww-noord", "wonen", skip=2)
        st, res = api_book(srv, a["start"], "Alleen Veilig", "plain@example.org", location="ww-noord")
        check(st == 201, f"booked: {st}")
        check(wait_log(srv, no_tls % (r"127\.0\.0\.1", relay.port)),
              "--smtp-tls required: a relay without STARTTLS gets nothing: " + srv.output()[-400:])
        check(relay.messages == [] and outbox(srv, res.get("reference")) == [("confirmation", "pending", 1)],
              f"nothing sent, the message waits: {len(relay.messages)} {outbox(srv, res.get('reference'))}")
    finally:
        srv.cleanup()
        relay.stop()
    addr = own_address()
    if not addr:
        print("SKIP test_mail.test_starttls_required: no address other than loopback", flush=True)
        return
    relay = Relay(host=addr)
    try:
        srv = harness.Server(binary, ["--smtp", f"{addr}:{relay.port}", "--mail-from", FROM] + extra,
                             sanitizer=sanitizer)
        try:
            a = tb.free_slot(srv, "ww-noord", "wonen", skip=3)
            st, _ = api_book(srv, a["start"], "Op Afstand", "remote@example.org", location="ww-noord")
            check(st == 201, f"booked: {st}")
            check(wait_log(srv, no_tls % (re.escape(addr), relay.port)),
                  f"a relay on {addr} (not loopback): STARTTLS required by default: " + srv.output()[-400:])
            check(relay.messages == [], "and nothing was sent in plain text")
        finally:
            srv.cleanup()
        srv = harness.Server(binary, ["--smtp", f"{addr}:{relay.port}", "--mail-from", FROM, "--smtp-tls",
                                      "opportunistic"] + extra, sanitizer=sanitizer)
        try:
            a = tb.free_slot(srv, "ww-noord", "wonen", skip=4)
            st, _ = api_book(srv, a["start"], "Op Afstand", "remote@example.org", location="ww-noord")
            got = relay.wait(1)
            check(st == 201 and got is not None and not got[0]["tls"],
                  "--smtp-tls opportunistic: plain text when the relay offers no STARTTLS")
        finally:
            srv.cleanup()
    finally:
        relay.stop()


def test_without_smtp(server, binary, sanitizer):
    """The shared server has no --smtp: the form asks no e-mail address,
    the find-again page asks only the phone digits, nothing is queued."""
    slot = tb.free_slot(server, "ww-centrum", "iets-anders", skip=2)
    st, _, body = server.get(f"/nl/afspraak?locatie=ww-centrum&onderwerp=iets-anders&tijd={slot['start'][:16]}")
    check(st == 200 and 'name="email"' not in body and "per e-mail" not in body,
          "without --smtp the form has no e-mail field")
    res, body = tb.book_html(server, "ww-centrum", "iets-anders", slot["start"][:16], name="Geen Mail",
                             extra=[("email", "geen@example.org")])
    token = tb.token_of(res)
    check(token, "booked")
    st, _, page = server.get(res[1]["location"]) if token else (0, {}, "")
    check("e-mail gestuurd" not in page, "the confirmation page promises no e-mail")
    st, _, api = server.get(f"/api/v1/bookings/{token}")
    check(json.loads(api).get("email") in (None, ""), f"a posted address is not stored: {api[:200]}")
    check(outbox(server) == [], f"no outbox rows: {outbox(server)}")
    st, _, page = server.get("/nl/afspraak/terugvinden")
    check(st == 200 and "e-mailadres" not in page, "the find-again page asks only the phone digits")


def test_options(server, binary, sanitizer):
    def run(*args):
        return subprocess.run([binary, "--data", tempfile.gettempdir(), *args], capture_output=True, text=True,
                              timeout=30)
    p = run("--smtp", "127.0.0.1:25")
    check(p.returncode == 2 and "--mail-from" in p.stderr and p.stderr.count("\n") == 1,
          f"--smtp without --mail-from: {p.returncode} {p.stderr!r}")
    p = run("--smtp", "127.0.0.1", "--mail-from", FROM)
    check(p.returncode == 2 and "HOST:PORT" in p.stderr, f"--smtp without a port: {p.stderr!r}")
    p = run("--smtp", "127.0.0.1:25", "--mail-from", "niet-een-adres")
    check(p.returncode == 2 and "--mail-from" in p.stderr, f"a bad --mail-from: {p.stderr!r}")
    p = run("--smtp", "127.0.0.1:25", "--mail-from", FROM, "--smtp-ca", "/nonexistent.pem")
    check(p.returncode == 2 and "--smtp-ca" in p.stderr, f"an unreadable --smtp-ca: {p.stderr!r}")
    p = run("--smtp", "127.0.0.1:25", "--mail-from", FROM, "--smtp-tls", "maybe")
    check(p.returncode == 2 and "--smtp-tls" in p.stderr, f"a bad --smtp-tls: {p.stderr!r}")
    p = run("--smtp-tls", "required")
    check(p.returncode == 2 and "--smtp-tls needs --smtp" in p.stderr, f"--smtp-tls without --smtp: {p.stderr!r}")
    p = run("--reminder-hours", "x")
    check(p.returncode == 2 and "--reminder-hours" in p.stderr, f"a bad --reminder-hours: {p.stderr!r}")
    p = run("--help")
    check(all(o in p.stdout for o in ("--smtp", "--mail-from", "--smtp-ca", "--smtp-tls", "--reminder-hours")),
          "--help names the mail options")
