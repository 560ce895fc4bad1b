import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("teilhabe")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def keep_usable_connections(sender=None, **kwargs):
    """Workers keep their database connection between tasks (CELERY_DB_REUSE_MAX) instead of opening one per
    task; like a web request, each task starts and ends by dropping a connection that failed or is older than
    CONN_MAX_AGE, and the next query then opens a fresh, health-checked one (so a database restart heals)."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
