"""The catalog as the index sees it for a period: which procedures were in force, where,
with which online level and fees, and which publication decisions fell in the period.

A procedure counts for a period when a version of it had been published by the period's
last day and it was not abolished before the period's first day — so a procedure abolished
mid-period still counts for that period (it was offered part of it). Its attributes are
those of the version in force on the last day (or when it was abolished).

Building this reads the whole catalog (a few thousand rows, a few hundred milliseconds);
it is kept per period in each process and rebuilt when the catalog's signature changes (a
version published or abolished, a decision added or its publication date set — published
versions themselves are frozen), or after an hour at most.
"""

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

from motcua.agencies.models import Unit
from motcua.catalog.models import Fee, Procedure, ProcedureVersion, RequiredDocument, VersionStatus
from motcua.core.text import vn_fold
from motcua.workdays import deadlines
from motcua.workdays.services import calendar_for

from .tallies import path_ids

CACHE_SECONDS = 3600
_cache: dict[tuple, tuple[float, tuple, "Snapshot"]] = {}
_lock = threading.Lock()


@dataclass
class Item:
    """One procedure in force during the period."""

    procedure_id: int
    code: str
    name: str
    version_id: int
    online_level: str
    full_online_eligible: bool
    has_fees: bool
    citizens: bool
    complete: bool
    missing: list[str]
    folded_name: str
    unit_ids: set[int] = field(default_factory=set)  # implementing units and their ancestors
    # 766 1.1 / 1.2 within the period: None = nothing published in the period
    published_in_period: bool = False
    publish_on_time: bool | None = None  # None: not assessable (no effective date)
    public_on_time: bool | None = None
    publications: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Sets:
    all: frozenset[int]
    online: frozenset[int]  # một phần or toàn trình
    full: frozenset[int]
    partial: frozenset[int]
    eligible: frozenset[int]  # flagged eligible for toàn trình
    fees: frozenset[int]
    citizens: frozenset[int]
    complete: frozenset[int]
    published: frozenset[int]  # a publication decision dated in the period
    assessable: frozenset[int]  # … with the legal basis' effective date known
    publish_on_time: frozenset[int]
    public_on_time: frozenset[int]

    @classmethod
    def of(cls, items: list["Item"]) -> "Sets":
        def ids(test) -> frozenset[int]:
            return frozenset(i.procedure_id for i in items if test(i))

        return cls(
            all=ids(lambda i: True),
            online=ids(lambda i: i.online_level in ("FULL", "PARTIAL")),
            full=ids(lambda i: i.online_level == "FULL"),
            partial=ids(lambda i: i.online_level == "PARTIAL"),
            eligible=ids(lambda i: i.full_online_eligible),
            fees=ids(lambda i: i.has_fees),
            citizens=ids(lambda i: i.citizens),
            complete=ids(lambda i: i.complete),
            published=ids(lambda i: i.published_in_period),
            assessable=ids(lambda i: i.published_in_period and i.publish_on_time is not None),
            publish_on_time=ids(lambda i: i.published_in_period and i.publish_on_time),
            public_on_time=ids(lambda i: i.published_in_period and i.public_on_time),
        )


@dataclass
class Snapshot:
    first: date
    last: date
    items: dict[int, Item]
    root_ids: set[int]

    by_scope: dict[int, list[Item]] | None = None
    summaries: dict[int, "Sets"] = field(default_factory=dict)

    def sets(self, unit: Unit) -> "Sets":
        """The procedure-id sets the 766 catalog indicators count, for ``unit``'s subtree
        (computed once per snapshot and unit; requests only intersect them)."""
        found = self.summaries.get(unit.pk)
        if found is None:
            found = self.summaries[unit.pk] = Sets.of(self.in_scope(unit))
        return found

    def in_scope(self, unit: Unit) -> list[Item]:
        if unit.pk in self.root_ids:
            return list(self.items.values())
        if self.by_scope is None:
            index: dict[int, list[Item]] = defaultdict(list)
            for item in self.items.values():
                for uid in item.unit_ids:
                    index[uid].append(item)
            self.by_scope = index
        return list(self.by_scope.get(unit.pk, []))


