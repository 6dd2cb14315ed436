"""Live scores, early warning and its projection, change against the previous period, quarters,
ties, the debounced recompute and the feedback import."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache

from complaints.models import Feedback
from indicators import tasks
from indicators.models import ComponentValue, IndicatorSnapshot
from indicators.services import compute, scoring, warning

from . import golden

pytestmark = pytest.mark.django_db
D = Decimal
LIVE = golden.vn(3, 24, 10)  # Tuesday 24 March 2026, 10:00: March is live


def _cv(agency_code, period, code):
    return ComponentValue.objects.get(snapshot__agency__code=agency_code, snapshot__period=period, code=code)


def test_live_month_and_projection():
    """At 24/3 10:00 for P1: judged = d1 d7 d11 on time (d11 finished exactly at as_of), d2 d3 d6 overdue;
    d5 (due 27/3 17:00) is within time; d4 and d12 are not received yet.

    ON_TIME 3/6 × 20 = 10.00. DOSSIER_SATISFACTION: 6 − 3 overdue − 2 (d2 dislike, d11 complaint) = 1
    → 6 × (1/6) / 0.9 = 1.11.
    Early warning (3 working days → due before 28/3 00:00): d5 only. Projection:
      all late   : ON_TIME 3/7 → 8.57 (−1.43); satisfaction 7 − 4 − 2 = 1 → 6/7/0.9 = 0.95 (−0.16)
      all on time: ON_TIME 4/7 → 11.43 (+1.43); satisfaction 7 − 3 − 2 = 2 → 1.90 (+0.79)
    """
    g = golden.build()
    compute.recompute(golden.PERIOD, now=LIVE)
    snap = IndicatorSnapshot.objects.get(agency=g.P1, period=golden.PERIOD)
    assert (snap.final, snap.as_of) == (False, LIVE)
    on_time = _cv("01", golden.PERIOD, "ON_TIME")
    assert (on_time.numerator, on_time.denominator, on_time.points) == (3, 6, D("10.00"))
    sat = _cv("01", golden.PERIOD, "DOSSIER_SATISFACTION")
    assert (sat.numerator, sat.denominator, sat.points, sat.details) == (
        1,
        6,
        D("1.11"),
        {"penalties": {"overdue": 3, "complained": 2}},
    )
    risky = warning.at_risk(g.P1, now=LIVE, days=3)
    assert [d.code for d in risky] == ["d5"]
    assert [d.code for d in warning.at_risk(g.P1, now=LIVE, days=0)] == []
    p = warning.project(snap, now=LIVE, days=3)
    assert p.at_risk == 1
    assert p.if_late.total == snap.total - D("1.43") - D("0.16")
    assert p.if_on_time.total == snap.total + D("1.43") + D("0.79")
    assert p.winnable == D("3.81")
    assert p.rank_if_late == 1 and p.rank_if_on_time == 1  # P2 has 30.25
    assert p.if_late.groups["2"]["score"] == D("8.57") and p.if_on_time.groups["5"]["score"] > D(0)


def test_change_against_the_previous_period_both_ways():
    g = golden.build()
    compute.recompute("2026-03", now=golden.NOW)
    compute.recompute("2026-02", now=golden.NOW)  # computing the earlier month updates March's change
    march = IndicatorSnapshot.objects.get(agency=g.P1, period="2026-03")
    feb = IndicatorSnapshot.objects.get(agency=g.P1, period="2026-02")
    assert march.previous_total == feb.total and march.change == march.total - feb.total
    assert D(march.groups["2"]["change"]) == D(march.groups["2"]["score"]) - D(feb.groups["2"]["score"])
    compute.recompute("2026-03", now=golden.NOW)
    assert IndicatorSnapshot.objects.get(pk=march.pk).change == march.change


def test_quarter_and_2022_periods():
    g = golden.build()
    compute.recompute("2026-Q1", now=golden.NOW)
    q1 = IndicatorSnapshot.objects.get(agency=g.P1, period="2026-Q1")
    assert q1.period_kind == "quarter" and q1.final
    sync = _cv("01", "2026-Q1", "DOSSIER_SYNC")
    # portal: d1 d2 d3 d5 d11 (March) + d6 (24/2) = 6; reporting: February 99 + March 7 = 106
    assert (sync.numerator, sync.denominator) == (6, 106)
    compute.recompute("2025-12", now=golden.NOW)
    old = IndicatorSnapshot.objects.get(agency=g.P1, period="2025-12")
    assert old.methodology == "2022" and set(old.groups) == {"1", "2", "3", "4", "5"}


def test_competition_ranks_and_bands(settings):
    assert scoring.competition_ranks({1: D(80), 2: D(90), 3: D(80), 4: D(70)}) == {2: 1, 1: 2, 3: 2, 4: 4}
    assert [scoring.band_for(D(v)) for v in ("90", "89.99", "70", "50", "49.99")] == [
        "good",
        "fair",
        "fair",
        "average",
        "weak",
    ]
    settings.INDICATOR_BANDS = [("a", 60), ("b", 0)]
    assert (scoring.band_for(D("60")), scoring.band_for(D("59.99"))) == ("a", "b")


def test_rounding_is_half_up_and_exact():
    from fractions import Fraction

    assert scoring.quantize(Fraction(5, 16), 2) == D("0.31")  # 0.3125
    assert scoring.quantize(Fraction(1, 8), 2) == D("0.13")  # 0.125 → up
    assert scoring.quantize(Fraction(2, 3), 6) == D("0.666667")


def test_schedule_recompute_is_debounced():
    golden.build()
    cache.clear()
    assert tasks.schedule_recompute("2026-03", delay=60) is True
    assert tasks.schedule_recompute("2026-03", delay=60) is False  # absorbed by the first
    assert tasks.schedule_recompute("2026-02", delay=60) is True  # another period is its own key
    # eager Celery + a test transaction: on_commit callbacks run when the test's block commits; run it now
    tasks.recompute_period("2026-03")
    assert IndicatorSnapshot.objects.filter(period="2026-03").count() == 4
    assert tasks.schedule_recompute("2026-03", delay=60) is True  # the run released the key


def test_beat_tasks_are_declared(settings):
    beat = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"indicators.tasks.recompute_live", "indicators.tasks.close_previous_month"} <= beat
    golden.build()
    result = tasks.recompute_live()
    assert result["levels"] == ["province", "ministry"]
    assert (
        IndicatorSnapshot.objects.filter(period=result["period"]).count() == 4
    )  # the level tasks ran (eager)


def test_reconciliation_impact_hook_uses_the_definition():
    from types import SimpleNamespace

    from indicators.services.impact import dossier_sync_impact, dossier_sync_points

    # portal 5, reported 7: 6 × 5/7 = 4.29; closing 2 missing dossiers → 7/7 = 6.00: +1.71
    counts = SimpleNamespace(portal=5, reported=7)
    assert dossier_sync_points(5, 7, "2026-03") == D("4.29")
    assert dossier_sync_impact(counts, {"missing_on_portal": 2}, "2026-03") == D("1.71")
    assert dossier_sync_impact(counts, {}, "2026-03") == D(0)


def test_demo_inputs_and_backfill_are_idempotent():
    from demo.index import seed_demo_index
    from indicators.models import CertifiedCopyCommune

    golden.build()
    first = seed_demo_index(now=golden.NOW, months=2)
    assert first["feedback"] > 0 and first["periods"] == ["2026-02", "2026-03", "2026-04"]
    counts = (
        Feedback.objects.count(),
        CertifiedCopyCommune.objects.count(),
        IndicatorSnapshot.objects.count(),
    )
    seed_demo_index(now=golden.NOW, months=2)
    assert (
        Feedback.objects.count(),
        CertifiedCopyCommune.objects.count(),
        IndicatorSnapshot.objects.count(),
    ) == counts
    live = IndicatorSnapshot.objects.get(agency__code="01", period="2026-04")
    assert not live.final and live.as_of == golden.NOW
    assert all(f.answer_due_at for f in Feedback.objects.all())


def test_closing_a_quarter_end_month_closes_the_quarter(monkeypatch):
    golden.build()
    monkeypatch.setattr(tasks.timezone, "now", lambda: golden.vn(4, 1, 5))
    result = tasks.close_previous_month()
    assert result["period"] == "2026-03" and result["quarter"]["period"] == "2026-Q1"
    assert IndicatorSnapshot.objects.get(agency__code="01", period="2026-03").final


def test_the_live_dashboards_early_warning_is_cached_briefly_per_viewer(monkeypatch, settings, client):
    """Within ``TTHC_EARLY_WARNING_CACHE_SECONDS`` a repeat view reads no dossier for the warning; with
    0 every view counts again (and sees a change at once)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Role
    from tests.accounts.helpers import make_user
    from tthc.models import Dossier

    g = golden.build()
    compute.recompute(golden.PERIOD, now=LIVE)
    monkeypatch.setattr(timezone, "now", lambda: LIVE)
    client.force_login(make_user("p1.officer", Role.OFFICER, g.P1))
    url = reverse("indicators:dashboard", args=["01"])

    def view():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.status_code == 200 and page.context["is_live"]
        dossier_reads = [q for q in queries.captured_queries if '"tthc_dossier"' in q["sql"]]
        return page.context["at_risk_count"], [d.code for d in page.context["at_risk"]], dossier_reads

    settings.TTHC_EARLY_WARNING_CACHE_SECONDS = 60
    # The handling unit came as an agency code (DonViXuLy): the list names the agency.
    Dossier.objects.filter(code="d5").update(handling_agency=g.C2, handling_unit="C2")
    assert view()[:2] == (1, ["d5"])
    html = client.get(url).content.decode()
    assert 'Xã Hai <small class="muted">(C2)</small>' in html
    Dossier.objects.filter(code="d5").update(due_at=None)  # no longer at risk
    count, listed, reads = view()
    assert (count, listed, reads) == (1, ["d5"], [])  # the cached warning, no dossier query
    cache.clear()
    settings.TTHC_EARLY_WARNING_CACHE_SECONDS = 0
    count, listed, reads = view()
    assert (count, listed) == (0, []) and reads


def test_a_commune_officer_is_told_how_many_of_the_provinces_at_risk_dossiers_are_theirs(monkeypatch, client):
    """The count and the projection are the province's; the list is the viewer's: the page says so."""
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Role
    from tests.accounts.helpers import make_user

    g = golden.build()
    compute.recompute(golden.PERIOD, now=LIVE)
    monkeypatch.setattr(timezone, "now", lambda: LIVE)
    cache.clear()
    client.force_login(make_user("c1.officer", Role.OFFICER, g.C1))
    page = client.get(reverse("indicators:dashboard", args=["01"]))
    assert page.status_code == 200
    assert (page.context["at_risk_count"], page.context["at_risk"], page.context["at_risk_yours"]) == (
        1,
        [],
        0,
    )
    assert "0 hồ sơ trong số đó thuộc đơn vị của bạn" in page.content.decode()
    cache.clear()
    client.force_login(make_user("p1.viewer", Role.OFFICER, g.P1))
    page = client.get(reverse("indicators:dashboard", args=["01"]))
    assert page.context["at_risk_yours"] is None and 'id="at-risk-yours"' not in page.content.decode()
