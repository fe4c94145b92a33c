"""Catalogue scenarios: ranking by distance, the JSON API shape, import
validation with broken files, and reloading content on SIGHUP."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

import harness
from harness import check

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def test_distance_order(server, binary, sanitizer):
    st, _, body = server.get("/api/v1/services?near=7545&limit=100")
    data = json.loads(body)
    d = [s["distance_m"] for s in data["services"]]
    check(st == 200 and len(d) > 10, "nearby services returned")
    check(d == sorted(d), "sorted by distance")
    check(all(isinstance(x, int) for x in d), "distances are whole metres")
    st, _, body = server.get("/api/v1/services?near=7545AB")
    check(st == 200, "PC6 accepted (falls back to its PC4)")
    st, _, body = server.get("/api/v1/services?near=7545%20ab")
    check(st == 200, "postcode with a space and lower case accepted")


def test_lang_in_api(server, binary, sanitizer):
    st, _, body = server.get("/api/v1/services?near=abc&lang=en")
    check(st == 400 and "four numbers" in body, "API errors follow ?lang")
    st, _, body = server.get("/api/v1/services?near=abc", {"Accept-Language": "en"})
    check(st == 400 and "four numbers" in body, "API errors follow Accept-Language")


def test_pages_all_results_link(server, binary, sanitizer):
    st, _, body = server.get("/nl/voorzieningen")
    m = re.search(r'id="result-count">(\d+) resultaten', body)
    check(m and int(m.group(1)) >= 80, "at least 80 services listed")
    check('aria-current="page"' in body, "pager shows the current page")
    st, _, body2 = server.get("/nl/voorzieningen?pagina=2")
    first = re.findall(r'result-title"><a href="([^"]+)"', body)
    second = re.findall(r'result-title"><a href="([^"]+)"', body2)
    check(first and second and not set(first) & set(second), "page 2 shows other services")


def test_every_service_page(server, binary, sanitizer):
    st, _, body = server.get("/api/v1/services?limit=100")
    ids = [s["id"] for s in json.loads(body)["services"]]
    bad = []
    for sid in ids:
        for lang in ("nl", "ar"):
            st, _, page = server.get(f"/{lang}/voorzieningen/{sid}")
            if st != 200 or "<h1>" not in page:
                bad.append((lang, sid, st))
    check(not bad, f"service pages failed: {bad[:5]}")


def run_import(src, out):
    imp = os.path.join(os.path.dirname(out), "..", "wijkwijzer-import")
    imp = os.path.join(REPO, "build", "wijkwijzer-import")
    return subprocess.run([imp, src, out], capture_output=True, text=True, timeout=60)


def break_file(root, rel, find, replace):
    p = os.path.join(root, rel)
    s = open(p, encoding="utf-8").read()
    assert find in s, (rel, find)
    open(p, "w", encoding="utf-8").write(s.replace(find, replace, 1))


def test_import_validation(server, binary, sanitizer):
    cases = [
        # catalog/ refers by uuid (content/README.md, "Ids")
        ("catalog/services.csv", ",bf3e0312-f47a-59d4-ba84-ec379182d4e1,",
         ",00000000-0000-5000-8000-000000000000,",
         r"services\.csv:\d+: field organization_id: points to nothing: "
         r"'00000000-0000-5000-8000-000000000000'"),
        ("catalog/services.csv", ",bf3e0312-f47a-59d4-ba84-ec379182d4e1,", ",gemeente-enschede-wijkwijzers,",
         r"services\.csv:\d+: field organization_id: must be a uuid"),
        ("catalog/x_slugs.csv", ",wijkwijzer-afspraak\n", ",wijkwijzer-inloop\n",
         r"x_slugs\.csv:\d+: field slug: repeats 'wijkwijzer-inloop'"),
        ("catalog/schedules.csv", ",09:00,", ",9 uur,", r"schedules\.csv:\d+: field opens_at: must be a time"),
        ("catalog/locations.csv", "52.2", "48.8", r"locations\.csv:\d+: field latitude"),
        ("catalog/addresses.csv", "7511 ", "7511-", r"addresses\.csv:\d+: field postal_code"),
        ("catalog/organizations.csv", "id,name,", "id,naam,",
         r"organizations\.csv:1: column 'naam' is neither ours nor an HSDS 3\.0 column"),
        ("catalog/services.csv", "\n54fbd0a8-92a9-5e9f-ae8c-cbe0488bc9c9,", "\n5d95662a-6326-54a0-9371-95a6df303aad,",
         r"services\.csv:\d+: field id: repeats"),
        ("catalog/x_holidays.csv", "date,name", "datum,name", r"x_holidays\.csv:1: the header must be exactly"),
        ("selfcheck/rules.csv", ",huishouden,", ",bestaat-niet,", r"rules\.csv:\d+: field question: points to nothing"),
        ("selfcheck/combinations.csv", "contact=niet|netwerk", "contact=niet|vaakx",
         r"combinations\.csv:\d+: field conditions: write question=answer"),
        ("selfcheck/combinations.csv", "vervoer=niet;", "bestaat-niet=niet;",
         r"combinations\.csv:\d+: field conditions"),
        ("selfcheck/combinations.csv", "cat-begeleiding;", "cat-bestaat-niet;",
         r"combinations\.csv:\d+: field needs: unknown taxonomy term"),
        ("selfcheck/advice.csv", ",zelfcheck-mantelzorg\n", ",ergens-heen\n", r"advice\.csv:\d+: field link"),
        ("catalog/x_respite.csv", ",gemeente", ",de-buren", r"x_respite\.csv:\d+: field payer"),
        ("site.csv", "17:00\n", "17:00\nHengelo,nee,,,\n", r"site\.csv:\d+: needs exactly one row"),
        ("site.csv", ",08:30,", ",half negen,", r"site\.csv:\d+: field phone_opens"),
        ("site.csv", ",053 000 7379,", ",bel ons,", r"site\.csv:\d+: field phone"),
        ("site.csv", "Enschede,ja", "Enschede,misschien", r"site\.csv:\d+: field example"),
    ]
    for rel, find, replace, want in cases:
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "content")
            shutil.copytree(os.path.join(REPO, "content"), src)
            out = os.path.join(d, "content.db")
            good = run_import(src, out)
            check(good.returncode == 0, f"clean copy imports: {good.stderr}")
            before = open(out, "rb").read()
            try:
                break_file(src, rel, find, replace)
            except AssertionError as e:
                check(False, f"test data: {e}")
                continue
            p = run_import(src, out)
            check(p.returncode == 1 and re.search(want, p.stderr), f"{rel}: {p.stderr.strip()!r} !~ {want}")
            check(open(out, "rb").read() == before, f"{rel}: previous content.db kept")
            check(not os.path.exists(out + ".tmp"), "no temporary file left")


def serve_content(binary, sanitizer, d, src, what):
    """Imports the content folder src into d/built and starts a server on
    it; None when the import failed."""
    built = os.path.join(d, "built")
    os.mkdir(built)
    if not check(run_import(src, os.path.join(built, "content.db")).returncode == 0, what):
        return None
    return harness.Server(binary, sanitizer=sanitizer, extra=["--content", built])


def test_municipality_from_content(server, binary, sanitizer):
    """The home page names the municipality and counts its wijkwijzers from
    the content (site.csv, appointments/locations.csv), not from C."""
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "content")
        shutil.copytree(os.path.join(REPO, "content"), src)
        break_file(src, "site.csv", "Enschede,ja", "Hengelo,nee")
        s = serve_content(binary, sanitizer, d, src, "import with Hengelo")
        if not s:
            return
        try:
            st, _, body = s.get("/nl/")
            check(st == 200 and "In Hengelo is veel te doen" in body and "Hengelo heeft 10 wijkwijzers." in body
                  and "Enschede heeft" not in body, f"the home page names the content's municipality: {st}")
            check("<title>Hulp en ondersteuning dichtbij - Wijkwijzer Hengelo</title>" in body
                  and '<span class="brand-place">Hengelo</span>' in body and "Hulp in uw buurt in Hengelo" in body,
                  "title, brand and description name it")
            check("demo-note" not in body, "content that is not an example has no demo notice")
            st, _, body = s.get("/en/")
            check("Hengelo has 10 wijkwijzers" in body, "in English too")
            st, _, body = s.get("/ar/mantelzorg")
            counts = re.findall(r'<li class="path-card"><h3>.*?</h3><p>([^<]*)</p>', body)
            check(st == 200 and counts and all(c.endswith("Hengelo") for c in counts),
                  f"the carer page's counts name it too (Arabic): {counts[:3]}")
        finally:
            s.cleanup()
    st, _, body = server.get("/nl/")
    check("Enschede heeft 10 wijkwijzers." in body and "demo-note" in body,
          "the demo content: Enschede, ten wijkwijzers, an example")


def test_sighup_reload(server, binary, sanitizer):
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "content")
        shutil.copytree(os.path.join(REPO, "content"), src)
        built = os.path.join(d, "built")
        os.mkdir(built)
        out = os.path.join(built, "content.db")
        check(run_import(src, out).returncode == 0, "import for reload test")
        s = harness.Server(binary, sanitizer=sanitizer, extra=["--content", built])
        try:
            st, _, body = s.get("/nl/voorzieningen/zorgbelang-clientondersteuning")
            check(st == 200, "served from the temporary content")
            # a long request-in-progress: keep a WebSocket open over the reload
            ws = harness.WebSocket(s.port)
            break_file(src, "catalog/services.csv", "Onafhankelijke cliëntondersteuning", "Nieuwe naam ondersteuning")
            check(run_import(src, out).returncode == 0, "re-import")
            s.proc.send_signal(1)
            deadline = time.time() + 10
            while time.time() < deadline and "content reloaded" not in s.output():
                time.sleep(0.05)
            st, _, body = s.get("/nl/voorzieningen/zorgbelang-clientondersteuning")
            check("Nieuwe naam ondersteuning" in body, "new content served after SIGHUP")
            ws.send('{"type":"ping"}')
            check(json.loads(ws.recv_text()).get("type") == "pong", "WebSocket survived the reload")
            ws.close()
            # a broken database file: the server keeps the last good content
            open(out + ".new", "wb").write(b"this is not a database")
            os.replace(out + ".new", out)
            s.proc.send_signal(1)
            deadline = time.time() + 10
            while time.time() < deadline and "keeping the last good content" not in s.output():
                time.sleep(0.05)
            check("keeping the last good content" in s.output(), "broken reload reported")
            st, _, body = s.get("/nl/voorzieningen/zorgbelang-clientondersteuning")
            check(st == 200 and "Nieuwe naam ondersteuning" in body, "last good content still served")
        finally:
            rc = s.stop()
            check(rc == 0, f"exit after reloads {rc}")
            s.cleanup()


def test_postcode_importer(server, binary, sanitizer):
    imp = os.path.join(REPO, "build", "wijkwijzer-import")
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "content")
        shutil.copytree(os.path.join(REPO, "content"), src)
        addr = os.path.join(d, "bag.csv")
        with open(addr, "w") as f:
            f.write("postcode,huisnummer,x,y,wijk,stadsdeel,municipality\n"
                    "7511 AB,1,258200,471600,Binnensingelgebied,Centrum,Enschede\n"
                    "7511AB,3,258220,471620,\"Binnensingel, oost\",Centrum,Enschede\n"
                    "7511AB,5,258240,471640,Binnensingelgebied,Centrum,Enschede\n"
                    "geen postcode,1,1,1,,,\n")
        p = subprocess.run([imp, "--postcodes", addr, os.path.join(src, "postcodes")], capture_output=True, text=True)
        check(p.returncode == 0 and "skipped" in p.stderr and "3 addresses" in p.stderr, f"postcodes from addresses: {p.stderr}")
        pc6 = open(os.path.join(src, "postcodes", "pc6.csv")).read()
        check("7511AB,52.22" in pc6 and '"Binnensingelgebied"' in pc6, f"pc6 row with the most common wijk: {pc6}")
        s = serve_content(binary, sanitizer, d, src, "the generated tables import")
        if not s:
            return
        try:
            st, _, body = s.get("/api/v1/services?near=7511AB&limit=1")
            check(st == 200 and json.loads(body)["services"][0]["distance_m"] < 3000, "PC6 from the importer used")
            st, _, body = s.get("/api/v1/services?near=7545&limit=1")
            check(st == 422, "postcodes not in the address file are unknown")
        finally:
            s.cleanup()


def test_capped_total(server, binary, sanitizer):
    """A catalogue of 1 500 services (bench/gen_catalog.py): counting stops
    past 1 000, the API says so (total_capped) and the page says "meer dan
    1.000"; nearby pages stay in distance order across the cap."""
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "content")
        p = subprocess.run(["python3", os.path.join(REPO, "bench", "gen_catalog.py"), src, "--services", "1500",
                            "--organizations", "200", "--locations", "400"], capture_output=True, text=True, timeout=120)
        check(p.returncode == 0, f"gen_catalog: {p.stderr}")
        built = os.path.join(d, "built")
        os.mkdir(built)
        imp = run_import(src, os.path.join(built, "content.db"))
        check(imp.returncode == 0, f"import of 1 500 services: {imp.stderr}")
        s = harness.Server(binary, sanitizer=sanitizer, extra=["--content", built])
        try:
            st, _, body = s.get("/api/v1/services?limit=5")
            data = json.loads(body)
            check(st == 200 and data["total"] == 1001 and data["total_capped"] is True, f"capped total: {body[:200]}")
            st, _, body = s.get("/api/v1/services?q=koffie&limit=5")
            data = json.loads(body)
            check(st == 200 and 0 < data["total"] <= 1000 and data["total_capped"] is False, "small total not capped")
            st, _, body = s.get("/nl/voorzieningen")
            check(st == 200 and "meer dan 1.000 resultaten" in body, "page says 'meer dan 1.000'")
            st, _, body = s.get("/en/voorzieningen")
            check(st == 200 and "more than 1,000 results" in body, "translated")
            # nearby: the pages after the first continue the distance order
            st, _, body = s.get("/api/v1/services?near=1012&limit=100")
            d1 = [x["distance_m"] for x in json.loads(body)["services"]]
            check(d1 == sorted(d1) and len(d1) == 100, "nearby sorted")
            first = re.findall(r'result-title"><a href="([^"]+)"', s.get("/nl/voorzieningen?postcode=1012")[2])
            second = re.findall(r'result-title"><a href="([^"]+)"', s.get("/nl/voorzieningen?postcode=1012&pagina=2")[2])
            check(len(first) == 20 and len(second) == 20 and not set(first) & set(second), "page 2 of a nearby search")
            st, _, body = s.get("/nl/voorzieningen?pagina=60")
            check(st == 200 and "result-title" in body, "a page past the cap still answers")
        finally:
            s.cleanup()


