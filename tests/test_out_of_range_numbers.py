"""A number too large for any database column is a wrong choice next to the field, never a server error.

Django checks the ticks of a multiple-choice field with `pk__in=[…]`; a posted 99999999999999999999 reached
the database and ended in a 500 (OverflowError on SQLite, an error from PostgreSQL).
"""

import pytest
from django.utils.translation import gettext

from organisations.models import Organisation
from tests.factories import TopicFactory, UserFactory
from tests.test_directory import profile

HUGE = "99999999999999999999"


def invalid_choice(value: str) -> str:
    return gettext("Select a valid choice. %(value)s is not one of the available choices.") % {"value": value}


def test_the_profile_answers_a_huge_topic_number_next_to_the_field(client, alice, organisation):
    topic = TopicFactory()
    client.force_login(alice)

    response = client.post("/organisation/profile/", profile(topics=[str(topic.pk), HUGE], description="Neu"))

    assert response.status_code == 400
    page = response.content.decode()
    assert invalid_choice(HUGE) in page
    assert "Neu" in page  # what was typed is kept
    assert Organisation.objects.get(pk=organisation.pk).description != "Neu"


@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "9223372036854775808"])
def test_the_programme_admin_form_answers_out_of_range_topics_and_staff(client, db, value):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post("/admin/applications/programme/add/", {"title_de": "Neu", "topics": value, "staff": value})

    assert response.status_code == 200
    assert response.content.decode().count(invalid_choice(value)) == 2


def test_a_number_the_column_can_hold_still_finds_its_row(db):
    topics = [TopicFactory(), TopicFactory()]
    from organisations.models import Topic

    assert list(Topic.objects.filter(pk__in=[topics[1].pk, int(HUGE)])) == [topics[1]]
