from django.conf import settings
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from organisations.services import user_language_set


@require_POST
def set_language(request):
    """Switch the page language and remember it for the user's e-mails and notifications."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if language in dict(settings.LANGUAGES):
        user_language_set(user=request.user, language=language)
    return response
