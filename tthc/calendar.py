"""The working-day calendar: the only code in the platform that counts days (docs/domain.md#deadlines).

A day is a working day when the ``holidays`` package's Vietnam calendar says so (weekends, public
holidays, the Government's swapped days and make-up Saturdays it knows), unless a
``CalendarOverride`` row says otherwise. Office hours are configurable segments
(``TTHC_OFFICE_HOURS``, default 07:00–11:30 and 13:30–17:00): one working day is their sum (8 hours).

Everything is computed on a table of working days built once per process and cached (rebuilt when
an override changes, and at the latest every ``TTHC_CALENDAR_CACHE_SECONDS``). A moment is mapped
to its *working-second ordinal* — the working time elapsed since the table's first day — so adding
working time or measuring it between two moments is a couple of binary searches, whatever the span.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"
_FIRST_YEAR = 2010
_YEARS_AHEAD = 6


@dataclass(frozen=True)
class _Table:
    first: date
    last: date
    working: tuple[date, ...]  # sorted working days in [first, last]
    segments: tuple[tuple[int, int], ...]  # office-hour segments, seconds since midnight
    day_seconds: int
    built_at: float


_lock = threading.Lock()
_table: _Table | None = None


def _parse_segments(spec: Iterable[object]) -> tuple[tuple[int, int], ...]:
    segments = []
    for item in spec:
        start, end = (part.strip() for part in str(item).split("-"))
        s = _hhmm(start)
        e = _hhmm(end)
        if e <= s:
            raise ValueError(f"TTHC_OFFICE_HOURS segment {item!r} ends before it starts")
        segments.append((s, e))
    segments.sort()
    for (_, e1), (s2, _) in zip(segments, segments[1:], strict=False):
        if s2 < e1:
            raise ValueError("TTHC_OFFICE_HOURS segments overlap")
    if not segments:
        raise ValueError("TTHC_OFFICE_HOURS is empty")
    return tuple(segments)


def _hhmm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def _load_overrides() -> dict[date, bool]:
    """Override rows as {date: is_working}. Tolerates a database that is not migrated yet."""
    from django.db import DatabaseError

    from .models import CalendarOverride, OverrideKind

    try:
        return {
            d: kind == OverrideKind.WORKING_DAY
            for d, kind in CalendarOverride.objects.values_list("date", "kind")
        }
    except DatabaseError:
        return {}


def _build(first_year: int, last_year: int) -> _Table:
    vn = holidays.country_holidays("VN", years=range(first_year, last_year + 1))
    overrides = _load_overrides()
    first, last = date(first_year, 1, 1), date(last_year, 12, 31)
    working = []
    day = first
    one = timedelta(days=1)
    while day <= last:
        is_working = overrides.get(day)
        if is_working is None:
            is_working = vn.is_working_day(day)
        if is_working:
            working.append(day)
        day += one
    segments = _parse_segments(settings.TTHC_OFFICE_HOURS)
    return _Table(
        first=first,
        last=last,
        working=tuple(working),
        segments=segments,
        day_seconds=sum(e - s for s, e in segments),
        built_at=time.monotonic(),
    )


def _get(*days: date) -> _Table:
    """The cached table, rebuilt when stale or when it does not cover ``days``."""
    global _table
    table = _table
    ttl = settings.TTHC_CALENDAR_CACHE_SECONDS
    needs_first = min(days).year if days else None
    needs_last = max(days).year if days else None
    if (
        table is not None
        and time.monotonic() - table.built_at < ttl
        and (
            needs_first is None
            or needs_last is None
            or (table.first.year <= needs_first and needs_last <= table.last.year)
        )
    ):
        return table
    with _lock:
        table = _table
        first_year = min(_FIRST_YEAR, needs_first or _FIRST_YEAR, table.first.year if table else _FIRST_YEAR)
        today_year = date.today().year
        last_year = max(today_year + _YEARS_AHEAD, (needs_last or today_year) + _YEARS_AHEAD)
        if table is not None:
            last_year = max(last_year, table.last.year)
        _table = _build(first_year, last_year)
        return _table


def invalidate() -> None:
    """Forget the cached table (called when a CalendarOverride changes)."""
    global _table
    with _lock:
        _table = None


# --- Days ------------------------------------------------------------------------------------------


def is_working_day(day: date) -> bool:
    table = _get(day)
    i = bisect_left(table.working, day)
    return i < len(table.working) and table.working[i] == day


def next_working_day(day: date, include_today: bool = True) -> date:
    table = _get(day)
    i = bisect_left(table.working, day) if include_today else bisect_right(table.working, day)
    return table.working[i]


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted).

    ``add_working_days(d, 0)`` is ``d``; a negative count walks back.
    """
    if days == 0:
        return start
    table = _get(start)
    if days > 0:
        i = bisect_right(table.working, start) + days - 1
    else:
        i = bisect_left(table.working, start) + days
    if not 0 <= i < len(table.working):
        # The table grows by whole years: reach a year further so that a walk back from early January of
        # its first year is covered too (a negative index would silently wrap to the table's end).
        table = _get(start, start + timedelta(days=2 * days + (366 if days > 0 else -366)))
        i = (
            bisect_right(table.working, start) + days - 1
            if days > 0
            else bisect_left(table.working, start) + days
        )
        if not 0 <= i < len(table.working):
            raise ValueError("date beyond the working-day calendar's range")
    return table.working[i]


