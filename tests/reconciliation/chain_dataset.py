"""A planted dataset for the ministry system → provincial system → portal chain, the
suspicious flags, two systems in one province, and an effective-dated reassignment.

    CP ─┬─ VPCP (owns DVCQG, the portal)
        ├─ BTP (owns HOTICH, a ministry's centralized system)
        └─ 01 (owns TINH-01) ─┬─ 01-C1, 01-C2 (communes)
                              └─ 01-SYT (department, owns SYT-01) ── 01-SYT-U

Period 2026-10. ``EXPECTED`` is the exact set of (system, kind, dossier) that reconciling province 01
must find.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

from reconciliation.models import SourceDossier, SourceKind, SourceSystem
from tests.factories import AgencyFactory, ProcedureFactory
from tthc.models import AgencyKind
from tthc.periods import VN_TZ

PERIOD = "2026-10"
T0 = datetime(2026, 10, 5, 8, 0, tzinfo=VN_TZ)
H = timedelta(hours=1)

TREE = [
    ("CP", AgencyKind.CENTRAL, None),
    ("VPCP", AgencyKind.MINISTRY_LEVEL, "CP"),
    ("BTP", AgencyKind.MINISTRY, "CP"),
    ("01", AgencyKind.PROVINCE, "CP"),
    ("01-C1", AgencyKind.COMMUNE, "01"),
    ("01-C2", AgencyKind.COMMUNE, "01"),
    ("01-SYT", AgencyKind.UNIT, "01"),
    ("01-SYT-U", AgencyKind.UNIT, "01-SYT"),
]

EXPECTED = {
    ("HOTICH", "missing_in_province_system", "C-MIP"),
    ("HOTICH", "province_system_differs", "C-PSD-STATUS"),
    ("HOTICH", "province_system_differs", "C-PSD-FIN"),
    ("HOTICH", "province_system_differs", "C-PSD-DUE"),
    ("HOTICH", "progress_missing", "C-PROG"),
    ("HOTICH", "result_missing", "C-RES"),
}


class Writer:
    def __init__(self, systems, agencies, procedures):
        self.s, self.a, self.p = systems, agencies, procedures

    def row(
        self,
        system,
        code,
        agency="01-C1",
        proc="ht",
        *,
        status=10,
        received=T0,
        due=None,
        finished="auto",
        steps=3,
        e_result=True,
    ):
        """A copy finished and returned, with its steps and an electronic result, unless told otherwise."""
        due = due or received + 72 * H
        if finished == "auto":
            finished = received + 24 * H if status in (9, 10) else None
        event = finished or received
        return SourceDossier.objects.create(
            source=self.s[system],
            code=code,
            agency=self.a[agency],
            procedure=self.p[proc],
            status=status,
            previous_status=9 if status == 10 else 2,
            received_at=received,
            due_at=due,
            finished_at=finished,
            returned_at=finished + H if finished and status == 10 else None,
            progress_steps=steps,
            e_result=e_result and status in (9, 10),
            event_at=event,
            synced_at=event + timedelta(minutes=7),
            digest="x",
        )

    def chain(self, code, *, province=None, portal=None, **kw):
        """The ministry system's copy, the province system's copy (``province=False``: none) and the
        portal's copy, each with its own overrides."""
        self.row("HOTICH", code, **kw)
        if province is not False:
            self.row("TINH-01", code, **{**kw, **(province or {})})
        self.row("DVCQG", code, **{**kw, **(portal or {})})

    def both(self, system, code, portal=None, **kw):
        self.row(system, code, **kw)
        self.row("DVCQG", code, **{**kw, **(portal or {})})


def build(*, department_system: bool = False) -> SimpleNamespace:
    a = {}
    for code, kind, parent in TREE:
        a[code] = AgencyFactory(
            code=code, name=f"Agency {code}", kind=kind, parent=a[parent] if parent else None
        )
    p = {
        "ht": ProcedureFactory(code="HT1", ministry=a["BTP"], central_system="HOTICH"),
        "local": ProcedureFactory(code="LOC1", ministry=a["BTP"], central_system=""),
        "moved": ProcedureFactory(code="MOV1", ministry=a["BTP"], central_system=""),
    }
    rows = [
        ("HOTICH", SourceKind.MINISTRY, "BTP"),
        ("TINH-01", SourceKind.PROVINCIAL, "01"),
        ("DVCQG", SourceKind.PORTAL, "VPCP"),
    ]
    if department_system:
        rows.append(("SYT-01", SourceKind.PROVINCIAL, "01-SYT"))
    s = {
        code: SourceSystem.objects.create(code=code, name=f"System {code}", kind=kind, owner=a[owner])
        for code, kind, owner in rows
    }
    return SimpleNamespace(agencies=a, procedures=p, systems=s, writer=Writer(s, a, p))


def plant_chain(ds) -> None:
    """Three copies of HOTICH's dossiers: the planted gaps of ``EXPECTED`` and clean ones."""
    w = ds.writer
    for n in range(1, 4):
        w.chain(f"C-CLEAN{n}", agency="01-C2" if n == 2 else "01-C1")
    w.chain("C-OPEN", status=4, steps=2)  # still processing, the same everywhere
    w.chain("C-MIP", province=False)
    w.chain("C-PSD-STATUS", province={"status": 4, "finished": None})
    w.chain("C-PSD-FIN", province={"finished": T0 + 30 * H})
    w.chain("C-PSD-DUE", province={"due": T0 + 96 * H})
    w.chain("C-PROG", portal={"steps": 1})
    w.chain("C-RES", portal={"e_result": False})
    # The province's own procedures on its own system: clean.
    w.both("TINH-01", "L-CLEAN1", proc="local")
    w.both("TINH-01", "L-CLEAN2", proc="local", agency="01-C2")
