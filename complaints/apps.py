from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Sync-gap requests")

    def ready(self):
        from . import navigation, signals  # noqa: F401  (signals: connects the receivers)

        navigation.register()
