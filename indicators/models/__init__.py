"""The 766 index's own data: extra inputs and stored snapshots (feedback is complaints')."""

from .inputs import CertifiedCopyCommune, PublicationDeadline
from .snapshots import ComponentValue, IndicatorSnapshot, Level

__all__ = [
    "CertifiedCopyCommune",
    "ComponentValue",
    "IndicatorSnapshot",
    "Level",
    "PublicationDeadline",
]
