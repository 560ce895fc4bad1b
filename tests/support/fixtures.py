import os

import pytest
from django.conf import settings

from tests.support.mailbox import Mailbox, free_port
from tests.support.worker import Worker, uses_broker, worker_database_url


@pytest.fixture(scope="session")
def smtp_server():
    mailbox = Mailbox()
    mailbox.start()
    yield mailbox
    mailbox.stop()


@pytest.fixture(scope="session", autouse=True)
def media_root(tmp_path_factory):
    """Uploaded and generated files go to a fresh folder, shared with the worker process."""
    path = tmp_path_factory.mktemp("media")
    settings.MEDIA_ROOT = str(path)
    return path


@pytest.fixture(scope="session")
def celery_worker_session(django_db_setup, django_db_blocker, smtp_server, media_root, tmp_path_factory):
    if not uses_broker():
        yield None
        return
    from config.celery_app import app

    queue = f"teilhabe-test-{os.getpid()}"
    app.conf.task_default_queue = queue
    with django_db_blocker.unblock():
        database_url = worker_database_url()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "EMAIL_HOST": smtp_server.host,
        "EMAIL_PORT": str(smtp_server.port),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DEBUG": "true",
    }
    worker = Worker(queue=queue, log_path=tmp_path_factory.mktemp("worker") / "worker.log", env=env)
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def tasks_in_process():
    """Celery tasks run in the test's own process right away, also in the CI pass that has a real worker: for
    tests that look at what a task did (an e-mail in `mail.outbox`, a rendered letter) rather than at how the
    worker runs it (that is tested in tests/reliability and with the `background_worker` fixture)."""
    from config.celery_app import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def mail_server_down(settings, mailbox):
    """E-mail goes to a port where nothing listens (connection refused), until the test calls `up()`."""
    from notifications import mail

    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    mail.close()

    class Switch:
        @staticmethod
        def up():
            settings.EMAIL_PORT = mailbox.port
            mail.close()

    yield Switch
    mail.close()
