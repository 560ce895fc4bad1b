"""The accessibility statement is public, and its feedback form reaches the programme administrators."""

from portal.models import AccessibilityFeedback


def test_every_page_links_to_the_statement_and_the_feedback_form(client, db):
    page = client.get("/calls/").content.decode()
    assert 'href="/accessibility/"' in page
    assert 'href="/accessibility/?page=/calls/#feedback"' in page
    statement = client.get("/accessibility/?page=/calls/").content.decode()
    assert "Erklärung zur Barrierefreiheit" in statement and "Durchsetzungsverfahren" in statement
    assert 'value="/calls/"' in statement


def test_a_report_is_stored_and_the_programme_administrators_are_told(client, programme_admin, clerk, db):
    response = client.post(
        "/accessibility/", {"message": "Der Kalender lässt sich nicht vorlesen.", "page": "/calls/", "email": ""}
    )
    assert response.status_code == 302
    assert AccessibilityFeedback.objects.get().message == "Der Kalender lässt sich nicht vorlesen."
    client.force_login(programme_admin)
    assert "Meldung einer Barriere" in client.get("/messages/").content.decode()
    client.force_login(clerk)
    assert "Meldung einer Barriere" not in client.get("/messages/").content.decode()


def test_an_empty_report_or_a_bad_address_is_explained_and_kept(client, db):
    response = client.post("/accessibility/", {"message": "", "email": "kein-at-zeichen", "name": "Ayşe"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="Ayşe"' in page and 'value="kein-at-zeichen"' in page
    assert not AccessibilityFeedback.objects.exists()


def test_reports_are_limited_per_hour(client, db):
    for _ in range(5):
        client.post("/accessibility/", {"message": "Barriere"})
    response = client.post("/accessibility/", {"message": "Barriere"})
    assert response.status_code == 400
    assert AccessibilityFeedback.objects.count() == 5
