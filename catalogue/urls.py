from django.urls import path

from catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.programme_detail, name="programme"),
    path("offers/<int:pk>/", views.offer_detail, name="offer"),
]
