"""Personal staff accounts: roles and what each may see (an aanbieder: no
wijkwijzer at all), the beheerder's account pages, the own password, sessions that end after inactivity, the
old shared passwords refused, and the audit trail of every staff action on
personal data (who, what, which booking; no resident's data in it)."""
import os
import re
import sqlite3
import subprocess
import tempfile
import time

import harness
from harness import check
from test_booking import (add_staff, book_html, form_fields, free_slot, post_form, staff_login,
                          staff_session)


def db_rows(server, sql, args=()):
    db = sqlite3.connect(os.path.join(server.data, "wijkwijzer.db"))
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def booked(server, location, topic="wonen", name="Ria Resident", phone=None, skip=0):
    """A booking through the pages: (token, reference, id, day)."""
    s = free_slot(server, location, topic, skip=skip)
    (res, body) = book_html(server, location, topic, s["start"][:16], name=name, phone=phone)
    check(res and res[0] == 303, f"booked at {location}: {res and res[0]}")
    token = res[1]["location"].split("/afspraak/")[1].split("?")[0]
    (bid, ref) = db_rows(server, "SELECT id, reference FROM booking WHERE name = ? ORDER BY id DESC", (name,))[0]
    return token, ref, bid, s["start"][:10]


def test_command_line(server, binary, sanitizer):
    p = subprocess.run([binary, "--data", server.data, "--role", "beheerder"], capture_output=True, text=True)
    check(p.returncode == 2 and "--add-staff" in p.stderr, f"--role alone: {p.stderr}")
    p = add_staff(server, "baas", "wachtwoord-van-de-baas", role="beheerder", locations=("ww-noord",))
    check(p.returncode == 2 and "leave out --location" in p.stderr, f"a beheerder has no --location: {p.stderr}")
    p = add_staff(server, "baas", "wachtwoord-van-de-baas", role="directeur", locations=())
    check(p.returncode == 2 and "--role medewerker, --role beheerder or --role aanbieder" in p.stderr,
          f"unknown role: {p.stderr}")
    p = add_staff(server, "baas", "wachtwoord-van-de-baas", role="beheerder", locations=())
    check(p.returncode == 0, f"beheerder made: {p.stderr}")
    p = subprocess.run([binary, "--data", server.data, "--reset-staff-password", "niemand"],
                       input="nieuw-wachtwoord-lang\n", capture_output=True, text=True)
    check(p.returncode == 1 and "no staff account" in p.stderr, f"reset of an unknown account: {p.stderr}")
    jar = staff_session(server, "baas", "wachtwoord-van-de-baas")
    p = subprocess.run([binary, "--data", server.data, "--reset-staff-password", "BAAS"],
                       input="nieuw-wachtwoord-van-de-baas\n", capture_output=True, text=True)
    check(p.returncode == 0, f"password reset on the command line: {p.stderr}")
    st, _, _ = server.get("/nl/medewerker/agenda", jar)
    check(st == 303, f"the reset ended the session: {st}")
    staff_session(server, "baas", "nieuw-wachtwoord-van-de-baas")
    out = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
    check("--add-staff" in out and "--reset-staff-password" in out and "--set-staff-password" not in out,
          "--help tells the accounts, not the old shortcut")
    readme = open(os.path.join(os.path.dirname(__file__), "..", "..", "README.md"), encoding="utf-8").read()
    check("--add-staff NAME --role beheerder" in readme and "| `--set-staff-password" not in readme and
          "--data data --set-staff-password" not in readme, "so does the README (the old option only as history)")


def test_medewerker_sees_only_own(server, binary, sanitizer):
    """A medewerker of one wijkwijzer sees its agenda and nothing of
    another: not by URL, not by form, not on the live channel."""
    jar = staff_login(server, "ww-noord", "wachtwoord-noord-only", name="alleen.noord")
    _, _, centrum_id, centrum_day = booked(server, "ww-centrum", name="Centrum Bewoner")
    token, _, noord_id, noord_day = booked(server, "ww-noord", name="Noord Bewoner")
    st, _, body = server.get(f"/nl/medewerker/agenda?dag={noord_day}", jar)
    check(st == 200 and "Noord Bewoner" in body, "the own agenda")
    check('<select id="a-loc"' not in body, "one wijkwijzer: no choice of wijkwijzer")
    check("Ingelogd als alleen.noord (medewerker)" in body, "the bar says who is logged in")
    check("/medewerker/accounts" not in body and "/medewerker/logboek" not in body,
          "a medewerker has no beheerder's pages in the bar")
    st, _, body = server.get(f"/nl/medewerker/agenda?locatie=ww-centrum&dag={centrum_day}", jar)
    check(st == 403 and "Centrum Bewoner" not in body, f"another wijkwijzer's agenda: 403 ({st})")
    st, _, body = server.get(f"/medewerker/export.csv?locatie=ww-centrum&dag={centrum_day}", jar)
    check(st == 403 and "Centrum Bewoner" not in body, f"nor its CSV: {st}")
    st, _, body = server.get(f"/nl/medewerker/agenda?dag={noord_day}", jar)
    action, fields = form_fields(body, "/medewerker/status")
    forged = [(k, v) for k, v in fields if k not in ("id", "locatie")]
    st, _, _ = post_form(server, action, forged, [("id", str(centrum_id)), ("locatie", "ww-centrum")], headers=jar)
    check(st == 403, f"a status for another wijkwijzer: 403 ({st})")
    st, _, _ = post_form(server, action, forged, [("id", str(centrum_id)), ("locatie", "ww-noord")], headers=jar)
    check(st == 400, f"another wijkwijzer's booking under the own one: 400 ({st})")
    check(db_rows(server, "SELECT status FROM booking WHERE id = ?", (centrum_id,)) == [("confirmed",)],
          "the other booking is untouched")
    for page in ("/nl/medewerker/accounts", "/nl/medewerker/logboek", "/nl/medewerker/accounts/1"):
        st, _, body = server.get(page, jar)
        check(st == 403 and "alleen voor de beheerder" in body, f"{page}: 403 for a medewerker ({st})")
    # the staff panel on a booking's page: only for its own wijkwijzer
    st, _, body = server.get(f"/nl/afspraak/{token}", jar)
    check("Voor de medewerker" in body, "the panel on an own booking")
    import json
    ws = harness.WebSocket(server.port, headers={"Cookie": jar["Cookie"]})
    ws.send(json.dumps({"type": "staff_hello", "location": "ww-centrum"}))
    check(json.loads(ws.recv_text()).get("code") == "not_your_location", "no live channel of another wijkwijzer")
    ws.send(json.dumps({"type": "staff_hello"}))
    check(json.loads(ws.recv_text()).get("code") == "not_your_location", "nor without saying which")
    ws.close()


