"""The self-check over HTTP: every path from start to result, every rule
reachable, no dead ends, the result link round trip, tampered and foreign
links, the consent gate for sharing with a booking, and that no URL of the
check shows an answer, the postcode or for whom the check is (the state
and the result code are sealed).

The tests click through the check as a resident does: they follow the
links and post the postcode form, and never build a state URL themselves."""
import base64
import html
import os
import re
import sqlite3
import subprocess
import tempfile
import urllib.parse

import harness
from harness import check
from test_booking import book_html, form_fields, free_slot, post_form

ALLOWED = {"lukt": "znx", "belasting": "esv", "janee": "je"}

# the answer letter behind the (Dutch) label of each answer link
LETTERS = {
    "Dat lukt me zelf": "z", "Dat lukt hem of haar zelf": "z",
    "Dat lukt met hulp van mensen om me heen": "n",
    "Dat lukt met hulp van mensen om hem of haar heen": "n",
    "Dat lukt niet of moeilijk": "x", "Ja": "j", "Nee": "e", "Soms": "s",
    "Vaak of altijd": "v", "Weet ik niet": "w", "Sla deze vraag over": "o",
}
PATH_TITLES = {"s": "Voor mezelf", "o": "Voor iemand anders", "c": "Ik zorg voor iemand"}
B64URL = re.compile(r"^[A-Za-z0-9_-]+$")


class Seen:
    """Every URL the check put in front of the resident: links, form
    actions, redirects and the QR code."""

    def __init__(self):
        self.urls = []

    def page(self, body):
        for u in re.findall(r'(?:href|action)="([^"]*)"', body):
            self.urls.append(html.unescape(u))
        return body

    def add(self, url):
        self.urls.append(url)
        return url


def answer_links(body):
    """[(href, label, letter)] of the answer links of a question page."""
    out = []
    for href, label in re.findall(r'<a class="answer[^"]*" href="([^"]+)"[^>]*>([^<]+)</a>', body):
        label = html.unescape(label)
        out.append((html.unescape(href), label, LETTERS.get(label)))
    return out


def start(server, path, headers=None, seen=None, lang="nl"):
    """The first step: the link for whom the check is. Returns its URL."""
    st, _, body = server.get(f"/{lang}/zelfcheck", headers)
    if seen:
        seen.page(body)
    m = re.search(rf'<a class="choice" href="([^"]+)"[^>]*><span class="choice-title">{PATH_TITLES[path]}<', body)
    if not check(st == 200 and m, f"start link for path {path}"):
        return None
    return html.unescape(m.group(1))


def give_postcode(server, url, pc, headers=None, seen=None):
    """The postcode step: posts the form (pc None: "Sla over"). Returns the
    URL of the first question."""
    st, _, body = server.get(url, headers)
    if seen:
        seen.page(body)
    if not check(st == 200 and "Wat is uw postcode?" in body, f"postcode asked: {st}"):
        return None
    if pc is None:
        m = re.search(r'<a class="button secondary" href="([^"]+)"[^>]*>Sla over</a>', body)
        return html.unescape(m.group(1)) if check(m, "postcode can be skipped") else None
    action, fields = form_fields(body, "/zelfcheck")
    check(action and re.search(r'<form method="post" action="[^"]*/zelfcheck"', body), "the postcode is posted")
    st, h, _ = post_form(server, action, fields, [("pc", pc)], headers)
    loc = h.get("location", "")
    if seen:
        seen.add(action)
        seen.add(loc)
    check(st == 303 and loc.startswith("/"), f"postcode answered with a 303: {st}")
    return loc


def walk(server, path, answers_for, pc="7522", headers=None, seen=None, kiosk=False):
    """Clicks through the check as a resident: returns (result URL, body).
    answers_for(i, labels) gives the index of the answer to click."""
    url = start(server, path, headers, seen)
    if not url:
        return None, None
    if not kiosk:
        url = give_postcode(server, url, pc, headers, seen)
    i = 0
    while url:
        st, _, body = server.get(url, headers)
        if seen:
            seen.page(body)
        if "Kloppen uw antwoorden?" in body:
            break
        check(st == 200 and "Weet ik niet" in body and "Sla deze vraag over" in body, f"question {i}: both always allowed")
        progress = re.search(r"Vraag (\d+) van (\d+)", body)
        check(progress and int(progress.group(1)) == i + 1, f"progress shows question {i + 1}")
        links = answer_links(body)
        want = answers_for(i, [label for _, label, _ in links])
        url = links[want][0]
        i += 1
        if i > 30:
            check(False, "too many questions")
            return None, None
    m = re.search(r'<a class="button big" href="([^"]+)"[^>]*>Bekijk uw advies', body)
    check(m and "Wijzig" in body, "check page with change links and result link")
    result = html.unescape(m.group(1))
    st, h, body = server.get(result, headers)
    if seen:
        seen.page(body)
    check(st == 200 and "no-store" in h.get("cache-control", ""), "result page")
    return result, body


