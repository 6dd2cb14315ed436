#!/usr/bin/env python3
"""Generate tthc/data/communes.csv (the 3,321 communes in force from 2025-07-01).

DEV TOOL ONLY - NOT PART OF THE PLATFORM.
The source is the PyPI package ``vietnam-provinces`` 2025.10.1 (GPL-3.0,
data retrieved 2025-10-18 from the General Statistics Office draft list).
The platform must never import that package at run time; only the CSV this
script writes is committed and loaded. Install the package into a throwaway
virtualenv outside the project and run this script with that venv's Python:

    python3 -m venv /tmp/vp
    /tmp/vp/bin/pip install vietnam-provinces==2025.10.1
    /tmp/vp/bin/python scripts/gen_communes.py          # from the repo root

Output columns: code,name,short_name,kind,parent_code,valid_from,valid_to,successor_code
  code         5-digit statistics code, zero-padded
  parent_code  2-digit province code, zero-padded
  kind         always "commune" (xã, phường and đặc khu alike)

Name clean-up: NFC, whitespace runs collapsed to one space, en/em dashes
turned into " - ", typographic apostrophes (’ ʼ ‘) turned into "'".

The script also cross-checks tthc/data/provinces.csv (codes and names of the
34 provinces in force) against the package and prints any difference; it exits
non-zero when the package does not hold 34 provinces / 3,321 communes or when
the cross-check finds a code mismatch.
"""

import csv
import re
import sys
import unicodedata
from pathlib import Path

try:
    import vietnam_provinces
    from vietnam_provinces import Province, VietNamDivisionType, Ward
except ImportError:  # pragma: no cover - dev tool
    sys.exit("vietnam-provinces is not installed in this interpreter; see the header of this script")

EXPECTED_VERSION = "2025.10.1"
VALID_FROM = "2025-07-01"
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tthc" / "data" / "communes.csv"
PROVINCES_CSV = ROOT / "tthc" / "data" / "provinces.csv"
COLUMNS = ["code", "name", "short_name", "kind", "parent_code", "valid_from", "valid_to", "successor_code"]
PREFIXES = {
    VietNamDivisionType.XA: "Xã ",
    VietNamDivisionType.PHUONG: "Phường ",
    VietNamDivisionType.DAC_KHU: "Đặc khu ",
}


def clean(name: str) -> str:
    s = unicodedata.normalize("NFC", name)
    s = re.sub(r"\s*[\u2013\u2014]\s*", " - ", s)
    s = re.sub(r"[\u2019\u02bc\u2018]", "'", s)
    s = re.sub(r"\s+", " ", s).strip()
    return s


def short_name(name: str, division_type) -> str:
    prefix = PREFIXES.get(division_type)
    if prefix and name.startswith(prefix):
        return name[len(prefix) :]
    return name


def strip_province_prefix(name: str) -> str:
    for p in ("Thành phố ", "Tỉnh "):
        if name.startswith(p):
            return name[len(p) :]
    return name


def cross_check_provinces(provinces) -> int:
    """Compare provinces.csv (rows in force) with the package. Returns the number of code mismatches."""
    if not PROVINCES_CSV.exists():
        print(f"note: {PROVINCES_CSV} not found, province cross-check skipped")
        return 0
    with PROVINCES_CSV.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["kind"] == "province" and not r["valid_to"]]
    ours = {r["code"]: r for r in rows}
    pkg = {f"{int(p.code):02d}": clean(p.name) for p in provinces}
    problems = 0
    for code in sorted(set(ours) | set(pkg)):
        if code not in ours:
            print(
                f"MISMATCH province {code} {pkg[code]!r} is in the package but not in force in provinces.csv"
            )
            problems += 1
        elif code not in pkg:
            print(
                f"MISMATCH province {code} {ours[code]['name']!r} is in force in provinces.csv but not in the package"
            )
            problems += 1
        elif strip_province_prefix(ours[code]["name"]) != strip_province_prefix(pkg[code]):
            print(f"MISMATCH province {code} name: ours {ours[code]['name']!r}, package {pkg[code]!r}")
            problems += 1
        elif ours[code]["name"] != pkg[code] and ours[code]["name"] != "Tỉnh " + pkg[code]:
            # Only the "Tỉnh"/"Thành phố" prefix differs (the package omits "Tỉnh" and
            # predates the 2026 city status of Bắc Ninh, Quảng Ninh, Đồng Nai);
            # the package writes provinces without "Tỉnh", which is not reported.
            print(f"note: province {code} styled {ours[code]['name']!r}; package has {pkg[code]!r}")
    print(
        f"province cross-check: {len(ours)} in force in provinces.csv, {len(pkg)} in the package, {problems} mismatch(es)"
    )
    return problems


def main() -> int:
    version = getattr(vietnam_provinces, "__version__", "?")
    if version != EXPECTED_VERSION:
        print(
            f"warning: vietnam-provinces {version} installed, this script was written for {EXPECTED_VERSION}"
        )
    provinces = list(Province.iter_all())
    wards = list(Ward.iter_all())
    if len(provinces) != 34 or len(wards) != 3321:
        print(f"error: expected 34 provinces and 3321 communes, got {len(provinces)} and {len(wards)}")
        return 1
    rows = []
    for w in wards:
        name = clean(w.name)
        rows.append(
            {
                "code": f"{int(w.code):05d}",
                "name": name,
                "short_name": short_name(name, w.division_type),
                "kind": "commune",
                "parent_code": f"{int(w.province_code):02d}",
                "valid_from": VALID_FROM,
                "valid_to": "",
                "successor_code": "",
            }
        )
    rows.sort(key=lambda r: (r["parent_code"], r["code"]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    kinds = {}
    for w in wards:
        kinds[w.division_type.value] = kinds.get(w.division_type.value, 0) + 1
    print(
        f"wrote {OUT.relative_to(ROOT)}: {len(rows)} communes {kinds} "
        f"(vietnam-provinces {version}, data {getattr(vietnam_provinces, '__data_version__', '?')})"
    )
    return 1 if cross_check_provinces(provinces) else 0


if __name__ == "__main__":
    sys.exit(main())
