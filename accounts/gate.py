"""The permission gate: which agencies a user may see, and with which role.

This module is the only place that turns role assignments into scope. It builds the user's
:class:`GateScope` (a ``core.scope.Scope``), which the user carries as ``user.scope``; every
``visible_to(user)`` queryset method reads that object (``core.scope.scope_of``), so the models
below the gate (``tthc``) never import it (docs/adr/0010-scope-object.md). There is no second copy of
the rule. The module-level functions (``agency_q(user, …)``, ``role_on(user, …)``, …) are the same
answers for callers above ``accounts``.

How it works: a user's active assignments (not revoked, not expired — filtered in SQL, so a
revocation or an expiry takes effect on the next request) become ``Grant`` rows ``(agency, path,
role, include_subunits)``. A grant with sub-units covers every agency whose materialised path
starts with the grant's path; without sub-units it covers that one agency. National
administrators and superusers see everything. The visible agency ids are resolved once per user
object (one prefix query over the agency table, a few thousand rows at most) and cached on it, so a
page costs a constant number of queries whatever it lists, and the big tables are filtered with
``agency_id IN (...)`` on their own indexes rather than joins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from core.roles import ADMIN_ROLES, Role
from core.scope import EMPTY, Scope, is_active_user
from tthc.models import Agency, Procedure

from .models import RoleAssignment

CACHE_ATTR = "_tthc_gate_cache"


@dataclass(frozen=True)
class Grant:
    """One active role assignment, as the gate reads it."""

    agency_id: int
    path: str
    role: str
    include_subunits: bool

    def covers(self, path: str, agency_id: int, whole_subtree: bool = False) -> bool:
        """Whether this grant covers the agency (and, with ``whole_subtree``, all below it)."""
        if self.include_subunits:
            return path.startswith(self.path)
        return not whole_subtree and agency_id == self.agency_id


def _join(prefix: str, name: str) -> str:
    return f"{prefix}__{name}" if prefix else name


def _grants_q(selected: Iterable[Grant]) -> Q:
    q = Q(pk__in=[])
    for g in selected:
        q |= Q(path__startswith=g.path) if g.include_subunits else Q(pk=g.agency_id)
    return q


class GateScope:
    """An active user's scope: their grants, and the agency and procedure ids resolved from them once.

    Built by :func:`scope` and cached on the user object (``user.scope``); ``forget`` drops it.
    """

    def __init__(self, user: Any, grants: tuple[Grant, ...]) -> None:
        self._user = user
        self.grants = grants
        self._agency_ids: list[int] | None = None
        self._procedure_ids: list[int] | None = None

    @property
    def is_national(self) -> bool:
        return bool(self._user.is_superuser) or any(g.role == Role.NATIONAL_ADMIN for g in self.grants)

    # --- ids ------------------------------------------------------------------------------------
    def agency_ids(self) -> list[int] | None:
        if self.is_national:
            return None
        if self._agency_ids is None:
            self._agency_ids = list(
                Agency.objects.filter(self.agencies_q(Role.VIEWER)).order_by().values_list("pk", flat=True)
            )
        return self._agency_ids

    def procedure_ids(self) -> list[int] | None:
        """Procedures owned by a visible ministry (their dossiers are under its authority)."""
        ids = self.agency_ids()
        if ids is None:
            return None
        if not ids:
            return []
        if self._procedure_ids is None:
            self._procedure_ids = list(
                Procedure.objects.filter(ministry_id__in=ids).order_by().values_list("pk", flat=True)
            )
        return self._procedure_ids

    # --- filters --------------------------------------------------------------------------------
    def agency_q(self, field: str = "") -> Q:
        ids = self.agency_ids()
        if ids is None:
            return Q()
        return Q(**{f"{field or 'pk'}__any": ids})

    def dossier_q(self, prefix: str = "") -> Q:
        """A dossier is visible when its receiving or handling agency is in scope, or when its
        procedure is owned by a ministry in scope (the dossiers under that ministry's authority,
        wherever received)."""
        ids = self.agency_ids()
        if ids is None:
            return Q()
        q = Q(**{_join(prefix, "receiving_agency_id__any"): ids}) | Q(
            **{_join(prefix, "handling_agency_id__any"): ids}
        )
        pids = self.procedure_ids()
        if pids:
            q |= Q(**{_join(prefix, "procedure_id__any"): pids})
        return q

    def agencies_q(self, min_role: str) -> Q:
        if self.is_national:
            return Q()
        return _grants_q(g for g in self.grants if Role.rank(g.role) >= Role.rank(min_role))

    # --- roles ----------------------------------------------------------------------------------
    def highest_role(self) -> str | None:
        if self._user.is_superuser:
            return Role.NATIONAL_ADMIN
        return Role.strongest(g.role for g in self.grants)

    def has_role(self, min_role: str) -> bool:
        return Role.rank(self.highest_role()) >= Role.rank(min_role)

    def role_on(self, agency: Any, whole_subtree: bool = False) -> str | None:
        if agency is None:
            return None
        if self.is_national:
            return Role.NATIONAL_ADMIN
        return Role.strongest(g.role for g in self.grants if g.covers(agency.path, agency.pk, whole_subtree))

    def role_on_any(self, agencies: Iterable[Any]) -> str | None:
        return Role.strongest(r for r in (self.role_on(a) for a in agencies if a is not None) if r)

    def assignments(self) -> QuerySet[RoleAssignment]:
        return _assignments(self._user.pk)

    def __repr__(self) -> str:
        return f"GateScope(user={self._user.pk}, grants={len(self.grants)})"


def scope(user: Any) -> Scope:
    """The user's scope: :data:`core.scope.EMPTY` for anonymous or inactive users, else their
    :class:`GateScope`, built with one query and cached on the user object."""
    if not is_active_user(user):
        return EMPTY
    cached = getattr(user, CACHE_ATTR, None)
    if cached is None:
        rows = (
            RoleAssignment.objects.active()
            .filter(user_id=user.pk)
            .values_list("agency_id", "agency__path", "role", "include_subunits")
        )
        cached = GateScope(user, tuple(Grant(*row) for row in rows))
        setattr(user, CACHE_ATTR, cached)
    return cached


def forget(user: Any) -> None:
    """Drop the cached scope of this user object (after a grant or revocation in the same process)."""
    if user is not None and CACHE_ATTR in getattr(user, "__dict__", {}):
        delattr(user, CACHE_ATTR)
    wrapped = getattr(user, "_wrapped", None)  # request.user is a SimpleLazyObject
    if wrapped is not None and wrapped is not user and CACHE_ATTR in getattr(wrapped, "__dict__", {}):
        delattr(wrapped, CACHE_ATTR)


# --- the same answers as functions of the user, for callers above accounts ----------------------
def scopes(user: Any) -> tuple[Grant, ...]:
    """The user's active grants (empty for anonymous or inactive users)."""
    s = scope(user)
    return s.grants if isinstance(s, GateScope) else ()


