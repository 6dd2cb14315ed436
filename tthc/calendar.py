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

import math
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
#: Vietnam time has been UTC+7 without daylight saving since 1975, so a local day is a fixed span of
#: epoch seconds: the arithmetic below runs on integers (``_build`` checks the offset of its range).
_UTC_OFFSET = 7 * 3600
_DAY = 86_400
_EPOCH_DAY = date(1970, 1, 1).toordinal()
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
    #: The same days on epoch seconds: ``first`` as a day number since 1970-01-01, then per calendar
    #: day of [first, last] the working days before it and whether it is one, and the epoch second
    #: of each working day's local midnight.
    day0: int = 0
    before: tuple[int, ...] = ()
    flags: bytes = b""
    midnights: tuple[int, ...] = ()


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
    for year in (first_year, last_year):
        if VN_TZ.utcoffset(datetime(year, 7, 1)) != timedelta(seconds=_UTC_OFFSET):
            raise ValueError(f"the calendar assumes UTC+7 in {year}")
    day0 = first.toordinal() - _EPOCH_DAY
    before, flags, count = [], bytearray(), 0
    working_numbers = {d.toordinal() - _EPOCH_DAY for d in working}
    for number in range(day0, last.toordinal() - _EPOCH_DAY + 1):
        before.append(count)
        is_working = number in working_numbers
        flags.append(is_working)
        count += is_working
    return _Table(
        first=first,
        last=last,
        working=tuple(working),
        segments=segments,
        day_seconds=sum(e - s for s, e in segments),
        built_at=time.monotonic(),
        day0=day0,
        before=tuple(before),
        flags=bytes(flags),
        midnights=tuple((d.toordinal() - _EPOCH_DAY) * _DAY - _UTC_OFFSET for d in working),
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
    """Working seconds from the table's first day to ``moment`` (:func:`_epoch_ordinal`)."""
    if moment.tzinfo is None:
        raise ValueError("calendar functions need timezone-aware datetimes")
    return _epoch_ordinal(table, math.floor(moment.timestamp()))


def _epoch_ordinal(table: _Table, t: int) -> int:
    """Working seconds from the table's first day to the epoch second ``t``.

    A moment outside office hours maps to the next office-hour instant, so receipt after 17:00 or
    on a day off counts from the next working morning, and receipt in the lunch break from 13:30.
    """
    local = t + _UTC_OFFSET
    k = local // _DAY - table.day0
    if k < 0:
        return 0
    if k >= len(table.before):
        return len(table.working) * table.day_seconds
    base = table.before[k] * table.day_seconds
    if not table.flags[k]:
        return base
    secs = local % _DAY
    for s, e in table.segments:
        if secs >= e:
            base += e - s
        elif secs > s:
            base += secs - s
    return base


def _moment(table: _Table, ordinal: int, end_of_day: bool) -> datetime:
    """Inverse of ``_ordinal`` (:func:`_epoch_moment`), in Vietnam time."""
    return datetime.fromtimestamp(_epoch_moment(table, ordinal, end_of_day), VN_TZ)


def _epoch_moment(table: _Table, ordinal: int, end_of_day: bool) -> int:
    """Inverse of ``_epoch_ordinal``. With ``end_of_day`` an exact day boundary is 17:00 of the day
    that ends there (a deadline), otherwise 07:00 of the next working day (a start)."""
    L = table.day_seconds
    if end_of_day and ordinal > 0:
        index, rem = divmod(ordinal - 1, L)
        rem += 1
    else:
        index, rem = divmod(ordinal, L)
    if not 0 <= index < len(table.working):
        raise ValueError("date beyond the working-day calendar's range")
    clock = table.segments[-1][1]
    for s, e in table.segments:
        length = e - s
        if rem < length or (end_of_day and rem == length):
            clock = s + rem
            break
        rem -= length
    return table.midnights[index] + clock


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
    amount = _amount(amount)
    if unit == WORKING_DAYS:
        local = _local(received_at)
        seconds = int(amount * working_day_seconds())
        epoch_pauses = []
        for pause_start, pause_end in pauses:
            pause_start, pause_end = _local(pause_start), _local(pause_end)  # naive → ValueError
            epoch_pauses.append((math.floor(pause_start.timestamp()), math.floor(pause_end.timestamp())))
        horizon = local.date() + timedelta(
            days=seconds // 3600 + 400 + sum(b - a for a, b in epoch_pauses) // 3600
        )
        table = _get(local.date(), horizon)
        due = _working_due(table, math.floor(received_at.timestamp()), seconds, epoch_pauses)
        return datetime.fromtimestamp(due, VN_TZ)
    start = next_office_moment(received_at)
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


def _amount(amount: Decimal | float | str) -> Decimal:
    """A processing time as a ``Decimal``, refused when negative."""
    if amount.__class__ is not Decimal:
        amount = Decimal(str(amount))
    if amount < 0:
        raise ValueError("processing time cannot be negative")
    return amount


def _working_due(table: _Table, received: int, seconds: int, pauses: Iterable[tuple[int, int]]) -> int:
    """:func:`due_at` in working days on epoch seconds: ``seconds`` of office time from the next
    office-hour instant after ``received``, then each pause's office time after the receipt."""
    result = _epoch_moment(table, _epoch_ordinal(table, received) + seconds, end_of_day=seconds > 0)
    for start, end in pauses:
        paused = _epoch_ordinal(table, end) - _epoch_ordinal(table, max(start, received))
        if paused > 0:
            result = _epoch_moment(table, _epoch_ordinal(table, result) + paused, end_of_day=True)
    return result


class EpochCalendar:
    """The working-time arithmetic above on integer epoch seconds, bound to one table.

    For code that handles millions of moments (the demo's generator): no datetimes, and no check of
    the cached table per call. ``ordinal``/``moment`` are the module's working-second ordinals
    (relative to the table's first day), so ``moment(ordinal(t) + k, True)`` is
    ``add_working_seconds(t, k)`` for ``k > 0``. The table is the one current when it was made: an
    override changed afterwards is not seen (make a new one).
    """

    def __init__(self, first: date, last: date):
        self.table = _get(first, last)
        self.day_seconds = self.table.day_seconds

    def ordinal(self, t: int) -> int:
        return _epoch_ordinal(self.table, t)

    def moment(self, ordinal: int, end_of_day: bool) -> int:
        return _epoch_moment(self.table, ordinal, end_of_day)

    def due(
        self, received: int, amount: Decimal | float | str, unit: str, pauses: Iterable[tuple[int, int]] = ()
    ) -> int:
        """:func:`due_at` on epoch seconds (``pauses``: pairs of epoch seconds)."""
        if unit == WORKING_DAYS:
            seconds = int(_amount(amount) * self.day_seconds)
            return _working_due(self.table, received, seconds, pauses)
        moments = [(datetime.fromtimestamp(a, VN_TZ), datetime.fromtimestamp(b, VN_TZ)) for a, b in pauses]
        return math.floor(due_at(datetime.fromtimestamp(received, VN_TZ), amount, unit, moments).timestamp())
