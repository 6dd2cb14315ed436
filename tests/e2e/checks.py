"""What every journey page must satisfy, read from the page as a person sees it (``innerText``).

- no raw code: snake_case values (gap kinds, states), the portal's field names (``TrangThaiHoSo``),
  compact portal timestamps (``20261115085100``). Codes shown on purpose sit in ``<code>`` elements,
  and names that are not words (usernames: ``translate="no"``) are left out;
- no untranslated English sentence (common English function words in a Vietnamese page);
- one number format: no English decimals (``17.63``) or English thousands (``1,234``);
- no horizontal scrolling of the page body (at 390 px too);
- no ``serious`` or ``critical`` accessibility violation (axe-core through axe-playwright-python);
- a screenshot under ``var/e2e/``.
"""

from __future__ import annotations

import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
PORTAL_FIELD = re.compile(r"\b(?:[A-Z][a-z]+){2,}[A-Z][a-z]+\b")
PORTAL_TIMESTAMP = re.compile(r"\b20\d{12}\b")
#: A date as stored (``2026-11-30``): pages write ``30/11/2026``.
ISO_DATE = re.compile(r"\b20\d\d-[01]\d-[0-3]\d\b")
ENGLISH = re.compile(
    r"\b(?:the|and|with|from|this|that|are|your|been|which|will|would|should|there|please|none)\b", re.I
)
#: Role and request-state values printed raw ("Granted officer …").
RAW_VALUE = re.compile(
    r"(?<![.\w])(?:officer|leader|viewer|draft|submitted|acknowledged|in_progress|answered|closed|rejected|escalated|reopened"
    r"|reminder|deadline|escalation|province|ministry)"
    r"(?![.\w])"  # not inside a username (hn.leader)
)
#: ``17.63``, and ``0.180`` (three decimals read as Vietnamese thousands unless the integer part is 0).
ENGLISH_DECIMAL = re.compile(r"(?<![\d.,/:])(?:\d+\.\d{1,2}|0\.\d{3,})(?![\d.])")
ENGLISH_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+\.\d+")
_axe = Axe()


def visible_text(page) -> str:
    # innerText needs the element rendered: read it from the live body, minus the skipped elements.
    return page.evaluate(
        """() => {
      const skip = new Set(document.querySelectorAll('code, kbd, svg, script, style, select[name=language], noscript, [translate=no]'));
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
        acceptNode(node) {
          for (let e = node.parentElement; e; e = e.parentElement) { if (skip.has(e)) return NodeFilter.FILTER_REJECT; }
          const style = node.parentElement && getComputedStyle(node.parentElement);
          if (style && (style.display === 'none' || style.visibility === 'hidden')) return NodeFilter.FILTER_REJECT;
          return NodeFilter.FILTER_ACCEPT;
        }});
      const parts = []; while (walker.nextNode()) parts.push(walker.currentNode.textContent);
      return parts.join(' ');
    }"""
    )


def problems_in_text(text: str) -> list[str]:
    found = []
    for label, pattern in (
        ("raw code", RAW_CODE),
        ("raw role or state", RAW_VALUE),
        ("portal field name", PORTAL_FIELD),
        ("portal timestamp", PORTAL_TIMESTAMP),
        ("ISO date", ISO_DATE),
        ("untranslated English", ENGLISH),
        ("English decimal", ENGLISH_DECIMAL),
        ("English thousands", ENGLISH_THOUSANDS),
    ):
        hits = sorted({m.group(0) for m in pattern.finditer(text)})
        if hits:
            context = [
                text[max(0, m.start() - 40) : m.end() + 40].replace("\n", " ") for m in pattern.finditer(text)
            ]
            found.append(f"{label}: {hits[:8]} e.g. …{context[0]}…")
    return found


def horizontal_overflow(page) -> int:
    """How many pixels the page body is wider than the window (0 = no horizontal scrolling)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def squeezed_boxes(page) -> list[str]:
    """The header's boxes whose content does not fit them (a rule meant for something else setting
    their height, say): their text spills over the next box."""
    return page.evaluate(
        """() => [...document.querySelectorAll('header.site .bar, header.site nav, header.site .scope')]
            .filter(e => e.offsetParent !== null && e.scrollHeight > e.clientHeight + 2)
            .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}: content ${e.scrollHeight} px high in a box of ${e.clientHeight} px`)"""
    )


def header_overlaps(page) -> list[str]:
    """The header's parts drawn over one another (the account links over the brand or the menu)."""
    return page.evaluate(
        """() => {
            const boxes = ['header.site .brand', '.site-nav ul', '.site-nav .account']
                .map(s => [s, document.querySelector(s)]).filter(([, e]) => e && e.offsetParent !== null)
                .map(([s, e]) => [s, e.getBoundingClientRect()]);
            const out = [];
            for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
                const [sa, a] = boxes[i], [sb, b] = boxes[j];
                if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
                    out.push(`${sa} overlaps ${sb}`);
            }
            return out;
        }"""
    )


def serious_violations(page) -> list[str]:
    results = _axe.run(page)
    out = []
    for v in results.response.get("violations", []):
        if v.get("impact") in ("serious", "critical"):
            targets = [n.get("target") for n in v.get("nodes", [])][:3]
            out.append(f"{v['id']} ({v['impact']}): {v.get('help')} at {targets}")
    return out


def check_page(page, name: str, artefacts: Path, *, language_checks: bool = True) -> list[str]:
    """Screenshot the page and return what is wrong with it (empty: nothing)."""
    page.screenshot(path=str(artefacts / f"{name}.png"), full_page=True)
    problems = []
    if language_checks:
        problems += problems_in_text(visible_text(page))
    overflow = horizontal_overflow(page)
    if overflow > 1:
        problems.append(f"page scrolls horizontally by {overflow} px at {page.viewport_size['width']} px")
    problems += squeezed_boxes(page) + header_overlaps(page)
    problems += serious_violations(page)
    return [f"{name} ({page.url}): {p}" for p in problems]
