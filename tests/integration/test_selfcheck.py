"""The self-check over HTTP: every path from start to result, every rule
reachable, no dead ends, the result link round trip, tampered links, the
consent gate for sharing with a booking."""
import html
import os
import re
import sqlite3
import urllib.parse

from harness import check
from test_booking import book_html, form_fields, free_slot, post_form

ALLOWED = {"lukt": "znx", "belasting": "esv", "janee": "je"}


def walk(server, path, answers_for, pc="7522"):
    """Clicks through the check as a resident: returns (result URL, body)."""
    st, _, body = server.get("/nl/zelfcheck")
    link = re.search(rf'href="(/nl/zelfcheck\?p={path}&amp;a=)"', body)
    if not check(link, f"start link for path {path}"):
        return None, None
    st, _, body = server.get(html.unescape(link.group(1)))
    check("Wat is uw postcode?" in body, "postcode asked once")
    url = f"/nl/zelfcheck?p={path}&a=&pc={pc}"
    i = 0
    while True:
        st, _, body = server.get(url)
        if "Kloppen uw antwoorden?" in body:
            break
        check(st == 200 and "Weet ik niet" in body and "Sla deze vraag over" in body, f"question {i}: both always allowed")
        progress = re.search(r"Vraag (\d+) van (\d+)", body)
        check(progress and int(progress.group(1)) == i + 1, f"progress shows question {i + 1}")
        links = re.findall(r'<a class="answer[^"]*" href="([^"]+)">([^<]+)</a>', body)
        want = answers_for(i, [html.unescape(t) for _, t in links])
        url = html.unescape(links[want][0])
        i += 1
        if i > 30:
            check(False, "too many questions")
            return None, None
    m = re.search(r'<a class="button big" href="([^"]+)">Bekijk uw advies', body)
    check(m and "Wijzig" in body, "check page with change links and result link")
    result = html.unescape(m.group(1))
    st, h, body = server.get(result)
    check(st == 200 and "no-store" in h.get("cache-control", ""), "result page")
    return result, body


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
        st, _, body = server.get(f"/nl/zelfcheck?p={path}&a=&pc=-")
        n = int(re.search(r"Vraag 1 van (\d+)", body).group(1))
        bad = []
        for q in range(n):
            st, _, body = server.get(f"/nl/zelfcheck?p={path}&a={'o' * q}&pc=-")
            letters = [urllib.parse.parse_qs(urllib.parse.urlparse(html.unescape(h)).query)["a"][0][-1]
                       for h in re.findall(r'<a class="answer[^"]*" href="([^"]+)"', body)]
            for a in letters:
                answers = "o" * q + a + "o" * (n - q - 1)
                st, _, page = server.get(f"/nl/zelfcheck?p={path}&a={answers}&pc=-")
                m = re.search(r'href="([^"]+)">Bekijk uw advies', page)
                st, _, res = server.get(html.unescape(m.group(1))) if m else (0, None, "")
                if st != 200 or "/nl/afspraak?onderwerp=" not in res or 'class="advice' not in res:
                    bad.append((path, q, a, st))
        check(not bad, f"{path}: every answer ends in advice with a next step: {bad[:5]}")


def test_change_answer(server, binary, sanitizer):
    st, _, body = server.get("/nl/zelfcheck?p=s&a=zzzzzzzee&pc=7511&q=2")
    check("Vraag 3 van 9" in body and "Terug naar het overzicht" in body, "change one answer")
    links = re.findall(r'<a class="answer[^"]*" href="([^"]+)"', body)
    target = html.unescape(links[2])
    check("a=zzxzzzzee" in target and "q=" not in target, "the change goes straight back to the overview")


def test_tampered_links(server, binary, sanitizer):
    result, body = walk(server, "s", lambda i, labels: 0)
    code = urllib.parse.parse_qs(urllib.parse.urlparse(result).query)["c"][0]
    for bad in (code[:-1] + ("A" if code[-1] != "A" else "B"), code.replace("z", "x", 1), "", "s.x",
                code + "zz", "<script>", "%00", "c" + code[1:]):
        st, _, page = server.get("/nl/zelfcheck/uitslag?c=" + urllib.parse.quote(bad))
        check(st == 400 and "Opnieuw beginnen" in page and "<script>" not in page, f"tampered {bad!r} rejected kindly")
    st, _, page = server.get("/nl/zelfcheck?p=s&a=qqq")
    check(st == 200 and "link klopt niet" in page, "bad answers in the flow restart kindly")
    st, _, page = server.get("/nl/zelfcheck?p=%3Cx%3E")
    check(st == 200 and "<x>" not in page, "bad path shows the start")
    st, _, page = server.get("/ar" + result[3:])
    check(st == 200 and 'dir="rtl"' in page, "the same result link in Arabic")


def test_consent_gate(server, binary, sanitizer):
    result, body = walk(server, "s", lambda i, labels: 2)
    code = urllib.parse.parse_qs(urllib.parse.urlparse(result).query)["c"][0]
    s = free_slot(server, "ww-noord", "hulp-thuis")
    local = s["start"][:16]
    db_path = os.path.join(server.data, "wijkwijzer.db")
    for share in (False, True):
        st, _, page = server.get(f"/nl/afspraak?locatie=ww-noord&onderwerp=hulp-thuis&tijd={local}&zelfcheck={urllib.parse.quote(code)}")
        check("Uitslag van de zelfcheck delen?" in page and 'name="delen"' in page, "consent offered, unticked")
        check('name="delen" value="ja" checked' not in page, "consent is not pre-ticked")
        extra = [("delen", "ja")] if share else []
        (res, _) = book_html(server, "ww-noord", "hulp-thuis", local, name=f"Consent {share}",
                             extra=extra + [("zelfcheck", code)])
        check(res and res[0] == 303, f"booked (share={share})")
        db = sqlite3.connect(db_path)
        row = db.execute("SELECT summary FROM booking WHERE name = ?", (f"Consent {share}",)).fetchone()
        db.close()
        if share:
            check(row and row[0] and "Zelfcheck voor zichzelf" in row[0], "summary stored only with consent")
        else:
            check(row and row[0] is None, "no consent: nothing stored")
        token = res[1]["location"].split("/afspraak/")[1].split("?")[0]
        st, _, _ = server.request("DELETE", f"/api/v1/bookings/{token}", b"", {"Content-Length": "0"})
    # a forged code is ignored: no consent box, nothing stored
    st, _, page = server.get(f"/nl/afspraak?locatie=ww-noord&onderwerp=hulp-thuis&tijd={local}&zelfcheck=sxxxxxxxxx.7511.AAAAAAAAAAAA")
    check("Uitslag van de zelfcheck delen?" not in page, "forged code: no consent box")


def test_answers_not_logged(server, binary, sanitizer):
    server.get("/nl/zelfcheck?p=s&a=xxxxxxxee&pc=7522")
    out = server.output()
    check("xxxxxxxee" not in out and "a=" not in out, "answers never in the log")
