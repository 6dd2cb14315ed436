"""complaints models: sync-gap requests, their timeline and files, citizen feedback and its timeline,
chasing markers, notifications."""

from .chasing import ChaseMarker, ChaseStage, DigestMarker
from .feedback import Feedback, FeedbackEvent, FeedbackQuerySet
from .notifications import Notification, NotificationKind
from .requests import (
    AttachmentKind,
    CaseEvent,
    EventKind,
    RequestAttachment,
    RequestEvent,
    SyncGapRequest,
    SyncGapRequestQuerySet,
)

__all__ = [
    "AttachmentKind",
    "CaseEvent",
    "ChaseMarker",
    "ChaseStage",
    "DigestMarker",
    "EventKind",
    "Feedback",
    "FeedbackEvent",
    "FeedbackQuerySet",
    "Notification",
    "NotificationKind",
    "RequestAttachment",
    "RequestEvent",
    "SyncGapRequest",
    "SyncGapRequestQuerySet",
]