def by_letters(letters):
    """answers_for that clicks the answers with these letters in turn."""
    def pick(i, labels):
        return [LETTERS[l] for l in labels].index(letters[i])
    return pick


def state_url(server, path, answers, pc=None, headers=None, seen=None, kiosk=False):
    """The URL of the check with these answers given (a question page, or
    the check page once all are given), reached by clicking."""
    url = start(server, path, headers, seen)
    if url and not kiosk:
        url = give_postcode(server, url, pc, headers, seen)
    for a in answers:
        if not url:
            return None
        st, _, body = server.get(url, headers)
        if seen:
            seen.page(body)
        links = {letter: href for href, _, letter in answer_links(body)}
        if not check(a in links, f"answer {a!r} offered: {sorted(links)}"):
            return None
        url = links[a]
    return url


def code_of(url):
    return urllib.parse.parse_qs(urllib.parse.urlparse(url).query).get("c", [""])[0]


def b64decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def b64encode(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def flipped(code, byte, bit=0):
    raw = bytearray(b64decode(code))
    raw[byte % len(raw)] ^= 1 << bit
    return b64encode(bytes(raw))


def qr_text(body):
    """What the take-home QR code on a result page says (decoded)."""
    m = re.search(r'<figure class="qr">(<svg.*?</svg>)\s*</figure>', body, re.S)
    if not m:
        return None
    with tempfile.TemporaryDirectory() as d:
        svg, png = os.path.join(d, "q.svg"), os.path.join(d, "q.png")
        with open(svg, "w") as f:
            f.write(m.group(1))
        subprocess.run(["rsvg-convert", "-w", "600", "-o", png, svg], check=True)
        return subprocess.run(["zbarimg", "-q", "--raw", png], capture_output=True, text=True).stdout.strip()


def opaque(url, secrets):
    """Problems of one URL: a query field other than the sealed s (state) or
    c (code), one that is not a sealed text, or a secret in plain sight."""
    problems = []
    parts = urllib.parse.urlparse(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    for k, v in query:
        if parts.path.endswith("/afspraak") and k in ("onderwerp", "locatie"):
            continue  # the booking flow's own fields (a topic, a wijkwijzer)
        if k not in ("s", "c", "zelfcheck"):
            problems.append(f"field {k}={v}")
        elif not B64URL.match(v) or len(b64decode(v)) < 12 + 16 + 1:
            problems.append(f"{k} is not sealed: {v}")
    for s in secrets:
        if s and s in url:
            problems.append(f"{s!r} in plain sight")
    return problems


def test_paths(server, binary, sanitizer):
    for path in ("s", "o", "c"):
        # first answer everywhere, then last-but-two ("niet" / "vaak"), then unknowns
        for strategy in (lambda i, labels: 0, lambda i, labels: max(0, len(labels) - 3),
                         lambda i, labels: len(labels) - 2, lambda i, labels: len(labels) - 1):
            result, body = walk(server, path, strategy)
            if not body:
                continue
            check("Uw advies" in body and "geen besluit" in body, f"{path}: advice, not a decision")
            check("/nl/afspraak?onderwerp=" in body, f"{path}: always a booking button (no dead end)")
            check("<svg" in body and "Neem uw advies mee" in body, f"{path}: take-home QR")
    # heavy answers on the self path lead to nearby services and the wijkwijzer
    result, body = walk(server, "s", lambda i, labels: 2)
    check('class="result-title"' in body and "Praat met de wijkwijzer" in body, "heavy needs: services and wijkwijzer")
    check("Snel weg van deze pagina" not in body or "Veilig Thuis" in body, "quick exit only with safety advice")
    # "nee" to the safety question: Veilig Thuis first, with a quick exit
    result, body = walk(server, "s", lambda i, labels: 1 if i == 8 else 0)
    check("0800-2000" in body and "Snel weg van deze pagina" in body, "safety leads to Veilig Thuis with a quick exit")
    # carer path: the burden band
    result, body = walk(server, "c", lambda i, labels: 2 if i < 5 else 0)
    check("De zorg is nu veel" in body, "heavy burden band")
    check("onderwerp=mantelzorg" in body, "carer books a mantelzorg appointment")


def test_every_answer_reaches_a_result(server, binary, sanitizer):
    # every question, every answer (others skipped): a result with a next step
    for path in ("s", "o", "c"):
        url = give_postcode(server, start(server, path), None)
        st, _, body = server.get(url)
        n = int(re.search(r"Vraag 1 van (\d+)", body).group(1))
        bad = []
        for q in range(n):
            st, _, body = server.get(url)
            links = answer_links(body)
            for href, label, letter in links:
                # this answer, then skip the rest
                nxt, pages = href, 0
                while True:
                    st, _, page = server.get(nxt)
                    m = re.search(r'href="([^"]+)"[^>]*>Bekijk uw advies', page)
                    if m or pages > n:
                        break
                    nxt = [h for h, _, l in answer_links(page) if l == "o"][0]
                    pages += 1
                st, _, res = server.get(html.unescape(m.group(1))) if m else (0, None, "")
                if st != 200 or "/nl/afspraak?onderwerp=" not in res or 'class="advice' not in res:
                    bad.append((path, q, letter, st))
            # skip this question to get to the next one
            url = [h for h, _, l in links if l == "o"][0]
        check(not bad, f"{path}: every answer ends in advice with a next step: {bad[:5]}")


def test_change_answer(server, binary, sanitizer):
    url = state_url(server, "s", "zzzzzzzee", pc="7511")
    st, _, body = server.get(url)
    check("Kloppen uw antwoorden?" in body, "all answered: the check page")
    changes = [html.unescape(h) for h in re.findall(r'<dd class="change"><a href="([^"]+)"', body)]
    check(len(changes) == 9, f"a change link per question: {len(changes)}")
    st, _, body = server.get(changes[2])
    check("Vraag 3 van 9" in body and "Terug naar het overzicht" in body, "change one answer")
    links = answer_links(body)
    check(links[2][2] == "x", "the third answer is 'lukt niet'")
    st, _, body = server.get(links[2][0])
    check("Kloppen uw antwoorden?" in body, "the change goes straight back to the overview")
    given = [html.unescape(d) for d in re.findall(r"</dt><dd>([^<]*)</dd>", body)]
    check(given[:4] == ["Dat lukt me zelf", "Dat lukt me zelf", "Dat lukt niet of moeilijk", "Dat lukt me zelf"]
          and given[7:] == ["Nee", "Nee"], f"only that answer changed: {given}")
    # "Terug naar het overzicht" leaves the answers as they were
    st, _, body = server.get(changes[5])
    back = re.search(r'<a href="([^"]+)"[^>]*>Terug naar het overzicht', body)
    st, _, body = server.get(html.unescape(back.group(1)))
    check("Kloppen uw antwoorden?" in body and "Dat lukt niet" not in body, "back to the overview unchanged")
    # "Vorige vraag" goes one question back, keeping the answers before it
    url = state_url(server, "s", "zn")
    st, _, body = server.get(url)
    prev = re.search(r'<a href="([^"]+)"[^>]*>Vorige vraag', body)
    st, _, body = server.get(html.unescape(prev.group(1)))
    check("Vraag 2 van 9" in body, "the previous question")


def test_urls_are_opaque(server, binary, sanitizer):
    # heavy answers, the safety question with "nee", a postcode: nothing of
    # it in any URL the check shows, posts to or redirects to
    letters = "xxxxxnxje"
    seen = Seen()
    result, body = walk(server, "o", by_letters(letters), pc="7522 NB", seen=seen)
    check(body and "Uw advies" in body, "walked to the result")
    qr = qr_text(body)
    check(qr and qr.endswith(result) and qr.startswith("http://"), f"the QR code holds the result link: {qr!r}")
    seen.add(qr or "")
    urls = [u for u in seen.urls if "/zelfcheck" in u or "/afspraak" in u]
    check(len(urls) > 40, f"every link, form and redirect of the walk: {len(urls)}")
    problems = []
    for u in urls:
        problems += [(u, p) for p in opaque(u, ["7522", letters, letters[:5], "xnxje", "&a=", "&pc=", "?p="])]
    check(not problems, f"URLs show state: {problems[:5]}")
    # no URL twice: every state and code is sealed with a fresh nonce
    sealed = [v for u in urls for k, v in urllib.parse.parse_qsl(urllib.parse.urlparse(u).query) if k in ("s", "c")]
    check(len(sealed) > 30, f"sealed values seen: {len(sealed)}")
    # nor does their length tell anything (how far, which path, a postcode or not)
    lengths = {len(v) for v in sealed}
    check(len(lengths) == 1, f"every sealed state and code has one length: {sorted(lengths)}")
    # the form action, the redirect and the result link in particular
    action = [u for u in seen.urls if u.endswith("/nl/zelfcheck")]
    check(action, "the postcode form posts to the plain /nl/zelfcheck")
    check(re.match(r"^/nl/zelfcheck/uitslag\?c=[A-Za-z0-9_-]+$", result), f"result link: {result}")
    # the plaintext is not in the decoded bytes either
    raw = b64decode(code_of(result))
    check(b"7522" not in raw and letters.encode()[:4] not in raw and len(raw) >= 12 + 16 + 10,
          "the code is ciphertext with nonce and tag")
    # the old query fields do nothing any more: the start page, no question
    st, _, body = server.get("/nl/zelfcheck?p=s&a=&pc=7522")
    check(st == 200 and "Voor wie doet u de zelfcheck?" in body and "Vraag 1 van" not in body,
          "plain p/a/pc fields are not read")


def test_sealed_twice_differs(server, binary, sanitizer):
    letters = "znxzznzje"
    r1, b1 = walk(server, "s", by_letters(letters))
    r2, b2 = walk(server, "s", by_letters(letters))
    check(r1 and r2 and r1 != r2, "the same answers give different result codes (random nonce)")
    advice = [re.findall(r"<h3>([^<]+)</h3>", b or "") for b in (b1, b2)]
    check(advice[0] and advice[0] == advice[1], "and the same advice")
    # one state page shown twice: other links, to the same next question
    url = state_url(server, "s", "zn")
    l1 = answer_links(server.get(url)[2])
    l2 = answer_links(server.get(url)[2])
    check(all(a[0] != b[0] for a, b in zip(l1, l2)), "links are sealed anew on every page")
    check(server.get(l1[0][0])[2].count("Vraag 4 van 9") == 1 and
          server.get(l2[0][0])[2].count("Vraag 4 van 9") == 1, "both lead on")


def test_tampered_links(server, binary, sanitizer):
    result, body = walk(server, "s", lambda i, labels: 0)
    code = code_of(result)
    n = len(b64decode(code))
    bad = [flipped(code, i, b) for i, b in ((0, 0), (5, 7), (11, 3), (12, 0), (14, 5), (n - 17, 1),
                                           (n - 16, 0), (n - 8, 6), (n - 1, 7))]
    bad += [code[:-1] + ("A" if code[-1] != "A" else "B"), code[:-2], code[:20], code + "zz", code + "A",
            code[1:], "", "s.x", "<script>", "%00", "szzzzzzzee.7522.AAAAAAAAAAAA", "A" * len(code),
            "A" * 200, code.replace("-", "+").replace("_", "/") + "=="]
    for b in bad:
        if b == code:
            continue
        st, _, page = server.get("/nl/zelfcheck/uitslag?c=" + urllib.parse.quote(b))
        check(st == 400 and "Opnieuw beginnen" in page and "<script>" not in page, f"tampered {b!r} rejected kindly")
    # a state is not a result code, nor the other way round
    state = urllib.parse.parse_qs(urllib.parse.urlparse(state_url(server, "s", "zzzzzzzee")).query)["s"][0]
    st, _, page = server.get("/nl/zelfcheck/uitslag?c=" + state)
    check(st == 400 and "Opnieuw beginnen" in page, "a sealed state is no result code")
    st, _, page = server.get("/nl/zelfcheck?s=" + code)
    check(st == 200 and "link klopt niet" in page, "a result code is no state")
    # a damaged state restarts kindly
    for b in (flipped(state, 3), flipped(state, len(b64decode(state)) - 1, 4), state[:-3], "qqq", "", "<x>"):
        st, _, page = server.get("/nl/zelfcheck?s=" + urllib.parse.quote(b))
        check(st == 200 and ("link klopt niet" in page or b == "") and "<x>" not in page
              and "Voor wie doet u de zelfcheck?" in page, f"bad state {b!r} restarts kindly")
    st, _, page = server.get("/nl/zelfcheck?s=" + "A" * 900)
    check(st == 200 and "link klopt niet" in page, "an overlong state restarts kindly")
    st, _, page = server.get("/ar" + result[3:])
    check(st == 200 and 'dir="rtl"' in page, "the same result link in Arabic")


def test_foreign_secret(server, binary, sanitizer):
    # another server has another secret: its codes and states mean nothing here
    other = harness.Server(binary, sanitizer=sanitizer)
    try:
        theirs, body = walk(other, "s", lambda i, labels: 2)
        check(body and "Uw advies" in body, "the other server reads its own code")
        st, _, page = server.get(theirs)
        check(st == 400 and "Opnieuw beginnen" in page, "a code sealed with another secret: 400")
        ours, _ = walk(server, "s", lambda i, labels: 2)
        st, _, page = other.get(ours)
        check(st == 400 and "Opnieuw beginnen" in page, "and the other way round")
        their_state = state_url(other, "s", "zz")
        st, _, page = server.get(their_state)
        check(st == 200 and "link klopt niet" in page, "a state sealed with another secret restarts")
        # a booking ignores a foreign code: no consent box
        s = free_slot(server, "ww-noord", "hulp-thuis")
        st, _, page = server.get(f"/nl/afspraak?locatie=ww-noord&onderwerp=hulp-thuis&tijd={s['start'][:16]}"
                                 f"&zelfcheck={code_of(theirs)}")
        check(st == 200 and "Uitslag van de zelfcheck delen?" not in page, "foreign code: no consent box")
    finally:
        other.cleanup()


def test_postcode_form(server, binary, sanitizer):
    url = start(server, "s")
    st, _, body = server.get(url)
    check('<form method="post"' in body and 'method="get"' not in body, "the postcode form posts")
    action, fields = form_fields(body, "/zelfcheck")
    names = [k for k, _ in fields]
    check(names == ["csrf", "s"], f"the form carries a CSRF token and the sealed state: {names}")
    # without a token, or from another site: refused
    st, _, _ = post_form(server, action, [f for f in fields if f[0] != "csrf"], [("pc", "7522")])
    check(st == 403, f"no CSRF token: {st}")
    st, _, _ = post_form(server, action, fields, [("pc", "7522")], {"Sec-Fetch-Site": "cross-site"})
    check(st == 403, f"from another site: {st}")
    # a damaged state in the form restarts kindly
    st, _, page = post_form(server, action, [(k, v if k != "s" else flipped(v, 4)) for k, v in fields], [("pc", "7522")])
    check(st == 400 and "link klopt niet" in page, f"a damaged state in the form: {st}")
    # the postcode counts for nearness; an unknown one counts as none
    for pc, near in (("7522 NB", True), ("75", False), ("x" * 3000, False), ("7522" + " " * 40, False)):
        st, h, _ = post_form(server, action, fields, [("pc", pc)])
        check(st == 303 and "7522" not in h.get("location", ""), f"postcode {pc[:10]!r}: a 303 to a sealed URL")
        nxt = h.get("location", "")
        for _ in range(9):
            nxt = answer_links(server.get(nxt)[2])[2][0]
        m = re.search(r'href="([^"]+)"[^>]*>Bekijk uw advies', server.get(nxt)[2])
        st, _, res = server.get(html.unescape(m.group(1)))
        check(st == 200 and (("Dichtbij u" in res) == near), f"postcode {pc[:10]!r}: nearness {near}")


def test_kiosk_skips_postcode(server, binary, sanitizer):
    jar = harness.kiosk_headers(server)
    seen = Seen()
    result, body = walk(server, "s", lambda i, labels: 2, headers=jar, seen=seen, kiosk=True)
    check(body and "Uw advies" in body and "locatie=ww-" in body, "on a kiosk: no postcode, this wijkwijzer")
    problems = [p for u in seen.urls if "/zelfcheck" in u for p in opaque(u, ["xxxxxxx"])]
    check(not problems, f"kiosk URLs show state: {problems[:3]}")


def test_consent_gate(server, binary, sanitizer):
    result, body = walk(server, "s", lambda i, labels: 2)
    code = code_of(result)
    booking = re.search(r'href="(/nl/afspraak\?[^"]+)"', body)
    check(booking and f"zelfcheck={code}" in html.unescape(booking.group(1)), "the booking link carries the sealed code")
    s = free_slot(server, "ww-noord", "hulp-thuis")
    local = s["start"][:16]
    db_path = os.path.join(server.data, "wijkwijzer.db")
    for share in (False, True):
        st, _, page = server.get(f"/nl/afspraak?locatie=ww-noord&onderwerp=hulp-thuis&tijd={local}&zelfcheck={urllib.parse.quote(code)}")
        check("Uitslag van de zelfcheck delen?" in page and 'name="delen"' in page, "consent offered, unticked")
        check('name="delen" value="ja" checked' not in page, "consent is not pre-ticked")
        check("Zelfcheck: Voor mezelf" in page and "Dat lukt niet of moeilijk" in page
              and "Lukt het u om het huishouden te doen?" in page, "the summary shown in words before sharing")
        extra = [("delen", "ja")] if share else []
        (res, _) = book_html(server, "ww-noord", "hulp-thuis", local, name=f"Consent {share}",
                             extra=extra + [("zelfcheck", code)])
        check(res and res[0] == 303, f"booked (share={share})")
        db = sqlite3.connect(db_path)
        row = db.execute("SELECT summary FROM booking WHERE name = ?", (f"Consent {share}",)).fetchone()
        db.close()
        if share:
            check(row and row[0] and "Zelfcheck voor zichzelf" in row[0] and "Lukt niet of moeilijk" in row[0],
                  "summary stored only with consent")
        else:
            check(row and row[0] is None, "no consent: nothing stored")
        token = res[1]["location"].split("/afspraak/")[1].split("?")[0]
        st, _, _ = server.request("DELETE", f"/api/v1/bookings/{token}", b"", {"Content-Length": "0"})
    # a forged or damaged code is ignored: no consent box, nothing stored
    for forged in ("sxxxxxxxxx.7511.AAAAAAAAAAAA", flipped(code, 20)):
        st, _, page = server.get(f"/nl/afspraak?locatie=ww-noord&onderwerp=hulp-thuis&tijd={local}&zelfcheck={forged}")
        check("Uitslag van de zelfcheck delen?" not in page, f"forged code {forged[:12]}: no consent box")


def test_answers_not_logged(server, binary, sanitizer):
    seen = Seen()
    result, _ = walk(server, "s", lambda i, labels: 2, pc="7544", seen=seen)
    out = server.output()
    sealed = [v for u in seen.urls for k, v in urllib.parse.parse_qsl(urllib.parse.urlparse(u).query) if k in ("s", "c")]
    check(sealed and not any(v in out for v in sealed), "sealed states and codes never in the log")
    check("s=" not in out and "c=" not in out and "a=" not in out, "no query strings in the log")


# ---- issue 14: advice that is short and covers every need ----------------

def section(body, cls):
    """The markup of <section class="cls"> (up to its end)."""
    m = re.search(rf'<section class="{cls}"[^>]*>(.*?)</section>', body, re.S)
    return m.group(1) if m else ""


def needs_of(body):
    """[(title, options, nothing nearby, markup)] of the needs, in order."""
    out = []
    parts = re.split(r'<div class="need(?: need-safety)?" id="behoefte-\d+">', body)[1:]
    for p in parts:
        p = p.split('</div>\n<div class="need')[0].split('</section>')[0]
        title = html.unescape(re.sub(r"<[^>]+>", "", re.search(r"<h3>(.*?)</h3>", p, re.S).group(1))).strip()
        options = len(re.findall(r'class="result-title"', p))
        out.append((title, options, "Hier vonden we niets dichtbij." in p, p))
    return out


def steps_of(body):
    return [html.unescape(re.sub(r"<[^>]+>", "", t)).strip()
            for t in re.findall(r'<li><a href="#behoefte-\d+">(.*?)</a></li>', section(body, "advice-summary"), re.S)]


def test_summary_first(server, binary, sanitizer):
    # a heavily burdened carer who stands alone: respite first, then the
    # appointment; no smoke detectors before that
    result, body = walk(server, "c", by_letters("vvvvvjjj"))
    summary = section(body, "advice-summary")
    steps = steps_of(body)
    check(summary and body.index('class="advice-summary"') < body.index('class="advice advice-needs"'),
          "the summary comes before the needs")
    check(1 <= len(steps) <= 3 and steps[0] == "De zorg even overdragen", f"carer: respite first: {steps}")
    book = re.search(r'<a class="button big" href="([^"]+)">Maak een afspraak met de wijkwijzer</a>', summary)
    check(book and html.unescape(book.group(1)).startswith("/nl/afspraak?onderwerp=mantelzorg&zelfcheck="),
          "the booking button is in the summary, a real link with topic and code")
    check("De zorg is nu veel" in summary and "rookmelder" not in summary, "the burden band first, no smoke detectors")
    first = body.index("De zorg even overdragen", body.index('class="advice advice-needs"'))
    check("rookmelder" not in body or body.index("rookmelder") > first, "smoke detectors only after the respite")
    for title, options, nothing, _ in needs_of(body):
        check(1 <= options <= 2 or nothing, f"carer: {title}: one or two options ({options})")
    # the booking page of the button opens (no dead end)
    st, _, page = server.get(html.unescape(book.group(1)))
    check(st == 200, f"booking link opens: {st}")


def test_needs_heaviest_first(server, binary, sanitizer):
    # nothing goes well: each need its own part, heaviest first, one or two
    # options each; cannot travel and little contact makes loneliness heavy
    result, body = walk(server, "s", by_letters("xxxxxxxej"))
    needs = needs_of(body)
    titles = [n[0] for n in needs]
    check(titles and titles[0] == "Niet alleen thuis", f"loneliness (combination) first: {titles}")
    heavy = ["Hulp bij het huishouden in de buurt", "Hulp bij post en geld", "Advies over uw huis"]
    light = ["Vervoer met vrijwilligers", "Bewegen en vallen voorkomen"]
    check(all(t in titles for t in heavy + light), f"every need has its part: {titles}")
    if all(t in titles for t in heavy + light):
        check(max(titles.index(t) for t in heavy) < min(titles.index(t) for t in light),
              f"heavy needs before light ones: {titles}")
    for title, options, nothing, _ in needs:
        check(1 <= options <= 2 or nothing, f"{title}: one or two options, not {options}")
    check(len(steps_of(body)) == 3, "three next steps")
    # money and loneliness are covered, not crowded out by meals and odd jobs
    money = [n for n in needs if n[0] == "Hulp bij post en geld"]
    check(money and money[0][1] >= 1, "money gets its options")
    # each service once, unless a need has nothing else
    ids = re.findall(r'href="/nl/voorzieningen/([a-z0-9-]+)"', section(body, "advice advice-needs"))
    check(len(ids) == len(set(ids)), f"no service twice: {ids}")


def test_combination_rule(server, binary, sanitizer):
    # only both answers together fire the combination
    for letters, want in (("zzxxzzzej", True), ("zzxnzzzej", True), ("zzxzzzzej", False), ("zzzxzzzej", False)):
        result, body = walk(server, "s", by_letters(letters))
        titles = [n[0] for n in needs_of(body)]
        check(("Niet alleen thuis" in titles) == want, f"{letters}: combination {'fires' if want else 'does not fire'}: {titles}")
        if want:
            check(titles[0] == "Niet alleen thuis" and "Praat met de wijkwijzer" in body,
                  f"{letters}: it is heavy: first, and the wijkwijzer: {titles}")
            # an option found by both its terms (company and support) first: a maatje
            first = needs_of(body)[0][3]
            check("Een maatje voor een wandeling of een kop koffie" in first, "a maatje comes to the lonely resident")


def test_all_fine_folds(server, binary, sanitizer):
    result, body = walk(server, "s", by_letters("zzzzzzzej"))
    folded = re.findall(r'<details class="advice-fine"><summary>([^<]*)</summary>(.*?)</details>', body, re.S)
    check(len(folded) == 1, f"one folded line: {len(folded)}")
    if folded:
        check(folded[0][1].count("Fijn dat") == 8 and body.count("Fijn dat") == 8,
              f"the 'Fijn dat' blocks are all inside it: {folded[0][1].count('Fijn dat')} of {body.count('Fijn dat')}")
        check("9 tips" in folded[0][0], f"the line says how many: {folded[0][0]}")
    check(not needs_of(body) and "Fijn, het gaat goed" in section(body, "advice-summary"), "no needs, the summary says it goes well")
    check("/nl/afspraak?onderwerp=" in section(body, "advice-summary"), "still the booking button")


def test_voor_mantelzorg(server, binary, sanitizer):
    st, _, body = server.get("/nl/zelfcheck?voor=mantelzorg")
    check(st == 200 and "Wat is uw postcode?" in body, "voor=mantelzorg starts the carer path (its postcode step)")
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body))
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', body).group(1))
    st, h, _ = server.request("POST", action, urllib.parse.urlencode({**fields, "pc": "7522"}).encode(),
                              {"Content-Type": "application/x-www-form-urlencoded"})
    check(st == 303, f"postcode posted: {st}")
    st, _, body = server.get(h.get("location", "/"))
    check("Voelt de zorg voor de ander zwaar?" in body and "Vraag 1 van 8" in body, "then the first carer question")
    st, _, body = server.get("/nl/zelfcheck?voor=iets")
    check(st == 200 and "Voor wie doet u de zelfcheck?" in body, "another voor: the first step")
    # the carer page's link leads there
    st, _, body = server.get("/nl/mantelzorg")
    check("/nl/zelfcheck?voor=mantelzorg" in body, "the carer page links to it")


