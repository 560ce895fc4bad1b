from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the browser's, unless they chose another one just now."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        user = request.user
        has_cookie = settings.LANGUAGE_COOKIE_NAME in request.COOKIES
        if user.is_authenticated and not has_cookie and user.language in self.languages:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        if user.is_authenticated and not has_cookie and user.language in self.languages:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE
            )
        return response
