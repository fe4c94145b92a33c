"""The editor of the sociale kaart (/{lang}/medewerker/inhoud), as staff
use it in the browser: a beheerder edits an entry part by part as drafts,
every field checked as the import checks it, and publishes them into a
rebuilt content database without a restart; an aanbieder edits only its
own organisation; drafts are thrown away; "Alles klopt nog" dates an
entry; the six-month list; the audit trail; the round trip of the
published database through the CSV export.

Publishing rewrites the content folder's database, so every server here
runs on a copy of build/content (--content), never on build/content."""
import contextlib
import html
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import threading

import harness
from harness import check
from test_booking import post_form
from test_staff import add_provider

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
IMPORT = os.path.join(REPO, "build", "wijkwijzer-import")
BUILT = os.path.join(REPO, "build", "content")
TODAY = harness.TODAY.isoformat()  # the servers' day (harness.NOW)

EDIT = "/nl/medewerker/inhoud"
SERVICE = "hod-begeleiding"  # of humanitas-onder-dak, the aanbieder's organisation
OTHER_SERVICE = "wijkwijzer-inloop"  # of gemeente-enschede-wijkwijzers
ADMIN, ADMIN_PW = "inhoud.beheer", "beheer-wachtwoord-inhoud-1"
PROVIDER, PROVIDER_PW = "inhoud.aanbieder", "aanbieder-wachtwoord-inhoud-1"
WORKER, WORKER_PW = "inhoud.medewerker", "medewerker-wachtwoord-inhoud-1"


# ---- a server on a copy of the content ------------------------------------

@contextlib.contextmanager
def content_server(binary, sanitizer, without=None):
    """A server of its own on a copy of build/content (or on the demo
    content imported without the optional file `without`), with a
    beheerder, an aanbieder of humanitas-onder-dak and a medewerker;
    yields (server, the content folder)."""
    d = tempfile.mkdtemp(prefix="ww-content-edit-")
    content = os.path.join(d, "content")
    if without:
        src = os.path.join(d, "src")
        shutil.copytree(os.path.join(REPO, "content"), src)
        os.remove(os.path.join(src, without))
        os.makedirs(content)
        p = subprocess.run([IMPORT, src, os.path.join(content, "content.db"),
                            "--locale", os.path.join(REPO, "build", "locale")], capture_output=True, text=True)
        check(p.returncode == 0, f"the content without {without}: {p.stderr}")
    else:
        shutil.copytree(BUILT, content)
    s = harness.Server(binary, sanitizer=sanitizer, extra=["--content", content])
    try:
        for name, pw, role in ((ADMIN, ADMIN_PW, "beheerder"), (WORKER, WORKER_PW, "medewerker")):
            args = [binary, "--data", s.data, "--add-staff", name, "--role", role]
            if role == "medewerker":
                args += ["--location", "ww-centrum"]
            p = subprocess.run(args, input=pw + "\n", capture_output=True, text=True)
            check(p.returncode == 0, f"account {name}: {p.stderr}")
        p = add_provider(s, PROVIDER, PROVIDER_PW, organization="humanitas-onder-dak")
        check(p.returncode == 0, f"aanbieder account: {p.stderr}")
        yield s, content
    finally:
        rc = s.stop()
        check(rc == 0, f"content server: exit code {rc} after SIGTERM:\n{s.output()[-3000:]}")
        s.cleanup()
        shutil.rmtree(d, ignore_errors=True)


def login(server, name, password):
    st, _, body = server.get("/nl/medewerker")
    m = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', body, re.S)
    csrf = re.search(r'name="csrf" value="([^"]*)"', m.group(2)).group(1) if m else ""
    st, h, _ = post_form(server, html.unescape(m.group(1)) if m else "/nl/medewerker",
                         [("csrf", html.unescape(csrf)), ("naam", name), ("wachtwoord", password)])
    cookie = h.get("set-cookie", "").split(";")[0]
    check(st == 303 and cookie.startswith("ww_staff="), f"{name} logged in: {st}")
    return {"Cookie": cookie}


# ---- forms ----------------------------------------------------------------

