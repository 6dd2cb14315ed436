"""The load test warms up every read its Locust users make (bench/loadtest.py, bench/locustfile.py).

A read left out of the warm-up is measured cold in each gunicorn worker (imports, templates,
per-process caches): the tails of a 60-second run then say more about process start-up than load.
"""

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _route(path: str) -> str:
    """A path without its query, with its f-string fields (or the fixture's values) as ``{}``."""
    path = path.split("?", 1)[0]
    path = re.sub(r"\{[^}]*\}|PROVINCE|CODE", "{}", path)
    return re.sub(r"/\{\}$", "/", path)  # "/api/v1/dossiers/{query}": the list with a query


def test_every_locust_read_is_warmed_up():
    source = (ROOT / "bench" / "locustfile.py").read_text(encoding="utf-8")
    reads = {_route(p) for p in re.findall(r'self\._(?:api|page)\(\s*f?"([^"]+)"', source)}
    assert len(reads) >= 9, reads  # the pattern still finds the Locust tasks
    fixture = {
        "month": "2026-11",
        "province": "PROVINCE",
        "officer": {"dossier_codes": ["CODE"]},
        "admin": {"dossier_codes": ["CODE"]},
    }
    warmed = {_route(path) for _, path in _load("loadtest").warm_up_paths(fixture)}
    assert reads <= warmed, sorted(reads - warmed)
