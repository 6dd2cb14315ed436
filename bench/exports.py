"""The export writer's cost of labels beside codes: CSV rows per second, in memory (no database).

    python bench/exports.py [--rows 200000] [--repeat 3]

Writes ``--rows`` synthetic gap rows (the gap list's eleven values: period, province and system with
their names, a gap kind, codes, two status values, a detail with a portal field name, a filing place)
through ``core.exports.csv_chunks`` three ways, best of ``--repeat``:

* ``plain`` — the values as they come, machine headers (the writer before labels);
* ``labelled`` — through the gap list's ``Column``s (``reconciliation.exports.columns()``): every
  coded value written as its Vietnamese label and its code;
* ``labelled_codes_header`` — the same with ``headers="codes"``;
* ``labelled_distinct_details`` — labelled, each detail a different portal timestamp (10,000 distinct
  values: past the label memo, every one put in words).

Codes repeat (four gap kinds, two statuses, three filing places), so their labels are remembered
(``core.exports.LABEL_MEMO_SIZE``); the details of ``labelled`` repeat too.

Prints one JSON object: seconds, rows/s and bytes per mode, and the labelled/plain time ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.utils import translation

    from core import exports
    from reconciliation import exports as gaps

    kinds = ["missing_on_portal", "status_differs", "finish_differs", "late_sync"]
    details = ["TrangThaiHoSo 10 vs 4", "lag 36.5 h", "", "NgayTiepNhan 20261118082400"]

    def rows(unique: bool = False):
        for i in range(args.rows):
            yield (
                "2026-10",
                "01",
                "Hà Nội",
                "HOTICH",
                "Hệ thống hộ tịch",
                kinds[i % 4],
                f"00004-251010-{i:06d}",
                "1.001193",
                "000.00.01.H26",
                "Sở Tư pháp",
                "10",
                "4",
                f"NgayTiepNhan 2026111808{i % 10000:04d}" if unique else details[i % 4],
                (i % 3) + 1,
            )

    columns = gaps.columns()
    plain_header = [f"value_{i}" for i in range(14)]  # one per raw value

    def run(mode: str) -> tuple[float, int]:
        start = time.perf_counter()
        size = 0
        if mode == "plain":
            chunks = exports.csv_chunks(plain_header, rows())
        else:
            headers = "codes" if mode == "labelled_codes_header" else "labels"
            source = rows(unique=mode == "labelled_distinct_details")
            chunks = exports.csv_chunks(exports.header_row(columns, headers), exports.expand(columns, source))
        for chunk in chunks:
            size += len(chunk.encode("utf-8"))
        return time.perf_counter() - start, size

    result: dict = {"rows": args.rows, "repeat": args.repeat, "cpus": os.cpu_count(), "modes": {}}
    with translation.override("vi"):
        for mode in ("plain", "labelled", "labelled_codes_header", "labelled_distinct_details"):
            best, size = min(run(mode) for _ in range(args.repeat))
            result["modes"][mode] = {
                "seconds": round(best, 3),
                "rows_per_second": round(args.rows / best),
                "bytes": size,
            }
    modes = result["modes"]
    result["labelled_over_plain"] = round(modes["labelled"]["seconds"] / modes["plain"]["seconds"], 2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