def test_several_wijkwijzers_and_beheerder(server, binary, sanitizer):
    p = add_staff(server, "twee.plekken", "twee-plekken-wachtwoord", locations=("ww-noord", "ww-zuid"))
    check(p.returncode == 0, f"an account for two wijkwijzers: {p.stderr}")
    jar = staff_session(server, "twee.plekken", "twee-plekken-wachtwoord")
    st, _, body = server.get("/nl/medewerker/agenda", jar)
    options = re.findall(r'<option value="(ww-[a-z]+)"', body.split('id="a-loc"')[1].split("</select>")[0]) \
        if 'id="a-loc"' in body else []
    check(st == 200 and options == ["ww-noord", "ww-zuid"], f"a choice of its two wijkwijzers: {options}")
    st, _, body = server.get("/nl/medewerker/agenda?locatie=ww-zuid", jar)
    check(st == 200 and "Wijkwijzer Zuid" in body, "the other one")
    add_staff(server, "hoofd", "hoofd-wachtwoord-lang", role="beheerder", locations=())
    jar = staff_session(server, "hoofd", "hoofd-wachtwoord-lang")
    st, _, body = server.get("/nl/medewerker/agenda?locatie=ww-oost", jar)
    check(st == 200 and "Wijkwijzer Oost" in body, "a beheerder sees every wijkwijzer")
    check('href="/nl/medewerker/accounts"' in body and 'href="/nl/medewerker/logboek"' in body,
          "and has the accounts and the trail in the bar")


def test_accounts_in_the_browser(server, binary, sanitizer):
    """A beheerder makes an account, changes it, sets its password and
    turns it off; every refusal says why in words, with 422."""
    add_staff(server, "beheer", "beheer-wachtwoord-lang", role="beheerder", locations=())
    jar = staff_session(server, "beheer", "beheer-wachtwoord-lang")
    st, _, body = server.get("/nl/medewerker/accounts", jar)
    check(st == 200 and "<h1>Accounts</h1>" in body and "beheer" in body, "the list of accounts")
    action, fields = form_fields(body, "/medewerker/accounts")
    action = action.split("#")[0]  # a browser does not send the fragment
    base = [(k, v) for k, v in fields if k not in ("naam", "wachtwoord", "herhaal")]

    def make(name, pw1, pw2, role="medewerker", places=("ww-oost",)):
        extra = [("naam", name), ("wachtwoord", pw1), ("herhaal", pw2), ("rol", role)]
        extra += [("locatie", p) for p in places]
        return post_form(server, action, base, extra, headers=jar)

    st, _, body = make("nieuw.iemand", "goed-wachtwoord-1", "ander-wachtwoord-1")
    check(st == 422 and "niet gelijk" in body and "<title>Fout:" in body, f"passwords that differ: {st}")
    st, _, body = make("nieuw.iemand", "kort", "kort")
    check(st == 422 and "minstens 12 tekens" in body, f"a short password: {st}")
    st, _, body = make("nieuw iemand", "goed-wachtwoord-1", "goed-wachtwoord-1")
    check(st == 422 and "Kies een naam" in body, f"a name with a space: {st}")
    st, _, body = make("nieuw.iemand", "goed-wachtwoord-1", "goed-wachtwoord-1", places=())
    check(st == 422 and "minstens één wijkwijzer" in body, f"a medewerker without a wijkwijzer: {st}")
    st, _, body = make("nieuw.iemand", "goed-wachtwoord-1", "goed-wachtwoord-1", places=("ww-mars",))
    check(st == 422 and "uit de lijst" in body, f"a made-up wijkwijzer: {st}")
    st, _, body = make("BEHEER", "goed-wachtwoord-1", "goed-wachtwoord-1")
    check(st == 422 and "al een account" in body, f"a name taken in another case: {st}")
    check('value="BEHEER"' in body and "goed-wachtwoord-1" not in body, "the name stays, the password does not")
    st, _, body = make("nieuw.iemand", "goed-wachtwoord-1", "goed-wachtwoord-1")
    check(st == 200 and "Het account nieuw.iemand is gemaakt." in body, f"made: {st}")
    (uid,) = db_rows(server, "SELECT id FROM staff_user WHERE name = 'nieuw.iemand'")[0]
    other = staff_session(server, "nieuw.iemand", "goed-wachtwoord-1")
    st, _, body = server.get("/nl/medewerker/agenda", other)
    check(st == 200 and "Wijkwijzer Oost" in body, "the new account works at once, for its wijkwijzer")
    # change it: a second wijkwijzer
    st, _, body = server.get(f"/nl/medewerker/accounts/{uid}", jar)
    check(st == 200 and "Account nieuw.iemand" in body and 'value="ww-oost" checked' in body,
          "the account's page shows its wijkwijzers")
    action2, fields2 = form_fields(body, f"/medewerker/accounts/{uid}")
    base2 = [(k, v) for k, v in fields2 if k not in ("wachtwoord", "herhaal")]
    st, _, body = post_form(server, action2, base2, [("rol", "medewerker"), ("locatie", "ww-oost"),
                                                     ("locatie", "ww-zuid"), ("actief", "ja")], headers=jar)
    check(st == 200 and "De wijzigingen zijn opgeslagen." in body, f"saved: {st}")
    check(db_rows(server, "SELECT location_id FROM staff_user_location WHERE user_id = ? ORDER BY 1", (uid,)) ==
          [("ww-oost",), ("ww-zuid",)], "two wijkwijzers now")
    # a new password from the beheerder ends the account's sessions
    paction, pfields = form_fields(body, f"/medewerker/accounts/{uid}/wachtwoord")
    paction = paction.split("#")[0]
    pbase = [(k, v) for k, v in pfields if k not in ("wachtwoord", "herhaal")]
    st, _, body = post_form(server, paction, pbase, [("wachtwoord", "x"), ("herhaal", "x")], headers=jar)
    check(st == 422 and "minstens 12 tekens" in body, f"too short: {st}")
    st, _, body = post_form(server, paction, pbase, [("wachtwoord", "opnieuw-ingesteld-1"),
                                                     ("herhaal", "opnieuw-ingesteld-1")], headers=jar)
    check(st == 200 and "overal uitgelogd" in body, f"password set: {st}")
    st, _, _ = server.get("/nl/medewerker/agenda", other)
    check(st == 303, f"its old session ended: {st}")
    other = staff_session(server, "nieuw.iemand", "opnieuw-ingesteld-1")
    # turned off: logged out at once, and no new login
    post_form(server, action2, base2, [("rol", "medewerker"), ("locatie", "ww-oost")], headers=jar)
    st, _, _ = server.get("/nl/medewerker/agenda", other)
    check(st == 303, f"an account turned off is logged out: {st}")
    st, _, body = server.get("/nl/medewerker")
    laction, lfields = form_fields(body, "/medewerker")
    st, _, body = post_form(server, laction, [(k, v) for k, v in lfields if k != "naam"],
                            [("naam", "nieuw.iemand"), ("wachtwoord", "opnieuw-ingesteld-1")])
    check(st == 401, f"and cannot log in: {st}")
    # all of it is in the trail
    acts = [a for (a,) in db_rows(server, "SELECT action FROM audit_log WHERE account_id = ? ORDER BY id", (uid,))]
    check(acts == ["account.add", "account.update", "account.password", "account.update"],
          f"every account change in the trail: {acts}")
    check(db_rows(server, "SELECT actor FROM audit_log WHERE action = 'account.add' AND account_id = ?", (uid,)) ==
          [("beheer",)], "with who did it")


