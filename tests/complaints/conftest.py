import pytest

from .helpers import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Attachments (the generated gap lists, uploads) go to a per-test directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Overrides the root fixture for this folder: these tests never write calendar overrides, so the
    process's working-day table is kept instead of being rebuilt for every test (most of their run
    time). The root fixture still invalidates it around every other app's test."""
    yield
