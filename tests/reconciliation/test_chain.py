"""Three-way comparison, progress and results, suspicious flags apart, one universe per own system and
effective-dated assignments — planted data, SQLite and PostgreSQL."""

import json
from datetime import date, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from reconciliation.models import Gap, ProcedureAssignment, ReconciliationRun
from reconciliation.services.reconcile import reconcile_period
from tthc.periods import VN_TZ

from . import chain_dataset as data
from .test_reconcile import join_mode  # noqa: F401 (the fixture: both SQL join shapes)

pytestmark = pytest.mark.django_db


def found(period=data.PERIOD):
    return set(
        Gap.objects.filter(run__province__code="01", run__period=period).values_list(
            "run__source__code", "kind", "dossier_code"
        )
    )


@pytest.mark.usefixtures("join_mode")
def test_chain_finds_exactly_the_planted_gaps(db):
    ds = data.build()
    data.plant_chain(ds)
    runs = {r.source.code: r for r in reconcile_period(data.PERIOD, "01")}
    assert found() == data.EXPECTED
    hotich = runs["HOTICH"]
    assert hotich.gap_counts["missing_in_province_system"] == 1
    assert hotich.gap_counts["province_system_differs"] == 3
    assert hotich.gap_counts["suspicious"] == 0
    assert hotich.gap_total == 6 and hotich.gap_dossiers == 6
    assert runs["TINH-01"].gap_total == 0 and runs["TINH-01"].dossiers == 2


def test_chain_gap_values(db):
    ds = data.build()
    data.plant_chain(ds)
    reconcile_period(data.PERIOD, "01")

    def gap(kind, code):
        return Gap.objects.get(kind=kind, dossier_code=code)

    status = gap("province_system_differs", "C-PSD-STATUS")
    # The ministry system's value, then the province's own system's value (in the "portal" column).
    assert (status.source_value, status.portal_value) == ("10", "4")
    assert status.detail == "TrangThaiHoSo, NgayKetThucXuLy"
    due = gap("province_system_differs", "C-PSD-DUE")
    assert (due.source_value, due.portal_value, due.detail) == (
        "20261008080000",
        "20261009080000",
        "NgayHenTra",
    )
    assert gap("missing_in_province_system", "C-MIP").detail == "NgayTiepNhan 20261005080000"
    assert gap("result_missing", "C-RES").detail == "DanhSachGiayToKetQua"
    assert (
        gap("progress_missing", "C-PROG").source_value,
        gap("progress_missing", "C-PROG").portal_value,
    ) == (
        "3",
        "1",
    )


def test_a_stray_copy_does_not_make_a_chain(db):
    """The province's system holding one dossier of a ministry procedure out of many is not a chain."""
    ds = data.build()
    w = ds.writer
    for n in range(5):
        w.both("HOTICH", f"C-{n}")
    w.row("TINH-01", "C-0")
    reconcile_period(data.PERIOD, "01")
    assert found() == set()


def test_a_feed_without_progress_raises_no_suspicious_flag(db):
    ds = data.build()
    w = ds.writer
    for n in range(21):  # 21 finished dossiers, no progress items anywhere
        w.both("TINH-01", f"N-{n}", proc="local", steps=0)
    run = reconcile_period(data.PERIOD, "01")[-1]
    assert run.source.code == "TINH-01"
    assert run.gap_counts["suspicious"] == 0 and run.gap_total == 0
    assert not Gap.objects.exists()


def test_a_progress_feed_without_steps_is_flagged_apart(db, settings):
    ds = data.build()
    w = ds.writer
    for n in range(5):
        w.both("TINH-01", f"P-{n}", proc="local")
    w.both("TINH-01", "P-BARE", proc="local", steps=0)
    run = reconcile_period(data.PERIOD, "01")[-1]
    assert run.gap_counts["suspicious"] == 1
    assert run.gap_total == 0 and run.gap_dossiers == 0  # a flag, not a gap
    assert list(Gap.objects.counted()) == []
    assert [g.dossier_code for g in Gap.objects.flags()] == ["P-BARE"]
    out = StringIO()
    call_command("reconcile", "--period", data.PERIOD, "--province", "01", "--json", stdout=out)
    tinh = json.loads(out.getvalue())["runs"][-1]
    assert tinh["gaps"]["suspicious"] == 1 and tinh["gap_total"] == 0
    settings.TTHC_SUSPICIOUS_COUNTS_AS_GAP = True  # a setting may count them again
    run = reconcile_period(data.PERIOD, "01")[-1]
    assert run.gap_total == 1 and run.gap_dossiers == 1
    # The share of finished dossiers with steps that makes a system a progress feed is configurable.
    settings.TTHC_PROGRESS_SOURCE_SHARE = 0.9
    assert reconcile_period(data.PERIOD, "01")[-1].gap_counts["suspicious"] == 0


