from django.apps import AppConfig


class UserTextConfig(AppConfig):
    name = "usertext"
    verbose_name = "User text"
