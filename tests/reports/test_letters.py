"""The request letter and the apology slip: every required part, with its diacritics, in the PDF's
extracted text (pdftotext) and in the Word file; the command's answers."""

from __future__ import annotations

import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from docx.oxml.ns import qn

from complaints.services.requests import transition
from reconciliation.models import Gap
from tests.factories import AgencyFactory
from tthc.models import AgencyKind, ApologyLetter

from .conftest import leader_of, pdftotext

REQUIRED = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "ỦY BAN NHÂN DÂN",
    "Số:",
    "V/v",
    "Kính gửi",
    "Nơi nhận",
    "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "PHỤ LỤC",
)


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def render(tmp_path, *args: str, name: str) -> Path:
    out = tmp_path / name
    call_command("render_document", *args, "--out", str(out), stdout=StringIO())
    assert out.exists() and out.stat().st_size > 0
    return out


def _check_letter(text: str, case) -> None:
    missing = [part for part in REQUIRED if part not in text]
    assert not missing, f"missing from the letter: {missing}"
    assert case.ministry.name in text
    assert case.province.name.upper() in text  # the issuer's second line: TỈNH … / THÀNH PHỐ …
    runs = case.systems.values_list("run_id", flat=True)
    codes = set(Gap.objects.filter(run__in=runs).counted().values_list("dossier_code", flat=True))
    assert codes, "the request has gap dossiers"
    # A not_synced gap has no dossier: the appendix names its reporting agency (by name and code).
    printed = {f"({c.removeprefix('NOT_SYNCED:')})" if c.startswith("NOT_SYNCED:") else c for c in codes}
    assert not [c for c in printed if c not in text], "every gap dossier is in the appendix"
    assert "NOT_SYNCED:" not in text


@pytest.mark.django_db
@pdftotext
def test_submitted_letter_pdf_and_docx_carry_every_part(submitted, tmp_path):
    pdf = render(tmp_path, "request_letter", "--request", str(submitted.pk), name="letter.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf)
    _check_letter(text, submitted)
    assert "DỰ THẢO" not in text  # submitted: no draft watermark
    assert "ngày" in text and "tháng" in text and "năm" in text

    docx = render(
        tmp_path, "request_letter", "--request", str(submitted.pk), "--format", "docx", name="l.docx"
    )
    wtext = docx_text(docx)
    _check_letter(wtext, submitted)
    assert "Trân trọng" in wtext and "DỰ THẢO" not in wtext


@pytest.mark.django_db
@pdftotext
def test_a_draft_is_watermarked(demo, tmp_path):
    from complaints.models import SyncGapRequest

    draft = SyncGapRequest.objects.filter(state="draft").first()
    text = pdf_text(render(tmp_path, "request_letter", "--request", str(draft.pk), name="d.pdf"))
    assert "DỰ THẢO" in text.replace("\n", "") or all(ch in text for ch in "DỰTHẢO")
    assert "DỰ THẢO" in docx_text(
        render(tmp_path, "request_letter", "--request", str(draft.pk), "--format", "docx", name="d.docx")
    )
    transition(draft, "submitted", leader_of(draft.province))


@pytest.mark.django_db
@pdftotext
def test_apology_letter(demo, tmp_path):
    letter = ApologyLetter.objects.select_related("dossier").first()
    assert letter is not None
    code = letter.dossier.code
    for fmt, read in (("pdf", pdf_text), ("docx", docx_text)):
        text = read(render(tmp_path, "apology_letter", "--dossier", code, "--format", fmt, name=f"a.{fmt}"))
        for part in ("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "Kính gửi", "Lý do", code, "xin lỗi"):
            assert part in text, (fmt, part)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args,reason",
    [
        (["bogus"], "Unknown document kind"),
        (["scorecard", "--agency", "01", "--period", "2026-13"], "period"),
        (["monthly_report"], "needs --agency"),
        (["request_letter"], "needs --request"),
        (["request_letter", "--request", "999999"], "No request 999999"),
        (["monthly_report", "--agency", "01", "--period", "2001-01"], "nothing to report"),
        (["monthly_report", "--agency", "01-C1"], "not a province"),
        (["monthly_report", "--agency", "01", "--format", "docx"], "available as pdf"),
    ],
)
def test_the_command_refuses_with_one_line(args, reason, tmp_path):
    province = AgencyFactory(code="01", name="Thành phố Hà Nội", kind=AgencyKind.PROVINCE)
    AgencyFactory(code="01-C1", name="Phường Ba Đình", kind=AgencyKind.COMMUNE, parent=province)
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError) as err:
        call_command("render_document", *args, "--out", str(out))
    message = str(err.value)
    assert reason in message and "\n" not in message
    assert not out.exists()


