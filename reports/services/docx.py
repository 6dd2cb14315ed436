"""The letters as editable Word files (python-docx), with the same words as the PDF.

Officers correct and sign the letter outside the platform (often with a digital signature), so the
Word file carries the same layout as the PDF — the letterhead as a borderless two-column table,
Times New Roman 14 pt, Decree 30's margins — but no draft watermark (a draft says so in its title line).
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from .pdf import Rendered

FONT = "Times New Roman"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _para(
    container: Any,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = 14,
    align: int | None = WD_ALIGN_PARAGRAPH.CENTER,
    indent: bool = False,
    underline: bool = False,
) -> Paragraph:
    p = container.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.space_after = Pt(3)
    fmt.space_before = Pt(0)
    if indent:
        fmt.first_line_indent = Cm(1)
    run = p.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    run.font.name = FONT
    return p


def _first(cell: _Cell) -> _Cell:
    """A new cell holds one empty paragraph: drop it so the cell starts with our first line."""
    for p in list(cell.paragraphs):
        p._element.getparent().remove(p._element)
    return cell


def _document() -> Any:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return doc


def _letterhead(doc: Any, ctx: dict[str, Any]) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = (_first(c) for c in table.rows[0].cells)
    left.width, right.width = Cm(6.5), Cm(9.5)
    issuer = ctx["issuer"]
    for i, line in enumerate(issuer):
        _para(left, line, bold=i == len(issuer) - 1, size=13)
    _para(left, "―――――", size=8)
    _para(left, ctx["number_line"], size=13)
    if ctx.get("summary"):
        _para(left, f"V/v {ctx['summary']}", size=12)
    _para(right, ctx["national_title"], bold=True, size=13)
    _para(right, ctx["motto"], bold=True, size=14, underline=True)
    _para(right, ctx["date_line"], italic=True, size=14)


def _footer(doc: Any, recipients: list[str], sign_lines: list[str], name: str, note: str) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # one page for the whole block
    left, right = (_first(c) for c in table.rows[0].cells)
    if recipients:
        _para(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
        for r in recipients:
            _para(left, f"- {r}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in sign_lines:
        _para(right, line, bold=True, size=14)
    _para(right, note, italic=True, size=12)
    _para(right, "", size=14)
    _para(right, name, bold=True, size=14)


def _save(doc: Any) -> Rendered:
    buffer = io.BytesIO()
    doc.save(buffer)
    return Rendered(buffer.getvalue(), DOCX_TYPE, None)


def request_letter(ctx: dict[str, Any]) -> Rendered:
    doc = _document()
    if ctx.get("draft"):
        _para(doc, "DỰ THẢO", bold=True, size=12, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _letterhead(doc, ctx)
    addressees = ctx["addressees"]
    if len(addressees) == 1:
        _para(doc, f"Kính gửi: {addressees[0]}.")
    else:
        _para(doc, "Kính gửi:")
        for i, a in enumerate(addressees):
            _para(doc, f"- {a}{'.' if i == len(addressees) - 1 else ';'}", align=WD_ALIGN_PARAGRAPH.LEFT)
    for text in ctx["paragraphs"]:
        _para(doc, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    for text in ctx["closing"]:  # on the page of the signature, as in the PDF
        _para(doc, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True).paragraph_format.keep_with_next = True
    signer = ctx["signer"]
    lines = [f"{signer['mode']} {signer['authority']}".strip(), signer["title"]]
    _footer(
        doc, ctx["recipients"], [x for x in lines if x], signer["name"], "(Đã ký)" if signer["signed"] else ""
    )
    if ctx["appendix"]:
        doc.add_page_break()
        _para(doc, "PHỤ LỤC", bold=True)
        _para(doc, "DANH SÁCH HỒ SƠ CHƯA ĐƯỢC ĐỒNG BỘ ĐẦY ĐỦ, CHÍNH XÁC", bold=True)
        _para(doc, ctx["appendix_ref"], italic=True)
        header = (
            "STT",
            "Mã hồ sơ",
            "Loại sai lệch",
            "Thông tin",
            "Giá trị tại hệ thống nguồn",
            "Giá trị trên Cổng DVCQG",
        )
        for n, group in enumerate(ctx["appendix"], start=1):
            _para(
                doc,
                f"{n}. {group['system']} ({group['count_text']})",
                bold=True,
                align=WD_ALIGN_PARAGRAPH.LEFT,
            )
            table = doc.add_table(rows=1, cols=len(header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, header, strict=True):
                _para(_first(cell), text, bold=True, size=10)
            for i, row in enumerate(group["rows"], start=1):
                values = (
                    str(i),
                    row["dossier_text"],
                    row["kind_label"],
                    row["field"],
                    row["source_text"],
                    row["portal_text"],
                )
                for cell, text in zip(table.add_row().cells, values, strict=True):
                    _para(_first(cell), text or "", size=10, align=WD_ALIGN_PARAGRAPH.LEFT)
    return _save(doc)


def apology_letter(ctx: dict[str, Any]) -> Rendered:
    doc = _document()
    _letterhead(doc, ctx)
    _para(doc, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", bold=True)
    _para(doc, f"Kính gửi: {ctx['applicant']}.")
    for text in ctx["paragraphs"]:
        _para(doc, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _footer(doc, [], ["ĐẠI DIỆN CƠ QUAN, ĐƠN VỊ"], ctx["issued_by"], "(Ký, ghi rõ họ tên)")
    return _save(doc)
