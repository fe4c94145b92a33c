#!/usr/bin/env python3
"""Generates a large, valid content folder for the import and search benchmark.

Usage: gen_catalog.py OUT_DIR [--services N] [--organizations N]
                              [--locations N] [--seed N] [--content DIR]

Copies the content folder (default: content/ of this repository) to OUT_DIR
(which must not exist yet, or be empty) and then extends it:

- postcodes/pc4.csv: every PC4 from 1000 to 9999 that the demo table does
  not have, with a made-up position near the real centre of its two-digit
  region (Amsterdam for 10xx, Rotterdam for 30xx, Groningen for 97xx, ...),
  inside the importer's Netherlands box (lat 50.7-53.7, lon 3.2-7.3);
- catalog/*.csv: organisations, locations and services up to the totals
  asked (demo rows included; defaults 10 000 organisations, 20 000
  locations, 1 to 6 per organisation in or near its home PC4, and 50 000
  services, each at one or two of its organisation's locations), plus addresses ("1234 AB"), stadsdeel/wijk, phones, weekly
  schedules, languages, taxonomy attributes, prices and respijtzorg details,
  all referring to the demo's taxonomy terms.

The demo rows stay as they are (the wijkwijzer locations, appointments,
self-check and kiosk terminals refer to them), so the result imports with
build/wijkwijzer-import like the demo does. Ids of generated rows start
with "gen-". Everything is fictional example data (voorbeelddata): names
are built from word lists, websites end in .voorbeeld.nl and phone numbers
have a subscriber number starting with 0, which cannot exist.

Same seed, same files. Prints one line: the counts written. Never writes
outside OUT_DIR.
"""
import argparse
import csv
import os
import random
import shutil
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))

