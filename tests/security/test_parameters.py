"""Query parameters that reach a lookup are checked first: a value the column cannot hold is a 400
naming the parameter (JSON in the API, the plain error page on the site), never a server error —
whatever the database (PostgreSQL refuses NUL in text; an integer column refuses ``abc``).

These run without ``RejectNulMiddleware``, which would answer every NUL before the parsers see it."""

from __future__ import annotations

import pytest
from django.test import Client

from indicators.services import compute
from tthc.periods import Period

from . import world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _parsers_alone(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "core.middleware.RejectNulMiddleware"]


@pytest.fixture
def w():
    return world.build()


@pytest.fixture
def client(w):
    client = Client(raise_request_exception=False)
    client.force_login(w.officer)
    return client


@pytest.mark.parametrize(
    "name, value",
    [
        ("status", "abc"),
        ("channel", "x"),
        ("status", "\x00"),
        ("procedure", "\x00"),
        ("agency", "\x00"),
        ("code", "a\x00"),
    ],
)
def test_drill_down_filters(client, w, name, value):
    for url in (
        f"/api/v1/indicators/01/{w.period}/components/ON_TIME/",
        f"/indicators/01/{w.period}/ON_TIME/",
    ):
        response = client.get(url, {name: value})
        assert response.status_code == 400, (url, name, value, response.status_code)
        if url.startswith("/api/"):
            assert name in response.json()


def test_drill_down_filters_still_filter(client, w):
    url = f"/api/v1/indicators/01/{w.period}/components/ON_TIME/"
    everything = client.get(url, {"set": "denominator"}).json()["count"]
    returned = client.get(url, {"set": "denominator", "status": "10"}).json()
    assert 0 < returned["count"] < everything and {r["status"] for r in returned["results"]} == {10}
    assert client.get(url, {"set": "denominator", "agency": "NO-SUCH"}).json()["count"] == 0


@pytest.mark.parametrize(
    "url, name",
    [
        ("/api/v1/indicators/", "agency"),
        ("/api/v1/indicators/", "level"),
        ("/api/v1/indicators/rankings/", "level"),
        ("/api/v1/indicators/late-units/", "agency"),
        ("/indicators/late/", "agency"),
        ("/reconciliation/gaps/", "province"),
        ("/reconciliation/gaps/", "source"),
        ("/reconciliation/gaps/export.csv", "province"),
    ],
)
def test_codes_and_choices(client, url, name):
    response = client.get(url, {name: "x\x00"})
    assert response.status_code == 400, response.status_code
    if url.startswith("/api/"):
        assert name in response.json()
    if name == "level":
        assert client.get(url, {name: "galaxy"}).status_code == 400


def test_early_warning_days_are_bounded(client, w):
    compute.recompute(Period.current())
    url = "/api/v1/indicators/01/early-warning/"
    assert client.get(url, {"days": "5"}).status_code == 200
    for days in ("100000000", "-1", "x"):
        assert client.get(url, {"days": days}).status_code == 400, days


def test_an_admin_add_form_ignores_initial_values_its_fields_cannot_hold(w):
    from accounts.models import Role
    from tests.accounts.helpers import make_user

    client = Client(raise_request_exception=False)
    client.force_login(make_user("sec-national", Role.NATIONAL_ADMIN, w.P1))
    for query in ("receiving_agency=abc", "procedure=x%00", "receiving_agency=" + str(w.C1.pk)):
        response = client.get("/admin/tthc/dossier/add/?" + query)
        assert response.status_code == 200, (query, response.status_code)
