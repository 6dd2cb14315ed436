"""Vietnamese typesetting conventions shared by every document (Decree 30/2020/NĐ-CP, Appendix I).

Numbers in the text use Vietnamese separators (``1.234``, ``0,75``); numbers inside SVG drawings never
do (they are coordinates). Dates in the place-and-date line carry a leading zero for days below 10 and
months below 3 (``ngày 05 tháng 02 năm 2026``, ``ngày 15 tháng 12 năm 2026``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from core import formatting

#: Room left for a hand-written number or day (no-break spaces: HTML would collapse plain ones).
BLANK = "\u00a0" * 8


def number(value: Decimal | float | int | str | None, places: int | None = None) -> str:
    """A number in a document: Vietnamese separators, rounded half up, a true minus sign — the same
    text as the pages (:func:`core.formatting.number`, always in Vietnamese)."""
    return formatting.number(value, places, lang="vi")


def signed(value: Decimal | float | None, places: int = 2) -> str:
    """A change: ``+1,25`` / ``−4,75`` (:func:`core.formatting.signed`)."""
    return formatting.signed(value, places, lang="vi")


def percent(value: Decimal | float | None, places: int = 1) -> str:
    """A fraction as a percentage: ``0.947`` → ``94,7 %`` (:func:`core.formatting.percent`)."""
    return formatting.percent(value, places, ratio=True, lang="vi")


def as_date(value: date | datetime | str | None) -> date:
    if value is None or value == "":
        return timezone.localdate()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def long_date(value: date | datetime | str | None) -> str:
    """``ngày 05 tháng 12 năm 2026`` (leading zero: days below 10, months below 3)."""
    d = as_date(value)
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def blank_day_date(today: date | None = None) -> str:
    """``ngày      tháng 12 năm 2026``: an unsigned letter's date, the day left for the signer."""
    d = today or timezone.localdate()
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày{BLANK}tháng {month} năm {d.year}"


def short_date(value: date | datetime | str | None) -> str:
    d = as_date(value)
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def moment(value: datetime | None) -> str:
    """``14 giờ 30 phút, ngày 05/12/2026`` in Vietnam time."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return f"{local.hour:02d} giờ {local.minute:02d} phút, ngày {short_date(local)}"


def month_label(period: object) -> str:
    text = str(period)
    if len(text) == 7 and text[4] == "-":
        return f"tháng {int(text[5:])} năm {text[:4]}"
    if "-Q" in text:
        return f"quý {text[-1]} năm {text[:4]}"
    return f"năm {text}"
