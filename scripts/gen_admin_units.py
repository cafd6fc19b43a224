#!/usr/bin/env python3
"""Generate core/data/admin-units.tsv: Vietnam's administrative units as a versioned tree.

Two versions of the official structure are shipped:

* ``2025`` -- the two-level structure in force since 2025-07-01 (34 provinces, 3,321
  communes/wards/special zones; codes per Decision 19/2025/QĐ-TTg), taken from the PyPI
  package ``vietnam-provinces`` 2025.10.1.
* ``2008`` -- the three-level structure of 63 provinces (the framework of 2008-08-01),
  in force until 2025-06-30, taken from ``vietnam-provinces`` 0.6.0, the newest release
  that still carries it (its data snapshot is dated 2025-01-04).

Province-level old->new mappings follow Resolution 202/2025/QH15 and are matched by name
(the script fails if a name does not match exactly one unit). The package has no
commune-level old->new mapping, and none is invented here.

Usage (Python 3.11, standard library only; needs ``pip`` to fetch the wheels):

    python3 scripts/gen_admin_units.py                      # downloads both wheels
    python3 scripts/gen_admin_units.py --new-wheel A.whl --legacy-wheel B.whl
    python3 scripts/gen_admin_units.py --generated 2025-11-23   # pin the header date

The output is deterministic for given wheels and ``--generated`` date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
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


def download(version: str, dest: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
         f"{PACKAGE}=={version}", "-d", str(dest)],
        check=True,
    )
    wheels = sorted(dest.glob(f"vietnam_provinces-{version}-*.whl"))
    if len(wheels) != 1:
        fail(f"expected one wheel for {version} in {dest}, found {wheels}")
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
# MAPPING CAVEAT: old->new mappings exist at PROVINCE level only (Resolution 202/2025/QH15,
# matched by name). The source has no commune- or district-level old->new mapping (its
# {NEW_TAG} records carry no reference to old codes), so none is given: a legacy district or
# commune maps only onto the {NEW_TAG} province that its legacy province became (coarse).
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


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--new-wheel", type=Path, help=f"{PACKAGE} {NEW_VERSION} wheel (else downloaded)")
    ap.add_argument("--legacy-wheel", type=Path, help=f"{PACKAGE} {LEGACY_VERSION} wheel (else downloaded)")
    ap.add_argument("-o", "--output", type=Path, default=root / "core" / "data" / "admin-units.tsv")
    ap.add_argument("--generated", default=dt.datetime.now(dt.timezone.utc).date().isoformat(),
                    help="date written in the header (default: today, UTC)")
    args = ap.parse_args()
    dt.date.fromisoformat(args.generated)

    with tempfile.TemporaryDirectory() as tmp:
        new_wheel = args.new_wheel or download(NEW_VERSION, Path(tmp))
        legacy_wheel = args.legacy_wheel or download(LEGACY_VERSION, Path(tmp))
        new_data, new_date, new_sha = read_wheel(new_wheel, NEW_VERSION)
        legacy_data, legacy_date, legacy_sha = read_wheel(legacy_wheel, LEGACY_VERSION)

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
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except DataError as err:
        print(f"gen_admin_units: {err}", file=sys.stderr)
        sys.exit(1)