# ---- issue 14: results first, ranking, facts shown right ---------------------

RESULT_ID = re.compile(r'result-title"><a href="/[a-z]+/voorzieningen/([a-z0-9-]+)')


def result_ids(body):
    return RESULT_ID.findall(body)


def general_services():
    """The services for everyone: the target group 'iedereen', or none."""
    groups = {}
    for a in harness.content_rows("catalog/attributes.csv"):
        if a["link_entity"] == "service" and a["taxonomy_term_id"].startswith("dg-"):
            groups.setdefault(a["link_id"], set()).add(a["taxonomy_term_id"])
    return {s["id"] for s in harness.content_rows("catalog/services.csv")
            if "dg-iedereen" in groups.get(s["id"], {"dg-iedereen"})}


def distances_m(body):
    """The distances of a result list in metres ("150 m", "1,2 km")."""
    out = []
    for num, unit in re.findall(r'</svg>([0-9.,]+) (m|km), ', body):
        v = float(num.replace(".", "").replace(",", "."))
        out.append(v * 1000 if unit == "km" else v)
    return out


def test_filters_closed_unless_set(server, binary, sanitizer):
    """Empty filter fields (as the form sends them) neither open 'Meer
    keuzes' nor filter; a filter set opens it and shows a label that
    removes just that filter."""
    st, _, plain = server.get("/nl/voorzieningen?q=koffie")
    st, _, body = server.get("/nl/voorzieningen?q=koffie&postcode=&categorie=&doelgroep=&kosten=")
    check(st == 200 and '<details class="filters">' in body, "empty filter fields leave 'Meer keuzes' closed")
    check("active-filters" not in body and "filter-label" not in body, "no filter labels without filters")
    check(result_ids(body) == result_ids(plain) and result_ids(body), "empty filter fields do not filter")
    check('action="/nl/voorzieningen#result-count"' in body, "a search lands on its results")
    st, _, body = server.get("/nl/voorzieningen?q=koffie&kosten=gratis&categorie=cat-ontmoeting&postcode=")
    check('<details class="filters" open>' in body, "a filter set opens 'Meer keuzes'")
    labels = re.findall(r'<a class="filter-label" href="([^"]+)" aria-label="([^"]+)">', body)
    names = [n for _, n in labels]
    check(names == ["Filter Ontmoeting verwijderen", "Filter Alleen gratis verwijderen"], f"filter labels: {names}")
    free_href = dict((n, h) for h, n in labels)["Filter Alleen gratis verwijderen"].replace("&amp;", "&")
    check(free_href == "/nl/voorzieningen?q=koffie&categorie=cat-ontmoeting#result-count",
          f"the label removes only that filter: {free_href}")
    st, _, after = server.get(free_href.split("#")[0])
    check(st == 200 and "Filter Alleen gratis verwijderen" not in after and "Filter Ontmoeting verwijderen" in after,
          "after removing it the other filter stays")
    # the kind of support from the carer page (a hidden field) is a label too
    st, _, body = server.get("/nl/voorzieningen?functie=mz-respijtzorg")
    check('aria-label="Filter Respijtzorg verwijderen"' in body, "the respijtzorg filter is shown and removable")
    check('href="/nl/voorzieningen#result-count"' in body, "removing the only filter: the plain search")
    st, _, body = server.get("/nl/voorzieningen?toegang=tg-lift&toegang=tg-ringleiding&open=nu")
    names = re.findall(r'class="filter-label" href="[^"]+" aria-label="([^"]+)"', body)
    check(names == ["Filter Lift verwijderen", "Filter Ringleiding verwijderen", "Filter Alleen wat nu open is verwijderen"],
          f"every accessibility filter its own label: {names}")
    st, _, body = server.get("/ar/voorzieningen?kosten=gratis")
    check(st == 200 and 'class="filter-label"' in body, "labels in Arabic too")


