#!/usr/bin/env python3
"""Generate Vietnam's administrative units and the 2008->2025 commune mapping for the core.

Writes two files:

``core/data/admin-units.tsv`` -- the units as a versioned tree, in two versions:

* ``2025`` -- the two-level structure in force since 2025-07-01 (34 provinces, 3,321
  communes/wards/special zones; codes per Decision 19/2025/QĐ-TTg), taken from the PyPI
  package ``vietnam-provinces`` 2025.10.1.
* ``2008`` -- the three-level structure of 63 provinces (the framework of 2008-08-01),
  in force until 2025-06-30, taken from ``vietnam-provinces`` 0.6.0, the newest release
  that still carries it (its data snapshot is dated 2025-01-04).

  Province-level old->new mappings follow Resolution 202/2025/QH15 and are matched by
  name (the script fails if a name does not match exactly one unit).

``core/data/admin-units-2008-2025.tsv`` -- the commune-level old->new mapping, taken from
the PyPI package ``vietnamadminunits`` 1.0.4 (MIT licence; ``data/converter_2025.json``
and the official ward codes of both structures in ``data/dataset.db``), joined on the
official codes with the units above. ``vietnam-provinces`` has no commune-level mapping.
Every difference between the two packages' lists is resolved by a stated rule or stops
the script; see the header of the generated file.

Usage (Python 3.11, standard library only; needs ``pip`` to fetch the wheels):

    python3 scripts/gen_admin_units.py                      # downloads the three wheels
    python3 scripts/gen_admin_units.py --new-wheel A.whl --legacy-wheel B.whl --map-wheel C.whl
    python3 scripts/gen_admin_units.py --generated 2025-11-23   # pin the header date

The output is deterministic for given wheels and ``--generated`` date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

PACKAGE = "vietnam-provinces"
NEW_VERSION = "2025.10.1"
LEGACY_VERSION = "0.6.0"
DATA_PATH = "vietnam_provinces/data/nested-divisions.json"
INIT_PATH = "vietnam_provinces/__init__.py"

MAP_PACKAGE = "vietnamadminunits"
MAP_VERSION = "1.0.4"
MAP_LICENSE_NAME = "MIT"
MAP_CONVERTER_PATH = "vietnamadminunits/data/converter_2025.json"
MAP_DB_PATH = "vietnamadminunits/data/dataset.db"
MAP_META_PATH = f"vietnamadminunits-{MAP_VERSION}.dist-info/METADATA"
MAP_LICENSE_PATH = f"vietnamadminunits-{MAP_VERSION}.dist-info/licenses/LICENSE"
# Its 63-province table: 10,035 wards and 5 island districts without wards.
EXPECTED_MAP_LEGACY_ROWS = 10040
EXPECTED_MAP_ISLAND_DISTRICTS = 5

NEW_TAG = "2025"
LEGACY_TAG = "2008"
NEW_VALID_FROM = "2025-07-01"
LEGACY_VALID_TO = "2025-06-30"

EXPECTED_NEW_PROVINCES = 34
EXPECTED_NEW_COMMUNES = 3321
EXPECTED_LEGACY_PROVINCES = 63

# Official code widths (zero-padded).
WIDTH = {"p": 2, "d": 3, "c": 5}

# Resolution 202/2025/QH15: new province <- old provinces (names without "Tỉnh"/"Thành phố").
UNCHANGED = [
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh",
    "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Cao Bằng",
]
MERGED = {
    "Tuyên Quang": ["Tuyên Quang", "Hà Giang"],
    "Lào Cai": ["Lào Cai", "Yên Bái"],
    "Thái Nguyên": ["Thái Nguyên", "Bắc Kạn"],
    "Phú Thọ": ["Phú Thọ", "Vĩnh Phúc", "Hòa Bình"],
    "Bắc Ninh": ["Bắc Ninh", "Bắc Giang"],
    "Hưng Yên": ["Hưng Yên", "Thái Bình"],
    "Hải Phòng": ["Hải Phòng", "Hải Dương"],
    "Ninh Bình": ["Ninh Bình", "Hà Nam", "Nam Định"],
    "Quảng Trị": ["Quảng Trị", "Quảng Bình"],
    "Đà Nẵng": ["Đà Nẵng", "Quảng Nam"],
    "Quảng Ngãi": ["Quảng Ngãi", "Kon Tum"],
    "Gia Lai": ["Gia Lai", "Bình Định"],
    "Khánh Hòa": ["Khánh Hòa", "Ninh Thuận"],
    "Lâm Đồng": ["Lâm Đồng", "Đắk Nông", "Bình Thuận"],
    "Đắk Lắk": ["Đắk Lắk", "Phú Yên"],
    "Hồ Chí Minh": ["Hồ Chí Minh", "Bình Dương", "Bà Rịa–Vũng Tàu"],
    "Đồng Nai": ["Đồng Nai", "Bình Phước"],
    "Tây Ninh": ["Tây Ninh", "Long An"],
    "Cần Thơ": ["Cần Thơ", "Sóc Trăng", "Hậu Giang"],
    "Vĩnh Long": ["Vĩnh Long", "Bến Tre", "Trà Vinh"],
    "Đồng Tháp": ["Đồng Tháp", "Tiền Giang"],
    "Cà Mau": ["Cà Mau", "Bạc Liêu"],
    "An Giang": ["An Giang", "Kiên Giang"],
}

# Name prefix -> specific kind, per level. Release 0.6.0 flattens division_type to
# "tỉnh"/"huyện"/"xã", so the legacy kind is read from the official name's prefix.
LEGACY_KINDS = {
    "p": [("Thành phố", "thành phố trung ương"), ("Tỉnh", "tỉnh")],
    "d": [("Thành phố", "thành phố"), ("Thị xã", "thị xã"), ("Quận", "quận"), ("Huyện", "huyện")],
    "c": [("Thị trấn", "thị trấn"), ("Phường", "phường"), ("Xã", "xã")],
}
LEGACY_COARSE = {"p": "tỉnh", "d": "huyện", "c": "xã"}
NEW_KINDS = {
    "p": {"tỉnh": "Tỉnh", "thành phố trung ương": "Thành phố"},
    "c": {"xã": "Xã", "phường": "Phường", "đặc khu": "Đặc khu"},
}
# Fields the 2025 records are known to carry. Anything else (say, a list of old codes)
# stops the script so a human can decide whether it gives an honest commune mapping.
NEW_PROVINCE_FIELDS = {"name", "code", "codename", "division_type", "phone_code", "wards"}
NEW_WARD_FIELDS = {"name", "code", "codename", "division_type", "short_codename"}


class DataError(Exception):
    """The source data does not look as expected."""


def fail(msg: str) -> None:
    raise DataError(msg)


def clean_name(name: str) -> str:
    """NFC, single spaces, no leading/trailing space. Spelling is otherwise kept as is."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def fold(text: str) -> str:
    """Accent-insensitive matching key: no diacritics, đ->d, lowercase, dashes as spaces."""
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            continue
        if ch in "đĐ":
            ch = "d"
        out.append(ch.lower() if ch.isalnum() else " ")
    return " ".join("".join(out).split())