def test_own_password_and_idle_sessions(server, binary, sanitizer):
    add_staff(server, "eigen.ww", "eerste-wachtwoord-1", locations=("ww-zuid",))
    jar = staff_session(server, "eigen.ww", "eerste-wachtwoord-1")
    second = staff_session(server, "eigen.ww", "eerste-wachtwoord-1")
    st, _, body = server.get("/nl/medewerker/wachtwoord", jar)
    check(st == 200 and 'aria-current="page"' in body, "the password page")
    action, fields = form_fields(body, "/medewerker/wachtwoord")
    base = [(k, v) for k, v in fields if k not in ("huidig", "nieuw", "herhaal")]
    st, _, body = post_form(server, action, base, [("huidig", "fout-fout-fout"), ("nieuw", "tweede-wachtwoord-2"),
                                                   ("herhaal", "tweede-wachtwoord-2")], headers=jar)
    check(st == 422 and "huidige wachtwoord klopt niet" in body, f"wrong current password: {st}")
    st, _, body = post_form(server, action, base, [("huidig", "eerste-wachtwoord-1"), ("nieuw", "tweede-wachtwoord-2"),
                                                   ("herhaal", "tweede-wachtwoord-3")], headers=jar)
    check(st == 422 and "niet gelijk" in body, f"two different new ones: {st}")
    st, _, body = post_form(server, action, base, [("huidig", "eerste-wachtwoord-1"), ("nieuw", "kort"),
                                                   ("herhaal", "kort")], headers=jar)
    check(st == 422 and "minstens 12 tekens" in body, f"too short: {st}")
    st, _, body = post_form(server, action, base, [("huidig", "eerste-wachtwoord-1"), ("nieuw", "tweede-wachtwoord-2"),
                                                   ("herhaal", "tweede-wachtwoord-2")], headers=jar)
    check(st == 200 and "Uw wachtwoord is gewijzigd" in body, f"changed: {st}")
    st, _, _ = server.get("/nl/medewerker/agenda", jar)
    check(st == 200, f"this session goes on: {st}")
    st, _, _ = server.get("/nl/medewerker/agenda", second)
    check(st == 303, f"the other session ended: {st}")
    staff_session(server, "eigen.ww", "tweede-wachtwoord-2")
    # half an hour without a request ends a session
    import hashlib
    token = jar["Cookie"].split("=", 1)[1]
    h = hashlib.sha256(token.encode()).digest()
    db = sqlite3.connect(os.path.join(server.data, "wijkwijzer.db"))
    db.execute("UPDATE staff_session SET last_seen = last_seen - 29 * 60 WHERE token_hash = ?", (h,))
    db.commit()
    db.close()
    st, _, _ = server.get("/nl/medewerker/agenda", jar)
    check(st == 200, f"29 minutes idle: still logged in ({st})")
    db = sqlite3.connect(os.path.join(server.data, "wijkwijzer.db"))
    db.execute("UPDATE staff_session SET last_seen = last_seen - 31 * 60 WHERE token_hash = ?", (h,))
    db.commit()
    db.close()
    st, h2, _ = server.get("/nl/medewerker/agenda", jar)
    check(st == 303 and h2.get("location", "").endswith("/nl/medewerker"), f"31 minutes idle: the login again ({st})")
    # logging out ends it on the server too
    jar = staff_session(server, "eigen.ww", "tweede-wachtwoord-2")
    st, _, body = server.get("/nl/medewerker/agenda", jar)
    action, fields = form_fields(body, "/medewerker/uitloggen")
    st, h2, _ = post_form(server, action, fields, headers=jar)
    check(st == 303 and "ww_staff=;" in h2.get("set-cookie", ""), f"logged out: {st}")
    st, _, _ = server.get("/nl/medewerker/agenda", jar)
    check(st == 303, f"the old cookie no longer works: {st}")


