"""Anonymous insight (issue 16): counts arrive from a self-check advice, a
search that found nothing (normalized; a phone number, e-mail address or
postcode is never stored), a booking (topic, tolk, cliëntondersteuner,
kiosk or web) and a no-show; the table holds nothing that identifies a
person; every way out shows 1 to 9 as "< 10"; only a beheerder sees it and
the audit trail says who looked; two years of weeks are kept; example
counts are marked and never mixed with real ones."""
import json
import os
import re
import sqlite3
import subprocess
import tempfile
import time
import urllib.parse

import harness
from harness import check
from test_booking import add_staff, book_html, form_fields, free_slot, post_form, staff_session
from test_selfcheck import by_letters, walk


def cells(data, where="1", args=()):
    db = sqlite3.connect(os.path.join(data, "wijkwijzer.db"))
    try:
        return db.execute(f"SELECT week, metric, key, sub, n, example FROM insight_count WHERE {where}",
                          args).fetchall()
    finally:
        db.close()


def beheerder(s, name="inzicht.baas", password="wachtwoord-van-inzicht"):
    p = add_staff(s, name, password, role="beheerder", locations=())
    check(p.returncode == 0 or "another account" in p.stderr, f"beheerder: {p.stderr}")
    return staff_session(s, name, password)


def test_counts_arrive(server, binary, sanitizer):
    with tempfile.TemporaryDirectory() as d:
        s = harness.Server(binary, sanitizer=sanitizer, data=d)
        try:
            # a self-check with a postcode: every need raised, with its PC4
            result, body = walk(s, "s", by_letters("xxxxxxxej"), pc="7522 AB")
            check(result is not None, "an advice")
            # shown twice (a reload) counts twice; the printed receipt not
            st, _, _ = s.get(result)
            check(st == 200, "shown again")
            st, _, _ = s.get(result.replace("/zelfcheck/uitslag", "/zelfcheck/bon"))
            # searches that found nothing, by the page and by the API
            for q in ("  Zwemles   voor  PAARDEN ", "zwemles voor paarden"):
                st, _, body = s.get("/nl/voorzieningen?q=" + urllib.parse.quote(q))
                check(st == 200, f"search {q!r}: {st}")
            # the cached answer of the same search counts too
            st, _, _ = s.get("/nl/voorzieningen?q=" + urllib.parse.quote("zwemles voor paarden"))
            st, _, _ = s.get("/api/v1/services?q=" + urllib.parse.quote("zwemles voor paarden"))
            for q in ("jan@example.org", "06 12345678", "7511 AB", "0612345678 hulp"):
                s.get("/nl/voorzieningen?q=" + urllib.parse.quote(q))
            # a search that found something is not counted
            s.get("/nl/voorzieningen?q=huishouden")
            # bookings: web with a tolk, a kiosk with a cliëntondersteuner
            slot = free_slot(s, "ww-centrum", "wonen")
            (res, _) = book_html(s, "ww-centrum", "wonen", slot["start"][:16], name="Web Bewoner",
                                 extra=[("nodig", "tolk"), ("tolktaal", "ar")])
            check(res and res[0] == 303, f"web booking: {res and res[0]}")
            kiosk = harness.kiosk_headers(s)
            slot = free_slot(s, "ww-centrum", "geldzaken", skip=1)
            (res, _) = book_html(s, "ww-centrum", "geldzaken", slot["start"][:16], name="Kiosk Bewoner",
                                 extra=[("nodig", "ondersteuner")], headers=kiosk)
            check(res and res[0] == 303, f"kiosk booking: {res and res[0]}")
            # a no-show, marked by staff (counted in the appointment's week)
            p = add_staff(s, "team.centrum", "wachtwoord-van-centrum")
            check(p.returncode == 0, p.stderr)
            jar = staff_session(s, "team.centrum", "wachtwoord-van-centrum")
            db = sqlite3.connect(os.path.join(d, "wijkwijzer.db"))
            (bid, day) = db.execute("SELECT id, substr(start, 1, 10) FROM booking WHERE name = 'Web Bewoner'").fetchone()
            db.close()
            st, _, body = s.get(f"/nl/medewerker/agenda?locatie=ww-centrum&dag={day}", jar)
            action, fields = form_fields(body, "/medewerker/status")
            fields = [(k, v) for k, v in fields if k not in ("id", "status", "locatie")]
            st, _, _ = post_form(s, action, fields, [("id", str(bid)), ("status", "no_show"),
                                                     ("locatie", "ww-centrum")], headers=jar)
            check(st in (200, 303), f"no-show: {st}")
            # the counts of memory reach the database when the server stops
        finally:
            s.stop()
        rows = cells(d)
        by = {}
        for week, metric, key, sub, n, example in rows:
            by[(metric, key, sub)] = by.get((metric, key, sub), 0) + n
            check(example == 0, "real counts are not example")
            check(re.fullmatch(r"\d{4}-W\d{2}", week), f"a week, nothing finer: {week}")
        needs = {k: n for (m, k, sub), n in by.items() if m == "need"}
        check(needs and all(sub == "7522" for (m, k, sub) in by if m in ("need", "gap")),
              f"needs with their PC4 only: {sorted(by)}")
        check(needs and all(n == 2 for n in needs.values()), f"each need twice (shown twice, not the receipt): {needs}")
        check("veilig-thuis" not in needs, "not the safety question")
        check(by.get(("search_none", "zwemles voor paarden", "")) == 4,
              f"the search normalized, counted each time it was shown: {by}")
        searched = [k for (m, k, sub) in by if m == "search_none"]
        check(searched == ["zwemles voor paarden"], f"no e-mail, phone or postcode, nothing found: {searched}")
        check(by.get(("booking", "wonen", "web")) == 1 and by.get(("booking", "geldzaken", "kiosk")) == 1,
              f"topics, kiosk or web: {by}")
        check(by.get(("booking_need", "interpreter", "web")) == 1 and
              by.get(("booking_need", "client_support", "kiosk")) == 1, f"tolk and cliëntondersteuner: {by}")
        check(by.get(("no_show", "wonen", "")) == 1, f"the no-show: {by}")
        # nothing that identifies a person: no address, cookie, name, time
        flat = " ".join(str(c) for r in rows for c in r)
        for bad in ("127.0.0.1", "ww_", "Bewoner", "@", "7522 AB", "7522AB", "T0", ":"):
            check(bad not in flat, f"no {bad!r} in the counts")
        db = sqlite3.connect(os.path.join(d, "wijkwijzer.db"))
        cols = [r[1] for r in db.execute("PRAGMA table_info(insight_count)")]
        db.close()
        check(cols == ["week", "metric", "key", "sub", "n", "example"], f"only these columns: {cols}")


