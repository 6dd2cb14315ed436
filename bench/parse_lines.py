"""Parse time against line length: is reading one very long record linear?

    python bench/parse_lines.py [--sizes 1,5,20,50] [--timeout 120] [--root PATH]

For each wire format (JSON Lines, CSV, the portal envelope) and each size, one record whose
``TrichYeuHoSo`` is that many MB of text is parsed and validated in memory (no database), in a child
process with a time limit, twice:

* ``limits: default`` — as configured (``INGEST_MAX_RECORD_BYTES``, 1 MB by default): the record is
  refused as too large; JSON Lines and CSV skip the rest of the line unread;
* ``limits: raised`` — the limits lifted above the record, so it is decoded and checked whole.

Prints one JSON object: seconds and MB/s per format, mode and size, and per series the ratio of the
largest to the smallest seconds-per-MB (about 1 when parsing is linear). ``--root`` measures another
checkout of the project (e.g. an older commit) with the same script; a case that does not finish in
``--timeout`` seconds is reported as ``null``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("jsonl", "csv", "portal")
MB = 1 << 20


def body(fmt: str, size_mb: int) -> bytes:
    summary = "x" * (size_mb * MB)
    record = {
        "MaHoSo": "00004-250105-000001",
        "MaTTHC": "1.001193",
        "TrangThaiHoSo": "2",
        "NgayTiepNhan": "20250105083000",
        "TrichYeuHoSo": summary,
    }
    if fmt == "jsonl":
        return json.dumps(record).encode() + b"\n"
    if fmt == "portal":
        return json.dumps({"service": "DongBoHoSoMC", "data": [record]}).encode()
    return (
        "MaHoSo,MaTTHC,TrangThaiHoSo,NgayTiepNhan,TrichYeuHoSo\n"
        f"00004-250105-000001,1.001193,2,20250105083000,{summary}\n"
    ).encode()


def one(fmt: str, size_mb: int, raised: bool) -> dict:
    """Runs in the child: parse and validate one long record, return the seconds and the outcome."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if raised:
        os.environ["INGEST_MAX_RECORD_BYTES"] = str((size_mb + 1) * MB * 2)
        os.environ["INGEST_MAX_FIELD_CHARS"] = str((size_mb + 1) * MB * 2)
    import io

    import django

    django.setup()
    from reconciliation.adapters import get_adapter
    from reconciliation.adapters.fields import Context

    data = body(fmt, size_mb)
    ctx = Context({"1.001193": 1}, {"00004": 1})
    began = time.perf_counter()
    try:
        adapter = get_adapter(fmt)
        results = [adapter.validate(i, raw, ctx) for i, raw in adapter.parse(io.BytesIO(data))]
        outcome = (
            "stored"
            if results and not isinstance(results[0], list)
            else ((results[0][0].get("reason") or results[0][0]["error"][:60]) if results else "nothing")
        )
    except Exception as exc:  # what the old code raised (the API answered 500)
        outcome = f"{type(exc).__name__}: {str(exc)[:80]}"
    return {"seconds": round(time.perf_counter() - began, 4), "outcome": outcome}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,5,20,50", help="line lengths in MB (comma-separated)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds allowed per case")
    parser.add_argument("--root", default=str(ROOT), help="the project checkout to measure")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--one", nargs=3, metavar=("FORMAT", "MB", "RAISED"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    if args.one:
        sys.path.insert(0, str(root))
        os.chdir(root)
        print(json.dumps(one(args.one[0], int(args.one[1]), args.one[2] == "1")))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    results, ratios = {}, {}
    for fmt in args.formats.split(","):
        for raised in (False, True):
            series = []
            for size in sizes:
                command = [
                    sys.executable,
                    __file__,
                    "--root",
                    str(root),
                    "--one",
                    fmt,
                    str(size),
                    "1" if raised else "0",
                ]
                try:
                    done = subprocess.run(
                        command, capture_output=True, text=True, timeout=args.timeout, cwd=root
                    )
                    row = (
                        json.loads(done.stdout.strip().splitlines()[-1])
                        if done.returncode == 0
                        else {"seconds": None, "outcome": done.stderr.strip().splitlines()[-1][:100]}
                    )
                except subprocess.TimeoutExpired:
                    row = {"seconds": None, "outcome": f"not finished in {args.timeout:g} s"}
                row["mb"] = size
                if row["seconds"]:
                    row["mb_per_s"] = round(size / row["seconds"], 1)
                series.append(row)
            key = f"{fmt}, limits {'raised' if raised else 'default'}"
            results[key] = series
            per_mb = [r["seconds"] / r["mb"] for r in series if r["seconds"]]
            ratios[key] = (
                round(max(per_mb) / max(min(per_mb), 1e-4), 1) if len(per_mb) == len(series) else None
            )
    print(
        json.dumps(
            {
                "root": str(root),
                "sizes_mb": sizes,
                "results": results,
                "largest_to_smallest_seconds_per_mb": ratios,
                "cpus": os.cpu_count(),
                "load_average_1m": round(os.getloadavg()[0], 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