def bare(name: str) -> str:
    for prefix in ("Tỉnh ", "Thành phố "):
        if name.lower().startswith(prefix.lower()):
            return name[len(prefix):]
    return name


def pad(code: object, level: str) -> str:
    if not isinstance(code, int) or isinstance(code, bool) or code < 0:
        fail(f"code {code!r} is not a non-negative integer")
    text = str(code).zfill(WIDTH[level])
    if len(text) != WIDTH[level]:
        fail(f"code {code} does not fit {WIDTH[level]} digits")
    return text


def legacy_kind(name: str, level: str, coarse: str) -> str:
    if coarse != LEGACY_COARSE[level]:
        fail(f"legacy {name!r}: division_type {coarse!r}, expected {LEGACY_COARSE[level]!r}")
    for prefix, kind in LEGACY_KINDS[level]:
        if name.lower().startswith(prefix.lower() + " "):
            return kind
    fail(f"legacy {name!r}: no known name prefix for level {level}")
    return ""  # unreachable


def check_kind_vs_name(name: str, level: str, kind: str) -> None:
    prefix = NEW_KINDS[level].get(kind)
    if prefix is None:
        fail(f"2025 {name!r}: unknown division_type {kind!r}")
    if level == "c" and not name.startswith(prefix + " "):
        fail(f"2025 {name!r}: name does not start with {prefix!r} (division_type {kind!r})")


def read_wheel(path: Path, version: str) -> tuple[list, str, str]:
    """Returns (nested divisions, data retrieval date, sha256 of the wheel)."""
    with zipfile.ZipFile(path) as zf:
        init = zf.read(INIT_PATH).decode("utf-8")
        data = json.loads(zf.read(DATA_PATH).decode("utf-8"))
    found = re.search(r"__version__\s*=\s*'([^']+)'", init)
    if not found or found.group(1) != version:
        fail(f"{path.name}: expected version {version}, found {found and found.group(1)}")
    data_version = re.search(r"__data_version__\s*=\s*'([^']+)'", init)
    if not data_version:
        fail(f"{path.name}: no __data_version__")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return data, data_version.group(1), digest


def download(package: str, version: str, dest: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
         f"{package}=={version}", "-d", str(dest)],
        check=True,
    )
    stem = package.replace("-", "_")
    wheels = sorted(dest.glob(f"{stem}-{version}-*.whl"))
    if len(wheels) != 1:
        fail(f"expected one wheel of {package} {version} in {dest}, found {wheels}")
    return wheels[0]


