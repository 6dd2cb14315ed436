"""tthc models: the agency tree, procedures (thủ tục hành chính), dossiers (hồ sơ) and the calendar."""

from .agencies import Agency, AgencyKind, AgencyQuerySet
from .calendar import CalendarOverride, OverrideKind
from .dossiers import (
    ApologyLetter,
    ApplicantKind,
    Channel,
    Dossier,
    DossierEvent,
    DossierQuerySet,
    DossierStatus,
    PaymentKind,
    Satisfaction,
)
from .procedures import OnlineLevel, Procedure, ProcessingUnit

__all__ = [
    "Agency",
    "AgencyKind",
    "AgencyQuerySet",
    "ApologyLetter",
    "ApplicantKind",
    "CalendarOverride",
    "Channel",
    "Dossier",
    "DossierEvent",
    "DossierQuerySet",
    "DossierStatus",
    "OnlineLevel",
    "OverrideKind",
    "PaymentKind",
    "Procedure",
    "ProcessingUnit",
    "Satisfaction",
]
