"""What a user may see, as the models below the permission gate receive it.

The permission gate (``accounts.gate``) is the one place that computes a user's scope from their
role assignments; ``tthc`` and every other model layer only *read* it, through the object the user
carries (``user.scope``). So the models never import the gate and there is no import cycle between
``tthc`` and ``accounts`` (docs/adr/0010-scope-object.md). Anonymous, inactive and unknown users get
:data:`EMPTY`, which sees nothing.

Every ``visible_to(user)`` queryset method reads ``scope_of(user)``::

    def visible_to(self, user):
        return self.filter(scope_of(user).agency_q("agency"))
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any, Protocol, runtime_checkable

from django.db.models import Q


@runtime_checkable
class Scope(Protocol):
    """A user's scope over the agency tree (implemented by ``accounts.gate.GateScope``)."""

    @property
    def is_national(self) -> bool:
        """National administrators and superusers see and may administer everything."""

    def agency_ids(self) -> list[int] | None:
        """Ids of the visible agencies; ``None`` means all."""

    def agency_q(self, field: str = "") -> Q:
        """Rows whose agency foreign key ``field`` is visible (``""``: the agency table itself)."""

    def dossier_q(self, prefix: str = "") -> Q:
        """Dossiers (or rows pointing at one through ``prefix``) the user may see."""

    def agencies_q(self, min_role: str) -> Q:
        """Over the agency table: the agencies on which the user holds at least ``min_role``."""

    def highest_role(self) -> str | None:
        """The strongest role anywhere (superusers count as national administrators)."""

    def has_role(self, min_role: str) -> bool:
        """Whether the user holds at least ``min_role`` on some agency."""

    def role_on(self, agency: Any, whole_subtree: bool = False) -> str | None:
        """The strongest role on ``agency`` (and all below it, with ``whole_subtree``)."""

    def role_on_any(self, agencies: Iterable[Any]) -> str | None:
        """The strongest role over several agencies (a dossier: receiving, handling, owning ministry)."""

    def assignments(self) -> Iterable[Any]:
        """The role assignments this scope was computed from, with their agencies (for display)."""


class EmptyScope:
    """Sees nothing: the scope of anonymous, inactive and role-less-by-construction users."""

    is_national = False

    def agency_ids(self) -> list[int]:
        return []

    def agency_q(self, field: str = "") -> Q:
        return Q(pk__in=[])

    def dossier_q(self, prefix: str = "") -> Q:
        return Q(pk__in=[])

    def agencies_q(self, min_role: str) -> Q:
        return Q(pk__in=[])

    def highest_role(self) -> None:
        return None

    def has_role(self, min_role: str) -> bool:
        return False

    def role_on(self, agency: Any, whole_subtree: bool = False) -> None:
        return None

    def role_on_any(self, agencies: Iterable[Any]) -> None:
        return None

    def assignments(self) -> Iterable[Any]:
        return ()

    def __repr__(self) -> str:
        return "EMPTY"


#: The scope of anonymous, inactive and unknown users.
EMPTY: Scope = EmptyScope()


def is_active_user(user: Any) -> bool:
    """A logged-in, active user (not ``None``, not anonymous, not deactivated)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def scope_of(user: Any) -> Scope:
    """The scope the user carries (``user.scope``, set by the gate), or :data:`EMPTY`."""
    if not is_active_user(user):
        return EMPTY
    scope = getattr(user, "scope", None)
    return EMPTY if scope is None else scope


def dossier_scope_key(user: Any) -> str:
    """A short, stable name of the dossiers ``user`` may see, for cache keys: ``"all"`` for a national
    scope (and for ``None``, the platform itself), else a digest of the scope's dossier filter (two
    users with the same filter share it; a different filter never does)."""
    q = Q() if user is None else scope_of(user).dossier_q()
    return "all" if not q else hashlib.sha256(str(q).encode()).hexdigest()[:24]
