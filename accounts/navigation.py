"""What ``accounts`` tells the menu (``core.navigation``): who works for a province or a ministry,
who administers, and the delegation and admin-site entries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core import navigation
from core.roles import ADMIN_ROLES
from tthc.models import Agency, AgencyKind

from . import gate

_KINDS_ATTR = "_tthc_side_kinds"
MINISTRY_KINDS = {AgencyKind.MINISTRY, AgencyKind.MINISTRY_LEVEL}


def side_kinds(user) -> set[str]:
    """The kinds of the ranked agencies (province, ministry) the user's roles sit under: one query."""
    cached = getattr(user, _KINDS_ATTR, None)
    if cached is None:
        ids = [g.agency_id for g in gate.scopes(user)]
        rows = Agency.objects.filter(pk__in=ids).values_list("kind", "ranked_agency__kind")
        cached = {ranked or kind for kind, ranked in rows}
        setattr(user, _KINDS_ATTR, cached)
    return cached


def is_province_side(user) -> bool:
    return AgencyKind.PROVINCE in side_kinds(user)


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
    navigation.register_audience("ministry", is_ministry_side)
    navigation.register_audience("administrator", is_administrator)
    navigation.register_audience("staff", lambda user: bool(user.is_staff))
    navigation.register(
        navigation.Item("accounts:delegation", _("Delegation"), ("administrator",), order=80),
        navigation.Item("admin:index", _("Administration"), ("staff",), order=85),
    )
