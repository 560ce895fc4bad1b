from django.urls import path

from organisations import views

app_name = "bank_accounts"
urlpatterns = [
    path("<int:pk>/bank-account/", views.bank_account, name="bank_account"),
]
