"""The role ladder: the vocabulary in which the permission gate (``accounts.gate``) states a scope.

It lives below every domain app because the models and admin screens that read a scope
(``core.scope``) compare roles too; who holds which role is ``accounts``' business.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles from most to least powerful; the API and the commands use these values."""

    NATIONAL_ADMIN = "national_admin", _("National administrator")
    SENIOR_ADMIN = "senior_admin", _("Senior administrator")
    UNIT_ADMIN = "unit_admin", _("Unit administrator")
    LEADER = "leader", _("Leader")
    OFFICER = "officer", _("Officer")
    VIEWER = "viewer", _("Viewer")

    @classmethod
    def rank(cls, role: str | None) -> int:
        """Higher is more powerful; ``None`` (no role) ranks 0."""
        return ROLE_RANK.get(role, 0) if role is not None else 0

    @classmethod
    def strongest(cls, roles: Iterable[str]) -> str | None:
        return max(roles, key=cls.rank, default=None)


ROLE_RANK: dict[str, int] = {role.value: 60 - 10 * i for i, role in enumerate(Role)}
#: Roles that may administer (grant, revoke, edit the tree) within their scope.
ADMIN_ROLES = (Role.NATIONAL_ADMIN, Role.SENIOR_ADMIN, Role.UNIT_ADMIN)
