"""Sync-gap requests in the permission matrix (tests/test_permission_matrix.py).

One submitted request "at" each position: filed by the province at a province code, addressed to
the ministry (or to the ministry of the unit owning the system) at a ministry or unit code. So a
request is visible exactly where the matrix expects its agency to be: the filing province's users
see it, the addressed ministry's users see it, a commune does not see its province's letters, and
national administrators see everything. Every page and API endpoint of the app is checked.
"""

from __future__ import annotations

import functools
import tempfile

from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse

from accounts.models import Role
from complaints.models import (
    AttachmentKind,
    Feedback,
    Notification,
    RequestAttachment,
    RequestSystem,
    SyncGapRequest,
)
from complaints.services.requests import ministry_of
from complaints.workflow import State
from reconciliation.models import SourceKind, SourceSystem
from tests.test_permission_matrix import ADMIN_SPECS, World, at_least, covers

ATTR = "_complaints_matrix"
#: The matrix runs outside tests/complaints (no per-test media fixture): its files go to a temp folder.
MEDIA = tempfile.mkdtemp(prefix="tthc-matrix-media-")


def _temp_media(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with override_settings(MEDIA_ROOT=MEDIA):
            return func(*args, **kwargs)

    return wrapper


@_temp_media
def objects(world) -> dict[str, SyncGapRequest]:
    """The requests by position code, created once per world."""
    cached = getattr(world, ATTR, None)
    if cached is not None:
        return cached
    a = world.a
    systems = {
        code: SourceSystem.objects.create(
            code=f"SYS-{code}", name=f"System {code}", kind=SourceKind.MINISTRY, owner=a[code]
        )
        for code in ("BTP", "BTP-U", "BYT")
    }
    placed = {
        "01": (a["01"], systems["BYT"]),
        "48": (a["48"], systems["BYT"]),
        "BTP": (a["48"], systems["BTP"]),
        "BTP-U": (a["48"], systems["BTP-U"]),
        "BYT": (a["48"], systems["BYT"]),
    }
    out = {}
    for index, (code, (province, source)) in enumerate(placed.items(), start=1):
        case = SyncGapRequest.objects.create(
            province=province,
            ministry=ministry_of(source.owner),
            period=f"2026-{index:02d}",
            state=State.SUBMITTED,
            subject=f"KN {code}",
            body="Kính gửi",
            gap_total=1,
        )
        RequestSystem.objects.create(request=case, source=source, gap_total=1)
        attachment = RequestAttachment(
            request=case, kind=AttachmentKind.DOCUMENT, name=f"{code}.txt", content_type="text/plain"
        )
        attachment.file.save(f"{code}.txt", ContentFile(b"x"), save=False)
        attachment.size = 1
        attachment.save()
        case.marker_attachment = attachment
        case.marker_notification = Notification.objects.create(
            recipient=world.users[code],
            kind="transition",
            request=case,
            subject=f"N {code}",
            url=reverse("complaints:detail", args=[case.pk]),
        )
        out[code] = case
    world.complaints_feedback = {
        code: Feedback.objects.create(
            code=f"PAKN-{code}", agency=agency, subject=code, received_at=world.d[code].received_at
        )
        for code, agency in a.items()
    }
    setattr(world, ATTR, out)
    return out


def _positions(world, expect):
    objs = objects(world)
    return [(code, objs[code]) for code in expect.codes() if code in objs]


def _want(expect, code, inside: int) -> int:
    return inside if expect.visible(code) else 404


# --- API ---------------------------------------------------------------------------------------------------
@covers("complaints-api:request-list", "complaints-api:request-detail")
def check_api_requests(client, world, expect, errors):
    positions = _positions(world, expect)
    listed = {r["id"] for r in client.get("/api/v1/requests/?page_size=500").json()["results"]}
    for code, case in positions:
        if (case.pk in listed) != expect.visible(code):
            errors.append(f"request list: {code}")
        got = client.get(reverse("complaints-api:request-detail", args=[case.pk])).status_code
        if got != _want(expect, code, 200):
            errors.append(f"request detail {code}: {got}")


@covers("complaints-api:request-attachment-download")
@_temp_media
def check_api_attachment_download(client, world, expect, errors):
    for code, case in _positions(world, expect):
        url = reverse("complaints-api:request-attachment-download", args=[case.pk, case.marker_attachment.pk])
        got = client.get(url).status_code
        if got != _want(expect, code, 200):
            errors.append(f"request attachment download {code}: {got}")


@covers(
    "complaints-api:request-transition",
    "complaints-api:request-comments",
    "complaints-api:request-attachments",
)
def check_api_request_actions(client, world, expect, errors):
    for code, case in _positions(world, expect):
        for name, body in (("transition", {"to": "no_such_state"}), ("comments", {}), ("attachments", {})):
            got = client.post(
                reverse(f"complaints-api:request-{name}", args=[case.pk]),
                body,
                content_type="application/json",
            ).status_code
            if got != _want(expect, code, 400):
                errors.append(f"request {name} {code}: {got}")


@covers("complaints-api:request-bulk-submit")
def check_api_bulk_submit(client, world, expect, errors):
    positions = _positions(world, expect)
    body = client.post(
        reverse("complaints-api:request-bulk-submit"),
        {"ids": [c.pk for _code, c in positions]},
        content_type="application/json",
    ).json()
    reported = {int(k) for k in body["errors"]} | set(body["submitted"])
    if reported != {c.pk for code, c in positions if expect.visible(code)}:
        errors.append(f"bulk submit answered about {sorted(reported)}")
    if body["submitted"]:
        errors.append("bulk submit moved submitted requests")


@covers(
    "complaints-api:feedback-case-list",
    "complaints-api:feedback-case-detail",
    "complaints-api:feedback-case-transition",
)
def check_api_feedback_cases(client, world, expect, errors):
    objects(world)
    listed = {r["id"] for r in client.get("/api/v1/feedback-cases/?page_size=500").json()["results"]}
    for code in expect.codes():
        feedback = world.complaints_feedback[code]
        if (feedback.pk in listed) != expect.visible(code):
            errors.append(f"feedback list: {code}")
        got = client.get(reverse("complaints-api:feedback-case-detail", args=[feedback.pk])).status_code
        if got != _want(expect, code, 200):
            errors.append(f"feedback detail {code}: {got}")
        got = client.post(
            reverse("complaints-api:feedback-case-transition", args=[feedback.pk]),
            {"to": "nowhere"},
            content_type="application/json",
        ).status_code
        if got != _want(expect, code, 409):
            errors.append(f"feedback transition {code}: {got}")


@covers("complaints-api:notification-list", "complaints-api:notification-mark-read")
def check_api_notifications(client, world, expect, errors):
    positions = _positions(world, expect)
    listed = {n["id"] for n in client.get(reverse("complaints-api:notification-list")).json()["results"]}
    if listed & {c.marker_notification.pk for _code, c in positions}:
        errors.append("notification list shows other users' notifications")
    marked = client.post(
        reverse("complaints-api:notification-mark-read"), {}, content_type="application/json"
    ).json()
    if marked != {"marked": 0}:
        errors.append(f"mark-read marked other users' notifications: {marked}")


# --- pages -------------------------------------------------------------------------------------------------
@covers("complaints:list", "complaints:inbox", "complaints:review")
def check_pages_lists(client, world, expect, errors):
    positions = _positions(world, expect)
    html = client.get(reverse("complaints:list") + "?open=&state=").content.decode()
    for code, case in positions:
        if (f'data-id="{case.pk}"' in html) != expect.visible(code):
            errors.append(f"list page: {code}")
    inbox = client.get(reverse("complaints:inbox") + "?show=all").content.decode()
    for code, case in positions:
        if f'data-id="{case.pk}"' in inbox and not expect.visible(code):
            errors.append(f"inbox shows {code}")
    for period in ("2026-01", "2026-02"):
        review = client.get(reverse("complaints:review") + f"?period={period}")
        if review.status_code != 200:
            errors.append(f"review page: {review.status_code}")
            continue
        for code, case in positions:
            if f'data-id="{case.pk}"' in review.content.decode() and not expect.visible(code):
                errors.append(f"review page shows {code}")


@covers("complaints:supervision")
def check_supervision(client, world, expect, errors):
    got = client.get(reverse("complaints:supervision")).status_code
    want = 200 if expect.role == Role.NATIONAL_ADMIN else 403
    if got != want:
        errors.append(f"supervision page: {got} != {want}")


@covers("complaints:detail", "complaints:download")
@_temp_media
def check_case_page(client, world, expect, errors):
    for code, case in _positions(world, expect):
        got = client.get(reverse("complaints:detail", args=[case.pk])).status_code
        if got != _want(expect, code, 200):
            errors.append(f"case page {code}: {got}")
        got = client.get(
            reverse("complaints:download", args=[case.pk, case.marker_attachment.pk])
        ).status_code
        if got != _want(expect, code, 200):
            errors.append(f"download {code}: {got}")


@covers(
    "complaints:transition", "complaints:edit", "complaints:comment", "complaints:attach", "complaints:assign"
)
@_temp_media
def check_case_writes(client, world, expect, errors):
    for code, case in _positions(world, expect):
        # Within reach, an empty post is refused: the page again with the form's errors (400) where
        # the user typed something to keep, else a redirect with a message; out of reach, 404.
        for name, data, refused in (
            ("transition", {"to": "no_such_state"}, 302),
            ("edit", {}, 400),
            ("comment", {}, 400),
            ("attach", {}, 302),
            ("assign", {}, 302),
        ):
            got = client.post(reverse(f"complaints:{name}", args=[case.pk]), data).status_code
            if got != _want(expect, code, refused):
                errors.append(f"{name} {code}: {got}")
        case.refresh_from_db()
        if case.state != State.SUBMITTED or case.events.exists():
            errors.append(f"{code} changed by an empty post")


@covers("complaints:bulk-submit")
def check_page_bulk_submit(client, world, expect, errors):
    positions = _positions(world, expect)
    got = client.post(
        reverse("complaints:bulk-submit"), {"ids": [c.pk for _code, c in positions]}
    ).status_code
    if got != 302:
        errors.append(f"bulk submit page: {got}")
    if (
        SyncGapRequest.objects.filter(pk__in=[c.pk for _code, c in positions])
        .exclude(state=State.SUBMITTED)
        .exists()
    ):
        errors.append("bulk submit page moved a request")


@covers("complaints:notifications", "complaints:open-notification")
def check_notification_pages(client, world, expect, errors):
    positions = _positions(world, expect)
    if client.get(reverse("complaints:notifications")).status_code != 200:
        errors.append("notifications page")
    for code, case in positions:
        got = client.get(
            reverse("complaints:open-notification", args=[case.marker_notification.pk])
        ).status_code
        if got != 404:
            errors.append(f"open someone else's notification {code}: {got}")


@covers()
def check_api_create(client, world, expect, errors):
    """Last: it creates requests. Officers and above of a visible province file; others are refused."""
    objects(world)
    for code in expect.codes():
        if code not in ("01", "48"):
            continue
        got = client.post(
            "/api/v1/requests/",
            {"province": code, "system": "SYS-BTP", "period": "2027-01"},
            content_type="application/json",
        ).status_code
        files = at_least(expect.role, Role.OFFICER) and expect.role != Role.NATIONAL_ADMIN
        want = 404 if not expect.visible(code) else (201 if files else 403)
        if got != want:
            errors.append(f"create for {code}: {got} != {want}")


ADMIN_SPECS[SyncGapRequest] = (Role.VIEWER, lambda w, c: objects(w).get(c), False)

# The admin check lists a changelist before asking for the markers: build the requests with the world.
_world_init = World.__init__


def _world_with_requests(self):
    _world_init(self)
    objects(self)


World.__init__ = _world_with_requests


# --- Issue 12: the Chairman's summary, the report section, the letter, reported counts -------------------
@covers(
    "complaints-api:request-summary",
    "complaints-api:request-moj-report",
    "complaints:summary",
    "complaints:moj-report",
)
def check_summaries(client, world, expect, errors):
    """Each position's request is alone in its month: the month's summaries show its ministry exactly
    when the request is visible; a province outside the scope answers 404."""
    for code, case in _positions(world, expect):
        period = str(case.period)
        data = client.get(reverse("complaints-api:request-summary"), {"period": period}).json()
        shown = any(m["requests"] for m in data["ministries"])
        if shown != expect.visible(code):
            errors.append(f"summary API {code}: shown={shown}")
        section = client.get(reverse("complaints-api:request-moj-report"), {"period": period}).json()
        listed = any(r["reference"] == case.reference for r in section["requests"])
        if listed != expect.visible(code):
            errors.append(f"report section API {code}: listed={listed}")
        for name in ("complaints:summary", "complaints:moj-report"):
            page = client.get(reverse(name), {"period": period})
            if page.status_code != 200:
                errors.append(f"{name} {code}: {page.status_code}")
            elif (case.ministry.name in page.content.decode()) != expect.visible(code):
                errors.append(f"{name} {code}: ministry shown={not expect.visible(code)}")
    for code in expect.codes():
        if world.a[code].kind != "province":
            continue
        for name in (
            "complaints-api:request-summary",
            "complaints-api:request-moj-report",
            "complaints:summary",
            "complaints:moj-report",
        ):
            got = client.get(reverse(name), {"province": code}).status_code
            if got != _want(expect, code, 200):
                errors.append(f"{name} province={code}: {got}")


@covers("complaints-api:request-letter")
def check_letter(client, world, expect, errors):
    for code, case in _positions(world, expect):
        got = client.get(reverse("complaints-api:request-letter", args=[case.pk])).status_code
        if got != _want(expect, code, 200):
            errors.append(f"letter {code}: {got}")


@covers("reconciliation-api:reported-counts")
def check_reported_counts_endpoint(client, world, expect, errors):
    """People never push counts: the endpoint takes a reporting system's token only (session ⇒ 401)."""
    got = client.post(
        reverse("reconciliation-api:reported-counts"), {"counts": []}, content_type="application/json"
    )
    if got.status_code != 401:
        errors.append(f"reported counts with a session: {got.status_code}")
