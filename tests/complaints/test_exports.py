"""CSV and Excel exports of the requests list (page and API): the filtered, scoped rows in words
then codes, every row (not one page)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from complaints.models import SyncGapRequest
from complaints.workflow import State

from .helpers import make_case


def _csv(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def cases(world):
    mine = make_case(
        world,
        State.ANSWERED,
        points_at_stake="1.250",
        answer="Đã đồng bộ lại.",
        resolution="fixed",
        number_text="Số: 7/UBND-KSTT",
    )
    make_case(world, State.SUBMITTED, period="2026-07", source=world.health_system)  # overdue long since
    make_case(world, State.DRAFT, period="2026-09")  # a draft: the province's own list only
    other = make_case(world, State.SUBMITTED, province=world.a["48"])  # another province's
    return mine, other


def test_the_page_exports_every_row_it_selects_in_words_then_codes(client, world, cases):
    mine, other = cases
    client.force_login(world.u["province_officer"])
    response = client.get(reverse("complaints:list"), {"export": "csv"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response["Content-Disposition"].startswith('attachment; filename="requests')
    rows = _csv(response)
    # The list's default (open requests), the province's own only, overdue first as on the page.
    assert [r["Số hiệu"] for r in rows] == [
        SyncGapRequest.objects.get(period="2026-07").reference,
        mine.reference,
    ]
    answered = rows[1]
    assert answered["Tỉnh, thành phố"] == "Thành phố Hà Nội" and answered["Bộ"] == "Bộ Tư pháp"
    assert answered["Trạng thái"] == "Đã trả lời" and answered["Mã trạng thái (state)"] == "answered"
    assert answered["Trả lời"] == "Đã đồng bộ lại." and answered["Quá hạn"] == "Không"
    assert answered["Hệ thống"] == "Hệ thống Hộ tịch điện tử" and answered["Điểm bị ảnh hưởng"] == "1.250"
    assert rows[0]["Quá hạn"] == "Có"
    assert answered["Số văn bản"] == "7/UBND-KSTT"  # the letter's "Số: 7/UBND-KSTT", as a register writes it
    assert other.reference not in str(rows)
    # The filters apply (here every state of the month), and Excel carries the same rows.
    book = client.get(reverse("complaints:list"), {"export": "xlsx", "period": "2026-09", "state": "draft"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(book.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 2 and values[1][0] == SyncGapRequest.objects.get(period="2026-09").reference
    assert client.get(reverse("complaints:list"), {"export": "pdf"}).status_code == 400


def test_the_api_and_the_supervisors_export_their_scope(client, world, cases):
    mine, other = cases
    client.force_login(world.u["supervisor"])
    page = client.get(reverse("complaints:supervision"), {"export": "csv", "headers": "codes"})
    rows = _csv(page)
    assert {r["reference"] for r in rows} == {
        mine.reference,
        other.reference,
        SyncGapRequest.objects.get(period="2026-07").reference,
    }  # filed and open, every province; never a draft
    assert {r["state"] for r in rows} == {"answered", "submitted"} and "state_label" in rows[0]
    client.force_login(world.u["ministry_officer"])
    api = client.get("/api/v1/requests/", {"export": "csv", "headers": "codes", "province": "48"})
    assert [r["reference"] for r in _csv(api)] == [other.reference]
    assert client.get("/api/v1/requests/", {"export": "docx"}).status_code == 400


def test_the_list_pages_offer_the_downloads_with_their_filters(client, world, cases):
    client.force_login(world.u["province_officer"])
    html = client.get(reverse("complaints:list"), {"period": "2026-08"}).content.decode()
    assert (
        'href="?period=2026-08&amp;export=csv"' in html and 'href="?period=2026-08&amp;export=xlsx"' in html
    )


def test_the_list_reads_its_rows_systems_with_the_page_not_per_row(client, world):
    """Each row names its systems: fetched with the page (one query), not one query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.u["supervisor"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("complaints:supervision")).status_code == 200
        return len(captured)

    make_case(world, State.SUBMITTED, period="2026-01")
    few = queries()
    for month in range(2, 8):
        make_case(world, State.SUBMITTED, period=f"2026-{month:02d}")
    assert queries() == few
