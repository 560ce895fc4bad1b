from django.urls import path

from grants.models import GrantLetter
from workflow import grant_views, views

app_name = "workflow"
urlpatterns = [
    path("", views.WorklistView.as_view(which="inbox"), name="tasks"),
    path("queue/", views.WorklistView.as_view(which="queue"), name="queue"),
    path("done/", views.WorklistView.as_view(which="done"), name="done"),
    path("<str:which>/export.<str:fmt>", views.WorklistExportView.as_view(), name="export"),
    path("queue/take/", views.BatchTakeView.as_view(), name="batch_take"),
    path("assign-reviewers/", views.BatchReviewersView.as_view(), name="batch_reviewers"),
    path("payments/", grant_views.PaymentOrdersView.as_view(), name="payment_orders"),
    path(
        "payments/<int:authority_pk>/order.<str:fmt>",
        grant_views.PaymentOrderFileView.as_view(),
        name="payment_order_file",
    ),
    path("tasks/<int:task_id>/", views.TaskView.as_view(), name="task"),
    path("applications/<int:pk>/", views.ApplicationView.as_view(), name="application"),
    path("documents/<int:pk>/", views.DocumentView.as_view(), name="document"),
    path("applications/<int:pk>/appeal/", grant_views.AppealView.as_view(), name="appeal"),
    path("grant-letters/<int:pk>/", grant_views.GrantLetterView.as_view(), name="grant_letter"),
    path("applications/<int:pk>/cancel/", views.CancelView.as_view(), name="application_cancel"),
    path(
        "applications/<int:pk>/letters/<int:letter_pk>/posted/",
        views.LetterPostedView.as_view(),
        name="letter_posted",
    ),
    path(
        "applications/<int:pk>/grant-letters/<int:letter_pk>/posted/",
        views.LetterPostedView.as_view(model=GrantLetter),
        name="grant_letter_posted",
    ),
]
