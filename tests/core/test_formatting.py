"""core.formatting: the one Vietnamese (and English) number, percent and date format."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from core import formatting


@pytest.mark.parametrize(
    ("value", "digits", "vi", "en"),
    [
        (1234.5, None, "1.234,5", "1,234.5"),
        (Decimal("17.63"), None, "17,63", "17.63"),
        (Decimal("-4.75"), None, "−4,75", "−4.75"),
        (1234567, None, "1.234.567", "1,234,567"),
        (Decimal("0.947214"), 2, "0,95", "0.95"),
        (Decimal("58.765"), 2, "58,77", "58.77"),
        (12, 1, "12,0", "12.0"),
        (None, None, "—", "—"),
    ],
)
def test_number(value, digits, vi, en):
    assert formatting.number(value, digits, lang="vi") == vi
    assert formatting.number(value, digits, lang="en") == en


def test_number_follows_the_active_language():
    with translation.override("vi"):
        assert formatting.number(1234.5) == "1.234,5"
    with translation.override("en"):
        assert formatting.number(1234.5) == "1,234.5"


def test_percent_and_signed():
    assert formatting.percent(Decimal("0.947214"), ratio=True, lang="vi") == "94,7 %"
    assert formatting.percent(94.72, lang="vi") == "94,7 %"
    assert formatting.signed(Decimal("1.25"), lang="vi") == "+1,25"
    assert formatting.signed(Decimal("-4.75"), lang="vi") == "−4,75"
    assert formatting.signed(None) == "—"


def test_dates_in_local_time():
    moment = dt.datetime(2026, 12, 5, 2, 37, tzinfo=ZoneInfo("UTC"))
    assert formatting.date(moment) == "05/12/2026"
    assert formatting.datetime(moment) == "05/12/2026 09:37"
    assert formatting.date(dt.date(2026, 1, 2)) == "02/01/2026"
    assert formatting.date("2026-09-30") == "30/09/2026"  # a date stored in JSON
    assert formatting.date("2026-13-40") == "2026-13-40" and formatting.date("ngày mai") == "ngày mai"
    assert formatting.portal_timestamp("20261115085100") == "15/11/2026 08:51"
    assert formatting.portal_timestamp("20261115") == "15/11/2026"
    assert formatting.portal_timestamp("abc") == "abc"


def test_periods_as_people_write_them():
    from django.utils import translation

    from core.formatting import month

    with translation.override("vi"):
        assert (month("2026-03"), month("2026-Q3"), month("2026")) == ("03/2026", "Quý 3/2026", "2026")
    with translation.override("en"):
        assert month("2026-Q3") == "Q3 2026"
