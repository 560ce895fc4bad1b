"""Collecting static files for production (DEBUG off: hashed names and a manifest).

django-viewflow ships a stray copy of the roboto-fontface package whose CSS points at font files it does not
ship. The manifest storage aborts `collectstatic` on such a reference, leaves no manifest, and then every page is
a 500. Nothing of ours uses that copy, so the plain `manage.py collectstatic --noinput` skips it (Django's way to
change the ignored patterns is this subclass in INSTALLED_APPS).
"""

from django.contrib.staticfiles.apps import StaticFilesConfig as DjangoStaticFilesConfig


class StaticFilesConfig(DjangoStaticFilesConfig):
    ignore_patterns = [*DjangoStaticFilesConfig.ignore_patterns, "viewflow/fonts/roboto/node_modules/*"]
