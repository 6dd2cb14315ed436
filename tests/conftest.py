import os

import pytest
from django.conf import settings

from tthc import calendar

REQUIRE_SERVICES = os.environ.get("TTHC_REQUIRE_SERVICES") == "1"


def pytest_collection_modifyitems(config, items):
    """Service-bound tests run when their service is configured.

    On the SQLite pass ``postgres``/``redis`` tests are skipped with a reason (they run in CI's
    PostgreSQL + Redis pass). With TTHC_REQUIRE_SERVICES=1 (that pass) a missing service is an
    error, never a silent skip.
    """
    has_pg = settings.IS_POSTGRES
    has_redis = bool(settings.REDIS_URL)
    if REQUIRE_SERVICES and not (has_pg and has_redis):
        raise pytest.UsageError("TTHC_REQUIRE_SERVICES=1 but DATABASE_URL/REDIS_URL are not PostgreSQL/Redis")
    for item in items:
        if "postgres" in item.keywords and not has_pg:
            item.add_marker(
                pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL); runs in CI's PostgreSQL pass")
            )
        if "redis" in item.keywords and not has_redis:
            item.add_marker(pytest.mark.skip(reason="needs Redis (REDIS_URL); runs in CI's Redis pass"))


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Service-level messages are asserted in English (the msgids); pages are requested with the
    site's default language (Vietnamese) unless a test asks otherwise."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Calendar overrides written by a test are rolled back with it: forget the cached table."""
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture(autouse=True)
def _private_cache(request, settings):
    """Each test gets an empty in-process cache (tests run in parallel workers and twice in CI; a
    shared Redis would leak debounce keys between them). ``redis`` tests keep the configured one."""
    if "redis" not in request.keywords:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": request.node.nodeid,
            }
        }
    yield


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    """Tests run tasks in-process; the ``redis`` tests start a real worker against the broker."""
    from config.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture(autouse=True)
def _exact_counts(settings):
    """Lists are counted (capped) in tests: the planner's estimates of a test's tiny, never-analysed
    tables mean nothing. ``tests/accounts/test_pagination_estimates.py`` tests the estimates."""
    settings.API_COUNT_ESTIMATE_ABOVE = 0
