from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

from organisations.views import set_language
from portal.views import privacy_notice

urlpatterns = [
    path("", include("portal.urls")),
    path("organisation/members/", include("organisations.urls")),
    path("organisation/", include("organisations.bank_urls")),
    path("programmes/", include("catalogue.urls")),
    path("staff/dashboard/", include("reporting.urls")),
    path("staff/", include("workflow.urls")),
    path("accounts/", include("allauth.urls")),
    path("messages/", include("notifications.urls")),
    path("language/", set_language, name="set_language"),
    # Not namespaced: letters and e-mails link to reverse("privacy").
    path("privacy/", privacy_notice, name="privacy"),
    path("admin/", admin.site.urls),
    path("healthz", lambda request: HttpResponse("ok", content_type="text/plain"), name="healthz"),
]
