"""The recorded ``Q`` objects select exactly what the queryset methods select; feedback deadlines
and timeliness, table-driven (docs/domain.md#citizen-feedback: refuse ≤ 2, ask ≤ 5, answer ≤ 15, publish ≤ 2
working days)."""
from __future__ import annotations

from datetime import datetime

import pytest

from indicators.definitions.qsets import dossier_q, feedback_q, q_of
from indicators.models import Feedback
from indicators.services.deadlines import FEEDBACK_DEADLINE_DAYS, feedback_deadlines, working_deadline
from tests.factories import province
from tthc.calendar import VN_TZ
from tthc.models import Dossier, DossierQuerySet

from . import golden

pytestmark = pytest.mark.django_db
vn = golden.vn

MOMENTS = [vn(3, 1, 0), vn(3, 10, 12), vn(3, 27, 17), vn(4, 1, 0), vn(4, 2, 9), vn(5, 1, 0)]


@pytest.mark.parametrize("as_of", MOMENTS)
@pytest.mark.parametrize("method", ["on_time", "overdue", "within_time"])
def test_recorded_dossier_q_equals_queryset_method(method, as_of):
    golden.build()
    by_method = set(getattr(Dossier.objects, method)(as_of).values_list("code", flat=True))
    by_q = set(Dossier.objects.filter(dossier_q(method, as_of)).values_list("code", flat=True))
    assert by_q == by_method


def test_recorded_q_for_plain_filters():
    golden.build()
    for method, args in [("judged", ()), ("in_period", ("2026-03",)), ("paid_online", ()), ("open", ())]:
        expected = set(getattr(Dossier.objects, method)(*args).values_list("code", flat=True))
        assert set(Dossier.objects.filter(dossier_q(method, *args)).values_list("code", flat=True)) == expected


def test_recorder_rejects_non_filter_methods():
    with pytest.raises(TypeError):
        q_of(DossierQuerySet, "count")


@pytest.mark.parametrize("as_of", MOMENTS)
def test_recorded_feedback_q_equals_queryset(as_of):
    golden.build()
    for method in ("overdue", "not_overdue"):
        expected = set(getattr(Feedback.objects, method)(as_of).values_list("code", flat=True))
        assert set(Feedback.objects.filter(feedback_q(method, as_of)).values_list("code", flat=True)) == expected
    assert set(Feedback.objects.overdue(as_of).values_list("code", flat=True)).isdisjoint(
        Feedback.objects.not_overdue(as_of).values_list("code", flat=True))


# received, working days, expected deadline, comment
DEADLINES = [
    (vn(3, 2, 9), 2, vn(3, 4, 9), "Monday morning + 2 working days"),
    (vn(3, 6, 16), 2, vn(3, 10, 16), "Friday afternoon: the weekend does not count"),
    (vn(3, 6, 18), 2, vn(3, 10, 17), "after hours: counts from Monday 07:00, ends at 17:00 on day 2"),
    (vn(3, 2, 9), 15, vn(3, 23, 9), "answer: 15 working days = three weeks"),
    (vn(4, 24, 9), 5, vn(5, 6, 9), "28/4, 29/4, 4/5, 5/5, 6/5: Hùng Kings (27/4 observed), 30/4 and 1/5 skipped"),
]


@pytest.mark.parametrize("received,days,expected,comment", DEADLINES)
def test_working_deadline(received, days, expected, comment):
    assert working_deadline(received, days) == expected, comment


def test_feedback_deadlines_are_stored_on_save():
    p = province()
    f = Feedback.objects.create(code="F", agency=p, received_at=vn(3, 2), answered_at=vn(3, 10, 10))
    assert (f.refuse_due_at, f.ask_more_due_at, f.answer_due_at, f.publish_due_at) == (
        vn(3, 4), vn(3, 9), vn(3, 23), vn(3, 12, 10))
    f.answered_at = None
    f.save(update_fields=["answered_at"])
    f.refresh_from_db()
    assert f.publish_due_at is None
    assert FEEDBACK_DEADLINE_DAYS == {"refuse": 2, "ask_more": 5, "answer": 15, "publish": 2}
    assert feedback_deadlines(vn(3, 2)).answer == vn(3, 23)


AS_OF = vn(4, 1, 0)
# kwargs (received 2/3 09:00 unless given), overdue at AS_OF?, comment
FEEDBACK_CASES = [
    ({"answered_at": vn(3, 20), "published_at": vn(3, 23)}, False, "answered and published on time"),
    ({"answered_at": vn(3, 24)}, True, "answered after the 15-day deadline (23/3 09:00)"),
    ({"refused_at": vn(3, 4, 9)}, False, "refused exactly at the 2-day deadline"),
    ({"refused_at": vn(3, 4, 10)}, True, "refused one hour late"),
    ({"asked_more_at": vn(3, 10), "answered_at": vn(3, 20), "published_at": vn(3, 20)}, True,
     "asked for more information after 5 working days"),
    ({"answered_at": vn(3, 20)}, True, "answer never published: 2-day publishing deadline passed"),
    ({"answered_at": vn(3, 20), "published_at": vn(3, 25)}, True, "published after 2 working days"),
    ({}, True, "never answered, past the answer deadline"),
    ({"received_at": vn(3, 20)}, False, "not answered yet, but not due before 10/4"),
    ({"received_at": vn(3, 20), "answered_at": vn(4, 2)}, False, "answered after as_of: judged unanswered, not due"),
]


@pytest.mark.parametrize("kwargs,late,comment", FEEDBACK_CASES)
def test_feedback_timeliness(kwargs, late, comment):
    p = province()
    f = Feedback.objects.create(code="F", agency=p, **{"received_at": vn(3, 2), **kwargs})
    assert f.is_overdue(AS_OF) is late, comment
    assert Feedback.objects.not_overdue(AS_OF).filter(pk=f.pk).exists() is (not late), comment


def test_aware_datetimes_only():
    with pytest.raises(ValueError):
        working_deadline(datetime(2026, 3, 2, 9), 2)
    assert vn(3, 2).tzinfo is VN_TZ


@pytest.mark.parametrize("as_of", MOMENTS)
def test_dossier_window_contains_every_dossier_measure(as_of):
    """The dossier family scans ``dossier_window`` only: it must contain every measure's rows."""
    from indicators.definitions import filters as f
    from indicators.definitions import get
    from indicators.definitions.base import Source, Window
    from tthc.periods import Period

    golden.build()
    w = Window(Period.parse("2026-03"), min(as_of, Period.parse("2026-03").end))
    window = set(Dossier.objects.filter(f.dossier_window(w)).values_list("code", flat=True))
    for comp in get("2026").components:
        for name, measure in comp.measures().items():
            if getattr(measure, "source", None) == Source.DOSSIER:
                rows = set(Dossier.objects.filter(measure.q(w)).values_list("code", flat=True))
                assert rows <= window, (comp.code, name, rows - window)
