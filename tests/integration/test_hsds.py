"""HSDS 3.0 (Open Referral): the catalog files are HSDS 3.0 tabular, the
JSON export (wijkwijzer-import --export-hsds) and the /hsds/ endpoints
follow the HSDS 3.0 schema (required fields, types, formats, nested
objects; the schema files are vendored in hsds/), and the CSV export gives
back the same database (round trip)."""
import csv
import datetime
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import urllib.parse

from harness import check

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCHEMAS = os.path.join(os.path.dirname(__file__), "hsds")
IMPORT = os.path.join(REPO, "build", "wijkwijzer-import")
CATALOG = os.path.join(REPO, "content", "catalog")

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# the HSDS tabular files and their schema
TABLES = {"organizations.csv": "organization", "services.csv": "service",
          "locations.csv": "location", "addresses.csv": "address",
          "service_at_location.csv": "service_at_location", "phones.csv": "phone",
          "schedules.csv": "schedule", "languages.csv": "language",
          "taxonomy_terms.csv": "taxonomy_term", "attributes.csv": "attribute",
          "cost_options.csv": "cost_option"}

_cache = {}


def schema(name):
    if name not in _cache:
        with open(os.path.join(SCHEMAS, name if name.endswith(".json") else name + ".json"),
                  encoding="utf-8") as f:
            _cache[name] = json.load(f)
    return _cache[name]


class Validator:
    """JSON schema, as far as HSDS 3.0 uses it: type, required, enum,
    format (uuid, uri, email, date, date-time), properties, items and
    $ref to the other schema files."""

    def __init__(self):
        self.objects = 0
        self.errors = []

    def format_ok(self, fmt, v):
        if fmt == "uuid":
            return bool(UUID.match(v))
        if fmt == "email":
            return bool(EMAIL.match(v))
        if fmt == "uri":
            u = urllib.parse.urlparse(v)
            return bool(u.scheme and (u.netloc or u.scheme in ("mailto", "tel", "urn")))
        if fmt == "date":
            try:
                return bool(DATE.match(v)) and bool(datetime.date.fromisoformat(v))
            except ValueError:
                return False
        if fmt == "date-time":
            try:
                datetime.datetime.fromisoformat(v.replace("Z", "+00:00"))
                return True
            except ValueError:
                return False
        return True

    def type_ok(self, t, v):
        types = t if isinstance(t, list) else [t]
        for t in types:
            if t == "string" and isinstance(v, str):
                return True
            if t == "number" and isinstance(v, (int, float)) and not isinstance(v, bool):
                return True
            if t == "integer" and isinstance(v, int) and not isinstance(v, bool):
                return True
            if t == "boolean" and isinstance(v, bool):
                return True
            if t == "object" and isinstance(v, dict):
                return True
            if t == "array" and isinstance(v, list):
                return True
            if t == "null" and v is None:
                return True
        return False

    def check(self, v, s, where):
        if "$ref" in s:
            ref = s["$ref"]
            if not os.path.exists(os.path.join(SCHEMAS, ref)):
                self.errors.append(f"{where}: schema {ref} is not vendored")
                return
            s = schema(ref)
        if "type" in s and not self.type_ok(s["type"], v):
            self.errors.append(f"{where}: {v!r} is not of type {s['type']}")
            return
        if "enum" in s and v not in s["enum"]:
            self.errors.append(f"{where}: {v!r} is not one of {s['enum']}")
        if "format" in s and isinstance(v, str) and not self.format_ok(s["format"], v):
            self.errors.append(f"{where}: {v!r} is not a {s['format']}")
        if isinstance(v, dict):
            self.objects += 1
            for k in s.get("required", []):
                if k not in v:
                    self.errors.append(f"{where}: required {k} is missing")
            props = s.get("properties", {})
            for k, x in v.items():
                if k in props:
                    self.check(x, props[k], f"{where}.{k}")
                elif s.get("additionalProperties") is False:
                    self.errors.append(f"{where}: {k} is not a property")
        if isinstance(v, list) and "items" in s:
            for i, x in enumerate(v):
                self.check(x, s["items"], f"{where}[{i}]")

    def page(self, data, item, where):
        self.check(data, schema("page"), where)
        for i, x in enumerate(data.get("contents", [])):
            self.check(x, schema(item), f"{where}.contents[{i}]")


def report(v, what):
    print(f"  hsds {what}: {v.objects} objects checked, {len(v.errors)} errors")
    for e in v.errors[:10]:
        print(f"    {e}")
    check(not v.errors, f"{what}: valid HSDS 3.0 ({len(v.errors)} errors)")


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def run(*args):
    return subprocess.run([IMPORT, *args], capture_output=True, text=True, timeout=120)


