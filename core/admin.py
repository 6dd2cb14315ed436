"""The Django admin, scoped by the user's scope, for every app's admin screens.

``GatedAdminMixin`` replaces Django's model permissions with the platform's roles: the changelist
is ``visible_to(request.user)``, an object outside it answers 404, and the add/change/delete
buttons follow the user's role on the object's agencies (``gate_agencies``). Foreign-key choices
are narrowed to what the user may write to (agencies) or see (everything else). It reads the scope
the user carries (``core.scope``, computed by ``accounts.gate``), so ``tthc``'s admin uses it without
importing ``accounts``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelChoiceField, ModelForm
from django.http import Http404, HttpRequest

from .pagination import EstimatedCountPaginator
from .roles import Role
from .scope import scope_of


class LargeTableAdminMixin:
    """For dossier-sized tables: estimated counts and no second full count per page."""

    paginator: ClassVar[type] = EstimatedCountPaginator
    show_full_result_count: ClassVar[bool] = False


if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin[Any]
else:
    _AdminBase = object


class GatedAdminMixin(_AdminBase):
    """Scope an admin by the user's scope. Subclasses set the minimum roles and ``gate_agencies``.

    - ``view_role``: the role needed somewhere to open the screen (rows are already scoped);
    - ``change_role`` / ``delete_role``: the role needed on the object's agencies;
    - ``add_role``: the role needed somewhere to add (the chosen agencies are checked on save).
    ``None`` disables the action.
    """

    class Media:
        # Lists keep their first column (the code that opens a row) on one line.
        css = {"all": ("tthc/admin.css",)}

    view_role: str | None = Role.VIEWER
    change_role: str | None = Role.OFFICER
    add_role: str | None = Role.OFFICER
    delete_role: str | None = Role.UNIT_ADMIN

    def gate_agencies(self, obj: Any) -> Any:
        """The agencies whose role decides on ``obj``; ``None`` for a global object (any role anywhere)."""
        return None

    # --- scope --------------------------------------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Every gated model's manager has ``visible_to`` (tests/test_permission_matrix.py).
        queryset: Any = super().get_queryset(request)
        return queryset.visible_to(request.user)

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: str) -> Any:
        # Outside the scope (or missing): 404 like every other detail, not a hint that it exists.
        raise Http404(f"{opts.verbose_name} not found")

    # --- permissions --------------------------------------------------------------------------
    def role_for(self, request: HttpRequest, obj: Any = None) -> str | None:
        agencies = None if obj is None else self.gate_agencies(obj)
        scope = scope_of(request.user)
        if agencies is None:
            return scope.highest_role()
        return scope.role_on_any(agencies)

    def _allows(self, request: HttpRequest, min_role: str | None, obj: Any = None) -> bool:
        if min_role is None or not request.user.is_active or not request.user.is_staff:
            return False
        return Role.rank(self.role_for(request, obj)) >= Role.rank(min_role)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allows(request, self.view_role)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allows(request, self.view_role) or self.has_change_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allows(request, self.change_role, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._allows(request, self.add_role)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allows(request, self.delete_role, obj)

    def check_save(self, request: HttpRequest, obj: Any) -> None:
        """The chosen agencies decide: nobody saves an object onto an agency outside their role."""
        if not self._allows(request, self.change_role, obj):
            raise PermissionDenied("Your role does not allow saving this object on these agencies.")

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool) -> None:
        self.check_save(request, obj)
        super().save_model(request, obj, form, change)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """Initial values from the query string (``?agency=5``), minus those their field cannot hold:
        Django's autocomplete widget would query a foreign key with ``abc`` or a NUL byte and fail."""
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.many_to_many:
                target = field.related_model._meta.pk
            else:
                target = field.target_field if field.is_relation else field
            try:
                for item in value if isinstance(value, list) else [value]:
                    if "\x00" in str(item):
                        raise ValidationError("NUL")
                    target.to_python(item)
            except ValidationError:
                del initial[name]
        return initial

    # --- choices ------------------------------------------------------------------------------
    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if "queryset" not in kwargs:
            queryset = self.choices_for(db_field, request)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def choices_for(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest
    ) -> QuerySet[Any] | None:
        """The agency tree (a manager with ``with_role``): the agencies the user may write to;
        other models: those the user may see."""
        manager = db_field.related_model._default_manager
        if hasattr(manager, "with_role"):
            return manager.with_role(request.user, self.change_role or Role.VIEWER)
        if hasattr(manager, "visible_to"):
            return manager.visible_to(request.user)
        return None
