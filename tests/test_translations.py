"""Every UI string has a German translation that gettext will actually use (not empty, not fuzzy)."""

import re
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.utils import translation

ENTRY = re.compile(
    r'^((?:#.*\n)*)msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?((?:msgstr(?:\[\d\])? (?:".*"\n)+)+)', re.M
)


def entries(path: Path):
    for match in ENTRY.finditer(path.read_text()):
        comments, msgid, msgstr = match.groups()
        msgid_text = "".join(re.findall(r'"(.*)"', msgid))
        if msgid_text:
            yield comments, msgid_text, "".join(re.findall(r'"(.*)"', msgstr))


def test_the_german_catalogue_is_complete():
    catalogue = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"
    found = list(entries(catalogue))
    assert len(found) > 200
    untranslated = [msgid for _, msgid, msgstr in found if not msgstr]
    fuzzy = [msgid for comments, msgid, _ in found if "fuzzy" in comments]
    assert untranslated == []
    assert fuzzy == []


def test_the_compiled_catalogue_is_used():
    with translation.override("de"):
        assert translation.gettext("Staff tasks") == "Aufgaben der Verwaltung"


def test_error_pages_speak_german(client: Client, db):
    response = client.get("/does-not-exist/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()
