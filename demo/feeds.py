"""The feeds: which system syncs each demo dossier, and what the portal's copy says.

Each dossier's record goes to the one system allowed to sync it (the ministry system assigned to
its procedure, else its province's own system; a dossier neither may write — received by a
ministry for a procedure no system handles — reaches the platform through the portal only). The
portal then receives its own copies, with the gaps reconciliation exists to find
(docs/domain.md#reconciliation):

* a handful of dossiers (0.1 %) exist only on the portal (missing at source);
* the portal misses 1–5 % of most ministry systems' dossiers, about 30 % of one system's, and
  0.2–1 % of the provinces' own systems';
* some portal copies are stale: they still show a finished dossier in processing (synced late);
* one ministry system rewrites statuses 5/6/8 to 9 without progress history, and erases the progress
  history of its finished dossiers that had a supplement request (the gaming patterns of
  docs/domain.md#suspicious-patterns): the portal first received the true state, later the rewrite;
* a few due dates differ by a day.

Dossiers whose result was returned in the last days before the snapshot reach their system in two
steps: the record as it stood before (finished) and then the return as a progress step
(``CapNhatTienDoHoSoMC``).

Deterministic: the gaps are drawn from a random generator of their own per day (five draws per
dossier whatever is decided), so a dossier's gaps do not depend on the chunking or on the others'.
A portal copy equal to the system's record *is* that record (the same object), so it is validated
once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .dossiers import Day, Made, stamp
from .systems import DUE_SHIFT_BP, MISSING_AT_SOURCE_BP, Plans
from .world import World, rng

#: Returned in this many days before the snapshot: the return step is synced alone, after the record.
PROGRESS_DAYS = 5
#: Rewrites come 1–48 hours after the dossier's last event.
REWRITE_HOURS = 48
_REWRITTEN, _JUMPED_FROM = frozenset((5, 6, 8)), frozenset((9, 10))


@dataclass
class DayFeeds:
    """One day's records by the system that syncs them: ``sources`` and ``portal`` first, then
    ``later`` (progress steps, the portal's rewrites) once the first ones are stored."""

    sources: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    portal: list = field(default_factory=list)
    later: dict[str, list] = field(default_factory=lambda: defaultdict(list))


def split_day(plans: Plans, world: World, index: int, day: Day) -> DayFeeds:
    """Route one day's dossiers to their systems and make the portal's copies."""
    feeds = DayFeeds()
    draw = rng(world.seed, "feed", world.days[index].isoformat()).random
    as_of = world.as_of_ts
    recent = as_of - PROGRESS_DAYS * 86_400
    central, provincial = plans.central, plans.provincial
    for made in day.made:
        missing_at_source, missing_on_portal, stale, shifted, later = draw(), draw(), draw(), draw(), draw()
        record = made.record
        plan = central.get(made.central_system) if made.central_system else provincial.get(made.province)
        if plan is None or missing_at_source * 10_000 < MISSING_AT_SOURCE_BP:
            feeds.portal.append(record)  # only the portal has it, as it is
            continue
        if made.returned is not None and made.returned >= recent:
            steps = record["QuaTrinhXuLy"]
            feeds.sources[plan.code].append(
                dict(record, TrangThaiHoSo="9", NgayTra="", QuaTrinhXuLy=steps[:-1])
            )
            feeds.later[plan.code].append({"MaHoSo": record["MaHoSo"], **steps[-1]})
        else:
            feeds.sources[plan.code].append(record)
        if missing_on_portal * 10_000 < plan.miss_bp:
            continue
        first, second = _portal_copies(made, plan.rewrite, stale * 10_000 < plan.stale_bp, later, as_of)
        if shifted * 10_000 < DUE_SHIFT_BP and made.due is not None:
            due = stamp(made.due + 86_400)
            first = dict(first, NgayHenTra=due)
            second = second and dict(second, NgayHenTra=due)
        feeds.portal.append(first)
        if second is not None:
            feeds.later[plans.portal].append(second)
    return feeds


def _portal_copies(
    made: Made, rewrite: bool, stale: bool, later: float, as_of: int
) -> tuple[dict, dict | None]:
    """The portal's copy of a dossier, and the later version that replaces it (or None)."""
    record, status = made.record, made.status
    if rewrite and status in _REWRITTEN:  # shown finished at the time of a later sync, history dropped
        at = made.state_at + 3_600 * (1 + int(later * REWRITE_HOURS))
        if at < as_of:
            return record, dict(
                record, TrangThaiHoSo="9", NgayKetThucXuLy=stamp(at), NgayTra="", QuaTrinhXuLy=[]
            )
        return record, None
    if rewrite and status in _JUMPED_FROM and made.supplements:  # the supplement request erased
        steps = record["QuaTrinhXuLy"]
        asked = next(i for i, step in enumerate(steps) if step["TrangThai"] == "5")
        before = _without(record, "DanhSachGiayToKetQua")
        before.update(
            TrangThaiHoSo="5",
            NgayKetThucXuLy="",
            NgayTra="",
            QuaTrinhXuLy=steps[: asked + 1],
            DanhSachHoSoBoSung=[{"NgayBoSung": steps[asked]["ThoiDiemXuLy"]}],
        )
        return before, dict(record, QuaTrinhXuLy=[])
    if not rewrite and stale and status in _JUMPED_FROM:  # still shown in processing
        copy = _without(record, "DanhSachGiayToKetQua", "DanhSachHoSoBoSung")
        copy.update(
            TrangThaiHoSo="4", NgayKetThucXuLy="", NgayTra="", QuaTrinhXuLy=record["QuaTrinhXuLy"][:2]
        )
        return copy, None
    return record, None


def _without(record: dict, *keys: str) -> dict:
    return {k: v for k, v in record.items() if k not in keys}
