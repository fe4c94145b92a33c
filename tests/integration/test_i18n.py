"""Every page in every language: no Dutch text left where a translation
exists, the remembered language, and interleaved requests in all seven
languages that never mix."""
import concurrent.futures
import html
import json
import os
import re

from harness import check

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
    return ["/{l}/", "/{l}/zelfcheck", "/{l}/zelfcheck?p=s&a=&pc=-", "/{l}/zelfcheck?p=c&a=eeee&pc=-",
            "/{l}/zelfcheck?p=o&a=xnwo&pc=-", "/{l}/voorzieningen?postcode=7511AB",
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
            st, _, body = server.get(path, {"Cookie": "ww_kiosk=demo"} if path.startswith("/kiosk") else None)
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


def test_interleaved_all_languages(server, binary, sanitizer):
    markers = {}
    for lang in LANGS:
        t = po_entries(os.path.join(REPO, "locales", "ui", f"{lang}.po")).get("Direct naar de inhoud")
        if t:
            markers[lang] = t
    markers["nl"] = "Direct naar de inhoud"
    jobs = [l for _ in range(60) for l in markers]

    def fetch(lang):
        st, _, body = server.get(f"/{lang}/voorzieningen?postcode=7511")
        return lang, st, body
    wrong = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as ex:
        for lang, st, body in ex.map(fetch, jobs):
            ok = st == 200 and markers[lang] in body and f'<html lang="{lang}"' in body
            ok = ok and not any(m in body for l, m in markers.items() if l != lang and m != markers[lang])
            wrong += not ok
    check(wrong == 0, f"{wrong} of {len(jobs)} responses in seven interleaved languages were mixed")


def test_bidi_isolation(server, binary, sanitizer):
    st, _, body = server.get("/ar/voorzieningen/zorgbelang-clientondersteuning")
    check(re.search(r'<a href="tel:[0-9+]+" class="ltr">', body) is not None, "phone numbers isolated left-to-right")
    check(re.search(r'<span class="ltr">75\d\d [A-Z]{2}</span>', body) is not None, "postcodes isolated left-to-right")
