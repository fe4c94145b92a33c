#!/usr/bin/env python3
"""The layer check: includes in portal/ point down, never up, and modules
do not include each other in a cycle.

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

  tools/layers.py [ROOT]        check, print each violation, exit 1 on any
  tools/layers.py --self-test   show that a violation and a cycle are found
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


def check(root):
    graph = modules(root)
    problems = []
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
    """A copy of portal/ with one upward include and one cycle added."""
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
    print("layers self-test: an upward include and a cycle are both found" if ok else "layers self-test: FAILED")
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
    print(f"layers: {len(problems)} problem(s)" if problems else "layers: every include points down, no cycles")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
