#!/usr/bin/env python3
"""Tests of the template compiler (tools/tpl.c), run by `make tpl-test`.

- every template in bad/ must stop the compiler with exit status 1 and
  the message "bad/NAME.html:LINE: ..." that its first line announces:
  {# expect: LINE: part of the message #}
- every template in ctype/ compiles, but its C must not: the C compiler's
  error must name the template and the line its first line announces
  ({# expect: LINE: why #}), through the #line directives
- the templates in good/ compile with this (sanitized) compiler to the
  same C as the build made, twice without touching a file, and the C of
  good/ and of portal/web/templates/ writes one literal per run of text
- xgettext finds the strings and translator comments of a template with
  the template's name and line

Prints "tpl: N passed, N failed"."""
import argparse
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL " + what)


def expectation(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        first = f.readline().rstrip("\n")
    m = re.match(r"\{# expect: (\d+): (.*) #\}$", first)
    if not m:
        raise SystemExit(f"{path}: the first line must be {{# expect: LINE: message #}}")
    return int(m.group(1)), m.group(2)


def tplc(args, out):
    return subprocess.run([ARGS.tplc, "--prefix", "tplx_", out] + args, cwd=ROOT,
                          capture_output=True, text=True, errors="replace")


def bad_templates(tmp):
    files = sorted(glob.glob(os.path.join(HERE, "bad", "*.html")))
    check(len(files) >= 50, f"bad/: only {len(files)} templates")
    for path in files:
        rel = os.path.relpath(path, ROOT)
        line, message = expectation(path)
        out = os.path.join(tmp, "bad")
        r = tplc([rel], out)
        want = f"{rel}:{line}: "
        got = r.stderr.strip()
        check(r.returncode == 1 and got.startswith(want) and message in got and "\n" not in got,
              f"{rel}: want exit 1 and \"{want}...{message}...\", got {r.returncode}: {got!r}")
        check(not os.path.exists(os.path.join(out, "templates.h")),
              f"{rel}: the compiler wrote files despite the error")
    # bytes that are no template: generated here, not kept in git
    for name, data, line, message in [
            ("not_utf8", b"<p>\n\xc3(</p>\n", 2, "the template is not valid UTF-8"),
            ("overlong", b"<p>\xc0\xaf</p>\n", 1, "the template is not valid UTF-8"),
            ("nul_byte", b"<p>\n\n\x00</p>\n", 3, "a NUL byte in the template")]:
        d = os.path.join(tmp, "gen")
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, name + ".html")
        with open(path, "wb") as f:
            f.write(data)
        rel = os.path.relpath(path, ROOT)
        r = tplc([rel], os.path.join(tmp, "gen-out"))
        check(r.returncode == 1 and r.stderr.startswith(f"{rel}:{line}: {message}"),
              f"{name}: got {r.returncode}: {r.stderr!r}")


def ctype_templates(tmp):
    cc = shlex.split(ARGS.cc)
    for path in sorted(glob.glob(os.path.join(HERE, "ctype", "*.html"))):
        rel = os.path.relpath(path, ROOT)
        line, why = expectation(path)
        out = os.path.join(tmp, "ctype", os.path.basename(path)[:-5])
        r = tplc([rel], out)
        check(r.returncode == 0, f"{rel}: the template itself must compile: {r.stderr!r}")
        if r.returncode:
            continue
        c = os.path.join(out, "tplx_" + os.path.basename(path)[:-5] + ".c")
        r = subprocess.run(cc + ["-fsyntax-only", c], cwd=ROOT, capture_output=True, text=True)
        first = next((l for l in r.stderr.splitlines() if ": error: " in l), "")
        check(r.returncode != 0 and first.startswith(f"{rel}:{line}:"),
              f"{rel} ({why}): want a C error at {rel}:{line}, got: {first or r.stderr!r}")


