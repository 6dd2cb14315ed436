"""The dossier side by side: every copy in columns, differing fields marked, the timeline of syncs.

Columns, left to right: the platform's own row, the systems that handle the dossier (a ministry's
centralized system, then the province's own systems), then the portal — a portal column is shown
even when the portal has no copy ("missing on the portal" is the finding). A field is marked in
every copy whose value differs from the reference copy (the first system's; the portal's when no
system holds the dossier). Arrival times always differ and are never marked.

The timeline merges each copy's latest event and arrival (with its batch) and the dossier's stored
history (``DossierEvent``), oldest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from tthc import filing
from tthc.models import Dossier, DossierStatus

from ..models import Gap, SourceDossier, SourceKind

#: (attribute, label, the portal's field name or "") shown side by side.
FIELDS = (
    ("status", _("Dossier status"), "TrangThaiHoSo"),
    ("previous_status", _("Previous status"), ""),
    ("channel", _("Channel"), "KenhThucHien"),
    ("filing_place", _("Filed at"), "NoiNopHoSo"),
    ("received_at", _("Received"), "NgayTiepNhan"),
    ("due_at", _("Due"), "NgayHenTra"),
    ("finished_at", _("Processing finished"), "NgayKetThucXuLy"),
    ("returned_at", _("Result returned"), "NgayTra"),
    ("progress_steps", _("Progress steps"), "QuaTrinhXuLy"),
    ("e_result", _("Electronic result"), "DanhSachGiayToKetQua"),
    ("event_at", _("Latest event"), ""),
    ("synced_at", _("Received by the platform"), ""),
    ("agency", _("Receiving agency"), ""),
    ("procedure", _("Procedure"), "MaTTHC"),
)
#: Fields whose difference is marked (arrival and event times always differ).
COMPARED = {
    "status",
    "channel",
    "filing_place",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "progress_steps",
    "e_result",
    "agency",
    "procedure",
}
ORDER: dict[str, int] = {
    SourceKind.MINISTRY: 0,
    SourceKind.PROVINCIAL: 1,
    SourceKind.PORTAL: 2,
    SourceKind.REPORTING: 3,
}
CHANNELS = {1: _("direct"), 2: _("online"), 3: _("public postal service")}


def display(attr: str, value: Any) -> Any:
    """Codes with their label (``9 – Processing finished``); everything else as is."""
    if value is None:
        return None
    if attr in ("status", "previous_status"):
        return f"{value} – {DossierStatus(value).label}" if value in DossierStatus.values else str(value)
    if attr == "channel" and value in CHANNELS:
        return f"{value} – {CHANNELS[value]}"
    if attr == "filing_place":
        return f"{value} – {filing.label(value)}" if filing.by_code(value) else str(value)
    if attr == "e_result":
        return _("yes") if value else _("no")
    return value


@dataclass
class Column:
    label: str
    title: str
    kind: str
    copy: SourceDossier | None  # None: the portal holds no copy


@dataclass
class Row:
    label: Any
    portal_field: str
    platform: Any
    cells: list[tuple[Any, bool]]  # (value, differs from the reference)

    @property
    def differs(self) -> bool:
        return any(d for _, d in self.cells)


@dataclass
class TimelineEntry:
    at: datetime
    what: Any
    system: str = ""
    detail: str = ""


@dataclass
class Comparison:
    code: str
    platform: Dossier | None
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (any(c.copy for c in self.columns) or self.platform or self.gaps)


def _columns(copies: list[SourceDossier]) -> list[Column]:
    ordered = sorted(copies, key=lambda v: (ORDER.get(v.source.kind, 9), v.source.code))
    columns = [Column(v.source.code, v.source.name, v.source.kind, v) for v in ordered]
    if not any(c.kind == SourceKind.PORTAL and c.copy.source.active for c in columns if c.copy):
        columns.append(Column("DVCQG", str(_("not on the portal")), SourceKind.PORTAL, None))
    return columns


def _rows(columns: list[Column], platform: Dossier | None) -> list[Row]:
    held = [c for c in columns if c.copy is not None]
    reference = next((c for c in held if c.kind != SourceKind.PORTAL), held[0] if held else None)
    rows = []
    for attr, label, portal_field in FIELDS:
        base = display(attr, getattr(reference.copy, attr)) if reference else None
        cells = []
        for column in columns:
            if column.copy is None:
                cells.append((None, attr in COMPARED))  # nothing where the source holds a value
                continue
            value = display(attr, getattr(column.copy, attr))
            cells.append((value, attr in COMPARED and column is not reference and value != base))
        mine = None
        if platform is not None:
            mine = display(attr, getattr(platform, "receiving_agency" if attr == "agency" else attr, None))
        rows.append(Row(label, portal_field, mine, cells))
    return rows


def _timeline(columns: list[Column], platform: Dossier | None) -> list[TimelineEntry]:
    entries = []
    for column in columns:
        copy = column.copy
        if copy is None:
            continue
        entries.append(TimelineEntry(copy.event_at, _("Latest event reported"), column.label))
        batch = f"#{copy.batch_id}" if copy.batch_id else ""
        entries.append(TimelineEntry(copy.synced_at, _("Copy received by the platform"), column.label, batch))
    if platform is not None:
        for event in platform.events.order_by("at"):
            what = display("status", event.to_status)
            detail = " · ".join(x for x in (event.unit, event.officer) if x)
            entries.append(TimelineEntry(event.at, what, "", detail))
    return sorted(entries, key=lambda e: e.at)


def compare_dossier(user: Any, code: str) -> Comparison:
    """Everything the page shows about dossier ``code``, scoped to what ``user`` may see."""
    copies = list(
        SourceDossier.objects.visible_to(user)
        .filter(code=code)
        .select_related("source", "agency", "procedure")
    )
    platform = (
        Dossier.objects.visible_to(user)
        .filter(code=code)
        .select_related("receiving_agency", "procedure")
        .first()
    )
    gaps = list(
        Gap.objects.visible_to(user).filter(dossier_code=code).select_related("run__source", "run__province")
    )
    comparison = Comparison(code=code, platform=platform, gaps=gaps)
    if not (copies or platform or gaps):
        return comparison
    comparison.columns = _columns(copies)
    comparison.rows = _rows(comparison.columns, platform)
    comparison.timeline = _timeline(comparison.columns, platform)
    return comparison
