#!/usr/bin/env python3
"""Check the reference data files in tthc/data/ (standard library only).

    python3 scripts/check_reference_data.py [DATA_DIR]

Exits 0 when every check passes, 1 otherwise (each problem is printed).
Checks:
  * exact headers; UTF-8; names NFC-normalised with single spaces
  * codes unique across all agency files (agencies_central, provinces,
    communes, units_demo); parent_code / successor_code point at existing codes
  * kind values, dates (YYYY-MM-DD, valid_from <= valid_to), successor set only
    on closed rows and never on itself
  * 34 provinces in force, 3,321 communes, every province in force has communes
    and every commune hangs under a province in force
  * procedures: 300-400 rows, unique code format d.dddddd, ministry_code is a
    ministry / ministry-level body in force, central_system from the known list,
    processing unit / online level / levels / 0-1 flags valid, positive amount,
    published_on <= legal_basis_effective_on, made_public_on >= published_on,
    payment_integrated only for fee-bearing procedures
"""

import csv
import datetime as dt
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

AGENCY_COLUMNS = [
    "code",
    "name",
    "short_name",
    "kind",
    "parent_code",
    "valid_from",
    "valid_to",
    "successor_code",
]
PROCEDURE_COLUMNS = [
    "code",
    "name",
    "field_code",
    "field_name",
    "ministry_code",
    "processing_amount",
    "processing_unit",
    "online_level",
    "fee_bearing",
    "issues_result",
    "citizen_facing",
    "central_system",
    "levels",
    "legal_basis_effective_on",
    "published_on",
    "made_public_on",
    "payment_integrated",
    "population_data_connected",
    "content_complete",
]
AGENCY_FILES = ["agencies_central.csv", "provinces.csv", "communes.csv", "units_demo.csv"]
KINDS = {"central", "ministry", "ministry_level", "province", "commune", "unit", "one_stop"}
CENTRAL_SYSTEMS = {
    "HOTICH",
    "LLTP",
    "DKDN",
    "DTNN",
    "GPLX",
    "VANTAI",
    "KCB",
    "DATDAI",
    "BTXH",
    "CPXD",
    "CCHN",
    "MADVNS",
    "BHXH",
    "EVN",
}
LEVELS = ["central", "province", "commune"]
ONLINE = {"none", "partial", "full"}
UNITS = {"working_days", "calendar_days"}
FLAGS = [
    "fee_bearing",
    "issues_result",
    "citizen_facing",
    "payment_integrated",
    "population_data_connected",
    "content_complete",
]
EXPECTED_PROVINCES = 34
EXPECTED_COMMUNES = 3321
CODE_RE = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)*$")
PROC_CODE_RE = re.compile(r"^\d\.\d{6}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

problems = []


def problem(msg):
    problems.append(msg)


def read(path, columns):
    if not path.exists():
        problem(f"{path.name}: missing")
        return []
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        problem(f"{path.name}: not UTF-8 ({e})")
        return []
    if text.startswith("\ufeff"):
        problem(f"{path.name}: has a byte-order mark")
        text = text[1:]
    reader = csv.DictReader(text.splitlines(), strict=True)
    if reader.fieldnames != columns:
        problem(f"{path.name}: header {reader.fieldnames} != {columns}")
        return []
    rows = []
    for lineno, r in enumerate(reader, start=2):
        if None in r or any(v is None for v in r.values()):
            problem(f"{path.name}:{lineno}: wrong number of fields")
            continue
        r["_where"] = f"{path.name}:{lineno}"
        rows.append(r)
    return rows


def check_text(r, *fields):
    for f in fields:
        v = r[f]
        if v != unicodedata.normalize("NFC", v):
            problem(f"{r['_where']}: {f} not NFC: {v!r}")
        if v != v.strip() or "  " in v or re.search(r"[\t\r\n]", v):
            problem(f"{r['_where']}: {f} has stray whitespace: {v!r}")


def parse_date(r, f, required=False):
    v = r[f]
    if not v:
        if required:
            problem(f"{r['_where']}: {f} is empty")
        return None
    if not DATE_RE.match(v):
        problem(f"{r['_where']}: {f} not YYYY-MM-DD: {v!r}")
        return None
    try:
        return dt.date.fromisoformat(v)
    except ValueError:
        problem(f"{r['_where']}: {f} is not a real date: {v!r}")
        return None


def in_force(r, on=None):
    on = on or dt.date.today()
    vf = r["valid_from"] and dt.date.fromisoformat(r["valid_from"])
    vt = r["valid_to"] and dt.date.fromisoformat(r["valid_to"])
    return (not vf or vf <= on) and (not vt or vt >= on)


def check_agencies(data):
    by_file = {name: read(data / name, AGENCY_COLUMNS) for name in AGENCY_FILES}
    all_rows = [r for rows in by_file.values() for r in rows]
    codes = Counter(r["code"] for r in all_rows)
    for code, n in codes.items():
        if n > 1:
            where = ", ".join(r["_where"] for r in all_rows if r["code"] == code)
            problem(f"code {code!r} appears {n} times: {where}")
    index = {r["code"]: r for r in all_rows}
    for r in all_rows:
        w = r["_where"]
        check_text(r, "code", "name", "short_name")
        if not r["code"] or not CODE_RE.match(r["code"]):
            problem(f"{w}: bad code {r['code']!r} (uppercase ASCII letters/digits, '-' separated)")
        if not r["name"] or not r["short_name"]:
            problem(f"{w}: empty name or short_name")
        if r["kind"] not in KINDS:
            problem(f"{w}: bad kind {r['kind']!r}")
        vf, vt = parse_date(r, "valid_from"), parse_date(r, "valid_to")
        if vf and vt and vf > vt:
            problem(f"{w}: valid_from {vf} after valid_to {vt}")
        if r["kind"] == "central":
            if r["parent_code"]:
                problem(f"{w}: the root must have no parent")
        elif not r["parent_code"]:
            problem(f"{w}: parent_code is empty")
        elif r["parent_code"] not in index:
            problem(f"{w}: parent_code {r['parent_code']!r} does not exist")
        elif r["parent_code"] == r["code"]:
            problem(f"{w}: is its own parent")
        succ = r["successor_code"]
        if succ:
            if succ not in index:
                problem(f"{w}: successor_code {succ!r} does not exist")
            elif succ == r["code"]:
                problem(f"{w}: is its own successor")
            else:
                s = index[succ]
                same = {s["kind"], r["kind"]} <= {"ministry", "ministry_level"} or s["kind"] == r["kind"]
                if not same:
                    problem(f"{w}: successor {succ} is a {s['kind']}, not a {r['kind']}")
                if vt and s["valid_to"] and dt.date.fromisoformat(s["valid_to"]) <= vt:
                    problem(f"{w}: successor {succ} ends before this row does")
            if not r["valid_to"]:
                problem(f"{w}: successor_code set on a row with no valid_to")
        expected_kinds = {
            "provinces.csv": {"province"},
            "communes.csv": {"commune"},
            "units_demo.csv": {"unit", "one_stop"},
            "agencies_central.csv": {"central", "ministry", "ministry_level", "unit"},
        }
        fname = w.split(":")[0]
        if r["kind"] not in expected_kinds[fname]:
            problem(f"{w}: kind {r['kind']!r} does not belong in {fname}")
    # parent kinds
    for r in all_rows:
        p = index.get(r["parent_code"])
        if not p:
            continue
        if r["kind"] in ("ministry", "ministry_level", "province") and p["kind"] != "central":
            problem(f"{r['_where']}: a {r['kind']} must hang under the root, not {p['code']}")
        if r["kind"] == "commune" and p["kind"] != "province":
            problem(f"{r['_where']}: commune parent {p['code']} is not a province")
    roots = [r for r in all_rows if r["kind"] == "central"]
    if len(roots) != 1:
        problem(f"expected exactly one central root, found {len(roots)}")
    provinces_now = [r for r in by_file["provinces.csv"] if in_force(r)]
    if len(provinces_now) != EXPECTED_PROVINCES:
        problem(f"{len(provinces_now)} provinces in force today, expected {EXPECTED_PROVINCES}")
    on_reform = dt.date(2025, 7, 1)
    if sum(1 for r in by_file["provinces.csv"] if in_force(r, on_reform)) != EXPECTED_PROVINCES:
        problem(f"provinces in force on {on_reform} != {EXPECTED_PROVINCES}")
    before = sum(1 for r in by_file["provinces.csv"] if in_force(r, dt.date(2025, 6, 30)))
    communes = by_file["communes.csv"]
    if len(communes) != EXPECTED_COMMUNES:
        problem(f"communes.csv has {len(communes)} rows, expected {EXPECTED_COMMUNES}")
    per_province = Counter(r["parent_code"] for r in communes)
    for p in provinces_now:
        if not per_province.get(p["code"]):
            problem(f"province {p['code']} {p['name']} has no communes")
    now_codes = {p["code"] for p in provinces_now}
    for r in communes:
        if r["parent_code"] not in now_codes:
            problem(f"{r['_where']}: commune under {r['parent_code']}, which is not a province in force")
        if not re.match(r"^\d{5}$", r["code"]):
            problem(f"{r['_where']}: commune code is not 5 digits")
    for r in by_file["provinces.csv"]:
        if not re.match(r"^\d{2}$", r["code"]):
            problem(f"{r['_where']}: province code is not 2 digits")
    summary = {name: len(rows) for name, rows in by_file.items()}
    print(
        f"agency files: {summary}; provinces in force {len(provinces_now)} "
        f"(on 2025-06-30: {before}); communes {len(communes)} in {len(per_province)} provinces"
    )
    return index


def check_procedures(data, index):
    rows = read(data / "procedures.csv", PROCEDURE_COLUMNS)
    if not rows:
        return
    if not 300 <= len(rows) <= 400:
        problem(f"procedures.csv has {len(rows)} rows, expected 300-400")
    for code, n in Counter(r["code"] for r in rows).items():
        if n > 1:
            problem(f"procedures.csv: code {code} appears {n} times")
    fields = {}
    for r in rows:
        w = r["_where"]
        check_text(r, "code", "name", "field_code", "field_name")
        if not PROC_CODE_RE.match(r["code"]):
            problem(f"{w}: bad procedure code {r['code']!r}")
        if not r["name"] or not r["field_code"] or not r["field_name"]:
            problem(f"{w}: empty name / field")
        if fields.setdefault(r["field_code"], r["field_name"]) != r["field_name"]:
            problem(f"{w}: field {r['field_code']} has two names")
        m = index.get(r["ministry_code"])
        if not m:
            problem(f"{w}: ministry_code {r['ministry_code']!r} does not exist")
        elif m["kind"] not in ("ministry", "ministry_level") or not in_force(m):
            problem(f"{w}: ministry_code {r['ministry_code']} is not a ministry in force")
        try:
            amount = float(r["processing_amount"])
            if not amount > 0 or not re.match(r"^\d+(\.\d+)?$", r["processing_amount"]):
                raise ValueError
        except ValueError:
            problem(f"{w}: bad processing_amount {r['processing_amount']!r}")
        if r["processing_unit"] not in UNITS:
            problem(f"{w}: bad processing_unit {r['processing_unit']!r}")
        if r["online_level"] not in ONLINE:
            problem(f"{w}: bad online_level {r['online_level']!r}")
        for f in FLAGS:
            if r[f] not in ("0", "1"):
                problem(f"{w}: {f} must be 0 or 1, got {r[f]!r}")
        if r["payment_integrated"] == "1" and r["fee_bearing"] != "1":
            problem(f"{w}: payment_integrated on a procedure without fees")
        if r["central_system"] and r["central_system"] not in CENTRAL_SYSTEMS:
            problem(f"{w}: unknown central_system {r['central_system']!r}")
        levels = r["levels"].split(";") if r["levels"] else []
        if not levels or any(lv not in LEVELS for lv in levels) or len(set(levels)) != len(levels):
            problem(f"{w}: bad levels {r['levels']!r}")
        eff = parse_date(r, "legal_basis_effective_on")
        pub = parse_date(r, "published_on")
        mp = parse_date(r, "made_public_on")
        if eff and pub and pub > eff:
            problem(f"{w}: published_on {pub} after legal_basis_effective_on {eff}")
        if pub and mp and mp < pub:
            problem(f"{w}: made_public_on {mp} before published_on {pub}")
    n = len(rows)
    share = lambda f: sum(r[f] == "1" for r in rows) / n  # noqa: E731
    print(
        f"procedures: {n} rows, {len(fields)} fields, "
        f"{sum(1 for r in rows if r['central_system'])} on centralized systems; "
        f"fee-bearing {share('fee_bearing'):.0%}, payment integrated {share('payment_integrated'):.0%}, "
        f"citizen-facing {share('citizen_facing'):.0%}, population data {share('population_data_connected'):.0%}, "
        f"content complete {share('content_complete'):.0%}"
    )


def main():
    data = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "tthc" / "data"
    )
    index = check_agencies(data)
    check_procedures(data, index)
    for p in problems:
        print("PROBLEM:", p)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
