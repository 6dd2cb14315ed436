"""PostgreSQL's ``COPY`` text rendered by the store ahead of the database thread
(:meth:`tthc.store.postgres.PostgresStore.prepare`): every text value comes back unchanged whichever
of them holds a character ``COPY`` must escape (the check is made once over all of a record's text).
No database: the rendered lines are read back by ``COPY``'s text rules here."""

from __future__ import annotations

import re

import pytest

from tthc.store.postgres import PostgresStore
from tthc.store.staging import EVENT_COLUMNS, VERSION_COLUMNS, Step, Version

_UNESCAPE = re.compile(r"\\(.)")
_CODES = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}
#: Text values of a version, then of a step, with their column (the dossier id is not rendered).
VERSION_TEXT = ("code", "handling_unit", "handling_officer", "applicant_name", "summary")
STEP_TEXT = ("unit", "officer", "officer_title", "note")
AWKWARD = ("a\tb", "line 1\nline 2", "cr\r", "back\\slash", "\\N", "nb\u00a0sp", "bell\x07")


def read_copy_line(line: str) -> list[str | None]:
    """One ``COPY … FROM STDIN`` text line → its values (``\\N`` is NULL). A raw newline or carriage
    return would end the row there."""
    assert "\n" not in line and "\r" not in line, line
    return [
        None if field == "\\N" else _UNESCAPE.sub(lambda m: _CODES.get(m.group(1), m.group(1)), field)
        for field in line.split("\t")
    ]


def version(**text) -> Version:
    values = dict.fromkeys(VERSION_TEXT, "plain") | {"code": "00004-250112-000006"}
    values.update({k: v for k, v in text.items() if k in VERSION_TEXT})
    step_text = {k: text.get(k, "plain") for k in STEP_TEXT}
    steps = [
        Step(
            "20250112080000",
            None,
            2,
            step_text["unit"],
            step_text["officer"],
            step_text["officer_title"],
            "x",
        ),
        Step(
            "20250113090000",
            2,
            4,
            "Một cửa",
            "Nguyễn Văn An",
            "Chuyên viên",
            step_text["note"],
            "20250120170000",
        ),
    ]
    return Version(
        procedure_id=1, agency_id=2, handling_agency_id=None, channel=1, applicant_kind=1, status=4,
        previous_status=2, submitted_at=None, received_at="20250112080000", due_at="20250120170000",
        finished_at=None, returned_at=None, refused_at=None, digitised=False, e_result=False,
        data_reused=False, personal_store=False, population=False, payment_kind=0, fee_amount=0,
        supplement_count=0, paused_seconds=0, progress_steps=2, event_at="20250113090000", digest="d",
        events=steps, **values,
    )  # fmt: skip


@pytest.mark.parametrize("awkward", AWKWARD)
@pytest.mark.parametrize("field", VERSION_TEXT + STEP_TEXT)
def test_each_text_value_round_trips_alone(field, awkward):
    record = version(**{field: awkward})
    expected_steps = [(s.unit, s.officer, s.officer_title, s.note) for s in record.events]
    expected = {name: getattr(record, name) for name in VERSION_TEXT}
    PostgresStore().prepare(record)
    stage, events = record.rendered
    row = dict(zip(VERSION_COLUMNS[1:], read_copy_line(stage), strict=True))
    assert {name: row[name] for name in VERSION_TEXT} == expected
    assert (row["received_at"], row["finished_at"]) == ("20250112T080000+07", None)
    steps = [dict(zip(EVENT_COLUMNS[1:], read_copy_line(line), strict=True)) for line in events]
    assert [(s["unit"], s["officer"], s["officer_title"], s["note"]) for s in steps] == expected_steps
    assert [(s["from_status"], s["to_status"], s["due_at"]) for s in steps] == [
        (None, "2", None),
        ("2", "4", "20250120T170000+07"),
    ]
    assert record.events == ()


def test_plain_text_is_not_escaped():
    record = version(applicant_name="Nguyễn Thị Bình", note="Đã tiếp nhận")
    PostgresStore().prepare(record)
    stage, events = record.rendered
    assert "\tNguyễn Thị Bình\t" in stage and "\tĐã tiếp nhận\t" in events[1]
