"""The key journeys in a real browser (Chromium), on the demo data, in Vietnamese.

One test seeds the demo (``seed_demo``: the portal's records through ingestion, reconciliation, the
index, the month's draft requests) and walks every journey on it — seeding once keeps the suite
short; each journey's failures are reported under its name:

1. a province officer logs in (on a 390 px phone), reads the dashboard and the matrix, opens a gap
   and its dossier;
2. a province leader reviews the month's drafts and submits one; a ministry officer acknowledges and
   answers it; the leader opens the notification and accepts the answer;
3. an administrator delegates a role (a new account, without admin-site access);
4. a citizen opens the public results page on a 390 px screen;
5. the API documentation (Swagger UI, ReDoc) renders with every request outside the site refused;
6. a province leader opens a draft letter on a 390 px phone;
7. a ministry officer finds an unassessed procedure, assesses it from its row and submits it;
8. a supervisor (the Ministry of Justice's control department) follows the requests nationwide.

Every page passes ``checks.check_page`` (raw codes, English, number formats, horizontal scrolling,
axe-core) and is saved as a screenshot in ``var/e2e/``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from django.core.management import call_command

from accounts.models import RoleAssignment, User
from complaints.models import SyncGapRequest
from complaints.workflow import State
from reconciliation.models import ReconciliationRun
from tthc.periods import Period

from .checks import check_page

PASSWORD = "TthcDemo@2026"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
#: Demo logins by agency code (seed_demo's accounts).
PROVINCE_LOGINS = {"01": "hn", "48": "dn"}
MINISTRY_LOGINS = {"BTC": "btc", "BTP": "btp"}


class Journey:
    """A browser context in Vietnamese with the checks collected as the journey goes."""

    def __init__(self, browser, base_url: str, artefacts, name: str, viewport: dict):
        self.context = browser.new_context(locale="vi-VN", viewport=viewport)
        self.page = self.context.new_page()
        self.base_url, self.artefacts, self.name = base_url, artefacts, name
        self.problems: list[str] = []
        self.step = 0

    def check(self, label: str, **kwargs) -> None:
        self.page.wait_for_load_state("load")
        self.step += 1
        self.problems += check_page(
            self.page, f"{self.name}-{self.step:02d}-{label}", self.artefacts, **kwargs
        )

    def goto(self, path: str) -> None:
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status < 400, f"{path}: {response and response.status}"

    def login(self, username: str) -> None:
        self.goto("/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("main form button[type=submit]")
        self.page.wait_for_url(re.compile(r".*/$"))

    def logout(self) -> None:
        self.context.clear_cookies()

    def menu(self, label: str) -> None:
        """Follow a main-menu entry, opening the menu first on a phone and then the entry's section."""
        toggle = self.page.locator(".menu-toggle")
        if toggle.is_visible():
            toggle.click()
        link = self.page.locator("#site-nav").get_by_role("link", name=label, exact=True)
        if not link.is_visible():
            hidden = self.page.get_by_role("link", name=label, exact=True, include_hidden=True)
            self.page.locator("#site-nav details").filter(has=hidden).locator("summary").click()
        link.click()
        self.page.wait_for_load_state("load")

    def close(self) -> None:
        self.context.close()


