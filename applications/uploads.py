"""What may be uploaded: checked by content (magic bytes), not by the file name, with a size limit."""

import os
import unicodedata

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from applications.errors import ApplicationError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# Signature → content type. PDF, PNG and JPEG cover scans and photos of documents; office formats are zip
# containers that can carry macros and executables, so we ask for a PDF instead.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def sniff_content_type(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def safe_display_name(name: str) -> str:
    """The name to show: no folders, no control characters, at most 200 characters. Files are stored under a
    random name anyway, so this only protects pages and downloads."""
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".") or "dokument"
    stem, dot, extension = name.rpartition(".")
    if len(name) > 200:
        extension = extension[:10]
        name = (stem[: 199 - len(extension)] + "." + extension) if dot and stem else name[:200]
    return name[:200]


def too_large_message() -> str:
    return _("The file is too large. Files may be up to %(limit)s MB; a scan in lower quality helps.") % {
        "limit": MAX_UPLOAD_BYTES // 1024 // 1024
    }


def check_upload(upload: UploadedFile) -> str:
    """Return the detected content type, or raise ApplicationError with a message the applicant understands."""
    if upload.size == 0:
        raise ApplicationError(_("The file is empty. Please choose the file again."), field="file")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ApplicationError(too_large_message(), field="file")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ApplicationError(
            _("This file type cannot be accepted. Please upload a PDF, or a photo as JPEG or PNG."), field="file"
        )
    return content_type
