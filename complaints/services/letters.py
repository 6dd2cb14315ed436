"""The request's subject and body, written like the Government's official letters.

The layout and the rules are in docs/domain.md#preparation.

The wording is Vietnamese data (an official letter), not interface text, so it lives in editable
templates (``templates/complaints/letter/``) rather than in translation catalogues; the province
edits the draft before submitting it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string

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
}


def gap_phrase(kind: str) -> str:
    return GAP_PHRASES.get(kind, f"trường hợp sai lệch loại “{kind}”")


def people_committee(province: Agency) -> str:
    """``Thành phố Hà Nội`` → ``Ủy ban nhân dân thành phố Hà Nội`` (the sender of the letter)."""
    name = province.name.strip()
    first, _, rest = name.partition(" ")
    if first in ("Tỉnh", "Thành") and rest:
        name = f"{first.lower()} {rest}"
    return f"Ủy ban nhân dân {name}"


def _number(value: Decimal | float | int) -> str:
    """Vietnamese number style: 1.234 and 0,75."""
    if isinstance(value, Decimal | float):
        text = f"{Decimal(value).normalize():f}"
        whole, _, frac = text.partition(".")
        whole = f"{int(whole):,}".replace(",", ".")
        return f"{whole},{frac}" if frac else whole
    return f"{int(value):,}".replace(",", ".")


def context(case: SyncGapRequest, days: int) -> dict[str, Any]:
    year, month = str(case.period.year), f"{case.period.number:02d}"
    ministry = case.ministry
    counts = {k: int(v) for k, v in (case.gap_counts or {}).items() if int(v)}
    lines = [
        {"count": _number(n), "phrase": gap_phrase(k)}
        for k, n in sorted(counts.items(), key=lambda kv: -kv[1])
    ]
    points = Decimal(case.points_at_stake or 0)
    return {
        "ministry": ministry,
        "source": case.source,
        "province": case.province,
        "sender": people_committee(case.province),
        "addressee_short": "Quý Bộ" if ministry.kind == AgencyKind.MINISTRY else "Quý cơ quan",
        "month": month,
        "year": year,
        "dossiers": _number(case.dossiers_compared),
        "total": _number(case.gap_total),
        "lines": lines,
        "points": _number(points.quantize(Decimal("0.01"))) if points > 0 else "",
        "days": days,
    }


def render(case: SyncGapRequest, days: int) -> tuple[str, str]:
    """(subject, body) for ``case`` from its frozen evidence."""
    ctx = context(case, days)
    subject = render_to_string("complaints/letter/subject.txt", ctx).strip()
    body = render_to_string("complaints/letter/body.txt", ctx).strip()
    return subject[:500], body