def test_audit_trail(server, binary, sanitizer):
    """Every action on personal data is a row: who, what, which booking;
    never the resident's name, phone or code. A beheerder filters it."""
    jar = staff_login(server, "ww-oost", "oost-wachtwoord-audit", name="audit.oost")
    token, ref, bid, day = booked(server, "ww-oost", name="Geheime Naam", phone="06 99887766")
    st, _, body = server.get(f"/nl/medewerker/agenda?dag={day}", jar)
    check(st == 200 and "Geheime Naam" in body, "the agenda")
    st, _, csv = server.get(f"/medewerker/export.csv?dag={day}", jar)
    check(st == 200 and "Geheime Naam" in csv, "the CSV")
    st, _, body = server.get(f"/nl/afspraak/{token}", jar)
    action, fields = form_fields(body, "/medewerker/status")
    st, _, _ = post_form(server, action, fields, headers=jar)
    check(st == 303, f"checked in from the booking's page: {st}")
    rows = db_rows(server, "SELECT actor, action, location_id, booking_id, detail FROM audit_log "
                           "WHERE actor = 'audit.oost' ORDER BY id")
    acts = [(a, loc, b, d) for (_, a, loc, b, d) in rows]
    check(("login", None, None, None) in acts, f"the login: {acts}")
    check(("agenda.view", "ww-oost", None, day) in acts, "opening the day agenda, with its day")
    check(("agenda.export", "ww-oost", None, day) in acts, "the CSV export")
    check(("booking.view", "ww-oost", bid, None) in acts, "the booking's page with the staff panel")
    check(("booking.status", "ww-oost", bid, "checked_in") in acts, "the check-in, with the booking")
    dump = "\n".join(str(r) for r in db_rows(server, "SELECT * FROM audit_log"))
    check("Geheime" not in dump and "99887766" not in dump and ref not in dump,
          "the trail holds no resident's name, phone or code")
    # block and unblock
    st, _, body = server.get(f"/nl/medewerker/agenda?dag={day}", jar)
    baction, bfields = form_fields(body, "/medewerker/blokkeren")
    st, _, _ = post_form(server, baction, bfields, [("wat", day), ("bevestigd", "ja")], headers=jar)
    st, _, _ = post_form(server, baction, bfields, [("wat", day), ("vrijgeven", "ja")], headers=jar)
    acts = [a for (a,) in db_rows(server, "SELECT action FROM audit_log WHERE action LIKE 'slot.%'")]
    check(acts[-2:] == ["slot.block", "slot.unblock"], f"blocks in the trail: {acts}")
    # the beheerder reads and filters it
    add_staff(server, "controle", "controle-wachtwoord", role="beheerder", locations=())
    admin = staff_session(server, "controle", "controle-wachtwoord")
    st, _, body = server.get("/nl/medewerker/logboek", admin)
    check(st == 200 and "<h1>Logboek</h1>" in body and "Agenda bekeken" in body and "audit.oost" in body,
          "the trail in words")
    st, _, body = server.get(f"/nl/medewerker/logboek?code={ref}", admin)
    shown = re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td>", body)
    check(st == 200 and shown and all(w == "audit.oost" for w, _ in shown) and
          {"Afspraak bekeken", "Status van een afspraak gewijzigd"} <= {a for _, a in shown},
          f"filtered by the appointment's code: {shown}")
    check(f"afspraak {ref[:3]}-{ref[3:]}" in body and "aangemeld" in body, "the booking by its code, the status in words")
    st, _, body = server.get("/nl/medewerker/logboek?wie=audit.oost&wat=agenda.export", admin)
    shown = re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td>", body)
    check(shown and all(a == "Agenda gedownload (CSV)" for _, a in shown), f"by who and what: {shown}")
    st, _, body = server.get("/nl/medewerker/logboek?code=ZZZ-ZZZ", admin)
    check(st == 200 and "geen afspraak met deze code" in body and "Niets gevonden." in body, "an unknown code says so")
    st, _, body = server.get("/nl/medewerker/logboek?van=gisteren", admin)
    check(st == 200 and "dag-maand-jaar" in body, "a date that is none says so")
    today = harness.day(0)
    st, _, body = server.get(f"/nl/medewerker/logboek?wie=audit.oost&van={today[8:10]}-{today[5:7]}-{today[:4]}", admin)
    check(st == 200 and "dag-maand-jaar" not in body and "Agenda bekeken" in body,
          "a day typed as dd-mm-jjjj is understood")
    st, _, body = server.get(f"/nl/medewerker/logboek?wie=audit.oost&tot={harness.day(-400)}", admin)
    check(st == 200 and "Niets gevonden." in body, "a period before everything finds nothing")
    check(db_rows(server, "SELECT count(*) FROM audit_log WHERE action = 'audit.view' AND actor = 'controle'")[0][0] >= 4,
          "reading the trail is in the trail too")