def signature() -> tuple:
    """What changes whenever the catalog changes in a way the index sees (three small
    aggregate queries)."""
    from django.db.models import Count, Max

    from motcua.catalog.models import PublicationDecision

    versions = ProcedureVersion.objects.exclude(status=VersionStatus.DRAFT).aggregate(
        n=Count("pk"), last=Max("pk"),
        published=Count("pk", filter=models.Q(status=VersionStatus.PUBLISHED)),
    )  # fmt: skip
    abolished = Procedure.objects.filter(abolished_by__isnull=False).count()
    decisions = PublicationDecision.objects.aggregate(
        n=Count("pk"), last=Max("pk"), published=Count("published_on"), latest=Max("published_on")
    )
    return (*versions.values(), abolished, *decisions.values())


_signature: list = [0.0, None]
SIGNATURE_SECONDS = 2  # one request asks several times; a catalog edit shows within seconds


def snapshot(first: date, last: date, params: dict | None = None) -> Snapshot:
    key = (first, last, repr(sorted((params or {}).items())))
    now = time.monotonic()
    if now - _signature[0] > SIGNATURE_SECONDS or _signature[1] is None:
        _signature[:] = [now, signature()]
    sig = _signature[1]
    hit = _cache.get(key)
    if hit and now - hit[0] < CACHE_SECONDS and hit[1] == sig:
        return hit[2]
    built = _build(first, last, params or {})
    with _lock:
        if len(_cache) > 64:
            _cache.clear()
        _cache[key] = (now, sig, built)
    return built


def invalidate(**_kwargs) -> None:
    with _lock:
        _cache.clear()
        _signature[:] = [0.0, None]


for _model in (Procedure, ProcedureVersion):
    post_save.connect(invalidate, sender=_model, dispatch_uid=f"monitoring.registry.{_model}")
    post_delete.connect(invalidate, sender=_model, dispatch_uid=f"monitoring.registry.d{_model}")
m2m_changed.connect(
    invalidate,
    sender=ProcedureVersion.implementing_units.through,
    dispatch_uid="monitoring.registry.units",
)


REQUIRED_PARTS = [
    ("name", "tên thủ tục"),
    ("procedure_steps", "trình tự thực hiện"),
    ("methods", "cách thức thực hiện"),
    ("documents", "thành phần, số lượng hồ sơ"),
    ("time_limit", "thời hạn giải quyết"),
    ("subject_types", "đối tượng thực hiện"),
    ("units", "cơ quan thực hiện"),
]