def test_ranking_on_demo_content(server, binary, sanitizer):
    """Text relevance first (name, keywords and terms before the
    description), services for everyone before those for a group, then
    distance."""
    st, _, body = server.get("/nl/voorzieningen?q=boodschappen&postcode=7511")
    ids = result_ids(body)
    check(ids[:1] == ["burenhulp"], f"'boodschappen' gives a shopping service first: {ids[:5]}")
    check("mediant-maatje" in ids and ids.index("mediant-maatje") >= 4,
          f"a description-only match comes after the keyword matches: {ids}")
    st, _, body = server.get("/nl/voorzieningen?q=boodschappen")
    check(result_ids(body)[:1] == ["burenhulp"], "also without a postcode")
    for q, word in (("maaltijd", "maaltijd"), ("dementie", "dementie"), ("wandelen", "wandel"), ("scootmobiel", "scootmobiel")):
        st, _, body = server.get(f"/nl/voorzieningen?q={q}&postcode=7511")
        names = re.findall(r'result-title"><a href="[^"]+">([^<]+)</a>', body)
        check(names and word in names[0].lower(), f"'{q}': a service with it in its name first: {names[:3]}")
    # a general nearby list: everyone's services first, each band by distance
    general = general_services()
    st, _, body = server.get("/nl/voorzieningen?postcode=7511")
    ids = result_ids(body)
    check(ids[0] != "alzheimer-wandelgroep" and "alzheimer-wandelgroep" not in ids[:10],
          f"'Samen wandelen met dementie' does not top a general list: {ids[:5]}")
    flags = [i in general for i in ids]
    check(flags == sorted(flags, reverse=True), f"services for everyone before those for a group: {ids}")
    d = distances_m(body)
    n = flags.count(True)
    check(len(d) == len(ids) and d[:n] == sorted(d[:n]), f"nearest first among them: {d[:n]}")
    st, _, body2 = server.get("/nl/voorzieningen?postcode=7511&pagina=2")
    check(not set(result_ids(body2)) & set(ids), "page 2 continues the order")
    # the person's answer wins: asked for a group, that group is not pushed down
    st, _, body = server.get("/nl/voorzieningen?postcode=7511&doelgroep=dg-mensen-met-dementie")
    d = distances_m(body)
    check(d == sorted(d) and "alzheimer-wandelgroep" in result_ids(body), "a chosen group: nearest first")
    # the API keeps its documented order: nearest first
    st, _, body = server.get("/api/v1/services?near=7511&limit=100")
    d = [s["distance_m"] for s in json.loads(body)["services"]]
    check(d == sorted(d), "the API: nearest first")


