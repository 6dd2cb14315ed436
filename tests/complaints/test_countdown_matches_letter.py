"""The countdown agrees with the letter: "within 10 working days" shows 10 days on the day of receipt,
whatever the hour or weekday of filing (the day of receipt is not counted)."""

from datetime import datetime

import pytest

from complaints.services import deadlines
from tthc.calendar import VN_TZ

pytestmark = pytest.mark.django_db  # the calendar reads its overrides


def at(day, hour, minute=0):
    return datetime(2026, 12, day, hour, minute, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("filed", "now", "days", "hours", "comment"),
    [
        (at(5, 14, 30), at(5, 14, 30), 10, 0, "filed on a Saturday"),
        (at(7, 6, 0), at(7, 6, 0), 10, 0, "filed on a Monday before office hours"),
        (at(7, 10, 0), at(7, 10, 0), 10, 0, "filed on a Monday morning: the receipt day is not counted"),
        (at(7, 10, 0), at(8, 7, 0), 10, 0, "the first day of the period"),
        (at(7, 10, 0), at(8, 13, 30), 9, 3, "after 4.5 office hours of the first day"),
    ],
)
def test_countdown_on_receipt_matches_the_letter(filed, now, days, hours, comment):
    plan = deadlines.schedule(filed, 10)
    left = deadlines.countdown(plan.due_at, now, 10)
    assert (left.days, left.hours) == (days, hours), comment


def test_without_the_period_the_countdown_is_plain_office_time():
    plan = deadlines.schedule(at(5, 14, 30), 10)
    assert deadlines.countdown(plan.due_at, at(5, 14, 30)).days == 11
