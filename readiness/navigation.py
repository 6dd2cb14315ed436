"""Readiness's menu entries (``core.navigation``): the dashboards for the people who work on it, the
published list for everyone."""

from django.utils.translation import gettext_lazy as _

from core import navigation


def register() -> None:
    navigation.register(
        navigation.Item(
            "readiness:dashboard",
            _("Readiness"),
            ("province", "ministry", "supervisor"),
            order=70,
            prefixes=("/readiness/",),
        ),
    )