def is_national(user: Any) -> bool:
    return scope(user).is_national


def highest_role(user: Any) -> str | None:
    return scope(user).highest_role()


def has_role(user: Any, min_role: str) -> bool:
    return scope(user).has_role(min_role)


def role_on(user: Any, agency: Any, whole_subtree: bool = False) -> str | None:
    return scope(user).role_on(agency, whole_subtree)


def role_on_any(user: Any, agencies: Iterable[Any]) -> str | None:
    return scope(user).role_on_any(agencies)


def agencies_with_role(user: Any, min_role: str = Role.VIEWER) -> QuerySet[Agency]:
    """Agencies on which the user holds at least ``min_role``: one prefix query on the tree."""
    return Agency.objects.filter(scope(user).agencies_q(min_role))


def visible_agencies(user: Any) -> QuerySet[Agency]:
    """Every agency the user may see (national administrators and superusers: all)."""
    return agencies_with_role(user, Role.VIEWER)


def admin_agencies(user: Any) -> QuerySet[Agency]:
    """Agencies the user administers (unit administrator or above)."""
    return agencies_with_role(user, ADMIN_ROLES[-1])


def agency_ids(user: Any) -> list[int] | None:
    """Ids of the visible agencies, resolved once per user object; ``None`` means all."""
    return scope(user).agency_ids()


def procedure_ids(user: Any) -> list[int] | None:
    """Procedures owned by a visible ministry (their dossiers are under its authority)."""
    s = scope(user)
    return s.procedure_ids() if isinstance(s, GateScope) else []


def agency_q(user: Any, field: str = "") -> Q:
    """A ``Q`` keeping rows whose agency foreign key ``field`` is visible (``""``: the Agency itself).

    Any model with an agency foreign key reuses it: ``Model.objects.filter(agency_q(user, "agency"))``.
    """
    return scope(user).agency_q(field)


def dossier_q(user: Any, prefix: str = "") -> Q:
    """A ``Q`` keeping dossiers (or rows pointing at one through ``prefix``) the user may see."""
    return scope(user).dossier_q(prefix)


def dossier_role(user: Any, dossier: Any) -> str | None:
    """The user's strongest role on a dossier (load it with its agencies and procedure's ministry)."""
    return role_on_any(user, [dossier.receiving_agency, dossier.handling_agency, dossier.procedure.ministry])


def active_assignments(user: Any) -> QuerySet[RoleAssignment]:
    """The user's active assignments with their agencies, for pages and ``/api/v1/me/``."""
    if not is_active_user(user):
        return RoleAssignment.objects.none()
    return _assignments(user.pk)


def _assignments(user_id: int) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.active()
        .filter(user_id=user_id)
        .select_related("agency")
        .order_by("agency__path", "role")
    )
