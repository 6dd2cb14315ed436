"""Office-time arithmetic for the generator: ``tthc.calendar`` on integer epoch seconds, memoised."""

from __future__ import annotations

from datetime import date, datetime

from tthc import calendar

from .distributions import VN_TZ


class Clock:
    """``tthc.calendar`` on integer epoch seconds, memoised (the generator's hot path).

    ``ordinal(t)`` is ``calendar.working_seconds_between(ref, t)`` for a fixed ``ref`` before the
    window, and ``moment(o)`` is ``calendar.add_working_seconds(ref, o)``; so
    ``moment(ordinal(t) + k)`` *is* ``calendar.add_working_seconds(t, k)`` for k > 0, and
    ``ordinal(b) - ordinal(a)`` *is* ``calendar.working_seconds_between(a, b)``. All generated
    offsets are whole minutes, so the caches hit almost always at scale. Nothing here counts days.
    """

    LIMIT = 2_000_000  # entries per cache before it is cleared (memory stays bounded)

    def __init__(self, ref: datetime):
        self.ref = ref
        self._ord: dict[int, int] = {}
        self._mom: dict[int, int] = {}
        self._due: dict[int, int] = {}
        self._back: dict[tuple, date] = {}

    @staticmethod
    def dt(t: int) -> datetime:
        return datetime.fromtimestamp(t, VN_TZ)

    def ordinal(self, t: int) -> int:
        o = self._ord.get(t)
        if o is None:
            if len(self._ord) > self.LIMIT:
                self._ord.clear()
            o = self._ord[t] = calendar.working_seconds_between(self.ref, self.dt(t))
        return o

    def moment(self, o: int) -> int:
        t = self._mom.get(o)
        if t is None:
            if len(self._mom) > self.LIMIT:
                self._mom.clear()
            t = self._mom[o] = int(calendar.add_working_seconds(self.ref, o).timestamp())
        return t

    def add(self, t: int, seconds: int) -> int:
        """``calendar.add_working_seconds(t, seconds)`` (seconds > 0)."""
        return self.moment(self.ordinal(t) + seconds)

    def due(self, received: int, proc, pauses=()) -> int:
        """``calendar.due_at`` for a dossier received at ``received``.

        Without pauses the result is memoised per (office-time ordinal of the receipt, processing
        time): ``due_at`` counts from the next office-hour instant, so every receipt with the same
        ordinal (e.g. all of one night's online filings) has the same due date.
        """
        dt = self.dt
        if pauses:
            pauses = [(dt(a), dt(b)) for a, b in pauses]
            return int(calendar.due_at(dt(received), proc.amount, proc.unit, pauses).timestamp())
        key = self.ordinal(received) * 4096 + proc.term
        t = self._due.get(key)
        if t is None:
            if len(self._due) > self.LIMIT:
                self._due.clear()
            t = self._due[key] = int(calendar.due_at(dt(received), proc.amount, proc.unit).timestamp())
        return t

    def working_days_before(self, day: date, days: int) -> date:
        key = (day, days)
        found = self._back.get(key)
        if found is None:
            found = self._back[key] = calendar.add_working_days(day, -days)
        return found
