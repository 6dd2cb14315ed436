"""A bulk load into a new database sets the dossier tables' secondary indexes aside and builds them
once at the end — never leaving one missing, even after a failure or a killed load."""

import pytest
from django.db import connection

from tthc.models import Dossier, DossierEvent
from tthc.store import store_for

pytestmark = pytest.mark.django_db(transaction=True)

DECLARED = {index.name for model in (Dossier, DossierEvent) for index in model._meta.indexes}


def present() -> set[str]:
    with connection.cursor() as cursor:
        return {
            name
            for model in (Dossier, DossierEvent)
            for name in connection.introspection.get_constraints(cursor, model._meta.db_table)
        }


def test_every_declared_index_is_there_after_a_load_even_a_failed_one():
    store = store_for()
    assert DECLARED and DECLARED <= present()
    with pytest.raises(RuntimeError), store.bulk_load(1000) as set_aside:
        if store.bulk_indexes:  # PostgreSQL: an empty table, a load that doubles it
            assert set(set_aside) == DECLARED
            assert not (DECLARED & present())
        else:
            assert set_aside == []
        raise RuntimeError("the load failed")
    assert DECLARED <= present()


def test_a_load_smaller_than_the_table_keeps_the_indexes(monkeypatch):
    store = store_for()
    monkeypatch.setattr(type(store), "bulk_indexes", True)
    with store.bulk_load(0) as set_aside:
        assert set_aside == [] and DECLARED <= present()


def test_an_index_a_killed_load_left_missing_is_built_again():
    name = "dossier_finished_at"
    index = next(i for i in Dossier._meta.indexes if i.name == name)
    with connection.schema_editor(atomic=False) as editor:
        editor.remove_index(Dossier, index)
    assert name not in present()
    assert store_for().restore_indexes() == [name]
    assert name in present()
    assert store_for().restore_indexes() == []