def test_dashboard_suppression_and_roles(server, binary, sanitizer):
    with tempfile.TemporaryDirectory() as d:
        s = harness.Server(binary, sanitizer=sanitizer, data=d)
        s.stop()
        db = sqlite3.connect(os.path.join(d, "wijkwijzer.db"))
        week = "2026-W50"  # the week of the test instant
        db.executemany("INSERT INTO insight_count(week, metric, key, sub, n) VALUES (?, ?, ?, ?, ?)", [
            (week, "need", "vervoer-hulp", "7511", 3),
            (week, "need", "huishouden-hulp", "7512", 42),
            (week, "gap", "vervoer-hulp", "7545", 12),
            (week, "search_none", "zeldzame vraag", "", 4),
            (week, "search_none", "boodschappendienst", "", 15),
            (week, "booking", "wonen", "kiosk", 7),
        ])
        db.commit()
        db.close()
        s = harness.Server(binary, sanitizer=sanitizer, data=d)
        try:
            p = add_staff(s, "gewoon", "wachtwoord-gewoon-1")
            jar = staff_session(s, "gewoon", "wachtwoord-gewoon-1")
            st, _, body = s.get("/nl/medewerker/inzicht", jar)
            check(st == 403, f"a medewerker: 403 ({st})")
            st, _, _ = s.get("/medewerker/inzicht.csv", jar)
            check(st == 403, f"nor the CSV: {st}")
            st, _, body = s.get("/nl/medewerker/agenda", jar)
            check("/medewerker/inzicht" not in body, "no Inzicht in a medewerker's bar")
            st, _, _ = s.get("/api/v1/insight", jar)
            check(st == 403, f"nor the API: {st}")
            st, _, _ = s.get("/nl/medewerker/inzicht")
            check(st == 303, f"no login: to the login ({st})")
            st, _, _ = s.get("/api/v1/insight")
            check(st == 401, f"the API without a login: 401 ({st})")
            jar = beheerder(s)
            st, h, body = s.get("/nl/medewerker/inzicht?weken=4", jar)
            check(st == 200 and "no-store" in h.get("cache-control", ""), f"a beheerder: 200 ({st})")
            check('aria-current="page">Inzicht<' in body, "Inzicht in the bar, current")
            check("&lt; 10" in body and ">3<" not in body and ">7<" not in body, "1 to 9 is < 10 in the page")
            check(">42<" in body and ">12<" in body, "10 and more as the number")
            check("zeldzame vraag" not in body and "boodschappendienst" in body,
                  "a rare search text is not shown at all")
            check("1 andere zoekvraag kwam minder dan 10 keer voor" in body, "only that there was one")
            charts = re.findall(r'<svg class="insight-chart" role="img" aria-label="([^"]+)"', body)
            tables = re.findall(r'<table class="insight-table">\s*<caption>([^<]+)</caption>', body)
            check(len(charts) == 4 and all(c.startswith(t) for c, t in zip(charts, tables)),
                  f"a chart and a table per section with counts, the same name: {charts} {tables}")
            check("voorbeeldcijfers" not in body, "real counts: no example notice")
            st, h, csv = s.get("/medewerker/inzicht.csv?weken=4", jar)
            check(st == 200 and h.get("content-type", "").startswith("text/csv"), f"the CSV: {st}")
            check('"< 10"' in csv and '"3"' not in csv and '"7"' not in csv and '"42"' in csv,
                  f"< 10 in the CSV: {csv[:400]}")
            check("zeldzame vraag" not in csv, "no rare search text in the CSV")
            st, h, api = s.get("/api/v1/insight?weken=4", jar)
            check(st == 200 and h.get("content-type", "").startswith("application/json"), f"the API: {st}")
            doc = json.loads(api)
            got = {(sec["metric"], r["key"], r["sub"]): r["count"] for sec in doc["sections"] for r in sec["rows"]}
            check(got.get(("need", "vervoer-hulp", "7511")) == "< 10" and
                  got.get(("need", "huishouden-hulp", "7512")) == "42" and
                  got.get(("booking", "wonen", "kiosk")) == "< 10", f"< 10 in the API: {got}")
            check("zeldzame vraag" not in api and doc["example"] is False and
                  [sec["rare_left_out"] for sec in doc["sections"] if sec["metric"] == "search_none"] == [1],
                  "no rare search text in the API either")
            db = sqlite3.connect(os.path.join(d, "wijkwijzer.db"))
            acts = [a for (a,) in db.execute("SELECT action FROM audit_log WHERE actor = 'inzicht.baas'")]
            db.close()
            check("insight.view" in acts and "insight.export" in acts, f"who looked is in the trail: {acts}")
            st, _, body = s.get("/nl/medewerker/logboek", jar)
            check("Inzicht bekeken" in body, "in words in the trail")
        finally:
            s.stop()


