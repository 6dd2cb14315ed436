from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TthcConfig(AppConfig):
    name = "tthc"
    verbose_name = _("Administrative procedures")

    def ready(self):
        from . import period_fields, signals  # noqa: F401  (signals: connects the receivers)

        period_fields.register()

        from . import navigation

        navigation.register()
