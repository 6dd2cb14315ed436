"""Methodology "2026": the 2022 formulas with group 4 split as the 2026 portal dashboard shows it.

Group 4 "Online services" (22) becomes "4a Online services" (12 = ONLINE_OFFERED 2 + ONLINE_USED 4 +
ONLINE_SHARE 6) and "4b Online payment" (10 = PAYMENT_INTEGRATED 2 + PAYMENT_USED 2 +
PAYMENT_SHARE 6): the split falls exactly on the component boundaries (docs/domain.md#components), so
no weight changes and 2025 → 2026 totals stay comparable; only the group breakdown (and group ranks)
differ.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from . import v2022
from .base import Component, Group, Methodology

ONLINE = ("ONLINE_OFFERED", "ONLINE_USED", "ONLINE_SHARE")
PAYMENT = ("PAYMENT_INTEGRATED", "PAYMENT_USED", "PAYMENT_SHARE")

GROUPS = (
    *(g for g in v2022.GROUPS if g.code in ("1", "2", "3")),
    Group("4a", "Dịch vụ công trực tuyến", "Online services", Decimal(12)),
    Group("4b", "Thanh toán trực tuyến", "Online payment", Decimal(10)),
    v2022.METHODOLOGY.group("5"),
)


def _regroup(component: Component) -> Component:
    if component.code in ONLINE:
        return replace(component, group="4a")
    if component.code in PAYMENT:
        return replace(component, group="4b")
    return component


METHODOLOGY = Methodology(
    version="2026",
    valid_from=date(2026, 1, 1),
    valid_from_setting="INDICATOR_GROUP4_SPLIT_FROM",  # [assumed]: no seed states the date
    description="2026 dashboard: group 4 split into online services (12) and online payment (10).",
    groups=GROUPS,
    components=tuple(_regroup(c) for c in v2022.COMPONENTS),
)
