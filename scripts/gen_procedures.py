#!/usr/bin/env python3
"""Write tthc/data/procedures.csv: a demo catalogue of administrative procedures.

DEV TOOL (stdlib only, deterministic):

    python3 scripts/gen_procedures.py        # from the repo root

The procedure names, fields, owning ministries, levels, processing times,
online levels and fee flags are compiled by hand in scripts/procedures/ (Vietnamese law and
the national procedure database as known in 2026). Codes: the ones listed in
KNOWN_CODES are believed to be the real national-database codes; every other
code is SYNTHETIC (real-looking, generated from the name) and must not be
treated as the real code of that procedure. The indicator flags and the three
publication dates are demo values drawn from a seeded random generator, so the
file is identical on every run.
"""

import csv
import datetime as dt
import hashlib
import random
import re
import sys
import unicodedata
from pathlib import Path

from procedures.catalogue_legal_economic import PROCEDURES as LEGAL_ECONOMIC
from procedures.catalogue_social import PROCEDURES as SOCIAL
from procedures.reference import EFFECTIVE, FIELDS, KNOWN_CODES, PAY_RATE, POP_RATE, RESERVED, C, P, X

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tthc" / "data" / "procedures.csv"
COLUMNS = [
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

CATALOGUE = {**LEGAL_ECONOMIC, **SOCIAL}
LEVEL_ORDER = [C, P, X]


def clean(s):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s)).strip()


def rng_for(key):
    return random.Random(int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:16], 16))


def synthetic_code(name, used):
    r = rng_for("code:" + name)
    while True:
        prefix = r.choice(["1", "1", "1", "2"])
        number = r.randint(100, 13999) if prefix == "1" else r.randint(100, 2999)
        code = f"{prefix}.{number:06d}"
        if code not in used and code not in RESERVED:
            return code


def shift_working_days(day, n):
    step = 1 if n >= 0 else -1
    left = abs(n)
    while left:
        day += dt.timedelta(days=step)
        if day.weekday() < 5:
            left -= 1
    return day


def fmt_amount(x):
    return str(int(x)) if float(x).is_integer() else str(x)


def main():
    used = set()
    rows = []
    for field_code, entries in CATALOGUE.items():
        field_name, ministry, system, citizen_default = FIELDS[field_code]
        for e in entries:
            name = clean(e["name"])
            code = e["code"]
            if code is None:
                code = synthetic_code(name, used)
            if code in used:
                raise SystemExit(f"duplicate code {code} ({name})")
            used.add(code)
            r = rng_for("row:" + code)
            citizen = citizen_default if e["citizen"] is None else e["citizen"]
            effective = dt.date.fromisoformat(r.choice(EFFECTIVE[field_code]))
            lead = r.randint(1, 40)
            published = shift_working_days(effective, -lead)
            made_public = shift_working_days(published, r.choice([1, 2, 3, 3, 4, 5, 5, 6, 8, 10, 12, 15]))
            published_s, public_s = published.isoformat(), made_public.isoformat()
            if r.random() < 0.05:
                published_s = ""
            if r.random() < 0.07:
                public_s = ""
            pay = 0
            if e["fee"]:
                pay = int(r.random() < PAY_RATE.get(system, 0.72))
            pop = 0
            if citizen:
                pop = int(r.random() < POP_RATE.get(system, 0.55))
            rows.append(
                {
                    "code": code,
                    "name": name,
                    "field_code": field_code,
                    "field_name": clean(field_name),
                    "ministry_code": ministry,
                    "processing_amount": fmt_amount(e["amount"]),
                    "processing_unit": e["unit"],
                    "online_level": e["online"],
                    "fee_bearing": str(e["fee"]),
                    "issues_result": str(e["result"]),
                    "citizen_facing": str(citizen),
                    "central_system": system,
                    "levels": ";".join(lv for lv in LEVEL_ORDER if lv in e["levels"]),
                    "legal_basis_effective_on": effective.isoformat(),
                    "published_on": published_s,
                    "made_public_on": public_s,
                    "payment_integrated": str(pay),
                    "population_data_connected": str(pop),
                    "content_complete": str(int(r.random() < 0.95)),
                }
            )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    known = sum(1 for x in rows if x["code"] in KNOWN_CODES)
    print(
        f"wrote {OUT.relative_to(ROOT)}: {len(rows)} procedures ({known} with believed-real codes, "
        f"{len(rows) - known} synthetic codes) in {len(CATALOGUE)} fields"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
