"""Workers: delivery settings and time limits consistent with the broker's visibility timeout, and
long work split into per-province / per-level tasks that give the same result as one call."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import transaction

from config.celery import app

app.loader.import_default_modules()
TASKS = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def limits(task) -> tuple[int, int]:
    """The (soft, hard) limits a worker applies to the task: its own (annotations) or the defaults."""
    return (
        task.soft_time_limit or app.conf.task_soft_time_limit,
        task.time_limit or app.conf.task_time_limit,
    )


def test_every_task_ends_before_the_broker_would_deliver_it_again():
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert (
        visibility == settings.TTHC_VISIBILITY_TIMEOUT <= 30 * 60
    )  # a killed worker's task returns within minutes
    assert len(TASKS) >= 10
    for name, task in TASKS.items():
        soft, hard = limits(task)
        assert 0 < soft < hard < visibility, name
        if getattr(
            task, "retry_backoff", False
        ):  # autoretry's countdown is capped by retry_backoff_max (Celery's default 600)
            assert getattr(task, "retry_backoff_max", 600) <= settings.TTHC_TASK_MAX_COUNTDOWN, name
    assert settings.TTHC_TASK_MAX_COUNTDOWN < visibility
    assert settings.INDICATOR_RECOMPUTE_DELAY <= settings.TTHC_TASK_MAX_COUNTDOWN


def test_delivery_is_late_acknowledged_one_at_a_time():
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1
    assert all(task.acks_late for task in TASKS.values())


def test_long_tasks_have_the_long_limits_and_the_rest_the_short_ones():
    long_soft, long_hard = settings.TTHC_TASK_TIME_LIMITS["long"]
    assert set(settings.TTHC_LONG_TASKS) <= set(TASKS)  # a renamed task would silently lose its limits
    for name, task in TASKS.items():
        expected = settings.TTHC_TASK_TIME_LIMITS["long" if name in settings.TTHC_LONG_TASKS else "short"]
        assert limits(task) == expected, name
    assert long_hard <= 15 * 60  # minutes, not an hour


@pytest.mark.parametrize(
    "env, message",
    [
        ({"TTHC_TASK_TIME_LIMITS": "long:600:1200"}, "task time limits 'long'"),
        ({"CELERY_VISIBILITY_TIMEOUT": "600"}, "task time limits 'long'"),
        ({"TTHC_TASK_MAX_COUNTDOWN": "900"}, "TTHC_TASK_MAX_COUNTDOWN must be below"),
        ({"INDICATOR_RECOMPUTE_DELAY": "1200"}, "INDICATOR_RECOMPUTE_DELAY must not exceed"),
    ],
)
def test_inconsistent_limits_refuse_to_start(env, message):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and message in result.stderr


# --- the fan-outs give the result of one call ------------------------------------------------------


def _runs_and_gaps(period):
    from reconciliation.models import Gap, ReconciliationRun

    runs = sorted(
        ReconciliationRun.objects.filter(period=period).values_list(
            "province__code",
            "source__code",
            "dossiers",
            "portal_dossiers",
            "gap_dossiers",
            "gap_counts",
            "reported_count",
            "points_at_stake",
        )
    )
    gaps = sorted(
        Gap.objects.filter(run__period=period).values_list(
            "run__province__code",
            "run__source__code",
            "kind",
            "dossier_code",
            "procedure_code",
            "agency_code",
            "source_value",
            "portal_value",
            "detail",
        )
    )
    return runs, gaps


@pytest.mark.django_db
def test_reconciling_a_month_province_by_province_matches_one_call():
    from reconciliation import tasks
    from reconciliation.models import ReconciliationRun
    from reconciliation.services.reconcile import reconcile_period
    from tests.reconciliation import reconcile_dataset as data

    data.build()
    reconcile_period(data.PERIOD)  # the service, all provinces in one call (the command's path)
    expected = _runs_and_gaps(data.PERIOD)
    ReconciliationRun.objects.all().delete()

    queued = tasks.reconcile_period.delay(data.PERIOD).get()  # eager: each province's task runs at once
    assert queued["period"] == data.PERIOD and {"01", "48"} <= set(queued["provinces"])
    assert _runs_and_gaps(data.PERIOD) == expected and expected[1]
    ids = sorted(ReconciliationRun.objects.values_list("pk", flat=True))
    tasks.reconcile_period.delay(data.PERIOD).get()  # redelivered: the same runs, replaced
    assert _runs_and_gaps(data.PERIOD) == expected
    assert sorted(ReconciliationRun.objects.values_list("pk", flat=True)) == ids


def _snapshots():
    from indicators.models import ComponentValue, IndicatorSnapshot

    snaps = sorted(
        IndicatorSnapshot.objects.values_list(
            "agency__code",
            "period",
            "period_kind",
            "methodology",
            "level",
            "as_of",
            "final",
            "total",
            "band",
            "rank",
            "peers",
            "groups",
            "previous_total",
            "change",
        ),
        key=repr,
    )
    values = sorted(
        ComponentValue.objects.values_list(
            "snapshot__agency__code",
            "snapshot__period",
            "code",
            "group",
            "numerator",
            "denominator",
            "ratio",
            "points",
            "max_points",
            "details",
        ),
        key=repr,
    )
    return snaps, values


@pytest.mark.django_db
def test_recomputing_level_by_level_matches_one_computation():
    from indicators import tasks
    from indicators.models import IndicatorSnapshot
    from indicators.services import compute
    from tests.indicators import golden

    golden.build()
    periods = [
        "2026-03",
        "2026-02",
        "2026-Q1",
    ]  # March before February: February's run updates March's change
    for period in periods:
        compute.recompute(period)  # both levels in one computation (the command's path)
    expected = _snapshots()
    IndicatorSnapshot.objects.all().delete()

    for period in periods:
        assert tasks.recompute_period(period, release=False)["levels"] == list(compute.LEVELS)
    assert _snapshots() == expected
    assert {row[4] for row in expected[0]} == {"province", "ministry"} and any(
        row[13] is not None for row in expected[0]
    )
    ids = sorted(IndicatorSnapshot.objects.values_list("pk", flat=True))
    tasks.recompute_period("2026-03", release=False)  # again: same rows, same ids
    assert _snapshots() == expected
    assert sorted(IndicatorSnapshot.objects.values_list("pk", flat=True)) == ids


@pytest.mark.django_db
def test_a_level_task_leaves_the_other_level_alone():
    from indicators import tasks
    from indicators.models import IndicatorSnapshot
    from tests.indicators import golden

    golden.build()
    tasks.recompute_level("2026-03", "ministry")
    assert set(IndicatorSnapshot.objects.values_list("level", flat=True)) == {"ministry"}
    tasks.recompute_level("2026-03", "province")
    before = _snapshots()
    tasks.recompute_level("2026-03", "ministry")
    assert _snapshots() == before
    assert set(IndicatorSnapshot.objects.values_list("level", flat=True)) == {"ministry", "province"}


@pytest.mark.django_db
def test_preparing_requests_province_by_province_matches_one_call(settings, tmp_path):
    from complaints import tasks
    from complaints.models import SyncGapRequest
    from complaints.services.preparation import prepare_requests
    from tests.complaints.helpers import build_world, make_run

    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    make_run(world, period="2026-08")
    make_run(world, period="2026-08", province=world.a["48"], source=world.health_system)

    def drafts():
        return sorted(
            SyncGapRequest.objects.values_list(
                "province__code", "ministry__code", "period", "state", "gap_total", "subject"
            )
        )

    savepoint = transaction.savepoint()
    prepare_requests("2026-08")  # all provinces in one call (the command's path), then rolled back
    expected = drafts()
    transaction.savepoint_rollback(savepoint)
    assert len(expected) == 2 and not drafts()
    assert tasks.prepare_requests.delay("2026-08").get() == {"period": "2026-08", "provinces": ["01", "48"]}
    assert drafts() == expected
    tasks.prepare_requests.delay("2026-08").get()
    assert drafts() == expected  # idempotent
