#!/usr/bin/env python3
"""Converts a catalog folder of the old format (slugs as HSDS ids) to HSDS
3.0 tabular (content/README.md, "Ids"): every HSDS entity gets a uuid id,
references between catalog files become uuids, the slug moves to
x_slugs.csv, holidays.csv becomes x_holidays.csv, and the HSDS columns the
old format implied are written out (locations.location_type,
addresses.state_province and address_type, attributes.link_entity, with
link_type holding the taxonomy of the term).

The uuids are deterministic: uuid5(NAMESPACE, "<entity>:<slug>"), so
running this on the same old files gives the same ids.

  tools/hsds_uuid.py content/catalog [STATE_PROVINCE]

It was run once on the demo content; it stays for a municipality with a
catalog in the old format. A folder that has x_slugs.csv is left alone."""
import csv
import os
import sys
import uuid

NAMESPACE = uuid.UUID("5b0c2e1e-7c55-4a8e-9a57-1d5f3c2b9e01")

# file -> (entity, {reference column: entity it points to})
FILES = {
    "organizations.csv": ("organization", {}),
    "taxonomy_terms.csv": ("taxonomy_term", {"parent_id": "taxonomy_term"}),
    "services.csv": ("service", {"organization_id": "organization"}),
    "locations.csv": ("location", {"organization_id": "organization"}),
    "addresses.csv": ("address", {"location_id": "location"}),
    "service_at_location.csv": ("service_at_location",
                                {"service_id": "service", "location_id": "location"}),
    "phones.csv": ("phone", {"service_id": "service", "location_id": "location",
                             "organization_id": "organization"}),
    "schedules.csv": ("schedule", {"service_id": "service", "location_id": "location"}),
    "languages.csv": ("language", {"service_id": "service", "location_id": "location"}),
    "attributes.csv": ("attribute", {"taxonomy_term_id": "taxonomy_term"}),
    "cost_options.csv": ("cost_option", {"service_id": "service"}),
}
# the rows the portal names by slug: URLs, appointments/ (locations),
# selfcheck/ (terms); the other rows get their uuid as id
SLUGGED = {"organization", "service", "location", "taxonomy_term"}
EXTENSIONS = {
    "x_location_area.csv": {"location_id": "location"},
    "x_respite.csv": {"service_id": "service"},
    "x_service_keywords.csv": {"service_id": "service"},
}


def uid(entity, slug):
    return str(uuid.uuid5(NAMESPACE, f"{entity}:{slug}"))


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        r = csv.reader(f)
        head = next(r)
        return head, [dict(zip(head, row)) for row in r]


def write(path, head, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(head)
        for row in rows:
            w.writerow([row.get(c, "") for c in head])


def main():
    d = sys.argv[1]
    province = sys.argv[2] if len(sys.argv) > 2 else "Overijssel"
    if os.path.exists(os.path.join(d, "x_slugs.csv")):
        sys.exit(f"{d}: has x_slugs.csv, already converted")
    slugs = []
    terms = {r["id"]: r["taxonomy"] for r in read(os.path.join(d, "taxonomy_terms.csv"))[1]}
    for name, (entity, refs) in FILES.items():
        head, rows = read(os.path.join(d, name))
        for r in rows:
            if entity in SLUGGED:
                slugs.append((entity, uid(entity, r["id"]), r["id"]))
            if name == "attributes.csv":
                r["link_entity"] = r["link_type"]
                r["link_type"] = terms[r["taxonomy_term_id"]]
                r["link_id"] = uid(r["link_entity"], r["link_id"])
            r["id"] = uid(entity, r["id"])
            for col, target in refs.items():
                if r.get(col):
                    r[col] = uid(target, r[col])
            if name == "locations.csv":
                r["location_type"] = "physical"
            if name == "addresses.csv":
                r["state_province"] = province
                r["address_type"] = "physical"
        if name == "locations.csv":
            head.insert(1, "location_type")
        if name == "addresses.csv":
            head[head.index("postal_code"):head.index("postal_code")] = ["state_province"]
            head.append("address_type")
        if name == "attributes.csv":
            head = ["id", "link_id", "link_type", "link_entity", "taxonomy_term_id"]
        write(os.path.join(d, name), head, rows)
    for name, refs in EXTENSIONS.items():
        p = os.path.join(d, name)
        if not os.path.exists(p):
            continue
        head, rows = read(p)
        for r in rows:
            for col, target in refs.items():
                if r.get(col):
                    r[col] = uid(target, r[col])
        write(p, head, rows)
    write(os.path.join(d, "x_slugs.csv"), ["link_entity", "link_id", "slug"],
          [dict(zip(["link_entity", "link_id", "slug"], s)) for s in slugs])
    os.rename(os.path.join(d, "holidays.csv"), os.path.join(d, "x_holidays.csv"))


if __name__ == "__main__":
    main()