def test_audit_retention_and_legacy_passwords(server, binary, sanitizer):
    """Rows older than --audit-days go with the hourly retention job (it
    runs at start); the shared passwords of before are refused in words."""
    with tempfile.TemporaryDirectory() as d:
        s = harness.Server(binary, sanitizer=sanitizer, data=d)
        s.stop()
        db = sqlite3.connect(os.path.join(d, "wijkwijzer.db"))
        db.execute("INSERT INTO audit_log(at, actor, action) VALUES ('2025-01-01T10:00:00Z', 'oud', 'login')")
        db.execute("INSERT INTO audit_log(at, actor, action) VALUES ('2026-12-06T10:00:00Z', 'recent', 'login')")
        db.execute("INSERT INTO staff_account(location_id, hash, updated_at) VALUES ('ww-centrum', '$y$x', 'x')")
        db.commit()
        db.close()
        s = harness.Server(binary, sanitizer=sanitizer, data=d, extra=["--audit-days", "90"])
        try:
            deadline = time.time() + 10
            while "rows of the audit trail deleted" not in s.output() and time.time() < deadline:
                time.sleep(0.1)
            log = s.output()
            check("1 rows of the audit trail deleted" in log, f"the old row went at start: {log[-400:]}")
            check("shared staff passwords of 1 wijkwijzer" in log and "--add-staff" in log,
                  "the start says the old passwords no longer log in")
            st, _, body = s.get("/nl/medewerker")
            action, fields = form_fields(body, "/medewerker")
            st, _, body = post_form(s, action, [(k, v) for k, v in fields if k != "naam"],
                                    [("naam", "ww-centrum"), ("wachtwoord", "het-oude-gedeelde")])
            check(st == 401 and "Inloggen met het wachtwoord van de wijkwijzer kan niet meer" in body,
                  f"logging in the old way says what changed: {st}")
        finally:
            s.stop()
        db = sqlite3.connect(os.path.join(d, "wijkwijzer.db"))
        left = [a for (a,) in db.execute("SELECT actor FROM audit_log WHERE action = 'login'")]
        db.close()
        check(left == ["recent"], f"the recent row stays: {left}")


def test_last_beheerder_stays(server, binary, sanitizer):
    """The last beheerder who can log in can be neither demoted nor turned
    off, so the accounts never lock themselves out."""
    with tempfile.TemporaryDirectory() as d:
        s = harness.Server(binary, sanitizer=sanitizer, data=d)
        try:
            p = add_staff(s, "enige", "enige-beheerder-1", role="beheerder", locations=())
            check(p.returncode == 0, f"the only beheerder: {p.stderr}")
            jar = staff_session(s, "enige", "enige-beheerder-1")
            st, _, body = s.get("/nl/medewerker/accounts/1", jar)
            action, fields = form_fields(body, "/medewerker/accounts/1")
            base = [(k, v) for k, v in fields if k not in ("wachtwoord", "herhaal")]
            st, _, body = post_form(s, action, base, [("rol", "medewerker"), ("locatie", "ww-oost"),
                                                      ("actief", "ja")], headers=jar)
            check(st == 422 and "laatste beheerder" in body, f"not demoted: {st}")
            st, _, body = post_form(s, action, base, [("rol", "beheerder")], headers=jar)
            check(st == 422 and "laatste beheerder" in body, f"not turned off: {st}")
            st, _, _ = s.get("/nl/medewerker/accounts", jar)
            check(st == 200, f"and still a beheerder: {st}")
            p = add_staff(s, "tweede", "tweede-beheerder-1", role="beheerder", locations=())
            st, _, body = post_form(s, action, base, [("rol", "medewerker"), ("locatie", "ww-oost"),
                                                      ("actief", "ja")], headers=jar)
            check(st == 200 and "opgeslagen" in body, f"with a second one it can: {st}")
        finally:
            s.stop()


def test_live_channel_ends_with_the_session(server, binary, sanitizer):
    """An open staff WebSocket stops hearing staff messages when its
    account logs out or is turned off: it is told staff_ended, and a new
    staff_hello on it is refused."""
    import json
    add_staff(server, "live.ww", "live-wachtwoord-1", locations=("ww-west",))
    add_staff(server, "live.beheer", "live-beheer-wachtwoord", role="beheerder", locations=())
    admin = staff_session(server, "live.beheer", "live-beheer-wachtwoord")
    for how in ("logout", "turned off"):
        jar = staff_session(server, "live.ww", "live-wachtwoord-1")
        ws = harness.WebSocket(server.port, headers={"Cookie": jar["Cookie"]})
        ws.send(json.dumps({"type": "staff_hello", "location": "ww-west"}))
        check(json.loads(ws.recv_text())["type"] == "staff_ready", f"{how}: a staff channel")
        if how == "logout":
            st, _, body = server.get("/nl/medewerker/agenda", jar)
            action, fields = form_fields(body, "/medewerker/uitloggen")
            st, _, _ = post_form(server, action, fields, headers=jar)
        else:
            (uid,) = db_rows(server, "SELECT id FROM staff_user WHERE name = 'live.ww'")[0]
            st, _, body = server.get(f"/nl/medewerker/accounts/{uid}", admin)
            action, fields = form_fields(body, f"/medewerker/accounts/{uid}")
            st, _, _ = post_form(server, action, [(k, v) for k, v in fields if k not in ("wachtwoord", "herhaal")],
                                 [("rol", "medewerker"), ("locatie", "ww-west")], headers=admin)
        check(st in (200, 303), f"{how}: done ({st})")
        msgs = ws.recv_until("staff_ended")
        check(msgs[-1] == {"type": "staff_ended"}, f"{how}: the channel is told: {msgs}")
        ws.send(json.dumps({"type": "staff_hello", "location": "ww-west"}))
        check(json.loads(ws.recv_text()).get("code") == "not_staff", f"{how}: and is no staff channel any more")
        ws.close()
        if how == "turned off":
            break


def add_provider(server, name, password, organization="humanitas-onder-dak", extra=()):
    """An aanbieder's account on the command line (organization None: no
    --organization), the password on stdin."""
    args = [server.binary, "--data", server.data, "--add-staff", name, "--role", "aanbieder"]
    if organization is not None:
        args += ["--organization", organization]
    return subprocess.run(args + list(extra), input=password + "\n", capture_output=True, text=True)


