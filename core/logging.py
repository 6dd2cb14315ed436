"""Logging helpers for ``settings.LOGGING``.

``ExpectedClientErrors``: Django logs every 403 and 404 as a WARNING with the exception's traceback
(``django.request``). Those are ordinary answers — a link outside the user's scope, a mistyped
address — so they are lowered to INFO and logged without a traceback; 5xx stay errors, in full.
"""

from __future__ import annotations

import logging

EXPECTED = {401, 403, 404, 405}


class ExpectedClientErrors(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in EXPECTED:
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info, record.exc_text = None, None
        return True
