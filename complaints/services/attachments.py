"""Upload checks for case attachments: a size limit and a short list of document types.

The extension must be on the list (``TTHC_REQUEST_ATTACHMENT_TYPES``) *and* the first bytes must
look like that type, so a renamed executable or HTML page is refused; the stored content type is
ours, never the browser's.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from ..models import SyncGapRequest

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "txt": "text/plain",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
MAGIC = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}
TEXT_TYPES = {"csv", "txt"}


def _head(upload: UploadedFile, size: int = 2048) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def validate_upload(upload: UploadedFile) -> str:
    """Raise ``ValidationError`` unless the upload is an accepted type within the size limit; returns
    the content type to store."""
    limit = settings.TTHC_REQUEST_ATTACHMENT_MAX_BYTES
    size = upload.size or 0  # an upload always knows its size
    if size > limit:
        raise ValidationError(
            {
                "file": _("The file is too large (%(size)s; the limit is %(limit)s).")
                % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
            }
        )
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    ext = PurePath(upload.name or "").suffix.lower().lstrip(".")
    allowed = settings.TTHC_REQUEST_ATTACHMENT_TYPES
    if ext not in allowed:
        raise ValidationError(
            {
                "file": _("Files of this type are not accepted (accepted: %(types)s).")
                % {"types": ", ".join(allowed)}
            }
        )
    head = _head(upload)
    if ext in MAGIC and not head.startswith(MAGIC[ext]):
        raise ValidationError({"file": _("The file's content does not match its extension.")})
    if ext in TEXT_TYPES:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A cut in the middle of a multi-byte character at the end of the sample is fine.
            if exc.start < len(head) - 3:
                raise ValidationError({"file": _("A text file must be UTF-8 text.")}) from exc
        if b"\x00" in head:
            raise ValidationError({"file": _("A text file must be UTF-8 text.")})
    return CONTENT_TYPES.get(ext, "application/octet-stream")


def download_response(case: SyncGapRequest, attachment_id: int | str) -> FileResponse:
    """One attachment of ``case`` as a download. ``case`` comes through the gate (the caller's
    ``visible_to``): files are only ever served here, never from a public media address."""
    from ..models import RequestAttachment

    attachment = get_object_or_404(RequestAttachment, pk=attachment_id, request=case)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type or "application/octet-stream",
    )
