from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadinessConfig(AppConfig):
    name = "readiness"
    verbose_name = _("Readiness on centralized systems")

    def ready(self) -> None:
        # complaints' hourly chase also chases the classification deadline (readiness.services.chasing).
        from complaints.services.chasing import register_chaser

        from .services.chasing import chase

        register_chaser(chase)

        from . import navigation

        navigation.register()
