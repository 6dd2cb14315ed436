"""``Authorization: Token <key>`` checked against the stored digests (``accounts.ApiToken``).

The header format is DRF's (integrators change nothing); only the lookup differs: the key is hashed
and its digest looked up, so a copy of the database holds no usable credential.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .services.tokens import token_for_key


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's header parsing and ``WWW-Authenticate: Token``; hashed keys; revoked keys refused."""

    def authenticate_credentials(self, key):
        token = token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
