"""The staging tables of the dossier store and the rows a dossier version puts in them.

A chunk of dossier versions is staged in temporary tables (one connection's own, emptied before
each chunk) and written from there by a few set-based statements. The layout is the store's: the
ingestion writer reads the same staged rows for its per-source copies, so a chunk is staged once.

A *version* (:class:`Version`) is one valid record of a dossier as a source sent it; ingestion's
validation builds them. Times are the portal's ``yyyyMMddHHmmss`` strings in Vietnam time; the
dialect turns them into the database's timestamps.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from operator import attrgetter

#: One row per dossier version of the chunk (``dossier_id`` resolved or reserved before staging).
VERSIONS = "store_versions"
#: The history rows of the chunk's versions.
EVENTS = "store_events"
#: The progress steps of a chunk (``CapNhatTienDoHoSoMC``), one row per dossier.
PROGRESS = "store_progress"

VERSION_COLUMNS = (
    "dossier_id",
    "code",
    "procedure_id",
    "agency_id",
    "handling_agency_id",
    "handling_unit",
    "handling_officer",
    "channel",
    "applicant_kind",
    "applicant_name",
    "summary",
    "status",
    "previous_status",
    "submitted_at",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "refused_at",
    "digitised",
    "e_result",
    "data_reused",
    "personal_store",
    "population",
    "payment_kind",
    "fee_amount",
    "supplement_count",
    "paused_seconds",
    "progress_steps",
    "event_at",
    "digest",
    "filing_place",
    "correction",
)
VERSION_TYPES = (
    "bigint",
    "text",
    "bigint",
    "bigint",
    "bigint",
    "text",
    "text",
    "smallint",
    "smallint",
    "text",
    "text",
    "smallint",
    "smallint",
    "{ts}",
    "{ts}",
    "{ts}",
    "{ts}",
    "{ts}",
    "{ts}",
    "boolean",
    "boolean",
    "boolean",
    "boolean",
    "boolean",
    "smallint",
    "bigint",
    "integer",
    "bigint",
    "integer",
    "{ts}",
    "text",
    "smallint",
    "boolean",
)
#: ``held``: the dossier holds a state this version can never outrank (staged with the version);
#: ``won``: the version replaced what its source had stored (set by the caller's upsert);
#: ``created``: that source had no copy yet.
VERSION_FLAGS = ", held boolean DEFAULT false, won boolean DEFAULT false, created boolean DEFAULT false"
#: ``floor``: the newest event time a correction in the same chunk replaced (``Version.floor``), staged
#: beside the version rather than rendered with it (it is known only once the chunk is de-duplicated).
STAGED_COLUMNS = (*VERSION_COLUMNS, "held", "floor")
EVENT_COLUMNS = (
    "dossier_id",
    "at",
    "from_status",
    "to_status",
    "unit",
    "officer",
    "officer_title",
    "note",
    "due_at",
)
EVENT_TYPES = ("bigint", "{ts}", "smallint", "smallint", "text", "text", "text", "text", "{ts}")
PROGRESS_COLUMNS = ("code", "dossier_id", "at", "to_status", "digest", "steps", "fin_at", "ret_at")
PROGRESS_TYPES = ("text", "bigint", "{ts}", "smallint", "text", "integer", "{ts}", "{ts}")
PROGRESS_FLAGS = ", won boolean DEFAULT false"

TABLES = (
    (VERSIONS, (*VERSION_COLUMNS, "floor"), (*VERSION_TYPES, "{ts}"), VERSION_FLAGS),
    (EVENTS, EVENT_COLUMNS, EVENT_TYPES, ""),
    (PROGRESS, PROGRESS_COLUMNS, PROGRESS_TYPES, PROGRESS_FLAGS),
)

#: ``tthc_dossier`` column ← staged expression (``{paused}``: the dialect's seconds → duration).
DOSSIER_MAP = (
    ("procedure_id", "procedure_id"),
    ("receiving_agency_id", "agency_id"),
    ("handling_agency_id", "handling_agency_id"),
    ("handling_unit", "handling_unit"),
    ("handling_officer", "handling_officer"),
    ("channel", "channel"),
    ("applicant_kind", "applicant_kind"),
    ("applicant_name", "applicant_name"),
    ("summary", "summary"),
    ("status", "status"),
    ("submitted_at", "submitted_at"),
    ("received_at", "received_at"),
    ("due_at", "due_at"),
    ("finished_at", "finished_at"),
    ("returned_at", "returned_at"),
    ("refused_at", "refused_at"),
    ("has_digitised_components", "digitised"),
    ("has_electronic_result", "e_result"),
    ("data_reused", "data_reused"),
    ("linked_personal_store", "personal_store"),
    ("population_data_used", "population"),
    ("payment_kind", "payment_kind"),
    ("fee_amount", "fee_amount"),
    ("supplement_count", "supplement_count"),
    ("paused_duration", "{paused}"),
    ("state_at", "event_at"),
    ("filing_place", "filing_place"),
)


@dataclass(slots=True)
class Step:
    """One step of a dossier's history as a source reported it (``QuaTrinhXuLy``)."""

    at: str
    from_status: int | None
    to_status: int
    unit: str
    officer: str
    officer_title: str
    note: str
    #: The step's own deadline (``NgayKetThucTheoQuyDinh``), ``yyyyMMddHHmmss``; ``None`` if not sent.
    due_at: str | None = None