def login_redirect(server, name, password):
    """Logs in with the login form: (status, Location, cookie jar)."""
    st, _, body = server.get("/nl/medewerker")
    action, fields = form_fields(body, "/medewerker")
    st, h, _ = post_form(server, action, [(k, v) for k, v in fields if k != "naam"],
                         [("naam", name), ("wachtwoord", password)])
    return st, h.get("location", ""), {"Cookie": h.get("set-cookie", "").split(";")[0]}


def test_aanbieder_command_line(server, binary, sanitizer):
    """--add-staff NAME --role aanbieder --organization SLUG; without an
    organisation, with an unknown one, with a wijkwijzer: exit 2, no
    account."""
    p = add_provider(server, "aanb.zonder", "aanbieder-wachtwoord-1", organization=None)
    check(p.returncode == 2 and "an aanbieder needs --organization SLUG" in p.stderr,
          f"an aanbieder without --organization: {p.returncode} {p.stderr}")
    p = add_provider(server, "aanb.zonder", "aanbieder-wachtwoord-1", organization="bestaat-niet")
    check(p.returncode == 2 and "unknown organisation 'bestaat-niet'" in p.stderr,
          f"an unknown organisation: {p.returncode} {p.stderr}")
    p = add_provider(server, "aanb.zonder", "aanbieder-wachtwoord-1", extra=("--location", "ww-noord"))
    check(p.returncode == 2 and "leave out --location" in p.stderr, f"an aanbieder with a wijkwijzer: {p.stderr}")
    p = subprocess.run([binary, "--data", server.data, "--add-staff", "aanb.zonder", "--role", "medewerker",
                        "--location", "ww-noord", "--organization", "humanitas-onder-dak"],
                       input="aanbieder-wachtwoord-1\n", capture_output=True, text=True)
    check(p.returncode == 2 and "--organization belongs to --role aanbieder" in p.stderr,
          f"a medewerker with an organisation: {p.stderr}")
    p = subprocess.run([binary, "--data", server.data, "--organization", "humanitas-onder-dak"],
                       capture_output=True, text=True)
    check(p.returncode == 2 and "belong to --add-staff" in p.stderr, f"--organization alone: {p.stderr}")
    check(db_rows(server, "SELECT count(*) FROM staff_user WHERE name = 'aanb.zonder'") == [(0,)],
          "none of those made an account")
    p = add_provider(server, "aanb.cli", "aanbieder-wachtwoord-1")
    check(p.returncode == 0 and "(aanbieder) made" in p.stderr, f"an aanbieder made: {p.returncode} {p.stderr}")
    rows = db_rows(server, "SELECT id, role, organization_id FROM staff_user WHERE name = 'aanb.cli'")
    check(len(rows) == 1 and rows[0][1:] == ("aanbieder", "humanitas-onder-dak"), f"stored with its organisation: {rows}")
    uid = rows[0][0] if rows else -1
    check(db_rows(server, "SELECT count(*) FROM staff_user_location WHERE user_id = ?", (uid,)) == [(0,)],
          "and no wijkwijzer")
    check(db_rows(server, "SELECT detail FROM audit_log WHERE action = 'account.add' AND account_id = ?", (uid,)) ==
          [("aanbieder",)], "the trail has the role")
    out = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
    check("--add-staff NAME --role aanbieder --organization SLUG" in out, "--help tells the aanbieder's command")
    readme = open(os.path.join(os.path.dirname(__file__), "..", "..", "README.md"), encoding="utf-8").read()
    check("--role aanbieder --organization humanitas-onder-dak" in readme and "**aanbieder**" in readme,
          "so does the README")


