"""The province's unit tree."""

from ninja import Router, Schema

from motcua.agencies.models import Unit

router = Router(tags=["Cơ quan, đơn vị"])


class UnitNode(Schema):
    code: str
    name: str
    short_name: str
    level: str
    kind: str
    one_stop: bool
    address: str
    children: list["UnitNode"] = []


@router.get("", response=list[UnitNode], summary="Cây cơ quan, đơn vị")
def unit_tree(request):
    """Every active unit, nested under its parent (one query, assembled in memory)."""
    units = list(Unit.objects.filter(active=True).order_by("depth", "name"))
    nodes = {u.pk: {**_fields(u), "children": []} for u in units}
    roots = []
    for u in units:
        if u.parent_id in nodes:
            nodes[u.parent_id]["children"].append(nodes[u.pk])
        else:
            roots.append(nodes[u.pk])
    return roots


def _fields(u: Unit) -> dict:
    return {
        "code": u.code,
        "name": u.name,
        "short_name": u.short_name,
        "level": u.level,
        "kind": u.kind,
        "one_stop": u.one_stop,
        "address": u.address,
    }
