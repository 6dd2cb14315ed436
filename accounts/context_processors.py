"""Template flags from the gate, evaluated lazily (a page that never asks costs no query)."""

from . import gate
from .models import ADMIN_ROLES


def gate_flags(request):
    user = getattr(request, "user", None)
    return {"can_delegate": lambda: gate.has_role(user, ADMIN_ROLES[-1])}
