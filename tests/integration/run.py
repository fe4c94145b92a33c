#!/usr/bin/env python3
"""Integration tests against the real build/wijkwijzer.

Runs the data-driven cases in cases/*.case (one request and its
expectations per file) and the scenario tests in test_*.py. Prints
"integration: N passed, N failed"."""
import argparse
import glob
import importlib
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_case(path):
    """A case file: comment lines (#), a request block, '---', expectations.
    The request is 'METHOD PATH' then 'Header: value' lines and an optional
    blank line plus body; or 'RAW' followed by bytes with \\r \\n \\xNN escapes.
    {day+N} (or {day-N}) anywhere stands for the date N days after the
    servers' instant (harness.NOW), so that no case holds a date that
    turns into the past."""
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"\{day([+-]\d+)\}", lambda m: harness.day(int(m.group(1))), text)
    req, _, exp = text.partition("\n---\n")
    lines = [l for l in req.split("\n") if not l.startswith("#")]
    while lines and not lines[0].strip():
        lines.pop(0)
    case = {"name": os.path.basename(path), "expect": []}
    if lines[0].strip() == "RAW":
        raw = "\n".join(lines[1:]).strip("\n")
        case["raw"] = raw.encode("utf-8").decode("unicode_escape").encode("latin-1")
    else:
        method, target = lines[0].split(" ", 1)
        case["method"], case["path"] = method, target.strip()
        headers, body, in_body = {}, [], False
        for l in lines[1:]:
            if in_body:
                body.append(l)
            elif not l.strip():
                in_body = True
            else:
                k, v = l.split(":", 1)
                headers[k.strip()] = v.strip()
        case["headers"] = headers
        case["body"] = "\n".join(body).rstrip("\n") if body else None
    for l in exp.split("\n"):
        l = l.strip()
        if l and not l.startswith("#"):
            kind, _, arg = l.partition(" ")
            case["expect"].append((kind, arg))
    return case


def run_case(server, case):
    if "raw" in case:
        out = server.raw(case["raw"]).decode("utf-8", "replace")
        m = re.match(r"HTTP/1\.[01] (\d{3})", out)
        status = int(m.group(1)) if m else 0
        head, _, body = out.partition("\r\n\r\n")
        headers = {}
        for l in head.split("\r\n")[1:]:
            if ":" in l:
                k, v = l.split(":", 1)
                headers[k.strip().lower()] = v.strip()
    else:
        body_bytes = case["body"].encode() if case["body"] is not None else None
        status, headers, body = server.request(case["method"], case["path"], body_bytes, case["headers"])
    name = case["name"]
    for kind, arg in case["expect"]:
        if kind == "status":
            check(str(status) in arg.split("|"), f"{name}: status {status}, want {arg}")
        elif kind == "header":
            k, _, v = arg.partition(" ")
            got = headers.get(k.lower())
            check(got is not None and v in got, f"{name}: header {k}: {got!r} lacks {v!r}")
        elif kind == "no-header":
            check(arg.lower() not in headers, f"{name}: unexpected header {arg}")
        elif kind == "body-contains":
            check(arg in body, f"{name}: body lacks {arg!r}")
        elif kind == "body-lacks":
            check(arg not in body, f"{name}: body has {arg!r}")
        else:
            check(False, f"{name}: unknown expectation {kind}")
    check(server.proc.poll() is None, f"{name}: server still running")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--sanitizer", action="store_true")
    ap.add_argument("--only", default="")
    ap.add_argument("--skip", default="", help="comma-separated names of test modules or cases to leave out")
    args = ap.parse_args()
    binary = os.path.abspath(args.server)

    server = harness.Server(binary, sanitizer=args.sanitizer)
    try:
        for path in sorted(glob.glob(os.path.join(HERE, "cases", "*.case"))):
            if args.only and args.only not in path:
                continue
            if any(x and x in os.path.basename(path) for x in args.skip.split(",")):
                continue
            try:
                run_case(server, parse_case(path))
            except Exception as e:  # a broken case is a failure, not a crash
                check(False, f"{os.path.basename(path)}: {e!r}")
        for path in sorted(glob.glob(os.path.join(HERE, "test_*.py"))):
            mod_name = os.path.basename(path)[:-3]
            if args.only and args.only not in mod_name:
                continue
            if any(x and x in mod_name for x in args.skip.split(",")):
                continue
            mod = importlib.import_module(mod_name)
            for fn_name in sorted(n for n in dir(mod) if n.startswith("test_")):
                try:
                    getattr(mod, fn_name)(server, binary, args.sanitizer)
                except Exception:
                    import traceback
                    traceback.print_exc()
                    check(False, f"{mod_name}.{fn_name} raised")
        rc = server.stop()
        check(rc == 0, f"server exit code {rc} after SIGTERM" + ("" if rc == 0 else ":\n" + server.output()[-4000:]))
        out = server.output()
        check(harness.sanitizer_report(out) is None, "sanitizer reports:\n" + out[-3000:])
        errors = re.findall(r"ERROR SUMMARY: (\d+) errors", out)
        check(all(e == "0" for e in errors), "valgrind reports:\n" + out[-3000:])
    finally:
        server.cleanup()
    sys.exit(harness.summary("integration"))


if __name__ == "__main__":
    main()
