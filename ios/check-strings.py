#!/usr/bin/env python3
"""The String Catalog and the Swift that uses it agree (runs anywhere with Python 3; no Xcode).

Every key a screen uses — a string literal in App/*.swift whose first dotted segment is one of
the catalog's namespaces (`visit.save`, `sync.pending \\(n)` → `sync.pending %lld`) — is in
App/Localizable.xcstrings; every catalog key is used; every entry has Vietnamese (the source)
and English, translated, with an `other` form wherever it has plural variations.
Interpolations become `%lld` for integers (`Int(…)`, `….count`, `index`, …) and `%@` otherwise,
as SwiftUI's LocalizedStringKey does. Exit status 1 on any mismatch.
"""
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
catalog = json.load(open(os.path.join(HERE, "App", "Localizable.xcstrings"), encoding="utf-8"))
strings = catalog["strings"]
namespaces = {k.split(".")[0] for k in strings}
INT = re.compile(r"^(Int\(.*\)|.*\.count|.*counts\.\w+|model\.visitedPercent|index)$")
LITERAL = re.compile(r'"((?:[a-z][a-z0-9_]*)(?:\.[a-z0-9_]+)+)((?: \\\((?:[^()]|\([^()]*\))*\))*)"')
ARG = re.compile(r"\\\(((?:[^()]|\([^()]*\))*)\)")

errors = []
used = set()
for path in sorted(glob.glob(os.path.join(HERE, "App", "*.swift"))):
    text = open(path, encoding="utf-8").read()
    for m in LITERAL.finditer(text):
        key = m.group(1)
        if key.split(".")[0] not in namespaces:
            continue  # an SF Symbol, a storage key, a file name
        before = text[max(0, m.start() - 40):m.start()]
        if "SceneStorage" in before:
            continue
        args = ARG.findall(m.group(2))
        full = key + "".join(" %lld" if INT.match(a.strip()) else " %@" for a in args)
        used.add(full)
        if full not in strings:
            line = text.count("\n", 0, m.start()) + 1
            errors.append(f"{os.path.basename(path)}:{line}: '{full}' is not in Localizable.xcstrings")

for key, entry in strings.items():
    if key not in used:
        errors.append(f"Localizable.xcstrings: '{key}' is not used by any screen")
    locs = entry.get("localizations", {})
    for lang in ("vi", "en"):
        loc = locs.get(lang)
        if loc is None:
            errors.append(f"Localizable.xcstrings: '{key}' has no {lang}")
            continue
        plural = loc.get("variations", {}).get("plural")
        units = list(plural.values()) if plural else [loc]
        if plural and "other" not in plural:
            errors.append(f"Localizable.xcstrings: '{key}' ({lang}) has plural forms but no 'other'")
        for u in units:
            su = u.get("stringUnit", {})
            if su.get("state") != "translated" or not su.get("value"):
                errors.append(f"Localizable.xcstrings: '{key}' ({lang}) is not translated")
if catalog.get("sourceLanguage") != "vi":
    errors.append("Localizable.xcstrings: the source language must be vi")

for e in errors:
    print(e, file=sys.stderr)
print(f"{len(used)} keys used, {len(strings)} in the catalog, {len(errors)} problems")
sys.exit(1 if errors else 0)
