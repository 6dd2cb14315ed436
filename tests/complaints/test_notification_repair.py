"""Migration 0008 repairs the notifications stored while six translations repeated themselves."""

from __future__ import annotations

import importlib

from django.apps import apps

from complaints.models import Notification

repair = importlib.import_module("complaints.migrations.0008_notifications_said_once").repair

SENTENCE = "Hệ thống đã chuyển kiến nghị KN-2026-10-00062 từ “Đã gửi” sang “Đã báo cáo cấp trên”."
REMINDER = "[KN-2026-10-00062] Nhắc hạn: trả lời kiến nghị của Thành phố Hà Nội trước ngày 18/11/2026"


def test_doubled_subjects_and_first_paragraphs_are_cut_to_one_and_nothing_else(world):
    user = world.u["ministry_officer"]

    def note(subject: str, body: str) -> Notification:
        return Notification.objects.create(recipient=user, kind="transition", subject=subject, body=body)

    moved = note("[KN] Đã báo cáo cấp trên", SENTENCE + SENTENCE + "\n\nLý do: Quá hạn.\n\nLý do: Quá hạn.")
    reminder = note(REMINDER + REMINDER, "Cần trả lời.Cần trả lời.")
    fine = note("[KN] Đã gửi", SENTENCE + "\n\n" + SENTENCE)  # two paragraphs saying the same: kept
    empty = note("ab", "")
    repair(apps, None)
    for n in (moved, reminder, fine, empty):
        n.refresh_from_db()
    assert moved.body == SENTENCE + "\n\nLý do: Quá hạn.\n\nLý do: Quá hạn."  # only the first paragraph
    assert (reminder.subject, reminder.body) == (REMINDER, "Cần trả lời.")
    assert fine.body == SENTENCE + "\n\n" + SENTENCE and (empty.subject, empty.body) == ("ab", "")
    repair(apps, None)  # again: nothing left to cut
    moved.refresh_from_db()
    assert moved.body.startswith(SENTENCE + "\n\n")
