"""Messages of django-allauth that its own German catalogue leaves untranslated; ours translates them."""

from django.utils.translation import gettext_lazy as _

ALLAUTH_MESSAGES = (_("Too many failed login attempts. Try again later."),)
