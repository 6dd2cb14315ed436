"""Production settings refuse to start insecure, and the README's production example passes
``check --deploy``. Settings are read once per process, so these start ``manage.py`` in a subprocess."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Variables of the developer's or CI's environment that would leak into the production check.
SCRUBBED = re.compile(r"^(DJANGO_|DATABASE_URL|REDIS_URL|EMAIL_URL|SESSION_COOKIE|CSRF_COOKIE|CELERY_|TTHC_)")


def readme_production_example() -> dict[str, str]:
    """The ``KEY=value`` lines of the README's production ``.env`` example."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Production", 1)[1]
    block = re.search(r"```ini\n(.*?)```", section, re.S).group(1)
    pairs = [line.split("=", 1) for line in block.splitlines() if line and not line.startswith("#")]
    return {key: value for key, value in pairs}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not SCRUBBED.match(k)}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def printed(result: subprocess.CompletedProcess) -> list[str]:
    """The probe's own line (``shell`` may print a line about its automatic imports first)."""
    lines = result.stdout.strip().splitlines()
    return lines[-1].split() if lines else []


def test_readme_example_is_clean_under_check_deploy():
    example = readme_production_example()
    assert (
        example["DJANGO_DEBUG"] == "false" and example["DJANGO_SECRET_KEY"] == ""
    )  # filled in by the operator
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**example, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "key", ["", *settings.DEVELOPMENT_SECRET_KEYS], ids=["missing", "development", "previous"]
)
def test_debug_off_with_no_key_or_the_development_key_refuses_to_start(key):
    env = {**readme_production_example(), "DJANGO_SECRET_KEY": key}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_DEBUG=false needs DJANGO_SECRET_KEY" in result.stderr


def test_production_defaults_are_secure():
    """Without the example's proxy header: HSTS, SSL redirect, secure cookies follow DEBUG=false."""
    probe = (
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, s.SECURE_PROXY_SSL_HEADER)"
    )
    result = manage(
        "shell", "-c", probe, env={"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    )
    assert printed(result) == ["31536000", "True", "True", "True", "True", "True", "True", "True", "None"], (
        result.stderr
    )
    overridden = manage(
        "shell",
        "-c",
        probe,
        env={
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_SECURE_HSTS_SECONDS": "600",
            "DJANGO_SECURE_HSTS_PRELOAD": "false",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
        },
    )
    assert printed(overridden)[:4] == ["600", "True", "False", "False"], overridden.stderr
    assert overridden.stdout.strip().endswith("('HTTP_X_FORWARDED_PROTO', 'https')")


def test_development_defaults_keep_make_run_working():
    """No environment: debug, the development key, plain HTTP (``make run`` and the tests rely on it)."""
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.DEBUG, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECRET_KEY == s.DEVELOPMENT_SECRET_KEYS[0])",
        env={},
    )
    assert printed(result) == ["True", "False", "0", "True"], result.stderr
