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
        ("catalog/services.csv", ",gemeente-enschede-wijkwijzers,", ",no-such-org,",
         r"services\.csv:\d+: field organization_id: points to nothing: 'no-such-org'"),
        ("catalog/schedules.csv", ",09:00,", ",9 uur,", r"schedules\.csv:\d+: field opens_at: must be a time"),
        ("catalog/locations.csv", "52.2", "48.8", r"locations\.csv:\d+: field latitude"),
        ("catalog/addresses.csv", "7511 ", "7511-", r"addresses\.csv:\d+: field postal_code"),
        ("catalog/organizations.csv", "id,name,", "id,naam,", r"organizations\.csv:1: the header must be exactly"),
        ("catalog/services.csv", "\nwijkwijzer-afspraak,", "\nwijkwijzer-inloop,", r"services\.csv:\d+: field id: repeats"),
        ("selfcheck/rules.csv", ",huishouden,", ",bestaat-niet,", r"rules\.csv:\d+: field question: points to nothing"),
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
