"""Seed the default 766 formula version (domain.md §3.2) so administrators can see and copy it."""

from datetime import date

from django.db import migrations


def seed(apps, schema_editor):
    from motcua.monitoring.formulas import DEFAULT

    FormulaConfig = apps.get_model("monitoring", "FormulaConfig")
    FormulaConfig.objects.get_or_create(
        code=DEFAULT["code"],
        defaults={
            "name": DEFAULT["name"],
            "valid_from": date(2022, 6, 23),
            "config": DEFAULT,
            "note": "Quyết định 766/QĐ-TTg ngày 23/06/2022; trọng số và công thức theo Cổng "
            "DVCQG (domain.md §3.2, R-766-2).",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("monitoring", "FormulaConfig").objects.filter(code="qd766-v1").delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_facts_and_tallies")]
    operations = [migrations.RunPython(seed, unseed)]
