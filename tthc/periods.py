"""Reporting periods (month, quarter, year) as half-open intervals in Vietnam time.

``Period`` is the one type of a period everywhere inside the platform; at its boundaries the
adapters of ``tthc.period_fields`` (model field, URL converter, form, serializer and filter fields,
the query-parameter parser) turn text into a ``Period`` and back. ``Period.current()`` and
``Period.last_closed()`` are the only answers to "which month" (docs/adr/0011-app-layout-and-periods.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

#: Every kind of period, and months only (what most pages, runs and requests take).
KINDS = ("month", "quarter", "year")
MONTH = ("month",)
#: Years a parsed period may fall in: its start and end (and its neighbours') are valid dates in any zone.
MIN_YEAR, MAX_YEAR = 1900, 9998

_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})-[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})$"), "year"),
]


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period. ``start`` is inclusive, ``end`` exclusive, both aware (Vietnam time)."""

    kind: str  # "month" | "quarter" | "year"
    year: int
    number: int = 1  # month 1-12, quarter 1-4, 1 for a year

    def __post_init__(self):
        limits = {"month": 12, "quarter": 4, "year": 1}
        if self.kind not in limits:
            raise ValueError(f"unknown period kind {self.kind!r}")
        if not 1 <= self.number <= limits[self.kind]:
            raise ValueError(f"{self.kind} number must be 1..{limits[self.kind]}, got {self.number}")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls("month", year, month)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        return cls("quarter", year, quarter)

    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls("year", year, 1)

    @classmethod
    def parse(cls, text: str | Period, kinds: tuple[str, ...] = KINDS) -> Period:
        """Parse ``2026-10`` (month), ``2026-Q4`` (quarter) or ``2026`` (year), of one of ``kinds``.

        Raises ``ValueError`` naming the text and what was expected. People's input goes through
        ``tthc.period_fields.parse``, which says the same in their language."""
        if isinstance(text, Period):
            period = text
        else:
            value = str(text).strip()
            for pattern, kind in _PATTERNS:
                m = pattern.match(value)
                if m:
                    year = int(m.group(1))
                    number = int(m.group(2)) if kind != "year" else 1
                    try:
                        if not MIN_YEAR <= year <= MAX_YEAR:
                            raise ValueError(f"year must be {MIN_YEAR}..{MAX_YEAR}, got {year}")
                        period = cls(kind, year, number)
                    except ValueError as exc:
                        raise ValueError(f"invalid period {text!r}: {exc}") from None
                    break
            else:
                raise ValueError(f"invalid period {text!r}: expected {expected(kinds)}")
        if period.kind not in kinds:
            raise ValueError(f"invalid period {text!r}: expected {expected(kinds)}")
        return period

    @classmethod
    def current(cls, now: datetime | None = None) -> Period:
        """The month in progress in Vietnam time: what live pages and the live recompute show."""
        if now is None:
            from django.utils import timezone

            now = timezone.now()
        return cls.containing(now, "month")

    @classmethod
    def last_closed(cls, now: datetime | None = None) -> Period:
        """The month before the current one — the last month whose 766 results are published: what
        pages and endpoints show when no period is given, and what monthly jobs close."""
        return cls.current(now).previous()

    @classmethod
    def containing(cls, moment: datetime | date, kind: str = "month") -> Period:
        if isinstance(moment, datetime):
            moment = moment.astimezone(VN_TZ).date() if moment.tzinfo else moment.date()
        if kind == "month":
            return cls.month(moment.year, moment.month)
        if kind == "quarter":
            return cls.quarter(moment.year, (moment.month - 1) // 3 + 1)
        return cls.of_year(moment.year)

    @property
    def first_day(self) -> date:
        if self.kind == "month":
            return date(self.year, self.number, 1)
        if self.kind == "quarter":
            return date(self.year, 3 * (self.number - 1) + 1, 1)
        return date(self.year, 1, 1)

    @property
    def next_first_day(self) -> date:
        return self.next().first_day

    @property
    def start(self) -> datetime:
        d = self.first_day
        return datetime(d.year, d.month, d.day, tzinfo=VN_TZ)

    @property
    def end(self) -> datetime:
        d = self.next_first_day
        return datetime(d.year, d.month, d.day, tzinfo=VN_TZ)

    def next(self) -> Period:
        if self.kind == "year":
            return Period.of_year(self.year + 1)
        size = 12 if self.kind == "month" else 4
        if self.number == size:
            return Period(self.kind, self.year + 1, 1)
        return Period(self.kind, self.year, self.number + 1)

    def previous(self) -> Period:
        if self.kind == "year":
            return Period.of_year(self.year - 1)
        size = 12 if self.kind == "month" else 4
        if self.number == 1:
            return Period(self.kind, self.year - 1, size)
        return Period(self.kind, self.year, self.number - 1)

    def __contains__(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def __str__(self) -> str:
        if self.kind == "month":
            return f"{self.year:04d}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{self.number}"
        return f"{self.year:04d}"


def expected(kinds: tuple[str, ...] = KINDS) -> str:
    """The accepted forms, for messages: ``YYYY-MM`` or ``YYYY-MM, YYYY-Qn or YYYY``."""
    forms = [
        form
        for kind, form in (("month", "YYYY-MM"), ("quarter", "YYYY-Qn"), ("year", "YYYY"))
        if kind in kinds
    ]
    return forms[0] if len(forms) == 1 else ", ".join(forms[:-1]) + " or " + forms[-1]
