from django.core.management.base import BaseCommand

from demo.demo_data import DEMO_PASSWORD, USERS, load_demo_data


class Command(BaseCommand):
    help = "Load Bremen's demo programmes, organisations and one user per role (safe to run twice)."

    def handle(self, *args, **options):
        load_demo_data()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data is loaded. Every demo login uses the password {DEMO_PASSWORD}")
        )
        for email, *_, role in USERS:
            self.stdout.write(f"  {email:36} {role}")