def good_templates(tmp):
    files = sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(HERE, "good", "*.html")))
    out = os.path.join(tmp, "good")
    r = subprocess.run([ARGS.tplc, "--prefix", "tplt_", out] + files, cwd=ROOT,
                       capture_output=True, text=True)
    check(r.returncode == 0 and r.stderr == "", f"good/: {r.returncode}: {r.stderr!r}")
    built = os.path.join(ROOT, ARGS.build, "tpl-test")
    for name in ["templates.h"] + ["tplt_" + os.path.basename(f)[:-5] + ".c" for f in files]:
        a, b = os.path.join(out, name), os.path.join(built, name)
        same = os.path.exists(a) and os.path.exists(b) and open(a).read() == open(b).read()
        check(same, f"good/: {name} differs from the build's {b}")
    # a second run rewrites nothing
    times = {f: os.stat(os.path.join(out, f)).st_mtime_ns for f in os.listdir(out)
             if os.path.isfile(os.path.join(out, f))}
    r = subprocess.run([ARGS.tplc, "--prefix", "tplt_", out] + files, cwd=ROOT,
                       capture_output=True, text=True)
    again = {f: os.stat(os.path.join(out, f)).st_mtime_ns for f in times}
    check(r.returncode == 0 and times == again, "good/: a second run rewrote files")


def one_literal_per_run(directory, pattern):
    """No two appends of literals follow each other: static text between
    two dynamic parts is one literal."""
    files = sorted(glob.glob(os.path.join(ROOT, directory, pattern)))
    check(files, f"{directory}: no generated C")
    for path in files:
        stmts = []
        with open(path) as f:
            for l in f:
                s = l.strip()
                if s.startswith("#line") or s == "return false;" or s.startswith('"'):
                    continue
                stmts.append(s)
        twice = [i for i in range(1, len(stmts))
                 if stmts[i].startswith("if (!sb_append(tpl_out,")
                 and stmts[i - 1].startswith("if (!sb_append(tpl_out,")]
        check(not twice, f"{path}: two literal appends in a row: {stmts[twice[0]] if twice else ''}")


def count_appends(path):
    with open(os.path.join(ROOT, path)) as f:
        return f.read().count("sb_append(tpl_out,")


def xgettext(tmp):
    if not shutil.which("xgettext"):
        check(False, "xgettext is missing (make deps)")
        return
    shadow = os.path.join(ROOT, ARGS.build, "tpl-test", "xgettext")
    pot = os.path.join(tmp, "t.pot")
    r = subprocess.run(["xgettext", "--from-code=UTF-8", "--add-comments=TRANSLATORS:", "--keyword=_",
                        "--keyword=NG_:1,2", "-L", "C", "-D", shadow, "-D", ".", "-o", pot,
                        "tests/tpl/good/t_i18n.html"], cwd=ROOT, capture_output=True, text=True)
    check(r.returncode == 0, f"xgettext: {r.stderr!r}")
    text = open(pot, encoding="utf-8").read() if os.path.exists(pot) else ""
    check("#. TRANSLATORS: a test of the template compiler\n"
          "#: tests/tpl/good/t_i18n.html:4\n"
          "msgid \"Hulp en ondersteuning dichtbij\"" in text, "xgettext: msgid, comment or line")
    check("#: tests/tpl/good/t_i18n.html:5\n#, c-format\nmsgid \"%d tijd vrij\"\n"
          "msgid_plural \"%d tijden vrij\"" in text, "xgettext: the plural")
    check("#: tests/tpl/good/t_i18n.html:6\n#, c-format\nmsgid \"Vraag %d van %d\"" in text,
          "xgettext: the formatted string")


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--tplc", required=True, help="the template compiler to test")
    ap.add_argument("--build", default="build", help="the build directory (web/, tpl-test/)")
    ap.add_argument("--cc", required=True, help="C compiler and flags for the ctype/ tests")
    ARGS = ap.parse_args()
    ARGS.tplc = os.path.abspath(ARGS.tplc)
    env_asan = os.environ.get("ASAN_OPTIONS", "")
    os.environ["ASAN_OPTIONS"] = (env_asan + ":" if env_asan else "") + "abort_on_error=1"
    # inside the build directory: the compiler takes relative paths only
    with tempfile.TemporaryDirectory(dir=os.path.join(ROOT, ARGS.build), prefix="tpl-test-") as tmp:
        bad_templates(tmp)
        ctype_templates(tmp)
        good_templates(tmp)
        xgettext(tmp)
    one_literal_per_run(os.path.join(ARGS.build, "tpl-test"), "tplt_*.c")
    one_literal_per_run(os.path.join(ARGS.build, "web"), "tpl_*.c")
    check(count_appends(os.path.join(ARGS.build, "tpl-test", "tplt_t_merge.c")) == 2,
          "tplt_t_merge.c: want 2 literal appends")
    print(f"tpl: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
