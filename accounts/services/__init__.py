"""Account services: delegation (grant/revoke), user and system-account creation.

Every page, admin screen, API endpoint and command that changes roles or accounts calls these.
"""

from .delegation import (
    DelegationDenied,
    can_manage_user,
    check_grant,
    check_revoke,
    grant_role,
    grantable_roles,
    revoke_matching,
    revoke_role,
)
from .users import (
    cli_actor,
    create_system_account,
    create_user,
    grant_role_to_new_user,
    require_national,
    rotate_system_token,
)

__all__ = [
    "DelegationDenied",
    "can_manage_user",
    "check_grant",
    "check_revoke",
    "cli_actor",
    "create_system_account",
    "create_user",
    "grant_role",
    "grant_role_to_new_user",
    "grantable_roles",
    "revoke_matching",
    "require_national",
    "revoke_role",
    "rotate_system_token",
]
