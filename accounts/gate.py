"""The permission gate: which agencies a user may see, and with which role.

This module is the only place that turns role assignments into scope. Every list, detail page,
export, admin screen and API endpoint filters through the ``visible_to(user)`` queryset methods,
which are built on :func:`agency_q` / :func:`dossier_q` here. There is no second copy of the rule.

How it works: a user's active assignments (not revoked, not expired — filtered in SQL, so a
revocation or an expiry takes effect on the next request) become ``Scope`` rows ``(agency, path,
role, include_subunits)``. A scope with sub-units covers every agency whose materialised path
starts with the scope's path; without sub-units it covers that one agency. National
administrators and superusers see everything. The visible agency ids are resolved once per user
object (one prefix query over the agency table, a few thousand rows at most) and cached on it, so a
page costs a constant number of queries whatever it lists, and the big tables are filtered with
``agency_id IN (...)`` on their own indexes rather than joins.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from .models import ADMIN_ROLES, Role, RoleAssignment

CACHE_ATTR = "_tthc_gate_cache"


@dataclass(frozen=True)
class Scope:
    agency_id: int
    path: str
    role: str
    include_subunits: bool

    def covers(self, path: str, agency_id: int, whole_subtree: bool = False) -> bool:
        """Whether this scope covers the agency (and, with ``whole_subtree``, all below it)."""
        if self.include_subunits:
            return path.startswith(self.path)
        return not whole_subtree and agency_id == self.agency_id


@dataclass
class _Cache:
    scopes: tuple[Scope, ...]
    agency_ids: list[int] | None = None
    procedure_ids: list[int] | None = None
    extra: dict = field(default_factory=dict)


def _is_user(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _cache(user) -> _Cache:
    cache = getattr(user, CACHE_ATTR, None)
    if cache is None:
        rows = (
            RoleAssignment.objects.active()
            .filter(user_id=user.pk)
            .values_list("agency_id", "agency__path", "role", "include_subunits")
        )
        cache = _Cache(scopes=tuple(Scope(*row) for row in rows))
        setattr(user, CACHE_ATTR, cache)
    return cache


def forget(user) -> None:
    """Drop the cached scope of this user object (after a grant or revocation in the same process)."""
    if user is not None and CACHE_ATTR in getattr(user, "__dict__", {}):
        delattr(user, CACHE_ATTR)
    wrapped = getattr(user, "_wrapped", None)  # request.user is a SimpleLazyObject
    if wrapped is not None and wrapped is not user and CACHE_ATTR in getattr(wrapped, "__dict__", {}):
        delattr(wrapped, CACHE_ATTR)


def scopes(user) -> tuple[Scope, ...]:
    """The user's active scopes (empty for anonymous or inactive users)."""
    return _cache(user).scopes if _is_user(user) else ()


def is_national(user) -> bool:
    """National administrators and superusers see and may administer everything."""
    if not _is_user(user):
        return False
    return user.is_superuser or any(s.role == Role.NATIONAL_ADMIN for s in scopes(user))


def highest_role(user) -> str | None:
    """The user's strongest role anywhere (superusers count as national administrators)."""
    if not _is_user(user):
        return None
    if user.is_superuser:
        return Role.NATIONAL_ADMIN
    return Role.strongest(s.role for s in scopes(user))


def has_role(user, min_role: str) -> bool:
    """Whether the user holds at least ``min_role`` on some agency."""
    return Role.rank(highest_role(user)) >= Role.rank(min_role)


def role_on(user, agency, whole_subtree: bool = False) -> str | None:
    """The strongest role the user holds on ``agency`` (and all below it, with ``whole_subtree``)."""
    if agency is None or not _is_user(user):
        return None
    if is_national(user):
        return Role.NATIONAL_ADMIN
    roles = [s.role for s in scopes(user) if s.covers(agency.path, agency.pk, whole_subtree)]
    return Role.strongest(roles)


def role_on_any(user, agencies) -> str | None:
    """The strongest role over several agencies (a dossier: receiving, handling, owning ministry)."""
    return Role.strongest(r for r in (role_on(user, a) for a in agencies if a is not None) if r)


def _scopes_q(selected) -> Q:
    q = Q(pk__in=[])
    for s in selected:
        q |= Q(path__startswith=s.path) if s.include_subunits else Q(pk=s.agency_id)
    return q


def agencies_with_role(user, min_role: str = Role.VIEWER):
    """Agencies on which the user holds at least ``min_role``: one prefix query on the tree."""
    from tthc.models import Agency

    if not _is_user(user):
        return Agency.objects.none()
    if is_national(user):
        return Agency.objects.all()
    selected = [s for s in scopes(user) if Role.rank(s.role) >= Role.rank(min_role)]
    return Agency.objects.filter(_scopes_q(selected)) if selected else Agency.objects.none()


def visible_agencies(user):
    """Every agency the user may see (national administrators and superusers: all)."""
    return agencies_with_role(user, Role.VIEWER)


def admin_agencies(user):
    """Agencies the user administers (unit administrator or above)."""
    return agencies_with_role(user, ADMIN_ROLES[-1])


def agency_ids(user) -> list[int] | None:
    """Ids of the visible agencies, resolved once per user object; ``None`` means all."""
    if is_national(user):
        return None
    if not _is_user(user):
        return []
    cache = _cache(user)
    if cache.agency_ids is None:
        cache.agency_ids = list(visible_agencies(user).order_by().values_list("pk", flat=True))
    return cache.agency_ids


def procedure_ids(user) -> list[int] | None:
    """Procedures owned by a visible ministry (their dossiers are under its authority)."""
    if is_national(user):
        return None
    ids = agency_ids(user)
    if not ids:
        return []
    cache = _cache(user)
    if cache.procedure_ids is None:
        from tthc.models import Procedure

        cache.procedure_ids = list(Procedure.objects.filter(ministry_id__in=ids).order_by().values_list("pk", flat=True))
    return cache.procedure_ids


def _join(prefix: str, name: str) -> str:
    return f"{prefix}__{name}" if prefix else name


def agency_q(user, field: str = "") -> Q:
    """A ``Q`` keeping rows whose agency foreign key ``field`` is visible (``""``: the Agency itself).

    Any model with an agency foreign key reuses it: ``Model.objects.filter(agency_q(user, "agency"))``.
    """
    ids = agency_ids(user)
    if ids is None:
        return Q()
    return Q(**{f"{field or 'pk'}__in": ids})


def dossier_q(user, prefix: str = "") -> Q:
    """A ``Q`` keeping dossiers (or rows pointing at one through ``prefix``) the user may see.

    A dossier is visible when its receiving or handling agency is in scope, or when its procedure is
    owned by a ministry in scope (the dossiers under that ministry's authority, wherever received).
    """
    ids = agency_ids(user)
    if ids is None:
        return Q()
    q = Q(**{_join(prefix, "receiving_agency_id__in"): ids}) | Q(**{_join(prefix, "handling_agency_id__in"): ids})
    pids = procedure_ids(user)
    if pids:
        q |= Q(**{_join(prefix, "procedure_id__in"): pids})
    return q


def dossier_role(user, dossier) -> str | None:
    """The user's strongest role on a dossier (load it with its agencies and procedure's ministry)."""
    return role_on_any(user, [dossier.receiving_agency, dossier.handling_agency, dossier.procedure.ministry])


def active_assignments(user):
    """The user's active assignments with their agencies, for pages and ``/api/v1/me/``."""
    if not _is_user(user):
        return RoleAssignment.objects.none()
    return RoleAssignment.objects.active().filter(user_id=user.pk).select_related("agency").order_by("agency__path", "role")