def build_new(data: list) -> list[tuple]:
    rows = []
    for p in data:
        if set(p) != NEW_PROVINCE_FIELDS:
            fail(f"2025 province fields changed: {sorted(set(p) ^ NEW_PROVINCE_FIELDS)}")
        pcode = pad(p["code"], "p")
        kind = p["division_type"]
        check_kind_vs_name(p["name"], "p", kind)
        name = clean_name(p["name"])
        prefix = NEW_KINDS["p"][kind]
        if not name.lower().startswith(prefix.lower() + " "):
            # The package writes provinces as "Tuyên Quang"; use the full official form.
            name = f"{prefix} {name}"
        rows.append((NEW_TAG, "p", pcode, "", kind, name))
        for w in p["wards"]:
            if set(w) != NEW_WARD_FIELDS:
                fail(f"2025 commune fields changed: {sorted(set(w) ^ NEW_WARD_FIELDS)}")
            wname = clean_name(w["name"])
            check_kind_vs_name(wname, "c", w["division_type"])
            rows.append((NEW_TAG, "c", pad(w["code"], "c"), pcode, w["division_type"], wname))
    return rows


def build_legacy(data: list) -> list[tuple]:
    rows = []
    for p in data:
        pcode = pad(p["code"], "p")
        pname = clean_name(p["name"])
        rows.append((LEGACY_TAG, "p", pcode, "", legacy_kind(pname, "p", p["division_type"]), pname))
        for d in p["districts"]:
            dcode = pad(d["code"], "d")
            dname = clean_name(d["name"])
            rows.append((LEGACY_TAG, "d", dcode, pcode, legacy_kind(dname, "d", d["division_type"]), dname))
            for w in d["wards"]:
                wname = clean_name(w["name"])
                kind = legacy_kind(wname, "c", w["division_type"])
                rows.append((LEGACY_TAG, "c", pad(w["code"], "c"), dcode, kind, wname))
    return rows


def check_rows(rows: list[tuple]) -> None:
    seen = set()
    for tag, level, code, _parent, _kind, name in rows:
        key = (tag, level, code)
        if key in seen:
            fail(f"duplicate unit {tag}:{level}:{code}")
        seen.add(key)
        if "\t" in name or "\n" in name or not name:
            fail(f"bad name {name!r}")
    parent_level = {(LEGACY_TAG, "d"): "p", (LEGACY_TAG, "c"): "d", (NEW_TAG, "c"): "p"}
    for tag, level, code, parent, _kind, _name in rows:
        if level == "p":
            continue
        if (tag, parent_level[(tag, level)], parent) not in seen:
            fail(f"{tag}:{level}:{code}: parent {parent} missing")


