"""The menu follows the user's roles (core.navigation + the apps' registrations)."""

import pytest
from django.test import Client

from accounts.models import Role
from tests.accounts.helpers import build_tree, make_user

pytestmark = pytest.mark.django_db


def menu_labels(user) -> list[str]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    response = client.get("/public/results/")
    entries = response.context["nav_entries"]  # lazy: evaluated by the template
    return [str(e.label) for e in (entries() if callable(entries) else entries)]


def test_menu_by_role():
    tree = build_tree()
    officer = make_user("officer", Role.OFFICER, tree.a["01"])
    ministry = make_user("ministry", Role.OFFICER, tree.a["BTP"])
    admin = make_user("admin", Role.SENIOR_ADMIN, tree.a["01"])
    national = make_user("national", Role.NATIONAL_ADMIN, tree.a["VPCP"])
    province_menu = menu_labels(officer)
    assert "Monthly review" in province_menu and "Sync gaps" in province_menu
    assert "Ministry inbox" not in province_menu and "Supervision" not in province_menu
    assert "Delegation" not in province_menu
    ministry_menu = menu_labels(ministry)
    assert "Ministry inbox" in ministry_menu and "Monthly review" not in ministry_menu
    assert "Delegation" in menu_labels(admin)
    assert {"Supervision", "Ministry inbox", "Monthly review", "Delegation"} <= set(menu_labels(national))
    assert menu_labels(None) == ["Public results"]


def test_active_entry_and_scope_in_the_header():
    tree = build_tree()
    officer = make_user("officer", Role.OFFICER, tree.a["01"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    html = client.get("/requests/review/").content.decode()
    assert 'aria-current="page" class="active">Monthly review' in html
    assert 'class="scope"' in html and "Officer" in html


def test_a_broken_home_card_does_not_break_the_home_page(monkeypatch):
    from core import navigation

    def broken(request):
        raise TypeError("boom")

    monkeypatch.setattr(navigation.REGISTRY, "cards", [(0, broken), *navigation.REGISTRY.cards])
    tree = build_tree()
    client = Client()
    client.force_login(make_user("officer", Role.OFFICER, tree.a["01"]))
    assert client.get("/").status_code == 200


#: The province's own pages: visible with the province agency only (its reconciliation runs, its
#: requests and the reports made of them, its readiness plan), so a commune user would find them empty.
PROVINCE_PAGES = {
    "Sync gaps",
    "Monthly review",
    "Requests",
    "Chairman's summary",
    "Report to the Ministry of Justice",
    "Readiness",
}


def test_a_commune_user_is_not_offered_the_province_pages():
    tree = build_tree()
    national = make_user("national", Role.NATIONAL_ADMIN, tree.a["VPCP"])
    province = {make_user(f"p-{r}", r, tree.a["01"]) for r in (Role.OFFICER, Role.LEADER, Role.VIEWER)}
    for user in (*province, national):
        assert PROVINCE_PAGES | {"766 index", "Late units"} <= set(menu_labels(user)), user.username
    below = [
        make_user("c-officer", Role.OFFICER, tree.a["01-C1"]),
        make_user("c-viewer", Role.VIEWER, tree.a["01-C1"]),
        make_user("department", Role.OFFICER, tree.a["01-STP"]),
    ]
    for user in below:
        labels = menu_labels(user)
        assert not PROVINCE_PAGES & set(labels), (user.username, labels)
        # What they can use: their province's score, the rankings and their own late dossiers.
        assert {"766 index", "Rankings", "Late units", "Public results"} <= set(labels), user.username
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        assert "Review the month's drafts" not in client.get("/").content.decode()  # the requests card
    ministry = make_user("ministry", Role.OFFICER, tree.a["BTP"])
    assert "Readiness" in menu_labels(ministry) and "Monthly review" not in menu_labels(ministry)


def test_the_ministry_inbox_is_offered_to_whom_requests_can_be_addressed():
    """A ministry's officer and the officer of the unit owning its system get the inbox; the officer of
    a ministry's supervising department (BTP-KSTT), whom no request is addressed to, does not."""
    from tests.complaints.helpers import build_world

    world = build_world()
    assert "Ministry inbox" in menu_labels(world.u["ministry_officer"])
    assert "Ministry inbox" in menu_labels(world.u["system_owner_officer"])
    supervisor = menu_labels(world.u["supervisor"])
    assert "Supervision" in supervisor and "Ministry inbox" not in supervisor
    assert "Ministry inbox" not in menu_labels(world.u["province_officer"])


def test_sections_become_one_heading_where_the_user_sees_two_or_more_of_their_entries():
    from core.navigation import Entry, Group, groups

    a = Entry("A", "/a/", False, "One")
    b = Entry("B", "/b/", True, "One")
    c = Entry("C", "/c/", False, None)
    d = Entry("D", "/d/", False, "Two")  # alone in its section: shown on its own
    shown = groups([a, c, b, d])
    assert shown == [Group("One", (a, b)), c, d]
    assert shown[0].active and not Group("Two", (d,)).active


def test_the_menu_groups_sections_into_drop_downs_and_the_breadcrumb_names_the_section():
    tree = build_tree()
    national = make_user("national", Role.NATIONAL_ADMIN, tree.a["VPCP"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(national)
    response = client.get("/requests/review/")
    html = response.content.decode()
    groups = response.context["nav_groups"]
    groups = groups() if callable(groups) else groups
    headings = [str(g.label) for g in groups if hasattr(g, "entries")]
    assert headings == ["Index and rankings", "Requests and reports", "System"]
    requests = next(g for g in groups if str(g.label) == "Requests and reports")
    assert [str(e.label) for e in requests.entries][:2] == ["Monthly review", "Requests"]
    assert '<summary class="active">Requests and reports</summary>' in html
    assert '<li>Requests and reports</li><li><a href="/requests/review/">Monthly review</a></li>' in html
    # Entries without a section, or alone in theirs, stay on the menu's first level.
    top = [str(g.label) for g in groups]
    assert top.index("Sync gaps") == 1 and top[-1] == "Public results"


def test_an_entry_alone_in_its_section_is_not_a_drop_down():
    tree = build_tree()
    ministry = make_user("ministry", Role.OFFICER, tree.a["BTP"], staff=False)  # no Administration
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(ministry)
    groups = client.get("/public/results/").context["nav_groups"]
    groups = groups() if callable(groups) else groups
    system = [g for g in groups if str(g.label) in ("System", "API")]
    assert [str(g.label) for g in system] == ["API"] and not hasattr(system[0], "entries")
