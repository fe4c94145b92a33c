#!/usr/bin/env python3
"""The layer check: includes in portal/ point down, never up, modules
do not include each other in a cycle, and there is no SQL above the
domain.

The layers, lowest first (README "Layout"):

  base    strings, escaping, JSON, CSV, crypto, time, geo: no project state
  store   SQLite: the bookings database, the content database, import
  exec    per-thread connections, the worker pools, the writer thread
  domain  what the wijkwijzer is about: bookings, self-check, terminals, ...
  net     HTTP and WebSocket: requests, routing, CSRF, limits, the server
  web     pages (and their templates)
  api     the JSON API
  app     main and the route table; import is the importer's main

A file may include headers of its own layer and of the layers below. A
module is a .c file with its .h; modules may not form an include cycle
(within a layer: across layers the first rule already forbids it).

No SQL above the domain: a file in net/, web/, api/ or app/ calls
repository functions of store/ and domain/, so it does not call
store_stmt() or sqlite3_*(), reach the content database's handle
(catalog_store()) or include store/store.h or <sqlite3.h> (opening the
database is store/store_open.h). Comments and string literals do not
count.

  tools/layers.py [ROOT]        check, print each violation, exit 1 on any
  tools/layers.py --self-test   show that each kind of violation is found
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ORDER = ["base", "store", "exec", "domain", "net", "web", "api", "app"]
RANK = {name: i for i, name in enumerate(ORDER)}
RANK["import"] = RANK["app"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z]+)/([A-Za-z0-9_]+)\.h"', re.M)
# the templates' {% header "layer/name.h" %}: the includes of their C
HEADER = re.compile(r'\{%-?\s*header\s+"([a-z]+)/([A-Za-z0-9_]+)\.h"')

# "No SQL above the domain" (CONTRIBUTING.md): these layers call repository
# functions of store/ and domain/ instead.
NO_SQL = {"net", "web", "api", "app"}
SQL_INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*("store/store\.h"|<sqlite3\.h>)', re.M)
SQL_USE = re.compile(r'\b(?:store_stmt|catalog_store|sqlite3_\w+)\b')
# Comments and string and character literals, which SQL_USE must not see.
COMMENT_OR_LITERAL = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)

# Files above the domain that may still run SQL themselves: none. (The
# list stays for a move in progress; a listed file without SQL is a
# problem, so it can only shrink.)


def modules(root):
    """{(layer, module): set of (layer, module) it includes}"""
    graph = {}
    base = os.path.join(root, "portal")
    for layer in sorted(os.listdir(base)):
        d = os.path.join(base, layer)
        if not os.path.isdir(d) or layer == "static":
            continue
        for name in sorted(os.listdir(d)):
            if not name.endswith((".c", ".h")):
                continue
            key = (layer, name[:-2])
            with open(os.path.join(d, name), encoding="utf-8") as f:
                text = f.read()
            deps = graph.setdefault(key, set())
            for m in INCLUDE.finditer(text):
                deps.add((m.group(1), m.group(2), name, text[:m.start()].count("\n") + 1))
    # portal/web/templates/*.html compile (tools/tpl.c, into build/web/) to
    # one module of the web layer, web/templates.h; what it includes is
    # what the templates name in {% header %}
    tdir = os.path.join(base, "web", "templates")
    if os.path.isdir(tdir):
        deps = graph.setdefault(("web", "templates"), set())
        for name in sorted(os.listdir(tdir)):
            if not name.endswith(".html"):
                continue
            with open(os.path.join(tdir, name), encoding="utf-8") as f:
                text = f.read()
            for m in HEADER.finditer(text):
                deps.add((m.group(1), m.group(2), "templates/" + name,
                          text[:m.start()].count("\n") + 1))
    return graph


def blank(m):
    """A comment or literal as spaces, keeping its newlines (and so the
    line numbers of what follows)."""
    return re.sub(r"[^\n]", " ", m.group(0))


def sql_problems(root):
    """file:line of every use of SQL in the layers above the domain."""
    problems = []
    base = os.path.join(root, "portal")
    for layer in sorted(NO_SQL):
        d = os.path.join(base, layer)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if not name.endswith((".c", ".h")):
                continue
            rel = f"{layer}/{name}"
            with open(os.path.join(d, name), encoding="utf-8") as f:
                text = f.read()

            def where(pos):
                return f"portal/{rel}:{text[:pos].count(chr(10)) + 1}"

            for m in SQL_INCLUDE.finditer(text):
                problems.append(f"{where(m.start())}: SQL above the domain: includes "
                                f"{m.group(1)} (call store/ or domain/ "
                                "functions; store/store_open.h opens the database)")
            code = COMMENT_OR_LITERAL.sub(blank, text)
            for m in SQL_USE.finditer(code):
                word = m.group(0)
                what = "the content database's handle" if word == "catalog_store" else f"{word}()"
                problems.append(f"{where(m.start())}: SQL above the domain: {what}")
    return problems


def check(root):
    graph = modules(root)
    problems = sql_problems(root)
    for (layer, mod), deps in sorted(graph.items()):
        if layer not in RANK:
            problems.append(f"portal/{layer}/: not a layer ({', '.join(ORDER)}, import)")
            continue
        for dl, dm, fname, line in sorted(deps):
            where = f"portal/{layer}/{fname}:{line}"
            if dl not in RANK:
                problems.append(f"{where}: includes {dl}/{dm}.h from an unknown layer")
            elif (dl, dm) not in graph:
                problems.append(f"{where}: includes {dl}/{dm}.h, which does not exist")
            elif RANK[dl] > RANK[layer]:
                problems.append(f"{where}: {layer} includes {dl}/{dm}.h from a layer above it")
    # cycles between modules (Tarjan's strongly connected components)
    edges = {k: {(d[0], d[1]) for d in v if (d[0], d[1]) != k and (d[0], d[1]) in graph}
             for k, v in graph.items()}
    index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    for comp in sccs:
        problems.append("include cycle: " + " -> ".join(f"{l}/{m}" for l, m in comp))
    return problems


def self_test(root):
    """A copy of portal/ with one upward include, one cycle and SQL above the
    domain added."""
    ok = True
    with tempfile.TemporaryDirectory() as d:
        shutil.copytree(os.path.join(root, "portal"), os.path.join(d, "portal"),
                        ignore=shutil.ignore_patterns("static"))
        clean = check(d)
        if clean:
            print("layers self-test: the tree itself is not clean:", *clean, sep="\n  ")
            return False
        with open(os.path.join(d, "portal", "base", "sb.c"), "a") as f:
            f.write('\n#include "web/page.h"\n')
        found = check(d)
        want = "portal/base/sb.c"
        if not any(p.startswith(want) and "layer above" in p for p in found):
            print("layers self-test: an upward include was not found:", found)
            ok = False
        with open(os.path.join(d, "portal", "base", "sb.c"), "w") as f:
            f.write('#include "base/text.h"\n')
        with open(os.path.join(d, "portal", "base", "text.c"), "a") as f:
            f.write('\n#include "base/sb.h"\n')
        found = check(d)
        if not any(p.startswith("include cycle") and "base/sb" in p and "base/text" in p for p in found):
            print("layers self-test: a cycle was not found:", found)
            ok = False
        # SQL above the domain, one kind per file (each must be reported with
        # its file and line); mentions in comments and strings are not SQL
        added = [
            ("web/home.c", '\nstatic void sql(struct store *s) { store_stmt(s, "SELECT 1"); }\n',
             "store_stmt()"),
            ("api/api.c", "\n#include <sqlite3.h>\n", "<sqlite3.h>"),
            ("net/route.c", '\n#include "store/store.h"\n', "store/store.h"),
            ("app/routes.c", "\nstatic int sql(void) { return sqlite3_threadsafe(); }\n",
             "sqlite3_threadsafe()"),
            ("web/page.c", "\nstatic void *db(struct catalog *c) { return catalog_store(c); }\n",
             "the content database's handle"),
        ]
        for rel, code, _ in added:
            with open(os.path.join(d, "portal", rel), "a") as f:
                f.write('\n/* store_stmt(x) in a comment */ static const char *note = "sqlite3_open";\n')
                f.write(code)
        found = check(d)
        for rel, code, what in added:
            with open(os.path.join(d, "portal", rel)) as f:
                line = f.read().rstrip("\n").count("\n") + 1
            if not any(p.startswith(f"portal/{rel}:{line}: SQL above the domain") and what in p for p in found):
                print(f"layers self-test: SQL above the domain in {rel}:{line} ({what}) was not found:",
                      *found, sep="\n  ")
                ok = False
            if any(p.startswith(f"portal/{rel}:{line - 1}:") for p in found):
                print(f"layers self-test: a comment or string in {rel}:{line - 1} was taken for SQL")
                ok = False
    print("layers self-test: an upward include, a cycle and SQL above the domain (also a content query in "
          "an allowed file) are all found" if ok else "layers self-test: FAILED")
    return ok


def main():
    args = sys.argv[1:]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if args and args[0] == "--self-test":
        sys.exit(0 if self_test(root) else 1)
    if args:
        root = args[0]
    problems = check(root)
    for p in problems:
        print(p)
    print(f"layers: {len(problems)} problem(s)" if problems else
          "layers: every include points down, no cycles, no SQL above the domain")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
