from django.urls import path

from workflow import views

app_name = "workflow"
urlpatterns = [
    path("", views.TaskListView.as_view(), name="tasks"),
    path("tasks/<int:task_id>/", views.TaskView.as_view(), name="task"),
]
