"""Load the unit tree (with counters) from the JSON format of docs/catalog-format.md."""

from django.db import transaction

from motcua.catalog.models import Field

from .models import Counter, Unit

UNIT_FIELDS = ("name", "short_name", "level", "kind", "one_stop", "address", "phone", "email")


@transaction.atomic
def import_units(nodes: list[dict], parent: Unit | None = None) -> int:
    """Create or update units by code, depth first; returns how many units were read."""
    count = 0
    for node in nodes:
        unit, _ = Unit.objects.update_or_create(
            code=node["code"],
            defaults={"parent": parent, **{k: node[k] for k in UNIT_FIELDS if k in node}},
        )
        for c in node.get("counters", []):
            counter, _ = Counter.objects.update_or_create(
                unit=unit, number=c["number"], defaults={"name": c["name"]}
            )
            if c.get("fields"):
                counter.fields.set(Field.objects.filter(code__in=c["fields"]))
        count += 1 + import_units(node.get("children", []), unit)
    return count
