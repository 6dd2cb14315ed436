"""Table-driven tests of the working-day calendar (docs/domain.md#deadlines).

Every expected value below was worked out by hand from the rules, never by calling the code:

* office hours 07:00–11:30 (4.5 h) and 13:30–17:00 (3.5 h): one working day = 8 office hours;
* receipt after hours counts from the next working morning, in the lunch break from 13:30;
* a deadline that ends exactly on a segment boundary is that boundary (17:00 / 11:30), not the next
  morning;
* days off: weekends and the Vietnamese public holidays of the ``holidays`` package (0.109):
  Tết 2026 = Mon 16 – Fri 20 Feb, Tết 2027 = Thu 4 – Wed 10 Feb, Hùng Kings 2026 = Sun 26 Apr
  observed Mon 27 Apr, 30/4, 1/5, 2025-05-02 off (swapped with Sat 2025-04-26, a working day),
  2/9 and its adjacent day, 2026-08-31 off (swapped with Sat 2026-08-22, a working day), 24/11 from
  2026; plus ``CalendarOverride`` rows;
* calendar-day procedures whose due date falls on a day off move to the next working day (same
  clock time); pauses push the due date back by the office time (calendar days: wall time) they
  lasted.

Weekdays used: 2025-04-25 Fri, 2025-08-29 Fri, 2025-11-24 Mon, 2025-12-31 Wed, 2026-02-09 Mon,
2026-03-02 Mon, 2026-04-24 Fri, 2026-08-21 Fri, 2026-11-23 Mon, 2026-12-31 Thu, 2027-02-03 Wed.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import holidays
import pytest

from tthc import calendar
from tthc.calendar import CALENDAR_DAYS as CD
from tthc.calendar import VN_TZ
from tthc.calendar import WORKING_DAYS as WD
from tthc.models import CalendarOverride, OverrideKind

pytestmark = pytest.mark.django_db

HOUR = 3600
DAY = 8 * HOUR
OFF = OverrideKind.DAY_OFF
WORK = OverrideKind.WORKING_DAY


def vn(text: str) -> datetime:
    """'2026-02-09 09:00' as an aware datetime in Vietnam time."""
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


def d(text: str) -> date:
    return date.fromisoformat(text)


def _ids(rows, comment_index=-1):
    return [f"{i:02d}-{row[comment_index].split(':')[0]}" for i, row in enumerate(rows)]


def _set_overrides(overrides: dict[str, str]) -> None:
    for day, kind in overrides.items():
        CalendarOverride.objects.create(date=d(day), kind=kind, note="test")


# --- due_at: the deadline table ---------------------------------------------------------------------

#: (received, amount, unit, expected, comment) — all local (Asia/Ho_Chi_Minh) times.
DEADLINES = [
    # Tết 2026 (16–20 Feb)
    (
        "2026-02-09 09:00",
        5,
        WD,
        "2026-02-23 09:00",
        "Tết 2026: 40 h from Mon 9/2 09:00 = Mon 2.5+3.5=6 h, Tue–Fri 10–13/2 32 h (38 h); Sat 14 – Sun 22/2 "
        "off (weekends + Tết eve 16/2 + days 1–4 17–20/2); last 2 h Mon 23/2 07:00–09:00",
    ),
    (
        "2026-02-13 10:00",
        1,
        WD,
        "2026-02-23 10:00",
        "Tết 2026: Fri 13/2 10:00–11:30 1.5 h + 13:30–17:00 3.5 h = 5 h; 3 h left Mon 23/2 07:00–10:00",
    ),
    (
        "2026-02-17 08:00",
        1,
        WD,
        "2026-02-23 17:00",
        "Tết 2026: received on day 1 (holiday) → clock starts Mon 23/2 07:00; a whole day ends 17:00 that day",
    ),
    (
        "2026-02-02 07:00",
        20,
        WD,
        "2026-03-06 17:00",
        "Tết 2026 long: 20 whole days = 2–6/2 (5), 9–13/2 (10), 23–27/2 (15), 2–6/3 (20); 16–20/2 skipped",
    ),
    (
        "2026-02-09 09:00",
        7,
        CD,
        "2026-02-23 09:00",
        "Tết 2026 calendar days: Mon 9/2 09:00 + 7 d = Mon 16/2 (Tết eve) → next working day Mon 23/2 09:00",
    ),
    # Tết 2027 (4–10 Feb per the package)
    (
        "2027-02-03 07:00",
        2,
        WD,
        "2027-02-11 17:00",
        "Tết 2027: Wed 3/2 is a whole 8 h day; Thu 4/2 (29th) – Wed 10/2 (5th day) off; day 2 = Thu 11/2 → 17:00",
    ),
    (
        "2027-02-03 16:00",
        0.5,
        WD,
        "2027-02-11 10:00",
        "Tết 2027: 4 h = Wed 3/2 16:00–17:00 1 h + Thu 11/2 07:00–10:00 3 h",
    ),
    (
        "2027-02-01 09:00",
        3,
        CD,
        "2027-02-11 09:00",
        "Tết 2027 calendar days: Mon 1/2 + 3 d = Thu 4/2 (off); 5–10/2 off → Thu 11/2 09:00",
    ),
    # 30/4 – 1/5 and Hùng Kings 2026
    (
        "2026-04-29 14:00",
        2,
        WD,
        "2026-05-05 14:00",
        "30/4 2026: Wed 29/4 14:00–17:00 3 h; Thu 30/4, Fri 1/5, weekend off; Mon 4/5 8 h (11 h); "
        "Tue 5/5 07:00–11:30 4.5 h + 13:30–14:00 0.5 h",
    ),
    (
        "2026-04-24 13:30",
        1,
        WD,
        "2026-04-28 11:30",
        "Hùng Kings 2026: Fri 24/4 13:30–17:00 3.5 h; Sun 26/4 holiday observed Mon 27/4; Tue 28/4 "
        "07:00–11:30 4.5 h: due exactly at the end of the morning",
    ),
    (
        "2026-04-24 09:00",
        3,
        WD,
        "2026-05-04 09:00",
        "Hùng Kings + 30/4 2026: Fri 24/4 6 h; Mon 27/4 off; Tue 28 + Wed 29/4 16 h (22 h); Thu 30/4 – "
        "Sun 3/5 off; 2 h Mon 4/5",
    ),
    (
        "2026-04-23 08:00",
        3,
        CD,
        "2026-04-28 08:00",
        "Hùng Kings calendar days: Thu 23/4 + 3 d = Sun 26/4 (holiday on a Sunday) → Mon 27/4 observed off "
        "→ Tue 28/4 08:00",
    ),
    (
        "2026-04-24 10:00",
        6,
        CD,
        "2026-05-04 10:00",
        "30/4 calendar days: Fri 24/4 + 6 d = Thu 30/4 (holiday); Fri 1/5 holiday, weekend → Mon 4/5 10:00",
    ),
    # 2025: 2/5 off swapped with Saturday 26/4 working
    (
        "2025-04-25 09:00",
        2,
        WD,
        "2025-04-28 09:00",
        "2025 swap: Fri 25/4 6 h; Sat 26/4 is a make-up working day 8 h (14 h); Sun off; 2 h Mon 28/4",
    ),
    (
        "2025-04-29 09:00",
        2,
        WD,
        "2025-05-06 09:00",
        "2025 swap: Tue 29/4 6 h; Wed 30/4, Thu 1/5, Fri 2/5 (swapped off), weekend off; Mon 5/5 8 h "
        "(14 h); 2 h Tue 6/5",
    ),
    (
        "2025-04-26 08:00",
        0.5,
        WD,
        "2025-04-26 14:00",
        "2025 swap: received on the working Saturday 26/4 08:00: 08:00–11:30 3.5 h + 13:30–14:00 0.5 h",
    ),
    (
        "2025-04-28 09:00",
        4,
        CD,
        "2025-05-05 09:00",
        "2025 swap calendar days: Mon 28/4 + 4 d = Fri 2/5, the swapped day off; weekend → Mon 5/5 09:00",
    ),
    # 2/9 (+ 1/9 in 2026, 31/8/2026 off swapped with Saturday 22/8/2026)
    (
        "2026-08-21 09:00",
        1,
        WD,
        "2026-08-22 09:00",
        "2/9 2026 swap: Fri 21/8 6 h; Sat 22/8 is a make-up working day: 2 h → 09:00",
    ),
    (
        "2026-08-28 14:00",
        1,
        WD,
        "2026-09-03 14:00",
        "2/9 2026: Fri 28/8 14:00–17:00 3 h; weekend, Mon 31/8 (swapped off), Tue 1/9, Wed 2/9 off; Thu 3/9 "
        "4.5 h + 13:30–14:00",
    ),
    (
        "2025-08-29 09:00",
        1,
        WD,
        "2025-09-03 09:00",
        "2/9 2025: Fri 29/8 6 h; weekend, Mon 1/9 + Tue 2/9 off; 2 h Wed 3/9",
    ),
    (
        "2026-08-20 09:00",
        2,
        CD,
        "2026-08-22 09:00",
        "2/9 2026 swap calendar days: Thu 20/8 + 2 d = Sat 22/8, a working Saturday: stays",
    ),
    (
        "2026-08-27 09:00",
        4,
        CD,
        "2026-09-03 09:00",
        "2/9 2026 calendar days: Thu 27/8 + 4 d = Mon 31/8 (swapped off); 1/9, 2/9 off → Thu 3/9 09:00",
    ),
    # 24/11 from 2026 only
    (
        "2026-11-23 09:00",
        1,
        WD,
        "2026-11-25 09:00",
        "24-11 2026 (Culture Day): Mon 23/11 6 h; Tue 24/11 off; 2 h Wed 25/11",
    ),
    (
        "2026-11-23 17:30",
        0.5,
        WD,
        "2026-11-25 11:00",
        "24-11 2026: after hours Mon 23/11 → next working morning is Wed 25/11 07:00, + 4 h",
    ),
    (
        "2026-11-17 09:00",
        7,
        CD,
        "2026-11-25 09:00",
        "24-11 2026 calendar days: Tue 17/11 + 7 d = Tue 24/11 (holiday) → Wed 25/11 09:00",
    ),
    (
        "2025-11-24 09:00",
        1,
        WD,
        "2025-11-25 09:00",
        "24-11 2025 is NOT a holiday: Mon 24/11 6 h + 2 h Tue 25/11",
    ),
    (
        "2025-11-23 10:00",
        0.5,
        WD,
        "2025-11-24 11:00",
        "24-11 2025 is NOT a holiday: received Sunday 23/11 → Mon 24/11 07:00 + 4 h",
    ),
    # New Year, spans crossing years
    ("2025-12-31 09:00", 1, WD, "2026-01-02 09:00", "New Year 2026: Wed 31/12 6 h; Thu 1/1 off; 2 h Fri 2/1"),
    (
        "2026-12-31 09:00",
        1,
        WD,
        "2027-01-04 09:00",
        "New Year 2027: Thu 31/12 6 h; Fri 1/1 off + weekend; 2 h Mon 4/1",
    ),
    (
        "2026-12-24 07:00",
        15,
        WD,
        "2027-01-14 17:00",
        "across years: 24, 25/12 (2), 28–31/12 (6), 1/1 off, 4–8/1 (11), 11–14/1 (15) → Thu 14/1 17:00",
    ),
    # receipt outside office hours
    (
        "2026-03-11 17:00",
        1,
        WD,
        "2026-03-12 17:00",
        "receipt at 17:00 sharp: Wed is over, clock starts Thu 07:00; 8 h → Thu 17:00",
    ),
    ("2026-03-11 17:30", 0.5, WD, "2026-03-12 11:00", "receipt after 17:00: Wed 17:30 → Thu 07:00 + 4 h"),
    (
        "2026-03-13 23:59",
        1,
        WD,
        "2026-03-16 17:00",
        "receipt Friday 23:59 → next working morning Mon 16/3 07:00; whole day → 17:00",
    ),
    (
        "2026-03-11 06:15",
        0.5,
        WD,
        "2026-03-11 11:00",
        "receipt before 07:00: Wed 06:15 → 07:00 the same day + 4 h",
    ),
    (
        "2026-03-11 00:00",
        1,
        WD,
        "2026-03-11 17:00",
        "receipt at midnight Wed → 07:00 + 8 h = 17:00 the same day",
    ),
    (
        "2026-03-11 12:00",
        1,
        WD,
        "2026-03-12 11:30",
        "receipt in the lunch break: Wed 12:00 → 13:30; 13:30–17:00 3.5 h; Thu 07:00–11:30 4.5 h",
    ),
    (
        "2026-03-11 11:30",
        0.5,
        WD,
        "2026-03-12 07:30",
        "receipt at 11:30 (morning just closed) → 13:30; 3.5 h to 17:00; 0.5 h Thu 07:00–07:30",
    ),
    ("2026-03-11 13:29", 0.25, WD, "2026-03-11 15:30", "receipt in the lunch break 13:29 → 13:30 + 2 h"),
    ("2026-03-14 10:00", 1, WD, "2026-03-16 17:00", "receipt on Saturday 14/3 → Mon 16/3 07:00; 8 h → 17:00"),
    (
        "2026-03-15 20:00",
        1.5,
        WD,
        "2026-03-17 11:00",
        "receipt Sunday evening → Mon 16/3 07:00; 12 h = Mon 8 h + Tue 07:00–11:00",
    ),
    (
        "2026-03-06 09:00",
        1,
        WD,
        "2026-03-09 09:00",
        "no override: Fri 6/3 6 h; Sat 7/3 is a day off; 2 h Mon 9/3",
    ),
    # fractional amounts and zero
    (
        "2026-03-02 07:00",
        2.25,
        WD,
        "2026-03-04 09:00",
        "fractional 2.25 d = 18 h: Mon 8 h, Tue 8 h, Wed 07:00–09:00",
    ),
    (
        "2026-03-02 10:30",
        0.25,
        WD,
        "2026-03-02 14:30",
        "fractional 0.25 d = 2 h from 10:30: 10:30–11:30 1 h, lunch, 13:30–14:30 1 h",
    ),
    (
        "2026-03-02 09:00",
        "0.5",
        WD,
        "2026-03-02 15:00",
        "fractional '0.5' (string) = 4 h: 09:00–11:30 2.5 h + 13:30–15:00 1.5 h",
    ),
    ("2026-03-02 07:00", 0.1, WD, "2026-03-02 07:48", "fractional 0.1 d = 48 min"),
    (
        "2026-03-02 07:00",
        Decimal("5.00"),
        WD,
        "2026-03-06 17:00",
        "Decimal 5.00 (Procedure.processing_amount): Mon 2 – Fri 6/3 whole days → Fri 17:00",
    ),
    ("2026-03-02 09:00", 0, WD, "2026-03-02 09:00", "amount 0 in office hours: due at receipt"),
    (
        "2026-03-02 12:00",
        0,
        WD,
        "2026-03-02 13:30",
        "amount 0 in the lunch break: the next office instant 13:30",
    ),
    ("2026-03-06 17:30", 0, WD, "2026-03-09 07:00", "amount 0 on Friday evening: Mon 9/3 07:00"),
    ("2026-03-02 09:00", 0, CD, "2026-03-02 09:00", "amount 0 calendar days: due at receipt"),
    # calendar days on weekends
    (
        "2026-03-02 09:00",
        5,
        CD,
        "2026-03-09 09:00",
        "calendar days on a weekend: Mon 2/3 + 5 d = Sat 7/3 → Mon 9/3, same clock",
    ),
    (
        "2026-03-02 09:00",
        4,
        CD,
        "2026-03-06 09:00",
        "calendar days on a working day: Mon 2/3 + 4 d = Fri 6/3, stays",
    ),
    (
        "2026-03-02 18:00",
        3,
        CD,
        "2026-03-06 07:00",
        "calendar days received after hours: start Tue 3/3 07:00 + 3 d = Fri 6/3 07:00",
    ),
]


@pytest.mark.parametrize(
    ("received", "amount", "unit", "expected", "comment"), DEADLINES, ids=_ids(DEADLINES)
)
def test_due_at_table(received, amount, unit, expected, comment):
    result = calendar.due_at(vn(received), amount, unit)
    assert result == vn(expected), comment
    assert result.astimezone(VN_TZ).strftime("%Y-%m-%d %H:%M") == expected


#: (received, amount, unit, pauses, expected, comment)
PAUSED = [
    (
        "2026-03-02 07:00",
        5,
        WD,
        [("2026-03-03 09:00", "2026-03-04 09:00")],
        "2026-03-09 17:00",
        "supplement pause Tue 09:00 – Wed 09:00 = Tue 6 h + Wed 2 h = 8 h; base Fri 6/3 17:00 + 8 h, weekend "
        "skipped → Mon 9/3 17:00",
    ),
    (
        "2026-03-02 07:00",
        5,
        WD,
        [("2026-03-03 16:00", "2026-03-03 20:00")],
        "2026-03-09 08:00",
        "pause partly after hours Tue 16:00–20:00: only 16:00–17:00 counts (1 h); Fri 17:00 + 1 h → Mon 08:00",
    ),
    (
        "2026-03-02 07:00",
        10,
        WD,
        [("2026-03-06 15:00", "2026-03-09 08:00")],
        "2026-03-16 10:00",
        "pause over a weekend Fri 15:00 – Mon 08:00 = 2 h + 1 h; base Fri 13/3 17:00 + 3 h → Mon 16/3 10:00",
    ),
    (
        "2026-03-02 07:00",
        1,
        WD,
        [("2026-03-02 11:45", "2026-03-02 13:15")],
        "2026-03-02 17:00",
        "pause inside the lunch break: no office time, no shift",
    ),
    (
        "2026-03-02 07:00",
        1,
        WD,
        [("2026-03-02 11:00", "2026-03-02 14:00")],
        "2026-03-03 08:00",
        "pause across lunch 11:00–14:00 = 0.5 h + 0.5 h; Mon 17:00 + 1 h → Tue 08:00",
    ),
    (
        "2026-03-02 07:00",
        1,
        WD,
        [("2026-03-02 08:00", "2026-03-02 09:00"), ("2026-03-02 15:00", "2026-03-02 16:30")],
        "2026-03-03 09:30",
        "two pauses 1 h + 1.5 h = 2.5 h; Mon 17:00 + 2.5 h → Tue 09:30",
    ),
    (
        "2026-03-02 09:00",
        1,
        WD,
        [("2026-03-01 10:00", "2026-03-02 10:00")],
        "2026-03-03 10:00",
        "pause begun before receipt counts from receipt: 09:00–10:00 = 1 h; base Tue 3/3 09:00 + 1 h",
    ),
    (
        "2026-03-02 18:00",
        1,
        WD,
        [("2026-03-02 19:00", "2026-03-03 08:00")],
        "2026-03-04 08:00",
        "received after hours, pause Mon 19:00 – Tue 08:00: only Tue 07:00–08:00 counts; base Tue 17:00 + 1 h",
    ),
    (
        "2026-02-09 07:00",
        10,
        WD,
        [("2026-02-12 07:00", "2026-02-24 07:00")],
        "2026-03-04 17:00",
        "pause over Tết 12/2 – 24/2 07:00: office time only 12/2, 13/2, 23/2 = 3 d; base 9–13/2 + 23–27/2 "
        "= Fri 27/2 17:00; + 3 d = 2, 3, 4/3 → Wed 4/3 17:00",
    ),
    (
        "2026-03-02 07:00",
        1,
        WD,
        [("2026-03-02 10:00", "2026-03-02 09:00")],
        "2026-03-02 17:00",
        "inverted pause (end before start) is ignored",
    ),
    (
        "2026-03-02 09:00",
        3,
        CD,
        [("2026-03-03 09:00", "2026-03-04 21:00")],
        "2026-03-06 21:00",
        "calendar days count the wall-clock pause: 36 h; Thu 5/3 09:00 + 36 h = Fri 6/3 21:00 (working day)",
    ),
    (
        "2026-03-02 09:00",
        3,
        CD,
        [("2026-03-03 09:00", "2026-03-05 09:00")],
        "2026-03-09 09:00",
        "calendar days: 48 h pause → Sat 7/3 09:00, a day off → Mon 9/3 09:00",
    ),
]


@pytest.mark.parametrize(
    ("received", "amount", "unit", "pauses", "expected", "comment"), PAUSED, ids=_ids(PAUSED)
)
def test_due_at_with_pauses(received, amount, unit, pauses, expected, comment):
    result = calendar.due_at(vn(received), amount, unit, pauses=[(vn(a), vn(b)) for a, b in pauses])
    assert result == vn(expected), comment


#: (overrides, received, amount, unit, expected, comment)
OVERRIDDEN = [
    (
        {"2026-03-07": WORK},
        "2026-03-06 09:00",
        1,
        WD,
        "2026-03-07 09:00",
        "override: Sat 7/3 made a working day: Fri 6 h + Sat 07:00–09:00",
    ),
    (
        {"2026-03-10": OFF},
        "2026-03-09 09:00",
        1,
        WD,
        "2026-03-11 09:00",
        "override: Tue 10/3 made a day off: Mon 6 h + Wed 07:00–09:00",
    ),
    (
        {"2026-02-23": OFF},
        "2026-02-13 10:00",
        1,
        WD,
        "2026-02-24 10:00",
        "override: extra Tết day Mon 23/2 off: Fri 13/2 5 h + Tue 24/2 07:00–10:00",
    ),
    (
        {"2026-11-24": WORK},
        "2026-11-23 09:00",
        1,
        WD,
        "2026-11-24 09:00",
        "override: a package holiday (24/11/2026) made a working day",
    ),
    (
        {"2026-03-07": WORK},
        "2026-03-02 09:00",
        5,
        CD,
        "2026-03-07 09:00",
        "override calendar days: Mon 2/3 + 5 d = Sat 7/3, an overridden working day: stays",
    ),
    (
        {"2026-03-06": OFF},
        "2026-03-02 09:00",
        4,
        CD,
        "2026-03-09 09:00",
        "override calendar days: Mon 2/3 + 4 d = Fri 6/3, overridden off; weekend → Mon 9/3",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "received", "amount", "unit", "expected", "comment"), OVERRIDDEN, ids=_ids(OVERRIDDEN)
)
def test_due_at_with_overrides(overrides, received, amount, unit, expected, comment):
    calendar.due_at(vn(received), amount, unit)  # warm the cache: the override must invalidate it
    _set_overrides(overrides)
    assert calendar.due_at(vn(received), amount, unit) == vn(expected), comment


def test_deleting_an_override_restores_the_default():
    tue = d("2026-03-10")
    assert calendar.is_working_day(tue)  # cache built without the override
    assert calendar.due_at(vn("2026-03-09 09:00"), 1) == vn("2026-03-10 09:00")

    override = CalendarOverride.objects.create(date=tue, kind=OFF, note="storm")
    assert not calendar.is_working_day(tue)
    assert calendar.due_at(vn("2026-03-09 09:00"), 1) == vn("2026-03-11 09:00")
    assert calendar.working_days_between(d("2026-03-09"), d("2026-03-11")) == 1

    override.delete()
    assert calendar.is_working_day(tue)
    assert calendar.due_at(vn("2026-03-09 09:00"), 1) == vn("2026-03-10 09:00")
    assert calendar.working_days_between(d("2026-03-09"), d("2026-03-11")) == 2


def test_editing_and_bulk_deleting_overrides_invalidate_the_cache():
    sat = d("2026-03-07")
    assert not calendar.is_working_day(sat)
    override = CalendarOverride.objects.create(date=sat, kind=WORK)
    assert calendar.is_working_day(sat)
    override.kind = OFF
    override.save()
    assert not calendar.is_working_day(sat)
    override.kind = WORK
    override.save()
    assert calendar.is_working_day(sat)
    CalendarOverride.objects.filter(date=sat).delete()  # queryset delete still sends post_delete
    assert not calendar.is_working_day(sat)


def test_due_at_input_errors():
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar.due_at(datetime(2026, 3, 2, 9, 0), 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar.due_at(datetime(2026, 3, 2, 9, 0), 1, CD)
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar.due_at(
            vn("2026-03-02 09:00"), 1, pauses=[(datetime(2026, 3, 3, 9), datetime(2026, 3, 3, 10))]
        )
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar.due_at(
            vn("2026-03-02 09:00"), 1, CD, pauses=[(datetime(2026, 3, 3, 9), datetime(2026, 3, 3, 10))]
        )
    with pytest.raises(ValueError, match="unknown processing unit 'weeks'"):
        calendar.due_at(vn("2026-03-02 09:00"), 1, "weeks")
    with pytest.raises(ValueError, match="negative"):
        calendar.due_at(vn("2026-03-02 09:00"), -1)
    for fn, args in [
        (calendar.next_office_moment, (datetime(2026, 3, 2, 9),)),
        (calendar.working_seconds_between, (datetime(2026, 3, 2, 9), vn("2026-03-02 10:00"))),
        (calendar.add_working_seconds, (datetime(2026, 3, 2, 9), 60)),
    ]:
        with pytest.raises(ValueError):
            fn(*args)


def test_due_at_accepts_any_timezone_and_answers_in_vietnam_time():
    received = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # = Mon 2/3 07:00 in Vietnam
    result = calendar.due_at(received, 1)
    assert result == vn("2026-03-02 17:00")
    assert result.utcoffset() == timedelta(hours=7)
    # 2026-03-01 23:00 UTC = Mon 2/3 06:00 +07, before opening → 07:00 + 4 h
    assert calendar.due_at(datetime(2026, 3, 1, 23, 0, tzinfo=UTC), 0.5) == vn("2026-03-02 11:00")


# --- Days ------------------------------------------------------------------------------------------

#: (day, is_working, comment)
WORKING_DAY_ROWS = [
    ("2026-02-13", True, "Fri before Tết 2026"),
    ("2026-02-16", False, "Tết 2026 eve (Mon)"),
    ("2026-02-20", False, "Tết 2026 day 4 (Fri)"),
    ("2026-02-23", True, "first working day after Tết 2026"),
    ("2027-02-03", True, "Wed before Tết 2027"),
    ("2027-02-04", False, "Tết 2027: 29th of the lunar year (Thu)"),
    ("2027-02-08", False, "Tết 2027: day 3 (Mon)"),
    ("2027-02-10", False, "Tết 2027: day 5 (Wed)"),
    ("2027-02-11", True, "first working day after Tết 2027"),
    ("2026-04-26", False, "Hùng Kings 2026 on a Sunday"),
    ("2026-04-27", False, "Hùng Kings 2026 observed Monday"),
    ("2026-04-28", True, "Tue after Hùng Kings"),
    ("2026-04-30", False, "30/4 2026 (Thu)"),
    ("2026-05-01", False, "1/5 2026 (Fri)"),
    ("2025-04-26", True, "Sat 26/4/2025 make-up working day"),
    ("2025-04-19", False, "an ordinary Saturday in 2025"),
    ("2025-05-02", False, "Fri 2/5/2025 swapped day off"),
    ("2025-09-01", False, "2/9 2025 adjacent day (Mon)"),
    ("2025-09-02", False, "2/9 2025 (Tue)"),
    ("2026-08-22", True, "Sat 22/8/2026 make-up working day"),
    ("2026-08-29", False, "an ordinary Saturday in August 2026"),
    ("2026-08-31", False, "Mon 31/8/2026 swapped day off"),
    ("2026-09-01", False, "1/9 2026"),
    ("2026-09-02", False, "2/9 2026"),
    ("2026-09-03", True, "Thu after 2/9 2026"),
    ("2025-11-24", True, "24/11 2025: not yet a holiday"),
    ("2026-11-24", False, "24/11 2026: Vietnam Culture Day"),
    ("2027-11-24", False, "24/11 2027 (Wed)"),
    ("2026-01-01", False, "New Year 2026"),
    ("2026-03-08", False, "ordinary Sunday"),
    ("2026-03-09", True, "ordinary Monday"),
    ("2009-01-01", False, "New Year 2009: before the table's first year (2010)"),
    ("2009-01-02", True, "Fri 2/1/2009: before the table's first year"),
    ("2040-01-02", False, "Mon 2/1/2040: New Year (a Sunday) observed, beyond the cached horizon"),
    ("2040-01-03", True, "Tue 3/1/2040: beyond the cached horizon"),
    ("2040-01-01", False, "Sun 1/1/2040 (also New Year): beyond the cached horizon"),
]


@pytest.mark.parametrize(("day", "expected", "comment"), WORKING_DAY_ROWS, ids=_ids(WORKING_DAY_ROWS))
def test_is_working_day(day, expected, comment):
    assert calendar.is_working_day(d(day)) is expected, comment


#: (start, days, expected, comment)
ADD_WORKING_DAYS = [
    ("2026-03-02", 0, "2026-03-02", "0 → the start itself"),
    ("2026-03-07", 0, "2026-03-07", "0 → the start itself, even a Saturday"),
    ("2026-03-02", 1, "2026-03-03", "Mon + 1 = Tue"),
    ("2026-03-06", 1, "2026-03-09", "Fri + 1 = Mon"),
    ("2026-03-07", 1, "2026-03-09", "Sat + 1 = Mon"),
    ("2026-03-07", -1, "2026-03-06", "Sat − 1 = Fri"),
    ("2026-03-09", -1, "2026-03-06", "Mon − 1 = Fri"),
    ("2026-02-13", 1, "2026-02-23", "Tết 2026: Fri 13/2 + 1 = Mon 23/2"),
    ("2026-02-23", -1, "2026-02-13", "Tết 2026: Mon 23/2 − 1 = Fri 13/2"),
    ("2026-02-17", 1, "2026-02-23", "Tết 2026: from a holiday + 1 = Mon 23/2"),
    ("2026-02-17", -1, "2026-02-13", "Tết 2026: from a holiday − 1 = Fri 13/2"),
    ("2026-01-31", 15, "2026-02-27", "February 2026 has 15 working days: 2–6, 9–13, 23–27"),
    ("2027-02-03", 1, "2027-02-11", "Tết 2027: Wed 3/2 + 1 = Thu 11/2"),
    ("2027-02-11", -1, "2027-02-03", "Tết 2027: Thu 11/2 − 1 = Wed 3/2"),
    ("2025-04-25", 1, "2025-04-26", "2025 swap: Fri 25/4 + 1 = the working Saturday 26/4"),
    ("2025-04-29", 1, "2025-05-05", "2025 swap: Tue 29/4 + 1 = Mon 5/5 (30/4, 1/5, 2/5, weekend off)"),
    ("2025-05-05", -2, "2025-04-28", "2025 swap: Mon 5/5 − 2 = Tue 29/4 (1), Mon 28/4 (2)"),
    ("2025-04-28", -1, "2025-04-26", "2025 swap: Mon 28/4 − 1 = Sat 26/4 (working)"),
    ("2026-08-21", 1, "2026-08-22", "2026 swap: Fri 21/8 + 1 = Sat 22/8 (working)"),
    ("2026-08-21", 2, "2026-08-24", "2026 swap: Fri 21/8 + 2 = Mon 24/8"),
    ("2026-08-28", 1, "2026-09-03", "2/9 2026: Fri 28/8 + 1 = Thu 3/9"),
    ("2026-09-03", -1, "2026-08-28", "2/9 2026: Thu 3/9 − 1 = Fri 28/8"),
    ("2026-11-23", 1, "2026-11-25", "24/11 2026: Mon + 1 = Wed"),
    ("2025-11-21", 1, "2025-11-24", "24/11 2025 is working: Fri 21/11 + 1 = Mon 24/11"),
    ("2025-12-31", 1, "2026-01-02", "across years: Wed 31/12 + 1 = Fri 2/1 (1/1 off)"),
    ("2026-01-02", -1, "2025-12-31", "across years: Fri 2/1 − 1 = Wed 31/12"),
    ("2026-01-02", -2, "2025-12-30", "across years: Fri 2/1 − 2 = Tue 30/12"),
    ("2025-12-26", 5, "2026-01-05", "across years: 29, 30, 31/12, (1/1 off) 2/1, 5/1"),
    ("2026-01-05", -5, "2025-12-26", "across years: 2/1, 31, 30, 29/12, 26/12"),
    ("2026-12-31", 1, "2027-01-04", "across years: Thu 31/12 + 1 = Mon 4/1 (1/1 Fri off, weekend)"),
    (
        "2010-01-05",
        -5,
        "2009-12-28",
        "before the table start: Mon 4/1, (1/1/2010 off), 31, 30, 29, 28/12/2009",
    ),
    ("2010-01-04", -1, "2009-12-31", "before the table start: Mon 4/1/2010 − 1 = Thu 31/12/2009"),
]


@pytest.mark.parametrize(
    ("start", "days", "expected", "comment"), ADD_WORKING_DAYS, ids=_ids(ADD_WORKING_DAYS)
)
def test_add_working_days(start, days, expected, comment):
    assert calendar.add_working_days(d(start), days) == d(expected), comment


#: (start, end, expected, comment) — working days w with start < w <= end
BETWEEN = [
    ("2026-03-02", "2026-03-02", 0, "same day"),
    ("2026-03-02", "2026-03-03", 1, "Mon → Tue"),
    ("2026-03-07", "2026-03-08", 0, "Sat → Sun"),
    ("2026-03-06", "2026-03-09", 1, "Fri → Mon: only Mon"),
    ("2026-03-09", "2026-03-06", -1, "Mon → Fri (backwards)"),
    ("2026-02-13", "2026-02-23", 1, "over Tết 2026: only Mon 23/2"),
    ("2026-01-31", "2026-02-28", 15, "February 2026: 15 working days"),
    ("2026-04-24", "2026-05-04", 3, "Hùng Kings + 30/4: Tue 28, Wed 29/4, Mon 4/5"),
    ("2025-04-25", "2025-05-05", 4, "2025 swap: Sat 26, Mon 28, Tue 29/4, Mon 5/5"),
    ("2026-08-21", "2026-09-03", 7, "2026 swap: Sat 22/8, 24–28/8 (5), Thu 3/9"),
    ("2026-12-24", "2027-01-08", 10, "across years: 25, 28, 29, 30, 31/12, 4–8/1"),
    ("2027-01-08", "2026-12-24", -10, "across years backwards"),
    (
        "2025-12-31",
        "2026-12-31",
        249,
        "year 2026: 261 weekdays − 13 weekday holidays (1/1, 16–20/2, 27/4, 30/4, 1/5, "
        "31/8, 1/9, 2/9, 24/11) + Sat 22/8",
    ),
    (
        "2024-12-31",
        "2025-12-31",
        250,
        "year 2025: 261 weekdays − 12 weekday holidays (1/1, 27–31/1, 7/4, 30/4, 1/5, "
        "2/5, 1/9, 2/9) + Sat 26/4",
    ),
    ("2026-12-31", "2025-12-31", -249, "year 2026 backwards"),
]


@pytest.mark.parametrize(("start", "end", "expected", "comment"), BETWEEN, ids=_ids(BETWEEN))
def test_working_days_between(start, end, expected, comment):
    assert calendar.working_days_between(d(start), d(end)) == expected, comment


#: (day, include_today, expected, comment)
NEXT_WORKING_DAY = [
    ("2026-03-07", True, "2026-03-09", "Sat → Mon"),
    ("2026-03-09", True, "2026-03-09", "Mon, including today → Mon"),
    ("2026-03-09", False, "2026-03-10", "Mon, excluding today → Tue"),
    ("2026-02-13", False, "2026-02-23", "Fri before Tết → Mon 23/2"),
    ("2026-02-16", True, "2026-02-23", "Tết eve → Mon 23/2"),
    ("2026-08-21", False, "2026-08-22", "Fri 21/8/2026 → the working Saturday"),
    ("2026-12-31", False, "2027-01-04", "across years"),
]


@pytest.mark.parametrize(
    ("day", "include_today", "expected", "comment"), NEXT_WORKING_DAY, ids=_ids(NEXT_WORKING_DAY)
)
def test_next_working_day(day, include_today, expected, comment):
    assert calendar.next_working_day(d(day), include_today=include_today) == d(expected), comment


#: (moment, expected, comment)
NEXT_OFFICE_MOMENT = [
    ("2026-03-02 06:00", "2026-03-02 07:00", "before opening"),
    ("2026-03-02 07:00", "2026-03-02 07:00", "opening"),
    ("2026-03-02 09:15", "2026-03-02 09:15", "in the morning"),
    ("2026-03-02 11:30", "2026-03-02 13:30", "at the start of lunch"),
    ("2026-03-02 12:45", "2026-03-02 13:30", "in lunch"),
    ("2026-03-02 13:30", "2026-03-02 13:30", "afternoon opening"),
    ("2026-03-02 16:59", "2026-03-02 16:59", "last minute"),
    ("2026-03-02 17:00", "2026-03-03 07:00", "closing → next morning"),
    ("2026-03-07 10:00", "2026-03-09 07:00", "Saturday → Monday"),
    ("2026-02-13 17:00", "2026-02-23 07:00", "Fri before Tết 2026, closing → Mon 23/2"),
]


@pytest.mark.parametrize(("moment", "expected", "comment"), NEXT_OFFICE_MOMENT, ids=_ids(NEXT_OFFICE_MOMENT))
def test_next_office_moment(moment, expected, comment):
    assert calendar.next_office_moment(vn(moment)) == vn(expected), comment


#: (start, end, seconds, comment)
WORKING_SECONDS = [
    ("2026-03-02 07:00", "2026-03-02 17:00", DAY, "a whole day"),
    ("2026-03-02 07:00", "2026-03-03 07:00", DAY, "07:00 to next 07:00"),
    ("2026-03-02 12:00", "2026-03-02 14:00", HOUR // 2, "from lunch: only 13:30–14:00"),
    ("2026-03-02 11:00", "2026-03-02 14:00", HOUR, "across lunch: 0.5 h + 0.5 h"),
    ("2026-03-02 17:30", "2026-03-03 06:30", 0, "overnight, outside office hours"),
    ("2026-03-07 08:00", "2026-03-08 16:00", 0, "a weekend"),
    ("2026-03-02 07:00", "2026-03-09 07:00", 5 * DAY, "a week"),
    ("2026-02-13 16:00", "2026-02-23 08:00", 2 * HOUR, "over Tết 2026: 16–17 Fri + 07–08 Mon"),
    ("2026-02-23 08:00", "2026-02-13 16:00", -2 * HOUR, "backwards over Tết 2026"),
    ("2025-12-31 16:00", "2026-01-02 08:00", 2 * HOUR, "across years over 1/1"),
]


@pytest.mark.parametrize(("start", "end", "seconds", "comment"), WORKING_SECONDS, ids=_ids(WORKING_SECONDS))
def test_working_seconds_between(start, end, seconds, comment):
    assert calendar.working_seconds_between(vn(start), vn(end)) == seconds, comment


#: (moment, seconds, expected, comment)
ADD_SECONDS = [
    ("2026-03-02 07:00", DAY, "2026-03-02 17:00", "a whole day ends at 17:00, not next morning"),
    ("2026-03-02 07:00", 4 * HOUR + 1800, "2026-03-02 11:30", "the whole morning ends at 11:30"),
    ("2026-03-02 07:00", 4 * HOUR + 1801, "2026-03-02 13:30:01", "one second more is after lunch"),
    ("2026-03-02 07:00", 0, "2026-03-02 07:00", "zero"),
    ("2026-03-07 10:00", 0, "2026-03-09 07:00", "zero from Saturday → next office instant"),
    ("2026-03-07 10:00", HOUR, "2026-03-09 08:00", "from Saturday + 1 h"),
    ("2026-03-02 17:00", -HOUR, "2026-03-02 16:00", "backwards 1 h"),
    ("2026-03-02 07:00", -HOUR, "2026-02-27 16:00", "backwards from opening → previous Fri 16:00"),
    ("2026-02-23 08:00", -2 * HOUR, "2026-02-13 16:00", "backwards over Tết 2026"),
    (
        "2010-01-04 08:00",
        -2 * DAY,
        "2009-12-30 08:00",
        "backwards before the table start: Mon 4/1/2010 1 h, (1/1 off) Thu 31/12 8 h, Wed 30/12 17:00 − 7 h = 08:00",
    ),
]


@pytest.mark.parametrize(("moment", "seconds", "expected", "comment"), ADD_SECONDS, ids=_ids(ADD_SECONDS))
def test_add_working_seconds(moment, seconds, expected, comment):
    assert calendar.add_working_seconds(vn(moment), seconds) == vn(expected), comment


def test_working_day_seconds():
    assert calendar.working_day_seconds() == DAY


def test_office_hours_are_configurable(settings):
    settings.TTHC_OFFICE_HOURS = ["08:00-12:00", "13:00-16:00"]  # 7 h a day
    calendar.invalidate()
    assert calendar.working_day_seconds() == 7 * HOUR
    # Mon 2/3 09:00, 1 day = 7 h: 09:00–12:00 3 h + 13:00–16:00 3 h = 6 h; 1 h Tue 08:00–09:00
    assert calendar.due_at(vn("2026-03-02 09:00"), 1) == vn("2026-03-03 09:00")
    assert calendar.next_office_moment(vn("2026-03-02 07:30")) == vn("2026-03-02 08:00")


@pytest.mark.parametrize(
    "spec", [["11:30-07:00"], ["07:00-12:00", "11:00-17:00"], []], ids=["reversed", "overlap", "empty"]
)
def test_bad_office_hours_are_rejected(settings, spec):
    settings.TTHC_OFFICE_HOURS = spec
    calendar.invalidate()
    with pytest.raises(ValueError, match="TTHC_OFFICE_HOURS"):
        calendar.working_day_seconds()


# --- Properties (deterministic random loops; hypothesis is not in the venv) ---------------------------

_ORACLE = holidays.country_holidays("VN", years=range(2009, 2032))


def _oracle_working(day: date) -> bool:
    """The spec straight from the package (no overrides in these tests), independent of the table."""
    return _ORACLE.is_working_day(day)


def test_property_add_working_days_inverts_working_days_between():
    rng = random.Random(766)
    for _ in range(600):
        start = date(2010, 1, 1) + timedelta(days=rng.randrange(0, 20 * 365))
        end = start + timedelta(days=rng.choice([1, 2, 3, rng.randrange(1, 15), rng.randrange(1, 800)]))
        n = calendar.working_days_between(start, end)
        expected_n = sum(_oracle_working(start + timedelta(days=k)) for k in range(1, (end - start).days + 1))
        assert n == expected_n, (start, end)
        last = end
        while not _oracle_working(last):
            last -= timedelta(days=1)
        if n > 0:
            assert calendar.add_working_days(start, n) == last, (start, end, n)
        else:  # no working day in (start, end]: add_working_days(start, 0) is start itself
            assert calendar.add_working_days(start, 0) == start
            assert last <= start
        assert calendar.working_days_between(end, start) == -n


def test_property_working_days_between_is_additive():
    rng = random.Random(2026)
    for _ in range(300):
        a, b, c = sorted(date(2012, 1, 1) + timedelta(days=rng.randrange(0, 15 * 365)) for _ in range(3))
        assert calendar.working_days_between(a, b) + calendar.working_days_between(b, c) == (
            calendar.working_days_between(a, c)
        )


def test_property_working_seconds_between_inverts_add_working_seconds():
    rng = random.Random(30042026)
    segments = [(time(7, 0), 4 * HOUR + 1800), (time(13, 30), 3 * HOUR + 1800)]
    for _ in range(600):
        day = date(2011, 1, 1) + timedelta(days=rng.randrange(0, 19 * 365))
        while not _oracle_working(day):
            day += timedelta(days=1)
        seg_start, seg_len = rng.choice(segments)
        a = datetime.combine(day, seg_start, tzinfo=VN_TZ) + timedelta(seconds=rng.randrange(0, seg_len))
        seconds = rng.choice(
            [0, rng.randrange(1, DAY), rng.randrange(1, 400 * DAY), -rng.randrange(1, 100 * DAY)]
        )
        b = calendar.add_working_seconds(a, seconds)
        assert calendar.working_seconds_between(a, b) == seconds, (a, seconds, b)
        local = b.astimezone(VN_TZ)
        assert _oracle_working(local.date()), (a, seconds, b)
        clock = local.hour * HOUR + local.minute * 60 + local.second
        if seconds > 0:  # a deadline: inside a segment or exactly at its end
            assert 7 * HOUR < clock <= 11 * HOUR + 1800 or 13 * HOUR + 1800 < clock <= 17 * HOUR, b
            assert b > a
        else:  # a start: inside a segment, at its beginning included
            assert 7 * HOUR <= clock < 11 * HOUR + 1800 or 13 * HOUR + 1800 <= clock < 17 * HOUR, b
            assert b <= a


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def test_epoch_calendar_agrees_with_the_datetime_functions():
    """``EpochCalendar`` (integer epoch seconds, for the demo's generator) gives the same ordinals,
    moments and due dates as the datetime functions, at any second of any day (off hours, lunch,
    days off), with and without pauses, in working and calendar days."""
    rng = random.Random(5122026)
    epoch = calendar.EpochCalendar(date(2024, 1, 1), date(2029, 12, 31))
    origin = vn("2024-01-02 07:00")
    for _ in range(800):
        a = origin + timedelta(seconds=rng.randrange(0, 3 * 365 * 86_400))
        b = a + timedelta(seconds=rng.randrange(-30 * 86_400, 200 * 86_400))
        ta, tb = _epoch(a), _epoch(b)
        assert epoch.ordinal(tb) - epoch.ordinal(ta) == calendar.working_seconds_between(a, b), (a, b)
        k = rng.choice([1, rng.randrange(1, DAY), rng.randrange(1, 300 * DAY)])
        assert epoch.moment(epoch.ordinal(ta) + k, True) == _epoch(calendar.add_working_seconds(a, k)), (a, k)
        assert epoch.moment(epoch.ordinal(ta), False) == _epoch(calendar.next_office_moment(a)), a
        amount = rng.choice([Decimal("0"), Decimal("0.5"), Decimal(rng.randrange(1, 40)), Decimal("2.25")])
        pauses = [
            (p, p + timedelta(seconds=rng.randrange(3600, 20 * 86_400)))
            for p in sorted(
                a + timedelta(seconds=rng.randrange(-86_400, 30 * 86_400)) for _ in range(rng.randrange(3))
            )
        ]
        for unit in (WD, CD):
            expected = calendar.due_at(a, amount, unit, pauses)
            got = epoch.due(ta, amount, unit, [(_epoch(p), _epoch(q)) for p, q in pauses])
            assert got == _epoch(expected), (a, amount, unit, pauses)


def test_epoch_calendar_sees_overrides_made_before_it():
    _set_overrides({"2026-03-02": OFF})  # a Monday off: Friday 16:00 + 2 h ends on Tuesday 08:00
    epoch = calendar.EpochCalendar(date(2026, 1, 1), date(2026, 12, 31))
    t = epoch.moment(epoch.ordinal(_epoch(vn("2026-02-27 16:00"))) + 2 * HOUR, True)
    assert datetime.fromtimestamp(t, VN_TZ) == vn("2026-03-03 08:00")


def test_epoch_calendar_refuses_moments_beyond_its_table():
    epoch = calendar.EpochCalendar(date(2026, 1, 1), date(2026, 12, 31))
    with pytest.raises(ValueError, match="range"):
        epoch.moment(len(epoch.table.working) * DAY + 1, True)
    with pytest.raises(ValueError, match="negative"):
        epoch.due(_epoch(vn("2026-03-02 09:00")), Decimal("-1"), WD)
