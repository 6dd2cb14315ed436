"""complaints models: sync-gap requests, their timeline and files, citizen feedback and its timeline,
chasing markers, notifications, the signed letters' stored files."""

from .chasing import ChaseMarker, ChaseStage, DigestMarker
from .feedback import Feedback, FeedbackEvent, FeedbackQuerySet
from .notifications import Notification, NotificationKind
from .requests import (
    AttachmentKind,
    CaseEvent,
    EventKind,
    LetterCounter,
    RequestAttachment,
    RequestEvent,
    RequestSystem,
    Route,
    SignedLetter,
    SignerMode,
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
    "LetterCounter",
    "RequestEvent",
    "RequestSystem",
    "Route",
    "SignedLetter",
    "SignerMode",
    "SyncGapRequest",
    "SyncGapRequestQuerySet",
]
