"""The public directory shows only organisations that consented; never their members; revoking removes at once."""

from organisations.models import Organisation


def profile(**changes):
    data = {"name": "Deutsch-Türkischer Elternverein Bremen e.V.", "description": "Eltern helfen Eltern.",
            "languages": "Türkisch, Deutsch", "district": "Gröpelingen"}  # fmt: skip
    data.update(changes)
    return data


def test_an_organisation_without_consent_never_appears(client, alice, bob, organisation):
    page = client.get("/directory/").content.decode()
    assert organisation.name not in page
    assert organisation.name not in client.get("/directory/", {"q": "Elternverein"}).content.decode()


def test_consent_lists_it_without_members_and_revoking_removes_it_at_once(client, alice, bob, organisation):
    client.force_login(alice)
    assert client.post("/organisation/profile/", profile(listed="on")).status_code == 302
    client.logout()
    page = client.get("/directory/", {"q": "Gröpelingen"}).content.decode()
    assert "Deutsch-Türkischer Elternverein" in page and "Eltern helfen Eltern." in page
    assert alice.email not in page and bob.email not in page and "Aydın" not in page

    client.force_login(alice)
    client.post("/organisation/profile/", profile())
    client.logout()
    assert "Elternverein" not in client.get("/directory/").content.decode()
    assert Organisation.objects.get(pk=organisation.pk).listed_since is None


def test_only_representatives_edit_the_profile(client, bob, organisation):
    client.force_login(bob)
    assert client.post("/organisation/profile/", profile(listed="on")).status_code == 403
    assert Organisation.objects.get(pk=organisation.pk).listed_since is None


def test_the_directory_filters_by_place(client, alice, organisation):
    client.force_login(alice)
    client.post("/organisation/profile/", profile(listed="on"))
    assert "Elternverein" in client.get("/directory/", {"seat": "bremen"}).content.decode()
    assert "Elternverein" not in client.get("/directory/", {"seat": "bremerhaven"}).content.decode()
