"""Nothing lost when Redis is down: the transactional outbox, the degrading cache, queues by kind.

The broker is simulated (``send_task`` raising what kombu raises when Redis is unreachable); the
end-to-end drill with a real Redis stopped and started is scripts/drills/redis_down.sh.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError

from config.celery import app
from core import outbox
from core.cache import ResilientRedisCache
from core.models import OutboxTask

app.loader.import_default_modules()

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(monkeypatch, settings):
    """A real (non-eager) broker whose availability the test switches; records what it was sent."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False  # restored by the autouse _eager_celery fixture
    state = {"up": True, "sent": []}
    monkeypatch.setattr(outbox, "_BROKER_DOWN_UNTIL", 0.0)

    def send_task(name, args=None, kwargs=None, **options):
        if not state["up"]:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        state["sent"].append((name, list(args or []), dict(kwargs or {}), options))

    monkeypatch.setattr(app, "send_task", send_task)
    return state


def test_a_task_is_sent_on_commit_and_its_row_deleted(broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            outbox.enqueue(
                "indicators.tasks.recompute_period", args=["2026-11"], kwargs={"release": True}, countdown=5
            )
            assert OutboxTask.objects.count() == 1 and broker["sent"] == []  # not before the commit
    assert broker["sent"] == [
        (
            "indicators.tasks.recompute_period",
            ["2026-11"],
            {"release": True},
            {"retry": False, "ignore_result": True, "countdown": 5},
        )
    ]
    assert not OutboxTask.objects.exists()


def test_a_rolled_back_change_records_and_sends_nothing(broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            outbox.enqueue("indicators.tasks.recompute_period", args=["2026-11"])
            raise RuntimeError("boom")
    assert not OutboxTask.objects.exists() and broker["sent"] == []


def test_redis_down_keeps_the_task_and_the_relay_sends_it_when_redis_returns(
    broker, django_capture_on_commit_callbacks
):
    broker["up"] = False
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue_many("complaints.tasks.send_notification_email", [[1], [2]])
        outbox.enqueue("indicators.tasks.recompute_period", args=["2026-11"])
    rows = list(OutboxTask.objects.order_by("pk"))
    # The first send failed; the process then leaves rows to the relay for a while instead of paying
    # a refused connection on every commit.
    assert [(r.task, r.args, r.attempts) for r in rows] == [
        ("complaints.tasks.send_notification_email", [1], 1),
        ("complaints.tasks.send_notification_email", [2], 0),
        ("indicators.tasks.recompute_period", ["2026-11"], 0),
    ]
    assert "Connection refused" in rows[0].last_error
    assert outbox.relay(min_age_seconds=0) == {"sent": 0, "pending": 3}  # still down: stops at once
    broker["up"] = True
    assert outbox.relay(min_age_seconds=0) == {"sent": 3, "pending": 0}
    assert [name for name, *_ in broker["sent"]] == [r.task for r in rows]  # oldest first
    assert outbox.relay(min_age_seconds=0) == {"sent": 0, "pending": 0}  # idempotent


def test_the_relay_leaves_fresh_rows_to_their_commit_hook(broker):
    OutboxTask.objects.create(task="indicators.tasks.recompute_period", args=["2026-11"])
    assert outbox.relay() == {"sent": 0, "pending": 1}  # younger than TTHC_OUTBOX_RELAY_MIN_AGE
    assert outbox.relay(min_age_seconds=0)["sent"] == 1


def test_send_now_records_what_the_broker_refuses(broker, monkeypatch):
    broker["up"] = False
    assert outbox.send_now("accounts.tasks.send_password_reset", args=["a@example.vn"]) is False
    assert OutboxTask.objects.get().args == ["a@example.vn"]
    broker["up"] = True
    assert outbox.send_now("accounts.tasks.send_password_reset", args=["b@example.vn"]) is False  # resting
    assert OutboxTask.objects.count() == 2
    assert outbox.relay(min_age_seconds=0) == {"sent": 2, "pending": 0}  # the relay does not rest
    monkeypatch.setattr(outbox, "_BROKER_DOWN_UNTIL", 0.0)
    assert outbox.send_now("accounts.tasks.send_password_reset", args=["c@example.vn"]) is True


def test_relay_command_and_beat_entry(broker, capsys):
    from django.core.management import call_command

    OutboxTask.objects.create(task="indicators.tasks.recompute_period", args=["2026-11"])
    call_command("relay_outbox")
    assert '"sent": 1' in capsys.readouterr().out
    entry = settings.CELERY_BEAT_SCHEDULE["relay-outbox"]
    assert entry["task"] == "core.tasks.relay_outbox" and entry["task"] in app.tasks
    assert entry["schedule"] * 2 < settings.TTHC_VISIBILITY_TIMEOUT


def test_eager_celery_runs_the_task_on_commit(django_capture_on_commit_callbacks, monkeypatch):
    ran = []
    monkeypatch.setattr(app.tasks["core.tasks.relay_outbox"], "run", lambda: ran.append(1) or {})
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue("core.tasks.relay_outbox")
    assert ran == [1] and not OutboxTask.objects.exists()


def test_every_task_has_a_queue_of_its_kind():
    router = app.amqp.router
    queues = {}
    for name in app.tasks:
        if name.startswith("celery."):
            continue
        route = router.route({}, name)
        queues[name] = route["queue"].name
    assert set(queues.values()) <= set(settings.TTHC_TASK_QUEUES)
    assert queues["reconciliation.tasks.reconcile_province"] == "reconciliation"
    assert queues["indicators.tasks.recompute_level"] == "indicators"
    assert queues["complaints.tasks.send_notification_email"] == "notifications"
    assert queues["accounts.tasks.send_password_reset"] == "notifications"
    assert queues["core.tasks.relay_outbox"] == "default"


def test_the_cache_degrades_to_misses_while_redis_is_unreachable():
    cache = ResilientRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    assert cache.get("k", "fallback") == "fallback"
    assert cache.get("k") is None
    assert cache.add("debounce", 1, 5) is True  # the caller goes ahead (and records its task)
    assert cache.set("k", 1) is None and cache.delete("k") is False and cache.get_many(["a"]) == {}
