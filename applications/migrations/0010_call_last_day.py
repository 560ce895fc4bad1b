"""A call's last day becomes the field administrators edit; `closes_at` is derived from it from now on.

Existing calls keep their closing moment: `last_day` is the Berlin date of the last moment before `closes_at`
(a call closing at 01.03.2027 00:00 gets 28.02.2027, one closing at 28.02.2027 23:59 gets 28.02.2027 too);
`closes_at` itself is not recomputed here.

Requests for missing items stored at 23:59:59 of their deadline day move to its last moment, 23:59:59.999999,
the representation applications.deadlines describes; their deadline day does not change.
"""

from datetime import timedelta

from django.db import migrations, models

from applications.deadlines import berlin_date, last_day_before, last_moment_of


def fill_last_day(apps, schema_editor):
    Call = apps.get_model("applications", "Call")
    calls = list(Call.objects.filter(last_day__isnull=True).only("pk", "closes_at"))
    for call in calls:
        call.last_day = last_day_before(call.closes_at)
    Call.objects.bulk_update(calls, ["last_day"], batch_size=500)


def deadlines_to_last_moment(apps, schema_editor):
    ItemsRequest = apps.get_model("applications", "ItemsRequest")
    changed = []
    for request in ItemsRequest.objects.only("pk", "deadline").iterator(chunk_size=2000):
        end = last_moment_of(berlin_date(request.deadline))
        if timedelta(0) < end - request.deadline < timedelta(seconds=1):
            request.deadline = end
            changed.append(request)
    ItemsRequest.objects.bulk_update(changed, ["deadline"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0009_authority_reasons_budget_memo"),
    ]

    operations = [
        migrations.AddField(
            model_name="call",
            name="last_day",
            field=models.DateField(
                null=True,
                help_text="Applications are accepted until the end of this day.",
                verbose_name="last day for applications",
            ),
        ),
        migrations.RunPython(fill_last_day, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="call",
            name="last_day",
            field=models.DateField(
                help_text="Applications are accepted until the end of this day.",
                verbose_name="last day for applications",
            ),
        ),
        migrations.AlterField(
            model_name="call",
            name="closes_at",
            field=models.DateTimeField(editable=False, verbose_name="closes at"),
        ),
        migrations.RunPython(deadlines_to_last_moment, migrations.RunPython.noop),
    ]
