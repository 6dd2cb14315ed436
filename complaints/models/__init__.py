"""complaints models: sync-gap requests, their timeline and files, chasing markers, notifications."""
from .chasing import ChaseMarker, ChaseStage, DigestMarker
from .notifications import Notification, NotificationKind
from .requests import (
    AttachmentKind,
    EventKind,
    RequestAttachment,
    RequestEvent,
    SyncGapRequest,
    SyncGapRequestQuerySet,
)

__all__ = [
    "AttachmentKind",
    "ChaseMarker",
    "ChaseStage",
    "DigestMarker",
    "EventKind",
    "Notification",
    "NotificationKind",
    "RequestAttachment",
    "RequestEvent",
    "SyncGapRequest",
    "SyncGapRequestQuerySet",
]
