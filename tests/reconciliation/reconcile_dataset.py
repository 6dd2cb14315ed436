"""A hand-built reconciliation dataset with planted gaps of every kind (and nothing else).

    CP ─┬─ VPCP (owns the portal DVCQG and the reporting system BCQG)
        ├─ BTP (owns HOTICH) ── BTP-U
        ├─ BTC (owns DKDN)
        ├─ 01 ─┬─ 01-C1, 01-C2 (communes)            provincial system TINH-01
        └─ 48 ── 48-C1                               provincial system TINH-48

Period 2026-10 (Vietnam time). ``EXPECTED`` is the exact set of (source, kind, dossier code) that
reconciling province 01 must find; the decoys (other province, other months, other systems, a
ministry's own dossier, a 24 h lag exactly at the threshold) must not appear.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

from reconciliation.models import ReportedCount, SourceDossier, SourceKind, SourceSystem
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
    ("BTP-U", AgencyKind.UNIT, "BTP"),
    ("BTC", AgencyKind.MINISTRY, "CP"),
    ("01", AgencyKind.PROVINCE, "CP"),
    ("01-C1", AgencyKind.COMMUNE, "01"),
    ("01-C2", AgencyKind.COMMUNE, "01"),
    ("48", AgencyKind.PROVINCE, "CP"),
    ("48-C1", AgencyKind.COMMUNE, "48"),
]

EXPECTED = {
    ("HOTICH", "missing_on_portal", "H-MOP"),
    ("HOTICH", "missing_on_portal", "H-OCT1"),
    ("HOTICH", "missing_at_source", "H-MAS"),
    ("HOTICH", "status_differs", "H-STATUS"),
    ("HOTICH", "finish_differs", "H-FIN"),
    ("HOTICH", "due_differs", "H-DUE"),
    ("HOTICH", "synced_late", "H-LATE"),
    ("HOTICH", "suspicious", "H-JUMP"),
    ("HOTICH", "suspicious", "H-SYNC"),
    ("HOTICH", "suspicious", "H-BARE"),
    ("HOTICH", "progress_missing", "H-PROG"),
    ("HOTICH", "status_differs", "H-MULTI"),
    ("HOTICH", "finish_differs", "H-MULTI"),
    ("HOTICH", "synced_late", "H-MULTI"),
    ("DKDN", "missing_on_portal", "D-MOP"),
    ("DKDN", "missing_on_portal", "D-MOP2"),
    ("TINH-01", "missing_on_portal", "L-MOP"),
    ("TINH-01", "missing_at_source", "L-MAS"),
    # The reported counts below exceed the portal's (20 vs 13, 4 vs 1, 3 vs 2): not_synced per system.
    ("HOTICH", "not_synced", "NOT_SYNCED:01"),
    ("DKDN", "not_synced", "NOT_SYNCED:01"),
    ("TINH-01", "not_synced", "NOT_SYNCED:01"),
}


def _systems(a) -> dict[str, SourceSystem]:
    rows = [
        ("HOTICH", SourceKind.MINISTRY, "BTP"),
        ("DKDN", SourceKind.MINISTRY, "BTC"),
        ("TINH-01", SourceKind.PROVINCIAL, "01"),
        ("TINH-48", SourceKind.PROVINCIAL, "48"),
        ("DVCQG", SourceKind.PORTAL, "VPCP"),
        ("BCQG", SourceKind.REPORTING, "VPCP"),
    ]
    return {
        code: SourceSystem.objects.create(code=code, name=f"System {code}", kind=kind, owner=a[owner])
        for code, kind, owner in rows
    }


class _Writer:
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
        prev=9,
        received=T0,
        due=None,
        finished="auto",
        steps=3,
        event=None,
        synced=None,
    ):
        """A source's copy: by default a dossier finished and returned with its processing steps."""
        due = due or (received + 72 * H if received else None)
        if finished == "auto":
            finished = received + 24 * H if status in (9, 10) else None
        event = event or finished or received
        return SourceDossier.objects.create(
            source=self.s[system],
            code=code,
            agency=self.a[agency],
            procedure=self.p[proc],
            status=status,
            previous_status=prev,
            received_at=received,
            due_at=due,
            finished_at=finished,
            returned_at=finished + H if finished and status == 10 else None,
            progress_steps=steps,
            event_at=event,
            synced_at=synced or event + timedelta(minutes=7),
            digest="x",
        )

    def both(self, system, code, **kw):
        portal_kw = kw.pop("portal", {})
        self.row(system, code, **kw)
        self.row("DVCQG", code, **{**kw, **portal_kw})


