"""The recorded ``Q`` objects select exactly what the queryset methods select (the feedback items'
deadlines and timeliness are tested with their model: tests/complaints/test_feedback_items.py)."""

from __future__ import annotations

import pytest

from complaints.models import Feedback
from indicators.definitions.qsets import dossier_q, feedback_q, q_of
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
        assert (
            set(Dossier.objects.filter(dossier_q(method, *args)).values_list("code", flat=True)) == expected
        )


def test_recorder_rejects_non_filter_methods():
    with pytest.raises(TypeError):
        q_of(DossierQuerySet, "count")


@pytest.mark.parametrize("as_of", MOMENTS)
def test_recorded_feedback_q_equals_queryset(as_of):
    golden.build()
    for method in ("overdue", "not_overdue"):
        expected = set(getattr(Feedback.objects, method)(as_of).values_list("code", flat=True))
        assert (
            set(Feedback.objects.filter(feedback_q(method, as_of)).values_list("code", flat=True)) == expected
        )
    assert set(Feedback.objects.overdue(as_of).values_list("code", flat=True)).isdisjoint(
        Feedback.objects.not_overdue(as_of).values_list("code", flat=True)
    )


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


@pytest.mark.parametrize("as_of", MOMENTS)
def test_dossier_window_arms_partition_the_window(as_of):
    """One province's count reads the window in three parts (``measures._dossier_family``): together
    they are the window, and no dossier is in two of them (the counts are added up)."""
    from indicators.definitions import filters as f
    from indicators.definitions.base import Window
    from tthc.periods import Period

    golden.build()
    w = Window(Period.parse("2026-03"), min(as_of, Period.parse("2026-03").end))
    window = set(Dossier.objects.filter(f.dossier_window(w)).values_list("code", flat=True))
    parts = [
        set(Dossier.objects.filter(arm).values_list("code", flat=True)) for arm in f.dossier_window_arms(w)
    ]
    assert window and all(parts[1:])  # the golden month has carry-over, finished and still open
    assert set().union(*parts) == window
    assert sum(len(p) for p in parts) == len(window)


@pytest.mark.parametrize("as_of", MOMENTS)
def test_one_provinces_counts_equal_its_counts_among_all(as_of):
    """``collect(…, restrict=True)`` (the three index ranges of one province, the distinct-procedure
    measures merged across them) gives the province exactly what the national pass gives it."""
    from indicators.definitions import get
    from indicators.definitions.base import PROVINCE, Window
    from indicators.services.measures import collect
    from tthc.periods import Period

    g = golden.build()
    w = Window(Period.parse("2026-03"), min(as_of, Period.parse("2026-03").end))
    methodology = get("2026")
    national = collect(methodology, w, {PROVINCE: [g.P1.pk, g.P2.pk]})
    for agency in (g.P1, g.P2):
        one = collect(methodology, w, {PROVINCE: [agency.pk]}, restrict=True)
        assert one[agency.pk] == national[agency.pk]
    assert any(n for comp in national[g.P1.pk].values() for n in comp.values())
