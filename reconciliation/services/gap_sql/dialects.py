"""Time arithmetic per database (PostgreSQL, SQLite) for the comparison statement."""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod

from django.db import connection


class _Dialect(ABC):
    """Time arithmetic per database. Comparisons on millions of rows stay in the native types
    (PostgreSQL: timestamp ± interval, never numeric epochs); SQLite stores text and uses julianday."""

    full_join = True

    @abstractmethod
    def fmt(self, expr: str) -> str:
        """SQL rendering the timestamp ``expr`` as the portal's ``yyyyMMddHHmmss`` in Vietnam time."""

    @abstractmethod
    def seconds(self, a: str, b: str) -> str:
        """``a - b`` in seconds, as a number (for display)."""

    def later_by(self, a: str, b: str, seconds: float) -> str:
        """``a`` is more than ``seconds`` after ``b``."""
        return f"({self.seconds(a, b)} > {float(seconds)!r})"

    def within(self, a: str, b: str, seconds: float) -> str:
        """``a`` and ``b`` are less than ``seconds`` apart."""
        return f"(abs({self.seconds(a, b)}) < {float(seconds)!r})"

    def text(self, expr: str) -> str:
        return f"CAST({expr} AS TEXT)"

    def differs(self, a: str, b: str, tolerance: float) -> str:
        """Whether two optional times differ by more than ``tolerance`` seconds (NULL vs value: yes)."""
        return (
            f"(CASE WHEN {a} IS NULL AND {b} IS NULL THEN FALSE WHEN {a} IS NULL OR {b} IS NULL THEN TRUE "
            f"ELSE abs({self.seconds(a, b)}) > {float(tolerance)!r} END)"
        )


class _Postgres(_Dialect):
    def fmt(self, expr: str) -> str:
        return f"to_char({expr} AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYYMMDDHH24MISS')"

    def seconds(self, a: str, b: str) -> str:
        return f"EXTRACT(EPOCH FROM ({a} - {b}))"

    @staticmethod
    def _interval(seconds: float) -> str:
        return f"interval '{float(seconds)!r} seconds'"

    def later_by(self, a: str, b: str, seconds: float) -> str:
        return f"({a} > {b} + {self._interval(seconds)})"

    def within(self, a: str, b: str, seconds: float) -> str:
        return f"({a} > {b} - {self._interval(seconds)} AND {a} < {b} + {self._interval(seconds)})"

    def differs(self, a: str, b: str, tolerance: float) -> str:
        if tolerance == 0:
            return f"({a} IS DISTINCT FROM {b})"
        return (
            f"(CASE WHEN {a} IS NULL AND {b} IS NULL THEN FALSE WHEN {a} IS NULL OR {b} IS NULL THEN TRUE "
            f"ELSE {a} > {b} + {self._interval(tolerance)} OR {a} < {b} - {self._interval(tolerance)} END)"
        )


class _SQLite(_Dialect):
    full_join = sqlite3.sqlite_version_info >= (3, 39, 0)

    def fmt(self, expr: str) -> str:
        return f"strftime('%%Y%%m%%d%%H%%M%%S', {expr}, '+7 hours')"

    def seconds(self, a: str, b: str) -> str:
        # julianday() is a double; rounding to the millisecond keeps boundary comparisons exact.
        return f"round((julianday({a}) - julianday({b})) * 86400.0, 3)"


def dialect(full_join: bool | None = None) -> _Dialect:
    d = _Postgres() if connection.vendor == "postgresql" else _SQLite()
    if full_join is not None:
        d.full_join = full_join
    return d