def part_form(body, part):
    """(action, fields) of the form of one part (id="deel-<part>"), every
    control as a browser sends it: a select its selected option, a check
    box only when checked."""
    m = re.search(r'<form method="post" action="([^"]+)"[^>]*id="deel-%s"[^>]*>(.*?)</form>'
                  % re.escape(part), body, re.S)
    if not m:
        return None, []
    action, inner = html.unescape(m.group(1)).split("#")[0], m.group(2)
    fields = []
    for t in re.finditer(r'<input ([^>]*)>|<textarea ([^>]*)>(.*?)</textarea>|<select ([^>]*)>(.*?)</select>',
                         inner, re.S):
        if t.group(1) is not None:
            a = t.group(1)
            name, typ = re.search(r'name="([^"]*)"', a), re.search(r'type="([^"]*)"', a)
            val = re.search(r'value="([^"]*)"', a)
            if not name or (typ and typ.group(1) in ("checkbox", "radio") and " checked" not in a):
                continue
            fields.append((name.group(1), html.unescape(val.group(1)) if val else ""))
        elif t.group(2) is not None:
            fields.append((re.search(r'name="([^"]*)"', t.group(2)).group(1), html.unescape(t.group(3))))
        else:
            opt = re.search(r'<option value="([^"]*)" selected', t.group(5)) or \
                re.search(r'<option value="([^"]*)"', t.group(5))
            fields.append((re.search(r'name="([^"]*)"', t.group(4)).group(1),
                           html.unescape(opt.group(1)) if opt else ""))
    return action, fields


def simple_form(body, action_part):
    """(action, hidden fields) of the first form whose action contains
    action_part and that is not a part's form."""
    for m in re.finditer(r'<form method="post" action="([^"]+)"([^>]*)>(.*?)</form>', body, re.S):
        if action_part in m.group(1) and "deel-" not in m.group(2):
            return html.unescape(m.group(1)), [(k, html.unescape(v)) for k, v in re.findall(
                r'<input type="hidden" name="([^"]+)" value="([^"]*)"', m.group(3))]
    return None, []


def setf(fields, **values):
    """fields with the named ones set (added when absent)."""
    out, done = [], set()
    for k, v in fields:
        key = k.replace("-", "_")
        if key in values:
            if key not in done:
                out.append((k, values[key]))
                done.add(key)
        else:
            out.append((k, v))
    out += [(k.replace("_", "-", 1) if re.match(r"r\d+_", k) else k, v)
            for k, v in values.items() if k not in done]
    return out


def entry_path(kind, slug):
    return f"{EDIT}/{kind}/{slug}"


def save_part(server, jar, kind, slug, part, **values):
    """Opens the entry, fills in the part's form with values (row fields
    as r0_opens_at=...), saves: (status, headers, body)."""
    st, _, body = server.get(entry_path(kind, slug), jar)
    action, fields = part_form(body, part)
    if not check(st == 200 and action, f"{kind}/{slug}: the form of {part} ({st})"):
        return 0, {}, ""
    return post_form(server, action, setf(fields, **values), headers=jar)