def _build(first: date, last: date, params: dict) -> Snapshot:
    """Read the catalog with plain value queries (no model instances: thousands of
    procedures and tens of thousands of unit links)."""
    versions = list(
        ProcedureVersion.objects.exclude(status=VersionStatus.DRAFT)
        .filter(decision__isnull=False, decision__date__lte=last)
        .order_by("procedure_id", "decision__date", "number")
        .values(
            "pk", "procedure_id", "procedure__code", "procedure__abolished_by__number",
            "procedure__abolished_by__date", "procedure__abolished_by__level",
            "procedure__abolished_by__published_on", "name", "online_level",
            "full_online_eligible", "subject_types", "time_limit_value", "procedure_steps",
            "methods", "legal_basis_effective_date", "decision__number", "decision__date",
            "decision__level", "decision__published_on",
        )
    )  # fmt: skip
    by_procedure: dict[int, list[dict]] = defaultdict(list)
    for v in versions:
        by_procedure[v["procedure_id"]].append(v)
    current = {}
    for pid, history in by_procedure.items():
        abolished = history[-1]["procedure__abolished_by__date"]
        if abolished is None or abolished >= first:
            current[pid] = history[-1]["pk"]
    wanted = list(current.values())
    ancestors = {
        uid: frozenset(path_ids(path)) for uid, path in Unit.objects.values_list("pk", "path")
    }
    through = ProcedureVersion.implementing_units.through
    units: dict[int, set[int]] = defaultdict(set)
    for vid, uid in through.objects.filter(procedureversion_id__in=wanted).values_list(
        "procedureversion_id", "unit_id"
    ):
        units[vid].update(ancestors.get(uid, ()))
    documents = set(
        RequiredDocument.objects.filter(version_id__in=wanted).values_list("version_id", flat=True)
    )
    fees = set(
        Fee.objects.filter(version_id__in=wanted, amount__gt=0).values_list("version_id", flat=True)
    )
    cal = calendar_for(None)
    items: dict[int, Item] = {}
    for pid, vid in current.items():
        history = by_procedure[pid]
        items[pid] = _item(history, units[vid], vid in documents, vid in fees, first, last, cal,
                           params)  # fmt: skip
    roots = set(Unit.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    return Snapshot(first, last, items, roots)


def _item(history, unit_ids, has_documents, has_fees, first, last, cal, params) -> Item:
    v = history[-1]
    parts = {
        "name": bool(v["name"].strip()),
        "procedure_steps": bool(v["procedure_steps"].strip()),
        "methods": bool(v["methods"].strip()),
        "documents": has_documents,
        "time_limit": v["time_limit_value"] is not None and v["time_limit_value"] > 0,
        "subject_types": bool(v["subject_types"]),
        "units": bool(unit_ids),
    }
    item = Item(
        procedure_id=v["procedure_id"],
        code=v["procedure__code"],
        name=v["name"],
        version_id=v["pk"],
        online_level=v["online_level"],
        full_online_eligible=v["full_online_eligible"],
        has_fees=has_fees,
        citizens="citizen" in (v["subject_types"] or []),
        complete=all(parts.values()),
        missing=[label for key, label in REQUIRED_PARTS if not parts[key]],
        folded_name=vn_fold(v["name"]),
        unit_ids=set(unit_ids),
    )
    # Publications dated in the period: each version's decision, and an abolition.
    events = [
        (ver["decision__number"], ver["decision__date"], ver["decision__level"],
         ver["decision__published_on"], ver["legal_basis_effective_date"])
        for ver in history
        if first <= ver["decision__date"] <= last
    ]  # fmt: skip
    abolished = v["procedure__abolished_by__date"]
    if abolished is not None and first <= abolished <= last:
        events.append((v["procedure__abolished_by__number"], abolished,
                       v["procedure__abolished_by__level"],
                       v["procedure__abolished_by__published_on"],
                       v["legal_basis_effective_date"]))  # fmt: skip
    for number, day, level, published_on, effective in events:
        item.published_in_period = True
        wd = _working_days(params, level)
        record = {"decision": number, "date": day.isoformat()}
        if effective is not None:
            deadline = effective
            for _ in range(wd["publish"]):
                deadline = cal.previous_working_day(deadline)
            on_time = day <= deadline
            record["publish_deadline"] = deadline.isoformat()
            record["publish_on_time"] = on_time
            item.publish_on_time = on_time and item.publish_on_time is not False
        public_deadline = deadlines.add_working_days(day, wd["public"], cal)
        public_on_time = published_on is not None and published_on <= public_deadline
        record["public_deadline"] = public_deadline.isoformat()
        record["published_on"] = published_on.isoformat() if published_on else None
        record["public_on_time"] = public_on_time
        item.public_on_time = public_on_time and item.public_on_time is not False
        item.publications.append(record)
    return item


def _working_days(params: dict, level: str) -> dict[str, int]:
    publish = params.get("publish", {})
    public = params.get("public", {})
    key = "ministry_working_days" if level == "ministry" else "province_working_days"
    return {
        "publish": int(publish.get(key, 20 if level == "ministry" else 5)),
        "public": int(public.get(key, 10 if level == "ministry" else 5)),
    }
