"""The late units are computed once per snapshot version of the period and viewer scope, then read
from the cache (``late.cached_report``): at 10 M dossiers the country's month took 7-10 s, paid by
each view of the page, the API and the public results. The apology compliance is summed from the
same rows; the worker warms the country's rows after a closed month's recompute."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators import tasks
from indicators.services import compute, late
from tests.accounts.helpers import make_user
from tests.factories import DossierFactory
from tthc.models import DossierStatus
from tthc.periods import Period

from . import golden

pytestmark = pytest.mark.django_db


@pytest.fixture
def g():
    return golden.build()


def late_in_march(g, code: str, unit: str):
    """A dossier of province 01 due on 5 March and finished on the 20th: late, in the golden month."""
    return DossierFactory(
        code=code,
        procedure=g.A,
        receiving_agency=g.C1,
        status=DossierStatus.FINISHED,
        received_at=golden.vn(3, 2),
        due_at=golden.vn(3, 5, 17),
        finished_at=golden.vn(3, 20),
        handling_unit=unit,
    )


def dossier_queries(captured) -> int:
    return sum('"tthc_dossier"' in q["sql"] for q in captured.captured_queries)


def test_compliance_is_the_grouped_count_of_the_overdue_dossiers(g):
    """Summed from the late-units rows, the compliance equals one grouped count over the same set."""
    rows, compliance = late.report(golden.PERIOD, now=golden.NOW)
    direct = {
        r["ranked"]: (r["n"], r["ok"])
        for r in late.overdue_dossiers(golden.PERIOD, golden.NOW)
        .order_by()
        .values(ranked=late.F("receiving_agency__ranked_agency__code"))
        .annotate(n=Count("pk"), ok=Count("pk", filter=late.APOLOGISED))
    }
    assert direct and {r["ranked"]: (r["overdue"], r["apologised"]) for r in compliance} == direct
    assert [r["ranked"] for r in compliance] == sorted(direct)
    for r in compliance:
        assert r["without_apology"] == r["overdue"] - r["apologised"]
        assert r["ratio"] == round(r["apologised"] / r["overdue"], 4)
    assert sum(r["overdue"] for r in rows) == sum(n for n, _ in direct.values())


def test_a_view_reads_the_cache_until_the_period_is_recomputed(g, client):
    compute.recompute(golden.PERIOD, now=golden.NOW)
    officer = make_user("late-cache-p1", "officer", g.P1)
    client.force_login(officer)
    url = reverse("indicators:late")
    first = client.get(url, {"period": golden.PERIOD})
    assert first.context["page"].paginator.count > 0
    with CaptureQueriesContext(connection) as captured:
        again = client.get(url, {"period": golden.PERIOD})
    assert dossier_queries(captured) == 0  # nor the empty-scope check: the month lists rows
    assert again.context["compliance"] == first.context["compliance"]

    # A new overdue dossier is listed once the period is recomputed (as every sync asks for).
    late_one = late_in_march(g, "late-cache-new", "Phòng mới")
    stale = client.get(url, {"period": golden.PERIOD}).context["page"].paginator.object_list
    assert "Phòng mới" not in {r["unit"] for r in stale}  # the same snapshot version: the cached rows
    compute.recompute(golden.PERIOD, now=golden.NOW)
    fresh = client.get(url, {"period": golden.PERIOD}).context["page"].paginator.object_list
    assert "Phòng mới" in {r["unit"] for r in fresh}
    assert late_one.code


def test_the_key_names_the_version_and_the_scope(g, settings):
    assert late.cache_key(golden.PERIOD) is None  # no snapshot yet: computed on each request
    compute.recompute(golden.PERIOD, now=golden.NOW)
    admin = make_user("late-cache-admin", "national_admin", g.P1)
    province, other = make_user("late-cache-a", "officer", g.P1), make_user("late-cache-b", "officer", g.P2)
    everyone = late.cache_key(golden.PERIOD)
    assert everyone and late.cache_key(golden.PERIOD, user=admin) == everyone  # one country-wide entry
    keys = {everyone, late.cache_key(golden.PERIOD, user=province), late.cache_key(golden.PERIOD, user=other)}
    assert len(keys) == 3
    assert late.cache_key(golden.PERIOD, agency=g.P1, user=province) not in keys
    compute.recompute(golden.PERIOD, now=golden.NOW)
    assert late.cache_key(golden.PERIOD) != everyone
    settings.TTHC_LATE_UNITS_CACHE_SECONDS = 0
    assert late.cache_key(golden.PERIOD) is None


def test_a_closed_months_recompute_warms_the_countrys_rows(g, django_capture_on_commit_callbacks):
    """The level tasks of a closed month warm the country's late units once (eager in tests; the
    outbox sends the task when the recompute's transaction commits)."""
    with django_capture_on_commit_callbacks(execute=True):
        tasks.recompute_level(golden.PERIOD, "province", golden.NOW.isoformat())
    key = late.cache_key(golden.PERIOD)
    assert key and cache.get(key) == late.report(golden.PERIOD)
    assert tasks.schedule_late_units_warm(Period.parse(golden.PERIOD)) is False  # debounced