def test_tabular_files(server, binary, sanitizer):
    """Every HSDS file: its columns are properties of the schema, the
    schema's required (and tabular_required) columns are there and
    filled in, and every field has the format the schema asks (uuid ids
    and references, uri, email)."""
    fields = errors = 0
    msgs = []
    for name, entity in TABLES.items():
        s = schema(entity)
        props = s["properties"]
        with open(os.path.join(CATALOG, name), encoding="utf-8", newline="") as f:
            r = csv.DictReader(f)
            head = r.fieldnames
            for col in head:
                if col not in props or props[col].get("type") in ("array", "object"):
                    errors += 1
                    msgs.append(f"{name}: column {col} is not in HSDS 3.0 {entity}")
            for col in s.get("required", []) + s.get("tabular_required", []):
                if col not in head:
                    errors += 1
                    msgs.append(f"{name}: required column {col} is missing")
            v = Validator()
            for row in r:
                for col, val in row.items():
                    fields += 1
                    if val == "":
                        if col in s.get("required", []) + s.get("tabular_required", []):
                            errors += 1
                            msgs.append(f"{name}:{r.line_num}: {col} is required")
                        continue
                    fmt = props.get(col, {}).get("format")
                    if fmt and not v.format_ok(fmt, val):
                        errors += 1
                        msgs.append(f"{name}:{r.line_num}: {col} {val!r} is not a {fmt}")
                    enum = props.get(col, {}).get("enum")
                    if enum and val not in enum:
                        errors += 1
                        msgs.append(f"{name}:{r.line_num}: {col} {val!r} not in {enum}")
    print(f"  hsds tabular: {len(TABLES)} files, {fields} fields checked, {errors} errors")
    for m in msgs[:10]:
        print(f"    {m}")
    check(errors == 0, "catalog files are HSDS 3.0 tabular")
    # attributes: link_entity names the table, link_type what the term describes
    attrs = read_csv(os.path.join(CATALOG, "attributes.csv"))
    check(attrs and all(a["link_entity"] in ("service", "location") for a in attrs),
          "attributes.link_entity is service or location")
    check(all(a["link_type"] not in ("service", "location") for a in attrs),
          "attributes.link_type holds no link_entity values")
    # the slugs: every service and location has one, as the URLs use them
    slugs = {(s["link_entity"], s["link_id"]) for s in read_csv(os.path.join(CATALOG, "x_slugs.csv"))}
    for name, entity in (("services.csv", "service"), ("locations.csv", "location"),
                         ("organizations.csv", "organization"), ("taxonomy_terms.csv", "taxonomy_term")):
        rows = read_csv(os.path.join(CATALOG, name))
        check(all((entity, r["id"]) in slugs for r in rows), f"every row of {name} has a slug")


def test_export_json(server, binary, sanitizer):
    with tempfile.TemporaryDirectory() as d:
        p = run("--export-hsds", os.path.join(REPO, "build", "content", "content.db"), d)
        check(p.returncode == 0, f"--export-hsds: {p.stderr}")
        v = Validator()
        services = json.load(open(os.path.join(d, "services.json"), encoding="utf-8"))
        orgs = json.load(open(os.path.join(d, "organizations.json"), encoding="utf-8"))
        v.page(services, "service", "services.json")
        v.page(orgs, "organization", "organizations.json")
        report(v, "export")
        active = [s for s in read_csv(os.path.join(CATALOG, "services.csv")) if s["status"] == "active"]
        check(services["total_items"] == len(active) == len(services["contents"]),
              f"every active service exported ({services['total_items']} of {len(active)})")
        check(orgs["total_items"] == len(read_csv(os.path.join(CATALOG, "organizations.csv"))),
              "every organization exported")
        # nested: each service has its organization and its locations with an address
        s0 = services["contents"][0]
        check(s0["organization"]["id"] == s0["organization_id"], "service.organization nested")
        sal = s0["service_at_locations"]
        check(sal and sal[0]["location"]["addresses"][0]["address_type"] == "physical",
              "service_at_locations[].location.addresses[] nested")
        check(any(a["taxonomy_term"]["taxonomy"] == "categorie" for a in s0["attributes"]),
              "attributes with their taxonomy_term")


def get_json(server, path):
    st, _, body = server.get(path)
    return st, (json.loads(body) if body.strip() else None)


