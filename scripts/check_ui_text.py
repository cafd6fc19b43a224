#!/usr/bin/env python3
"""Fails on string literals in Kotlin and Swift sources that look like user-visible text.

Every user-visible text of the apps comes from the core (problems, errors, catalog names in
vi and en) or from platform string resources (Android strings.xml, iOS String Catalog), so a
literal in code that reads like a sentence is a bug. A literal is flagged when, with its
interpolations (`${...}`, `$name`, `\\(...)`) and escapes removed, it
  - contains a letter outside ASCII (Vietnamese text: `"Đã lưu"`), or
  - has two or more words with letters (`"Save visit"`, `"Saved %d"` is one word: allowed).
Allowed: identifiers, keys, routes, log tags, SwiftUI/String Catalog keys (lowercase dotted
`"home.title"`), formats and other one-word technical strings. A rare exception is allowed
by a comment on the line where the literal starts: `// ui-text-ok: <reason>` (the reason is
required).

Usage: check_ui_text.py PATH...        scan .kt/.kts/.swift files under the paths
       check_ui_text.py --self-test DIR  DIR/fail must report exactly the lines marked
                                         `// expect: ui-text`, DIR/pass must report nothing
       check_ui_text.py --resources DEFAULT.xml OTHER.xml...
                                         Android string resources: the same string and
                                         plurals names in each, with the same placeholders
"""
import os
import re
import sys
import xml.etree.ElementTree as ET

ESCAPE = re.compile(r"^//\s*ui-text-ok:\s*\S")
EXPECT = re.compile(r"//\s*expect:\s*ui-text\b")
SOURCE_EXT = (".kt", ".kts", ".swift")
# What an interpolation (`${x}`, `$x`, `\\(x)`) leaves in the text: part of the word it is in.
HOLE = "0"
WORD = re.compile(r"[^\W\d_]", re.UNICODE)  # a letter of any script


class Lexer:
    """Finds string literals (with their text outside interpolations) in Kotlin or Swift,
    skipping comments and character literals; interpolated code is lexed recursively."""

    def __init__(self, src, swift):
        self.s = src
        self.i = 0
        self.swift = swift
        self.found = []  # (line, text)
        self.comments = {}  # line -> text of the `//` comments on it

    def line_at(self, i):
        return self.s.count("\n", 0, i) + 1

    def peek(self, k=0):
        j = self.i + k
        return self.s[j] if j < len(self.s) else ""

    def code(self, until=None):
        """Lex code until the closing bracket `until` (`}` or `)`) at depth 0, or the end."""
        depth = 0
        s = self.s
        while self.i < len(s):
            c = s[self.i]
            if s.startswith("//", self.i):
                j = s.find("\n", self.i)
                j = len(s) if j < 0 else j
                line = self.line_at(self.i)
                self.comments[line] = self.comments.get(line, "") + s[self.i:j]
                self.i = j
            elif s.startswith("/*", self.i):
                self.block_comment()
            elif c == '"' or (self.swift and c == "#" and re.match(r'#+"', s[self.i:])):
                self.string()
            elif c == "'" and not self.swift:
                self.char()
            elif until and c in "{(":
                depth += 1
                self.i += 1
            elif until and c in "})":
                if depth == 0 and c == until:
                    self.i += 1
                    return
                depth -= 1
                self.i += 1
            else:
                self.i += 1

    def block_comment(self):
        depth = 0
        s = self.s
        while self.i < len(s):
            if s.startswith("/*", self.i):
                depth += 1
                self.i += 2
            elif s.startswith("*/", self.i):
                depth -= 1
                self.i += 2
                if depth == 0:
                    return
            else:
                self.i += 1

    def char(self):
        # 'a', '\n', '\u0041', '"'
        m = re.match(r"'(\\u[0-9a-fA-F]{4}|\\.|[^'\\])'", self.s[self.i:])
        self.i += m.end() if m else 1

    def string(self):
        s = self.s
        start = self.i
        hashes = 0
        while s[self.i] == "#":
            hashes += 1
            self.i += 1
        triple = s.startswith('"""', self.i)
        quote = '"""' if triple else '"'
        close = quote + "#" * hashes
        self.i += len(quote)
        text = []
        while self.i < len(s):
            if s.startswith(close, self.i):
                self.i += len(close)
                break
            c = s[self.i]
            if not triple and c == "\n":  # unterminated: stop at the line's end
                break
            if c == "\\" and (hashes == 0 and (self.swift or not triple)) or (hashes and s.startswith("\\" + "#" * hashes, self.i)):
                self.i += 1 + hashes
                nxt = self.peek()
                if self.swift and nxt == "(":
                    self.i += 1
                    self.code(until=")")
                    text.append(HOLE)
                elif nxt == "u" and not self.swift:
                    self.i += 5
                    text.append(HOLE)
                elif self.swift and nxt == "u":
                    j = s.find("}", self.i)
                    self.i = j + 1 if j >= 0 else self.i + 1
                    text.append(HOLE)
                else:
                    self.i += 1
                    text.append(" " if nxt in "ntr" else nxt)
            elif not self.swift and c == "$" and self.peek(1) == "{":
                self.i += 2
                self.code(until="}")
                text.append(HOLE)
            elif not self.swift and c == "$" and re.match(r"[A-Za-z_]", self.peek(1)):
                m = re.match(r"\$[A-Za-z_][A-Za-z0-9_]*", s[self.i:])
                self.i += m.end()
                text.append(HOLE)
            else:
                text.append(c)
                self.i += 1
        self.found.append((self.line_at(start), "".join(text)))


