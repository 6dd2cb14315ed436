"""Password reset answers alike for known and unknown addresses: the page queues one mail task with
the address either way; the worker sends the link only to a known account."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from accounts import tasks
from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(db):
    u = User.objects.create_user("reset.me", email="Reset.Me@example.vn", password="Old-Secret-42")
    return u


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.send_password_reset, "delay", lambda *a, **kw: calls.append((a, kw)))
    return calls


def test_known_and_unknown_addresses_queue_the_same_task(client, user, queued):
    known = client.post("/accounts/password_reset/", {"email": "reset.me@example.vn"})
    unknown = client.post("/accounts/password_reset/", {"email": "nobody@example.vn"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/password_reset/done/"
    assert [args for args, _ in queued] == [("reset.me@example.vn",), ("nobody@example.vn",)]
    assert queued[0][1] == queued[1][1]  # the same options: nothing about the account leaks into the request
    assert queued[0][1]["domain"] == "testserver" and queued[0][1]["language"] == "vi"
    assert not mail.outbox  # the page sends nothing itself


def test_an_invalid_address_queues_nothing(client, queued):
    response = client.post("/accounts/password_reset/", {"email": "not-an-address"})
    assert response.status_code == 200 and not queued


def test_the_task_mails_a_known_account_its_link(client, user):
    response = client.post("/accounts/password_reset/", {"email": "reset.me@example.vn"})  # eager Celery
    assert response.status_code == 302 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Reset.Me@example.vn"] and "TTHC" in message.subject
    link = re.search(r"http://testserver(/accounts/reset/\S+)", message.body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "Brand-New-Pass9", "new_password2": "Brand-New-Pass9"})
    user.refresh_from_db()
    assert user.check_password("Brand-New-Pass9")


def test_the_task_mails_nothing_for_an_unknown_or_unusable_account(client, user):
    User.objects.create_user("no.password", email="nopass@example.vn")  # unusable password
    User.objects.create_user("gone", email="gone@example.vn", password="x-Secret-42", is_active=False)
    for address in ("nobody@example.vn", "nopass@example.vn", "gone@example.vn"):
        assert tasks.send_password_reset.delay(address, domain="testserver").get() == 0
    assert not mail.outbox
    assert (
        tasks.send_password_reset.delay(
            "reset.me@example.vn", domain="tthc.example.gov.vn", use_https=True, language="vi"
        ).get()
        == 1
    )
    assert "https://tthc.example.gov.vn/accounts/reset/" in mail.outbox[0].body
    assert (
        "Mở đường dẫn sau" in mail.outbox[0].body
    )  # the requester's language, not the worker's (English here)


def test_a_mail_failure_raises_so_the_task_retries(user, monkeypatch):
    from smtplib import SMTPServerDisconnected

    from accounts.services.password_reset import send_reset_mail

    def broken(self, *a, **kw):
        raise SMTPServerDisconnected("down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    with pytest.raises(SMTPServerDisconnected):
        send_reset_mail("reset.me@example.vn", domain="testserver")
    assert tasks.send_password_reset.autoretry_for == (tasks.SMTPException, OSError)
