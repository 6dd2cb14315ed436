"""The site's menu, built from what each app declares and what the user is.

Each app registers its pages (``register``) and, where it knows one, an *audience* test
(``register_audience``): ``accounts`` knows who works for a province (a role on the province itself),
under a province (a commune, a department), for a ministry or administers; ``complaints`` knows who
supervises. The base layout (``templates/base.html``, through the ``core.context_processors.site``
context processor) shows a user the items of their audiences only — a province officer no longer sees
the ministry inbox, nor supervision (a 403), and a commune officer no longer sees the province's own
pages (its gap matrix, requests and reports: empty for them). This keeps the layering: ``core`` names
no app, the apps register themselves in their ``AppConfig.ready``.

Audiences: ``public`` (everyone, signed in or not), ``signed_in``, and whatever the apps register
(``province``, ``under_province``, ``ministry``, ``supervisor``, ``administrator``, ``staff``).
National administrators belong to every audience.

Home cards (``register_card``) are the home page's short answers ("your province's score", "6 drafts
await a leader's signature"), each a function of the request returning a dict or ``None``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

Label = str | Promise
logger = logging.getLogger(__name__)

#: The menu section of the platform's own tools (delegation, administration, the API), which
#: several apps register items under.
SYSTEM = gettext_lazy("System")


@dataclass(frozen=True)
class Item:
    """A menu entry: the URL name it opens, its label, who sees it, and its order in the menu.

    ``section`` groups entries under one heading of the menu (a drop-down where the user sees two or
    more of them, :func:`groups`) and is the breadcrumb's step before the entry; ``prefixes`` are the
    paths under which the entry is "active" (default: its own URL).
    """

    url_name: str
    label: Label
    audiences: tuple[str, ...]
    order: int = 100
    section: Label | None = None
    prefixes: tuple[str, ...] = ()


@dataclass
class Registry:
    items: list[Item] = field(default_factory=list)
    audiences: dict[str, Callable[[Any], bool]] = field(default_factory=dict)
    cards: list[tuple[int, Callable[[Any], dict | None]]] = field(default_factory=list)


REGISTRY = Registry()


def register(*items: Item) -> None:
    known = {i.url_name for i in REGISTRY.items}
    REGISTRY.items.extend(i for i in items if i.url_name not in known)


def register_audience(name: str, test: Callable[[Any], bool]) -> None:
    REGISTRY.audiences[name] = test


def register_card(order: int, card: Callable[[Any], dict | None]) -> None:
    if all(c is not card for _, c in REGISTRY.cards):
        REGISTRY.cards.append((order, card))


def audiences_of(user: Any) -> set[str]:
    """The audiences ``user`` belongs to (cached on the user object for the request)."""
    cached = getattr(user, "_tthc_audiences", None)
    if cached is not None:
        return cached
    found = {"public"}
    if user is None:
        return found
    if getattr(user, "is_authenticated", False):
        found.add("signed_in")
        national = getattr(getattr(user, "scope", None), "is_national", False) or user.is_superuser
        for name, test in REGISTRY.audiences.items():
            if national or test(user):
                found.add(name)
    try:
        user._tthc_audiences = found
    except AttributeError:  # AnonymousUser allows it; be safe with other objects
        pass
    return found


@dataclass(frozen=True)
class Entry:
    label: Label
    url: str
    active: bool
    section: Label | None


@dataclass(frozen=True)
class Group:
    """A section of the menu shown as one heading opening onto its entries."""

    label: Label
    entries: tuple[Entry, ...]

    @property
    def active(self) -> bool:
        return any(e.active for e in self.entries)


def groups(entries: list[Entry]) -> list[Entry | Group]:
    """The menu as shown: the entries of a section under one heading, at the place of its first
    entry, where the user sees two or more of them; every other entry on its own. Sections are told
    apart by their label, so that items of several apps can share one."""
    members: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.section is not None:
            members.setdefault(str(entry.section), []).append(entry)
    shown: list[Entry | Group] = []
    placed = set()
    for entry in entries:
        section = entry.section
        key = str(section) if section is not None else ""
        if section is None or len(members[key]) < 2:
            shown.append(entry)
        elif key not in placed:
            placed.add(key)
            shown.append(Group(section, tuple(members[key])))
    return shown


def menu(request: Any) -> list[Entry]:
    """The entries the request's user may open, the one the page belongs to marked active (computed
    once per request: the layout reads them for the menu and again for the breadcrumbs)."""
    cached = getattr(request, "_tthc_menu", None)
    if cached is not None:
        return cached
    entries = _menu(request)
    try:
        request._tthc_menu = entries
    except AttributeError:
        pass
    return entries


def _menu(request: Any) -> list[Entry]:
    mine = audiences_of(getattr(request, "user", None))  # no user: refused before authentication
    path = request.path
    entries = []
    for item in sorted(REGISTRY.items, key=lambda i: i.order):
        if not mine.intersection(item.audiences):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        prefixes = item.prefixes or (url,)
        is_active = url != "/" and any(path.startswith(p) for p in prefixes)
        entries.append(Entry(item.label, url, is_active, item.section))
    # Only the longest matching entry is active (e.g. /requests/review/ over /requests/).
    active = [e for e in entries if e.active]
    if len(active) > 1:
        best = max(active, key=lambda e: len(e.url))
        entries = [Entry(e.label, e.url, e is best, e.section) for e in entries]
    return entries


def cards(request: Any) -> list[dict]:
    out = []
    for _, card in sorted(REGISTRY.cards, key=lambda c: c[0]):
        try:
            value = card(request)
        except Exception:  # a broken card must not take the home page down with it
            logger.exception("home card %s failed", getattr(card, "__qualname__", card))
            continue
        if value:
            out.append(value)
    return out
