"""Every page and endpoint that takes a period, walked with a malformed one and with none.

* ``2026-13`` (or ``garbage``) → 400: JSON naming ``period`` in the API; on a page, the period form
  with the value and its error — never a 404 or a 500.
* no period → the last closed month (``Period.last_closed()``), shown on the page or in the answer;
  the live dashboard follows the month in progress and says so; list filters list every month.

A new URL with a ``<period:…>`` converter, or a new API list with a ``period`` filter, must be added
to ``CASES`` (the last test fails otherwise).
"""

from __future__ import annotations

from io import StringIO
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from core import formatting
from tests.accounts.helpers import make_user
from tests.security import world
from tthc.periods import Period

pytestmark = pytest.mark.django_db

MONTH = "month"  # a month view: no period → the last closed month
LIVE = "live"  # a live page: no period → the month in progress, labelled
FILTER = "filter"  # a list filter: no period → every month
PATH = "path"  # the period is part of the path
BODY = "body"  # the period is in a request body

#: (URL name, address — ``{p}`` for a period in the path —, kind, who asks)
CASES = [
    ("reconciliation:matrix", "/reconciliation/matrix/", MONTH, "officer"),
    ("reconciliation:gaps", "/reconciliation/gaps/", FILTER, "officer"),
    ("reconciliation:gaps-export", "/reconciliation/gaps/export.csv", FILTER, "officer"),
    ("complaints:list", "/requests/", FILTER, "officer"),
    ("complaints:review", "/requests/review/", MONTH, "officer"),
    ("complaints:supervision", "/requests/supervision/", FILTER, "national"),
    ("indicators:rankings", "/indicators/rankings/", MONTH, "officer"),
    ("indicators:public-results", "/public/results/", MONTH, "anonymous"),
    ("indicators:late", "/indicators/late/", MONTH, "officer"),
    ("indicators:dashboard", "/indicators/01/", LIVE, "officer"),
    ("indicators:component", "/indicators/01/{p}/ON_TIME/", PATH, "officer"),
    ("indicators-api:scores", "/api/v1/indicators/", MONTH, "officer"),
    ("indicators-api:rankings", "/api/v1/indicators/rankings/", MONTH, "officer"),
    ("indicators-api:late-units", "/api/v1/indicators/late-units/", MONTH, "officer"),
    ("indicators-api:component", "/api/v1/indicators/01/{p}/components/ON_TIME/", PATH, "officer"),
    (
        "indicators-api:component-groups",
        "/api/v1/indicators/01/{p}/components/ON_TIME/by-unit/",
        PATH,
        "officer",
    ),
    ("reconciliation-api:run-list", "/api/v1/reconciliation/runs/", FILTER, "officer"),
    ("reconciliation-api:gap-list", "/api/v1/reconciliation/gaps/", FILTER, "officer"),
    ("complaints-api:request-list", "/api/v1/requests/", FILTER, "officer"),
    ("complaints-api:request-list", "/api/v1/requests/", BODY, "officer"),
]
IDS = [f"{kind} {url}" for _name, url, kind, _who in CASES]


@pytest.fixture
def w():
    w = world.build()
    w.national = make_user("periods-national", is_superuser=True)
    type(w.case).objects.filter(pk=w.case.pk).update(state="submitted")  # listed among the open requests
    return w


def client_for(w, who: str) -> Client:
    client = Client(raise_request_exception=False)
    if who != "anonymous":
        client.force_login(w.officer if who == "officer" else w.national)
    return client


def is_api(url: str) -> bool:
    return url.startswith("/api/")


def assert_refused(response, url: str, value: str) -> None:
    assert response.status_code == 400, (url, response.status_code)
    if is_api(url):
        assert "period" in response.json(), response.json()
        return
    html = response.content.decode()
    assert 'class="errorlist"' in html and value in html, html[-1500:]


