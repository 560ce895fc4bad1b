"""Uploads are checked by content and size; every refusal says why, and the draft keeps everything else."""

from django.core.files.uploadedfile import SimpleUploadedFile

from applications.models import Document, DocumentKind, RequiredDocument
from applications.uploads import MAX_UPLOAD_BYTES, safe_display_name
from tests.factories import ApplicationFactory

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def upload(client, application, name, content, kind="statutes"):
    return client.post(
        f"/applications/{application.pk}/edit/documents/",
        {"kind": kind, "file": SimpleUploadedFile(name, content), "upload": ""},
    )


def test_a_pdf_is_stored_under_a_random_name_and_can_be_downloaded_by_members(client, alice, bob, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    client.force_login(alice)
    response = upload(client, draft, "Satzung Verein.pdf", PDF)
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.original_name == "Satzung Verein.pdf" and document.content_type == "application/pdf"
    assert "Satzung" not in document.file.name

    client.force_login(bob)
    download = client.get(f"/documents/{document.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_a_renamed_executable_is_refused_and_the_draft_keeps_its_data(client, alice, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    client.force_login(alice)
    response = upload(client, draft, "satzung.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200)
    assert response.status_code == 400
    assert "Dieser Dateityp kann nicht angenommen werden" in response.content.decode()
    assert not Document.objects.exists()
    draft.refresh_from_db()
    assert draft.title == "Sprachcafé für Eltern" and draft.cost_lines.count() == 1


def test_an_oversized_file_is_refused_before_it_is_stored(client, alice, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    client.force_login(alice)
    response = upload(client, draft, "scan.pdf", PDF + b"0" * MAX_UPLOAD_BYTES)
    assert response.status_code == 400
    assert "zu groß" in response.content.decode()
    assert not Document.objects.exists()


def test_an_empty_file_is_refused(client, alice, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    client.force_login(alice)
    response = upload(client, draft, "leer.pdf", b"")
    assert response.status_code == 400
    assert not Document.objects.exists()


def test_a_hostile_file_name_is_made_harmless(client, alice, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    client.force_login(alice)
    upload(client, draft, "../../etc/<script>alert(1)</script>\x00.pdf", PDF)
    document = Document.objects.get()
    assert "/" not in document.original_name and "\x00" not in document.original_name
    page = client.get(f"/applications/{draft.pk}/edit/documents/").content.decode()
    assert "<script>alert(1)" not in page


def test_display_names_lose_folders_and_control_characters():
    assert safe_display_name("..\\..\\windows\\evil.pdf") == "evil.pdf"
    assert safe_display_name("a\x07b.pdf") == "ab.pdf"
    assert safe_display_name(".hidden") == "hidden"
    assert len(safe_display_name("x" * 500 + ".pdf")) <= 200
    assert safe_display_name("x" * 500 + ".pdf").endswith(".pdf")


def test_a_missing_required_document_blocks_the_submission_until_uploaded(client, alice, organisation, call):
    RequiredDocument.objects.create(programme=call.programme, kind=DocumentKind.STATUTES)
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    client.force_login(alice)
    assert "Satzung" in client.get(f"/applications/{draft.pk}/submit/").content.decode()
    upload(client, draft, "satzung.pdf", PDF)
    page = client.get(f"/applications/{draft.pk}/submit/").content.decode()
    assert "Bevor Sie einreichen können" not in page


def test_other_organisations_cannot_download_documents(client, alice, charlie, organisation, call):
    draft = ApplicationFactory(organisation=organisation, call=call, created_by=alice)
    client.force_login(alice)
    upload(client, draft, "satzung.pdf", PDF)
    client.force_login(charlie)
    assert client.get(f"/documents/{Document.objects.get().pk}/").status_code == 404
