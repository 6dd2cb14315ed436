"""Reporting periods: parsing, half-open boundaries in Vietnam time, navigation."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tthc.periods import Period

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("text", "kind", "year", "number", "canonical"),
    [
        ("2026-10", "month", 2026, 10, "2026-10"),
        ("2026-01", "month", 2026, 1, "2026-01"),
        ("2026-1", "month", 2026, 1, "2026-01"),
        ("2026-12", "month", 2026, 12, "2026-12"),
        ("2026-Q4", "quarter", 2026, 4, "2026-Q4"),
        ("2026-q1", "quarter", 2026, 1, "2026-Q1"),
        ("2026", "year", 2026, 1, "2026"),
        ("  2026-Q2 \n", "quarter", 2026, 2, "2026-Q2"),
    ],
)
def test_parse(text, kind, year, number, canonical):
    period = Period.parse(text)
    assert (period.kind, period.year, period.number) == (kind, year, number)
    assert str(period) == canonical
    assert Period.parse(str(period)) == period  # round trip


def test_parse_passes_a_period_through_and_constructors_agree():
    p = Period.quarter(2026, 4)
    assert Period.parse(p) is p
    assert Period.parse("2026-10") == Period.month(2026, 10) == Period("month", 2026, 10)
    assert Period.parse("2026") == Period.of_year(2026) == Period("year", 2026, 1)
    assert Period.parse("2026-10") != Period.parse("2026-Q4")


def test_every_month_and_quarter_round_trips():
    for month in range(1, 13):
        assert str(Period.parse(f"2026-{month:02d}")) == f"2026-{month:02d}"
    for quarter in range(1, 5):
        assert str(Period.parse(f"2026-Q{quarter}")) == f"2026-Q{quarter}"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "2026-13",
        "2026-00",
        "2026-0",
        "2026-Q0",
        "2026-Q5",
        "26-10",
        "2026-10-01",
        "2026/10",
        "2026-Q",
        "Q4-2026",
        "20261",
        "2026-H1",
        "2026-100",
    ],
)
def test_parse_rejects_bad_input(text):
    with pytest.raises(ValueError):
        Period.parse(text)


@pytest.mark.parametrize(
    ("kind", "number"),
    [("week", 1), ("month", 0), ("month", 13), ("quarter", 5), ("quarter", 0), ("year", 2)],
)
def test_constructor_rejects_bad_values(kind, number):
    with pytest.raises(ValueError):
        Period(kind, 2026, number)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-10", datetime(2026, 10, 1, tzinfo=VN), datetime(2026, 11, 1, tzinfo=VN)),
        ("2026-12", datetime(2026, 12, 1, tzinfo=VN), datetime(2027, 1, 1, tzinfo=VN)),
        ("2026-02", datetime(2026, 2, 1, tzinfo=VN), datetime(2026, 3, 1, tzinfo=VN)),
        ("2026-Q1", datetime(2026, 1, 1, tzinfo=VN), datetime(2026, 4, 1, tzinfo=VN)),
        ("2026-Q2", datetime(2026, 4, 1, tzinfo=VN), datetime(2026, 7, 1, tzinfo=VN)),
        ("2026-Q3", datetime(2026, 7, 1, tzinfo=VN), datetime(2026, 10, 1, tzinfo=VN)),
        ("2026-Q4", datetime(2026, 10, 1, tzinfo=VN), datetime(2027, 1, 1, tzinfo=VN)),
        ("2026", datetime(2026, 1, 1, tzinfo=VN), datetime(2027, 1, 1, tzinfo=VN)),
    ],
)
def test_start_and_end_are_vietnam_midnights(text, start, end):
    p = Period.parse(text)
    assert p.start == start
    assert p.end == end
    assert p.start.utcoffset() == timedelta(hours=7)
    assert p.end.utcoffset() == timedelta(hours=7)
    # Vietnam midnight is 17:00 UTC the day before
    assert p.start.astimezone(UTC) == datetime(start.year, start.month, start.day, tzinfo=UTC) - timedelta(
        hours=7
    )


@pytest.mark.parametrize(
    ("moment", "inside", "comment"),
    [
        (datetime(2026, 10, 1, 0, 0, tzinfo=VN), True, "start is inclusive"),
        (datetime(2026, 9, 30, 17, 0, tzinfo=UTC), True, "= 1/10 00:00 +07: start, inclusive"),
        (datetime(2026, 9, 30, 16, 59, 59, tzinfo=UTC), False, "= 30/9 23:59:59 +07: before"),
        (datetime(2026, 9, 30, 23, 59, 59, tzinfo=VN), False, "the last second of September"),
        (datetime(2026, 10, 31, 23, 30, tzinfo=VN), True, "31/10 23:30 +07"),
        (datetime(2026, 10, 31, 16, 59, 59, tzinfo=UTC), True, "= 31/10 23:59:59 +07"),
        (datetime(2026, 10, 31, 17, 0, tzinfo=UTC), False, "= 1/11 00:00 +07: end is exclusive"),
        (datetime(2026, 10, 31, 17, 30, tzinfo=UTC), False, "= 1/11 00:30 +07: November"),
        (datetime(2026, 11, 1, 0, 0, tzinfo=VN), False, "end is exclusive"),
    ],
)
def test_october_boundaries(moment, inside, comment):
    assert (moment in Period.parse("2026-10")) is inside, comment


def test_utc_evening_of_the_last_day_is_in_the_next_month():
    moment = datetime(2026, 10, 31, 17, 30, tzinfo=UTC)
    assert moment in Period.parse("2026-11")
    assert moment not in Period.parse("2026-10")
    assert Period.containing(moment) == Period.month(2026, 11)
    assert Period.containing(moment, "quarter") == Period.quarter(2026, 4)
    assert Period.containing(datetime(2026, 12, 31, 17, 0, tzinfo=UTC), "year") == Period.of_year(2027)
    assert Period.containing(datetime(2026, 12, 31, 16, 59, tzinfo=UTC), "year") == Period.of_year(2026)


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (date(2026, 10, 31), "month", "2026-10"),
        (date(2026, 3, 31), "quarter", "2026-Q1"),
        (date(2026, 4, 1), "quarter", "2026-Q2"),
        (date(2026, 9, 30), "quarter", "2026-Q3"),
        (date(2026, 12, 31), "quarter", "2026-Q4"),
        (date(2026, 6, 15), "year", "2026"),
        (datetime(2026, 10, 31, 23, 30), "month", "2026-10"),  # naive: taken as is
        (datetime(2026, 10, 31, 23, 30, tzinfo=VN), "month", "2026-10"),
    ],
)
def test_containing(value, kind, expected):
    assert str(Period.containing(value, kind)) == expected


def test_consecutive_periods_tile_the_timeline():
    for text in ["2025-01", "2026-Q1", "2026"]:
        p = Period.parse(text)
        for _ in range(30):
            assert p.next().start == p.end
            assert p.next().previous() == p
            assert p.start < p.end
            p = p.next()


@pytest.mark.parametrize(
    ("text", "next_", "previous"),
    [
        ("2026-12", "2027-01", "2026-11"),
        ("2026-01", "2026-02", "2025-12"),
        ("2026-06", "2026-07", "2026-05"),
        ("2026-Q4", "2027-Q1", "2026-Q3"),
        ("2026-Q1", "2026-Q2", "2025-Q4"),
        ("2026", "2027", "2025"),
    ],
)
def test_next_and_previous(text, next_, previous):
    p = Period.parse(text)
    assert str(p.next()) == next_
    assert str(p.previous()) == previous
    assert p.next().kind == p.previous().kind == p.kind


def test_quarter_covers_its_three_months():
    q = Period.parse("2026-Q3")
    months = [Period.month(2026, m) for m in (7, 8, 9)]
    assert q.start == months[0].start
    assert q.end == months[-1].end
    assert q.first_day == date(2026, 7, 1)
    assert q.next_first_day == date(2026, 10, 1)
    for m in months:
        assert m.start in q
    assert Period.month(2026, 10).start not in q
    assert Period.month(2026, 6).start not in q


def test_february_in_a_leap_year():
    assert Period.parse("2028-02").end - Period.parse("2028-02").start == timedelta(days=29)
    assert Period.parse("2026-02").end - Period.parse("2026-02").start == timedelta(days=28)


def test_periods_of_one_kind_sort_chronologically():
    texts = ["2026-10", "2025-12", "2026-02", "2026-01"]
    assert [str(p) for p in sorted(Period.parse(t) for t in texts)] == [
        "2025-12",
        "2026-01",
        "2026-02",
        "2026-10",
    ]


def test_periods_are_hashable_values():
    assert len({Period.parse("2026-10"), Period.month(2026, 10), Period.parse("2026-Q4")}) == 2
    with pytest.raises(AttributeError):
        Period.parse("2026").year = 2027  # frozen