def test_aanbieder_sees_no_wijkwijzer(server, binary, sanitizer):
    """An aanbieder logs in to the sociale kaart; its bar has only that and
    the own password; every page about wijkwijzers answers 403 in words."""
    p = add_provider(server, "aanb.pagina", "aanbieder-pagina-1")
    check(p.returncode == 0, f"an aanbieder: {p.stderr}")
    (uid,) = db_rows(server, "SELECT id FROM staff_user WHERE name = 'aanb.pagina'")[0]
    st, where, jar = login_redirect(server, "aanb.pagina", "aanbieder-pagina-1")
    check(st == 303 and where.endswith("/nl/medewerker/inhoud"), f"the login leads to the sociale kaart: {st} {where}")
    st, h, _ = server.get("/nl/medewerker", jar)
    check(st == 303 and h.get("location", "").endswith("/nl/medewerker/inhoud"),
          f"so does the login page with a session: {st} {h.get('location')}")
    check(add_staff(server, "mw.naast.aanb", "medewerker-naast-aanbieder").returncode == 0, "a medewerker beside it")
    st, where, mw = login_redirect(server, "mw.naast.aanb", "medewerker-naast-aanbieder")
    check(st == 303 and where.endswith("/nl/medewerker/agenda"), f"a medewerker still starts at the agenda: {where}")
    st, _, body = server.get("/nl/medewerker/wachtwoord", jar)
    nav = body.split('<nav class="staff-nav"')[1].split("</nav>")[0] if '<nav class="staff-nav"' in body else ""
    links = re.findall(r'<a href="([^"]+)"', nav)
    check(st == 200 and links == ["/nl/medewerker/inhoud", "/nl/medewerker/wachtwoord"],
          f"the bar: the sociale kaart and the own password only: {st} {links}")
    check(">Sociale kaart<" in nav and "Uitloggen" in nav and "Ingelogd als aanb.pagina (aanbieder)" in nav,
          "with their words, logging out and the role")
    st, _, body = server.get("/nl/medewerker/agenda", mw)
    nav = body.split('<nav class="staff-nav"')[1].split("</nav>")[0] if '<nav class="staff-nav"' in body else ""
    check("/nl/medewerker/agenda" in nav and "/nl/medewerker/terugbellen" in nav and "/medewerker/inhoud" not in nav,
          "a medewerker's bar: agenda and call-backs, no sociale kaart")
    token, _, bid, day = booked(server, "ww-centrum", name="Bewoner Voor Aanbieder")
    st, _, body = server.get(f"/nl/afspraak/{token}", mw)
    check(st == 200 and "Voor de medewerker" in body, "the booking's page has the staff panel for its medewerker")
    st, _, body = server.get(f"/nl/afspraak/{token}", jar)
    check(st == 200 and "Voor de medewerker" not in body, "but not for an aanbieder")
    for page in ("/nl/medewerker/agenda", f"/nl/medewerker/agenda?locatie=ww-centrum&dag={day}",
                 "/nl/medewerker/terugbellen", "/nl/medewerker/terugbellen?locatie=ww-centrum",
                 f"/medewerker/export.csv?locatie=ww-centrum&dag={day}", f"/nl/medewerker/zelfcheck?id={bid}"):
        st, _, body = server.get(page, jar)
        check(st == 403 and "account van een aanbieder" in body and "Bewoner Voor Aanbieder" not in body,
              f"{page}: 403 for an aanbieder, in words ({st})")
    for page in ("/nl/medewerker/accounts", "/nl/medewerker/logboek", "/nl/medewerker/inzicht"):
        st, _, body = server.get(page, jar)
        check(st == 403 and "alleen voor de beheerder" in body, f"{page}: 403 for an aanbieder ({st})")
    # the forms of the agenda, posted with the aanbieder's session
    st, _, body = server.get(f"/nl/medewerker/agenda?dag={day}", mw)
    for form in ("/medewerker/status", "/medewerker/blokkeren"):
        action, fields = form_fields(body, form)
        fields = [(k, v) for k, v in fields if k not in ("id", "wat", "bevestigd")]
        st, _, answer = post_form(server, action, fields, [("id", str(bid)), ("status", "checked_in"),
                                                           ("wat", day), ("bevestigd", "ja")], headers=jar)
        check(st == 403 and "account van een aanbieder" in answer, f"{form} posted by an aanbieder: 403 ({st})")
    check(db_rows(server, "SELECT status FROM booking WHERE id = ?", (bid,)) == [("confirmed",)],
          "the booking is untouched")
    check(db_rows(server, "SELECT count(*) FROM audit_log WHERE actor_id = ? AND action <> 'login'", (uid,)) == [(0,)],
          "nothing about a wijkwijzer is in the trail for it: it saw nothing")
    import json
    ws = harness.WebSocket(server.port, headers={"Cookie": jar["Cookie"]})
    ws.send(json.dumps({"type": "staff_hello", "location": "ww-centrum"}))
    check(json.loads(ws.recv_text()).get("code") == "not_your_location", "no live channel of a wijkwijzer")
    ws.close()


def test_aanbieder_in_the_browser(server, binary, sanitizer):
    """A beheerder makes an aanbieder with its organisation (422 without
    one), the list shows the organisation, and a change of role moves
    between wijkwijzers and organisation."""
    add_staff(server, "beheer.aanb", "beheer-aanbieder-1", role="beheerder", locations=())
    jar = staff_session(server, "beheer.aanb", "beheer-aanbieder-1")
    st, _, body = server.get("/nl/medewerker/accounts", jar)
    check(st == 200 and 'name="rol" value="aanbieder"' in body and
          "Aanbieder: past de gegevens van de eigen organisatie aan in de sociale kaart" in body,
          "the form has the role aanbieder")
    select = body.split('<select id="a-org" name="organisatie">')[1].split("</select>")[0] \
        if '<select id="a-org" name="organisatie">' in body else ""
    check('<option value="">Kies een organisatie</option>' in select and
          '<option value="humanitas-onder-dak">Humanitas Onder Dak</option>' in select and
          "Organisatie van een aanbieder" in body, "and a choice of the content's organisations")
    check('href="/nl/medewerker/inhoud"' in body, "a beheerder's bar has the sociale kaart")
    action, fields = form_fields(body, "/medewerker/accounts")
    action = action.split("#")[0]
    base = [(k, v) for k, v in fields if k not in ("naam", "wachtwoord", "herhaal")]

    def make(name, org, role="aanbieder", places=()):
        extra = [("naam", name), ("wachtwoord", "aanbieder-form-1"), ("herhaal", "aanbieder-form-1"), ("rol", role)]
        extra += [("locatie", p) for p in places] + ([("organisatie", org)] if org is not None else [])
        return post_form(server, action, base, extra, headers=jar)

    for org in (None, "", "bestaat-niet"):
        st, _, body = make("aanb.form", org)
        check(st == 422 and "Kies de organisatie van de aanbieder uit de lijst." in body,
              f"an aanbieder without a known organisation ({org!r}): 422 ({st})")
    check(db_rows(server, "SELECT count(*) FROM staff_user WHERE name = 'aanb.form'") == [(0,)], "and no account")
    st, _, body = make("aanb.form", "humanitas-onder-dak", places=("ww-oost",))
    check(st == 200 and "Het account aanb.form is gemaakt." in body, f"made: {st}")
    rows = db_rows(server, "SELECT id, role, organization_id FROM staff_user WHERE name = 'aanb.form'")
    check(len(rows) == 1 and rows[0][1:] == ("aanbieder", "humanitas-onder-dak"), f"stored: {rows}")
    uid = rows[0][0] if rows else -1
    check(db_rows(server, "SELECT count(*) FROM staff_user_location WHERE user_id = ?", (uid,)) == [(0,)],
          "a wijkwijzer ticked for an aanbieder is not kept")
    row = re.search(r"<tr><td>aanb\.form</td>.*?</tr>", body)
    check(row and "<td>aanbieder</td><td>Humanitas Onder Dak</td>" in row.group(0),
          f"the list shows its organisation: {row and row.group(0)}")
    row = re.search(r"<tr><td>beheer\.aanb</td>.*?</tr>", body)
    check(row and "<td>alle wijkwijzers</td>" in row.group(0), "and a beheerder's wijkwijzers as before")
    st, where, _ = login_redirect(server, "aanb.form", "aanbieder-form-1")
    check(st == 303 and where.endswith("/nl/medewerker/inhoud"), f"the new aanbieder logs in: {st} {where}")
    # its page: the organisation chosen; a change of role
    st, _, body = server.get(f"/nl/medewerker/accounts/{uid}", jar)
    check(st == 200 and 'value="aanbieder" checked' in body and
          '<option value="humanitas-onder-dak" selected>' in body, "the account's page shows role and organisation")
    action2, fields2 = form_fields(body, f"/medewerker/accounts/{uid}")
    base2 = [(k, v) for k, v in fields2 if k not in ("wachtwoord", "herhaal")]
    st, _, body = post_form(server, action2, base2, [("rol", "aanbieder"), ("organisatie", ""), ("actief", "ja")],
                            headers=jar)
    check(st == 422 and "Kies de organisatie van de aanbieder uit de lijst." in body, f"a change without one: {st}")
    st, _, body = post_form(server, action2, base2, [("rol", "medewerker"), ("locatie", "ww-oost"),
                                                     ("organisatie", "humanitas-onder-dak"), ("actief", "ja")],
                            headers=jar)
    check(st == 200 and "opgeslagen" in body, f"made a medewerker: {st}")
    check(db_rows(server, "SELECT role, organization_id FROM staff_user WHERE id = ?", (uid,)) == [("medewerker", None)],
          "a medewerker keeps no organisation")
    st, _, body = post_form(server, action2, base2, [("rol", "aanbieder"), ("organisatie", "leger-des-heils"),
                                                     ("actief", "ja")], headers=jar)
    check(st == 200 and db_rows(server, "SELECT role, organization_id FROM staff_user WHERE id = ?", (uid,)) ==
          [("aanbieder", "leger-des-heils")], f"and an aanbieder again, of another organisation: {st}")
    check(db_rows(server, "SELECT count(*) FROM staff_user_location WHERE user_id = ?", (uid,)) == [(0,)],
          "its wijkwijzer went with the role")
    acts = [d for (d,) in db_rows(server, "SELECT detail FROM audit_log WHERE account_id = ? AND action LIKE 'account.%' "
                                          "ORDER BY id", (uid,))]
    check(acts == ["aanbieder", "medewerker", "aanbieder"], f"every change in the trail: {acts}")