def test_advice_links(server, binary, sanitizer):
    # "Doe daarom ook de check 'Ik zorg voor iemand'" is a link
    result, body = walk(server, "s", by_letters("zzzzzzzjj"))
    m = re.search(r'<p class="advice-link"><a href="(/nl/zelfcheck\?s=[^"]+)">Doe de check', body)
    check(m, "the carer check is a link (sealed: it does not show for whom)")
    if m:
        url = give_postcode(server, html.unescape(m.group(1)), "7522")
        st, _, page = server.get(url)
        check("Voelt de zorg voor de ander zwaar?" in page, "it starts the carer path")
    # "op de pagina Mantelzorg" is a link
    result, body = walk(server, "s", by_letters("zzzzzzzej"))
    check('<a href="/nl/mantelzorg">Naar de pagina Mantelzorg</a>' in body, "the Mantelzorg page is a link")
    # advice that says to ask the wijkwijzer links to the appointment
    result, body = walk(server, "s", by_letters("xxxxxnxje"))
    i = body.find("De Regiotaxi")
    m = re.search(r'<p class="advice-link"><a href="(/nl/afspraak\?onderwerp=[^"]+)"', body[i:i + 3000]) if i >= 0 else None
    check(m, "the Regiotaxi advice links to an appointment")
    # every link of the result opens
    for href in set(re.findall(r'href="(/nl/[^"#]+)"', body)):
        st, _, _ = server.get(html.unescape(href))
        check(st == 200, f"{href[:60]}: {st}")