def test_two_systems_in_one_province_each_on_its_own_subtree(db):
    ds = data.build(department_system=True)
    w = ds.writer
    w.both("TINH-01", "L-1", proc="local")
    w.both("TINH-01", "L-2", proc="local", agency="01")
    w.both("SYT-01", "S-1", proc="local", agency="01-SYT")
    w.both("SYT-01", "S-2", proc="local", agency="01-SYT-U")
    w.row("SYT-01", "S-MOP", proc="local", agency="01-SYT-U")
    runs = {r.source.code: r for r in reconcile_period(data.PERIOD, "01")}
    assert found() == {("SYT-01", "missing_on_portal", "S-MOP")}
    assert (runs["TINH-01"].dossiers, runs["TINH-01"].portal_dossiers) == (2, 2)
    assert (runs["SYT-01"].dossiers, runs["SYT-01"].portal_dossiers) == (3, 2)


def test_a_procedure_assigned_by_code_to_a_department_system(db):
    """A system named by an assignment serves that procedure in the whole province; the others' own
    procedures stay with the main system."""
    ds = data.build(department_system=True)
    ProcedureAssignment.objects.create(
        procedure=ds.procedures["moved"],
        province=ds.agencies["01"],
        system_code="SYT-01",
        valid_from=date(2026, 1, 1),
    )
    w = ds.writer
    w.both("SYT-01", "M-1", proc="moved", agency="01-C1")
    w.both("TINH-01", "L-1", proc="local", agency="01-SYT-U")
    runs = {r.source.code: r for r in reconcile_period(data.PERIOD, "01")}
    assert found() == set()
    assert runs["SYT-01"].dossiers == 1 and runs["TINH-01"].dossiers == 1


def test_reassignment_on_a_date_changes_the_compared_system(db):
    """Issue 16: a procedure moves from the provinces' systems to a ministry system on 2026-07-01."""
    ds = data.build()
    moved = ds.procedures["moved"]
    ProcedureAssignment.objects.create(
        procedure=moved, system_code="", valid_from=date(2020, 1, 1), valid_to=date(2026, 6, 30)
    )
    ProcedureAssignment.objects.create(procedure=moved, system_code="HOTICH", valid_from=date(2026, 7, 1))
    w = ds.writer
    june, july = datetime(2026, 6, 10, 9, tzinfo=VN_TZ), datetime(2026, 7, 10, 9, tzinfo=VN_TZ)
    w.both("TINH-01", "M-JUN", proc="moved", received=june)
    w.row("TINH-01", "M-JUN-MOP", proc="moved", received=june)
    w.both("HOTICH", "M-JUL", proc="moved", received=july)
    w.row("HOTICH", "M-JUL-MOP", proc="moved", received=july)
    jun = {r.source.code: r for r in reconcile_period("2026-06", "01")}
    jul = {r.source.code: r for r in reconcile_period("2026-07", "01")}
    assert found("2026-06") == {("TINH-01", "missing_on_portal", "M-JUN-MOP")}
    assert found("2026-07") == {("HOTICH", "missing_on_portal", "M-JUL-MOP")}
    assert (jun["TINH-01"].dossiers, jun["HOTICH"].dossiers) == (2, 0)
    assert (jul["TINH-01"].dossiers, jul["HOTICH"].dossiers) == (0, 2)
    # A province-specific row outranks the every-province row: province 01 keeps its own system.
    ProcedureAssignment.objects.create(
        procedure=moved, province=ds.agencies["01"], system_code="", valid_from=date(2026, 7, 1)
    )
    jul = {r.source.code: r for r in reconcile_period("2026-07", "01")}
    assert (jul["TINH-01"].dossiers, jul["HOTICH"].dossiers) == (1, 0)
    assert found("2026-07") == {("TINH-01", "missing_at_source", "M-JUL")}
    assert ReconciliationRun.objects.filter(period="2026-07").count() == 2


