"""Login, lockout, logout, password change and reset, and the home page."""

import re

import pytest
from django.core import mail

from accounts.models import AuditAction, AuditLog, Role

from .helpers import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "Correct-Horse-7"


@pytest.fixture
def officer(tree):
    user = make_user(
        "hn.officer", Role.OFFICER, tree.a["01"], email="officer@example.vn", full_name="Nguyễn Văn A"
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def login(client, username="hn.officer", password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_page_and_successful_login(client, officer):
    assert client.get("/accounts/login/").status_code == 200
    response = login(client)
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Agency 01" in home.content.decode() and "Nguyễn Văn A" in home.content.decode()


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_wrong_password_and_lockout_after_repeated_failures(client, officer, settings):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, password="nope")
        assert response.status_code == 200 and b"didn" in response.content  # the form again
    locked = login(client, password="nope")
    assert locked.status_code == 429
    # Even the right password is refused while locked out.
    assert login(client).status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action=AuditAction.LOCKED_OUT).exists()
    assert AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED).count() >= settings.AXES_FAILURE_LIMIT


def test_logout_is_post_only(client, officer):
    login(client)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_password_change(client, officer):
    login(client)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "An0ther-Secret!", "new_password2": "An0ther-Secret!"},
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("An0ther-Secret!")


def test_password_reset_by_email(client, officer):
    response = client.post("/accounts/password_reset/", {"email": "officer@example.vn"})
    assert response.status_code == 302 and len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "Brand-New-Pass9", "new_password2": "Brand-New-Pass9"})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("Brand-New-Pass9")


def test_system_accounts_cannot_log_in(client, tree):
    from accounts.services import cli_actor, create_system_account

    account, _key = create_system_account(cli_actor(), tree.a["01"], "HN")
    assert login(client, account.user.username, "").status_code == 200
    assert "_auth_user_id" not in client.session


def test_pages_are_vietnamese_first(client, officer):
    # msgids are English; the Vietnamese catalogue (locale/vi) translates them. Vietnamese is the
    # default, English is one switch away.
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="vi">' in html and 'name="language"' in html
    assert "Đăng nhập" in html  # "Log in", from locale/vi
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english and "Log in" in english
