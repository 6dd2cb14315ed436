"""The 766 index's own data: feedback, extra inputs, and stored snapshots."""
from .feedback import Feedback, FeedbackQuerySet
from .inputs import CertifiedCopyCommune, PublicationDeadline
from .snapshots import ComponentValue, IndicatorSnapshot, Level

__all__ = [
    "CertifiedCopyCommune",
    "ComponentValue",
    "Feedback",
    "FeedbackQuerySet",
    "IndicatorSnapshot",
    "Level",
    "PublicationDeadline",
]