def error_of(body, field_id):
    """The error message shown at the field with that id (the
    class="error-message" with id <field_id>-error), or None."""
    m = re.search(r'<p class="error-message" id="%s-error">(.*?)</p>' % re.escape(field_id), body, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip() if m else None


def db_rows(content, sql, args=()):
    c = sqlite3.connect(os.path.join(content, "content.db"))
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


def data_rows(server, sql, args=()):
    c = sqlite3.connect(os.path.join(server.data, "wijkwijzer.db"))
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


def drafts(server):
    return data_rows(server, "SELECT part, target, payload FROM content_draft ORDER BY id")


def audit(server, action):
    return [r[0] or "" for r in data_rows(server, "SELECT detail FROM audit_log WHERE action = ?", (action,))]


def publish(server, jar):
    st, _, body = server.get(EDIT, jar)
    action, fields = simple_form(body, "/inhoud/publiceren")
    if not check(action is not None, "the overview has the publish form"):
        return 0, {}, body
    return post_form(server, action, fields, headers=jar)


def saturday(main):
    """What the public page's opening hours say for zaterdag (text)."""
    m = re.search(r'<th scope="row">zaterdag</th>(.*?)</tr>', main, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip() if m else None


def public_main(server, slug):
    st, _, body = server.get(f"/nl/voorzieningen/{slug}")
    main = body.split("<main", 1)[-1].split("</main>")[0]
    return st, main


# ---- the scenarios ----------------------------------------------------------

def edit_and_publish(server, content, jar):
    """Description and hours of a service: drafts first, live after the
    publication, without a restart."""
    new_text = "Nieuwe uitleg uit de test: wij helpen u met wonen, geld en post."
    st, h, body = save_part(server, jar, "voorziening", SERVICE, "service", description=new_text)
    check(st == 303 and "opgeslagen=service" in h.get("location", ""),
          f"saving the description: 303 back with ?opgeslagen=service ({st} {h.get('location')})")
    st, _, page = server.get(h.get("location", entry_path("voorziening", SERVICE)).split("#")[0], jar)
    check(st == 200 and "Opgeslagen als concept" in page, "the page says it was saved as a draft")
    check("concept" in page.split('id="deel-service-title"')[-1].split("</section>")[0],
          "the part says it is a concept")
    _, fields = part_form(page, "service")
    check(dict(fields).get("description") == new_text, "the form shows the draft's text")

    # the hours: Saturday 10.00-12:00 in the first free row
    _, fields = part_form(page, "service_hours")
    f = dict(fields)
    free = next(i for i in range(int(f["regels"])) if not f.get(f"r{i}-byday") and not f.get(f"r{i}-opens_at"))
    st, h, body = save_part(server, jar, "voorziening", SERVICE, "service_hours",
                            **{f"r{free}_byday": "SA", f"r{free}_opens_at": "10.00", f"r{free}_closes_at": "12:00"})
    check(st == 303 and "opgeslagen=service_hours" in h.get("location", ""),
          f"saving Saturday 10.00-12:00: {st} {error_summary(body)}")
    payload = dict((p, c) for p, t, c in drafts(server) if t == SERVICE)
    check("SA,10:00,12:00" in payload.get("service_hours", ""),
          f"the time written 10.00 is stored as 10:00: {payload.get('service_hours', '')[-120:]!r}")
    check(new_text in payload.get("service", ""), "the description's draft is stored")
    st, _, page = server.get(entry_path("voorziening", SERVICE), jar)
    _, fields = part_form(page, "service_hours")
    f = dict(fields)
    check(f.get(f"r{free}-byday") == "SA" and f.get(f"r{free}-opens_at") == "10:00",
          "the editor shows the new row as 10:00 on zaterdag")

    # the overview lists both drafts; residents see nothing yet
    st, _, home = server.get(EDIT, jar)
    check(st == 200 and home.count(f'href="{entry_path("voorziening", SERVICE)}"') >= 2,
          "the overview lists the two drafts of the service")
    st, main = public_main(server, SERVICE)
    check(st == 200 and new_text not in main, "the public page does not change before publishing")
    check(saturday(main) == "gesloten", f"zaterdag gesloten on the public page before publishing: {saturday(main)!r}")
    st, _, api = server.get(f"/api/v1/services/{SERVICE}")
    check(st == 200 and new_text not in api, "the API does not change before publishing")

    pid = server.proc.pid
    st, h, body = publish(server, jar)
    check(st == 303 and "gepubliceerd=2" in h.get("location", ""),
          f"publishing: 303 to ?gepubliceerd=2 ({st} {h.get('location')} {error_summary(body)})")
    st, _, home = server.get(h.get("location", EDIT), jar)
    check(st == 200 and "2 wijzigingen zijn gepubliceerd" in home, "the overview says what was published")
    check(server.proc.pid == pid and server.proc.poll() is None, "the same server process, no restart")
    st, main = public_main(server, SERVICE)
    check(st == 200 and new_text in main, "the public page shows the new text")
    check(saturday(main) and re.search(r"10[.:]00\D+12[.:]00", saturday(main)),
          f"the public page shows zaterdag 10.00 - 12.00: {saturday(main)!r}")
    st, _, api = server.get(f"/api/v1/services/{SERVICE}")
    check(st == 200 and new_text in api, f"the API has the new description: {api[:200]}")
    check(re.search(r'"(byday|day)"\s*:\s*"(SA|zaterdag)"', api) or "zaterdag" in api.lower(),
          f"the API has the Saturday hours: {api[:300]}")
    check(not drafts(server), "the drafts are gone after publishing")
    check("Er zijn geen concepten" in home, "the overview shows no drafts")
    check(any(SERVICE in d for d in audit(server, "content.draft")), "the trail has content.draft")
    check(any(audit(server, "content.publish")), "the trail has content.publish")
    rows = db_rows(content, "SELECT byday, opens_at, closes_at FROM schedules WHERE service_id = ?",
                   (SERVICE,))
    check(("SA", "10:00", "12:00") in rows, f"content.db has the Saturday row: {rows}")


def error_summary(body):
    m = re.search(r'class="error-summary".*?</div>', body, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(0))).strip()[:300] if m else ""


def refused(server, jar, kind, slug, part, field_id, what, **values):
    """A save that must be refused: 422, the message at the field, an
    error summary linking to it, nothing saved."""
    before = drafts(server)
    st, _, body = save_part(server, jar, kind, slug, part, **values)
    msg = error_of(body, field_id)
    check(st == 422, f"{what}: 422, not {st}")
    check(msg is not None and msg != "", f"{what}: a message at the field {field_id}")
    check('class="error-summary"' in body and f'href="#{field_id}"' in body,
          f"{what}: an error summary linking to the field")
    check(drafts(server) == before, f"{what}: nothing saved")
    if os.environ.get("WW_SHOW"):
        print(f"  {what}: {msg!r}")
    return msg or ""


def validation(server, content, jar):
    msg = refused(server, jar, "voorziening", SERVICE, "service", "service-url", "a URL www.x.nl",
                  url="www.x.nl")
    check("https://" in msg, f"the URL message says how: {msg!r}")
    msg = refused(server, jar, "voorziening", SERVICE, "service", "service-name", "an empty name", name="")
    check("verplicht" in msg, f"the name message is Dutch: {msg!r}")
    msg = refused(server, jar, "organisatie", "humanitas-onder-dak", "organization", "organization-email",
                  "a bad e-mail", email="info@@voorbeeld")
    check("e-mail" in msg.lower(), f"the e-mail message names an e-mail address: {msg!r}")
    st, _, body = server.get(entry_path("voorziening", SERVICE), jar)
    _, fields = part_form(body, "service_hours")
    f = dict(fields)
    free = next(i for i in range(int(f["regels"])) if not f.get(f"r{i}-byday") and not f.get(f"r{i}-opens_at"))
    msg = refused(server, jar, "voorziening", SERVICE, "service_hours", f"service_hours-r{free}-closes_at",
                  "an end before the start",
                  **{f"r{free}_byday": "SU", f"r{free}_opens_at": "14:00", f"r{free}_closes_at": "11:00"})
    check("na de begintijd" in msg, f"the end-time message: {msg!r}")
    st, _, body = save_part(server, jar, "voorziening", SERVICE, "service_hours",
                            **{f"r{free}_byday": "SU", f"r{free}_opens_at": "", f"r{free}_closes_at": ""})
    errs = re.findall(r'class="error-message" id="service_hours-r%d-([a-z_]+)-error"' % free, body)
    check(st == 422 and errs, f"a day without times is refused at its row: {st} {errs}")
    msg = refused(server, jar, "voorziening", SERVICE, "costs", "costs-r0-amount", "an amount abc",
                  r0_amount="abc")
    check("bedrag" in msg, f"the amount message: {msg!r}")
    # accepted in the forms people type: 7,50 and 7511ab
    st, h, body = save_part(server, jar, "voorziening", SERVICE, "costs", r0_option="Per keer", r0_amount="7,50")
    check(st == 303, f"an amount 7,50 is accepted: {st} {error_summary(body)}")
    costs = dict((p, c) for p, t, c in drafts(server) if t == SERVICE).get("costs", "")
    check("7.50" in costs and "7,50" not in costs, f"the amount is stored as 7.50: {costs!r}")
    loc = db_rows(content, "SELECT l.id FROM locations l JOIN addresses a ON a.location_id = l.id "
                  "ORDER BY l.id LIMIT 1")[0][0]
    st, h, body = save_part(server, jar, "locatie", loc, "address", postal_code="7511ab")
    check(st == 303, f"a postcode 7511ab is accepted: {st} {error_summary(body)}")
    addr = dict((p, c) for p, t, c in drafts(server) if t == loc).get("address", "")
    check("7511 AB" in addr and "7511ab" not in addr, f"the postcode is stored as 7511 AB: {addr!r}")
    st, _, page = server.get(entry_path("locatie", loc), jar)
    _, fields = part_form(page, "address")
    check(dict(fields).get("postal_code") == "7511 AB", "the editor shows the postcode as 7511 AB")
    # clean up the two accepted drafts by throwing them away (checked in discard)
    return loc


def discard_all(server, jar):
    """Throws away every draft through the overview's buttons; the number
    thrown away."""
    n = 0
    for _ in range(20):
        st, _, home = server.get(EDIT, jar)
        action, fields = simple_form(home, "/weggooien")
        if not action:
            break
        st, h, body = post_form(server, action, fields, headers=jar)
        if not check(st in (200, 303), f"discarding: {st}"):
            break
        n += 1
    return n


def discard(server, jar, loc):
    before = drafts(server)
    check(len(before) == 2, f"two drafts to discard: {[(p, t) for p, t, _ in before]}")
    n_audit = len(audit(server, "content.discard"))
    st, _, home = server.get(EDIT, jar)
    action, fields = simple_form(home, "/weggooien")
    st, h, body = post_form(server, action, fields, headers=jar)
    if st == 303:
        st, _, body = server.get(h.get("location"), jar)
    check(st == 200 and "Het concept is weggegooid" in body, f"the overview says the draft is gone: {st}")
    check(len(drafts(server)) == len(before) - 1, "exactly one draft fewer")
    check(len(audit(server, "content.discard")) == n_audit + 1, "the trail has content.discard")
    discard_all(server, jar)
    check(not drafts(server), "every draft thrown away")
    st, _, body = post_form(server, action, fields, headers=jar)
    check(st == 404, f"a draft thrown away twice: 404, not {st}")


def hammer_while_publishing(server, jar):
    """Requests keep being answered while a publication rebuilds the
    content."""
    st, h, body = save_part(server, jar, "voorziening", SERVICE, "service",
                            description="Tekst tijdens het publiceren: de pagina blijft bereikbaar.")
    check(st == 303, f"a draft to publish: {st}")
    stop = threading.Event()
    answers = []

    def hammer():
        while not stop.is_set():
            for path in ("/nl/voorzieningen", "/nl/", f"/nl/voorzieningen/{SERVICE}"):
                try:
                    answers.append(server.get(path)[0])
                except Exception as e:  # a refused connection is a failure too
                    answers.append(repr(e))

    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        while len(answers) < 3:
            pass
        n0 = len(answers)
        st, h, _ = publish(server, jar)
        # a few more after the switch
        n = len(answers)
        while len(answers) < n + 9:
            pass
    finally:
        stop.set()
        for t in threads:
            t.join()
    check(st == 303, f"the publication during the requests: {st}")
    bad = [a for a in answers if a != 200]
    print(f"  content edit: {len(answers)} requests during a publication, {len(bad)} not 200")
    check(n > n0, f"requests were answered while the publication ran ({n - n0})")
    check(len(answers) >= 9 and not bad, f"every request answered 200: {bad[:5]}")
    st, main = public_main(server, SERVICE)
    check("Tekst tijdens het publiceren" in main, "the publication took effect")


def refused_publication(server, content, jar):
    """A draft the import refuses (made invalid in the table itself):
    422 with the import's message, the old content stays, the draft too."""
    st, h, _ = save_part(server, jar, "voorziening", SERVICE, "service",
                         description="Deze tekst mag nooit bij bewoners komen.")
    check(st == 303, f"a draft: {st}")
    c = sqlite3.connect(os.path.join(server.data, "wijkwijzer.db"))
    with c:
        payload = c.execute("SELECT payload FROM content_draft WHERE part = 'service' AND target = ?",
                            (SERVICE,)).fetchone()[0]
        bad = payload.replace("https://humanitas-onder-dak.voorbeeld.nl", "www.kapot")
        check(bad != payload, "the draft's URL made invalid")
        c.execute("UPDATE content_draft SET payload = ? WHERE part = 'service' AND target = ?", (bad, SERVICE))
    c.close()
    before = open(os.path.join(content, "content.db"), "rb").read()
    st, _, body = publish(server, jar)
    check(st == 422, f"the refused publication: 422, not {st}")
    check("Publiceren is niet gelukt" in body, "the page says the publication failed")
    detail = re.search(r'class="error-summary".*?<code>(.*?)</code>', body, re.S)
    check(detail and "services.csv" in detail.group(1) and "url" in detail.group(1),
          f"the import's error names the file and the field: {detail.group(1) if detail else body[:300]!r}")
    st, main = public_main(server, SERVICE)
    check(st == 200 and "nooit bij bewoners" not in main, "the public page is unchanged")
    check(open(os.path.join(content, "content.db"), "rb").read() == before, "content.db is unchanged")
    check(any(p == "service" and t == SERVICE for p, t, _ in drafts(server)), "the draft is kept")
    check(not [n for n in os.listdir(content) if n.startswith(".publish")], "no temporary folder left")
    discard_all(server, jar)


def gone_entry(server, jar):
    """A draft of an entry no longer in the content (the files changed
    under it): the beheerder sees it, unlinked; publishing refuses it by
    name (422) and it can be thrown away, so it blocks nothing."""
    c = sqlite3.connect(os.path.join(server.data, "wijkwijzer.db"))
    with c:
        admin = c.execute("SELECT id FROM staff_user WHERE name = ?", (ADMIN,)).fetchone()[0]
        c.execute("INSERT INTO content_draft(part, target, payload, account_id, updated_at) "
                  "VALUES ('service_checked', 'bestaat-niet-meer', '', ?, '2026-12-07T08:00:00Z')", (admin,))
    c.close()
    st, _, home = server.get(EDIT, jar)
    check(st == 200 and "bestaat-niet-meer" in home, "the overview lists the draft of the gone entry")
    check('href="/nl/medewerker/inhoud/voorziening/bestaat-niet-meer"' not in home,
          "without a link to an editor that would say 404")
    st, _, body = publish(server, jar)
    detail = re.search(r'class="error-summary".*?<code>(.*?)</code>', body, re.S)
    check(st == 422 and detail and "bestaat-niet-meer" in detail.group(1),
          f"publishing refuses it by name: {st} {detail.group(1) if detail else ''}")
    check(discard_all(server, jar) == 1 and not drafts(server), "the beheerder throws it away")


def provider(server, jar_admin):
    jar = login(server, PROVIDER, PROVIDER_PW)
    st, _, home = server.get(EDIT, jar)
    check(st == 200, f"the aanbieder opens the editor: {st}")
    check("/inhoud/publiceren" not in home and "Alles publiceren" not in home, "no publish button for an aanbieder")
    check('href="/nl/medewerker/inhoud/controleren"' not in home, "no six-month list for an aanbieder")
    st, _, page = server.get(entry_path("voorziening", SERVICE), jar)
    check(st == 200 and 'id="deel-service"' in page, f"the aanbieder opens its own service: {st}")
    st, h, body = save_part(server, jar, "voorziening", SERVICE, "service", name="Begeleiding bij wonen en geld (HOD)")
    check(st == 303, f"the aanbieder saves its own service: {st} {error_summary(body)}")
    check(any(t == SERVICE for _, t, _ in drafts(server)), "its draft is stored")
    st, _, _ = server.get(entry_path("voorziening", OTHER_SERVICE), jar)
    check(st == 403, f"another organisation's service: 403, not {st}")
    st, _, _ = server.get(entry_path("organisatie", "gemeente-enschede-wijkwijzers"), jar)
    check(st == 403, f"another organisation: 403, not {st}")
    # a POST to another's entry with the aanbieder's own form token
    action, fields = part_form(page, "service")
    before = drafts(server)
    st, _, _ = post_form(server, action.replace(SERVICE, OTHER_SERVICE), fields, headers=jar)
    check(st == 403 and drafts(server) == before, f"saving another's service: 403, not {st}")
    # publish with a token of its own page
    tok = re.search(r'name="csrf" value="([^"]*)"', home).group(1)
    st, _, _ = post_form(server, f"{EDIT}/publiceren", [("csrf", html.unescape(tok))], headers=jar)
    check(st == 403, f"the aanbieder POSTs publiceren: 403, not {st}")
    check(any(t == SERVICE for _, t, _ in drafts(server)), "nothing was published")
    st, _, _ = server.get(f"{EDIT}/controleren", jar)
    check(st == 403, f"the aanbieder opens /inhoud/controleren: 403, not {st}")
    jar_worker = login(server, WORKER, WORKER_PW)
    st, _, _ = server.get(EDIT, jar_worker)
    check(st == 403, f"a medewerker opens /nl/medewerker/inhoud: 403, not {st}")
    st, _, _ = server.get(entry_path("voorziening", SERVICE), jar_worker)
    check(st == 403, f"a medewerker opens an entry: 403, not {st}")
    st, _, body = server.get(EDIT)
    check("Sociale kaart bijwerken" not in body and st != 500, f"no one logged in: not the editor ({st})")
    discard_all(server, jar_admin)


def csrf(server, jar):
    st, _, page = server.get(entry_path("voorziening", SERVICE), jar)
    action, fields = part_form(page, "service")
    before = drafts(server)
    no_token = [(k, v) for k, v in fields if k != "csrf"]
    st, _, _ = post_form(server, action, setf(no_token, name="Zonder token"), headers=jar)
    check(st == 403, f"a save without a token: 403, not {st}")
    st, _, _ = post_form(server, action, setf(fields, csrf="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", name="Vals"),
                         headers=jar)
    check(st == 403, f"a save with a false token: 403, not {st}")
    check(drafts(server) == before, "nothing saved without a good token")
    st, _, _ = post_form(server, f"{EDIT}/publiceren", [], headers=jar)
    check(st == 403, f"publishing without a token: 403, not {st}")


def slug_of(uuid):
    rows = [r for r in harness._read_rows("catalog/x_slugs.csv") if r["link_id"] == uuid]
    return rows[0]["slug"] if rows else None


def checked_and_six_months(server, content, jar):
    """"Alles klopt nog" on an entry not checked for six months, then
    publish: its date is today and it leaves the six-month list."""
    since = (harness.TODAY.replace(year=harness.TODAY.year - 1, month=harness.TODAY.month + 6)
             if harness.TODAY.month <= 6 else harness.TODAY.replace(month=harness.TODAY.month - 6)).isoformat()
    old = sorted((r for r in harness._read_rows("catalog/x_checked.csv") if r["checked_on"] < since
                  and r["link_entity"] == "organization"), key=lambda r: r["checked_on"])
    check(len(old) >= 2, f"the demo has organisations not checked since {since}")
    target, other = slug_of(old[0]["link_id"]), slug_of(old[1]["link_id"])
    st, _, page = server.get(f"{EDIT}/controleren", jar)
    check(st == 200, f"the six-month list: {st}")
    for slug in (target, other):
        check(f'href="{entry_path("organisatie", slug)}"' in page, f"{slug} (checked before {since}) is on the list")
    fresh = [r for r in harness._read_rows("catalog/x_checked.csv") if r["checked_on"] >= since]
    fresh_slug = slug_of(fresh[0]["link_id"]) if fresh else None
    kinds = {"organization": "organisatie", "service": "voorziening", "location": "locatie"}
    check(fresh_slug and f'/{kinds[fresh[0]["link_entity"]]}/{fresh_slug}"' not in page,
          f"{fresh_slug}, checked on {fresh[0]['checked_on'] if fresh else '-'}, is not on the list")

    st, _, ed = server.get(entry_path("organisatie", target), jar)
    check(st == 200 and "Laatst gecontroleerd op" in ed, "the editor shows the last check")
    action, fields = simple_form(ed, entry_path("organisatie", target))
    check(dict(fields).get("deel") == "organization_checked", f"the form of Alles klopt nog: {fields}")
    st, h, body = post_form(server, action, fields, headers=jar)
    check(st == 303, f"Alles klopt nog: {st} {error_summary(body)}")
    st, h, body = publish(server, jar)
    check(st == 303, f"publishing the check: {st} {error_summary(body)}")
    uuid = old[0]["link_id"]
    rows = db_rows(content, "SELECT link_entity, checked_on FROM x_checked WHERE link_id = ?", (uuid,))
    check(rows == [("organization", TODAY)], f"x_checked has today for {target}: {rows}")
    st, _, ed = server.get(entry_path("organisatie", target), jar)
    d = harness.TODAY
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
              "september", "oktober", "november", "december"]
    check(f"Laatst gecontroleerd op {d.day} {months[d.month - 1]} {d.year}" in ed,
          "the editor says it was checked today")
    st, _, page = server.get(f"{EDIT}/controleren", jar)
    check(f'href="{entry_path("organisatie", target)}"' not in page, "the entry checked today left the list")
    check(f'href="{entry_path("organisatie", other)}"' in page, "the other old entry is still on it")
    return


