"""With DEBUG off the plain `manage.py collectstatic --noinput` builds the manifest, and pages load with it.

It used to abort on a CSS file of viewflow that references fonts viewflow does not ship; without a manifest
every page was a 500.
"""

import json

import pytest
from django.core.management import call_command
from whitenoise.storage import CompressedManifestStaticFilesStorage


class UncompressedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """The production storage without writing .gz and .br copies, which only take time here."""

    def compress_files(self, paths):
        return iter(())


@pytest.fixture
def collected(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "tests.test_static_files.UncompressedStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return tmp_path


def test_collectstatic_builds_the_manifest_and_pages_use_it(collected, client, db):
    paths = json.loads((collected / "staticfiles.json").read_text())["paths"]
    for name in ("css/teilhabe.css", "kern/kern.min.css", "kern/fonts/fira-sans.css", "css/rtl.css"):
        assert (collected / paths[name]).is_file(), name

    response = client.get("/")

    assert response.status_code == 200
    assert f'href="/static/{paths["css/teilhabe.css"]}"' in response.content.decode()


def test_css_references_are_still_rewritten_to_hashed_names(collected):
    paths = json.loads((collected / "staticfiles.json").read_text())["paths"]
    fonts_css = (collected / paths["kern/fonts/fira-sans.css"]).read_text()
    assert "url(" in fonts_css
    hashed_fonts = [name for name in paths.values() if name.startswith("kern/fonts/") and name.endswith(".woff2")]
    assert any(name.rsplit("/", 1)[1] in fonts_css for name in hashed_fonts)
