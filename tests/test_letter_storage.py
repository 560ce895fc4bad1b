"""One file per letter version: a retry after a failure between storing the file and recording the letter
overwrites the same file instead of leaving a second one, and the daily check names files without a letter."""

from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from applications.models import DecisionLetter
from applications.services import decision_letter_create, decision_letter_path, letter_files_without_rows
from tests.support.process import approve, propose


def approved(in_decision, clerk, approver):
    application = in_decision()
    propose(application, by=clerk, amount=Decimal("2500.00"))
    approve(application, by=approver)
    return application.current_decision


def test_a_retry_after_a_lost_row_reuses_the_one_path(in_decision, clerk, approver):
    decision = approved(in_decision, clerk, approver)
    DecisionLetter.objects.filter(decision=decision).delete()  # the row of the first attempt was never written
    path = decision_letter_path(decision)
    folder = path.rsplit("/", 1)[0]
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(b"%PDF-1.7 left by the failed attempt"))
    letter = decision_letter_create(decision=decision)
    assert letter.file.name == path
    name = path.rsplit("/", 1)[1]
    same_version = [
        other for other in default_storage.listdir(folder)[1] if other.startswith(name.removesuffix(".pdf"))
    ]
    assert same_version == [name]  # no second copy with a random suffix
    assert letter.file.read().startswith(b"%PDF") and b"left by the failed attempt" not in letter.file.read()
    assert path not in letter_files_without_rows()  # (other tests may leave files in the shared test storage)


def test_the_check_names_a_file_that_no_letter_names(in_decision, clerk, approver):
    decision = approved(in_decision, clerk, approver)
    letter = decision_letter_create(decision=decision)
    stray = f"letters/{decision.application_id}/bescheid-verwaist.pdf"
    default_storage.save(stray, ContentFile(b"%PDF-1.7"))
    try:
        assert stray in letter_files_without_rows()
        assert letter.file.name not in letter_files_without_rows()
    finally:
        default_storage.delete(stray)
