"""complaints models: sync-gap requests, their timeline and files, chasing markers, notifications."""
from .chasing import ChaseMarker, ChaseStage, DigestMarker
from .feedback import FeedbackEvent
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
    "FeedbackEvent",
    "Notification",
    "NotificationKind",
    "RequestAttachment",
    "RequestEvent",
    "SyncGapRequest",
    "SyncGapRequestQuerySet",
]
