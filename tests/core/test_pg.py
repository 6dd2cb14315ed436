"""``core.pg.local_settings``: planner settings for one block, the caller's transaction left as found."""

import pytest
from django.db import connection, transaction

from core.pg import local_settings

pytestmark = pytest.mark.django_db


def current(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_the_block_sees_its_settings_and_the_transaction_gets_its_own_back():
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('random_page_cost', '4', true)")
        with local_settings(random_page_cost="1.1", work_mem="7MB"):
            assert (current("random_page_cost"), current("work_mem")) == ("1.1", "7MB")
        assert current("random_page_cost") == "4"
        assert current("work_mem") != "7MB"


@pytest.mark.postgres
def test_a_failing_block_rolls_its_settings_back_with_its_savepoint():
    with transaction.atomic():
        with pytest.raises(ZeroDivisionError):
            with local_settings(random_page_cost="1.1"):
                assert current("random_page_cost") == "1.1"
                1 / 0  # noqa: B018
        assert current("random_page_cost") != "1.1"
        assert current("random_page_cost") == current("random_page_cost")  # the transaction is usable


def test_elsewhere_than_postgresql_the_block_just_runs(settings):
    ran = []
    with local_settings(random_page_cost="1.1"):
        ran.append(connection.vendor)
    assert ran == [connection.vendor]


@pytest.mark.postgres
def test_set_local_sets_every_value_for_the_transaction_in_one_statement():
    from django.test.utils import CaptureQueriesContext

    from core.pg import set_local

    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            set_local(random_page_cost="1.7", work_mem="9MB", jit="off")
        assert len(queries) == 1
        assert (current("random_page_cost"), current("work_mem"), current("jit")) == ("1.7", "9MB", "off")
