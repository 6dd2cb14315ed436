"""Exports cannot carry formulas: text planted through a sync into dossier and gap fields (unit,
officer, code…) comes out of EVERY export — the gap list (page and API, CSV and Excel), the index
drill-down (page and API, CSV and Excel) and a request's frozen evidence (CSV and Excel) — with
OWASP's leading apostrophe, and no Excel cell is ever a formula."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from complaints.models import AttachmentKind

from . import world

pytestmark = pytest.mark.django_db

PLANTS = ('=HYPERLINK("http://evil","x")', "=cmd|' /C calc'!A0", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1")
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def _media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture
def w(settings, _media):
    settings.MEDIA_ROOT = _media
    return world.build(plants=PLANTS)


def _csv_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return [cell for row in csv.reader(io.StringIO(text[1:], newline="")) for cell in row]


def _xlsx_cells(data: bytes) -> list:
    sheet = load_workbook(io.BytesIO(data)).active
    return [cell for row in sheet.iter_rows() for cell in row]


def _check_csv(label: str, data: bytes, must_contain=PLANTS):
    cells = _csv_cells(data)
    live = [c for c in cells if c.startswith(TRIGGERS)]
    assert not live, f"{label}: cells a spreadsheet would run: {live}"
    for plant in must_contain:
        assert "'" + plant in cells, f"{label}: {plant!r} missing (not exported, so not tested)"


def _check_xlsx(label: str, data: bytes, must_contain=PLANTS):
    cells = _xlsx_cells(data)
    formulas = [c.coordinate for c in cells if c.data_type == "f"]
    assert not formulas, f"{label}: formula cells {formulas}"
    texts = [c.value for c in cells if isinstance(c.value, str)]
    live = [t for t in texts if t.startswith(TRIGGERS)]
    assert not live, f"{label}: {live}"
    normalised = {t.replace("\r\n", "\r").replace("\n", "\r") for t in texts}  # XML may turn CR into LF
    for plant in must_contain:
        assert "'" + plant in normalised, f"{label}: {plant!r} missing"


def _body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_gap_exports(w):
    client = Client()
    client.force_login(w.officer)
    query = {"period": w.period, "province": "01", "source": "HOTICH"}
    _check_csv("gap page CSV", _body(client.get("/reconciliation/gaps/export.csv", query)))
    _check_xlsx("gap page Excel", _body(client.get("/reconciliation/gaps/export.xlsx", query)))
    _check_csv("gap API CSV", _body(client.get("/api/v1/reconciliation/gaps/", {**query, "format": "csv"})))
    _check_xlsx(
        "gap API Excel", _body(client.get("/api/v1/reconciliation/gaps/", {**query, "format": "xlsx"}))
    )


def test_indicator_drill_down_exports(w):
    client = Client()
    client.force_login(w.officer)
    page = f"/indicators/01/{w.period}/ON_TIME/"
    api = f"/api/v1/indicators/01/{w.period}/components/ON_TIME/"
    for label, url in (("page", page), ("API", api)):
        _check_csv(f"drill-down {label} CSV", _body(client.get(url, {"set": "denominator", "export": "csv"})))
        _check_xlsx(
            f"drill-down {label} Excel", _body(client.get(url, {"set": "denominator", "export": "xlsx"}))
        )


def test_request_evidence(w):
    files = {a.kind: a.file.open("rb").read() for a in w.case.attachments.all()}
    _check_csv("evidence CSV", files[AttachmentKind.EVIDENCE_CSV])
    _check_xlsx("evidence Excel", files[AttachmentKind.EVIDENCE_XLSX])
