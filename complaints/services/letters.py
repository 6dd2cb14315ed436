"""The request's letter (công văn kiến nghị), written like the Government's official letters.

:func:`letter_content` is the contract with the documents (``reports``) that typeset it: one dict,
the same keys for every case, the wording chosen per case (``kind``):

* ``gaps`` — the ministry's systems sync, but not fully or not correctly (seed 000, item 2);
* ``not_synced`` — the only finding is that the systems send nothing (or far too little) to the
  portal although the province's own records show dossiers (seed 000: "chưa thực hiện");
* ``portal_fault`` — the systems sent their records but the portal shows another state: addressed
  to the portal's operator (Bộ Công an, seed 002 item 2).

:func:`render` gives the draft's editable (subject, body) from the same paragraphs. The layout and
the rules are in docs/domain.md#preparation. The wording is Vietnamese data (an official letter),
not interface text, so it is not in translation catalogues; the province edits the draft before a
leader signs it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone, translation

from core import components
from reconciliation.labels import value_label
from reconciliation.models import Gap, beyond_listed
from reconciliation.services.not_synced import PREFIX as NOT_SYNCED_PREFIX
from tthc.models import Agency, AgencyKind

if TYPE_CHECKING:
    from ..models import SyncGapRequest

#: How the letter names each gap kind (reconciliation.models.GapKind values).
GAP_PHRASES = {
    "missing_on_portal": "hồ sơ chưa được đồng bộ lên Cổng Dịch vụ công quốc gia",
    "missing_at_source": "hồ sơ có trên Cổng Dịch vụ công quốc gia nhưng không có trên Hệ thống",
    "status_differs": "hồ sơ có trạng thái xử lý không thống nhất với Cổng Dịch vụ công quốc gia",
    "finish_differs": "hồ sơ có thời điểm kết thúc xử lý không thống nhất",
    "due_differs": "hồ sơ có ngày hẹn trả kết quả không thống nhất",
    "synced_late": "hồ sơ đồng bộ chậm so với thời điểm phát sinh",
    "suspicious": "hồ sơ có dấu hiệu bất thường (chuyển trạng thái không có quá trình xử lý, "
    "thời điểm kết thúc trùng thời điểm đồng bộ)",
    "not_synced": "hồ sơ đã tiếp nhận nhưng chưa được đồng bộ lên Cổng Dịch vụ công quốc gia "
    "(theo số liệu tiếp nhận của địa phương)",
    "missing_in_province_system": "hồ sơ chưa được đồng bộ về Hệ thống thông tin giải quyết TTHC cấp tỉnh",
    "province_system_differs": "hồ sơ có thông tin không thống nhất với Hệ thống thông tin giải quyết "
    "TTHC cấp tỉnh",
    "progress_missing": "hồ sơ chưa đồng bộ đầy đủ tiến độ xử lý lên Cổng Dịch vụ công quốc gia",
    "result_missing": "hồ sơ chưa đồng bộ kết quả giải quyết lên Cổng Dịch vụ công quốc gia",
}

#: The field of the dossier a gap kind is about (the appendix's "field" column).
GAP_FIELDS = {
    "missing_on_portal": "Hồ sơ",
    "missing_at_source": "Hồ sơ",
    "status_differs": "Trạng thái",
    "finish_differs": "Thời điểm kết thúc",
    "due_differs": "Ngày hẹn trả",
    "synced_late": "Thời điểm đồng bộ",
    "suspicious": "Trạng thái",
    "not_synced": "Số hồ sơ",
    "missing_in_province_system": "Hồ sơ",
    "province_system_differs": "Trạng thái",
    "progress_missing": "Tiến độ xử lý",
    "result_missing": "Kết quả giải quyết",
}

#: The 766 components, as the letter names them ("… điểm chỉ tiêu <phrase>"), by the codes of
#: ``indicators.definitions`` — every component of every methodology (a test holds the list complete):
#: a request's points at stake are priced on each component its gaps move.
COMPONENT_PHRASES = {
    "PUBLISH_ON_TIME": "công bố thủ tục hành chính đúng hạn",
    "PUBLIC_UPDATE_ON_TIME": "công khai thủ tục hành chính trên Cơ sở dữ liệu quốc gia đúng hạn",
    "PUBLIC_CONTENT_FULL": "công khai đầy đủ nội dung thủ tục hành chính",
    "DOSSIER_SYNC": "đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia",
    "ON_TIME": "hồ sơ giải quyết đúng hạn",
    "E_RESULT": "cấp kết quả giải quyết thủ tục hành chính điện tử",
    "DIGITISED": "số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "E_CERTIFIED_COPY": "cung cấp dịch vụ chứng thực bản sao điện tử cấp xã",
    "DATA_REUSE": "tái sử dụng dữ liệu đã được số hóa",
    "PERSONAL_STORE": "hồ sơ kết nối kho dữ liệu cá nhân",
    "POPULATION_DATA_DOSSIER": "hồ sơ sử dụng dữ liệu dân cư",
    "POPULATION_DATA_PROCEDURE": "thủ tục hành chính kết nối, khai thác dữ liệu dân cư",
    "ONLINE_OFFERED": "thủ tục hành chính cung cấp dịch vụ công trực tuyến",
    "ONLINE_USED": "dịch vụ công trực tuyến phát sinh hồ sơ",
    "ONLINE_SHARE": "hồ sơ nộp trực tuyến",
    "PAYMENT_INTEGRATED": "thủ tục hành chính có phí được tích hợp thanh toán trực tuyến",
    "PAYMENT_USED": "thủ tục hành chính có phí phát sinh thanh toán trực tuyến",
    "PAYMENT_SHARE": "hồ sơ thanh toán trực tuyến",
    "FEEDBACK_ON_TIME": "xử lý phản ánh, kiến nghị đúng hạn",
    "FEEDBACK_SATISFACTION": "mức độ hài lòng về xử lý phản ánh, kiến nghị",
    "DOSSIER_SATISFACTION": "mức độ hài lòng về giải quyết hồ sơ",
}


def component_phrase(code: str) -> str:
    """A component as the letter names it: the phrase above, else its registered Vietnamese name (never
    the bare code in a signed letter)."""
    if code in COMPONENT_PHRASES:
        return COMPONENT_PHRASES[code]
    with translation.override("vi"):
        name = components.name(code)
    return name[:1].lower() + name[1:] if name != code else code


KINDS = ("gaps", "not_synced", "portal_fault")
BASIS = (
    "Thực hiện Quyết định số 766/QĐ-TTg ngày 23 tháng 6 năm 2022 của Thủ tướng Chính phủ phê duyệt Bộ chỉ "
    "số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp trong thực hiện thủ tục "
    "hành chính, dịch vụ công theo thời gian thực trên môi trường điện tử và đề nghị của Bộ Tư pháp về việc "
    "định kỳ hằng tháng rà soát, tổng hợp, gửi kiến nghị các Bộ, ngành chưa thực hiện hoặc thực hiện việc "
    "tích hợp, đồng bộ chưa đầy đủ, chính xác"
)


def gap_phrase(kind: str) -> str:
    return GAP_PHRASES.get(kind, f"trường hợp sai lệch loại “{kind}”")


def _short_name(province: Agency) -> str:
    """``Thành phố Hà Nội`` → ``Hà Nội`` (the place line)."""
    name = province.name.strip()
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def people_committee(province: Agency) -> str:
    """``Thành phố Hà Nội`` → ``Ủy ban nhân dân thành phố Hà Nội`` (the sender of the letter)."""
    name = province.name.strip()
    first, _, rest = name.partition(" ")
    if first in ("Tỉnh", "Thành") and rest:
        name = f"{first.lower()} {rest}"
    return f"Ủy ban nhân dân {name}"


def number_format(value: Decimal | float | int) -> str:
    """Vietnamese number style: 1.234 and 0,75."""
    if isinstance(value, Decimal | float):
        text = f"{Decimal(value).normalize():f}"
        whole, _, frac = text.partition(".")
        whole = f"{int(whole):,}".replace(",", ".")
        return f"{whole},{frac}" if frac else whole
    return f"{int(value):,}".replace(",", ".")


_number = number_format


def number_placeholder() -> str:
    return f"Số:      /{settings.TTHC_REQUEST_NUMBER_ABBREV}-{settings.TTHC_REQUEST_NUMBER_UNIT}"


def _points(value: Any) -> str:
    return _number(Decimal(value or 0).quantize(Decimal("0.01")))


def systems_of(case: SyncGapRequest) -> list[dict[str, Any]]:
    """The systems listed in the request, each with its own counts and points (the contract's shape)."""
    rows = []
    for entry in case.systems.select_related("source").order_by("source__code"):
        counts = {k: int(v) for k, v in (entry.gap_counts or {}).items() if int(v)}
        rows.append(
            {
                "code": entry.source.code,
                "name": entry.source.name,
                "gap_total": int(entry.gap_total),
                "gaps": counts,
                "points_at_stake": {k: float(v) for k, v in (entry.points_breakdown or {}).items()},
                "dossiers_compared": int(entry.dossiers_compared),
                "reported_count": entry.reported_count,
            }
        )
    return rows


def _system_paragraph(system: dict[str, Any], index: int) -> str:
    letter = "abcdefghijklmnopqrstuvwxyz"[index % 26]
    gaps = system["gaps"]
    # A shortfall against the reported count includes the dossiers listed as missing: the letter lists
    # only what it adds beyond them, so the lines add up to the system's total.
    listed = beyond_listed(gaps)
    lines = sorted(listed.items(), key=lambda kv: (-kv[1], kv[0]))
    head = (
        f"{letter}) {system['name']} ({_number(system['dossiers_compared'])} hồ sơ được rà soát): "
        f"{_number(system['gap_total'])} trường hợp, cụ thể:"
    )
    also = listed.get("not_synced", 0) != gaps.get("not_synced", 0)
    body = [
        f"- {_number(n)} {NOT_SYNCED_BEYOND if also and k == 'not_synced' else gap_phrase(k)}"
        f"{'.' if i == len(lines) - 1 else ';'}"
        for i, (k, n) in enumerate(lines)
    ]
    return "\n".join([head, *body])


#: The ``not_synced`` line beside dossiers listed as missing on the portal: the others.
NOT_SYNCED_BEYOND = (
    "hồ sơ khác đã tiếp nhận nhưng chưa được đồng bộ lên Cổng Dịch vụ công quốc gia (theo số liệu "
    "tiếp nhận của địa phương, ngoài các hồ sơ nêu trên)"
)


def _not_synced_paragraph(system: dict[str, Any], index: int) -> str:
    letter = "abcdefghijklmnopqrstuvwxyz"[index % 26]
    shortfall = int(system["gaps"].get("not_synced", 0))
    reported = system["reported_count"] if system["reported_count"] is not None else shortfall
    on_portal = max(int(reported) - shortfall, 0)
    portal = (
        "Cổng Dịch vụ công quốc gia chưa ghi nhận hồ sơ nào"
        if on_portal == 0
        else f"Cổng Dịch vụ công quốc gia mới ghi nhận {_number(on_portal)} hồ sơ"
    )
    return (
        f"{letter}) {system['name']}: các cơ quan, đơn vị trên địa bàn đã tiếp nhận {_number(reported)} hồ sơ "
        f"trên Hệ thống, nhưng {portal} (còn {_number(shortfall)} hồ sơ chưa được đồng bộ)."
    )


def _impact_paragraph(case: SyncGapRequest) -> str | None:
    points = Decimal(case.points_at_stake or 0)
    if points <= 0:
        return (
            "Việc đồng bộ chưa đầy đủ, chính xác nêu trên làm ảnh hưởng đến kết quả đánh giá Bộ chỉ số "
            "phục vụ người dân, doanh nghiệp của địa phương."
        )
    parts = [
        f"{_points(v)} điểm chỉ tiêu {component_phrase(code)}"
        for code, v in sorted((case.points_breakdown or {}).items(), key=lambda kv: -float(kv[1]))
        if float(v) > 0
    ]
    detail = f", trong đó: {'; '.join(parts)}" if parts else ""
    return (
        "Việc đồng bộ chưa đầy đủ, chính xác nêu trên làm ảnh hưởng đến kết quả đánh giá Bộ chỉ số phục vụ "
        f"người dân, doanh nghiệp của địa phương (ước tính ảnh hưởng {_points(points)} điểm{detail})."
    )


def _names(systems: list[dict[str, Any]]) -> str:
    names = [s["name"] for s in systems]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " và " + names[-1]


def paragraphs(case: SyncGapRequest, systems: list[dict[str, Any]], days: int) -> list[str]:
    """The body of the letter, one string per paragraph, worded for ``case.letter_kind``."""
    kind = case.letter_kind
    sender = people_committee(case.province)
    ministry = case.ministry.name
    month, year = f"{case.period.number:02d}", case.period.year
    addressee_short = "Quý Bộ" if case.ministry.kind == AgencyKind.MINISTRY else "Quý cơ quan"
    total = _number(case.gap_total)
    names = _names(systems) if systems else "Hệ thống thông tin giải quyết TTHC"
    out = []
    if kind == "portal_fault":
        out.append(
            f"{BASIS}, {sender} đã rà soát trạng thái các hồ sơ thủ tục hành chính (TTHC) tháng {month} năm "
            f"{year} được {names} đồng bộ lên Cổng Dịch vụ công quốc gia."
        )
        out.append(
            f"Kết quả rà soát cho thấy có {total} hồ sơ đã được Hệ thống gửi và Cổng Dịch vụ công quốc gia "
            "tiếp nhận, nhưng trạng thái hiển thị trên Cổng không thống nhất với trạng thái xử lý thực tế, cụ thể:"
        )
        out.extend(_system_paragraph(s, i) for i, s in enumerate(systems))
        out.append(_impact_paragraph(case) or "")
        out.append(
            f"Thực hiện chỉ đạo tại Văn bản số 5686/VPCP-CĐS ngày 17 tháng 6 năm 2026 của Văn phòng Chính phủ "
            f"về xử lý các vướng mắc kỹ thuật trong đồng bộ trạng thái hồ sơ, {sender} trân trọng đề nghị "
            f"{ministry} (đơn vị vận hành Cổng Dịch vụ công quốc gia) rà soát, khắc phục lỗi đồng bộ trạng "
            f"thái các hồ sơ nêu trên và phản hồi kết quả cho {sender} trong thời hạn {days} ngày làm việc "
            "kể từ ngày nhận được văn bản này."
        )
    elif kind == "not_synced":
        out.append(
            f"{BASIS}, {sender} đã rà soát việc kết nối, tích hợp, đồng bộ thông tin tiếp nhận, xử lý hồ sơ "
            f"thủ tục hành chính (TTHC) giữa {names} của {ministry} với Cổng Dịch vụ công quốc gia trong "
            f"tháng {month} năm {year}."
        )
        out.append(
            f"Theo số liệu tiếp nhận hồ sơ của địa phương, {names} chưa thực hiện kết nối, tích hợp, đồng bộ "
            f"hồ sơ lên Cổng Dịch vụ công quốc gia ({total} hồ sơ chưa được đồng bộ), cụ thể:"
        )
        out.extend(_not_synced_paragraph(s, i) for i, s in enumerate(systems))
        out.append(_impact_paragraph(case) or "")
        out.append(
            f"{sender} trân trọng đề nghị {ministry} khẩn trương chỉ đạo hoàn thành việc kết nối, tích hợp, "
            f"đồng bộ đầy đủ, chính xác thông tin, dữ liệu, trạng thái xử lý hồ sơ TTHC từ {names} lên Cổng "
            f"Dịch vụ công quốc gia theo yêu cầu tại Văn bản số 39/TTg-KSTT ngày 09 tháng 01 năm 2026 của "
            f"Thủ tướng Chính phủ và phản hồi kết quả cho {sender} trong thời hạn {days} ngày làm việc kể "
            "từ ngày nhận được văn bản này."
        )
    else:
        out.append(
            f"{BASIS}, {sender} đã rà soát việc kết nối, tích hợp, đồng bộ thông tin tiếp nhận, xử lý hồ sơ "
            f"thủ tục hành chính (TTHC) giữa {names} của {ministry} với Cổng Dịch vụ công quốc gia trong "
            f"tháng {month} năm {year}."
        )
        out.append(
            f"Kết quả rà soát cho thấy còn {total} trường hợp chưa được đồng bộ hoặc đồng bộ chưa đầy đủ, "
            "chính xác, cụ thể:"
        )
        out.extend(
            _not_synced_paragraph(s, i) if set(s["gaps"]) == {"not_synced"} else _system_paragraph(s, i)
            for i, s in enumerate(systems)
        )
        out.append(_impact_paragraph(case) or "")
        out.append(
            "Để bảo đảm thông tin, dữ liệu được chia sẻ “đúng, đủ, sạch, sống, thống nhất, dùng chung”, phản "
            f"ánh chính xác tình hình thực tế tại địa phương, {sender} trân trọng đề nghị {ministry} chỉ đạo "
            f"đơn vị quản lý, vận hành {names} rà soát, khắc phục, đồng bộ đầy đủ, chính xác trạng thái, tình "
            f"hình xử lý các hồ sơ nêu trên lên Cổng Dịch vụ công quốc gia và phản hồi kết quả cho {sender} "
            f"trong thời hạn {days} ngày làm việc kể từ ngày nhận được văn bản này."
        )
    out.append("(Danh sách hồ sơ chi tiết tại Phụ lục và tệp đính kèm.)")
    out.append(f"Trân trọng cảm ơn sự quan tâm, phối hợp của {addressee_short}./.")
    return [p for p in out if p]


def summary_line(case: SyncGapRequest) -> str:
    """The "V/v …" line under the number."""
    period = f"{case.period.number:02d}/{case.period.year}"
    kind = case.letter_kind
    if kind == "portal_fault":
        return f"V/v đề nghị khắc phục lỗi đồng bộ trạng thái hồ sơ TTHC trên Cổng Dịch vụ công quốc gia tháng {period}"
    if kind == "not_synced":
        return f"V/v đề nghị kết nối, đồng bộ hồ sơ TTHC lên Cổng Dịch vụ công quốc gia tháng {period}"
    return f"V/v kiến nghị rà soát, đồng bộ đầy đủ, chính xác dữ liệu hồ sơ TTHC tháng {period}"


def recipients(case: SyncGapRequest) -> list[str]:
    sender = people_committee(case.province)
    return [
        "Như trên;",
        "Bộ Tư pháp (Cục Kiểm soát TTHC) (để b/c);",
        "Văn phòng Chính phủ (để b/c);",
        f"Chủ tịch {sender} (để b/c);",
        f"Lưu: VT, {settings.TTHC_REQUEST_NUMBER_UNIT}.",
    ]


def signer(case: SyncGapRequest) -> dict[str, Any]:
    mode = case.signer_mode if case.signed_at else settings.TTHC_REQUEST_SIGNER_MODE
    authority = {"KT.": "CHỦ TỊCH", "TM.": "ỦY BAN NHÂN DÂN"}.get(mode, "")
    return {
        "mode": mode,
        "authority": authority,
        "title": (case.signer_title if case.signed_at else settings.TTHC_REQUEST_SIGNER_TITLE).upper(),
        "name": case.signer_name if case.signed_at else "",
        "signed": case.signed_at is not None,
    }


def signature_line(case: SyncGapRequest) -> str:
    """The signature block on one line, in the letter's order: "KT. CHỦ TỊCH · PHÓ CHỦ TỊCH · Nguyễn
    Văn A" (the mode goes with the authority signed for, not with the signer's own title)."""
    block = signer(case)
    head = f"{block['mode']} {block['authority']}".strip()
    return " · ".join(part for part in (head, block["title"], block["name"]) if part)


def appendix(case: SyncGapRequest, limit: int | None = 200, offset: int = 0) -> list[dict[str, Any]]:
    """The gap list of the request's systems (bounded: ``limit`` rows from ``offset``; ``None``: all):
    the gaps that count (:func:`~reconciliation.models.counted_kinds`), as the body and the attached
    lists count them; a suspicious flag is not a gap and is not reported to the ministry."""
    runs = [r for r in case.systems.values_list("run_id", flat=True) if r]
    qs = (
        Gap.objects.filter(run_id__in=runs)
        .counted()
        .order_by("run__source__code", "kind", "dossier_code")
        .values_list("run__source__code", "kind", "dossier_code", "source_value", "portal_value")
    )
    if case.letter_kind == "portal_fault":
        from .portal import faults_q

        qs = qs.filter(faults_q())
    rows = list(qs[offset : offset + limit] if limit is not None else qs[offset:])
    # A not_synced gap has no dossier: its "code" names the reporting agency (NOT_SYNCED:<code>).
    prefix = NOT_SYNCED_PREFIX
    reporting = {d.removeprefix(prefix) for _, kind, d, _, _ in rows if kind == "not_synced"}
    names = dict(Agency.objects.filter(code__in=reporting).values_list("code", "name")) if reporting else {}

    def dossier_text(kind: str, dossier: str) -> str:
        if kind != "not_synced" or not dossier.startswith(prefix):
            return dossier
        code = dossier.removeprefix(prefix)
        return f"{names[code]} ({code})" if code in names else code

    return [
        {
            "system": system,
            "kind": kind,
            "kind_label": gap_phrase(kind)[:1].upper() + gap_phrase(kind)[1:],
            "dossier": dossier,
            # As the letter prints it: the reporting agency's name for a count without dossiers.
            "dossier_text": dossier_text(kind, dossier),
            "field": GAP_FIELDS.get(kind, ""),
            "source_value": source_value,
            "portal_value": portal_value,
            # As the letter prints them (always Vietnamese): a status with its name, a time as a date
            # and time, a count of steps or dossiers as such; the values above stay as stored.
            "source_text": _value_text(source_value, kind),
            "portal_text": _value_text(portal_value, kind),
        }
        for system, kind, dossier, source_value, portal_value in rows
    ]


def _value_text(value: str, kind: str) -> str:
    with translation.override("vi"):
        return value_label(value, kind)


ADDRESSEE = "Kính gửi:"
RECEIVED = "Nơi nhận:"


def written(body: str) -> tuple[list[str], list[str], list[str]]:
    """(addressees, paragraphs, recipients) of a letter's text as the draft holds it (:func:`render`'s
    layout, as the province may have edited it): blocks separated by blank lines; a first block
    "Kính gửi: …" names the addressees (one per line after the first, "- …", when several), a block
    "Nơi nhận:" lists the recipients ("- …" lines); every other block is a paragraph. A part the text
    leaves out is empty (the caller keeps the generated one)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", body.replace("\r\n", "\n")) if b.strip()]
    addressees: list[str] = []
    received: list[str] = []
    kept = []
    for i, block in enumerate(blocks):
        if i == 0 and block.startswith(ADDRESSEE):
            first, *more = block.splitlines()
            lines = [first.removeprefix(ADDRESSEE), *more]
            addressees = [line.strip().lstrip("-").strip().rstrip(".;") for line in lines]
            addressees = [a for a in addressees if a]
        elif block.startswith(RECEIVED):
            received = [line.strip().lstrip("-").strip() for line in block.splitlines()[1:]]
            received = [r for r in received if r]
        else:
            kept.append(block)
    return addressees, kept, received


def letter_content(
    case: SyncGapRequest, limit: int | None = 200, *, days: int | None = None
) -> dict[str, Any]:
    """Everything the typeset letter needs (the contract with ``reports``; keys documented above and in
    docs/domain.md#the-letter). ``limit`` bounds the appendix (``None``: every gap).

    The words are the draft's (``subject``, ``body``: generated by :func:`render` when the request was
    prepared, then as the province edited them — what the leader read and signed); a request without
    them (none stored) gets the generated ones."""
    systems = systems_of(case)
    signed = case.signed_at
    addressees, texts, received = written(case.body or "")
    return {
        "kind": case.letter_kind,
        "issuer": ["ỦY BAN NHÂN DÂN", case.province.name.upper()],
        "number": case.number_text or number_placeholder(),
        "place": _short_name(case.province),
        "date": timezone.localtime(signed).date() if signed else None,
        "summary": (case.subject or "").strip() or summary_line(case),
        "addressees": addressees or [case.ministry.name],
        "paragraphs": texts or paragraphs(case, systems, days or case.response_days),
        "signer": signer(case),
        "recipients": received or recipients(case),
        "systems": [
            {k: s[k] for k in ("code", "name", "gap_total", "gaps", "points_at_stake")} for s in systems
        ],
        "points_at_stake": float(case.points_at_stake or 0),
        "appendix": appendix(case, limit),
        "draft": case.state == "draft",
    }


def render(case: SyncGapRequest, days: int) -> tuple[str, str]:
    """(subject, body) of the draft from its frozen evidence (the province may edit both)."""
    received = "\n".join([RECEIVED, *(f"- {line}" for line in recipients(case))])
    body = "\n\n".join(
        [f"{ADDRESSEE} {case.ministry.name}.", *paragraphs(case, systems_of(case), days), received]
    )
    return summary_line(case)[:500], body
