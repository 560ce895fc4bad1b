"""Collecting static files for production (DEBUG off: hashed names and a manifest).

django-viewflow ships a stray copy of the roboto-fontface package whose CSS points at font files it does not
ship. The manifest storage aborts `collectstatic` on such a reference, leaves no manifest, and then every page is
a 500. Nothing of ours uses that copy, so the app finder leaves it out: the plain `manage.py collectstatic
--noinput` works, and `django.contrib.staticfiles` stays in INSTALLED_APPS under its own name (test servers look
for it there to serve static files).
"""

from django.contrib.staticfiles import finders

IGNORED = ["viewflow/fonts/roboto/node_modules/*"]


class AppDirectoriesFinder(finders.AppDirectoriesFinder):
    def list(self, ignore_patterns):
        return super().list([*(ignore_patterns or []), *IGNORED])