def working_days_between(start: date, end: date) -> int:
    """Working days ``d`` with ``start < d <= end`` (negative when ``end`` is before ``start``)."""
    table = _get(start, end)
    return bisect_right(table.working, end) - bisect_right(table.working, start)


# --- Working time ----------------------------------------------------------------------------------


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("calendar functions need timezone-aware datetimes")
    return moment.astimezone(VN_TZ)


def _ordinal(table: _Table, moment: datetime) -> int:
    """Working seconds from the table's first day to ``moment``.

    A moment outside office hours maps to the next office-hour instant, so receipt after 17:00 or
    on a day off counts from the next working morning, and receipt in the lunch break from 13:30.
    """
    local = _local(moment)
    day = local.date()
    i = bisect_left(table.working, day)
    if i < len(table.working) and table.working[i] == day:
        secs = local.hour * 3600 + local.minute * 60 + local.second
        offset = 0
        for s, e in table.segments:
            if secs >= e:
                offset += e - s
            elif secs > s:
                offset += secs - s
        return i * table.day_seconds + offset
    return i * table.day_seconds


def _moment(table: _Table, ordinal: int, end_of_day: bool) -> datetime:
    """Inverse of ``_ordinal``. With ``end_of_day`` an exact day boundary is 17:00 of the day that
    ends there (a deadline), otherwise 07:00 of the next working day (a start)."""
    L = table.day_seconds
    if end_of_day and ordinal > 0:
        index, rem = divmod(ordinal - 1, L)
        rem += 1
    else:
        index, rem = divmod(ordinal, L)
    if not 0 <= index < len(table.working):
        raise ValueError("date beyond the working-day calendar's range")
    day = table.working[index]
    clock = table.segments[-1][1]
    for s, e in table.segments:
        length = e - s
        if rem < length or (end_of_day and rem == length):
            clock = s + rem
            break
        rem -= length
    base = datetime(day.year, day.month, day.day, tzinfo=VN_TZ)
    return base + timedelta(seconds=clock)


def next_office_moment(moment: datetime) -> datetime:
    """``moment`` if it is within office hours on a working day, else the next office-hour start."""
    table = _get(_local(moment).date())
    return _moment(table, _ordinal(table, moment), end_of_day=False)


def working_seconds_between(start: datetime, end: datetime) -> int:
    """Office-hour seconds between two moments (negative when ``end`` is earlier)."""
    table = _get(_local(start).date(), _local(end).date())
    return _ordinal(table, end) - _ordinal(table, start)


def add_working_seconds(moment: datetime, seconds: int) -> datetime:
    """Add office-hour time to a moment; the result is a deadline (day boundaries end at 17:00)."""
    local = _local(moment)
    horizon = local.date() + timedelta(days=max(0, seconds) // 3600 + 400)
    earliest = local.date() - timedelta(days=max(0, -seconds) // 3600 + 400)  # walking back, too
    table = _get(local.date(), horizon, earliest)
    return _moment(table, _ordinal(table, moment) + int(seconds), end_of_day=seconds > 0)


def working_day_seconds() -> int:
    """Length of one working day in seconds (the sum of the office-hour segments)."""
    return _get().day_seconds


def due_at(
    received_at: datetime,
    amount: Decimal | float | str,
    unit: str = WORKING_DAYS,
    pauses: Iterable[tuple[datetime, datetime]] = (),
) -> datetime:
    """The due date (NgayHenTra) of a dossier received at ``received_at``.

    ``amount`` working days are ``amount`` × one working day of office time (8 hours), counted from
    the next office-hour instant; a fractional amount is allowed (0.5 = 4 office hours). With
    ``calendar_days`` the due date is ``amount`` days later, moved to the next working day when it
    falls on a day off. ``pauses`` — (start, end) pairs of supplement or financial-obligation waits —
    push the due date back by the office time (or, for calendar days, the time) they lasted.
    """
    amount = Decimal(str(amount))
    if amount < 0:
        raise ValueError("processing time cannot be negative")
    start = next_office_moment(received_at)
    if unit == WORKING_DAYS:
        result = add_working_seconds(start, int(amount * working_day_seconds()))
        for pause_start, pause_end in pauses:
            pause_start, pause_end = (
                _local(pause_start),
                _local(pause_end),
            )  # naive → ValueError, not TypeError
            paused = working_seconds_between(max(pause_start, received_at), pause_end)
            if paused > 0:
                result = add_working_seconds(result, paused)
        return result
    if unit == CALENDAR_DAYS:
        result = start + timedelta(days=float(amount))
        for pause_start, pause_end in pauses:
            pause_start, pause_end = _local(pause_start), _local(pause_end)
            paused_for = pause_end - max(pause_start, received_at)
            if paused_for > timedelta(0):
                result += paused_for
        local = _local(result)
        if not is_working_day(local.date()):
            day = next_working_day(local.date())
            result = datetime.combine(day, local.timetz())
        return result
    raise ValueError(f"unknown processing unit {unit!r}: expected {WORKING_DAYS!r} or {CALENDAR_DAYS!r}")
