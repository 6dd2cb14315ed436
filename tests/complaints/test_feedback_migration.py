"""The migration that moves citizen feedback from indicators to complaints keeps every row, the
timeline's links to them and the admin's content type (run on SQLite and on PostgreSQL)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from complaints.models import Feedback, FeedbackEvent

BEFORE = [("complaints", "0002_feedback_event"), ("indicators", "0001_initial")]
RECEIVED = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


@pytest.mark.django_db(transaction=True)
def test_feedback_rows_move_to_complaints_with_their_timeline():
    try:
        old = migrate(BEFORE)
        assert "indicators_feedback" in tables() and "complaints_feedback" not in tables()
        Agency = old.get_model("tthc", "Agency")
        agency = Agency.objects.create(code="01", name="Hà Nội", kind="province", path="/01/", depth=0)
        OldFeedback = old.get_model("indicators", "Feedback")
        due = {
            "refuse_due_at": RECEIVED + timedelta(days=2),
            "ask_more_due_at": RECEIVED + timedelta(days=5),
            "answer_due_at": RECEIVED + timedelta(days=21),
        }
        kept = [
            OldFeedback.objects.create(
                code="PAKN-1",
                agency=agency,
                subject="Chậm trả kết quả",
                received_at=RECEIVED,
                answered_at=RECEIVED + timedelta(days=3),
                **due,
            ),
            OldFeedback.objects.create(
                code="PAKN-2", agency=agency, received_at=RECEIVED, disliked=True, **due
            ),
        ]
        old.get_model("complaints", "FeedbackEvent").objects.create(
            feedback_id=kept[0].pk, kind="transition", at=RECEIVED, to_state="answered"
        )
        old_type = ContentType.objects.get_for_model(OldFeedback)  # (indicators, feedback)

        migrate(leaves())

        assert "complaints_feedback" in tables() and "indicators_feedback" not in tables()
        rows = {f.code: f for f in Feedback.objects.order_by("code")}
        assert list(rows) == ["PAKN-1", "PAKN-2"]
        assert [rows[c].pk for c in rows] == [f.pk for f in kept]
        assert (
            rows["PAKN-1"].subject == "Chậm trả kết quả" and rows["PAKN-1"].answered_at == kept[0].answered_at
        )
        assert rows["PAKN-2"].disliked and rows["PAKN-2"].answer_due_at == due["answer_due_at"]
        assert FeedbackEvent.objects.get().feedback == rows["PAKN-1"]
        ContentType.objects.clear_cache()
        moved = ContentType.objects.get(pk=old_type.pk)
        assert (moved.app_label, moved.model) == ("complaints", "feedback")
        # The moved table keeps allocating ids after the rows it holds.
        new = Feedback.objects.create(code="PAKN-3", agency_id=agency.pk, received_at=RECEIVED)
        assert new.pk > max(f.pk for f in kept)
    finally:
        migrate(leaves())
        ContentType.objects.clear_cache()
