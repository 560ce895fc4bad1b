"""The base rates the Deutsche Bundesbank published (§ 247 BGB), so interest can be computed from the start.
Administrators add each later rate in the admin."""

from decimal import Decimal

from django.db import migrations

PUBLISHED = [
    ("2013-01-01", "-0.13"),
    ("2013-07-01", "-0.38"),
    ("2014-01-01", "-0.63"),
    ("2014-07-01", "-0.73"),
    ("2015-01-01", "-0.83"),
    ("2016-07-01", "-0.88"),
    ("2023-01-01", "1.62"),
    ("2023-07-01", "3.12"),
    ("2024-01-01", "3.62"),
    ("2024-07-01", "3.37"),
    ("2025-01-01", "2.27"),
    ("2025-07-01", "1.27"),
]


def seed(apps, schema_editor):
    BaseRate = apps.get_model("grants", "BaseRate")
    for valid_from, rate in PUBLISHED:
        BaseRate.objects.get_or_create(valid_from=valid_from, defaults={"rate": Decimal(rate)})


class Migration(migrations.Migration):
    dependencies = [("grants", "0001_base_rates")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
