"""Creating requests (uniqueness, frozen evidence, the letter), editing drafts, bulk submission,
comments, attachments, deadlines."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from accounts.models import AuditLog
from complaints.models import AttachmentKind, EventKind, RequestEvent, SyncGapRequest
from complaints.services import requests as svc
from complaints.services.deadlines import schedule
from complaints.services.letters import people_committee
from complaints.workflow import State

from .helpers import make_case, make_run, vn


def test_create_freezes_the_evidence_and_writes_the_letter(world):
    run = make_run(world, counts={"missing_on_portal": 12, "status_differs": 3}, points="1.25")
    case, created = svc.create_request(
        world.a["01"], world.system, "2026-08", user=world.u["province_officer"]
    )
    assert created
    assert (case.state, case.ministry, case.run) == (State.DRAFT, world.a["BTP"], run)
    assert [(s.source, s.run, s.gap_total) for s in case.systems.all()] == [(world.system, run, 15)]
    assert case.gap_counts == {"missing_on_portal": 12, "status_differs": 3}
    assert (case.gap_total, case.points_at_stake, case.dossiers_compared) == (15, Decimal("1.250"), 500)
    assert case.subject.startswith("V/v kiến nghị rà soát, đồng bộ")
    assert "tháng 08/2026" in case.subject
    body = case.body
    assert body.startswith("Kính gửi: Bộ Tư pháp.")
    assert "Ủy ban nhân dân thành phố Hà Nội" in body
    assert "- 12 hồ sơ chưa được đồng bộ lên Cổng Dịch vụ công quốc gia;" in body
    assert "- 3 hồ sơ có trạng thái xử lý không thống nhất" in body
    assert "(ước tính ảnh hưởng 1,25 điểm)" in body
    assert "trong thời hạn 10 ngày làm việc" in body
    assert "“đúng, đủ, sạch, sống, thống nhất, dùng chung”" in body
    assert body.rstrip().endswith("- Lưu: VT, KSTT.")
    event = case.events.get()
    assert (event.kind, event.to_state, event.actor) == (
        EventKind.CREATED,
        State.DRAFT,
        world.u["province_officer"],
    )
    assert AuditLog.objects.filter(action="request.create", target_id=str(case.pk)).exists()


def test_the_gap_list_is_attached_as_csv_and_excel(world):
    make_run(world, counts={"missing_on_portal": 4, "status_differs": 2})
    case, _ = svc.create_request(world.a["01"], world.system, "2026-08")
    files = {a.kind: a for a in case.attachments.all()}
    assert set(files) == {AttachmentKind.EVIDENCE_CSV, AttachmentKind.EVIDENCE_XLSX}
    text = files[AttachmentKind.EVIDENCE_CSV].file.open("rb").read().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == [
        "Hệ thống",
        "Mã hệ thống (source)",
        "Loại sai lệch",
        "Mã loại sai lệch (kind)",
        "Mã hồ sơ",
    ]
    assert len(rows) == 1 + 6
    assert {r[1] for r in rows[1:]} == {world.system.code}
    assert {r[0] for r in rows[1:]} == {world.system.name}
    assert {r[3] for r in rows[1:]} == {"missing_on_portal", "status_differs"}
    assert all(r[2] and r[2] != r[3] for r in rows[1:])
    sheet = load_workbook(files[AttachmentKind.EVIDENCE_XLSX].file.open("rb")).active
    values = list(sheet.values)
    assert list(values[1]) == rows[0] and len(values) == 2 + 6
    assert files[AttachmentKind.EVIDENCE_CSV].size > 0


def test_one_request_per_province_system_and_month(world):
    make_run(world)
    first, created = svc.create_request(
        world.a["01"], world.system, "2026-08", user=world.u["province_officer"]
    )
    again, created_again = svc.create_request(
        world.a["01"], world.system, "2026-08", user=world.u["province_leader"]
    )
    assert created and not created_again and again.pk == first.pk
    assert SyncGapRequest.objects.count() == 1
    # Another system of the same ministry: the same request (one per ministry).
    assert svc.create_request(world.a["01"], world.other_system, "2026-08") == (first, False)
    assert svc.create_request(world.a["01"], world.a["BTP"], "2026-08") == (first, False)
    # Another month, another ministry, another province: separate requests.
    assert svc.create_request(world.a["01"], world.system, "2026-09")[1]
    assert svc.create_request(world.a["01"], world.health_system, "2026-08")[1]
    assert svc.create_request(world.a["48"], world.system, "2026-08")[1]


def test_the_database_enforces_uniqueness(world):
    make_case(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_case(world)


def test_a_discarded_draft_is_not_recreated(world):
    case = make_case(world)
    svc.transition(case, State.DISCARDED, world.u["province_officer"], reason="Số liệu đã được Bộ khắc phục")
    again, created = svc.create_request(world.a["01"], world.system, "2026-08")
    assert not created and again.state == State.DISCARDED


def test_only_province_officers_file_and_only_for_ministry_systems(world):
    for name in (
        "province_viewer",
        "ministry_leader",
        "commune_officer",
        "other_province_officer",
        "national_admin",
    ):
        with pytest.raises(PermissionDenied):
            svc.create_request(world.a["01"], world.system, "2026-08", user=world.u[name])
    with pytest.raises(ValidationError):
        svc.create_request(
            world.a["01"], world.provincial_system, "2026-08", user=world.u["province_officer"]
        )
    with pytest.raises(ValidationError):
        svc.create_request(world.a["01-C1"], world.system, "2026-08")


def test_the_addressee_is_the_ministry_of_the_owning_unit(world):
    case, _ = svc.create_request(world.a["01"], world.system, "2026-08")  # owned by BTP-HT, a unit of BTP
    assert case.ministry == world.a["BTP"]
    health, _ = svc.create_request(world.a["01"], world.health_system, "2026-08")
    assert health.ministry == world.a["BYT"]


def test_people_committee_names():
    from types import SimpleNamespace

    assert people_committee(SimpleNamespace(name="Thành phố Hà Nội")) == "Ủy ban nhân dân thành phố Hà Nội"
    assert people_committee(SimpleNamespace(name="Tỉnh Cao Bằng")) == "Ủy ban nhân dân tỉnh Cao Bằng"


def test_submission_sets_the_stored_deadline_in_working_days(world):
    case = make_case(world)
    submitted = vn(2026, 8, 20, 10, 0)  # Thursday; Sat 22/8 is a make-up working day, 31/8–2/9 are off
    result = svc.transition(case, State.SUBMITTED, world.u["province_leader"], now=submitted)
    # Working days after 20/8: 21, 22 (Sat, make-up), 24, 25, 26, 27, 28, 3/9, 4/9, 7/9 → the 10th is 7/9.
    assert result.response_due_at == vn(2026, 9, 7, 17, 0)
    assert result.reminder_at == vn(2026, 9, 3, 7, 0)  # two working days before: 3/9 (1/9, 2/9 are holidays)
    assert result.notice_at == vn(2026, 9, 7, 7, 0)
    assert result.escalation_at == vn(2026, 9, 14, 7, 0)  # 5 working days after: 8, 9, 10, 11, 14
    assert (result.deadline_round, result.submitted_at, result.response_days) == (1, submitted, 10)


def test_a_request_filed_after_hours_counts_from_the_next_working_morning(db):
    friday_evening = schedule(vn(2026, 10, 2, 18, 30), 10)
    monday_morning = schedule(vn(2026, 10, 5, 8, 0), 10)
    assert friday_evening.due_at == monday_morning.due_at == vn(2026, 10, 19, 17, 0)


def test_submission_refreshes_stale_evidence(world):
    make_run(world, counts={"missing_on_portal": 12}, finished_at=vn(2026, 9, 1, 4, 0))
    case, _ = svc.create_request(world.a["01"], world.system, "2026-08", now=vn(2026, 9, 1, 6, 0))
    make_run(world, counts={"missing_on_portal": 20}, finished_at=vn(2026, 9, 2, 4, 0))
    result = svc.transition(case, State.SUBMITTED, world.u["province_leader"], now=vn(2026, 9, 3, 9, 0))
    assert result.gap_total == 20
    assert "- 20 hồ sơ chưa được đồng bộ" in result.body  # not edited: the letter follows the figures
    refreshed = result.events.get(kind=EventKind.EVIDENCE)
    assert refreshed.fields["before"]["gap_total"] == 12 and refreshed.fields["letter_rewritten"] is True
    current = result.attachments.filter(superseded=False)
    assert current.count() == 2 and result.attachments.filter(superseded=True).count() == 2


def test_an_edited_letter_is_kept_when_the_evidence_is_refreshed(world):
    make_run(world, counts={"missing_on_portal": 12}, finished_at=vn(2026, 9, 1, 4, 0))
    case, _ = svc.create_request(world.a["01"], world.system, "2026-08", now=vn(2026, 9, 1, 6, 0))
    svc.edit_draft(
        case, world.u["province_officer"], subject=case.subject, body="Nội dung do địa phương soạn"
    )
    make_run(world, counts={"missing_on_portal": 20}, finished_at=vn(2026, 9, 2, 4, 0))
    result = svc.transition(case, State.SUBMITTED, world.u["province_leader"], now=vn(2026, 9, 3, 9, 0))
    assert result.body == "Nội dung do địa phương soạn" and result.gap_total == 20
    assert result.events.get(kind=EventKind.EVIDENCE).fields["letter_rewritten"] is False


def test_edit_draft(world):
    case = make_case(world)
    svc.edit_draft(case, world.u["province_officer"], subject="V/v mới", body="Nội dung mới")
    case.refresh_from_db()
    assert (case.subject, case.body) == ("V/v mới", "Nội dung mới")
    assert case.events.filter(kind=EventKind.EDIT).count() == 1
    with pytest.raises(PermissionDenied):
        svc.edit_draft(case, world.u["ministry_leader"], subject="x", body="y")
    with pytest.raises(ValidationError):
        svc.edit_draft(case, world.u["province_officer"], subject="", body="y")
    submitted = make_case(world, State.SUBMITTED, period="2026-07")
    with pytest.raises(PermissionDenied):
        svc.edit_draft(submitted, world.u["province_officer"], subject="x", body="y")


def test_bulk_submit_is_for_leaders(world):
    drafts = [make_case(world, period=f"2026-0{m}") for m in (5, 6, 7)]
    submitted, errors = svc.bulk_submit(drafts, world.u["province_officer"])
    assert submitted == [] and set(errors) == {d.pk for d in drafts}
    assert AuditLog.objects.filter(action="permission.denied", actor=world.u["province_officer"]).count() == 3
    drafts[2].body = ""
    drafts[2].save()
    submitted, errors = svc.bulk_submit(drafts, world.u["province_leader"], now=vn(2026, 9, 3, 9, 0))
    assert [c.pk for c in submitted] == [drafts[0].pk, drafts[1].pk]
    assert list(errors) == [drafts[2].pk]
    assert set(SyncGapRequest.objects.values_list("state", flat=True)) == {State.SUBMITTED, State.DRAFT}


def test_comments_and_assignments_go_on_the_timeline(world):
    case = make_case(world, State.SUBMITTED)
    svc.add_comment(case, world.u["ministry_officer"], "Đang kiểm tra")
    with pytest.raises(PermissionDenied):
        svc.add_comment(case, world.u["ministry_viewer"], "x")
    with pytest.raises(ValidationError):
        svc.add_comment(case, world.u["ministry_officer"], "  ")
    svc.assign(case, world.u["ministry_leader"], side="ministry", assignee=world.u["ministry_officer"])
    case.refresh_from_db()
    assert case.ministry_assignee == world.u["ministry_officer"]
    with pytest.raises(ValidationError):
        svc.assign(case, world.u["ministry_leader"], side="ministry", assignee=world.u["province_officer"])
    with pytest.raises(PermissionDenied):
        svc.assign(case, world.u["province_officer"], side="ministry", assignee=world.u["ministry_officer"])
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [EventKind.COMMENT, EventKind.ASSIGNMENT]


def test_events_are_append_only(world):
    case = make_case(world, State.SUBMITTED)
    event = svc.add_comment(case, world.u["ministry_officer"], "x")
    event.comment = "changed"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        RequestEvent.objects.filter(pk=event.pk).update(comment="y")
    with pytest.raises(TypeError):
        RequestEvent.objects.all().delete()


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"


def test_attachments_are_checked_for_size_and_type(world, settings):
    case = make_case(world, State.SUBMITTED)
    officer = world.u["ministry_officer"]
    attachment = svc.add_attachment(case, officer, SimpleUploadedFile("cong-van.pdf", PDF, "application/pdf"))
    assert (attachment.content_type, attachment.size, attachment.kind) == (
        "application/pdf",
        len(PDF),
        "document",
    )
    assert case.events.filter(kind=EventKind.ATTACHMENT).count() == 1
    refused = [
        SimpleUploadedFile("virus.exe", b"MZ\x90\x00", "application/octet-stream"),
        SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>", "application/pdf"),
        SimpleUploadedFile("page.html", b"<html></html>", "text/html"),
        SimpleUploadedFile("empty.txt", b"", "text/plain"),
        SimpleUploadedFile("binary.csv", b"\x00\x01\x02", "text/csv"),
    ]
    for upload in refused:
        with pytest.raises(ValidationError):
            svc.add_attachment(case, officer, upload)
    settings.TTHC_REQUEST_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError) as info:
        svc.add_attachment(case, officer, SimpleUploadedFile("big.pdf", PDF, "application/pdf"))
    assert "file" in info.value.message_dict  # the size message (translated)
    settings.TTHC_REQUEST_ATTACHMENT_MAX_BYTES = 10_000
    assert svc.add_attachment(
        case, officer, SimpleUploadedFile("ghi-chu.txt", "Tiếng Việt".encode(), "text/plain")
    )
    with pytest.raises(PermissionDenied):
        svc.add_attachment(case, world.u["other_province_officer"], SimpleUploadedFile("a.pdf", PDF))


def test_a_long_vietnamese_file_name_is_stored_shortened_and_downloaded_whole(world):
    """A name of 210 characters is 294 bytes in UTF-8, beyond a file system's 255: the stored file's
    name is cut by bytes (the extension kept), the attachment keeps the name the user gave."""
    case = make_case(world, State.SUBMITTED)
    name = "Biên bản làm việc về khắc phục đồng bộ hồ sơ " * 5 + ".pdf"
    assert len(name.encode()) > 255
    attachment = svc.add_attachment(
        case, world.u["ministry_officer"], SimpleUploadedFile(name, PDF, "application/pdf")
    )
    assert attachment.name == name[:255]
    stored = attachment.file.name.rsplit("/", 1)[1]
    assert stored.endswith(".pdf") and len(stored.encode()) <= 160
    with attachment.file.open("rb") as f:
        assert f.read() == PDF
    again = svc.add_attachment(case, world.u["ministry_officer"], SimpleUploadedFile(name, PDF))
    assert again.file.name != attachment.file.name  # the same name twice: two files


@pytest.mark.parametrize(
    ("missing", "shortfall", "total", "beyond"),
    [(4, 4, 4, None), (4, 6, 6, 2), (3, 1, 3, None)],
)
def test_a_shortfall_is_not_counted_again_beside_the_dossiers_listed_as_missing(
    world, missing, shortfall, total, beyond
):
    """The portal's count short of the province's reported count includes the dossiers the comparison
    listed as missing on the portal: the letter, the request and the run count them once."""
    run = make_run(world, counts={"missing_on_portal": missing, "not_synced": shortfall, "status_differs": 0})
    assert run.gap_total == total
    case, _ = svc.create_request(world.a["01"], world.system, "2026-08", user=world.u["province_officer"])
    assert case.gap_total == total
    assert f"còn {total} trường hợp" in case.body
    assert f"{total} trường hợp, cụ thể:" in case.body
    assert f"- {missing} hồ sơ chưa được đồng bộ lên Cổng Dịch vụ công quốc gia" in case.body
    assert ("hồ sơ khác đã tiếp nhận" in case.body) == (beyond is not None)
    if beyond is not None:
        assert f"- {beyond} hồ sơ khác đã tiếp nhận nhưng chưa được đồng bộ" in case.body
    assert "hồ sơ đã tiếp nhận nhưng chưa được đồng bộ" not in case.body
