"""Account pages: the delegation page and the 403 handler. Thin: the rules are in the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetView
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import audit, gate
from .forms import AssignmentFilterForm, GrantForm, QueuedPasswordResetForm
from .models import ADMIN_ROLES, Role, RoleAssignment
from .services import grant_role, grant_role_to_new_user, revoke_role

PAGE_SIZE = 25
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

#: Django's reset page with a form that queues the mail for every address (same time, known or not).
password_reset = PasswordResetView.as_view(form_class=QueuedPasswordResetForm)


def _require_admin(user) -> None:
    if not gate.has_role(user, ADMIN_ROLES[-1]):
        raise PermissionDenied(_("The delegation page is for administrators."))


def subtree_assignments(user):
    """Assignments on the agencies the user administers: what the delegation page lists."""
    return RoleAssignment.objects.filter(agency__in=gate.admin_agencies(user).values("pk"))


def _error_text(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


@login_required
def delegation(request):
    """List the roles in the administrator's subtree, grant one, and link each to its revocation."""
    _require_admin(request.user)
    context = audit.AuditContext.from_request(request)
    form = GrantForm(request.POST or None, granter=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        terms = {
            "include_subunits": data["include_subunits"],
            "valid_until": data["valid_until"],
            "context": context,
        }
        try:
            if data["user"] is None:
                user, _assignment = grant_role_to_new_user(
                    request.user,
                    data["username"],
                    data["password"],
                    data["agency"],
                    data["role"],
                    email=data["email"],
                    full_name=data["full_name"],
                    is_staff=data["is_staff"],
                    **terms,
                )
            else:
                user = data["user"]
                grant_role(request.user, user, data["agency"], data["role"], **terms)
        except (PermissionDenied, ValidationError) as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(
                request,
                _("Granted %(role)s on %(agency)s to %(user)s.")
                % {"role": Role(data["role"]).label, "agency": data["agency"], "user": user.username},
            )
            return redirect("accounts:delegation")

    filters = AssignmentFilterForm(request.GET or None)
    rows = subtree_assignments(request.user).select_related("user", "agency", "granted_by", "revoked_by")
    q = show = ""
    if filters.is_valid():
        q, show = filters.cleaned_data["q"].strip(), filters.cleaned_data["show"]
    if q:
        rows = rows.filter(Q(user__username__icontains=q) | Q(agency__code=q))
    if show != "all":
        rows = rows.filter(revoked_at__isnull=True).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=timezone.now())
        )
    page = Paginator(rows.order_by("agency__path", "user__username", "role", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/delegation.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def revoke(request, pk: int):
    """Revoke one assignment listed on the delegation page (404 outside the administrator's subtree)."""
    _require_admin(request.user)
    assignment = get_object_or_404(subtree_assignments(request.user).select_related("agency", "user"), pk=pk)
    try:
        revoke_role(request.user, assignment, context=audit.AuditContext.from_request(request))
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("Revoked %(role)s on %(agency)s from %(user)s.")
            % {
                "role": assignment.get_role_display(),
                "agency": assignment.agency.code,
                "user": assignment.user.username,
            },
        )
    return redirect("accounts:delegation")


def permission_denied(request, exception=None):
    """The 403 page; a refused write (POST, PUT, PATCH, DELETE) is written to the audit log."""
    user = getattr(request, "user", None)
    if request.method in UNSAFE_METHODS and user is not None and user.is_authenticated:
        audit.record_denial(
            user,
            f"{request.method} {request.path}"[:200],
            exception or "",
            context=audit.AuditContext.from_request(request),
        )
    return render(request, "accounts/403.html", {"exception": exception}, status=403)
