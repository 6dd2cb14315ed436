"""Who sees a request and who acts on it — built on the permission gate (``accounts.gate``), not beside it.

Visibility (one ``Q``, used by every list, detail, export, admin screen and API endpoint):

* the filing province's users (the gate's visible agencies include the province itself, so a
  commune officer of that province does not see the province's letters);
* the addressed ministry's users and the users of the agency owning the system — except drafts and
  discarded drafts, which are the province's working papers;
* supervisors (users at a supervising body, ``TTHC_REQUEST_SUPERVISOR_AGENCIES``) see every
  submitted case; national administrators see everything.

Acting (``actors_for``) reads ``gate.role_on`` for each side. National administrators act only as
supervisors — the gate gives them every role everywhere, which would otherwise let them answer for a
ministry. Source systems' accounts (``is_system``) only ingest data: they never act on a case.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from accounts import gate
from accounts.models import Role
from core.scope import is_active_user
from reconciliation.models import SourceKind, SourceSystem
from tthc.models import Agency, AgencyKind

from .workflow import (
    MINISTRY_LEADER,
    MINISTRY_OFFICER,
    PRIVATE,
    PROVINCE_LEADER,
    PROVINCE_OFFICER,
    SUPERVISOR,
    SYSTEM,
)

_SUPERVISOR_ATTR = "_tthc_request_supervisor"


def supervisor_paths() -> list[str]:
    return list(
        Agency.objects.filter(code__in=settings.TTHC_REQUEST_SUPERVISOR_AGENCIES).values_list(
            "path", flat=True
        )
    )


def _national_or(user, attr: str, test) -> bool:
    """False for inactive users, True for national administrators, else ``test(user)``, computed once
    per user object (cached on it under ``attr``: the menu asks on every page)."""
    if not is_active_user(user):
        return False
    if gate.is_national(user):
        return True
    cached = getattr(user, attr, None)
    if cached is None:
        cached = test(user)
        setattr(user, attr, cached)
    return cached


def is_supervisor(user) -> bool:
    """National administrators, and users holding a role at (or under) a supervising body."""

    def under_a_supervisor(user) -> bool:
        paths = supervisor_paths()
        return any(s.path.startswith(p) for s in gate.scopes(user) for p in paths)

    return _national_or(user, _SUPERVISOR_ATTR, under_a_supervisor)


_ADDRESSEE_ATTR = "_tthc_request_addressee"
ADDRESSEE_KINDS = (AgencyKind.MINISTRY, AgencyKind.MINISTRY_LEVEL)


def is_addressee(user) -> bool:
    """Whether a request can be addressed to one of the user's agencies: a ministry (or ministry-level
    body) in scope, or the owner of a ministry's system in scope — the inbox's audience. A role on
    another unit of a ministry (a supervising department, say) reaches no request in the inbox."""

    def reaches_an_addressee(user) -> bool:
        return (
            Agency.objects.filter(gate.agency_q(user), kind__in=ADDRESSEE_KINDS).exists()
            or SourceSystem.objects.filter(gate.agency_q(user, "owner"), kind=SourceKind.MINISTRY).exists()
        )

    return _national_or(user, _ADDRESSEE_ATTR, reaches_an_addressee)


def request_q(user, prefix: str = "") -> Q:
    """Requests (or rows pointing at one through ``prefix``) the user may see."""
    p = f"{prefix}__" if prefix else ""
    if not is_active_user(user):
        return Q(pk__in=[])
    if gate.is_national(user):
        return Q()
    public = ~Q(**{f"{p}state__in": PRIVATE})
    if is_supervisor(user):
        return public | gate.agency_q(user, f"{p}province")
    province = gate.agency_q(user, f"{p}province")
    return province | (_ministry_q(user, prefix) & public)


def _ministry_q(user, prefix: str = "") -> Q:
    """Addressed to one of the user's agencies, or listing a system one of them owns."""
    from .models import RequestSystem

    p = f"{prefix}__" if prefix else ""
    owned = RequestSystem.objects.filter(gate.agency_q(user, "source__owner"), request=OuterRef(f"{p}pk"))
    return gate.agency_q(user, f"{p}ministry") | Q(Exists(owned))


def addressee_agencies(case) -> list:
    """The agencies on the receiving side: the addressed ministry and the owners of the listed systems."""
    return case.addressee_agencies


def _rank(role) -> int:
    return Role.rank(role)


def side_roles(user, case) -> tuple[str | None, str | None]:
    """The user's strongest role on the province side and on the ministry side of ``case``."""
    if not is_active_user(user) or user.is_system or gate.is_national(user):
        return None, None
    province = gate.role_on(user, case.province)
    ministry = gate.role_on_any(user, addressee_agencies(case))
    return province, ministry


def actors_for(user, case) -> frozenset[str]:
    """The workflow actor codes ``user`` holds on ``case`` (``None`` is the platform itself)."""
    if user is None:
        return frozenset({SYSTEM})
    if not is_active_user(user) or user.is_system:
        return frozenset()
    actors = set()
    if is_supervisor(user):
        actors.add(SUPERVISOR)
    province, ministry = side_roles(user, case)
    officer, leader = _rank(Role.OFFICER), _rank(Role.LEADER)
    if _rank(province) >= officer:
        actors.add(PROVINCE_OFFICER)
    if _rank(province) >= leader:
        actors.add(PROVINCE_LEADER)
    if _rank(ministry) >= officer:
        actors.add(MINISTRY_OFFICER)
    if _rank(ministry) >= leader:
        actors.add(MINISTRY_LEADER)
    return frozenset(actors)


def may_file_for(user, province) -> bool:
    """Whether the user may create (and edit drafts of) requests for ``province``."""
    if not is_active_user(user) or user.is_system or gate.is_national(user):
        return False
    return _rank(gate.role_on(user, province)) >= _rank(Role.OFFICER)


def filing_provinces(user):
    """Provinces the user may file requests for (officer or above on the province itself)."""
    if not is_active_user(user) or user.is_system or gate.is_national(user):
        return Agency.objects.none()
    return gate.agencies_with_role(user, Role.OFFICER).filter(kind=AgencyKind.PROVINCE)


def is_province_side(user, case) -> bool:
    return bool(actors_for(user, case) & {PROVINCE_OFFICER, PROVINCE_LEADER})


def ministry_side_q(user) -> Q:
    """Requests addressed to the user's ministries (or systems), drafts excepted: the inbox."""
    if gate.is_national(user):
        return ~Q(state__in=PRIVATE)
    return _ministry_q(user) & ~Q(state__in=PRIVATE)


def province_side_q(user) -> Q:
    """Requests filed by the user's provinces."""
    return gate.agency_q(user, "province")
