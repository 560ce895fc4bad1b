"""The whole application journey works with the keyboard alone: every field and button is reached with Tab,
filled by typing and pressed with Enter or Space; focus is always visible."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applications.models import Application, ApplicationStatus
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ACTIVE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
  const style = getComputedStyle(el);
  const visible = style.outlineStyle !== 'none' || style.boxShadow !== 'none';
  return {tag: el.tagName, type: el.type || '', name: el.name || '', text: (el.innerText || '').trim(),
          label: label.trim(), visible};
}"""


def tab_to(page, matches, limit=120):
    """Press Tab until the focused element matches; fail if it is never reached."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if active and matches(active):
            assert active["visible"], f"focus is not visible on {active}"
            return active
    raise AssertionError("not reachable with the keyboard")


def by_label(text):
    return lambda a: a["label"].startswith(text)


def by_text(text):
    return lambda a: a["text"].startswith(text)


def type_into(page, label, value):
    tab_to(page, by_label(label))
    page.keyboard.type(value)


def test_a_volunteer_applies_with_the_keyboard_alone(new_page, alice, organisation, call):
    start = timezone.localdate() + timedelta(days=30)
    page = new_page()
    page.goto("/accounts/login/")
    type_into(page, "E-Mail", alice.email)
    type_into(page, "Passwort", PASSWORD)
    tab_to(page, by_text("Anmeldung"))
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login" not in url)

    tab_to(page, by_text("Antrag stellen"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/apply/")
    type_into(page, "Projekttitel", "Lesepaten")
    type_into(page, "Kurzbeschreibung", "Ehrenamtliche lesen mit Kindern.")
    type_into(page, "Projektbeginn", start.strftime("%m%d%Y"))
    type_into(page, "Projektende", (start + timedelta(days=60)).strftime("%m%d%Y"))
    tab_to(page, by_text("Speichern und weiter"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/edit/costs/")

    type_into(page, "Wofür", "Bücher")
    type_into(page, "Menge", "10")
    type_into(page, "Einzelpreis (EUR)", "60,00")
    tab_to(page, by_text("Speichern und weiter"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/edit/financing/")

    type_into(page, "Eigenmittel (EUR)", "0")
    type_into(page, "Beantragte Förderung (EUR)", "600,00")
    tab_to(page, by_text("Speichern und weiter"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/edit/documents/")
    tab_to(page, by_text("Speichern und weiter"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/submit/")

    tab_to(page, lambda a: a["type"] == "checkbox" and a["name"] == "confirm")
    page.keyboard.press("Space")
    tab_to(page, by_text("Antrag einreichen"))
    page.keyboard.press("Enter")
    page.get_by_text("Ihr Antrag wurde eingereicht").wait_for()

    application = Application.objects.get(title="Lesepaten")
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.requested_amount == 600
    assert application.cost_lines.get().amount == 600