def test_costs_shown_right(server, binary, sanitizer):
    """'Gratis' only when cost options say so; without cost options: ask."""
    no_costs = {s["id"] for s in harness.content_rows("catalog/services.csv")} - \
        {c["service_id"] for c in harness.content_rows("catalog/cost_options.csv")}
    check({"carinova-respijtzorg-thuis", "estinea-weekendlogeren"} <= no_costs, "the demo has services without cost options")
    st, _, body = server.get("/api/v1/services?limit=100")
    api = {s["id"]: s for s in json.loads(body)["services"]}
    wrong = [i for i in no_costs if i in api and api[i]["free"]]
    check(not wrong, f"no service without cost options is free: {wrong}")
    unknown = sorted(i for i, x in api.items() if not x["costs_known"])
    check(unknown == sorted(i for i in no_costs if i in api), f"the API says which costs are unknown: {unknown}")
    st, _, body = server.get("/api/v1/services/carinova-respijtzorg-thuis")
    one = json.loads(body)["service"]
    check(one["free"] is False and one["costs_known"] is False, "and so does a service's own answer")
    check(api["sizt-vervangende-mantelzorg"]["free"] and not api["liberein-dagbesteding"]["free"],
          "free and paid services as before")
    st, _, body = server.get("/nl/voorzieningen?functie=mz-respijtzorg&kosten=gratis")
    ids = result_ids(body)
    check(ids and not set(ids) & no_costs, f"'Alleen gratis' leaves them out: {ids}")
    check("sizt-vervangende-mantelzorg" in ids, "a free respite service stays")
    st, _, body = server.get("/nl/voorzieningen?functie=mz-respijtzorg")
    items = re.split(r'<li class="result">', body)[1:]
    for item in items:
        sid = RESULT_ID.search(item).group(1)
        if sid in no_costs:
            check("Vraag naar de kosten" in item and "badge free" not in item, f"{sid}: 'Vraag naar de kosten' in the list")
    for sid in ("carinova-respijtzorg-thuis", "estinea-weekendlogeren"):
        st, _, page = server.get(f"/nl/voorzieningen/{sid}")
        check(st == 200 and "Vraag naar de kosten" in page and "Gratis" not in page, f"{sid}: the page asks to ask")
    st, _, page = server.get("/nl/voorzieningen/sizt-vervangende-mantelzorg")
    check("Vraag naar de kosten" not in page, "a service with cost options does not")


