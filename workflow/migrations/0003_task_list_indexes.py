"""Partial indexes for the staff work lists on viewflow's task table (its model belongs to viewflow, so they are
plain SQL, valid on PostgreSQL and SQLite alike): the queue (free new tasks, oldest first, also by step), all open tasks
(oldest first, for the dashboard's overdue list), a person's open tasks
and a person's finished tasks. Each covers only the rows its list reads, a small part of the table."""

from django.db import migrations

INDEXES = {
    "teilhabe_task_queue": "viewflow_task (created, id) WHERE status = 'NEW' AND owner_id IS NULL",
    "teilhabe_task_queue_by_step": "viewflow_task (flow_task, created, id) WHERE status = 'NEW' AND owner_id IS NULL",
    "teilhabe_task_open": "viewflow_task (created, id) WHERE status IN ('NEW', 'ASSIGNED', 'STARTED', 'ERROR')",
    "teilhabe_task_open_by_owner": "viewflow_task (owner_id, created, id) WHERE status IN ('NEW', 'ASSIGNED')",
    "teilhabe_task_done_by_owner": "viewflow_task (owner_id, finished) WHERE status = 'DONE'",
}


class Migration(migrations.Migration):
    dependencies = [
        ("viewflow", "0015_task_scheduled"),
        ("workflow", "0002_early_start"),
    ]

    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}", f"DROP INDEX IF EXISTS {name}")
        for name, definition in INDEXES.items()
    ]