def test_postcode_carried(server, binary, sanitizer):
    seen = Seen()
    result, body = walk(server, "s", by_letters("xxxxxxxej"), pc="7544", seen=seen)
    check(not [u for u in seen.urls if "7544" in u], "the postcode never shows in a URL")
    search = [html.unescape(u) for u in re.findall(r'<p class="more-link"><a href="([^"]+)"', body)]
    check(search and all("zelfcheck=" in u and "7544" not in u for u in search), f"search links carry the sealed code: {search[:2]}")
    if search:
        st, _, page = server.get(search[0])
        plain = urllib.parse.urlparse(search[0]).path + "?" + "&".join(
            p for p in urllib.parse.urlparse(search[0]).query.split("&") if not p.startswith("zelfcheck="))
        st2, _, without = server.get(plain)
        dist = lambda b: re.findall(r"(\d+(?:,\d)? k?m),", b)
        check(st == 200 and dist(page) and not dist(without),
              f"the search sorts by the self-check's postcode: {dist(page)[:3]} / {dist(without)[:3]}")
    book = html.unescape(re.search(r'<a class="button big" href="([^"]+)">Maak een afspraak', body).group(1))
    st, _, page = server.get(book)
    check(st == 200 and re.search(r"\d+(?:,\d)? k?m", page), "the booking's places are sorted by the postcode")
    check('value="7544"' not in page, "and the postcode is not put in a form field, so not in a URL later")
    # a foreign code carries nothing
    st, _, page = server.get("/nl/voorzieningen?categorie=cat-vervoer&zelfcheck=AAAA")
    check(st == 200 and not re.findall(r"(\d+(?:,\d)? k?m),", page), "a damaged code: no place")