def officer_reads_the_dashboard_matrix_gap_and_dossier(j: Journey) -> None:
    runs = ReconciliationRun.objects.filter(period=Period.last_closed(), gap_dossiers__gt=0).select_related(
        "province"
    )
    run = (
        runs.filter(province__code__in=PROVINCE_LOGINS).order_by("pk").first() or runs.order_by("pk").first()
    )
    assert run is not None, "seed_demo plants gaps in the closed month"
    j.login(_login_for(run.province, "officer", PROVINCE_LOGINS))
    j.check("home")
    assert j.page.locator(".card").first.is_visible(), "the home page answers with the province's score"
    j.menu("Bộ chỉ số 766")
    j.check("dashboard")
    # The trend chart's coordinates are plain numbers in Vietnamese (no "182,0").
    points = j.page.eval_on_selector_all(
        "svg.chart-trend polyline, svg.chart-trend circle",
        "els => els.map(e => e.getAttribute('points') || (e.getAttribute('cx') + ',' + e.getAttribute('cy')))",
    )
    assert points, "the trend chart has a line"
    for pair in " ".join(points).split():
        x, y = pair.split(",")
        float(x), float(y)
    j.page.locator(".menu-toggle").click()  # on a phone the current page's section opens with the menu
    assert j.page.locator("#site-nav").get_by_role("link", name="Xếp hạng", exact=True).is_visible()
    j.page.locator(".menu-toggle").click()
    j.menu("Sai lệch đồng bộ")
    j.check("matrix")
    heat = j.page.locator("svg.chart-heat")
    assert heat.is_visible(), "the matrix is drawn as a heat map"
    assert heat.locator(f"a[href*='source={run.source.code}']").count(), "its cells link to the gaps"
    j.page.locator(f"table.matrix td.cell a[href*='source={run.source.code}']").first.click()
    j.page.wait_for_load_state("load")
    j.check("gaps")
    j.page.locator("a[href*='/reconciliation/dossiers/']").first.click()
    j.page.wait_for_load_state("load")
    j.check("dossier")


def _login_for(agency, role: str, logins: dict[str, str]) -> str:
    """The demo login for the agency and role, or (for an agency without demo logins) a new one."""
    if agency.code in logins:
        return f"{logins[agency.code]}.{role}"
    username = f"e2e.{agency.code.lower()}.{role}"
    user, created = User.objects.get_or_create(username=username, defaults={"full_name": username})
    if created:
        user.set_password(PASSWORD)
        user.save()
        RoleAssignment.objects.create(user=user, agency=agency, role=role)
    return username


def leader_submits_ministry_answers_leader_accepts(j: Journey) -> None:
    drafts = SyncGapRequest.objects.filter(state=State.DRAFT).select_related("province", "ministry")
    preferred = drafts.filter(province__code__in=PROVINCE_LOGINS, ministry__code__in=MINISTRY_LOGINS)
    case = preferred.order_by("pk").first() or drafts.order_by("pk").first()
    assert case is not None, "seed_demo drafts the closed month's requests"
    leader = _login_for(case.province, "leader", PROVINCE_LOGINS)
    officer = _login_for(case.ministry, "officer", MINISTRY_LOGINS)

    j.login(leader)
    j.check("home")
    j.page.locator(".card a[href*='/requests/review/']").click()
    j.page.wait_for_load_state("load")
    j.check("review")
    j.page.check(f"input[name=ids][value='{case.pk}']")
    j.page.locator("form[action$='/requests/review/submit/'] button[type=submit]").click()
    j.page.wait_for_load_state("load")
    assert j.page.locator(".messages li.success").count(), "the submission is confirmed"
    j.check("submitted")
    case.refresh_from_db()
    assert case.state == State.SUBMITTED
    j.logout()

    j.login(officer)
    j.menu("Hộp thư Bộ")
    j.check("inbox")
    j.page.locator(f"a[href$='/requests/{case.pk}/']").first.click()
    j.page.wait_for_load_state("load")
    j.check("case-submitted")
    j.page.locator("form.transition[data-to=acknowledged] button[type=submit]").click()
    j.page.wait_for_load_state("load")
    form = j.page.locator("form.transition[data-to=answered]")
    form.locator("[name$=answer]").fill("Đã rà soát và đồng bộ lại các hồ sơ còn thiếu lên Cổng.")
    form.locator("select[name$=resolution]").select_option(index=1)
    form.locator("button[type=submit]").click()
    j.page.wait_for_load_state("load")
    j.check("case-answered")
    case.refresh_from_db()
    assert case.state == State.ANSWERED
    j.logout()

    j.login(leader)
    bell = j.page.locator("header a.bell .badge")
    assert bell.count(), "the leader has an unread notification"
    j.page.locator("header a.bell").click()
    j.page.wait_for_load_state("load")
    j.check("notifications")
    j.page.locator("main ul a[href*='/requests/notifications/']").first.click()
    j.page.wait_for_load_state("load")
    j.check("case-to-accept")
    j.page.locator("form.transition[data-to=closed] button[type=submit]").click()
    j.page.wait_for_load_state("load")
    j.check("case-closed")
    case.refresh_from_db()
    assert case.state == State.CLOSED
    unread = j.page.locator("header a.bell .badge")
    assert not unread.count(), "opening the case cleared the bell"


