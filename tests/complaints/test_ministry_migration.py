"""The migration to one request per province × ministry × month: rows of two systems of one ministry
merge into one request listing both, with their timelines; other rows keep their figures."""

from datetime import UTC, datetime

import pytest

from complaints.models import RequestEvent, RequestSystem, SyncGapRequest

from .test_feedback_migration import leaves, migrate

BEFORE = [
    ("complaints", "0003_feedback_from_indicators"),
    ("reconciliation", "0007_gap_kinds_and_procedure_assignments"),
]
AT = datetime(2026, 9, 3, 2, 0, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_rows_per_system_merge_into_one_request_per_ministry():
    try:
        old = migrate(BEFORE)
        Agency = old.get_model("tthc", "Agency")
        System = old.get_model("reconciliation", "SourceSystem")
        Request = old.get_model("complaints", "SyncGapRequest")
        Event = old.get_model("complaints", "RequestEvent")
        a = {
            code: Agency.objects.create(code=code, name=code, kind=kind, path=f"/{code}/", depth=0)
            for code, kind in (("01", "province"), ("BTP", "ministry"), ("BYT", "ministry"))
        }
        systems = {
            code: System.objects.create(code=code, name=code, kind="ministry", owner=a[owner])
            for code, owner in (("HTDT", "BTP"), ("LLTP", "BTP"), ("KCB", "BYT"))
        }

        def request(system, ministry, counts, points):
            case = Request.objects.create(
                province=a["01"],
                ministry=a[ministry],
                source=systems[system],
                period="2026-08",
                state="draft",
                subject=f"V/v {system}",
                body="x",
                gap_counts=counts,
                gap_total=sum(counts.values()),
                points_at_stake=points,
            )
            Event.objects.create(request=case, kind="created", at=AT, to_state="draft")
            return case

        first = request("HTDT", "BTP", {"missing_on_portal": 4}, "0.5")
        request("LLTP", "BTP", {"missing_on_portal": 1, "due_differs": 3}, "0.25")
        other = request("KCB", "BYT", {"status_differs": 7}, "1")

        migrate(leaves())

        assert SyncGapRequest.objects.count() == 2
        merged = SyncGapRequest.objects.get(pk=first.pk)
        assert [(s.source.code, s.gap_total) for s in merged.systems.order_by("source__code")] == [
            ("HTDT", 4),
            ("LLTP", 4),
        ]
        assert merged.gap_counts == {"missing_on_portal": 5, "due_differs": 3} and merged.gap_total == 8
        assert str(merged.points_at_stake) == "0.750" and merged.route == "ministry"
        assert RequestEvent.objects.filter(request=merged).count() == 2
        kept = SyncGapRequest.objects.get(pk=other.pk)
        assert kept.gap_total == 7 and RequestSystem.objects.get(request=kept).source.code == "KCB"
    finally:
        migrate(leaves())
