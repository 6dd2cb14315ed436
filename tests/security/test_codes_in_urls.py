"""Any code in a URL: dossier codes (``MaHoSo``) with ``/``, spaces, ``%``, ``?``, ``#`` or Unicode
and agency codes with all of those but ``/`` (a database constraint) work on every route that
carries them — the gap list's links to the dossier page, the dossier page, the API's detail routes
and the index pages — while the plain URLs that worked before keep working.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from indicators.services import compute
from reconciliation.models import SourceDossier
from tests.accounts.helpers import make_user
from tests.factories import DossierFactory, province
from tests.indicators import golden
from tthc.periods import Period

from . import world

pytestmark = pytest.mark.django_db

ODD_DOSSIER_CODES = [
    "HN/2026/000123",
    "000.00.20.H26-260403-0001/KQ",
    "a/b/c/",
    "HN 2026 001",
    "100%-HN",
    "HN?x=1&y=2",
    "HN#frag",
    "HỒ-SƠ-Đà-Nẵng-01",
    "%2F%00-literal",
]
ODD_AGENCY_CODE = "Đà Nẵng 48 #?%"


@pytest.fixture
def w():
    g = world.build(gap_codes=tuple(ODD_DOSSIER_CODES))
    for code in ODD_DOSSIER_CODES:
        d = DossierFactory(
            code=code,
            procedure=g.A,
            receiving_agency=g.C1,
            received_at=golden.vn(3, 2),
            due_at=golden.vn(3, 4, 17),
        )
        SourceDossier.objects.create(
            source=g.system,
            code=code,
            dossier=d,
            agency=g.C1,
            procedure=g.A,
            status=d.status,
            received_at=d.received_at,
            due_at=d.due_at,
            event_at=d.received_at,
            synced_at=d.received_at,
            digest="x",
        )
    return g


def officer(w) -> Client:
    client = Client()
    client.force_login(w.officer)
    return client


def test_the_gap_list_renders_and_links_every_odd_dossier_code_to_its_page(w):
    client = officer(w)
    page = client.get("/reconciliation/gaps/", {"period": w.period, "province": "01", "source": "HOTICH"})
    assert page.status_code == 200
    html = page.content.decode()
    for code in ODD_DOSSIER_CODES:
        link = reverse("reconciliation:dossier", args=[code])
        assert f'href="{link}"' in html.replace("&amp;", "&"), code
        assert not any(c in link for c in " ?#"), link  # spaces, ? and # are percent-encoded
        dossier_page = client.get(link)
        assert dossier_page.status_code == 200, code
        assert dossier_page.context["code"] == code
        assert dossier_page.context["comparison"].platform.code == code


def test_the_dossier_page_with_slashes_encoded_by_the_client(w):
    client = officer(w)
    response = client.get("/reconciliation/dossiers/" + quote("HN/2026/000123", safe="") + "/")
    assert response.status_code == 200 and response.context["code"] == "HN/2026/000123"


def test_the_api_dossier_detail_takes_any_code(w):
    client = officer(w)
    for code in ODD_DOSSIER_CODES:
        for url in (
            reverse("tthc-api:dossier-detail", kwargs={"code": code}),
            "/api/v1/dossiers/" + quote(code, safe="") + "/",
        ):  # what an OpenAPI client sends
            response = client.get(url)
            assert response.status_code == 200, (code, url, response.status_code)
            assert response.json()["code"] == code


def test_plain_codes_keep_their_urls(w):
    client = officer(w)
    assert reverse("reconciliation:dossier", args=["d1"]) == "/reconciliation/dossiers/d1/"
    assert reverse("tthc-api:dossier-detail", kwargs={"code": "d1"}) == "/api/v1/dossiers/d1/"
    assert reverse("tthc-api:agency-detail", kwargs={"code": "01"}) == "/api/v1/agencies/01/"
    assert reverse("indicators:dashboard", args=["01"]) == "/indicators/01/"
    assert client.get("/reconciliation/dossiers/d1/").status_code == 200
    assert client.get("/api/v1/dossiers/d1/").json()["code"] == "d1"
    assert client.get("/api/v1/agencies/01/").json()["code"] == "01"
    assert client.get("/indicators/01/", {"period": w.period}).status_code == 200
    assert client.get(f"/indicators/01/{w.period}/ON_TIME/").status_code == 200
    assert client.get(f"/api/v1/indicators/01/{w.period}/components/ON_TIME/").status_code == 200


def test_an_odd_agency_code_works_in_every_route_that_carries_it():
    golden.build()
    odd = province(ODD_AGENCY_CODE, "Thành phố Đà Nẵng")
    compute.recompute(golden.PERIOD, now=golden.NOW)
    client = Client()
    client.force_login(make_user("sec-odd-officer", Role.OFFICER, odd))
    api = client.get(reverse("tthc-api:agency-detail", kwargs={"code": ODD_AGENCY_CODE}))
    assert api.status_code == 200 and api.json()["code"] == ODD_AGENCY_CODE
    assert client.get("/api/v1/agencies/" + quote(ODD_AGENCY_CODE, safe="") + "/").status_code == 200

    rankings = client.get(reverse("indicators:rankings"), {"period": golden.PERIOD}).content.decode()
    dashboard_url = reverse("indicators:dashboard", args=[ODD_AGENCY_CODE])
    assert f'href="{dashboard_url}?period={golden.PERIOD}"' in rankings
    dashboard = client.get(dashboard_url, {"period": golden.PERIOD})
    assert dashboard.status_code == 200 and dashboard.context["snapshot"].agency == odd
    component_url = reverse("indicators:component", args=[ODD_AGENCY_CODE, golden.PERIOD, "ON_TIME"])
    assert f'href="{component_url}"' in dashboard.content.decode()
    assert client.get(component_url).status_code == 200
    assert client.get(component_url, {"export": "csv"}).status_code == 200
    for name in ("indicators-api:component", "indicators-api:component-groups"):
        assert client.get(reverse(name, args=[ODD_AGENCY_CODE, golden.PERIOD, "ON_TIME"])).status_code == 200
    compute.recompute(Period.current())
    warning = client.get(reverse("indicators-api:early-warning", args=[ODD_AGENCY_CODE]))
    assert warning.status_code == 200, warning.status_code
    assert (
        client.get(
            reverse("indicators-api:scores"), {"period": golden.PERIOD, "agency": ODD_AGENCY_CODE}
        ).json()["agencies"][0]["code"]
        == ODD_AGENCY_CODE
    )
