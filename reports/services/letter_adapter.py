"""TEMPORARY: the letter's content from today's request model, in the shape of the contract
``complaints.services.letters.letter_content(case) -> dict`` that the requests issue (#12) adds.

Keys: kind, issuer, number, place, date, summary, addressees, paragraphs, signer{mode, authority,
title, name, signed}, recipients, systems[{code, name, gap_total, gaps, points_at_stake}],
points_at_stake, appendix[{system, kind, kind_label, dossier, field, source_value, portal_value}],
draft. Deleted once that function exists (the renderer then calls it directly).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from complaints.models import SyncGapRequest
from complaints.services.letters import gap_phrase
from complaints.workflow import State
from reconciliation.models import GapKind

FIELDS: dict[str, str] = {
    GapKind.STATUS_DIFFERS.value: "Trạng thái",
    GapKind.FINISH_DIFFERS.value: "Thời điểm kết thúc xử lý",
    GapKind.DUE_DIFFERS.value: "Ngày hẹn trả",
    GapKind.SYNCED_LATE.value: "Thời điểm đồng bộ",
    GapKind.MISSING_ON_PORTAL.value: "Hồ sơ",
    GapKind.MISSING_AT_SOURCE.value: "Hồ sơ",
}


def _body_paragraphs(body: str) -> list[str]:
    """The stored body without its ``Kính gửi`` line and its ``Nơi nhận`` list (typeset apart)."""
    text = body.split("\nNơi nhận:")[0]
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    return [p for p in paragraphs if not p.startswith("Kính gửi")]


def letter_content(case: SyncGapRequest) -> dict[str, Any]:
    province, ministry, source = case.province, case.ministry, case.source
    counts = {k: int(v) for k, v in (case.gap_counts or {}).items() if int(v)}
    points = Decimal(case.points_at_stake or 0)
    appendix = []
    if case.run is not None:
        for gap in case.run.gaps.order_by("kind", "dossier_code").iterator(chunk_size=2000):
            appendix.append(
                {
                    "system": source.name,
                    "kind": gap.kind,
                    "kind_label": gap_phrase(gap.kind),
                    "dossier": gap.dossier_code,
                    "field": FIELDS.get(gap.kind, gap.detail or ""),
                    "source_value": gap.source_value,
                    "portal_value": gap.portal_value,
                }
            )
    place = province.short_name or province.name.replace("Thành phố ", "").replace("Tỉnh ", "")
    return {
        "kind": "gaps",
        "issuer": ["ỦY BAN NHÂN DÂN", province.name.upper()],
        "number": "",
        "place": place,
        "date": timezone.localdate(case.submitted_at) if case.submitted_at else None,
        "summary": case.subject.removeprefix("V/v ").strip(),
        "addressees": [ministry.name],
        "paragraphs": _body_paragraphs(case.body),
        "signer": {
            "mode": "KT.",
            "authority": "CHỦ TỊCH",
            "title": "PHÓ CHỦ TỊCH",
            "name": "",
            "signed": False,
        },
        "recipients": [
            "Như trên;",
            "Bộ Tư pháp (Cục Kiểm soát TTHC) (để b/c);",
            "Văn phòng Chính phủ (để b/c);",
            "Lưu: VT, KSTT.",
        ],
        "systems": [
            {
                "code": source.code,
                "name": source.name,
                "gap_total": case.gap_total,
                "gaps": counts,
                "points_at_stake": points,
            }
        ],
        "points_at_stake": points,
        "appendix": appendix,
        "draft": case.state == State.DRAFT,
    }
