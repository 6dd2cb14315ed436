"""Every CSV and Excel export speaks Vietnamese: no machine key as a header, no code without its label.

Each export of the platform is requested in ``vi`` (and in ``en``, to prove the headers go through the
translation machinery), as CSV and Excel, and checked by :func:`check`:

* no header is a machine key (``filing_place``), and each differs from the English one;
* a code column ("Mã … (key)") follows its label column, and a row with a code has its label;
* no known code (a gap kind, a classification, a filing place, an online level, ``True``) stands in
  a column of words — the sign of a coded value written without its label;
* with ``?headers=codes`` the same columns are headed by keys, and every key known to hold a code
  (``status``, ``channel``, ``kind``…) is a coded column (its ``<key>_label`` beside it).

``test_every_exporter_is_checked`` fails when a module starts writing exports without being listed here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from indicators.models import IndicatorSnapshot
from indicators.services import explain, late
from readiness.models import Classification
from reconciliation.models import GapKind
from tests.exported import csv_table, xlsx_table
from tthc import filing
from tthc.models import OnlineLevel

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
MACHINE_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
CODE_HEADER = re.compile(r"\(([a-z][a-z0-9_]*)\)$")
#: Keys whose values are codes: in ``?headers=codes`` each must come with ``<key>_label``.
CODED_KEYS = {
    "kind",
    "status",
    "channel",
    "filing_place",
    "classification",
    "online_level",
    "responsibility",
    "province",
    "source",
    "system",
    "ministry",
    "agency",
    "agency_code",
    "procedure",
    "criteria_set",
    "overdue",
    "fee_bearing",
    "disliked",
    "repeated",
    "central",
    "commune",
}
#: Modules that write exports (through ``core.exports``), each checked by a test below.
EXPORTERS = {
    "reconciliation/exports.py",  # the gap list: page and API (test_gap_exports)
    "reconciliation/views.py",
    "reconciliation/api/views.py",
    "indicators/services/export.py",  # drill-downs and procedures without dossiers (test_indicator_exports)
    "indicators/views.py",
    "indicators/api/views.py",
    "readiness/views.py",  # test_readiness_exports
    "complaints/services/evidence.py",  # test_request_evidence
    "complaints/exports.py",  # the requests list: page, supervision, API (test_request_list_exports)
    "complaints/views.py",
    "complaints/api/views.py",
}


def known_codes() -> set[str]:
    return {
        *GapKind.values,
        *Classification.values,
        *OnlineLevel.values,
        *(p.key for p in filing.places()),
        late.STEP,
        late.HANDLING_UNIT,
        "True",
        "False",
        "true",
        "false",
    }


def check(name: str, header: list[str], rows: list[list[str]], english: list[str] | None = None) -> None:
    codes = known_codes()
    for h in header:
        assert h and not MACHINE_KEY.match(h), f"{name}: untranslated machine key {h!r} as a header"
    if english is not None:
        assert len(english) == len(header), name
        same = [v for v, e in zip(header, english, strict=True) if v == e]
        assert not same, f"{name}: headers not translated: {same}"
    coded = [i for i, h in enumerate(header) if CODE_HEADER.search(h)]
    for i in coded:
        assert i > 0 and i - 1 not in coded, f"{name}: code column {header[i]!r} without its label column"
    for row in rows:
        for i, value in enumerate(row):
            if i in coded:
                if value:
                    assert row[i - 1], f"{name}: {header[i]!r} = {value!r} without its label"
                    if value in codes:
                        assert row[i - 1] != value, f"{name}: {header[i]!r} labelled by its code"
            elif i + 1 not in coded:
                assert value not in codes, f"{name}: code {value!r} in the column of words {header[i]!r}"


def check_codes_header(name: str, header: list[str]) -> None:
    for i, key in enumerate(header):
        assert MACHINE_KEY.match(key), f"{name}: {key!r} is not a machine key"
        if key in CODED_KEYS:
            assert i > 0 and header[i - 1] == f"{key}_label", f"{name}: coded {key!r} without {key}_label"


def check_export(name: str, get, url: str, params: dict, fmt_param: str | None = None) -> int:
    """``get(url, params, lang)`` → response; every format, both header modes. Returns the row count."""
    count = 0
    for fmt in ("csv", "xlsx"):
        query = {**params, fmt_param: fmt} if fmt_param else params
        target = url.format(fmt=fmt)
        read = csv_table if fmt == "csv" else xlsx_table
        vi = get(target, query, "vi")
        assert vi.status_code == 200, (name, fmt, vi.status_code)
        header, rows = read(vi)
        english, _ = read(get(target, query, "en"))
        check(f"{name} ({fmt})", header, rows, english)
        codes, _ = read(get(target, {**query, "headers": "codes"}, "vi"))
        check_codes_header(f"{name} ({fmt}, codes)", codes)
        assert len(codes) == len(header)
        count = len(rows)
    return count


def web(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return lambda url, params, lang: client.get(url, params, HTTP_ACCEPT_LANGUAGE=lang)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return lambda url, params, lang: client.get(url, params, HTTP_ACCEPT_LANGUAGE=lang)


def test_gap_exports():
    from reconciliation.services.reconcile import reconcile_period
    from tests.reconciliation import reconcile_dataset as data

    ds = data.build()
    reconcile_period(data.PERIOD)
    users = data.users(ds)
    assert check_export("gaps page", web(users.p01), "/reconciliation/gaps/export.{fmt}", {})
    assert check_export("gaps API", api(users.admin), "/api/v1/reconciliation/gaps/", {}, "format")


def test_indicator_exports():
    from accounts.models import Role
    from indicators.services import compute
    from tests.accounts.helpers import make_user
    from tests.indicators import golden

    g = golden.build()
    compute.recompute(golden.PERIOD, now=golden.NOW)
    national = make_user("nat", Role.NATIONAL_ADMIN, g.P1)
    snapshot = IndicatorSnapshot.objects.get(agency__code="01", period=golden.PERIOD)
    sources, listed = set(), 0
    for comp in explain.get(snapshot.methodology).components:
        for which, _label in explain.available_sets(snapshot, comp):
            url = reverse("indicators:component", args=["01", golden.PERIOD, comp.code])
            listed += check_export(f"{comp.code} {which}", web(national), url, {"set": which}, "export")
            sources.add(explain.item_set(snapshot, comp.code, which, national, {}).source)
    assert listed and sources == set(explain.COLUMNS)  # every kind of drill-down was written
    url = f"/api/v1/indicators/01/{golden.PERIOD}/components/ON_TIME/"
    assert check_export("ON_TIME API", api(national), url, {}, "export")
    dormant = reverse("indicators:procedures-without-dossiers")
    check_export("procedures without dossiers", web(national), dormant, {}, "export")
    check_export(
        "procedures without dossiers API",
        api(national),
        "/api/v1/indicators/procedures-without-dossiers/",
        {},
        "export",
    )


def test_readiness_exports():
    from datetime import timedelta

    from django.utils import timezone

    from tests.readiness.helpers import approved, build_world

    world = build_world()
    approved(world, "BTP", not_met=("KN-01",), planned=timezone.localdate() - timedelta(days=3))
    approved(world, "BYT", not_met=("VH-01",), planned=timezone.localdate() + timedelta(days=60))
    url = reverse("readiness:public-export", args=["FMT"]).replace("FMT", "{fmt}")
    assert check_export("readiness roadmap", web(None), url, {}) == 2
    url = reverse("readiness:ministry-export", args=["BTP", "FMT"]).replace("FMT", "{fmt}")
    assert check_export("readiness ministry", web(world.u["btp_officer"]), url, {})


def test_request_evidence(settings, tmp_path):
    from complaints.models import AttachmentKind
    from complaints.services import requests as svc
    from tests.complaints.helpers import build_world, make_run

    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    make_run(world, counts={"missing_on_portal": 4, "status_differs": 2})
    case, _ = svc.create_request(world.a["01"], world.system, "2026-08")
    files = {a.kind: a.file for a in case.attachments.all()}

    class Stored:  # an attachment read like a response
        streaming = False

        def __init__(self, file):
            self.content = file.open("rb").read()

    header, rows = csv_table(Stored(files[AttachmentKind.EVIDENCE_CSV]))
    check("request evidence (csv)", header, rows)
    assert len(rows) == 6
    excel, excel_rows = xlsx_table(Stored(files[AttachmentKind.EVIDENCE_XLSX]), skip=1)
    assert excel == header
    check("request evidence (xlsx)", excel, excel_rows)


def test_request_list_exports(settings, tmp_path):
    from complaints.workflow import State
    from tests.complaints.helpers import build_world, make_case

    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    make_case(
        world, State.ANSWERED, resolution="fixed", answer="Đã đồng bộ lại.", number_text="Số: 3/UBND-KSTT"
    )
    make_case(world, State.SUBMITTED, period="2026-07", source=world.health_system)
    assert check_export("requests page", web(world.u["province_officer"]), "/requests/", {}, "export") == 2
    supervisor = world.u["supervisor"]
    assert check_export("supervision page", web(supervisor), "/requests/supervision/", {}, "export") == 2
    assert check_export("requests API", api(supervisor), "/api/v1/requests/", {}, "export") == 2


def test_every_exporter_is_checked():
    """A module that imports the writer and writes with it is one of the exports checked above."""
    imports = re.compile(r"from core import exports|from core\.exports import|import core\.exports")
    writes = re.compile(r"\b(?:export_response|write_csv|write_xlsx|csv_response|xlsx_response)\(")
    found = set()
    for path in ROOT.glob("*/**/*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "tests/", "core/")):
            continue
        text = path.read_text(encoding="utf-8")
        if imports.search(text) and writes.search(text):
            found.add(relative)
    assert found == EXPORTERS, "a new export: add it to tests/test_export_labels.py"


def test_request_evidence_reads_counts_as_counts(settings, tmp_path):
    """The gap list sent to a ministry: a progress_missing gap's "3" is three steps, not status 3."""
    import io

    from complaints.services.evidence import write_csv
    from reconciliation.models import Gap
    from tests.complaints.helpers import build_world, make_run

    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    run = make_run(world, counts={"progress_missing": 1, "status_differs": 1})
    Gap.objects.filter(run=run, kind="progress_missing").update(source_value="3", portal_value="0")
    Gap.objects.filter(run=run, kind="status_differs").update(source_value="9", portal_value="4")

    class Written:
        streaming = False

        def __init__(self, text):
            self.content = text.encode("utf-8-sig")

    out = io.StringIO()
    write_csv(run, out)
    header, rows = csv_table(Written(out.getvalue()))
    by_kind = {r[header.index("Mã loại sai lệch (kind)")]: dict(zip(header, r, strict=True)) for r in rows}
    progress, status = by_kind["progress_missing"], by_kind["status_differs"]
    assert (progress["Giá trị tại hệ thống nguồn"], progress["Giá trị trên Cổng DVCQG"]) == (
        "3 bước",
        "0 bước",
    )
    assert progress["Giá trị gốc tại hệ thống nguồn (source_value)"] == "3"
    assert status["Giá trị tại hệ thống nguồn"].startswith("9 – ")
