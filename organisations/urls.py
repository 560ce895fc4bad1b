from django.urls import path

from organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.members, name="members"),
    path("invite/", views.invite, name="invite"),
    path("invitations/<int:pk>/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
    path("<int:pk>/role/", views.member_role, name="member_role"),
    path("<int:pk>/letters/", views.member_letters, name="member_letters"),
    path("<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("leave/", views.leave, name="leave"),
    path("join/<str:token>/", views.invitation, name="invitation"),
]
