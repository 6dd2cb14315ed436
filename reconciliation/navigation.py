"""Reconciliation's menu entry (``core.navigation``)."""

from django.utils.translation import gettext_lazy as _

from core import navigation


def register() -> None:
    navigation.register(
        navigation.Item(
            "reconciliation:matrix",
            _("Sync gaps"),
            ("province", "ministry", "supervisor"),
            order=40,
            prefixes=("/reconciliation/",),
        ),
    )
