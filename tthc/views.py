from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    """The user's home page: the agencies they hold roles on, from the permission gate."""
    from accounts import gate  # tthc does not import accounts at module level

    return render(request, "home.html", {
        "assignments": gate.active_assignments(request.user),
        "is_national": gate.is_national(request.user),
    })
