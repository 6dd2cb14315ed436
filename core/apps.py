from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared helpers below every domain app: the scope a user carries and the role ladder, the
    scoped admin, paginators, exports, URL converters, request hygiene.

    It imports no domain app (tests/test_architecture.py; docs/adr/0010-scope-object.md).
    """

    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import (
            converters,
            lookups,  # noqa: F401 - registers field__any
        )

        converters.register()