def round_trip(content):
    """The published database through --export-csv and an import again:
    the same rows."""
    import test_hsds
    with tempfile.TemporaryDirectory() as d:
        out, db2 = os.path.join(d, "export"), os.path.join(d, "again.db")
        p = subprocess.run([IMPORT, "--export-csv", os.path.join(content, "content.db"), out],
                           capture_output=True, text=True)
        check(p.returncode == 0, f"--export-csv of the published database: {p.stderr}")
        p = subprocess.run([IMPORT, out, db2, "--locale", os.path.join(REPO, "build", "locale")],
                           capture_output=True, text=True)
        check(p.returncode == 0, f"the import of the export: {p.stderr}")
        a, b = test_hsds.tables(os.path.join(content, "content.db")), test_hsds.tables(db2)
        differ = [t for t in a if a[t] != b.get(t)]
        for t in differ[:2]:
            x, y = set(a[t]), set(b.get(t, []))
            print(f"  {t}: only published {sorted(x - y, key=repr)[:2]}, only again {sorted(y - x, key=repr)[:2]}")
        check(set(a) == set(b) and not differ, f"import(export(published)) == published, differ: {differ[:5]}")
        check(any("10:00" in repr(r) for r in a.get("schedules", [])) and a.get("x_checked"),
              "the published edits are in what was compared")


