"""Office-time arithmetic for the generator: ``tthc.calendar`` on integer epoch seconds, memoised."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tthc import calendar

from .distributions import VN_TZ


class Clock:
    """``tthc.calendar`` on integer epoch seconds (the generator's hot path).

    ``ordinal(t)`` is ``calendar.working_seconds_between(ref, t)`` for a fixed ``ref`` before the
    window, and ``moment(o)`` is ``calendar.add_working_seconds(ref, o)``; so
    ``moment(ordinal(t) + k)`` *is* ``calendar.add_working_seconds(t, k)`` for k > 0, and
    ``ordinal(b) - ordinal(a)`` *is* ``calendar.working_seconds_between(a, b)``. The arithmetic is
    the calendar's own (:class:`tthc.calendar.EpochCalendar`): nothing here counts days.
    """

    #: How far past ``ref`` the generator's moments reach (due dates, apology letters' new dates).
    YEARS = 12

    def __init__(self, ref: datetime):
        self.ref = ref
        self._calendar = calendar.EpochCalendar(ref.date(), ref.date() + timedelta(days=366 * self.YEARS))
        self._base = self._calendar.ordinal(int(ref.timestamp()))
        self._ordinal = self._calendar.ordinal
        self._moment = self._calendar.moment
        self._back: dict[tuple, date] = {}

    @staticmethod
    def dt(t: int) -> datetime:
        return datetime.fromtimestamp(t, VN_TZ)

    def ordinal(self, t: int) -> int:
        return self._ordinal(t) - self._base

    def moment(self, o: int) -> int:
        return self._moment(self._base + o, o > 0)

    def add(self, t: int, seconds: int) -> int:
        """``calendar.add_working_seconds(t, seconds)`` (seconds > 0)."""
        return self.moment(self.ordinal(t) + seconds)

    def due(self, received: int, proc, pauses=()) -> int:
        """``calendar.due_at`` for a dossier received at ``received`` (``pauses``: epoch pairs)."""
        return self._calendar.due(received, proc.amount, proc.unit, pauses)

    def working_days_before(self, day: date, days: int) -> date:
        key = (day, days)
        found = self._back.get(key)
        if found is None:
            found = self._back[key] = calendar.add_working_days(day, -days)
        return found
