"""Template flags from the gate, evaluated lazily (a page that never asks costs no query)."""

from core import navigation as site_navigation

from . import gate, navigation
from .models import ADMIN_ROLES


def gate_flags(request):
    user = getattr(request, "user", None)
    return {
        "can_delegate": lambda: gate.has_role(user, ADMIN_ROLES[-1]),
        # The base layout's menu (core.navigation) and the user's active scope in the header.
        "nav_entries": lambda: site_navigation.menu(request),
        "nav_groups": lambda: site_navigation.groups(site_navigation.menu(request)),
        "scope_label": lambda: navigation.scope_label(user),
    }
