"""DossierQuerySet filters and Dossier's database constraints (docs/domain.md#timeliness)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import DossierFactory, ProcedureFactory, commune, province
from tthc.calendar import VN_TZ
from tthc.models import Dossier, DossierStatus
from tthc.periods import Period

pytestmark = pytest.mark.django_db

S = DossierStatus
AS_OF = datetime(2026, 3, 10, 12, 0, tzinfo=VN_TZ)
RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)
H = timedelta(hours=1)
D = timedelta(days=1)


def vn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


@pytest.fixture
def procedure():
    return ProcedureFactory()


@pytest.fixture
def agency():
    return province(code="01")


def _codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


#: code → (status, due_at, finished_at, supplement_count, class at AS_OF); None = not judged.
TIMELINESS = {
    "early": (S.FINISHED, AS_OF + 2 * D, AS_OF - D, 0, "on_time"),
    "at-due": (S.RETURNED, AS_OF - H, AS_OF - H, 0, "on_time"),
    "one-supplement-early": (S.FINISHED, AS_OF + D, AS_OF - D, 1, "on_time"),
    "finished-late": (S.FINISHED, AS_OF - 2 * D, AS_OF - D, 0, "overdue"),
    "stopped-late": (S.STOPPED, AS_OF - 2 * D, AS_OF - D, 0, "overdue"),
    "finished-after-as-of-past-due": (S.RETURNED, AS_OF - D, AS_OF + D, 0, "overdue"),
    "finished-after-as-of-not-due": (S.FINISHED, AS_OF + 2 * D, AS_OF + D, 0, "within_time"),
    "open-due-later": (S.PROCESSING, AS_OF + D, None, 0, "within_time"),
    "open-due-now": (S.RECEIVED, AS_OF, None, 0, "within_time"),
    "open-past-due": (S.PROCESSING, AS_OF - timedelta(seconds=1), None, 0, "overdue"),
    "supplement-open-past-due": (S.SUPPLEMENT_REQUESTED, AS_OF - D, None, 1, "overdue"),
    "financial-due-later": (S.FINANCIAL_OBLIGATION, AS_OF + D, None, 1, "within_time"),
    "two-supplements-early": (S.FINISHED, AS_OF + 2 * D, AS_OF - D, 2, "overdue"),
    "two-supplements-open": (S.PROCESSING, AS_OF + 2 * D, None, 2, "overdue"),
    "withdrawn": (S.WITHDRAWN, AS_OF - 2 * D, AS_OF - D, 0, None),
    "not-received": (S.NOT_RECEIVED, AS_OF - 2 * D, AS_OF - D, 0, None),
    "new": (S.NEW, AS_OF - D, None, 0, None),
    "no-due-date": (S.PROCESSING, None, None, 0, None),
}


@pytest.fixture
def timeliness_dossiers(procedure, agency):
    for code, (status, due, finished, supplements, _cls) in TIMELINESS.items():
        DossierFactory(
            code=code,
            procedure=procedure,
            receiving_agency=agency,
            status=status,
            received_at=RECEIVED,
            due_at=due,
            finished_at=finished,
            supplement_count=supplements,
        )


def _expected(cls):
    return {code for code, row in TIMELINESS.items() if row[-1] == cls}


@pytest.mark.usefixtures("timeliness_dossiers")
class TestTimeliness:
    def test_on_time(self):
        assert _codes(Dossier.objects.on_time(AS_OF)) == {"early", "at-due", "one-supplement-early"}

    def test_overdue(self):
        assert _codes(Dossier.objects.overdue(AS_OF)) == {
            "finished-late",
            "stopped-late",
            "finished-after-as-of-past-due",
            "open-past-due",
            "supplement-open-past-due",
            "two-supplements-early",
            "two-supplements-open",
        }
        assert _codes(Dossier.objects.late(AS_OF)) == _codes(Dossier.objects.overdue(AS_OF))

    def test_within_time(self):
        assert _codes(Dossier.objects.within_time(AS_OF)) == {
            "finished-after-as-of-not-due",
            "open-due-later",
            "open-due-now",
            "financial-due-later",
        }

    def test_judged_excludes_withdrawn_not_received_new_and_undated(self):
        assert _codes(Dossier.objects.judged()) == {c for c, row in TIMELINESS.items() if row[-1] is not None}
        assert not {"withdrawn", "not-received", "new", "no-due-date"} & _codes(Dossier.objects.judged())

    def test_table_matches(self):
        for cls in ("on_time", "overdue", "within_time"):
            assert _codes(getattr(Dossier.objects, cls)(AS_OF)) == _expected(cls), cls

    @pytest.mark.parametrize(
        "as_of",
        [
            AS_OF,
            AS_OF - 3 * D,
            AS_OF - D,
            AS_OF - H,
            AS_OF - timedelta(seconds=1),
            AS_OF + D,
            AS_OF + 3 * D,
            RECEIVED,
        ],
        ids=["as_of", "-3d", "-1d", "-1h", "-1s", "+1d", "+3d", "received"],
    )
    def test_each_judged_dossier_is_in_exactly_one_class(self, as_of):
        judged = _codes(Dossier.objects.judged())
        on_time = _codes(Dossier.objects.on_time(as_of))
        overdue = _codes(Dossier.objects.overdue(as_of))
        within = _codes(Dossier.objects.within_time(as_of))
        assert on_time | overdue | within == judged
        assert not on_time & overdue
        assert not on_time & within
        assert not overdue & within
        # the Python twin used on detail pages agrees with the queryset
        for dossier in Dossier.objects.all():
            assert dossier.is_overdue(as_of) == (dossier.code in overdue), dossier.code

    def test_judged_at_an_earlier_instant(self):
        # At AS_OF − 3 days, "finished-late" (due AS_OF−2d, finished AS_OF−1d) was still open and not due.
        as_of = AS_OF - 3 * D
        assert "finished-late" in _codes(Dossier.objects.within_time(as_of))
        assert "early" in _codes(Dossier.objects.within_time(as_of))  # finished AS_OF−1d: open then
        assert "early" not in _codes(Dossier.objects.on_time(as_of))
        # "two-supplements-early" is overdue whatever the instant
        assert "two-supplements-early" in _codes(Dossier.objects.overdue(as_of))

    def test_open_and_finished(self):
        assert _codes(Dossier.objects.open()) == {
            "open-due-later",
            "open-due-now",
            "open-past-due",
            "supplement-open-past-due",
            "financial-due-later",
            "two-supplements-open",
            "new",
            "no-due-date",
        }
        assert _codes(Dossier.objects.finished()) == {
            "early",
            "at-due",
            "one-supplement-early",
            "finished-late",
            "stopped-late",
            "finished-after-as-of-past-due",
            "finished-after-as-of-not-due",
            "two-supplements-early",
            "withdrawn",
            "not-received",
        }

    def test_querysets_chain(self):
        assert _codes(Dossier.objects.finished().overdue(AS_OF)) == {
            "finished-late",
            "stopped-late",
            "finished-after-as-of-past-due",
            "two-supplements-early",
        }
        assert _codes(Dossier.objects.open().overdue(AS_OF)) == {
            "open-past-due",
            "supplement-open-past-due",
            "two-supplements-open",
        }


def test_every_status_is_open_or_finished(procedure, agency):
    for status in S:
        DossierFactory(code=f"S{status.value}", procedure=procedure, receiving_agency=agency, status=status)
    assert _codes(Dossier.objects.open()) == {"S1", "S2", "S4", "S5", "S6"}
    assert _codes(Dossier.objects.finished()) == {"S3", "S7", "S8", "S9", "S10"}
    assert _codes(Dossier.objects.judged()) == {"S2", "S4", "S5", "S6", "S8", "S9", "S10"}


def test_defaults_to_now(procedure, agency):
    now = timezone.now()
    DossierFactory(
        code="past", procedure=procedure, receiving_agency=agency, received_at=now - 5 * D, due_at=now - D
    )
    DossierFactory(
        code="future", procedure=procedure, receiving_agency=agency, received_at=now - 5 * D, due_at=now + D
    )
    DossierFactory(
        code="done",
        procedure=procedure,
        receiving_agency=agency,
        status=S.FINISHED,
        received_at=now - 5 * D,
        due_at=now - D,
        finished_at=now - 2 * D,
    )
    assert _codes(Dossier.objects.overdue()) == {"past"}
    assert _codes(Dossier.objects.within_time()) == {"future"}
    assert _codes(Dossier.objects.on_time()) == {"done"}
    assert Dossier.objects.get(code="past").is_overdue()
    assert not Dossier.objects.get(code="future").is_overdue()


# --- in_period ---------------------------------------------------------------------------------------

IN_PERIOD = {
    "sep-last-second": datetime(2026, 9, 30, 23, 59, 59, tzinfo=VN_TZ),
    "oct-first-instant": datetime(2026, 10, 1, 0, 0, tzinfo=VN_TZ),
    "oct-first-instant-utc": datetime(2026, 9, 30, 17, 0, tzinfo=UTC),
    "oct-31-2330": datetime(2026, 10, 31, 23, 30, tzinfo=VN_TZ),
    "nov-utc-evening": datetime(2026, 10, 31, 17, 30, tzinfo=UTC),  # 1/11 00:30 +07
    "nov-first-instant": datetime(2026, 11, 1, 0, 0, tzinfo=VN_TZ),
    "dec-last-second": datetime(2026, 12, 31, 23, 59, 59, tzinfo=VN_TZ),
    "next-year": datetime(2027, 1, 1, 0, 0, tzinfo=VN_TZ),
}


@pytest.fixture
def period_dossiers(procedure, agency):
    for code, received in IN_PERIOD.items():
        DossierFactory(code=code, procedure=procedure, receiving_agency=agency, received_at=received)
    DossierFactory(
        code="never-received",
        procedure=procedure,
        receiving_agency=agency,
        status=S.NEW,
        received_at=None,
        due_at=None,
    )


@pytest.mark.usefixtures("period_dossiers")
@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2026-10", {"oct-first-instant", "oct-first-instant-utc", "oct-31-2330"}),
        (Period.month(2026, 10), {"oct-first-instant", "oct-first-instant-utc", "oct-31-2330"}),
        ("2026-09", {"sep-last-second"}),
        ("2026-11", {"nov-utc-evening", "nov-first-instant"}),
        (
            "2026-Q4",
            {
                "oct-first-instant",
                "oct-first-instant-utc",
                "oct-31-2330",
                "nov-utc-evening",
                "nov-first-instant",
                "dec-last-second",
            },
        ),
        ("2026-Q3", {"sep-last-second"}),
        ("2026", set(IN_PERIOD) - {"next-year"}),
        ("2027-01", {"next-year"}),
        ("2025", set()),
    ],
)
def test_in_period(period, expected):
    assert _codes(Dossier.objects.in_period(period)) == expected


def test_in_period_rejects_a_bad_period():
    with pytest.raises(ValueError):
        Dossier.objects.in_period("2026-13")


# --- for_subtree -------------------------------------------------------------------------------------


@pytest.fixture
def tree():
    hanoi = province(code="01", name="Hà Nội")
    c1 = commune(hanoi, code="00004")
    c2 = commune(hanoi, code="00007")
    # A sibling whose code starts with the first province's code: a prefix match without the trailing
    # separator would wrongly include it.
    other = province(code="010", name="Sibling")
    c3 = commune(other, code="00010")
    return {"hanoi": hanoi, "c1": c1, "c2": c2, "other": other, "c3": c3}


def test_for_subtree(tree, procedure, django_assert_num_queries):
    for name, agency in tree.items():
        DossierFactory(code=f"D-{name}", procedure=procedure, receiving_agency=agency)
    assert _codes(Dossier.objects.for_subtree(tree["hanoi"])) == {"D-hanoi", "D-c1", "D-c2"}
    assert _codes(Dossier.objects.for_subtree(tree["other"])) == {"D-other", "D-c3"}
    assert _codes(Dossier.objects.for_subtree(tree["c1"])) == {"D-c1"}
    with django_assert_num_queries(1):
        assert len(list(Dossier.objects.for_subtree(tree["hanoi"]))) == 3
    # combined with the other filters
    assert _codes(Dossier.objects.for_subtree(tree["hanoi"]).open()) == {"D-hanoi", "D-c1", "D-c2"}
    assert _codes(Dossier.objects.for_subtree(tree["hanoi"]).finished()) == set()


def test_for_subtree_is_by_receiving_agency(tree, procedure):
    DossierFactory(
        code="handled-elsewhere", procedure=procedure, receiving_agency=tree["c3"], handling_agency=tree["c1"]
    )
    assert _codes(Dossier.objects.for_subtree(tree["hanoi"])) == set()
    assert _codes(Dossier.objects.for_subtree(tree["other"])) == {"handled-elsewhere"}


# --- database constraints ----------------------------------------------------------------------------


def _assert_rejected(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        DossierFactory(**fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"received_at": RECEIVED, "finished_at": RECEIVED - timedelta(minutes=1), "status": S.FINISHED},
        {"status": 11},
        {"status": 0},
        {"received_at": RECEIVED, "due_at": RECEIVED - timedelta(seconds=1)},
        {"channel": 4},
        {"applicant_kind": 5},
        {"payment_kind": 3},
        {"fee_amount": -1},
    ],
    ids=[
        "finished-before-received",
        "status-11",
        "status-0",
        "due-before-received",
        "channel-4",
        "applicant-5",
        "payment-3",
        "negative-fee",
    ],
)
def test_check_constraints_reject(procedure, agency, fields):
    _assert_rejected(procedure=procedure, receiving_agency=agency, **fields)
    assert Dossier.objects.count() == 0


def test_check_constraints_also_guard_updates(procedure, agency):
    dossier = DossierFactory(procedure=procedure, receiving_agency=agency, received_at=RECEIVED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Dossier.objects.filter(pk=dossier.pk).update(status=11)
    with pytest.raises(IntegrityError), transaction.atomic():
        Dossier.objects.filter(pk=dossier.pk).update(finished_at=RECEIVED - D)
    dossier.refresh_from_db()
    assert dossier.status == S.PROCESSING
    assert dossier.finished_at is None


def test_check_constraints_accept_the_boundaries(procedure, agency):
    dossier = DossierFactory(
        procedure=procedure,
        receiving_agency=agency,
        status=S.RETURNED,
        received_at=RECEIVED,
        due_at=RECEIVED,
        finished_at=RECEIVED,
    )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.finished_at, dossier.due_at) == (10, RECEIVED, RECEIVED)
    # an unreceived dossier may carry any finish time (the constraint needs both)
    DossierFactory(
        procedure=procedure,
        receiving_agency=agency,
        status=S.NEW,
        received_at=None,
        due_at=None,
        finished_at=vn("2020-01-01 00:00"),
    )
    assert Dossier.objects.count() == 2
