"""Every page in every language: no Dutch text left where a translation
exists, the remembered language, and interleaved requests in all seven
languages that never mix."""
import concurrent.futures
import html
import http.client
import json
import os
import re
import threading
import time

import harness
from harness import check
from test_selfcheck import start, state_url

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LANGS = ["en", "de", "tr", "ar", "pl", "uk"]


def po_entries(path):
    """msgid -> msgstr of a .po file (plural entries: the first form)."""
    entries, cur, field = {}, {}, None
    def flush():
        if cur.get("msgid") and "msgctxt" not in cur:
            entries[cur["msgid"]] = cur.get("msgstr", cur.get("msgstr[0]", ""))
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[0\])?|msgstr\[\d+\]) "(.*)"$', line)
        if m:
            if m.group(1) in ("msgid", "msgctxt") and ("msgstr" in cur or "msgstr[0]" in cur):
                flush()
                cur = {}
            field = m.group(1)
            cur[field] = json.loads('"' + m.group(2) + '"')
        elif line.startswith('"') and field:
            cur[field] += json.loads(line)
        elif not line.strip():
            if "msgstr" in cur or "msgstr[0]" in cur:
                flush()
            cur, field = {}, None
    flush()
    return entries


def page_text(body):
    body = re.sub(r"<(script|style|svg)[^>]*>.*?</\1>", " ", body, flags=re.S)
    # attribute values that people read (aria-label, title, placeholder) count too
    attrs = " ".join(re.findall(r'(?:aria-label|title|placeholder|data-[a-z-]+)="([^"]*)"', body))
    text = re.sub(r"<[^>]+>", "\n", body)
    return html.unescape(text + "\n" + attrs)


def pages(server):
    s = json.loads(server.get("/api/v1/services?limit=3")[2])["services"]
    # self-check pages: the state is sealed, so its URLs come from clicking
    # through in Dutch; the same URL then shows the page in any language
    checks = [start(server, "s"), state_url(server, "s", ""), state_url(server, "c", "eeee"),
              state_url(server, "o", "xnwo")]
    checks = ["/{l}/" + u[len("/nl/"):] for u in checks if u]
    return ["/{l}/", "/{l}/zelfcheck"] + checks + ["/{l}/voorzieningen?postcode=7511AB",
            "/{l}/voorzieningen?q=xyzzy", "/{l}/voorzieningen?postcode=abc",
            "/{l}/mantelzorg", "/{l}/afspraak", "/{l}/afspraak?locatie=ww-centrum",
            "/{l}/afspraak?locatie=ww-centrum&onderwerp=wonen", "/{l}/medewerker", "/{l}/nergens",
            "/kiosk/demo?lang={l}"] + ["/{l}/voorzieningen/" + x["id"] for x in s] + \
           ["/{l}/voorzieningen/estinea-weekendlogeren"]


def test_no_untranslated_text(server, binary, sanitizer):
    sources = set(po_entries(os.path.join(REPO, "locales", "ui", "wijkwijzer.pot"))) | \
        set(po_entries(os.path.join(REPO, "locales", "content", "wijkwijzer-content.pot")))
    for lang in LANGS:
        same = {k for table in ("ui", "content")
                for k, v in po_entries(os.path.join(REPO, "locales", table, f"{lang}.po")).items() if v == k}
        # every Dutch source text, except those a translator kept as they are (names)
        dutch = {m.strip() for m in sources - same if len(m) >= 12 and "%" not in m}
        leaks = []
        for p in pages(server):
            path = p.format(l=lang)
            st, _, body = server.get(path, harness.kiosk_headers(server) if path.startswith("/kiosk") else None)
            # whole texts, so a Dutch name kept inside a translation is fine
            lines = {l.strip() for l in page_text(body).split("\n") if l.strip()}
            for d in dutch & lines:
                leaks.append((path, d[:60]))
        check(not leaks, f"{lang}: Dutch text left in pages: {leaks[:8]} ({len(leaks)} in all)")


def test_language_remembered(server, binary, sanitizer):
    st, h, _ = server.get("/uk/")
    check("lang=uk" in h.get("set-cookie", ""), "a page sets the remembered language")
    st, h, _ = server.get("/", {"Cookie": "lang=uk", "Accept-Language": "de"})
    check(h.get("location") == "/uk/", "the remembered choice wins over the browser")
    st, h, _ = server.get("/uk/", {"Cookie": "lang=uk"})
    check("set-cookie" not in h, "no cookie sent again when it is right")


def content_markers(server, count=3):
    """Catalogue texts (the content domain) on the Dutch search page that
    every language translates into something else."""
    st, _, body = server.get("/nl/voorzieningen?postcode=7511")
    lines = {l.strip() for l in page_text(body).split("\n") if l.strip()}
    po = {l: po_entries(os.path.join(REPO, "locales", "content", f"{l}.po")) for l in LANGS}
    found = sorted(m for m in lines if len(m) >= 20 and all(po[l].get(m) not in (None, "", m) for l in LANGS))
    return {l: [po[l][m] for m in found[:count]] for l in LANGS} | {"nl": found[:count]}