def test_a_ministry_sees_the_copies_of_procedures_assigned_to_its_system(db):
    from accounts.models import Role
    from reconciliation.models import SourceDossier
    from tests.accounts.helpers import make_user

    ds = data.build()
    ds.writer.both("TINH-01", "M-1", proc="moved")
    btp = make_user("btp", Role.OFFICER, ds.agencies["BTP"])
    assert not SourceDossier.objects.visible_to(btp).filter(code="M-1").exists()
    ProcedureAssignment.objects.create(
        procedure=ds.procedures["moved"], system_code="HOTICH", valid_from=date(2026, 7, 1)
    )
    assert SourceDossier.objects.visible_to(btp).filter(code="M-1").count() == 2


@pytest.mark.usefixtures("join_mode")
def test_of_two_systems_with_the_same_owner_the_one_sending_this_month_serves(db):
    """A second system registered for the province (a vendor change) sorts first by code but sends
    nothing yet: the working system keeps the "own system" procedures, and nothing is reported
    missing at the silent one. When both send, the one holding more of the month's copies serves."""
    from reconciliation.models import SourceKind, SourceSystem

    ds = data.build()
    SourceSystem.objects.create(
        code="A-01", name="New system", kind=SourceKind.PROVINCIAL, owner=ds.agencies["01"]
    )
    ds.writer.both("TINH-01", "L-1", proc="local", agency="01-C1")
    ds.writer.both("TINH-01", "L-2", proc="local", agency="01-C2")
    runs = {r.source.code: r for r in reconcile_period(data.PERIOD, "01")}
    assert found() == set()
    assert (runs["TINH-01"].dossiers, runs["A-01"].dossiers) == (2, 0)

    writer = data.Writer(
        {**ds.systems, "A-01": SourceSystem.objects.get(code="A-01")}, ds.agencies, ds.procedures
    )
    # Both send: the one holding more of the month serves (TINH-01, 2 copies, though A-01 sorts first).
    writer.both("A-01", "N-1", proc="local", agency="01-C1")
    runs = {r.source.code: r for r in reconcile_period(data.PERIOD, "01")}
    assert (runs["TINH-01"].dossiers, runs["A-01"].dossiers) == (3, 0)
    assert found() == {("TINH-01", "missing_at_source", "N-1")}
    # The new system now holds more of the month: it serves, and the portal's copies it lacks are its gaps.
    for code in ("N-2", "N-3"):
        writer.both("A-01", code, proc="local", agency="01-C1")
    runs = {r.source.code: r for r in reconcile_period(data.PERIOD, "01")}
    assert (runs["A-01"].dossiers, runs["TINH-01"].dossiers) == (5, 0)
    assert found() == {("A-01", "missing_at_source", "L-1"), ("A-01", "missing_at_source", "L-2")}


def test_beyond_the_tie_count_cap_two_sending_systems_are_ordered_by_code(db, monkeypatch):
    """Each tied system's copies are counted up to ``TIE_COUNT_CAP`` (a short index range): two
    systems both above it are equal, and the first by code serves."""
    from reconciliation.models import SourceKind, SourceSystem
    from reconciliation.services import universe

    monkeypatch.setattr(universe, "TIE_COUNT_CAP", 1)
    ds = data.build()
    new = SourceSystem.objects.create(
        code="A-01", name="New", kind=SourceKind.PROVINCIAL, owner=ds.agencies["01"]
    )
    writer = data.Writer({**ds.systems, "A-01": new}, ds.agencies, ds.procedures)
    writer.both("TINH-01", "L-1", proc="local", agency="01-C1")
    writer.both("TINH-01", "L-2", proc="local", agency="01-C2")
    writer.both("A-01", "N-1", proc="local", agency="01-C1")
    runs = {r.source.code: r for r in reconcile_period(data.PERIOD, "01")}
    assert (runs["A-01"].dossiers, runs["TINH-01"].dossiers) == (3, 0)
