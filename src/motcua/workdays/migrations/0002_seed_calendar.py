"""Load the public-sector calendar 2020-2030 (holidays.md §3 CSV, python-holidays elsewhere).

One bulk insert per year; later runs of ``seed_calendar`` keep whatever the province edited.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from motcua.workdays.services import seed_calendar

    seed_calendar(model=apps.get_model("workdays", "CalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop, elidable=True)]
