"""Content-Security-Policy: the header is sent, and no page needs inline CSS or script to work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

# Inline code the policy blocks: <style> blocks, <script> without src, style="…" and on…="…" attributes.
INLINE = re.compile(r"<style\b|<script(?![^>]*\bsrc=)[^>]*>|<[a-z][^<>]*\s(?:style|on[a-z]+)=", re.I)


def policy(response) -> dict[str, list[str]]:
    parts = (p.strip().split() for p in response["Content-Security-Policy"].split(";") if p.strip())
    return {name: sources for name, *sources in parts}


def test_pages_carry_a_strict_policy(client):
    csp = policy(client.get("/accounts/login/"))
    for directive in ("script-src", "style-src", "default-src", "connect-src"):
        assert csp[directive] == ["'self'"], directive
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in " ".join(sum(csp.values(), []))


@pytest.mark.parametrize(
    "template",
    sorted(
        str(p.relative_to(settings.BASE_DIR)) for p in (Path(settings.BASE_DIR) / "templates").rglob("*.html")
    ),
)
def test_templates_have_no_inline_css_or_script(template):
    text = (Path(settings.BASE_DIR) / template).read_text(encoding="utf-8")
    assert not INLINE.search(text), f"{template}: inline CSS/JS is blocked by the policy; use static/tthc/"


def test_login_page_renders_without_inline_code(client):
    html = client.get("/accounts/login/").content.decode()
    assert not INLINE.search(html)
    assert "tthc/site.css" in html and "tthc/site.js" in html


def test_swagger_ui_loads_from_own_static_files(admin_client):
    page = admin_client.get("/api/v1/docs/")
    html = page.content.decode()
    assert page.status_code == 200 and not INLINE.search(html)
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert any(
        s.startswith("/static/drf_spectacular_sidecar/") and s.endswith("swagger-ui-bundle.js")
        for s in scripts
    )
    assert not any(s.startswith(("http:", "https:", "//")) for s in scripts)  # no CDN
    init = admin_client.get(scripts[-1])
    assert init.status_code == 200 and init["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in init.content.decode() and "/api/v1/schema/" in init.content.decode()


def test_redoc_loads_from_own_static_files(admin_client):
    page = admin_client.get("/api/v1/redoc/")
    html = page.content.decode()
    assert page.status_code == 200 and "fonts.googleapis" not in html and "<script>" not in html
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts and all(s.startswith("/static/drf_spectacular_sidecar/redoc/") for s in scripts)
