from django.urls import path

from workflow import views

app_name = "workflow"
urlpatterns = [
    path("", views.TaskListView.as_view(), name="tasks"),
    path("tasks/<int:task_id>/", views.TaskView.as_view(), name="task"),
    path("applications/<int:pk>/", views.ApplicationView.as_view(), name="application"),
    path("documents/<int:pk>/", views.DocumentView.as_view(), name="document"),
    path("applications/<int:pk>/cancel/", views.CancelView.as_view(), name="application_cancel"),
]
