"""HTML → PDF with WeasyPrint: one stylesheet (``templates/reports/pdf/style.css``) for every document.

The fonts are the machine's (fontconfig): "Liberation Serif" (Debian ``fonts-liberation2``, metric-
compatible with Times New Roman, the font of Decree 30/2020) with "DejaVu Serif" (``fonts-dejavu-core``)
as fallback; both carry every Vietnamese letter and WeasyPrint embeds the subsets it uses. ``.ci/run``
installs them when missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from .targets import DocumentError


@dataclass
class Rendered:
    content: bytes
    content_type: str
    pages: int | None
    checksum: str | None = None  # the SHA-256 recorded with a stored copy (a signed letter)


def render_pdf(
    template: str,
    context: dict[str, Any],
    *,
    max_pages: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Rendered:
    # WeasyPrint is imported on first use: it loads Pango, which the web pages never need.
    from weasyprint import CSS, HTML

    html = render_to_string(template, context)
    css = CSS(string=render_to_string("reports/pdf/style.css", {}))
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(stylesheets=[css])
    pages = len(document.pages)
    limit = max_pages if max_pages is not None else settings.TTHC_DOCUMENT_MAX_PAGES
    if limit and pages > limit:
        raise DocumentError(
            "too_many_pages", f"the document has {pages} pages, more than the limit of {limit}"
        )
    if progress is not None:
        progress(80)
    return Rendered(document.write_pdf(), "application/pdf", pages)
