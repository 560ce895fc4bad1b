"""The staff page of one application holds everything: data, plan and computed grant, documents with a preview,
completeness, reviews with average and spread, messages with the organisation, decisions, letters, history."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from applications.models import Document, DocumentKind, ItemsRequest
from tests.factories import ApplicationFactory, UserFactory
from tests.support.process import assign, confirm_complete, review
from workflow.services import application_submit_and_start

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
ZIP = b"PK\x03\x04" + b"\x00" * 60


def add_document(application, name, content, content_type, by):
    return Document.objects.create(
        application=application,
        kind=DocumentKind.STATUTES,
        file=ContentFile(content, name="x"),
        original_name=name,
        content_type=content_type,
        size=len(content),
        uploaded_by=by,
    )


@pytest.fixture
def reviewed(alice, organisation, call, clerk, programme_admin, reviewer, second_reviewer):
    programme = call.programme
    programme.reviewers_required = 2
    programme.save()
    programme.checklist.create(text="Satzung liegt vor")
    application = ApplicationFactory(organisation=organisation, call=call, created_by=alice, title="Sprachcafé")
    add_document(application, "Satzung.pdf", PDF, "application/pdf", alice)
    add_document(application, "Belege.docx", ZIP, "application/vnd.openxmlformats-officedocument", alice)
    application_submit_and_start(application=application, by=alice)
    confirm_complete(application, by=clerk)
    assign(application, by=programme_admin, reviewers=[reviewer, second_reviewer])
    review(application, by=reviewer, slot=1, score=5)
    review(application, by=second_reviewer, slot=2, score=2)
    return application


def test_the_page_shows_every_part_of_the_file(client, reviewed, clerk):
    ItemsRequest.objects.create(
        application=reviewed,
        message="Bitte den Freistellungsbescheid nachreichen.",
        deadline="2030-01-01T12:00:00Z",
        requested_by=clerk,
        answer="Liegt jetzt bei.",
        answered_by=reviewed.created_by,
        answered_at="2029-12-20T12:00:00Z",
    )
    client.force_login(clerk)
    page = client.get(f"/staff/applications/{reviewed.pk}/").content.decode()
    assert "Sprachcafé" in page and "Honorare" in page  # data and cost plan
    assert "2.500,00 EUR" in page  # the grant the financing method allows
    assert "Satzung.pdf" in page and "?view=1" in page and "Belege.docx" in page
    assert page.count("?view=1") == 1  # only the PDF can be previewed
    assert "Satzung liegt vor" in page and "Clara Kramer" in page  # checklist confirmed, and by whom
    assert ">3,5<" in page or ">3.5<" in page  # average of 5 and 2
    assert ">3<" in page  # spread
    assert "Bitte den Freistellungsbescheid nachreichen." in page and "Liegt jetzt bei." in page
    assert "Entscheidung vorschlagen" in page  # what happens now


def test_pdfs_and_images_open_in_the_browser_and_other_types_only_download(client, reviewed, clerk, alice):
    pdf, docx = reviewed.documents.order_by("original_name").reverse()
    image = add_document(reviewed, "Foto.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image/png", alice)
    client.force_login(clerk)
    shown = client.get(f"/staff/documents/{pdf.pk}/?view=1")
    assert shown["Content-Disposition"].startswith("inline") and shown["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in shown["Content-Security-Policy"]
    assert b"".join(shown.streaming_content) == PDF
    picture = client.get(f"/staff/documents/{image.pk}/?view=1")
    assert picture["Content-Disposition"].startswith("inline") and "sandbox" in picture["Content-Security-Policy"]
    download = client.get(f"/staff/documents/{docx.pk}/?view=1")
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_reviewer_does_not_see_the_other_review_nor_who_wrote_it(client, reviewed, reviewer, second_reviewer):
    from applications.models import EventKind

    reviewed.events.create(kind=EventKind.CONFLICT_DECLARED, actor=second_reviewer, note="Meine Schwester leitet ihn.")
    client.force_login(reviewer)
    page = client.get(f"/staff/applications/{reviewed.pk}/").content.decode()
    assert "Sprachcafé" in page and 'id="reviews-heading"' not in page
    assert "Rosa" not in page and "Meine Schwester" not in page


def test_the_page_needs_a_constant_number_of_queries(client, django_assert_max_num_queries, reviewed, clerk, alice):
    client.force_login(clerk)
    with django_assert_max_num_queries(32):
        assert client.get(f"/staff/applications/{reviewed.pk}/").status_code == 200
    for n in range(8):
        add_document(reviewed, f"Anlage {n}.pdf", PDF, "application/pdf", alice)
        reviewed.cost_lines.create(category="material", description=f"Material {n}", quantity=1, unit_price=Decimal(1))
        ItemsRequest.objects.create(
            application=reviewed, message=f"Frage {n}", deadline="2030-01-01T12:00:00Z", requested_by=clerk
        )
        reviewed.events.create(kind="complete", actor=UserFactory(email=f"p{n}@example.org"))
    with django_assert_max_num_queries(32):
        assert client.get(f"/staff/applications/{reviewed.pk}/").status_code == 200
