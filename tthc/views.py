from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core import navigation
from core.scope import scope_of


@login_required
def home(request):
    """The user's home page: short answers from each app (their province's score, the month's drafts
    awaiting a signature — ``core.navigation`` cards) and the agencies they hold roles on."""
    scope = scope_of(request.user)
    return render(
        request,
        "home.html",
        {
            "assignments": scope.assignments(),
            "is_national": scope.is_national,
            "cards": navigation.cards(request),
        },
    )
