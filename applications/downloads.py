from django.http import FileResponse

from applications.models import Document

PREVIEWABLE = {"application/pdf", "image/png", "image/jpeg"}


def document_response(document: Document, *, inline: bool = False) -> FileResponse:
    """An uploaded document as a download, under the name it was uploaded with; PDFs and images can be shown in
    the browser instead (their type was checked by content on upload, and nosniff keeps the browser to it).
    Images are sandboxed; PDFs cannot be (Chromium refuses to open its PDF viewer in a sandbox) and rely on the
    browser's own PDF viewer, which runs without access to this site's pages or cookies."""
    inline = inline and document.content_type in PREVIEWABLE
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=not inline,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    if inline and document.content_type != "application/pdf":
        response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    elif inline:
        response["Content-Security-Policy"] = "frame-ancestors 'none'"
    return response
