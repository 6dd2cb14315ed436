"""The reference data as the demo generator reads it: lookup arrays built once from the database.

Receivers (the agencies that receive dossiers, with their volume weights and habits), the
procedures they receive (with volume weights), and who handles each procedure for each receiver.
A few thousand rows: built in the parent process, then shared with forked workers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings

from tthc import calendar
from tthc.models import Agency, AgencyKind, Procedure

from .clock import Clock
from .distributions import (
    BUSINESS_FIELDS,
    BUSINESS_WORDS,
    CENTRAL_UNIT,
    COMMUNE_OFFICE,
    COMMUNE_OFFICE_DEFAULT,
    COMMUNE_SHARE,
    DEPARTMENT,
    FAMILY,
    FEES,
    FIELD_WEIGHT,
    GIVEN,
    LATE,
    MIDDLE,
    MINISTRY_SHARE,
    NAME_WEIGHT,
    OFF_DAY_WEIGHT,
    ONLINE_SHARE,
    ONLINE_SPREAD,
    PROVINCE_POPULATION,
    STUCK,
    VN_TZ,
    WINDOW_MONTHS,
)


@dataclass
class _Proc:
    id: int
    code: str
    name: str
    field_code: str
    ministry: str
    central_system: str
    amount: Decimal
    unit: str
    working_days: bool
    issues_result: bool
    fee: int
    payment_integrated: bool
    population_connected: bool
    business: bool
    financial_obligation: bool
    weight: float


@dataclass
class _Handling:
    agency_id: int
    code: str  # the handling agency's code: ``DonViXuLy``, so the platform knows the agency
    unit: str
    officers: tuple[str, ...]
    leader: str


@dataclass
class _Receiver:
    id: int
    code: str
    level: str  # commune | province | ministry
    province: str | None  # the code of the province it belongs to (None: a ministry)
    receiving_unit: str
    receiving_officers: tuple[str, ...]
    online_share: float
    late: float
    stuck: float
    procs: list[_Proc]
    proc_cum: list[float]
    home: dict = field(default_factory=dict)  # the agency whose staff handle what it receives
    units: dict = field(default_factory=dict)  # its departments / ministry units by code
    handlings: list[_Handling | None] = field(default_factory=list)  # by index in procs, filled lazily


def rng(*parts) -> random.Random:
    """A generator seeded from text: the same on every run and in every process."""
    return random.Random(":".join(str(p) for p in ("seed_demo", *parts)))


def _person(rnd: random.Random) -> str:
    return f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}"


def _cumulative(weights) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


class World:
    """Everything a day's generation needs, built once from the database (a few thousand rows)."""

    def __init__(self, seed: int, anchor: datetime):
        self.seed = seed
        self.as_of = anchor
        month_index = anchor.year * 12 + anchor.month - 1 - WINDOW_MONTHS
        self.window_start = datetime(month_index // 12, month_index % 12 + 1, 1, tzinfo=VN_TZ)
        self.days: list[date] = []
        day = self.window_start.date()
        while day < anchor.date():
            self.days.append(day)
            day += timedelta(days=1)
        self.as_of_ts = int(anchor.timestamp())
        self.segments = _office_segments()
        self.day_seconds = sum(e - s for s, e in self.segments)
        self.pausing = {int(s) for s in getattr(settings, "TTHC_PAUSING_STATUSES", (5, 6))}
        self.clock = Clock(self.window_start - timedelta(days=31))
        self.receivers: list[_Receiver] = []
        self.receiver_cum: list[float] = []
        self._handlings: dict[tuple, _Handling] = {}

    @classmethod
    def build(cls, seed: int, anchor: datetime) -> World:
        world = cls(seed, anchor)
        world._load()
        return world

    def _load(self) -> None:
        on = (self.as_of - timedelta(days=1)).date()
        agencies = list(
            Agency.objects.active(on)
            .order_by("code")
            .values("id", "code", "name", "short_name", "kind", "parent_id")
        )
        children: dict[int, list[dict]] = {}
        for a in agencies:
            children.setdefault(a["parent_id"], []).append(a)
        procs = self._procedures()
        if not procs:
            raise ValueError("no procedures: load the reference data first (tthc/data/procedures.csv)")
        has_levels = any(p[1] for p in procs)
        pool = {
            level: [p for p, levels in procs if not has_levels or level in levels]
            for level in ("commune", "province", "central")
        }
        for level in ("commune", "province"):
            pool[level] = pool[level] or [p for p, _ in procs]

        receivers: list[tuple[_Receiver, float]] = []
        provinces = [a for a in agencies if a["kind"] == AgencyKind.PROVINCE]
        for province in provinces:
            communes = [c for c in children.get(province["id"], []) if c["kind"] == AgencyKind.COMMUNE]
            pop = PROVINCE_POPULATION.get(province["code"]) or max(1, len(communes)) * 0.03
            prnd = rng(self.seed, "province", province["code"])
            online = ONLINE_SPREAD * (2 * prnd.random() - 1)
            late_factor = prnd.lognormvariate(0, 0.5) / 1.13
            shop = next(
                (c for c in children.get(province["id"], []) if c["kind"] == AgencyKind.ONE_STOP), None
            )
            units = {c["code"]: c for c in children.get(province["id"], []) if c["kind"] == AgencyKind.UNIT}
            front = shop or province
            receiver = self._receiver(
                front,
                "province",
                pool["province"],
                online,
                late_factor,
                "Trung tâm Phục vụ hành chính công",
                province["code"],
                home=province,
                units=units,
            )
            receivers.append((receiver, pop * (1 - COMMUNE_SHARE if communes else 1)))
            weights = []
            for commune in communes:
                crnd = rng(self.seed, "commune", commune["code"])
                kind_factor = 1.6 if commune["name"].startswith("Phường") else 1.0
                weights.append(kind_factor * crnd.lognormvariate(0, 0.5))
            total = sum(weights)
            for commune, w in zip(communes, weights, strict=True):
                crnd = rng(self.seed, "commune-late", commune["code"])
                receiver = self._receiver(
                    commune,
                    "commune",
                    pool["commune"],
                    online,
                    late_factor * crnd.lognormvariate(0, 0.4) / 1.08,
                    "Bộ phận Một cửa",
                    province["code"],
                )
                receivers.append((receiver, pop * COMMUNE_SHARE * w / total))
        province_total = sum(w for _, w in receivers) or 1.0
        central = [a for a in agencies if a["kind"] in (AgencyKind.MINISTRY, AgencyKind.MINISTRY_LEVEL)]
        central_counts = {m["id"]: [p for p in pool["central"] if p.ministry == m["code"]] for m in central}
        n_central = sum(len(v) for v in central_counts.values())
        for ministry in central:
            mprocs = central_counts[ministry["id"]]
            if not mprocs:
                continue
            units = {c["code"]: c for c in children.get(ministry["id"], []) if c["kind"] == AgencyKind.UNIT}
            receiver = self._receiver(
                ministry, "ministry", mprocs, 0.0, 1.0, "Bộ phận Một cửa", None, units=units
            )
            share = MINISTRY_SHARE / (1 - MINISTRY_SHARE)
            receivers.append((receiver, province_total * share * len(mprocs) / n_central))
        if not receivers:
            raise ValueError("no receiving agencies: load the reference data first (tthc/data/*.csv)")
        self.receivers = [r for r, _ in receivers]
        self.receiver_cum = _cumulative(w for _, w in receivers)

    def _procedures(self) -> list[tuple[_Proc, set[str]]]:
        ministries = dict(Agency.objects.values_list("id", "code"))
        out = []
        for p in Procedure.objects.order_by("code"):
            name = p.name.lower()
            weight = FIELD_WEIGHT.get(p.field_code.upper(), 1.0)
            for word, factor in NAME_WEIGHT:
                if word in name:
                    weight *= factor
            prnd = rng(self.seed, "procedure", p.code)
            weight *= prnd.lognormvariate(0, 0.5)
            field_code = p.field_code.upper()
            business = field_code in BUSINESS_FIELDS or any(w in name for w in BUSINESS_WORDS)
            proc = _Proc(
                id=p.pk,
                code=p.code,
                name=p.name[:500],
                field_code=field_code,
                ministry=ministries.get(p.ministry_id, ""),
                central_system=p.central_system.upper(),
                amount=p.processing_amount,
                unit=p.processing_unit,
                working_days=p.processing_unit == calendar.WORKING_DAYS,
                issues_result=p.issues_result,
                fee=prnd.choice(FEES) if p.fee_bearing else 0,
                payment_integrated=p.payment_integrated,
                population_connected=p.population_data_connected,
                business=business,
                financial_obligation=p.fee_bearing and field_code == "DATDAI",
                weight=weight,
            )
            levels = {name for name in ("commune", "province", "central") if getattr(p, f"level_{name}")}
            out.append((proc, levels))
        return out

    def _receiver(
        self, agency, level, procs, online_offset, late_factor, unit, province, home=None, units=None
    ) -> _Receiver:
        rnd = rng(self.seed, "officers", agency["code"])
        base_late = LATE[level] * late_factor
        return _Receiver(
            id=agency["id"],
            code=agency["code"],
            level=level,
            receiving_unit=f"{unit} - {agency['short_name'] or agency['name']}"[:255],
            province=province,
            receiving_officers=tuple(_person(rnd) for _ in range(3)),
            online_share=min(0.95, max(0.2, ONLINE_SHARE[level] + online_offset)),
            late=min(0.6, base_late),
            stuck=min(0.08, STUCK * late_factor),
            procs=procs,
            proc_cum=_cumulative(p.weight for p in procs),
            home=home or agency,
            units=units or {},
            handlings=[None] * len(procs),
        )

    def handling_for(self, receiver: _Receiver, proc: _Proc) -> _Handling:
        """Who handles ``proc`` for ``receiver``: a department, a ministry unit, or the agency itself."""
        home, units = receiver.home, receiver.units
        agency, unit_name = home, None
        if receiver.level == "commune":
            unit_name = COMMUNE_OFFICE.get(proc.ministry, COMMUNE_OFFICE_DEFAULT)
        elif receiver.level == "province":
            suffix, unit_name = DEPARTMENT.get(proc.ministry, ("", "Văn phòng UBND tỉnh"))
            department = units.get(f"{home['code']}-{suffix}")
            if department is not None:
                agency, unit_name = department, department["short_name"] or department["name"]
        else:
            unit_code = CENTRAL_UNIT.get(proc.central_system)
            unit = units.get(unit_code) if unit_code else None
            if unit is not None:
                agency = unit
            unit_name = (unit or {}).get("short_name") or "Văn phòng Bộ"
        key = (agency["code"], unit_name)
        found = self._handlings.get(key)
        if found is None:
            rnd = rng(self.seed, "handling", *key)
            found = self._handlings[key] = _Handling(
                agency_id=agency["id"],
                code=agency["code"],
                unit=unit_name[:255],
                officers=tuple(_person(rnd) for _ in range(4)),
                leader=_person(rnd),
            )
        return found

    def day_counts(self, n: int) -> list[int]:
        """Dossiers per day: proportional to fixed weights, exactly ``n`` in total (largest remainder)."""
        weights = []
        for i, day in enumerate(self.days):
            if calendar.is_working_day(day):
                w = (1.15, 1.0, 1.0, 1.0, 0.95, 0.8, 0.8)[day.weekday()]
            else:
                w = OFF_DAY_WEIGHT
            weights.append(w * (1 + 0.015 * i / 30))  # online services grow a little month on month
        total = sum(weights)
        exact = [n * w / total for w in weights]
        counts = [int(x) for x in exact]
        short = n - sum(counts)
        for i in sorted(range(len(exact)), key=lambda i: (counts[i] - exact[i], i))[:short]:
            counts[i] += 1
        return counts


def _office_segments() -> tuple[tuple[int, int], ...]:
    """Office hours in seconds since midnight, from the same setting the calendar reads."""
    out = []
    for item in settings.TTHC_OFFICE_HOURS:
        start, end = (part.strip() for part in str(item).split("-"))
        out.append(tuple(int(h) * 3600 + int(m) * 60 for h, m in (start.split(":"), end.split(":"))))
    return tuple(sorted(out))