def administrator_delegates_a_role(j: Journey) -> None:
    j.login("hn.senior_admin")
    j.menu("Phân quyền")
    j.check("delegation")
    j.page.fill("input[name=username]", "e2e.canbo")
    j.page.check("input[name=new_account]")
    j.page.fill("input[name=password]", "Mot-Mat-Khau-Dai-2026")
    j.page.fill("input[name=full_name]", "Nguyễn Văn Thử")
    assert not j.page.is_checked("input[name=is_staff]"), "no admin-site access unless asked"
    agency = j.page.locator("[name=agency]")
    if agency.evaluate("e => e.tagName") == "SELECT":
        agency.select_option("01")
    else:
        agency.fill("01")
    j.page.select_option("select[name=role]", "officer")
    j.page.locator("main form[method=post] button[type=submit]").last.click()
    j.page.wait_for_load_state("load")
    j.check("delegated")
    user = User.objects.get(username="e2e.canbo")
    assert not user.is_staff and user.role_assignments.filter(role="officer", agency__code="01").exists()


def citizen_opens_public_results_on_a_phone(j: Journey) -> None:
    j.goto("/public/results/")
    j.check("public-results")
    assert j.page.locator("table tbody tr").count() > 1
    # The ranking scrolls sideways on a phone; its headings stay short instead of wrapping word by word.
    head = j.page.locator("table.ranking thead tr").evaluate(
        "r => r.getBoundingClientRect().height / parseFloat(getComputedStyle(r.cells[0]).lineHeight)"
    )
    assert head < 4, f"the ranking's heading row is {head:.1f} lines tall on a phone"
    j.page.locator(".menu-toggle").click()
    j.check("public-menu-open")


def citizen_reads_the_rankings_on_a_desktop(j: Journey) -> None:
    """At 1280 px the ranking shows every column without scrolling, one line per agency."""
    j.goto("/public/results/")
    j.check("public-results-desktop")
    box = j.page.locator(".table-wrap:has(table.ranking)").first
    hidden = box.evaluate("e => e.scrollWidth - e.clientWidth")
    assert hidden <= 1, f"the ranking table is {hidden} px wider than its box"
    lines = j.page.locator("table.ranking tbody tr").evaluate_all(
        """rows => rows.map(r => {
            const cells = [...r.cells].filter(c => !c.colSpan || c.colSpan === 1);
            const s = getComputedStyle(cells[0]);
            const inner = r.getBoundingClientRect().height - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);
            return inner / parseFloat(s.lineHeight);
        })"""
    )
    assert len(lines) > 1 and max(lines) < 1.6, f"rows wrap onto several lines: {max(lines):.1f}"


def leader_reads_a_draft_on_a_phone(j: Journey) -> None:
    """The letter's subject and body fit a 390 px screen (the page never scrolls sideways)."""
    drafts = SyncGapRequest.objects.filter(state=State.DRAFT).order_by("pk")
    draft = drafts.filter(province__code__in=PROVINCE_LOGINS).first() or drafts.first()
    assert draft is not None, "seed_demo drafts the closed month's requests"
    j.login(_login_for(draft.province, "leader", PROVINCE_LOGINS))
    j.goto(f"/requests/review/?period={draft.period}")
    j.check("review-phone")
    j.page.locator(f"a[href$='/requests/{draft.pk}/']").first.click()
    j.check("draft-phone")
    assert j.page.locator("form.transition[data-to=submitted]").count(), "the leader can sign it here"