def test_nothing_nearby(server, binary, sanitizer):
    # a content copy without any transport service: that need says so
    import shutil, tempfile
    from test_catalog import REPO, serve_content
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "content")
        shutil.copytree(os.path.join(REPO, "content"), src)
        p = os.path.join(src, "catalog", "attributes.csv")
        lines = open(p, encoding="utf-8").read().splitlines(True)
        # catalog/ refers by uuid: the term's uuid from x_slugs.csv
        term = next(r["link_id"] for r in harness.content_rows("catalog/x_slugs.csv")
                    if r["link_entity"] == "taxonomy_term" and r["slug"] == "cat-vervoer")
        open(p, "w", encoding="utf-8").write("".join(l for l in lines if f",{term}\n" not in l))
        s = serve_content(binary, sanitizer, d, src, "import without transport")
        if not s:
            return
        try:
            result, body = walk(s, "s", by_letters("zzxzzzzej"))
            needs = needs_of(body)
            check(needs and needs[0][0] == "Vervoer met vrijwilligers" and needs[0][2] and needs[0][1] == 0,
                  f"nothing nearby, said honestly: {[(n[0], n[1], n[2]) for n in needs]}")
            if needs:
                check("/nl/afspraak?onderwerp=" in needs[0][3], "with the next step: an appointment")
        finally:
            s.cleanup()


