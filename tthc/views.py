from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.scope import scope_of


@login_required
def home(request):
    """The user's home page: the agencies they hold roles on, from the scope the gate gave them."""
    scope = scope_of(request.user)
    return render(
        request, "home.html", {"assignments": scope.assignments(), "is_national": scope.is_national}
    )
