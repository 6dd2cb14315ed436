"""Maintaining the agency tree: the only writer of ``Agency.path``, ``depth`` and ``ranked_agency``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Agency
from ..models.agencies import PATH_SEPARATOR, RANKED_KINDS


def _path(parent_path: str | None, code: str) -> str:
    return (parent_path or PATH_SEPARATOR) + code + PATH_SEPARATOR


@transaction.atomic
def save_agency(agency: Agency) -> Agency:
    """Save one agency with its tree fields; re-derive the tree below it if it moved."""
    if PATH_SEPARATOR in agency.code:
        raise ValidationError({"code": f"agency code {agency.code!r} may not contain '/'"})
    parent = agency.parent
    if (
        parent is not None
        and agency.pk
        and (parent.pk == agency.pk or parent.path.startswith(agency.path or "\0"))
    ):
        raise ValidationError({"parent": f"{parent.code} is {agency.code} itself or one of its sub-units"})
    old_path = old_kind = None
    if agency.pk:
        old_path, old_kind = Agency.objects.filter(pk=agency.pk).values_list("path", "kind").first() or (
            None,
            None,
        )
    agency.path = _path(parent.path if parent else None, agency.code)
    agency.depth = parent.depth + 1 if parent else 0
    if agency.kind not in RANKED_KINDS:
        agency.ranked_agency_id = parent.ranked_agency_id if parent else None
    agency.save()
    if agency.kind in RANKED_KINDS and agency.ranked_agency_id != agency.pk:
        Agency.objects.filter(pk=agency.pk).update(ranked_agency=agency)
        agency.ranked_agency_id = agency.pk
    ranked_changed = old_kind is not None and (old_kind in RANKED_KINDS) != (agency.kind in RANKED_KINDS)
    if (old_path and old_path != agency.path) or ranked_changed:
        rebuild_tree()
    return agency


@transaction.atomic
def rebuild_tree() -> int:
    """Recompute path, depth and ranked agency for every agency; returns how many rows changed.

    Works on the whole table in memory (a few thousand agencies, never dossiers) so that imports
    can write rows in any order and fix the tree once. Raises ``ValidationError`` on a cycle.
    """
    rows = list(
        Agency.objects.values_list("pk", "code", "parent_id", "kind", "path", "depth", "ranked_agency_id")
    )
    children: dict[int | None, list[tuple[Any, ...]]] = {}
    for row in rows:
        children.setdefault(row[2], []).append(row)
    computed: dict[int, tuple[str, int, int | None]] = {}
    stack: list[tuple[tuple[Any, ...], tuple[str, int, int | None] | None]] = [
        (row, None) for row in children.get(None, [])
    ]
    while stack:
        (pk, code, _parent, kind, *_), parent_info = stack.pop()
        parent_path, parent_depth, parent_ranked = parent_info or (None, -1, None)
        ranked = pk if kind in RANKED_KINDS else parent_ranked
        computed[pk] = (_path(parent_path, code), parent_depth + 1, ranked)
        stack.extend((child, computed[pk]) for child in children.get(pk, []))
    unreachable = [row[1] for row in rows if row[0] not in computed]
    if unreachable:
        raise ValidationError(f"agency tree has a cycle through: {', '.join(sorted(unreachable)[:10])}")
    changed = []
    for pk, _code, _parent, _kind, path, depth, ranked in rows:
        new_path, new_depth, new_ranked = computed[pk]
        if (path, depth, ranked) != (new_path, new_depth, new_ranked):
            changed.append(Agency(pk=pk, path=new_path, depth=new_depth, ranked_agency_id=new_ranked))
    Agency.objects.bulk_update(changed, ["path", "depth", "ranked_agency"], batch_size=1000)
    return len(changed)
