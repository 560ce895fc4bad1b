"""The demo data the README promises: loads twice without duplicates, and every demo login works."""

import re
from pathlib import Path

from django.conf import settings

from applications.models import Call, Programme
from demo.demo_data import DEMO_PASSWORD, load_demo_data
from organisations.models import LegalForm, Organisation, Seat


def test_the_demo_loads_twice_and_every_login_named_in_the_readme_works(client, db):
    load_demo_data()
    load_demo_data()
    assert Programme.objects.count() == 2 and Call.objects.count() == 2
    assert all(call.is_open() for call in Call.objects.all())
    assert Organisation.objects.filter(legal_form=LegalForm.INFORMAL_INITIATIVE).exists()
    assert Organisation.objects.filter(seat=Seat.BREMERHAVEN).exists()

    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    emails = re.findall(r"`([a-z0-9]+@demo\.teilhabe\.example)`", readme)
    assert len(emails) >= 8
    assert f"`{DEMO_PASSWORD}`" in readme
    for email in emails:
        assert client.login(username=email, password=DEMO_PASSWORD), email


def test_the_demo_programmes_pass_the_admin_validation(db):
    load_demo_data()
    for programme in Programme.objects.all():
        programme.full_clean()