# Approximate centre and a town of each two-digit postcode region.
REGIONS = {
    10: (52.370, 4.900, "Amsterdam"), 11: (52.310, 4.950, "Amstelveen"),
    12: (52.225, 5.175, "Hilversum"), 13: (52.370, 5.215, "Almere"),
    14: (52.505, 4.955, "Purmerend"), 15: (52.440, 4.815, "Zaandam"),
    16: (52.645, 5.060, "Hoorn"), 17: (52.790, 4.800, "Schagen"),
    18: (52.630, 4.750, "Alkmaar"), 19: (52.490, 4.660, "Beverwijk"),
    20: (52.380, 4.640, "Haarlem"), 21: (52.300, 4.690, "Hoofddorp"),
    22: (52.230, 4.450, "Katwijk"), 23: (52.160, 4.490, "Leiden"),
    24: (52.130, 4.660, "Alphen aan den Rijn"), 25: (52.075, 4.300, "Den Haag"),
    26: (52.010, 4.360, "Delft"), 27: (52.060, 4.490, "Zoetermeer"),
    28: (52.015, 4.710, "Gouda"), 29: (51.930, 4.590, "Capelle aan den IJssel"),
    30: (51.920, 4.480, "Rotterdam"), 31: (51.910, 4.350, "Schiedam"),
    32: (51.845, 4.250, "Spijkenisse"), 33: (51.810, 4.670, "Dordrecht"),
    34: (52.030, 5.050, "Nieuwegein"), 35: (52.090, 5.120, "Utrecht"),
    36: (52.150, 5.020, "Maarssen"), 37: (52.090, 5.240, "Zeist"),
    38: (52.155, 5.390, "Amersfoort"), 39: (52.025, 5.555, "Veenendaal"),
    40: (51.890, 5.430, "Tiel"), 41: (51.890, 5.230, "Culemborg"),
    42: (51.835, 4.975, "Gorinchem"), 43: (51.500, 3.610, "Middelburg"),
    44: (51.505, 3.890, "Goes"), 45: (51.330, 3.830, "Terneuzen"),
    46: (51.495, 4.290, "Bergen op Zoom"), 47: (51.535, 4.465, "Roosendaal"),
    48: (51.590, 4.780, "Breda"), 49: (51.645, 4.860, "Oosterhout"),
    50: (51.560, 5.090, "Tilburg"), 51: (51.690, 5.060, "Waalwijk"),
    52: (51.690, 5.300, "'s-Hertogenbosch"), 53: (51.770, 5.520, "Oss"),
    54: (51.655, 5.620, "Uden"), 55: (51.410, 5.400, "Veldhoven"),
    56: (51.440, 5.470, "Eindhoven"), 57: (51.480, 5.660, "Helmond"),
    58: (51.525, 5.975, "Venray"), 59: (51.370, 6.170, "Venlo"),
    60: (51.250, 5.710, "Weert"), 61: (51.000, 5.870, "Sittard"),
    62: (50.850, 5.690, "Maastricht"), 63: (50.890, 5.900, "Valkenburg"),
    64: (50.885, 6.030, "Heerlen"), 65: (51.840, 5.860, "Nijmegen"),
    66: (51.810, 5.720, "Wijchen"), 67: (52.030, 5.660, "Ede"),
    68: (51.985, 5.910, "Arnhem"), 69: (51.930, 6.070, "Zevenaar"),
    70: (51.965, 6.290, "Doetinchem"), 71: (51.970, 6.720, "Winterswijk"),
    72: (52.140, 6.200, "Zutphen"), 73: (52.210, 5.970, "Apeldoorn"),
    74: (52.255, 6.160, "Deventer"), 75: (52.265, 6.790, "Hengelo"),
    76: (52.355, 6.665, "Almelo"), 77: (52.575, 6.620, "Hardenberg"),
    78: (52.785, 6.895, "Emmen"), 79: (52.725, 6.475, "Hoogeveen"),
    80: (52.515, 6.090, "Zwolle"), 81: (52.390, 6.270, "Raalte"),
    82: (52.520, 5.470, "Lelystad"), 83: (52.710, 5.750, "Emmeloord"),
    84: (52.960, 5.920, "Heerenveen"), 85: (52.965, 5.780, "Joure"),
    86: (53.030, 5.660, "Sneek"), 87: (53.090, 5.530, "Bolsward"),
    88: (53.175, 5.420, "Harlingen"), 89: (53.200, 5.800, "Leeuwarden"),
    90: (53.240, 5.980, "Burgum"), 91: (53.325, 5.995, "Dokkum"),
    92: (53.110, 6.100, "Drachten"), 93: (53.145, 6.430, "Roden"),
    94: (52.995, 6.560, "Assen"), 95: (52.995, 6.960, "Stadskanaal"),
    96: (53.165, 6.790, "Hoogezand"), 97: (53.220, 6.570, "Groningen"),
    98: (53.250, 6.390, "Zuidhorn"), 99: (53.320, 6.860, "Delfzijl"),
}
STADSDELEN = ["Centrum", "Noord", "Oost", "Zuid", "West", "Zuidoost"]
WIJKEN = ["Centrum", "Oud-Zuid", "De Hoven", "Het Hof", "Vogelbuurt", "Bloemenwijk",
          "Schildersbuurt", "Stationsbuurt", "Kerkbuurt", "Rivierenwijk", "De Es",
          "Dichtersbuurt", "Parkwijk", "Molenwijk", "Boswijk"]
STREETS = ["Dorpsstraat", "Kerkstraat", "Molenweg", "Schoolstraat", "Stationsweg",
           "Julianastraat", "Wilhelminalaan", "Beatrixlaan", "Parkweg", "Marktplein",
           "Lindelaan", "Eikenlaan", "Kastanjelaan", "Nieuwstraat", "Torenstraat",
           "Burgemeester de Vriesweg", "Prinses Irenestraat", "Buurtplein", "Havenkade",
           "Zuiderweg", "Noorderstraat", "Oosteinde", "Westeinde", "Sportlaan"]
ORG_KINDS = ["Stichting Welzijn", "Buurtvereniging", "Vrijwilligerscentrale",
             "Stichting Ouderenwerk", "Zorgcoöperatie", "Stichting Mantelzorg",
             "Buurthuis", "Humanitas afdeling", "Zonnebloem afdeling", "Wijkteam",
             "Stichting Thuishulp", "Repair Café", "Taalhuis", "Bibliotheek",
             "Stichting Samen Eten"]
ORG_NAMES = ["De Brug", "Het Anker", "De Schakel", "Samen Sterk", "De Zonnebloem",
             "Het Trefpunt", "De Linde", "De Wending", "Noaberschap", "De Kern",
             "Het Baken", "De Horizon", "Ons Huis", "De Boog", "Het Veer"]