def test_consent_words(server, binary, sanitizer):
    result, body = walk(server, "c", by_letters("vvsevjjj"))
    code = code_of(result)
    s = free_slot(server, "ww-noord", "mantelzorg")
    local = s["start"][:16]
    for lang, question, answer, sometimes in (
            ("nl", "Voelt de zorg voor de ander zwaar?", "Vaak of altijd", "Soms"),
            ("ar", "هل تشعر أن رعاية الشخص الآخر ثقيلة عليك؟", "غالبًا أو دائمًا", None)):
        st, _, page = server.get(f"/{lang}/afspraak?locatie=ww-noord&onderwerp=mantelzorg&tijd={local}&zelfcheck={urllib.parse.quote(code)}")
        m = re.search(r'<details class="shared">(.*?)</details>', page, re.S)
        shared = html.unescape(m.group(1)) if m else ""
        check(st == 200 and question in shared and answer in shared, f"{lang}: questions and answers in words: {shared[:300]}")
        check(not re.search(r"zorg-zwaar|tijd-voor-uzelf|er-alleen-voor|zorgen-maken", shared), f"{lang}: no slugs")
        check("Heeft u te weinig tijd voor uzelf?" not in shared or lang == "nl", f"{lang}: not in Dutch")
        # "nee" is not shared, so not shown
        check("Maakt u zich zorgen over de ander of over de zorg?" not in shared, f"{lang}: only what is shared")
        if sometimes:
            check(sometimes in shared and "7 van de 10" in shared, f"{lang}: soms and the burden")


def test_safety_need_first(server, binary, sanitizer):
    # unsafe at home, with other needs: Veilig Thuis is the first step
    result, body = walk(server, "s", by_letters("xxxxxxxee"))
    steps = steps_of(body)
    check(steps and steps[0] == "Praat erover met Veilig Thuis", f"safety first: {steps}")
    check('<div class="need need-safety" id="behoefte-1">' in body and "0800-2000" in body, "the first need, marked, with the number")
    check('<a href="tel:08002000">' in body, "the number is a tappable tel: link at home")
    result, body = walk(server, "s", by_letters("xxxxxxxee"), headers=harness.kiosk_headers(server), kiosk=True)
    check("0800-2000" in body and "tel:" not in body.split("<footer")[0],
          "on a kiosk, which cannot call, the number is text")
