"""``manage.py seed_demo``: counts, idempotency, determinism and the shape of the demo data, all of
it sent through ingestion (fixtures in conftest.py: a small reference data set of its own)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError
from django.db.models import F

from demo import seed as demo
from demo.distributions import KNOWN_OVERRIDES
from reconciliation.models import IngestBatch, RejectedRecord, SourceDossier, SourceKind, SourceSystem
from tthc import calendar
from tthc.models import ApologyLetter, CalendarOverride, Dossier, DossierEvent, DossierStatus

from .conftest import N

VN = calendar.VN_TZ
AS_OF = datetime(2026, 6, 1, tzinfo=VN)


def counts():
    return Dossier.objects.count(), DossierEvent.objects.count(), ApologyLetter.objects.count()


def snapshot():
    return list(
        Dossier.objects.order_by("code").values_list(
            "code",
            "status",
            "received_at",
            "due_at",
            "finished_at",
            "channel",
            "procedure__code",
            "supplement_count",
            "has_electronic_result",
            "payment_kind",
        )
    )


def history(dossier) -> list:
    """The steps the sources reported; ingestion adds a bare status change (no unit, no note) for a
    record that reports none — the portal's rewrite of a copy, which is not the dossier's state."""
    return sorted((e for e in dossier.events.all() if e.note), key=lambda e: (e.at, e.pk))


def forget_all():
    """Delete the dossiers and the sources' copies they came from: a copy already stored is
    ``unchanged`` when sent again, so it would not create its deleted dossier anew."""
    SourceDossier.objects.all().delete()
    Dossier.objects.all().delete()


def pauses_of(dossier) -> list[tuple[datetime, datetime]]:
    """Completed pausing intervals (supplement / financial obligation) rebuilt from the history."""
    pausing = set(settings.TTHC_PAUSING_STATUSES)
    out, started = [], {}
    for event in history(dossier):
        if event.to_status in pausing:
            started[event.to_status] = event.at
        elif event.from_status in pausing and event.from_status in started:
            out.append((started.pop(event.from_status), event.at))
    return out


@pytest.mark.django_db
def test_counts_and_report(seed):
    output = seed()
    dossiers, events, letters = counts()
    assert dossiers == N
    assert events > 3 * N
    assert letters > 0
    assert not Dossier.objects.filter(events__isnull=True).exists(), "every dossier has a history"
    assert "Reference data agencies_central.csv: created 7" in output
    assert "Reference data procedures.csv: created 10" in output
    assert f"{N} created, 0 already present" in output
    assert CalendarOverride.objects.count() == len(KNOWN_OVERRIDES)
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert {DossierStatus.NOT_RECEIVED, DossierStatus.WITHDRAWN, DossierStatus.RETURNED} <= statuses
    window_start = datetime(2025, 5, 1, tzinfo=VN)
    assert not Dossier.objects.filter(submitted_at__lt=window_start).exists()
    assert not Dossier.objects.filter(submitted_at__gte=AS_OF).exists()


@pytest.mark.django_db
def test_second_run_adds_nothing(seed):
    seed()
    before = counts()
    output = seed()
    assert counts() == before
    assert f"0 created, {N} already present" in output
    assert "events 0, apology letters 0" in output


@pytest.mark.django_db
def test_same_seed_same_data_other_seed_other_data(seed):
    seed(seed=42)
    first = snapshot()
    forget_all()
    seed(seed=42)
    assert snapshot() == first
    forget_all()
    seed(seed=43)
    assert snapshot() != first


@pytest.mark.django_db(transaction=True)
def test_forked_workers_generate_the_same_rows(seed):
    """Days are independent: generating them in worker processes changes nothing but speed."""
    seed(dossiers=300, workers=0, skip_reference=False)
    first = snapshot()
    first_events = DossierEvent.objects.count()
    forget_all()
    seed(dossiers=300, workers=2, writers=2, chunk_size=40, skip_reference=True)
    assert snapshot() == first
    assert DossierEvent.objects.count() == first_events


@pytest.mark.django_db
def test_distributions(seed):
    seed()
    qs = Dossier.objects.all()
    on_time, overdue = qs.on_time(as_of=AS_OF).count(), qs.overdue(as_of=AS_OF).count()
    assert 0.75 <= on_time / (on_time + overdue) <= 0.95
    on_time_now, overdue_now = qs.on_time().count(), qs.overdue().count()
    assert 0.75 <= on_time_now / (on_time_now + overdue_now) <= 0.95
    assert qs.open().overdue(as_of=AS_OF).exists(), "some dossiers are open and already overdue"
    assert qs.filter(supplement_count=2).exists(), "some dossiers had two supplement requests"
    assert qs.filter(supplement_count=1).count() > qs.filter(supplement_count=2).count()

    online = qs.filter(channel=2).count() / N
    assert 0.55 <= online <= 0.85
    assert qs.filter(channel=3).exists()
    assert 0.6 <= qs.filter(has_digitised_components=True).count() / N <= 0.8
    assert qs.filter(payment_kind__gt=0).exists()
    assert not qs.filter(payment_kind__gt=0, fee_amount=0).exists()
    assert not qs.filter(payment_kind__gt=0).exclude(channel=2).exists()
    # where it was filed (NoiNopHoSo): about half the online dossiers through the national portal,
    # only online ones; every dossier says where
    on_portal = qs.filter(filing_place=1)
    assert 0.35 <= on_portal.count() / qs.filter(channel=2).count() <= 0.65
    assert not on_portal.exclude(channel=2).exists() and not qs.filter(filing_place__isnull=True).exists()
    assert qs.filter(filing_place=2).exists() and qs.filter(filing_place=3).exists()
    assert qs.filter(receiving_agency__kind="commune").count() > N / 3
    assert qs.filter(receiving_agency__kind="ministry").count() < N / 10
    assert qs.exclude(applicant_kind=1).exists()
    assert qs.filter(paused_duration__gt=timedelta(0)).exists()


@pytest.mark.django_db
def test_rows_are_consistent(seed):
    seed()
    dossiers = list(
        Dossier.objects.select_related("procedure", "receiving_agency").prefetch_related("events")
    )
    checked_pauses = 0
    for d in dossiers:
        prefix = d.receiving_agency.code + "-"
        assert d.code.startswith(prefix)
        assert re.fullmatch(r"\d{6}-\d{6}", d.code[len(prefix) :])
        assert d.code[len(prefix) : len(prefix) + 6] == f"{d.submitted_at.astimezone(VN):%y%m%d}"
        if d.received_at is None:
            assert d.status in (DossierStatus.NEW, DossierStatus.NOT_RECEIVED) and d.due_at is None
            continue
        assert d.received_at >= d.submitted_at
        pauses = pauses_of(d)
        checked_pauses += bool(pauses)
        expected = calendar.due_at(
            d.received_at, d.procedure.processing_amount, d.procedure.processing_unit, pauses
        )
        assert d.due_at == expected, d.code
        if d.finished_at is not None:
            assert d.finished_at >= d.received_at
        assert (d.finished_at is None) == (d.status in (2, 4, 5, 6))
        if d.returned_at:
            assert d.status == DossierStatus.RETURNED and d.returned_at >= d.finished_at
        events = history(d)
        assert events[0].to_status == DossierStatus.RECEIVED and events[0].at == d.received_at
        assert events[-1].to_status == d.status and events[-1].at == d.state_at
        # A step sent alone (CapNhatTienDoHoSoMC) names no from-status.
        assert all(b.from_status in (a.to_status, None) for a, b in zip(events, events[1:], strict=False))
        assert all(b.from_status is not None for b in events[1:-1])
        assert sum(e.to_status == DossierStatus.SUPPLEMENT_REQUESTED for e in events) == d.supplement_count
    assert checked_pauses > 0, "some due dates were moved by pauses"


@pytest.mark.django_db
def test_apology_letters(seed):
    seed()
    letters = list(ApologyLetter.objects.select_related("dossier"))
    assert letters
    for letter in letters:
        letter.clean()  # at least one day before the original due date, new date later
        assert letter.original_due_at == letter.dossier.due_at
        assert letter.issued_at.astimezone(VN).date() <= letter.original_due_at.astimezone(
            VN
        ).date() - timedelta(1)
        assert letter.new_due_at > letter.original_due_at
        assert letter.issued_at > letter.dossier.received_at
        assert letter.dossier.is_overdue(as_of=AS_OF)
        assert calendar.is_working_day(letter.issued_at.astimezone(VN).date())


@pytest.mark.django_db
def test_default_window_ends_at_the_current_month(seed):
    output = seed(dossiers=50, anchor_month=None)
    anchor = demo.anchor_for()
    assert Dossier.objects.count() == 50
    assert not Dossier.objects.filter(submitted_at__gte=anchor).exists()
    assert f"snapshot as of {anchor:%Y-%m-%d}" in output


@pytest.mark.django_db
def test_demo_logins_are_printed(seed, monkeypatch):
    accounts = [
        {"username": "admin.hn", "password": "Demo@2026", "role": "province_admin", "agency_code": "01"},
        {"username": "officer.hn", "password": "Demo@2026", "role": "officer", "agency_code": "00004"},
    ]
    monkeypatch.setattr("demo.management.commands.seed_demo.create_demo_accounts", lambda: accounts)
    output = seed(dossiers=10)
    table = output[output.index("Demo logins:") :]
    assert "username" in table and "agency_code" in table
    assert re.search(r"admin\.hn\s+\|\s+Demo@2026\s+\|\s+province_admin\s+\|\s+01", table)


calls = []


@pytest.mark.django_db
def test_follow_ups_run_after_the_dossiers(seed, monkeypatch):
    def record(seed):
        calls.append((seed, Dossier.objects.count()))
        return {"seed": seed}

    monkeypatch.setattr(demo, "FOLLOW_UPS", (("recorded", record),))
    calls.clear()
    output = seed(dossiers=10, seed=7, skip_hooks=False)
    assert calls == [(7, 10)]
    assert "recorded: {'seed': 7}" in output
    calls.clear()
    seed(dossiers=10, skip_hooks=True)
    assert calls == []


@pytest.mark.django_db
def test_bad_options(seed):
    with pytest.raises(CommandError):
        seed(anchor_month="June")
    with pytest.raises(CommandError, match="has not begun"):
        seed(anchor_month="2099-01")
    with pytest.raises(CommandError):
        seed(dossiers=-1)


@pytest.mark.django_db
def test_every_dossier_comes_through_ingestion(seed):
    """Each dossier reaches the platform as a record of a system allowed to sync it (its ministry's
    system, else its province's own, else only the portal), the portal keeps its own copies, the
    returns of the last days arrive as progress steps, and nothing is rejected."""
    output = seed()
    assert "rejected 0" in output and not RejectedRecord.objects.exists()
    systems = {s.code: s for s in SourceSystem.objects.all()}
    portal = next(code for code, s in systems.items() if s.kind == SourceKind.PORTAL)
    batches = IngestBatch.objects.all()
    assert batches.exists() and set(batches.values_list("format", flat=True)) == {"portal"}
    assert not batches.exclude(status="done").exists()
    copies = SourceDossier.objects.all()
    by_source = dict(copies.exclude(source__code=portal).values_list("code", "source__code"))
    for d in Dossier.objects.select_related("procedure"):
        kind = systems[d.state_source].kind
        if d.procedure.central_system and kind == SourceKind.MINISTRY:
            assert d.state_source == d.procedure.central_system
        elif kind == SourceKind.PROVINCIAL:
            assert not d.procedure.central_system
        else:
            assert d.state_source == portal and d.code not in by_source, "only the portal has it"
    assert copies.filter(source__code=portal).count() > 0.9 * N
    assert copies.exclude(source__code=portal).count() > 0.95 * N
    returns = DossierEvent.objects.filter(to_status=DossierStatus.RETURNED, from_status__isnull=True)
    assert returns.exists(), "some returns came as progress steps alone"
    step = returns.first()
    copy = SourceDossier.objects.get(code=step.dossier.code, source__code=step.source)
    assert copy.status == DossierStatus.RETURNED and copy.previous_status == DossierStatus.FINISHED


@pytest.mark.django_db
def test_approval_steps_carry_their_deadline_so_lateness_is_traced(seed):
    """The approval step's ``NgayKetThucTheoQuyDinh`` is the dossier's due date: a dossier finished
    late overran at that step, so the late-units list names its unit and officer."""
    seed()
    steps = DossierEvent.objects.filter(to_status=DossierStatus.FINISHED, due_at__isnull=False)
    assert steps.exists()
    assert (
        not DossierEvent.objects.exclude(to_status=DossierStatus.FINISHED)
        .filter(due_at__isnull=False)
        .exists()
    )
    late = Dossier.objects.filter(finished_at__gt=F("due_at"), status__in=(9, 10))
    overran = steps.filter(at__gt=F("due_at"), dossier__in=late)
    assert late.exists() and overran.values("dossier").distinct().count() == late.count()


@pytest.mark.django_db
def test_demo_feedback_has_no_event_after_now():
    """A feedback case received just before now is still open: no answer, publication or refusal
    dated after now (the demo showed answers published weeks ahead)."""
    import random

    from complaints.models import Feedback
    from demo.index import _outcome

    now = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    stamps = []
    for seed in range(200):
        item = Feedback(code=f"F{seed}", received_at=now - timedelta(days=seed % 30))
        _outcome(random.Random(seed), item, now)
        stamps += [t for t in (item.answered_at, item.published_at, item.refused_at) if t is not None]
        assert item.published_at is None or item.answered_at is not None
    assert stamps and max(stamps) <= now