# activity: (name, words for the description, category term, target term)
ACTIVITIES = [
    ("Koffieochtend", "koffie ontmoeting gezelligheid buren", "cat-ontmoeting", "dg-iedereen"),
    ("Buurtkamer", "ontmoeting koffie inloop eenzaamheid", "cat-ontmoeting", "dg-ouderen"),
    ("Samen eten", "maaltijd eten samen buurtrestaurant", "cat-maaltijden", "dg-ouderen"),
    ("Maaltijdservice aan huis", "maaltijd warm bezorgd thuis", "cat-maaltijden", "dg-ouderen"),
    ("Vrijwillig vervoer", "vervoer auto rit ziekenhuis boodschappen", "cat-vervoer",
     "dg-ouderen"),
    ("Rolstoelbus", "vervoer rolstoel bus rit", "cat-vervoer", "dg-mensen-met-een-beperking"),
    ("Klussendienst", "klussen huis reparatie lamp kraan", "cat-klussen-en-huishouden",
     "dg-ouderen"),
    ("Hulp in de tuin", "tuin klussen snoeien gras", "cat-klussen-en-huishouden", "dg-ouderen"),
    ("Boodschappenhulp", "boodschappen winkel samen hulp", "cat-klussen-en-huishouden",
     "dg-ouderen"),
    ("Thuisadministratie", "administratie post rekeningen formulieren",
     "cat-administratie-en-formulieren", "dg-iedereen"),
    ("Formulierenbrigade", "formulieren toeslagen aanvragen hulp",
     "cat-administratie-en-formulieren", "dg-iedereen"),
    ("Schuldhulp", "schulden geld budget rekeningen", "cat-geldzaken", "dg-iedereen"),
    ("Geldcafé", "geld budget sparen rekeningen", "cat-geldzaken", "dg-iedereen"),
    ("Wandelgroep", "wandelen bewegen buiten samen", "cat-gezondheid-en-bewegen",
     "dg-ouderen"),
    ("Stoelyoga", "bewegen yoga gezondheid stoel", "cat-gezondheid-en-bewegen", "dg-ouderen"),
    ("Valpreventie", "vallen bewegen balans gezondheid", "cat-gezondheid-en-bewegen",
     "dg-ouderen"),
    ("Computerhulp", "computer tablet telefoon digitaal internet", "cat-digitale-hulp",
     "dg-ouderen"),
    ("DigiD-spreekuur", "digid digitaal computer internet", "cat-digitale-hulp",
     "dg-iedereen"),
    ("Taalcafé", "taal nederlands praten oefenen", "cat-taal", "dg-nieuwkomers"),
    ("Voorleesgroep", "taal lezen voorlezen boeken", "cat-taal", "dg-iedereen"),
    ("Woonadvies", "wonen huis aanpassing verhuizen", "cat-wonen", "dg-ouderen"),
    ("Dagbesteding", "dagbesteding activiteiten structuur", "cat-dagbesteding",
     "dg-mensen-met-dementie"),
    ("Ontmoetingscentrum dementie", "dementie ontmoeting dagbesteding mantelzorg",
     "cat-dagbesteding", "dg-mensen-met-dementie"),
    ("Maatje", "maatje begeleiding eenzaamheid samen", "cat-begeleiding", "dg-iedereen"),
    ("Inloop psychische gezondheid", "psychisch somber gesprek inloop",
     "cat-psychische-gezondheid", "dg-ggz"),
    ("Buurtpreventie", "veiligheid buurt inbraak", "cat-veiligheid", "dg-iedereen"),
    ("Mantelzorgcafé", "mantelzorg ontmoeting steun zorgen", "cat-mantelzorg",
     "dg-mantelzorgers"),
    ("Mantelzorgconsulent", "mantelzorg advies steun gesprek", "cat-mantelzorg",
     "dg-mantelzorgers"),
    ("Jonge mantelzorgers", "mantelzorg jongeren steun", "cat-mantelzorg",
     "dg-jonge-mantelzorgers"),
    ("Respijtzorg thuis", "respijtzorg mantelzorg oppas thuis", "cat-respijtzorg",
     "dg-mantelzorgers"),
    ("Logeerhuis", "respijtzorg logeren weekend mantelzorg", "cat-respijtzorg",
     "dg-mantelzorgers"),
    ("Onafhankelijke cliëntondersteuning", "clientondersteuning wmo gesprek advies",
     "cat-clientondersteuning", "dg-iedereen"),
    ("Informatiepunt", "informatie advies vragen zorg", "cat-informatie-en-advies",
     "dg-iedereen"),
    ("Vrijwilligersvacaturebank", "vrijwilligerswerk vrijwilliger meedoen",
     "cat-vrijwilligerswerk", "dg-iedereen"),
    ("Repair Café", "repareren klussen fiets kleding", "cat-klussen-en-huishouden",
     "dg-iedereen"),
]
MZ_FUNCTIONS = ["mz-informatie", "mz-advies-en-begeleiding", "mz-emotionele-steun",
                "mz-educatie", "mz-praktische-hulp", "mz-respijtzorg"]
