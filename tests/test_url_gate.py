"""Walk the URL configuration: no URL is open to anonymous users and none escapes the matrix.

A new URL must either be public (its name in PUBLIC_URL_NAMES here, or ``public(...)`` in an app's
tests/<app>/matrix.py, reviewed) or be exercised by the permission matrix (``@covers(...)`` or
``ADMIN_SPECS``). Otherwise this test fails.
"""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

from accounts.models import Role
from tests.accounts.helpers import build_tree, make_user
from tests.test_permission_matrix import ADMIN_SPECS, COVERED_URL_NAMES
from tests.test_permission_matrix import PUBLIC_URL_NAMES as APP_PUBLIC_URL_NAMES

#: Public on purpose: logging in and recovering a password, the language switch, the API schema.
#: Later features add their public pages (e.g. the 766 index's public ranking) here.
PUBLIC_URL_NAMES = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "api-schema",
    "api-docs",
    "api-redoc",
    "admin:login",
    "admin:logout",
} | APP_PUBLIC_URL_NAMES
#: Admin screens that are not about one model; the admin site itself requires a staff login.
ADMIN_SITE_NAMES = {
    "admin:index",
    "admin:password_change",
    "admin:password_change_done",
    "admin:autocomplete",
    "admin:jsi18n",
    "admin:view_on_site",
    "admin:app_list",
}
#: Login-only pages whose content is the user's own account (no agency data).
OWN_ACCOUNT_NAMES = {"password_change", "password_change_done"}
SAMPLE_VALUES = ["1", "accounts", "x"]
#: A sample a converter accepts (``<int:…>``, ``<period:…>``); "x" for the others.
CONVERTER_SAMPLES = {"int": "1", "period": "2026-01", "uuid": "00000000-0000-0000-0000-000000000000"}


def walk(patterns, chain=(), namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, chain + (entry.pattern,), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield name, chain + (entry.pattern,), entry


def _group_spans(regex: str):
    """(start, end, inner) of each top-level named group, with balanced parentheses."""
    i = 0
    while (start := regex.find("(?P<", i)) != -1:
        depth, j = 0, start
        while j < len(regex):
            if regex[j] == "\\":
                j += 2
                continue
            depth += {"(": 1, ")": -1}.get(regex[j], 0)
            if depth == 0:
                break
            j += 1
        inner = regex[regex.index(">", start) + 1 : j]
        yield start, j + 1, inner
        i = j + 1


def sample(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        route = str(pattern._route)
        return re.sub(r"<(?:(\w+):)?\w+>", lambda m: CONVERTER_SAMPLES.get(m.group(1), "x"), route)
    assert isinstance(pattern, RegexPattern)
    regex = pattern._regex.lstrip("^").rstrip("$")
    out, last = [], 0
    for start, end, inner in _group_spans(regex):
        out.append(regex[last:start])
        out.append(next(v for v in SAMPLE_VALUES if re.fullmatch(inner, v)))
        last = end
    out.append(regex[last:])
    return "".join(out).replace("\\", "").replace("/?", "/")


def all_urls():
    rows = []
    for name, chain, entry in walk(get_resolver().url_patterns):
        path = "/" + "".join(sample(p) for p in chain)
        rows.append((name, path, entry))
    return rows


def admin_model_names():
    names = {}
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        names[prefix] = model
    return names


def test_every_url_is_public_on_purpose_or_covered_by_the_matrix():
    admin_models = admin_model_names()
    uncovered = []
    for name, path, _entry in all_urls():
        if name is None:
            if path.startswith("/admin/"):
                continue  # the admin's legacy redirects and catch-all 404, behind its staff login
            uncovered.append(f"unnamed URL {path}: give it a name and a matrix check")
            continue
        if name in PUBLIC_URL_NAMES | ADMIN_SITE_NAMES | OWN_ACCOUNT_NAMES | COVERED_URL_NAMES:
            continue
        if name == "admin:auth_user_password_change":
            model = next(
                m for m in admin.site._registry if m._meta.model_name == "user"
            )  # UserAdmin's own name
        else:
            model = next((m for prefix, m in admin_models.items() if name.startswith(prefix)), None)
        if model is not None and (model in ADMIN_SPECS or model in superuser_only_models()):
            continue
        uncovered.append(f"{name} ({path})")
    assert not uncovered, (
        "URLs not covered by the permission matrix: "
        + ", ".join(uncovered)
        + ". In tests/<app>/matrix.py add a check with @covers('<url name>'), an ADMIN_SPECS entry for a"
        " gated admin, or public('<url name>') for a deliberately public page (see"
        " tests/test_permission_matrix.py)."
    )


def superuser_only_models():
    """Third-party admin screens left on Django's model permissions (no platform role grants them)."""
    from core.admin import GatedAdminMixin

    return {m for m, a in admin.site._registry.items() if not isinstance(a, GatedAdminMixin)}


@pytest.mark.django_db
def test_no_url_is_open_to_anonymous_users(client):
    open_urls = []
    for name, path, entry in all_urls():
        if name in PUBLIC_URL_NAMES or (name is None and not path.startswith("/admin/")):
            continue
        match = resolve(path)
        assert match.func == entry.callback or match.url_name == entry.name, (
            f"sample {path} resolves elsewhere"
        )
        response = client.get(path)
        location = response.get("Location", "")
        refused = response.status_code in (401, 403) or (
            response.status_code == 302 and ("/login/" in location)
        )
        if not refused:
            open_urls.append(f"{name} {path} → {response.status_code} {location}")
    assert not open_urls, "Reachable without logging in: " + "; ".join(open_urls)


@pytest.mark.django_db
def test_ungated_admin_screens_are_superuser_only(client):
    national = make_user("nat", Role.NATIONAL_ADMIN, build_tree().a["VPCP"])
    client.force_login(national)
    models = superuser_only_models()
    assert models, "expected Django's Group and django-axes screens"
    for model in models:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 403, url