@dataclass(slots=True)
class Version:
    """One valid version of a dossier as a source sent it (ingestion's ``DossierRecord``): the values
    stored in the source's copy and, when it wins, in ``Dossier``."""

    code: str
    procedure_id: int
    agency_id: int
    handling_agency_id: int | None
    handling_unit: str
    handling_officer: str
    channel: int
    applicant_kind: int
    applicant_name: str
    summary: str
    status: int
    previous_status: int | None
    submitted_at: str | None
    received_at: str | None
    due_at: str | None
    finished_at: str | None
    returned_at: str | None
    refused_at: str | None
    digitised: bool
    e_result: bool
    data_reused: bool
    personal_store: bool
    population: bool
    payment_kind: int
    fee_amount: int
    supplement_count: int
    paused_seconds: int
    progress_steps: int
    event_at: str
    digest: str = ""
    #: Where the dossier was filed (``NoiNopHoSo``, :mod:`tthc.filing`); ``None``: not stated.
    filing_place: int | None = None
    #: Sent as a correction (the envelope's or the record's ``isUpdating``): see :func:`supersedes`.
    correction: bool = False
    #: Set when a chunk is de-duplicated: the newest event time a correction sent earlier in the same
    #: chunk replaced (``yyyyMMddHHmmss``), kept as the copy's ``superseded_at``.
    floor: str | None = None
    events: list[Step] = field(default_factory=list)
    #: The dialect's pre-rendered staging rows (PostgreSQL: COPY text), prepared off the database thread.
    rendered: object = None

    def __reduce__(self):
        """Pickled as its values in order, rebuilt by the dataclass's own ``__init__`` (versions
        validated in worker processes cross to the writer): unpickling costs a sixth of setting
        each slot by name, and a slotted dataclass's default pickling is slower still."""
        return Version, _values(self)


#: The fields in ``__init__``'s order (a slotted dataclass's ``__slots__`` are its fields in order).
_values = attrgetter(*(f.name for f in fields(Version)))


def history(r: Version) -> Iterator[tuple]:
    """A version's history rows ``(at, from, to, unit, officer, title, note, due)``: every step it
    reports, plus the status change itself at its latest event time when no step reports it."""
    reported = False
    for e in r.events:
        reported = reported or e.to_status == r.status
        yield (e.at, e.from_status, e.to_status, e.unit, e.officer, e.officer_title, e.note, e.due_at)
    if not reported:
        yield (r.event_at, r.previous_status, r.status, "", "", "", "", None)


# -- precedence of a source's versions (docs/adr/0013-corrections-and-replays.md) -------------------

#: A status's place in a dossier's lifecycle: 0 registered (1) · 1 in hand (2 received, 4 processing,
#: 5/6 waiting for the applicant) · 2 ended (3 refused at intake, 7 withdrawn, 8 stopped, 9 finished)
#: · 3 result returned (10). A dossier moves forward through these stages, never back.
STAGES = {1: 0, 2: 1, 4: 1, 5: 1, 6: 1, 3: 2, 7: 2, 8: 2, 9: 2, 10: 3}


def stage_sql(status: str) -> str:
    """SQL: the lifecycle stage (:data:`STAGES`) of the status expression ``status``."""
    return f"(CASE WHEN {status} = 10 THEN 3 WHEN {status} IN (3, 7, 8, 9) THEN 2 WHEN {status} = 1 THEN 0 ELSE 1 END)"


def supersedes(new: Version, old: Version, floor: str | None = None) -> bool:
    """Whether ``new``, sent after ``old`` by the same source, replaces it (the rule of ADR 0013, the
    same as the writer's SQL): a later lifecycle stage always; an earlier stage never; within one
    stage a correction (``isUpdating``) whatever its dates, otherwise the newer ``(event_at, digest)``
    — and never a time at or before ``floor``, the newest time a correction already replaced."""
    a, b = STAGES[new.status], STAGES[old.status]
    if a != b:
        return a > b
    if new.correction:
        return new.digest != old.digest
    if floor is not None and new.event_at <= floor:
        return False
    return (new.event_at, new.digest) > (old.event_at, old.digest)