def test_migration_12_keeps_accounts(server, binary, sanitizer):
    """A database of before migration 12 (accounts without the role
    aanbieder) keeps its accounts, their wijkwijzers and sessions."""
    with tempfile.TemporaryDirectory() as d:
        s = harness.Server(binary, sanitizer=sanitizer, data=d)
        try:
            check(add_staff(s, "oud.beheer", "oude-beheerder-1", role="beheerder", locations=()).returncode == 0,
                  "a beheerder")
            check(add_staff(s, "oud.mw", "oude-medewerker-1", locations=("ww-noord", "ww-zuid")).returncode == 0,
                  "a medewerker")
            jar = staff_session(s, "oud.mw", "oude-medewerker-1")
        finally:
            s.stop()
        path = os.path.join(d, "wijkwijzer.db")
        db = sqlite3.connect(path)
        before = db.execute("SELECT id, name, role, hash, active, created_at FROM staff_user ORDER BY id").fetchall()
        places = db.execute("SELECT user_id, location_id FROM staff_user_location ORDER BY 1, 2").fetchall()
        (version,) = db.execute("PRAGMA user_version").fetchone()
        # back to the schema of migration 11: staff_user as migration 8 made it
        db.executescript(
            "DROP TABLE content_draft;"
            "CREATE TABLE staff_user_old (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
            " role TEXT NOT NULL CHECK (role IN ('medewerker', 'beheerder')), hash TEXT NOT NULL,"
            " active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)), created_at TEXT NOT NULL,"
            " updated_at TEXT NOT NULL) STRICT;"
            "INSERT INTO staff_user_old SELECT id, name, role, hash, active, created_at, updated_at FROM staff_user;"
            "DROP TABLE staff_user;"
            "ALTER TABLE staff_user_old RENAME TO staff_user;"
            "PRAGMA user_version = 11;")
        db.close()
        db = sqlite3.connect(path)
        old_sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'staff_user'").fetchone()[0]
        db.close()
        check(version >= 12 and "aanbieder" not in old_sql and len(before) == 2 and len(places) == 2,
              f"a database of version 11 with two accounts: {version} {before} {places}")
        s = harness.Server(binary, sanitizer=sanitizer, data=d)
        try:
            st, _, body = s.get("/nl/medewerker/agenda?locatie=ww-zuid", jar)
            check(st == 200 and "Wijkwijzer Zuid" in body, f"a session of before still works: {st}")
            staff_session(s, "oud.beheer", "oude-beheerder-1")
            p = add_provider(s, "nieuw.aanb", "nieuwe-aanbieder-1")
            check(p.returncode == 0, f"and the new role can be made: {p.stderr}")
        finally:
            s.stop()
        db = sqlite3.connect(path)
        try:
            after = db.execute("SELECT id, name, role, hash, active, created_at FROM staff_user "
                               "WHERE name <> 'nieuw.aanb' ORDER BY id").fetchall()
            check(after == before, f"the accounts are as they were: {after}")
            check(db.execute("SELECT user_id, location_id FROM staff_user_location ORDER BY 1, 2").fetchall() == places,
                  "with their wijkwijzers")
            check(db.execute("SELECT count(*) FROM staff_user WHERE organization_id IS NOT NULL").fetchone() == (1,),
                  "only the aanbieder has an organisation")
            check(db.execute("PRAGMA user_version").fetchone() == (version,) and
                  db.execute("PRAGMA foreign_key_check").fetchall() == [] and
                  "aanbieder" in db.execute("SELECT sql FROM sqlite_master WHERE name = 'staff_user'").fetchone()[0],
                  "migrated again, every reference intact")
        finally:
            db.close()
