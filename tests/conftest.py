import pytest

from tthc import calendar


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Calendar overrides written by a test are rolled back with it: forget the cached table."""
    calendar.invalidate()
    yield
    calendar.invalidate()
