from django.http import FileResponse

from applications.models import Document

PREVIEWABLE = {"application/pdf", "image/png", "image/jpeg"}


def document_response(document: Document, *, inline: bool = False) -> FileResponse:
    """An uploaded document as a download, under the name it was uploaded with; PDFs and images can be shown in
    the browser instead (their type was checked by content on upload), sandboxed so no script in them runs."""
    inline = inline and document.content_type in PREVIEWABLE
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=not inline,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    if inline:
        response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; object-src 'self'"
    return response