def test_office_and_phone_hours(server, binary, sanitizer):
    """Office hours and phone hours are told apart from the times of the
    service itself (schedules.csv attending_type)."""
    st, _, page = server.get("/nl/voorzieningen/logeerhuis-de-esch-logeren")
    table = page[page.index('class="hours-table"'):page.index("</table>")]
    check("<caption>Kantoortijden</caption>" in table, "a logeerhuis shows office hours")
    check(">gesloten<" not in table and "geen kantoortijden" in table, "and does not say it is closed at the weekend")
    check("De zorg zelf gaat ook buiten deze tijden door" in page, "it says the care goes on")
    st, _, page = server.get("/nl/voorzieningen/carinova-respijtzorg-thuis")
    check("<caption>Telefonisch bereikbaar</caption>" in page and "niet bereikbaar" in page, "phone hours")
    check("Nu telefonisch bereikbaar" in page or "Bellen kan" in page, "the status speaks of calling")
    st, _, page = server.get("/nl/voorzieningen/wijkwijzer-inloop")
    check("<caption>Openingstijden</caption>" in page and ">gesloten<" in page, "a walk-in keeps its opening hours")
    st, _, page = server.get("/nl/voorzieningen/estinea-weekendlogeren")
    check("<h2>Tijden</h2>" in page and "van vrijdag 17:00 uur tot zondag 17:00 uur" in page,
          "the times of a service without weekly hours are shown")
    st, _, body = server.get("/nl/voorzieningen?functie=mz-respijtzorg")
    item = [i for i in re.split(r'<li class="result">', body) if "logeerhuis-de-esch-logeren" in i][0]
    check("Kantoor" in item and "Nu gesloten" not in item, "the result list says office, not closed")