def build() -> SimpleNamespace:
    a = {}
    for code, kind, parent in TREE:
        a[code] = AgencyFactory(
            code=code, name=f"Agency {code}", kind=kind, parent=a[parent] if parent else None
        )
    p = {
        "ht": ProcedureFactory(code="HT1", ministry=a["BTP"], central_system="HOTICH"),
        "ht2": ProcedureFactory(code="HT2", ministry=a["BTP"], central_system="HOTICH"),
        "dk": ProcedureFactory(code="DK1", ministry=a["BTC"], central_system="DKDN"),
        "local": ProcedureFactory(code="LOC1", ministry=a["BTP"], central_system=""),
    }
    s = _systems(a)
    w = _Writer(s, a, p)

    # --- HOTICH × 01 -------------------------------------------------------------------------------
    w.both("HOTICH", "H-CLEAN1")
    w.both("HOTICH", "H-CLEAN2", agency="01-C2", proc="ht2", status=4, prev=2)
    w.both("HOTICH", "H-CLEAN3", agency="01")  # received by the province itself
    w.row("HOTICH", "H-MOP")
    w.row("DVCQG", "H-MAS", agency="01-C2")
    w.both("HOTICH", "H-STATUS", status=4, prev=2, portal={"status": 5, "prev": 4})
    w.both("HOTICH", "H-FIN", event=T0 + 30 * H, portal={"finished": T0 + 26 * H})
    w.both("HOTICH", "H-DUE", portal={"due": T0 + 96 * H})
    w.both("HOTICH", "H-LATE", status=4, prev=2, event=T0 + 30 * H, portal={"event": T0 + 5 * H})
    w.both(
        "HOTICH", "H-EDGE", status=4, prev=2, event=T0 + 29 * H, portal={"event": T0 + 5 * H}
    )  # exactly 24 h
    w.both("HOTICH", "H-JUMP", status=9, prev=5, steps=0)
    fin = T0 + 20 * H
    w.row("HOTICH", "H-SYNC", status=9, prev=4, finished=fin, event=fin, synced=fin)
    w.row("DVCQG", "H-SYNC", status=9, prev=4, finished=fin, event=fin)
    w.both("HOTICH", "H-BARE", steps=0)  # finished without a step, from a system that sends steps
    w.both("HOTICH", "H-PROG", portal={"steps": 1})  # 3 steps at the source, 1 on the portal
    w.row("HOTICH", "H-MULTI", status=9, prev=4, event=T0 + 72 * H, finished=T0 + 72 * H)
    w.row("DVCQG", "H-MULTI", status=4, prev=2, finished=None, event=T0 + H)
    # Month boundaries in Vietnam time: 1 Oct 00:00 is in, 30 Sep 23:59 and 1 Nov 00:00 are out.
    w.row("HOTICH", "H-OCT1", received=datetime(2026, 10, 1, 0, 0, tzinfo=VN_TZ))
    w.row("HOTICH", "H-SEPT", received=datetime(2026, 9, 30, 23, 59, tzinfo=VN_TZ))
    w.row("HOTICH", "H-NOV", received=datetime(2026, 11, 1, 0, 0, tzinfo=VN_TZ))
    w.row("DVCQG", "H-NOV-P", received=datetime(2026, 11, 1, 0, 0, tzinfo=VN_TZ))

    # --- DKDN × 01, TINH-01 × 01 ----------------------------------------------------------------------
    w.both("DKDN", "D-CLEAN", proc="dk")
    w.row("DKDN", "D-MOP", proc="dk")
    w.row("DKDN", "D-MOP2", proc="dk", agency="01-C2", status=4, prev=2)
    w.both("TINH-01", "L-CLEAN", proc="local")
    w.row("TINH-01", "L-MOP", proc="local")
    w.row("DVCQG", "L-MAS", proc="local", agency="01")

    # --- Decoys --------------------------------------------------------------------------------------
    w.row("HOTICH", "X48-MOP", agency="48-C1")  # another province
    w.row("DVCQG", "X48-MAS", agency="48-C1")
    w.row("TINH-48", "X48-L", agency="48-C1", proc="local")
    w.row("HOTICH", "XBTP-MOP", agency="BTP-U")  # received by the ministry itself: no province
    w.row("TINH-01", "X-WRONGSYS", proc="ht")  # a HOTICH procedure reported by the provincial system
    w.row("HOTICH", "X-NORECV", received=None, status=1, prev=None, finished=None, event=T0)  # never received

    # --- Counts from the national reporting system ------------------------------------------------------
    for system, n in (("HOTICH", 20), ("DKDN", 4), ("TINH-01", 3)):
        ReportedCount.objects.create(
            source=s["BCQG"], agency=a["01"], period=PERIOD, system_code=system, received=n
        )
    ReportedCount.objects.create(
        source=s["BCQG"], agency=a["01"], period="2026-09", system_code="HOTICH", received=99
    )
    return SimpleNamespace(agencies=a, procedures=p, systems=s, writer=w)


def users(ds) -> SimpleNamespace:
    """Officers of province 01, province 48, the ministries BTP (owns HOTICH) and BTC (owns DKDN), and a
    national administrator — granted through the accounts service like in production."""
    from accounts.models import Role, User
    from accounts.services import cli_actor, grant_role

    actor = cli_actor()

    def make(username, agency, role=Role.OFFICER):
        user = User.objects.create_user(username)  # no password: tests log in with force_login
        grant_role(actor, user, ds.agencies[agency], role)
        return user

    return SimpleNamespace(
        p01=make("officer01", "01"),
        p48=make("officer48", "48"),
        btp=make("btp", "BTP"),
        btc=make("btc", "BTC"),
        admin=make("national", "CP", Role.NATIONAL_ADMIN),
    )