def looks_like_user_text(text):
    if any(ord(ch) > 127 and WORD.match(ch) for ch in text):
        return True
    words = text.split()
    # Format specifiers (%d, %1$s, %.1f) are not words.
    words = [w for w in words if WORD.search(re.sub(r"%(\d+\$)?[-#+ 0,(]*\d*(\.\d+)?[a-zA-Z]", "", w))]
    return len(words) >= 2


def hits_in(path):
    with open(path, encoding="utf-8") as f:
        src = f.read()
    lx = Lexer(src, swift=path.endswith(".swift"))
    lx.code()
    out = []
    for line, text in lx.found:
        if looks_like_user_text(text) and not ESCAPE.search(lx.comments.get(line, "")):
            out.append((line, text))
    return out


def files_under(paths):
    for p in paths:
        if os.path.isfile(p):
            yield p
            continue
        for root, dirs, names in os.walk(p):
            dirs[:] = sorted(d for d in dirs if d not in ("build", ".build", ".gradle"))
            for n in sorted(names):
                if n.endswith(SOURCE_EXT):
                    yield os.path.join(root, n)


def scan(paths):
    found = []
    for f in files_under(paths):
        for line, text in hits_in(f):
            found.append((f, line, text))
    return found


def self_test(d):
    ok = True
    expected = set()
    for f in files_under([os.path.join(d, "fail")]):
        with open(f, encoding="utf-8") as fh:
            for n, l in enumerate(fh.read().split("\n"), 1):
                if EXPECT.search(l):
                    expected.add((f, n))
    got = {(f, n) for f, n, _ in scan([os.path.join(d, "fail")])}
    for f, n in sorted(expected - got):
        print(f"self-test: not reported: {f}:{n}")
        ok = False
    for f, n in sorted(got - expected):
        print(f"self-test: reported but not expected: {f}:{n}")
        ok = False
    if not expected:
        print("self-test: the fail fixtures mark no line")
        ok = False
    for f, n, t in scan([os.path.join(d, "pass")]):
        print(f"self-test: pass fixture reported: {f}:{n}: {t!r}")
        ok = False
    res = os.path.join(d, "res")
    if not check_resources(os.path.join(res, "values.xml"), [os.path.join(res, "values-en.xml")]):
        print("self-test: matching resource files reported")
        ok = False
    print("self-test: the mismatched resource file must be reported:")
    if check_resources(os.path.join(res, "values.xml"), [os.path.join(res, "values-en-mismatched.xml")]):
        print("self-test: mismatched resource file not reported")
        ok = False
    print(f"ui-text self-test: {len(expected)} expected hits, {len(got & expected)} found; {'ok' if ok else 'FAILED'}")
    return ok


PLACEHOLDER = re.compile(r"%(\d+\$)?[-#+ 0,(]*\d*(\.\d+)?[a-zA-Z]")


def placeholders(text):
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text.replace("%%", "")))


def resources(path):
    """name -> sorted placeholders, for each <string> and each <plurals> item of a strings.xml."""
    out = {}
    for el in ET.parse(path).getroot():
        name = el.get("name")
        if el.tag == "string":
            out[("string", name)] = placeholders("".join(el.itertext()))
        elif el.tag == "plurals":
            # Placeholders of the "other" form (every language has it; "one" may drop the count).
            other = [i for i in el if i.get("quantity") == "other"]
            out[("plurals", name)] = placeholders("".join(other[0].itertext())) if other else None
    return out


def check_resources(default, others):
    ok = True
    base = resources(default)
    for o in others:
        res = resources(o)
        for kind, name in sorted(set(base) - set(res)):
            print(f"{o}: missing {kind} {name!r} (in {default})")
            ok = False
        for kind, name in sorted(set(res) - set(base)):
            print(f"{o}: {kind} {name!r} is not in {default}")
            ok = False
        for key in sorted(set(base) & set(res)):
            if base[key] != res[key]:
                print(f"{o}: {key[0]} {key[1]!r} has placeholders {res[key]}, {default} has {base[key]}")
                ok = False
    return ok


def main(argv):
    if len(argv) == 2 and argv[0] == "--self-test":
        return 0 if self_test(argv[1]) else 1
    if len(argv) >= 3 and argv[0] == "--resources":
        return 0 if check_resources(argv[1], argv[2:]) else 1
    if not argv:
        print(__doc__)
        return 2
    found = scan(argv)
    for f, line, text in found:
        print(f"{f}:{line}: user-visible text in code (use a string resource / String Catalog key, or the core's text): {text.strip()!r}")
    if found:
        print(f"{len(found)} user-visible literal(s). Move them to string resources; a rare exception takes `// ui-text-ok: <reason>` on its line.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