def test_search_carried_to_service_and_back(server, binary, sanitizer):
    """A result links to its page with the query and the postcode; the
    page sorts its places nearest first and 'Terug naar zoeken' returns to
    the same search. Neither reaches the access log."""
    st, _, body = server.get("/nl/voorzieningen?q=binnenlopen&postcode=7545&kosten=")
    links = re.findall(r'result-title"><a href="([^"]+)"', body)
    check(links and links[0] == "/nl/voorzieningen/wijkwijzer-inloop?q=binnenlopen&amp;postcode=7545",
          f"the result carries q and postcode: {links[:2]}")
    st, _, page = server.get(links[0].replace("&amp;", "&"))
    check('<a href="/nl/voorzieningen?q=binnenlopen&amp;postcode=7545">Terug naar zoeken</a>' in page,
          "'Terug naar zoeken' keeps the query and the postcode")
    d = []
    for num, unit in re.findall(r'([0-9,]+) (m|km) van uw postcode', page):
        v = float(num.replace(",", "."))
        d.append(v * 1000 if unit == "km" else v)
    check(len(d) >= 5 and d == sorted(d), f"places nearest first: {d}")
    st, _, page = server.get("/nl/voorzieningen/wijkwijzer-inloop")
    check('<a href="/nl/voorzieningen">Terug naar zoeken</a>' in page, "without a search: the plain search page")
    st, _, page = server.get("/nl/voorzieningen/wijkwijzer-inloop?q=%22%3E%3Cx&postcode=7545")
    check('?q=%22%3E%3Cx&amp;postcode=7545"' in page and "<x" not in page, "the query is encoded in the link")
    log = server.output()
    check("binnenlopen" not in log and "7545" not in log, "the search stays out of the log")


