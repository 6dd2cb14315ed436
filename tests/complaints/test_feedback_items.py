"""Citizen feedback items: their working-day deadlines and timeliness, table-driven
(docs/domain.md#citizen-feedback: refuse ≤ 2, ask ≤ 5, answer ≤ 15, publish ≤ 2 working days), and
their import from CSV / JSON."""

from __future__ import annotations

import io
import json
from datetime import datetime

import pytest
from django.core.management import call_command

from complaints.models import Feedback
from complaints.services.deadlines import FEEDBACK_DEADLINE_DAYS, feedback_deadlines, working_deadline
from complaints.services.feedback_import import import_feedback
from tests.factories import province
from tests.indicators import golden
from tthc.calendar import VN_TZ

pytestmark = pytest.mark.django_db
vn = golden.vn


# received, working days, expected deadline, comment
DEADLINES = [
    (vn(3, 2, 9), 2, vn(3, 4, 9), "Monday morning + 2 working days"),
    (vn(3, 6, 16), 2, vn(3, 10, 16), "Friday afternoon: the weekend does not count"),
    (vn(3, 6, 18), 2, vn(3, 10, 17), "after hours: counts from Monday 07:00, ends at 17:00 on day 2"),
    (vn(3, 2, 9), 15, vn(3, 23, 9), "answer: 15 working days = three weeks"),
    (
        vn(4, 24, 9),
        5,
        vn(5, 6, 9),
        "28/4, 29/4, 4/5, 5/5, 6/5: Hùng Kings (27/4 observed), 30/4 and 1/5 skipped",
    ),
]


@pytest.mark.parametrize("received,days,expected,comment", DEADLINES)
def test_working_deadline(received, days, expected, comment):
    assert working_deadline(received, days) == expected, comment


def test_feedback_deadlines_are_stored_on_save():
    p = province()
    f = Feedback.objects.create(code="F", agency=p, received_at=vn(3, 2), answered_at=vn(3, 10, 10))
    assert (f.refuse_due_at, f.ask_more_due_at, f.answer_due_at, f.publish_due_at) == (
        vn(3, 4),
        vn(3, 9),
        vn(3, 23),
        vn(3, 12, 10),
    )
    f.answered_at = None
    f.save(update_fields=["answered_at"])
    f.refresh_from_db()
    assert f.publish_due_at is None
    assert FEEDBACK_DEADLINE_DAYS == {"refuse": 2, "ask_more": 5, "answer": 15, "publish": 2}
    assert feedback_deadlines(vn(3, 2)).answer == vn(3, 23)


AS_OF = vn(4, 1, 0)
# kwargs (received 2/3 09:00 unless given), overdue at AS_OF?, comment
FEEDBACK_CASES = [
    ({"answered_at": vn(3, 20), "published_at": vn(3, 23)}, False, "answered and published on time"),
    ({"answered_at": vn(3, 24)}, True, "answered after the 15-day deadline (23/3 09:00)"),
    ({"refused_at": vn(3, 4, 9)}, False, "refused exactly at the 2-day deadline"),
    ({"refused_at": vn(3, 4, 10)}, True, "refused one hour late"),
    (
        {"asked_more_at": vn(3, 10), "answered_at": vn(3, 20), "published_at": vn(3, 20)},
        True,
        "asked for more information after 5 working days",
    ),
    ({"answered_at": vn(3, 20)}, True, "answer never published: 2-day publishing deadline passed"),
    ({"answered_at": vn(3, 20), "published_at": vn(3, 25)}, True, "published after 2 working days"),
    ({}, True, "never answered, past the answer deadline"),
    ({"received_at": vn(3, 20)}, False, "not answered yet, but not due before 10/4"),
    (
        {"received_at": vn(3, 20), "answered_at": vn(4, 2)},
        False,
        "answered after as_of: judged unanswered, not due",
    ),
]


@pytest.mark.parametrize("kwargs,late,comment", FEEDBACK_CASES)
def test_feedback_timeliness(kwargs, late, comment):
    p = province()
    f = Feedback.objects.create(code="F", agency=p, **{"received_at": vn(3, 2), **kwargs})
    assert f.is_overdue(AS_OF) is late, comment
    assert Feedback.objects.not_overdue(AS_OF).filter(pk=f.pk).exists() is (not late), comment


def test_aware_datetimes_only():
    with pytest.raises(ValueError):
        working_deadline(datetime(2026, 3, 2, 9), 2)
    assert vn(3, 2).tzinfo is VN_TZ


FEEDBACK_CSV = """code,agency,procedure,subject,received_at,answered_at,published_at,refused_at,disliked,repeated
PA-1,C1,A,Chậm cấp giấy,2026-03-02 09:00,20260310100000,11/03/2026 10:00,,0,0
PA-2,U1,,Thái độ,2026-03-03T09:00:00+07:00,,,,có,không
PA-3,XX,,Sai mã,2026-03-03 09:00,,,,0,0
PA-4,C1,,Ngày sai,hôm qua,,,,0,0
PA-5,C1,,Trả lời trước khi nhận,2026-03-05 09:00,2026-03-04 09:00,,,0,0
PA-1,C1,A,Trùng,2026-03-02 09:00,,,,0,0
"""


def test_import_feedback_csv_reports_rows_and_is_idempotent(tmp_path):
    golden.build()
    path = tmp_path / "pakn.csv"
    path.write_text(FEEDBACK_CSV, encoding="utf-8")
    report = import_feedback(path)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert sorted({(e.row, e.column) for e in report.errors}) == [
        (4, "agency"),
        (5, "received_at"),
        (6, "answered_at"),
        (7, "code"),
    ]
    pa1 = Feedback.objects.get(code="PA-1")
    assert pa1.answer_due_at == golden.vn(3, 23) and pa1.published_at == golden.vn(3, 11, 10)
    assert Feedback.objects.get(code="PA-2").disliked is True
    again = import_feedback(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_import_feedback_json_and_command(tmp_path):
    golden.build()
    path = tmp_path / "pakn.json"
    path.write_text(
        json.dumps(
            {
                "items": [
                    {
                        "code": "J-1",
                        "agency": "C2",
                        "received_at": "2026-03-05T09:00:00",
                        "refused_at": "2026-03-10T09:00:00",
                        "repeated": True,
                    },
                    "not an object",
                ]
            }
        ),
        encoding="utf-8",
    )
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import_feedback", str(path), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert (report["created"], report["rejected"]) == (1, 1)
    item = Feedback.objects.get(code="J-1")
    assert item.repeated and item.is_overdue(golden.vn(4, 1, 0))  # refused after 2 working days