@pytest.mark.django_db
def test_the_appendix_counts_cases_as_the_body_does(submitted):
    """Each system's heading in the appendix gives the body's count of cases ("N trường hợp"), and the
    distinct dossiers when one dossier has several kinds of gap; a suspicious flag is not a gap and is
    not listed (the body does not count it)."""
    from reconciliation.models import GapKind
    from reports.services.context.letters import request_letter
    from reports.services.targets import Target

    entry = (
        submitted.systems.exclude(run=None)
        .exclude(run__gaps__kind="not_synced")  # a shortfall is counted, not listed by dossier
        .order_by("-gap_total")
        .first()
    )
    counted = list(entry.run.gaps.counted().exclude(kind="not_synced").order_by("dossier_code")[:2])
    assert counted, "the demo's request lists gap dossiers"
    # A second kind of gap on a dossier already listed, and a suspicious flag on another dossier.
    first = counted[0]
    held = set(entry.run.gaps.filter(dossier_code=first.dossier_code).values_list("kind", flat=True))
    other = next(k for k in ("status_differs", "due_differs", "finish_differs") if k not in held)
    Gap.objects.create(run=entry.run, kind=other, dossier_code=first.dossier_code, source_value="a")
    Gap.objects.create(
        run=entry.run, kind=GapKind.SUSPICIOUS, dossier_code="FLAGGED-ONLY-0001", source_value="x"
    )
    gaps = entry.run.gaps.counted()
    entry.gap_total = gaps.count()  # the figures as a request prepared now would freeze them
    entry.save(update_fields=["gap_total"])

    ctx = request_letter(Target("request_letter", "pdf", {}, None, case=submitted))
    group = next(g for g in ctx["appendix"] if g["system"] == entry.source.name)
    assert "FLAGGED-ONLY-0001" not in {row["dossier"] for row in group["rows"]}
    assert len(group["rows"]) == gaps.count()
    dossiers = gaps.values("dossier_code").distinct().count()
    assert dossiers < gaps.count()
    assert group["count_text"] == f"{gaps.count()} trường hợp thuộc {dossiers} hồ sơ"


@pytest.mark.django_db
@pdftotext
def test_the_signature_never_stands_alone_on_a_page(demo, tmp_path):
    """However long the body, the letter's closing lines go to the page of the signature (Nơi nhận and
    the signer), in the PDF and, as "keep with next", in the Word file."""
    from complaints.models import SyncGapRequest

    draft = SyncGapRequest.objects.filter(state="draft").order_by("pk").first()
    closing = "Trân trọng cảm ơn sự quan tâm, phối hợp của Quý Bộ./."
    pages_seen = set()
    for n in range(14, 30):  # bodies ending at every height of the first page and past it
        fillers = [f"Đoạn {i}: nội dung kiến nghị được viết thêm để kéo dài văn bản." for i in range(n)]
        draft.body = "\n\n".join(["Kính gửi: Bộ Tài chính.", *fillers, "(Danh sách tại Phụ lục.)", closing])
        draft.save(update_fields=["body"])
        pages = pdf_text(render(tmp_path, "request_letter", "--request", str(draft.pk), name=f"s{n}.pdf"))
        pages = pages.split("\f")
        where = {
            part: next(i for i, text in enumerate(pages) if part in " ".join(text.split()))
            for part in ("Trân trọng cảm ơn", "Nơi nhận")
        }
        assert where["Trân trọng cảm ơn"] == where["Nơi nhận"], (n, where)
        pages_seen.add(where["Nơi nhận"])
    assert pages_seen == {0, 1}, "the bodies tried put the signature on the first page and on the second"
    docx = Document(
        str(render(tmp_path, "request_letter", "--request", str(draft.pk), "--format", "docx", name="s.docx"))
    )
    kept = [p.text for p in docx.paragraphs if p.paragraph_format.keep_with_next]
    assert kept == ["(Danh sách tại Phụ lục.)", closing]
    (foot,) = [t for t in docx.tables if "Nơi nhận" in t.rows[0].cells[0].text]
    assert foot.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None  # the block is never split