@pytest.mark.parametrize(("name", "url", "kind", "who"), CASES, ids=IDS)
@pytest.mark.parametrize("value", ["2026-13", "garbage", "99%s%d"])
def test_a_malformed_period_is_a_400_that_says_why(w, name, url, kind, who, value):
    client = client_for(w, who)
    if kind == BODY:
        response = client.post(
            url, {"province": "01", "system": "HOTICH", "period": value}, content_type="application/json"
        )
        assert_refused(response, url, value)
        return
    if kind == PATH:
        assert client.get(url.format(p=w.period)).status_code == 200, url  # the route itself works
        response = client.get(url.format(p=quote(value)))
        assert_refused(response, url, value)
        return
    response = client.get(url, {"period": value})
    assert_refused(response, url, value)
    if not is_api(url):  # the form keeps the other parameters, so fixing the period is one step
        response = client.get(url, {"period": value, "level": "province"})
        assert 'name="level" value="province"' in response.content.decode()


@pytest.mark.parametrize(
    ("name", "url", "kind", "who"),
    [c for c in CASES if c[2] == PATH],
    ids=[i for c, i in zip(CASES, IDS, strict=True) if c[2] == PATH],
)
def test_a_malformed_period_in_a_path_is_a_400_with_debug_on(w, settings, name, url, kind, who):
    """With DEBUG on (``make run``), Django's technical page would resolve the path again and fail."""
    settings.DEBUG = True
    response = client_for(w, who).get(url.format(p="0"))
    assert_refused(response, url, "0")


@pytest.mark.parametrize(
    ("name", "url", "kind", "who"),
    [c for c in CASES if c[2] in (MONTH, LIVE, FILTER, BODY)],
    ids=[i for c, i in zip(CASES, IDS, strict=True) if c[2] in (MONTH, LIVE, FILTER, BODY)],
)
def test_without_a_period(w, name, url, kind, who):
    client = client_for(w, who)
    last_closed, current = Period.last_closed(), Period.current()
    if kind == BODY:  # filing a request names its month
        response = client.post(url, {"province": "01", "system": "HOTICH"}, content_type="application/json")
        assert response.status_code == 400 and "period" in response.json()
        return
    if kind == LIVE:
        from indicators.services import compute

        compute.recompute(current)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if is_api(url):
        body = response.json()
        if kind == MONTH:
            assert body["period"] == str(last_closed)
        else:  # every month: the world's run, gap or request of March 2026 is listed
            assert any(row.get("period") == w.period for row in body["results"]), body
        return
    html = "" if response.streaming else response.content.decode()
    if kind == MONTH:
        shown = (str(last_closed), formatting.month(last_closed))  # in a picker's value, or as people read it
        assert response.context["period"] == last_closed and any(form in html for form in shown)
    elif kind == LIVE:
        assert response.context["period"] == current and str(current) in html and "live-label" in html
    elif url.endswith(".csv"):
        assert w.period in b"".join(response.streaming_content).decode()
    else:
        assert w.period in html or f"KN-{w.period}" in html, html[-2000:]


def test_the_early_warning_is_live(w):
    from indicators.services import compute

    compute.recompute(Period.current())
    body = client_for(w, "officer").get("/api/v1/indicators/01/early-warning/").json()
    assert body["period"] == str(Period.current())


@pytest.mark.parametrize(
    ("command", "extra"), [("reconcile", []), ("compute_indicators", []), ("prepare_requests", [])]
)
def test_commands_refuse_a_malformed_period(command, extra):
    with pytest.raises(CommandError, match="2026-13"):
        call_command(command, "--period", "2026-13", *extra, stdout=StringIO())


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern), entry.callback


def test_every_url_taking_a_period_is_walked():
    walked = {name for name, *_ in CASES}
    missing = []
    for name, route, callback in _walk(get_resolver().url_patterns):
        filterset = getattr(getattr(callback, "cls", None), "filterset_class", None)
        is_list = "list" in (getattr(callback, "actions", None) or {}).values()  # DRF filters lists only
        if "<period:" in route or (is_list and filterset is not None and "period" in filterset.base_filters):
            if name not in walked:
                missing.append(f"{name} ({route})")
    assert not missing, "Add to CASES: " + ", ".join(missing)
