import pytest

from .helpers import build_tree


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hashing with MD5 keeps the login tests fast; production keeps Django's default hashers."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tree(db):
    return build_tree()
