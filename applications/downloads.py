from django.http import FileResponse

from applications.models import Document


def document_response(document: Document) -> FileResponse:
    """An uploaded document as a download, under the name it was uploaded with."""
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
