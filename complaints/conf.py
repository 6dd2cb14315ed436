"""The ``TTHC_REQUEST_*`` settings, read at call time (tests override them with ``settings``)."""
from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    "TTHC_REQUEST_RESPONSE_DAYS": 10,
    "TTHC_REQUEST_DRAFT_THRESHOLD": 0,
    "TTHC_REQUEST_CLOSE_THRESHOLD": 0,
    "TTHC_REQUEST_REMINDER_DAYS": 2,
    "TTHC_REQUEST_ESCALATION_DAYS": 5,
    "TTHC_REQUEST_SUPERVISOR_AGENCIES": ["BTP-KSTT", "VPCP"],
    "TTHC_REQUEST_ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
    "TTHC_REQUEST_ATTACHMENT_TYPES": ["pdf", "docx", "xlsx", "csv", "txt", "png", "jpg", "jpeg"],
    "TTHC_REQUEST_EMAIL_MAX_RETRIES": 5,
    "TTHC_REQUEST_SITE_URL": "http://127.0.0.1:8000",
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])


def response_days() -> int:
    return int(get("TTHC_REQUEST_RESPONSE_DAYS"))


def draft_threshold() -> int:
    return int(get("TTHC_REQUEST_DRAFT_THRESHOLD"))


def close_threshold() -> int:
    return int(get("TTHC_REQUEST_CLOSE_THRESHOLD"))


def reminder_days() -> int:
    return int(get("TTHC_REQUEST_REMINDER_DAYS"))


def escalation_days() -> int:
    return int(get("TTHC_REQUEST_ESCALATION_DAYS"))


def supervisor_agencies() -> list[str]:
    return list(get("TTHC_REQUEST_SUPERVISOR_AGENCIES"))


def attachment_max_bytes() -> int:
    return int(get("TTHC_REQUEST_ATTACHMENT_MAX_BYTES"))


def attachment_types() -> list[str]:
    return [t.lower().lstrip(".") for t in get("TTHC_REQUEST_ATTACHMENT_TYPES")]


def email_max_retries() -> int:
    return int(get("TTHC_REQUEST_EMAIL_MAX_RETRIES"))


def site_url() -> str:
    return str(get("TTHC_REQUEST_SITE_URL")).rstrip("/")
