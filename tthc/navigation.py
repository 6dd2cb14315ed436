"""The API documentation's menu entry (``core.navigation``)."""

from django.utils.translation import gettext_lazy as _

from core import navigation


def register() -> None:
    navigation.register(
        navigation.Item(
            "api-docs",
            _("API"),
            ("signed_in",),
            order=95,
            section=navigation.SYSTEM,
            prefixes=("/api/v1/docs/",),
        )
    )
