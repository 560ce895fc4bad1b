from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

from organisations.session_views import admin_login, keep_alive
from organisations.views import set_language
from portal.views import privacy_notice

urlpatterns = [
    path("", include("portal.urls")),
    path("organisation/members/", include("organisations.urls")),
    path("organisation/", include("organisations.bank_urls")),
    path("programmes/", include("catalogue.urls")),
    path("staff/dashboard/", include("reporting.urls")),
    path("staff/", include("workflow.urls")),
    path("accounts/session/keep-alive/", keep_alive, name="keep_alive"),
    path("accounts/", include("allauth.urls")),
    path("messages/", include("notifications.urls")),
    path("language/", set_language, name="set_language"),
    # Not namespaced: letters and e-mails link to reverse("privacy").
    path("privacy/", privacy_notice, name="privacy"),
    # Before the admin's own: its login form would bypass the accounts login's rate limits.
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("healthz", lambda request: HttpResponse("ok", content_type="text/plain"), name="healthz"),
]
