"""What the comparison statement compares: kinds, columns, thresholds, the universe of a province's runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings

from ...models import GapKind

#: Every gap kind, as counted per run (zero when none).
KINDS: tuple[str, ...] = tuple(k.value for k in GapKind)
#: The kinds this statement finds per dossier (the others come from their own comparisons).
ROW_KINDS: tuple[str, ...] = (
    GapKind.MISSING_ON_PORTAL,
    GapKind.MISSING_AT_SOURCE,
    GapKind.STATUS_DIFFERS,
    GapKind.FINISH_DIFFERS,
    GapKind.DUE_DIFFERS,
    GapKind.SYNCED_LATE,
    GapKind.PROGRESS_MISSING,
    GapKind.RESULT_MISSING,
    GapKind.MISSING_IN_PROVINCE_SYSTEM,
    GapKind.PROVINCE_SYSTEM_DIFFERS,
    GapKind.SUSPICIOUS,
)
#: The three-way kinds: a ministry system's copy against the province's own system's copy.
CHAIN_KINDS = (GapKind.MISSING_IN_PROVINCE_SYSTEM, GapKind.PROVINCE_SYSTEM_DIFFERS)
FINISHED = (9, 10)
JUMP_FROM = (5, 6, 8)  # supplement requested, financial obligation, processing stopped
SIDE_COLUMNS = (
    ("code", "code"),
    ("status", "status"),
    ("previous_status", "prev"),
    ("received_at", "recv"),
    ("due_at", "due"),
    ("finished_at", "fin"),
    ("event_at", "ev"),
    ("agency_id", "agency"),
    ("procedure_id", "proc"),
    ("progress_steps", "steps"),
    ("e_result", "eres"),
)
#: Per-side suspicious patterns, computed in each side's scan (by parallel workers where PostgreSQL
#: scans in parallel) rather than after the join, which runs in one process.
PATTERNS = ("jump", "sync", "bare")
#: What the benchmark's hand-written join reads (it evaluates the patterns itself).
RAW_COLUMNS = (*SIDE_COLUMNS, ("synced_at", "synced"))


@dataclass(frozen=True)
class Thresholds:
    """The configurable tolerances (settings ``TTHC_*``), resolved once per run."""

    late_seconds: float = 24 * 3600
    finish_tolerance: float = 0
    due_tolerance: float = 0
    suspicious_sync: float = 0

    @classmethod
    def from_settings(cls) -> Thresholds:
        return cls(
            late_seconds=float(settings.TTHC_SYNC_LATE_HOURS) * 3600,
            finish_tolerance=float(settings.TTHC_FINISH_TOLERANCE_SECONDS),
            due_tolerance=float(settings.TTHC_DUE_TOLERANCE_SECONDS),
            suspicious_sync=float(settings.TTHC_SUSPICIOUS_SYNC_SECONDS),
        )


@dataclass(frozen=True)
class RunSpec:
    """One run of the batch: the source system it compares and what that system serves.

    ``procedure_ids``: the procedures assigned to the system by its code (every agency of the
    province). ``own_agency_ids``: for a province's own system, the agencies whose "own system"
    procedures (``Universe.own_procedure_ids``) it serves — those it is the nearest owner of."""

    run_id: int
    source_id: int
    procedure_ids: tuple[int, ...]
    own_agency_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Universe:
    """What one statement compares: dossiers received in ``[start, end)`` by ``agency_ids``, as seen by
    each run's source (for what that source serves) and by the portal (``portal_id``).

    ``chain_procedure_ids``: procedures assigned to a ministry system that the province's own system
    also holds (three-way comparison); ``progress_sources``: the systems that normally send progress
    steps (the only ones judged by the progress-based suspicious patterns)."""

    portal_id: int
    agency_ids: tuple[int, ...]
    start: datetime
    end: datetime
    runs: tuple[RunSpec, ...]
    own_procedure_ids: tuple[int, ...] = ()
    chain_procedure_ids: tuple[int, ...] = ()
    progress_sources: tuple[int, ...] = ()

    @property
    def own_runs(self) -> tuple[RunSpec, ...]:
        return tuple(r for r in self.runs if r.own_agency_ids)

    @property
    def by_agency(self) -> bool:
        """Several own systems: "own system" procedures go to the run serving each dossier's agency."""
        return len(self.own_runs) > 1

    @property
    def empty(self) -> bool:
        served = any(r.procedure_ids for r in self.runs) or (self.own_procedure_ids and self.own_runs)
        return not (self.agency_ids and served)

    @property
    def run_ids(self) -> list[int]:
        return [r.run_id for r in self.runs]


@dataclass
class Counts:
    dossiers: int = 0
    portal_dossiers: int = 0
    gap_dossiers: int = 0
    gaps: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.gaps = {k: int((self.gaps or {}).get(k, 0)) for k in KINDS}