def ministry_officer_assesses_a_procedure(j: Journey) -> None:
    """A ministry officer finds an unassessed procedure, opens its form from the row and submits it."""
    j.login("btp.officer")
    j.goto("/readiness/ministry/BTP/?show=pending")
    j.check("pending")
    row = j.page.locator("table.readiness tbody tr[data-procedure]").first
    code = row.get_attribute("data-procedure")
    row.locator("a.assess").click()
    j.check("form")
    assert j.page.input_value("input[name=procedure]") == code
    outcomes = j.page.locator("select[name^=outcome-]")
    for i in range(outcomes.count()):
        outcomes.nth(i).select_option("met")
    j.page.locator("form[enctype] button[type=submit]").click()
    j.check("submitted")
    assert j.page.locator(".messages li.success").count(), "the assessment is confirmed"
    assert code in j.page.locator("main").inner_text()


def supervisor_follows_the_requests_nationwide(j: Journey) -> None:
    """The Ministry of Justice's control department: the nationwide card, the supervision page, a
    province's Chairman's summary and report section."""
    j.login("kstt.officer")
    j.check("home")
    j.page.locator(".card a[href$='/requests/supervision/']").click()
    j.check("supervision")
    assert j.page.locator("a[href*='/documents/national_report/']").count(), "the national report is offered"
    j.goto("/requests/summary/?province=01")
    j.check("summary-01")
    j.menu("Báo cáo Bộ Tư pháp")
    j.check("moj-report")
    # The menu's first level fits on one line; its sections open one at a time, Escape closes them.
    tops = j.page.eval_on_selector_all("#site-nav > ul > li", "els => els.map(e => e.offsetTop)")
    assert len(set(tops)) == 1, f"the menu wraps: {tops}"
    sections = j.page.locator("#site-nav details")
    open_flags = "els => els.map(e => e.open)"
    sections.nth(1).locator("summary").click()
    assert j.page.locator("#site-nav").get_by_role("link", name="Giám sát", exact=True).is_visible()
    sections.nth(0).locator("summary").click()
    assert j.page.eval_on_selector_all("#site-nav details", open_flags) == [True, False, False]
    j.page.keyboard.press("Escape")
    assert j.page.eval_on_selector_all("#site-nav details", open_flags) == [False, False, False]


def api_docs_render_offline(j: Journey) -> None:
    host = j.base_url.split("//", 1)[1]
    j.context.route(
        re.compile(r"^(?!https?://" + re.escape(host) + r").*"),
        lambda route: route.abort(),
    )
    j.login("national.admin")
    j.goto("/api/v1/docs/")
    j.page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    j.page.screenshot(path=str(j.artefacts / f"{j.name}-swagger.png"))
    j.goto("/api/v1/redoc/")
    j.page.wait_for_selector("text=TTHC Platform API", timeout=20_000)
    j.page.screenshot(path=str(j.artefacts / f"{j.name}-redoc.png"))


JOURNEYS: list[tuple[str, dict, Callable[[Journey], None]]] = [
    ("officer", PHONE, officer_reads_the_dashboard_matrix_gap_and_dossier),
    ("requests", DESKTOP, leader_submits_ministry_answers_leader_accepts),
    ("delegation", DESKTOP, administrator_delegates_a_role),
    ("citizen", PHONE, citizen_opens_public_results_on_a_phone),
    ("citizen-desktop", DESKTOP, citizen_reads_the_rankings_on_a_desktop),
    ("api-docs", DESKTOP, api_docs_render_offline),
    ("draft-phone", PHONE, leader_reads_a_draft_on_a_phone),
    ("readiness", DESKTOP, ministry_officer_assesses_a_procedure),
    ("supervisor", DESKTOP, supervisor_follows_the_requests_nationwide),
]


@pytest.mark.django_db(transaction=True)
def test_journeys(live_server, browser, artefacts):
    call_command("seed_demo", dossiers=300, no_progress=True, stdout=io.StringIO())
    failures = []
    for name, viewport, walk in JOURNEYS:
        journey = Journey(browser, live_server.url, artefacts, name, viewport)
        try:
            walk(journey)
        except Exception as exc:  # report every journey, not just the first that fails
            journey.page.screenshot(path=str(artefacts / f"{name}-failed.png"), full_page=True)
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
        finally:
            failures += journey.problems
            journey.close()
    assert not failures, "\n".join(failures)
