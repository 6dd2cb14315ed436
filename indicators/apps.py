from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("766 index")

    def ready(self):
        from . import navigation, signals  # noqa: F401  (signals: connects the receivers)

        navigation.register()
        from core import components  # the registry the apps below read the component names from

        from .definitions import METHODOLOGIES

        for methodology in METHODOLOGIES:
            for component in methodology.components:
                components.register(component.code, component.name_vi, component.name_en)