def test_endpoints(server, binary, sanitizer):
    v = Validator()
    st, first = get_json(server, "/hsds/services?per_page=50")
    check(st == 200, f"/hsds/services: {st}")
    total = first["total_items"]
    seen = []
    for page in range(1, first["total_pages"] + 1):
        st, data = get_json(server, f"/hsds/services?per_page=50&page={page}")
        check(st == 200 and data["page_number"] == page, f"page {page}")
        check(data["first_page"] == (page == 1) and data["last_page"] == (page == first["total_pages"]),
              f"page {page}: first_page/last_page")
        v.page(data, "service", f"/hsds/services?page={page}")
        seen += [s["id"] for s in data["contents"]]
    check(len(seen) == total == len(set(seen)), f"the pages hold every service once ({len(seen)}/{total})")
    # assured_date: when the entry was last checked (x_checked.csv)
    checked = {r["link_id"]: r["checked_on"] for r in read_csv(os.path.join(CATALOG, "x_checked.csv"))
               if r["link_entity"] == "service"}
    wrong = [s["id"] for s in first["contents"] if s.get("assured_date") != checked.get(s["id"])]
    check(first["contents"] and not wrong, f"each service's assured_date is its x_checked date: {wrong[:3]}")
    st, past = get_json(server, f"/hsds/services?page={first['total_pages'] + 1}")
    check(st == 200 and past["empty"] and past["size"] == 0, "a page past the end is empty")
    for sid in seen[:20]:
        st, one = get_json(server, f"/hsds/services/{sid}")
        check(st == 200 and one["id"] == sid, f"/hsds/services/{sid}")
        v.check(one, schema("service"), f"/hsds/services/{sid}")
    st, orgs = get_json(server, "/hsds/organizations?per_page=100")
    check(st == 200 and orgs["size"] == orgs["total_items"], "/hsds/organizations")
    v.page(orgs, "organization", "/hsds/organizations")
    oid = orgs["contents"][0]["id"]
    st, one = get_json(server, f"/hsds/organizations/{oid}")
    check(st == 200 and one == orgs["contents"][0], "/hsds/organizations/{id} equals its list entry")
    v.check(one, schema("organization"), f"/hsds/organizations/{oid}")
    report(v, "endpoints")
    st, _ = get_json(server, "/hsds/services/00000000-0000-5000-8000-000000000000")
    check(st == 404, "an unknown service uuid is 404")
    st, _ = get_json(server, "/hsds/services/wijkwijzer-inloop")
    check(st == 404, "a slug is not an HSDS id")
    st, _ = get_json(server, "/hsds/services?per_page=101")
    check(st == 400, "per_page above 100 is refused")
    # the same objects as the export
    with tempfile.TemporaryDirectory() as d:
        run("--export-hsds", os.path.join(REPO, "build", "content", "content.db"), d)
        exported = json.load(open(os.path.join(d, "services.json"), encoding="utf-8"))
        st, one = get_json(server, f"/hsds/services/{exported['contents'][0]['id']}")
        check(one == exported["contents"][0], "the endpoint and the export give the same service")