def test_interleaved_all_languages(server, binary, sanitizer):
    """Requests in the seven languages at once, from many connections, so
    that a server with several workers renders different languages at the
    same moment (gettext per thread, two text domains): no page may show
    a text of another language."""
    ui = {"nl": ["Direct naar de inhoud"]}
    for lang in LANGS:
        t = po_entries(os.path.join(REPO, "locales", "ui", f"{lang}.po")).get("Direct naar de inhoud")
        ui[lang] = [t] if t else []
    content = content_markers(server)
    check(all(len(ui[l]) == 1 and len(content[l]) == 3 for l in ui),
          f"markers for every language: {ui} {content}")
    # the search page carries both domains, the home page the UI domain
    pages = [("/{l}/voorzieningen?postcode=7511", True), ("/{l}/", False)]
    langs = ["nl"] + LANGS
    conns, per_conn = 28, 15
    barrier = threading.Barrier(conns)
    spans = []  # (start, end, lang) of every request, for the overlap check
    lock = threading.Lock()

    def connection(i):
        """One keep-alive connection that changes language every request."""
        out = []
        # server.sanitizer: a sanitizer build or a wrapper such as valgrind
        c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120 if server.sanitizer else 30)
        barrier.wait()
        for k in range(per_conn):
            lang = langs[(i + k) % len(langs)]
            path, both = pages[(i // len(langs) + k) % len(pages)]
            t0 = time.time()
            try:
                c.request("GET", path.format(l=lang))
                r = c.getresponse()
                body = r.read().decode("utf-8", "replace")
                st = r.status
                if (r.getheader("Connection") or "").lower() == "close":
                    c.close()
            except (OSError, http.client.HTTPException) as e:
                st, body = 0, repr(e)
                c.close()
            with lock:
                spans.append((t0, time.time(), lang))
            out.append((lang, both, st, body))
        c.close()
        return out

    with concurrent.futures.ThreadPoolExecutor(max_workers=conns) as ex:
        results = [r for rs in ex.map(connection, range(conns)) for r in rs]
    wrong, examples = 0, []
    for lang, both, st, body in results:
        own = ui[lang] + (content[lang] if both else [])
        others = {m for l in langs if l != lang for m in ui[l] + (content[l] if both else [])} - set(own)
        text = html.unescape(body)  # "d'Or" arrives as "d&#39;Or"
        ok = st == 200 and f'<html lang="{lang}"' in body and all(m in text for m in own)
        leaked = [m for m in others if m in text]
        if not ok or leaked:
            wrong += 1
            examples.append((lang, st, leaked[:2]))
    check(wrong == 0, f"{wrong} of {len(results)} responses in seven interleaved languages were mixed: {examples[:5]}")
    # the requests really overlapped: at the busiest moment, requests in
    # several languages were out at once, and nearly every request had one
    # in another language out beside it
    events = sorted([(a, 1, l) for a, _, l in spans] + [(b, -1, l) for _, b, l in spans])
    out, busiest = {}, 0
    for _, d, l in events:
        out[l] = out.get(l, 0) + d
        busiest = max(busiest, sum(1 for v in out.values() if v > 0))
    beside = sum(1 for a, b, l in spans if any(a2 < b and a < b2 and l2 != l for a2, b2, l2 in spans))
    check(busiest == len(langs) and beside >= 0.9 * len(spans),
          f"requests interleaved: {busiest} languages out at once at most, {beside} of {len(spans)} "
          "requests overlapped one in another language")


def test_bidi_isolation(server, binary, sanitizer):
    st, _, body = server.get("/ar/voorzieningen/zorgbelang-clientondersteuning")
    check(re.search(r'<a href="tel:[0-9+]+" class="ltr">', body) is not None, "phone numbers isolated left-to-right")
    check(re.search(r'<span class="ltr">75\d\d [A-Z]{2}</span>', body) is not None, "postcodes isolated left-to-right")


def headings(body):
    """The levels and texts of the headings of a page, in order."""
    return [(int(m.group(1)), re.sub(r"<[^>]+>", "", m.group(2)).strip())
            for m in re.finditer(r"<h([1-6])\b[^>]*>(.*?)</h\1>", body, flags=re.S)]


def test_page_structure(server, binary, sanitizer):
    """Screen-reader structure on every page, in Dutch and Arabic: the
    first heading is the one h1 (no error summary or dialog heading before
    it), levels never skip one, no bold paragraph posing as a heading,
    and a form that came back with errors says "Fout:" first in its
    title."""
    for lang in ("nl", "ar"):
        for p in pages(server):
            path = p.format(l=lang)
            st, _, body = server.get(path, harness.kiosk_headers(server) if path.startswith("/kiosk") else None)
            hs = headings(body)
            check(hs and hs[0][0] == 1 and sum(1 for h in hs if h[0] == 1) == 1,
                  f"{path}: the first heading is the only h1: {hs[:3]}")
            jumps = [(a, b) for a, b in zip(hs, hs[1:]) if b[0] > a[0] + 1]
            check(not jumps, f"{path}: no heading level skipped: {jumps[:2]}")
            check(not re.search(r"<p>\s*<strong>[^<]*</strong>\s*</p>", body),
                  f"{path}: no pseudo-headings")
            title = re.search(r"<title>([^<]*)</title>", body).group(1)
            error = "Fout:" if lang == "nl" else None
            if st == 422 and error:
                check(title.startswith(error), f"{path}: a form with errors: title {title!r}")
            elif lang == "nl":
                check(not title.startswith("Fout:"), f"{path}: no 'Fout:' without errors: {title!r}")
    st, _, body = server.get("/nl/voorzieningen?postcode=12")
    check(st == 422 and re.search(r"<title>Fout: ", body) and "Controleer de postcode" in body,
          f"a mistyped postcode: 422, 'Fout:' in the title and what to check: {st}")
    hs = headings(body)
    check(hs[0][0] == 1 and hs[1] == (2, "Controleer de postcode"), f"the summary follows the h1: {hs[:2]}")
