"""The request letter (công văn) and the apology slip: their content as the templates typeset it.

The request letter's words come from the requests app (``letter_content``); this module only puts
them in the layout of Decree 30/2020/NĐ-CP: the issuer in two lines, the number, ``V/v``, the
national title and motto, place and date, ``Kính gửi``, the body, the signature block, ``Nơi nhận``,
and the appendix of gap dossiers per system and kind with both sides' values.
"""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal
from typing import Any

from complaints.services.letters import letter_content
from tthc.models import AgencyKind

from ..targets import Target
from ..vn import BLANK, blank_day_date, long_date, moment, number, short_date

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


#: The request letter's last paragraphs ("(Danh sách … tại Phụ lục …)", "Trân trọng cảm ơn …"), kept on
#: the page of the signature.
CLOSING_LINES = 2


def _issuer(value: Any) -> list[str]:
    if isinstance(value, dict):
        lines = [value.get("parent") or "", value.get("name") or ""]
    elif isinstance(value, str):
        lines = value.splitlines()
    else:
        lines = list(value or [])
    return [str(line).upper() for line in lines if line]


def _number_line(number_: str | None, issuer_abbrev: str = "UBND-KSTT") -> str:
    text = (number_ or "").strip().removeprefix("Số:").strip()
    return f"Số: {text}" if text and not text.startswith("/") else f"Số:{BLANK}{text or '/' + issuer_abbrev}"


def _points(value: Any) -> Decimal:
    """Points at stake: a number, or a per-component breakdown ({component: points}) summed."""
    if isinstance(value, dict):
        return sum((Decimal(str(v)) for v in value.values()), Decimal(0))
    return Decimal(str(value or 0))


def _appendix_count(rows: list[dict[str, Any]], total: int | None) -> str:
    """A system's heading in the appendix: its cases as the body counts them ("N trường hợp": a
    dossier × a kind of gap; a shortfall of unsynced dossiers counts each missing dossier), and the
    distinct dossiers when they are fewer (one dossier may have several kinds of gap)."""
    cases = total if total else len(rows)
    text = f"{number(cases)} trường hợp"
    if any(row.get("kind") == "not_synced" for row in rows):
        return text
    dossiers = len({row.get("dossier") for row in rows})
    return f"{text} thuộc {number(dossiers)} hồ sơ" if 0 < dossiers < cases else text


def request_letter(target: Target) -> dict[str, Any]:
    assert target.case is not None
    content = letter_content(target.case, None)  # None: the appendix lists every gap dossier
    signer = dict(content.get("signer") or {})
    systems = []
    for system in content.get("systems") or []:
        systems.append(
            {
                **system,
                "gap_total_text": number(int(system.get("gap_total") or 0)),
                "points_text": number(_points(system.get("points_at_stake")), 2),
            }
        )
    names = {s.get("code"): s.get("name") for s in systems}
    totals = {s.get("name"): int(s.get("gap_total") or 0) for s in systems}
    by_system: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
    for row in content.get("appendix") or []:
        by_system.setdefault(names.get(row.get("system")) or row.get("system") or "", []).append(row)
    number_line = _number_line(content.get("number"))
    # Unsigned: the day is left blank for the signer, as on the drafts in the seeds.
    date_text = long_date(content.get("date")) if content.get("date") else blank_day_date()
    body = [p for p in content.get("paragraphs") or [] if p]
    return {
        "doc_title": content.get("summary") or "",
        "issuer": _issuer(content.get("issuer")),
        "national_title": NATIONAL_TITLE,
        "motto": MOTTO,
        "number_line": number_line,
        "date_line": f"{content.get('place') or ''}, {date_text}",
        "summary": str(content.get("summary") or "").removeprefix("V/v").strip(),
        "addressees": list(content.get("addressees") or []),
        # The body, and its closing lines, which stay on the page of the signature (PDF and Word): a
        # signature never stands alone on a page.
        "paragraphs": body[:-CLOSING_LINES],
        "closing": body[-CLOSING_LINES:],
        "signer": {
            "mode": signer.get("mode") or "",
            "authority": (signer.get("authority") or "").upper(),
            "title": (signer.get("title") or "").upper(),
            "name": signer.get("name") or "",
            "signed": bool(signer.get("signed")),
        },
        "recipients": list(content.get("recipients") or []),
        "systems": systems,
        "points_text": number(_points(content.get("points_at_stake")), 2),
        "appendix": [
            {"system": name, "rows": rows, "count_text": _appendix_count(rows, totals.get(name))}
            for name, rows in by_system.items()
        ],
        "appendix_count": sum(len(rows) for rows in by_system.values()),
        "appendix_ref": f"(Kèm theo Công văn số {number_line.removeprefix('Số:').strip()} {date_text})",
        "draft": bool(content.get("draft")),
    }


def apology_letter(target: Target) -> dict[str, Any]:
    """The slip of the one-stop-shop rules (form 04 of circular 01/2018/TT-VPCP's structure, kept by
    Decree 118/2025/NĐ-CP as far as we could check; docs/domain.md#apology-letter)."""
    dossier = target.dossier
    assert dossier is not None
    letter = dossier.apology_letter
    agency = dossier.handling_agency or dossier.receiving_agency
    parent = agency.parent if agency.parent_id else None
    # The direct superior in regular capitals: a commune's or unit's is its province's People's Committee.
    superior = ""
    if parent is not None and parent.kind == AgencyKind.PROVINCE:
        superior = f"UBND {parent.name.upper()}"
    elif parent is not None and parent.kind != AgencyKind.CENTRAL:
        superior = parent.name.upper()
    issuer = [superior, agency.name.upper()]
    ranked = agency.ranked_agency if agency.ranked_agency_id else None
    place = (ranked.short_name if ranked is not None else "") or agency.short_name
    a, received = agency.name, short_date(dossier.received_at)
    paragraphs = [
        f"{a} đã tiếp nhận hồ sơ đề nghị giải quyết thủ tục hành chính “{dossier.procedure.name}” của "
        f"Ông/Bà/Tổ chức ngày {received}, mã hồ sơ: {dossier.code}.",
        f"Thời gian hẹn trả kết quả giải quyết hồ sơ: {moment(letter.original_due_at)}.",
        f"Tuy nhiên đến nay, {a} chưa trả kết quả giải quyết hồ sơ của Ông/Bà/Tổ chức đúng thời hạn "
        "ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.",
        f"Lý do: {letter.reason}",
        f"Sự chậm trễ này đã gây phiền hà cho Ông/Bà/Tổ chức. {a} trân trọng xin lỗi Ông/Bà/Tổ chức "
        f"và hẹn trả kết quả giải quyết hồ sơ vào: {moment(letter.new_due_at)}.",
        "Mong Ông/Bà/Tổ chức thông cảm vì sự chậm trễ này.",
    ]
    return {
        "paragraphs": paragraphs,
        "doc_title": "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
        "issuer": [line for line in issuer if line],
        "national_title": NATIONAL_TITLE,
        "motto": MOTTO,
        "number_line": f"Số: {letter.pk}/PXL",
        "date_line": f"{place}, {long_date(letter.issued_at)}",
        "agency_name": agency.name,
        "applicant": dossier.applicant_name or "Ông/Bà",
        "procedure": dossier.procedure.name,
        "dossier_code": dossier.code,
        "received": short_date(dossier.received_at),
        "original_due": moment(letter.original_due_at),
        "new_due": moment(letter.new_due_at),
        "reason": letter.reason,
        "issued_by": letter.issued_by,
        "draft": False,
    }
