"""``seed_demo``'s steps: calendar, source systems, the dossiers through ingestion, the follow-ups.

Deterministic for a seed and an anchor, and idempotent: a second run the same day sends the same
records, which ingestion finds unchanged, so nothing is written twice (docs/demo.md).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.utils import timezone

from reconciliation.services.ingest import can_fork
from tthc import calendar
from tthc.models import ApologyLetter, CalendarOverride, Dossier, DossierEvent

from .distributions import DEFAULT_CHUNK, DEFAULT_DOSSIERS, DEFAULT_SEED, KNOWN_OVERRIDES, VN_TZ
from .index import seed_demo_index
from .pipeline import Feeder, FeedReport, feed
from .readiness import seed_demo_readiness
from .reporting import reconcile_latest, report_counts
from .requests import seed_demo_requests
from .systems import ensure_systems, plan_feeds
from .world import World

#: Runs of at least this many dossiers generate in worker processes and write over two connections.
LARGE = 200_000


@dataclass
class SeedResult:
    dossiers: int = 0  # generated
    dossiers_created: int = 0
    events_created: int = 0
    letters_created: int = 0
    seconds: float = 0.0
    window_start: datetime | None = None
    as_of: datetime | None = None
    statuses: dict[int, int] = field(default_factory=dict)
    systems_created: int = 0
    bad_system: str = ""
    rewriting_system: str = ""
    feeds: FeedReport | None = None
    reported_counts: int = 0

    @property
    def already_present(self) -> int:
        return self.dossiers - self.dossiers_created


def add_known_overrides() -> int:
    """Insert the known Government calendar decisions that ``holidays`` lacks; returns rows added."""
    added = 0
    for day, kind, note in KNOWN_OVERRIDES:
        _, created = CalendarOverride.objects.get_or_create(date=day, defaults={"kind": kind, "note": note})
        added += created
    if added:
        calendar.invalidate()
    return added


def anchor_for(month: str | None = None) -> datetime:
    """The snapshot instant: the first instant of ``month`` (``YYYY-MM``) or, by default, of today in
    Vietnam time, so that the current month is live (open dossiers due in the coming days). Not in the
    future: ingestion refuses event times after now."""
    today = timezone.now().astimezone(VN_TZ).date()
    if month:
        year, number = (int(part) for part in month.split("-"))
        anchor = datetime(year, number, 1, tzinfo=VN_TZ)
        if anchor.date() > today:
            raise ValueError(f"{month} has not begun: the demo's events must be in the past")
        return anchor
    return datetime(today.year, today.month, today.day, tzinfo=VN_TZ)


def _counts() -> tuple[int, int, int]:
    return Dossier.objects.count(), DossierEvent.objects.count(), ApologyLetter.objects.count()


def seed_dossiers(
    dossiers: int = DEFAULT_DOSSIERS,
    seed: int = DEFAULT_SEED,
    anchor: datetime | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    workers: int | None = None,
    writers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> SeedResult:
    """The source systems, then ``dossiers`` demo dossiers sent through ingestion as each system and
    the portal would sync them, their apology letters and ratings, and the reporting system's counts.

    ``workers`` > 0 generates days in that many forked processes, ``writers`` > 1 writes over that
    many database connections (PostgreSQL only); by default both are 2 for large runs and 0/1
    otherwise. ``progress`` is called with the number of dossiers of each round written.
    """
    started = time.perf_counter()
    anchor = anchor or anchor_for()
    world = World.build(seed, anchor)
    result = SeedResult(dossiers=max(dossiers, 0), window_start=world.window_start, as_of=world.as_of)
    systems, result.systems_created = ensure_systems()
    plans = plan_feeds(systems, seed)
    if plans is None:
        raise ValueError(
            "no active portal system, and no root agency to own one: load the reference data first"
        )
    result.bad_system, result.rewriting_system = plans.bad_system, plans.rewriting_system
    if dossiers > 0:
        postgres = connection.vendor == "postgresql"
        large = dossiers >= LARGE
        cpus = min(2, os.cpu_count() or 1)
        workers = (cpus if large else 0) if workers is None else workers
        writers = (cpus if large and postgres else 1) if writers is None else writers
        if connection.in_atomic_block or not can_fork():
            workers = 0  # forking closes the connection, which would end the caller's transaction
        if connection.in_atomic_block or not postgres:
            writers = 1  # the caller's transaction (tests), or SQLite's single writer
        before = _counts()
        result.feeds = feed(
            Feeder(world, plans, systems),
            world.day_counts(dossiers),
            chunk_size=chunk_size,
            workers=workers,
            writers=writers,
            progress=progress,
        )
        after = _counts()
        result.dossiers_created, result.events_created, result.letters_created = (
            a - b for a, b in zip(after, before, strict=True)
        )
        result.statuses = result.feeds.statuses
    result.reported_counts = report_counts(plans, seed)
    result.seconds = time.perf_counter() - started
    return result


#: What builds on the dossiers, in order (``--skip-hooks`` leaves them out): each takes the seed.
FOLLOW_UPS: tuple[tuple[str, Callable[[int], object]], ...] = (
    ("reconciliation of the latest months", lambda seed: reconcile_latest(3)),
    ("index snapshots and inputs", lambda seed: seed_demo_index(seed=seed)),
    ("draft requests", lambda seed: seed_demo_requests(seed=seed)),
    ("readiness assessments", lambda seed: seed_demo_readiness(seed=seed)),
)
