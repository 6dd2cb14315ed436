"""Benchmark ingestion through the real path: ``import_dossiers`` on a JSON Lines file.

    python bench/ingest.py --database-url postgres://…/tthc_bench_ingest [--records 200000]
                           [--writers 2] [--parsers 0] [--chunk-size N] [--mode new|resend|advance]

1. Generates N realistic ``HoSo`` records (portal field names, 4–5 progress steps, submitted files,
   fees, results) for the procedures and communes already in the target database, with dossier
   codes no earlier run used, into a temporary ``.jsonl`` file.
2. Times ``manage.py import_dossiers FILE --source BENCH-HTTT --json`` in a child process — parse,
   validate, upsert (``SourceDossier`` and ``Dossier``), history — and reads its CPU time (its
   parser processes' included) and the largest peak RSS among them (``getrusage(RUSAGE_CHILDREN)``).
3. Times a raw ``COPY`` of the same rows (the dossier rows and their history rows, flattened) into
   unindexed scratch tables in the same run, for the ratio.

Prints one JSON object: records, seconds, records_per_s, peak_rss_mb, raw_copy_seconds,
ratio_to_copy, dossiers_in_db (before the run), database, plus the import's counts.
A database with many dossiers: ``seed_demo --dossiers N`` for realistic ones, topped up quickly
with ``bench/fill_dossiers.py``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "BENCH-HTTT"
SERVER_SETTINGS = (
    "shared_buffers",
    "max_wal_size",
    "checkpoint_timeout",
    "wal_compression",
    "synchronous_commit",
)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ")
MIDDLE = ("Văn", "Thị", "Minh", "Ngọc", "Quốc", "Thanh", "Hữu", "Đức")
GIVEN = (
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Lan",
    "Linh",
    "Nam",
    "Phương",
    "Trang",
    "Tuấn",
)
STEPS = (
    ("Tiếp nhận hồ sơ", 2, "Bộ phận Một cửa", "Công chức một cửa"),
    ("Thẩm định hồ sơ", 4, "Phòng chuyên môn", "Chuyên viên"),
    ("Trình ký kết quả", 4, "Lãnh đạo", "Phó Chủ tịch UBND"),
    ("Hoàn thành xử lý", 9, "Phòng chuyên môn", "Chuyên viên"),
    ("Trả kết quả", 10, "Bộ phận Một cửa", "Công chức một cửa"),
)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


def generate(
    path: Path, records: int, run: int, procedures, communes, seed: int, advance: bool = False
) -> tuple[int, float]:
    """Write the JSON Lines file; returns (bytes, seconds). The same (records, run, seed) give the
    same records; ``advance`` moves every one of them a step further (a later status change, as a
    ministry or province system re-syncs a dossier): one more progress step two hours after its
    last, status 10 (result returned)."""
    import orjson

    rnd = random.Random(seed + run)
    start = datetime(2025, 7, 1, 7, 30)
    began = time.perf_counter()
    with open(path, "wb") as out:
        for i in range(records):
            agency = communes[rnd.randrange(len(communes))]
            procedure = procedures[rnd.randrange(len(procedures))]
            received = start + timedelta(days=rnd.randrange(300), minutes=rnd.randrange(540))
            steps = rnd.choice((2, 3, 4, 5, 5, 5))
            status = STEPS[steps - 1][1]
            progress, at = [], received
            for note, to_status, unit, title in STEPS[:steps]:
                progress.append(
                    {
                        "NguoiXuLy": f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}",
                        "ChucDanh": title,
                        "ThoiDiemXuLy": stamp(at),
                        "PhongBanXuLy": unit,
                        "NoiDungXuLy": note,
                        "TrangThai": str(to_status),
                    }
                )
                at += timedelta(hours=rnd.randrange(1, 30))
            finished = progress[3]["ThoiDiemXuLy"] if steps >= 4 else ""
            code = f"{agency}-{received:%y%m%d}-{5_000_000 + run * records + i}"
            record = {
                "MaHoSo": code,
                "MaTTHC": procedure,
                "KenhThucHien": rnd.choice(("1", "2", "2", "")),
                "ChuHoSo": f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}",
                "LoaiDoiTuong": rnd.choice(("1", "1", "1", "2")),
                "TrichYeuHoSo": "Hồ sơ đề nghị giải quyết thủ tục",
                "NgayNopHoSo": stamp(received - timedelta(minutes=rnd.randrange(60))),
                "NgayTiepNhan": stamp(received),
                "NgayHenTra": stamp(received + timedelta(days=5)),
                "TrangThaiHoSo": str(status),
                "NgayKetThucXuLy": finished,
                "NgayTra": progress[4]["ThoiDiemXuLy"] if steps == 5 else "",
                "DonViXuLy": "UBND xã",
                "HoSoCoThanhPhanSoHoa": rnd.choice(("0", "1")),
                "TaiKhoanDuocXacThucVoiVNeID": rnd.choice(("0", "1")),
                "DuocThanhToanTrucTuyen": rnd.choice(("0", "1")),
                "TaiLieuNop": [
                    {
                        "TenTepDinhKem": "Tờ khai.pdf",
                        "DuocSoHoa": "1",
                        "DuocTaiSuDung": rnd.choice(("0", "1")),
                        "DuocLayTuKhoDMQG": "0",
                    },
                    {"TenTepDinhKem": "Giấy tờ tùy thân.pdf", "DuocSoHoa": "1"},
                ],
                "DanhSachLePhi": [{"TenPhiLePhi": "Lệ phí", "Gia": rnd.choice(("0", "20000", "50000"))}],
                "DanhSachGiayToKetQua": [
                    {
                        "MaGiayToKetQua": f"KQ{i}",
                        "DuongDanTepTinKetQua": "https://dichvucong.gov.vn/kq.pdf"
                        if rnd.random() < 0.4
                        else "",
                    }
                ],
                "QuaTrinhXuLy": progress,
            }
            if advance:
                later = stamp(at + timedelta(hours=2))
                progress.append(
                    {
                        "NguoiXuLy": progress[-1]["NguoiXuLy"],
                        "ChucDanh": "Công chức một cửa",
                        "ThoiDiemXuLy": later,
                        "PhongBanXuLy": "Bộ phận Một cửa",
                        "NoiDungXuLy": "Trả kết quả (cập nhật)",
                        "TrangThai": "10",
                    }
                )
                record.update(TrangThaiHoSo="10", NgayTra=later, NgayKetThucXuLy=finished or later)
            out.write(orjson.dumps(record))
            out.write(b"\n")
    return path.stat().st_size, time.perf_counter() - began


class BackendCpu:
    """Samples the CPU time of the PostgreSQL backends serving ``database`` (same machine), so the
    figures can be read independently of other load: wall time on a shared machine says little."""

    def __init__(self, dsn_kwargs: dict, database: str):
        import threading

        self.database, self.seen, self.stop = database, {}, threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.tick = os.sysconf("SC_CLK_TCK")
        self.dsn_kwargs = dsn_kwargs

    def run(self):
        import psycopg

        with psycopg.connect(**self.dsn_kwargs, autocommit=True) as conn:
            while not self.stop.is_set():
                pids = [
                    r[0]
                    for r in conn.execute(
                        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                        [self.database],
                    )
                ]
                for pid in pids:
                    try:
                        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    except OSError:
                        continue
                    self.seen[pid] = (int(fields[11]) + int(fields[12])) / self.tick
                self.stop.wait(0.2)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    @property
    def seconds(self) -> float:
        return sum(self.seen.values())


def raw_copy(path: Path) -> tuple[float, int]:
    """COPY the same dossier and history rows, flattened, into unindexed scratch tables."""
    import orjson
    from django.db import connection

    dossier_rows, event_rows = io.StringIO(), io.StringIO()
    with open(path, "rb") as f:
        for line in f:
            r = orjson.loads(line)
            dossier_rows.write(
                "\t".join(
                    (
                        r["MaHoSo"],
                        r["MaTTHC"],
                        r["TrangThaiHoSo"],
                        r["NgayTiepNhan"],
                        r["NgayHenTra"],
                        r["NgayKetThucXuLy"] or "\\N",
                        r["ChuHoSo"],
                        r["TrichYeuHoSo"],
                    )
                )
                + "\n"
            )
            for p in r["QuaTrinhXuLy"]:
                event_rows.write(
                    "\t".join(
                        (
                            r["MaHoSo"],
                            p["ThoiDiemXuLy"],
                            p["TrangThai"],
                            p["PhongBanXuLy"],
                            p["NguoiXuLy"],
                            p["ChucDanh"],
                            p["NoiDungXuLy"],
                        )
                    )
                    + "\n"
                )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy_dossier, bench_copy_event")
        cursor.execute(
            "CREATE TABLE bench_copy_dossier (code text, procedure text, status smallint, received text, "
            "due text, finished text, applicant text, summary text)"
        )
        cursor.execute(
            "CREATE TABLE bench_copy_event (code text, at text, status smallint, unit text, officer text, "
            "title text, note text)"
        )
        connection.commit() if not connection.get_autocommit() else None
        began = time.perf_counter()
        for table, buf in (("bench_copy_dossier", dossier_rows), ("bench_copy_event", event_rows)):
            data = buf.getvalue().encode()
            with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                for i in range(0, len(data), 1 << 20):
                    copy.write(data[i : i + (1 << 20)])
        seconds = time.perf_counter() - began
        cursor.execute("SELECT count(*) FROM bench_copy_event")
        events = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_copy_dossier, bench_copy_event")
    return seconds, events


def indexed_copy(batch_id: int) -> dict:
    """The floor of any write path: ``COPY`` the rows this run stored (dossiers, their history, the
    source's copies; codes suffixed, ids shifted) into the *real*, indexed tables, foreign keys
    checked, then roll back. No parsing, no upsert logic: index maintenance and constraint checks
    alone."""
    from django.db import connection, transaction

    def columns(table: str, skip=("id",)) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
                "AND NOT attisdropped ORDER BY attnum",
                [table],
            )
            return [r[0] for r in cursor.fetchall() if r[0] not in skip]

    timings = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM tthc_dossier")
        shift = cursor.fetchone()[0] + 1
        sd_where = f"dossier_id IN (SELECT dossier_id FROM reconciliation_sourcedossier WHERE batch_id = {int(batch_id)})"
        plans = []
        for table, where, rewrite in (
            (
                "tthc_dossier",
                f"id IN (SELECT dossier_id FROM reconciliation_sourcedossier WHERE batch_id = {int(batch_id)})",
                {"id": f"id + {shift}", "code": "code || '~'"},
            ),
            ("tthc_dossierevent", sd_where, {"dossier_id": f"dossier_id + {shift}"}),
            (
                "reconciliation_sourcedossier",
                f"batch_id = {int(batch_id)}",
                {"dossier_id": f"dossier_id + {shift}", "code": "code || '~'"},
            ),
        ):
            cols = columns(table, skip=() if table == "tthc_dossier" else ("id",))
            select = ", ".join(rewrite.get(c, c) for c in cols)
            buf = io.BytesIO()
            with cursor.cursor.copy(f"COPY (SELECT {select} FROM {table} WHERE {where}) TO STDOUT") as copy:
                for data in copy:
                    buf.write(data)
            plans.append((table, cols, buf.getvalue()))
    with transaction.atomic(), connection.cursor() as cursor:
        began = time.perf_counter()
        for table, cols, data in plans:
            start = time.perf_counter()
            with cursor.cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for i in range(0, len(data), 1 << 20):
                    copy.write(data[i : i + (1 << 20)])
            timings[table] = round(time.perf_counter() - start, 2)
        start = time.perf_counter()
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        timings["foreign_keys"] = round(time.perf_counter() - start, 2)
        timings["total"] = round(time.perf_counter() - began, 2)
        transaction.set_rollback(True)
    return timings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--seed", type=int, default=766)
    parser.add_argument("--chunk-size", type=int, default=None)
    parser.add_argument(
        "--writers", type=int, default=2, help="import_dossiers --writers (default 2, as the command's)"
    )
    parser.add_argument(
        "--parsers",
        type=int,
        default=0,
        help="import_dossiers --parsers: forked processes decoding and validating (default 0, as the command's)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    parser.add_argument(
        "--mode",
        choices=("new", "resend", "advance"),
        default="new",
        help="new: dossiers no earlier run used (default); resend: the previous run's file again "
        "(every record unchanged); advance: the previous run's dossiers one status later "
        "(every record updated, one more history row each). resend/advance need the same "
        "--records and --seed as that run",
    )
    parser.add_argument(
        "--with-recompute",
        action="store_true",
        help="let the import ask for the indicators' recompute (eager without REDIS_URL: it then "
        "runs inside the timed command); by default it is off, as for a bulk back-fill",
    )
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (or DATABASE_URL) is required")
    os.environ["DATABASE_URL"] = args.database_url
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from reconciliation.models import IngestBatch, SourceKind, SourceSystem
    from tthc.models import Agency, AgencyKind, Procedure

    call_command("migrate", verbosity=0)
    province = Agency.objects.filter(kind=AgencyKind.PROVINCE).order_by("code").first()
    if province is None:
        parser.error("the database has no agencies: run seed_demo (or import_agencies) first")
    source, _ = SourceSystem.objects.get_or_create(
        code=SOURCE,
        defaults={"name": "Benchmark provincial system", "kind": SourceKind.PROVINCIAL, "owner": province},
    )
    # A provincial system may only write its own province's dossiers: the communes of its owner.
    communes = list(
        Agency.objects.subtree(source.owner)
        .filter(kind=AgencyKind.COMMUNE)
        .order_by("code")
        .values_list("code", flat=True)
    )
    if not communes:
        parser.error(
            f"the bench source's province {source.owner.code} has no communes: load the reference data"
        )
    procedures = list(Procedure.objects.order_by("code").values_list("code", flat=True))
    run = IngestBatch.objects.filter(source=source).count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tthc_dossier")
        dossiers_in_db = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM tthc_dossierevent")
        events_in_db = cursor.fetchone()[0]
        cursor.execute(
            "SELECT name, current_setting(name) FROM unnest(%s::text[]) AS name", [list(SERVER_SETTINGS)]
        )
        server = dict(cursor.fetchall())

    workdir = Path(tempfile.mkdtemp(prefix="tthc-bench-ingest-"))
    tail = f"-n{args.records}-s{args.seed}.jsonl"
    if args.mode != "new":  # the newest "new" run with the same size and seed (its file name says which)
        last = (
            IngestBatch.objects.filter(source=source, filename__startswith="new-run", filename__endswith=tail)
            .order_by("-pk")
            .values_list("filename", flat=True)
            .first()
        )
        if last is None:
            parser.error(
                f"--mode {args.mode} re-sends an earlier run's dossiers: run --mode new with the same "
                "--records and --seed first"
            )
        run = int(last[len("new-run") :].split("-", 1)[0])
    path = workdir / f"{args.mode}-run{run}{tail}"
    size, gen_seconds = generate(
        path, args.records, run, procedures, communes, args.seed, advance=args.mode == "advance"
    )

    command = [
        sys.executable,
        str(ROOT / "manage.py"),
        "import_dossiers",
        str(path),
        "--source",
        SOURCE,
        "--json",
        "--no-progress",
    ]
    command += ["--writers", str(args.writers), "--parsers", str(args.parsers)]
    if args.chunk_size:
        command += ["--chunk-size", str(args.chunk_size)]
    settings_db = connection.settings_dict
    dsn = {
        "host": settings_db["HOST"] or None,
        "port": settings_db["PORT"] or None,
        "user": settings_db["USER"],
        "password": settings_db["PASSWORD"] or None,
        "dbname": settings_db["NAME"],
    }
    connection.close()
    began = time.perf_counter()
    with BackendCpu({k: v for k, v in dsn.items() if v}, settings_db["NAME"]) as backends:
        env = os.environ.copy()
        if not args.with_recompute:
            env["INDICATOR_RECOMPUTE_AFTER_INGEST"] = "false"
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    seconds = time.perf_counter() - began
    if done.returncode:
        print(done.stderr, file=sys.stderr)
        return done.returncode
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kb = usage.ru_maxrss
    python_cpu = usage.ru_utime + usage.ru_stime
    summary = json.loads(done.stdout)

    copy_seconds, events = raw_copy(path)
    floor = indexed_copy(summary["batch"]) if args.mode == "new" else None
    if not args.keep:
        path.unlink()
        workdir.rmdir()
    print(
        json.dumps(
            {
                "records": args.records,
                "seconds": round(seconds, 2),
                "records_per_s": round(args.records / seconds),
                "peak_rss_mb": round(peak_kb / 1024, 1),
                "raw_copy_seconds": round(copy_seconds, 2),
                "ratio_to_copy": round(seconds / copy_seconds, 1),
                "indexed_copy_seconds": floor,
                "ratio_to_indexed_copy": round(seconds / floor["total"], 2) if floor else None,
                "mode": args.mode,
                "dossiers_in_db": dossiers_in_db,
                "events_in_db": events_in_db,
                "recompute_after_ingest": args.with_recompute,
                "server": server,
                "database": connection.vendor,
                "created": summary["created"],
                "updated": summary["updated"],
                "unchanged": summary["unchanged"],
                "rejected": summary["rejected"],
                "history_rows_in_file": events,
                "file_mb": round(size / 2**20, 1),
                "generate_seconds": round(gen_seconds, 1),
                "writers": args.writers,
                "parsers": args.parsers,
                "load_average_1m": round(os.getloadavg()[0], 1),
                "cpus": os.cpu_count(),
                "python_cpu_seconds": round(python_cpu, 1),
                "postgres_cpu_seconds": round(backends.seconds, 1),
                "records_per_cpu_s": round(args.records / (python_cpu + backends.seconds)),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