def tables(db):
    """Every table's rows (sorted), except when it was imported."""
    c = sqlite3.connect(db)
    out = {}
    for (name,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        rows = c.execute(f'SELECT * FROM "{name}"').fetchall()
        if name == "meta":
            rows = [r for r in rows if r[0] not in ("imported", "import_id")]
        out[name] = sorted(rows, key=repr)
    out["schema"] = sorted(c.execute("SELECT type, name, sql FROM sqlite_master").fetchall(), key=repr)
    c.close()
    return out


def round_trip(src, d, what):
    db1, db2, exp = (os.path.join(d, n) for n in ("1.db", "2.db", "export"))
    p = run(src, db1)
    check(p.returncode == 0, f"{what}: import: {p.stderr}")
    p = run("--export-csv", db1, exp)
    check(p.returncode == 0, f"{what}: --export-csv: {p.stderr}")
    p = run(exp, db2)
    check(p.returncode == 0, f"{what}: import of the export: {p.stderr}")
    a, b = tables(db1), tables(db2)
    differ = [t for t in a if a[t] != b.get(t)]
    print(f"  hsds round trip ({what}): {len(a)} tables, {sum(len(x) for x in a.values())} rows, "
          f"{len(differ)} differ")
    check(not differ and set(a) == set(b), f"{what}: import(export(db)) == db, differ: {differ[:5]}")
    return exp


def test_round_trip(server, binary, sanitizer):
    with tempfile.TemporaryDirectory() as d:
        exp = round_trip(os.path.join(REPO, "content"), d, "demo content")
        # the export writes the content folder back as it is
        for name in sorted(os.listdir(CATALOG)):
            same = open(os.path.join(CATALOG, name), "rb").read() == \
                open(os.path.join(exp, "catalog", name), "rb").read()
            check(same, f"export of catalog/{name} equals the file")
    # edited content: a new name, an extra standard column, a new service
    # without a slug (its uuid is its id)
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "content")
        shutil.copytree(os.path.join(REPO, "content"), src)
        add_column(os.path.join(src, "catalog", "services.csv"), "alternate_name", "Ook wel: inloop")
        path = os.path.join(src, "catalog", "services.csv")
        rows = list(csv.reader(open(path, encoding="utf-8", newline="")))
        rows[1][rows[0].index("name")] = 'Wijkwijzer: loop binnen, "met"\nuw vraag'
        with open(path, "w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
        new = "0d3f8e2a-1b4c-5d6e-8f70-8192a3b4c5d6"
        org = read_csv(os.path.join(CATALOG, "organizations.csv"))[0]["id"]
        loc = read_csv(os.path.join(CATALOG, "locations.csv"))[0]["id"]
        with open(path, "a", encoding="utf-8", newline="") as f:
            head = open(path, encoding="utf-8").readline().strip().split(",")
            row = dict.fromkeys(head, "")
            row.update(id=new, organization_id=org, name="Nieuw aanbod", description="Nieuw.",
                       status="active", alternate_name="")
            csv.writer(f, lineterminator="\n").writerow([row[c] for c in head])
        with open(os.path.join(src, "catalog", "service_at_location.csv"), "a", encoding="utf-8") as f:
            f.write(f"1e4a9f3b-2c5d-5e6f-9a81-92a3b4c5d6e7,{new},{loc}\n")
        exp = round_trip(src, os.path.join(d), "edited content")
        c = sqlite3.connect(os.path.join(d, "2.db"))
        check(c.execute("SELECT id FROM services WHERE uuid = ?", (new,)).fetchone() == (new,),
              "a service without a slug has its uuid as id")
        check("alternate_name" not in open(os.path.join(exp, "catalog", "services.csv")).readline(),
              "an ignored standard column is not exported")
        c.close()


def add_column(path, name, value):
    rows = list(csv.reader(open(path, encoding="utf-8", newline="")))
    rows[0].insert(2, name)
    for r in rows[1:]:
        r.insert(2, value)
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def test_import_columns(server, binary, sanitizer):
    """A standard HSDS column is accepted and ignored (the database stays
    the same); a column of no HSDS table, a bad uuid and a missing
    required column are refused with file, line and field."""
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "content")
        shutil.copytree(os.path.join(REPO, "content"), src)
        p = run(src, os.path.join(d, "plain.db"))
        check(p.returncode == 0, f"import: {p.stderr}")
        for f, col in (("services.csv", "alternate_name"), ("organizations.csv", "tax_id"),
                       ("locations.csv", "external_identifier"), ("phones.csv", "extension")):
            add_column(os.path.join(src, "catalog", f), col, "")
        add_column(os.path.join(src, "catalog", "services.csv"), "email", "info@voorbeeld.nl")
        p = run(src, os.path.join(d, "extra.db"))
        check(p.returncode == 0, f"standard columns accepted: {p.stderr}")
        a, b = tables(os.path.join(d, "plain.db")), tables(os.path.join(d, "extra.db"))
        check(a == b, "standard columns are ignored: the same database")
        cases = [
            ("services.csv", lambda s: s.replace("alternate_name", "alternativ_name", 1),
             r"services\.csv:1: column 'alternativ_name' is neither ours nor an HSDS 3\.0 column"),
            ("services.csv", lambda s: s.replace("\n5d95662a-6326-54a0-9371-95a6df303aad,",
                                                 "\n5D95662A-6326-54a0-9371-95a6df303aad,", 1),
             r"services\.csv:\d+: field id: must be a uuid"),
            ("addresses.csv", lambda s: s.replace(",state_province,", ",", 1),
             r"addresses\.csv:1: the header has no column state_province"),
            ("attributes.csv", lambda s: s.replace(",categorie,service,", ",categorie,program,", 1),
             r"attributes\.csv:\d+: field link_entity: must be one of"),
            ("x_slugs.csv", lambda s: s.replace("\nservice,5d95662a-6326-54a0-9371-95a6df303aad,",
                                                "\nservice,00000000-0000-5000-8000-000000000000,", 1),
             r"x_slugs\.csv:\d+: field link_id: points to nothing"),
        ]
        for f, edit, want in cases:
            path = os.path.join(src, "catalog", f)
            before = open(path, encoding="utf-8").read()
            if f == "addresses.csv":
                rows = list(csv.reader(open(path, encoding="utf-8", newline="")))
                i = rows[0].index("state_province")
                with open(path, "w", encoding="utf-8", newline="") as out:
                    csv.writer(out, lineterminator="\n").writerows([r[:i] + r[i + 1:] for r in rows])
            else:
                after = edit(before)
                check(after != before, f"test data: {want}")
                open(path, "w", encoding="utf-8").write(after)
            p = run(src, os.path.join(d, "bad.db"))
            check(p.returncode == 1 and re.search(want, p.stderr), f"{p.stderr.strip()!r} !~ {want}")
            open(path, "w", encoding="utf-8").write(before)