def test_content_editor(server, binary, sanitizer):
    with content_server(binary, sanitizer) as (s, content):
        jar = login(s, ADMIN, ADMIN_PW)
        st, _, home = s.get(EDIT, jar)
        check(st == 200 and "Alles publiceren" not in home and "Er zijn geen concepten" in home,
              f"the beheerder opens the editor: {st}")
        for name, fn in (("edit and publish", lambda: edit_and_publish(s, content, jar)),
                         ("validation", lambda: discard(s, jar, validation(s, content, jar))),
                         ("publish under load", lambda: hammer_while_publishing(s, jar)),
                         ("refused publication", lambda: refused_publication(s, content, jar)),
                         ("gone entry", lambda: gone_entry(s, jar)),
                         ("aanbieder", lambda: provider(s, jar)),
                         ("csrf", lambda: csrf(s, jar)),
                         ("checked", lambda: checked_and_six_months(s, content, jar)),
                         ("round trip", lambda: round_trip(content))):
            try:
                fn()
            except Exception:
                import traceback
                traceback.print_exc()
                check(False, f"content edit: {name} raised")


def test_content_without_checked_dates(server, binary, sanitizer):
    """Content from elsewhere without the optional x_checked.csv: publishing
    writes the file anew, with the header the import wants."""
    with content_server(binary, sanitizer, without="catalog/x_checked.csv") as (s, content):
        check(db_rows(content, "SELECT count(*) FROM x_checked") == [(0,)], "no checked dates at first")
        jar = login(s, ADMIN, ADMIN_PW)
        st, _, ed = s.get(entry_path("organisatie", "humanitas-onder-dak"), jar)
        check(st == 200 and "Nog nooit gecontroleerd" in ed, f"the editor says it was never checked: {st}")
        action, fields = simple_form(ed, entry_path("organisatie", "humanitas-onder-dak"))
        st, _, body = post_form(s, action, fields, headers=jar)
        check(st == 303, f"Alles klopt nog: {st}")
        st, _, body = publish(s, jar)
        check(st == 303, f"published: {st} {error_summary(body)}")
        rows = db_rows(content, "SELECT link_entity, checked_on FROM x_checked")
        check(rows == [("organization", TODAY)], f"the one checked date: {rows}")

