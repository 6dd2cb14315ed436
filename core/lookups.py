"""``field__any=[…]``: membership in a list of ids, sent to PostgreSQL as one array parameter.

A user's scope is a list of agency (and procedure) ids — 139 for one province's officer at 10 M
dossiers, several thousand for a ministry — and ``__in`` writes one placeholder per id into every
statement that filters on it. On each request Django then compiles, and psycopg re-parses, a
statement too long for psycopg's cache of parsed statements (which keeps short ones only): a few
milliseconds of CPU per statement, several statements per page. ``= ANY(%s)`` keeps the text short
and constant whatever the list's length; PostgreSQL plans it exactly as the ``IN`` list (both are
the same array comparison once parsed, index scans included). Elsewhere than PostgreSQL it is
``__in``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject
from django.db.models.lookups import In


class AnyOf(In):
    """``IN`` (…), written ``= ANY(%s::<type>[])`` on PostgreSQL. As ``__in``: ``None`` never matches
    and an empty list matches nothing (no statement is run)."""

    lookup_name = "any"

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        if not self.rhs_is_direct_value():  # a subquery: as __in
            return super().as_sql(compiler, connection)
        values = list(dict.fromkeys(v for v in self.rhs if v is not None))
        if not values:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        _, params = self.get_db_prep_lookup(values, connection)  # type: ignore[arg-type]
        return f"{lhs} = ANY(%s::{self.lhs.output_field.db_type(connection)}[])", (*lhs_params, params)


# Relations keep their own set of lookups (ForeignObject.get_class_lookups): register on both. The
# values are ids (a model instance is not accepted, unlike __in).
Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)
