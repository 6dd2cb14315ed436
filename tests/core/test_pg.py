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
