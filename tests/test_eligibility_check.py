"""The public "can we apply?" check: no login, a few questions, a clear answer with what to do."""

from applications.models import DocumentKind, RequiredDocument


def check(client, call, **answers):
    return client.get(f"/calls/{call.pk}/check/", answers)


def test_anyone_can_open_the_check_from_the_programme_page(client, call):
    assert f"/calls/{call.pk}/check/" in client.get(f"/calls/{call.pk}/").content.decode()
    assert client.get(f"/calls/{call.pk}/check/").status_code == 200


def test_an_eligible_group_is_told_yes_and_which_documents_to_prepare(client, call):
    RequiredDocument.objects.create(programme=call.programme, kind=DocumentKind.STATUTES, legal_form="ev")
    RequiredDocument.objects.create(programme=call.programme, kind=DocumentKind.PROJECT_DESCRIPTION)
    page = check(client, call, legal_form="ev", seat="bremen", requested_amount="2.000", works_with_minors="yes")
    text = page.content.decode()
    assert "Ja, Sie können einen Antrag stellen." in text
    assert "Satzung" in text and "Projektbeschreibung" in text and "erweitertes Führungszeugnis" in text
    assert "/accounts/signup/" in text


def test_an_informal_initiative_learns_why_not_and_what_to_do(client, call):
    call.programme.allowed_legal_forms = ["ev", "ggmbh"]
    call.programme.save()
    text = check(client, call, legal_form="informal", seat="bremen").content.decode()
    assert "Ja, Sie können" not in text
    assert "Träger" in text


def test_a_bremerhaven_group_and_a_bremen_only_programme(client, call):
    call.programme.seat_scope = "bremen"
    call.programme.save()
    text = check(client, call, legal_form="ev", seat="bremerhaven").content.decode()
    assert "Ja, Sie können" not in text
    assert "Bremerhaven" in text


def test_too_little_own_money_is_explained_with_the_amount_needed(client, call):
    call.programme.own_share_percent = 10
    call.programme.save()
    text = check(client, call, legal_form="ev", seat="bremen", total_costs="5.000", own_funds="100").content.decode()
    assert "500,00" in text


def test_bad_answers_get_messages_next_to_the_fields_and_are_kept(client, call):
    response = check(client, call, legal_form="ev", requested_amount="viel")
    text = response.content.decode()
    assert response.status_code == 400
    assert 'value="viel"' in text
    assert 'href="#id_seat"' in text and 'href="#id_requested_amount"' in text
