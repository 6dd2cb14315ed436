from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared helpers below every domain app (exports, URL converters, request hygiene).

    It imports no domain app (accounts, tthc, reconciliation, complaints, indicators, reports).
    """

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import converters

        converters.register()
