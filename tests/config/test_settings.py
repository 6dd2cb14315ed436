"""The embedded default vs production switch, and Celery through a real broker."""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone


def test_time_language_and_user_model():
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh" and settings.USE_TZ
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]
    assert settings.AUTH_USER_MODEL == "accounts.User"


def test_database_and_broker_follow_the_environment():
    engine = settings.DATABASES["default"]["ENGINE"]
    if settings.IS_POSTGRES:
        import psycopg  # noqa: F401  - psycopg 3 is the driver

        assert engine == "django.db.backends.postgresql"
    else:
        assert engine == "django.db.backends.sqlite3"
    if settings.REDIS_URL:
        assert settings.CELERY_BROKER_URL.startswith("redis://")
        assert not settings.CELERY_TASK_ALWAYS_EAGER
    else:
        assert settings.CELERY_TASK_ALWAYS_EAGER
    assert "clear-expired-sessions" in settings.CELERY_BEAT_SCHEDULE


@pytest.mark.django_db
def test_clear_expired_sessions_task_eager():
    from accounts.tasks import clear_expired_sessions

    store = SessionStore()
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timezone.timedelta(days=1)
    )
    assert clear_expired_sessions.delay().get() == 1
    assert not Session.objects.filter(session_key=store.session_key).exists()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_task_runs_on_a_real_worker_through_redis():
    from celery.contrib.testing.worker import start_worker

    from accounts.tasks import clear_expired_sessions
    from config.celery import app

    app.conf.task_always_eager = False
    store = SessionStore()
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timezone.timedelta(days=1)
    )
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = clear_expired_sessions.delay()
        assert result.get(timeout=20) == 1
    assert not Session.objects.filter(session_key=store.session_key).exists()
