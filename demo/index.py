"""Demo inputs of the index (citizen feedback, e-copy communes) and a backfill of the snapshots.

The dossiers come through ingestion; the index also needs feedback and the communes providing
electronic certified copies, and the dashboards need 13 months of snapshots. ``seed_demo_index()``
does all three, deterministically and idempotently (natural keys, ``ignore_conflicts``), so a demo
shows every component and a trend from the first page view. The shares are [assumed]: nothing
publishes them, they only need to look plausible.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.utils import timezone

from complaints.models import Feedback
from complaints.services.deadlines import working_deadline
from indicators.models import CertifiedCopyCommune
from indicators.services.backfill import backfill
from tthc import calendar
from tthc.models import Agency, AgencyKind
from tthc.periods import Period

E_COPY_SHARE = 0.6  # communes providing electronic certified copies by the end of the window
FEEDBACK_PER_MONTH = (2, 14)  # per province, uniform
ANSWERED_ON_TIME, ANSWERED_LATE, REFUSED_ON_TIME, REFUSED_LATE = 0.70, 0.10, 0.05, 0.03  # rest: open
PUBLISHED_LATE, DISLIKED, REPEATED = 0.10, 0.08, 0.05


def _rng(*parts) -> random.Random:
    return random.Random(":".join(str(p) for p in ("indicators-demo", *parts)))


def _office_moment(rnd: random.Random, day: date) -> datetime:
    day = calendar.next_working_day(day)
    return datetime(
        day.year, day.month, day.day, rnd.randint(7, 15), rnd.choice((0, 15, 30, 45)), tzinfo=calendar.VN_TZ
    )


def seed_e_copies(months: list[Period], seed: int = 766) -> int:
    communes = (
        Agency.objects.active(months[-1].first_day).filter(kind=AgencyKind.COMMUNE).values_list("pk", "code")
    )
    first, span = months[0].first_day, (months[-1].next_first_day - months[0].first_day).days
    rows = []
    for pk, code in communes:
        rnd = _rng(seed, "e-copy", code)
        if rnd.random() < E_COPY_SHARE:
            rows.append(
                CertifiedCopyCommune(commune_id=pk, since=first + timedelta(days=rnd.randrange(-365, span)))
            )
    return len(CertifiedCopyCommune.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000))


def seed_feedback(months: list[Period], now: datetime, seed: int = 766) -> int:
    provinces = list(
        Agency.objects.active(months[-1].first_day)
        .filter(kind=AgencyKind.PROVINCE)
        .values_list("pk", "code", "path")
    )
    communes: dict[str, list[int]] = {}
    for pk, path in Agency.objects.filter(kind=AgencyKind.COMMUNE).values_list("pk", "path"):
        communes.setdefault(path.split("/")[2], []).append(pk)
    rows = []
    for province_id, code, _path in provinces:
        for month in months:
            rnd = _rng(seed, "feedback", code, month)
            days = (month.next_first_day - month.first_day).days
            for n in range(rnd.randint(*FEEDBACK_PER_MONTH)):
                received = _office_moment(rnd, month.first_day + timedelta(days=rnd.randrange(days)))
                if received >= now:
                    continue
                agency = (
                    rnd.choice(communes.get(code) or [province_id]) if rnd.random() < 0.7 else province_id
                )
                item = Feedback(
                    code=f"PAKN-{code}-{month}-{n:03d}",
                    agency_id=agency,
                    received_at=received,
                    subject="Phản ánh về giải quyết thủ tục hành chính",
                    disliked=rnd.random() < DISLIKED,
                    repeated=rnd.random() < REPEATED,
                )
                _outcome(rnd, item, now)
                item.fill_deadlines()
                rows.append(item)
    return len(Feedback.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000))


def _outcome(rnd: random.Random, item: Feedback, now: datetime) -> None:
    """What became of a feedback case; nothing after ``now`` (a case received lately is still open)."""
    r = rnd.random()
    if r < ANSWERED_ON_TIME + ANSWERED_LATE:
        days = rnd.randint(1, 14) if r < ANSWERED_ON_TIME else rnd.randint(16, 25)
        item.answered_at = working_deadline(item.received_at, days)
        item.published_at = working_deadline(item.answered_at, 3 if rnd.random() < PUBLISHED_LATE else 1)
    elif r < ANSWERED_ON_TIME + ANSWERED_LATE + REFUSED_ON_TIME + REFUSED_LATE:
        late = r >= ANSWERED_ON_TIME + ANSWERED_LATE + REFUSED_ON_TIME
        item.refused_at = working_deadline(item.received_at, rnd.randint(3, 5) if late else 1)
    if item.answered_at is not None and item.answered_at > now:
        item.answered_at = item.published_at = None
    if item.published_at is not None and item.published_at > now:
        item.published_at = None
    if item.refused_at is not None and item.refused_at > now:
        item.refused_at = None


def seed_demo_index(now: datetime | None = None, months: int = 13, seed: int = 766) -> dict:
    """Feedback and e-copy communes over the window, then the snapshots: what ``seed_demo`` calls."""
    now = now or timezone.now()
    window = [Period.current(now)]
    while len(window) <= months:
        window.insert(0, window[0].previous())
    return {
        "e_copy_communes": seed_e_copies(window, seed),
        "feedback": seed_feedback(window, now, seed),
        "periods": backfill(months, now),
    }
