"""API tokens are stored hashed: a copy of the database holds no usable credential.

Integrators change nothing (``Authorization: Token <40 hex>``); a key is shown once when issued,
revoked keys stop working at once, and the DRF keys that existed before are hashed by a migration.
"""

from __future__ import annotations

import hashlib
import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, Role
from accounts.services import cli_actor, create_system_account, rotate_system_token
from accounts.services.tokens import issue_token
from tests.accounts.helpers import build_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(db):
    return build_tree()


def with_token(key: str, keyword: str = "Token") -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
    return api


def refused(key: str) -> bool:
    """401 from the sync endpoint (token authentication only; ``/me/`` would answer 403 first)."""
    return (
        with_token(key).post("/api/v1/sync/dossiers/", b"{}", content_type="application/json").status_code
        == 401
    )


def every_stored_value() -> str:
    """Every column of every token row, as text."""
    return " ".join(str(v) for row in ApiToken.objects.values_list() for v in row)


def test_only_a_digest_and_a_prefix_are_stored(tree):
    account, key = create_system_account(cli_actor(), tree.a["01"], "HN")
    token = ApiToken.objects.get(user=account.user)
    assert len(key) == 40 and int(key, 16) >= 0
    assert token.digest == hashlib.sha256(key.encode()).hexdigest() and token.prefix == key[:8]
    assert key not in every_stored_value()


def test_the_header_format_is_unchanged_and_the_last_use_is_recorded(tree):
    account, key = create_system_account(cli_actor(), tree.a["01"], "HN")
    response = with_token(key).get("/api/v1/me/")
    assert response.status_code == 200 and response.json()["username"] == account.user.username
    token = ApiToken.objects.get(user=account.user)
    assert token.last_used_at is not None
    assert with_token(key, "Bearer").get("/api/v1/me/").status_code in (401, 403)


@pytest.mark.parametrize("key", ["", "x" * 40, "0" * 40, "a" * 5000, "ü" * 40])
def test_wrong_keys_are_refused_with_a_token_challenge(tree, key):
    create_system_account(cli_actor(), tree.a["01"], "HN")
    response = with_token(key).post("/api/v1/sync/dossiers/", b"{}", content_type="application/json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_rotated_key_stops_working_at_once_and_its_row_is_kept(tree):
    account, first = create_system_account(cli_actor(), tree.a["01"], "HN")
    second = rotate_system_token(cli_actor(), account)
    assert refused(first)
    assert with_token(second).get("/api/v1/me/").status_code == 200
    old, new = ApiToken.objects.filter(user=account.user).order_by("created_at", "pk")
    assert old.revoked_at is not None and old.revoked_by == cli_actor() and new.revoked_at is None


def test_one_active_token_per_account_in_the_database(tree):
    from django.db import IntegrityError, transaction

    user = make_user("sys", staff=False, is_system=True)
    issue_token(user)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.create(user=user, digest="f" * 64, prefix="ffffffff")


def test_an_inactive_account_is_refused(tree):
    account, key = create_system_account(cli_actor(), tree.a["01"], "HN")
    account.user.is_active = False
    account.user.save()
    assert refused(key)


def test_last_use_is_written_at_most_once_a_minute(tree):
    account, key = create_system_account(cli_actor(), tree.a["01"], "HN")
    with_token(key).get("/api/v1/me/")
    used = ApiToken.objects.get(user=account.user).last_used_at
    with_token(key).get("/api/v1/me/")
    assert ApiToken.objects.get(user=account.user).last_used_at == used
    ApiToken.objects.filter(user=account.user).update(last_used_at=timezone.now() - timedelta(minutes=2))
    with_token(key).get("/api/v1/me/")
    assert ApiToken.objects.get(user=account.user).last_used_at > used - timedelta(seconds=1)


def test_only_national_administrators_issue_tokens(tree):
    from accounts.services import DelegationDenied

    account, key = create_system_account(cli_actor(), tree.a["01"], "HN")
    for role in (Role.SENIOR_ADMIN, Role.UNIT_ADMIN):
        with pytest.raises(DelegationDenied, match="national administrators"):
            rotate_system_token(make_user(f"hn-{role}", role, tree.a["01"]), account)
    assert with_token(key).get("/api/v1/me/").status_code == 200


def test_existing_drf_tokens_keep_working_after_the_migration(tree):
    """The data migration hashes ``authtoken_token``'s clear keys and drops that table."""
    migration = importlib.import_module("accounts.migrations.0004_api_tokens")
    user = make_user("legacy", staff=False, is_system=True)
    legacy = "0123456789abcdef0123456789abcdef01234567"
    stamp = "timestamp with time zone" if connection.vendor == "postgresql" else "datetime"
    with (
        connection.cursor() as cursor
    ):  # the table as rest_framework.authtoken created it (rolled back after)
        cursor.execute(
            f'CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, created {stamp} NOT NULL, '
            "user_id bigint NOT NULL)"
        )
        cursor.execute(
            'INSERT INTO authtoken_token ("key", created, user_id) VALUES (%s, %s, %s)',
            [legacy, timezone.now(), user.pk],
        )
    migration.hash_legacy_tokens(apps, SimpleNamespace(connection=connection))
    assert "authtoken_token" not in connection.introspection.table_names()
    assert legacy not in every_stored_value()
    assert with_token(legacy).get("/api/v1/me/").json()["username"] == "legacy"
