"""What ``accounts`` tells the menu (``core.navigation``): who works for a province or a ministry,
who works under a province (a commune, a department), who administers, and the delegation and
admin-site entries.

``province`` is a role on the province itself: the province's own pages (its reconciliation, its
requests to ministries and their reports, its readiness plan) are visible with the province agency
only, so a commune officer of Hà Nội would find them empty. ``under_province`` is a role on an agency
below a province (a commune, a department, a one-stop shop): such a user sees their province's
score and their own dossiers, and the apps offer them those pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core import navigation
from core.roles import ADMIN_ROLES
from tthc.models import Agency, AgencyKind

from . import gate

_KINDS_ATTR = "_tthc_side_kinds"
MINISTRY_KINDS = {AgencyKind.MINISTRY, AgencyKind.MINISTRY_LEVEL}


def role_kinds(user) -> set[tuple[str, str]]:
    """``(kind, ranked kind)`` of each agency the user's roles sit on: the agency's own kind and the
    kind of the ranked agency (province, ministry) it sits under; one query, cached on the user."""
    cached = getattr(user, _KINDS_ATTR, None)
    if cached is None:
        ids = [g.agency_id for g in gate.scopes(user)]
        rows = Agency.objects.filter(pk__in=ids).values_list("kind", "ranked_agency__kind")
        cached = {(kind, ranked or kind) for kind, ranked in rows}
        setattr(user, _KINDS_ATTR, cached)
    return cached


def side_kinds(user) -> set[str]:
    """The kinds of the ranked agencies (province, ministry) the user's roles sit under."""
    return {ranked for _kind, ranked in role_kinds(user)}


def is_province_side(user) -> bool:
    """A role on a province itself: the user sees the province's own data (its reconciliation, its
    requests, its reports), which a role on one of its communes does not show."""
    return any(kind == AgencyKind.PROVINCE for kind, _ranked in role_kinds(user))


def is_under_province(user) -> bool:
    """A role on an agency below a province (a commune, a department, a one-stop shop)."""
    return any(
        kind != AgencyKind.PROVINCE and ranked == AgencyKind.PROVINCE for kind, ranked in role_kinds(user)
    )


def is_ministry_side(user) -> bool:
    return bool(MINISTRY_KINDS & side_kinds(user))


def is_administrator(user) -> bool:
    return gate.has_role(user, ADMIN_ROLES[-1])


def scope_label(user) -> str:
    """The active scope in a few words for the header: "UBND tỉnh X · Lãnh đạo (+1)"."""
    if not getattr(user, "is_authenticated", False):
        return ""
    if gate.is_national(user):
        return str(_("All agencies (national administrator)"))
    rows = list(gate.active_assignments(user)[:3])
    if not rows:
        return str(_("No role yet"))
    first = rows[0]
    label = f"{first.agency.short_name or first.agency.name} · {first.get_role_display()}"
    more = gate.active_assignments(user).count() - 1 if len(rows) > 1 else 0
    return f"{label} (+{more})" if more else label


def register() -> None:
    navigation.register_audience("province", is_province_side)
    navigation.register_audience("under_province", is_under_province)
    navigation.register_audience("ministry", is_ministry_side)
    navigation.register_audience("administrator", is_administrator)
    navigation.register_audience("staff", lambda user: bool(user.is_staff))
    navigation.register(
        navigation.Item(
            "accounts:delegation", _("Delegation"), ("administrator",), order=80, section=navigation.SYSTEM
        ),
        navigation.Item("admin:index", _("Administration"), ("staff",), order=85, section=navigation.SYSTEM),
    )