def test_the_public_list_keeps_its_level_from_the_countrys_rows(g, client):
    compute.recompute(golden.PERIOD, now=golden.NOW)
    rows, _ = late.report(golden.PERIOD)
    kinds = {r["ranked"]: r["ranked_kind"] for r in rows}
    for level in ("province", "ministry"):
        listed = late.public_late_units(golden.PERIOD, level)
        expected = [r for r in rows if r["ranked_kind"] in compute.LEVEL_KINDS[level]]
        assert listed and [(r["ranked"], r["unit"], r["overdue"]) for r in listed] == [
            (r["ranked"], r["unit"], r["overdue"]) for r in expected
        ]
        assert {kinds[r["ranked"]] for r in listed} <= set(compute.LEVEL_KINDS[level])
        assert "apologised" not in listed[0]  # names and counts only, as published
    page = client.get(reverse("indicators:public-results"), {"period": golden.PERIOD, "level": "province"})
    assert page.context["late_rows"] == late.public_late_units(golden.PERIOD, "province")


def test_the_drill_down_counts_from_its_grouping_and_keeps_it_per_snapshot(g, client):
    """The component page's count is the sum of its per-unit grouping (one query fewer), and paging
    reuses the grouping of the same snapshot, set, filters and viewer; a recompute makes it anew."""
    from indicators.services import explain

    compute.recompute(golden.PERIOD, now=golden.NOW)
    officer = make_user("late-cache-drill", "officer", g.P1)
    client.force_login(officer)
    url = reverse("indicators:component", args=["01", golden.PERIOD, "ON_TIME"])
    first = client.get(url, {"set": "missing"})
    snapshot = first.context["snapshot"]
    items = explain.item_set(snapshot, "ON_TIME", "missing", officer, {})
    assert first.context["page"].paginator.count == items.queryset.count() > 0
    assert sum(r["n"] for r in first.context["grouped"]) == items.queryset.count()
    with CaptureQueriesContext(connection) as captured:
        again = client.get(url, {"set": "missing", "page": 1})
    grouping = [
        q for q in captured.captured_queries if "GROUP BY" in q["sql"] and '"tthc_dossier"' in q["sql"]
    ]
    assert not grouping and not [
        q for q in captured.captured_queries if "COUNT(*)" in q["sql"] and '"tthc_dossier"' in q["sql"]
    ]
    assert again.context["grouped"] == first.context["grouped"]

    late_in_march(g, "late-drill-new", "Phòng khoan")
    compute.recompute(golden.PERIOD, now=golden.NOW)
    fresh = client.get(url, {"set": "missing"})
    assert fresh.context["page"].paginator.count == first.context["page"].paginator.count + 1
    assert "Phòng khoan" in {r["handling_unit"] for r in fresh.context["grouped"]}


def test_a_provinces_rows_are_selected_by_its_agencies_ids(g):
    """The drill-down and the late units select a province's dossiers by the ids of the agencies it
    ranks, not by a join on ``ranked_agency``: at 10 M dossiers the join was planned as a scan of the
    whole table (1.46 s a page), the ids as index scans (0.21 s)."""
    from indicators.models import IndicatorSnapshot
    from indicators.services import explain
    from tthc.models import Agency

    compute.recompute(golden.PERIOD, now=golden.NOW)
    snapshot = IndicatorSnapshot.objects.get(agency=g.P1, period=golden.PERIOD)
    ids = Agency.objects.ids_ranked_under(g.P1)
    assert {g.P1.pk, g.C1.pk, g.C2.pk, g.U1.pk} <= set(ids) and g.C3.pk not in ids
    for qs in (
        explain.item_set(snapshot, "ON_TIME", "missing").queryset,
        late.overdue_dossiers(golden.PERIOD, golden.NOW, agency=g.P1),
    ):
        sql = str(qs.query)
        assert '"receiving_agency_id" IN (' in sql and 'ranked_agency_id" =' not in sql, sql
        assert qs.exists()


def test_with_workers_the_public_page_never_compiles_the_country_itself(g, client, monkeypatch):
    """An anonymous visitor on a cache miss does not wait for the country's overdue dossiers: the page
    says the list is being compiled and the worker is asked (once) to compile it."""
    from core import outbox
    from core.models import OutboxTask

    compute.recompute(golden.PERIOD, now=golden.NOW)
    monkeypatch.setattr(outbox, "eager", lambda: False)
    url = reverse("indicators:public-results")
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url, {"period": golden.PERIOD, "level": "province"}, **english)
    assert page.context["late_preparing"] and not page.context["late_rows"]
    assert "The list is being compiled" in page.content.decode()
    assert dossier_queries(captured) == 0
    client.get(url, {"period": golden.PERIOD, "level": "ministry"})
    assert OutboxTask.objects.filter(task="indicators.tasks.warm_late_units").count() == 1  # debounced

    tasks.warm_late_units(golden.PERIOD)
    page = client.get(url, {"period": golden.PERIOD, "level": "province"}, **english)
    assert not page.context["late_preparing"]
    assert page.context["late_rows"] == late.public_late_units(golden.PERIOD, "province")
    assert "The list is being compiled" not in page.content.decode()