def province_mapping(new_rows: list[tuple], legacy_rows: list[tuple]) -> list[tuple[str, str]]:
    def index(rows: list[tuple]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for _tag, level, code, _parent, _kind, name in rows:
            if level == "p":
                out.setdefault(fold(bare(name)), []).append(code)
        return out

    def one(idx: dict[str, list[str]], name: str, which: str) -> str:
        codes = idx.get(fold(name), [])
        if len(codes) != 1:
            fail(f"{which} province {name!r} matches {len(codes)} units: {codes}")
        return codes[0]

    new_idx, old_idx = index(new_rows), index(legacy_rows)
    table = {name: [name] for name in UNCHANGED} | MERGED
    pairs = []
    for new_name, old_names in table.items():
        new_code = one(new_idx, new_name, NEW_TAG)
        for old_name in old_names:
            pairs.append((f"{LEGACY_TAG}:p:{one(old_idx, old_name, LEGACY_TAG)}", f"{NEW_TAG}:p:{new_code}"))
    olds = [a for a, _ in pairs]
    news = {b for _, b in pairs}
    if len(olds) != EXPECTED_LEGACY_PROVINCES or len(set(olds)) != EXPECTED_LEGACY_PROVINCES:
        fail(f"mapping covers {len(set(olds))} distinct old provinces in {len(olds)} pairs, expected 63")
    if len(news) != EXPECTED_NEW_PROVINCES:
        fail(f"mapping reaches {len(news)} new provinces, expected 34")
    return sorted(pairs)


def read_map_wheel(path: Path) -> dict:
    """The commune-mapping package: converter, both unit tables, licence text, wheel sha256."""
    with zipfile.ZipFile(path) as zf:
        meta = zf.read(MAP_META_PATH).decode("utf-8")
        licence = zf.read(MAP_LICENSE_PATH).decode("utf-8")
        converter = json.loads(zf.read(MAP_CONVERTER_PATH).decode("utf-8"))
        db_bytes = zf.read(MAP_DB_PATH)
    version = re.search(r"^Version: (\S+)$", meta, re.M)
    if not version or version.group(1) != MAP_VERSION:
        fail(f"{path.name}: expected version {MAP_VERSION}, found {version and version.group(1)}")
    if "License :: OSI Approved :: MIT License" not in meta or not licence.startswith("MIT License"):
        fail(f"{path.name}: the licence is no longer MIT; check it before using the data")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "dataset.db"
        db.write_bytes(db_bytes)
        con = sqlite3.connect(db)
        try:
            legacy = con.execute(
                "SELECT provinceKey, districtKey, wardKey, provinceCode, districtCode, wardCode, ward, wardAlias"
                " FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode").fetchall()
            new = con.execute(
                "SELECT provinceKey, wardKey, provinceCode, wardCode, ward FROM admin_units"
                " ORDER BY provinceCode, wardCode").fetchall()
        finally:
            con.close()
    return {
        "converter": converter,
        "legacy": legacy,
        "new": new,
        "licence": licence.strip(),
        "sha": hashlib.sha256(path.read_bytes()).hexdigest(),
    }


def squash(name: str) -> str:
    """A name as vietnamadminunits writes its keys and aliases: "Xã Đạ M'ri" -> "xadamri"."""
    return fold(name).replace(" ", "")


def checked_code(text: object, level: str, what: str) -> str:
    if not isinstance(text, str) or len(text) != WIDTH[level] or not text.isascii() or not text.isdigit():
        fail(f"{what}: bad {level} code {text!r}")
    return text


def commune_mapping(new_rows: list[tuple], legacy_rows: list[tuple], pairs: list[tuple[str, str]],
                    m: dict) -> tuple[dict[str, list[tuple[str, bool]]], dict]:
    """2025 commune code -> [(2008 code, is that unit's default successor)], and what was found.

    The 2008 code is a commune's (5 digits) or, for an island district without communes,
    the district's (3 digits). Every rule that joins the two packages is checked here.
    """
    new_c = {r[2]: (r[3], r[5]) for r in new_rows if r[1] == "c"}
    new_p = {r[2] for r in new_rows if r[1] == "p"}
    new_by_name: dict[tuple[str, str], list[str]] = {}
    for code, (parent, name) in new_c.items():
        new_by_name.setdefault((parent, fold(name)), []).append(code)
    old_c = {r[2]: (r[3], r[5]) for r in legacy_rows if r[1] == "c"}
    old_d = {r[2]: r[3] for r in legacy_rows if r[1] == "d"}
    districts_with_communes = {parent for parent, _ in old_c.values()}
    prov_succ = {a.split(":")[2]: b.split(":")[2] for a, b in pairs}

    # 1. vietnamadminunits' 2025 wards -> the core's 2025 communes: on the code when the
    #    names agree; else on the name within the province (the packages differ on codes).
    new_key: dict[tuple[str, str], str] = {}
    vau_new_province: dict[str, str] = {}
    recoded = []
    for pkey, wkey, pcode, wcode, wname in m["new"]:
        pcode = checked_code(pcode, "p", f"2025 ward {wname!r}")
        wcode = checked_code(wcode, "c", f"2025 ward {wname!r}")
        if pcode not in new_p:
            fail(f"2025 ward {wname!r}: province {pcode} not in the core")
        if vau_new_province.setdefault(pkey, pcode) != pcode:
            fail(f"2025 province key {pkey!r} has two codes")
        core = new_c.get(wcode)
        if core is not None and core[0] == pcode and fold(core[1]) == fold(wname):
            hit = wcode
        else:
            names = new_by_name.get((pcode, fold(wname)), [])
            if len(names) != 1:
                fail(f"2025 ward {wname!r} ({wcode}, province {pcode}): {len(names)} core communes of that name")
            hit = names[0]
            recoded.append((wcode, hit, wname))
        if (pkey, wkey) in new_key:
            fail(f"2025 ward key {pkey}/{wkey} twice")
        new_key[(pkey, wkey)] = hit
    if sorted(new_key.values()) != sorted(new_c):
        fail("vietnamadminunits' 2025 wards do not match the core's 2025 communes one to one")

    # 2. vietnamadminunits' 63-province table (its state on 2025-06-30).
    vau_old: dict[str, tuple[str, str, str, list[str]]] = {}  # composite -> (district, code, name, aliases)
    vau_by_code: dict[str, str] = {}
    vau_by_district: dict[str, list[str]] = {}
    vau_old_province: dict[str, str] = {}
    islands: dict[str, str] = {}  # composite -> district code
    for pkey, dkey, wkey, pcode, dcode, wcode, wname, alias in m["legacy"]:
        composite = f"{pkey}_{dkey}_{wkey or ''}"
        pcode = checked_code(pcode, "p", f"legacy {composite}")
        dcode = checked_code(dcode, "d", f"legacy {composite}")
        if old_d.get(dcode) != pcode:
            fail(f"legacy district {dcode} ({composite}): province {pcode} there, {old_d.get(dcode)} in the core")
        if vau_old_province.setdefault(pkey, pcode) != pcode:
            fail(f"legacy province key {pkey!r} has two codes")
        if composite in vau_old or composite in islands:
            fail(f"legacy ward {composite} twice")
        if wcode is None:
            if wkey is not None or wname is not None:
                fail(f"legacy {composite}: a name but no code")
            islands[composite] = dcode
            continue
        wcode = checked_code(wcode, "c", f"legacy {composite}")
        if wcode in vau_by_code:
            fail(f"legacy code {wcode} twice")
        aliases = json.loads(alias) if alias else []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            fail(f"legacy {composite}: aliases {alias!r}")
        vau_old[composite] = (dcode, wcode, clean_name(wname), aliases)
        vau_by_code[wcode] = composite
        vau_by_district.setdefault(dcode, []).append(composite)
    if len(vau_old) + len(islands) != EXPECTED_MAP_LEGACY_ROWS or len(islands) != EXPECTED_MAP_ISLAND_DISTRICTS:
        fail(f"vietnamadminunits' 63-province table: {len(vau_old)} wards and {len(islands)} island districts")

    # 3. Its converter: old ward -> new wards, the default first, the others by code.
    conv = m["converter"]
    if set(conv) != {"DICT_PROVINCE", "DICT_PROVINCE_WARD_NO_DIVIDED", "DICT_PROVINCE_WARD_DIVIDED"}:
        fail(f"converter_2025.json has keys {sorted(conv)}")
    for new_pkey, old_pkeys in conv["DICT_PROVINCE"].items():
        for o in old_pkeys:
            if prov_succ.get(vau_old_province.get(o, "")) != vau_new_province.get(new_pkey):
                fail(f"converter: province {o} -> {new_pkey} disagrees with Resolution 202/2025/QH15")

    def new_code(pkey: str, wkey: str) -> str:
        code = new_key.get((pkey, wkey))
        if code is None:
            fail(f"converter: unknown 2025 ward {pkey}/{wkey}")
        return code

    targets: dict[str, list[str]] = {}
    for new_pkey, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for wkey, olds in wards.items():
            for o in olds:
                if o in targets:
                    fail(f"converter: {o} mapped twice")
                targets[o] = [new_code(new_pkey, wkey)]
    for new_pkey, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for o, shares in olds.items():
            if o in targets:
                fail(f"converter: {o} mapped twice")
            defaults = [s["newWardKey"] for s in shares if s.get("isDefaultNewWard") is True]
            if len(defaults) != 1:
                fail(f"converter: split ward {o} has {len(defaults)} defaults")
            first = new_code(new_pkey, defaults[0])
            rest = sorted({new_code(new_pkey, s["newWardKey"]) for s in shares} - {first})
            if not rest:
                fail(f"converter: split ward {o} has a single new ward")
            targets[o] = [first, *rest]
    if set(targets) != set(vau_old) | set(islands):
        fail(f"converter and ward table differ: {sorted(set(targets) ^ (set(vau_old) | set(islands)))[:5]}")

    # 4. The core's 2008 communes -> vietnamadminunits' wards: on the official code (the
    #    district must agree). A code it does not have (the core's list is older) is
    #    followed to the ward of the same district with the same name, or that carries the
    #    name as an alias (merged into it); failing that, the commune maps to its province.
    via: dict[str, str] = {}
    renamed, followed, province_only = [], [], []
    for code, (dcode, name) in sorted(old_c.items()):
        composite = vau_by_code.get(code)
        if composite is not None:
            if vau_old[composite][0] != dcode:
                fail(f"legacy commune {code}: district {vau_old[composite][0]} there, {dcode} in the core")
            via[code] = composite
            if fold(vau_old[composite][2]) != fold(name):
                renamed.append(code)
            continue
        same = [c for c in vau_by_district.get(dcode, []) if fold(vau_old[c][2]) == fold(name)]
        alias = [c for c in vau_by_district.get(dcode, []) if squash(name) in vau_old[c][3]]
        if len(same) > 1 or (not same and len(alias) > 1):
            fail(f"legacy commune {code} {name!r}: several candidates {same or alias}")
        hit = (same or alias or [None])[0]
        if hit is None:
            province_only.append((code, name, old_d[dcode]))
            continue
        via[code] = hit
        followed.append((code, name, vau_old[hit][1], vau_old[hit][2], "same name" if same else "alias"))

    # 5. Rows by 2025 commune; every target in the 2025 province of the old province.
    rows: dict[str, list[tuple[str, bool]]] = {}
    split = 0
    for code, composite in via.items():
        new_codes = targets[composite]
        split += len(new_codes) > 1
        want = prov_succ[old_d[old_c[code][0]]]
        for i, n in enumerate(new_codes):
            if new_c[n][0] != want:
                fail(f"legacy commune {code} -> {n}: province {new_c[n][0]}, expected {want}")
            rows.setdefault(n, []).append((code, i == 0))
    for composite, dcode in sorted(islands.items(), key=lambda kv: kv[1]):
        if dcode in districts_with_communes:
            fail(f"island district {dcode} has communes in the core")
        if len(targets[composite]) != 1 or new_c[targets[composite][0]][0] != prov_succ[old_d[dcode]]:
            fail(f"island district {dcode}: targets {targets[composite]}")
        rows.setdefault(targets[composite][0], []).append((dcode, True))
    for entries in rows.values():
        entries.sort()
    found = {
        "communes": len(old_c),
        "mapped": len(via),
        "split": split,
        "alternatives": sum(len(targets[c]) - 1 for c in via.values()),
        "max_targets": max(len(targets[c]) for c in via.values()),
        "by_code": len(via) - len(followed),
        "renamed": len(renamed),
        "followed": followed,
        "province_only": province_only,
        "islands": len(islands),
        "vau_wards": len(vau_old),
        "vau_only": [(c, vau_old[vau_by_code[c]][2]) for c in sorted(set(vau_by_code) - set(old_c))],
        "recoded": recoded,
        "unreached": sorted(set(new_c) - set(rows)),
        "reached": len(rows),
    }
    return rows, found


def count(rows: list[tuple], level: str) -> int:
    return sum(1 for r in rows if r[1] == level)


def render(new_rows, legacy_rows, pairs, new_meta, legacy_meta, generated: str) -> str:
    (new_data_date, new_sha), (legacy_data_date, legacy_sha) = new_meta, legacy_meta
    header = f"""\
# Từng Nhà: Vietnam's administrative units as a versioned tree.
# Generated by scripts/gen_admin_units.py on {generated}. Do not edit by hand: rerun the script.
#
# Sources (PyPI package "{PACKAGE}", file {DATA_PATH}):
#   {NEW_TAG}: {PACKAGE} {NEW_VERSION} (data retrieved {new_data_date}), wheel sha256 {new_sha}
#   {LEGACY_TAG}: {PACKAGE} {LEGACY_VERSION} (data retrieved {legacy_data_date}), wheel sha256 {legacy_sha}
#         the newest release that still carries the 63-province, three-level structure.
#
# Legal basis:
#   {NEW_TAG}: Resolution 202/2025/QH15 (63 provinces -> 34, in force 2025-07-01); district level
#         abolished from 2025-07-01; communes rearranged by resolutions of the National
#         Assembly Standing Committee (2025); codes per Decision 19/2025/QĐ-TTg.
#   {LEGACY_TAG}: the 63-province structure (Hà Nội expanded 2008-08-01, Resolution 15/2008/QH12),
#         codes per Decision 124/2004/QĐ-TTg and later amendments; in force until 2025-06-30.
#
# Counts: {NEW_TAG}: {count(new_rows, "p")} provinces, {count(new_rows, "c")} communes.
#         {LEGACY_TAG}: {count(legacy_rows, "p")} provinces, {count(legacy_rows, "d")} districts, {count(legacy_rows, "c")} communes.
#
# MAPPINGS: the old->new mappings in this file are at PROVINCE level (Resolution 202/2025/QH15,
# matched by name); {PACKAGE} has no finer one (its {NEW_TAG} records carry no reference to old
# codes). The commune-level mapping of {LEGACY_TAG} communes to {NEW_TAG} communes, from another
# package, is in admin-units-2008-2025.tsv beside this file (see its header). A {LEGACY_TAG} unit
# with no mapping of its own (a district, or one of the few communes that file cannot map)
# maps onto the {NEW_TAG} province that its province became.
# A {NEW_TAG} commune code that equals a {LEGACY_TAG} commune code does NOT mean the same territory.
# The {LEGACY_TAG} tree is one snapshot ({legacy_data_date}): units dissolved before it are
# absent, and no unit's start date is known (valid_from empty).
#
# Names: as in the source, Unicode NFC with runs of spaces collapsed; {NEW_TAG} provinces of
# kind "tỉnh" get the "Tỉnh " prefix. {LEGACY_TAG} kinds are read from the name prefix (release
# {LEGACY_VERSION} writes every division_type as tỉnh/huyện/xã).
#
# Format: UTF-8, tab-separated, sorted. Lines starting with "#" are comments.
#   @  <version>  <valid_from|->  <valid_to|->  <description>   (dates inclusive, ISO)
#   <version>  <level p|d|c>  <code>  <parent code|empty>  <kind>  <name>
#   >  <from key>  <to key>                                    (old -> new mapping)
# A unit's key is "<version>:<level>:<code>", e.g. {NEW_TAG}:c:00070, {LEGACY_TAG}:d:393. Its
# parent is the unit one level up in the same version: p <- d <- c ({LEGACY_TAG}), p <- c ({NEW_TAG}).
# Codes are zero-padded: provinces 2 digits, districts 3, communes 5.
"""
    lines = [
        f"@\t{LEGACY_TAG}\t-\t{LEGACY_VALID_TO}\t63 provinces, three levels (tỉnh, huyện, xã)",
        f"@\t{NEW_TAG}\t{NEW_VALID_FROM}\t-\t34 provinces, two levels (tỉnh, xã)",
    ]
    order = {"p": 0, "d": 1, "c": 2}
    for row in sorted(legacy_rows + new_rows, key=lambda r: (r[0], order[r[1]], r[2])):
        lines.append("\t".join(row))
    for a, b in pairs:
        lines.append(f">\t{a}\t{b}")
    return header + "\n".join(lines) + "\n"


def render_mapping(rows: dict[str, list[tuple[str, bool]]], found: dict, names: dict[str, str],
                   m: dict, generated: str) -> str:
    """The commune mapping file (see its header for the format)."""
    def unit(code: str) -> str:
        return f"{code} {names[code]}"

    followed = "\n".join(
        f"#           {code} {name} -> {to_code} {to_name} ({how})" for code, name, to_code, to_name, how in found["followed"]
    )
    province_only = "\n".join(
        f"#           {code} {name} ({names['p' + province]})" for code, name, province in found["province_only"]
    )
    vau_only, orphans = [], []
    for code, name in found["vau_only"]:
        sources = [c for c, _n, to_code, _t, _h in found["followed"] if to_code == code]
        if sources:
            vau_only.append(f"#           {code} {name}: the core's {', '.join(sources)} followed to it (above)")
        else:
            orphans.append(f"{code} {name}")
    if orphans:
        vau_only.append(f"#           {', '.join(orphans)}: no commune of the core's list leads to")
        vau_only.append("#             these (the data does not say which communes they were carved from); the")
        vau_only.append("#             commune they came from maps only to where the ward that kept its code went.")
    vau_only = "\n".join(vau_only)
    licence = "\n".join(f"#   {line}".rstrip() for line in m["licence"].splitlines())
    recoded = len(found["recoded"])
    header = f"""\
# Từng Nhà: the {NEW_TAG} commune(s) that each commune of the {LEGACY_TAG} structure became.
# Generated by scripts/gen_admin_units.py on {generated}. Do not edit by hand: rerun
#     python3 scripts/gen_admin_units.py
# which rewrites admin-units.tsv (the units) and this file (see the script's docstring).
#
# Source: PyPI package "{MAP_PACKAGE}" {MAP_VERSION}, wheel sha256 {m["sha"]},
# licence {MAP_LICENSE_NAME} (full text at the end of this header). Files used:
#   {MAP_CONVERTER_PATH}: each ward of the 63-province structure as it stood
#     on 2025-06-30 and the new ward(s) its territory went to. For a ward split between several
#     new ones, one is marked default (isDefaultNewWard): chosen by the package's author from
#     the old ward's geocoded location (the new ward whose area contains it, else the nearest),
#     a best guess for records without a finer address, not an official assignment.
#   {MAP_DB_PATH}: the official ward codes of both structures, used for the join.
#   The package names its sources: the General Statistics Office's list of units and the
#   published merger lists of the 2025 resolutions of the National Assembly Standing Committee.
#
# Join with admin-units.tsv (on official codes; every rule is checked by the script):
#   {NEW_TAG}: {EXPECTED_NEW_COMMUNES - recoded} of the {EXPECTED_NEW_COMMUNES} wards on their code and name; {recoded} on their name within the
#         province, because the two packages give them different codes (vietnam-provinces'
#         codes, the ones in admin-units.tsv, are kept). One to one.
#   {LEGACY_TAG}: the core's list (snapshot 2025-01-04) is older than this package's (2025-06-30).
#         {found["by_code"]} communes join on their code, in the same district; {found["renamed"]} of them bear another name
#         there (spelling, or renamed or merged into a neighbour that kept the code in 2025).
#         {len(found["followed"])} communes whose code the package lacks are followed to the ward of the same district
#         that has their name (renumbered) or lists it as an alias (merged into it):
{followed}
#         {len(found["province_only"])} communes have no such record: NO commune-level mapping, no line below; they map
#         only onto the {NEW_TAG} province that their province became:
{province_only}
#         {len(found["vau_only"])} wards of the package are not in the core's list (formed in 2025, after its snapshot):
{vau_only}
#         The {found["islands"]} island districts without communes map to the special zone (đặc khu) each became.
#
# Counts: {found["mapped"]} of the {found["communes"]} {LEGACY_TAG} communes map to {NEW_TAG} communes; {found["split"]} of them are split between
#   2 to {found["max_targets"]} communes ({found["alternatives"]} shares besides the defaults). Each of the {found["reached"]} {NEW_TAG} communes is
#   reached. Every target lies in the {NEW_TAG} province that the old commune's province became.
#
# Format: UTF-8, tab-separated, sorted. Lines starting with "#" are comments.
#   =  <old version>  <new version>             starts the mappings between two versions
#   <new commune code>  <old codes, space-separated>
# A line names a {NEW_TAG} commune and the {LEGACY_TAG} units whose territory went into it, wholly or in
# part. An old code is a commune's (5 digits) or an island district's (3 digits). A code followed
# by "+" is a commune split between several {NEW_TAG} communes for which this one is not the default;
# every mapped old unit appears exactly once without "+" (its default, or only, successor).
#
# Licence of the source data, which covers this file (derived from substantial parts of it):
{licence}
"""
    lines = [f"=\t{LEGACY_TAG}\t{NEW_TAG}"]
    for new_code in sorted(rows):
        olds = " ".join(code if default else f"{code}+" for code, default in rows[new_code])
        lines.append(f"{new_code}\t{olds}")
    return header + "\n".join(lines) + "\n"


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--new-wheel", type=Path, help=f"{PACKAGE} {NEW_VERSION} wheel (else downloaded)")
    ap.add_argument("--legacy-wheel", type=Path, help=f"{PACKAGE} {LEGACY_VERSION} wheel (else downloaded)")
    ap.add_argument("--map-wheel", type=Path, help=f"{MAP_PACKAGE} {MAP_VERSION} wheel (else downloaded)")
    ap.add_argument("-o", "--output", type=Path, default=root / "core" / "data" / "admin-units.tsv")
    ap.add_argument("-m", "--mapping-output", type=Path,
                    default=root / "core" / "data" / "admin-units-2008-2025.tsv")
    ap.add_argument("--generated", default=dt.datetime.now(dt.timezone.utc).date().isoformat(),
                    help="date written in the header (default: today, UTC)")
    args = ap.parse_args()
    dt.date.fromisoformat(args.generated)

    with tempfile.TemporaryDirectory() as tmp:
        new_wheel = args.new_wheel or download(PACKAGE, NEW_VERSION, Path(tmp))
        legacy_wheel = args.legacy_wheel or download(PACKAGE, LEGACY_VERSION, Path(tmp))
        new_data, new_date, new_sha = read_wheel(new_wheel, NEW_VERSION)
        legacy_data, legacy_date, legacy_sha = read_wheel(legacy_wheel, LEGACY_VERSION)
        map_wheel = args.map_wheel or download(MAP_PACKAGE, MAP_VERSION, Path(tmp))
        map_data = read_map_wheel(map_wheel)

    new_rows = build_new(new_data)
    legacy_rows = build_legacy(legacy_data)
    check_rows(new_rows + legacy_rows)
    for what, got, want in [
        ("2025 provinces", count(new_rows, "p"), EXPECTED_NEW_PROVINCES),
        ("2025 communes", count(new_rows, "c"), EXPECTED_NEW_COMMUNES),
        ("legacy provinces", count(legacy_rows, "p"), EXPECTED_LEGACY_PROVINCES),
    ]:
        if got != want:
            fail(f"{what}: {got}, expected {want}")
    pairs = province_mapping(new_rows, legacy_rows)
    commune_rows, found = commune_mapping(new_rows, legacy_rows, pairs, map_data)
    names = {r[2]: r[5] for r in legacy_rows if r[1] == "c"} | {"p" + r[2]: r[5] for r in new_rows if r[1] == "p"}

    text = render(new_rows, legacy_rows, pairs, (new_date, new_sha), (legacy_date, legacy_sha),
                  args.generated)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8", newline="\n")
    print(
        f"wrote {args.output} ({len(text.encode('utf-8'))} bytes): "
        f"{NEW_TAG} {count(new_rows, 'p')} provinces / {count(new_rows, 'c')} communes; "
        f"{LEGACY_TAG} {count(legacy_rows, 'p')} / {count(legacy_rows, 'd')} / {count(legacy_rows, 'c')}; "
        f"{len(pairs)} province mappings"
    )
    mapping = render_mapping(commune_rows, found, names, map_data, args.generated)
    args.mapping_output.parent.mkdir(parents=True, exist_ok=True)
    args.mapping_output.write_text(mapping, encoding="utf-8", newline="\n")
    print(
        f"wrote {args.mapping_output} ({len(mapping.encode('utf-8'))} bytes): "
        f"{found['mapped']} of {found['communes']} {LEGACY_TAG} communes mapped to {NEW_TAG} communes "
        f"({found['split']} split), {len(found['province_only'])} to their province only, "
        f"{found['islands']} island districts"
    )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except DataError as err:
        print(f"gen_admin_units: {err}", file=sys.stderr)
        sys.exit(1)
