from django.apps import AppConfig


class UserTextConfig(AppConfig):
    name = "usertext"
    verbose_name = "User text"

    def ready(self):
        from usertext import lookups

        lookups.register()
