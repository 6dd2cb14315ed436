"""Browser journeys: Playwright for Python driving Debian's /usr/bin/chromium (never a downloaded
browser: no ``playwright install``), against pytest-django's live server.

Without chromium the journeys are skipped, unless ``TTHC_REQUIRE_BROWSER=1`` (``.ci/run`` sets it,
after installing chromium with apt-get): then they fail. Screenshots go to ``var/e2e/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The live server runs in a thread beside Playwright's event loop; Django refuses synchronous ORM
# calls from a thread with a running loop unless told it is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("TTHC_CHROMIUM", "/usr/bin/chromium")
ARTEFACTS = Path(__file__).resolve().parents[2] / "var" / "e2e"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("TTHC_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(
            f"TTHC_REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install chromium)"
        )
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt-get install chromium); CI installs it")
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium, headless, no sandbox (containers), nothing fetched in the background."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True, "args": LAUNCH_ARGS}


@pytest.fixture(scope="session")
def artefacts() -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS
