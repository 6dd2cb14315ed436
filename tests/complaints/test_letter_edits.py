"""The official letter says what the province wrote: a draft's subject and body, as generated and then
edited on the request page, are the words of its PDF and Word letter (and of the letter signed)."""

from __future__ import annotations

import io
import subprocess

import pytest
from django.urls import reverse
from docx import Document

from complaints.services import letters
from complaints.services.requests import create_request, edit_draft, transition
from complaints.workflow import State

from .helpers import make_run

PAGE = reverse("reports:document", args=["request_letter"])


def _draft(world, period="2026-08"):
    make_run(world, period)
    case, _ = create_request(world.a["01"], world.system, period, user=world.u["province_officer"])
    return case


def _words(docx: bytes) -> str:
    doc = Document(io.BytesIO(docx))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([*(p.text for p in doc.paragraphs), *cells])


def _download(client, case, fmt):
    response = client.get(PAGE, {"request": case.pk, "format": fmt})
    assert response.status_code == 200, response.status_code
    return response.content


EDITED = (
    "Kính gửi:\n- Bộ Tư pháp;\n- Cục Chuyển đổi số quốc gia.\n\n"
    "Đoạn một do Sở Tư pháp viết lại: đề nghị Quý Bộ đồng bộ 15 hồ sơ còn thiếu.\n\n"
    "Đoạn hai: đầu mối liên hệ là bà Nguyễn Thị An, số điện thoại 0243 123 456.\n\n"
    "Nơi nhận:\n- Như trên;\n- Lưu: VT, STP."
)


def test_an_unedited_draft_reads_as_generated(world):
    case = _draft(world)
    content = letters.letter_content(case)
    assert content["summary"] == letters.summary_line(case)
    assert content["paragraphs"] == letters.paragraphs(case, letters.systems_of(case), case.response_days)
    assert content["addressees"] == [case.ministry.name]
    assert content["recipients"] == letters.recipients(case)


def test_the_provinces_edits_are_the_letters_words(world, client):
    case = _draft(world)
    edit_draft(case, world.u["province_officer"], subject="V/v đề nghị đồng bộ hồ sơ tháng 8", body=EDITED)
    case.refresh_from_db()
    content = letters.letter_content(case)
    assert content["summary"] == "V/v đề nghị đồng bộ hồ sơ tháng 8"
    assert content["addressees"] == ["Bộ Tư pháp", "Cục Chuyển đổi số quốc gia"]
    assert content["paragraphs"] == [
        "Đoạn một do Sở Tư pháp viết lại: đề nghị Quý Bộ đồng bộ 15 hồ sơ còn thiếu.",
        "Đoạn hai: đầu mối liên hệ là bà Nguyễn Thị An, số điện thoại 0243 123 456.",
    ]
    assert content["recipients"] == ["Như trên;", "Lưu: VT, STP."]

    client.force_login(world.u["province_leader"])
    words = _words(_download(client, case, "docx"))
    assert "Đoạn một do Sở Tư pháp viết lại" in words and "đề nghị đồng bộ hồ sơ tháng 8" in words
    assert "Thực hiện Quyết định số 766" not in words  # the generated paragraph the province replaced

    signed = transition(case, State.SUBMITTED, world.u["province_leader"])
    words = _words(_download(client, signed, "docx"))
    assert "Đoạn hai: đầu mối liên hệ là bà Nguyễn Thị An" in words and "Lưu: VT, STP." in words


@pytest.mark.skipif(
    subprocess.run(["which", "pdftotext"], capture_output=True).returncode, reason="no pdftotext"
)
def test_the_pdf_carries_the_edited_words(world, client, tmp_path):
    case = _draft(world)
    edit_draft(case, world.u["province_officer"], subject="V/v đề nghị đồng bộ hồ sơ tháng 8", body=EDITED)
    client.force_login(world.u["province_leader"])
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(_download(client, case, "pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Đoạn một do Sở Tư pháp viết lại" in " ".join(text.split())
    assert "Cục Chuyển đổi số quốc gia" in text