ACCESS = ["tg-rolstoeltoegankelijk", "tg-ringleiding", "tg-invalidenparkeerplaats", "tg-lift",
          "tg-bushalte-dichtbij"]
APPLY = ["U kunt zonder aanmelding binnenlopen.", "Bel ons, dan maken we een afspraak.",
         "Meld u aan via de website of bel ons.", "Stuur ons een e-mail, dan bellen we u terug."]
FEES = ["Gratis", "€ 2,50 per keer", "€ 5,00 per maand", "€ 7,50 per maaltijd",
        "Een kleine bijdrage voor koffie en thee"]
ELIGIBLE = ["Voor iedereen in de gemeente.", "Voor inwoners van 65 jaar en ouder.",
            "Voor mantelzorgers en hun naasten.", "Voor iedereen die hulp zoekt, ook als u "
            "niet precies weet wat u nodig heeft."]
LANGS = [("Engels", "en"), ("Duits", "de"), ("Turks", "tr"), ("Arabisch", "ar"),
         ("Pools", "pl"), ("Oekraïens", "uk")]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA"]


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


# catalog/ is HSDS 3.0 tabular with uuid ids (content/README.md, "Ids"):
# the generator still names rows by slug, and Writer turns them into the
# uuids of tools/hsds_uuid.py (so a slug of a demo row gives its uuid),
# with the slug in x_slugs.csv for the rows in SLUGGED
UUID_NS = uuid.UUID("5b0c2e1e-7c55-4a8e-9a57-1d5f3c2b9e01")
ENTITY = {"organizations": "organization", "services": "service", "locations": "location",
          "addresses": "address", "service_at_location": "service_at_location",
          "phones": "phone", "schedules": "schedule", "languages": "language",
          "taxonomy_terms": "taxonomy_term", "attributes": "attribute",
          "cost_options": "cost_option"}
REFS = {"organization_id": "organization", "service_id": "service", "location_id": "location",
        "taxonomy_term_id": "taxonomy_term", "parent_id": "taxonomy_term"}
# the rows the portal names by slug (URLs, appointments/, selfcheck/); the
# others keep their uuid as id, which keeps x_slugs.csv small
SLUGGED = {"organization", "service", "location", "taxonomy_term"}
TAXONOMY = {"cat": "categorie", "dg": "doelgroep", "tg": "toegankelijkheid",
            "mz": "mantelzorgfunctie", "lt": "locatietype"}


def hsds_uuid(entity, slug):
    return str(uuid.uuid5(UUID_NS, f"{entity}:{slug}"))