def test_retention_two_years(server, binary, sanitizer):
    with tempfile.TemporaryDirectory() as d:
        s = harness.Server(binary, sanitizer=sanitizer, data=d)
        s.stop()
        db = sqlite3.connect(os.path.join(d, "wijkwijzer.db"))
        db.executemany("INSERT INTO insight_count(week, metric, key, sub, n) VALUES (?, ?, ?, ?, ?)", [
            ("2024-W40", "need", "oud", "7511", 20),
            ("2024-W51", "need", "net-binnen", "7511", 20),
            ("2026-W49", "need", "recent", "7511", 20),
        ])
        db.commit()
        db.close()
        s = harness.Server(binary, sanitizer=sanitizer, data=d)
        try:
            deadline = time.time() + 10
            while "cells of the anonymous counts deleted" not in s.output() and time.time() < deadline:
                time.sleep(0.1)
            check("1 cells of the anonymous counts deleted" in s.output(), f"at start: {s.output()[-400:]}")
        finally:
            s.stop()
        left = sorted(k for (_, _, k, _, _, _) in cells(d))
        check(left == ["net-binnen", "recent"], f"104 weeks are kept: {left}")


def test_example_data(server, binary, sanitizer):
    with tempfile.TemporaryDirectory() as d:
        p = subprocess.run([binary, "--data", d, "--insight-example"], capture_output=True, text=True,
                           env=dict(os.environ, WIJKWIJZER_NOW=harness.NOW))
        check(p.returncode == 0 and "example" in p.stderr, f"--insight-example: {p.stderr}")
        rows = cells(d)
        check(rows and all(r[5] == 1 for r in rows), "every generated cell is marked example")
        out = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
        check("--insight-example" in out, "--help names it")
        s = harness.Server(binary, sanitizer=sanitizer, data=d)
        try:
            jar = beheerder(s)
            st, _, body = s.get("/nl/medewerker/inzicht", jar)
            check(st == 200 and "Dit zijn voorbeeldcijfers, geen echte tellingen." in body,
                  f"the notice with example counts: {st}")
            st, _, csv = s.get("/medewerker/inzicht.csv", jar)
            check('"ja"' in csv and '"nee"' not in csv, "the CSV says example too")
            # one real count: from then on only real ones, never added up
            st, _, _ = s.get("/nl/voorzieningen?q=" + urllib.parse.quote("zwemles voor paarden"))
        finally:
            s.stop()
        s = harness.Server(binary, sanitizer=sanitizer, data=d)
        try:
            jar = staff_session(s, "inzicht.baas", "wachtwoord-van-inzicht")
            st, _, body = s.get("/nl/medewerker/inzicht", jar)
            check(st == 200 and "voorbeeldcijfers" not in body and "boodschappendienst" not in body,
                  "real counts hide the example ones")
        finally:
            s.stop()
        readme = open(os.path.join(os.path.dirname(__file__), "..", "..", "README.md"), encoding="utf-8").read()
        check("## Insight (anonymous counts)" in readme and "--insight-example" in readme,
              "the README explains it")