def test_respite_finder_jumps_to_results(server, binary, sanitizer):
    st, _, body = server.get("/nl/mantelzorg")
    check('action="/nl/mantelzorg#respite-results"' in body and 'id="respite-results"' in body,
          "the finder lands on its results")
    st, _, body = server.get("/nl/mantelzorg?postcode=7511&waar=&wanneer=weekend&voor=dementie")
    labels = re.findall(r'class="filter-label" href="([^"]+)" aria-label="([^"]+)"', body)
    check([n for _, n in labels] == ["Filter In het weekend verwijderen", "Filter Iemand met dementie verwijderen"],
          f"the finder's answers as labels: {labels}")
    href = dict((n, h) for h, n in labels)["Filter Iemand met dementie verwijderen"].replace("&amp;", "&")
    check(href == "/nl/mantelzorg?postcode=7511&wanneer=weekend#respite-results", f"removes only that answer: {href}")
    links = re.findall(r'result-title"><a href="([^"]+)"', body)
    check(links and all("postcode=7511" in l for l in links), "the results carry the postcode")


def test_no_past_booking_days(server, binary, sanitizer):
    """On a Wednesday afternoon (a fixed clock) the day picker offers no
    day before today and no time before the notice period."""
    now = "2026-12-09T14:00:00+01:00"
    s = harness.Server(binary, sanitizer=sanitizer, now=now)
    try:
        st, _, body = s.get("/nl/afspraak?locatie=ww-centrum&onderwerp=wonen")
        check(st == 200 and "Welke dag past u?" in body, "the day picker")
        days = re.findall(r'class="choice day" href="[^"]*dag=(\d{4}-\d\d-\d\d)', body)
        check(days and min(days) >= "2026-12-09", f"no past day offered: {days}")
        check(body.count('class="choice day unavailable"') >= 2, "Monday and Tuesday are not links")
        for past in ("2026-12-07", "2026-12-08"):
            st, _, resp = s.get(f"/api/v1/slots?location=ww-centrum&date={past}")
            check(st == 200 and json.loads(resp)["slots"] == [], f"no slots on {past}")
            st, _, page = s.get(f"/nl/afspraak?locatie=ww-centrum&onderwerp=wonen&dag={past}")
            check(st in (200, 404) and 'name="tijd"' not in page, f"no times to pick on {past}")
        st, _, resp = s.get("/api/v1/slots?location=ww-centrum&date=2026-12-09")
        starts = [x["start"] for x in json.loads(resp)["slots"]]
        check(all(x > now for x in starts), f"today only times after now: {starts[:3]}")
    finally:
        s.cleanup()