class Writer:
    """Appends rows to a copied CSV file (header and demo rows kept)."""

    slugs = None  # the Writer of x_slugs.csv

    def __init__(self, path):
        self.path = path
        self.header, _ = read_csv(path)
        self.f = open(path, "a", newline="", encoding="utf-8")
        self.w = csv.writer(self.f, lineterminator="\n")
        self.n = 0
        name = os.path.basename(path)[:-4]
        self.catalog = os.path.basename(os.path.dirname(path)) == "catalog"
        self.entity = ENTITY.get(name) if self.catalog else None

    def row(self, **kw):
        if self.entity == "attribute":
            kw["link_entity"] = kw.pop("link_type")
            kw["link_type"] = TAXONOMY[kw["taxonomy_term_id"].split("-")[0]]
            kw["link_id"] = hsds_uuid(kw["link_entity"], kw["link_id"])
        if self.entity == "location":
            kw.setdefault("location_type", "physical")
        if self.entity == "address":
            kw.setdefault("state_province", "Overijssel")
            kw.setdefault("address_type", "physical")
        if self.catalog:
            for col, target in REFS.items():
                if kw.get(col):
                    kw[col] = hsds_uuid(target, kw[col])
        if self.entity:
            slug = kw["id"]
            kw["id"] = hsds_uuid(self.entity, slug)
            if self.entity in SLUGGED:
                Writer.slugs.row(link_entity=self.entity, link_id=kw["id"], slug=slug)
        unknown = set(kw) - set(self.header)
        if unknown:
            raise ValueError(f"{self.path}: unknown columns {unknown}")
        self.w.writerow([kw.get(c, "") for c in self.header])
        self.n += 1

    def close(self):
        self.f.close()


def split_counts(total, parts, low, high, rnd):
    """total spread over parts, each low..high."""
    if not parts * low <= total <= parts * high:
        raise ValueError(f"cannot spread {total} over {parts} in {low}..{high}")
    counts = [low] * parts
    left = total - parts * low
    while left:
        i = rnd.randrange(parts)
        if counts[i] < high:
            counts[i] += 1
            left -= 1
    return counts


def postcode_letters(rnd):
    while True:
        a, b = rnd.choice("ABCDEGHJKLMNPRSTVWXZ"), rnd.choice("ABCDEGHJKLMNPRSTVWXZ")
        if not (a == "S" and b in "ADS"):
            return a + b


def clamp(v, lo, hi):
    return max(lo, min(hi, v))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--services", type=int, default=50000)
    ap.add_argument("--organizations", type=int, default=10000)
    ap.add_argument("--locations", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--content", default=os.path.join(HERE, "..", "content"))
    a = ap.parse_args()
    if not (1 <= a.organizations <= a.locations <= 6 * a.organizations and
            a.organizations <= a.services <= 20 * a.organizations and a.services <= 10**6):
        ap.error("need organisations <= locations <= 6 x organisations and "
                 "organisations <= services <= 20 x organisations (at most 1 000 000)")
    if os.path.exists(a.out) and os.listdir(a.out):
        ap.error(f"{a.out} exists and is not empty")
    rnd = random.Random(a.seed)
    shutil.copytree(a.content, a.out, dirs_exist_ok=True)
    cat = os.path.join(a.out, "catalog")
    # the totals include the demo rows
    demo = {n: len(read_csv(os.path.join(cat, f"{n}.csv"))[1])
            for n in ("organizations", "locations", "services")}
    a.organizations = max(1, a.organizations - demo["organizations"])
    a.locations = max(a.organizations, a.locations - demo["locations"])
    a.services = max(a.organizations, a.services - demo["services"])

    # ---- postcodes ---------------------------------------------------------
    pc_path = os.path.join(a.out, "postcodes", "pc4.csv")
    _, demo_pc = read_csv(pc_path)
    have = {r[0] for r in demo_pc}
    pcw = Writer(pc_path)
    pc4 = {}  # pc4 -> (lat, lon, wijk, stadsdeel, town)
    for r in demo_pc:
        pc4[r[0]] = (float(r[1]), float(r[2]), r[3], r[4], r[5])
    for n in range(1000, 10000):
        code = str(n)
        if code in have:
            continue
        clat, clon, town = REGIONS[n // 100]
        # spread the hundred codes of a region over roughly 15 x 15 km
        lat = clamp(clat + rnd.uniform(-0.07, 0.07), 50.76, 53.55)
        lon = clamp(clon + rnd.uniform(-0.11, 0.11), 3.40, 7.20)
        wijk = f"{rnd.choice(WIJKEN)} {code}"
        sd = STADSDELEN[n % len(STADSDELEN)]
        pc4[code] = (lat, lon, wijk, sd, town)
        pcw.row(pc4=code, latitude=f"{lat:.5f}", longitude=f"{lon:.5f}", wijk=wijk,
                stadsdeel=sd, municipality=town)
    pcw.close()
    generated_pcs = sorted(c for c in pc4 if c not in have)

    # ---- catalog -------------------------------------------------------------
    names = ["organizations", "locations", "addresses", "x_location_area", "services",
             "service_at_location", "phones", "schedules", "languages", "attributes",
             "cost_options", "x_respite"]
    Writer.slugs = Writer(os.path.join(cat, "x_slugs.csv"))
    w = {n: Writer(os.path.join(cat, f"{n}.csv")) for n in names}
    loc_counts = split_counts(a.locations, a.organizations, 1, 6, rnd)
    svc_counts = split_counts(a.services, a.organizations, 1, 20, rnd)
    loc_no = svc_no = sal_no = ph_no = sch_no = lang_no = attr_no = cost_no = 0

    def attr(link_type, link_id, term):
        nonlocal attr_no
        attr_no += 1
        w["attributes"].row(id=f"attr-gen-{attr_no:07d}", link_type=link_type,
                            link_id=link_id, taxonomy_term_id=term)

    def weekly(owner, key, days, opens, closes):
        nonlocal sch_no
        for d in days:
            sch_no += 1
            w["schedules"].row(id=f"sch-gen-{sch_no:07d}", **{key: owner}, freq="WEEKLY",
                               byday=d, opens_at=opens, closes_at=closes)

    for o in range(a.organizations):
        oid = f"gen-org-{o + 1:05d}"
        home = rnd.choice(generated_pcs)
        town = pc4[home][4]
        kind, oname = rnd.choice(ORG_KINDS), rnd.choice(ORG_NAMES)
        w["organizations"].row(
            id=oid, name=f"{kind} {oname} {town} {o + 1}",
            description=f"{kind} {oname} helpt inwoners van {town} en omgeving om zelfstandig "
                        f"te blijven wonen en mee te doen in de buurt.",
            website=f"https://{oid}.voorbeeld.nl",
            email=f"info@{oid}.voorbeeld.nl" if rnd.random() < 0.7 else "")
        ph_no += 1
        area = f"0{10 + (int(home) // 100) % 89}"
        w["phones"].row(id=f"ph-gen-{ph_no:06d}", organization_id=oid,
                        number=f"{area} 000 {rnd.randrange(10000):04d}", type="voice",
                        description="Algemeen nummer")
        # locations in or near the home postcode (same two-digit region)
        region = int(home) // 100
        near = [c for c in (str(region * 100 + k) for k in range(100)) if c in pc4]
        locs = []
        for _ in range(loc_counts[o]):
            loc_no += 1
            lid = f"gen-loc-{loc_no:05d}"
            pc = home if not locs else rnd.choice(near)
            lat, lon, wijk, sd, ltown = pc4[pc]
            lat = clamp(lat + rnd.uniform(-0.01, 0.01), 50.71, 53.69)
            lon = clamp(lon + rnd.uniform(-0.015, 0.015), 3.21, 7.29)
            street = rnd.choice(STREETS)
            w["locations"].row(id=lid, organization_id=oid,
                               name=f"{rnd.choice(['Buurthuis', 'Wijkcentrum', 'Ontmoetingsplek', 'Kantoor'])} "
                                    f"{street} {ltown}",
                               description="De ingang is aan de straatkant. Er is een lift."
                               if rnd.random() < 0.3 else "",
                               transportation="Bushalte op 3 minuten lopen."
                               if rnd.random() < 0.3 else "",
                               latitude=f"{lat:.5f}", longitude=f"{lon:.5f}")
            w["addresses"].row(id=f"adr-{lid}", location_id=lid,
                               address_1=f"{street} {rnd.randrange(1, 250)}", city=ltown,
                               postal_code=f"{pc} {postcode_letters(rnd)}", country="NL")
            w["x_location_area"].row(location_id=lid, stadsdeel=sd, wijk=wijk)
            for t in rnd.sample(ACCESS, rnd.randrange(0, 3)):
                attr("location", lid, t)
            if rnd.random() < 0.3:
                weekly(lid, "location_id", DAYS[:5], "09:00", "17:00")
            if rnd.random() < 0.1:
                ph_no += 1
                w["phones"].row(id=f"ph-gen-{ph_no:06d}", location_id=lid,
                                number=f"{area} 000 {rnd.randrange(10000):04d}", type="voice",
                                description="Balie")
            locs.append(lid)
        for _ in range(svc_counts[o]):
            svc_no += 1
            sid = f"gen-svc-{svc_no:06d}"
            act, words, cat_term, target = rnd.choice(ACTIVITIES)
            status = "active" if rnd.random() < 0.97 else rnd.choice(
                ["inactive", "temporarily closed", "defunct"])
            min_age = rnd.choice(["", "", "", "55", "65"])
            w["services"].row(
                id=sid, organization_id=oid, name=f"{act} {oname} {town}",
                description=f"{act} in {town}: {words}. U bent van harte welkom, ook als u "
                            f"voor het eerst komt.",
                application_process=rnd.choice(APPLY), fees_description=rnd.choice(FEES),
                eligibility_description=rnd.choice(ELIGIBLE),
                url=f"https://{oid}.voorbeeld.nl/{sid}" if rnd.random() < 0.5 else "",
                status=status, minimum_age=min_age, maximum_age="")
            for lid in rnd.sample(locs, min(len(locs), 1 if rnd.random() < 0.8 else 2)):
                sal_no += 1
                w["service_at_location"].row(id=f"sal-gen-{sal_no:06d}", service_id=sid,
                                             location_id=lid)
            attr("service", sid, cat_term)
            attr("service", sid, target)
            if cat_term in ("cat-mantelzorg", "cat-respijtzorg"):
                attr("service", sid, rnd.choice(MZ_FUNCTIONS))
            if cat_term == "cat-respijtzorg":
                w["x_respite"].row(
                    service_id=sid, setting=rnd.choice(["thuis", "buitenshuis"]),
                    times=";".join(sorted(rnd.sample(["dag", "avond", "nacht", "weekend",
                                                      "logeren"], rnd.randrange(1, 3)))),
                    provider=rnd.choice(["vrijwilliger", "professional", "beide"]),
                    notice_days=str(rnd.choice([0, 7, 14, 42])),
                    min_duration_hours=rnd.choice(["", "2", "4", "24"]),
                    payer=rnd.choice(["gemeente", "gratis", "wlz;gemeente",
                                      "gemeente;eigen-bijdrage"]),
                    for_whom=rnd.choice(["iedereen", "dementie", "ouderen;dementie",
                                         "verstandelijke-beperking;kinderen"]),
                    notes="Vraag dit op tijd aan, dan regelen we het samen.")
            r = rnd.random()
            if r < 0.4:
                opens = rnd.choice(["09:00", "10:00", "13:30", "19:00"])
                closes = {"09:00": "12:00", "10:00": "16:00", "13:30": "16:30",
                          "19:00": "21:30"}[opens]
                weekly(sid, "service_id", sorted(rnd.sample(DAYS, rnd.randrange(1, 5)),
                                                 key=DAYS.index), opens, closes)
            elif r < 0.5:
                sch_no += 1
                w["schedules"].row(id=f"sch-gen-{sch_no:07d}", service_id=sid,
                                   description="Elke eerste dinsdag van de maand van 19:30 "
                                               "tot 21:30 uur.")
            if rnd.random() < 0.3:
                cost_no += 1
                amount = rnd.choice([0, 0, 2.5, 5, 7.5, 12.5])
                w["cost_options"].row(id=f"cost-gen-{cost_no:06d}", service_id=sid,
                                      option="Per keer" if amount else "Gratis",
                                      amount=f"{amount:.2f}", currency="EUR",
                                      amount_description="U betaalt ter plekke."
                                      if amount else "U betaalt niets.")
            if rnd.random() < 0.05:
                for name, code in rnd.sample(LANGS, rnd.randrange(1, 3)):
                    lang_no += 1
                    w["languages"].row(id=f"lang-gen-{lang_no:06d}", service_id=sid,
                                       name=name, code=code)
    for x in w.values():
        x.close()
    Writer.slugs.close()
    print(f"gen_catalog: {a.out}: pc4 +{pcw.n}, " +
          ", ".join(f"{n} +{x.n}" for n, x in w.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
